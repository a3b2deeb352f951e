"""Carrying narratives forward by reference (schema 4): what a user sees must not change.

Adding a period gives every item a draft whose update, intent and impact are
those of its latest earlier assessment. Since schema 4 the draft refers to them
(``carried_from``) instead of copying them, and copies them in on the first change.

Decision tested here: a carried draft is a copy of what the texts were when the
period was added. Editing the draft never changes the source, and editing the
source never changes the draft (the store first gives the draft its own copy).
Deleting the source keeps the draft's texts, and every undo (``restore``) puts
back rows that own their texts, so it never depends on another row.
"""

from __future__ import annotations

import itertools
import sqlite3
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ragdesk import cli, dbfile, richtext, schema
from ragdesk.dbfile import carry_problems
from ragdesk.domain import Dot, ItemKind
from ragdesk.errors import Damaged
from ragdesk.jsonio import export_csv, export_data
from ragdesk.store import Identity, Store

ME = Identity(user="tester", host="test-host")
TEXTS = ("update", "intent_and_implementation", "impact")


def texts(store: Store, item_id: int, period_id: int) -> tuple[str, str, str] | None:
    a = store.assessment(item_id, period_id)
    return None if a is None else (a.update, a.intent_and_implementation, a.impact)


def stored(store: Store, item_id: int, period_id: int) -> sqlite3.Row:
    """The raw row, to see whether it refers or owns its texts (the storage decision itself)."""
    return store.conn.execute("SELECT * FROM assessments WHERE item_id = ? AND period_id = ?",
                              (item_id, period_id)).fetchone()


@pytest.fixture
def carried(empty_store: Store) -> Iterator[tuple[Store, list[int], int, int]]:
    """Two items assessed in Jul 2023 (one with all three narratives), one never assessed;
    then Jan 2024 added with carry-forward."""
    store = empty_store
    inspection = store.add_inspection("PEEL 2023")
    items = [store.add_item(inspection.id, ItemKind.AFI, str(n)).id for n in (1, 2, 3)]
    jul = store.add_period("Jul 2023").id
    store.save_assessment(items[0], jul, rag="AMBER", status_note="on track",
                          update="<p>Vetting backlog halved.</p>",
                          intent_and_implementation="<ul><li>Recruit two vetting officers</li></ul>",
                          impact="<p>Fewer officers waiting.</p>")
    store.save_assessment(items[1], jul, rag="RED", update="<p>Not started.</p>")
    jan = store.add_period("Jan 2024").id
    yield store, items, jul, jan


# --------------------------------------------------------------------------- adding a period


def test_a_new_period_shows_each_items_latest_texts_as_a_draft(carried) -> None:
    store, items, jul, jan = carried
    for item_id in items[:2]:
        before, draft = store.assessment(item_id, jul), store.assessment(item_id, jan)
        assert draft is not None and before is not None
        assert texts(store, item_id, jan) == texts(store, item_id, jul)
        assert (draft.rag, draft.status_note, draft.draft) == (before.rag, before.status_note, True)
    assert store.assessment(items[2], jan) is None  # nothing to carry
    assert [a.update for a in store.assessments(period_id=jan)] == [
        "<p>Vetting backlog halved.</p>", "<p>Not started.</p>"]
    # stored by reference: the draft row holds no narrative of its own
    row = stored(store, items[0], jan)
    assert (row["update_text"], row["intent"], row["impact"]) == ("", "", "")
    assert row["carried_from"] == store.assessment(items[0], jul).id
    # each item's history shows the carry
    assert [e.field for e in store.item_history(items[0])][-1] == "carried forward"


def test_an_item_with_nothing_in_the_last_period_carries_its_older_assessment(carried) -> None:
    store, items, jul, jan = carried
    store.delete_assessment(items[1], jan)
    jun = store.add_period("Jun 2024").id
    assert texts(store, items[1], jun) == texts(store, items[1], jul)
    assert stored(store, items[1], jun)["carried_from"] == store.assessment(items[1], jul).id
    assert store.assessment(items[2], jun) is None


def test_two_periods_in_a_row_refer_to_the_row_owning_the_texts(carried) -> None:
    store, items, jul, jan = carried
    jun = store.add_period("Jun 2024").id
    source = store.assessment(items[0], jul).id
    assert stored(store, items[0], jun)["carried_from"] == source  # not to Jan's draft
    assert texts(store, items[0], jun) == texts(store, items[0], jul)
    store.save_assessment(items[0], jul, update="<p>Rewritten afterwards.</p>")
    assert texts(store, items[0], jan) == texts(store, items[0], jun) == (
        "<p>Vetting backlog halved.</p>", "<ul><li>Recruit two vetting officers</li></ul>",
        "<p>Fewer officers waiting.</p>")
    assert carry_problems(store.conn) == []


