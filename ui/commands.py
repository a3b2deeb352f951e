"""Undoable commands: one small QUndoCommand per user action, each wrapping a store operation.

The window runs the operation first (so a refusal becomes a message and no
command is pushed), then pushes the command with what it did; ``redo`` skips
that first call. Deletes keep the store's ``Deleted`` snapshot so undo puts
back the very same rows (same ids), and so redo after undo re-creates them
with the ids other commands in the stack remember.

If an undo or redo is refused later (someone else deleted the record), the
command reports it through ``on_error`` and makes itself obsolete, so the
stack drops it rather than getting stuck.

Undo goes through the same version check as a save: it takes back only what
is still this user's. A rating that a colleague has changed since is left alone
and the refusal names them; an assessment this user created is deleted only
while nobody else has written in it — if a colleague has added a narrative
since, undo clears just this user's fields and keeps theirs
(:func:`undo_creation`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtGui import QUndoCommand

from ragdesk.domain import Assessment, Inspection, Item, Period, stored_form
from ragdesk.errors import NotFound, RagdeskError
from ragdesk.store import ASSESSMENT_FIELDS, Deleted, Store

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


def check_still(record: Any, expect: dict[str, Any]) -> None:
    """Refuse (naming who) unless each field in ``expect`` still holds that stored value."""
    for name, value in expect.items():
        if stored_form(getattr(record, name)) != value:
            who = getattr(record, "updated_by", "") or "someone else"
            raise RagdeskError(f"{name.replace('_', ' ')} has been changed by {who} since.")


def _blank(name: str) -> Any:
    return None if name in ("rag", "dot") else ""


def undo_creation(store: Store, item_id: int, period_id: int,
                  ours: dict[str, Any]) -> tuple[Deleted | None, dict[str, Any]]:
    """Take back a save that created an assessment, keeping whatever is not ours.

    ``ours`` maps the fields this user's save wrote to the stored values it left
    (``draft`` is a mark, not content, and is ignored). If one of them has been
    changed since, the undo is refused with the colleague's name. If nobody has
    written anything else in the record it is deleted (``expected_version``: a save
    in between turns into a Conflict, never a loss) and the snapshot is returned;
    otherwise only our fields are cleared and the record, with the colleague's
    text, stays. Returns ``(snapshot or None, the values cleared)``.
    """
    record = store.assessment(item_id, period_id)
    if record is None:
        raise NotFound("That assessment no longer exists (someone may have removed it).")
    mine = {k: v for k, v in ours.items() if k != "draft"}
    check_still(record, mine)
    theirs = [name for name in ASSESSMENT_FIELDS
              if name not in mine and name != "draft"
              and stored_form(getattr(record, name)) not in (None, "")]
    if not theirs:
        return store.delete_assessment(item_id, period_id, expected_version=record.version), {}
    cleared = {name: _blank(name) for name in mine}
    store.save_assessment(item_id, period_id, expected_version=record.version,
                          draft=record.draft, **cleared)
    return None, cleared


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
        current = self.store.assessment(self.item_id, self.period_id)
        if current is None:
            version = 0
        else:
            # what undo left there must still be there (a colleague may have rated since)
            check_still(current, {"rag": self.before.rag if self.before else None})
            version = current.version
        self.store.set_rag(self.item_id, self.period_id, self.rag, expected_version=version)

    def _undo(self) -> None:
        assert self.item_id is not None
        if self.before is None:
            undo_creation(self.store, self.item_id, self.period_id, {"rag": self.rag})
            return
        current = self.store.assessment(self.item_id, self.period_id)
        if current is None:
            raise NotFound("That assessment no longer exists (someone may have removed it).")
        check_still(current, {"rag": self.rag})
        self.store.save_assessment(self.item_id, self.period_id, expected_version=current.version,
                                   rag=self.before.rag, draft=self.before.draft)


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
