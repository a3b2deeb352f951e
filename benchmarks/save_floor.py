"""The fewest requests any write can cost through a no-cache share: SQLite's own floor.

``python benchmarks/save_floor.py [--slowshare PATH]``

``save_requests.py`` says where a ragdesk save's requests go; this measures what is left
when ragdesk is taken away. It makes a small database (16 KB pages, as ragdesk makes new
files), mounts it in a logging ``slowshare`` at 0 ms, and through Python's ``sqlite3`` with
ragdesk's settings (rollback journal in ``DELETE`` mode, ``synchronous = FULL``) commits
write transactions touching 1, 2, 3 and 5 pages besides the header page, printing the
requests of each. The difference between two lines is the cost of one more page; the
first line is the fixed cost of any write. A save that keeps an audit trail writes at
least the header, the record's page and the audit row's page, plus one page per index
either touches. Not part of ``run.py``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from save_requests import _LOGGING_SHARE, SLOWSHARE

ROWS = 4000  # 4000 rows of ~600 bytes: ~150 leaf pages, so rows far apart share no page


def make_file(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA page_size = 16384")
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")
    conn.executemany("INSERT INTO t VALUES (?, ?)", ((i, "x" * 600) for i in range(ROWS)))
    conn.commit()
    conn.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--slowshare", type=Path, default=SLOWSHARE)
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="ragdesk-save-floor-"))
    server, mount, log = work / "server", work / "mnt", work / "requests.log"
    server.mkdir()
    mount.mkdir()
    make_file(server / "floor.db")
    log.write_text("")
    share = work / "logging_share.py"
    share.write_text(_LOGGING_SHARE.format(slowshare=str(args.slowshare.resolve())))
    subprocess.run([sys.executable, str(share), str(server), str(mount), "--rtt-ms", "0",
                    "--background"], env=dict(os.environ, SAVE_REQUESTS_LOG=str(log)), check=True)
    try:
        deadline = time.time() + 20
        while not (mount / "floor.db").exists() and time.time() < deadline:
            time.sleep(0.1)
        conn = sqlite3.connect(mount / "floor.db", isolation_level=None)
        conn.execute("PRAGMA journal_mode = DELETE")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("SELECT count(*) FROM t").fetchone()
        print("pages written (+ header) | requests")
        for pages in (1, 2, 3, 5):
            rows = [1 + n * (ROWS // pages - 1) for n in range(pages)]
            time.sleep(0.3)  # let the share log what came before
            before = len(log.read_text().splitlines())
            conn.execute("BEGIN IMMEDIATE")
            conn.executemany("UPDATE t SET v = ? WHERE id = ?", ((f"y{time.time()}", r) for r in rows))
            conn.execute("COMMIT")
            time.sleep(0.3)
            print(f"{pages} (+1) | {len(log.read_text().splitlines()) - before}")
        conn.close()
    finally:
        time.sleep(0.3)
        subprocess.run(["fusermount3", "-u", str(mount)], capture_output=True)
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
