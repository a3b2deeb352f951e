"""The rich-text editor for narratives (``RichTextEdit``) and the box that gives it a
formatting toolbar (``RichTextBox``).

The editor shows and returns stored text (:mod:`ragdesk.richtext`, a strict HTML
subset) exactly, through :mod:`ragdesk.ui.rich_text_qt`. Pasting: our own copies
travel as the stored format (``MIME_TYPE``); HTML from Word or a web page goes
through :func:`ragdesk.richtext.clean`; plain text is inserted literally (never
interpreted as markup).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from PySide6.QtCore import QEvent, QMimeData, QSize, Qt, Signal
from PySide6.QtGui import (
    QAction,
    QBrush,
    QFocusEvent,
    QFont,
    QKeyEvent,
    QKeySequence,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextFormat,
)
from PySide6.QtWidgets import (
    QHBoxLayout,
    QInputDialog,
    QLineEdit,
    QSizePolicy,
    QTextEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ragdesk import richtext
from ragdesk.richtext import Block, Document, Paragraph, Span

from .rich_text_qt import (
    HEADER_BACKGROUND,
    LITERAL,
    char_format,
    document_fragment,
    insert_inline,
    insert_lines,
    insert_text,
    list_format,
    read_document,
    table_format,
    write_document,
)

MIME_TYPE = "application/x-ragdesk-richtext"


def set_line_text(edit: QLineEdit, text: str) -> None:
    """QLineEdit.setText, except that a leading U+FEFF survives (PySide drops it on the way in)."""
    if text.startswith("\ufeff"):
        edit.setText("x" + text)
        edit.setSelection(0, 1)
        edit.del_()
    else:
        edit.setText(text)
    edit.setCursorPosition(0)


class RichTextEdit(QTextEdit):
    """A QTextEdit limited to the stored subset, reading and writing stored HTML exactly.

    ``editing_finished`` fires when focus leaves the editor (the save point);
    ``ask_link`` is called to get a link address (tests replace it).
    """

    editing_finished = Signal()

    SHORTCUTS = {
        "bold": "Ctrl+B",
        "italic": "Ctrl+I",
        "link": "Ctrl+K",
        "bullets": "Ctrl+Shift+8",
        "numbering": "Ctrl+Shift+7",
        "table": "Ctrl+Shift+T",
    }

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTabChangesFocus(True)  # Tab moves through the form; a form has many fields
        self.setAcceptRichText(True)
        self.setAutoFormatting(QTextEdit.AutoFormattingFlag.AutoNone)
        self._loaded = ""
        self.ask_link: Callable[[str], str | None] = self._ask_link
        self.on_problem: Callable[[str], None] = lambda _text: None
        slots = {"bold": self.toggle_bold, "italic": self.toggle_italic, "link": self.edit_link,
                 "bullets": self.toggle_bullets, "numbering": self.toggle_numbering,
                 "table": self.insert_table}
        self._handlers = {self._combo(v): slots[k] for k, v in self.SHORTCUTS.items()}
        # the same keys as typed on a UK keyboard (Shift+8 is "*", Shift+7 is "&"), and Word's
        for sequence, key in (("Ctrl+Shift+*", "bullets"), ("Ctrl+Shift+L", "bullets"),
                              ("Ctrl+Shift+&", "numbering")):
            self._handlers[self._combo(sequence)] = slots[key]
        self.fit_range = (0, 0)  # (min, max) height to grow within; (0, 0) = fixed
        self.document().documentLayout().documentSizeChanged.connect(self._fit)
        self.currentCharFormatChanged.connect(self._drop_literal_mark)

    @staticmethod
    def _combo(sequence: str) -> int:
        return QKeySequence(sequence)[0].toCombined()  # type: ignore[index]  # stub lacks __getitem__

    # -- stored form ----------------------------------------------------------
    def set_stored(self, stored: str | None) -> None:
        """Show stored text (from the database); the editor is then unmodified."""
        self.set_document(richtext.parse(stored or ""))
        self._loaded = richtext.sanitise(stored or "")

    def set_document(self, doc: Sequence[Block]) -> None:
        qdoc = self.document()
        qdoc.blockSignals(True)
        write_document(qdoc, doc)
        qdoc.blockSignals(False)
        qdoc.clearUndoRedoStacks()
        qdoc.setModified(False)
        self.moveCursor(QTextCursor.MoveOperation.Start)
        self.viewport().update()
        self.updateGeometry()
        # Take the text's height now: Qt lays the document out lazily, at its first paint,
        # and the pane then laid out and painted everything a second time.
        self._fit()

    def to_document(self) -> Document:
        return read_document(self.document())

    def stored(self) -> str:
        """What is in the editor now, in the stored form."""
        return richtext.to_html(self.to_document())

    # -- clipboard ------------------------------------------------------------
    def createMimeDataFromSelection(self) -> QMimeData:  # noqa: N802 (Qt name)
        # Qt's own mime object lists a fixed set of formats, so build a plain one: ours
        # (exact), HTML of the subset for other programs, and plain text.
        selection = self.textCursor().selection()
        scratch = QTextDocument()
        QTextCursor(scratch).insertFragment(selection)
        doc = read_document(scratch)
        stored = richtext.to_html(doc)
        mime = QMimeData()
        mime.setData(MIME_TYPE, stored.encode("utf-8"))
        mime.setHtml(stored)
        mime.setText(richtext.to_plain(doc))
        return mime

    def canInsertFromMimeData(self, source: QMimeData) -> bool:  # noqa: N802
        return source.hasFormat(MIME_TYPE) or source.hasHtml() or source.hasText()

    def insertFromMimeData(self, source: QMimeData) -> None:  # noqa: N802
        """Paste: ours exactly, HTML cleaned to the subset, plain text literally."""
        if source.hasFormat(MIME_TYPE):
            doc = richtext.parse(bytes(source.data(MIME_TYPE).data()).decode("utf-8", "replace"))
            self.insert_document(doc)
        elif source.hasHtml():
            self.insert_document(richtext.clean(source.html()))
        elif source.hasText():
            self.insert_plain(source.text())
        else:
            return
        self.ensureCursorVisible()

    def insert_document(self, doc: Sequence[Block]) -> None:
        doc = richtext.normalise(doc)
        if not doc:
            return
        cursor = self.textCursor()
        if len(doc) == 1 and isinstance(doc[0], Paragraph):
            cursor.beginEditBlock()
            insert_inline(cursor, doc[0].spans)  # inline: keep the current block (and list)
            cursor.endEditBlock()
        else:
            cursor.insertFragment(document_fragment(doc))
        self.setTextCursor(cursor)

    def insert_plain(self, text: str) -> None:
        """Insert ``text`` exactly as typed: each line a paragraph, no markup interpreted."""
        cursor = self.textCursor()
        cursor.beginEditBlock()
        fmt = QTextCharFormat(cursor.charFormat())
        fmt.clearProperty(LITERAL)
        insert_lines(cursor, text, fmt)
        cursor.endEditBlock()
        self.setTextCursor(cursor)

    # -- formatting commands --------------------------------------------------
    def _merge(self, fmt: QTextCharFormat) -> None:
        # With a selection: format it. Without: format what is typed next (as word processors do).
        self.mergeCurrentCharFormat(fmt)

    def toggle_bold(self) -> None:
        fmt = QTextCharFormat()
        bold = self.currentCharFormat().fontWeight() >= QFont.Weight.DemiBold
        fmt.setFontWeight(QFont.Weight.Normal if bold else QFont.Weight.Bold)
        self._merge(fmt)

    def toggle_italic(self) -> None:
        fmt = QTextCharFormat()
        fmt.setFontItalic(not self.currentCharFormat().fontItalic())
        self._merge(fmt)

    def _toggle_list(self, ordered: bool) -> None:
        cursor = self.textCursor()
        qlist = cursor.currentList()
        wanted = list_format(ordered).style()
        cursor.beginEditBlock()
        if qlist is not None and qlist.format().style() == wanted:
            block = cursor.block()
            qlist.remove(block)
            fmt = cursor.blockFormat()
            fmt.setIndent(0)
            cursor.setBlockFormat(fmt)
        elif qlist is not None:
            list_fmt = qlist.format()
            list_fmt.setStyle(wanted)
            qlist.setFormat(list_fmt)
        else:
            cursor.createList(list_format(ordered))
        cursor.endEditBlock()

    def toggle_bullets(self) -> None:
        self._toggle_list(False)

    def toggle_numbering(self) -> None:
        self._toggle_list(True)

    def insert_table(self, rows: int = 2, columns: int = 2) -> None:
        """A simple grid with a heading row; Tab is for the form, so cells are clicked or arrowed."""
        cursor = self.textCursor()
        if cursor.currentTable() is not None:
            self.on_problem("A table cannot go inside another table; put the cursor below it.")
            return
        cursor.beginEditBlock()
        if cursor.block().length() > 1:
            cursor.movePosition(QTextCursor.MoveOperation.EndOfBlock)
        table = cursor.insertTable(rows, columns, table_format(True))
        for c in range(columns):
            cell = table.cellAt(0, c)
            fmt = cell.format().toTableCellFormat()
            fmt.setBackground(QBrush(HEADER_BACKGROUND))
            cell.setFormat(fmt)
        cursor.endEditBlock()
        self.setTextCursor(table.cellAt(0, 0).firstCursorPosition())

    def add_table_row(self) -> None:
        table = self.textCursor().currentTable()
        if table is None:
            self.on_problem("Put the cursor in a table to add a row.")
            return
        cell = table.cellAt(self.textCursor())
        table.insertRows(cell.row() + 1, 1)

    def add_table_column(self) -> None:
        table = self.textCursor().currentTable()
        if table is None:
            self.on_problem("Put the cursor in a table to add a column.")
            return
        cell = table.cellAt(self.textCursor())
        table.insertColumns(cell.column() + 1, 1)

    def current_href(self) -> str:
        fmt = self.textCursor().charFormat()
        return fmt.anchorHref() if fmt.isAnchor() else ""

    def edit_link(self) -> None:
        """Make the selection (or the word at the cursor) a link; an empty address removes it."""
        address = self.ask_link(self.current_href())
        if address is None:
            return
        address = address.strip()
        cursor = self.textCursor()
        if not address:
            if not cursor.hasSelection():
                cursor.select(QTextCursor.SelectionType.WordUnderCursor)
            fmt = QTextCharFormat()
            fmt.setAnchor(False)
            fmt.setAnchorHref("")
            fmt.setFontUnderline(False)
            fmt.setForeground(self.palette().text())
            cursor.mergeCharFormat(fmt)
            return
        if not re.match(r"[A-Za-z][A-Za-z0-9+.-]*:(?!\d)", address):  # no scheme typed
            address = ("mailto:" if "@" in address and "/" not in address else "https://") + address
        href = richtext.safe_href(address)
        if href is None:
            self.on_problem("A link must start with http://, https:// or mailto:. To link a "
                            "file, attach it as evidence instead.")
            return
        fmt = char_format(Span("x", href=href))
        fmt.clearProperty(QTextFormat.Property.FontWeight)
        fmt.clearProperty(QTextFormat.Property.FontItalic)
        if not cursor.hasSelection():
            cursor.select(QTextCursor.SelectionType.WordUnderCursor)
        if cursor.hasSelection():
            cursor.mergeCharFormat(fmt)
        else:
            base = QTextCharFormat(cursor.charFormat())
            base.merge(fmt)
            insert_text(cursor, href, base)
            self.setTextCursor(cursor)

    def _ask_link(self, current: str) -> str | None:
        text, ok = QInputDialog.getText(self, "Link", "Link address (https://…, mailto:…); "
                                        "leave empty to remove the link:",
                                        QLineEdit.EchoMode.Normal, current)
        return text if ok else None

    # -- events ---------------------------------------------------------------
    def _drop_literal_mark(self, fmt: QTextCharFormat) -> None:
        """Typing next to a pasted special character must not inherit its LITERAL mark."""
        if fmt.hasProperty(LITERAL):
            clean_fmt = QTextCharFormat(fmt)
            clean_fmt.clearProperty(LITERAL)
            self.setCurrentCharFormat(clean_fmt)

    def event(self, e: QEvent) -> bool:
        # Claim our shortcuts before Qt's text bindings (Ctrl+K deletes to end of line).
        if (e.type() == QEvent.Type.ShortcutOverride and isinstance(e, QKeyEvent)
                and e.keyCombination().toCombined() in self._handlers):
            e.accept()
            return True
        return super().event(e)

    def keyPressEvent(self, e: QKeyEvent) -> None:  # noqa: N802
        handler = self._handlers.get(e.keyCombination().toCombined())
        if handler is not None:
            handler()
            e.accept()
            return
        super().keyPressEvent(e)

    def focusOutEvent(self, e: QFocusEvent) -> None:  # noqa: N802
        super().focusOutEvent(e)
        if e.reason() != Qt.FocusReason.PopupFocusReason:
            self.editing_finished.emit()

    def is_modified(self) -> bool:
        """Whether the text differs from what was loaded (not merely touched)."""
        if not self.document().isModified():
            return False
        return self.stored() != self._loaded

    def sizeHint(self) -> QSize:  # noqa: N802
        # a growing editor asks for just what its text needs (see _fit); extra room goes elsewhere
        return QSize(400, self.minimumHeight() if self.fit_range[1] else 120)

    def _fit(self, size: object = None) -> None:
        """Grow with the text (up to a limit) so the pane scrolls, not a box inside it."""
        low, high = self.fit_range
        if not high:
            return
        wanted = int(self.document().size().height()) + 2 * self.frameWidth() + 6
        height = max(low, min(high, wanted))
        if height != self.minimumHeight():
            self.setMinimumHeight(height)
            self.updateGeometry()


class RichTextBox(QWidget):
    """A rich editor with its small formatting toolbar (buttons never take focus from the text)."""

    def __init__(self, name: str, parent: QWidget | None = None, *, min_height: int = 90,
                 max_height: int = 480) -> None:
        super().__init__(parent)
        self.editor = RichTextEdit(self)
        self.editor.setAccessibleName(name)
        self.editor.setMinimumHeight(min_height)
        self.editor.fit_range = (min_height, max_height)
        self.editor.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        bar.setSpacing(2)
        self.buttons: dict[str, QToolButton] = {}
        specs = [
            ("bold", "B", "Bold", self.editor.toggle_bold),
            ("italic", "I", "Italic", self.editor.toggle_italic),
            ("link", "Link", "Link", self.editor.edit_link),
            ("bullets", "• List", "Bulleted list", self.editor.toggle_bullets),
            ("numbering", "1. List", "Numbered list", self.editor.toggle_numbering),
            ("table", "Table", "Insert table", self.editor.insert_table),
            ("row", "+Row", "Add table row", self.editor.add_table_row),
            ("column", "+Col", "Add table column", self.editor.add_table_column),
        ]
        for key, text, tip, slot in specs:
            button = QToolButton(self)
            action = QAction(text, button)
            shortcut = RichTextEdit.SHORTCUTS.get(key)
            action.setToolTip(f"{tip} ({shortcut})" if shortcut else tip)
            action.triggered.connect(slot)
            button.setDefaultAction(action)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setAccessibleName(f"{tip} in {name}")
            button.setAutoRaise(True)
            if key == "bold":
                f = button.font()
                f.setBold(True)
                button.setFont(f)
            elif key == "italic":
                f = button.font()
                f.setItalic(True)
                button.setFont(f)
            self.buttons[key] = button
            bar.addWidget(button)
        bar.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(1)
        layout.addLayout(bar)
        layout.addWidget(self.editor, 1)
        self.setFocusProxy(self.editor)
