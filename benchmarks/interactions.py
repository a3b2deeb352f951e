"""Time what a person does in the real main window, offscreen, in one process.

``python benchmarks/interactions.py COPY.db [--repeat 5]`` prints one JSON object:
``{"figures": {name: [milliseconds, ...]}, "missing": {name: reason}, "peak_rss_mb": x}``.
It changes the file (ratings, an edit, new periods): give it a copy.

Each timing covers the action *and* the repaint it causes: events are
processed until Qt has nothing pending, which includes the paint of every
widget the action made dirty (offscreen, Qt paints into a backing store just
as it would on screen).
"""

from __future__ import annotations

import argparse
import atexit
import json
import os
import random
import resource
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
_home = tempfile.mkdtemp(prefix="ragdesk-bench-home-")
os.environ["XDG_CONFIG_HOME"] = os.environ["XDG_DATA_HOME"] = _home  # never touch real settings
atexit.register(shutil.rmtree, _home, ignore_errors=True)

from PySide6.QtCore import QCoreApplication, QEventLoop, Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

SEARCH_WORDS = ["star chamber", "vetting", "dip sample", "backlog", "wellbeing", "Baldwin",
                "victims code", "e-learning", "partner agencies", "stalking"]


def settle(app: QApplication) -> None:
    """Run the event loop until nothing is pending (timers excepted), paints included."""
    for _ in range(3):
        QCoreApplication.sendPostedEvents()
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents)


def timed(fn: Callable[[], Any], app: QApplication) -> float:
    start = time.perf_counter()
    fn()
    settle(app)
    return (time.perf_counter() - start) * 1000


def run(path: str, repeat: int) -> dict[str, Any]:
    from ragdesk.ui.launch import make_app
    app = make_app([sys.argv[0]])
    from ragdesk.ui.main_window import MainWindow

    figures: dict[str, list[float]] = {}
    missing: dict[str, str] = {}
    rng = random.Random(3)

    def add(name: str, ms: float) -> None:
        figures.setdefault(name, []).append(round(ms, 3))

    window = MainWindow()
    window.resize(1400, 900)
    window.show()
    settle(app)
    for _ in range(max(2, repeat // 2)):
        add("open_file", timed(lambda: window.open_path(path), app))
    store = window.store
    assert store is not None
    grid, tree, model = window.grid, window.tree, window.grid_model
    item_ids = [r.id for r in store.item_rows()]

    # -- scrolling the grid from top to bottom, a page at a time --------------------
    bar = grid.verticalScrollBar()
    for _ in range(repeat):
        grid.scrollToTop()
        settle(app)
        pages: list[float] = []
        start = time.perf_counter()
        while bar.value() < bar.maximum():
            pages.append(timed(lambda: bar.setValue(bar.value() + bar.pageStep()), app))
        add("grid_scroll_total", (time.perf_counter() - start) * 1000)
        add("grid_scroll_page_worst", max(pages) if pages else 0.0)
        add("grid_scroll_page_median", sorted(pages)[len(pages) // 2] if pages else 0.0)
    grid.scrollToTop()

    # -- search and filter through the filter bar ------------------------------------
    # The first search on this computer makes its index on a thread and applies the text
    # when it is ready (ui/search_progress.py; search_requests.py counts that build): made
    # here first, so each figure is a search that applies.
    store.prepare_search()
    bar_widget = window.filter_bar
    for n in range(repeat):
        words = SEARCH_WORDS[n % len(SEARCH_WORDS)]

        def search(words: str = words) -> None:
            bar_widget.text.setText(words)
            bar_widget.apply_now()
        add("search", timed(search, app))
        add("search_cleared", timed(bar_widget.clear, app))
    rag_combo = bar_widget.rag
    red = next((i for i in range(rag_combo.count()) if rag_combo.itemData(i) == "RED"), None)
    if red is None:
        missing["filter"] = "no RED choice in the RAG filter"
    else:
        for _ in range(repeat):
            add("filter", timed(lambda: rag_combo.setCurrentIndex(red), app))
            add("filter_cleared", timed(lambda: rag_combo.setCurrentIndex(0), app))

    # -- the grid from the keyboard ---------------------------------------------------
    latest = model.periods[-1]
    column = model.column_of_period(latest.id)
    rows = [model.row_of_item(i) for i in item_ids[:200]]
    rows = [r for r in rows if r is not None]
    grid.setFocus(Qt.FocusReason.OtherFocusReason)
    grid.setCurrentIndex(model.index(rows[0], column))
    settle(app)
    keys = [Qt.Key.Key_R, Qt.Key.Key_A, Qt.Key.Key_G]
    for n in range(repeat * 4):
        add("rate_cell_key", timed(lambda n=n: QTest.keyClick(grid, keys[n % 3]), app))
        add("move_cell_key", timed(lambda: QTest.keyClick(grid, Qt.Key.Key_Down), app))
    for _ in range(repeat * 2):
        add("move_cell_key", timed(lambda: QTest.keyClick(grid, Qt.Key.Key_Right), app))
        add("move_cell_key", timed(lambda: QTest.keyClick(grid, Qt.Key.Key_Left), app))

    # -- switching item (click in the tree: editor, grid and period follow) -------------
    tree.setFocus(Qt.FocusReason.OtherFocusReason)
    for _ in range(repeat * 2):
        item_id = rng.choice(item_ids)
        index = window.tree_model.index_for_item(item_id)
        if not index.isValid():
            missing["switch_item"] = "tree has no index for an item"
            break
        add("switch_item", timed(lambda index=index: tree.setCurrentIndex(index), app))

    # -- one edit saved (a narrative of ~300 words) and the views that show it ---------
    from ragdesk import richtext as rt
    text = rt.to_html(rt.from_plain(("The board reviewed progress and agreed the plan. " * 40)
                                    + "\n" + "Next steps are set out below."))
    for n in range(repeat):
        item_id = rng.choice(item_ids)
        add("edit_saved", timed(lambda item_id=item_id, n=n: store.save_assessment(
            item_id=item_id, period_id=latest.id, update=text.replace("plan", f"plan {n}")), app))

    # -- adding a period (carry-forward of every item) through the window's action ------
    try:
        from ragdesk.ui.dialogs import PeriodValues
    except ImportError as e:
        missing["add_period"] = f"n/a ({e})"
    else:
        before = len(store.periods())
        for n in range(max(2, repeat // 2)):
            window.ask_period = lambda _s, n=n: PeriodValues(f"Bench {n} {time.time_ns()}", "", "")  # type: ignore[method-assign]
            add("add_period", timed(window.operations.new_period, app))
        if len(store.periods()) == before:
            missing["add_period"] = "the window did not add a period"

    window.close()
    settle(app)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    return {"figures": figures, "missing": missing, "peak_rss_mb": round(peak, 1),
            "items": len(item_ids)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("db")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print(json.dumps(run(args.db, args.repeat)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
