"""Report 2 (seed 004) in Word: the landscape "PEEL AFI Performance Update".

As the PDF (:mod:`.peel`): a title block, the summary matrix (AFI | Area | one shaded,
lettered cell per period | DoT; two halves side by side when short; further matrices
for earlier periods when they do not fit) under its key, then one table per AFI: Area |
RAG / DoT | Update, the update under "Intent and Implementation" and "Impact". Each
AFI's first line in its Update cell is in Word's Heading 2 style, so the navigation
pane lists the AFIs.
"""

from __future__ import annotations

from collections.abc import Callable

from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt
from docx.table import _Cell

from ragdesk import richtext
from ragdesk.domain import Assessment, Dot, Item, Period, Rating
from ragdesk.storage import Storage

from . import content, docx_xml
from .options import Resolved
from .word import WordReport, cells_by_row, colour, fill

NOT_RATED = "Not rated"


def _emu(points: float) -> int:
    return int(Pt(points))


class _Scale:
    """Ratings by code: a cell's fill, ink and word or letter."""

    def __init__(self, ratings: list[Rating]) -> None:
        self.by_code = {r.code: r for r in ratings}

    def put(self, report: WordReport, cell: _Cell, code: str | None, *, word: bool,
            draft: bool = False, size: float = 9) -> None:
        rating = self.by_code.get(code or "")
        if rating is None:
            p = cell.paragraphs[0]
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            p.paragraph_format.space_after = Pt(0)
            p.add_run(docx_xml.xml_text(code) if code else "–").bold = True
            return
        text = rating.code if word else rating.letter
        if draft:
            text += " (draft)" if word else "*"
        report.rating_cell(cell, text, fill(rating.colour), rating.text_colour, size=size)


def header(report: WordReport, resolved: Resolved) -> None:
    """Title and meeting on the left; "Appendix 1", owner and team on the right; a navy rule."""
    width = report.text_width
    table = report.body.table(1, 2, [int(width * 0.65), width - int(width * 0.65)])
    docx_xml.table_borders(table, None, bottom_only=content.NAVY)
    docx_xml.cell_margins(table, left=0, right=0, bottom=120)
    left = report.flow(table.cell(0, 0), int(width * 0.65))
    left.paragraph(content.PEEL_TITLE, "Heading 1").paragraph_format.space_after = Pt(2)
    if resolved.meeting:
        left.paragraph(f"For {resolved.meeting}", bold=True, size=11)
    right = report.flow(table.cell(0, 1), width - int(width * 0.65))
    lines = [right.paragraph(content.APPENDIX, bold=True, size=12)]
    if resolved.document_owner:
        p = right.paragraph("Document Owner: ")
        p.add_run(docx_xml.xml_text(resolved.document_owner)).bold = True
        lines.append(p)
    if resolved.team:
        lines.append(right.paragraph(resolved.team))
    for p in lines:
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        p.paragraph_format.space_after = Pt(1)
    line = report.body.paragraph(content.inspection_line(resolved), size=8)
    line.paragraph_format.space_before, line.paragraph_format.space_after = Pt(3), Pt(6)


def _area_text(report: WordReport, cell: _Cell, item: Item, status: str, size: float) -> None:
    p = cell.paragraphs[0]
    p.paragraph_format.space_after = Pt(0)
    report.inline(p, content.item_spans(item, status), size=size)


def matrix(store: Storage, resolved: Resolved, report: WordReport, scale: _Scale,
           statuses: dict[str, str]) -> None:
    """The key, then the summary matrix (or matrices, latest periods first).

    The key goes above the matrix, as the PDF's (issue 19): below it, a matrix that
    filled the first page left the key alone on the next one.
    """
    body = report.body
    width_pt = report.text_width / 12700
    grid = store.rag_grid()
    dots = store.directions(resolved.current.id)
    groups = content.period_groups(resolved.periods, width_pt)
    drafts = any(rag is not None and draft for rag, draft in
                 (grid.get((item.id, period.id), (None, False))
                  for item in resolved.items for period in resolved.periods))
    key(report, scale, drafts=drafts)
    for n, periods in enumerate(groups):
        if n == 0 and len(groups) > 1:
            body.note(content.groups_note(groups, len(resolved.periods)))
        elif n > 0:
            p = body.paragraph(f"Earlier periods: {content.span_label(periods)}", bold=True, size=11)
            p.paragraph_format.keep_with_next = True
            p.paragraph_format.space_before = Pt(8)
        _matrix_table(resolved, report, scale, statuses, grid, dots, periods, dot=n == 0)
        body.spacer(6)


