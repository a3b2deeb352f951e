"""The window while the first search's index is made on a shared drive (issue 16 follow-up).

``python benchmarks/search_window.py FILE [--rtt 20] [--word police] [--slowshare PATH]``

Mounts a copy of FILE in ``slowshare`` (every file request delayed by ``--rtt`` ms and
counted, as ``search_requests.py``), opens the main window on it (offscreen; today's
backup stopped, so it does not make the index first) and, with no search index on this
computer yet, types a search. Prints:

* ``before``: the index made on the GUI thread, as the window did before
  (``store.prepare_search()`` there): the window is frozen for all of it;
* ``typed search held the GUI thread``: from the filter change to the window taking
  events again (starting the build's thread);
* ``longest GUI-thread pause while it is made``: the largest gap between two ticks of a
  10 ms timer, from typing until the search applies (the rating's own save left out);
* ``a rating saved meanwhile``: the grid's R key while the build runs (its own requests
  share the drive with the build's);
* ``until the search applies``: seconds and requests (the build, the catch-up after it).

Each part uses a fresh ``RAGDESK_CACHE_DIR``. Not part of ``run.py``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
_home = tempfile.mkdtemp(prefix="ragdesk-bench-home-")
os.environ["XDG_CONFIG_HOME"] = os.environ["XDG_DATA_HOME"] = _home  # never touch real settings

sys.path.insert(0, str(Path(__file__).resolve().parent))
from shared_drive import SLOWSHARE, Share  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path)
    parser.add_argument("--rtt", type=float, default=20.0)
    parser.add_argument("--word", default="timeliness")
    parser.add_argument("--slowshare", type=Path, default=SLOWSHARE)
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="ragdesk-search-window-"))
    source, mount = work / "server", work / "mnt"
    source.mkdir()
    shutil.copyfile(args.file, source / "unit.db")
    share = Share(args.slowshare, source, mount, args.rtt)
    try:
        return _run(mount / "unit.db", work, share, args.word, args.rtt)
    finally:
        share.close()


def _run(path: Path, work: Path, share: Share, word: str, rtt: float) -> int:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from ragdesk.store import Store

    app = QApplication.instance() or QApplication([sys.argv[0]])
    rows: list[tuple[str, str]] = []

    # before: the whole build on the GUI thread (what MainWindow._filter_changed did)
    os.environ["RAGDESK_CACHE_DIR"] = str(work / "cache-before")
    with Store.open(path, quick_check=False) as store:
        before = share.requests()
        started = time.perf_counter()
        store.prepare_search()
        seconds = time.perf_counter() - started
        rows.append(("before: index made on the GUI thread (window frozen)",
                     f"{seconds:.2f} s, {share.requests() - before} requests"))

    from ragdesk.ui.main_window import MainWindow

    os.environ["RAGDESK_CACHE_DIR"] = str(work / "cache-after")
    window = MainWindow()
    window.resize(1400, 900)
    window.show()
    assert window.open_path(path)
    window._stop_daily_backup()
    # an item is open in the editor, as when a person starts searching (a search that hides
    # the current item moves to the first match: the editor's own reads, not the search's)
    item, period = window.tree_model.all_rows()[-1].id, window.current_period
    window.select_item(item, period)
    app.processEvents()
    gaps: list[float] = []
    last = [time.perf_counter()]

    def tick() -> None:
        now = time.perf_counter()
        gaps.append(now - last[0])
        last[0] = now

    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(tick)
    before = share.requests()
    timer.start()
    started = time.perf_counter()
    window.filter_bar.text.setText(word)
    window.filter_bar.apply_now()
    held = time.perf_counter() - started
    rows.append(("after: typed search held the GUI thread", f"{held * 1000:.0f} ms"))
    assert window.search_preparation.building, "the index was made without a build"
    # a rating while the build runs, through the grid as a person does it
    rated = ""
    if period is not None:
        timer.stop()  # the rating's own save holds the GUI thread: not the build's doing
        rate_started = time.perf_counter()
        window.operations.rate(item, period, "RED")
        rated = f"{time.perf_counter() - rate_started:.2f} s"
        last[0] = time.perf_counter()
        timer.start()
        building = window.search_preparation.building
        rated += " (during the build)" if building else " (the build had ended first)"
    while window.tree_model.search_waiting:
        app.processEvents()
        time.sleep(0.002)
    applied = time.perf_counter() - started
    timer.stop()
    requests = share.requests() - before
    rows.append(("after: longest GUI-thread pause while it is made",
                 f"{max(gaps, default=0) * 1000:.0f} ms (10 ms timer, {len(gaps)} ticks)"))
    if rated:
        rows.append(("after: a rating saved meanwhile", rated))
    rows.append(("after: until the search applies",
                 f"{applied:.2f} s, {requests} requests (the rating's and the poll's included)"))
    shown = window.tree_model.visible_item_ids() or []
    rows.append(("items the search shows", str(len(shown))))
    if period is not None:
        rate_started = time.perf_counter()
        window.operations.rate(item, period, "AMBER")
        rows.append(("for comparison: a rating with no build running",
                     f"{time.perf_counter() - rate_started:.2f} s"))
    window.close()
    print(f"{path.name} through slowshare at {rtt:g} ms")
    for name, value in rows:
        print(f"  {name}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
