"""Both Appendix 1 reports as Word documents (.docx), for a board secretary to edit.

``build_word(store, ReportOptions(...), "out.docx")`` resolves the options exactly as
the PDF does (:func:`.options.resolve`) and prints the same content, decided in
:mod:`.content`: :mod:`.word_recommendations` writes report 1, :mod:`.word_peel`
report 2. This module holds what both share: the page (size, orientation, margins),
the styles (Arial, which every Windows PC has; headings as Word's own "Heading 1/2"
so the navigation pane and a table of contents work), the protective marking in the
header and footer of every page, "Page x of y" as fields, and rich text as real Word
paragraphs, lists (List Bullet / List Number) and tables.

The XML python-docx lacks is written in :mod:`.docx_xml` only. The file is written to
a temporary name and renamed (:func:`ragdesk.files.write_atomically`).
"""

from __future__ import annotations

import os
from typing import IO

import docx
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.table import CT_Tbl
from docx.shared import Emu, Mm, Pt, RGBColor
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from ragdesk import richtext
from ragdesk.files import write_atomically
from ragdesk.storage import Storage

from . import content, docx_xml
from .options import Cancelled, Progress, ReportOptions, Resolved, Ticker, resolve

FONT = "Arial"  # on every Windows PC; LibreOffice substitutes the metric-twin Liberation Sans
BODY_PT = 10
MARGIN_MM, BOTTOM_MM = 17, 22  # as the PDF



def colour(value: str | None, default: str = content.INK) -> RGBColor:
    """An RGBColor from a stored "#RRGGBB"; a bad value gives ``default`` rather than a crash."""
    for candidate in (value, default):
        text = (candidate or "").lstrip("#")
        if len(text) == 6:
            try:
                return RGBColor.from_string(text.upper())
            except ValueError:
                continue
    return RGBColor(0x1A, 0x1A, 0x1A)


def fill(value: str | None, default: str = "#FFFFFF") -> str:
    """A stored colour as "#RRGGBB" for cell shading, or ``default`` when it is not one."""
    text = (value or "").lstrip("#")
    if len(text) == 6 and all(c in "0123456789abcdefABCDEF" for c in text):
        return "#" + text
    return default


def cells_by_row(table: Table) -> list[list[_Cell]]:
    """The cells of a table without merged cells, row by row, read once.

    python-docx's ``table.cell(r, c)`` and ``column.cells`` rebuild the whole grid on
    every call: a 1,000-row matrix took minutes filled that way.
    """
    return [[_Cell(tc, table) for tc in tr.tc_lst] for tr in table._tbl.tr_lst]


