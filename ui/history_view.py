"""A read-only timeline of everything that happened to one item (the audit log).

``HistoryModel`` is a table over ``store.item_history(item_id)``: when, who
(user@machine), what (record and field), old → new. Rich values (stored HTML) are
shown as plain text and trimmed so a row stays one line; the full value is the
tooltip. Other values read as the editor shows them ("31 October 2023", "With
immediate effect", a status's label), never in their stored form. Nothing here can change the log: the store has no method that would.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtWidgets import (
    QDockWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ragdesk import richtext
from ragdesk.domain import Deadline, Dot, ItemId, ItemKind
from ragdesk.records import AuditEntry
from ragdesk.storage import Storage

from .row_table import RowTableModel, list_table

COLUMNS = ("When", "Who", "What", "Old", "New")
TRIM = 120

_ENTITY_NAMES = {"item": "Item", "assessment": "Assessment", "evidence": "Evidence"}
_FIELD_NAMES = {"update": "Update", "intent_and_implementation": "Intent and implementation",
                "impact": "Impact", "status_note": "Status note", "rag": "Rating",
                "dot": "Direction of travel", "text": "Text", "dashboard": "Dashboard",
                "review_date": "Review date"}

Index = QModelIndex | QPersistentModelIndex


def plain(value: str | None, limit: int = TRIM) -> str:
    """A stored value as one line of plain text (HTML rendered to text, then trimmed)."""
    if value is None:
        return ""
    text = richtext.to_plain(value) if value.lstrip().startswith("<") else value
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# as the editor's direction box words them
_DOT_WORDS = {Dot.SAME.value: "= No change", Dot.UP.value: "▲ Improved", Dot.DOWN.value: "▼ Worse"}
_DATE_FIELDS = {"review_date", "published", "date"}


def long_date(value: str) -> str:
    """An ISO date as the editor shows it: "31 October 2023"."""
    try:
        return dt.date.fromisoformat(value).strftime("%d %B %Y").lstrip("0")
    except ValueError:
        return value


def shown(field: str, value: str | None, statuses: dict[str, str],
          limit: int = TRIM) -> str:
    """A stored value as the editor shows it: dates written out, "With immediate effect",
    status labels, kinds and directions in words; rich text as one plain line."""
    if value is None:
        return "Not rated" if field == "rag" else ""
    try:
        if field == "deadline":
            return str(Deadline.parse(value))
        if field == "kind":
            return ItemKind(value).heading
    except ValueError:
        return plain(value, limit)
    if field in _DATE_FIELDS:
        return long_date(value)
    if field == "status":
        return statuses.get(value, value)
    if field == "dot":
        return _DOT_WORDS.get(value, value)
    if field == "draft":
        return "Draft" if value not in ("0", "", "False") else "Confirmed"
    return plain(value, limit)


def when(at: str) -> str:
    """The stored UTC time in the user's local time, day first (UK)."""
    try:
        return dt.datetime.fromisoformat(at).astimezone().strftime("%d %b %Y %H:%M")
    except ValueError:
        return at


class HistoryModel(RowTableModel):
    """The audit entries of one item, newest first."""

    HEADERS = COLUMNS

    def __init__(self, store: Storage | None = None, parent: Any = None) -> None:
        super().__init__(parent)
        self.store = store
        self.item_id: ItemId | None = None
        self.rows: list[AuditEntry] = []
        self.periods: dict[int, str] = {}
        self.statuses: dict[str, str] = {}

    def set_item(self, store: Storage | None, item_id: ItemId | None) -> None:
        self.beginResetModel()
        self.store, self.item_id = store, item_id
        try:
            self.rows = list(reversed(store.item_history(item_id))) if store and item_id else []
            self.periods = {p.id: p.label for p in store.periods()} if store else {}
            self.statuses = {s.code: s.label for s in store.statuses()} if store else {}
        except Exception:  # the share vanished: an empty timeline, the next refresh retries
            self.rows = []
        self.endResetModel()

    def refresh(self) -> None:
        self.set_item(self.store, self.item_id)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable  # never editable

    def what(self, e: AuditEntry) -> str:
        entity = _ENTITY_NAMES.get(e.entity, e.entity.capitalize())
        field = _FIELD_NAMES.get(e.field, e.field.replace("_", " "))
        return f"{entity}: {field}"

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        e = self.rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (when(e.at), f"{e.user}@{e.host}", self.what(e),
                    shown(e.field, e.old, self.statuses),
                    shown(e.field, e.new, self.statuses))[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == 0:
                return e.at + " (UTC)"
            if column in (3, 4):
                full = shown(e.field, e.old if column == 3 else e.new, self.statuses, 2000)
                return full or None
        return None


class HistoryView(QWidget):
    """The timeline widget for a dock or tab: call :meth:`show_item` when the selection moves."""

    compare_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = HistoryModel(parent=self)
        self.table = list_table(self.model, "Change history of the selected item", self)
        self.compare = QPushButton("Compare Periods…", self)
        self.compare.setToolTip("Word differences of this item's narratives between two periods")
        self.compare.clicked.connect(self.compare_requested)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addWidget(self.compare, 0, Qt.AlignmentFlag.AlignRight)

    def show_item(self, store: Storage | None, item_id: ItemId | None) -> None:
        self.model.set_item(store, item_id)

    def refresh(self) -> None:
        self.model.refresh()


def attach_history_dock(window) -> QDockWidget:
    """A "History" dock for the main window that follows its current item.

    Hidden until the user shows it (View menu: ``dock.toggleViewAction()``); it
    re-reads the log only while visible, after a selection change or any Change
    (ours or a colleague's), so it costs nothing when closed.
    """
    dock = QDockWidget("History", window)
    dock.setObjectName("historyDock")
    view = HistoryView(dock)
    dock.setWidget(view)
    window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
    dock.hide()

    def update() -> None:
        if dock.isVisible():
            view.show_item(window.store, window.current_item)

    def later(*_args: object) -> None:
        QTimer.singleShot(0, update)  # after the window has moved current_item

    window.tree.selectionModel().currentChanged.connect(later)
    window.grid.cell_chosen.connect(later)
    window.bridge.changed.connect(later)
    window.bridge.store_replaced.connect(later)
    dock.visibilityChanged.connect(later)
    view.compare_requested.connect(window.compare_periods)
    return dock
