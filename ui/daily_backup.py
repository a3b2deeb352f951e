"""The first open of the day: today's backup and the file's integrity check, in the background.

On a network share, copying and checking a force-sized file takes minutes over
VPN, so it must never hold up opening or editing. :func:`ragdesk.backup.checked_daily_backup`
does the work on a thread (copy once to a local temporary file with the backup
API, check it locally, write it to the backup folder in one stream); this module
shows its progress in the status bar, stops it cleanly when the window closes or
opens another file, reports a failure in a message (never silently), and treats
damage found by the check as the open-time check would: the newest good backup is
offered and the damaged file is kept.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QProgressBar, QStatusBar

POLL_MS = 150
# Wait this long after the file is shown before starting: the window's own first reads
# (and the first edits) should not queue behind the copy's on a slow share.
START_DELAY_MS = 3000


class DailyBackup(QObject):
    """One background run of the checked daily backup for ``db_path``.

    ``finished(result_or_error)`` is called on the GUI thread: a
    :class:`ragdesk.backup.DailyResult`, or the exception that stopped it.
    """

    def __init__(self, status_bar: QStatusBar, db_path: str, folder: Path,
                 finished: Callable[[Any], None]) -> None:
        super().__init__(status_bar)
        self.db_path, self.folder = db_path, folder
        self._finished = finished
        self._cancel = threading.Event()
        self._done_pages = self._total_pages = 0
        self._outcome: Any = None
        self.done = False
        self.bar = QProgressBar(status_bar)
        self.bar.setMaximumWidth(220)
        self.bar.setFormat("Daily backup and check: %p %")
        self.bar.setAccessibleName("Daily backup and check")
        self.bar.setToolTip(f"Checking the file and saving today's backup to {folder}")
        self.bar.setRange(0, 0)
        status_bar.addPermanentWidget(self.bar)
        self.bar.hide()  # shown once the copy has started (nothing to show if not due)
        self._thread = threading.Thread(target=self._run, daemon=True, name="ragdesk-daily-backup")
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._check)

    def start(self, delay_ms: int | None = None) -> DailyBackup:
        QTimer.singleShot(START_DELAY_MS if delay_ms is None else delay_ms, self, self._begin)
        return self

    def _begin(self) -> None:
        if self.done or self._cancel.is_set():
            return
        self._thread.start()
        self._timer.start()

    def _progress(self, done: int, total: int) -> None:
        self._done_pages, self._total_pages = done, total

    def _run(self) -> None:
        from ragdesk.backup import checked_daily_backup

        try:
            self._outcome = checked_daily_backup(self.db_path, self.folder,
                                                 progress=self._progress,
                                                 cancelled=self._cancel.is_set,
                                                 refresh_search=True)
        except BaseException as e:  # handed to the GUI thread, which reports it
            self._outcome = e

    def _check(self) -> None:
        if self._total_pages:
            self.bar.show()
            self.bar.setRange(0, self._total_pages)
            self.bar.setValue(self._done_pages)
        if self._thread.is_alive():
            return
        self._finish()

    def _finish(self) -> None:
        self._timer.stop()
        self.bar.hide()
        self.bar.deleteLater()
        if self.done:
            return
        self.done = True
        if not self._cancel.is_set():
            self._finished(self._outcome)

    def stop(self, timeout: float = 30) -> None:
        """Stop now (the window closes or opens another file): waits for the current step."""
        self._cancel.set()
        if self._thread.ident is not None:  # started
            self._thread.join(timeout)
        self._finish()
