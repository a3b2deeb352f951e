"""StoreBridge: each store Change becomes a Qt signal; another user's save is noticed by polling."""

from __future__ import annotations

from pathlib import Path

from ragdesk.store import Identity, Store
from ragdesk.ui.bridge import StoreBridge


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
