"""The overview a board asks for: ratings per period, per board and per lead, statuses, lists.

Built from the Store's public reads (``item_rows``, ``rating_columns``, ``items``,
``periods``, ``statuses``) in a few queries whatever the file's size, so the window
can recompute it on every change and the CLI and the printed summary page show the
very same numbers. Every count keeps the ids of the items behind it: a click on a
bar or a number filters the tree to exactly those items.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from .domain import Deadline, Inspection, ItemKind, ItemRow, Period
from .storage import Storage

NONE = "none"  # the key of "not rated" in every counts dict (JSON and window alike)
PROPOSED_FOR_CLOSURE = "proposed_for_closure"
DEFAULT_REVIEW_DAYS = 30


@dataclass(frozen=True)
class Tally:
    """How many items have each rating, and which items they are.

    ``counts`` always has every rating code of the scale (even at 0) plus ``"none"``,
    in scale order, so charts and tables line up across periods.
    """

    items: dict[str, list[int]]  # never changed once built

    @property
    def counts(self) -> dict[str, int]:
        return {code: len(ids) for code, ids in self.items.items()}

    @property
    def total(self) -> int:
        return sum(len(ids) for ids in self.items.values())


@dataclass(frozen=True)
class PeriodTally:
    """The ratings of one inspection's items (or of all, ``inspection_id`` None) in a period."""

    inspection_id: int | None
    inspection: str
    period_id: int
    period: str
    tally: Tally


@dataclass(frozen=True)
class GroupTally:
    """Where a board's (or a lead's) items stand now: their latest ratings and how many are overdue."""

    name: str
    tally: Tally
    overdue: list[int]


@dataclass(frozen=True)
class StatusCount:
    code: str
    label: str
    finished: bool
    items: tuple[int, ...]


@dataclass(frozen=True)
class ListedItem:
    """One row of an overview list (overdue, review due, no update, proposed for closure)."""

    id: int
    inspection_id: int
    inspection: str
    kind: ItemKind
    number: str
    title: str
    rag: str | None
    due: Deadline
    review_date: dt.date | None
    board: str
    lead: str
    status: str

    @property
    def label(self) -> str:
        return f"{self.kind.short} {self.number}".strip()

    @property
    def deadline(self) -> str:
        """As printed: "30 April 2023", "With immediate effect" or ""."""
        return str(self.due)

    @property
    def deadline_iso(self) -> str | None:
        return self.due.to_text()


@dataclass(frozen=True)
class Overview:
    """Everything the Overview shows, for one inspection or all of them."""

    inspection_id: int | None
    today: dt.date
    review_days: int
    ratings: list[str]  # the scale's codes, best last as stored (RED, AMBER, GREEN[, BLUE])
    current: Period | None  # the period the "no update" list is about
    periods: list[PeriodTally]  # per inspection per period (JSON, CLI)
    trend: list[PeriodTally]  # per period over the whole scope (the chart)
    by_board: list[GroupTally]
    by_lead: list[GroupTally]
    statuses: list[StatusCount]
    overdue: list[ListedItem]
    review_due: list[ListedItem]
    no_update: list[ListedItem]
    proposed: list[ListedItem]
    labels: dict[int, str] = field(default_factory=dict)  # item id -> "AFI 3" (click-through text)

    def to_json(self) -> dict[str, Any]:
        """The shape ``ragdesk overview --format json`` prints (documented in README)."""
        def listed(rows: list[ListedItem], date_key: str) -> list[dict[str, Any]]:
            out = []
            for r in rows:
                when = r.deadline_iso if date_key == "deadline" else (
                    r.review_date.isoformat() if r.review_date else None)
                out.append({"inspection": r.inspection, "kind": r.kind.value, "number": r.number,
                            date_key: when, "rag": r.rag})
            return out

        def groups(rows: list[GroupTally], key: str) -> list[dict[str, Any]]:
            return [{key: g.name, "counts": g.tally.counts, "overdue": len(g.overdue)} for g in rows]

        return {
            "periods": [{"inspection": p.inspection, "period": p.period, "counts": p.tally.counts}
                        for p in self.periods],
            "overdue": listed(self.overdue, "deadline"),
            "review_due": listed(self.review_due, "review_date"),
            "by_board": groups(self.by_board, "board"),
            "by_lead": groups(self.by_lead, "lead"),
            "statuses": [{"status": s.code, "label": s.label, "count": len(s.items)}
                         for s in self.statuses],
            "proposed_for_closure": listed(self.proposed, "deadline"),
            "no_update": {"period": self.current.label if self.current else None,
                          "items": listed(self.no_update, "deadline")},
        }


