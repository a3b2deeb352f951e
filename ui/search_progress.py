"""The first search on a file says "Preparing search… N %" while this computer's index is made.

The search index lives on each computer's own disk (:mod:`ragdesk.search_index`), not in
the shared file. The first search on a file here (or after the file was restored from a
backup, or after a colleague changed most items at once) reads every item and narrative
once: about 300 file requests at 300 items and 3,000 at 3,000, from under a second in the
office to a minute over VPN. Rather than look hung, the window shows a busy cursor and the
percentage in the status bar meanwhile; after that each search reads only what changed
since the last one. (The daily backup's local copy usually makes the index first, in the
background, so this is rarely seen.)
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QStatusBar

from ragdesk.errors import RagdeskError
from ragdesk.storage import Storage


class SearchProgress:
    """A store's ``search_progress``: the percentage in the status bar and a busy cursor.

    The work runs on the GUI thread, so each step repaints the status bar at once; the
    cursor is restored on the next turn of the event loop, i.e. once the work is over
    however it ended.
    """

    def __init__(self, status_bar: QStatusBar) -> None:
        self.status_bar = status_bar
        self.busy = False

    def __call__(self, done: int, total: int) -> None:
        if not self.busy:
            self.busy = True
            QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
            QTimer.singleShot(0, self.status_bar, self.finish)
        self.status_bar.showMessage(f"Preparing search… {done * 100 // max(total, 1)} %")
        self.status_bar.repaint()  # now: no event loop runs until the work is over

    def finish(self) -> None:
        if self.busy:
            self.busy = False
            QApplication.restoreOverrideCursor()
            self.status_bar.showMessage(
                "Search is ready: later searches read only what changed.", 5000)


def prepare_search(status_bar: QStatusBar, store: Storage) -> None:
    """Bring the store's search index up to date before a search, showing progress if it
    must be made; later searches of any view (a colleague's change refreshing the filtered
    tree) show theirs the same way. A problem is left for the search itself to report."""
    progress = store.search_progress
    if not isinstance(progress, SearchProgress):
        progress = store.search_progress = SearchProgress(status_bar)
    try:
        store.prepare_search()
    except RagdeskError:
        pass
    finally:
        progress.finish()
