"""Help ▸ About: program version, the open file's schema version and the Qt version.

Support starts with these three numbers, so they are shown where anyone can find them.
"""

from __future__ import annotations

import html

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import qVersion
from PySide6.QtWidgets import QMessageBox, QWidget

from ragdesk import __version__
from ragdesk.schema import SCHEMA_VERSION
from ragdesk.storage import Storage


def about_text(store: Storage | None) -> str:
    """The About box's text (rich text, every value escaped)."""
    if store is not None:
        try:
            file_line = (f"File: {html.escape(store.path)}<br>"
                         f"File schema version: {store.schema_version()}")
        except Exception:  # the file went away: still show the program's versions
            file_line = "File: (not readable)"
    else:
        file_line = "No file open"
    return (f"<h3>ragdesk {html.escape(__version__)}</h3>"
            "<p>Track inspection recommendations and areas for improvement, rate them "
            "RED / AMBER / GREEN every reporting period and print the Appendix 1 reports.</p>"
            f"<p>{file_line}<br>"
            f"Schema version this program writes: {SCHEMA_VERSION}<br>"
            f"Qt {html.escape(qVersion())}, PySide6 {html.escape(pyside_version)}</p>")


def show_about(parent: QWidget, store: Storage | None) -> None:
    QMessageBox.about(parent, "About ragdesk", about_text(store))
