"""StoreBridge: each store Change becomes a Qt signal; another user's save is noticed by polling.

The poll (issue 16) used to read ``data_version`` (a lock, a journal look-up and a
header read: about four round trips on a share) every two seconds, and a colleague's
save made the window re-read every item and assessment. Now an idle poll runs no SQL
(it reads the file's change counter) and, when someone else committed, the window
refreshes only the records the audit log names.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ragdesk import dbfile
from ragdesk.records import Change, Identity
from ragdesk.store import Store
from ragdesk.ui.bridge import StoreBridge
from ragdesk.ui.main_window import MainWindow


def test_changes_are_re_emitted_and_detached_on_close(qtbot, sample_path: Path) -> None:
    store = Store.open(sample_path, identity=Identity("me", "pc"))
    bridge = StoreBridge(store, poll_ms=60_000)
    item = store.items()[0]
    with qtbot.waitSignal(bridge.changed) as blocker:
        store.update_item(item.id, lead="Supt <Jones> & team")
    assert blocker.args[0].items == frozenset({item.id})
    assert not bridge.poll()  # our own save is not "someone else"
    bridge.close()
    assert bridge.store is None and not store.listeners


def test_another_connection_saving_is_noticed(qtbot, sample_path: Path) -> None:
    store = Store.open(sample_path, identity=Identity("me", "pc"))
    bridge = StoreBridge(store, poll_ms=60_000)
    item = store.items()[0]
    with Store.open(sample_path, identity=Identity("them", "other-pc")) as other:
        other.update_item(item.id, board="P&RSB")
    with qtbot.waitSignal(bridge.external_change) as blocker:
        assert bridge.poll()
    change = blocker.args[0]
    assert item.id in change.items and change.structure
    assert store.item(item.id).board == "P&RSB"
    assert not bridge.poll()
    bridge.close()


def test_an_idle_poll_runs_no_sql_at_all(qtbot, sample_store: Store, monkeypatch) -> None:
    bridge = StoreBridge(sample_store, poll_ms=60_000)
    statements: list[str] = []
    real = dbfile._Connection.execute

    def spy(self, sql, params=(), /):
        statements.append(sql)
        return real(self, sql, params)

    monkeypatch.setattr(dbfile._Connection, "execute", spy)
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
        theirs.set_rag(item_id=item_id, period_id=period.id, rag="RED")
    assert window.bridge.poll()
    assert seen == [Change(items=frozenset({item_id}),
                           assessments=frozenset({(item_id, period.id)}))]
    row = window.grid_model.row_of_item(item_id)
    col = window.grid_model.column_of_period(period.id)
    assert window.grid_model.index(row, col).data() == "RED"
    assert not window.bridge.poll()  # seen once
    window.store.set_rag(item_id=item_id, period_id=period.id, rag="GREEN")  # our own save is not "someone else"
    assert not window.bridge.poll()


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
