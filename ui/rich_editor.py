"""The rich-text editor for narratives, and its exact conversion to and from the stored format.

Stored text is :mod:`ragdesk.richtext` (a strict HTML subset). Qt's own
``toHtml``/``toMarkdown`` round trips lose or change text, so this module walks
the ``QTextDocument`` block by block and fragment by fragment itself:

* a :class:`~ragdesk.richtext.Paragraph` is a plain block; a newline inside a
  span is Qt's line separator (U+2028, what Shift+Enter types);
* a :class:`~ragdesk.richtext.ListBlock` is a run of blocks in one ``QTextList``
  (disc = bullets, decimal = numbered);
* a :class:`~ragdesk.richtext.Table` is a ``QTextTable``; ``header`` is the
  table's ``headerRowCount``; cells added only to square up a ragged row are
  marked (``PAD_CELL``) so they are not read back as content;
* bold, italic and links are the fragment's character format.

Qt always keeps a block before and after every table. When a document has
tables, a stretch between tables (or before the first / after the last) that
holds only ``n`` empty paragraphs is written as ``n + 1`` empty blocks and read
back as ``n``, so that forced block never becomes, or swallows, a paragraph.

Characters Qt would not keep as typed inside a block (U+2028, U+2029, U+FDD0,
U+FDD1 and CR split or end blocks; PySide drops U+FEFF at the start of a string) are inserted as a placeholder carrying the
original character in a character-format property (``LITERAL``) and restored on
reading, so any text a person types or pastes survives unchanged.

Pasting: our own copies travel as the stored format (``MIME_TYPE``); HTML from
Word or a web page goes through :func:`ragdesk.richtext.clean`; plain text is
inserted literally (never interpreted as markup).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from PySide6.QtCore import QEvent, QMimeData, QSize, Qt, Signal
from PySide6.QtGui import (
    QAction,
    QBrush,
    QColor,
    QFocusEvent,
    QFont,
    QKeyEvent,
    QKeySequence,
    QTextBlock,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextDocumentFragment,
    QTextFormat,
    QTextFrame,
    QTextFrameFormat,
    QTextLength,
    QTextListFormat,
    QTextTable,
    QTextTableFormat,
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
from ragdesk.richtext import Block, Document, Inline, ListBlock, Paragraph, Span, Table

MIME_TYPE = "application/x-ragdesk-richtext"

LITERAL = int(QTextFormat.Property.UserProperty) + 1  # char format: the character really typed
PAD_CELL = int(QTextFormat.Property.UserProperty) + 2  # cell format: only squares up a ragged row

LINE_BREAK = "\u2028"
# character typed -> placeholder stored in the QTextDocument (with LITERAL = the character)
_PROTECTED = {
    "\u2028": "\u2028",
    "\u2029": "\u2028",
    "\r": "\u2028",
    "\ufdd0": "\ufffd",
    "\ufdd1": "\ufffd",
    "\ufeff": "\u2060",  # PySide drops a BOM that starts a string passed to Qt
}
LINK_COLOUR = QColor("#0b57d0")
HEADER_BACKGROUND = QColor("#e8e8e8")


# --------------------------------------------------------------------------- writing into Qt


def char_format(span: Span | None = None) -> QTextCharFormat:
    """The character format for a span: only bold, italic and link are ever set."""
    fmt = QTextCharFormat()
    fmt.setFontWeight(QFont.Weight.Bold if span and span.bold else QFont.Weight.Normal)
    fmt.setFontItalic(bool(span and span.italic))
    if span and span.href:
        fmt.setAnchor(True)
        fmt.setAnchorHref(span.href)
        fmt.setForeground(QBrush(LINK_COLOUR))
        fmt.setFontUnderline(True)
        fmt.setToolTip(span.href)
    return fmt


def insert_text(cursor: QTextCursor, text: str, fmt: QTextCharFormat) -> None:
    """Insert ``text`` inside the current block: "\\n" becomes a line break, nothing splits it."""
    run: list[str] = []

    def flush_run() -> None:
        if run:
            cursor.insertText("".join(run), fmt)
            run.clear()

    for ch in text:
        if ch == "\n":
            run.append(LINE_BREAK)
        elif ch in _PROTECTED:
            flush_run()
            special = QTextCharFormat(fmt)
            special.setProperty(LITERAL, ord(ch))  # a number: PySide would drop a BOM string
            cursor.insertText(_PROTECTED[ch], special)
        else:
            run.append(ch)
    flush_run()


def insert_inline(cursor: QTextCursor, spans: Inline) -> None:
    for span in spans:
        insert_text(cursor, span.text, char_format(span))


def _plain_block_format() -> QTextBlockFormat:
    fmt = QTextBlockFormat()
    fmt.setBottomMargin(4)
    return fmt


def _list_format(ordered: bool) -> QTextListFormat:
    fmt = QTextListFormat()
    fmt.setStyle(QTextListFormat.Style.ListDecimal if ordered else QTextListFormat.Style.ListDisc)
    return fmt


def table_format(header: bool) -> QTextTableFormat:
    fmt = QTextTableFormat()
    fmt.setHeaderRowCount(1 if header else 0)
    fmt.setBorder(1)
    fmt.setBorderStyle(QTextFrameFormat.BorderStyle.BorderStyle_Solid)
    fmt.setBorderBrush(QBrush(QColor("#9a9a9a")))
    fmt.setCellSpacing(0)
    fmt.setCellPadding(3)
    fmt.setBorderCollapse(True)
    fmt.setWidth(QTextLength(QTextLength.Type.PercentageLength, 100))
    return fmt


def _with_table_spacers(doc: Sequence[Block]) -> list[Block]:
    """Add the extra empty paragraph that tells an all-empty stretch from Qt's forced block."""
    blocks = list(doc)
    if not any(isinstance(b, Table) for b in blocks):
        return blocks
    out: list[Block] = []
    stretch: list[Block] = []

    def end_stretch() -> None:
        if stretch and all(isinstance(b, Paragraph) and not b.spans for b in stretch):
            stretch.append(Paragraph(()))
        out.extend(stretch)
        stretch.clear()

    for block in blocks:
        if isinstance(block, Table):
            end_stretch()
            out.append(block)
        else:
            stretch.append(block)
    end_stretch()
    return out


