"""``ragdesk report DB --format recommendations|peel --period P -o out.pdf``.

Loaded by :mod:`ragdesk.cli` only when the ``report`` command runs (see
``FRONT_ENDS``). Every refusal is a sentence and exit code 1, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ragdesk.errors import RagdeskError
from ragdesk.lookup import find_inspection, find_period
from ragdesk.store import Store

from . import build_report
from .options import (
    MARKINGS,
    NO_MARKING,
    PAPERS,
    ReportOptions,
    file_marking,
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = ("Write an Appendix 1 report to PDF or Word: “recommendations” (one "
                          "section per recommendation/AFI with its RAG mark) or “peel” (the "
                          "landscape PEEL AFI matrix and tables). The output's extension "
                          "(.pdf or .docx) picks the format.")
    parser.add_argument("db", help="the ragdesk database")
    parser.add_argument("--format", dest="kind", choices=["recommendations", "peel"],
                        help="which report (default: peel for PEEL inspections, else recommendations)")
    parser.add_argument("--period", action="append", default=[], metavar="P",
                        help="reporting period by label, e.g. \"Jun 2024\" (repeat for the PEEL "
                             "matrix; the last is current). Default: the periods with ratings")
    parser.add_argument("--inspection", action="append", default=[], metavar="ID",
                        help="inspection id or words of its title (repeatable; default: all of "
                             "the report's kind)")
    parser.add_argument("--marking", choices=[m for m in MARKINGS if m] + [NO_MARKING],
                        help="protective marking printed at the top and bottom of every page "
                             "(default: the file's marking, File > Properties; OFFICIAL unless "
                             "changed; \"none\" for none)")
    parser.add_argument("--paper", choices=list(PAPERS), default="A4")
    parser.add_argument("--meeting", help="board and meeting date, e.g. \"P&RSB 26 June 2024\" "
                                          "(default: the current period's meeting)")
    parser.add_argument("--summary", action="store_true",
                        help="start with a summary page: ratings per period (chart and table), "
                             "overdue and proposed-for-closure items")
    parser.add_argument("--changes-since", metavar="P",
                        help="start with \"Changes since P\": each item whose rating moved since "
                             "period P, before → after, with its status note")
    parser.add_argument("-o", "--output", required=True,
                        help="the file to write: FILE.pdf, or FILE.docx for an editable Word "
                             "document with the same content")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    suffix = Path(args.output).suffix.lower()
    if suffix not in (".pdf", ".docx"):
        print(f"ragdesk: the report is written as PDF (.pdf) or Word (.docx), not "
              f"“{suffix or args.output}”: name the output FILE.pdf or FILE.docx.",
              file=sys.stderr)
        return 1
    try:
        with Store.open(args.db, read_only=True) as store:
            inspections = [find_inspection(store, text) for text in args.inspection]
            kind = args.kind
            if kind is None:
                from .options import default_kind

                kind = default_kind(inspections or store.inspections()[:1])
            periods = [find_period(store, text) for text in args.period]
            options = ReportOptions(
                kind=kind, inspection_ids=tuple(i.id for i in inspections),
                period_ids=tuple(p.id for p in periods), paper=args.paper,
                marking=file_marking(store.settings()) if args.marking is None
                else None if args.marking == NO_MARKING else args.marking,
                meeting=args.meeting, summary=args.summary,
                changes_since=find_period(store, args.changes_since).id if args.changes_since
                else None)
            resolved = build_report(store, options, args.output)
    except RagdeskError as e:  # ReportError, or ExportFailed when the file cannot be written
        print(f"ragdesk: {e}", file=sys.stderr)
        return 1
    periods_text = ", ".join(p.label for p in resolved.periods)
    what = "Word" if suffix == ".docx" else "PDF"
    print(f"Wrote {args.output}: {options.kind} report ({what}), {len(resolved.items)} items, "
          f"{periods_text}.")
    return 0