def _matrix_table(resolved: Resolved, report: WordReport, scale: _Scale,
                  statuses: dict[str, str], grid: dict[tuple[int, int], tuple[str | None, bool]],
                  dots: dict[int, Dot | None], periods: list[Period], *, dot: bool) -> bool:
    """One matrix over ``periods``; whether it shows a draft."""
    items = resolved.items
    n_rag = len(periods)
    width_pt = report.text_width / 12700
    two = content.two_halves(len(items), n_rag, width_pt, dot=dot)
    fixed = content.AFI_W + n_rag * content.PERIOD_W + (content.DOT_W if dot else 0)
    half_pt = (width_pt - content.HALVES_GAP) / 2 if two else width_pt
    area = max(content.AREA_MIN, half_pt - fixed)
    widths_pt = [content.AFI_W, area] + [content.PERIOD_W] * n_rag + ([content.DOT_W] if dot else [])
    ncol = len(widths_pt)
    if two:
        half = (len(items) + 1) // 2
        columns = [*widths_pt, content.HALVES_GAP, *widths_pt]
        halves = [items[:half], items[half:]]
    else:
        half = len(items)
        columns = widths_pt
        halves = [items]
    table = report.body.table(half + 1, len(columns), [_emu(w) for w in columns])
    cells_of = cells_by_row(table)
    docx_xml.cell_margins(table, top=30, bottom=30, left=50, right=50)
    docx_xml.repeat_header(table.rows[0])
    drafts = False
    for h, rows in enumerate(halves):
        offset = h * (ncol + 1)
        heads = ["AFI", "Area"] + [p.label for p in periods] + (["DoT"] if dot else [])
        for c, text in enumerate(heads):
            cell = cells_of[0][offset + c]
            docx_xml.shade_cell(cell, content.HEADER_FILL)
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            p = cell.paragraphs[0]
            p.paragraph_format.space_after = Pt(0)
            if c >= 2:
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
                text = text.replace(" ", "\n", 1)  # "Jun\n2024", as the PDF
            run = p.add_run(docx_xml.xml_text(text))
            run.bold, run.font.size = True, Pt(8.5)
        for r, item in enumerate(rows, start=1):
            cells = cells_of[r][offset:offset + ncol]
            for cell in cells:
                cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            number = cells[0].paragraphs[0]
            number.alignment = WD_ALIGN_PARAGRAPH.CENTER
            number.paragraph_format.space_after = Pt(0)
            run = number.add_run(docx_xml.xml_text(item.number))
            run.bold, run.font.size = True, Pt(9)
            _area_text(report, cells[1], item, content.status_words(statuses, item.status), 7.5)
            for c, period in enumerate(periods):
                rag, draft = grid.get((item.id, period.id), (None, False))
                drafts = drafts or (draft and rag is not None)
                scale.put(report, cells[2 + c], rag, word=False, draft=draft)
            if dot:
                direction = dots.get(item.id)
                p = cells[-1].paragraphs[0]
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
                p.paragraph_format.space_after = Pt(0)
                run = p.add_run(direction.value if direction else "")
                run.bold, run.font.size = True, Pt(14)
        if two and len(rows) < half:  # the right half's last row is empty: no box round it
            for c in range(ncol):
                docx_xml.cell_borders(cells_of[half][offset + c], None)
    if two:  # the gap between the halves has no lines
        for r in range(half + 1):
            docx_xml.cell_borders(cells_of[r][ncol], None)
    return drafts


def key(report: WordReport, scale: _Scale, *, drafts: bool) -> None:
    """One line explaining the letters and the direction-of-travel signs."""
    ratings = list(scale.by_code.values())
    chip, name = int(Mm(7)), int(Mm(20))
    rest = max(int(Mm(60)), report.text_width - len(ratings) * (chip + name))
    table = report.body.table(1, 2 * len(ratings) + 1, [chip, name] * len(ratings) + [rest])
    docx_xml.table_borders(table, None)
    for i, rating in enumerate(ratings):
        cell = table.cell(0, 2 * i)
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        scale.put(report, cell, rating.code, word=False, size=8)
        docx_xml.cell_borders(cell, content.RULE)
        p = table.cell(0, 2 * i + 1).paragraphs[0]
        p.paragraph_format.space_after = Pt(0)
        p.add_run(docx_xml.xml_text(rating.label)).font.size = Pt(8)
    note = content.DOT_KEY + (". " + content.DRAFT_KEY if drafts else "")
    p = table.cell(0, len(table.columns) - 1).paragraphs[0]
    p.paragraph_format.space_after = Pt(0)
    p.add_run(note).font.size = Pt(8)
    for cell in table.rows[0].cells:  # the key stays with the matrix it explains
        for paragraph in cell.paragraphs:
            paragraph.paragraph_format.keep_with_next = True
    report.body.spacer(4).paragraph_format.keep_with_next = True


