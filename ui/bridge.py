"""The Qt side of an open store: turns the store's Change callbacks into Qt signals.

Every view listens to one ``StoreBridge`` instead of to the store, so tree, grid
and editor hear about a change whichever of them made it. The bridge also polls
the store (:meth:`Storage.others_changed`: one request on a network share while nobody
commits) so a colleague's save on the shared drive shows up within a couple of seconds,
and then the audit log's new rows say what they changed (:meth:`Storage.changes_since`),
so the views refresh those records, not every item and assessment (issue 16).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QObject, QTimer, Signal

if TYPE_CHECKING:  # the store is imported after the window's first frame (see main_window)
    from ragdesk.domain import ItemId
    from ragdesk.records import Change
    from ragdesk.storage import Storage

POLL_MS = 2000


class StoreBridge(QObject):
    """Owns the open store for the window; ``changed`` carries each Change (ours or theirs)."""

    changed = Signal(object)  # Change
    external_change = Signal(object)  # Change naming everything: we cannot know what they did
    store_replaced = Signal(object)  # the new store (or None)

    def __init__(self, store: Storage | None = None, parent: QObject | None = None,
                 *, poll_ms: int = POLL_MS) -> None:
        super().__init__(parent)
        self.store: Storage | None = None
        self._audit_id: int | None = None  # the newest audit row this window has seen
        self._timer = QTimer(self)
        self._timer.setInterval(poll_ms)
        self._timer.timeout.connect(self.poll)
        if store is not None:
            self.set_store(store)

    def set_store(self, store: Storage | None) -> None:
        """Switch to another open file (closing nothing: the caller owns closing)."""
        if self.store is not None and self._on_change in self.store.listeners:
            self.store.listeners.remove(self._on_change)
        self.store = store
        if store is not None:
            store.listeners.append(self._on_change)
            self._others_changed()  # sets the mark this window compares with
            try:
                self._audit_id = store.last_audit_id()
            except Exception:  # unreadable now: the first change then refreshes everything
                self._audit_id = None
            self._timer.start()
        else:
            self._timer.stop()
        self.store_replaced.emit(store)

    def close(self) -> None:
        """Detach and close the store (the window is closing or opening another file)."""
        store = self.store
        self.set_store(None)
        if store is not None:
            store.close()

    def _on_change(self, change: Change) -> None:
        # Our own save: others_changed() does not count it.
        self.changed.emit(change)

    def _others_changed(self) -> bool:
        try:
            return self.store is not None and self.store.others_changed()
        except Exception:  # a vanished network drive: keep going, the next save will say so
            return False

    def poll(self) -> bool:
        """Check whether someone else saved; if so emit ``external_change`` and ``changed``."""
        if self.store is None:
            return False
        if not self._others_changed():
            return False  # nobody else committed: one request
        change = self._what_changed(self.store)
        self.external_change.emit(change)
        self.changed.emit(change)
        return True

    def _what_changed(self, store: Storage) -> Change:
        """What others changed since we last looked (the audit log), or everything if unsure."""
        try:
            if self._audit_id is not None:
                change, self._audit_id = store.changes_since(self._audit_id)
                if change is not None:
                    return change
            else:
                self._audit_id = store.last_audit_id()
        except Exception:  # an old file, a vanished drive: fall back to a full refresh
            pass
        return everything(store)


def changed_items(change: Change) -> set[ItemId]:
    """The items a change names (edited, or assessed in some period); ``Change`` holds ints."""
    return cast("set[ItemId]", set(change.items) | {item for item, _ in change.assessments})


def everything(store: Storage) -> Change:
    """A Change naming every record: what to refresh after an unknown outside change."""
    from ragdesk.records import Change

    try:
        items = frozenset(r.id for r in store.item_rows())
        return Change(
            inspections=frozenset(i.id for i in store.inspections()), items=items,
            periods=frozenset(p.id for p in store.periods()),
            assessments=frozenset(store.rag_grid()), evidence_of=items,
            structure=True, settings=True)
    except Exception:  # the drive went away mid-read: refresh the structure at least
        return Change(structure=True, settings=True)