def _empty_tally(codes: list[str]) -> dict[str, list[int]]:
    return {**{c: [] for c in codes}, NONE: []}


def _freeze(buckets: dict[str, list[int]]) -> Tally:
    return Tally(buckets)


def build_overview(store: Storage, *, inspection_id: int | None = None,
                   today: dt.date | None = None, review_days: int = DEFAULT_REVIEW_DAYS,
                   current_period_id: int | None = None, last_periods: int | None = None) -> Overview:
    """The overview of one inspection (or all, ``None``) as of ``today``.

    A period counts for an inspection once any of its items has an assessment in it;
    then every item of the inspection is counted in it, unrated ones as ``"none"``.
    Boards and leads show each item's latest rating (what the tree shows). Overdue is
    the tree's rule: deadline passed, not GREEN/BLUE, status not finished.
    ``current_period_id`` (default: the last period) is the one "no update" is about:
    an unfinished item with no assessment there, or only the draft carried forward.
    ``last_periods`` limits the trend to the latest N periods (None: all).
    """
    today = today or dt.date.today()
    inspections = store.inspections()
    titles: dict[int, str] = {i.id: i.title for i in inspections}
    rows = [r for r in store.item_rows(today=today)
            if inspection_id is None or r.inspection_id == inspection_id]
    ratings = [r.code for r in store.ratings(include_disabled=True)]
    codes = set(ratings)
    statuses = store.statuses()
    finished = {s.code for s in statuses if s.finished}
    all_periods = store.periods()
    current = next((p for p in all_periods if p.id == current_period_id), None) \
        if current_period_id is not None else (all_periods[-1] if all_periods else None)
    periods = all_periods[-last_periods:] if last_periods else all_periods
    wanted = [p.id for p in periods]
    if current is not None and current.id not in wanted:
        wanted.append(current.id)
    columns = store.rating_columns(wanted)  # one index-only read per period shown

    per_inspection: dict[int, list[ItemRow]] = {}
    for r in rows:
        per_inspection.setdefault(r.inspection_id, []).append(r)
    inspection_of: dict[int, int] = {r.id: r.inspection_id for r in rows}
    ordered: list[Inspection] = [i for i in inspections if i.id in per_inspection]

    period_tallies: list[PeriodTally] = []
    trend: list[PeriodTally] = []
    for period in periods:
        rags, _drafts = columns.get(period.id, ({}, set()))
        found: dict[int, dict[str, list[int]]] = {}
        for item_id, rag in rags.items():
            owner = inspection_of.get(item_id)
            if owner is None:
                continue
            buckets = found.get(owner)
            if buckets is None:
                buckets = found[owner] = _empty_tally(ratings)
            buckets[rag if rag in codes else NONE].append(item_id)
        if not found:
            continue
        whole = _empty_tally(ratings)
        for inspection in ordered:
            buckets = found.get(inspection.id)
            if buckets is None:
                continue  # not reported on in this period
            # an item of an inspection reported on, without an assessment: not rated
            buckets[NONE] += [r.id for r in per_inspection[inspection.id] if r.id not in rags]
            for code, ids in buckets.items():
                whole[code] += ids
            period_tallies.append(PeriodTally(inspection.id, inspection.title, period.id,
                                              period.label, _freeze(buckets)))
        title = titles.get(inspection_id, "") if inspection_id is not None else "All inspections"
        trend.append(PeriodTally(inspection_id, title, period.id, period.label, _freeze(whole)))

    def grouped(attr: str) -> list[GroupTally]:
        buckets: dict[str, dict[str, list[int]]] = {}
        late: dict[str, list[int]] = {}
        for r in rows:
            name = getattr(r, attr)
            tally = buckets.get(name)
            if tally is None:
                tally = buckets[name] = _empty_tally(ratings)
            tally[r.rag if r.rag in codes else NONE].append(r.id)
            if r.overdue:
                late.setdefault(name, []).append(r.id)
        names = sorted(buckets, key=lambda n: (n == "", n.lower()))
        return [GroupTally(n, _freeze(buckets[n]), late.get(n, [])) for n in names]

    by_status: dict[str, list[int]] = {}
    for r in rows:
        by_status.setdefault(r.status, []).append(r.id)
    status_counts = [StatusCount(s.code, s.label, s.finished, tuple(by_status.get(s.code, ())))
                     for s in statuses]

    review_dates = store.review_dates()
    horizon = today + dt.timedelta(days=review_days)

    def listed(r: ItemRow) -> ListedItem:
        return ListedItem(
            id=r.id, inspection_id=r.inspection_id, inspection=titles.get(r.inspection_id, ""),
            kind=r.kind, number=r.number, title=r.title, rag=r.rag, due=r.deadline,
            review_date=review_dates.get(r.id),
            board=r.board, lead=r.lead, status=r.status)

    overdue = sorted((listed(r) for r in rows if r.overdue),
                     key=lambda x: (x.deadline_iso or "", x.inspection_id, x.id))
    review_due = sorted(
        (listed(r) for r in rows if r.status not in finished
         and (when := review_dates.get(r.id)) is not None and when <= horizon),
        key=lambda x: (x.review_date or today, x.inspection_id, x.id))
    no_update: list[ListedItem] = []
    if current is not None:
        rags, drafts = columns.get(current.id, ({}, set()))
        no_update = [listed(r) for r in rows
                     if r.status not in finished and (r.id not in rags or r.id in drafts)]
    proposed = [listed(r) for r in rows if r.status == PROPOSED_FOR_CLOSURE]
    return Overview(
        inspection_id=inspection_id, today=today, review_days=review_days, ratings=ratings,
        current=current, periods=period_tallies, trend=trend, by_board=grouped("board"),
        by_lead=grouped("lead"), statuses=status_counts, overdue=overdue, review_due=review_due,
        no_update=no_update, proposed=proposed, labels={r.id: r.label for r in rows})


