"""A table model over a list of rows and the rating scale they are shown with.

The Overview's lists, the What Changed list, History, Evidence and the report import's
preview are all "replace all rows, show them": this holds what they share (rows, scale,
counts, headings), each subclass says only what a cell shows (and what may be edited).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from .rag_style import RatingScale

Index = QModelIndex | QPersistentModelIndex


class RowTableModel(QAbstractTableModel):
    HEADERS: tuple[str, ...] = ()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.rows: list[Any] = []
        self.scale = RatingScale([])

    def set_rows(self, rows: list[Any], scale: RatingScale) -> None:
        self.beginResetModel()
        self.rows, self.scale = list(rows), scale
        self.endResetModel()

    def header(self, section: int) -> str:
        return self.HEADERS[section]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.header(section)
        return None


def list_table(model: QAbstractTableModel, name: str, parent: QWidget) -> QTableView:
    """A read-only list of rows (one selected at a time, columns fitted to the first rows):
    the Overview's lists, What Changed and History show their rows alike."""
    table = QTableView(parent)
    table.setModel(model)
    table.setAccessibleName(name)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setAlternatingRowColors(True)
    table.verticalHeader().hide()
    table.setWordWrap(False)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setResizeContentsPrecision(40)  # fit to the first rows, not to thousands
    header.setStretchLastSection(True)
    return table
