"""Report 1 (seed 000) in Word: "Update Report on Recommendations and AFIs".

The layout of the real document: "Appendix 1", the title, the RAG legend table (each
rating's word on its colour, then its definition); then per item, in the seed's order,
the line "RAG Rating (please mark with an X):" and its table (RED | | AMBER | | GREEN |
with an X in the box after the chosen rating), the heading "Recommendation 13" in
Word's Heading 2 style, the inspectorate's words (shaded, lists as real Word lists) and
the force's update. The Word import (issue 12) reads this layout back.
"""

from __future__ import annotations

from collections.abc import Callable

from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt

from ragdesk import richtext
from ragdesk.domain import Assessment, Item, Rating
from ragdesk.storage import Storage

from . import content, docx_xml
from .options import Resolved
from .word import WordReport, fill

MARK = "X"


def legend(report: WordReport, ratings: list[Rating]) -> None:
    """RAG ratings: a header row, then each rating's word on its colour and its definition."""
    word_w = int(Mm(30))
    table = report.body.table(len(ratings) + 1, 2, [word_w, report.text_width - word_w])
    top = table.cell(0, 0).merge(table.cell(0, 1))
    docx_xml.shade_cell(top, content.HEADER_FILL)
    p = top.paragraphs[0]
    p.paragraph_format.space_after = Pt(0)
    p.add_run(content.LEGEND_TITLE).bold = True
    for n, rating in enumerate(ratings, start=1):
        word = table.cell(n, 0)
        word.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        report.rating_cell(word, rating.code, fill(rating.colour), rating.text_colour)
        definition = table.cell(n, 1)
        definition.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        p = definition.paragraphs[0]
        p.paragraph_format.space_after = Pt(0)
        p.add_run(docx_xml.xml_text(rating.definition))
    report.body.spacer(8)


def rag_row(report: WordReport, ratings: list[Rating], chosen: str | None) -> None:
    """RED [ ] AMBER [X] GREEN [ ]: word cells in their colour, white boxes, a bold X.

    Kept with the heading that follows it (keep-with-next on the row's paragraphs).
    """
    label = report.body.label(content.RAG_ROW_LABEL)
    label.paragraph_format.space_before = Pt(6)
    n = max(1, len(ratings))
    width = report.text_width
    mark_w = min(int(Mm(16)), width // (3 * n))
    word_w = min(int(Mm(34)), (width - n * mark_w) // n)
    table = report.body.table(1, 2 * len(ratings), [word_w, mark_w] * len(ratings))
    docx_xml.table_borders(table, content.INK, eighths=6)
    docx_xml.keep_row_whole(table.rows[0])
    for i, rating in enumerate(ratings):
        word, box = table.cell(0, 2 * i), table.cell(0, 2 * i + 1)
        for cell in (word, box):
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        report.rating_cell(word, rating.code, fill(rating.colour), rating.text_colour)
        p = box.paragraphs[0]
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.space_after = Pt(0)
        if rating.code == chosen:
            run = p.add_run(MARK)
            run.bold, run.font.size = True, Pt(15)
            docx_xml.cell_borders(box, content.INK, eighths=18)
        for cell in (word, box):
            cell.paragraphs[0].paragraph_format.keep_with_next = True
    note = content.off_scale(chosen, ratings)
    if note:
        report.body.note(note).paragraph_format.keep_with_next = True


def item(report: WordReport, resolved: Resolved, it: Item, ratings: list[Rating],
         assessment: Assessment | None) -> None:
    body = report.body
    rag_row(report, ratings, assessment.rag if assessment else None)
    body.paragraph(it.heading, "Heading 2").paragraph_format.space_before = Pt(6)
    text = richtext.parse(it.text)
    if text:
        body.rich(text, panel=True)
        body.spacer(4)
    fields = content.narratives(assessment)
    for label, doc in fields:
        if label:
            body.label(label)
        body.rich(doc)
    if not fields:
        body.note(content.no_update(resolved.current))
    if assessment is not None and assessment.draft:
        body.note(content.DRAFT_NOTE)


def write(store: Storage, resolved: Resolved, report: WordReport, tick: Callable[[], None]) -> None:
    ratings = store.ratings()
    by_item = {a.item_id: a for a in store.assessments(period_id=resolved.current.id)}
    body = report.body
    for n, (inspection, items) in enumerate(content.sections(resolved)):
        appendix = body.paragraph(content.APPENDIX, bold=True, size=12)
        appendix.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        appendix.paragraph_format.page_break_before = n > 0
        body.paragraph(content.recommendations_title(inspection), "Heading 1")
        meta = body.paragraph()
        for m, (label, value) in enumerate(content.meta(resolved)):
            meta.add_run(("  ·  " if m else "") + f"{label}: ")
            meta.add_run(docx_xml.xml_text(value)).bold = True
        legend(report, ratings)
        for _index, it in items:
            item(report, resolved, it, ratings, by_item.get(it.id))
            tick()
    end = body.spacer(6)
    docx_xml.rule_above(end, content.LIGHT_RULE)
