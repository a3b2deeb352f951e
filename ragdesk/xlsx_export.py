"""The Excel tracker: ``ragdesk export DB --format xlsx`` and File > Export > Excel.

Sheet "Tracker" holds the rows and columns of :mod:`ragdesk.tracker` (the CSV export's
columns), with a frozen, filtered header row, wrapped text, real dates, and each rating
cell filled with its colour *and* holding its word (never colour alone). Sheet "Matrix"
is items by periods, one rating per cell, as the RAG grid in the window.

openpyxl's write-only mode streams rows to the file rather than holding every cell:
30,000 items write in seconds and little memory. No Qt, no ReportLab (core layer).
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import os
from collections.abc import Callable

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from . import richtext, tracker
from .domain import ItemKind, Rating, short_title
from .files import write_atomically
from .storage import Storage

EXCEL_CELL_LIMIT = 32_767  # characters; Excel calls a file with a longer cell damaged
TRUNCATED = "… [cut here: Excel holds 32,767 characters in a cell; the full text is in ragdesk]"
TITLE_WIDTH = 50  # the matrix's Title column
HEADER_FILL = "D9E2F3"  # the reports' table-header blue
DATE_FORMAT = "dd/mm/yyyy"  # UK day-first, as users type dates

FONT = "Calibri"  # Excel's own default (the unstyled cells' font); LibreOffice uses Carlito
_HEADER_FONT = Font(name=FONT, size=11, bold=True)
_HEADER_FILL = PatternFill("solid", fgColor=HEADER_FILL)
_HEADER_BORDER = Border(bottom=Side(style="thin", color="7F7F7F"))
_TOP_WRAP = Alignment(vertical="top", wrap_text=True)
_TOP = Alignment(vertical="top")
_CENTRE = Alignment(horizontal="center", vertical="top")


def cell_text(text: str) -> str:
    """``text`` as Excel accepts it: no control characters, at most 32,767 characters."""
    text = ILLEGAL_CHARACTERS_RE.sub("", text)
    if len(text) > EXCEL_CELL_LIMIT:
        text = text[: EXCEL_CELL_LIMIT - len(TRUNCATED)] + TRUNCATED
    return text


LINE_PT = 15.0  # one line of 11 pt Calibri
MAX_ROW_PT = 409.0  # Excel's tallest row


def row_height(texts: list[tuple[str, float]]) -> float | None:
    """The height (points) that shows ``(text, column width)`` wrapped in full, or None for one line.

    Excel and LibreOffice keep the default one-line height for rows written without one,
    so wrapped narratives would overlap the next row; this estimates the lines (a
    character is about 0.9 of a width unit, the "0").
    """
    lines = 1
    for text, width in texts:
        per_line = max(1.0, width / 0.9)
        count = sum(max(1, -(-len(line) // int(per_line))) for line in text.split("\n"))
        lines = max(lines, count)
    if lines == 1:
        return None
    return min(MAX_ROW_PT, lines * LINE_PT + 2)


# (alignment, date?, rating, draft) -> the cell style, made once: setting a style on a cell
# looks each part up in the workbook's tables (about a quarter of an export's time), so
# later cells of the same look get a copy of the first one's style array.
_StyleKey = tuple[int, bool, str, bool]


def _cell(ws: Worksheet, value: object, *, alignment: Alignment = _TOP,
          styled: Callable[[WriteOnlyCell], None] | None = None,
          key: tuple[str, bool] = ("", False)) -> WriteOnlyCell:
    if isinstance(value, str) and value:
        cell = WriteOnlyCell(ws, value=cell_text(value))
        # a narrative starting with "=" is text, never a formula (openpyxl would store one)
        cell.data_type = "s"
    else:  # an empty text is an empty cell: Excel rejects an empty inline string
        cell = WriteOnlyCell(ws, value=value if value != "" else None)
    cache: dict[_StyleKey, object] = ws.__dict__.setdefault("_ragdesk_styles", {})
    style_key = (id(alignment), isinstance(value, dt.date), *key)
    known = cache.get(style_key)
    if known is not None:
        cell._style = copy.copy(known)
        return cell
    if isinstance(value, dt.date):
        cell.number_format = DATE_FORMAT
    cell.alignment = alignment
    if styled is not None:
        styled(cell)
    cache[style_key] = copy.copy(cell._style)
    return cell


class _RatingCells:
    """Filled, lettered rating cells, one style per rating (shared, so the file stays small)."""

    def __init__(self, ratings: list[Rating]) -> None:
        self.styles: dict[str, tuple[PatternFill, Font]] = {}
        for r in ratings:
            fill = PatternFill("solid", fgColor=_argb(r.colour, "FFFFFF"))
            self.styles[r.code] = (fill, Font(name=FONT, size=11, bold=True,
                                              color=_argb(r.text_colour, "000000")))

    def cell(self, ws: Worksheet, code: str | None, *, draft: bool = False) -> WriteOnlyCell:
        text = code or ""
        if code and draft:
            text += " (draft)"
        style = self.styles.get(code or "")

        def paint(cell: WriteOnlyCell) -> None:
            if style is not None:
                cell.fill, font = style
                cell.font = Font(name=FONT, size=11, bold=True, italic=True, color=font.color) \
                    if draft else font

        return _cell(ws, text, alignment=_CENTRE, styled=paint, key=(code or "", draft))


def _argb(colour: str | None, default: str) -> str:
    value = (colour or "").lstrip("#")
    if len(value) == 6 and all(c in "0123456789abcdefABCDEF" for c in value):
        return value.upper()
    return default


def _header(ws: Worksheet, titles: list[str], widths: list[float], *, fit_width: bool) -> None:
    """Column widths, frozen header, print set-up (before any row: write-only mode writes
    the sheet's properties with its first row), then the header row."""
    for n, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(n)].width = width
    ws.freeze_panes = "A2"
    ws.page_setup.orientation = "landscape"
    ws.print_title_rows = "1:1"
    if fit_width:  # printed: every column on one page width
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    cells = []
    for title in titles:
        cell = WriteOnlyCell(ws, value=title)
        cell.font, cell.fill, cell.border = _HEADER_FONT, _HEADER_FILL, _HEADER_BORDER
        cell.alignment = Alignment(vertical="center", wrap_text=True)
        cells.append(cell)
    ws.append(cells)


