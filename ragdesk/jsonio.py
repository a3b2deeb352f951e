"""JSON and CSV export, and all-or-nothing JSON import.

The JSON shape (documented in README.md) is the exchange format between forces
and the source of the bundled sample database. Rich-text fields carry the stored
HTML subset of :mod:`ragdesk.richtext`; an import sanitises them, so hand-written
or foreign HTML can never reach the database unfiltered.

Export then import into an empty database then export again gives the same JSON
(apart from ``audit``, which on the second export also records the import).
Evidence files are not part of the JSON (they stay inside the .db file).
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from . import schema, tracker, validate
from .domain import ItemKind, PeriodId
from .errors import ImportFailed, InvalidValue, RagdeskError
from .storage import Storage

FORMAT = "ragdesk"
FORMAT_VERSION = 1
ITEM_KEYS = ("kind", "number", "reference", "text", "deadline", "area", "board", "lead",
             "dashboard", "status", "review_date")
ASSESSMENT_KEYS = ("period", "rag", "dot", "status_note", "update", "intent_and_implementation",
                   "impact", "draft")
RICH_ITEM_KEYS = ("text", "dashboard")
RICH_ASSESSMENT_KEYS = ("update", "intent_and_implementation", "impact")


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def export_data(store: Storage, *, with_audit: bool = True) -> dict[str, Any]:
    """Everything in the file as plain JSON-able data, in display order."""
    periods = store.periods()
    label = {p.id: p.label for p in periods}
    by_item: dict[int, list[dict[str, Any]]] = {}
    for a in store.assessments():
        by_item.setdefault(a.item_id, []).append({
            "period": label[a.period_id], "rag": a.rag, "dot": a.dot.value if a.dot else None,
            "status_note": a.status_note, "update": a.update,
            "intent_and_implementation": a.intent_and_implementation, "impact": a.impact,
            "draft": a.draft,
        })
    items_by_inspection: dict[int, list[dict[str, Any]]] = {}
    for item in store.items():
        items_by_inspection.setdefault(item.inspection_id, []).append({
            "kind": item.kind.value, "number": item.number, "reference": item.reference,
            "text": item.text, "deadline": item.deadline.to_text(), "area": item.area,
            "board": item.board, "lead": item.lead, "dashboard": item.dashboard,
            "status": item.status, "review_date": _iso(item.review_date),
            "assessments": by_item.get(item.id, []),
        })
    data: dict[str, Any] = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        # the file's own identity (its local search index) stays with the file
        "settings": {k: v for k, v in store.settings().items() if k != schema.FILE_ID_SETTING},
        "ratings": [{"code": r.code, "label": r.label, "definition": r.definition,
                     "colour": r.colour, "enabled": r.enabled}
                    for r in store.ratings(include_disabled=True)],
        "periods": [{"label": p.label, "date": _iso(p.date), "meeting": p.meeting} for p in periods],
        "inspections": [{
            "title": i.title, "inspectorate": i.inspectorate, "kind": i.kind,
            "published": _iso(i.published), "reference": i.reference,
            "items": items_by_inspection.get(i.id, []),
        } for i in store.inspections()],
    }
    if with_audit:
        data["audit"] = [{"at": e.at, "user": e.user, "host": e.host, "entity": e.entity,
                          "record_id": e.record_id, "field": e.field, "old": e.old, "new": e.new}
                         for e in store.audit_log()]
    return data


def export_json(store: Storage, *, with_audit: bool = True) -> str:
    return json.dumps(export_data(store, with_audit=with_audit), ensure_ascii=False, indent=2) + "\n"


CSV_COLUMNS = list(tracker.KEYS)  # the tracker's columns; kept under this name for scripts


def _csv_text(value: tracker.Value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def export_csv(store: Storage, *, bom: bool = False) -> str:
    """One row per item and period (an item with no assessment gets one row), plain text.

    The columns are :data:`ragdesk.tracker.COLUMNS`, as in the Excel tracker; rich text
    is flattened with "• " bullets, dates are ISO (2023-04-30). ``bom`` starts the text
    with a UTF-8 byte-order mark: Excel reads a CSV file without one in the PC's legacy
    code page and turns "Łódź" or "–" into mojibake. Files get it, standard output not.
    """
    out = io.StringIO()
    if bom:
        out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in tracker.tracker_rows(store):
        writer.writerow([_csv_text(v) for v in row])
    return out.getvalue()


# --------------------------------------------------------------------------- import

TOP_KEYS = ("format", "version", "settings", "ratings", "periods", "inspections", "audit")
RATING_KEYS = ("code", "label", "definition", "colour", "text_colour", "enabled")
PERIOD_KEYS = ("label", "date", "meeting")
INSPECTION_KEYS = ("title", "inspectorate", "kind", "published", "reference", "items")
# ragdesk's own exports are 6 levels deep; anything far deeper is not a ragdesk file, and
# Python's JSON reader gives up (RecursionError) around 1,000 levels.
MAX_DEPTH = 64
_TOKENS = re.compile(r'"(?:[^"\\]++|\\.)*+"?|[\[\]{}]')


@dataclass
class _Plan:
    """The whole file checked and normalised, before anything is written."""

    settings: list[tuple[str, str]] = field(default_factory=list)
    ratings: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)
    periods: list[tuple[str, str, Any, str]] = field(default_factory=list)
    inspections: list[tuple[str, str, dict[str, Any], list[Any]]] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)


def _period_label(value: Any, where: str) -> str:
    label = validate.text(value, where).strip()
    if not label:
        validate.fail(where, "a period needs a label such as “Jun 2024”")
    return label


def _plan_item(it: Any, where: str, ignored: list[str]) -> tuple[str, str, dict[str, Any], list[Any]]:
    it = validate.obj(it, where)
    ignored += validate.unknown_keys(it, (*ITEM_KEYS, "assessments"), where)
    kind = validate.text(it.get("kind"), f"{where}.kind") or "recommendation"
    if kind not in {k.value for k in ItemKind}:
        validate.fail(f"{where}.kind", f"“{validate.shown(kind)}” is not recommendation, afi "
                                       "or cause_of_concern")
    fields: dict[str, Any] = {}
    for key in ITEM_KEYS[1:]:
        if it.get(key) is None:
            continue
        place = f"{where}.{key}"
        if key in RICH_ITEM_KEYS:
            fields[key] = validate.rich(it[key], place)
        else:
            fields[key] = validate.text(it[key], place, whole_numbers=key == "number")
    assessments = []
    for k, a in enumerate(validate.array(it.get("assessments"), f"{where}.assessments")):
        awhere = f"{where}.assessments[{k}]"
        a = validate.obj(a, awhere)
        ignored += validate.unknown_keys(a, ASSESSMENT_KEYS, awhere)
        label = _period_label(a.get("period"), f"{awhere}.period")
        values: dict[str, Any] = {}
        for key in ASSESSMENT_KEYS[1:]:
            if key not in a:
                continue
            place = f"{awhere}.{key}"
            if key == "draft":
                values[key] = validate.flag(a[key], place)
            elif key in RICH_ASSESSMENT_KEYS:
                values[key] = validate.rich(a[key], place)
            elif key in ("rag", "dot"):
                value = validate.optional_text(a[key], place)
                values[key] = value.upper() if key == "rag" and value is not None else value
            else:
                values[key] = validate.text(a[key], place)
        values.setdefault("draft", False)
        assessments.append((awhere, label, values))
    return where, kind, fields, assessments


def plan_import(data: Any) -> _Plan:
    """Check every value of an import and normalise it, writing nothing.

    Raises :class:`~ragdesk.errors.ImportFailed` naming the first bad place; the
    plan's ``ignored`` lists the places of keys ragdesk does not know.
    """
    try:
        return _plan(data)
    except InvalidValue as e:
        raise ImportFailed(str(e)) from None


def _plan(data: Any) -> _Plan:
    if not isinstance(data, dict):
        validate.fail("file", "the JSON must be an object with an “inspections” list, "
                              f"not {validate.describe(data)}")
    if data.get("format") not in (None, FORMAT):
        raise ImportFailed(f"This JSON is not a ragdesk export (format "
                           f"“{validate.shown(str(data.get('format')))}”).")
    version = data.get("version")
    if version is not None and (isinstance(version, bool) or not isinstance(version, int)):
        validate.fail("version", f"must be a whole number, not {validate.describe(version)}")
    if isinstance(version, int) and version > FORMAT_VERSION:
        raise ImportFailed(f"This JSON was written by a newer ragdesk (format version "
                           f"{version}); install the newer ragdesk to import it.")
    plan = _Plan()
    plan.ignored += validate.unknown_keys(data, TOP_KEYS, "")
    if "inspections" not in data:
        validate.fail("inspections", "is missing: the file needs an “inspections” list")
    inspections = validate.array(data.get("inspections"), "inspections", optional=False)
    settings = data.get("settings")
    for key, value in (validate.obj(settings, "settings") if settings is not None else {}).items():
        if key == schema.FILE_ID_SETTING:  # another file's identity: this one keeps its own
            continue
        plan.settings.append(validate.setting(key, value, "settings"))
    for n, r in enumerate(validate.array(data.get("ratings"), "ratings")):
        where = f"ratings[{n}]"
        r = validate.obj(r, where)
        plan.ignored += validate.unknown_keys(r, RATING_KEYS, where)
        if "code" not in r:
            validate.fail(where, "needs a code")
        code = validate.text(r["code"], f"{where}.code").strip().upper()
        fields = {k: (validate.flag(r[k], f"{where}.{k}", default=True) if k == "enabled"
                      else validate.text(r[k], f"{where}.{k}"))
                  for k in RATING_KEYS[1:] if k in r}
        plan.ratings.append((where, code, fields))
    for n, p in enumerate(validate.array(data.get("periods"), "periods")):
        where = f"periods[{n}]"
        p = validate.obj(p, where)
        plan.ignored += validate.unknown_keys(p, PERIOD_KEYS, where)
        plan.periods.append((where, _period_label(p.get("label"), f"{where}.label"),
                             validate.optional_text(p.get("date"), f"{where}.date"),
                             validate.text(p.get("meeting"), f"{where}.meeting")))
    for n, ins in enumerate(inspections):
        where = f"inspections[{n}]"
        ins = validate.obj(ins, where)
        plan.ignored += validate.unknown_keys(ins, INSPECTION_KEYS, where)
        title = validate.text(ins.get("title"), f"{where}.title").strip()
        if not title:
            validate.fail(f"{where}.title", "an inspection needs a title")
        fields = {k: validate.text(ins[k], f"{where}.{k}")
                  for k in INSPECTION_KEYS[1:-1] if ins.get(k) is not None}
        items = [_plan_item(it, f"{where}.items[{m}]", plan.ignored)
                 for m, it in enumerate(validate.array(ins.get("items"), f"{where}.items"))]
        plan.inspections.append((where, title, fields, items))
    return plan


def import_data(store: Storage, data: Any,
                progress: Callable[[int, int], None] | None = None, *,
                ignored: list[str] | None = None) -> dict[str, int]:
    """Add the inspections, items, periods and assessments in ``data`` to ``store``.

    Every value is checked first (:func:`plan_import`, nothing written), then all
    is written in one transaction: if anything is wrong nothing is added, and the
    error names the place (``inspections[0].items[3].rag``). Periods are matched
    by label. Keys ragdesk does not know are not imported; their places are added
    to ``ignored`` so the caller can say so. Returns counts of what was added.
    """
    plan = plan_import(data)
    if ignored is not None:
        ignored.extend(plan.ignored)
    total = sum(len(items) for *_rest, items in plan.inspections)
    done = 0
    counts = {"inspections": 0, "items": 0, "periods": 0, "assessments": 0}
    here = "file"  # the place being written, named if the store refuses it

    try:
        with store.batch():
            for key, value in plan.settings:
                here = f"settings.{validate.shown(key)}"
                store.set_setting(key, value)
            for where, code, fields in plan.ratings:
                here = where
                store.update_rating(code, **fields)
            periods: dict[str, PeriodId] = {p.label: p.id for p in store.periods()}

            def period_id(label: str, date: Any = None, meeting: str = "") -> PeriodId:
                if label not in periods:
                    periods[label] = store.add_period(label, date=date, meeting=meeting,
                                                      carry_forward=False).id
                    counts["periods"] += 1
                return periods[label]

            for where, label, date, meeting in plan.periods:
                here = where
                period_id(label, date, meeting)
            for where, title, fields, items in plan.inspections:
                here = where
                inspection = store.add_inspection(title, **fields)
                counts["inspections"] += 1
                for iwhere, kind, item_fields, assessments in items:
                    here = iwhere
                    item = store.add_item(inspection.id, kind, **item_fields)
                    counts["items"] += 1
                    for awhere, label, values in assessments:
                        here = awhere
                        store.save_assessment(item_id=item.id, period_id=period_id(label), **values)
                        counts["assessments"] += 1
                    done += 1
                    if progress:
                        progress(done, total)
    except ImportFailed:
        raise
    except RagdeskError as e:
        raise ImportFailed(f"{here}: {e} The import was refused and nothing was added.") from None
    return counts


def _reject_constant(name: str) -> Any:
    raise ImportFailed(f"The file holds {name}, which is not a JSON number; write a number or "
                       "null instead. Nothing was imported.")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ImportFailed(f"The number {validate.shown(text)} is too large to store; "
                           "nothing was imported.")
    return value


def _depth_problem(text: str) -> str | None:
    """Where brackets nest deeper than any ragdesk file ("line 3, column 40"), else None.

    Checked before parsing: a file of 100,000 ``[`` would exhaust Python's stack.
    """
    depth = 0
    for token in _TOKENS.finditer(text):
        mark = token.group()
        if mark in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                line = text.count("\n", 0, token.start()) + 1
                column = token.start() - text.rfind("\n", 0, token.start())
                return f"line {line}, column {column}"
        elif mark in "]}":
            depth -= 1
    return None


def decode_json(data: bytes) -> str:
    """The text of a JSON file: UTF-8 (a byte-order mark is allowed), else a clear refusal."""
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        raise ImportFailed("The file is UTF-32 text; JSON files must be UTF-8. Save it again as "
                           "UTF-8 and try again. Nothing was imported.")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or (
            len(data) >= 2 and (data[0] == 0 or data[1] == 0)):
        raise ImportFailed("The file is UTF-16 text (Notepad's “Unicode”); JSON files must be "
                           "UTF-8. Save it again choosing UTF-8 and try again. Nothing was imported.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        raise ImportFailed(f"The file is not UTF-8 text (line {line}: byte 0x{data[e.start]:02x} "
                           "is not valid UTF-8). Save it again as UTF-8. Nothing was imported.") from None


def parse_json(text: str | bytes) -> Any:
    """Parse a JSON document, turning every way it can be wrong into one clear ImportFailed."""
    if isinstance(text, bytes):
        text = decode_json(text)
    problem = _depth_problem(text)
    if problem:
        raise ImportFailed(f"The file nests brackets more than {MAX_DEPTH} deep ({problem}); "
                           "it is not a ragdesk export. Nothing was imported.")
    try:
        return json.loads(text, parse_constant=_reject_constant, parse_float=_finite)
    except json.JSONDecodeError as e:
        raise ImportFailed(f"The file is not valid JSON (line {e.lineno}, column {e.colno}: "
                           f"{e.msg}). Nothing was imported.") from None
    except RecursionError:
        raise ImportFailed("The file nests brackets too deeply; it is not a ragdesk export. "
                           "Nothing was imported.") from None
    except ValueError as e:  # e.g. an integer of more than 4,300 digits
        raise ImportFailed(f"The file holds a value that cannot be read ({validate.shown(str(e), 120)}). "
                           "Nothing was imported.") from None


def import_json(store: Storage, text: str | bytes,
                progress: Callable[[int, int], None] | None = None, *,
                ignored: list[str] | None = None) -> dict[str, int]:
    """:func:`import_data` of a JSON document given as text or as the file's bytes."""
    return import_data(store, parse_json(text), progress, ignored=ignored)


def describe_ignored(ignored: list[str], limit: int = 5) -> str:
    """One line naming the keys an import did not understand (and so left out)."""
    shown = ", ".join(ignored[:limit])
    more = f" and {len(ignored) - limit} more" if len(ignored) > limit else ""
    return (f"Ignored {len(ignored)} key{'s' if len(ignored) != 1 else ''} that ragdesk does "
            f"not know: {shown}{more}.")
