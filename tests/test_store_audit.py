"""Every change is traced to a person, a machine and a time, old and new value included."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

import pytest

from ragdesk import backup, jsonio, schema
from ragdesk.errors import Conflict
from ragdesk.store import Identity, Store

AT = dt.datetime(2026, 11, 23, 10, 30, tzinfo=dt.UTC)


@pytest.fixture
def store(sample_path: Path):
    s = Store.open(sample_path, identity=Identity(user="dana", host="PC-11"), clock=lambda: AT)
    yield s
    s.close()


def new_entries(store: Store, before: int):
    return [e for e in store.audit_log() if e.id > before]


def last_id(store: Store) -> int:
    log = store.audit_log()
    return log[-1].id if log else 0


def test_every_write_path_leaves_a_signed_entry(store: Store) -> None:
    item = store.items()[0]
    period = store.periods()[0]
    inspection = store.inspections()[0]
    steps = [
        ("setting", lambda: store.set_setting("team", "Governance <&> Ünit")),
        ("rating", lambda: store.update_rating("BLUE", enabled=True)),
        ("status", lambda: store.add_status("parked", "Parked")),
        ("inspection", lambda: store.update_inspection(inspection.id, reference="REF-1")),
        ("inspection", lambda: store.move_inspection(inspection.id, 1)),
        ("item", lambda: store.update_item(item.id, lead="DCI Smith")),
        ("item", lambda: store.move_item(item.id, 3)),
        ("assessment", lambda: store.set_rag(item.id, period.id, "RED")),
        ("assessment", lambda: store.save_assessment(item.id, period.id, impact="<p>x</p>")),
        ("evidence", lambda: store.add_evidence(item.id, "minutes.pdf", b"%PDF")),
        ("period", lambda: store.add_period("Dec 2026")),
        ("period", lambda: store.update_period(store.period_by_label("Dec 2026").id, meeting="Board")),
    ]
    for entity, step in steps:
        before = last_id(store)
        step()
        added = new_entries(store, before)
        assert added, f"{entity}: no audit entry"
        assert {e.entity for e in added} >= {entity}
        for e in added:
            assert (e.user, e.host, e.at) == ("dana", "PC-11", AT.isoformat(timespec="seconds"))


def test_deletes_and_restores_of_everything_are_traced(store: Store) -> None:
    item = store.items()[1]
    period = store.periods()[0]
    store.set_rag(item.id, period.id, "AMBER")
    evidence = store.add_evidence(item.id, "photo.png", b"\x89PNG")
    for delete in (lambda: store.remove_evidence(evidence.id),
                   lambda: store.delete_assessment(item.id, period.id),
                   lambda: store.delete_period(store.periods()[-1].id),
                   lambda: store.delete_item(store.items()[5].id),
                   lambda: store.delete_inspection(store.inspections()[-1].id)):
        before = last_id(store)
        snapshot = delete()
        deleted = new_entries(store, before)
        assert any(e.field.startswith("deleted") or e.field == "removed" for e in deleted)
        before = last_id(store)
        store.restore(snapshot)
        assert any(e.field == "restored" for e in new_entries(store, before))
    assert store.integrity_check() == "ok"


def test_item_history_keeps_deleted_evidence_assessments_and_periods(store: Store) -> None:
    item = store.items()[2]
    period = store.add_period("Mar 2027", carry_forward=False)
    store.set_rag(item.id, period.id, "GREEN")
    evidence = store.add_evidence(item.id, "plan.docx", b"PK")
    store.remove_evidence(evidence.id)
    store.delete_period(period.id)
    fields = [(e.entity, e.field, e.old, e.new) for e in store.item_history(item.id)]
    assert ("assessment", "rag", None, "GREEN") in fields
    assert ("evidence", "added", None, "plan.docx") in fields
    assert ("evidence", "removed", "plan.docx", None) in fields
    assert ("assessment", "deleted with period Mar 2027", "GREEN", None) in fields
    other = store.items()[3]
    assert not any(e.new == "plan.docx" for e in store.item_history(other.id))


def test_carry_forward_is_traced_per_item(store: Store) -> None:
    period = store.add_period("Jan 2027")
    carried = store.assessments(period_id=period.id)
    assert carried
    traced = {e.item_id for e in store.audit_log("assessment") if e.field == "carried forward"}
    assert traced == {a.item_id for a in carried}


def test_moves_record_old_and_new_position(store: Store) -> None:
    item = store.items()[0]
    store.move_item(item.id, 4)
    move = [e for e in store.item_history(item.id) if e.field == "position"][-1]
    assert (move.old, move.new) == (str(item.position), "4")


def test_audit_log_cannot_be_changed(store: Store) -> None:
    with pytest.raises(sqlite3.DatabaseError, match="cannot be changed"):
        store.conn.execute("UPDATE audit SET user = 'nobody'")
    with pytest.raises(sqlite3.DatabaseError, match="cannot be changed"):
        store.conn.execute("DELETE FROM audit")


def test_json_export_carries_the_whole_audit(store: Store) -> None:
    item = store.items()[0]
    store.update_item(item.id, lead="Supt <Jones> & co")
    data = json.loads(jsonio.export_json(store))
    assert len(data["audit"]) == len(store.audit_log())
    last = data["audit"][-1]
    assert (last["user"], last["host"], last["field"], last["new"]) == (
        "dana", "PC-11", "lead", "Supt <Jones> & co")


def test_grid_one_key_rating_last_writer_wins_but_is_traced(sample_path: Path) -> None:
    a = Store.open(sample_path, identity=Identity("amy", "PC-1"))
    b = Store.open(sample_path, identity=Identity("ben", "PC-2"))
    item, period = a.items()[0], a.periods()[0]
    a.set_rag(item.id, period.id, "RED")
    b.set_rag(item.id, period.id, "GREEN")  # no expected_version: last key wins...
    trail = [(e.user, e.old, e.new) for e in a.item_history(item.id) if e.field == "rag"][-2:]
    assert trail[-1] == ("ben", "RED", "GREEN")  # ...and amy's RED is in the history
    version = a.assessment(item.id, period.id).version
    b.set_rag(item.id, period.id, "AMBER")
    with pytest.raises(Conflict):  # the grid may opt in to compare-and-swap
        a.set_rag(item.id, period.id, "RED", expected_version=version)
    a.close()
    b.close()


def _version_1_file(path: Path) -> None:
    """A file as ragdesk 1 wrote it: schema 1, audit rows without item_id."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN")
    schema.MIGRATIONS[0](conn)
    conn.execute("PRAGMA user_version = 1")
    conn.execute(f"PRAGMA application_id = {schema.APPLICATION_ID}")
    conn.execute("INSERT INTO inspections (id, title) VALUES (1, 'PEEL 2023')")
    conn.execute("INSERT INTO items (id, inspection_id, kind, number) VALUES (7, 1, 'afi', '1')")
    conn.execute("INSERT INTO periods (id, label) VALUES (1, 'Jul 2023')")
    conn.execute("INSERT INTO assessments (id, item_id, period_id, rag) VALUES (3, 7, 1, 'RED')")
    conn.execute("INSERT INTO evidence (id, item_id, name, size, data) VALUES (5, 7, 'a.txt', 1, x'61')")
    for entity, record, field in (("item", 7, "created"), ("assessment", 3, "rag"),
                                  ("evidence", 5, "added"), ("period", 1, "created")):
        conn.execute("INSERT INTO audit (at, user, host, entity, record_id, field) "
                     "VALUES ('2023-07-01', 'old', 'PC-0', ?, ?, ?)", (entity, record, field))
    conn.execute("COMMIT")
    conn.close()


