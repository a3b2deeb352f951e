"""How long reading a published report takes: a 200-page report-like PDF, read and parsed.

The PDF is built with the tests' ReportLab builder (``tests/report_pdf_support.py``): the
vetting report's 33 items in a summary list and in chapters, padded with commentary to the
length of a real HMICFRS thematic. Prints pages, items and seconds (median of --runs).

    .venv/bin/python benchmarks/report_import.py [--pages-padding 60] [--runs 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from report_pdf_support import build_report, vetting_report  # noqa: E402

from ragdesk.importing.pdf_report import read_report  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages-padding", type=int, default=60,
                        help="commentary paragraphs after each item (60 = ~200 pages)")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = build_report(Path(folder) / "report.pdf", vetting_report(),
                            padding=args.pages_padding)
        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            report = read_report(path)
            times.append(time.perf_counter() - start)
    print(f"report_import: {report.pages} pages, {len(report.items)} items, "
          f"median {statistics.median(times):.2f} s over {args.runs} runs "
          f"(min {min(times):.2f} s, max {max(times):.2f} s)")


if __name__ == "__main__":
    main()
