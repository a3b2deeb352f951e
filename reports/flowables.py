"""ragdesk rich text (:mod:`ragdesk.richtext`) as ReportLab flowables, and a table that always splits.

User text is escaped before it reaches ReportLab: ``Paragraph`` parses a markup
language of its own, so a ``<b>``, ``&`` or ``]]>`` typed by a user would
otherwise turn bold, vanish or raise. Only the formatting the rich-text model
carries (bold, italic, links) becomes markup.

ReportLab's ``Table`` splits between rows only, so one cell taller than a page
raises ``LayoutError``. :class:`SplitTable` splits inside a row as well, at
exactly the space left on the page, so any narrative prints.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.paragraph import cleanBlockQuotedText

from ragdesk import richtext
from ragdesk.richtext import Inline, Span

from .fonts import printable
from .styles import LIGHT_RULE, LINK, PANEL, Styles

Cell = list[Flowable]
Row = list[Cell]


class Para(Paragraph):
    """A Paragraph that keeps its line breaks for the width it was last wrapped at.

    Platypus wraps most paragraphs two or three times at the same width (a
    KeepTogether or keepWithNext group measures its content, then the frame wraps
    each piece again; a table measures its cells, then the frame measures the
    table). Breaking lines is the costliest step of a report, and at the same
    width it gives the same lines, so the second and third wraps reuse them.
    """

    _wrapped: tuple[float, Any, float, list[float], float] | None = None

    def __init__(self, text: str | None, style: Any, bulletText: str | None = None,  # noqa: N803
                 frags: list[Any] | None = None, **kwargs: Any) -> None:
        if (frags is not None or text is None or "<" in text or "&" in text or bulletText
                or getattr(style, "textTransform", None)):
            super().__init__(text, style, bulletText, frags, **kwargs)  # split pieces come here
            return
        # Plain text (most of a narrative) needs no markup parser: its one fragment is
        # the style's own, with this text. Parsing each paragraph was a tenth of a report.
        owner, template = style.__dict__.get("_ragdesk_plain_frag", (None, None))
        if owner != id(style):  # none yet, or copied by style.clone() from another style
            template = Paragraph("x", style).frags[0]
            style.__dict__["_ragdesk_plain_frag"] = (id(style), template)
        text = cleanBlockQuotedText(text)
        super().__init__(text, style, frags=[template.clone(text=text)])

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        hit = self._wrapped
        if hit is not None and hit[0] == availWidth:
            _, self.blPara, self.height, self._wrapWidths, self._width_max = hit
            self.width = availWidth
            return availWidth, self.height
        width, height = super().wrap(availWidth, availHeight)
        if hasattr(self, "blPara"):
            self._wrapped = (availWidth, self.blPara, self.height, self._wrapWidths,
                             getattr(self, "_width_max", 0))
        return width, height


class Gap(Spacer):
    """Vertical space that writes nothing to the page.

    Platypus draws every flowable inside its own save/translate/restore, so a
    plain Spacer adds ``q 1 0 0 1 x y cm Q`` to the page for nothing; a report
    has a few per item.
    """

    def drawOn(self, canvas: Any, x: float, y: float, _sW: float = 0) -> None:  # noqa: N802
        return


class NeedRoom(CondPageBreak):
    """CondPageBreak (start a new page with less than ``height`` left) that writes nothing."""

    def drawOn(self, canvas: Any, x: float, y: float, _sW: float = 0) -> None:  # noqa: N802
        return


class Keep(KeepTogether):
    """KeepTogether without the copy of the whole frame it makes each time it measures.

    ReportLab deep-copies the current frame (for content generated while wrapping,
    which our report flowables never produce) on every measure of a keep group:
    one copy per item heading and rating row. Measuring with the frame briefly
    unset gives the same heights.
    """

    def wrap(self, aW: float, aH: float) -> tuple[float, float]:  # noqa: N803
        doc = getattr(self.canv, "_doctemplate", None)
        frame = getattr(doc, "frame", None)
        if doc is None or frame is None:
            return super().wrap(aW, aH)
        doc.frame = None
        try:
            return super().wrap(aW, aH)
        finally:
            doc.frame = frame


def escape(text: str) -> str:
    """Plain user text as ReportLab paragraph markup that prints exactly that text."""
    text = printable(text).replace("\t", " ")
    return html.escape(text, quote=False).replace("\n", "<br/>")


def _coloured_link(href: str, piece: str) -> str:
    return f'<a href="{href}" color="#{LINK.hexval()[2:]}"><u>{piece}</u></a>'


def inline_markup(spans: Inline) -> str:
    """Rich-text spans as ReportLab paragraph markup: links coloured and underlined."""
    return richtext.inline_to_html(spans, escape=escape, link=_coloured_link)


def para(text: str, style: Any, *, bold: bool = False) -> Paragraph:
    """A Paragraph holding plain ``text`` literally (escaped), optionally bold."""
    markup = escape(text)
    return Para(f"<b>{markup}</b>" if bold and markup else markup, style)


def inline_para(spans: Inline, style: Any, *, bullet: str | None = None,
                prefix: str = "", suffix: str = "") -> Paragraph:
    """A Paragraph from rich inline spans; ``prefix``/``suffix`` are trusted markup."""
    return Para(prefix + inline_markup(spans) + suffix, style, bulletText=bullet)


def document(doc: richtext.Document | str | None, styles: Styles, *, width: float,
             in_cell: bool = False) -> list[Flowable]:
    """Flowables for a stored rich-text field (or a parsed Document)."""
    if isinstance(doc, str) or doc is None:
        doc = richtext.parse(doc)
    body = styles.cell if in_cell else styles.body
    out: list[Flowable] = []
    for block in doc:
        if isinstance(block, richtext.Paragraph):
            if block.spans:
                chunks = chunk_spans(block.spans)
                if len(chunks) == 1:
                    out.append(inline_para(chunks[0], body))
                    continue
                tight = body.clone(body.name + "_tight", spaceAfter=0)
                for n, chunk in enumerate(chunks):
                    out.append(inline_para(chunk, body if n == len(chunks) - 1 else tight))
            else:
                out.append(Gap(1, body.leading * 0.5))
        elif isinstance(block, richtext.ListBlock):
            for n, item in enumerate(block.items, start=1):
                bullet = f"{n}." if block.ordered else "\N{BULLET}"
                out.append(inline_para(item, styles.bullet, bullet=bullet))
            out.append(Gap(1, body.spaceAfter * 0.5))
        else:
            out.append(user_table(block, styles, width=width))
            out.append(Gap(1, body.spaceAfter))
    return out


CHUNK = 2500  # characters; a paragraph longer than twice this is printed in pieces


def chunk_spans(spans: Inline, limit: int = CHUNK) -> list[Inline]:
    """Cut a giant paragraph into pieces at sentence (else word) ends.

    ReportLab re-measures the whole rest of a paragraph each time it splits it
    across a page, which is quadratic: a 30-page paragraph took over 30 s. Pieces
    of a few thousand characters print the same text in a fraction of that,
    at the cost of an early line end every page or so.
    """
    total = sum(len(s.text) for s in spans)
    if total <= 2 * limit:
        return [spans]
    text = "".join(s.text for s in spans)
    cuts: list[int] = []
    start = 0
    while total - start > limit * 1.5:
        window = text[start + limit // 2: start + limit]
        at = max(window.rfind(". "), window.rfind("; "), window.rfind("\n"))
        if at < 0:
            at = window.rfind(" ")
        cut = start + limit // 2 + at + 1 if at >= 0 else start + limit
        cuts.append(cut)
        start = cut
    pieces: list[Inline] = []
    bounds = [0, *cuts, total]
    for a, b in zip(bounds, bounds[1:], strict=False):
        piece: list[Span] = []
        pos = 0
        for span in spans:
            lo, hi = max(a, pos), min(b, pos + len(span.text))
            if lo < hi:
                piece.append(replace(span, text=span.text[lo - pos: hi - pos]))
            pos += len(span.text)
        if piece:
            first = piece[0]
            piece[0] = replace(first, text=first.text.lstrip(" "))
            pieces.append(tuple(piece))
    return pieces


def user_table(table: richtext.Table, styles: Styles, *, width: float) -> Flowable:
    """A table typed by a user: even columns, header row shaded and repeated on each page."""
    ncols = max(len(r) for r in table.rows)
    # columns share the width by how much they hold (a number column stays narrow)
    weights = [4.0] * ncols
    for row in table.rows:
        for c, cell in enumerate(row):
            weights[c] = max(weights[c], min(40.0, float(len(richtext.inline_plain(cell)))))
    col_ws = [width * w / sum(weights) for w in weights]
    rows: list[Row] = []
    for r, row in enumerate(table.rows):
        style = styles.cell_bold if table.header and r == 0 else styles.cell
        cells: Row = [[inline_para(piece, style) for piece in chunk_spans(c)] if c else []
                      for c in row]
        cells += [[] for _ in range(ncols - len(cells))]
        rows.append(cells)
    commands: list[tuple[Any, ...]] = [
        ("GRID", (0, 0), (-1, -1), 0.5, LIGHT_RULE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
    if table.header:
        commands.append(("BACKGROUND", (0, 0), (-1, 0), PANEL))
    return SplitTable(rows, col_ws, commands, header_rows=1 if table.header else 0)


# --------------------------------------------------------------------------- splitting


def _height(flowable: Flowable, width: float) -> float:
    _, h = flowable.wrap(width, 1e9)
    return h + flowable.getSpaceBefore() + flowable.getSpaceAfter()


def split_cell(cell: Cell, width: float, height: float) -> tuple[Cell, Cell]:
    """(what fits in ``height``, the rest) of one cell's flowables, splitting one if need be."""
    fit: Cell = []
    used = 0.0
    for i, flowable in enumerate(cell):
        h = _height(flowable, width)
        if used + h <= height:
            fit.append(flowable)
            used += h
            continue
        room = height - used - flowable.getSpaceBefore() - flowable.getSpaceAfter()
        parts = flowable.split(width, room) if room > 0 else []
        if len(parts) >= 2:
            fit.append(parts[0])
            return fit, list(parts[1:]) + list(cell[i + 1:])
        return fit, list(cell[i:])
    return fit, []