def test_upgrading_a_version_1_file_links_old_audit_rows_to_items(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    _version_1_file(path)
    store, problems = backup.open_with_backups(path, identity=Identity("new", "PC-1"))
    with store:
        assert store.migrated_from == 1 and problems == []
        history = store.item_history(7)
        assert [(e.entity, e.field) for e in history] == [
            ("item", "created"), ("assessment", "rag"), ("evidence", "added")]
        assert store.integrity_check() == "ok"
        with pytest.raises(sqlite3.DatabaseError, match="cannot be changed"):
            store.conn.execute("UPDATE audit SET user = 'x'")
    kinds = [b.kind for b in backup.list_backups(path, tmp_path / "ragdesk-backups")]
    assert "pre-migration" in kinds


def test_ids_of_deleted_records_are_never_reused(store: Store) -> None:
    last = store.items()[-1]
    top = max(i.id for i in store.items())
    store.delete_item(top)
    again = store.add_item(last.inspection_id, "afi", "new one")
    assert again.id > top
    assert all(e.new != last.label for e in store.item_history(again.id) if e.field == "created")
    period = store.periods()[-1]
    snapshot = store.delete_period(period.id)
    newer = store.add_period("Later")
    assert newer.id != period.id
    store.restore(snapshot)  # undo still works: its id is free
    assert store.period(period.id).label == period.label
    assert [p.position for p in store.periods()] == list(range(len(store.periods())))
