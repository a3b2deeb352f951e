"""File > New Inspection from Report…: read a published report, check the items, create them.

The dialog reads the PDF on a worker thread (a 200-page report takes a few seconds)
behind a cancellable progress dialog, or parses pasted text; it then lists every item
found (kind, number, deadline, text, the page it came from, and a note where versions
differed or a deadline needs the publication date). The user fixes the title,
publication date and inspectorate, unticks items that should not be tracked and edits
any item's kind, number, deadline or text below the list. Create writes the inspection
and the ticked items in one transaction, as one undoable command, and selects it in the
tree. Nothing is written before that, and Cancel writes nothing.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ragdesk.domain import Deadline, Inspection, ItemKind, parse_date
from ragdesk.errors import RagdeskError
from ragdesk.importing.report_text import ParsedItem, ParsedReport, read_deadline
from ragdesk.storage import Storage

from .rich_editor import RichTextEdit
from .row_table import RowTableModel

INSPECTORATES = ("HMICFRS", "HMICS", "HMI Probation", "HMCPSI")
COLUMNS = ("Kind", "No.", "Deadline", "Text", "Page", "Note")
COL_KIND, COL_NUMBER, COL_DEADLINE, COL_TEXT, COL_PAGE, COL_NOTE = range(len(COLUMNS))


def ask_pdf_path(parent: QWidget, folder: str = "") -> str | None:
    """The report to read (tests replace this)."""
    path, _ = QFileDialog.getOpenFileName(parent, "New Inspection from Report", folder,
                                          "PDF reports (*.pdf);;All files (*)")
    return path or None


def ask_pasted_text(parent: QWidget) -> str | None:
    """Report text pasted by the user (tests replace this)."""
    text, ok = QInputDialog.getMultiLineText(
        parent, "Paste the report's text",
        "Paste the recommendations, areas for improvement and causes of concern\n"
        "(for example copied from the report's web page):")
    return text if ok and text.strip() else None


@dataclass
class Row:
    item: ParsedItem
    checked: bool = True
    deadline_edited: bool = False


class FoundItemsModel(RowTableModel):
    """The items found, each with a tick; unticked items are not created."""

    HEADERS = COLUMNS

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[Row] = []

    def set_items(self, items: list[ParsedItem]) -> None:
        self.beginResetModel()
        self.rows = [Row(item) for item in items]
        self.endResetModel()

    def chosen(self) -> list[ParsedItem]:
        return [row.item for row in self.rows if row.checked]

    def replace_item(self, row: int, item: ParsedItem, *, deadline_edited: bool = False) -> None:
        self.rows[row].item = item
        self.rows[row].deadline_edited |= deadline_edited
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == COL_KIND:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def data(self, index: QModelIndex | QPersistentModelIndex,
             role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        row = self.rows[index.row()]
        item, col = row.item, index.column()
        if role == Qt.ItemDataRole.CheckStateRole and col == COL_KIND:
            return Qt.CheckState.Checked if row.checked else Qt.CheckState.Unchecked
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            if col == COL_KIND:
                return item.kind.heading
            if col == COL_NUMBER:
                return item.number
            if col == COL_DEADLINE:
                return str(item.deadline) or ("needs date" if item.deadline_words else "")
            if col == COL_TEXT:
                plain = item.plain
                if role == Qt.ItemDataRole.ToolTipRole:
                    return plain
                first = " ".join(plain.split())
                return (f"[{item.reference}] " if item.reference else "") + first
            if col == COL_PAGE:
                return ", ".join(map(str, item.pages or (item.page,)))
            if col == COL_NOTE:
                return item.note
        if role == Qt.ItemDataRole.AccessibleTextRole and col == COL_KIND:
            return f"{item.label}, {'included' if row.checked else 'left out'}"
        return None

    def setData(self, index: QModelIndex | QPersistentModelIndex, value: Any,  # noqa: N802
                role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role == Qt.ItemDataRole.CheckStateRole and index.column() == COL_KIND:
            checked = value in (Qt.CheckState.Checked, Qt.CheckState.Checked.value, 2, True)
            self.rows[index.row()].checked = checked
            self.dataChanged.emit(index, index, [role])
            return True
        return False


class _Reading:
    """A PDF being read on a worker thread; ``done``/``failed`` run on the GUI thread."""

    class Cancelled(Exception):
        pass

    def __init__(self, dialog: ReportImportDialog, path: str, published: dt.date | None) -> None:
        self.dialog = dialog
        self.cancel = threading.Event()
        self.pages = (0, 0)
        self.result: ParsedReport | None = None
        self.error: BaseException | None = None
        self.finished = False
        self.progress = QProgressDialog(f"Reading {Path(path).name}…", "Cancel", 0, 0, dialog)
        self.progress.setWindowTitle("ragdesk")
        self.progress.setMinimumDuration(400)
        self.progress.setAutoClose(False)
        self.progress.setAutoReset(False)
        self.progress.canceled.connect(self.cancel.set)
        self.thread = threading.Thread(target=self._run, args=(path, published), daemon=True,
                                       name="ragdesk-read-report")
        self.timer = QTimer(dialog)
        self.timer.setInterval(40)
        self.timer.timeout.connect(self._check)

    def start(self) -> _Reading:
        self.thread.start()
        self.timer.start()
        return self

    def _tick(self, done: int, total: int) -> None:
        self.pages = (done, total)
        if self.cancel.is_set():
            raise self.Cancelled()

    def _run(self, path: str, published: dt.date | None) -> None:
        from ragdesk.importing.pdf_report import read_report
        try:
            self.result = read_report(path, published=published, progress=self._tick)
        except BaseException as e:  # handed to the GUI thread, which says what went wrong
            self.error = e

    def _check(self) -> None:
        done, total = self.pages
        if total:
            self.progress.setMaximum(total)
            self.progress.setValue(done)
            self.progress.setLabelText(f"Reading page {done} of {total}…")
        if self.thread.is_alive():
            return
        self.timer.stop()
        self.progress.reset()
        self.progress.hide()
        self.progress.deleteLater()
        self.finished = True
        self.dialog.reading_finished(self)


class ReportImportDialog(QDialog):
    """The preview: what will be created, for the user to check before anything is written."""

    def __init__(self, parent: QWidget | None = None, *, folder: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle("New Inspection from Report")
        self.folder = folder
        self.report: ParsedReport | None = None
        self.source = ""
        self.reading: _Reading | None = None
        self.errors: list[str] = []  # every refusal shown, for the tests and the status bar
        # writes what the dialog shows; True when done (set by open_report_import)
        self.write: Callable[[], bool] | None = None

        self.open_button = QPushButton("&Open PDF…", self)
        self.open_button.clicked.connect(self.choose_pdf)
        self.paste_button = QPushButton("&Paste Text…", self)
        self.paste_button.clicked.connect(self.paste_text)
        self.source_label = QLabel("Choose the report as the inspectorate published it (PDF), "
                                   "or paste its text.", self)
        self.source_label.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(self.source_label, 1)
        top.addWidget(self.open_button)
        top.addWidget(self.paste_button)

        self.title = QLineEdit(self)
        self.title.setAccessibleName("Title of the inspection")
        self.published = QLineEdit(self)
        self.published.setAccessibleName("Publication date")
        self.published.setPlaceholderText("e.g. 2 November 2022")
        self.published.editingFinished.connect(self._published_changed)
        self.published_note = QLabel(self)
        self.published_note.setWordWrap(True)
        self.inspectorate = QComboBox(self)
        self.inspectorate.setEditable(True)
        self.inspectorate.addItems(INSPECTORATES)
        self.inspectorate.setAccessibleName("Inspectorate")
        form = QFormLayout()
        form.addRow("&Title:", self.title)
        pub = QHBoxLayout()
        pub.addWidget(self.published)
        pub.addWidget(self.published_note, 1)
        pub_label = QLabel("P&ublished:", self)
        pub_label.setBuddy(self.published)
        form.addRow(pub_label, pub)
        form.addRow("&Inspectorate:", self.inspectorate)

        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.model = FoundItemsModel(self)
        self.model.dataChanged.connect(lambda *_: self._update_summary())
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setAccessibleName("Items found in the report")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(COL_TEXT, QHeaderView.ResizeMode.Stretch)
        for col, width in ((COL_KIND, 190), (COL_NUMBER, 50), (COL_DEADLINE, 140),
                           (COL_PAGE, 60), (COL_NOTE, 160)):
            self.table.setColumnWidth(col, width)
        self.table.selectionModel().currentRowChanged.connect(self._show_row)

        self.kind = QComboBox(self)
        for kind in ItemKind:
            self.kind.addItem(kind.heading, kind.value)
        self.kind.setAccessibleName("Kind of the selected item")
        self.kind.activated.connect(lambda _i: self._apply_edit())
        self.number = QLineEdit(self)
        self.number.setAccessibleName("Number of the selected item")
        self.number.editingFinished.connect(lambda: self._apply_edit())
        self.deadline = QLineEdit(self)
        self.deadline.setAccessibleName("Deadline of the selected item")
        self.deadline.setPlaceholderText("30/04/2023 or with immediate effect")
        self.deadline.editingFinished.connect(self._apply_deadline)
        self.text = RichTextEdit(self)
        self.text.setAccessibleName("Text of the selected item")
        self.text.editing_finished.connect(lambda: self._apply_edit())
        self.text.textChanged.connect(self._apply_edit_soon)
        self._edit_timer = QTimer(self)
        self._edit_timer.setSingleShot(True)
        self._edit_timer.setInterval(300)
        self._edit_timer.timeout.connect(lambda: self._apply_edit())
        self._showing = False
        self.detail = QGroupBox("Selected item", self)
        fields = QHBoxLayout()
        for label, widget in (("&Kind:", self.kind), ("&No.:", self.number),
                              ("&Deadline:", self.deadline)):
            caption = QLabel(label, self)
            caption.setBuddy(widget)
            fields.addWidget(caption)
            fields.addWidget(widget, 2 if widget is self.deadline else 1)
        detail_layout = QVBoxLayout(self.detail)
        detail_layout.addLayout(fields)
        detail_layout.addWidget(self.text, 1)
        self.detail.setEnabled(False)

        split = QSplitter(Qt.Orientation.Vertical, self)
        split.addWidget(self.table)
        split.addWidget(self.detail)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.create_button = self.buttons.addButton("&Create Inspection",
                                                    QDialogButtonBox.ButtonRole.AcceptRole)
        self.create_button.setEnabled(False)
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(form)
        layout.addWidget(self.summary)
        layout.addWidget(split, 1)
        layout.addWidget(self.buttons)
        self.resize(1000, 700)

    # -- reading ------------------------------------------------------------------
    def choose_pdf(self) -> None:
        path = ask_pdf_path(self, self.folder)
        if path:
            self.load_pdf(path)

    def load_pdf(self, path: str | Path) -> _Reading:
        """Start reading ``path`` on a worker thread (the list fills when it is done)."""
        self.folder = str(Path(path).parent)
        self.source = Path(path).name
        self._set_busy(True)
        self.reading = _Reading(self, str(path), self._typed_published()).start()
        return self.reading

    def reading_finished(self, reading: _Reading) -> None:
        self._set_busy(False)
        if reading.error is not None:
            if isinstance(reading.error, _Reading.Cancelled):
                return
            if isinstance(reading.error, RagdeskError):
                self._refuse(str(reading.error))
            else:
                self._refuse(f"{self.source} could not be read ({type(reading.error).__name__}: "
                             f"{reading.error}). Nothing was changed.")
            return
        assert reading.result is not None
        self.show_report(reading.result, self.source)

    def paste_text(self) -> None:
        text = ask_pasted_text(self)
        if text is not None:
            self.load_text(text)

    def load_text(self, text: str) -> bool:
        from ragdesk.importing.pdf_report import read_pasted
        try:
            report = read_pasted(text, published=self._typed_published())
        except RagdeskError as e:
            self._refuse(str(e))
            return False
        self.show_report(report, "the pasted text")
        return True

    def _refuse(self, message: str) -> None:
        self.errors.append(message)
        QMessageBox.warning(self, "ragdesk", message)

    def _set_busy(self, busy: bool) -> None:
        for widget in (self.open_button, self.paste_button, self.create_button):
            widget.setEnabled(not busy and (widget is not self.create_button
                                            or self.report is not None))

    def show_report(self, report: ParsedReport, source: str) -> None:
        self.report = report
        self.source_label.setText(f"Read from {source} ({report.pages} page"
                                  f"{'s' if report.pages != 1 else ''})." if report.pages > 1
                                  else f"Read from {source}.")
        self.title.setText(report.title or Path(self.source).stem)
        self.title.setCursorPosition(0)
        if report.published is not None:
            self.published.setText(report.published.strftime("%d %B %Y").lstrip("0"))
        self.published_note.setText(report.published_note)
        found = self.inspectorate.findText(report.inspectorate)
        if found >= 0:
            self.inspectorate.setCurrentIndex(found)
        else:
            self.inspectorate.setEditText(report.inspectorate)
        self.model.set_items(list(report.items))
        self.create_button.setEnabled(bool(report.items))
        self._update_summary()
        if report.items:
            self.table.selectRow(0)

    def _update_summary(self) -> None:
        if self.report is None:
            return
        rows = self.model.rows
        chosen = sum(r.checked for r in rows)
        parts = [f"{chosen} of {len(rows)} items will be created."]
        missing = sum(1 for r in rows if r.item.deadline_words and r.item.deadline == Deadline())
        if missing:
            parts.append(f"{missing} deadline{'s' if missing > 1 else ''} count from the "
                         "publication date: type it above.")
        parts += list(self.report.notes)
        self.summary.setText(" ".join(parts))
        self.create_button.setEnabled(chosen > 0)

    # -- the publication date --------------------------------------------------------
    def _typed_published(self) -> dt.date | None:
        text = self.published.text().strip()
        if not text:
            return None
        try:
            return parse_date(text)
        except ValueError:
            return None

    def _published_changed(self) -> None:
        text = self.published.text().strip()
        try:
            published = parse_date(text) if text else None
        except ValueError as e:
            self.published_note.setText(str(e))
            return
        self.published_note.setText("as typed" if published else "")
        for n, row in enumerate(self.model.rows):
            if row.deadline_edited or not row.item.deadline_words.lower().startswith("within"):
                continue
            deadline, _words, note = read_deadline(row.item.plain, published)
            self.model.replace_item(n, replace(row.item, deadline=deadline, note=note))
        self._show_row(self.table.currentIndex())
        self._update_summary()

    # -- editing the selected item ------------------------------------------------
    def _current_row(self) -> int:
        index = self.table.currentIndex()
        return index.row() if index.isValid() else -1

    def _show_row(self, current: QModelIndex, previous: QModelIndex | None = None) -> None:
        if previous is not None and previous.isValid() and self._edit_timer.isActive():
            self._edit_timer.stop()
            self._apply_edit(previous.row())  # typed just before another row was chosen
        if not current.isValid() or current.row() >= len(self.model.rows):
            self.detail.setEnabled(False)
            return
        item = self.model.rows[current.row()].item
        self._showing = True
        try:
            self.detail.setEnabled(True)
            self.detail.setTitle(f"Selected item: {item.label} (page {item.page})")
            self.kind.setCurrentIndex(self.kind.findData(item.kind.value))
            self.number.setText(item.number)
            self.deadline.setText(str(item.deadline))
            self.text.set_stored(item.text)
        finally:
            self._showing = False

    def _apply_edit_soon(self) -> None:
        if not self._showing:
            self._edit_timer.start()

    def _apply_edit(self, row: int | None = None) -> None:
        row = self._current_row() if row is None else row
        if self._showing or row < 0 or row >= len(self.model.rows):
            return
        item = self.model.rows[row].item
        text = self.text.stored()
        updated = replace(item, kind=ItemKind(self.kind.currentData()),
                          number=self.number.text().strip(), text=text)
        if updated != item:
            self.model.replace_item(row, updated)

    def _apply_deadline(self) -> None:
        row = self._current_row()
        if self._showing or row < 0:
            return
        item = self.model.rows[row].item
        try:
            deadline = Deadline.parse(self.deadline.text())
        except ValueError as e:
            self._refuse(str(e))
            self.deadline.setText(str(item.deadline))
            return
        if deadline != item.deadline:
            self.model.replace_item(row, replace(item, deadline=deadline), deadline_edited=True)

    # -- creating -------------------------------------------------------------------
    def _accept(self) -> None:
        self._edit_timer.stop()
        self._apply_edit()
        if not self.title.text().strip():
            self._refuse("The inspection needs a title.")
            return
        if self.published.text().strip() and self._typed_published() is None:
            self._refuse(f"“{self.published.text()}” is not a date. Type it as 2 November 2022.")
            return
        if not self.model.chosen():
            self._refuse("No item is ticked: nothing to create.")
            return
        if self.write is not None and not self.write():
            return  # refused (the message is shown); the dialog stays open with every edit
        self.accept()

    def values(self) -> dict[str, Any]:
        """What to create: title, published, inspectorate and the ticked items, as edited."""
        return {"title": self.title.text().strip(), "published": self._typed_published(),
                "inspectorate": self.inspectorate.currentText().strip(),
                "items": self.model.chosen()}

    def done(self, result: int) -> None:  # noqa: D401 - Qt's name
        if self.reading is not None and not self.reading.finished:
            self.reading.cancel.set()
        super().done(result)


def create_from_dialog(window: Any, store: Storage, dialog: ReportImportDialog) -> Inspection | None:
    """Write what the dialog shows as one transaction and one undoable command."""
    from ragdesk.importing.pdf_report import create_inspection

    from .commands import added_inspection

    assert dialog.report is not None
    values = dialog.values()
    try:
        inspection = create_inspection(store, dialog.report, values["items"],
                                       title=values["title"], published=values["published"],
                                       inspectorate=values["inspectorate"])
    except RagdeskError as e:
        dialog._refuse(f"Nothing was created: {e}")
        return None
    window.undo_stack.push(added_inspection(store, inspection, window.show_error))
    window.select_inspection(inspection.id)
    count = len(values["items"])
    window.statusBar().showMessage(
        f"Created “{inspection.title}” with {count} item{'s' if count != 1 else ''}.", 8000)
    return inspection


def open_report_import(window: Any, store: Storage, *, path: str | None = None,
                       folder: str = "") -> ReportImportDialog:
    """Show the dialog (window-modal, not blocking); ask for the PDF at once unless given."""
    dialog = ReportImportDialog(window, folder=folder)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.write = lambda: create_from_dialog(window, store, dialog) is not None
    dialog.open()
    if path:
        dialog.load_pdf(path)
    else:
        QTimer.singleShot(0, dialog.choose_pdf)
    return dialog


__all__ = ["FoundItemsModel", "ReportImportDialog", "create_from_dialog", "open_report_import"]
