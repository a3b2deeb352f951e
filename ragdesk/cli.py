"""The ``ragdesk`` command: open the window, or work on a file from the command line.

``ragdesk [DB]`` opens the window. The other sub-commands need neither Qt nor
ReportLab, except ``report``. The window and the report builder live in the outer
layers (``ragdesk.ui``, ``ragdesk.reports``), which depend on the core; the
core never imports them. ``FRONT_ENDS`` names them as strings, loaded only when
that command runs, so ``ragdesk export`` works on a machine without a display.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from .errors import RagdeskError

# The sub-commands import what they use inside themselves: `ragdesk` (the window) should not
# pay at start-up for the JSON, CSV and sample code it does not need before its first frame.

# command -> "module:function(argparse.ArgumentParser) -> None" that adds its arguments and
# sets ``func``; the only place the core names the outer layers.
FRONT_ENDS: dict[str, str] = {
    "open": "ragdesk.ui.launch:add_arguments",
    "report": "ragdesk.reports.cli:add_arguments",
}

COMMANDS = ("open", "new", "sample", "check", "export", "import", "import-json", "report",
            "overview", "changes")


def _new(args: argparse.Namespace) -> int:
    from .store import Store

    Store.create(args.db).close()
    print(f"Created {args.db}")
    return 0


def _sample(args: argparse.Namespace) -> int:
    from .sample import build_sample

    store = build_sample(args.path)
    counts = store.counts()
    store.close()
    print(f"Wrote the sample database to {args.path} "
          f"({counts['inspections']} inspections, {counts['items']} items).")
    return 0


def _check(args: argparse.Namespace) -> int:
    from .store import Store

    # vet_schema=False: open it anyway (read-only) so every difference can be listed
    with Store.open(args.db, read_only=True, vet_schema=False) as store:
        differences = store.schema_differences
        try:
            integrity = store.integrity_check()
        except RagdeskError as e:  # e.g. a table it needs is missing
            integrity = f"could not be checked ({e})"
        print(f"File:           {args.db}")
        print(f"Schema version: {store.schema_version()}")
        print(f"Integrity:      {integrity}")
        if differences:
            print(f"Schema:         {len(differences)} difference"
                  f"{'s' if len(differences) != 1 else ''} from what ragdesk makes "
                  "(ragdesk will not open it; restore a backup):")
            for difference in differences:
                print(f"  - {difference}")
        else:
            print("Schema:         as ragdesk made it")
        if not differences:
            for name, count in store.counts().items():
                print(f"{name.capitalize() + ':':15} {count}")
    return 0 if integrity == "ok" and not differences else 1


def _export(args: argparse.Namespace) -> int:
    from .store import Store

    to_file = bool(args.output and args.output != "-")
    if args.format == "xlsx":
        if not to_file:
            raise RagdeskError("An Excel workbook cannot go to standard output: give a file "
                               "name with -o, e.g. -o tracker.xlsx.")
        from .xlsx_export import export_xlsx

        with Store.open(args.db, read_only=True) as store:
            rows = export_xlsx(store, args.output)
        print(f"Exported {rows} rows to {args.output}", file=sys.stderr)
        return 0
    from .files import write_atomically
    from .jsonio import export_csv, export_json

    with Store.open(args.db, read_only=True) as store:
        # a CSV file starts with a byte-order mark so Excel reads it as UTF-8
        text = export_json(store, with_audit=not args.no_audit) if args.format == "json" \
            else export_csv(store, bom=to_file)
    if to_file:
        write_atomically(args.output, lambda tmp: _write_text(tmp, text), what=f"the {args.format.upper()} export")
        print(f"Exported to {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def _import(args: argparse.Namespace) -> int:
    from .jsonio import describe_ignored, import_data, parse_json
    from .store import Store

    data = parse_json(Path(args.file).read_bytes())  # checked before the file is opened
    ignored: list[str] = []
    with Store.open(args.db) as store:
        counts = import_data(store, data, ignored=ignored)
    print("Imported " + ", ".join(f"{n} {k}" for k, n in counts.items()) + f" into {args.db}")
    if ignored:
        print(f"ragdesk: {describe_ignored(ignored)}", file=sys.stderr)
    return 0


def _front_end(name: str) -> Callable[[argparse.ArgumentParser], None]:
    module, func = FRONT_ENDS[name].split(":")
    front_end: Callable[[argparse.ArgumentParser], None] = getattr(importlib.import_module(module), func)
    return front_end


def _write_text(path: str, text: str) -> None:
    Path(path).write_text(text, encoding="utf-8", newline="")


class _VersionAction(argparse.Action):
    """``--version``: looks the version up only when asked. argparse's own "version" action
    takes the text up front, and reading package metadata costs every start of the window
    ~25 ms (importlib.metadata pulls in email, zipfile, csv...)."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: object, option_string: str | None = None) -> None:
        from . import __version__

        print(f"ragdesk {__version__}")
        parser.exit()