def write_document(qdoc: QTextDocument, doc: Sequence[Block]) -> None:
    """Replace ``qdoc``'s content with ``doc`` (exactly; see the module notes)."""
    qdoc.clear()
    cursor = QTextCursor(qdoc)
    cursor.beginEditBlock()
    fresh = True  # the block under the cursor is empty and not yet used for any content

    def next_block() -> None:
        nonlocal fresh
        if fresh:
            block = cursor.block()
            if block.textList() is not None:
                block.textList().remove(block)
            cursor.setBlockFormat(_plain_block_format())
            cursor.setBlockCharFormat(char_format())
            cursor.setCharFormat(char_format())
            fresh = False
        else:
            cursor.insertBlock(_plain_block_format(), char_format())

    for block in _with_table_spacers(richtext.normalise(doc)):
        if isinstance(block, Paragraph):
            next_block()
            insert_inline(cursor, block.spans)
        elif isinstance(block, ListBlock):
            qlist = None
            for item in block.items:
                next_block()
                if qlist is None:
                    qlist = cursor.createList(_list_format(block.ordered))
                else:
                    qlist.add(cursor.block())
                insert_inline(cursor, item)
        else:
            _write_table(cursor, block)
            cursor.movePosition(QTextCursor.MoveOperation.End)
            fresh = True
    cursor.endEditBlock()


def _write_table(cursor: QTextCursor, table: Table) -> QTextTable:
    columns = max(len(row) for row in table.rows)
    qtable = cursor.insertTable(len(table.rows), columns, table_format(table.header))
    for r, row in enumerate(table.rows):
        for c in range(columns):
            cell = qtable.cellAt(r, c)
            cell_cursor = cell.firstCursorPosition()
            block = cell_cursor.block()
            if block.textList() is not None:
                block.textList().remove(block)
            cell_cursor.setBlockFormat(QTextBlockFormat())
            fmt = cell.format().toTableCellFormat()
            if c >= len(row):
                fmt.setProperty(PAD_CELL, True)
            if table.header and r == 0:
                fmt.setBackground(QBrush(HEADER_BACKGROUND))
            cell.setFormat(fmt)
            if c < len(row):
                insert_inline(cell_cursor, row[c])
    return qtable


