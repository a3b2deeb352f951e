"""The front of a report for a board: a summary page and a "Changes since PERIOD" section.

``--summary`` puts first the counts of each rating per period (a stacked bar chart
drawn with ReportLab's graphics, every segment labelled with its letter and number
so it reads on a grey printer, and the same numbers as a table), then the overdue
and proposed-for-closure lists. ``--changes-since P`` adds each item whose rating
moved since P, before → after, with its status note. Both are computed by the core
(:mod:`ragdesk.overview`, :mod:`ragdesk.changes`) so the window, the CLI and the
paper agree, and limited to the report's items in :mod:`.front`, which the Word
document (:mod:`.word_front`) shares; here they are only laid out.
"""

from __future__ import annotations

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, PageBreak, Table, TableStyle

from ragdesk.domain import PeriodId, Rating
from ragdesk.overview import NONE, ListedItem
from ragdesk.storage import Storage

from . import front
from .flowables import Gap, Para, escape, para
from .fonts import printable, register
from .options import Resolved
from .styles import HEADER_FILL, RULE, Styles, hex_colour, make_styles

NOT_RATED = front.NOT_RATED
GREY = colors.HexColor("#D0D0D0")


def front_matter(store: Storage, resolved: Resolved, width: float) -> list[Flowable]:
    """The summary page and/or the changes section the options ask for (else nothing)."""
    options = resolved.options
    summary = options.summary
    since_id = options.changes_since
    if not summary and since_id is None:
        return []
    styles = make_styles(9.5)
    out: list[Flowable] = []
    if summary:
        out += summary_page(store, resolved, styles, width)
    if since_id is not None:
        if out:
            out.append(PageBreak())
        out += changes_section(store, resolved, since_id, styles, width)
    out.append(PageBreak())
    return out


def summary_page(store: Storage, resolved: Resolved, styles: Styles, width: float) -> list[Flowable]:
    data = front.summary(store, resolved)
    rows, used, show_none, ratings = data.rows, data.used, data.show_none, data.ratings
    out: list[Flowable] = [
        Para("Summary", styles.title),
        para(f"{data.title} · {data.item_count} items · as at {data.as_at}", styles.body),
    ]
    if rows:
        out.append(Para("Ratings per reporting period", styles.subtitle))
        out.append(_chart(rows, used, show_none, width))
        out.append(Gap(1, 6))
        out.append(_counts_table(rows, used, show_none, styles, width))
    else:
        out.append(para(front.NO_RATINGS, styles.empty))
    overdue, proposed = data.overdue, data.proposed
    out.append(Para(f"Overdue ({len(overdue)})", styles.heading))
    out.append(_list_table(overdue, "Deadline", styles, width, ratings) if overdue
               else para(front.NO_OVERDUE, styles.empty))
    out.append(Para(f"Proposed for closure ({len(proposed)})", styles.heading))
    out.append(_list_table(proposed, "Deadline", styles, width, ratings) if proposed
               else para(front.NO_PROPOSED, styles.empty))
    return out


def _chart(rows: list[tuple[str, dict[str, int]]], used: list[Rating], show_none: bool,
           width: float) -> Drawing:
    regular, bold = register()
    height = 62 * mm
    legend_w = 42 * mm
    drawing = Drawing(width, height)
    chart = VerticalBarChart()
    chart.x, chart.y = 12 * mm, 9 * mm
    chart.width = width - legend_w - chart.x - 6 * mm
    chart.height = height - chart.y - 4 * mm
    series_codes = [r.code for r in used] + ([NONE] if show_none else [])
    chart.data = [[counts.get(code, 0) for _, counts in rows] for code in series_codes]
    chart.categoryAxis.categoryNames = [printable(label) for label, _ in rows]
    chart.categoryAxis.style = "stacked"
    chart.categoryAxis.labels.fontName = regular
    chart.categoryAxis.labels.fontSize = 8
    chart.valueAxis.labels.fontName = regular
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    top = max((sum(c.get(code, 0) for code in series_codes) for _, c in rows), default=1)
    chart.valueAxis.valueMax = max(1, top)
    chart.valueAxis.valueStep = max(1, round(top / 5))
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = colors.HexColor("#E4E4E4")
    chart.barWidth = 10
    chart.groupSpacing = 10
    chart.bars.strokeColor = colors.white
    chart.bars.strokeWidth = 0.6
    by_code = {r.code: r for r in used}
    letters = []
    for n, code in enumerate(series_codes):
        rating = by_code.get(code)
        chart.bars[n].fillColor = hex_colour(rating.colour, GREY) if rating else GREY
        letters.append(rating.letter if rating else "–")
    # each segment says its letter and count ("A 5"): the chart reads without colour
    chart.barLabelArray = [[f"{letters[n]} {v}" if v else "" for v in series]
                           for n, series in enumerate(chart.data)]
    chart.barLabelFormat = "values"
    chart.barLabels.fontName = bold
    chart.barLabels.fontSize = 7.5
    chart.barLabels.boxTarget = "mid"
    chart.barLabels.fillColor = colors.black
    for n, code in enumerate(series_codes):
        rating = by_code.get(code)
        chart.barLabels[n].fillColor = hex_colour(rating.text_colour, colors.black) \
            if rating else colors.black
    drawing.add(chart)
    legend = Legend()
    legend.x = width - legend_w + 4 * mm
    legend.y = height - 6 * mm
    legend.fontName = regular
    legend.fontSize = 8
    legend.alignment = "right"
    legend.dx = legend.dy = 8
    legend.deltay = 12
    legend.colorNamePairs = [
        (chart.bars[n].fillColor, f"{letters[n]}  {by_code[c].code if c in by_code else NOT_RATED}")
        for n, c in reversed(list(enumerate(series_codes)))]
    drawing.add(legend)
    drawing.add(String(0, height - 3 * mm, "Items", fontName=regular, fontSize=7))
    return drawing


