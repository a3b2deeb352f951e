"""How ragdesk behaves on a shared network drive: file requests and seconds per action.

``python benchmarks/shared_drive.py [--rtt 0,1,20] [--sizes sample,300,3000]
[--data-dir /tmp/ragdesk-bench] [--budget 120] [--slowshare PATH] [--json]``

Every file request SQLite makes on an SMB share is a network round trip (about
1 ms in the office, 20 ms or more over VPN), so the figures that hold on any
machine are *requests*; the wait is roughly requests x round trip. This runs the
real window and store on a file inside a simulated share
(``/work/shared/tools/slowshare.py``: a FUSE folder that delays every request and
counts them; needs ``pip install mfusepy`` and ``apt-get install fuse3``, and the
right to mount) and prints, per file size and round trip:

* ``first open of the day``: ``ragdesk open FILE`` until the file is shown
  (``RAGDESK_BENCH_EXIT_AFTER_PAINT``'s ``file-shown``), no backup of today yet;
* ``open``: the same again, today's backup already taken;
* ``daily backup and check``: what the window does after the first open of the day
  (before issue 16, on the GUI thread inside "first open"; since, in the background
  after the file is shown: measured from the window's open until it is done);
* ``save an edit``: the editor's save of an Update narrative (``save_assessment``
  with the version it was read at), and the window's refresh it causes;
* ``rate a cell``: the grid's one-key rating (``MainWindow.rate``);
* ``a colleague's save seen``: another connection saves a narrative; the window's
  next poll notices it and refreshes what changed;
* ``idle minute``: 30 polls with nothing changed (the window polls every 2 s).

Requests are counted at every round trip (the count does not depend on it);
seconds are measured, except where ``requests x rtt`` would exceed ``--budget``
seconds: then the estimate is printed with ``~``. Each size runs on a fresh
copy per round trip; the backups go to the default folder beside the file (on
the share), as they would for a user who chose nothing.
"""

from __future__ import annotations

import argparse
import atexit
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
_home = tempfile.mkdtemp(prefix="ragdesk-bench-home-")
os.environ["XDG_CONFIG_HOME"] = os.environ["XDG_DATA_HOME"] = _home  # never touch real settings
atexit.register(shutil.rmtree, _home, ignore_errors=True)

HERE = Path(__file__).resolve().parent
SLOWSHARE = Path("/work/shared/tools/slowshare.py")
ACTIONS = ("first open of the day", "open", "daily backup and check", "save an edit",
           "rate a cell", "a colleague's save seen", "idle minute")


# --------------------------------------------------------------------------- the share


class Share:
    """A slowshare mount of ``source`` at ``mount`` with a request counter."""

    def __init__(self, slowshare: Path, source: Path, mount: Path, rtt_ms: float) -> None:
        self.stats = source.parent / f"stats-{rtt_ms:g}.json"
        self.mount, self.rtt = mount, rtt_ms / 1000
        mount.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, str(slowshare), str(source), str(mount),
                        "--rtt-ms", str(rtt_ms), "--stats", str(self.stats), "--background"],
                       check=True)
        deadline = time.time() + 20
        while not self.stats.exists() and time.time() < deadline:
            os.listdir(mount)  # one request makes the daemon write its first figures
            time.sleep(0.1)

    def requests(self) -> int:
        """Requests so far, once the daemon's figures have caught up (it writes ~4 times/s)."""
        last = -1
        while True:
            time.sleep(0.35)
            try:
                total = json.loads(self.stats.read_text())["total_requests"]
            except (OSError, ValueError):
                continue
            if total == last:
                return total
            last = total

    def close(self) -> None:
        subprocess.run(["fusermount3", "-u", str(self.mount)], capture_output=True)


def measure(share: Share, action: Callable[[], Any]) -> tuple[int, float]:
    before = share.requests()
    started = time.perf_counter()
    action()
    seconds = time.perf_counter() - started
    return share.requests() - before, seconds


