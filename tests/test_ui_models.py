"""The tree and grid models: Qt's model tester, one-query refreshes, filters and sync.

Run against the sample database; every assertion compares what the model shows
with what the store holds.
"""

from __future__ import annotations

from PySide6.QtCore import Qt

from ragdesk.store import Store
from ragdesk.ui.grid_model import DRAFT_ROLE, ITEM_ID_ROLE, GridModel
from ragdesk.ui.tree_model import (
    COL_DUE,
    COL_ITEM,
    COL_RAG,
    NOT_RATED,
    RAG_ROLE,
    ItemFilter,
    TreeModel,
)


def _rec(store: Store, number: str) -> int:
    return next(r.id for r in store.item_rows()
                if r.kind.value == "recommendation" and r.number == number)


def test_tree_model_passes_qt_model_tester(qtmodeltester, sample_store: Store) -> None:
    model = TreeModel(sample_store)
    qtmodeltester.check(model)
    for grouping in ("board", "area", "lead", "inspection"):
        model.set_grouping(grouping)
        qtmodeltester.check(model)
    model.set_filter(ItemFilter(rag="AMBER"))
    qtmodeltester.check(model)


def test_grid_model_passes_qt_model_tester(qtmodeltester, sample_store: Store) -> None:
    model = GridModel(sample_store)
    qtmodeltester.check(model)
    model.set_visible([_rec(sample_store, "13")])
    qtmodeltester.check(model)


def test_tree_shows_every_item_with_rating_word_and_overdue(sample_store: Store) -> None:
    model = TreeModel(sample_store)
    assert model.rowCount() == len(sample_store.inspections()) == 2
    shown = sum(model.rowCount(model.index(r, 0)) for r in range(model.rowCount()))
    assert shown == sample_store.counts()["items"] == 47
    rec13 = _rec(sample_store, "13")
    index = model.index_for_item(rec13)
    assert index.data().startswith("Rec 13")
    rag = index.siblingAtColumn(COL_RAG)
    assert rag.data() == "AMBER" and rag.data(RAG_ROLE) == "AMBER"
    row = model.item_row(rec13)
    assert row is not None and row.overdue
    assert "Overdue" in index.siblingAtColumn(COL_DUE).data()


def test_tree_filters_by_text_rag_status_and_overdue(sample_store: Store) -> None:
    model = TreeModel(sample_store)
    rows = {r.id: r for r in sample_store.item_rows()}
    model.set_filter(ItemFilter(text="CoreVet"))
    assert _rec(sample_store, "13") in model.visible_item_ids()
    assert set(model.visible_item_ids()) == set(sample_store.search("CoreVet"))

    model.set_filter(ItemFilter(rag="AMBER"))
    visible = model.visible_item_ids()
    assert visible and all(rows[i].rag == "AMBER" for i in visible)
    assert len(visible) == sum(1 for r in rows.values() if r.rag == "AMBER")

    model.set_filter(ItemFilter(overdue=True))
    assert set(model.visible_item_ids()) == {i for i, r in rows.items() if r.overdue}

    model.set_filter(ItemFilter(status="verified_closed", rag="GREEN"))
    assert set(model.visible_item_ids()) == {
        i for i, r in rows.items() if r.status == "verified_closed" and r.rag == "GREEN"}

    model.set_filter(ItemFilter(rag=NOT_RATED))
    assert model.visible_item_ids() == []
    assert model.rowCount() == 0  # inspections without matches are hidden

    model.set_filter(ItemFilter(text='"); DROP TABLE items; -- <b>&'))
    assert model.visible_item_ids() == []
    model.set_filter(ItemFilter())
    assert model.visible_item_ids() is None


def test_tree_repaints_in_place_for_a_rating_and_resets_for_structure(
        qtbot, sample_store: Store) -> None:
    model = TreeModel(sample_store)
    sample_store.listeners.append(model.refresh)
    rec13 = _rec(sample_store, "13")
    jul = sample_store.period_by_label("Jul 2023")
    assert jul is not None
    with qtbot.assertNotEmitted(model.modelReset), qtbot.waitSignal(model.dataChanged):
        sample_store.set_rag(item_id=rec13, period_id=jul.id, rag="RED")
    assert model.index_for_item(rec13).siblingAtColumn(COL_RAG).data() == "RED"
    inspection = sample_store.inspections()[0]
    with qtbot.waitSignal(model.modelReset):
        new = sample_store.add_item(inspection.id, "recommendation", "99", text="<p>New & <b>odd</b></p>")
    assert model.index_for_item(new.id).isValid()
    assert model.index_for_item(new.id).data() == "Rec 99  New & odd"


