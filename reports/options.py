"""What to print: :class:`ReportOptions` as the user chose them, and :func:`resolve` against a store.

Options hold ids and words only (no store), so the dialog can build them on the
GUI thread and the worker can resolve them against its own read-only Store.
``resolve`` fills the defaults (periods with ratings, owner and team from the
settings, the meeting from the period) and refuses, with a sentence for a
person, anything that would print an empty or wrong report.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from ragdesk.domain import Inspection, InspectionId, Item, ItemId, Period, PeriodId
from ragdesk.errors import RagdeskError
from ragdesk.storage import Storage

Kind = Literal["recommendations", "peel"]
KINDS: tuple[str, ...] = ("recommendations", "peel")
MARKINGS: tuple[str | None, ...] = (None, "OFFICIAL", "OFFICIAL-SENSITIVE")
PAPERS: tuple[str, ...] = ("A4", "Letter")
# The file's own marking (settings key "report_marking"): board papers are almost always
# marked, so a file that says nothing means OFFICIAL; "none" is a deliberate choice.
MARKING_SETTING = "report_marking"
DEFAULT_MARKING = "OFFICIAL"
NO_MARKING = "none"


def file_marking(settings: dict[str, str]) -> str | None:
    """The protective marking a file's reports carry unless the person printing changes it."""
    value = (settings.get(MARKING_SETTING) or "").strip()
    if not value:
        return DEFAULT_MARKING
    if value.lower() == NO_MARKING:
        return None
    return value if value in MARKINGS else DEFAULT_MARKING


class ReportError(RagdeskError):
    """A report cannot be made as asked (no items, unknown period...); the message says why."""


class ReportCancelled(RagdeskError):
    """The user cancelled while the report was being built; nothing was written."""

    def __init__(self) -> None:
        super().__init__("The report was cancelled.")


Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]


class Ticker:
    """Progress and cancel of one report build, PDF or Word: ``tick()`` after each item
    (reports ``(done, total)`` and honours a cancel), ``check()`` between other steps."""

    def __init__(self, total: int, progress: Progress | None, cancelled: Cancelled | None) -> None:
        self.done, self.total = 0, max(1, total)
        self.progress, self.cancelled = progress, cancelled

    def check(self) -> None:
        if self.cancelled is not None and self.cancelled():
            raise ReportCancelled()

    def tick(self) -> None:
        self.done += 1
        self.check()
        if self.progress is not None:
            self.progress(min(self.done, self.total), self.total)


@dataclass(frozen=True)
class ReportOptions:
    """The choices behind one report. ``None`` means "the sensible default"."""

    kind: Kind = "recommendations"
    inspection_ids: tuple[InspectionId, ...] = ()  # () = every inspection of the report's kind
    item_ids: tuple[ItemId, ...] | None = None  # None = all items of those inspections
    period_ids: tuple[PeriodId, ...] = ()  # () = every period with ratings; the last is "current"
    marking: str | None = None
    paper: str = "A4"
    document_owner: str | None = None
    team: str | None = None
    meeting: str | None = None  # "P&RSB 26 June 2024"; default from the current period
    generated: dt.date | None = None  # default today (a parameter so tests can fix it)
    summary: bool = False  # a summary page first (reports/summary.py)
    changes_since: PeriodId | None = None  # period id: a "Changes since" section first


@dataclass(frozen=True)
class Resolved:
    """Options resolved against a store: the records a report prints, in order."""

    options: ReportOptions
    inspections: list[Inspection]
    items: list[Item]
    periods: list[Period]
    document_owner: str
    team: str
    meeting: str
    generated: dt.date
    marking: str | None = None
    paper: str = "A4"
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def current(self) -> Period:
        return self.periods[-1]


def is_peel(inspection: Inspection) -> bool:
    return "peel" in (inspection.kind or "").lower() or inspection.title.lower().startswith("peel")


def default_kind(inspections: list[Inspection]) -> Kind:
    """PEEL inspections print as the PEEL matrix; everything else as report 1."""
    return "peel" if inspections and all(is_peel(i) for i in inspections) else "recommendations"


def resolve(store: Storage, options: ReportOptions) -> Resolved:
    if options.kind not in KINDS:
        raise ReportError(f"“{options.kind}” is not a report format: use recommendations or peel.")
    if options.marking not in MARKINGS:
        raise ReportError(f"“{options.marking}” is not a protective marking: "
                          "use OFFICIAL or OFFICIAL-SENSITIVE.")
    if options.paper not in PAPERS:
        raise ReportError(f"“{options.paper}” is not a paper size: use A4 or Letter.")
    all_inspections = store.inspections()
    if options.inspection_ids:
        by_id = {i.id: i for i in all_inspections}
        missing = [i for i in options.inspection_ids if i not in by_id]
        if missing:
            raise ReportError(f"There is no inspection with id {missing[0]}.")
        inspections = [by_id[i] for i in options.inspection_ids]
    else:
        wanted_peel = options.kind == "peel"
        inspections = [i for i in all_inspections if is_peel(i) == wanted_peel] or all_inspections
    items: list[Item] = []
    for inspection in inspections:
        items += store.items(inspection.id)
    if options.item_ids is not None:
        chosen = set(options.item_ids)
        items = [i for i in items if i.id in chosen]
    if not items:
        if not inspections:
            raise ReportError("There are no items to print: this file has no inspections yet.")
        names = "; ".join(f"“{i.title}”" for i in inspections)
        raise ReportError(f"There are no items to print in {names}.")
    periods = _periods(store, options, {i.id for i in items})
    settings = store.settings()
    current = periods[-1]
    when = f"{current.date.day} {current.date:%B %Y}" if current.date else current.label
    board = settings.get("board", "").strip()
    meeting = options.meeting if options.meeting is not None else (
        current.meeting or (f"{board} {when}" if board else when))
    return Resolved(
        options=options, inspections=inspections, items=items, periods=periods,
        document_owner=(options.document_owner if options.document_owner is not None
                        else settings.get("document_owner", "")),
        team=options.team if options.team is not None else settings.get("team", ""),
        meeting=meeting, generated=options.generated or dt.date.today(),
        marking=options.marking, paper=options.paper)


def _periods(store: Storage, options: ReportOptions, item_ids: set[int]) -> list[Period]:
    all_periods = store.periods()
    if not all_periods:
        raise ReportError("There are no reporting periods yet: add one before printing.")
    if options.period_ids:
        by_id = {p.id: p for p in all_periods}
        missing = [p for p in options.period_ids if p not in by_id]
        if missing:
            raise ReportError("A chosen reporting period no longer exists.")
        chosen = sorted({by_id[p] for p in options.period_ids}, key=lambda p: (p.position, p.id))
    else:
        rated = {pid for (iid, pid), (rag, _) in store.rag_grid().items() if iid in item_ids and rag}
        chosen = [p for p in all_periods if p.id in rated] or all_periods[-1:]
    if options.kind == "recommendations":
        chosen = chosen[-1:]
    return chosen
