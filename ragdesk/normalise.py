"""Field values as the file stores them: checked and normalised, with no SQL.

Every way in (the editor, ``import-json``, the Word/Excel importers, the CLI) reaches the
file through :class:`~ragdesk.store.Store`, which runs these first, so a value is held to
the same rules whichever way it came. What needs the file's own lists (statuses, ratings)
is passed in or checked by the store.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from . import richtext
from .domain import Deadline, Dot, ItemKind, parse_date
from .errors import InvalidValue

INSPECTION_FIELDS = ("title", "inspectorate", "kind", "published", "reference")
ITEM_FIELDS = ("kind", "number", "reference", "text", "deadline", "area", "board", "lead",
               "dashboard", "status", "review_date")
ASSESSMENT_FIELDS = ("rag", "dot", "status_note", "update", "intent_and_implementation",
                     "impact", "draft")
RICH_ITEM_FIELDS = ("text", "dashboard")
RICH_ASSESSMENT_FIELDS = ("update", "intent_and_implementation", "impact")


def date_or_none(value: Any, field_name: str) -> str | None:
    """An ISO date for the file from a date or what a person typed (``None`` if empty)."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    try:
        return parse_date(str(value)).isoformat()
    except ValueError as e:
        raise InvalidValue(field_name, str(e)) from None


def inspection_values(fields: dict[str, Any]) -> dict[str, Any]:
    """An inspection's fields as the file stores them, or :class:`InvalidValue` naming the bad one."""
    bad = set(fields) - set(INSPECTION_FIELDS)
    if bad:
        raise InvalidValue(next(iter(bad)), f"An inspection has no field {sorted(bad)}.")
    values = dict(fields)
    if "title" in values:
        values["title"] = str(values["title"] or "").strip()
        if not values["title"]:
            raise InvalidValue("title", "An inspection needs a title.")
    if "published" in values:
        values["published"] = date_or_none(values["published"], "published")
    for key in ("inspectorate", "kind", "reference"):
        if key in values:
            values[key] = str(values[key] or "")
    return values


def item_values(fields: dict[str, Any], status_code: Callable[[str], str]) -> dict[str, Any]:
    """An item's fields as the file stores them. ``status_code`` maps a status code or label
    to its code (the statuses are the file's own, so the store passes its look-up)."""
    bad = set(fields) - set(ITEM_FIELDS)
    if bad:
        raise InvalidValue(next(iter(bad)), f"An item has no field {sorted(bad)}.")
    values = dict(fields)
    if "kind" in values:
        try:
            values["kind"] = ItemKind(values["kind"]).value
        except ValueError:
            raise InvalidValue("kind", f"“{values['kind']}” is not a kind of item; use "
                               "recommendation, afi or cause_of_concern.") from None
    if "deadline" in values:
        deadline = values["deadline"]
        if not isinstance(deadline, Deadline):
            try:
                deadline = Deadline.parse(None if deadline is None else str(deadline))
            except ValueError as e:
                raise InvalidValue("deadline", str(e)) from None
        values["deadline"] = deadline.to_text()
    if "review_date" in values:
        values["review_date"] = date_or_none(values["review_date"], "review date")
    if "status" in values:
        values["status"] = status_code(str(values["status"] or "open"))
    for key in RICH_ITEM_FIELDS:
        if key in values:
            values[key] = richtext.sanitise(values[key])
    for key in ("number", "reference", "area", "board", "lead"):
        if key in values:
            values[key] = str(values[key] or "").strip()
    return values


def assessment_values(fields: dict[str, Any]) -> dict[str, Any]:
    """An assessment's fields as the file stores them; saving clears the draft mark unless
    ``draft`` is given. The rating code is checked against the file's ratings by the store."""
    bad = set(fields) - set(ASSESSMENT_FIELDS)
    if bad:
        raise InvalidValue(next(iter(bad)), f"An assessment has no field {sorted(bad)}.")
    values = dict(fields)
    if "dot" in values:
        dot = values["dot"]
        if dot in (None, ""):
            values["dot"] = None
        else:
            try:
                values["dot"] = Dot(str(dot).strip()).value
            except ValueError:
                raise InvalidValue("dot", f"“{dot}” is not a direction of travel; use =, + or -.") from None
    for key in RICH_ASSESSMENT_FIELDS:
        if key in values:
            values[key] = richtext.sanitise(values[key])
    if "status_note" in values:
        values["status_note"] = str(values["status_note"] or "")
    values.setdefault("draft", False)
    values["draft"] = int(bool(values["draft"]))
    return values