def test_without_carry_forward_the_period_starts_empty(carried) -> None:
    store, items, _, _ = carried
    jun = store.add_period("Jun 2024", carry_forward=False).id
    assert store.assessments(period_id=jun) == []


# --------------------------------------------------------------------------- editing


def test_editing_the_draft_leaves_the_source_alone_and_keeps_the_other_texts(carried) -> None:
    store, items, jul, jan = carried
    source = texts(store, items[0], jul)
    draft = store.save_assessment(items[0], jan, expected_version=1, update="<p>Backlog cleared.</p>")
    assert (draft.update, draft.intent_and_implementation, draft.impact) == (
        "<p>Backlog cleared.</p>", source[1], source[2])
    assert draft.draft is False and draft.version == 2
    assert texts(store, items[0], jul) == source
    assert stored(store, items[0], jan)["carried_from"] is None
    # the audit's old value is the text the user saw, not the stored ''
    entries = {e.field: (e.old, e.new) for e in store.audit_log("assessment", draft.id)}
    assert entries["update"] == (source[0], "<p>Backlog cleared.</p>")


def test_editing_the_source_leaves_the_carried_draft_as_it_was_carried(carried) -> None:
    store, items, jul, jan = carried
    carried_texts = texts(store, items[0], jan)
    store.save_assessment(items[0], jul, intent_and_implementation="<p>Changed later.</p>")
    assert texts(store, items[0], jan) == carried_texts
    assert texts(store, items[0], jul)[1] == "<p>Changed later.</p>"
    assert store.assessment(items[0], jan).version == 1  # not an edit: nobody gets a Conflict
    store.save_assessment(items[0], jan, expected_version=1, rag="GREEN")


def test_rating_the_source_keeps_the_reference(carried) -> None:
    """A rating is not a narrative: the draft still refers (and still shows the same texts)."""
    store, items, jul, jan = carried
    store.set_rag(items[0], jul, "GREEN")
    assert stored(store, items[0], jan)["carried_from"] == store.assessment(items[0], jul).id
    assert store.assessment(items[0], jan).rag == "AMBER"


def test_rating_or_confirming_the_draft_keeps_its_texts(carried) -> None:
    store, items, jul, jan = carried
    store.set_rag(items[0], jan, "GREEN")
    store.save_assessment(items[1], jan, draft=False)
    for item_id in items[:2]:
        assert texts(store, item_id, jan) == texts(store, item_id, jul)
        assert store.assessment(item_id, jan).draft is False
    assert store.assessment(items[0], jan).rag == "GREEN"


def test_search_finds_carried_texts_after_the_source_is_gone(carried) -> None:
    store, items, jul, _ = carried
    store.delete_period(jul)
    assert store.search("backlog halved") == [items[0]]


# --------------------------------------------------------------------------- deleting and undo


def _all_texts(store: Store) -> dict[tuple[int, int], tuple[str, str, str]]:
    return {(a.item_id, a.period_id): (a.update, a.intent_and_implementation, a.impact)
            for a in store.assessments()}


@pytest.mark.parametrize("delete", ["period", "assessment", "item", "inspection"])
def test_deleting_a_source_keeps_the_drafts_texts_and_undo_puts_everything_back(
        carried, delete: str) -> None:
    store, items, jul, jan = carried
    store.add_period("Jun 2024")
    everything = _all_texts(store)
    if delete == "period":
        snapshot = store.delete_period(jul)
    elif delete == "assessment":
        snapshot = store.delete_assessment(items[0], jul)
    elif delete == "item":
        snapshot = store.delete_item(items[0])
    else:
        snapshot = store.delete_inspection(store.inspections()[0].id)
    survivors = {k: v for k, v in everything.items() if k in _all_texts(store)}
    assert _all_texts(store) == survivors  # nothing left changed its texts
    assert all("carried_from" not in row for _, row in snapshot.rows)
    assert carry_problems(store.conn) == []
    store.restore(snapshot)
    assert _all_texts(store) == everything
    assert carry_problems(store.conn) == [] and store.integrity_check() == "ok"


