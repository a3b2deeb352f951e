"""Run every ragdesk benchmark and print the figures against their targets.

``python benchmarks/run.py [--quick] [--json] [--items 3000] [--scaling] [--skip-report]``

Generates (once, cached in ``--data-dir``) a force-sized database with
``benchmarks/generate.py``, then measures, each in a fresh process on a fresh
copy of the file: cold start to the first painted window against a bare
PySide6 window; opening the file (tree and grid ready), scrolling the grid,
search, filter, rating and moving from the keyboard, switching item, one edit
saved, adding a period; Report 1 for every item against bare ReportLab; peak
memory. Each figure is the median of several runs. ``--scaling`` repeats the
figures at 300, 3,000 and 30,000 items. A figure whose part of the app is not
built yet prints "n/a (not built yet)".
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
PY = sys.executable


@dataclass
class Figure:
    name: str
    unit: str
    value: float | None  # None: not measured (see note)
    target: str = ""  # human-readable, e.g. "< 100"
    met: bool | None = None
    note: str = ""


# name -> (unit, comparison, limit); "<" means value must be below, ">=" at least
TARGETS: dict[str, tuple[str, str, float]] = {
    "startup_ratio": ("x bare Qt", "<=", 1.5),
    "rate_cell_key": ("ms", "<", 16.0),
    "move_cell_key": ("ms", "<", 16.0),
    "switch_item": ("ms", "<", 100.0),
    "search": ("ms", "<", 100.0),
    "filter": ("ms", "<", 100.0),
    "edit_saved": ("ms", "<", 100.0),
    "add_period": ("ms", "<", 100.0),
    "report_ratio": ("x bare ReportLab", ">=", 0.7),
    "peak_rss_mb": ("MB", "<", 300.0),
    "overview_shown": ("ms", "<", 100.0),
    "changes_shown": ("ms", "<", 100.0),
}

LABELS = {
    "startup_app": "cold start to first paint, ragdesk (s)",
    "startup_bare": "cold start to first paint, bare PySide6 (s)",
    "startup_ratio": "start-up, ragdesk / bare Qt",
    "startup_file_shown": "cold start to file open and shown (s)",
    "startup_first_of_day": "first start of the day (+ daily backup), file shown (s)",
    "open_file": "open file: tree and grid ready",
    "grid_scroll_total": "scroll grid top to bottom (total)",
    "grid_scroll_page_median": "scroll grid one page (median)",
    "grid_scroll_page_worst": "scroll grid one page (worst)",
    "search": "free-text search (search + tree filter)",
    "search_cleared": "clear the search",
    "filter": "filter RAG = RED",
    "filter_cleared": "clear the filter",
    "rate_cell_key": "rate a grid cell (R/A/G key)",
    "move_cell_key": "move between grid cells (arrow key)",
    "switch_item": "switch item (tree click → editor)",
    "edit_saved": "one edit saved (+ views refreshed)",
    "add_period": "add a period (carry forward all items)",
    "report_app": "Report 1, all items (s)",
    "report_bare": "same text, bare ReportLab (s)",
    "report_ratio": "report throughput, ragdesk / bare ReportLab",
    "peak_rss_mb": "peak memory (interactive session)",
    "overview_core": "overview computed (8 periods, rows read)",
    "overview_shown": "Overview dock refreshed and painted",
    "overview_cli": "ragdesk overview (fresh connection, all periods)",
    "changes_core": "changes between the last two periods computed",
    "changes_shown": "What Changed dock refreshed and painted",
}


def machine() -> dict[str, str]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        import PySide6
        from PySide6.QtCore import qVersion
        qt = f"PySide6 {PySide6.__version__}, Qt {qVersion()}"
    except ImportError:
        qt = "PySide6 not installed"
    try:
        import reportlab
        rl = reportlab.Version
    except ImportError:
        rl = "not installed"
    return {"cpu": cpu, "cores": str(os.cpu_count()), "os": platform.platform(),
            "python": platform.python_version(), "qt": qt, "sqlite": sqlite3.sqlite_version,
            "reportlab": rl}


def database(data_dir: Path, items: int, seed: int, full_periods: int) -> Path:
    """The generated file for ``items``, built once and upgraded to this schema."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / f"ragdesk-{items}-seed{seed}-full{full_periods}.db"
    if not path.exists():
        print(f"Generating {path} ({items} items)…", file=sys.stderr, flush=True)
        tmp = path.with_suffix(".part")
        if tmp.exists():
            tmp.unlink()
        subprocess.run([PY, str(HERE / "generate.py"), str(tmp), "--items", str(items),
                        "--seed", str(seed), "--full-periods", str(full_periods)], check=True)
        tmp.rename(path)
    from ragdesk.store import Store  # opening once runs any migration the file needs
    Store.open(path).close()
    return path