class SplitTable(Flowable):
    """A table of flowable cells that can break inside a row when the row is taller than the space left.

    ``commands`` is a TableStyle command list for the whole table; ``row_commands``
    builds extra commands for a logical row drawn at table row ``r`` (backgrounds
    that must follow the row onto the next page). Header rows repeat on each page.
    With less than ``min_room`` points left, a row starts on the next page rather
    than as a sliver at the foot of this one. ``sticky`` columns (the rating) are
    repeated whole on a continued row; ``lead_in`` flowables ("AFI 3, continued")
    open a column's continued text.
    """

    def __init__(self, rows: Sequence[Row], col_widths: Sequence[float],
                 commands: Sequence[tuple[Any, ...]], *, header_rows: int = 0,
                 row_commands: Callable[[int, int], list[tuple[Any, ...]]] | None = None,
                 row_ids: Sequence[int] | None = None, continued: bool = False,
                 padding: tuple[float, float, float, float] = (4, 4, 3, 3),
                 min_room: float = 36.0,
                 sticky: dict[int, Callable[[], Cell]] | None = None,
                 lead_in: dict[int, Callable[[], Cell]] | None = None) -> None:
        super().__init__()
        self.sticky = sticky or {}
        self.lead_in = lead_in or {}
        self.padding = padding
        self.min_room = min_room
        self.rows = [list(r) for r in rows]
        self.col_widths = list(col_widths)
        self.commands = list(commands)
        self.header_rows = header_rows
        self.row_commands = row_commands
        self.row_ids = list(row_ids) if row_ids is not None else list(range(len(self.rows)))
        self.continued = continued
        self._table: Table | None = None

    def _make(self, rows: Sequence[Row], ids: Sequence[int]) -> Table:
        left, right, top, bottom = self.padding
        commands = [("LEFTPADDING", (0, 0), (-1, -1), left), ("RIGHTPADDING", (0, 0), (-1, -1), right),
                    ("TOPPADDING", (0, 0), (-1, -1), top), ("BOTTOMPADDING", (0, 0), (-1, -1), bottom),
                    *self.commands]
        if self.row_commands:
            for r, logical in enumerate(ids):
                commands += self.row_commands(r, logical)
        table = Table([[c or "" for c in row] for row in rows], colWidths=self.col_widths,
                      style=TableStyle(commands), repeatRows=0)
        return table

    def _inner(self, col: int) -> float:
        return self.col_widths[col] - self.padding[0] - self.padding[1]

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        self._table = self._make(self.rows, self.row_ids)
        return self._table.wrap(availWidth, availHeight)

    def draw(self) -> None:
        assert self._table is not None
        self._table.drawOn(self.canv, 0, 0)

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803
        header = self.rows[: self.header_rows]
        header_ids = self.row_ids[: self.header_rows]
        body = self.rows[self.header_rows:]
        body_ids = self.row_ids[self.header_rows:]
        # measure rows exactly as Table will draw them, so the first piece fills the
        # space and the rest cannot start again in the same frame
        measured = self._make(self.rows, self.row_ids)
        measured.wrap(sum(self.col_widths), 1e9)
        heights = list(measured._rowHeights)  # noqa: SLF001 - Table's measured rows
        used = sum(heights[: self.header_rows])
        taken: list[Row] = []
        taken_ids: list[int] = []
        for n, row in enumerate(body):
            h = heights[self.header_rows + n]
            if used + h <= availHeight:
                taken.append(row)
                taken_ids.append(body_ids[n])
                used += h
                continue
            room = availHeight - used - self.padding[2] - self.padding[3] - 6  # 6pt slack for rounding in Table
            rest_rows = body[n + 1:]
            rest_ids = body_ids[n + 1:]
            if room >= self.min_room:
                pieces = [(cell, []) if c in self.sticky else
                          split_cell(cell, self._inner(c), room) for c, cell in enumerate(row)]
                if any(fit for c, (fit, _) in enumerate(pieces) if c not in self.sticky):
                    taken.append([fit for fit, _ in pieces])
                    taken_ids.append(body_ids[n])
                    if any(rest for rest in (r for _, r in pieces)):
                        # columns such as the rating repeat on the continuation
                        rest_row = [self.sticky[c]() if c in self.sticky
                                    else self.lead_in[c]() + rest if c in self.lead_in and rest
                                    else rest for c, (_, rest) in enumerate(pieces)]
                        rest_rows = [rest_row] + rest_rows
                        rest_ids = [body_ids[n]] + rest_ids
                else:
                    rest_rows = [row] + rest_rows
                    rest_ids = [body_ids[n]] + rest_ids
            else:
                rest_rows = [row] + rest_rows
                rest_ids = [body_ids[n]] + rest_ids
            if not taken:
                return []
            first = SplitTable(header + taken, self.col_widths, self.commands,
                               header_rows=self.header_rows, row_commands=self.row_commands,
                               row_ids=header_ids + taken_ids, continued=self.continued,
                               padding=self.padding, min_room=self.min_room,
                               sticky=self.sticky, lead_in=self.lead_in)
            if not rest_rows:
                return [first]
            second = SplitTable(header + rest_rows, self.col_widths, self.commands,
                                header_rows=self.header_rows, row_commands=self.row_commands,
                                row_ids=header_ids + rest_ids, continued=True,
                                padding=self.padding, min_room=self.min_room,
                               sticky=self.sticky, lead_in=self.lead_in)
            return [first, second]
        return [self]