def test_undo_of_adding_a_period_and_redo(carried) -> None:
    """The window undoes "add period" by deleting it and redoes it by restoring the snapshot."""
    store, items, jul, jan = carried
    everything = _all_texts(store)
    snapshot = store.delete_period(jan)
    assert _all_texts(store) == {k: v for k, v in everything.items() if k[1] == jul}
    store.restore(snapshot)
    assert _all_texts(store) == everything
    assert [a.draft for a in store.assessments(period_id=jan)] == [True, True]


def test_the_database_refuses_to_lose_a_reference(carried) -> None:
    """Guards below the store: raw SQL cannot strand a draft or hide texts behind a reference."""
    store, items, jul, jan = carried
    with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
        store.conn.execute("DELETE FROM assessments WHERE item_id = ? AND period_id = ?",
                           (items[0], jul))
    with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
        store.conn.execute("UPDATE assessments SET update_text = '<p>x</p>' "
                           "WHERE item_id = ? AND period_id = ?", (items[0], jan))
    # deleting an item's rows in all periods at once is fine (checked at the statement's end)
    store.conn.execute("BEGIN")
    store.conn.execute("DELETE FROM assessments WHERE item_id = ?", (items[0],))
    store.conn.execute("ROLLBACK")
    assert texts(store, items[0], jan) == texts(store, items[0], jul)


# --------------------------------------------------------------------------- checking a file


def _break_reference(path: Path, sql: str) -> None:
    """Damage a reference as another tool might (foreign keys off, checks ignored)."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA ignore_check_constraints = ON")
    conn.execute(sql)
    conn.close()


@pytest.mark.parametrize(("sql", "message"), [
    ("UPDATE assessments SET carried_from = 999 WHERE carried_from IS NOT NULL AND item_id = {a}",
     "does not exist"),
    ("UPDATE assessments SET carried_from = (SELECT id FROM assessments WHERE item_id = {a} "
     "AND period_id = {jan}) WHERE item_id = {a} AND period_id = {jun}", "from another itself"),
    ("UPDATE assessments SET carried_from = (SELECT id FROM assessments WHERE item_id = {b} "
     "AND carried_from IS NULL) WHERE carried_from IS NOT NULL AND item_id = {a}", "another item"),
])
def test_check_reports_a_broken_reference(carried, capsys, sql: str, message: str) -> None:
    store, items, _, jan = carried
    jun = store.add_period("Jun 2024").id
    path = Path(store.path)
    store.close()
    assert dbfile.check_file(path) == "ok"
    _break_reference(path, sql.format(a=items[0], b=items[1], jan=jan, jun=jun))
    assert message in dbfile.check_file(path)
    assert dbfile.check_file(path).startswith("damaged: carried-forward narratives of")
    with Store.open(path, identity=ME) as again:
        assert message in again.integrity_check()
    assert cli.main(["check", str(path)]) == 1
    assert message in capsys.readouterr().out


@pytest.mark.parametrize(("sql", "message"), [
    ("UPDATE assessments SET carried_from = id WHERE carried_from IS NOT NULL AND item_id = {a}",
     "same row"),
    ("UPDATE assessments SET impact = '<p>x</p>' WHERE carried_from IS NOT NULL AND item_id = {a}",
     "of its own"),
])
def test_a_reference_breaking_the_check_constraint_is_reported_read_only_too(
        carried, sql: str, message: str) -> None:
    """Referring to itself, or hiding its own texts behind a reference, breaks the CHECK; SQLite's
    quick check sees that only on a writable connection, so the read-only check asks itself."""
    store, items, _, _ = carried
    path = Path(store.path)
    store.close()
    _break_reference(path, sql.format(a=items[0]))
    assert message in dbfile.check_file(path)
    with pytest.raises(Damaged, match="CHECK constraint failed"):
        Store.open(path, identity=ME)


# --------------------------------------------------------------------------- migration


def _version_3_file(path: Path) -> None:
    """A file as ragdesk wrote schema 3: a period with full copies of the narratives."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN")
    for migration in schema.MIGRATIONS[:3]:
        migration(conn)
    conn.execute("PRAGMA user_version = 3")
    conn.execute(f"PRAGMA application_id = {schema.APPLICATION_ID}")
    conn.execute("INSERT INTO inspections (id, title) VALUES (1, 'PEEL 2023')")
    conn.execute("INSERT INTO items (id, inspection_id, kind, number) VALUES (7, 1, 'afi', '1')")
    conn.execute("INSERT INTO periods (id, label, position) VALUES (1, 'Jul 2023', 0), (2, 'Jan 2024', 1)")
    for aid, pid, draft in ((3, 1, 0), (4, 2, 1)):
        conn.execute("INSERT INTO assessments (id, item_id, period_id, rag, update_text, intent, "
                     "impact, draft) VALUES (?, 7, ?, 'RED', '<p>u</p>', '<p>i</p>', '<p>m</p>', ?)",
                     (aid, pid, draft))
    conn.execute("COMMIT")
    conn.close()