def fresh_copy(path: Path, folder: Path) -> Path:
    target = folder / f"copy-{time.time_ns()}.db"
    shutil.copyfile(path, target)
    return target


def _env(home: Path) -> dict[str, str]:
    env = dict(os.environ)
    # An installed (or frozen) app runs from compiled bytecode; a shell that sets
    # PYTHONDONTWRITEBYTECODE would make every start recompile ragdesk (~40 ms) and measure
    # the shell, not the app. The warm-up start below writes the cache.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.update(QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(home), XDG_DATA_HOME=str(home))
    return env


def _first_paint(cmd: list[str], env: dict[str, str], *, shown: list[float] | None = None) -> float | None:
    """Seconds from starting ``cmd`` to its first painted frame; with ``shown``, also
    appends the seconds until the frame with the file open and shown."""
    start = time.time()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
    marks = dict(line.split()[:2] for line in proc.stdout.splitlines()
                 if line.startswith(("first-paint ", "file-shown ")))
    if shown is not None and "file-shown" in marks:
        shown.append(float(marks["file-shown"]) - start)
    if "first-paint" in marks:
        return float(marks["first-paint"]) - start
    print(f"  no first-paint line from {' '.join(cmd)}: {proc.stderr[-500:]}", file=sys.stderr)
    return None


def startup(db: Path, runs: int, work: Path) -> dict[str, list[float]]:
    env = _env(work / "home")
    app_env = dict(env, RAGDESK_BENCH_EXIT_AFTER_PAINT="1")
    out: dict[str, list[float]] = {"startup_app": [], "startup_bare": [], "startup_first_of_day": [],
                                   "startup_file_shown": []}
    copy = fresh_copy(db, work)
    _first_paint([PY, str(HERE / "bare_window.py")], env)  # warm the OS file cache for both
    # The first open of a day also writes the daily backup (a copy of the whole file),
    # after the first frame: it shows in the time until the file is shown.
    _first_paint([PY, "-m", "ragdesk", "open", str(copy)], app_env, shown=out["startup_first_of_day"])
    for _ in range(runs):
        bare = _first_paint([PY, str(HERE / "bare_window.py")], env)
        app = _first_paint([PY, "-m", "ragdesk", "open", str(copy)], app_env,
                           shown=out["startup_file_shown"])
        if bare is not None:
            out["startup_bare"].append(bare)
        if app is not None:
            out["startup_app"].append(app)
    return out


def _child_json(cmd: list[str], env: dict[str, str], timeout: int) -> dict[str, Any]:
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout)
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    tail = (proc.stderr or "").strip().splitlines()[-3:]
    return {"error": f"exit {proc.returncode}: " + " | ".join(tail)}


