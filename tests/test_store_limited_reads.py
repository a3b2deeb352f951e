"""Reads a view uses to refresh only what a change names: same answers as the full reads."""

from __future__ import annotations

import random

from ragdesk.domain import Dot, ItemKind
from ragdesk.store import Store


def _reference_directions(store: Store, period_id: int) -> dict[int, Dot | None]:
    """The rule written out plainly: override, else this rating against the latest earlier one."""
    position = {p.id: p.position for p in store.periods()}
    ranks = {r.code: r.rank for r in store.ratings(include_disabled=True)}
    result: dict[int, Dot | None] = {}
    for a in store.assessments(period_id=period_id):
        earlier = [b for b in store.assessments(item_id=a.item_id)
                   if position[b.period_id] < position[period_id] and b.rag]
        if a.dot:
            result[a.item_id] = a.dot
        elif not a.rag or not earlier:
            result[a.item_id] = None
        else:
            previous = max(earlier, key=lambda b: position[b.period_id]).rag
            diff = ranks[a.rag] - ranks[previous]
            result[a.item_id] = Dot.SAME if diff == 0 else Dot.UP if diff > 0 else Dot.DOWN
    return result


def _messy(store: Store) -> tuple[list[int], list[int]]:
    rng = random.Random(11)
    periods = [store.add_period(f"P{n}", carry_forward=False).id for n in range(5)]
    items = []
    with store.batch():  # one transaction: fast
        _fill(store, rng, periods, items)
    return periods, items


def _fill(store: Store, rng: random.Random, periods: list[int], items: list[int]) -> None:
    for i in range(3):  # 120 items: more than Store._ratings_before looks up one by one
        inspection = store.add_inspection(f"Inspection {i}")
        for n in range(40):
            item = store.add_item(inspection.id, ItemKind.AFI, str(n + 1))
            items.append(item.id)
            for pid in periods:
                roll = rng.random()
                if roll < 0.2:
                    continue  # no assessment this period
                store.save_assessment(item.id, pid, rag=None if roll < 0.35 else
                                      rng.choice(["RED", "AMBER", "GREEN"]),
                                      dot="-" if rng.random() < 0.1 else None)


def test_directions_follow_the_rule_for_every_item_and_for_some(empty_store: Store) -> None:
    periods, items = _messy(empty_store)
    for pid in periods:
        expected = _reference_directions(empty_store, pid)
        assert empty_store.directions(pid) == expected
        some = items[::5]
        assert empty_store.directions(pid, some) == {k: v for k, v in expected.items() if k in some}


def test_item_rows_and_grid_for_some_items_match_the_full_read(empty_store: Store) -> None:
    periods, items = _messy(empty_store)
    some = set(items[3::4])
    for period_id in (None, periods[2]):
        full = empty_store.item_rows(period_id=period_id)
        assert empty_store.item_rows(period_id=period_id, item_ids=some) == [
            r for r in full if r.id in some]
    grid = empty_store.rag_grid()
    assert empty_store.rag_grid(some) == {k: v for k, v in grid.items() if k[0] in some}
    assert empty_store.item_rows(item_ids=[]) == [] and empty_store.rag_grid([]) == {}
    many = list(range(-700, 0)) + items  # past SQLite's parameter limit: still one query
    assert empty_store.item_rows(item_ids=many) == empty_store.item_rows()


def test_latest_rating_skips_unrated_later_periods(empty_store: Store) -> None:
    inspection = empty_store.add_inspection("PEEL")
    item = empty_store.add_item(inspection.id, ItemKind.AFI, "1")
    first, second = empty_store.add_period("Jan"), empty_store.add_period("Jun")
    empty_store.set_rag(item.id, first.id, "GREEN")
    empty_store.save_assessment(item.id, second.id, rag=None)
    assert empty_store.item_rows()[0].rag == "GREEN"
    assert empty_store.item_rows(period_id=second.id)[0].rag is None


def test_carry_forward_copies_each_items_latest_assessment(empty_store: Store) -> None:
    periods, items = _messy(empty_store)
    new = empty_store.add_period("Next")
    position = {p.id: p.position for p in empty_store.periods()}
    for item_id in items:
        before = [a for a in empty_store.assessments(item_id=item_id) if a.period_id != new.id]
        carried = empty_store.assessment(item_id, new.id)
        if not before:
            assert carried is None
            continue
        latest = max(before, key=lambda a: position[a.period_id])
        assert carried is not None and carried.draft
        assert (carried.rag, carried.update) == (latest.rag, latest.update)


def test_grid_and_latest_rating_reads_use_the_covering_index(empty_store: Store) -> None:
    """Schema 3: the grid's reads never walk the assessment rows (they hold the narratives)."""
    plans = [" ".join(str(r[3]) for r in empty_store.conn.execute("EXPLAIN QUERY PLAN " + sql))
             for sql in ("SELECT item_id, period_id, rag, draft FROM assessments",
                         "SELECT a.item_id, a.rag, MAX(p.position) FROM assessments a "
                         "JOIN periods p ON p.id = a.period_id WHERE a.rag IS NOT NULL "
                         "GROUP BY a.item_id")]
    assert all("COVERING INDEX assessments_ratings" in plan for plan in plans), plans


def test_every_item_row_read_twice_is_the_same_until_anyone_writes(empty_store: Store,
                                                                    tmp_path) -> None:
    """The tree and the grid both read every row; the second read may be answered from the
    first only while nobody (this connection or another one) has written anything."""
    periods, items = _messy(empty_store)
    first = empty_store.item_rows()
    assert empty_store.item_rows() == first and empty_store.item_rows() is not first
    empty_store.set_rag(items[0], periods[-1], "GREEN")  # our own write
    assert next(r for r in empty_store.item_rows() if r.id == items[0]).rag == "GREEN"
    other = Store.open(empty_store.path)  # somebody else's
    try:
        other.update_item(items[1], board="A colleague's board")
    finally:
        other.close()
    assert next(r for r in empty_store.item_rows() if r.id == items[1]).board == "A colleague's board"
    assert empty_store.item_rows(item_ids=[items[1]])[0].board == "A colleague's board"


def test_rating_columns_hold_the_same_cells_as_the_grid_read(empty_store: Store) -> None:
    periods, _items = _messy(empty_store)
    empty_store.add_period("Carried", carry_forward=True)  # a column of drafts
    grid = empty_store.rag_grid()
    columns = empty_store.rating_columns()
    assert list(columns) == [p.id for p in empty_store.periods()]
    regrouped = {(item_id, pid): (rag, item_id in drafts)
                 for pid, (rags, drafts) in columns.items() for item_id, rag in rags.items()}
    assert regrouped == grid and any(draft for _rag, draft in grid.values())
    assert empty_store.rating_columns([periods[1]]) == {periods[1]: columns[periods[1]]}
