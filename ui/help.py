"""Help inside the app: a short getting-started page and the keyboard reference (F1).

A unit's new member meets ragdesk once a quarter, offline, often without the person
who set it up: the first steps and every key must be findable from the window itself.
The keyboard page is built from the window's own actions, so it lists exactly the
keys that work (a hand-written list would drift as actions are added).
"""

from __future__ import annotations

import html
from collections.abc import Iterable

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

GETTING_STARTED = """
<h2>Getting started</h2>
<p>ragdesk keeps the inspection recommendations and areas for improvement (AFIs) your
unit tracks, one file for the whole team, and prints the Appendix 1 update reports.</p>
<ol>
<li><b>Open the file</b> your unit shares (File ▸ Open…), or File ▸ New… for an empty one.
Everything you type is saved when you leave a field: there is no Save button to forget.</li>
<li><b>Choose the reporting period</b> at the top of the window. The tree's RAG column,
the editor and the grid's highlighted column all follow it.</li>
<li><b>Find an item</b> in the tree on the left: type in the search box (Ctrl+F) or
filter by rating, status, board or lead. Click a heading (RAG, Status, Deadline) to sort
within each inspection. The first search of a file on a computer prepares its search first
(the status bar shows how far; on a network drive this can take a minute): keep working,
and the search applies when it is ready.</li>
<li><b>Rate it</b> in the grid below the editor: choose the cell under the period and
press <b>R</b>, <b>A</b> or <b>G</b> (<b>B</b> for BLUE where the file uses it);
<b>Delete</b> clears it. Right-click a cell to see the same choices.</li>
<li><b>Write the update</b> in the editor (Enter in the grid takes you there): status
note, Update, Intent and Implementation, Impact.</li>
<li><b>Start a new period</b> each cycle (Edit ▸ New Reporting Period…): every rating and
narrative is carried forward as a <i>draft</i> (shown in italics with a dashed border)
until someone confirms or changes it.</li>
<li><b>Print the report</b> (File ▸ Print Preview… or Export PDF…) for the items shown.</li>
</ol>
<p>Ctrl+Z undoes any change, including ratings, deletions and new periods. A colleague's
changes to the same file appear by themselves (F5 looks at once).</p>
"""


def keyboard_rows(actions: Iterable[QAction]) -> list[tuple[str, str]]:
    """(what, keys) for every action with a shortcut, menus' wording without the "&"."""
    rows = []
    seen = set()
    for action in actions:
        names: list[str] = []
        for k in action.shortcuts():
            name = k.toString(QKeySequence.SequenceFormat.NativeText)
            # X11 binds some standard actions to keys few keyboards have ("New", "Cut")
            if name and not (name.isalpha() and name not in PLAIN_KEYS) and name not in names:
                names.append(name)
        keys = ", ".join(names)
        text = action.text().replace("&&", "\0").replace("&", "").replace("\0", "&")
        text = text.rstrip("…").rstrip(".")
        if keys and text and (text, keys) not in seen:
            seen.add((text, keys))
            rows.append((text, keys))
    return rows


PLAIN_KEYS = {"Del", "Delete", "Ins", "Insert", "Home", "End", "Enter", "Return", "Esc", "Tab"}

GRID_KEYS = [
    ("Rate the cell RED, AMBER or GREEN (BLUE where used)", "R, A, G (B)"),
    ("Clear the cell's rating", "Delete"),
    ("Move between cells (headings are skipped)", "Arrow keys"),
    ("Go to the editor to write the update", "Enter"),
    ("Copy / paste a rating", "Ctrl+C, Ctrl+V"),
]


def keyboard_html(actions: Iterable[QAction]) -> str:
    def table(rows: list[tuple[str, str]]) -> str:
        body = "".join(f"<tr><td>{html.escape(what)}</td><td><b>{html.escape(keys)}</b></td></tr>"
                       for what, keys in rows)
        return f"<table cellspacing='0' cellpadding='3'>{body}</table>"

    return ("<h2>Keyboard reference</h2><h3>In the RAG grid</h3>" + table(GRID_KEYS)
            + "<h3>Everywhere in the window</h3>" + table(keyboard_rows(actions)))


class HelpDialog(QDialog):
    """Two pages, Getting started and Keyboard; not modal, so it can stay open beside
    the window while you follow it."""

    def __init__(self, actions: Iterable[QAction], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("ragdesk Help")
        self.tabs = QTabWidget(self)
        self.getting_started = QTextBrowser(self)
        self.getting_started.setHtml(GETTING_STARTED)
        self.getting_started.setAccessibleName("Getting started")
        self.keyboard = QTextBrowser(self)
        self.keyboard.setHtml(keyboard_html(actions))
        self.keyboard.setAccessibleName("Keyboard reference")
        self.tabs.addTab(self.getting_started, "&Getting Started")
        self.tabs.addTab(self.keyboard, "&Keyboard")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(buttons)
        self.resize(640, 560)

    def show_page(self, page: str) -> None:
        self.tabs.setCurrentWidget(self.keyboard if page == "keyboard" else self.getting_started)
        self.show()
        self.raise_()
        self.activateWindow()
