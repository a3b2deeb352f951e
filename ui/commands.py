"""Undoable commands: one small QUndoCommand per user action, each wrapping a store operation.

The window or the editor pane runs the operation first (so a refusal — a bad
value, a conflict, a deleted record — becomes a message and no command is
pushed), then pushes the command with what it did; ``redo`` skips that first
call. Deletes keep the store's ``Deleted`` snapshot so undo puts back the very
same rows (same ids), and so redo after undo re-creates them with the ids other
commands in the stack remember.

Every save of fields — the editor's and a rating typed in the grid alike — is a
:class:`SaveFields` on a :class:`Target`, and its undo and redo go through the
same version check as a save: they take back only what is still this user's. A
field a colleague has changed since is left alone and the refusal names them;
an assessment this user created is deleted only while nobody else has written
in it — if a colleague has added a narrative since, undo clears just this
user's fields and keeps theirs.

If an undo or redo is refused (someone else changed or deleted the record), the
command reports it through ``on_error`` and makes itself obsolete, so the stack
drops it rather than getting stuck.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Self

from PySide6.QtGui import QUndoCommand

from ragdesk.domain import (
    EvidenceId,
    Inspection,
    InspectionId,
    Item,
    ItemId,
    Period,
    PeriodId,
    stored_form,
)
from ragdesk.errors import NotFound, RagdeskError
from ragdesk.normalise import ASSESSMENT_FIELDS
from ragdesk.records import Deleted
from ragdesk.storage import Storage

from .busy import busy_cursor

ErrorHandler = Callable[[str], None]


def ignore_error(_message: str) -> None:
    pass


class StoreCommand(QUndoCommand):
    """Base: first redo is a no-op (already done); errors go to ``on_error``."""

    def __init__(self, store: Storage, text: str, on_error: ErrorHandler = ignore_error) -> None:
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

    def _guard(self, fn: Callable[[], None], verb: str) -> None:
        """Run an undo or redo; a refusal is reported and makes the command obsolete
        (the stack drops it instead of getting stuck)."""
        try:
            with busy_cursor():  # putting back a whole period takes about a second
                fn()
        except RagdeskError as e:
            self.setObsolete(True)
            self.on_error(f"Could not {verb} “{self.text()}”: {e}")

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


@dataclass(frozen=True, slots=True, kw_only=True)
class Target:
    """The one record a save of fields writes: an inspection (``inspection_id``), an item
    (``item_id``) or an item's assessment for a period (``item_id`` and ``period_id``).
    The only place that knows which store call reads and which writes each kind (the
    editor's saves and every undo and redo use it)."""

    item_id: ItemId | None = None
    period_id: PeriodId | None = None  # an assessment's
    inspection_id: InspectionId | None = None

    def current(self, store: Storage) -> Any:
        """The record as stored now; NotFound if someone has removed it."""
        if self.inspection_id is not None:
            return store.inspection(self.inspection_id)
        assert self.item_id is not None
        if self.period_id is None:
            return store.item(self.item_id)
        record = store.assessment(item_id=self.item_id, period_id=self.period_id)
        if record is None:
            raise NotFound("That assessment no longer exists (someone may have removed it).")
        return record

    def save(self, store: Storage, values: dict[str, Any], expected_version: int | None) -> Any:
        """Save ``values`` only if the record is still at ``expected_version`` (0: an
        assessment not written yet; None: whatever it is now). Returns the record saved."""
        if self.inspection_id is not None:
            return store.update_inspection(self.inspection_id, expected_version=expected_version,
                                           **values)
        assert self.item_id is not None
        if self.period_id is None:
            return store.update_item(self.item_id, expected_version=expected_version, **values)
        return store.save_assessment(item_id=self.item_id, period_id=self.period_id,
                                     expected_version=expected_version, **values)


class SaveFields(StoreCommand):
    """Some fields of one record saved: by the editor pane, or a rating typed in the grid.

    ``before``/``after`` map the field names saved (for an assessment, with its
    draft mark) to their values in stored form (:func:`ragdesk.domain.stored_form`).
    Undo (and redo) check that those fields still hold what this command left
    there — other fields may have been saved since, by us or by a colleague, and
    that is fine — then save with ``expected_version`` = the version just read, so
    nothing that happens in between is overwritten.
    """

    def __init__(self, store: Storage, text: str, target: Target,
                 before: dict[str, Any], after: dict[str, Any],
                 *, created: bool = False, on_error: ErrorHandler = ignore_error) -> None:
        super().__init__(store, text, on_error)
        self.target = target
        self.before = before
        self.after = after
        self.created = created  # the save created the assessment: undo deletes it again
        self._deleted: Deleted | None = None
        self._cleared: dict[str, Any] | None = None  # undo cleared just these (a colleague's text stays)

    @classmethod
    def saved(cls, store: Storage, text: str, target: Target, record: Any,
              before: dict[str, Any], *, created: bool,
              on_error: ErrorHandler = ignore_error) -> Self:
        """The command for a save just made: ``before`` maps each field it wrote (and an
        assessment's draft mark) to the value before; ``record`` is what the store returned."""
        return cls(store, text, target, {k: stored_form(v) for k, v in before.items()},
                   {k: stored_form(getattr(record, k)) for k in before},
                   created=created, on_error=on_error)

    def _save(self, values: dict[str, Any], expect: dict[str, Any]) -> None:
        record = self.target.current(self.store)
        check_still(record, expect)
        self.target.save(self.store, values, record.version)

    def _undo(self) -> None:
        if self.created:
            self._undo_creation()
        else:
            self._save(self.before, self.after)

    def _undo_creation(self) -> None:
        """Take back a save that created an assessment, keeping whatever is not ours.

        If a field this save wrote has been changed since, the undo is refused with
        the colleague's name (``draft`` is a mark, not content, and is ignored). If
        nobody has written anything else in the record it is deleted
        (``expected_version``: a save in between turns into a Conflict, never a loss)
        and the snapshot kept for redo; otherwise only our fields are cleared and the
        record, with the colleague's text, stays.
        """
        record = self.target.current(self.store)
        mine = self._ours()
        check_still(record, mine)
        theirs = [name for name in ASSESSMENT_FIELDS
                  if name not in mine and name != "draft"
                  and stored_form(getattr(record, name)) not in (None, "")]
        if not theirs:
            target = self.target
            assert target.item_id is not None and target.period_id is not None
            self._deleted = self.store.delete_assessment(
                item_id=target.item_id, period_id=target.period_id, expected_version=record.version)
            return
        self._cleared = {name: _blank(name) for name in mine}
        self.target.save(self.store, {"draft": record.draft, **self._cleared}, record.version)

    def _ours(self) -> dict[str, Any]:
        return {k: v for k, v in self.after.items() if k != "draft"}

    def _redo(self) -> None:
        if self._deleted is not None:
            deleted, self._deleted = self._deleted, None
            try:
                self.target.current(self.store)
            except NotFound:
                self.store.restore(deleted)
                return
            # a colleague has written in the cell since undo removed it: put back just ours
            self._cleared = {name: _blank(name) for name in self._ours()}
        if self._cleared:
            cleared, self._cleared = self._cleared, None
            self._save({k: v for k, v in self.after.items() if k in cleared}, cleared)
            return
        self._save(self.after, self.before)


class SetRag(SaveFields):
    """A rating typed in the grid (R/A/G/B/Delete): a :class:`SaveFields` of the rating and
    the draft mark it clears, so its undo and redo follow the editor's rule exactly."""

    @classmethod
    def run(cls, store: Storage, item_id: ItemId, period: Period, rag: str | None, item_label: str,
            on_error: ErrorHandler = ignore_error) -> Self:
        """Set the rating now and return the command to push (raises RagdeskError if refused).
        No expected version: the last key pressed wins (see ``Store.set_rag``)."""
        before = store.assessment(item_id=item_id, period_id=period.id)
        record = store.set_rag(item_id=item_id, period_id=period.id, rag=rag)
        return cls.saved(store, f"Rate {item_label} {rag or 'no rating'} in {period.label}",
                         Target(item_id=item_id, period_id=period.id), record,
                         {"rag": before.rag if before else None,
                          "draft": bool(before and before.draft)},
                         created=before is None, on_error=on_error)


class Created(StoreCommand):
    """Something was added (inspection, item, duplicate, period): undo deletes, redo restores."""

    def __init__(self, store: Storage, text: str, delete: Callable[[], Deleted],
                 on_error: ErrorHandler = ignore_error) -> None:
        super().__init__(store, text, on_error)
        self._delete = delete
        self._snapshot: Deleted | None = None

    def _undo(self) -> None:
        self._snapshot = self._delete()

    def _redo(self) -> None:
        if self._snapshot is not None:
            self.store.restore(self._snapshot)


def added_inspection(store: Storage, inspection: Inspection,
                     on_error: ErrorHandler = ignore_error) -> Created:
    return Created(store, f"Add inspection “{inspection.title}”",
                   lambda: store.delete_inspection(inspection.id), on_error)


def added_item(store: Storage, item: Item, verb: str = "Add",
               on_error: ErrorHandler = ignore_error) -> Created:
    return Created(store, f"{verb} {item.label}", lambda: store.delete_item(item.id), on_error)


def added_period(store: Storage, period: Period, on_error: ErrorHandler = ignore_error) -> Created:
    return Created(store, f"Add reporting period {period.label}",
                   lambda: store.delete_period(period.id), on_error)


class Removed(StoreCommand):
    """Something was deleted: undo restores the snapshot, redo deletes again."""

    def __init__(self, store: Storage, text: str, snapshot: Deleted,
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

    def __init__(self, store: Storage, text: str, move: Callable[[Any], object],
                 old: Any, new: Any, on_error: ErrorHandler = ignore_error) -> None:
        super().__init__(store, text, on_error)
        self._move, self._old, self._new = move, old, new

    def _undo(self) -> None:
        self._move(self._old)

    def _redo(self) -> None:
        self._move(self._new)


class AddedEvidence(StoreCommand):
    """An evidence file attached: undo removes it (keeping the snapshot), redo puts it back."""

    def __init__(self, store: Storage, text: str, evidence_id: EvidenceId,
                 on_error: ErrorHandler = ignore_error) -> None:
        super().__init__(store, text, on_error)
        self.evidence_id = evidence_id
        self._deleted: Deleted | None = None

    def _undo(self) -> None:
        self._deleted = self.store.remove_evidence(self.evidence_id)

    def _redo(self) -> None:
        if self._deleted is not None:
            self.store.restore(self._deleted)
            self._deleted = None


class EvidenceNoteChanged(StoreCommand):
    """The note beside an evidence file edited: undo puts the old note back."""

    def __init__(self, store: Storage, text: str, evidence_id: EvidenceId, old: str, new: str,
                 on_error: ErrorHandler = ignore_error) -> None:
        super().__init__(store, text, on_error)
        self.evidence_id, self.old, self.new = evidence_id, old, new

    def _undo(self) -> None:
        self.store.set_evidence_note(self.evidence_id, self.old)

    def _redo(self) -> None:
        self.store.set_evidence_note(self.evidence_id, self.new)


class RemovedEvidence(StoreCommand):
    """An evidence file removed: undo restores the very same row (bytes included)."""

    def __init__(self, store: Storage, text: str, deleted: Deleted,
                 on_error: ErrorHandler = ignore_error) -> None:
        super().__init__(store, text, on_error)
        self.deleted = deleted
        self.evidence_id = deleted.rows[0][1]["id"]

    def _undo(self) -> None:
        self.store.restore(self.deleted)

    def _redo(self) -> None:
        self.deleted = self.store.remove_evidence(self.evidence_id)