def collect(db: Path, *, repeat: int, report: bool, work: Path) -> list[Figure]:
    raw: dict[str, list[float]] = {}
    notes: dict[str, str] = {}
    env = _env(work / "home")
    try:
        raw.update(startup(db, max(3, repeat), work))
    except Exception as e:  # noqa: BLE001 - a figure that cannot be measured is reported, not fatal
        notes["startup_app"] = f"n/a ({e})"
    result = _child_json([PY, str(HERE / "interactions.py"), str(fresh_copy(db, work)),
                          "--repeat", str(repeat)], env, timeout=3600)
    if "error" in result:
        notes["interactions"] = result["error"]
    else:
        raw.update(result["figures"])
        raw["peak_rss_mb"] = [result["peak_rss_mb"]]
        for name, why in result.get("missing", {}).items():
            notes[name] = why
    if not report:
        notes["report_app"] = notes["report_bare"] = notes["report_ratio"] = \
            "skipped (--skip-report, or more than 3,000 items)"
    else:
        rep = _child_json([PY, str(HERE / "report_probe.py"), str(fresh_copy(db, work)),
                           "--repeat", "1" if repeat < 5 else "2"], env, timeout=7200)
        raw["report_bare"] = rep.get("bare_s", [])
        raw["report_app"] = rep.get("report_s", [])
        if "missing" in rep or "error" in rep:
            notes["report_app"] = rep.get("missing") or rep.get("error", "")
        elif rep.get("pages"):
            notes["report_app"] = f"{rep['pages']} pages (bare: {rep.get('bare_pages')})"

    over = _child_json([PY, str(HERE / "overview_probe.py"), str(fresh_copy(db, work)),
                        "--repeat", str(repeat)], env, timeout=1800)
    if "error" in over:
        for name in ("overview_core", "overview_shown", "overview_cli", "changes_core",
                     "changes_shown"):
            notes[name] = over["error"]
    else:
        raw.update(over["figures"])
        notes["changes_shown"] = f"{over.get('changed')} of {over.get('items')} items changed"

    def med(name: str) -> float | None:
        values = raw.get(name) or []
        return statistics.median(values) if values else None

    if med("startup_app") and med("startup_bare"):
        raw["startup_ratio"] = [med("startup_app") / med("startup_bare")]  # type: ignore[operator]
    if med("report_app") and med("report_bare"):
        raw["report_ratio"] = [med("report_bare") / med("report_app")]  # type: ignore[operator]
    figures = []
    for name in LABELS:
        unit, op, limit = TARGETS.get(name, ("s" if name.startswith(("startup", "report")) else "ms", "", 0))
        value = med(name)
        fig = Figure(name, unit, value, note=notes.get(name, ""))
        if op:
            fig.target = f"{op} {limit:g}"
            if value is not None:
                fig.met = value < limit if op == "<" else value <= limit if op == "<=" else value >= limit
        if value is None and not fig.note:
            fig.note = notes.get("interactions", "n/a (not built yet)")
        figures.append(fig)
    return figures


def print_table(figures: list[Figure], title: str) -> None:
    print(f"\n{title}")
    print(f"{'figure':48} {'value':>10} {'unit':18} {'target':>8}  met")
    for f in figures:
        value = "n/a" if f.value is None else (f"{f.value:.2f}" if f.value < 10 else f"{f.value:.0f}")
        met = "" if f.met is None else ("yes" if f.met else "NO")
        print(f"{LABELS[f.name]:48} {value:>10} {f.unit:18} {f.target:>8}  {met:3} {f.note}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions, same database")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    parser.add_argument("--items", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--full-periods", type=int, default=4,
                        help="periods with full narratives in the generated file (default 4)")
    parser.add_argument("--scaling", action="store_true", help="run at 300, 3,000 and 30,000 items")
    parser.add_argument("--skip-report", action="store_true")
    parser.add_argument("--data-dir", default=os.path.join(tempfile.gettempdir(), "ragdesk-bench"),
                        help="where generated databases are kept between runs")
    args = parser.parse_args(argv)
    repeat = 3 if args.quick else 7
    sizes = [300, 3000, 30000] if args.scaling else [args.items]
    data_dir = Path(args.data_dir)
    info = machine()
    results: dict[int, list[Figure]] = {}
    with tempfile.TemporaryDirectory(prefix="ragdesk-bench-") as tmp:
        work = Path(tmp)
        (work / "home").mkdir()
        for items in sizes:
            db = database(data_dir, items, args.seed, args.full_periods)
            report = not args.skip_report and items <= 3000
            results[items] = collect(db, repeat=repeat, report=report, work=work)
            if not args.json:
                print_table(results[items], f"{items} items ({db.stat().st_size / 1048576:.0f} MB file), "
                                            f"median of {repeat} runs")
    if args.json:
        out: dict[str, Any] = {"machine": info, "repeat": repeat, "results": {}}
        for items, figures in results.items():
            out["results"][str(items)] = [
                {"figure": f.name, "label": LABELS[f.name], "value": f.value, "unit": f.unit,
                 "target": f.target or None, "met": f.met, "note": f.note or None}
                for f in figures]
        print(json.dumps(out, indent=1))
    else:
        print("\nMachine: " + ", ".join(f"{k} {v}" for k, v in info.items()))
    failed = [f for figures in results.values() for f in figures if f.met is False]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