class Flow:
    """Where the next block goes: the document body or one table cell.

    A new cell already holds one empty paragraph (Word needs one), and so does the
    body when a report starts; the first block uses it rather than leaving a blank line.

    In the body, blocks go after the last one written (``_cursor``): python-docx's own
    ``add_paragraph``/``add_table`` look for the body's section properties from the start
    each time, which made a 2,000-item report take minutes (quadratic). Styles are set by
    id for the same reason (a lookup by name reads every style of the document).
    """

    def __init__(self, report: WordReport, container: object, width: int, *,
                 first: Paragraph | None = None) -> None:
        self.report = report
        self.container = container  # docx Document or _Cell
        self.width = width  # EMU available for tables
        self._fresh = isinstance(container, _Cell) or first is not None
        self._first = first if first is not None else (
            container.paragraphs[0] if isinstance(container, _Cell) else None)
        self._cursor = first._p if first is not None else None  # body only

    def _new_paragraph(self) -> Paragraph:
        if self._fresh:
            self._fresh = False
            assert self._first is not None
            return self._first
        if self._cursor is not None:
            element = OxmlElement("w:p")
            self._cursor.addnext(element)
            self._cursor = element
            return Paragraph(element, self.report.doc._body)
        return self.container.add_paragraph()  # type: ignore[attr-defined]

    def paragraph(self, text: str = "", style: str | None = None, *, bold: bool = False,
                  italic: bool = False, size: float | None = None,
                  ink: RGBColor | None = None) -> Paragraph:
        p = self._new_paragraph()
        if style:
            p._p.style = self.report.style_id(style)
        if text:
            run = p.add_run(docx_xml.xml_text(text))
            run.bold, run.italic = bold or None, italic or None
            if size:
                run.font.size = Pt(size)
            if ink is not None:
                run.font.color.rgb = ink
        return p

    def table(self, rows: int, cols: int, widths: list[int]) -> Table:
        """A grid-ruled table with fixed column widths (EMU), as wide as ``widths`` add up to."""
        fresh, self._fresh = self._fresh, False
        if self._cursor is not None:  # the body
            element = CT_Tbl.new_tbl(rows, cols, Emu(sum(widths)))
            self._cursor.addnext(element)
            if fresh and self._first is not None:  # nothing above the table
                self._cursor.getparent().remove(self._cursor)
            self._cursor = element
            table = Table(element, self.report.doc._body)
        else:
            table = self.container.add_table(rows=rows, cols=cols)  # type: ignore[attr-defined]
            if fresh and self._first is not None:  # the cell's empty paragraph above it
                self._first._p.getparent().remove(self._first._p)
        self.report.format_table(table, widths)
        return table

    def note(self, text: str) -> Paragraph:
        """A grey italic remark ("No update recorded for Jun 2024.")."""
        return self.paragraph(text, italic=True, ink=colour(content.RULE))

    def label(self, text: str) -> Paragraph:
        """A bold label kept with what follows ("Intent and Implementation")."""
        p = self.paragraph(text, bold=True)
        p.paragraph_format.keep_with_next = True
        p.paragraph_format.space_after = Pt(2)
        return p

    def rich(self, doc: richtext.Document, *, panel: bool = False, size: float | None = None,
             style: str | None = None) -> None:
        """A stored rich-text document as Word paragraphs, lists and tables.

        ``panel`` shades each paragraph with a rule down its left edge: the
        inspectorate's words, as the PDF's shaded panel.
        """
        report = self.report
        for block in doc:
            if isinstance(block, richtext.Paragraph):
                p = self.paragraph(style=style)
                report.inline(p, block.spans, size=size)
                if panel:
                    docx_xml.shade_paragraph(p, content.PANEL, left_rule=content.LIGHT_RULE)
            elif isinstance(block, richtext.ListBlock):
                list_style = "List Number" if block.ordered else "List Bullet"
                num_id = None
                for spans in block.items:
                    p = self.paragraph(style=list_style)
                    if block.ordered:
                        num_id = num_id or docx_xml.restarted_list(p, report.lists)
                        docx_xml.set_list(p, num_id)
                    report.inline(p, spans, size=size)
                    p.paragraph_format.space_after = Pt(2)
                    if panel:
                        docx_xml.shade_paragraph(p, content.PANEL, left_rule=content.LIGHT_RULE)
                if not panel:
                    p.paragraph_format.space_after = Pt(6)
            else:
                self.user_table(block, size=size)

    def user_table(self, block: richtext.Table, *, size: float | None) -> None:
        """A table typed by a user: columns share the width by content, header shaded."""
        ncols = max(len(r) for r in block.rows)
        weights = [4.0] * ncols
        for row in block.rows:
            for c, cell in enumerate(row):
                weights[c] = max(weights[c], min(40.0, float(len(richtext.inline_plain(cell)))))
        widths = [int(self.width * w / sum(weights)) for w in weights]
        table = self.table(len(block.rows), ncols, widths)
        for r, row in enumerate(block.rows):
            header = block.header and r == 0
            for c in range(ncols):
                cell_ = table.cell(r, c)
                p = cell_.paragraphs[0]
                p.paragraph_format.space_after = Pt(0)
                if c < len(row):
                    self.report.inline(p, row[c], size=size, bold=header)
                if header:
                    docx_xml.shade_cell(cell_, content.PANEL)
            if header:
                docx_xml.repeat_header(table.rows[r])
        if isinstance(self.container, _Cell):
            return  # python-docx put the paragraph a cell must end with after the table
        self.spacer()

    def spacer(self, points: float = 4) -> Paragraph:
        """A small empty paragraph: space after a table, and two tables never touch
        (Word joins adjacent tables into one when the document is edited)."""
        p = self.paragraph()
        fmt = p.paragraph_format
        fmt.space_before, fmt.space_after, fmt.line_spacing = Pt(0), Pt(0), Pt(points)
        return p


