"""Undo commands for what the editor pane saves: one field, a rating, an evidence file.

The pane performs the save itself first (so a refusal — bad value, conflict,
deleted record — becomes a message or a dialog and nothing is pushed), then
pushes one of these with the values before and after; the first ``redo`` that
``QUndoStack.push`` runs is therefore a no-op.

Undo saves the old value back with ``expected_version`` = the version our save
produced, so undo never silently overwrites a colleague who saved the same
record since; if it is refused the command reports why through ``on_error`` and
makes itself obsolete (the stack drops it instead of getting stuck).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtGui import QUndoCommand

from ragdesk.errors import RagdeskError
from ragdesk.store import Deleted, Store

from . import qt_compat  # noqa: F401  (keeps PySide 6.12 on Python 3.11 from draining None)

ErrorHandler = Callable[[str], None]


def _ignore(_message: str) -> None:
    pass


class _EditorCommand(QUndoCommand):
    def __init__(self, store: Store, text: str, on_error: ErrorHandler) -> None:
        super().__init__(text)
        self.store = store
        self.on_error = on_error
        self._skip_first_redo = True

    def redo(self) -> None:
        if self._skip_first_redo:
            self._skip_first_redo = False
            return
        self._guard(self._redo, "redo")

    def undo(self) -> None:
        self._guard(self._undo, "undo")

    def _guard(self, fn: Callable[[], None], verb: str) -> None:
        try:
            fn()
        except RagdeskError as e:
            self.setObsolete(True)
            self.on_error(f"Could not {verb} “{self.text()}”: {e}")

    def _redo(self) -> None:
        raise NotImplementedError

    def _undo(self) -> None:
        raise NotImplementedError


class SaveFields(_EditorCommand):
    """Some fields of one record saved (item, inspection or assessment).

    ``target`` is ``("item", id)``, ``("inspection", id)`` or
    ``("assessment", (item_id, period_id))``; ``before``/``after`` map field
    names to stored values; ``version`` is the record's version after the save
    (0 when undo must remove an assessment the save created).
    """

    def __init__(self, store: Store, text: str, target: tuple[str, Any],
                 before: dict[str, Any], after: dict[str, Any], version: int,
                 *, created: bool = False, on_error: ErrorHandler = _ignore) -> None:
        super().__init__(store, text, on_error)
        self.target = target
        self.before = before
        self.after = after
        self.version = version
        self.created = created  # the save created the assessment: undo deletes it again
        self._deleted: Deleted | None = None

    def _save(self, values: dict[str, Any]) -> None:
        kind, key = self.target
        if kind == "item":
            record = self.store.update_item(key, expected_version=self.version, **values)
        elif kind == "inspection":
            record = self.store.update_inspection(key, expected_version=self.version, **values)
        else:
            item_id, period_id = key
            record = self.store.save_assessment(item_id, period_id,
                                                expected_version=self.version, **values)
        self.version = record.version

    def _undo(self) -> None:
        kind, key = self.target
        if kind == "assessment" and self.created:
            current = self.store.assessment(*key)
            if current is not None and current.version != self.version:
                raise RagdeskError("someone else has changed it since.")
            self._deleted = self.store.delete_assessment(*key)
            self.version = 0
            return
        self._save(self.before)

    def _redo(self) -> None:
        if self._deleted is not None:
            self.store.restore(self._deleted)
            self._deleted = None
            current = self.store.assessment(*self.target[1])
            self.version = current.version if current else 0
            return
        self._save(self.after)


class AddedEvidence(_EditorCommand):
    """An evidence file attached: undo removes it (keeping the snapshot), redo puts it back."""

    def __init__(self, store: Store, text: str, evidence_id: int,
                 on_error: ErrorHandler = _ignore) -> None:
        super().__init__(store, text, on_error)
        self.evidence_id = evidence_id
        self._deleted: Deleted | None = None

    def _undo(self) -> None:
        self._deleted = self.store.remove_evidence(self.evidence_id)

    def _redo(self) -> None:
        if self._deleted is not None:
            self.store.restore(self._deleted)
            self._deleted = None


class RemovedEvidence(_EditorCommand):
    """An evidence file removed: undo restores the very same row (bytes included)."""

    def __init__(self, store: Store, text: str, deleted: Deleted,
                 on_error: ErrorHandler = _ignore) -> None:
        super().__init__(store, text, on_error)
        self.deleted = deleted
        self.evidence_id = deleted.rows[0][1]["id"]

    def _undo(self) -> None:
        self.store.restore(self.deleted)

    def _redo(self) -> None:
        self.deleted = self.store.remove_evidence(self.evidence_id)
