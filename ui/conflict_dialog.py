"""The dialog shown when someone else saved a field while this user was editing it.

The store refuses a save whose ``expected_version`` is stale (``errors.Conflict``);
the editor then calls :func:`resolve_conflict` with both texts. Nothing typed is
ever discarded: the user keeps theirs, keeps the other person's, merges the two
by hand, or cancels and goes on editing (the editor keeps the text in the window).

Rich fields are the stored HTML subset: they are shown rendered, read-only, and a
merge returns the same subset (:func:`ragdesk.richtext.clean` of what Qt produced).
"""

from __future__ import annotations

import html

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QStackedWidget,
    QTextBrowser,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from ragdesk import richtext

MINE_HEADING = "──────── My version ────────"
THEIRS_HEADING = "──────── Their version ({who}) ────────"


class ConflictDialog(QDialog):
    """Mine and theirs side by side; Keep mine / Keep theirs / Merge… / Cancel.

    ``chosen`` is the text to save (stored form) once accepted, else ``None``.
    """

    def __init__(self, parent: QWidget | None = None, *, what: str, mine: str, theirs: str,
                 theirs_by: str, theirs_at: str, rich: bool) -> None:
        super().__init__(parent)
        self.setWindowTitle("Someone else changed this")
        self.setModal(True)
        self.rich = rich
        self.mine = mine
        self.theirs = theirs
        self.theirs_by = theirs_by or "someone else"
        self.theirs_at = theirs_at or "an unknown time"
        self.chosen: str | None = None

        self.stack = QStackedWidget(self)
        self.stack.addWidget(self._compare_page(what))
        self.stack.addWidget(self._merge_page(what))
        layout = QVBoxLayout(self)
        layout.addWidget(self.stack)
        self.resize(900, 520)

    # -- pages --------------------------------------------------------------------

    def _viewer(self, text: str) -> QWidget:
        view: QTextBrowser | QPlainTextEdit
        if self.rich:
            view = QTextBrowser(self)
            view.setOpenLinks(False)  # a link in a record must not navigate inside the dialog
            view.setHtml(richtext.sanitise(text))
        else:
            view = QPlainTextEdit(self)
            view.setPlainText(text)
        view.setReadOnly(True)
        return view

    def _compare_page(self, what: str) -> QWidget:
        page = QWidget(self)
        grid = QGridLayout(page)
        intro = QLabel(
            f"<b>{html.escape(what)}</b> was changed by <b>{html.escape(self.theirs_by)}</b> "
            f"at {html.escape(self.theirs_at)} while you were editing it. Nothing has been "
            "lost: choose which text to keep, or merge them.", page)
        intro.setWordWrap(True)
        grid.addWidget(intro, 0, 0, 1, 2)
        grid.addWidget(QLabel("<b>Your text (not yet saved)</b>", page), 1, 0)
        grid.addWidget(QLabel(f"<b>Their text</b> (saved by {html.escape(self.theirs_by)}, "
                              f"{html.escape(self.theirs_at)})", page), 1, 1)
        self.mine_view = self._viewer(self.mine)
        self.theirs_view = self._viewer(self.theirs)
        self.mine_view.setAccessibleName("Your text")
        self.theirs_view.setAccessibleName("Their text")
        grid.addWidget(self.mine_view, 2, 0)
        grid.addWidget(self.theirs_view, 2, 1)
        buttons = QDialogButtonBox(page)
        self.keep_mine_button = QPushButton("Keep &mine", page)
        self.keep_theirs_button = QPushButton("Keep &theirs", page)
        self.merge_button = QPushButton("M&erge…", page)
        self.cancel_button = QPushButton("Cancel (keep editing)", page)
        for button, role in ((self.keep_mine_button, QDialogButtonBox.ButtonRole.AcceptRole),
                             (self.keep_theirs_button, QDialogButtonBox.ButtonRole.AcceptRole),
                             (self.merge_button, QDialogButtonBox.ButtonRole.ActionRole),
                             (self.cancel_button, QDialogButtonBox.ButtonRole.RejectRole)):
            buttons.addButton(button, role)
        self.keep_mine_button.setDefault(False)
        self.keep_mine_button.setAutoDefault(False)
        self.keep_mine_button.clicked.connect(lambda: self._choose(self.mine))
        self.keep_theirs_button.clicked.connect(lambda: self._choose(self.theirs))
        self.merge_button.clicked.connect(self.start_merge)
        self.cancel_button.clicked.connect(self.reject)
        grid.addWidget(buttons, 3, 0, 1, 2)
        return page

    def _merge_page(self, what: str) -> QWidget:
        page = QWidget(self)
        layout = QVBoxLayout(page)
        label = QLabel(f"Edit <b>{html.escape(what)}</b> into the text you want to save. Both "
                       "versions are below, each under its own heading; remove the headings "
                       "and whatever you do not want.", page)
        label.setWordWrap(True)
        layout.addWidget(label)
        self.merge_edit: QTextEdit | QPlainTextEdit
        if self.rich:
            self.merge_edit = QTextEdit(page)
            self.merge_edit.setAcceptRichText(True)
        else:
            self.merge_edit = QPlainTextEdit(page)
        self.merge_edit.setAccessibleName("Merged text")
        layout.addWidget(self.merge_edit)
        buttons = QDialogButtonBox(page)
        self.use_merged_button = QPushButton("&Save merged text", page)
        self.back_button = QPushButton("&Back", page)
        self.merge_cancel_button = QPushButton("Cancel (keep editing)", page)
        buttons.addButton(self.use_merged_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.back_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.merge_cancel_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.use_merged_button.clicked.connect(lambda: self._choose(self.merged_text()))
        self.back_button.clicked.connect(lambda: self.stack.setCurrentIndex(0))
        self.merge_cancel_button.clicked.connect(self.reject)
        layout.addWidget(buttons)
        return page

    # -- actions ------------------------------------------------------------------

    def merge_prefill(self) -> str:
        """Both texts, each under a heading naming whose it is (stored form for rich)."""
        theirs_heading = THEIRS_HEADING.format(who=f"{self.theirs_by}, {self.theirs_at}")
        if self.rich:
            heading = richtext.to_html((richtext.Paragraph((richtext.Span(MINE_HEADING, bold=True),)),))
            other = richtext.to_html((richtext.Paragraph((richtext.Span(theirs_heading, bold=True),)),))
            return heading + richtext.sanitise(self.mine) + other + richtext.sanitise(self.theirs)
        return f"{MINE_HEADING}\n{self.mine}\n{theirs_heading}\n{self.theirs}"

    def start_merge(self) -> None:
        if self.rich:
            assert isinstance(self.merge_edit, QTextEdit)
            self.merge_edit.setHtml(self.merge_prefill())
        else:
            self.merge_edit.setPlainText(self.merge_prefill())
        self.stack.setCurrentIndex(1)
        self.merge_edit.setFocus()

    def merged_text(self) -> str:
        """What is in the merge box, in the stored form (the HTML subset for rich fields)."""
        if self.rich:
            assert isinstance(self.merge_edit, QTextEdit)
            return richtext.to_html(richtext.clean(self.merge_edit.toHtml()))
        return self.merge_edit.toPlainText()

    def _choose(self, text: str) -> None:
        self.chosen = text
        self.accept()


def resolve_conflict(parent: QWidget | None, *, what: str, mine: str, theirs: str,
                     theirs_by: str, theirs_at: str, rich: bool) -> str | None:
    """Ask the user how to settle a conflicting save; return the text to save, or None.

    ``None`` means Cancel: keep editing, save nothing (the editor keeps ``mine``).
    """
    dialog = ConflictDialog(parent, what=what, mine=mine, theirs=theirs, theirs_by=theirs_by,
                            theirs_at=theirs_at, rich=rich)
    try:
        if dialog.exec() == QDialog.DialogCode.Accepted:
            return dialog.chosen
        return None
    finally:
        dialog.deleteLater()