def document_fragment(doc: Sequence[Block]) -> QTextDocumentFragment:
    """A fragment holding ``doc``, for inserting at the cursor (paste)."""
    qdoc = QTextDocument()
    write_document(qdoc, doc)
    return QTextDocumentFragment(qdoc)


# --------------------------------------------------------------------------- reading from Qt


def read_block(block: QTextBlock) -> Inline:
    """The spans of one block, undoing every substitution :func:`insert_text` made."""
    spans: list[Span] = []
    it = block.begin()
    while not it.atEnd():
        fragment = it.fragment()
        it += 1
        if not fragment.isValid():
            continue
        fmt = fragment.charFormat()
        code = fmt.property(LITERAL) if fmt.hasProperty(LITERAL) else None
        literal = chr(code) if isinstance(code, int) and 0 < code < 0x110000 else None
        placeholder = _PROTECTED.get(literal) if literal is not None else None
        chars = []
        for ch in fragment.text():
            if placeholder is not None and ch == placeholder:
                chars.append(literal)
            elif ch == LINE_BREAK or ch == "\u2029":
                chars.append("\n")
            else:
                chars.append(ch)
        href = fmt.anchorHref() if fmt.isAnchor() and fmt.anchorHref() else None
        spans.append(Span("".join(chars), bold=fmt.fontWeight() >= QFont.Weight.DemiBold,
                          italic=fmt.fontItalic(), href=href))
    return richtext.normalise_inline(spans)


def _read_cell(cell: object) -> Inline:
    spans: list[Span] = []
    it = cell.begin()  # type: ignore[attr-defined]
    first = True
    while not it.atEnd():
        block = it.currentBlock()
        if block.isValid():
            if not first:
                spans.append(Span("\n"))
            spans.extend(read_block(block))
            first = False
        it += 1
    return richtext.normalise_inline(spans)


def read_table(table: QTextTable) -> Table:
    rows: list[tuple[Inline, ...]] = []
    for r in range(table.rows()):
        cells: list[tuple[Inline, bool]] = []
        for c in range(table.columns()):
            cell = table.cellAt(r, c)
            if cell.row() != r or cell.column() != c:  # covered by a merged cell
                cells.append(((), True))
                continue
            cell_format = cell.format()
            # ask hasProperty first: property() of a missing key hands back a None PySide
            # does not count references for (it crashed the interpreter in the property test)
            pad = cell_format.hasProperty(PAD_CELL) and bool(cell_format.property(PAD_CELL))
            cells.append((_read_cell(cell), pad))
        while cells and cells[-1][1] and not cells[-1][0]:
            cells.pop()
        if cells:
            rows.append(tuple(spans for spans, _pad in cells))
    return Table(tuple(rows), header=table.format().headerRowCount() > 0)


def _entries(frame: QTextFrame, out: list[tuple]) -> None:
    it = frame.begin()
    while not it.atEnd():
        child = it.currentFrame()
        if child is not None:
            if isinstance(child, QTextTable):
                out.append(("table", read_table(child)))
            else:  # a plain frame (never made by us): read its blocks as paragraphs
                _entries(child, out)
        else:
            block = it.currentBlock()
            if block.isValid():
                qlist = block.textList()
                if qlist is not None:
                    ordered = int(qlist.format().style().value) <= int(
                        QTextListFormat.Style.ListDecimal.value)
                    out.append(("item", (qlist.objectIndex(), ordered), read_block(block)))
                else:
                    out.append(("p", read_block(block)))
        it += 1