# --------------------------------------------------------------------------- the files


def source_file(data_dir: Path, size: str) -> Path:
    """The benchmark file of that size (made once, deterministic).

    ``300`` is made once and kept, so a file made by an older ragdesk (4 KB pages)
    stays in the comparison; ``300-new`` is made by this version (its page size).
    """
    data_dir.mkdir(parents=True, exist_ok=True)
    base = size.removesuffix("-new")
    name = "sample" if base == "sample" else f"items{base}"
    path = data_dir / (name + ("-new" if size.endswith("-new") else "") + ".db")
    if not path.exists():
        if base == "sample":
            from ragdesk.sample import build_sample
            build_sample(path).close()
        else:
            subprocess.run([sys.executable, str(HERE / "generate.py"), str(path),
                            "--items", base, "--seed", "1"], check=True)
    return path


# --------------------------------------------------------------------------- the actions


def open_window_process(path: Path) -> float:
    """``ragdesk open`` until the file is shown; seconds from start to ``file-shown``."""
    env = dict(os.environ, RAGDESK_BENCH_EXIT_AFTER_PAINT="1")
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    started = time.time()
    out = subprocess.run([sys.executable, "-m", "ragdesk", "open", str(path)], env=env,
                         capture_output=True, text=True, timeout=3600)
    shown = [line for line in out.stdout.splitlines() if line.startswith("file-shown")]
    if not shown:
        raise RuntimeError(f"the window did not show the file: {out.stdout} {out.stderr}")
    return float(shown[0].split()[1]) - started


