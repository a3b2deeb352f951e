"""Reporting periods as the window shows them (issue 19): the grid marks the periods an
inspection never reported in, and choosing an item never moves the period silently."""

from __future__ import annotations

from PySide6.QtCore import Qt

from ragdesk.store import Store
from ragdesk.ui.grid_model import UNUSED_ROLE
from ragdesk.ui.main_window import MainWindow


def _rec(store: Store, number: str) -> int:
    return next(r.id for r in store.item_rows()
                if r.kind.value == "recommendation" and r.number == number)


def _click_tree_item(qtbot, window: MainWindow, item_id: int) -> None:
    index = window.tree_model.index_for_item(item_id)
    window.tree.scrollTo(index)
    qtbot.mouseClick(window.tree.viewport(), Qt.MouseButton.LeftButton,
                     pos=window.tree.visualRect(index).center())


def test_periods_an_inspection_never_used_are_marked(qtbot, window: MainWindow) -> None:
    store, model = window.store, window.grid_model
    rec13 = _rec(store, "13")  # vetting: reported in Jul 2023 only
    jul, jan = store.period_by_label("Jul 2023"), store.period_by_label("Jan 2024")
    row = model.row_of_item(rec13)
    unused = model.index(row, model.column_of_period(jan.id))
    assert unused.data(UNUSED_ROLE) is True
    assert "not one of this inspection's reporting periods" in unused.data(Qt.ItemDataRole.ToolTipRole)
    assert model.index(row, model.column_of_period(jul.id)).data(UNUSED_ROLE) is None
    # the PEEL items did report in Jan 2024: their cells are ordinary
    peel = next(r for r in store.item_rows() if r.inspection_id != store.item(rec13).inspection_id)
    assert model.index(model.row_of_item(peel.id),
                       model.column_of_period(jan.id)).data(UNUSED_ROLE) is None
    # rating it there makes Jan 2024 one of the inspection's periods, for every item of it
    window.grid.setFocus()
    window.grid.select_cell(rec13, jan.id)
    qtbot.keyClick(window.grid, Qt.Key.Key_A)
    assert store.assessment(item_id=rec13, period_id=jan.id).rag == "AMBER"
    assert unused.data(UNUSED_ROLE) is None and unused.data() == "AMBER"
    rec14 = _rec(store, "15")
    assert store.item(rec14).inspection_id == store.item(rec13).inspection_id
    cell = model.index(model.row_of_item(rec14), model.column_of_period(jan.id))
    assert cell.data(UNUSED_ROLE) is None


def test_choosing_an_item_says_when_it_moves_the_period(qtbot, window: MainWindow) -> None:
    store = window.store
    jun, jul = store.period_by_label("Jun 2024"), store.period_by_label("Jul 2023")
    assert window.current_period == jun.id
    rec13 = _rec(store, "13")
    _click_tree_item(qtbot, window, rec13)
    assert window.current_period == jul.id
    note = window.editor.period_note
    assert note.isVisibleTo(window.editor)
    assert "moved from Jun 2024 to Jul 2023" in note.text()
    assert "Jul 2023" in window.statusBar().currentMessage()
    assert window.period_combo.currentText() == "Jul 2023"
    # choosing the period yourself is no surprise: the note goes
    window.period_combo.setCurrentIndex(window.period_combo.findData(jun.id))
    assert window.current_period == jun.id
    assert not note.isVisibleTo(window.editor)


def test_search_matches_are_highlighted_in_the_editor(qtbot, window: MainWindow) -> None:
    store = window.store
    rec13 = _rec(store, "13")
    jul = store.period_by_label("Jul 2023")
    before = store.assessment(item_id=rec13, period_id=jul.id)
    qtbot.keyClicks(window.filter_bar.text, "corevet")
    window.filter_bar.apply_now()
    qtbot.waitUntil(lambda: not window.tree_model.search_waiting)  # the first search's index
    _click_tree_item(qtbot, window, rec13)
    editor = window.editor
    assert editor.search_note.isVisibleTo(editor)
    assert "found in:" in editor.search_note.text() and "Update" in editor.search_note.text()
    marks = editor.update_box.editor.extraSelections()
    assert marks and all(m.cursor.selectedText().lower().startswith("corevet") for m in marks)
    # the marks are not part of the text: nothing is saved
    assert editor.flush()
    after = store.assessment(item_id=rec13, period_id=jul.id)
    assert after.update == before.update and after.version == before.version
    # a field that does not match carries no marks
    assert not editor.impact_box.editor.extraSelections() or "Impact" in editor.search_note.text()
    window.filter_bar.clear()
    assert not editor.search_note.isVisibleTo(editor)
    assert editor.update_box.editor.extraSelections() == []


def test_a_search_for_one_inspection_shows_only_its_periods(qtbot, window: MainWindow) -> None:
    store, grid, model = window.store, window.grid, window.grid_model
    jul, jan, jun = (store.period_by_label(p) for p in ("Jul 2023", "Jan 2024", "Jun 2024"))

    def hidden() -> set[str]:
        return {p.label for p in model.periods if grid.isColumnHidden(model.column_of_period(p.id))}

    assert hidden() == set()  # every item shown: every period belongs to someone
    qtbot.keyClicks(window.filter_bar.text, "corevet")
    window.filter_bar.apply_now()
    qtbot.waitUntil(lambda: not window.tree_model.search_waiting)  # the first search's index
    assert {store.item(i).inspection_id for i in window.tree_model.visible_item_ids()} == {
        store.item(_rec(store, "13")).inspection_id}
    # the first match is chosen, which moves the period to Jul 2023, the vetting items' only
    assert window.current_period == jul.id
    assert hidden() == {"Jan 2024", "Jun 2024"}
    # the period chosen at the top is always shown, used or not
    window.period_combo.setCurrentIndex(window.period_combo.findData(jun.id))
    assert hidden() == {"Jan 2024"}
    _click_tree_item(qtbot, window, _rec(store, "13"))  # moves the period back to Jul 2023
    assert window.current_period == jul.id
    assert hidden() == {"Jan 2024", "Jun 2024"}
    assert not grid.isColumnHidden(model.column_of_period(jul.id))
    window.filter_bar.clear()
    assert hidden() == set() and jan is not None
