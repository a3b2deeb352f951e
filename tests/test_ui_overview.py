"""The Overview and What Changed docks as a person uses them: open, click a bar, a list, clear.

Expectations come from the database (a Store) or the sample JSON, never from the
overview code under test.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from ragdesk.store import Store
from ragdesk.ui.changes_view import ItemDiffDialog
from ragdesk.ui.main_window import MainWindow
from ragdesk.ui.report_dialog import ReportDialog

SAMPLE_JSON = Path(__file__).resolve().parents[1] / "resources" / "sample" / "sample.json"


@pytest.fixture
def window_size() -> tuple[int, int]:
    return (1400, 1000)


def _peel_id(store: Store) -> int:
    return next(i.id for i in store.inspections() if i.title.startswith("PEEL"))


def _open_overview(qtbot, window: MainWindow):
    panel = window.overview_dock.widget()
    action = window.overview_dock.toggleViewAction()
    assert action.shortcut().toString() == "Alt+5"
    action.trigger()
    qtbot.waitUntil(lambda: panel.store is window.store and bool(panel.trend.bars))
    return panel


def test_clicking_a_bar_segment_shows_those_items_and_the_pick_clears(qtbot, window: MainWindow) -> None:
    store = window.store
    panel = _open_overview(qtbot, window)
    panel.inspection.setCurrentIndex(panel.inspection.findData(_peel_id(store)))
    qtbot.waitUntil(lambda: [b.label for b in panel.trend.bars] == ["Jan 2024", "Jun 2024"])
    jun = store.period_by_label("Jun 2024")
    amber = {a.item_id for a in store.assessments(period_id=jun.id) if a.rag == "AMBER"}
    rect = panel.trend.segment_rect("Jun 2024", "AMBER")
    assert rect is not None
    qtbot.mouseClick(panel.trend, Qt.MouseButton.LeftButton, pos=rect.center().toPoint())
    qtbot.waitUntil(lambda: window.tree_model.visible_item_ids() is not None)
    assert set(window.tree_model.visible_item_ids()) == amber and len(amber) == 5
    bar = window.filter_bar
    assert bar.picked.isVisible() and "AMBER" in bar.picked.text() and "(5)" in bar.picked.text()
    qtbot.mouseClick(bar.picked_clear, Qt.MouseButton.LeftButton)
    assert window.tree_model.visible_item_ids() is None and not bar.picked.isVisible()

    # a bar's label stands for the whole bar
    label = panel.trend.label_rect("Jan 2024")
    qtbot.mouseClick(panel.trend, Qt.MouseButton.LeftButton, pos=label.center().toPoint())
    peel_items = {i.id for i in store.items(_peel_id(store))}
    assert set(window.tree_model.visible_item_ids()) == peel_items
    # the main Clear button clears the pick too
    qtbot.mouseClick(bar.clear_button, Qt.MouseButton.LeftButton)
    assert window.tree_model.visible_item_ids() is None


def test_board_and_status_bars_pick_their_items(qtbot, window: MainWindow) -> None:
    store = window.store
    panel = _open_overview(qtbot, window)
    panel.charts.setCurrentWidget(panel.boards)
    qtbot.waitUntil(lambda: panel.boards.isVisible())
    label = panel.boards.label_rect("Contact Management")
    qtbot.mouseClick(panel.boards, Qt.MouseButton.LeftButton, pos=label.center().toPoint())
    expected = {i.id for i in store.items() if i.board == "Contact Management"}
    assert set(window.tree_model.visible_item_ids()) == expected and len(expected) == 4
    panel.charts.setCurrentWidget(panel.statuses)
    qtbot.waitUntil(lambda: panel.statuses.isVisible())
    label = panel.statuses.label_rect("Proposed for closure")
    qtbot.mouseClick(panel.statuses, Qt.MouseButton.LeftButton, pos=label.center().toPoint())
    assert set(window.tree_model.visible_item_ids()) == {
        i.id for i in store.items() if i.status == "proposed_for_closure"}


def test_clicking_a_list_row_filters_to_the_list_and_selects_the_item(qtbot, window: MainWindow) -> None:
    store = window.store
    panel = _open_overview(qtbot, window)
    overdue = {r.id for r in store.item_rows() if r.overdue}
    assert panel.overdue.model.rowCount() == len(overdue) == 2
    assert panel.lists.tabText(0) == "Overdue (2)"
    table = panel.overdue.table
    index = panel.overdue.model.index(1, 0)
    item_id = panel.overdue.model.data(index, Qt.ItemDataRole.UserRole)
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=table.visualRect(index).center())
    assert set(window.tree_model.visible_item_ids()) == overdue
    assert window.current_item == item_id
    assert "overdue" in window.filter_bar.picked.text()


def test_overview_follows_a_new_rating(qtbot, window: MainWindow) -> None:
    store = window.store
    panel = _open_overview(qtbot, window)
    panel.inspection.setCurrentIndex(panel.inspection.findData(_peel_id(store)))
    jun = store.period_by_label("Jun 2024")
    afi1 = next(i.id for i in store.items(_peel_id(store)) if i.number == "1")
    assert window.operations.rate(afi1, jun.id, "RED")
    qtbot.waitUntil(lambda: panel.trend.segment_rect("Jun 2024", "RED") is not None)
    bar = next(b for b in panel.trend.bars if b.label == "Jun 2024")
    assert {s.name: s.count for s in bar.segments} == {"AMBER": 4, "GREEN": 9, "RED": 1}


def _sample_moves() -> set[str]:
    data = json.loads(SAMPLE_JSON.read_text(encoding="utf-8"))
    peel = next(i for i in data["inspections"] if i["title"].startswith("PEEL"))
    moved = set()
    for item in peel["items"]:
        rags = {a["period"]: a["rag"] for a in item["assessments"]}
        if rags.get("Jan 2024") != rags.get("Jun 2024"):
            moved.add(f"AFI {item['number']}")
    return moved


def test_what_changed_defaults_to_the_last_two_periods_and_shows_the_diff(qtbot, window: MainWindow) -> None:
    panel = window.changes_dock.widget()
    window.changes_dock.toggleViewAction().trigger()
    qtbot.waitUntil(lambda: panel.model.rowCount() > 0)
    assert (panel.since.currentText(), panel.period.currentText()) == ("Jan 2024", "Jun 2024")
    panel.only_moves.setChecked(True)  # compared on a worker thread: the window does not wait
    qtbot.waitUntil(lambda: not panel.busy)
    assert {c.label for c in panel.model.rows} == _sample_moves()
    # the first row is shown: its rating move and the narratives' words marked
    text = panel.diff.toPlainText()
    first = panel.model.rows[0]
    assert f"{first.rag_before} → Jun 2024 {first.rag_after}" in text
    assert "underline" in panel.diff.toHtml() and "+" in text
    # double-click: the tree shows the changed items with that one current
    qtbot.waitUntil(panel.table.isVisible)
    index = panel.model.index(1, 0)
    rect = panel.table.visualRect(index)
    # a real double-click starts with a press (QTest's bare double-click event does not)
    qtbot.mouseClick(panel.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(panel.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert {window.tree_model.item_row(i).label for i in window.tree_model.visible_item_ids()} \
        == _sample_moves()
    assert window.current_item == panel.model.rows[1].item_id
    # a "From" after "to" is refused with a sentence, not a crash
    panel.since.setCurrentIndex(panel.since.findText("Jun 2024"))
    assert panel.model.rowCount() == 0 and "before" in panel.summary.text()


def test_item_diff_marks_an_inserted_and_a_deleted_sentence(qtbot, window: MainWindow) -> None:
    store = window.store
    jun = store.period_by_label("Jun 2024")
    dec = store.add_period("Dec 2024", date="2024-12-31")
    afi3 = next(i for i in store.items(_peel_id(store)) if i.number == "3")
    note = store.assessment(item_id=afi3.id, period_id=jun.id).status_note
    first_sentence = note.split(". ")[0] + "."
    assert first_sentence in note
    store.save_assessment(item_id=afi3.id, period_id=dec.id, status_note=note.replace(first_sentence, "").strip()
                          + " Closure is planned for July.")
    dialog = ItemDiffDialog(window, store, afi3.id)
    qtbot.addWidget(dialog)
    assert (dialog.since.currentText(), dialog.period.currentText()) == ("Jun 2024", "Dec 2024")
    struck, underlined = _marked_text(dialog.view.document())
    assert first_sentence in struck and first_sentence not in underlined
    assert "Closure is planned for July." in underlined
    assert "Closure is planned for July." not in struck
    # the action in the menus opens the same dialog for the current item
    assert window.act_compare.shortcut().toString() == "Ctrl+Alt+D"


def _marked_text(document) -> tuple[str, str]:
    """The struck-through and the underlined words as the text view shows them."""
    struck, underlined = [], []
    block = document.begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            fragment = it.fragment()
            if fragment.isValid():
                fmt = fragment.charFormat()
                if fmt.fontStrikeOut():
                    struck.append(fragment.text())
                if fmt.fontUnderline():
                    underlined.append(fragment.text())
            it += 1
        block = block.next()
    return " ".join(" ".join(struck).split()), " ".join(" ".join(underlined).split())


def test_report_dialog_summary_and_changes_options(qtbot, sample_store: Store) -> None:
    dialog = ReportDialog(None, sample_store, action="pdf")
    qtbot.addWidget(dialog)
    assert not dialog.changes_since.isEnabled()
    dialog.summary.setChecked(True)
    dialog.changes.setChecked(True)
    assert dialog.changes_since.isEnabled()
    dialog.changes_since.setCurrentIndex(dialog.changes_since.findText("Jan 2024"))
    options = dialog.options()
    assert options.summary is True
    assert options.changes_since == sample_store.period_by_label("Jan 2024").id


def test_history_dock_button_compares_the_current_items_periods(qtbot, window: MainWindow,
                                                                 monkeypatch) -> None:
    store = window.store
    afi5 = next(i.id for i in store.items(_peel_id(store)) if i.number == "5")
    assert window.select_item(afi5, None)
    shown: list[str] = []

    def exec_(dialog: ItemDiffDialog) -> int:
        shown.append(dialog.view.toPlainText())
        return 0

    monkeypatch.setattr(ItemDiffDialog, "exec", exec_)
    window.history_dock.toggleViewAction().trigger()
    qtbot.waitUntil(window.history_dock.isVisible)
    qtbot.mouseClick(window.history_dock.widget().compare, Qt.MouseButton.LeftButton)
    assert len(shown) == 1
    assert "AFI 5" in shown[0] and "AMBER → Jun 2024 GREEN" in shown[0]
