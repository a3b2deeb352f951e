"""The exact conversion between a Qt ``QTextDocument`` and the stored rich text.

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

No widget here: the editors (:mod:`ragdesk.ui.rich_editor`) and the status
note's plain text box use these functions on their documents.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
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
    QTextTableCell,
    QTextTableFormat,
)

from ragdesk import richtext
from ragdesk.richtext import Block, Document, Inline, ListBlock, Paragraph, Span, Table

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


def list_format(ordered: bool) -> QTextListFormat:
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
                    qlist = cursor.createList(list_format(block.ordered))
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
        literal = chr(code) if isinstance(code, int) and 0 < code < 0x110000 else ""
        placeholder = _PROTECTED.get(literal) if literal else None
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


def _read_cell(cell: QTextTableCell) -> Inline:
    spans: list[Span] = []
    it = cell.begin()
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
    insert_lines(cursor, text, QTextCharFormat())
    cursor.endEditBlock()


def insert_lines(cursor: QTextCursor, text: str, fmt: QTextCharFormat) -> None:
    """Insert plain ``text`` exactly, each line (ended by LF, CR or CRLF) a block of its own."""
    for n, line in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n")):
        if n:
            cursor.insertBlock()
        insert_text(cursor, line, fmt)


def read_plain(qdoc: QTextDocument) -> str:
    """The text :func:`write_plain` wrote (or a person typed), every character as it is."""
    lines = []
    block = qdoc.begin()
    while block.isValid():
        lines.append(richtext.inline_plain(read_block(block)))
        block = block.next()
    return "\n".join(lines)
