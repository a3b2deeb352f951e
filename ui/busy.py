"""The busy cursor for work a person waits on without a progress bar.

Deleting a reporting period, or undoing that, removes or puts back every item's
assessment of it; adding one writes a draft for every item.
Too short for a progress dialog, too long to leave the pointer looking idle.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication


@contextlib.contextmanager
def busy_cursor() -> Iterator[None]:
    QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        yield
    finally:
        QApplication.restoreOverrideCursor()
