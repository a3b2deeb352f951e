"""The front of a Word report for a board: the summary page and "Changes since PERIOD".

The same front matter as the PDF's (:mod:`.summary`), from the same content
(:mod:`.front`): "Summary" with a bar per period (a one-row table of shaded cells,
each wide as its count and lettered "A 5", so it reads on a grey printer), the counts
per rating per period as a table whose rating columns are headed by the rating's word
on its colour, the overdue and proposed-for-closure lists; then "Changes since P":
each item whose rating moved, before → after (each a shaded cell holding the word),
with its status note. Each part ends with a page break before the report.
"""

from __future__ import annotations

from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt
from docx.table import _Cell

from ragdesk.domain import Rating
from ragdesk.overview import ListedItem
from ragdesk.storage import Storage

from . import content, docx_xml, front
from .options import Resolved
from .word import WordReport, cells_by_row, colour, fill

GREY = "#D0D0D0"  # "not rated", as the PDF's chart


def write(store: Storage, resolved: Resolved, report: WordReport) -> None:
    """The parts the options ask for, each followed by a page break (else nothing)."""
    options = resolved.options
    if options.summary:
        summary_page(report, front.summary(store, resolved))
        report.page_break()
    if options.changes_since is not None:
        changes_section(report, front.changes_since(store, resolved, options.changes_since))
        report.page_break()


def _text(cell: _Cell, text: str, *, bold: bool = False, centre: bool = False,
          size: float = 9) -> None:
    p = cell.paragraphs[0]
    p.paragraph_format.space_after = Pt(0)
    if centre:
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = p.add_run(docx_xml.xml_text(text))
    run.bold, run.font.size = bold or None, Pt(size)
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER


def _head(cells: list[_Cell], titles: list[str]) -> None:
    for cell, title in zip(cells, titles, strict=True):
        docx_xml.shade_cell(cell, content.HEADER_FILL)
        _text(cell, title, bold=True)


def _rating(report: WordReport, cell: _Cell, code: str | None, ratings: list[Rating],
            text: str | None = None) -> None:
    """A cell with a rating's word (or ``text``) on its colour; "–" when there is none."""
    rating = next((r for r in ratings if r.code == code), None)
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    if rating is None:
        _text(cell, text or code or "–", bold=True, centre=True)
        return
    report.rating_cell(cell, text or rating.code, fill(rating.colour), rating.text_colour)


def summary_page(report: WordReport, data: front.Summary) -> None:
    body = report.body
    body.paragraph("Summary", "Heading 1")
    body.paragraph(f"{data.title} · {data.item_count} items · as at {data.as_at}")
    if data.rows:
        body.paragraph("Ratings per reporting period", bold=True, size=12) \
            .paragraph_format.keep_with_next = True
        _bars(report, data)
        _counts(report, data)
    else:
        body.note(front.NO_RATINGS)
    for title, rows, empty in ((f"Overdue ({len(data.overdue)})", data.overdue, front.NO_OVERDUE),
                               (f"Proposed for closure ({len(data.proposed)})", data.proposed,
                                front.NO_PROPOSED)):
        body.paragraph(title, "Heading 2").paragraph_format.keep_with_next = True
        if rows:
            _listing(report, rows, data.ratings)
        else:
            body.note(empty)


