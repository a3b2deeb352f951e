"""Restore never sets a healthy file aside (issue 17, finding 2).

``restore()`` judged the current file with a read-only quick_check, so a hot
journal left by a killed writer ("attempt to write a readonly database") or a
colleague's lock held over the busy timeout ("database is locked") counted as
damage: the live file was renamed to ``.damaged-<time>`` without its journal and
the colleague's COMMIT failed. Only real damage counts now; a locked file is
waited for, then refused; a hot journal is rolled back first; a file is not
renamed while anyone holds a lock on it, and a damaged one keeps its journal.
"""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import pytest
from crash_support import colleague_holding_lock, leave_hot_journal

from ragdesk import backup, dbfile
from ragdesk.records import Identity
from ragdesk.store import Store

ME = Identity("tester", "PC-1")


def clock(*args: int):
    return lambda: dt.datetime(*args)


def _good_backup(path: Path) -> Path:
    with Store.open(path, identity=ME) as store:
        return backup.take_backup(store, "manual", now=clock(2026, 1, 1, 0, 0))


def _set_aside(path: Path) -> list[Path]:
    return sorted(p for p in path.parent.glob(f"{path.name}.damaged-*")
                  if not p.name.endswith("-journal"))


def test_a_hot_journal_is_rolled_back_not_taken_for_damage(sample_path: Path) -> None:
    good = _good_backup(sample_path)
    leave_hot_journal(sample_path)
    result = backup.restore(good, sample_path, now=clock(2026, 1, 2, 0, 0))
    assert not result.previous_damaged and _set_aside(sample_path) == []
    assert result.previous is not None and dbfile.check_file(result.previous) == "ok"
    with Store.open(result.previous, read_only=True) as before:  # the recovered file, whole
        assert "never committed" not in {i.lead for i in before.items()}
    with Store.open(sample_path) as store:
        assert store.integrity_check() == "ok"
        assert store.audit_log()[-1].field == "restored from backup"


def test_a_colleague_holding_the_lock_is_waited_for(sample_path: Path) -> None:
    good = _good_backup(sample_path)
    with colleague_holding_lock(sample_path) as release:
        threading.Timer(1.0, release).start()  # the colleague's save ends after a second
        result = backup.restore(good, sample_path, now=clock(2026, 1, 2, 0, 0))
    assert not result.previous_damaged and _set_aside(sample_path) == []
    assert result.previous.name.endswith(".before-restore.db")


def test_a_lock_held_too_long_refuses_and_renames_nothing(sample_path: Path) -> None:
    good = _good_backup(sample_path)
    inode = sample_path.stat().st_ino
    with colleague_holding_lock(sample_path), \
            pytest.raises(backup.BackupProblem, match="being saved by someone else"):
        backup.restore(good, sample_path, now=clock(2026, 1, 2, 0, 0))
    assert sample_path.stat().st_ino == inode and _set_aside(sample_path) == []
    with Store.open(sample_path) as store:
        assert store.integrity_check() == "ok"


def test_a_damaged_file_is_set_aside_with_its_journal(sample_path: Path) -> None:
    good = _good_backup(sample_path)
    data = bytearray(sample_path.read_bytes())
    data[0:100] = b"garbage!" * 12 + b"abcd"  # not even a database any more
    sample_path.write_bytes(bytes(data))
    journal = Path(f"{sample_path}-journal")
    journal.write_bytes(b"\xd9\xd5\x05\xf9\x20\xa1\x63\xd7" + b"\0" * 504)
    result = backup.restore(good, sample_path, now=clock(2026, 1, 2, 0, 0))
    assert result.previous_damaged and _set_aside(sample_path) == [result.previous]
    assert result.previous.read_bytes() == bytes(data)
    assert Path(f"{result.previous}-journal").exists() and not journal.exists()


def test_a_damaged_file_held_open_elsewhere_is_not_restored_over(sample_path: Path, held_open,
                                                                monkeypatch) -> None:
    """Windows: another program (an antivirus scan, Explorer's preview) holding the damaged
    file refuses its rename. After the retries, restore says so and changes nothing."""
    from ragdesk import files

    monkeypatch.setattr(files, "RETRY_DELAYS", (0.0, 0.0))
    good = _good_backup(sample_path)
    damaged = b"garbage!" * 12 + b"abcd" + sample_path.read_bytes()[100:]
    sample_path.write_bytes(damaged)
    held_open.hold(sample_path)
    with pytest.raises(backup.BackupProblem, match="another program has it open"):
        backup.restore(good, sample_path, now=clock(2026, 1, 2, 0, 0))
    assert sample_path.read_bytes() == damaged and _set_aside(sample_path) == []
