"""A read-only stand-in for the editor pane, used only while ui/editor.py is not installed.

It honours the editor pane's contract (``show_item``, ``show_inspection``,
``clear``, ``flush``, ``refresh``, ``set_store``, ``message``) so the window
works and can be tested before the real editor lands.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Signal
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QTextBrowser, QVBoxLayout, QWidget

from ragdesk import richtext
from ragdesk.store import Change, Store

from . import qt_compat  # noqa: F401  (PySide6 work-around, see there)


class PlaceholderEditor(QWidget):
    message = Signal(str)

    def __init__(self, store: Store | None, undo_stack: QUndoStack,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.undo_stack = undo_stack
        self.view = QTextBrowser(self)
        self.view.setAccessibleName("Item details")
        self.view.setOpenExternalLinks(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view)
        self._shown: tuple[str, int, int | None] | None = None
        self.clear()

    def set_store(self, store: Store | None) -> None:
        self.store = store
        self.clear()

    def clear(self) -> None:
        self._shown = None
        self.view.setHtml("<p style='color:#666'>Choose an inspection or an item on the left.</p>")

    def flush(self) -> bool:
        return True

    def show_item(self, item_id: int, period_id: int | None) -> None:
        self._shown = ("item", item_id, period_id)
        self._render()

    def show_inspection(self, inspection_id: int) -> None:
        self._shown = ("inspection", inspection_id, None)
        self._render()

    def refresh(self, change: Change) -> None:
        if self._shown is None:
            return
        kind, record_id, period_id = self._shown
        if kind == "inspection" and (record_id in change.inspections or change.structure):
            self._render()
        if kind == "item" and (record_id in change.items or change.structure
                               or (record_id, period_id) in change.assessments):
            self._render()

    def _render(self) -> None:
        if self.store is None or self._shown is None:
            return
        kind, record_id, period_id = self._shown
        try:
            if kind == "inspection":
                i = self.store.inspection(record_id)
                self.view.setHtml(f"<h2>{html.escape(i.title)}</h2>"
                                  f"<p>{html.escape(i.inspectorate)} {html.escape(i.kind)}</p>")
                return
            item = self.store.item(record_id)
            parts = [f"<h2>{html.escape(item.heading)}</h2>", richtext.sanitise(item.text)]
            if period_id is not None:
                a = self.store.assessment(record_id, period_id)
                p = self.store.period(period_id)
                rag = (a.rag if a else None) or "not rated"
                parts.append(f"<h3>{html.escape(p.label)}: {html.escape(rag)}</h3>")
                if a:
                    parts.append(richtext.sanitise(a.update))
            self.view.setHtml("".join(parts))
        except Exception as e:  # a deleted record: say so, never raise into Qt
            self.view.setHtml(f"<p>{html.escape(str(e))}</p>")
