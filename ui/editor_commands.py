"""Undo commands for what the editor pane saves: one field, a rating, an evidence file.

The pane performs the save itself first (so a refusal — bad value, conflict,
deleted record — becomes a message or a dialog and nothing is pushed), then
pushes one of these with the values before and after; the first ``redo`` that
``QUndoStack.push`` runs is therefore a no-op.

Undo saves the old value back only if the field still holds what the save left
there, so undo never silently overwrites a colleague who changed it since (and
undoing the save that created an assessment keeps a colleague's text written
into it since: :func:`~ragdesk.ui.commands.undo_creation`); if
it is refused the command reports why through ``on_error`` and makes itself
obsolete (the stack drops it instead of getting stuck).
"""

from __future__ import annotations

from typing import Any

from ragdesk.errors import NotFound, RagdeskError
from ragdesk.store import Deleted, Store

from .commands import ErrorHandler, StoreCommand, check_still, ignore_error, undo_creation


class _EditorCommand(StoreCommand):
    """A save the editor pane made; a refused undo names the command in quotes."""

    def _refusal(self, verb: str, error: RagdeskError) -> str:
        return f"Could not {verb} “{self.text()}”: {error}"


class SaveFields(_EditorCommand):
    """Some fields of one record saved (item, inspection or assessment).

    ``target`` is ``("item", id)``, ``("inspection", id)`` or
    ``("assessment", (item_id, period_id))``; ``before``/``after`` map field
    names to values in stored form (:func:`ragdesk.domain.stored_form`). Undo (and redo) check
    that those fields still hold what this command left there — other fields
    may have been saved since, by us or by a colleague, and that is fine — then
    save with ``expected_version`` = the version just read, so nothing that
    happens in between is overwritten.
    """

    def __init__(self, store: Store, text: str, target: tuple[str, Any],
                 before: dict[str, Any], after: dict[str, Any],
                 *, created: bool = False, on_error: ErrorHandler = ignore_error) -> None:
        super().__init__(store, text, on_error)
        self.target = target
        self.before = before
        self.after = after
        self.created = created  # the save created the assessment: undo deletes it again
        self._deleted: Deleted | None = None
        self._cleared: dict[str, Any] | None = None  # undo cleared just these (a colleague's text stays)

    def _current(self) -> Any:
        kind, key = self.target
        if kind == "item":
            return self.store.item(key)
        if kind == "inspection":
            return self.store.inspection(key)
        record = self.store.assessment(*key)
        if record is None:
            raise NotFound("That assessment no longer exists.")
        return record

    def _check(self, record: Any, expect: dict[str, Any]) -> None:
        check_still(record, expect)

    def _save(self, values: dict[str, Any], expect: dict[str, Any]) -> None:
        record = self._current()
        self._check(record, expect)
        kind, key = self.target
        if kind == "item":
            self.store.update_item(key, expected_version=record.version, **values)
        elif kind == "inspection":
            self.store.update_inspection(key, expected_version=record.version, **values)
        else:
            self.store.save_assessment(key[0], key[1], expected_version=record.version, **values)

    def _undo(self) -> None:
        if self.target[0] == "assessment" and self.created:
            # delete it again only if nobody else has written in it since; else clear ours
            self._deleted, self._cleared = undo_creation(self.store, *self.target[1], self.after)
            return
        self._save(self.before, self.after)

    def _redo(self) -> None:
        if self._deleted is not None:
            self.store.restore(self._deleted)
            self._deleted = None
            return
        if self._cleared:
            cleared, self._cleared = self._cleared, None
            self._save({k: v for k, v in self.after.items() if k in cleared}, cleared)
            return
        self._save(self.after, self.before)


class AddedEvidence(_EditorCommand):
    """An evidence file attached: undo removes it (keeping the snapshot), redo puts it back."""

    def __init__(self, store: Store, text: str, evidence_id: int,
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


class EvidenceNoteChanged(_EditorCommand):
    """The note beside an evidence file edited: undo puts the old note back."""

    def __init__(self, store: Store, text: str, evidence_id: int, old: str, new: str,
                 on_error: ErrorHandler = ignore_error) -> None:
        super().__init__(store, text, on_error)
        self.evidence_id, self.old, self.new = evidence_id, old, new

    def _undo(self) -> None:
        self.store.set_evidence_note(self.evidence_id, self.old)

    def _redo(self) -> None:
        self.store.set_evidence_note(self.evidence_id, self.new)


class RemovedEvidence(_EditorCommand):
    """An evidence file removed: undo restores the very same row (bytes included)."""

    def __init__(self, store: Store, text: str, deleted: Deleted,
                 on_error: ErrorHandler = ignore_error) -> None:
        super().__init__(store, text, on_error)
        self.deleted = deleted
        self.evidence_id = deleted.rows[0][1]["id"]

    def _undo(self) -> None:
        self.store.restore(self.deleted)

    def _redo(self) -> None:
        self.deleted = self.store.remove_evidence(self.evidence_id)
