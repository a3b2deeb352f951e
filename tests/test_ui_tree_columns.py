"""The tree's columns as a first-time user reads them (issue 19): the rating shown is the
one in the toolbar's period, headings sort within the groups, nothing is cut off."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt

from ragdesk.store import Store
from ragdesk.ui.main_window import MainWindow
from ragdesk.ui.tree_model import (
    COL_DUE,
    COL_ITEM,
    COL_RAG,
    COL_STATUS,
    ITEM_ID_ROLE,
    short_status,
)


def _rec(store: Store, number: str) -> int:
    return next(r.id for r in store.item_rows()
                if r.kind.value == "recommendation" and r.number == number)


def _choose_period(window: MainWindow, label: str) -> None:
    window.period_combo.setCurrentIndex(window.period_combo.findText(label))


def _column(window: MainWindow, group: int, column: int) -> list[str]:
    model = window.tree_model
    parent = model.index(group, 0)
    return [model.index(r, column, parent).data() for r in range(model.rowCount(parent))]


def test_rating_column_follows_the_toolbar_period(qtbot, window: MainWindow) -> None:
    store, model = window.store, window.tree_model
    peel = store.inspections()[0]
    item = next(r for r in store.item_rows() if r.inspection_id == peel.id)
    jan, jun = store.period_by_label("Jan 2024"), store.period_by_label("Jun 2024")
    store.set_rag(item_id=item.id, period_id=jan.id, rag="RED")
    store.set_rag(item_id=item.id, period_id=jun.id, rag="GREEN")
    window.tree.setCurrentIndex(model.index(0, 0))  # the inspection: no item moves the period
    _choose_period(window, "Jun 2024")
    cell = model.index_for_item(item.id).siblingAtColumn(COL_RAG)
    assert cell.data() == "GREEN"
    assert model.headerData(COL_RAG, Qt.Orientation.Horizontal) == "RAG Jun 2024"
    _choose_period(window, "Jan 2024")
    assert model.index_for_item(item.id).siblingAtColumn(COL_RAG).data() == "RED"
    assert model.headerData(COL_RAG, Qt.Orientation.Horizontal) == "RAG Jan 2024"
    # clearing the rating in the period shown clears it in the tree (issue 19's Rec 7)
    window.operations.rate(item.id, jan.id, None)
    assert model.index_for_item(item.id).siblingAtColumn(COL_RAG).data() == "Not rated"
    window.act_undo.trigger()
    assert model.index_for_item(item.id).siblingAtColumn(COL_RAG).data() == "RED"
    # the heading is whole at the default width
    width = window.tree.header().fontMetrics().horizontalAdvance("RAG Jan 2024")
    assert window.tree.columnWidth(COL_RAG) > width


def test_headings_sort_within_each_group(qtbot, window: MainWindow) -> None:
    store, model, header = window.store, window.tree_model, window.tree.header()
    jun = store.period_by_label("Jun 2024")
    _choose_period(window, "Jun 2024")
    groups = model.rowCount()
    before = [_column(window, g, COL_ITEM) for g in range(groups)]
    header_pos = header.sectionViewportPosition(COL_RAG) + 5
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton,
                     pos=QPoint(header_pos, header.height() // 2))
    assert header.sortIndicatorSection() == COL_RAG
    order = ["RED", "AMBER", "GREEN", "BLUE", "Not rated"]
    for g in range(groups):
        shown = _column(window, g, COL_RAG)
        assert shown == sorted(shown, key=order.index)
        assert sorted(_column(window, g, COL_ITEM)) == sorted(before[g])  # grouping kept
    assert model.rowCount() == groups
    # the sort follows a new rating
    g = next(g for g in range(groups) if _column(window, g, COL_RAG)[0] != "Not rated")
    first = model.index(0, 0, model.index(g, 0)).data(ITEM_ID_ROLE)
    window.operations.rate(int(first), jun.id, None)
    shown = _column(window, g, COL_RAG)
    assert shown == sorted(shown, key=order.index) and shown[-1] == "Not rated"
    assert model.index_for_item(int(first)).row() == len(shown) - 1  # moved to the end
    # descending: GREEN before RED, the unrated still last
    model.sort(COL_RAG, Qt.SortOrder.DescendingOrder)
    shown = _column(window, g, COL_RAG)
    rated = [s for s in shown if s != "Not rated"]
    assert rated == sorted(rated, key=order.index, reverse=True) and shown[-1] == "Not rated"


def test_deadlines_sort_as_dates(window: MainWindow) -> None:
    store, model = window.store, window.tree_model
    model.sort(COL_DUE, Qt.SortOrder.AscendingOrder)
    for g in range(model.rowCount()):
        parent = model.index(g, 0)
        ids = [model.index(r, 0, parent).data(ITEM_ID_ROLE) for r in range(model.rowCount(parent))]
        deadlines = [store.item(i).deadline for i in ids]
        keys = [(0, None) if d.immediate else (1, d.date) if d.date else (2, None)
                for d in deadlines]
        dated = [k[1] for k in keys if k[0] == 1]
        assert dated == sorted(dated)
        assert [k[0] for k in keys] == sorted(k[0] for k in keys)
    model.sort(COL_STATUS, Qt.SortOrder.AscendingOrder)
    positions = {s.code: s.position for s in store.statuses()}
    parent = model.index(0, 0)
    statuses = [store.item(model.index(r, 0, parent).data(ITEM_ID_ROLE)).status
                for r in range(model.rowCount(parent))]
    assert [positions[s] for s in statuses] == sorted(positions[s] for s in statuses)


def test_nothing_is_cut_at_the_default_size(window: MainWindow) -> None:
    store, tree, model = window.store, window.tree, window.tree_model
    metrics = tree.fontMetrics()
    overdue = [r for r in store.item_rows() if r.overdue]
    assert overdue
    text = model.index_for_item(overdue[0].id).siblingAtColumn(COL_DUE).data()
    assert text.startswith("⚠ Overdue ") and len(text.split()[-1]) == 8  # 31/10/23
    assert metrics.horizontalAdvance(text) + 8 < tree.columnWidth(COL_DUE)
    assert "(" in model.index_for_item(overdue[0].id).siblingAtColumn(COL_DUE).data(
        Qt.ItemDataRole.ToolTipRole)  # the full date in the tooltip
    for status in store.statuses():
        assert metrics.horizontalAdvance(short_status(status.label)) + 8 < tree.columnWidth(COL_STATUS)
    closed = next(r for r in store.item_rows() if r.status == "verified_closed")
    cell = model.index_for_item(closed.id).siblingAtColumn(COL_STATUS)
    assert cell.data() == "Verified closed"
    assert cell.data(Qt.ItemDataRole.ToolTipRole) == "Verified closed by the inspectorate"
    # the Item column (cut with "…", whole in its tooltip) keeps the largest share
    assert tree.columnWidth(COL_ITEM) > max(tree.columnWidth(c) for c in (COL_RAG, COL_STATUS, COL_DUE))
