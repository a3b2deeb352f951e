"""The Store's audit log: every change is traced to a person, a machine and a time,
old and new value included, and the log itself cannot be changed.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

import pytest

from ragdesk import jsonio
from ragdesk.errors import Conflict
from ragdesk.records import Identity
from ragdesk.store import Store

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
        ("inspection", lambda: store.update_inspection(inspection.id, reference="REF-1")),
        ("inspection", lambda: store.move_inspection(inspection.id, 1)),
        ("item", lambda: store.update_item(item.id, lead="DCI Smith")),
        ("item", lambda: store.move_item(item.id, 3)),
        ("assessment", lambda: store.set_rag(item_id=item.id, period_id=period.id, rag="RED")),
        ("assessment", lambda: store.save_assessment(item_id=item.id, period_id=period.id, impact="<p>x</p>")),
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
    store.set_rag(item_id=item.id, period_id=period.id, rag="AMBER")
    evidence = store.add_evidence(item.id, "photo.png", b"\x89PNG")
    for delete in (lambda: store.remove_evidence(evidence.id),
                   lambda: store.delete_assessment(item_id=item.id, period_id=period.id),
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
    store.set_rag(item_id=item.id, period_id=period.id, rag="GREEN")
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
    a.set_rag(item_id=item.id, period_id=period.id, rag="RED")
    b.set_rag(item_id=item.id, period_id=period.id, rag="GREEN")  # no expected_version: last key wins...
    trail = [(e.user, e.old, e.new) for e in a.item_history(item.id) if e.field == "rag"][-2:]
    assert trail[-1] == ("ben", "RED", "GREEN")  # ...and amy's RED is in the history
    version = a.assessment(item_id=item.id, period_id=period.id).version
    b.set_rag(item_id=item.id, period_id=period.id, rag="AMBER")
    with pytest.raises(Conflict):  # the grid may opt in to compare-and-swap
        a.set_rag(item_id=item.id, period_id=period.id, rag="RED", expected_version=version)
    a.close()
    b.close()


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


def test_every_change_is_audited_with_who_and_when(one_item) -> None:
    store, _, item, period = one_item
    store.update_item(item.id, lead="ACC Baldwin")
    store.set_rag(item_id=item.id, period_id=period.id, rag="RED")
    store.set_rag(item_id=item.id, period_id=period.id, rag="AMBER")
    history = store.item_history(item.id)
    assert [(e.field, e.old, e.new) for e in history][-3:] == [
        ("lead", "", "ACC Baldwin"), ("rag", None, "RED"), ("rag", "RED", "AMBER")]
    assert all(e.user == "tester" and e.host == "test-host" and e.at for e in history)
    with pytest.raises(Exception, match="audit log cannot be changed"):
        store.conn.execute("DELETE FROM audit")
