"""``ragdesk import`` for a unit's own records: Word appendices, Excel/CSV trackers, JSON.

:func:`read_plan` turns a file into an :class:`ImportPlan` (the window's preview uses it
too); :func:`cli_import` prints the plan and what it would change, and unless
``--dry-run`` applies it in one transaction. The file is read completely before the
database is opened, so a bad file never touches it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..errors import RagdeskError
from . import detect_format
from .plan import ImportPlan, apply, choose_target, diff
from .spreadsheet import Sheet, guess_mapping, plan_from_sheet, plans_from_sheet, read_sheet
from .word import read_docx


def read_plan(path: Path, fmt: str | None = None, *,
              mapping: dict[str, int] | None = None) -> tuple[ImportPlan, Sheet | None]:
    """The plan for a .docx, .xlsx or .csv file (and the sheet, for a spreadsheet's mapping)."""
    fmt = fmt or detect_format(path)
    if fmt == "docx":
        return read_docx(path), None
    if fmt in ("xlsx", "csv"):
        sheet = read_sheet(path, fmt)
        return plan_from_sheet(sheet, mapping if mapping is not None else
                               guess_mapping(sheet.headers), path.name), sheet
    raise RagdeskError(f"{path.name}: this reader takes .docx, .xlsx and .csv files.")


def describe(plan: ImportPlan) -> list[str]:
    """The plan as lines of text: one per item (number, kind, text start, ratings), then problems."""
    lines = [f"{plan.source}: {plan.summary()}",
             f"Inspection: {plan.inspection_title or '(not named in the file)'}",
             "Periods: " + (", ".join(p.label for p in plan.periods) or "(not named in the file)")]
    for item in plan.included():
        ratings = " ".join(f"{label or '?'}={a.rag or '-'}" for label, a in item.assessments.items())
        narratives = sorted({k for a in item.assessments.values() for k in a.values()
                             if k not in ("rag", "dot")})
        lines.append(f"  {item.label:<8} {item.text_start(60):<60} {ratings}"
                     + (f" [{', '.join(narratives)}]" if narratives else ""))
    lines += [f"Problem: {p}" for p in plan.problems]
    return lines


class _DryRunDone(Exception):
    """Raised inside the dry run's transaction so that it rolls back."""


def _import_json(args: argparse.Namespace) -> int:
    """A ragdesk JSON export: the same checks as ``import-json`` (every bad value named by
    its place before anything is written), all or nothing; ``--dry-run`` stops after them."""
    from ..jsonio import describe_ignored, import_data, parse_json, plan_import
    from ..store import Store

    try:
        raw = Path(args.file).read_bytes()
    except OSError as e:
        raise RagdeskError(f"{args.file} could not be read: {e.strerror or e}") from None
    data = parse_json(raw)
    plan = plan_import(data)  # checked before the database is opened
    if args.dry_run:
        # Ratings and dates are checked against the file's own scale while importing: a dry
        # run does the import inside one transaction and rolls it back, so it refuses exactly
        # what the import would. The file ends byte for byte as it was.
        with Store.open(args.db) as store:
            try:
                with store.batch():
                    counts = import_data(store, data, ignored=[])
                    raise _DryRunDone
            except _DryRunDone:
                pass
        print("Would import " + ", ".join(f"{n} {k}" for k, n in counts.items())
              + " (dry run: nothing written).")
        if plan.ignored:
            print(f"ragdesk: {describe_ignored(plan.ignored)}", file=sys.stderr)
        return 0
    ignored: list[str] = []
    with Store.open(args.db) as store:
        counts = import_data(store, data, ignored=ignored)
    print("Imported " + ", ".join(f"{n} {k}" for k, n in counts.items()))
    if ignored:
        print(f"ragdesk: {describe_ignored(ignored)}", file=sys.stderr)
    return 0


def read_plans(path: Path, fmt: str | None = None) -> list[ImportPlan]:
    """As :func:`read_plan`, but a tracker naming several inspections in its Inspection
    column (ragdesk's own export) gives one plan per inspection."""
    fmt = fmt or detect_format(path)
    if fmt in ("xlsx", "csv"):
        sheet = read_sheet(path, fmt)
        return plans_from_sheet(sheet, guess_mapping(sheet.headers), path.name)
    return [read_plan(path, fmt)[0]]


def cli_import(args: argparse.Namespace) -> int:
    from ..store import Store

    path = Path(args.file)
    fmt = detect_format(path)
    if fmt == "json":
        return _import_json(args)
    plans = read_plans(path, fmt)
    if len(plans) > 1 and (args.inspection or args.new_inspection):
        raise RagdeskError(f"{path.name} holds {len(plans)} inspections; each is imported into "
                           "the inspection of its title: leave out --inspection/--new-inspection.")
    for plan in plans:
        if args.period:
            if plan.needs_period:
                plan.name_period(args.period)
            elif len(plan.periods) == 1:
                plan.rename_period(plan.periods[0].label, args.period)
        if not plan.items:
            raise RagdeskError(f"Nothing usable found in {path.name}: "
                               + (plan.problems[0] if plan.problems else "no items."))
        for line in describe(plan):  # what was read, even when the period is still missing
            print(line)
        if plan.needs_period and any(i.assessments for i in plan.items):
            raise RagdeskError(f"{path.name} does not name its reporting period: give it with "
                               "--period (e.g. --period \"Jul 2023\").")
    with Store.open(args.db, read_only=args.dry_run) as store:
        targets = [choose_target(store, plan, inspection=args.inspection,
                                 new_inspection=args.new_inspection) for plan in plans]
        if len({t.title for t in targets}) < len(targets):
            raise RagdeskError(f"{path.name}: two of its inspections would go into the same one; "
                               "nothing was imported.")
        for plan, target in zip(plans, targets, strict=True):
            changes = diff(store, plan, target)
            print(("Would import: " if args.dry_run else "Importing: ") + changes.describe())
            for c in changes.items:
                if c.action == "update":
                    print(f"  update {c.item.label}: {'; '.join(c.changes)}")
        if args.dry_run:
            print("Dry run: nothing was written.")
            return 0
        with store.batch():  # every inspection of the file, or none
            done = [apply(store, plan, target) for plan, target in zip(plans, targets, strict=True)]
    counts: dict[str, int] = {}
    for applied in done:
        for name, n in applied.counts().items():
            counts[name] = counts.get(name, 0) + n
    print("Imported: " + ", ".join(f"{n} {k}" for k, n in counts.items()))
    return 0