def _counts_table(rows: list[tuple[str, dict[str, int]]], used: list[Rating], show_none: bool,
                  styles: Styles, width: float) -> Table:
    codes = [r.code for r in used] + ([NONE] if show_none else [])
    head = ["Period", *[c if c != NONE else NOT_RATED for c in codes], "Total"]
    data: list[list[object]] = [[para(h, styles.cell_bold) for h in head]]
    for label, counts in rows:
        data.append([para(label, styles.cell)] + [para(str(counts.get(c, 0)), styles.cell_centre)
                                                  for c in codes]
                    + [para(str(sum(counts.get(c, 0) for c in codes)), styles.cell_centre)])
    first = 34 * mm
    rest = (width - first) / (len(head) - 1)
    style = [("GRID", (0, 0), (-1, -1), 0.5, RULE), ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
             ("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("TOPPADDING", (0, 0), (-1, -1), 2),
             ("BOTTOMPADDING", (0, 0), (-1, -1), 1)]
    return Table(data, colWidths=[first] + [rest] * (len(head) - 1), style=TableStyle(style),
                 repeatRows=1)


def _rag_cell(code: str | None, ratings: list[Rating], styles: Styles) -> tuple[object, object]:
    rating = next((r for r in ratings if r.code == code), None)
    if rating is None:
        return para(code or "–", styles.cell_centre), None
    text = rating.text_colour if rating.text_colour.startswith("#") else "#000000"
    return Para(f'<font color="{text}">{escape(rating.code)}</font>', styles.cell_centre), \
        hex_colour(rating.colour)


def _list_table(rows: list[ListedItem], date_title: str, styles: Styles, width: float,
                ratings: list[Rating]) -> Table:
    data: list[list[object]] = [[para(h, styles.cell_bold) for h in
                                 ("Item", "About", "RAG", date_title, "Lead")]]
    style: list[tuple[object, ...]] = [
        ("GRID", (0, 0), (-1, -1), 0.5, RULE), ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1)]
    for n, r in enumerate(rows, start=1):
        cell, fill = _rag_cell(r.rag, ratings, styles)
        if fill is not None:
            style.append(("BACKGROUND", (2, n), (2, n), fill))
        data.append([para(r.label, styles.cell_bold), para(r.title, styles.cell), cell,
                     para(r.deadline or "–", styles.cell), para(r.lead or "–", styles.cell)])
    widths = [20 * mm, 0, 20 * mm, 32 * mm, 32 * mm]
    widths[1] = width - sum(widths)
    return Table(data, colWidths=widths, style=TableStyle(style), repeatRows=1)


def changes_section(store: Storage, resolved: Resolved, since_id: PeriodId, styles: Styles,
                    width: float) -> list[Flowable]:
    """"Changes since PERIOD": each of the report's items whose rating moved."""
    data = front.changes_since(store, resolved, since_id)
    since, current, moved, ratings = data.since, data.current, data.moved, data.ratings
    out: list[Flowable] = [Para(f"Changes since {escape(since.label)}", styles.title),
                           para(front.moved_line(data), styles.body)]
    if not moved:
        out.append(para(front.nothing_moved(data), styles.empty))
        return out
    data_rows: list[list[object]] = [[para(h, styles.cell_bold) for h in
                                      ("Item", since.label, "", current.label, "Status note")]]
    style: list[tuple[object, ...]] = [
        ("GRID", (0, 0), (-1, -1), 0.5, RULE), ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2)]
    multi = data.several_inspections
    for n, c in enumerate(moved, start=1):
        before, fill_b = _rag_cell(c.rag_before, ratings, styles)
        after, fill_a = _rag_cell(c.rag_after, ratings, styles)
        for col, fill in ((1, fill_b), (3, fill_a)):
            if fill is not None:
                style.append(("BACKGROUND", (col, n), (col, n), fill))
        label = f"<b>{escape(c.label)}</b>"
        if multi:
            label += f"<br/><font size=7>{escape(c.inspection[:60])}</font>"
        data_rows.append([Para(label, styles.cell), before, para("→", styles.cell_centre), after,
                          para(data.note(c), styles.cell)])
    widths = [28 * mm, 22 * mm, 8 * mm, 22 * mm, 0]
    widths[-1] = width - sum(widths)
    out.append(Table(data_rows, colWidths=widths, style=TableStyle(style), repeatRows=1))
    out.append(Gap(1, 4))
    out.append(Para(f"Ratings: {escape(data.key)}", styles.furniture))
    return out
