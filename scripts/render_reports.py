"""Build both sample reports and render their pages to PNG for eyeballing.

    .venv/bin/python scripts/render_reports.py [OUT_DIR] [--dpi 60] [--marking OFFICIAL-SENSITIVE]

Writes OUT_DIR/recommendations.pdf and OUT_DIR/peel.pdf from a fresh sample
database (seed 000 in "Jul 2023", seed 004 in "Jan 2024"/"Jun 2024") and, when
poppler's pdftoppm is installed, OUT_DIR/recommendations-NN.png and
OUT_DIR/peel-NN.png. Look at them beside the seed documents.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from ragdesk.reports import ReportOptions, build_report
from ragdesk.sample import build_sample


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", default="build/reports")
    parser.add_argument("--dpi", type=int, default=60)
    parser.add_argument("--marking", default="OFFICIAL-SENSITIVE")
    parser.add_argument("--paper", default="A4", choices=["A4", "Letter"])
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        store = build_sample(Path(tmp) / "sample.db")
        try:
            jul = store.period_by_label("Jul 2023")
            jobs = {
                "recommendations": ReportOptions(kind="recommendations",
                                                 period_ids=(jul.id,) if jul else (),
                                                 marking=args.marking or None, paper=args.paper),
                "peel": ReportOptions(kind="peel", marking=args.marking or None, paper=args.paper),
            }
            for name, options in jobs.items():
                pdf = out / f"{name}.pdf"
                resolved = build_report(store, options, pdf)
                print(f"{pdf}: {len(resolved.items)} items, "
                      f"periods {', '.join(p.label for p in resolved.periods)}")
                if shutil.which("pdftoppm"):
                    for old in out.glob(f"{name}-*.png"):
                        old.unlink()
                    subprocess.run(["pdftoppm", "-png", "-r", str(args.dpi), str(pdf),
                                    str(out / name)], check=True)
                else:
                    print("pdftoppm not found (apt-get install poppler-utils): no PNGs",
                          file=sys.stderr)
        finally:
            store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