def build_parser(*, load_front_end: str | None = None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ragdesk",
        description="Track inspection recommendations and AFIs, rate them RED/AMBER/GREEN, "
                    "print the Appendix 1 reports. With no command, opens the window.")
    parser.add_argument("--version", action=_VersionAction, nargs=0,
                        help="show the version and exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("open", help="open the window on DB (the default command)")
    if load_front_end == "open":
        _front_end("open")(p)

    p = sub.add_parser("new", help="create an empty database")
    p.add_argument("db")
    p.set_defaults(func=_new)

    p = sub.add_parser("sample", help="write the sample database to PATH")
    p.add_argument("path")
    p.set_defaults(func=_sample)

    p = sub.add_parser("check", help="integrity, schema version and counts of DB")
    p.add_argument("db")
    p.set_defaults(func=_check)

    p = sub.add_parser("export", help="export DB as JSON, CSV or an Excel tracker")
    p.add_argument("db")
    p.add_argument("--format", choices=["json", "csv", "xlsx"], default="json",
                   help="json (everything), csv or xlsx (one row per item and period)")
    p.add_argument("-o", "--output", help="file to write (default: standard output)")
    p.add_argument("--no-audit", action="store_true", help="leave the audit log out of JSON")
    p.set_defaults(func=_export)

    p = sub.add_parser("import", help="bring in a Word appendix, an Excel/CSV tracker, a JSON "
                                      "export or an inspection report (PDF), after --dry-run")
    from .importing.command import add_arguments as add_import_arguments

    add_import_arguments(p)

    p = sub.add_parser("import-json", help="add the contents of a JSON file to DB (all or nothing)")
    p.add_argument("db")
    p.add_argument("file")
    p.set_defaults(func=_import)

    from .overview_cli import add_changes_arguments, add_overview_arguments

    add_overview_arguments(sub.add_parser(
        "overview", help="ratings per period, per board and per lead; overdue and review-due lists"))
    add_changes_arguments(sub.add_parser(
        "changes", help="what changed between two reporting periods (ratings, narratives, status)"))

    p = sub.add_parser("report", help="write an Appendix 1 report to PDF")
    if load_front_end == "report":
        _front_end("report")(p)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or (argv[0] not in COMMANDS and not argv[0].startswith("-")):
        argv.insert(0, "open")
    command = argv[0] if argv[0] in FRONT_ENDS else None
    try:
        parser = build_parser(load_front_end=command)
    except ImportError as e:
        print(f"ragdesk: the “{command}” command is not available in this installation ({e}).",
              file=sys.stderr)
        return 2
    args = parser.parse_args(argv)
    if not hasattr(args, "func"):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except RagdeskError as e:
        print(f"ragdesk: {e}", file=sys.stderr)
        return 1
    except OSError as e:
        print(f"ragdesk: {e.strerror or e}: {e.filename or ''}".rstrip(": "), file=sys.stderr)
        return 1