def _bars(report: WordReport, data: front.Summary) -> None:
    """Per period, a bar of shaded cells as wide as each rating's count, lettered "A 5"."""
    label_w = int(Mm(24))
    span = report.text_width - label_w
    top = max(sum(counts.get(code, 0) for code in data.codes) for _, counts in data.rows)
    by_code = {r.code: r for r in data.used}
    for label, counts in data.rows:
        parts = [(code, counts.get(code, 0)) for code in data.codes if counts.get(code, 0)]
        widths = [max(int(Mm(12)), span * n // max(1, top)) for _, n in parts]
        if sum(widths) > span:  # small segments widened to hold "A 1": never past the margin
            widths = [w * span // sum(widths) for w in widths]
        table = report.body.table(1, 1 + len(parts), [label_w, *widths])
        docx_xml.table_borders(table, None)
        cells = cells_by_row(table)[0]
        _text(cells[0], label, bold=True)
        for cell, (code, n) in zip(cells[1:], parts, strict=True):
            rating = by_code.get(code)
            if rating is None:  # not rated
                report.rating_cell(cell, f"– {n}", GREY, content.INK, size=8)
            else:
                report.rating_cell(cell, f"{rating.letter} {n}", fill(rating.colour, GREY),
                                   rating.text_colour, size=8)
            docx_xml.cell_borders(cell, "#FFFFFF")
        report.body.spacer(2)
    key = "   ".join(f"{r.letter} = {r.code}" for r in data.used)
    if data.show_none:
        key += f"   – = {front.NOT_RATED}"
    report.body.paragraph(key, size=8, ink=colour(content.RULE))


def _counts(report: WordReport, data: front.Summary) -> None:
    codes = data.codes
    first = int(Mm(34))
    rest = (report.text_width - first) // (len(codes) + 1)
    table = report.body.table(len(data.rows) + 1, len(codes) + 2,
                              [first] + [rest] * (len(codes) + 1))
    grid = cells_by_row(table)
    docx_xml.repeat_header(table.rows[0])
    _head([grid[0][0], grid[0][-1]], ["Period", "Total"])
    for c, code in enumerate(codes, start=1):
        _rating(report, grid[0][c], code, data.used, data.heading(code))
    for r, (label, counts) in enumerate(data.rows, start=1):
        _text(grid[r][0], label)
        for c, code in enumerate(codes, start=1):
            _text(grid[r][c], str(counts.get(code, 0)), centre=True)
        _text(grid[r][-1], str(sum(counts.get(code, 0) for code in codes)), centre=True)
    report.body.spacer(6)


def _listing(report: WordReport, rows: list[ListedItem], ratings: list[Rating]) -> None:
    widths = [int(Mm(20)), 0, int(Mm(20)), int(Mm(32)), int(Mm(32))]
    widths[1] = report.text_width - sum(widths)
    table = report.body.table(len(rows) + 1, 5, widths)
    grid = cells_by_row(table)
    docx_xml.repeat_header(table.rows[0])
    _head(grid[0], ["Item", "About", "RAG", "Deadline", "Lead"])
    for r, row in enumerate(rows, start=1):
        cells = grid[r]
        _text(cells[0], row.label, bold=True)
        _text(cells[1], row.title)
        _rating(report, cells[2], row.rag, ratings)
        _text(cells[3], row.deadline or "–")
        _text(cells[4], row.lead or "–")
    report.body.spacer(6)


def changes_section(report: WordReport, data: front.ChangesSince) -> None:
    body = report.body
    body.paragraph(f"Changes since {data.since.label}", "Heading 1")
    body.paragraph(front.moved_line(data))
    if not data.moved:
        body.note(front.nothing_moved(data))
        return
    widths = [int(Mm(28)), int(Mm(22)), int(Mm(8)), int(Mm(22)), 0]
    widths[-1] = report.text_width - sum(widths)
    table = report.body.table(len(data.moved) + 1, 5, widths)
    grid = cells_by_row(table)
    docx_xml.repeat_header(table.rows[0])
    _head(grid[0], ["Item", data.since.label, "", data.current.label, "Status note"])
    for r, change in enumerate(data.moved, start=1):
        cells = grid[r]
        _text(cells[0], change.label, bold=True)
        if data.several_inspections:
            p = cells[0].add_paragraph()
            p.paragraph_format.space_after = Pt(0)
            p.add_run(docx_xml.xml_text(change.inspection[:60])).font.size = Pt(7)
        _rating(report, cells[1], change.rag_before, data.ratings)
        _text(cells[2], "→", centre=True)
        _rating(report, cells[3], change.rag_after, data.ratings)
        _text(cells[4], data.note(change))
    body.spacer(4)
    body.paragraph(f"Ratings: {data.key}", size=8, ink=colour(content.RULE))
