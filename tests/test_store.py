"""The Store's operations and transactions: what a user's actions do to the file, and
what they may not do.

Fields stored and read back, bad values refused, stale saves refused with the current
record, delete and restore, moving and duplicating, a failed batch saving nothing,
read-only stores refusing writes. The reads a view uses to refresh only what a change
names give the same answers as the full reads. Write errors say what happened and
lose nothing: the file turning read-only while open, the disk filling up during a
save or an import. Carry-forward, audit and search have their own test_store_*.py.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import random
import stat
import tempfile
from pathlib import Path

import pytest
from crash_support import CTX, fill, tiny_disk

from ragdesk.cli import main
from ragdesk.domain import Deadline, Dot, ItemKind
from ragdesk.errors import (
    Conflict,
    InvalidValue,
    NotFound,
    ReadOnly,
    TooLarge,
)
from ragdesk.records import Identity
from ragdesk.store import Store


def test_fields_are_stored_and_read_back(one_item) -> None:
    store, inspection, item, _ = one_item
    assert item.deadline == Deadline(date=dt.date(2023, 10, 31))
    assert item.heading == "Recommendation 13"
    assert store.item_rows()[0].title == "Act."
    store.update_item(item.id, lead="ACC Baldwin", board="P&RSB", review_date="30.06.24",
                      deadline="With immediate effect", status="Proposed for closure")
    again = store.item(item.id)
    assert (again.lead, again.board, again.review_date) == ("ACC Baldwin", "P&RSB", dt.date(2024, 6, 30))
    assert again.deadline.immediate and again.status == "proposed_for_closure"
    assert again.version == item.version + 1 and again.updated_by == "tester"


def test_bad_values_are_refused_with_a_message_and_change_nothing(one_item) -> None:
    store, _, item, period = one_item
    with pytest.raises(InvalidValue, match="not a date"):
        store.update_item(item.id, deadline="31/02/2023")
    with pytest.raises(InvalidValue, match="not a status"):
        store.update_item(item.id, status="sort of done")
    with pytest.raises(InvalidValue, match="not a rating"):
        store.save_assessment(item_id=item.id, period_id=period.id, rag="PURPLE")
    with pytest.raises(InvalidValue, match="direction of travel"):
        store.save_assessment(item_id=item.id, period_id=period.id, dot="up")
    assert store.item(item.id) == item
    assert store.assessment(item_id=item.id, period_id=period.id) is None


def test_a_stale_save_is_refused_and_carries_the_current_record(one_item) -> None:
    store, _, item, period = one_item
    other = Store.open(store.path, identity=Identity(user="colleague", host="laptop-2"))
    other.update_item(item.id, expected_version=item.version, lead="ACC Nolan")
    with pytest.raises(Conflict) as caught:
        store.update_item(item.id, expected_version=item.version, lead="ACC Baldwin")
    assert caught.value.current.lead == "ACC Nolan"
    assert "colleague" in str(caught.value)
    assert store.item(item.id).lead == "ACC Nolan"

    first = other.save_assessment(item_id=item.id, period_id=period.id, expected_version=0, update="<p>theirs</p>")
    with pytest.raises(Conflict):
        store.save_assessment(item_id=item.id, period_id=period.id, expected_version=0, update="<p>mine</p>")
    store.save_assessment(item_id=item.id, period_id=period.id, expected_version=first.version, update="<p>merged</p>")
    assert other.assessment(item_id=item.id, period_id=period.id).update == "<p>merged</p>"
    other.close()


def test_editing_a_deleted_item_says_so(one_item) -> None:
    store, _, item, _ = one_item
    store.delete_item(item.id)
    with pytest.raises(NotFound, match="no longer exists"):
        store.update_item(item.id, lead="x")


def test_delete_and_restore_put_back_the_same_rows(one_item) -> None:
    store, inspection, item, period = one_item
    store.save_assessment(item_id=item.id, period_id=period.id, rag="AMBER", update="<p>Work is ongoing</p>")
    store.add_evidence(item.id, "minute.txt", b"board minute", note="P&RSB")
    before = (store.item(item.id), store.assessments(item_id=item.id), store.evidence(item.id))
    deleted = store.delete_inspection(inspection.id)
    assert store.counts()["items"] == 0 and store.search("ongoing") == []
    store.restore(deleted)
    assert (store.item(item.id), store.assessments(item_id=item.id), store.evidence(item.id)) == before
    assert store.evidence_data(store.evidence(item.id)[0].id) == b"board minute"
    assert store.search("ongoing") == [item.id]


def test_direction_of_travel_is_derived_and_can_be_overridden(one_item) -> None:
    store, _, item, jul = one_item
    store.set_rag(item_id=item.id, period_id=jul.id, rag="AMBER")
    jan = store.add_period("Jan 2024")
    jun = store.add_period("Jun 2024")
    store.set_rag(item_id=item.id, period_id=jan.id, rag="GREEN")
    store.set_rag(item_id=item.id, period_id=jun.id, rag="GREEN")
    assert store.directions(jul.id) == {item.id: None}
    assert store.directions(jan.id, [item.id]) == {item.id: Dot.UP}
    assert store.directions(jun.id, [item.id]) == {item.id: Dot.SAME}
    store.save_assessment(item_id=item.id, period_id=jun.id, dot="-")
    assert store.directions(jun.id) == {item.id: Dot.DOWN}


def test_new_period_carries_the_last_rating_forward_as_a_draft(one_item) -> None:
    store, _, item, jul = one_item
    store.save_assessment(item_id=item.id, period_id=jul.id, rag="AMBER", update="<p>Progress</p>")
    jan = store.add_period("Jan 2024", meeting="P&RSB 26 June 2024")
    carried = store.assessment(item_id=item.id, period_id=jan.id)
    assert (carried.rag, carried.update, carried.draft) == ("AMBER", "<p>Progress</p>", True)
    assert store.set_rag(item_id=item.id, period_id=jan.id, rag="GREEN").draft is False
    with pytest.raises(InvalidValue, match="already"):
        store.add_period("Jan 2024")


def test_moving_and_duplicating_items_keeps_order(empty_store: Store) -> None:
    inspection = empty_store.add_inspection("PEEL")
    ids = [empty_store.add_item(inspection.id, "afi", str(n)).id for n in range(1, 5)]
    empty_store.move_item(ids[3], 0)
    assert [i.number for i in empty_store.items(inspection.id)] == ["4", "1", "2", "3"]
    copy = empty_store.duplicate_item(ids[0])
    assert [i.id for i in empty_store.items(inspection.id)][:3] == [ids[3], ids[0], copy.id]


def test_a_failed_batch_saves_nothing(one_item) -> None:
    store, _, item, _ = one_item
    with pytest.raises(InvalidValue), store.batch():
        store.update_item(item.id, lead="kept?")
        store.update_item(item.id, deadline="never")
    assert store.item(item.id).lead == ""


def test_evidence_over_the_limit_is_refused_clearly(one_item) -> None:
    store, _, item, _ = one_item
    store.set_setting("evidence_limit_mb", "0.001")
    with pytest.raises(TooLarge, match="at most"):
        store.add_evidence(item.id, "big.pdf", b"x" * 2000)
    assert store.evidence(item.id) == []


def test_read_only_store_refuses_writes_clearly(one_item) -> None:
    store, _, item, _ = one_item
    viewer = Store.open(store.path, read_only=True)
    assert viewer.item(item.id) == item
    with pytest.raises(ReadOnly, match="read-only"):
        viewer.update_item(item.id, lead="x")
    viewer.close()


def test_huge_and_unicode_text_is_stored(one_item) -> None:
    store, _, item, period = one_item
    text = "<p>" + ("Zoë – “quoted” Łódź Ελληνικά Кириллица 中文 &amp; &lt;b&gt; " * 20000) + "</p>"
    saved = store.save_assessment(item_id=item.id, period_id=period.id, update=text)
    assert saved.update == text
    assert store.search("Кириллица") == [item.id]


def test_tree_titles_drop_the_shared_preamble() -> None:
    from ragdesk.domain import short_title

    assert short_title("By 30 April 2023, chief constables should make sure that: all officers "
                       "are made aware; and more") == "All officers are made aware"
    assert short_title("The force needs to make sure that repeat callers are routinely identified"
                       ) == "Repeat callers are routinely identified"
    assert short_title("x" * 200).endswith("…") and len(short_title("x" * 200)) == 90


def test_an_evidence_note_can_be_changed_and_its_history_kept(one_item) -> None:
    store, _inspection, item, _period = one_item
    evidence = store.add_evidence(item.id, "minute.txt", b"board minute", note="P&RSB")
    heard: list = []
    store.listeners.append(heard.append)
    changed = store.set_evidence_note(evidence.id, "  Star Chamber <minute> & closure \u2013 agreed  ")
    assert changed.note == "Star Chamber <minute> & closure \u2013 agreed"
    assert store.evidence_data(evidence.id) == b"board minute"  # the file itself is untouched
    assert [(e.old, e.new) for e in store.audit_log("evidence", evidence.id) if e.field == "note"] == [
        ("P&RSB", "Star Chamber <minute> & closure \u2013 agreed")]
    assert heard and item.id in heard[-1].evidence_of
    store.set_evidence_note(evidence.id, changed.note)  # the same note again: nothing to record
    assert len([e for e in store.audit_log("evidence", evidence.id) if e.field == "note"]) == 1
    store.remove_evidence(evidence.id)
    with pytest.raises(NotFound, match="removed"):
        store.set_evidence_note(evidence.id, "too late")


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_disk_full_during_an_import_leaves_the_file_as_it_was(
        sample_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with tiny_disk(tmp_path / "share", 2048) as share:
        db = share / "unit.db"
        db.write_bytes(sample_path.read_bytes())
        fill(share, 300_000)
        before = digest(db)
        big = {"format": "ragdesk", "version": 1, "inspections": [{"title": "Big", "items": [
            {"kind": "afi", "number": str(n), "text": "progress " * 3000} for n in range(200)]}]}
        source = tmp_path / "big.json"
        source.write_text(json.dumps(big))
        assert main(["import-json", str(db), str(source)]) == 1
        err = capsys.readouterr().err
        assert "full" in err and "Traceback" not in err
        assert digest(db) == before, "the refused import changed the file"
        journal = Path(f"{db}-journal")
        assert not journal.exists() or journal.stat().st_size == 0 \
            or journal.read_bytes()[:8] == b"\0" * 8, "a hot journal was left beside the file"
        assert main(["check", str(db)]) == 0
        assert "Integrity:      ok" in capsys.readouterr().out


def _save_after_it_turns_read_only(path: str, go, done, results) -> None:
    if os.geteuid() == 0:
        os.setgid(65534)
        os.setuid(65534)  # as "nobody": the read-only bit applies
    store = Store.open(path, identity=Identity("hana", "PC-4"))
    item = store.items()[0]
    done.set()
    go.wait(20)
    outcome = []
    try:
        store.update_item(item.id, expected_version=item.version, lead="typed while read-only")
        outcome.append("saved")
    except ReadOnly as e:
        outcome.append(f"ReadOnly: {e}")
    except Exception as e:  # anything else is the bug this test looks for
        outcome.append(f"{type(e).__name__}: {e}")
    outcome.append(store.item(item.id).lead)
    done.clear()
    go.clear()
    done.set()
    go.wait(20)  # access restored: the same save now works
    try:
        outcome.append(store.update_item(item.id, expected_version=item.version,
                                         lead="typed while read-only").lead)
    except Exception as e:
        outcome.append(f"{type(e).__name__}: {e}")
    store.close()
    results.put(outcome)


@pytest.mark.skipif(os.name == "nt", reason="POSIX permissions")
def test_file_made_read_only_while_open(sample_path: Path) -> None:
    ctx = CTX
    share = Path(tempfile.mkdtemp(prefix="ragdesk-share-"))
    try:
        share.chmod(0o777)
        path = share / "shared.db"
        path.write_bytes(sample_path.read_bytes())
        path.chmod(0o666)
        go, done, results = ctx.Event(), ctx.Event(), ctx.Queue()
        worker = ctx.Process(target=_save_after_it_turns_read_only,
                             args=(str(path), go, done, results))
        worker.start()
        assert done.wait(20)
        done.clear()
        path.chmod(0o444)  # the share turns read-only under the user's feet
        share.chmod(0o555)
        go.set()
        assert done.wait(20)
        share.chmod(0o777)
        path.chmod(0o666)
        go.set()
        outcome = results.get(timeout=30)
        worker.join(timeout=30)
        assert outcome[0].startswith("ReadOnly:") and "read-only" in outcome[0], outcome
        assert outcome[1] != "typed while read-only"  # nothing half-saved
        assert outcome[2] == "typed while read-only"  # saved once access came back
        with Store.open(path) as store:
            assert store.integrity_check() == "ok"
    finally:
        for p in (share, *share.iterdir()):
            p.chmod(stat.S_IRWXU)
        for p in share.iterdir():
            p.unlink()
        share.rmdir()


def test_disk_full_during_a_save_is_clear_and_loses_nothing(sample_store: Store) -> None:
    from ragdesk.errors import RagdeskError

    item = sample_store.items()[0]
    (pages,) = sample_store.conn.execute("PRAGMA page_count").fetchone()
    sample_store.conn.execute(f"PRAGMA max_page_count = {pages}")  # the disk is now "full"
    huge = "<p>" + "evidence of progress " * 20000 + "</p>"
    with pytest.raises(RagdeskError, match="disk holding the file is full") as caught:
        sample_store.update_item(item.id, expected_version=item.version, text=huge)
    assert "still in the window" in str(caught.value)
    assert sample_store.item(item.id).version == item.version  # rolled back whole
    assert sample_store.integrity_check() == "ok"
    sample_store.conn.execute("PRAGMA max_page_count = 1073741823")  # space freed
    saved = sample_store.update_item(item.id, expected_version=item.version, text=huge)
    assert saved.version == item.version + 1


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
                store.save_assessment(item_id=item.id, period_id=pid, rag=None if roll < 0.35 else
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
    empty_store.set_rag(item_id=item.id, period_id=first.id, rag="GREEN")
    empty_store.save_assessment(item_id=item.id, period_id=second.id, rag=None)
    assert empty_store.item_rows()[0].rag == "GREEN"
    assert empty_store.item_rows(period_id=second.id)[0].rag is None


def test_carry_forward_copies_each_items_latest_assessment(empty_store: Store) -> None:
    periods, items = _messy(empty_store)
    new = empty_store.add_period("Next")
    position = {p.id: p.position for p in empty_store.periods()}
    for item_id in items:
        before = [a for a in empty_store.assessments(item_id=item_id) if a.period_id != new.id]
        carried = empty_store.assessment(item_id=item_id, period_id=new.id)
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
    empty_store.set_rag(item_id=items[0], period_id=periods[-1], rag="GREEN")  # our own write
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


def test_rag_grid_reads_only_the_periods_asked_for(sample_store: Store) -> None:
    everything = sample_store.rag_grid()
    period = sample_store.periods()[-1]
    one = sample_store.rag_grid(period_ids=[period.id])
    assert one and one == {k: v for k, v in everything.items() if k[1] == period.id}
    item = next(iter(one))[0]
    assert sample_store.rag_grid([item], period_ids=[period.id]) == {(item, period.id): one[(item, period.id)]}
    assert sample_store.rag_grid(period_ids=[]) == {}


def test_a_save_inside_a_refresh_is_its_own_write_transaction(sample_store: Store) -> None:
    item = sample_store.items()[0]
    with sample_store.reading():
        before = sample_store.item(item.id)
        saved = sample_store.update_item(item.id, expected_version=before.version, lead="typed")
        assert sample_store.item(saved.id).lead == "typed"  # reads on after the write
    with Store.open(sample_store.path) as other:  # committed, not held in the read
        assert other.item(item.id).lead == "typed"
    assert not sample_store.conn.in_transaction