def format_text(overview: Overview) -> str:
    """The overview as plain text for a terminal (``ragdesk overview``)."""
    codes = [*overview.ratings, NONE]
    width = max([len("Period"), *(len(p.period) for p in overview.periods)]) + 2
    lines: list[str] = []
    last = None
    for p in overview.periods:
        if p.inspection != last:
            if lines:
                lines.append("")
            lines.append(p.inspection)
            lines.append("  " + "Period".ljust(width) + "".join(c.rjust(7) for c in codes))
            last = p.inspection
        counts = p.tally.counts
        lines.append("  " + p.period.ljust(width) + "".join(str(counts[c]).rjust(7) for c in codes))
    if not overview.periods:
        lines.append("No ratings yet.")

    def table(title: str, groups: list[GroupTally]) -> None:
        lines.extend(["", title])
        w = max([12, *(len(g.name or "(none)") for g in groups)]) + 2
        lines.append("  " + "".ljust(w) + "".join(c.rjust(7) for c in codes) + "Overdue".rjust(9))
        for g in groups:
            counts = g.tally.counts
            lines.append("  " + (g.name or "(none)").ljust(w)
                         + "".join(str(counts[c]).rjust(7) for c in codes) + str(len(g.overdue)).rjust(9))

    table("By board (latest rating)", overview.by_board)
    table("By lead (latest rating)", overview.by_lead)
    lines.extend(["", "Status"])
    for s in overview.statuses:
        lines.append(f"  {s.label:<40}{len(s.items):>5}")

    def listing(title: str, rows: list[ListedItem], what: str) -> None:
        lines.extend(["", f"{title}: {len(rows)}"])
        for r in rows:
            when = str(r.review_date or "") if what == "review" else r.deadline
            lines.append(f"  {r.label:<10} {r.rag or '-':<6} {when:<22} {r.inspection}")

    listing("Overdue", overview.overdue, "deadline")
    listing(f"Review due within {overview.review_days} days", overview.review_due, "review")
    current = overview.current.label if overview.current else "-"
    listing(f"No update for {current}", overview.no_update, "deadline")
    listing("Proposed for closure", overview.proposed, "deadline")
    return "\n".join(lines) + "\n"
