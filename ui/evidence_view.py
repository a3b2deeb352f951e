"""The evidence list of one item: attach, open, save a copy, remove (undoable).

Inspectorates close a recommendation only when the force shows evidence, so
files (documents, screenshots, board minutes) are stored inside the .db. The
model holds the item's ``Evidence`` records (metadata only; the bytes are read
when a file is opened or saved). Attaching and removing are commands on the
window's undo stack; a refused file (``errors.TooLarge``, unreadable) becomes a
message, never a traceback.

Opening hands a temporary copy to the system's viewer, so a program, script or
shortcut (:func:`ragdesk.filenames.is_executable`) is never opened: the view
offers Save a Copy instead. Names are shown without bidirectional control
characters, so "invoice‮fdp.exe" cannot pose as a PDF.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    QUrl,
    Signal,
)
from PySide6.QtGui import QDesktopServices, QDragEnterEvent, QDropEvent, QKeyEvent, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ragdesk import filenames
from ragdesk.domain import Evidence, EvidenceId, ItemId
from ragdesk.errors import RagdeskError
from ragdesk.storage import Storage

from .commands import AddedEvidence, EvidenceNoteChanged, RemovedEvidence
from .row_table import RowTableModel

COLUMNS = ("Name", "Size", "Added by", "When", "Note")
NOTE_COLUMN = COLUMNS.index("Note")
Index = QModelIndex | QPersistentModelIndex


def human_size(size: int) -> str:
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / 1048576:.1f} MB"


def human_time(iso: str) -> str:
    """The stored UTC timestamp in local time, the way people read dates in the UK."""
    try:
        when = dt.datetime.fromisoformat(iso)
    except ValueError:
        return iso
    if when.tzinfo is not None:
        when = when.astimezone()
    return when.strftime("%d/%m/%Y %H:%M")


class EvidenceModel(RowTableModel):
    """Rows are the item's evidence records, re-read from the store when told to."""

    HEADERS = COLUMNS

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.store: Storage | None = None
        self.item_id: ItemId | None = None
        self.rows: list[Evidence] = []
        # (evidence id, old note, new note) when the user edits a note; the view saves it
        self.note_edited: Callable[[EvidenceId, str, str], None] = lambda *_a: None

    def load(self, store: Storage | None, item_id: ItemId | None) -> None:
        self.beginResetModel()
        self.store, self.item_id = store, item_id
        try:
            self.rows = store.evidence(item_id) if store and item_id is not None else []
        except RagdeskError:
            self.rows = []
        self.endResetModel()

    def reload(self) -> None:
        self.load(self.store, self.item_id)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        e = self.rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return (filenames.shown_name(e.name), human_size(e.size), e.added_by,
                    human_time(e.added_at), e.note)[index.column()]
        if role == Qt.ItemDataRole.EditRole and index.column() == NOTE_COLUMN:
            return e.note
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == NOTE_COLUMN:
            return (e.note + "\n\n" if e.note else "") + "Double-click or F2 to write a note."
        if role == Qt.ItemDataRole.ToolTipRole:
            return (f"{filenames.shown_name(e.name)} ({e.mime}, {e.size:,} bytes), added by "
                    f"{e.added_by}")
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == 1:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.UserRole:
            return e.id
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        if (index.isValid() and index.column() == NOTE_COLUMN and self.store is not None
                and not self.store.read_only):
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if (role != Qt.ItemDataRole.EditRole or index.column() != NOTE_COLUMN
                or not 0 <= index.row() < len(self.rows)):
            return False
        e = self.rows[index.row()]
        new = str(value or "").strip()
        if new != e.note:
            # saved on the next turn of the event loop: saving re-reads the list, which must
            # not happen while the table is still closing the note's editor
            QTimer.singleShot(0, lambda: self.note_edited(e.id, e.note, new))
        return True


