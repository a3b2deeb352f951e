"""Time the Overview and the "What changed" list on a big file (issue 15: < 100 ms each).

``python benchmarks/overview_probe.py DB.db [--repeat 7]`` prints one JSON object
``{"figures": {name: [ms, ...]}, "items": n, "changed": n, "median": {...},
"cpu_median": {...}, "load": 1-minute load average}``:

- ``overview_core`` / ``changes_core``: :func:`ragdesk.overview.build_overview` (the
  last 8 periods, as the window shows) and :func:`ragdesk.changes.compare_periods`
  (the last two periods), with the item rows already read (the window's tree has
  read them when the file opened; ``Store.item_rows`` answers from that read);
- ``overview_shown`` / ``changes_shown``: the same through the Overview and What
  Changed panels, until painted (models reset, charts laid out, offscreen); What
  Changed compares on a worker thread with its own connection (the window stays
  responsive meanwhile), so its figure is the time until the list is shown;
- ``overview_cli``: ``build_overview`` on a fresh connection, every period (what
  ``ragdesk overview`` does after opening the file).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


CPU: dict[str, list[float]] = {}


def _times(fn: Callable[[], object], repeat: int, name: str = "") -> list[float]:
    """Wall-clock ms per run; the process's CPU ms go to ``CPU[name]`` (on a machine
    shared with other jobs the wall clock also counts the time others had the cores)."""
    out = []
    for _ in range(repeat):
        start, cpu = time.perf_counter(), time.process_time()
        fn()
        out.append((time.perf_counter() - start) * 1000)
        CPU.setdefault(name, []).append((time.process_time() - cpu) * 1000)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("db")
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args(argv)

    from ragdesk.changes import compare_periods
    from ragdesk.overview import build_overview
    from ragdesk.store import Store

    figures: dict[str, list[float]] = {}
    cli = []
    for _ in range(max(1, args.repeat // 2)):
        with Store.open(args.db, read_only=True) as fresh:
            start = time.perf_counter()
            build_overview(fresh)
            cli.append((time.perf_counter() - start) * 1000)
    figures["overview_cli"] = cli

    store = Store.open(args.db, read_only=True)
    store.item_rows()  # what the tree read when the file opened
    periods = store.periods()
    since, period = periods[-2].id, periods[-1].id
    figures["overview_core"] = _times(lambda: build_overview(store, last_periods=8), args.repeat,
                                      "overview_core")
    figures["changes_core"] = _times(lambda: compare_periods(store, since, period), args.repeat,
                                     "changes_core")

    from PySide6.QtWidgets import QApplication

    from ragdesk.ui.changes_view import ChangesPanel
    from ragdesk.ui.overview_view import OverviewPanel

    app = QApplication.instance() or QApplication(sys.argv[:1])
    overview = OverviewPanel()
    overview.resize(1400, 420)
    overview.show()
    overview.set_store(store)
    changes = ChangesPanel()
    changes.resize(1400, 420)
    changes.show()
    changes.set_store(store)
    while changes.busy:  # the first comparison also opens the worker's connection
        app.processEvents()
        time.sleep(0.002)

    def shown(panel: OverviewPanel | ChangesPanel) -> None:
        panel.refresh()
        while getattr(panel, "busy", False):  # the changes are compared on a worker thread
            app.processEvents()
            time.sleep(0.002)
        panel.repaint()
        app.processEvents()

    figures["overview_shown"] = _times(lambda: shown(overview), args.repeat, "overview_shown")
    figures["changes_shown"] = _times(lambda: shown(changes), args.repeat, "changes_shown")
    result = {"figures": figures, "items": len(store.item_rows()),
              "changed": changes.model.rowCount(),
              "median": {k: round(statistics.median(v), 1) for k, v in figures.items()},
              "cpu_median": {k: round(statistics.median(v), 1) for k, v in CPU.items()},
              "load": os.getloadavg()[0] if hasattr(os, "getloadavg") else None}
    print(json.dumps(result))
    store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
