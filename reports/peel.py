"""Report 2 (seed 004): the landscape "PEEL AFI Performance Update".

A summary matrix (AFI, area with its status, one coloured letter per chosen
period, direction of travel), in two halves side by side when the list is
short enough to read that way, then one table per AFI: who owns it, the
rating and direction of travel, and the update in the force's own words.
"""

from __future__ import annotations

from collections.abc import Callable

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import (
    Flowable,
    PageBreak,
    Paragraph,
    Table,
    TableStyle,
)

from ragdesk import richtext
from ragdesk.domain import STATUS_NOTE_PRINT_LIMIT, Assessment, Dot, Item, ItemId, Period, Rating
from ragdesk.storage import Storage

from .content import (
    AFI_AREA_W,
    AFI_RAG_W,
    AFI_W,
    AREA_MIN,
    DOT_W,
    HALVES_GAP,
    PERIOD_W,
    groups_note,
    inspection_line,
    item_spans,
    narratives,
    no_update,
    owner_line,
    period_groups,
    periods_that_fit,
    span_label,
    status_words,
    two_halves,
)
from .content import PEEL_TITLE as TITLE
from .document import Bookmark, Milestone
from .flowables import (
    Gap,
    NeedRoom,
    Para,
    ShrinkToFit,
    SplitTable,
    document,
    escape,
    inline_markup,
    para,
)
from .options import Resolved
from .styles import HEADER_FILL, INK, LIGHT_RULE, NAVY, RULE, Styles, hex_colour, make_styles

__all__ = ["TITLE", "afi_table", "header", "key", "matrix", "period_groups", "periods_that_fit",
           "status_words", "story"]


def _hex(value: str) -> str:
    return "#" + hex_colour(value, INK).hexval()[2:]


def _item_text(item: Item, status: str) -> str:
    """The AFI's words as one inline run of markup, with its status in capitals."""
    return inline_markup(item_spans(item, status))


class _Scale:
    def __init__(self, ratings: list[Rating]) -> None:
        self.by_code = {r.code: r for r in ratings}

    def cell(self, code: str | None, styles: Styles, *, word: bool,
             draft: bool = False) -> tuple[Paragraph, colors.Color]:
        rating = self.by_code.get(code or "")
        if rating is None:
            text = escape(code) if code else "–"
            return Para(f"<b>{text}</b>", styles.rag), colors.white
        label = rating.code if word else rating.letter
        if draft:
            label += " (draft)" if word else "*"
        return (Para(f'<font color="{_hex(rating.text_colour)}"><b>{escape(label)}</b></font>',
                          styles.rag), hex_colour(rating.colour))


def header(resolved: Resolved, styles: Styles, width: float) -> list[Flowable]:
    left = [Para(escape(TITLE), styles.title)]
    if resolved.meeting:
        left.append(Para(f"For {escape(resolved.meeting)}", styles.subtitle))
    right = [para("Appendix 1", styles.appendix)]
    if resolved.document_owner:
        right.append(Para(f"Document Owner: <b>{escape(resolved.document_owner)}</b>",
                               styles.furniture_right.clone("o", fontSize=10, leading=13)))
    if resolved.team:
        right.append(Para(escape(resolved.team),
                               styles.furniture_right.clone("t", fontSize=10, leading=13)))
    table = Table([[left, right]], colWidths=[width * 0.65, width * 0.35], style=TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("LINEBELOW", (0, 0), (-1, -1), 1.2, NAVY),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
    ]))
    return [table, Gap(1, 3), para(inspection_line(resolved), styles.cell_small), Gap(1, 5)]


# A longer status note prints in the wide Update column, under its own label, not in the
# narrow Area column; the editor counts a note's characters against the same figure.
STATUS_NOTE_IN_AREA = STATUS_NOTE_PRINT_LIMIT

def matrix(store: Storage, resolved: Resolved, scale: _Scale, statuses: dict[str, str],
           styles: Styles, width: float) -> list[Flowable]:
    """The key, then AFI | Area | one column per period | DoT; two halves side by side
    when short.

    Never wider than the page: with more periods than fit, the latest fill the
    first matrix and the earlier ones follow in further matrices, each saying so.
    """
    grid = store.rag_grid()
    dots = store.directions(resolved.current.id)
    groups = period_groups(resolved.periods, width)
    texts = {item.id: _item_text(item, status_words(statuses, item.status))
             for item in resolved.items}
    out: list[Flowable] = []
    drafts = False
    for n, periods in enumerate(groups):
        if n == 0 and len(groups) > 1:
            out.append(Para(f"<i>{escape(groups_note(groups, len(resolved.periods)))}</i>",
                            styles.empty))
        elif n > 0:
            out.append(NeedRoom(80))  # the heading starts a page rather than end one
            out.append(Para(f"<b>Earlier periods: {escape(span_label(periods))}</b>",
                            styles.subtitle.clone("earlier", spaceBefore=8)))
        table, had_drafts = _matrix_table(resolved, scale, styles, width, grid, dots, texts,
                                          periods, dot=n == 0)
        drafts = drafts or had_drafts
        out += [table, Gap(1, 6)]
    # The key goes above the matrix: below it, a matrix that just filled page 1 pushed the
    # key alone onto page 2, then blank until the per-AFI tables (issue 19). Above it, the
    # matrix's first rows always follow it on the same page.
    summary = [key(scale, styles, width, drafts=drafts), Gap(1, 4), *out]
    return [ShrinkToFit(summary)] if len(groups) == 1 else summary


