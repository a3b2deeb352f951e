"""The tracker: one row per item and reporting period, the shape analysts pivot in Excel.

One column definition (:data:`COLUMNS`) and one row source (:func:`tracker_rows`) serve
both the CSV export (:func:`ragdesk.jsonio.export_csv`) and the Excel workbook
(:mod:`ragdesk.xlsx_export`), so the two files always have the same columns in the same
order. Values are typed (a deadline is a ``date``, a draft a ``bool``); each writer turns
them into its own cells. Rich text becomes plain text with "• " bullet lines.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from . import richtext
from .domain import Assessment, Item
from .storage import Storage


@dataclass(frozen=True, slots=True)
class Column:
    """``key`` heads the CSV column (stable: scripts and the importer read it); ``title``
    heads the Excel column; ``width`` is its Excel width in characters; ``long`` columns
    hold paragraphs (wrapped, wide)."""

    key: str
    title: str
    width: float
    long: bool = False


COLUMNS: tuple[Column, ...] = (
    Column("inspection", "Inspection", 28, long=True),
    Column("kind", "Kind", 14),
    Column("number", "Number", 9),
    Column("text", "Text", 60, long=True),
    Column("deadline", "Deadline", 13),
    Column("area", "Area", 22),
    Column("board", "Board", 18),
    Column("lead", "Lead", 16),
    Column("status", "Status", 16),
    Column("review_date", "Review date", 13),
    Column("period", "Period", 11),
    Column("rag", "Rating", 11),
    Column("direction_of_travel", "Direction of travel", 11),
    Column("status_note", "Status note", 30, long=True),
    Column("update", "Update", 60, long=True),
    Column("intent_and_implementation", "Intent and Implementation", 60, long=True),
    Column("impact", "Impact", 50, long=True),
    Column("draft", "Draft", 8),
)
KEYS: tuple[str, ...] = tuple(c.key for c in COLUMNS)
RATING_COLUMN = KEYS.index("rag")

# A cell value: text, a date, a bool (draft) or nothing.
Value = str | dt.date | bool | None


def _deadline(item: Item) -> Value:
    if item.deadline.immediate:
        return item.deadline.to_text()
    return item.deadline.date


def tracker_rows(store: Storage) -> Iterator[tuple[Value, ...]]:
    """The rows in display order (inspection, item, period); an item with no assessment
    in any period gets one row with the period columns empty."""
    inspections = {i.id: i.title for i in store.inspections()}
    periods = store.periods()
    label = {p.id: p.label for p in periods}
    order = {p.id: n for n, p in enumerate(periods)}
    dots = {p.id: store.directions(p.id) for p in periods}
    by_item: dict[int, list[Assessment]] = {}
    for a in store.assessments():
        by_item.setdefault(a.item_id, []).append(a)
    for item in store.items():
        base: tuple[Value, ...] = (
            inspections[item.inspection_id], item.kind.value, item.number,
            richtext.to_plain(item.text), _deadline(item), item.area, item.board, item.lead,
            item.status, item.review_date)
        rows = sorted(by_item.get(item.id, ()), key=lambda a: order.get(a.period_id, 0))
        if not rows:
            yield base + (None,) * (len(COLUMNS) - len(base))
            continue
        for a in rows:
            dot = dots[a.period_id].get(item.id)
            yield base + (
                label[a.period_id], a.rag, dot.value if dot else None, a.status_note,
                richtext.to_plain(a.update), richtext.to_plain(a.intent_and_implementation),
                richtext.to_plain(a.impact), a.draft)