class WordReport:
    """One Word document being written: its page, styles and page furniture."""

    def __init__(self, resolved: Resolved, *, wide: bool, title: str) -> None:
        self.resolved = resolved
        self.doc = docx.Document()
        section = self.doc.sections[0]
        short, long = (Mm(215.9), Mm(279.4)) if resolved.paper == "Letter" else (Mm(210), Mm(297))
        section.orientation = WD_ORIENT.LANDSCAPE if wide else WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = (long, short) if wide else (short, long)
        section.left_margin = section.right_margin = section.top_margin = Mm(MARGIN_MM)
        section.bottom_margin = Mm(BOTTOM_MM)
        section.header_distance, section.footer_distance = Mm(7), Mm(6)
        self.text_width = int(section.page_width - section.left_margin - section.right_margin)
        self._styles()
        self._furniture()
        props = self.doc.core_properties
        props.title = docx_xml.xml_text(title)[:255]
        props.author = docx_xml.xml_text(resolved.document_owner or "ragdesk")[:255]
        props.subject = docx_xml.xml_text(resolved.marking or "")
        props.category = docx_xml.xml_text(resolved.marking or "")
        props.comments = "Written by ragdesk"
        props.keywords = content.APPENDIX
        self.body = Flow(self, self.doc, self.text_width, first=self.doc.add_paragraph())

    lists: dict[str, int]  # docx_xml.restarted_list's cache for this document

    def style_id(self, name: str) -> str:
        return self._style_ids[name]

    # -- set-up
    def _styles(self) -> None:
        styles = self.doc.styles
        self._style_ids = {s.name: s.style_id for s in styles}
        self.lists = {}
        docx_xml.default_font(self.doc, FONT, BODY_PT * 2)
        ink = colour(content.INK)
        normal = styles["Normal"]
        normal.font.size = Pt(BODY_PT)
        normal.font.color.rgb = ink
        normal.paragraph_format.space_after = Pt(5)
        normal.paragraph_format.line_spacing = 1.1
        for name, size, before, after in (("Heading 1", 15, 0, 8), ("Heading 2", 13, 12, 4),
                                          ("Title", 16, 0, 8)):
            style = styles[name]
            docx_xml.style_font(style, FONT)
            style.font.size = Pt(size)
            style.font.bold = True
            style.font.color.rgb = colour(content.NAVY)
            style.paragraph_format.space_before = Pt(before)
            style.paragraph_format.space_after = Pt(after)
        names = {s.name for s in styles}
        for name in ("List Bullet", "List Number", "Header", "Footer", "Heading 1 Char",
                     "Heading 2 Char", "Title Char"):
            if name in names:
                docx_xml.style_font(styles[name], FONT)
        for name in ("Header", "Footer"):  # the template's Letter-width tabs: ours are set below
            styles[name].paragraph_format.tab_stops.clear_all()

    def _furniture(self) -> None:
        """Marking at the top and bottom of every page; owner, date and "Page x of y" above it."""
        resolved = self.resolved
        section = self.doc.sections[0]
        navy = colour(content.NAVY)
        marking = docx_xml.xml_text(resolved.marking or "")
        head = section.header.paragraphs[0]
        head.alignment = WD_ALIGN_PARAGRAPH.CENTER
        if marking:
            run = head.add_run(marking)
            run.bold, run.font.size, run.font.color.rgb = True, Pt(10), navy
        foot = section.footer.paragraphs[0]
        docx_xml.rule_above(foot, content.RULE)
        foot.paragraph_format.tab_stops.add_tab_stop(Emu(self.text_width), WD_TAB_ALIGNMENT.RIGHT)
        grey = colour(content.RULE)
        left = foot.add_run(docx_xml.xml_text(content.furniture_left(resolved)) + "\t")
        left.font.size, left.font.color.rgb = Pt(7.5), grey
        before = len(foot.runs)
        for piece in ("Page ", ("PAGE", "1"), " of ", ("NUMPAGES", "1")):
            if isinstance(piece, tuple):
                docx_xml.add_field(foot, *piece)
            else:
                foot.add_run(piece)
        for run in foot.runs[before:]:  # every run of a field too: readers format by its start
            run.bold, run.font.size, run.font.color.rgb = True, Pt(7.5), grey
        if marking:
            mark = section.footer.add_paragraph()
            mark.alignment = WD_ALIGN_PARAGRAPH.CENTER
            mark.paragraph_format.space_before = Pt(4)
            run = mark.add_run(marking)
            run.bold, run.font.size, run.font.color.rgb = True, Pt(10), navy

    # -- building blocks
    def inline(self, paragraph: Paragraph, spans: richtext.Inline, *, size: float | None = None,
               bold: bool = False) -> None:
        """Rich-text spans as runs (bold, italic) and clickable links."""
        for span in spans:
            if span.href:
                docx_xml.add_hyperlink(paragraph, span.href, span.text, colour=content.LINK,
                                       bold=span.bold or bold, italic=span.italic)
                continue
            run = paragraph.add_run(docx_xml.xml_text(span.text))
            run.bold = (span.bold or bold) or None
            run.italic = span.italic or None
            if size:
                run.font.size = Pt(size)

    def format_table(self, table: Table, widths: list[int]) -> None:
        table._tbl.tblPr.style = self.style_id("Table Grid")
        table.alignment = WD_TABLE_ALIGNMENT.LEFT
        table.autofit = False
        docx_xml.table_borders(table, content.RULE)
        docx_xml.cell_margins(table)
        for n, width in enumerate(widths):
            table.columns[n].width = Emu(width)
        for row in cells_by_row(table):
            for cell, width in zip(row, widths, strict=True):
                cell.width = Emu(width)

    def flow(self, cell: _Cell, width: int) -> Flow:
        """Write into a table cell ``width`` EMU wide (less its padding)."""
        return Flow(self, cell, max(int(Mm(20)), width - int(Pt(8))))

    def page_break(self) -> None:
        self.body.paragraph().add_run().add_break(WD_BREAK.PAGE)

    def rating_cell(self, cell: _Cell, text: str, rating_fill: str, ink: str | None, *,
                    size: float = 9) -> Paragraph:
        """A cell filled with a rating's colour holding its word or letter (never colour alone)."""
        docx_xml.shade_cell(cell, rating_fill)
        p = cell.paragraphs[0]
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.space_after = Pt(0)
        run = p.add_run(docx_xml.xml_text(text))
        run.bold, run.font.size, run.font.color.rgb = True, Pt(size), colour(ink)
        return p

    def save(self, out: str | os.PathLike[str] | IO[bytes]) -> None:
        if hasattr(out, "write"):
            self.doc.save(out)  # type: ignore[arg-type]
            return
        write_atomically(out, self.doc.save, what="the report")