def afi_table(report: WordReport, resolved: Resolved, item: Item, assessment: Assessment | None,
              scale: _Scale, statuses: dict[str, str], dot: str) -> None:
    area_w, rag_w = _emu(content.AFI_AREA_W), _emu(content.AFI_RAG_W)
    update_w = report.text_width - area_w - rag_w
    table = report.body.table(2, 3, [area_w, rag_w, update_w])
    docx_xml.cell_margins(table, top=80, bottom=60, left=100, right=100)
    docx_xml.repeat_header(table.rows[0])
    for c, text in enumerate(("Area", "RAG / DoT", "Update")):
        cell = table.cell(0, c)
        docx_xml.shade_cell(cell, content.HEADER_FILL)
        p = cell.paragraphs[0]
        p.paragraph_format.space_after = Pt(0)
        p.paragraph_format.keep_with_next = True
        if c == 1:
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.add_run(text).bold = True

    area = report.flow(table.cell(1, 0), area_w)
    owner = content.owner_line(item)
    if owner:
        area.paragraph(owner, bold=True, size=9)
    area.rich(richtext.parse(item.dashboard), size=9)
    if assessment and assessment.status_note.strip():
        area.rich(richtext.from_plain(assessment.status_note.strip()), size=9)

    code = assessment.rag if assessment else None
    draft = bool(assessment and assessment.draft)
    rag_cell = table.cell(1, 1)
    rag_cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    if code in scale.by_code:
        scale.put(report, rag_cell, code, word=True, draft=draft)
    else:
        p = rag_cell.paragraphs[0]
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.add_run(docx_xml.xml_text(code) if code else NOT_RATED).bold = True
    sign = rag_cell.add_paragraph()
    sign.alignment = WD_ALIGN_PARAGRAPH.CENTER
    sign.paragraph_format.space_before = Pt(6)
    sign.paragraph_format.space_after = Pt(0)
    run = sign.add_run(dot or " ")
    run.bold, run.font.size = True, Pt(18)
    label = rag_cell.add_paragraph()
    label.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = label.add_run("DoT")
    run.bold, run.font.size = True, Pt(7)
    for p in (sign, label):
        if code in scale.by_code:
            for r in p.runs:
                r.font.color.rgb = colour(scale.by_code[code].text_colour)

    update = report.flow(table.cell(1, 2), update_w)
    head = update.paragraph(style="Heading 2")
    fmt = head.paragraph_format
    fmt.space_before, fmt.space_after = Pt(0), Pt(4)
    run = head.add_run(docx_xml.xml_text(item.label) + "  ")
    run.font.size = Pt(10)
    spans = content.item_spans(item, content.status_words(statuses, item.status))
    report.inline(head, spans, size=10)
    for r in head.runs[1:]:
        r.font.color.rgb = colour(content.INK)
        r.bold = bool(r.bold)  # the words in the body's weight; the status stays bold
    fields = content.narratives(assessment)
    for label_text, doc in fields:
        if label_text:
            update.label(label_text).paragraph_format.space_before = Pt(4)
        update.rich(doc)
    if not fields:
        update.note(content.no_update(resolved.current))
    report.body.spacer(10)


def write(store: Storage, resolved: Resolved, report: WordReport, tick: Callable[[], None]) -> None:
    scale = _Scale(store.ratings())
    statuses = {s.code: s.label for s in store.statuses()}
    by_item = {a.item_id: a for a in store.assessments(period_id=resolved.current.id)}
    dots = store.directions(resolved.current.id)
    header(report, resolved)
    matrix(store, resolved, report, scale, statuses)
    report.page_break()
    for item in resolved.items:
        direction = dots.get(item.id)
        afi_table(report, resolved, item, by_item.get(item.id), scale, statuses,
                  direction.value if direction else "")
        tick()
