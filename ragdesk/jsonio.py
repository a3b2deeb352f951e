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

import csv
import datetime as dt
import io
import json
from collections.abc import Callable
from typing import Any

from . import tracker
from .domain import ItemKind
from .errors import ImportFailed, RagdeskError
from .store import Store

FORMAT = "ragdesk"
FORMAT_VERSION = 1
ITEM_KEYS = ("kind", "number", "reference", "text", "deadline", "area", "board", "lead",
             "dashboard", "status", "review_date")
ASSESSMENT_KEYS = ("period", "rag", "dot", "status_note", "update", "intent_and_implementation",
                   "impact", "draft")


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def export_data(store: Store, *, with_audit: bool = True) -> dict[str, Any]:
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
        "settings": store.settings(),
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


def export_json(store: Store, *, with_audit: bool = True) -> str:
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


def export_csv(store: Store, *, bom: bool = False) -> str:
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


def _require(condition: bool, where: str, message: str) -> None:
    if not condition:
        raise ImportFailed(f"{where}: {message}")


def import_data(store: Store, data: Any,
                progress: Callable[[int, int], None] | None = None) -> dict[str, int]:
    """Add the inspections, items, periods and assessments in ``data`` to ``store``.

    One transaction: if anything is wrong nothing is added, and the error names
    the place (``inspections[0].items[3].rag``). Periods are matched by label.
    Returns counts of what was added.
    """
    _require(isinstance(data, dict), "file", "the JSON must be an object with an “inspections” list")
    if data.get("format") not in (None, FORMAT):
        raise ImportFailed(f"This JSON is not a ragdesk export (format “{data.get('format')}”).")
    if isinstance(data.get("version"), int) and data["version"] > FORMAT_VERSION:
        raise ImportFailed(f"This JSON was written by a newer ragdesk (format version "
                           f"{data['version']}); install the newer ragdesk to import it.")
    inspections = data.get("inspections")
    _require(isinstance(inspections, list), "inspections", "must be a list")
    total = sum(len(i.get("items") or []) for i in inspections if isinstance(i, dict))
    done = 0
    counts = {"inspections": 0, "items": 0, "periods": 0, "assessments": 0}
    try:
        with store.batch():
            for key, value in (data.get("settings") or {}).items():
                store.set_setting(str(key), "" if value is None else str(value))
            for n, r in enumerate(data.get("ratings") or []):
                where = f"ratings[{n}]"
                _require(isinstance(r, dict) and "code" in r, where, "needs a code")
                fields = {k: r[k] for k in ("label", "definition", "colour", "enabled") if k in r}
                try:
                    store.update_rating(str(r["code"]).upper(), **fields)
                except RagdeskError as e:
                    raise ImportFailed(f"{where}: {e}") from None
            periods: dict[str, int] = {p.label: p.id for p in store.periods()}

            def period_id(label: Any, where: str, date: Any = None, meeting: Any = "") -> int:
                _require(isinstance(label, str) and label.strip() != "", where,
                         "a period needs a label such as “Jun 2024”")
                label = label.strip()
                if label not in periods:
                    periods[label] = store.add_period(label, date=date, meeting=meeting or "",
                                                      carry_forward=False).id
                    counts["periods"] += 1
                return periods[label]

            for n, p in enumerate(data.get("periods") or []):
                _require(isinstance(p, dict), f"periods[{n}]", "must be an object")
                period_id(p.get("label"), f"periods[{n}].label", p.get("date"), p.get("meeting"))
            for n, ins in enumerate(inspections):
                where = f"inspections[{n}]"
                _require(isinstance(ins, dict), where, "must be an object")
                fields = {k: ins[k] for k in ("inspectorate", "kind", "published", "reference")
                          if ins.get(k) is not None}
                inspection = store.add_inspection(ins.get("title") or "", **fields)
                counts["inspections"] += 1
                items = ins.get("items") or []
                _require(isinstance(items, list), f"{where}.items", "must be a list")
                for m, it in enumerate(items):
                    iwhere = f"{where}.items[{m}]"
                    _require(isinstance(it, dict), iwhere, "must be an object")
                    kind = it.get("kind") or "recommendation"
                    _require(kind in {k.value for k in ItemKind}, f"{iwhere}.kind",
                             f"“{kind}” is not recommendation, afi or cause_of_concern")
                    fields = {k: it[k] for k in ITEM_KEYS if k in it and k != "kind" and it[k] is not None}
                    item = store.add_item(inspection.id, kind, **fields)
                    counts["items"] += 1
                    for k, a in enumerate(it.get("assessments") or []):
                        awhere = f"{iwhere}.assessments[{k}]"
                        _require(isinstance(a, dict), awhere, "must be an object")
                        pid = period_id(a.get("period"), f"{awhere}.period")
                        values = {key: a[key] for key in ASSESSMENT_KEYS[1:] if key in a}
                        if values.get("rag") is not None:
                            values["rag"] = str(values["rag"]).upper()
                        values["draft"] = bool(a.get("draft", False))
                        try:
                            store.save_assessment(item.id, pid, **values)
                        except RagdeskError as e:
                            raise ImportFailed(f"{awhere}: {e}") from None
                        counts["assessments"] += 1
                    done += 1
                    if progress:
                        progress(done, total)
    except ImportFailed:
        raise
    except RagdeskError as e:
        raise ImportFailed(f"The import was refused and nothing was added: {e}") from None
    return counts


def import_json(store: Store, text: str,
                progress: Callable[[int, int], None] | None = None) -> dict[str, int]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise ImportFailed(f"The file is not valid JSON (line {e.lineno}, column {e.colno}: "
                           f"{e.msg}). Nothing was imported.") from None
    return import_data(store, data, progress)