def _matrix_table(resolved: Resolved, scale: _Scale, styles: Styles, width: float,
                  grid: dict[tuple[int, int], tuple[str | None, bool]],
                  dots: dict[int, Dot | None], texts: dict[ItemId, str], periods: list[Period], *,
                  dot: bool) -> tuple[Table, bool]:
    """One matrix over ``periods`` (and the DoT column when ``dot``); whether it shows a draft."""
    small = styles.cell_small
    head = [para("AFI", styles.cell_bold), para("Area", styles.cell_bold)]
    head += [Para(escape(p.label).replace(" ", "<br/>", 1), styles.rag) for p in periods]
    if dot:
        head.append(Para("DoT", styles.rag))
    rows: list[tuple[list[object], list[colors.Color]]] = []
    drafts = False
    for item in resolved.items:
        cells: list[object] = [para(item.number, styles.cell_centre), Para(texts[item.id], small)]
        fills: list[colors.Color] = []
        for period in periods:
            rag, draft = grid.get((item.id, period.id), (None, False))
            cell, fill = scale.cell(rag, styles, word=False, draft=draft)
            drafts = drafts or (draft and rag is not None)
            cells.append(cell)
            fills.append(fill)
        if dot:
            direction = dots.get(item.id)
            cells.append(Para(f"<b>{escape(direction.value) if direction else ''}</b>",
                              styles.mark))
        rows.append((cells, fills))

    n_rag = len(periods)
    fixed = AFI_W + n_rag * PERIOD_W + (DOT_W if dot else 0)
    two = two_halves(len(rows), n_rag, width, dot=dot)
    gap = HALVES_GAP
    half_w = (width - gap) / 2 if two else width
    area_w = max(AREA_MIN, half_w - fixed)
    widths = [AFI_W, area_w] + [PERIOD_W] * n_rag + ([DOT_W] if dot else [])
    ncol = len(widths)

    def commands(offset: int, count: int) -> list[tuple[object, ...]]:
        end = offset + ncol - 1
        return [
            ("GRID", (offset, 0), (end, count), 0.6, RULE),
            ("BACKGROUND", (offset, 0), (end, 0), HEADER_FILL),
            ("VALIGN", (offset, 0), (end, -1), "MIDDLE"),
        ]

    table_rows: list[list[object]] = []
    style: list[tuple[object, ...]] = [
        ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    if two:
        half = (len(rows) + 1) // 2
        left, right = rows[:half], rows[half:]
        table_rows.append(head + [""] + head)
        style += commands(0, len(left)) + commands(ncol + 1, len(right))
        for r in range(half):
            lcells, lfills = left[r]
            line = lcells + [""]
            for c, fill in enumerate(lfills):
                style.append(("BACKGROUND", (2 + c, r + 1), (2 + c, r + 1), fill))
            if r < len(right):
                rcells, rfills = right[r]
                line += rcells
                for c, fill in enumerate(rfills):
                    col = ncol + 1 + 2 + c
                    style.append(("BACKGROUND", (col, r + 1), (col, r + 1), fill))
            else:
                line += [""] * ncol
                style.append(("GRID", (ncol + 1, r + 1), (-1, r + 1), 0, colors.white))
            table_rows.append(line)
        col_widths = widths + [gap] + widths
        # the last right-hand row may be empty: paint over its grid lines
        if len(right) < half:
            style.append(("LINEBELOW", (ncol + 1, len(right) + 1), (-1, -1), 1, colors.white))
            style.append(("LINEAFTER", (ncol + 1, len(right) + 1), (-1, -1), 1, colors.white))
            style.append(("LINEBEFORE", (ncol + 2, len(right) + 1), (-1, -1), 1, colors.white))
    else:
        table_rows.append(head)
        style += commands(0, len(rows))
        for r, (cells, fills) in enumerate(rows, start=1):
            table_rows.append(cells)
            for c, fill in enumerate(fills):
                style.append(("BACKGROUND", (2 + c, r), (2 + c, r), fill))
        col_widths = widths
    table = Table(table_rows, colWidths=col_widths, repeatRows=1, style=TableStyle(style), hAlign="LEFT")
    return table, drafts


def key(scale: _Scale, styles: Styles, width: float, *, drafts: bool = False) -> Table:
    """One line explaining the letters and the direction-of-travel signs."""
    cells: list[object] = []
    style: list[tuple[object, ...]] = [("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                                       ("LEFTPADDING", (0, 0), (-1, -1), 3),
                                       ("RIGHTPADDING", (0, 0), (-1, -1), 3)]
    widths: list[float] = []
    for i, rating in enumerate(scale.by_code.values()):
        chip, fill = scale.cell(rating.code, styles, word=False)
        cells += [chip, Para(escape(rating.label), styles.cell_small)]
        widths += [7 * mm, 20 * mm]
        style += [("BACKGROUND", (2 * i, 0), (2 * i, 0), fill),
                  ("BOX", (2 * i, 0), (2 * i, 0), 0.5, RULE)]
    note = ("Direction of travel since the previous period: <b>+</b> improved, "
            "<b>=</b> no change, <b>-</b> deteriorated")
    if drafts:
        note += ". <b>*</b> draft: carried forward, not yet reviewed"
    cells.append(Para(note, styles.cell_small))
    widths.append(max(60 * mm, width - sum(widths)))
    return Table([cells], colWidths=widths, style=TableStyle(style), hAlign="LEFT")


def afi_table(store: Storage, resolved: Resolved, item: Item, assessment: Assessment | None,
              scale: _Scale, statuses: dict[str, str], styles: Styles, width: float,
              dot: str) -> SplitTable:
    area_w, rag_w = AFI_AREA_W, AFI_RAG_W
    update_w = width - area_w - rag_w
    pad = 5
    owner = owner_line(item)
    area: list[Flowable] = []
    if owner:
        area.append(para(owner, styles.cell_bold))
    area += document(item.dashboard, styles, width=area_w - 2 * pad, in_cell=True)
    note = assessment.status_note.strip() if assessment else ""
    long_note = len(note) > STATUS_NOTE_IN_AREA
    if note and not long_note:
        area += document(richtext.from_plain(note), styles, width=area_w - 2 * pad, in_cell=True)

    code = assessment.rag if assessment else None
    draft = bool(assessment and assessment.draft)
    _, fill = scale.cell(code, styles, word=True)

    def rag_column() -> list[Flowable]:
        """The rating word and DoT; repeated when the row continues on the next page."""
        cell, _ = scale.cell(code, styles, word=True, draft=draft)
        if fill == colors.white:
            cell = Para("<b>Not rated</b>", styles.rag)
        return [cell, Gap(1, 6),
                Para(f"<b>{escape(dot) or '&nbsp;'}</b>",
                          styles.mark.clone("dot", fontSize=18, leading=20)),
                Para("DoT", styles.rag.clone("dotl", fontSize=7, leading=9))]

    rag = rag_column()

    status = status_words(statuses, item.status)
    update: list[Flowable] = [Para(f"<b>{escape(item.label)}</b>  {_item_text(item, status)}",
                                        styles.cell_bold.clone("afi", fontName=styles.cell.fontName))]
    inner = update_w - 2 * pad
    if long_note:  # three times as wide here: a long note no longer runs on for pages alone
        update.append(para("Status note", styles.label))
        update += document(richtext.from_plain(note), styles, width=inner, in_cell=True)
    fields = narratives(assessment)
    for heading, doc in fields:
        if heading:
            update.append(para(heading, styles.label))
        update += document(doc, styles, width=inner, in_cell=True)
    if not fields:
        update.append(Para(f"<i>{escape(no_update(resolved.current))}</i>", styles.empty))
    head = [para("Area", styles.cell_bold), Para("<b>RAG / DoT</b>", styles.rag),
            para("Update", styles.cell_bold)]

    def row_commands(r: int, logical: int) -> list[tuple[object, ...]]:
        return [("BACKGROUND", (1, r), (1, r), fill)] if logical > 0 else []

    return SplitTable([[[h] for h in head], [area, rag, update]], [area_w, rag_w, update_w], [
        ("GRID", (0, 0), (-1, -1), 0.6, RULE),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("VALIGN", (1, 1), (1, -1), "MIDDLE"),
    ], header_rows=1, row_commands=row_commands, padding=(pad, pad, 4, 3), min_room=90,
        sticky={1: rag_column},
        lead_in={2: lambda: [Para(f"<i>{escape(item.label)}, continued</i>", styles.empty)]})


def story(store: Storage, resolved: Resolved, width: float, tick: Callable[[], None]) -> list[Flowable]:
    styles = make_styles(9.5)
    scale = _Scale(store.ratings())
    statuses = {s.code: s.label for s in store.statuses()}
    by_item = {a.item_id: a for a in store.assessments(period_id=resolved.current.id)}
    dots = store.directions(resolved.current.id)
    out: list[Flowable] = header(resolved, styles, width)
    out += matrix(store, resolved, scale, statuses, styles, width)
    out.append(PageBreak())
    for item in resolved.items:
        dot = dots.get(item.id)
        out.append(NeedRoom(110))  # as the table's min_room: the bookmark lands with it
        out.append(Bookmark(f"{item.label} {richtext.to_plain(item.text)}"[:120], f"item-{item.id}"))
        out.append(afi_table(store, resolved, item, by_item.get(item.id), scale, statuses, styles,
                             width, dot.value if dot else ""))
        out.append(Gap(1, 10))
        out.append(Milestone(tick))
        tick()
    out.append(Table([[""]], colWidths=[width], rowHeights=[2],
                     style=[("LINEABOVE", (0, 0), (-1, -1), 0.5, LIGHT_RULE)]))
    return out