def build_word(store: Storage, options: ReportOptions, out: str | os.PathLike[str] | IO[bytes], *,
               progress: Progress | None = None, cancelled: Cancelled | None = None) -> Resolved:
    """Write the report ``options`` describe to ``out`` as a Word document; return what was printed.

    Raises :class:`.options.ReportError` (nothing to print...), :class:`ReportCancelled`,
    or :class:`ragdesk.errors.ExportFailed` when the file cannot be written; a path
    target is only replaced when the document is complete.
    """
    from . import word_front, word_peel, word_recommendations

    resolved = resolve(store, options)
    ticker = Ticker(len(resolved.items) + 1, progress, cancelled)
    check, tick = ticker.check, ticker.tick

    check()
    if options.kind == "peel":
        report = WordReport(resolved, wide=True, title=f"{content.PEEL_TITLE} – {resolved.meeting}")
        word_front.write(store, resolved, report)
        word_peel.write(store, resolved, report, tick)
    else:
        names = "; ".join(i.title for i in resolved.inspections)
        report = WordReport(resolved, wide=False,
                            title=f"{content.RECOMMENDATIONS_TITLE} – {names}")
        word_front.write(store, resolved, report)
        word_recommendations.write(store, resolved, report, tick)
    check()
    report.save(out)
    tick()
    return resolved
