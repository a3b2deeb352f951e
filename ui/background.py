"""Run long work (import, export of a big file, making the search index) off the GUI thread.

The work function gets no widgets and must open its own Store connection if it
needs one (an SQLite connection belongs to the thread that uses it). The
window stays responsive; the result or the error comes back on the GUI thread.
With a label the task shows a progress dialog (imports and exports); without,
the caller shows progress its own way (the search's, in the status bar).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QProgressDialog, QWidget


class BackgroundTask:
    """Starts ``work()`` on a thread; calls ``done(result)`` or ``failed(error)`` on the GUI thread."""

    def __init__(self, parent: QWidget, label: str | None, work: Callable[[], Any],
                 done: Callable[[Any], None], failed: Callable[[BaseException], None]) -> None:
        self._work, self._done, self._failed = work, done, failed
        self._result: Any = None
        self._error: BaseException | None = None
        self.finished = False
        self.progress: QProgressDialog | None = None
        if label is not None:
            self.progress = QProgressDialog(label, "", 0, 0, parent)
            self.progress.setWindowTitle("ragdesk")
            self.progress.setCancelButton(None)  # the work is one transaction: all or nothing
            self.progress.setMinimumDuration(300)
            self.progress.setAutoClose(False)
        self._thread = threading.Thread(target=self._run, daemon=True, name="ragdesk-task")
        self._timer = QTimer(parent)
        self._timer.setInterval(40)
        self._timer.timeout.connect(self._check)

    def start(self) -> BackgroundTask:
        self._thread.start()
        self._timer.start()
        return self

    @property
    def running(self) -> bool:
        """Whether the work is still going on its thread (also after :meth:`stop` gave up)."""
        return self._thread.is_alive()

    def _run(self) -> None:
        try:
            self._result = self._work()
        except BaseException as e:  # handed to the GUI thread, which shows it
            self._error = e

    def _check(self) -> None:
        if self._thread.is_alive():
            return
        self._end()
        if self._error is not None:
            self._failed(self._error)
        else:
            self._done(self._result)

    def _end(self) -> None:
        self._timer.stop()
        self._timer.deleteLater()  # one per task: not kept by the window for its whole life
        if self.progress is not None:
            self.progress.reset()
            self.progress.deleteLater()
            self.progress = None
        self.finished = True

    def stop(self, timeout: float) -> bool:
        """Forget the task (its window closes, or shows another file): neither ``done`` nor
        ``failed`` is called. Waits up to ``timeout`` seconds for the thread, which the
        caller has asked to stop its own way; True if it ended within that time."""
        if not self.finished:
            self._end()
        if self._thread.ident is not None:
            self._thread.join(timeout)
        return not self._thread.is_alive()
