"""Where a save's file requests go on a shared drive: one line per kind, pages per b-tree.

``python benchmarks/save_requests.py FILE [--edits 20] [--ratings 20] [--seed 5]
[--slowshare PATH] [--log LOG]``

``shared_drive.py`` counts a save's requests; this says what they are. It mounts a
copy of FILE in ``slowshare`` (at 0 ms: the counts do not depend on the round trip)
with every request logged (operation, file, size, offset), then saves narrative
edits and ratings on items picked at random (seeded) through the ``Store`` as the
editor and the grid do (the assessment read first for its version, then
``save_assessment`` / ``set_rag``). For each save it prints the requests by kind and
the pages written by b-tree (SQLite's ``dbstat``, read on the server side, costing
the share nothing), then the mean, median and worst over the saves. Not part of
``run.py``.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections import Counter
from pathlib import Path

SLOWSHARE = Path("/work/shared/tools/slowshare.py")
MARK = "### "

# A slowshare whose every request is appended to $SAVE_REQUESTS_LOG first (same delays,
# same counts): run as its own process, as slowshare itself is.
_LOGGING_SHARE = textwrap.dedent('''
    import functools, os, runpy, sys
    sys.path.insert(0, os.path.dirname({slowshare!r}))
    import slowshare
    LOG = open(os.environ["SAVE_REQUESTS_LOG"], "a", buffering=1)

    def logged(name, fn):
        @functools.wraps(fn)
        def call(self, path, *args, **kw):
            detail = ""
            if name == "read":
                detail = f" {{args[0]}} {{args[1]}}"
            elif name == "write":
                detail = f" {{len(args[0])}} {{args[1]}}"
            LOG.write(f"{{name}} {{path}}{{detail}}\\n")
            return fn(self, path, *args, **kw)
        return call

    for name in ("getattr access readdir open create read write truncate flush fsync release "
                 "unlink rename mkdir rmdir chmod chown utimens statfs").split():
        setattr(slowshare.SlowShare, name, logged(name, getattr(slowshare.SlowShare, name)))
    slowshare.main()
''')


def kind(op: str, name: str, size: int | None, offset: int | None) -> str:
    """The request's part in a save, as the tables in benchmarks/README.md name it."""
    if name.endswith(".writer"):
        return "writer's name note"
    if op == "fsync":
        return "fsync"
    if name.endswith("-journal"):
        if op == "write":
            return "journal write"
        if op in ("getattr", "access"):
            return "look-up (journal, WAL, file)"
        return "journal create/close/delete"
    if name.endswith("-wal") or op in ("getattr", "access"):
        return "look-up (journal, WAL, file)"
    if op == "read":
        return "change counter read" if (size, offset) == (16, 24) else "page read"
    if op == "write":
        return "page write"
    return op


def page_owners(path: Path) -> tuple[int, dict[int, str]]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        (page_size,) = conn.execute("PRAGMA page_size").fetchone()
        owners = {page: f"{name} ({kind})" for name, page, kind in conn.execute(
            "SELECT name, pageno, pagetype FROM dbstat")}
        return page_size, owners
    finally:
        conn.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path)
    parser.add_argument("--edits", type=int, default=20)
    parser.add_argument("--ratings", type=int, default=20)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--slowshare", type=Path, default=SLOWSHARE)
    parser.add_argument("--log", type=Path, help="keep the request log here")
    args = parser.parse_args(argv)

    from ragdesk.store import Store

    work = Path(tempfile.mkdtemp(prefix="ragdesk-save-requests-"))
    server, mount = work / "server", work / "mnt"
    server.mkdir()
    mount.mkdir()
    shutil.copyfile(args.file, server / "unit.db")
    log = args.log or work / "requests.log"
    log.write_text("")
    share_script = work / "logging_share.py"
    share_script.write_text(_LOGGING_SHARE.format(slowshare=str(args.slowshare.resolve())))
    subprocess.run([sys.executable, str(share_script), str(server), str(mount), "--rtt-ms", "0",
                    "--background"], env=dict(os.environ, SAVE_REQUESTS_LOG=str(log)), check=True)

    def mark(label: str) -> None:
        """Write a marker into the log once the requests before it have been logged."""
        time.sleep(0.2)
        with log.open("a") as f:
            f.write(MARK + label + "\n")

    totals: dict[str, list[int]] = {"edit": [], "rating": []}
    try:
        deadline = time.time() + 20
        while not (mount / "unit.db").exists() and time.time() < deadline:
            time.sleep(0.1)
        try:
            store = Store.open(mount / "unit.db", quick_check=None)
        except TypeError:  # a version before issue 16
            store = Store.open(mount / "unit.db")
        items = [r.id for r in store.item_rows()]
        period = store.periods()[-1]
        rnd = random.Random(args.seed)
        rags = ["RED", "AMBER", "GREEN"]
        saves = ([("edit", i) for i in rnd.sample(items, min(args.edits, len(items)))]
                 + [("rating", i) for i in rnd.sample(items, min(args.ratings, len(items)))])
        for n, (what, item) in enumerate(saves):
            mark(f"{what} {item} {n}")
            current = store.assessment(item_id=item, period_id=period.id)
            version = current.version if current else None
            if what == "edit":
                store.save_assessment(item_id=item, period_id=period.id, expected_version=version,
                                      update=f"<p>Progress reviewed at the board ({n}, "
                                             f"{time.time()}).</p>")
            else:
                now = current.rag if current else None
                store.set_rag(item_id=item, period_id=period.id, rag=rags[(rags.index(now) + 1) % 3] if now in rags
                              else "AMBER", expected_version=version)
            mark("end")
            lines = log.read_text().splitlines()
            start = max(i for i, line in enumerate(lines) if line.startswith(MARK + what))
            requests = [line.split() for line in lines[start + 1:-1]]
            page_size, owners = page_owners(server / "unit.db")
            kinds: Counter[str] = Counter()
            pages: Counter[str] = Counter()
            for fields in requests:
                op, name = fields[0], fields[1]
                size = int(fields[2]) if len(fields) > 2 else None
                offset = int(fields[3]) if len(fields) > 3 else None
                kinds[kind(op, name, size, offset)] += 1
                if op == "write" and name.endswith(".db") and offset is not None:
                    pages[owners.get(offset // page_size + 1, "free list")] += 1
            totals[what].append(len(requests))
            print(f"{what} of item {item}: {len(requests)} requests: " + ", ".join(
                f"{k} {v}" for k, v in kinds.most_common()))
            print("    pages written: " + ", ".join(f"{k} {v}" for k, v in sorted(pages.items())))
        store.close()
    finally:
        time.sleep(0.3)
        subprocess.run(["fusermount3", "-u", str(mount)], capture_output=True)
        if args.log is None:
            shutil.rmtree(work, ignore_errors=True)
    print()
    for what, counts in totals.items():
        if counts:
            print(f"{what}s ({len(counts)}): mean {statistics.mean(counts):.0f}, median "
                  f"{statistics.median(counts):g}, fewest {min(counts)}, most {max(counts)} requests")
    return 0


if __name__ == "__main__":
    sys.exit(main())
