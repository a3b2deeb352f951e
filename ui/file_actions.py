"""The File menu's work: new, open, recent, save a copy, import, export, properties, backups.

Each action asks for a file name with the system's dialog, then opens, copies,
imports or exports. Imports and exports run in the background on a connection
of their own (``background.BackgroundTask``), so the window stays responsive and
closing waits for them; an import becomes one undoable command. Opening a file
itself (``MainWindow.open_path``) stays with the window, which owns the open store.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QFileDialog, QMenu, QMessageBox, QWidget

from ragdesk.errors import RagdeskError

from . import qt_settings
from .busy import busy_cursor

if TYPE_CHECKING:
    from ragdesk.storage import Storage

    from .background import BackgroundTask
    from .main_window import MainWindow

FILE_FILTER = "ragdesk files (*.db *.ragdesk);;All files (*)"


class FileActions:
    """File ▸ New… to File ▸ Properties… for one window (its store, editor and status bar)."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.tasks: list[BackgroundTask] = []  # imports and exports; closing waits for them
        self.import_task: BackgroundTask | None = None  # the latest File ▸ Import… write
        self.report_import: QWidget | None = None  # the latest New Inspection from Report…

    @property
    def running(self) -> bool:
        """Whether an import or export is still writing."""
        return any(not task.finished for task in self.tasks)

    def dialog_dir(self) -> str:
        """Where the file dialogs start: beside the open file, else the home folder."""
        store = self.window.store
        return os.path.dirname(store.path) if store else str(Path.home())

    # ------------------------------------------------------------------ files

    def new_file(self) -> None:
        window = self.window
        path, _ = QFileDialog.getSaveFileName(window, "New ragdesk file", self.dialog_dir(),
                                              FILE_FILTER)
        if not path:
            return
        if not Path(path).suffix:
            path += ".db"
        if os.path.exists(path):
            window.show_error(f"“{path}” already exists. Choose a new name; ragdesk never "
                              "overwrites a file when creating one.")
            return
        if not window.can_leave():
            return
        from ragdesk.store import Store

        try:
            Store.create(path).close()
        except (RagdeskError, OSError) as e:
            window.show_error(str(e), "Cannot create file")
            return
        window.open_path(path)

    def open_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self.window, "Open ragdesk file", self.dialog_dir(),
                                              FILE_FILTER)
        if path:
            self.window.open_path(path)

    def fill_recent(self, menu: QMenu) -> None:
        """File ▸ Open Recent, filled as it opens (another window may have added one)."""
        menu.clear()
        files = qt_settings.recent_files(self.window.settings)
        if not files:
            menu.addAction("(none)").setEnabled(False)
        for n, path in enumerate(files, start=1):
            act = menu.addAction(f"&{n} {os.path.basename(path)}")
            act.setToolTip(path)
            act.setStatusTip(path)
            act.triggered.connect(lambda _c=False, p=path: self.window.open_path(p))

    def save_copy(self) -> None:
        window = self.window
        store = window.store
        if store is None or not window.can_leave():
            return
        stem = Path(store.path).stem
        path, _ = QFileDialog.getSaveFileName(
            window, "Save a copy", os.path.join(self.dialog_dir(), f"{stem} copy.db"), FILE_FILTER)
        if not path:
            return
        try:
            store.save_copy(path)
        except RagdeskError as e:
            window.show_error(str(e))
            return
        window.status(f"Saved a copy as {path}")

    def restore_from_backup(self) -> None:
        from .backup_dialog import restore_from_backup
        restore_from_backup(self.window)

    def reload(self) -> None:
        if not self.window.bridge.poll():
            self.window.status("No one else has saved changes since the last look.")

    # ------------------------------------------------------------------ import

    def import_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self.window, "Import", self.dialog_dir(),
            "Records (*.docx *.xlsx *.csv *.json *.pdf);;Word documents (*.docx);;"
            "Excel workbooks (*.xlsx);;CSV files (*.csv);;ragdesk JSON (*.json);;"
            "Inspection reports (*.pdf);;All files (*)")
        if path:
            dialog = self.import_file(path)
            if dialog is not None:
                dialog.exec()

    def import_file(self, path: str) -> QDialog | None:
        """Read ``path`` and open the import preview (not yet shown modally: the caller
        execs it); a JSON file, which is all or nothing, is imported at once."""
        window = self.window
        store = window.operations.writable()
        if store is None or not window.can_leave():
            return None
        from ragdesk.importing import detect_format

        try:
            fmt = detect_format(Path(path))
            if fmt == "json":  # a ragdesk export: all or nothing, adds what it holds
                answer = QMessageBox.question(
                    window, "Import", f"Add everything in {os.path.basename(path)} (a ragdesk "
                    "export) to this file? Its inspections are added as new ones.")
                if answer == QMessageBox.StandardButton.Yes:
                    self.import_json(path)
                return None
            if fmt == "pdf":  # a published report: a new inspection, with its own preview
                self.new_inspection_from_report(path)
                return None
            from ragdesk.importing.records import read_plan

            with busy_cursor():
                plan, sheet = read_plan(Path(path), fmt)
        except RagdeskError as e:
            window.show_error(str(e), "Cannot import")
            return None
        from .import_dialog import ImportDialog

        dialog = ImportDialog(store, Path(path), plan, sheet, window.settings, window)
        dialog.accepted.connect(lambda: self._apply_import(dialog))
        return dialog

    def _apply_import(self, dialog: QDialog) -> BackgroundTask | None:
        """Write the confirmed preview in the background: one transaction, then one undo step."""
        from ragdesk.importing.plan import apply

        from .import_dialog import ImportCommand, ImportDialog

        assert isinstance(dialog, ImportDialog)
        window = self.window
        plan, target, source = dialog.plan, dialog.target(), dialog.path.name

        def done(applied: Any) -> None:
            window.bridge.poll()
            live = window.store
            if live is not None:
                window.undo_stack.push(ImportCommand(live, plan, applied, source,
                                                     lambda text: window.show_error(text)))
            window.status(f"Imported {source}: " + ", ".join(
                f"{n} {k}" for k, n in applied.counts().items() if n))

        self.import_task = self._run(f"Importing {len(plan.included())} items from {source}…",
                                     lambda own: apply(own, plan, target), done)
        return self.import_task

    def import_json(self, path: str) -> BackgroundTask | None:
        """Import in the background on a connection of its own; one transaction, all or nothing."""
        window = self.window
        if window.store is None or not window.can_leave():
            return None
        try:
            text = Path(path).read_bytes()
        except OSError as e:
            window.show_error(f"“{path}” could not be read: {e.strerror or e}")
            return None
        from ragdesk.jsonio import describe_ignored
        from ragdesk.jsonio import import_json as add_contents

        ignored: list[str] = []

        def done(counts: dict[str, int]) -> None:
            window.bridge.poll()
            window.status("Imported " + ", ".join(f"{n} {k}" for k, n in counts.items())
                          + (f". {describe_ignored(ignored)}" if ignored else ""))

        return self._run(f"Importing {os.path.basename(path)}…",
                         lambda own: add_contents(own, text, ignored=ignored), done)

    def new_inspection_from_report(self, path: str | None = None) -> QWidget | None:
        """File ▸ New Inspection from Report…: preview the report's items, then create them."""
        window = self.window
        store = window.operations.writable()
        if store is None or not window.can_leave():
            return None
        from .report_import_dialog import open_report_import
        self.report_import = open_report_import(window, store, path=path,
                                                folder=self.dialog_dir())
        return self.report_import

    # ------------------------------------------------------------------ export

    def export_dialog(self, kind: str) -> None:
        store = self.window.store
        if store is None:
            return
        stem = Path(store.path).stem
        name = {"xlsx": "Excel workbooks"}.get(kind, f"{kind.upper()} files")
        title = "Export Excel Tracker" if kind == "xlsx" else f"Export {kind.upper()}"
        path, _ = QFileDialog.getSaveFileName(
            self.window, title, os.path.join(self.dialog_dir(), f"{stem}.{kind}"),
            f"{name} (*.{kind});;All files (*)")
        if path:
            if not path.lower().endswith(f".{kind}"):
                path += f".{kind}"
            self.export(kind, path)

    def export(self, kind: str, path: str) -> BackgroundTask | None:
        """Write JSON, CSV or the Excel tracker in the background from a read-only connection
        of its own, to a temporary file renamed into place when complete."""
        window = self.window
        if window.store is None or not window.can_leave():
            return None
        from ragdesk.files import write_atomically
        from ragdesk.jsonio import export_csv, export_json

        def work(own: Storage) -> str:
            if kind == "xlsx":
                from ragdesk.xlsx_export import export_xlsx

                export_xlsx(own, path)
            else:  # a CSV file starts with a byte-order mark so Excel reads it as UTF-8
                text = export_json(own) if kind == "json" else export_csv(own, bom=True)
                write_atomically(path, text, what=f"the {kind.upper()} export")
            return path

        return self._run(f"Exporting to {os.path.basename(path)}…", work,
                         lambda p: window.status(f"Exported to {p}"), read_only=True)

    def _run(self, label: str, work: Callable[[Storage], Any], done: Callable[[Any], None], *,
             read_only: bool = False) -> BackgroundTask | None:
        """``work(store)`` on a thread and a connection of its own (an SQLite connection
        belongs to its thread) behind a progress dialog; ``done(result)`` or the error
        back on the GUI thread. Closing the window waits for it."""
        window = self.window
        store = window.store
        if store is None:
            return None
        db_path, identity = store.path, store.identity

        def on_thread() -> Any:
            from ragdesk.store import Store

            with Store.open(db_path, read_only=read_only, identity=identity,
                            quick_check=None) as own:
                return work(own)

        def failed(error: BaseException) -> None:
            if isinstance(error, RagdeskError):
                window.show_error(str(error))
            elif isinstance(error, OSError):
                window.show_error(f"{error.strerror or error}: {error.filename or ''}")
            else:
                window.show_error(f"Something went wrong: {error!r}. Nothing was changed.")

        from .background import BackgroundTask
        task = BackgroundTask(window, label, on_thread, done, failed)
        assert task.progress is not None  # a label: a dialog
        task.progress.setWindowModality(Qt.WindowModality.WindowModal)
        self.tasks = [t for t in self.tasks if not t.finished] + [task]
        return task.start()

    # ------------------------------------------------------------------ properties

    def properties(self) -> None:
        store = self.window.store
        if store is None:
            return
        blue = any(r.code == "BLUE" and r.enabled for r in store.ratings(include_disabled=True))
        from .dialogs import PropertiesDialog
        dialog = PropertiesDialog(store.settings(), blue, self.window, read_only=store.read_only)
        if not dialog.exec() or store.read_only:
            return
        values, blue_wanted = dialog.values()
        self.apply_properties(values, blue_wanted)

    def apply_properties(self, values: dict[str, str], blue: bool) -> None:
        """Save the Properties dialog's values (only those changed) in one transaction."""
        store = self.window.store
        assert store is not None
        current = store.settings()
        try:
            with store.batch():
                for key, value in values.items():
                    if current.get(key, "") != value:
                        store.set_setting(key, value)
                if any(r.code == "BLUE" and r.enabled != blue
                       for r in store.ratings(include_disabled=True)):
                    store.update_rating("BLUE", enabled=blue)
        except RagdeskError as e:
            self.window.show_error(str(e))
            return
        self.window.status("Saved the file's properties.")