def run_size(share: Share, path: Path, budget: float, known: dict[str, int]) -> dict[str, Any]:
    """Every action on ``path`` (inside the share); ``known`` = requests measured at 0 ms."""
    from PySide6.QtCore import QCoreApplication, QEventLoop, QSettings
    from PySide6.QtWidgets import QApplication

    from ragdesk.store import Store
    from ragdesk.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication([sys.argv[0]])

    def settle() -> None:
        for _ in range(3):
            QCoreApplication.sendPostedEvents()
            app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents)

    results: dict[str, Any] = {}

    def record(name: str, action: Callable[[], Any]) -> None:
        estimate = known.get(name, 0) * share.rtt
        if estimate > budget:
            results[name] = {"requests": known[name], "seconds": round(estimate, 1),
                             "estimated": True}
            return
        requests, seconds = measure(share, action)
        results[name] = {"requests": requests, "seconds": round(seconds, 3), "estimated": False}

    # first open of the day, then open (in the real program, its own process)
    record("first open of the day", lambda: open_window_process(path))
    record("open", lambda: open_window_process(path))
    if known.get("open", 0) * share.rtt > budget:  # even setting up the rest is too slow here
        for name in ACTIONS[2:]:
            if name not in known:
                continue
            results[name] = {"requests": known[name], "seconds": round(known[name] * share.rtt, 1),
                             "estimated": True}
        return results

    try:  # the background backup is started by hand below, to be measured on its own
        from ragdesk.ui import daily_backup
        daily_backup.START_DELAY_MS = 1 << 30
    except ImportError:  # a version before issue 16: taken on opening, on the GUI thread
        daily_backup = None
    settings = QSettings(os.path.join(_home, "bench.ini"), QSettings.Format.IniFormat)
    window = MainWindow(settings=settings)
    window.show()
    if not window.open_path(path):
        raise RuntimeError("the window could not open the file")
    settle()
    window.bridge._timer.stop()  # polls are driven by hand below

    def background_backup() -> None:
        """Today's backup and check, which the window runs in the background (if not due
        any more, e.g. taken by an older version on opening, this measures nothing)."""
        task = getattr(window, "daily_backup", None)
        if task is not None:
            task._begin()
        while task is not None and not task.done:
            time.sleep(0.05)
            settle()

    record("daily backup and check", background_backup)
    store = window.store
    items = [r.id for r in store.item_rows()]
    periods = store.periods()
    item, period = items[len(items) // 2], periods[-1]

    def save_edit() -> None:
        current = store.assessment(item_id=item, period_id=period.id)
        store.save_assessment(item_id=item, period_id=period.id, expected_version=current.version if current else None,
                              update="<p>Progress reviewed at the board on " + time.ctime() + ".</p>")
        settle()

    record("save an edit", save_edit)
    rags = ["RED", "AMBER", "GREEN"]

    def rate() -> None:
        current = store.assessment(item_id=items[1], period_id=period.id)
        now = current.rag if current else None
        window.operations.rate(items[1], period.id, rags[(rags.index(now) + 1) % 3] if now in rags else "AMBER")
        settle()

    record("rate a cell", rate)
    try:  # the colleague's window opens it as ours does (no full check of a big file)
        colleague = Store.open(path, quick_check=None)
    except TypeError:  # a version before issue 16
        colleague = Store.open(path)
    other = items[2]
    before = colleague.assessment(item_id=other, period_id=period.id)
    colleague.save_assessment(item_id=other, period_id=period.id,
                              expected_version=before.version if before else None,
                              update="<p>A colleague's note, " + time.ctime() + ".</p>")
    colleague.close()

    def seen() -> None:
        if not window.bridge.poll():
            raise RuntimeError("the colleague's save was not noticed")
        settle()

    record("a colleague's save seen", seen)

    def idle() -> None:
        for _ in range(30):
            window.bridge.poll()
            settle()

    record("idle minute", idle)
    window.close()
    window.deleteLater()
    settle()
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rtt", default="0,1,20", help="round trips in ms, comma-separated")
    parser.add_argument("--sizes", default="sample,300,3000")
    parser.add_argument("--data-dir", type=Path, default=Path("/tmp/ragdesk-bench"))
    parser.add_argument("--budget", type=float, default=120,
                        help="estimate instead of measuring an action longer than this (s)")
    parser.add_argument("--slowshare", type=Path, default=SLOWSHARE)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    rtts = [float(r) for r in args.rtt.split(",")]
    sizes = args.sizes.split(",")
    table: dict[str, dict[float, dict[str, Any]]] = {}
    for size in sizes:
        master = source_file(args.data_dir, size)
        known: dict[str, int] = {}
        table[size] = {}
        for rtt in sorted(rtts):
            work = Path(tempfile.mkdtemp(prefix="ragdesk-share-"))
            try:
                source, mount = work / "server", work / "mnt"
                source.mkdir()
                shutil.copyfile(master, source / "unit.db")
                share = Share(args.slowshare, source, mount, rtt)
                try:
                    results = run_size(share, mount / "unit.db", args.budget, known)
                finally:
                    share.close()
            finally:
                shutil.rmtree(work, ignore_errors=True)
            if not known:  # the first (smallest) round trip: every action measured
                known = {k: v["requests"] for k, v in results.items()}
            table[size][rtt] = results
            if not args.json:
                print(f"{size:>6} items at {rtt:g} ms: " + "; ".join(
                    f"{k} {v['requests']} req {'~' if v['estimated'] else ''}{v['seconds']:g} s"
                    for k, v in results.items()), flush=True)
    if args.json:
        print(json.dumps(table, indent=1))
        return 0
    print()
    header = "| file | action | " + " | ".join(f"{r:g} ms" for r in sorted(rtts)) + " |"
    print(header)
    print("|" + "---|" * (2 + len(rtts)))
    for size in sizes:
        for action in ACTIONS:
            cells = []
            for rtt in sorted(rtts):
                v = table[size][rtt][action]
                cells.append(f"{v['requests']:,} req, {'~' if v['estimated'] else ''}{v['seconds']:g} s")
            print(f"| {size} | {action} | " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
