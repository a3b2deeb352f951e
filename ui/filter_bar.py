"""The filter bar above the tree: free text plus RAG, status, board, lead and overdue.

It only collects what the person asked for into an ``ItemFilter``; the tree
model does the filtering. Typing waits a moment before searching so a fast
typist does not run a search per key press.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ragdesk.domain import ItemRow, Rating, Status

from .tree_model import NOT_RATED, ItemFilter

ANY = "__any__"


class FilterBar(QWidget):
    """Emits ``filter_changed(ItemFilter)`` whenever the person changes a filter."""

    filter_changed = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Filter")
        self.text = QLineEdit(self)
        self.text.setPlaceholderText("Search text, numbers, narratives…  (Ctrl+F)")
        self.text.setClearButtonEnabled(True)
        self.text.setAccessibleName("Search")
        self.text.setToolTip("Every word must appear: number, text, lead, board or any narrative")
        self.rag = self._combo("RAG filter", "Any RAG")
        self.rag.setToolTip("Only items with this rating in the reporting period chosen at the top")
        self.status = self._combo("Status filter", "Any status")
        self.board = self._combo("Board filter", "Any board")
        self.lead = self._combo("Lead filter", "Any lead")
        self.overdue = QCheckBox("&Overdue", self)
        self.overdue.setAccessibleName("Overdue only")
        self.overdue.setToolTip("Only items whose deadline has passed and that are not GREEN or closed")
        self.clear_button = QToolButton(self)
        self.clear_button.setText("Clear")
        self.clear_button.setAccessibleName("Clear filters")
        self.clear_button.setToolTip("Show every item again")
        self.clear_button.clicked.connect(self.clear)
        # the set the Overview chose (a bar, a count, a list), shown so it can be cleared
        self._item_ids: frozenset[int] | None = None
        self.picked = QLabel(self)
        self.picked.setAccessibleName("Items picked in the Overview")
        self.picked.setStyleSheet("QLabel { background: #fff4c2; color: #1a1a1a; border: 1px solid #b59a00; "
                                  "border-radius: 3px; padding: 1px 4px; }")
        self.picked.hide()
        self.picked_clear = QToolButton(self)
        self.picked_clear.setText("✕")
        self.picked_clear.setAccessibleName("Show all items again")
        self.picked_clear.setToolTip("Stop showing only the items picked in the Overview")
        self.picked_clear.clicked.connect(lambda: self.set_item_set(None))
        self.picked_clear.hide()
        # a search text not applied yet (its index is being made), or why it cannot be
        self.note = QLabel(self)
        self.note.setAccessibleName("Search note")
        self.note.setWordWrap(True)
        self.note.setTextFormat(Qt.TextFormat.PlainText)  # it quotes what was typed: "<b>" stays text
        self.note.setStyleSheet("QLabel { background: #e8f0fe; color: #1a1a1a; border: 1px solid #7a9cc6; "
                                "border-radius: 3px; padding: 1px 4px; }")
        self.note.hide()

        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.text, 1)
        top.addWidget(self.clear_button)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        for w in (self.rag, self.status, self.board, self.lead):
            row.addWidget(w, 1)
        row.addWidget(self.overdue)
        picked = QHBoxLayout()
        picked.setContentsMargins(0, 0, 0, 0)
        picked.addWidget(self.picked, 1)
        picked.addWidget(self.picked_clear)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 2)
        layout.setSpacing(3)
        layout.addLayout(top)
        layout.addLayout(row)
        layout.addLayout(picked)
        layout.addWidget(self.note)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(200)
        self._timer.timeout.connect(self._emit)
        self.text.textChanged.connect(lambda _t: self._timer.start())
        self.text.returnPressed.connect(self._emit)
        for combo in (self.rag, self.status, self.board, self.lead):
            combo.currentIndexChanged.connect(lambda _i: self._emit())
        self.overdue.toggled.connect(lambda _b: self._emit())
        self._last: ItemFilter | None = None

    def _combo(self, name: str, any_text: str) -> QComboBox:
        combo = QComboBox(self)
        combo.setAccessibleName(name)
        combo.setToolTip(name)
        combo.addItem(any_text, ANY)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(6)
        return combo

    def set_choices(self, ratings: list[Rating], statuses: list[Status],
                    rows: list[ItemRow]) -> None:
        """Fill the drop-downs from the open file, keeping what was chosen where possible."""
        self._refill(self.rag, [(r.code, r.code) for r in ratings] + [(NOT_RATED, "Not rated")])
        self._refill(self.status, [(s.code, s.label) for s in statuses])
        boards = sorted({r.board for r in rows}, key=str.lower)
        leads = sorted({r.lead for r in rows}, key=str.lower)
        self._refill(self.board, [(b, b or "(No board)") for b in boards])
        self._refill(self.lead, [(lead, lead or "(No lead)") for lead in leads])

    def _refill(self, combo: QComboBox, choices: list[tuple[str, str]]) -> None:
        current = combo.currentData()
        combo.blockSignals(True)
        while combo.count() > 1:
            combo.removeItem(1)
        for value, text in choices:
            combo.addItem(text, value)
        at = combo.findData(current)
        combo.setCurrentIndex(max(at, 0))
        combo.blockSignals(False)
        if at < 0 and current != ANY:
            self._emit()

    def current(self) -> ItemFilter:
        def value(combo: QComboBox) -> str | None:
            data = combo.currentData()
            return None if data in (None, ANY) else str(data)
        return ItemFilter(text=self.text.text(), rag=value(self.rag), status=value(self.status),
                          board=value(self.board), lead=value(self.lead),
                          overdue=self.overdue.isChecked(), item_ids=self._item_ids,
                          item_ids_label=self.picked.text() if self._item_ids is not None else "")

    def set_item_set(self, ids: frozenset[int] | None, label: str = "") -> None:
        """Show only ``ids`` (what the Overview picked), named by ``label``; None: all again."""
        self._item_ids = ids
        self.picked.setText(f"Showing {label} ({len(ids)})" if ids is not None else "")
        self.picked.setVisible(ids is not None)
        self.picked_clear.setVisible(ids is not None)
        self._emit()

    def set_note(self, text: str) -> None:
        """Say something about the search text under the filters ("" hides it)."""
        if text != self.note.text():
            self.note.setText(text)
        self.note.setVisible(bool(text))

    def _emit(self) -> None:
        self._timer.stop()
        f = self.current()
        if f != self._last:
            self._last = f
            self.filter_changed.emit(f)

    def apply_now(self) -> None:
        """Run a pending text search at once (tests, and Enter in the search box)."""
        self._emit()

    def clear(self) -> None:
        for w in (self.text, self.rag, self.status, self.board, self.lead, self.overdue):
            w.blockSignals(True)
        self.text.clear()
        for combo in (self.rag, self.status, self.board, self.lead):
            combo.setCurrentIndex(0)
        self.overdue.setChecked(False)
        self._item_ids = None
        self.picked.hide()
        self.picked_clear.hide()
        for w in (self.text, self.rag, self.status, self.board, self.lead, self.overdue):
            w.blockSignals(False)
        self._emit()

    def focus_search(self) -> None:
        self.text.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.text.selectAll()
