"""A new inspection from the inspectorate's published report (PDF or pasted text).

``read_report`` reads the PDF (:mod:`.pdf_text`) and finds the items
(:mod:`.report_text`); ``create_inspection`` writes the inspection and the chosen
items in one transaction; ``cli_import`` is ``ragdesk import DB REPORT.pdf``.
The window's File > New Inspection from Report… uses the same three steps.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Iterable
from pathlib import Path

from ..domain import Inspection, parse_date
from ..errors import RagdeskError
from ..storage import Storage
from ..store import Store
from .pdf_text import Progress, ReportProblem, read_pdf
from .report_text import ParsedItem, ParsedReport, parse_lines, parse_text

__all__ = ["ReportProblem", "cli_import", "create_inspection", "read_report", "read_pasted"]

NO_ITEMS = ("no recommendations, areas for improvement or causes of concern were found in it "
            "(items start with a line such as “Recommendation 1” or “Area for improvement 1”)")


def read_report(source: str | Path | bytes, *, published: dt.date | None = None,
                name: str | None = None, progress: Progress | None = None) -> ParsedReport:
    """Every item in a PDF report; raises :class:`ReportProblem` for a bad PDF or one
    without items."""
    label = name or (Path(source).name if not isinstance(source, bytes) else "The PDF")
    pdf = read_pdf(source, name=label, progress=progress)
    report = parse_lines(pdf.lines, title=pdf.title, published=published)
    if not report.items:
        raise ReportProblem(f"{label}: {NO_ITEMS}.")
    return report


def read_pasted(text: str, *, published: dt.date | None = None) -> ParsedReport:
    """The items in text a user pasted; raises :class:`ReportProblem` if there are none."""
    report = parse_text(text, published=published)
    if not report.items:
        raise ReportProblem(f"The pasted text: {NO_ITEMS}.")
    return report


def create_inspection(store: Storage, report: ParsedReport, items: Iterable[ParsedItem] | None = None,
                      *, title: str | None = None, published: dt.date | None = None,
                      inspectorate: str | None = None) -> Inspection:
    """The inspection and its items, created in one transaction (all or nothing)."""
    chosen = list(report.items if items is None else items)
    with store.batch():
        inspection = store.add_inspection(
            (title if title is not None else report.title) or "Untitled report",
            inspectorate=inspectorate if inspectorate is not None else report.inspectorate,
            kind=report.kind, published=published if published is not None else report.published)
        for item in chosen:
            store.add_item(inspection.id, item.kind, item.number, text=item.text,
                           deadline=item.deadline, reference=item.reference)
    return store.inspection(inspection.id)


_NAMES = {"recommendation": ("recommendation", "recommendations"), "afi": ("AFI", "AFIs"),
          "cause_of_concern": ("cause of concern", "causes of concern")}


def summary_lines(report: ParsedReport) -> list[str]:
    """What was found, a line per item, for the command line."""
    out = []
    for item in report.items:
        words = " ".join(item.plain.split())
        if len(words) > 70:
            words = words[:69] + "…"
        deadline = str(item.deadline) or "no deadline"
        ref = f" [{item.reference}]" if item.reference else ""
        out.append(f"  {item.label:<9} p.{item.page:<4} {deadline:<22} {words}{ref}")
    return out


def cli_import(args: argparse.Namespace) -> int:
    """``ragdesk import DB REPORT.pdf``: 0 done, 1 the report or the database was refused."""

    path = Path(args.file)
    if getattr(args, "inspection", None):
        print("error: a report always becomes a new inspection; --inspection is for Word and "
              "Excel records (use --new-inspection TITLE to name it).", file=sys.stderr)
        return 2
    if getattr(args, "period", None):
        print("note: --period is ignored for a report (a new inspection has no ratings yet).",
              file=sys.stderr)
    published = None
    if getattr(args, "published", None):
        try:
            published = parse_date(args.published)
        except ValueError as e:
            print(f"error: --published: {e}", file=sys.stderr)
            return 2
    try:
        report = read_report(path, published=published)
    except RagdeskError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    title = args.new_inspection or report.title or path.stem
    found = ", ".join(f"{n} {_NAMES[k][n != 1]}" for k, n in report.counts().items())
    print(f"{path.name}: {report.pages} pages, {found}.")
    print(f"Title: {title}")
    when = report.published.strftime("%d %B %Y").lstrip("0") if report.published else "unknown"
    print(f"Published: {when} ({report.published_note})")
    if report.published is None and any(i.deadline_words and not i.deadline.date
                                         and not i.deadline.immediate for i in report.items):
        print("note: some deadlines count from the publication date; give it with "
              "--published DATE.")
    print("\n".join(summary_lines(report)))
    for note in report.notes:
        print(f"note: {note}")
    if args.dry_run:
        print(f"Dry run: nothing written to {args.db}.")
        return 0
    try:
        with Store.open(args.db) as store:
            inspection = create_inspection(store, report, title=title)
    except RagdeskError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    print(f"Created inspection {inspection.id} “{inspection.title}” with "
          f"{len(report.items)} items in {args.db}.")
    return 0
