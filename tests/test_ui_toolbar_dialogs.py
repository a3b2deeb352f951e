"""Toolbar and small dialogs at the default size (issue 19): short Undo/Redo buttons that
keep the toolbar still, the full text in tooltips and the Edit menu, whole dialog hints."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QToolBar, QToolButton

from ragdesk.store import Store
from ragdesk.ui.dialogs import PeriodDialog
from ragdesk.ui.main_window import MainWindow


def _rec(store: Store, number: str) -> int:
    return next(r.id for r in store.item_rows()
                if r.kind.value == "recommendation" and r.number == number)


def _button(window: MainWindow, action) -> QToolButton:
    toolbar = window.findChild(QToolBar, "mainToolBar")
    button = toolbar.widgetForAction(action)
    assert isinstance(button, QToolButton)
    return button


def test_undo_and_redo_buttons_stay_short(qtbot, window: MainWindow) -> None:
    store = window.store
    rec13 = _rec(store, "13")
    jul = store.period_by_label("Jul 2023")
    undo, redo = _button(window, window.tool_undo), _button(window, window.tool_redo)
    assert not undo.isEnabled() and not redo.isEnabled()
    widths = (undo.sizeHint().width(), redo.sizeHint().width())
    assert window.operations.rate(rec13, jul.id, "RED")
    assert undo.isEnabled() and undo.text() == "Undo"
    assert (undo.sizeHint().width(), redo.sizeHint().width()) == widths  # no jump
    # the whole text: in the tooltip and in the Edit menu
    assert window.act_undo.text().startswith("&Undo ") and len(window.act_undo.text()) > 10
    assert window.act_undo.text().replace("&", "") in window.tool_undo.toolTip()
    assert "Ctrl+Z" in window.tool_undo.toolTip()
    qtbot.mouseClick(undo, Qt.MouseButton.LeftButton)
    assert store.assessment(item_id=rec13, period_id=jul.id).rag == "AMBER"
    assert redo.isEnabled() and redo.text() == "Redo"
    assert window.act_redo.text().replace("&", "") in window.tool_redo.toolTip()
    window.tool_redo.trigger()
    assert store.assessment(item_id=rec13, period_id=jul.id).rag == "RED"


def test_new_period_dialog_shows_its_title_and_hints_whole(qtbot) -> None:
    dialog = PeriodDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    metrics = dialog.fontMetrics()
    for edit in (dialog.label, dialog.date, dialog.meeting):
        assert edit.width() > metrics.horizontalAdvance(edit.placeholderText()) + 8
    assert dialog.width() > 2 * metrics.horizontalAdvance(dialog.windowTitle())


def test_f1_opens_getting_started_and_the_keyboard_reference(qtbot, window: MainWindow) -> None:
    help_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Help")
    assert [a.text() for a in help_menu.actions()][:2] == ["&Getting Started", "&Keyboard Reference"]
    window.tree.setFocus()
    qtbot.keyClick(window.tree, Qt.Key.Key_F1)
    dialog = window._help
    assert dialog is not None and dialog.isVisible()
    assert dialog.tabs.currentWidget() is dialog.getting_started
    assert "press R, A or G" in dialog.getting_started.toPlainText().replace("\n", " ")
    window.act_keys.trigger()
    assert dialog.tabs.currentWidget() is dialog.keyboard
    keys = dialog.keyboard.toPlainText()
    assert "R, A, G (B)" in keys  # the grid's one-key rating
    # built from the window's own actions: each shortcut is listed with its action
    assert "Print Preview" in keys and "Ctrl+Shift+P" in keys
    assert "New Reporting Period" in keys and "Ctrl+Alt+N" in keys
    assert "Save Changes" in keys
    dialog.close()


def test_keyboard_reference_lists_keys_a_keyboard_has(window: MainWindow) -> None:
    from ragdesk.ui.help import keyboard_rows

    rows = dict(keyboard_rows(window.actions()))
    for keys in rows.values():
        names = keys.split(", ")
        assert len(names) == len(set(names)), keys  # no key listed twice
        assert not any(n.isalpha() and len(n) > 1 and n not in ("Del", "Delete") for n in names)
    assert rows["Getting Started"] == "F1"
