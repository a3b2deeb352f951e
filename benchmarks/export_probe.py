"""Time the Word reports, the Excel tracker and the CSV export on a database.

``python benchmarks/export_probe.py DB.db [--repeat 1]`` prints one JSON object with
the seconds (median of ``--repeat`` runs) and the output sizes:
``{"word_report1_s": .., "word_peel_s": .., "pdf_report1_s": .., "xlsx_s": .., "csv_s": ..,
"items": n, "tracker_rows": n, ...}``. The PDF of report 1 is timed beside the Word one as
the yardstick (same items, same period).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from collections.abc import Callable

from ragdesk.jsonio import export_csv
from ragdesk.reports import ReportOptions, build_report
from ragdesk.store import Store
from ragdesk.xlsx_export import export_xlsx


def _time(repeat: int, work: Callable[[], object]) -> float:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        runs.append(time.perf_counter() - start)
    return round(statistics.median(runs), 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("db")
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    out: dict[str, object] = {}
    with Store.open(args.db, read_only=True) as store, \
            tempfile.TemporaryDirectory(prefix="ragdesk-export-probe-") as folder:
        paths = {name: os.path.join(folder, name) for name in
                 ("r1.docx", "peel.docx", "r1.pdf", "t.xlsx")}
        r1, peel = ReportOptions(kind="recommendations"), ReportOptions(kind="peel")
        out["word_report1_s"] = _time(args.repeat, lambda: build_report(store, r1, paths["r1.docx"]))
        out["word_peel_s"] = _time(args.repeat, lambda: build_report(store, peel, paths["peel.docx"]))
        out["pdf_report1_s"] = _time(args.repeat, lambda: build_report(store, r1, paths["r1.pdf"]))
        rows: list[int] = []
        out["xlsx_s"] = _time(args.repeat, lambda: rows.append(export_xlsx(store, paths["t.xlsx"])))
        out["csv_s"] = _time(args.repeat, lambda: export_csv(store))
        out["items"] = store.counts()["items"]
        out["tracker_rows"] = rows[-1]
        out["sizes_mb"] = {name: round(os.path.getsize(p) / 1e6, 1) for name, p in paths.items()}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
