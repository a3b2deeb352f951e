"""The one rich-text format ragdesk stores, and conversion to and from it.

Narratives are stored as a small, strict HTML subset — the only tags are
``p ul ol li table tr th td b i a[href] br`` — because both the Qt editor and
ReportLab's Paragraph understand something close to it and a person can read
it in an export. Nothing else is ever stored: :func:`clean` reduces pasted HTML
(Word, web pages) to the subset, and :func:`parse` of stored text drops anything
outside it.

The in-memory form is a tuple of blocks (:class:`Paragraph`, :class:`ListBlock`,
:class:`Table`) whose inline content is a tuple of :class:`Span`. Text is never
interpreted as markup: ``<``, ``&``, ``*``, ``_``, ``#`` and a leading ``- `` are
just characters, escaped on the way out. A newline inside a span is a line
break (``<br/>``). ``to_html(parse(x)) == x`` for any ``x`` that ``to_html``
produced, and ``parse(to_html(d)) == normalise(d)`` for any document ``d``.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace

# No "file:": a link to a path would open (or run) whatever is at that path on the
# reader's machine, from the window or from a printed PDF. Evidence is attached instead.
ALLOWED_SCHEMES = ("http://", "https://", "mailto:")


@dataclass(frozen=True, slots=True)
class Span:
    text: str
    bold: bool = False
    italic: bool = False
    href: str | None = None

    def same_format(self, other: Span) -> bool:
        return (self.bold, self.italic, self.href) == (other.bold, other.italic, other.href)


Inline = tuple[Span, ...]


@dataclass(frozen=True, slots=True)
class Paragraph:
    spans: Inline = ()


@dataclass(frozen=True, slots=True)
class ListBlock:
    ordered: bool
    items: tuple[Inline, ...]


@dataclass(frozen=True, slots=True)
class Table:
    """A simple grid of inline cells; ``header`` marks the first row as headings."""

    rows: tuple[tuple[Inline, ...], ...]
    header: bool = False


Block = Paragraph | ListBlock | Table
Document = tuple[Block, ...]


# --------------------------------------------------------------------------- normalising


def normalise_inline(spans: Iterable[Span]) -> Inline:
    """Merge neighbours with the same format and drop empty spans, so equal text compares equal."""
    # each run's pieces are joined once at the end: adding them one by one copies the growing
    # text each time, quadratic for 100,000 "<br>" or "<b></b>x" pieces
    runs: list[tuple[Span, list[str]]] = []
    for span in spans:
        if not span.text:
            continue
        href = safe_href(span.href)
        if href != span.href:
            span = replace(span, href=href)
        if runs and runs[-1][0].same_format(span):
            runs[-1][1].append(span.text)
        else:
            runs.append((span, [span.text]))
    return tuple(first if len(texts) == 1 else replace(first, text="".join(texts))
                 for first, texts in runs)


def normalise(doc: Sequence[Block]) -> Document:
    blocks: list[Block] = []
    for block in doc:
        if isinstance(block, Paragraph):
            blocks.append(Paragraph(normalise_inline(block.spans)))
        elif isinstance(block, ListBlock):
            if block.items:
                blocks.append(ListBlock(block.ordered, tuple(normalise_inline(i) for i in block.items)))
        elif isinstance(block, Table):
            rows = tuple(tuple(normalise_inline(c) for c in row) for row in block.rows if row)
            if rows:
                blocks.append(Table(rows, block.header))
    return tuple(blocks)


def safe_href(href: str | None) -> str | None:
    """Keep only links a report reader can follow safely (no javascript: and the like)."""
    if not href:
        return None
    value = href.strip()
    return value if value.lower().startswith(ALLOWED_SCHEMES) else None


# --------------------------------------------------------------------------- writing


def _escape(text: str) -> str:
    return html.escape(text, quote=False).replace("\n", "<br/>")


def _plain_link(href: str, piece: str) -> str:
    return f'<a href="{href}">{piece}</a>'


def inline_to_html(spans: Inline, *, escape: Callable[[str], str] = _escape,
                   link: Callable[[str, str], str] = _plain_link) -> str:
    """Spans as ``b``/``i``/``a`` markup. ``escape`` turns a span's text into markup and
    ``link(href, piece)`` wraps a linked piece (``href`` already escaped): the report
    writer prints the same markup with its own escaping and link colour."""
    parts: list[str] = []
    for span in spans:
        piece = escape(span.text)
        if span.italic:
            piece = f"<i>{piece}</i>"
        if span.bold:
            piece = f"<b>{piece}</b>"
        if span.href:
            piece = link(html.escape(span.href, quote=True), piece)
        parts.append(piece)
    return "".join(parts)


def to_html(doc: Sequence[Block]) -> str:
    """The canonical stored form of a document ("" for an empty one)."""
    out: list[str] = []
    for block in normalise(doc):
        if isinstance(block, Paragraph):
            out.append(f"<p>{inline_to_html(block.spans)}</p>")
        elif isinstance(block, ListBlock):
            tag = "ol" if block.ordered else "ul"
            items = "".join(f"<li>{inline_to_html(i)}</li>" for i in block.items)
            out.append(f"<{tag}>{items}</{tag}>")
        else:
            rows = []
            for r, row in enumerate(block.rows):
                cell = "th" if block.header and r == 0 else "td"
                rows.append("<tr>" + "".join(f"<{cell}>{inline_to_html(c)}</{cell}>" for c in row) + "</tr>")
            out.append("<table>" + "".join(rows) + "</table>")
    if len(out) == 1 and out[0] == "<p></p>":
        return ""
    return "".join(out)


# --------------------------------------------------------------------------- reading


_DROP_CONTENT = {"script", "style", "head", "title", "xml", "o:p", "template"}
_BLOCKISH = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "section",
             "article", "header", "footer", "address", "center", "dd", "dt", "dl"}
_BOLD = {"b", "strong"}
_ITALIC = {"i", "em", "cite", "var", "dfn"}


# --------------------------------------------------------------------------- tokenising
#
# Python's html.parser is quadratic on some inputs (1 MB of "<!--" took 302 s, 40 KB of
# "<a " 20 s), and it runs on every import and paste. This tokenizer reads the same
# HTML in one pass: each construct is found with one str.find or one regular
# expression whose quantifiers are possessive (no backtracking), and an unterminated
# one (a comment, tag or "<!" with no end) ends the input, as it does in a browser
# (HTML5: "EOF in tag/comment"), so nothing is ever scanned twice.

_START_OR_END_TAG = re.compile(r"""
    <(/?)([a-zA-Z][^\t\n\f\r\x20/>\x00]*+)      # name
    ((?:[^>"'=]++                                   # attribute names, spaces, slashes
       |=[\t\n\f\r\x20]*+(?:"[^"]*+"|'[^']*+'|[^\t\n\f\r\x20>"']*+)  # a value
       |["'=])*+)                                   # a stray quote or equals sign
    >""", re.VERBOSE)
_ATTRIBUTE = re.compile(r"""([^\t\n\f\r\x20/>"'=][^\t\n\f\r\x20/>=]*+)
    (?:[\t\n\f\r\x20]*+=[\t\n\f\r\x20]*+(?:"([^"]*+)"|'([^']*+)'|([^\t\n\f\r\x20>"']*+)))?""",
                        re.VERBOSE)
# Where markup can start; any other "<" ("< 5", "<=", "<3") is just a character.
_CONSTRUCT = re.compile(r"<[!?/a-zA-Z]")
# A tag's attributes end in "/" after a space, a quote or nothing: a self-closing tag.
_SELF_CLOSING = re.compile(r"""(?:^|[\t\n\f\r\x20"'])/[\t\n\f\r\x20]*$""")
# Elements whose content is raw text up to their end tag (never markup).
_RAW_TEXT = ("script", "style", "title", "textarea", "xmp")


_ASCII_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")


def _letter(char: str) -> bool:
    return char in _ASCII_LETTERS  # "" (the end of the text) is not


def _attributes(text: str) -> list[tuple[str, str | None]]:
    attrs: list[tuple[str, str | None]] = []
    for m in _ATTRIBUTE.finditer(text):
        value = next((v for v in m.groups()[1:] if v is not None), None)
        attrs.append((m.group(1).lower(), None if value is None else html.unescape(value)))
    return attrs


class _Tokenizer:
    """Feeds ``handle_starttag/endtag/startendtag/data`` from HTML text in linear time.

    Character references in text and attribute values are decoded; comments,
    doctypes, processing instructions and CDATA sections are dropped (their text
    is never content). A ``<`` that starts no construct is text, as in a browser
    (found by :data:`_CONSTRUCT`, so a megabyte of "<" is one piece of text).
    """

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        raise NotImplementedError

    def handle_endtag(self, tag: str) -> None:
        raise NotImplementedError

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        raise NotImplementedError

    def handle_data(self, data: str) -> None:
        raise NotImplementedError

    def feed(self, text: str) -> None:
        n = len(text)
        pos = 0
        pending: list[str] = []  # text between constructs, handed on in one piece

        def flush() -> None:
            if pending:
                self.handle_data(html.unescape("".join(pending)))
                pending.clear()

        while pos < n:
            found = _CONSTRUCT.search(text, pos)
            if found is None:
                pending.append(text[pos:])
                break
            lt = found.start()
            if lt > pos:
                pending.append(text[pos:lt])
            after = text[lt + 1:lt + 2]
            if text.startswith("<!--", lt):
                if text.startswith(">", lt + 4) or text.startswith("->", lt + 4):
                    pos = text.index(">", lt + 4) + 1  # "<!-->" and "<!--->" are empty comments
                    continue
                end = text.find("-->", lt + 4)
                if end < 0:
                    break  # a comment to the end of the input
                pos = end + 3
                continue
            if after in ("!", "?") or (after == "/" and not _letter(text[lt + 2:lt + 3])):
                # doctype, CDATA, <![if …]>, <?xml …?>, "</>" or "</ 3": up to the next ">"
                end = text.find(">", lt + 2)
                if end < 0:
                    break
                pos = end + 1
                continue
            if _letter(after) or after == "/":  # "</" is followed by a letter here
                m = _START_OR_END_TAG.match(text, lt)
                if m is None:
                    break  # a tag to the end of the input
                flush()
                closing, name, rest = m.group(1), m.group(2).lower(), m.group(3)
                pos = m.end()
                if closing:
                    self.handle_endtag(name)
                    continue
                attrs = _attributes(rest)
                if _SELF_CLOSING.search(rest):  # "<br/>", "<br />", '<img src="x"/>'; not href=x/
                    self.handle_startendtag(name, attrs)
                    continue
                self.handle_starttag(name, attrs)
                if name in _RAW_TEXT:
                    close = re.compile(rf"</{name}[\t\n\f\r\x20/>]", re.IGNORECASE).search(text, pos)
                    if close is None:
                        break  # raw text to the end of the input
                    if name in ("textarea", "xmp"):
                        pending.append(text[pos:close.start()])
                        flush()
                    pos = text.find(">", close.start())
                    pos = n if pos < 0 else pos + 1
                    self.handle_endtag(name)
                continue
            raise AssertionError("unreachable: _CONSTRUCT only finds the cases above")
        flush()


class _Reader(_Tokenizer):
    """Builds a Document from HTML, keeping only what the subset can say.

    ``collapse`` folds runs of white space as a browser would: right for HTML
    pasted from elsewhere, wrong for our own stored text (where spaces the user
    typed are significant and every newline was written as ``<br/>``).
    """

    def __init__(self, collapse: bool) -> None:
        self.collapse = collapse
        self.blocks: list[Block] = []
        self.spans: list[Span] | None = None  # the inline run being filled
        self.kind: str | None = None  # "p", "li", "cell"
        self.list_stack: list[tuple[bool, list[Inline]]] = []
        self.table: list[list[Inline]] | None = None
        self.table_header = False
        self.row: list[Inline] | None = None
        self.bold = 0
        self.italic = 0
        self.hrefs: list[str | None] = []  # the link in force after each open a/span/font
        self.drop = 0
        self.span_flags: list[tuple[bool, bool]] = []  # what each open <span> switched on

    # -- inline run management
    def _start(self, kind: str) -> None:
        self._finish()
        self.spans = []
        self.kind = kind

    def _finish(self) -> None:
        if self.spans is None:
            return
        spans = normalise_inline(self.spans)
        if self.collapse:
            spans = _strip_inline(spans)
        kind, self.spans, self.kind = self.kind, None, None
        if kind == "li" and self.list_stack:
            self.list_stack[-1][1].append(spans)
        elif kind == "cell" and self.row is not None:
            self.row.append(spans)
        elif kind == "p" or spans:
            if kind == "implicit" and not spans:
                return
            if self.collapse and not spans:
                return  # pasted empty paragraphs are spacing, not content
            self.blocks.append(Paragraph(spans))

    def _text(self, text: str) -> None:
        if self.drop or not text:
            return
        if self.spans is None:
            if self.table is not None and self.row is None:
                return  # stray text between table rows
            if not text.strip():
                return  # formatting white space between blocks
            self._start("li" if self.list_stack else "implicit")
        assert self.spans is not None
        href = self.hrefs[-1] if self.hrefs else None
        self.spans.append(Span(text, self.bold > 0, self.italic > 0, safe_href(href)))

    # -- tokenizer hooks
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        tag = tag.lower()
        if tag in _DROP_CONTENT:
            self.drop += 1
            return
        if tag in _BOLD:
            self.bold += 1
        elif tag in _ITALIC:
            self.italic += 1
        elif tag == "span" or tag == "font":
            style = (dict(attrs).get("style") or "").replace(" ", "").lower()
            # anchored at a declaration start: Word writes "mso-bidi-font-weight:bold"
            # on text that is not bold (it is the weight for right-to-left scripts)
            bold = bool(re.search(r"(?:^|;)font-weight:(bold|[6-9]00)", style))
            italic = bool(re.search(r"(?:^|;)font-style:italic", style))
            self.hrefs.append(self.hrefs[-1] if self.hrefs else None)  # so end tags balance
            self.span_flags.append((bold, italic))
            self.bold += bold
            self.italic += italic
        elif tag == "a":
            # the innermost link wins; an <a> without one keeps the outer link
            self.hrefs.append(dict(attrs).get("href") or (self.hrefs[-1] if self.hrefs else None))
        elif tag == "br":
            self._text("\n")
        elif tag in ("ul", "ol"):
            self._finish()
            self.list_stack.append((tag == "ol", []))
        elif tag == "li":
            self._start("li")
        elif tag == "table":
            self._finish()
            self.table, self.table_header = [], False
        elif tag == "tr":
            self._finish()
            if self.table is not None:
                self.row = []
        elif tag in ("td", "th"):
            if self.table is not None and self.row is None:
                self.row = []
            if tag == "th" and self.table is not None and not self.table:
                self.table_header = True
            self._start("cell" if self.row is not None else "p")
        elif tag in _BLOCKISH:
            if self.kind in ("li", "cell"):
                if self.spans:  # a second paragraph inside a list item: keep it as a line
                    self._text("\n")
                return
            self._start("p")

    def handle_endtag(self, tag: str) -> None:
        tag = tag.lower()
        if tag in _DROP_CONTENT:
            self.drop = max(0, self.drop - 1)
            return
        if tag in _BOLD:
            self.bold = max(0, self.bold - 1)
        elif tag in _ITALIC:
            self.italic = max(0, self.italic - 1)
        elif tag in ("span", "font"):
            if self.span_flags:
                bold, italic = self.span_flags.pop()
                self.bold -= bold
                self.italic -= italic
            if self.hrefs:
                self.hrefs.pop()
        elif tag == "a":
            if self.hrefs:
                self.hrefs.pop()
        elif tag in ("ul", "ol"):
            self._finish()
            if self.list_stack:
                ordered, items = self.list_stack.pop()
                if self.list_stack:  # nested list: flatten into the parent list
                    self.list_stack[-1][1].extend(items)
                elif items:
                    self.blocks.append(ListBlock(ordered, tuple(items)))
        elif tag == "li" or tag in ("td", "th"):
            self._finish()
        elif tag == "tr":
            self._finish()
            if self.table is not None and self.row is not None:
                if self.row:
                    self.table.append(self.row)
                self.row = None
        elif tag == "table":
            self._finish()
            if self.table is not None:
                if self.row:
                    self.table.append(self.row)
                rows = tuple(tuple(r) for r in self.table if r)
                if rows:
                    self.blocks.append(Table(rows, self.table_header))
            self.table, self.row = None, None
        elif tag in _BLOCKISH and self.kind not in ("li", "cell"):
            self._finish()

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag.lower() == "br":
            self._text("\n")
        # other empty elements (img, hr, meta) carry no text we keep

    def handle_data(self, data: str) -> None:
        if self.collapse:
            data = re.sub(r"[ \t\r\n\f]+", " ", data)
        self._text(data)

    def close_document(self) -> Document:
        self._finish()
        while self.list_stack:
            self.handle_endtag("ol" if self.list_stack[-1][0] else "ul")
        if self.table is not None:
            self.handle_endtag("table")
        return normalise(self.blocks)


def _strip_inline(spans: Inline) -> Inline:
    """Trim the white space a browser would not show at the ends of a block."""
    start = 0
    while start < len(spans) and not spans[start].text.lstrip(" "):
        start += 1  # by index: popping from the front of a long list is quadratic
    items = list(spans[start:])
    if items:
        items[0] = replace(items[0], text=items[0].text.lstrip(" "))
    while items and not items[-1].text.rstrip(" "):
        items.pop()
    if items:
        items[-1] = replace(items[-1], text=items[-1].text.rstrip(" "))
    # a space next to a line break is never visible either
    items = [replace(s, text=re.sub(r" ?\n ?", "\n", s.text)) for s in items]
    return normalise_inline(items)


def _read(text: str, collapse: bool) -> Document:
    reader = _Reader(collapse)
    reader.feed(text)
    return reader.close_document()


def parse(stored: str | None) -> Document:
    """Read the stored subset (white space exactly as typed)."""
    if not stored:
        return ()
    return _read(stored, collapse=False)


def clean(foreign_html: str) -> Document:
    """Reduce HTML pasted from Word or a web page to the subset (white space folded)."""
    return _read(foreign_html, collapse=True)


def sanitise(stored_or_foreign: str | None) -> str:
    """Canonical stored form of any HTML, e.g. a rich field from a JSON import."""
    return to_html(parse(stored_or_foreign))


# --------------------------------------------------------------------------- plain text


def from_plain(text: str) -> Document:
    """A document holding exactly ``text``: one paragraph per line, nothing interpreted."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text:
        return ()
    return tuple(Paragraph((Span(line),) if line else ()) for line in text.split("\n"))


def inline_plain(spans: Inline) -> str:
    return "".join(s.text for s in spans)


def to_plain(doc: Sequence[Block] | str | None, *, bullets: bool = True) -> str:
    """Readable plain text: for search, CSV export, short titles and accessibility."""
    if doc is None:
        return ""
    if isinstance(doc, str):
        doc = parse(doc)
    lines: list[str] = []
    for block in doc:
        if isinstance(block, Paragraph):
            lines.append(inline_plain(block.spans))
        elif isinstance(block, ListBlock):
            for n, item in enumerate(block.items, start=1):
                prefix = (f"{n}. " if block.ordered else "• ") if bullets else ""
                lines.append(prefix + inline_plain(item))
        else:
            for row in block.rows:
                lines.append("\t".join(inline_plain(c) for c in row))
    return "\n".join(lines)


# Tags of the stored subset that separate words (blocks, cells, line breaks); the others
# (b, i, a) sit inside words as often as between them and are dropped without a gap.
_SEPARATING_TAG = re.compile(r"</?(?:p|li|br|td|th|tr|ul|ol|table)\b[^>]*>", re.IGNORECASE)
_ANY_TAG = re.compile(r"<[^>]*>")


def searchable(stored: str | None) -> str:
    """The words of stored rich text, for the search index.

    The same words as :func:`to_plain` (without list numbers), found by dropping the
    tags of the canonical stored form instead of parsing it: re-indexing an item reads
    every period's narratives, and parsing them made deleting or restoring a period
    take seconds on a force-sized file. Only for text :func:`to_html` wrote (in it a
    ``<`` always starts a tag and ``>`` never appears inside one).
    """
    if not stored:
        return ""
    if "<" not in stored and "&" not in stored:
        return stored
    return html.unescape(_ANY_TAG.sub("", _SEPARATING_TAG.sub("\n", stored)))


def is_empty(stored: str | None) -> bool:
    return not to_plain(stored).strip()