def read_document(qdoc: QTextDocument) -> Document:
    """The :mod:`ragdesk.richtext` document ``qdoc`` shows (inverse of :func:`write_document`)."""
    entries: list[tuple] = []
    _entries(qdoc.rootFrame(), entries)
    if any(e[0] == "table" for e in entries):
        kept: list[tuple] = []
        stretch: list[tuple] = []

        def end_stretch() -> None:
            if stretch and all(e[0] == "p" and not e[1] for e in stretch):
                stretch.pop()  # Qt's forced block next to a table
            kept.extend(stretch)
            stretch.clear()

        for entry in entries:
            if entry[0] == "table":
                end_stretch()
                kept.append(entry)
            else:
                stretch.append(entry)
        end_stretch()
        entries = kept
    blocks: list[Block] = []
    current_list: tuple[int, bool] | None = None
    items: list[Inline] = []
    for entry in entries:
        if entry[0] == "item" and entry[1] == current_list:
            items.append(entry[2])
            continue
        if current_list is not None:
            blocks.append(ListBlock(current_list[1], tuple(items)))
            current_list, items = None, []
        if entry[0] == "item":
            current_list, items = entry[1], [entry[2]]
        elif entry[0] == "p":
            blocks.append(Paragraph(entry[1]))
        else:
            blocks.append(entry[1])
    if current_list is not None:
        blocks.append(ListBlock(current_list[1], tuple(items)))
    if blocks == [Paragraph(())]:
        return ()  # an empty editor is an empty document (to_html gives "" for both)
    return richtext.normalise(blocks)


# --------------------------------------------------------------------------- plain text


def write_plain(qdoc: QTextDocument, text: str) -> None:
    """Show plain ``text`` exactly (QPlainTextEdit.setPlainText turns U+2028/U+2029 into line
    breaks and drops a leading U+FEFF; toPlainText turns no-break spaces into spaces)."""
    qdoc.clear()
    cursor = QTextCursor(qdoc)
    cursor.beginEditBlock()
    for n, line in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n")):
        if n:
            cursor.insertBlock()
        insert_text(cursor, line, QTextCharFormat())
    cursor.endEditBlock()


def read_plain(qdoc: QTextDocument) -> str:
    """The text :func:`write_plain` wrote (or a person typed), every character as it is."""
    lines = []
    block = qdoc.begin()
    while block.isValid():
        lines.append(richtext.inline_plain(read_block(block)))
        block = block.next()
    return "\n".join(lines)


def set_line_text(edit: QLineEdit, text: str) -> None:
    """QLineEdit.setText, except that a leading U+FEFF survives (PySide drops it on the way in)."""
    if text.startswith("\ufeff"):
        edit.setText("x" + text)
        edit.setSelection(0, 1)
        edit.del_()
    else:
        edit.setText(text)
    edit.setCursorPosition(0)


# --------------------------------------------------------------------------- the widget


def _key(sequence: str) -> QKeySequence:
    return QKeySequence(sequence)


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
        return _key(sequence)[0].toCombined()

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

    def plain(self) -> str:
        return richtext.to_plain(self.to_document())

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
        cursor = self.textCursor()
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
        del cursor

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
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        cursor = self.textCursor()
        cursor.beginEditBlock()
        fmt = QTextCharFormat(cursor.charFormat())
        fmt.clearProperty(LITERAL)
        for n, line in enumerate(text.split("\n")):
            if n:
                cursor.insertBlock()
            insert_text(cursor, line, fmt)
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
        wanted = _list_format(ordered).style()
        cursor.beginEditBlock()
        if qlist is not None and qlist.format().style() == wanted:
            block = cursor.block()
            qlist.remove(block)
            fmt = cursor.blockFormat()
            fmt.setIndent(0)
            cursor.setBlockFormat(fmt)
        elif qlist is not None:
            fmt = qlist.format()
            fmt.setStyle(wanted)
            qlist.setFormat(fmt)
        else:
            cursor.createList(_list_format(ordered))
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

    def mark_saved(self, stored: str) -> None:
        self._loaded = stored
        self.document().setModified(False)

    @property
    def loaded(self) -> str:
        return self._loaded

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