def test_a_schema_3_file_keeps_every_text_and_carries_by_reference_afterwards(tmp_path: Path) -> None:
    path = tmp_path / "v3.db"
    _version_3_file(path)
    assert dbfile.check_file(path) == "ok"
    with Store.open(path, identity=ME) as store:
        assert store.migrated_from == 3 and store.schema_version() == schema.SCHEMA_VERSION == 5
        assert _all_texts(store) == {(7, 1): ("<p>u</p>", "<p>i</p>", "<p>m</p>"),
                                     (7, 2): ("<p>u</p>", "<p>i</p>", "<p>m</p>")}
        jun = store.add_period("Jun 2024").id
        assert texts(store, 7, jun) == ("<p>u</p>", "<p>i</p>", "<p>m</p>")
        assert stored(store, 7, jun)["carried_from"] == 4  # the Jan copy owns its texts
        assert store.integrity_check() == "ok"


def test_the_resolving_view_has_every_column_but_the_reference(empty_store: Store) -> None:
    """An undo snapshot is read through the view: a column it lacked would be lost on undo."""
    table = [r["name"] for r in empty_store.conn.execute("PRAGMA table_info(assessments)")]
    view = [r["name"] for r in empty_store.conn.execute("PRAGMA table_info(assessments_resolved)")]
    assert view == [c for c in table if c != "carried_from"]


def test_carrying_a_period_forward_reads_no_narrative_rows(empty_store: Store) -> None:
    """Schema 4: the period's ratings, notes and references come from a covering index, not
    from ~2 KB rows (6.5 MB of pages for 3,000 items, slow over a network share)."""
    plan = " ".join(str(r[3]) for r in empty_store.conn.execute(
        "EXPLAIN QUERY PLAN SELECT a.id, a.item_id, a.rag, a.status_note, "
        "COALESCE(a.carried_from, a.id) FROM assessments a WHERE a.period_id = 1"))
    assert "COVERING INDEX assessments_by_period_covering" in plan, plan


_RANK = {"RED": 1, "AMBER": 2, "GREEN": 3}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(st.sampled_from(["none", "unrated", "RED", "AMBER", "GREEN"]),
                         min_size=4, max_size=4), min_size=1, max_size=4))
def test_directions_of_travel_after_carrying_forward(history: list[list[str]]) -> None:
    """Directions look back one period first (a new period's drafts were always rated there)
    and then further; both must give the latest earlier rating, gaps and unrated rows included."""
    with tempfile.TemporaryDirectory() as folder, \
            Store.create(Path(folder) / "d.db", identity=ME) as store:
        inspection = store.add_inspection("PEEL")
        items = [store.add_item(inspection.id, ItemKind.AFI, str(n)).id for n in range(len(history))]
        periods = [store.add_period(f"P{n}", carry_forward=False).id for n in range(4)]
        for item_id, row in zip(items, history, strict=True):
            for period, cell in zip(periods, row, strict=True):
                if cell != "none":
                    store.save_assessment(item_id, period, rag=None if cell == "unrated" else cell)
        periods.append(store.add_period("Carried").id)
        for n, period in enumerate(periods):
            expected = {}
            for item_id in items:
                mine = store.assessment(item_id, period)
                if mine is None:
                    continue
                earlier = [a.rag for p in periods[:n] if (a := store.assessment(item_id, p)) and a.rag]
                if not mine.rag or not earlier:
                    expected[item_id] = None
                else:
                    diff = _RANK[mine.rag] - _RANK[earlier[-1]]
                    expected[item_id] = Dot.SAME if diff == 0 else Dot.UP if diff > 0 else Dot.DOWN
            assert store.directions(period) == expected


# --------------------------------------------------------------------------- export


