"""Helpers for tests that crash a writer or fill a disk (issue 17).

Child processes are started with multiprocessing "spawn" (never fork: a forked
child shares the parent's SQLite state), so the functions they run live here, in
a module the child can import.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

CTX = mp.get_context("spawn")


def page_start(data: bytes, offset: int) -> int:
    """Where the database page holding ``offset`` starts: damage written from there hits the
    page's header, which SQLite's check always reads (the rest of a page may be unused space
    it never looks at, e.g. an empty index's leaf)."""
    size = int.from_bytes(data[16:18], "big")
    size = 65536 if size == 1 else size
    return offset // size * size


def _crash_mid_save(path: str) -> None:
    """Start a big change, let it spill into the file, then die: a hot journal is left."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA cache_size = 2")  # tiny cache: changed pages spill into the file
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("UPDATE items SET lead = 'never committed', text = ?", ("z" * 5000,))
    os._exit(0)  # no COMMIT, no ROLLBACK


def leave_hot_journal(path: str | os.PathLike[str]) -> None:
    """Kill a writer mid-save on ``path`` (a real process), leaving its hot journal."""
    child = CTX.Process(target=_crash_mid_save, args=(os.fspath(path),))
    child.start()
    child.join(60)
    journal = Path(f"{os.fspath(path)}-journal")
    assert journal.exists() and journal.stat().st_size > 0, "no hot journal was left"


def _hold_lock(path: str, mode: str, held, release) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute(f"BEGIN {mode}")
    conn.execute("SELECT count(*) FROM items").fetchone()
    held.set()
    release.wait(120)
    conn.execute("ROLLBACK")
    conn.close()


@contextlib.contextmanager
def colleague_holding_lock(path: str | os.PathLike[str], mode: str = "EXCLUSIVE"):
    """A colleague's process holding ``BEGIN <mode>`` on the file; yields a release() function."""
    held, release = CTX.Event(), CTX.Event()
    child = CTX.Process(target=_hold_lock, args=(os.fspath(path), mode, held, release))
    child.start()
    try:
        assert held.wait(60), "the colleague never got the lock"
        yield release.set
    finally:
        release.set()
        child.join(60)


@contextlib.contextmanager
def tiny_disk(folder: Path, size_kb: int) -> Iterator[Path]:
    """A ``size_kb`` tmpfs mounted at ``folder``: a real "disk full" (needs root; else skip)."""
    folder.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_kb}k", "tmpfs",
                              str(folder)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip("a small disk needs mount rights (root in a container)")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True)


def fill(folder: Path, leave_bytes: int) -> None:
    """Use up a tiny disk's space until only ``leave_bytes`` are free."""
    stats = os.statvfs(folder)
    free = stats.f_bavail * stats.f_frsize
    if free > leave_bytes:
        (folder / "filler").write_bytes(b"\0" * (free - leave_bytes))
