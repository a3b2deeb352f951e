"""Finding an inspection or a reporting period from what a person typed on the command line.

``--inspection 3``, ``--inspection vetting``, ``--period "jun 2024"``: every command that
takes these (report, overview, changes, import) reads them the same way and says the same
thing when nothing, or more than one thing, matches.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .errors import NotFound

if TYPE_CHECKING:  # the window builds the parsers at start-up: it must not load the store
    from .domain import Inspection, Period
    from .storage import Storage


def find_inspection(store: Storage, text: str) -> Inspection:
    """An inspection by id, or the one whose title holds every word given (any case/order)."""
    value = text.strip()
    inspections = store.inspections()
    if value.isdigit():
        for inspection in inspections:
            if inspection.id == int(value):
                return inspection
    words = value.lower().split()
    matches = [i for i in inspections if words and all(w in i.title.lower() for w in words)]
    if len(matches) == 1:
        return matches[0]
    known = "; ".join(f"{i.id}: {i.title}" for i in inspections) or "none"
    if not matches:
        raise NotFound(f"There is no inspection “{text}”. Inspections: {known}.")
    raise NotFound(f"“{text}” matches {len(matches)} inspections; use more words or its id. "
                   f"Inspections: {known}.")


def find_period(store: Storage, text: str) -> Period:
    """A period by its label ("Jun 2024", any case and spacing) or id."""
    value = " ".join(text.split())
    periods = store.periods()
    for period in periods:
        if period.label.lower() == value.lower():
            return period
    if value.isdigit():
        for period in periods:
            if period.id == int(value):
                return period
    known = ", ".join(p.label for p in periods) or "none"
    raise NotFound(f"There is no reporting period “{text}”. Periods: {known}.")
