"""The editor pane inside the real main window: moving, Ctrl+S and closing never lose typing."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from ragdesk.store import Store
from ragdesk.ui.editor import EditorPane
from ragdesk.ui.main_window import MainWindow


@pytest.fixture
def window(window: MainWindow) -> MainWindow:
    """The conftest window, whose conflict dialog answers "cancel" without showing."""
    assert isinstance(window.editor, EditorPane)
    window.editor.resolve_conflict = lambda parent, **kw: None
    return window


def ids(store: Store) -> tuple[int, int, int]:
    rows = store.item_rows()
    rec13 = next(r.id for r in rows if r.label == "Rec 13")
    rec15 = next(r.id for r in rows if r.label == "Rec 15")
    return rec13, rec15, store.period_by_label("Jul 2023").id


def test_switching_item_saves_what_was_typed(qtbot, window, sample_path, reader):
    rec13, rec15, jul = ids(window.store)
    assert window.select_item(rec13, jul)
    editor = window.editor.update_box.editor
    editor.moveCursor(editor.textCursor().MoveOperation.End)
    qtbot.keyClicks(editor, " Reviewed <again> & agreed.")
    assert window.select_item(rec15, jul)
    with reader(sample_path) as check:
        assert check.assessment(item_id=rec13, period_id=jul).update.endswith(
            " Reviewed &lt;again&gt; &amp; agreed.</p>")


def test_ctrl_s_and_undo_from_the_window(qtbot, window, sample_path, reader):
    rec13, _rec15, jul = ids(window.store)
    window.select_item(rec13, jul)
    pane = window.editor
    pane.status_note.setFocus()
    qtbot.keyClicks(pane.status_note, "Star Chamber 17.05.24")
    qtbot.keyClick(pane.status_note, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    with reader(sample_path) as check:
        assert check.assessment(item_id=rec13, period_id=jul).status_note == "Star Chamber 17.05.24"
    window.undo_stack.undo()
    with reader(sample_path) as check:
        assert check.assessment(item_id=rec13, period_id=jul).status_note == ""
    assert pane.status_note.toPlainText() == ""


def test_a_bad_date_keeps_the_window_on_the_item(qtbot, window, sample_path):
    rec13, rec15, jul = ids(window.store)
    window.select_item(rec13, jul)
    pane = window.editor
    pane.review_date.setText("31/13/2024")
    assert not window.select_item(rec15, jul)  # refused: the person must fix or clear it
    assert window.current_item == rec13
    assert pane.review_error.isVisible() and pane.review_date.text() == "31/13/2024"
    pane.review_date.setText("")
    assert window.select_item(rec15, jul)


def test_closing_saves_and_reopening_shows_it(qtbot, window, sample_path, reader):
    rec13, _rec15, jul = ids(window.store)
    window.select_item(rec13, jul)
    qtbot.mouseClick(window.editor.rag.buttons["GREEN"], Qt.MouseButton.LeftButton)
    qtbot.keyClicks(window.editor.intent_box.editor, "Plan agreed")
    assert window.close()
    with reader(sample_path) as check:
        saved = check.assessment(item_id=rec13, period_id=jul)
        assert saved.rag == "GREEN" and saved.intent_and_implementation == "<p>Plan agreed</p>"