class _DropTable(QTableView):
    """The table accepts files dropped from the file manager."""

    files_dropped = Signal(list)
    delete_pressed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAcceptDrops(True)
        self.viewport().setAcceptDrops(True)
        self.setDropIndicatorShown(False)

    def keyPressEvent(self, e: QKeyEvent) -> None:  # noqa: N802
        if e.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and not e.modifiers():
            self.delete_pressed.emit()
            e.accept()
            return
        super().keyPressEvent(e)

    def dragEnterEvent(self, e: QDragEnterEvent) -> None:  # noqa: N802
        if e.mimeData().hasUrls():
            e.acceptProposedAction()
        else:
            super().dragEnterEvent(e)

    def dragMoveEvent(self, e: Any) -> None:  # noqa: N802
        if e.mimeData().hasUrls():
            e.acceptProposedAction()
        else:
            super().dragMoveEvent(e)

    def dropEvent(self, e: QDropEvent) -> None:  # noqa: N802
        paths = [u.toLocalFile() for u in e.mimeData().urls() if u.isLocalFile()]
        if paths:
            e.acceptProposedAction()
            self.files_dropped.emit(paths)
        else:
            super().dropEvent(e)


class EvidenceView(QWidget):
    """Table of evidence plus Attach / Open / Save a copy / Remove buttons.

    ``message`` carries status-bar text. ``choose_files``, ``choose_save_path``
    and ``open_url`` are the only places that talk to the desktop, so tests
    replace them.
    """

    message = Signal(str)

    def __init__(self, undo_stack: QUndoStack, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.undo_stack = undo_stack
        self.model = EvidenceModel(self)
        self.table = _DropTable(self)
        self.table.setModel(self.model)
        self.table.setAccessibleName("Evidence files")
        self.table.setToolTip("Files attached to this item; drop files here to attach them")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        # only the Note column is editable (flags); double-click elsewhere opens the file
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.EditKeyPressed)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for c in range(1, len(COLUMNS)):
            self.table.horizontalHeader().setSectionResizeMode(
                c, QHeaderView.ResizeMode.ResizeToContents)
        self.table.setMinimumHeight(90)
        self.table.setMaximumHeight(180)
        self.table.files_dropped.connect(self.attach_files)
        self.table.delete_pressed.connect(self._delete_key)
        self.table.doubleClicked.connect(self._double_clicked)
        self.model.note_edited = self._save_note
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._update_buttons())
        self.model.modelReset.connect(self._update_buttons)

        self.attach_button = self._button("&Attach…", "Attach evidence file", self.attach_dialog)
        self.open_button = self._button("&Open", "Open evidence file", self.open_selected)
        self.save_button = self._button("Save a &copy…", "Save a copy of evidence file",
                                        self.save_selected)
        self.remove_button = self._button("&Remove", "Remove evidence file", self.remove_selected)
        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        for b in (self.attach_button, self.open_button, self.save_button, self.remove_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addLayout(buttons)

        self.choose_files: Callable[[], list[str]] = self._choose_files
        self.choose_save_path: Callable[[str], str | None] = self._choose_save_path
        self.open_url: Callable[[QUrl], bool] = QDesktopServices.openUrl
        # asked before a program or script is saved instead of opened: True = Save a Copy…
        self.ask_save_instead: Callable[[str], bool] = self._ask_save_instead
        self._temp_dir: tempfile.TemporaryDirectory[str] | None = None
        self._update_buttons()

    def _button(self, text: str, name: str, slot: Callable[[], object]) -> QPushButton:
        button = QPushButton(text, self)
        button.setAccessibleName(name)
        button.clicked.connect(lambda _c=False: slot())
        return button

    # -- state ----------------------------------------------------------------
    @property
    def store(self) -> Storage | None:
        return self.model.store

    @property
    def item_id(self) -> ItemId | None:
        return self.model.item_id

    def show_item(self, store: Storage | None, item_id: ItemId | None) -> None:
        self.model.load(store, item_id)

    def reload(self) -> None:
        selected = set(self.selected_ids())
        self.model.reload()
        for row, e in enumerate(self.model.rows):
            if e.id in selected:
                self.table.selectRow(row)

    def selected_ids(self) -> list[EvidenceId]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [self.model.rows[r].id for r in rows if r < len(self.model.rows)]

    def selected(self) -> list[Evidence]:
        ids = set(self.selected_ids())
        return [e for e in self.model.rows if e.id in ids]

    def _update_buttons(self) -> None:
        has_item = self.store is not None and self.item_id is not None
        writable = has_item and not getattr(self.store, "read_only", False)
        any_selected = bool(self.selected_ids())
        self.attach_button.setEnabled(writable)
        self.table.setAcceptDrops(writable)
        self.open_button.setEnabled(any_selected)
        self.save_button.setEnabled(any_selected)
        self.remove_button.setEnabled(writable and any_selected)

    # -- actions --------------------------------------------------------------
    def _choose_files(self) -> list[str]:
        files, _filter = QFileDialog.getOpenFileNames(self, "Attach evidence")
        return files

    def _choose_save_path(self, name: str) -> str | None:
        path, _filter = QFileDialog.getSaveFileName(self, "Save a copy of evidence",
                                                    filenames.safe_name(name))
        return path or None

    def _ask_save_instead(self, text: str) -> bool:
        box = QMessageBox(QMessageBox.Icon.Warning, "Not opened", text,
                          QMessageBox.StandardButton.Cancel, self)
        save = box.addButton("Save a &Copy…", QMessageBox.ButtonRole.AcceptRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        return box.clickedButton() is save

    def attach_dialog(self) -> None:
        self.attach_files(self.choose_files())

    def attach_files(self, paths: list[str]) -> int:
        """Attach each file; refused ones are named in the message. Returns how many attached."""
        if self.store is None or self.item_id is None:
            return 0
        attached, problems = 0, []
        for path in paths:
            if not os.path.isfile(path):
                problems.append(f"“{os.path.basename(path) or path}” is not a file.")
                continue
            try:
                evidence = self.store.add_evidence_file(self.item_id, path)
            except RagdeskError as e:
                problems.append(str(e))
                continue
            except OSError as e:
                problems.append(f"“{os.path.basename(path)}” could not be read: {e.strerror or e}.")
                continue
            self.undo_stack.push(AddedEvidence(self.store, f"Attach {evidence.name}", evidence.id,
                                               on_error=self.message.emit))
            attached += 1
        self.reload()
        if problems:
            self.message.emit(" ".join(problems))
        elif attached:
            self.message.emit(f"Attached {attached} file{'s' if attached != 1 else ''}.")
        return attached

    def _data(self, evidence: Evidence) -> bytes | None:
        try:
            assert self.store is not None
            return self.store.evidence_data(evidence.id)
        except RagdeskError as e:
            self.message.emit(str(e))
            self.reload()
            return None

    def open_selected(self) -> list[str]:
        """Open each selected file with the system's viewer, from a temporary copy."""
        opened = []
        for evidence in self.selected():
            name = filenames.shown_name(evidence.name)
            if filenames.is_executable(evidence.name):
                # the system would run it, not show it: never from here
                text = (f"“{name}” is a program, script or shortcut "
                        f"(.{filenames.extension(evidence.name)}): opening it could run it, so "
                        "ragdesk does not open files of this type. Save a copy and check it "
                        "(for example with your anti-virus) before opening it.")
                self.message.emit(text)
                if self.ask_save_instead(text):
                    self._save_one(evidence)
                continue
            data = self._data(evidence)
            if data is None:
                continue
            if self._temp_dir is None:
                self._temp_dir = tempfile.TemporaryDirectory(
                    prefix="ragdesk-evidence-", ignore_cleanup_errors=True)  # a viewer may hold one
            folder = Path(self._temp_dir.name) / str(evidence.id)
            folder.mkdir(exist_ok=True)
            path = folder / filenames.safe_name(evidence.name)
            try:
                _write_temporary_copy(path, data)
            except OSError as e:
                self.message.emit(f"Could not write a temporary copy of “{name}”: {e}.")
                continue
            if not self.open_url(QUrl.fromLocalFile(str(path))):
                self.message.emit(f"No program is set up to open “{name}”; "
                                  "use Save a copy instead.")
                continue
            opened.append(str(path))
        return opened

    def save_selected(self) -> list[str]:
        return [target for evidence in self.selected()
                if (target := self._save_one(evidence)) is not None]

    def _save_one(self, evidence: Evidence) -> str | None:
        """Ask where, write the bytes there; the path written, or None."""
        name = filenames.shown_name(evidence.name)
        target = self.choose_save_path(evidence.name)
        if not target:
            return None
        data = self._data(evidence)
        if data is None:
            return None
        try:
            Path(target).write_bytes(data)
        except OSError as e:
            self.message.emit(f"Could not save “{name}” to {target}: {e.strerror or e}.")
            return None
        self.message.emit(f"Saved a copy of “{name}”.")
        return target

    def _double_clicked(self, index: QModelIndex) -> None:
        if index.column() == NOTE_COLUMN and self.model.flags(index) & Qt.ItemFlag.ItemIsEditable:
            self.table.edit(index)
        else:
            self.open_selected()

    def _save_note(self, evidence_id: EvidenceId, old: str, new: str) -> None:
        if self.store is None:
            return
        try:
            evidence = self.store.set_evidence_note(evidence_id, new)
        except RagdeskError as e:
            self.message.emit(str(e))
            self.reload()
            return
        self.undo_stack.push(EvidenceNoteChanged(self.store, f"Note on {evidence.name}", evidence_id,
                                                 old, evidence.note, on_error=self.message.emit))
        self.reload()
        self.message.emit(f"Saved the note on “{evidence.name}”.")

    def _delete_key(self) -> None:
        if self.remove_button.isEnabled():
            self.remove_selected()

    def remove_selected(self) -> int:
        if self.store is None:
            return 0
        removed = 0
        for evidence in self.selected():
            try:
                deleted = self.store.remove_evidence(evidence.id)
            except RagdeskError as e:
                self.message.emit(str(e))
                continue
            self.undo_stack.push(RemovedEvidence(self.store, f"Remove {evidence.name}", deleted,
                                                 on_error=self.message.emit))
            removed += 1
        self.reload()
        if removed:
            self.message.emit(f"Removed {removed} file{'s' if removed != 1 else ''} "
                              "(Edit > Undo puts them back).")
        return removed


def _write_temporary_copy(path: Path, data: bytes) -> None:
    """Write the copy a viewer opens, unless the same bytes are there already.

    Opened a second time, the first copy may still be open in Word or Acrobat, which on
    Windows refuse any other program writing to it (a sharing violation): the copy that
    is there is reused, and the viewer shows it again.
    """
    try:
        if path.stat().st_size == len(data) and path.read_bytes() == data:
            return
    except OSError:
        pass  # not there yet (or unreadable): write it
    path.write_bytes(data)
    _mark_as_from_elsewhere(path)


def _mark_as_from_elsewhere(path: Path, *, windows: bool = os.name == "nt") -> None:
    """On Windows, give the temporary copy the "downloaded from the internet" mark (the
    Zone.Identifier stream a browser writes), so Office opens it in Protected View and
    SmartScreen checks it, as it would the same file received by e-mail."""
    if not windows:
        return
    try:
        with open(f"{path}:Zone.Identifier", "w", encoding="ascii") as stream:
            stream.write("[ZoneTransfer]\r\nZoneId=3\r\n")
    except OSError:
        pass  # not NTFS (a FAT stick, a share): the copy opens as before
