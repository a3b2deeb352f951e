"""``ragdesk import DB FILE``: one command for every format; each reader module handles its own.

Each reader module offers ``cli_import(args: argparse.Namespace) -> int`` taking the
arguments declared in :func:`add_arguments`, printing what it did (or with
``--dry-run`` what it would do) and returning the exit code.
"""

from __future__ import annotations

import argparse
import importlib
from pathlib import Path

from . import detect_format

# format -> module (relative to this package) whose cli_import() handles it
READERS: dict[str, str] = {
    "docx": ".records",
    "xlsx": ".records",
    "csv": ".records",
    "json": ".records",
    "pdf": ".pdf_report",
}


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("db", help="the ragdesk database to import into")
    p.add_argument("file", help="a .docx appendix, a .xlsx/.csv tracker, a .json export, "
                                "or an inspection report as PDF")
    which = p.add_mutually_exclusive_group()
    which.add_argument("--inspection", metavar="ID|WORDS",
                       help="import into this existing inspection (its id or words of its title)")
    which.add_argument("--new-inspection", metavar="TITLE",
                       help="create a new inspection with this title")
    p.add_argument("--period", metavar="LABEL",
                   help="the reporting period, where the document does not name it")
    p.add_argument("--published", metavar="DATE",
                   help="a report's publication date (deadlines such as 'within six months' "
                        "count from it)")
    p.add_argument("--dry-run", action="store_true",
                   help="print what would be imported and write nothing")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    fmt = detect_format(Path(args.file))
    module = importlib.import_module(READERS[fmt], __package__)
    return int(module.cli_import(args))
