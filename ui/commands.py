"""Undoable commands: one small QUndoCommand per user action, each wrapping a store operation.

The window runs the operation first (so a refusal becomes a message and no
command is pushed), then pushes the command with what it did; ``redo`` skips
that first call. Deletes keep the store's ``Deleted`` snapshot so undo puts
back the very same rows (same ids), and so redo after undo re-creates them
with the ids other commands in the stack remember.

If an undo or redo is refused later (someone else deleted the record), the
command reports it through ``on_error`` and makes itself obsolete, so the
stack drops it rather than getting stuck.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtGui import QUndoCommand

from ragdesk.domain import Assessment, Inspection, Item, Period
from ragdesk.errors import RagdeskError
from ragdesk.store import Deleted, Store

from . import qt_compat  # noqa: F401  (PySide6 work-around, see there)
from .busy import busy_cursor

ErrorHandler = Callable[[str], None]


def ignore_error(_message: str) -> None:
    pass


class StoreCommand(QUndoCommand):
    """Base: first redo is a no-op (already done); errors go to ``on_error``."""

    def __init__(self, store: Store, text: str, on_error: ErrorHandler = ignore_error) -> None:
        super().__init__(text)
        self.store = store
        self.on_error = on_error
        self._done_once = True

    def redo(self) -> None:
        if self._done_once:
            self._done_once = False
            return
        self._guard(self._redo, "redo")

    def undo(self) -> None:
        self._guard(self._undo, "undo")

    def _guard(self, fn: Callable[[], None], verb: str = "") -> None:
        """Run an undo or redo; a refusal is reported and makes the command obsolete
        (the stack drops it instead of getting stuck)."""
        try:
            with busy_cursor():  # putting back a whole period takes about a second
                fn()
        except RagdeskError as e:
            self.setObsolete(True)
            self.on_error(self._refusal(verb, e))

    def _refusal(self, verb: str, error: RagdeskError) -> str:
        return f"Could not {self.text().lower()}: {error}"

    def _redo(self) -> None:
        raise NotImplementedError

    def _undo(self) -> None:
        raise NotImplementedError


class SetRag(StoreCommand):
    """One rating typed in the grid (R/A/G/B/Delete). Undo puts back rating and draft mark."""

    def __init__(self, store: Store, item_label: str, period: Period,
                 before: Assessment | None, rag: str | None,
                 on_error: ErrorHandler = ignore_error) -> None:
        word = rag or "no rating"
        super().__init__(store, f"Rate {item_label} {word} in {period.label}", on_error)
        self.item_id = before.item_id if before else None
        self.period_id = period.id
        self.before = before
        self.rag = rag

    @classmethod
    def run(cls, store: Store, item_id: int, period: Period, rag: str | None, item_label: str,
            on_error: ErrorHandler = ignore_error) -> SetRag:
        """Set the rating now and return the command to push (raises RagdeskError if refused)."""
        before = store.assessment(item_id, period.id)
        store.set_rag(item_id, period.id, rag)
        command = cls(store, item_label, period, before, rag, on_error)
        command.item_id = item_id
        return command

    def _redo(self) -> None:
        assert self.item_id is not None
        self.store.set_rag(self.item_id, self.period_id, self.rag)

    def _undo(self) -> None:
        assert self.item_id is not None
        if self.before is None:
            self.store.delete_assessment(self.item_id, self.period_id)
        else:
            self.store.save_assessment(self.item_id, self.period_id, rag=self.before.rag,
                                       draft=self.before.draft)


class Created(StoreCommand):
    """Something was added (inspection, item, duplicate, period): undo deletes, redo restores."""

    def __init__(self, store: Store, text: str, delete: Callable[[], Deleted],
                 on_error: ErrorHandler = ignore_error) -> None:
        super().__init__(store, text, on_error)
        self._delete = delete
        self._snapshot: Deleted | None = None

    def _undo(self) -> None:
        self._snapshot = self._delete()

    def _redo(self) -> None:
        if self._snapshot is not None:
            self.store.restore(self._snapshot)


def added_inspection(store: Store, inspection: Inspection,
                     on_error: ErrorHandler = ignore_error) -> Created:
    return Created(store, f"Add inspection “{inspection.title}”",
                   lambda: store.delete_inspection(inspection.id), on_error)


def added_item(store: Store, item: Item, verb: str = "Add",
               on_error: ErrorHandler = ignore_error) -> Created:
    return Created(store, f"{verb} {item.label}", lambda: store.delete_item(item.id), on_error)


def added_period(store: Store, period: Period, on_error: ErrorHandler = ignore_error) -> Created:
    return Created(store, f"Add reporting period {period.label}",
                   lambda: store.delete_period(period.id), on_error)


class Removed(StoreCommand):
    """Something was deleted: undo restores the snapshot, redo deletes again."""

    def __init__(self, store: Store, text: str, snapshot: Deleted,
                 delete: Callable[[], Deleted], on_error: ErrorHandler = ignore_error) -> None:
        super().__init__(store, text, on_error)
        self.snapshot = snapshot
        self._delete = delete

    def _undo(self) -> None:
        self.store.restore(self.snapshot)

    def _redo(self) -> None:
        self.snapshot = self._delete()


class Moved(StoreCommand):
    """A value changed from ``old`` to ``new`` by calling ``move(value)``: an item or
    inspection moved up or down, a period renamed. Undo calls it with the old value."""

    def __init__(self, store: Store, text: str, move: Callable[[Any], object],
                 old: Any, new: Any, on_error: ErrorHandler = ignore_error) -> None:
        super().__init__(store, text, on_error)
        self._move, self._old, self._new = move, old, new

    def _undo(self) -> None:
        self._move(self._old)

    def _redo(self) -> None:
        self._move(self._new)
