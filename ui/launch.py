"""``ragdesk open [DB] [--read-only]``: start Qt and show the main window.

With no DB the window reopens the file used last time, or else the user's own
copy of the sample (built on first use in the platform's application-data
folder), so a first run shows real content instead of an empty window.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QSettings, QStandardPaths, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from ragdesk.errors import RagdeskError

from . import qt_settings

if TYPE_CHECKING:
    from .main_window import MainWindow


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("db", nargs="?", help="the ragdesk file to open (default: the last "
                                              "one, or the sample)")
    parser.add_argument("--read-only", action="store_true",
                        help="open without the right to change anything (view and print)")
    parser.set_defaults(func=run)


def _icon() -> QIcon | None:
    # the package's folder, not importlib.resources (which costs start-up ~4 ms of imports);
    # ragdesk.resources is always a real folder, also in the frozen build
    try:
        import ragdesk.resources as packaged
    except ImportError:
        return None
    path = os.path.join(os.path.dirname(os.path.abspath(packaged.__file__ or "")), "icons", "ragdesk.png")
    return QIcon(path) if os.path.isfile(path) else None


def make_app(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationName(qt_settings.APPLICATION)
    app.setOrganizationName(qt_settings.ORGANISATION)
    app.setApplicationDisplayName("ragdesk")
    icon = _icon()
    if icon is not None:
        app.setWindowIcon(icon)
    return app


def default_file(settings: QSettings, app_data_dir: str) -> str | None:
    """The last opened file if it still exists, else the user's sample copy (built if needed)."""
    last = qt_settings.last_file(settings)
    if last:
        return last
    from ragdesk.sample import sample_copy  # only on a first run

    try:
        return os.fspath(sample_copy(app_data_dir))
    except (RagdeskError, OSError):
        return None


# Hidden hook for benchmarks/run.py: print the time of the first painted frame and of the
# first frame with the file open and shown, then quit.
BENCH_EXIT_AFTER_PAINT = "RAGDESK_BENCH_EXIT_AFTER_PAINT"


class _FirstPaint(QObject):
    """Prints ``first-paint <epoch seconds>`` once the first frame is painted, then
    ``file-shown <epoch seconds> <path>`` once a frame is painted with the file open (or
    refused: the path is then ``-``), then quits.

    Each print waits for a zero timer so every widget of that frame has been painted.
    """

    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        self.app = app
        self.window: MainWindow | None = None
        self.stage = "first-paint"

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() != QEvent.Type.Paint:
            return False
        if self.stage == "first-paint":
            self.stage = "printing"
            QTimer.singleShot(0, self._first_frame)
        elif (self.stage == "file-shown" and self.window is not None
              and self.window.panes_built and not self.window.opening):
            self.stage = "printing"
            QTimer.singleShot(0, self._file_shown)
        return False

    def _first_frame(self) -> None:
        print(f"first-paint {time.time():.6f}", flush=True)
        self.stage = "file-shown"

    def _file_shown(self) -> None:
        store = self.window.store if self.window is not None else None
        print(f"file-shown {time.time():.6f} {store.path if store is not None else '-'}", flush=True)
        self.app.quit()


def start(db: str | None, *, read_only: bool = False, settings: QSettings | None = None,
          app_data_dir: str | None = None, defer: bool = False) -> MainWindow:
    """Show the main window on ``db`` (or the default file). Never raises for a bad file:
    the window says what is wrong and stays open with no file, so another can be chosen.

    ``defer`` (what ``ragdesk open`` does) paints the window first (its menus, toolbar
    and "Opening…", with a busy cursor), then builds its panes and opens the file just
    after that first frame: the panes' modules, the integrity check, daily backup and
    reading every row take most of a second on a force-sized file, and a window that
    appears at once is what people expect.
    """
    from .main_window import MainWindow  # after QApplication exists

    window = MainWindow(settings=settings, defer_panes=defer)
    window.show()
    path = db
    if not path:
        folder = app_data_dir or QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.AppDataLocation)
        path = default_file(window.settings, folder)
        if path is None:
            QMessageBox.warning(window, "ragdesk", "The sample file could not be created in "
                                f"“{folder}”. Use File ▸ New… or File ▸ Open….")
    if path and defer:
        window.open_after_first_paint(path, read_only=read_only)
    elif path:
        window.open_path(path, read_only=read_only)
    return window


def run(args: argparse.Namespace) -> int:
    app = make_app()
    bench = _FirstPaint(app) if os.environ.get(BENCH_EXIT_AFTER_PAINT) else None
    if bench is not None:
        app.installEventFilter(bench)
    window = start(args.db, read_only=args.read_only, defer=True)
    if bench is not None:
        bench.window = window
    code = app.exec()
    del window
    return code