def _tracker_sheet(wb: Workbook, store: Storage, ratings: _RatingCells,
                   progress: Callable[[int], None] | None) -> int:
    ws = wb.create_sheet("Tracker")
    columns = tracker.COLUMNS
    _header(ws, [c.title for c in columns], [c.width for c in columns], fit_width=False)
    kinds = {k.value: k.heading for k in ItemKind}
    statuses = {s.code: s.label for s in store.statuses()}
    kind_at, status_at = tracker.KEYS.index("kind"), tracker.KEYS.index("status")
    number_at = tracker.KEYS.index("number")
    rows = 0
    for rows, values in enumerate(tracker.tracker_rows(store), start=1):
        cells = []
        for n, (column, value) in enumerate(zip(columns, values, strict=True)):
            if n == tracker.RATING_COLUMN:
                cells.append(ratings.cell(ws, value if isinstance(value, str) else None))
                continue
            if n == kind_at and isinstance(value, str):
                value = kinds.get(value, value)
            elif n == status_at and isinstance(value, str):
                value = statuses.get(value, value)
            elif isinstance(value, bool):
                value = "yes" if value else None
            elif n == number_at and isinstance(value, str) and value.isdigit() and len(value) < 10:
                value = int(value)  # type: ignore[assignment]  # sorts 2, 10, 11 (not "10", "11", "2"); "3a" stays text
            cells.append(_cell(ws, value, alignment=_TOP_WRAP if column.long else _TOP))
        height = row_height([(v, c.width) for c, v in zip(columns, values, strict=True)
                             if c.long and isinstance(v, str)])
        if height:
            ws.row_dimensions[rows + 1].height = height  # before append: written with the row
        ws.append(cells)
        if progress is not None and rows % 200 == 0:
            progress(rows)
    ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{rows + 1}"
    return rows


def _matrix_sheet(wb: Workbook, store: Storage, ratings: _RatingCells) -> None:
    ws = wb.create_sheet("Matrix")
    periods = store.periods()
    inspections = {i.id: i.title for i in store.inspections()}
    _header(ws, ["Inspection", "Item", "Title", *(p.label for p in periods)],
            [28, 12, TITLE_WIDTH, *(11 for _ in periods)], fit_width=len(periods) <= 24)
    grid = store.rag_grid()
    items = store.items()
    for n, item in enumerate(items, start=1):
        cells = [_cell(ws, inspections[item.inspection_id]), _cell(ws, item.label),
                 _cell(ws, short_title(richtext.to_plain(item.text)), alignment=_TOP_WRAP)]
        for p in periods:
            rag, draft = grid.get((item.id, p.id), (None, False))
            cells.append(ratings.cell(ws, rag, draft=draft))
        height = row_height([(cells[2].value or "", TITLE_WIDTH)])
        if height:
            ws.row_dimensions[n + 1].height = height
        ws.append(cells)
    ws.auto_filter.ref = f"A1:{get_column_letter(3 + len(periods))}{len(items) + 1}"


def export_xlsx(store: Storage, target: str | os.PathLike[str], *,
                progress: Callable[[int], None] | None = None) -> int:
    """Write the tracker workbook to ``target`` (atomically); return the number of tracker rows.

    ``progress(rows_written)`` is called every 200 rows. Raises
    :class:`ragdesk.errors.ExportFailed` when the file cannot be written.
    """
    wb = Workbook(write_only=True)
    settings = store.settings()
    wb.properties.title = "ragdesk tracker"
    wb.properties.creator = settings.get("document_owner") or "ragdesk"
    ratings = _RatingCells(store.ratings(include_disabled=True))
    rows = _tracker_sheet(wb, store, ratings, progress)
    _matrix_sheet(wb, store, ratings)
    try:
        write_atomically(target, wb.save, what="the Excel tracker")
    except BaseException:
        _discard(wb)
        raise
    return rows


def _discard(wb: Workbook) -> None:
    """Finish and delete the sheets' row files a failed save left behind (openpyxl streams
    write-only rows to temporary files, removed only by a successful save)."""
    for ws in wb.worksheets:
        with contextlib.suppress(Exception):  # best effort: the save's error is the one to show
            if not ws.closed:
                ws.close()
        writer = getattr(ws, "_writer", None)
        with contextlib.suppress(Exception):
            if writer is not None and os.path.exists(writer.out):
                writer.cleanup()