class Panel(Flowable):
    """A shaded box with a rule down its left edge around flowables (the inspectorate's words).

    Drawn directly rather than as a one-cell Table, which re-measured and styled a
    whole table for every item of a report; it looks the same (same padding,
    shading and 2.5 pt rule) and splits across pages at exactly the space left.
    """

    def __init__(self, content: Cell, width: float, *, background: Any = PANEL,
                 border: Any = LIGHT_RULE, padding: tuple[float, float, float, float] = (9, 6, 6, 3),
                 continued: bool = False) -> None:
        super().__init__()
        self.content = list(content)
        self.width = width
        self.background, self.border, self.padding = background, border, padding
        self.continued = continued
        self.height = 0.0

    def _inner(self) -> float:
        return self.width - self.padding[0] - self.padding[1]

    def _content_height(self) -> float:
        """As a Table measures a cell: each flowable with its space, less the outer two."""
        inner = self._inner()
        total = 0.0
        for f in self.content:
            _, h = f.wrap(inner, 1e9)
            total += h + f.getSpaceBefore() + f.getSpaceAfter()
        if self.content:
            total -= self.content[0].getSpaceBefore() + self.content[-1].getSpaceAfter()
        return total

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        self.height = self._content_height() + self.padding[2] + self.padding[3]
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803
        room = availHeight - self.padding[2] - self.padding[3] - 6  # slack as SplitTable
        if room < 36:  # a sliver at the foot of a page: start on the next one
            return []
        fit, rest = split_cell(self.content, self._inner(), room)
        if not fit:
            return []
        if not rest:
            return [self]
        return [Panel(fit, self.width, background=self.background, border=self.border,
                      padding=self.padding, continued=self.continued),
                Panel(rest, self.width, background=self.background, border=self.border,
                      padding=self.padding, continued=True)]

    def draw(self) -> None:
        canv, h = self.canv, self.height
        left, _right, top, _bottom = self.padding
        canv.saveState()
        canv.setFillColor(self.background)
        canv.rect(0, 0, self.width, h, stroke=0, fill=1)
        inner = self._inner()
        y = h - top
        for n, f in enumerate(self.content):
            _, fh = f.wrap(inner, 1e9)  # cached for paragraphs
            if n:
                y -= f.getSpaceBefore()
            y -= fh
            f.drawOn(canv, left, y)
            y -= f.getSpaceAfter()
        canv.setLineCap(1)
        canv.setLineJoin(1)
        canv.setStrokeColor(self.border)
        canv.setLineWidth(2.5)
        canv.line(0, 0, 0, h)
        canv.restoreState()


