"""What the front of a report says, for both writers: the summary's numbers and lists,
and the items whose rating moved since an earlier period.

``--summary`` and ``--changes-since P`` put the same front matter before the PDF
(:mod:`.summary`, ReportLab) and the Word document (:mod:`.word_front`); this module
decides its content once, limited to the report's items, so the two cannot disagree.
The numbers themselves come from the core (:mod:`ragdesk.overview`,
:mod:`ragdesk.changes`), as the window's Overview and the CLI show them.
"""

from __future__ import annotations

from dataclasses import dataclass

from ragdesk.changes import ItemChange, compare_periods
from ragdesk.domain import InspectionId, ItemId, Period, PeriodId, Rating
from ragdesk.overview import NONE, ListedItem, build_overview
from ragdesk.storage import Storage

from .options import ReportError, Resolved

MAX_PERIODS = 8  # bars that still read on a portrait page
NOT_RATED = "Not rated"


@dataclass(frozen=True)
class Summary:
    """The summary page: counts per rating per period, the overdue and proposed lists."""

    title: str  # the inspections it covers
    item_count: int
    as_at: str  # the report's period
    rows: list[tuple[str, dict[str, int]]]  # (period label, {code or NONE: count})
    used: list[Rating]  # the ratings that get a column, in scale order
    show_none: bool  # whether "Not rated" gets a column
    ratings: list[Rating]  # the whole scale (disabled too), to colour a listed item's rating
    overdue: list[ListedItem]
    proposed: list[ListedItem]

    @property
    def codes(self) -> list[str]:
        """The count columns, in order: the ratings used, then NONE when shown."""
        return [r.code for r in self.used] + ([NONE] if self.show_none else [])

    @staticmethod
    def heading(code: str) -> str:
        return NOT_RATED if code == NONE else code


@dataclass(frozen=True)
class ChangesSince:
    """"Changes since P": the report's items whose rating moved (or that are new)."""

    since: Period
    current: Period
    moved: list[ItemChange]
    ratings: list[Rating]

    @property
    def several_inspections(self) -> bool:
        return len({c.inspection_id for c in self.moved}) > 1

    @staticmethod
    def note(change: ItemChange) -> str:
        return change.status_note or ("New in this period." if "new" in change.changed else "–")

    @property
    def key(self) -> str:
        return " · ".join(f"{r.letter} = {r.code}" for r in self.ratings if r.enabled)


def _scope(resolved: Resolved) -> tuple[set[ItemId], InspectionId | None]:
    ids = {i.id for i in resolved.items}
    one = resolved.inspections[0].id if len(resolved.inspections) == 1 else None
    return ids, one


def summary(store: Storage, resolved: Resolved) -> Summary:
    ids, inspection_id = _scope(resolved)
    overview = build_overview(store, inspection_id=inspection_id, today=resolved.generated,
                              current_period_id=resolved.current.id)
    ratings = list(store.ratings(include_disabled=True))
    current_pos = resolved.current.position
    shown = {p.id for p in store.periods() if p.position <= current_pos}
    rows: list[tuple[str, dict[str, int]]] = []
    for t in overview.trend:
        if t.period_id not in shown:
            continue
        counts = {code: sum(1 for i in items if i in ids) for code, items in t.tally.items.items()}
        if sum(counts.values()):
            rows.append((t.period, counts))
    rows = rows[-MAX_PERIODS:]
    used = [r for r in ratings if r.enabled or any(c.get(r.code) for _, c in rows)]
    show_none = any(c.get(NONE) for _, c in rows)
    title = ", ".join(i.title for i in resolved.inspections) if len(resolved.inspections) <= 2 \
        else f"{len(resolved.inspections)} inspections"
    return Summary(title=title, item_count=len(ids), as_at=resolved.current.label, rows=rows,
                   used=used, show_none=show_none, ratings=ratings,
                   overdue=[x for x in overview.overdue if x.id in ids],
                   proposed=[x for x in overview.proposed if x.id in ids])


def changes_since(store: Storage, resolved: Resolved, since_id: PeriodId) -> ChangesSince:
    """The moves since ``since_id``; :class:`ReportError` when it is not an earlier period."""
    periods = {p.id: p for p in store.periods()}
    since = periods.get(since_id)
    if since is None:
        raise ReportError("The period to show changes since no longer exists.")
    current = resolved.current
    if since.position >= current.position:
        raise ReportError(f"“{since.label}” is not before the report's period “{current.label}”: "
                          "changes are shown since an earlier period.")
    ids, inspection_id = _scope(resolved)
    changes = compare_periods(store, since.id, current.id, inspection_id=inspection_id)
    moved = [c for c in changes.items
             if c.item_id in ids and ("rag" in c.changed or "new" in c.changed)]
    return ChangesSince(since=since, current=current, moved=moved,
                        ratings=list(store.ratings(include_disabled=True)))


NO_RATINGS = "No ratings yet for these items."
NO_OVERDUE = "No item is overdue."
NO_PROPOSED = "No item is proposed for closure."


def moved_line(data: ChangesSince) -> str:
    return (f"Items whose rating moved between {data.since.label} and {data.current.label}: "
            f"{len(data.moved)}")


def nothing_moved(data: ChangesSince) -> str:
    return f"No rating moved since {data.since.label}."