def test_grid_cells_drafts_and_header_counts(sample_store: Store) -> None:
    model = GridModel(sample_store)
    sample_store.listeners.append(model.refresh)
    periods = sample_store.periods()
    assert model.columnCount() == len(periods) + 3
    jul = sample_store.period_by_label("Jul 2023")
    assert jul is not None
    col = model.column_of_period(jul.id)
    rec13 = _rec(sample_store, "13")
    row = model.row_of_item(rec13)
    assert row is not None and col is not None
    cell = model.index(row, col)
    assert cell.data() == "AMBER"
    assert cell.data(Qt.ItemDataRole.BackgroundRole).color().name().upper() == "#FFC000"
    counts = {a.rag: 0 for a in sample_store.assessments(period_id=jul.id)}
    for a in sample_store.assessments(period_id=jul.id):
        counts[a.rag] += 1
    header = model.headerData(col, Qt.Orientation.Horizontal)
    assert header.startswith("Jul 2023") and f"A{counts['AMBER']}" in header

    new = sample_store.add_period("Sep 2024", carry_forward=True)
    new_col = model.column_of_period(new.id)
    assert new_col is not None
    new_cell = model.index(model.row_of_item(rec13), new_col)
    assert new_cell.data() == "AMBER*" and new_cell.data(DRAFT_ROLE) is True
    assert new_cell.data(Qt.ItemDataRole.FontRole).italic()
    assert "Draft" in new_cell.data(Qt.ItemDataRole.ToolTipRole)
    # headings are not selectable, so arrow keys skip them
    assert model.flags(model.index(0, 1)) == Qt.ItemFlag.NoItemFlags
    assert model.index(0, 0).data(ITEM_ID_ROLE) is None
    assert not model.index(0, 0).parent().isValid()


def test_tree_ignores_changes_it_does_not_show(qtbot, sample_store: Store) -> None:
    model = TreeModel(sample_store)
    sample_store.listeners.append(model.refresh)
    rec13 = _rec(sample_store, "13")
    with qtbot.assertNotEmitted(model.modelReset), qtbot.assertNotEmitted(model.dataChanged):
        sample_store.add_evidence(rec13, "note.txt", b"hello")
    assert model.index_for_item(rec13).siblingAtColumn(COL_ITEM).isValid()


def test_grid_header_counts_fit_their_column_however_many_items(qtbot, empty_store: Store) -> None:
    """A period's counts ("R1200 A1200", "G1200") are never cut off: the columns are as wide
    as the largest counts the file's item count allows (two counts to a line)."""
    from PySide6.QtGui import QFontMetrics

    from ragdesk.domain import ItemKind
    from ragdesk.ui.grid_view import GridView

    store = empty_store
    period = store.add_period("Sep 2026 — Star Chamber")
    with store.batch():
        inspection = store.add_inspection("PEEL 2025")
        for n in range(1200):
            item = store.add_item(inspection.id, ItemKind.AFI, str(n + 1))
            store.set_rag(item_id=item.id, period_id=period.id, rag="AMBER")
    model = GridModel(store)
    view = GridView(model)
    qtbot.addWidget(view)
    column = model.column_of_period(period.id)
    header = model.headerData(column, Qt.Orientation.Horizontal)
    assert header.splitlines() == ["Sep 2026 — Star Chamber", "R0 A1200", "G0"]
    font = view.horizontalHeader().font()
    font.setBold(True)
    widest = max(QFontMetrics(font).horizontalAdvance(line) for line in header.splitlines())
    assert view.columnWidth(column) > widest
    lines = view.horizontalHeader().sizeHint().height() // view.horizontalHeader().fontMetrics().lineSpacing()
    assert lines >= 3  # label and two lines of counts
