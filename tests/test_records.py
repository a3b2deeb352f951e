"""The change records a view consumes (ragdesk/records.py): what a change names.

Listeners hear a ``Change`` naming what each operation changed. A colleague's save is
seen through the audit log (issue 16): ``Store.changes_since`` names exactly the
records to refresh, or asks for everything after a restore or too many rows. (The
window's side of the feed, the poll, is in test_ui_bridge.py.)
"""

from __future__ import annotations

from pathlib import Path

from ragdesk.records import Change
from ragdesk.store import Store


def test_changes_since_names_what_a_colleague_changed(sample_path: Path, reader) -> None:
    with Store.open(sample_path) as mine, reader(sample_path, user="bob", host="PC-2") as theirs:
        seen = mine.last_audit_id()
        item = theirs.items()[3]
        period = theirs.periods()[-1]
        current = theirs.assessment(item_id=item.id, period_id=period.id)
        theirs.save_assessment(item_id=item.id, period_id=period.id, expected_version=current.version if current else 0,
                               update="<p>Bob's update</p>")
        change, newest = mine.changes_since(seen)
        assert change == Change(items=frozenset({item.id}),
                                assessments=frozenset({(item.id, period.id)}))
        assert newest == mine.last_audit_id() > seen

        theirs.update_item(item.id, lead="ACC Baldwin")
        change, newest2 = mine.changes_since(newest)
        assert change.items == {item.id} and change.structure  # the lead list changes
        assert not change.assessments

        added = theirs.add_item(item.inspection_id, "afi", "99", text="<p>new</p>")
        theirs.add_period("Dec 2026", carry_forward=False)
        change, _ = mine.changes_since(newest2)
        assert added.id in change.items and change.structure and change.periods

        assert mine.changes_since(mine.last_audit_id()) == (Change(), mine.last_audit_id())


def test_a_restore_or_too_many_rows_means_refresh_everything(sample_path: Path, reader) -> None:
    with Store.open(sample_path) as mine, reader(sample_path, user="bob", host="PC-2") as theirs:
        seen = mine.last_audit_id()
        theirs.log_event("restored from backup", "x.db")
        assert mine.changes_since(seen)[0] is None
        seen = mine.last_audit_id()
        for n in range(5):
            theirs.set_setting("team", f"team {n}")
        assert mine.changes_since(seen, limit=3)[0] is None
        assert mine.changes_since(seen)[0] == Change(settings=True)


def test_listeners_hear_what_changed(one_item) -> None:
    store, _, item, period = one_item
    heard: list[Change] = []
    store.listeners.append(heard.append)
    store.set_rag(item_id=item.id, period_id=period.id, rag="GREEN")
    assert heard[-1].assessments == {(item.id, period.id)}
    with store.batch():
        store.update_item(item.id, lead="a")
        store.update_item(item.id, board="b")
    assert heard[-1].items == {item.id} and len(heard) == 2
