"""``ragdesk overview`` and ``ragdesk changes``: the Overview and "What changed" for scripts.

Core only (no Qt, no ReportLab): they print what :mod:`ragdesk.overview` and
:mod:`ragdesk.changes` compute, as text for a person or JSON for a script.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

from .errors import NotFound
from .lookup import find_inspection, find_period

if TYPE_CHECKING:  # the window builds this parser at start-up: it must not load the store
    pass


def add_overview_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("db")
    p.add_argument("--inspection", metavar="ID|WORDS",
                   help="one inspection by id or words of its title (default: all)")
    p.add_argument("--review-days", type=int, default=30, metavar="N",
                   help="list reviews due within N days (default 30)")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.set_defaults(func=run_overview)


def add_changes_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("db")
    p.add_argument("--since", required=True, metavar="PERIOD",
                   help="the earlier period, e.g. \"Jan 2024\"")
    p.add_argument("--period", metavar="PERIOD", help="the later period (default: the last)")
    p.add_argument("--inspection", metavar="ID|WORDS",
                   help="one inspection by id or words of its title (default: all)")
    p.add_argument("--diff", action="store_true",
                   help="text format: show each changed narrative's word diff")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.set_defaults(func=run_changes)


def _write(data: object) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def run_overview(args: argparse.Namespace) -> int:
    from .overview import build_overview, format_text
    from .store import Store

    with Store.open(args.db, read_only=True) as store:
        inspection = find_inspection(store, args.inspection) if args.inspection else None
        overview = build_overview(store, inspection_id=inspection.id if inspection else None,
                                  review_days=args.review_days)
    if args.format == "json":
        _write(overview.to_json())
    else:
        sys.stdout.write(format_text(overview))
    return 0


def run_changes(args: argparse.Namespace) -> int:
    from .changes import compare_periods, format_text
    from .store import Store

    with Store.open(args.db, read_only=True) as store:
        since = find_period(store, args.since)
        if args.period:
            period = find_period(store, args.period)
        else:
            periods = store.periods()
            period = periods[-1]
        if period.position <= since.position:
            raise NotFound(f"“{since.label}” is not before “{period.label}”: --since names the "
                           "earlier period.")
        inspection = find_inspection(store, args.inspection) if args.inspection else None
        changes = compare_periods(store, since.id, period.id,
                                  inspection_id=inspection.id if inspection else None)
    if args.format == "json":
        _write(changes.to_json())
    else:
        sys.stdout.write(format_text(changes, diffs=args.diff))
    return 0
