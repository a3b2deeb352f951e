"""File > Restore from Backup…: list a file's backups (date, kind, size, check) and restore one.

The dialog only chooses; :func:`ragdesk.backup.restore` does the work (it backs
the current file up first, or sets a damaged one aside). The window closes its
Store before calling :meth:`BackupDialog.restore_chosen` and reopens afterwards.
Backups that fail ``quick_check`` are listed (so the user sees them) but cannot be
restored. "Change folder…" stores the chosen folder in the user's own settings
(QSettings), never in the file: where a copy of a file is written is the user's
choice (issue 17). A folder the file itself names (older versions kept it there)
is shown as a suggestion with a button to adopt it; nothing follows it unasked.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ragdesk import backup
from ragdesk.errors import RagdeskError

from . import qt_settings

KIND_LABELS = {"daily": "Daily", "pre-migration": "Before upgrade", "before-restore": "Before restore",
               "manual": "Manual"}


def human_size(size: float) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    return str(size)


class BackupDialog(QDialog):
    """Backups of ``db_path`` in ``folder``, newest first, each checked with quick_check.

    A read-only list of a few rows (the folder's files, not store records), so a
    simple QTreeWidget is enough here. ``restored`` holds the result after a restore.
    """

    def __init__(self, parent: QWidget | None, db_path: str | Path, folder: Path, *,
                 store=None, ask=None, settings: QSettings | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Restore from Backup")
        self.db_path = Path(db_path)
        self.folder = folder
        self.store = store  # to read the file's folder suggestion; None when it cannot be opened
        self.settings = settings  # the user's settings, where a new folder choice is kept
        self.ask = ask or self._ask  # confirmation (tests pass a stand-in)
        self.restored: backup.Restored | None = None
        self.backups: list[backup.Backup] = []

        self.where = QLabel(self)
        self.where.setWordWrap(True)
        self.where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.list = QTreeWidget(self)
        self.list.setRootIsDecorated(False)
        self.list.setHeaderLabels(["Taken", "Kind", "Size", "Check"])
        self.list.setAccessibleName("Backups")
        self.list.itemSelectionChanged.connect(self._selection_changed)
        self.list.itemDoubleClicked.connect(lambda *_: self.restore_chosen())
        self.folder_button = QPushButton("Change &folder…", self)
        self.folder_button.clicked.connect(self.choose_folder)
        self.folder_button.setEnabled(settings is not None)
        suggested = backup.suggested_folder(store) if store is not None else None
        self.suggested = suggested if suggested != folder else None
        self.suggestion = QLabel(self)
        self.suggestion.setWordWrap(True)
        self.suggestion.setTextFormat(Qt.TextFormat.PlainText)
        self.use_suggestion = QPushButton("&Use the suggested folder", self)
        self.use_suggestion.clicked.connect(self._adopt_suggestion)
        if self.suggested is not None:
            self.suggestion.setText(f"This file suggests keeping its backups in “{self.suggested}”. "
                                    "It is not used unless you choose it.")
        self.suggestion.setVisible(self.suggested is not None)
        self.use_suggestion.setVisible(self.suggested is not None and settings is not None)
        self.restore_button = QPushButton("&Restore this backup", self)
        self.restore_button.setEnabled(False)
        self.restore_button.clicked.connect(self.restore_chosen)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.rejected.connect(self.reject)

        row = QHBoxLayout()
        row.addWidget(self.folder_button)
        row.addStretch(1)
        row.addWidget(self.restore_button)
        row.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.where)
        hint = QHBoxLayout()
        hint.addWidget(self.suggestion, 1)
        hint.addWidget(self.use_suggestion)
        layout.addLayout(hint)
        layout.addWidget(self.list)
        layout.addLayout(row)
        self.resize(640, 360)
        self.reload()

    def reload(self) -> None:
        self.where.setText(f"Backups of <b>{self.db_path.name}</b> in {self.folder}. The current "
                           "file is backed up before a backup replaces it.")
        self.backups = backup.list_backups(self.db_path, self.folder, check=True)
        self.list.clear()
        for b in self.backups:
            check = "OK" if b.good else f"Unusable: {b.check}"
            row = QTreeWidgetItem([b.taken_at.strftime("%d %b %Y %H:%M:%S"),
                                   KIND_LABELS.get(b.kind, b.kind), human_size(b.size), check])
            row.setToolTip(0, str(b.path))
            row.setToolTip(3, check)
            if not b.good:
                row.setForeground(3, Qt.GlobalColor.darkRed)
            self.list.addTopLevelItem(row)
        if not self.backups:
            empty = QTreeWidgetItem(["No backups in this folder yet.", "", "", ""])
            empty.setFlags(Qt.ItemFlag.NoItemFlags)
            self.list.addTopLevelItem(empty)
        for column in range(4):
            self.list.resizeColumnToContents(column)
        good = next((i for i, b in enumerate(self.backups) if b.good), None)
        if good is not None and (item := self.list.topLevelItem(good)) is not None:
            self.list.setCurrentItem(item)
        self._selection_changed()

    def chosen(self) -> backup.Backup | None:
        row = self.list.indexOfTopLevelItem(item) if (item := self.list.currentItem()) else -1
        return self.backups[row] if 0 <= row < len(self.backups) else None

    def _selection_changed(self) -> None:
        b = self.chosen()
        self.restore_button.setEnabled(bool(b and b.good))

    def _ask(self, text: str) -> bool:
        answer = QMessageBox.question(self, "Restore from Backup", text,
                                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                      QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    def choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Folder for backups", str(self.folder))
        if folder:
            self.set_folder(Path(folder))

    def _adopt_suggestion(self) -> None:
        if self.suggested is not None and self._ask(
                f"Keep the backups of every file you open in “{self.suggested}”?\n\n"
                "Only choose a folder you know: each backup is a full copy of the file."):
            self.set_folder(self.suggested)

    def set_folder(self, folder: Path) -> None:
        """Use ``folder`` from now on: kept in the user's settings, never in the file."""
        if self.settings is not None:
            qt_settings.set_backup_folder(self.settings, folder)
        self.folder = folder
        self.reload()

    def restore_chosen(self) -> bool:
        b = self.chosen()
        if b is None or not b.good:
            return False
        when = b.taken_at.strftime("%d %b %Y %H:%M")
        if not self.ask(f"Replace “{self.db_path.name}” with the backup from {when}?\n\n"
                        "The current file is backed up first (or, if damaged, kept beside it), "
                        "so this can be undone by restoring that backup. Everyone else using "
                        "the file will see the restored contents."):
            return False
        try:
            self.restored = backup.restore(b.path, self.db_path, folder=self.folder)
        except RagdeskError as e:
            QMessageBox.warning(self, "Restore from Backup", str(e))
            return False
        self.accept()
        return True


# --------------------------------------------------------------------------- window glue


def users_folder(window, path: str | Path) -> Path:
    """The backup folder for ``path``: the user's choice (QSettings), else beside the file."""
    settings = getattr(window, "settings", None)
    chosen = qt_settings.backup_folder(settings) if settings is not None else None
    return backup.resolve_folder(path, chosen)


def restore_from_backup(window) -> bool:
    """File > Restore from Backup…: choose a backup of the open file, restore it, reopen.

    ``window`` is the main window (``store``, ``editor``, ``open_path``). Unsaved
    editor text is saved first (or the restore is not started).
    """
    store = window.store
    if store is None:
        return False
    editor = getattr(window, "editor", None)
    if editor is not None and not editor.flush():
        return False
    path = store.path
    dialog = BackupDialog(window, path, users_folder(window, path), store=store,
                          settings=window.settings)
    try:
        if dialog.exec() and dialog.restored is not None:
            window.open_path(path)
            return True
        return False
    finally:
        dialog.deleteLater()


def offer_backup_for_damaged(window, path: str, message: str, *, ask=None) -> bool:
    """The file is damaged: offer its newest good backup; restore and open it if accepted.

    The damaged file is never deleted (``backup.restore`` renames it aside).
    ``ask(text) -> bool`` stands in for the question box in tests. Returns True
    when a backup was restored and opened.
    """
    folder = users_folder(window, path)
    offer = backup.newest_good_backup(path, folder)
    if offer is None:
        window.show_error(f"{message}\n\nNo good backup of it was found in {folder}.",
                          "File is damaged")
        return False
    when = offer.taken_at.strftime("%d %b %Y %H:%M")
    text = (f"{message}\n\nThe newest good backup is from {when}. Restore it and open it? "
            "Changes made since then are not in the backup. The damaged file is kept "
            "beside it (renamed), never deleted.")
    if ask is None:
        answer = QMessageBox.question(window, "File is damaged", text,
                                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                      QMessageBox.StandardButton.Yes)
        accepted = answer == QMessageBox.StandardButton.Yes
    else:
        accepted = ask(text)
    if not accepted:
        return False
    try:
        restored = backup.restore(offer.path, path, folder=folder)
    except RagdeskError as e:
        window.show_error(str(e), "Restore from Backup")
        return False
    opened = bool(window.open_path(path))
    if opened and restored.previous is not None:
        window.statusBar().showMessage(f"Restored the backup from {when}; the damaged file "
                                       f"was kept as {restored.previous.name}.", 15000)
    return opened
