"""Partial refreshes (a rating, an edit: only the named rows re-read) show what a full read shows.

The tree and grid re-read only the items a change names so a keystroke stays
within a frame on thousands of items; here every cell of the partly refreshed
models is compared with freshly built models after each kind of change.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, Qt

from ragdesk.store import Store
from ragdesk.ui.grid_model import GridModel
from ragdesk.ui.tree_model import ItemFilter, TreeModel

ROLES = (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.UserRole + 3,
         Qt.ItemDataRole.UserRole + 4)


def _dump(model: Any, parent: QModelIndex | None = None) -> list[Any]:
    parent = parent if parent is not None else QModelIndex()
    out = []
    for row in range(model.rowCount(parent)):
        for col in range(model.columnCount(parent)):
            index = model.index(row, col, parent)
            out.append([index.data(role) for role in ROLES])
        first = model.index(row, 0, parent)
        if model.rowCount(first):
            out.append(_dump(model, first))
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    return [out, headers]


def _live(store: Store, item_filter: ItemFilter | None = None) -> tuple[TreeModel, GridModel]:
    tree, grid = TreeModel(store), GridModel(store)
    if item_filter is not None:
        tree.set_filter(item_filter)
        grid.set_visible(tree.visible_item_ids())

    def on_change(change: Any) -> None:  # what the main window does, in the same order
        tree.refresh(change)
        grid.set_visible(tree.visible_item_ids())
        grid.refresh(change)
    store.listeners.append(on_change)
    return tree, grid


def _fresh(store: Store, item_filter: ItemFilter | None, period_id: int | None,
           ) -> tuple[TreeModel, GridModel]:
    tree, grid = TreeModel(store), GridModel(store)
    if item_filter is not None:
        tree.set_filter(item_filter)
        grid.set_visible(tree.visible_item_ids())
    grid.set_dot_period(period_id)
    return tree, grid


def _check(store: Store, live: tuple[TreeModel, GridModel], item_filter: ItemFilter | None) -> None:
    tree, grid = live
    fresh_tree, fresh_grid = _fresh(store, item_filter, grid.dot_period_id)
    assert _dump(tree) == _dump(fresh_tree)
    assert _dump(grid) == _dump(fresh_grid)


def test_ratings_and_edits_refresh_exactly_the_named_rows(sample_store: Store) -> None:
    live = _live(sample_store)
    periods = sample_store.periods()
    items = [r.id for r in sample_store.item_rows()]
    live[1].set_dot_period(periods[1].id)  # arrows of an earlier period change too
    live[1].set_dot_period(periods[-1].id)
    sample_store.set_rag(item_id=items[0], period_id=periods[-1].id, rag="RED")
    _check(sample_store, live, None)
    sample_store.set_rag(item_id=items[-1], period_id=periods[1].id, rag="GREEN")  # an earlier period: later arrows move
    _check(sample_store, live, None)
    live[1].set_dot_period(periods[1].id)
    _check(sample_store, live, None)
    sample_store.update_item(items[3], text="<p>A new text &amp; title</p>")
    sample_store.save_assessment(item_id=items[4], period_id=periods[-1].id, update="<p>Quokka</p>", rag="AMBER")
    _check(sample_store, live, None)
    with sample_store.batch():
        for item_id in items[5:9]:
            sample_store.set_rag(item_id=item_id, period_id=periods[-1].id, rag=None)
    _check(sample_store, live, None)


def test_a_change_that_moves_an_item_in_or_out_of_the_filter_relays_the_rows(
        sample_store: Store) -> None:
    red = ItemFilter(rag="RED")
    live = _live(sample_store, red)
    latest = sample_store.periods()[-1].id
    items = [r.id for r in sample_store.item_rows()]
    sample_store.set_rag(item_id=items[1], period_id=latest, rag="RED")  # joins the filter
    _check(sample_store, live, red)
    sample_store.set_rag(item_id=items[1], period_id=latest, rag="GREEN")  # leaves it
    _check(sample_store, live, red)
    text = ItemFilter(text="quokka")
    live[0].set_filter(text)
    live[1].set_visible(live[0].visible_item_ids())
    sample_store.save_assessment(item_id=items[2], period_id=latest, update="<p>quokka sighted</p>")
    _check(sample_store, live, text)
    assert live[0].visible_item_ids() == [items[2]]


def test_a_filter_that_shows_the_same_rows_repaints_nothing(qtbot, sample_store: Store) -> None:
    """A search matching every item (common words) lays out the same rows: it must not
    tell the view that each of them changed (3,000 signals into the view per keystroke)."""
    tree = TreeModel(sample_store)
    before = _dump(tree)
    every = sample_store.item_rows()
    words = next(w for w in ("the", "force", "police") if len(sample_store.search(w)) == len(every))
    with qtbot.assertNotEmitted(tree.dataChanged), qtbot.assertNotEmitted(tree.modelReset):
        tree.set_filter(ItemFilter(text=words))
    assert _dump(tree) == before and len(tree.visible_item_ids()) == len(every)
    with qtbot.waitSignal(tree.modelReset):  # a filter that hides rows still relays them
        tree.set_filter(ItemFilter(text="police"))
    assert 0 < len(tree.visible_item_ids()) < len(every)