def test_export_is_unchanged_apart_from_the_new_periods_rows(sample_store: Store) -> None:
    before = export_data(sample_store, with_audit=False)
    jun = sample_store.add_period("Dec 2024")
    after = export_data(sample_store, with_audit=False)
    assert after["periods"][:-1] == before["periods"]
    for inspection_before, inspection_after in zip(before["inspections"], after["inspections"],
                                                   strict=True):
        for item_before, item_after in zip(inspection_before["items"], inspection_after["items"],
                                           strict=True):
            rows = item_after.pop("assessments")
            kept = [a for a in rows if a["period"] != jun.label]
            new = [a for a in rows if a["period"] == jun.label]
            assert kept == item_before.pop("assessments")
            assert item_after == item_before
            if kept:  # the draft is the latest row, carried
                assert new == [{**kept[-1], "period": jun.label, "dot": None, "draft": True}]
            else:
                assert new == []
    # resolving is the same as copying: give every draft its own texts, export again
    json_before, csv_before = export_data(sample_store), export_csv(sample_store)
    with sample_store.batch():
        sample_store._materialise("1")
    assert export_data(sample_store) == json_before and export_csv(sample_store) == csv_before


# --------------------------------------------------------------------------- random sequences


_words = st.sampled_from(["", "<p>alpha</p>", "<p>beta</p>", "<ul><li>gamma</li></ul>"])
_operations = st.lists(st.one_of(
    st.tuples(st.just("add_period")),
    st.tuples(st.just("edit"), st.integers(0, 2), st.integers(0, 6), st.sampled_from(TEXTS), _words),
    st.tuples(st.just("rate"), st.integers(0, 2), st.integers(0, 6),
              st.sampled_from(["RED", "AMBER", "GREEN"])),
    st.tuples(st.just("delete_period"), st.integers(0, 6)),
    st.tuples(st.just("delete_assessment"), st.integers(0, 2), st.integers(0, 6)),
    st.tuples(st.just("delete_item"), st.integers(0, 2)),
    st.tuples(st.just("undo")),
), max_size=25)
_names = itertools.count()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_operations)
def test_random_sequences_match_a_model_that_copies_the_texts(operations: list[tuple[Any, ...]]) -> None:
    """The model copies narratives on carry-forward (what schema 3 did); the store must agree."""
    with tempfile.TemporaryDirectory() as folder, \
            Store.create(Path(folder) / "m.db", identity=ME) as store:
        inspection = store.add_inspection("PEEL")
        items = [store.add_item(inspection.id, ItemKind.AFI, str(n)).id for n in range(3)]
        periods: list[int] = []  # in display order
        model: dict[tuple[int, int], dict[str, str]] = {}  # (item, period) -> texts
        undo: list[tuple[Any, list[int], dict[tuple[int, int], dict[str, str]]]] = []
        for op, *args in operations:
            state = (list(periods), {k: dict(v) for k, v in model.items()})
            if op == "add_period":
                period = store.add_period(f"P{next(_names)}").id
                for item_id in items:
                    latest = [p for p in periods if (item_id, p) in model]
                    if latest:
                        model[(item_id, period)] = dict(model[(item_id, latest[-1])])
                periods.append(period)
                undo.clear()
            elif op in ("edit", "rate") and periods and args[0] < len(items):
                item_id, period = items[args[0]], periods[args[1] % len(periods)]
                if op == "edit":
                    store.save_assessment(item_id, period, **{args[2]: args[3]})
                    model.setdefault((item_id, period), dict.fromkeys(TEXTS, ""))
                    model[(item_id, period)][args[2]] = richtext.sanitise(args[3])
                else:
                    store.set_rag(item_id, period, args[2])
                    model.setdefault((item_id, period), dict.fromkeys(TEXTS, ""))
                undo.clear()
            elif op == "delete_period" and periods:
                period = periods.pop(args[0] % len(periods))
                undo.append((store.delete_period(period), *state))
                model = {k: v for k, v in model.items() if k[1] != period}
            elif op == "delete_assessment" and periods and args[0] < len(items):
                key = (items[args[0]], periods[args[1] % len(periods)])
                if key in model:
                    undo.append((store.delete_assessment(*key), *state))
                    del model[key]
            elif op == "delete_item" and args[0] < len(items):
                item_id = items.pop(args[0])
                undo.append((store.delete_item(item_id), *state))
                model = {k: v for k, v in model.items() if k[0] != item_id}
            elif op == "undo" and undo:
                snapshot, periods, model = undo.pop()
                store.restore(snapshot)
                items = sorted({*items, *(r["id"] for t, r in snapshot.rows if t == "items")})
            assert {k: tuple(v[t] for t in TEXTS) for k, v in model.items()} == _all_texts(store)
            assert [p.id for p in store.periods()] == periods
            assert carry_problems(store.conn) == []
