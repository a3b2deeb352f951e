"""The domain model: plain, immutable records the store returns and every layer shares.

Records are frozen dataclasses so a widget cannot change one behind the store's
back; every change goes through a ``Store`` operation. Each stored record carries
``version`` (bumped on every save) so a save can check nobody else saved first.
Rich-text fields hold the stored HTML subset of :mod:`ragdesk.richtext`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum
from typing import NewType

InspectionId = NewType("InspectionId", int)
ItemId = NewType("ItemId", int)
PeriodId = NewType("PeriodId", int)
AssessmentId = NewType("AssessmentId", int)
EvidenceId = NewType("EvidenceId", int)


class ItemKind(StrEnum):
    RECOMMENDATION = "recommendation"
    AFI = "afi"
    CAUSE_OF_CONCERN = "cause_of_concern"

    @property
    def heading(self) -> str:
        """The words printed before the number: "Recommendation 13"."""
        return {
            ItemKind.RECOMMENDATION: "Recommendation",
            ItemKind.AFI: "Area for improvement",
            ItemKind.CAUSE_OF_CONCERN: "Cause of concern",
        }[self]

    @property
    def short(self) -> str:
        return {
            ItemKind.RECOMMENDATION: "Rec",
            ItemKind.AFI: "AFI",
            ItemKind.CAUSE_OF_CONCERN: "CoC",
        }[self]


class Dot(StrEnum):
    """Direction of travel since the previous reporting period."""

    SAME = "="
    UP = "+"
    DOWN = "-"


WITH_IMMEDIATE_EFFECT = "with immediate effect"


# A status note longer than this does not fit the PEEL report's narrow Area column: the
# report prints it in the wide Update column instead, and the editor counts a note's
# characters against it (issue 19: 5,000 characters ran over four pages).
STATUS_NOTE_PRINT_LIMIT = 600

@dataclass(frozen=True, slots=True)
class Rating:
    """One step of the rating scale (RED, AMBER, GREEN and optionally BLUE).

    ``rank`` orders the scale for the direction of travel (higher is better).
    The colour is never shown alone: every view prints ``code`` or ``letter`` too.
    """

    code: str
    label: str
    definition: str
    colour: str
    text_colour: str
    rank: int
    enabled: bool = True

    @property
    def letter(self) -> str:
        return self.code[:1]


@dataclass(frozen=True, slots=True)
class Status:
    code: str
    label: str
    finished: bool
    position: int


@dataclass(frozen=True, slots=True)
class Inspection:
    id: InspectionId
    title: str
    inspectorate: str = "HMICFRS"
    kind: str = ""
    published: dt.date | None = None
    reference: str = ""
    position: int = 0
    version: int = 1
    updated_at: str = ""
    updated_by: str = ""


@dataclass(frozen=True, slots=True)
class Deadline:
    """A deadline is a date, "with immediate effect", or nothing."""

    date: dt.date | None = None
    immediate: bool = False

    def __str__(self) -> str:
        if self.immediate:
            return "With immediate effect"
        return self.date.strftime("%d %B %Y").lstrip("0") if self.date else ""

    def to_text(self) -> str | None:
        """The stored/exported form: ISO date, "with immediate effect" or None."""
        if self.immediate:
            return WITH_IMMEDIATE_EFFECT
        return self.date.isoformat() if self.date else None

    @classmethod
    def parse(cls, text: str | None) -> Deadline:
        """Read what a person typed: ISO, UK day-first dates, or "with immediate effect".

        Raises ValueError with a readable message for anything else.
        """
        value = (text or "").strip()
        if not value:
            return cls()
        if value.lower().rstrip(".") in {WITH_IMMEDIATE_EFFECT, "immediate", "immediately"}:
            return cls(immediate=True)
        return cls(date=parse_date(value))


_MONTHS = {
    m.lower(): i
    for i, names in enumerate(
        [
            ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
            ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
            ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for m in names
}


def parse_date(text: str) -> dt.date:
    """Parse a date as UK users write it: 2024-06-30, 30/06/2024, 30.06.24, 30 June 2024.

    Day first, never month first (this is a UK product). Raises ValueError saying
    what was expected.
    """
    value = text.strip()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        pass
    m = re.fullmatch(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})", value)
    if m:
        day, month, year = int(m[1]), int(m[2]), int(m[3])
        if year < 100:
            year += 2000
        try:
            return dt.date(year, month, day)
        except ValueError:
            pass
    m = re.fullmatch(r"(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]+)\.?,?\s+(\d{4})", value)
    if m and m[2].lower() in _MONTHS:
        try:
            return dt.date(int(m[3]), _MONTHS[m[2].lower()], int(m[1]))
        except ValueError:
            pass
    raise ValueError(f"“{text}” is not a date. Type it as 30/06/2024 or 30 June 2024.")


@dataclass(frozen=True, slots=True)
class Item:
    """A recommendation, area for improvement or cause of concern."""

    id: ItemId
    inspection_id: InspectionId
    kind: ItemKind
    number: str
    text: str = ""
    reference: str = ""
    deadline: Deadline = Deadline()
    area: str = ""
    board: str = ""
    lead: str = ""
    dashboard: str = ""
    status: str = "open"
    review_date: dt.date | None = None
    position: int = 0
    version: int = 1
    updated_at: str = ""
    updated_by: str = ""

    @property
    def heading(self) -> str:
        return f"{self.kind.heading} {self.number}".strip()

    @property
    def label(self) -> str:
        return f"{self.kind.short} {self.number}".strip()


def stored_form(value: object) -> object:
    """A record attribute as the database keeps it (dates as ISO text, enums as their
    values, booleans as 0/1), so old and new values compare, audit and save back alike."""
    if isinstance(value, Deadline):
        return value.to_text()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (ItemKind, Dot)):
        return value.value
    if isinstance(value, bool):
        return int(value)
    return value


@dataclass(frozen=True, slots=True)
class Period:
    """A reporting period: a column of the RAG grid."""

    id: PeriodId
    label: str
    date: dt.date | None = None
    meeting: str = ""
    position: int = 0


@dataclass(frozen=True, slots=True)
class Assessment:
    """One item's rating and narrative in one reporting period.

    ``dot`` is the override the user chose (None = derive it from the previous
    period); ``Store.directions`` gives the effective value.
    """

    id: AssessmentId
    item_id: ItemId
    period_id: PeriodId
    rag: str | None = None
    dot: Dot | None = None
    status_note: str = ""
    update: str = ""
    intent_and_implementation: str = ""
    impact: str = ""
    draft: bool = False
    version: int = 1
    updated_at: str = ""
    updated_by: str = ""


@dataclass(frozen=True, slots=True)
class Evidence:
    """A file attached to an item (its bytes are fetched separately: they can be large)."""

    id: EvidenceId
    item_id: ItemId
    name: str
    size: int
    mime: str
    note: str
    added_by: str
    added_at: str


@dataclass(frozen=True, slots=True)
class ItemRow:
    """What the tree and grid need to draw an item, fetched in one query for all items.

    ``rag`` is the rating in the latest period that has one; ``overdue`` is true when
    the deadline has passed and the item is neither GREEN/BLUE nor finished.
    """

    id: ItemId
    inspection_id: InspectionId
    kind: ItemKind
    number: str
    title: str
    status: str
    rag: str | None
    deadline: Deadline
    overdue: bool
    area: str
    board: str
    lead: str
    position: int

    @property
    def label(self) -> str:
        return f"{self.kind.short} {self.number}".strip()


_PREAMBLES = [
    re.compile(p, re.IGNORECASE)
    for p in (
        r"(by|with)\s[^,]{3,40},\s*",  # "By 30 April 2023, "
        r"(in the forces where|to protect) [^,]*,\s*",
        r"chief constables(\s+who have not already(\s+done so)?)?\s+(should|must)\s*",
        r"(the )?forces? (needs to|should)\s+",
        r"(make sure|ensure)( that)?\s*",
        r"[:;,]\s*",
    )
]


def short_title(plain_text: str, limit: int = 90) -> str:
    """What an item is about, in a few words, for a tree row.

    Inspection wording starts alike ("By 30 April 2023, chief constables should
    make sure that: ..."), so the shared preamble is dropped and rows are told
    apart by what follows it.
    """
    text = " ".join(plain_text.split())
    changed = True
    while changed and text:
        changed = False
        for pattern in _PREAMBLES:
            match = pattern.match(text)
            if match and match.end() < len(text):
                text, changed = text[match.end():], True
    first = re.split(r"(?<=[.;])\s", text, maxsplit=1)[0].rstrip(" ;:")
    if len(first) > limit:
        first = first[: limit - 1].rstrip() + "…"
    return first[:1].upper() + first[1:]
