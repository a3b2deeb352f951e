"""A killed or failed backup, export or sample leaves nothing half-made behind (issue 17, 12).

A killed backup left ``.partial`` / ``.partial-journal`` files in the backup
folder forever; a full disk left a truncated JSON export and a half-built sample.
Now each is written under a temporary name and renamed when whole, and the next
backup clears what a killed one left.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import time
from pathlib import Path

import pytest
from crash_support import CTX, fill, tiny_disk

from ragdesk import backup, dbfile
from ragdesk.cli import main
from ragdesk.store import Store

WHEN = dt.datetime(2026, 3, 1, 9, 30)


def _killed_backup(source: str, partial: str) -> None:
    """A backup that dies half-way: its ``.partial`` and a hot ``.partial-journal`` remain."""
    dest = sqlite3.connect(partial, isolation_level=None)
    sqlite3.connect(source).backup(dest)
    dest.execute("PRAGMA cache_size = 2")
    dest.execute("BEGIN IMMEDIATE")
    dest.execute("UPDATE items SET text = ?", ("z" * 4000,))
    os._exit(9)


def test_next_backup_clears_what_a_killed_backup_left(sample_store: Store, tmp_path: Path) -> None:
    folder = tmp_path / "backups"
    folder.mkdir()
    stem = Path(sample_store.path).stem
    partial = folder / f"{stem}.2026-02-28_090000.daily.db.4242.partial"
    child = CTX.Process(target=_killed_backup, args=(sample_store.path, str(partial)))
    child.start()
    child.join(60)
    journal = Path(f"{partial}-journal")
    assert partial.exists() and journal.exists()
    old = time.time() - 3600
    for leftover in (partial, journal):
        os.utime(leftover, (old, old))
    in_progress = folder / f"{stem}.2026-03-01_092959.daily.db.77.partial"  # a colleague, now
    in_progress.write_bytes(b"SQLite format 3\0")
    someone_else = folder / "other.2026-02-28_090000.daily.db.1.partial"
    someone_else.write_bytes(b"x")
    os.utime(someone_else, (old, old))

    made = backup.take_backup(sample_store, "daily", folder=folder, now=lambda: WHEN)

    assert made.exists() and dbfile.check_file(made) == "ok"
    assert not partial.exists() and not journal.exists()
    assert in_progress.exists(), "a backup still being written must be left alone"
    assert someone_else.exists(), "only this file's leftovers are cleared"


def test_full_disk_export_leaves_no_half_file(sample_path: Path, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    with tiny_disk(tmp_path / "usb", 512) as usb:
        fill(usb, 20_000)
        out = usb / "export.json"
        assert main(["export", str(sample_path), "-o", str(out)]) == 1
        assert "Traceback" not in capsys.readouterr().err
        assert sorted(p.name for p in usb.iterdir()) == ["filler"]
        out.write_text("yesterday's export")  # an older export is kept whole on failure
        assert main(["export", str(sample_path), "-o", str(out)]) == 1
        assert out.read_text() == "yesterday's export"
        assert sorted(p.name for p in usb.iterdir()) == ["export.json", "filler"]


def test_full_disk_sample_leaves_no_half_file(tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    with tiny_disk(tmp_path / "usb", 512) as usb:
        fill(usb, 150_000)
        target = usb / "sample.db"
        assert main(["sample", str(target)]) == 1
        err = capsys.readouterr().err
        assert "full" in err and "Traceback" not in err
        assert sorted(p.name for p in usb.iterdir()) == ["filler"]
