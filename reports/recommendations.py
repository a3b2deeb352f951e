"""Report 1 (seed 000): "Update Report on Recommendations and AFIs", one section per item.

Per item: the heading ("Recommendation 13"), the inspectorate's words in a
shaded panel, the force's update narrative, and the row "RAG Rating (please
mark with an X)" with every rating's word in its colour and a large X in the
chosen one: legible in colour, on a grey printer and to a screen reader.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from reportlab.lib import colors
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    PageBreak,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from ragdesk import richtext
from ragdesk.domain import Assessment, Rating
from ragdesk.storage import Storage

from .content import (
    DRAFT_NOTE,
    LEGEND_TITLE,
    RAG_ROW_LABEL,
    meta,
    narratives,
    no_update,
    off_scale,
    recommendations_title,
    sections,
)
from .content import RECOMMENDATIONS_TITLE as TITLE
from .document import Bookmark, Milestone
from .flowables import Gap, Keep, NeedRoom, Para, document, escape, panel, para
from .fonts import printable
from .options import Resolved
from .styles import INK, LIGHT_RULE, NAVY, RULE, Styles, hex_colour, make_styles


def title_for(resolved: Resolved) -> str:
    names = "; ".join(i.title for i in resolved.inspections)
    return f"{TITLE} – {names}"


def legend(ratings: list[Rating], styles: Styles, width: float) -> Table:
    """The RAG legend: each rating's word on its colour, then its definition."""
    word_w = 30 * 2.835
    rows: list[list[object]] = [[para(LEGEND_TITLE, styles.cell_bold), ""]]
    commands: list[tuple[object, ...]] = [
        ("SPAN", (0, 0), (1, 0)),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#D9E2F3")),
        ("GRID", (0, 0), (-1, -1), 0.6, RULE),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 4),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]
    for n, rating in enumerate(ratings, start=1):
        word = Para(f'<font color="{_hex(rating.text_colour)}"><b>{escape(rating.code)}</b></font>',
                         styles.rag)
        rows.append([word, para(rating.definition, styles.cell)])
        commands.append(("BACKGROUND", (0, n), (0, n), hex_colour(rating.colour)))
    return Table(rows, colWidths=[word_w, width - word_w], style=TableStyle(commands))


def _hex(value: str) -> str:
    colour = hex_colour(value, INK)
    return "#" + colour.hexval()[2:]


class RagRow(Flowable):
    """RED [ ] AMBER [X] GREEN [ ]: word cells in their colour, white mark cells, a bold X.

    Drawn directly rather than as a one-row Table: a report prints one of these per
    item, and a Table's style resolution, cell geometry and line drawing made this
    row several per cent of a 3,000-item report. It looks the same as the Table it
    replaced (0.8 pt rules, 3 pt vertical padding, 2.2 pt box round the chosen mark).
    """

    def __init__(self, ratings: list[Rating], chosen: str | None, styles: Styles,
                 width: float) -> None:
        super().__init__()
        n = max(1, len(ratings))
        self.mark_w = min(16 * 2.835, width / (3 * n))
        self.word_w = min(34 * 2.835, (width - n * self.mark_w) / n)
        self.cells = [(printable(r.code), hex_colour(r.colour), hex_colour(r.text_colour, INK),
                       r.code == chosen) for r in ratings]
        self.font = styles.rag.fontName
        self.word_size, self.word_leading = styles.rag.fontSize, styles.rag.fontSize * 1.2
        self.mark_size, self.mark_leading = styles.mark.fontSize, styles.mark.leading
        self.width = len(self.cells) * (self.word_w + self.mark_w)
        self.height = max(self.word_leading, self.mark_leading) + 6  # 3 pt above and below

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        return self.width, self.height

    def draw(self) -> None:
        """Draw the row once per document as a form (PDF XObject) and reuse it.

        Every item's row is one of a handful (which rating is marked), so the
        PDF holds each once: a smaller file, and a fraction of the drawing work.
        """
        canv = self.canv
        key = repr((self.cells, self.word_w, self.mark_w, self.font, self.word_size,
                    self.mark_size, self.mark_leading))
        name = "ragrow" + hashlib.sha1(key.encode()).hexdigest()[:16]
        if not canv.hasForm(name):
            canv.beginForm(name, -2, -2, self.width + 2, self.height + 2)  # room for the rules
            self._paint(canv)
            canv.endForm()
        canv.doForm(name)

    def _paint(self, canv: Any) -> None:
        h = self.height
        canv.saveState()
        # text baselines as a Table centres one line in a padded cell (VALIGN MIDDLE)
        word_y = (h + self.word_leading) / 2 - self.word_size
        mark_y = (h + self.mark_leading) / 2 - self.mark_size
        x = 0.0
        for code, fill, ink, marked in self.cells:
            canv.setFillColor(fill)
            canv.rect(x, 0, self.word_w, h, stroke=0, fill=1)
            canv.setFillColor(ink)
            canv.setFont(self.font, self.word_size)
            canv.drawCentredString(x + self.word_w / 2, word_y, code)
            if marked:
                canv.setFillColor(INK)
                canv.setFont(self.font, self.mark_size)
                canv.drawCentredString(x + self.word_w + self.mark_w / 2, mark_y, "X")
            x += self.word_w + self.mark_w
        canv.setStrokeColor(INK)
        canv.setLineWidth(0.8)
        canv.rect(0, 0, self.width, h, stroke=1, fill=0)
        x = 0.0
        for _code, _fill, _ink, _marked in self.cells:
            canv.line(x + self.word_w, 0, x + self.word_w, h)
            if x + self.word_w + self.mark_w < self.width - 0.01:
                canv.line(x + self.word_w + self.mark_w, 0, x + self.word_w + self.mark_w, h)
            x += self.word_w + self.mark_w
        canv.setLineWidth(2.2)
        x = 0.0
        for _code, _fill, _ink, marked in self.cells:
            if marked:
                canv.rect(x + self.word_w, 0, self.mark_w, h, stroke=1, fill=0)
            x += self.word_w + self.mark_w
        canv.restoreState()


