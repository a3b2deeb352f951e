"""The first search on a file says "Preparing search… N %" while this computer's index is made.

The search index lives on each computer's own disk (:mod:`ragdesk.search_index`), not in
the shared file. The first search on a file here (or after the file was restored from a
backup) reads every item and narrative once: about 1,000 file requests at 300 items and
10,000 at 3,000, from a second in the office to minutes over VPN. Rather than look hung,
the window shows a busy cursor and the percentage in the status bar meanwhile; after
that each search reads only what changed since the last one. (The daily backup's local
copy usually makes the index first, in the background, so this is rarely seen.)
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QStatusBar

from ragdesk.errors import RagdeskError
from ragdesk.storage import Storage

from . import qt_compat  # noqa: F401  (PySide6 work-around, see there)


def prepare_search(status_bar: QStatusBar, store: Storage) -> None:
    """Bring the store's search index up to date, showing progress if it must be made.

    A problem is left for the search itself to report (it asks the same index).
    """
    shown = False

    def progress(done: int, total: int) -> None:
        nonlocal shown
        if not shown:
            QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
            shown = True
        status_bar.showMessage(f"Preparing search… {done * 100 // max(total, 1)} %")
        status_bar.repaint()  # now: the work runs on this thread, no event loop until it ends

    try:
        store.prepare_search(progress)
    except RagdeskError:
        pass
    finally:
        if shown:
            QApplication.restoreOverrideCursor()
            status_bar.showMessage("Search is ready: later searches read only what changed.", 5000)
