"""Making this computer's search index on a thread, so the window never freezes for it.

The search index lives on each computer's own disk (:mod:`ragdesk.search_index`), not in
the shared file. The first search on a file here (or after the file was restored from a
backup, or after a colleague changed more than an eighth of the items at once) makes it
from every item and narrative: about 300 file requests at 300 items and 3,000 at 3,000,
from under a second in the office to a minute over VPN. That runs on a thread of its own
with its own read-only connection (:class:`SearchPreparation`), writing the same local
index; the status bar shows "Preparing search… N %" and the window stays usable (typing,
rating, the other filters). Meanwhile the search text waits: the tree shows what the other
filters allow, the filter bar says the text applies when the search is ready, and then the
newest text typed is applied. A failure is said in the status bar and the filter bar.
Every search of the window goes through :meth:`SearchPreparation.hits`, so a colleague's
change refreshing a filtered tree during the build waits for it the same way. A search
that needs no build (the index here, at most a few changes behind) answers at once, on
the GUI thread: its catch-up is a few requests. (The daily backup's local copy usually
makes the index first, in the background, so the build is rarely seen.)
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QProgressBar, QStatusBar, QWidget

from ragdesk.errors import RagdeskError

from .background import BackgroundTask

if TYPE_CHECKING:
    from ragdesk.domain import ItemId
    from ragdesk.storage import Storage

POLL_MS = 100
# Closing the window waits this long for the build to stop (it stops between two chunks of
# 50 items; over VPN a chunk takes about a second). After that the thread is left to end on
# its own: it only ever writes a temporary file beside the index, removed when it stops.
STOP_WAIT_S = 5.0
READY_TEXT = "Search is ready: later searches read only what changed."


class Stopped(Exception):
    """Raised inside the build when the window no longer wants it (closed, another file)."""


class _BuildNeeded(Exception):
    """Raised by a search on the GUI thread that was about to make the whole index."""


def _refuse_build(_done: int, _total: int) -> None:
    raise _BuildNeeded


class SearchPreparation(QObject):
    """The window's searches: answered at once, or after the index is made on a thread.

    ``ready`` is emitted on the GUI thread when a build has finished (apply the search
    text now); ``changed`` when what the filter bar should say may have changed
    (progress, a failure, the end of a build).
    """

    ready = Signal()
    changed = Signal()

    def __init__(self, parent: QWidget, status_bar: QStatusBar) -> None:
        super().__init__(parent)
        self.parent_widget = parent
        self.status_bar = status_bar
        self.task: BackgroundTask | None = None
        self.failure: str | None = None  # why the last build failed, until the search changes
        self._cancel = threading.Event()
        self._done = self._total = 0  # written by the build's thread, read by the timer
        self.bar = QProgressBar(status_bar)
        self.bar.setRange(0, 100)
        self.bar.setFormat("Preparing search… %p %")
        # wide enough for its words at 100 % (a progress bar's text is cut, not elided)
        self.bar.setFixedWidth(self.bar.fontMetrics().horizontalAdvance("Preparing search… 100 %") + 60)
        self.bar.setAccessibleName("Preparing search")
        self.bar.setToolTip("Making this computer's search index from the file, once: the "
                            "search text applies when it is ready; later searches read only "
                            "what changed")
        status_bar.addPermanentWidget(self.bar)
        self.bar.hide()
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._show_progress)

    @property
    def building(self) -> bool:
        return self.task is not None and not self.task.finished

    @property
    def percent(self) -> int:
        return self._done * 100 // max(self._total, 1)

    # ------------------------------------------------------------------ asking

    def hits(self, store: Storage, text: str) -> set[ItemId] | None:
        """The items matching ``text``, or None while they cannot be known without the
        full build: it is started then (or is running, or failed: see :attr:`failure`),
        and ``ready`` says when to ask again. Never reads every item on this thread."""
        if self.building or self.failure is not None:
            return None
        try:
            if store.search_needs_build():
                self._start(store)
                return None
            # A colleague's big change landing between the two makes the search's own
            # catch-up give up and start the full build: its first progress call stops it
            # (the old index stays) and the build runs on the thread instead.
            kept, store.search_progress = store.search_progress, _refuse_build
            try:
                return set(store.search(text))
            finally:
                store.search_progress = kept
        except _BuildNeeded:
            self._start(store)
            return None
        except RagdeskError as e:  # the file went away, another window writing the index
            self.status_bar.showMessage(f"Search is not available just now: {e}", 15000)
            return None

    def retry(self) -> None:
        """The person changed the search: a build that failed may be tried again."""
        if self.failure is not None:
            self.failure = None
            self.changed.emit()

    def note(self, text: str) -> str:
        """What the filter bar says about a search text the tree does not apply yet."""
        shown = text.strip()
        if self.failure is not None:
            return (f"“{shown}” is not applied: the search could not be prepared "
                    f"({self.failure.rstrip('.')}). Change the search text to try again.")
        if self.building:
            return (f"Preparing search ({self.percent} %): “{shown}” applies when it is "
                    "ready; until then the list shows every item the other filters allow.")
        return f"“{shown}” is not applied: search is not available just now."

    # ------------------------------------------------------------------ the build

    def _start(self, store: Storage) -> None:
        db_path = store.path
        cancel = self._cancel = threading.Event()
        self._done, self._total = 0, 0

        def progress(done: int, total: int) -> None:
            if cancel.is_set():
                raise Stopped
            self._done, self._total = done, total

        def work() -> None:
            from ragdesk.store import Store

            # its own connection (an SQLite connection belongs to its thread), read-only and
            # unchecked (a check reads the whole file; the window's open already vetted it)
            with Store.open(db_path, read_only=True, quick_check=False) as own:
                own.prepare_search(progress)

        self.task = BackgroundTask(self.parent_widget, None, work, self._finished, self._failed)
        self.task.start()
        self.bar.setValue(0)
        self.bar.show()
        self._timer.start()
        self.changed.emit()

    def _show_progress(self) -> None:
        if self.building and self.bar.value() != self.percent:
            self.bar.setValue(self.percent)
            self.changed.emit()

    def _end(self) -> None:
        self._timer.stop()
        self.bar.hide()

    def _finished(self, _result: Any) -> None:
        self._end()
        self.status_bar.showMessage(READY_TEXT, 5000)
        self.changed.emit()
        self.ready.emit()

    def _failed(self, error: BaseException) -> None:
        self._end()
        if isinstance(error, RagdeskError):
            why = str(error)
        elif isinstance(error, OSError):
            why = f"{error.strerror or error}: {error.filename or ''}".rstrip(": ")
        else:
            why = repr(error)
        self.failure = why
        self.status_bar.showMessage(f"Search could not be prepared: {why}", 30000)
        self.changed.emit()

    # ------------------------------------------------------------------ stopping

    def stop(self, timeout: float = STOP_WAIT_S) -> None:
        """Stop a build and forget it (the window closes, or shows another file): it ends
        at its next chunk, leaving no temporary file and the old index as it was. Waits
        up to ``timeout`` seconds for its thread; nothing it does later reaches the window."""
        self._cancel.set()
        task, self.task = self.task, None
        self.failure = None
        self._end()
        if task is not None:
            task.stop(timeout)
