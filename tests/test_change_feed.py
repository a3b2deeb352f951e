"""A colleague's save is seen through the audit log: only what changed is re-read (issue 16).

An open window used to poll ``data_version`` (a lock, a journal look-up and a header
read: about four round trips on a share) every two seconds, and a colleague's save
made it re-read every item and assessment. Now a poll reads the file's change
counter (one request) and, when someone else committed, the audit rows after the
last one the window saw name exactly the records to refresh.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ragdesk import store as store_module
from ragdesk.store import Change, Store
from ragdesk.ui.bridge import StoreBridge
from ragdesk.ui.main_window import MainWindow


def test_changes_since_names_what_a_colleague_changed(sample_path: Path, reader) -> None:
    with Store.open(sample_path) as mine, reader(sample_path, user="bob", host="PC-2") as theirs:
        seen = mine.last_audit_id()
        item = theirs.items()[3]
        period = theirs.periods()[-1]
        current = theirs.assessment(item.id, period.id)
        theirs.save_assessment(item.id, period.id, expected_version=current.version if current else 0,
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


def test_an_idle_poll_runs_no_sql_at_all(qtbot, sample_store: Store, monkeypatch) -> None:
    bridge = StoreBridge(sample_store, poll_ms=60_000)
    statements: list[str] = []
    real = store_module._Connection.execute

    def spy(self, sql, params=(), /):
        statements.append(sql)
        return real(self, sql, params)

    monkeypatch.setattr(store_module._Connection, "execute", spy)
    for _ in range(30):  # an idle minute
        assert not bridge.poll()
    assert statements == []  # only the header's change counter was read
    bridge.set_store(None)


@pytest.fixture
def window(window: MainWindow) -> MainWindow:
    """The conftest window, polled by hand: its poll timer stopped."""
    window.bridge._timer.stop()
    return window


def test_the_window_refreshes_only_what_a_colleague_changed(window: MainWindow,
                                                            sample_path: Path, reader) -> None:
    seen: list[Change] = []
    window.bridge.external_change.connect(seen.append)
    item_id = window.tree_model.item_ids()[5] if hasattr(window.tree_model, "item_ids") \
        else window.store.item_rows()[5].id
    period = window.store.periods()[-1]
    with reader(sample_path, user="bob", host="PC-2") as theirs:
        theirs.set_rag(item_id, period.id, "RED")
    assert window.bridge.poll()
    assert seen == [Change(items=frozenset({item_id}),
                           assessments=frozenset({(item_id, period.id)}))]
    row = window.grid_model.row_of_item(item_id)
    col = window.grid_model.column_of_period(period.id)
    assert window.grid_model.index(row, col).data() == "RED"
    assert not window.bridge.poll()  # seen once
    window.store.set_rag(item_id, period.id, "GREEN")  # our own save is not "someone else"
    assert not window.bridge.poll()


def test_a_save_inside_a_refresh_is_its_own_write_transaction(sample_store: Store) -> None:
    item = sample_store.items()[0]
    with sample_store.reading():
        before = sample_store.item(item.id)
        saved = sample_store.update_item(item.id, expected_version=before.version, lead="typed")
        assert sample_store.item(saved.id).lead == "typed"  # reads on after the write
    with Store.open(sample_store.path) as other:  # committed, not held in the read
        assert other.item(item.id).lead == "typed"
    assert not sample_store.conn.in_transaction


def test_the_window_shows_a_colleagues_new_item_and_period(window: MainWindow,
                                                           sample_path: Path, reader) -> None:
    rows = window.tree_model.rowCount()
    inspection = window.store.inspections()[0]
    with reader(sample_path, user="bob", host="PC-2") as theirs:
        new_inspection = theirs.add_inspection("Bob's new inspection")
        theirs.add_item(new_inspection.id, "afi", "1", text="<p>Bob's new AFI</p>")
        theirs.add_period("Dec 2026", carry_forward=False)
    assert window.bridge.poll()
    assert window.tree_model.rowCount() == rows + 1
    assert "48 items" in window.count_label.text()
    assert "Dec 2026" in [window.period_combo.itemText(i)
                          for i in range(window.period_combo.count())]
    assert inspection.id in {i.id for i in window.store.inspections()}