def panel(flowables: list[Flowable], width: float, *, background: Any = PANEL,
          border: Any = LIGHT_RULE) -> Panel:
    """A shaded box around flowables (the inspectorate's words), splittable across pages."""
    return Panel(flowables, width, background=background, border=border)


__all__ = ["Gap", "Keep", "NeedRoom", "Panel", "Para", "SplitTable", "document", "escape", "inline_markup", "inline_para", "panel", "para",
           "split_cell", "user_table", "Span"]


class ShrinkToFit(Flowable):
    """Flowables drawn a little smaller (down to ``min_scale``) when that keeps them all on
    the page they start on; split across pages as usual when they would need more.

    The PEEL summary (its key, then the matrix) of a short list just overran page 1 by a
    row or two, leaving a near-empty page 2 before the per-AFI tables (issue 19). Shrunk
    by a tenth, it stays whole; a long matrix still runs on at full size.
    """

    def __init__(self, content: list[Flowable], min_scale: float = 0.8) -> None:
        super().__init__()
        self.content = content
        self.min_scale = min_scale
        self._scale = 1.0
        self._heights: list[float] = []
        self._natural = 0.0
        self._width = 0.0

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        self._width = aw
        self._heights = [f.wrap(aw, 1e7)[1] for f in self.content]
        self._natural = sum(self._heights)
        if self._natural <= ah:
            self._scale = 1.0
        elif self._natural * self.min_scale <= ah:
            self._scale = ah / self._natural
        else:
            self._scale = 0.0  # too tall even shrunk: split() hands the pieces back
            return aw, self._natural
        return aw, self._natural * self._scale

    def split(self, aw: float, ah: float) -> list[Flowable]:
        self.wrap(aw, ah)
        return [] if self._scale else list(self.content)

    def draw(self) -> None:
        canv = self.canv
        canv.saveState()
        canv.scale(self._scale, self._scale)
        y = self._natural
        for flowable, height in zip(self.content, self._heights, strict=True):
            y -= height
            flowable.wrap(self._width, 1e7)
            flowable.drawOn(canv, 0, y)
        canv.restoreState()