def rag_row(ratings: list[Rating], chosen: str | None, styles: Styles, width: float) -> RagRow:
    """The rating row of one item (see :class:`RagRow`)."""
    return RagRow(ratings, chosen, styles, width)


KEEP_WITH_MARK = 160  # points: the most of an item's last block moved with its rating row
KEEP_LINES = 3  # of a longer last paragraph, the lines that go with the rating row


def _end_of_narrative(out: list[Flowable], width: float) -> list[Flowable]:
    """Take the end of the narrative off ``out`` to print with the rating row.

    A rating row alone at the top of a page does not say whose rating it is (issue 19
    found one after a bulleted list). The last block goes with it when short; of a long
    last paragraph, its last few lines; a long table or list stays where it is.
    """
    if not out or isinstance(out[-1], (Spacer, CondPageBreak, Bookmark)):
        return []
    last = out[-1]
    _, height = last.wrap(width, 1e7)
    if height <= KEEP_WITH_MARK:
        return [out.pop()]
    if isinstance(last, Paragraph):
        leading = last.style.leading
        parts = last.split(width, height - KEEP_LINES * leading - 1)
        if len(parts) == 2:
            out[-1] = parts[0]
            return [parts[1]]
    return []


def item_flowables(store: Storage, resolved: Resolved, item_index: int, ratings: list[Rating],
                   assessment: Assessment | None, styles: Styles, width: float) -> list[Flowable]:
    item = resolved.items[item_index]
    # a heading never ends a page: start on the next one with less than ~8 lines left
    out: list[Flowable] = [NeedRoom(110), Bookmark(item.heading, f"item-{item.id}"),
                           para(item.heading, styles.heading)]
    text = richtext.parse(item.text)
    if text:
        out.append(panel(document(text, styles, width=width - 15, in_cell=True), width))
        out.append(Gap(1, 8))
    fields = narratives(assessment)  # the PEEL fields too, when an AFI is printed this way
    for label, narrative in fields:
        if label:
            out.append(para(label, styles.label))
        out += document(narrative, styles, width=width)
    if not fields:
        out.append(Para(f"<i>{escape(no_update(resolved.current))}</i>", styles.empty))
    if assessment is not None and assessment.draft:
        out.append(Para(f"<i>{escape(DRAFT_NOTE)}</i>", styles.empty))
    chosen = assessment.rag if assessment else None
    row: list[Flowable] = [para(RAG_ROW_LABEL, styles.label), rag_row(ratings, chosen, styles, width)]
    note = off_scale(chosen, ratings)
    if note:
        row.append(para(note, styles.empty))
    # keep the mark with the end of the narrative, never alone on a page
    row[:0] = _end_of_narrative(out, width)
    out.append(Keep(row))
    out.append(Gap(1, 6))
    return out


def story(store: Storage, resolved: Resolved, width: float, tick: Callable[[], None]) -> list[Flowable]:
    styles = make_styles(10)
    ratings = store.ratings()
    period = resolved.current
    by_item = {a.item_id: a for a in store.assessments(period_id=period.id)}
    out: list[Flowable] = []
    for inspection, items in sections(resolved):
        if out:
            out.append(PageBreak())
        out.append(para("Appendix 1", styles.appendix))
        out.append(Para(escape(recommendations_title(inspection)), styles.title))
        out.append(Para("&nbsp;&nbsp;·&nbsp;&nbsp;".join(
            f"{escape(label)}: <b>{escape(value)}</b>" for label, value in meta(resolved)),
            styles.body))
        out.append(Gap(1, 4))
        out.append(legend(ratings, styles, width))
        out.append(Gap(1, 6))
        out.append(Table([[""]], colWidths=[width], rowHeights=[2],
                         style=[("LINEBELOW", (0, 0), (-1, -1), 1.2, NAVY)]))
        for index, item in items:
            out += item_flowables(store, resolved, index, ratings, by_item.get(item.id), styles, width)
            out.append(Milestone(tick))
            tick()
    out.append(Gap(1, 4))
    out.append(Table([[""]], colWidths=[width], rowHeights=[2],
                     style=[("LINEABOVE", (0, 0), (-1, -1), 0.5, LIGHT_RULE)]))
    return out
