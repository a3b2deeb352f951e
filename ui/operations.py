"""The edits made from the menus, the tree and the grid, kept apart from the window.

Rate, add an inspection or item, duplicate, delete, move, add / rename / delete a
reporting period, and the grid's cut and paste of a rating. Each runs its store
operation first (a refusal becomes a message and nothing is pushed), then pushes
the undoable command from ``commands`` onto the undo stack. What an operation
needs from the window (the selection, the questions it asks, the messages it
gives, moving the selection afterwards) is the small ``Window`` protocol, so a
test drives the operations with a stand-in of lambdas and a real store file
(tests/test_ui_operations.py). The window keeps the QActions and connects them here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import partial
from typing import TYPE_CHECKING, Protocol

from PySide6.QtGui import QGuiApplication, QUndoStack

from ragdesk.errors import RagdeskError

from .busy import busy_cursor

# The store, the domain and the commands are imported when first used: this module is
# loaded with the window's first frame, which must not wait for them (see main_window).

if TYPE_CHECKING:
    from types import ModuleType

    from ragdesk.domain import InspectionId, Item, ItemId, ItemKind, Period, PeriodId, Rating
    from ragdesk.storage import Storage

    from .dialogs import PeriodValues


class Window(Protocol):
    """What the operations ask of the window (``MainWindow``; in tests, lambdas)."""

    current_item: ItemId | None
    current_inspection: InspectionId | None
    current_period: PeriodId | None

    def ask_text(self, title: str, label: str, text: str = "") -> str | None: ...
    def ask_item(self, inspection_title: str, kind: ItemKind,
                 number: str) -> tuple[ItemKind, str] | None: ...
    def ask_period(self, suggestion: str) -> PeriodValues | None: ...
    def confirm(self, title: str, text: str) -> bool: ...
    def show_error(self, text: str, title: str = "ragdesk") -> None: ...
    def status(self, text: str, timeout: int = 6000) -> None: ...

    def can_leave(self) -> bool: ...  # the editor's text is saved (False: stay put)
    def period(self, period_id: PeriodId | None) -> Period | None: ...  # as the grid shows it
    def item_label(self, item_id: ItemId) -> str: ...
    def select_item(self, item_id: ItemId, period_id: PeriodId | None) -> bool: ...
    def select_inspection(self, inspection_id: InspectionId) -> bool: ...
    def select_period(self, period_id: PeriodId | None) -> bool: ...


def _commands() -> ModuleType:
    """The undoable commands, imported on first use (not with the first frame)."""
    from . import commands
    return commands


class Operations:
    """Every edit of the open file that is not typing in the editor, each one undoable."""

    def __init__(self, store: Callable[[], Storage | None], undo_stack: QUndoStack,
                 window: Window) -> None:
        self._store = store
        self.undo_stack = undo_stack
        self.window = window

    def _error(self, text: str) -> None:
        """A command's refused undo or redo (looked up when it happens, not when pushed)."""
        self.window.show_error(text)

    def writable(self) -> Storage | None:
        """The open store if it can be changed; a read-only file says so and gives None."""
        store = self._store()
        if store is None:
            return None
        if store.read_only:
            self.window.status("This file is open read-only; changes cannot be saved.")
            return None
        return store

    def _begin(self) -> Storage | None:
        """The writable store, once the editor's text is saved (else None: nothing happens)."""
        store = self.writable()
        return store if store is not None and self.window.can_leave() else None

    # ------------------------------------------------------------------ ratings

    def rate(self, item_id: ItemId, period_id: PeriodId, rag: str | None) -> bool:
        """Set one rating (the grid's R/A/G/B/Delete keys) as an undoable command."""
        store = self.writable()
        period = self.window.period(period_id)
        if store is None or period is None or not self.window.can_leave():
            return False
        label = self.window.item_label(item_id)
        try:
            if rag is None and store.assessment(item_id=item_id, period_id=period_id) is None:
                return False
            command = _commands().SetRag.run(store, item_id, period, rag, label, self._error)
        except RagdeskError as e:
            self.window.show_error(str(e))
            return False
        self.undo_stack.push(command)
        self.window.status(f"{label}: {rag or 'no rating'} in {period.label}")
        return True

    def grid_clipboard(self, what: str, cell: tuple[ItemId, PeriodId] | None, shown: str,
                       ratings: list[Rating]) -> None:
        """Cut, copy or paste in the grid: the rating's word goes to the clipboard (cut
        also clears it); pasting a word or letter of ``ratings`` rates ``cell``."""
        clipboard = QGuiApplication.clipboard()
        if what in ("copy", "cut"):
            clipboard.setText(shown.rstrip("*"))  # the draft mark is not part of the word
            if what == "cut" and cell is not None:
                self.rate(*cell, None)
            return
        if cell is None:
            return
        word = clipboard.text().strip().upper()
        rating = next((r for r in ratings if word in (r.code, r.letter)), None)
        if rating is None:
            self.window.status(f"“{clipboard.text()[:40]}” is not a rating; paste RED, AMBER "
                               "or GREEN.")
            return
        self.rate(*cell, rating.code)

    # ------------------------------------------------------------------ inspections and items

    def add_inspection(self) -> None:
        store = self._begin()
        if store is None:
            return
        title = self.window.ask_text("Add inspection", "Title of the inspection report:")
        if title is None:
            return
        try:
            inspection = store.add_inspection(title)
        except RagdeskError as e:
            self.window.show_error(str(e))
            return
        self.undo_stack.push(_commands().added_inspection(store, inspection, self._error))
        self.window.select_inspection(inspection.id)

    def _target_inspection(self, store: Storage) -> InspectionId | None:
        """Where a new item goes: the selected inspection or item's, else the last one."""
        window = self.window
        if window.current_inspection is not None:
            return window.current_inspection
        if window.current_item is not None:
            return store.item(window.current_item).inspection_id
        inspections = store.inspections()
        return inspections[-1].id if inspections else None

    def add_item(self) -> None:
        store = self._begin()
        if store is None:
            return
        try:
            inspection_id = self._target_inspection(store)
            if inspection_id is None:
                self.window.show_error("Add an inspection first (Edit ▸ Add Inspection…): "
                                       "every item belongs to one.")
                return
            inspection = store.inspection(inspection_id)
            items = store.items(inspection_id)
        except RagdeskError as e:
            self.window.show_error(str(e))
            return
        from ragdesk.domain import ItemKind

        kind = items[-1].kind if items else ItemKind.RECOMMENDATION
        answer = self.window.ask_item(inspection.title, kind, next_number(items, kind))
        if answer is None:
            return
        kind, number = answer
        try:
            item = store.add_item(inspection_id, kind, number)
        except RagdeskError as e:
            self.window.show_error(str(e))
            return
        self.undo_stack.push(_commands().added_item(store, item, on_error=self._error))
        self.window.select_item(item.id, self.window.current_period)
        self.window.status(f"Added {item.label}; type its text in the editor.")

    def duplicate_item(self) -> None:
        store = self.writable()
        if store is None or self.window.current_item is None or not self.window.can_leave():
            return
        try:
            copy = store.duplicate_item(self.window.current_item)
        except RagdeskError as e:
            self.window.show_error(str(e))
            return
        self.undo_stack.push(_commands().added_item(store, copy, "Duplicate", self._error))
        self.window.select_item(copy.id, self.window.current_period)
        self.window.status(f"Duplicated as {copy.label}.")

    def delete_selected(self) -> None:
        """Delete the selected item, or the selected inspection (asked first if it has items)."""
        store = self._begin()
        if store is None:
            return
        window = self.window
        try:
            if window.current_item is not None:
                item = store.item(window.current_item)
                text, delete = f"Delete {item.label}", partial(store.delete_item, item.id)
                said = f"Deleted {item.label}. Undo (Ctrl+Z) puts it back."
            elif window.current_inspection is not None:
                inspection = store.inspection(window.current_inspection)
                count = len(store.items(inspection.id))
                if count and not window.confirm(
                        "Delete inspection",
                        f"Delete “{inspection.title}” and its {count} items? "
                        "Undo (Ctrl+Z) puts them back."):
                    return
                text = f"Delete inspection “{inspection.title}”"
                delete = partial(store.delete_inspection, inspection.id)
                said = f"Deleted “{inspection.title}”. Undo (Ctrl+Z) puts it back."
            else:
                return
            snapshot = delete()
        except RagdeskError as e:
            window.show_error(str(e))
            return
        self.undo_stack.push(_commands().Removed(store, text, snapshot, delete, self._error))
        window.status(said)

    def move_selected(self, step: int) -> None:
        """Move the selected item within its inspection, or the selected inspection, by
        ``step`` places (the window offers it while the tree is grouped by inspection)."""
        store = self._begin()
        if store is None:
            return
        window = self.window
        try:
            if window.current_item is not None:
                item = store.item(window.current_item)
                item_ids = [i.id for i in store.items(item.inspection_id)]
                old, count, text = item_ids.index(item.id), len(item_ids), f"Move {item.label}"
                move: Callable[[int], object] = partial(store.move_item, item.id)
            elif window.current_inspection is not None:
                inspection_ids: list[InspectionId] = [i.id for i in store.inspections()]
                old, count = inspection_ids.index(window.current_inspection), len(inspection_ids)
                text, move = "Move inspection", partial(store.move_inspection,
                                                        window.current_inspection)
            else:
                return
            new = old + step
            if not 0 <= new < count:
                return
            move(new)
            self.undo_stack.push(_commands().Moved(store, text, move, old, new, self._error))
        except RagdeskError as e:
            window.show_error(str(e))

    # ------------------------------------------------------------------ reporting periods

    def new_period(self) -> None:
        """Add a reporting period (ratings carried forward as drafts) and show it; a
        refused label or date asks again with what was typed."""
        store = self._begin()
        if store is None:
            return
        values = self.window.ask_period("")
        while values is not None:
            try:
                with busy_cursor():  # every item's draft: ~0.1 s on 3,000 items, ~0.7 s on 30,000
                    period = store.add_period(values.label, date=values.date or None,
                                              meeting=values.meeting, carry_forward=True)
            except RagdeskError as e:
                self.window.show_error(str(e))
                values = self.window.ask_period(values.label)
                continue
            self.undo_stack.push(_commands().added_period(store, period, self._error))
            self.window.select_period(period.id)
            self.window.status(f"Added {period.label}: ratings carried forward as drafts.")
            return

    def rename_period(self, period_id: PeriodId) -> None:
        store = self.writable()
        period = self.window.period(period_id)
        if store is None or period is None:
            return
        label = self.window.ask_text("Rename reporting period", "New label:", period.label)
        if label is None or label.strip() == period.label:
            return
        try:
            renamed = store.update_period(period_id, label=label)
        except RagdeskError as e:
            self.window.show_error(str(e))
            return
        self.undo_stack.push(_commands().Moved(
            store, f"Rename {period.label} to {renamed.label}",
            lambda text: store.update_period(period_id, label=text),
            period.label, renamed.label, self._error))

    def delete_period(self, period_id: PeriodId) -> None:
        store = self.writable()
        period = self.window.period(period_id)
        if store is None or period is None or not self.window.can_leave():
            return
        if not self.window.confirm("Delete reporting period",
                                   f"Delete {period.label} and every rating and narrative in "
                                   "it? Undo (Ctrl+Z) puts it back."):
            return
        try:
            with busy_cursor():
                snapshot = store.delete_period(period_id)
        except RagdeskError as e:
            self.window.show_error(str(e))
            return
        self.undo_stack.push(_commands().Removed(
            store, f"Delete reporting period {period.label}", snapshot,
            partial(store.delete_period, period_id), self._error))
        self.window.status(f"Deleted {period.label}. Undo (Ctrl+Z) puts it back.")


def next_number(items: Sequence[Item], kind: ItemKind) -> str:
    """One more than the highest number of that kind in the inspection ("1" if none numeric)."""
    numbers = [int(m[0]) for i in items if i.kind == kind
               for m in [re.match(r"\d+", i.number)] if m]
    return str(max(numbers) + 1) if numbers else "1"
