"""How long ``ragdesk import`` takes for a unit's largest realistic files (target: under a minute).

Builds, from the sample's content repeated with new numbers, a per-recommendation Word
appendix, a PEEL AFI update and an Excel tracker of ``--items`` items each (the test builders
in tests/office_docs.py), then times reading each file into a plan and applying it to a
fresh database, and prints the figures.

    .venv/bin/python benchmarks/import_records.py --items 300
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from office_docs import (  # noqa: E402
    peel_update_docx,
    sample_data,
    tracker_xlsx,
    update_report_docx,
)

from ragdesk.importing.plan import apply, choose_target  # noqa: E402
from ragdesk.importing.records import read_plan  # noqa: E402
from ragdesk.store import Store  # noqa: E402


def _many(inspection: dict[str, Any], n: int) -> dict[str, Any]:
    items = inspection["items"]
    out = [{**items[k % len(items)], "number": str(k + 1)} for k in range(n)]
    return {**inspection, "items": out}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=300)
    args = parser.parse_args(argv)
    vetting, peel = sample_data()["inspections"]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        files = {
            "Word appendix (seed 000 layout)": update_report_docx(
                folder / "a.docx", _many(vetting, args.items)),
            "PEEL AFI update (seed 004 layout)": peel_update_docx(
                folder / "p.docx", _many(peel, args.items), loose=(), continuation=()),
            "Excel tracker": tracker_xlsx(folder / "t.xlsx", _many(vetting, args.items)),
        }
        print(f"{'file':<36} {'items':>6} {'size':>8} {'read':>8} {'apply':>8}")
        for name, path in files.items():
            db = folder / f"{path.stem}.db"
            Store.create(db).close()
            start = time.perf_counter()
            plan, _ = read_plan(path)
            plan.name_period("Jul 2023")
            read = time.perf_counter() - start
            with Store.open(db) as store:
                start = time.perf_counter()
                apply(store, plan, choose_target(store, plan))
                applied = time.perf_counter() - start
            print(f"{name:<36} {len(plan.items):>6} {path.stat().st_size // 1024:>6} KB "
                  f"{read:>7.2f}s {applied:>7.2f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
