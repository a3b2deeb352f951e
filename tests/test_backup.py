"""Rotating backups with the backup API, listing, pruning and restoring (ragdesk.backup);
the next backup clears what a killed one left."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import sqlite3
import time
from pathlib import Path

import pytest
from crash_support import CTX

from ragdesk import backup, dbfile, schema
from ragdesk.errors import Damaged
from ragdesk.records import Identity
from ragdesk.store import Store

ME = Identity(user="tester", host="test-host")


def clock(*args: int):
    return lambda: dt.datetime(*args)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def dump(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def test_first_open_of_the_day_takes_one_daily_backup(sample_path: Path) -> None:
    store, problems = backup.open_with_backups(sample_path, identity=ME, now=clock(2026, 11, 23, 9, 0))
    store.close()
    assert problems == []
    folder = sample_path.parent / "ragdesk-backups"
    [daily] = backup.list_backups(sample_path, folder, check=True)
    assert daily.kind == "daily" and daily.good and daily.size > 0
    assert daily.taken_at == dt.datetime(2026, 11, 23, 9, 0)
    assert daily.path.name == "sample.2026-11-23_090000.daily.db"
    # the backup is a full, sound copy
    with Store.open(daily.path, read_only=True) as copy:
        assert copy.counts()["items"] == 47
    # second open the same day: nothing new; next day: a new one
    backup.open_with_backups(sample_path, identity=ME, now=clock(2026, 11, 23, 17, 0))[0].close()
    assert len(backup.list_backups(sample_path, folder)) == 1
    backup.open_with_backups(sample_path, identity=ME, now=clock(2026, 11, 24, 8, 0))[0].close()
    assert [b.taken_at.day for b in backup.list_backups(sample_path, folder)] == [24, 23]


def test_keeps_the_newest_14_daily_and_every_pre_migration_backup(sample_store: Store) -> None:
    folder = backup.backup_folder(sample_store)
    for day in range(1, 21):
        backup.take_backup(sample_store, "pre-migration" if day in (2, 3) else "daily",
                           now=clock(2026, 10, day, 12, 0))
    kept = backup.list_backups(sample_store.path, folder)
    daily = [b for b in kept if b.kind == "daily"]
    assert len(daily) == 14
    assert min(b.taken_at.day for b in daily) == 7  # days 1, 4, 5, 6 pruned
    assert sorted(b.taken_at.day for b in kept if b.kind == "pre-migration") == [2, 3]


def test_two_backups_in_the_same_second_do_not_overwrite(sample_store: Store) -> None:
    a = backup.take_backup(sample_store, now=clock(2026, 1, 1, 1, 1, 1))
    b = backup.take_backup(sample_store, now=clock(2026, 1, 1, 1, 1, 1))
    assert a != b and a.exists() and b.exists()
    assert len(backup.list_backups(sample_store.path, a.parent)) == 2


def test_folder_chosen_by_the_user_is_used_relative_to_the_file(sample_store: Store,
                                                                tmp_path: Path) -> None:
    chosen = tmp_path / "elsewhere" / "bk"
    assert backup.backup_folder(sample_store, chosen) == chosen
    made = backup.take_backup(sample_store, folder=chosen)
    assert made.parent == chosen
    assert sample_store.setting("backup_folder") == ""  # nothing in the file
    assert backup.backup_folder(sample_store, "relative") == Path(sample_store.path).parent / "relative"
    assert backup.backup_folder(sample_store, None) == Path(sample_store.path).parent / "ragdesk-backups"


def test_backup_failure_is_reported_not_fatal(sample_path: Path) -> None:
    blocker = sample_path.parent / "blocker"
    blocker.write_text("a file where the folder should be")
    store, problems = backup.open_with_backups(sample_path, identity=ME, folder=blocker / "sub")
    with store:
        assert store.counts()["items"] == 47  # opened all the same
    assert len(problems) == 1 and "could not be created" in problems[0]


def test_disk_full_while_backing_up_is_reported_and_leaves_no_partial(sample_store: Store,
                                                                      monkeypatch) -> None:
    def full(path: str) -> None:
        Path(path).write_bytes(b"half")
        from ragdesk.errors import FileProblem
        raise FileProblem(path, "database or disk is full")
    monkeypatch.setattr(sample_store, "save_copy", full)
    with pytest.raises(backup.BackupProblem, match="disk is full"):
        backup.take_backup(sample_store)
    assert list(backup.backup_folder(sample_store).iterdir()) == []


def test_backup_before_a_schema_migration(sample_path: Path, monkeypatch) -> None:
    """A (pretend) version 2 of the schema: the v1 file is backed up before upgrading."""
    def v1_to_v2(conn: sqlite3.Connection) -> None:
        conn.execute("CREATE TABLE future (x)")
    monkeypatch.setattr(schema, "MIGRATIONS", [*schema.MIGRATIONS, v1_to_v2])
    monkeypatch.setattr(schema, "SCHEMA_VERSION", len(schema.MIGRATIONS))
    before = dump(sample_path)
    store, problems = backup.open_with_backups(sample_path, identity=ME, now=clock(2026, 5, 5, 5, 5))
    with store:
        assert store.migrated_from == schema.SCHEMA_VERSION - 1
        assert store.schema_version() == schema.SCHEMA_VERSION
    assert problems == []
    kinds = {b.kind: b for b in backup.list_backups(sample_path, sample_path.parent / "ragdesk-backups")}
    assert set(kinds) == {"pre-migration", "daily"}
    assert dump(kinds["pre-migration"].path) == before  # the v1 contents exactly
    assert schema.read_header(str(kinds["pre-migration"].path))[1] == schema.SCHEMA_VERSION - 1


def test_restore_over_the_current_file_backs_it_up_first(sample_path: Path) -> None:
    with Store.open(sample_path, identity=ME) as store:
        good = backup.take_backup(store, now=clock(2026, 1, 1, 0, 0))
        item = store.items()[0]
        store.update_item(item.id, number="CHANGED AFTER BACKUP")
    result = backup.restore(good, sample_path, identity=Identity("restorer", "PC-9"),
                            now=clock(2026, 1, 2, 0, 0))
    assert result.previous is not None and result.previous.name.endswith(".before-restore.db")
    assert not result.previous_damaged
    with Store.open(sample_path) as store:
        assert store.item(item.id).number == item.number
        last = store.audit_log()[-1]
        assert (last.entity, last.field, last.new, last.user) == (
            "file", "restored from backup", good.name, "restorer")
        assert store.integrity_check() == "ok"
    with Store.open(result.previous, read_only=True) as replaced:
        assert replaced.item(item.id).number == "CHANGED AFTER BACKUP"  # nothing lost


def test_restore_to_a_new_file(sample_store: Store, tmp_path: Path) -> None:
    good = backup.take_backup(sample_store)
    result = backup.restore(good, tmp_path / "new.db")
    assert result.previous is None
    with Store.open(tmp_path / "new.db") as store:
        assert store.counts()["items"] == 47


def test_damaged_file_is_set_aside_and_newest_good_backup_restored(sample_path: Path) -> None:
    with Store.open(sample_path, identity=ME) as store:
        folder = backup.backup_folder(store)
        older = backup.take_backup(store, "daily", now=clock(2026, 3, 1, 0, 0))
        newest = backup.take_backup(store, "daily", now=clock(2026, 3, 2, 0, 0))
    newest.write_bytes(newest.read_bytes()[:5000])  # the newest backup is itself broken
    data = bytearray(sample_path.read_bytes())
    data[8192:20000] = b"\xa5" * (20000 - 8192)
    sample_path.write_bytes(bytes(data))
    with pytest.raises(Damaged):
        Store.open(sample_path)
    offer = backup.newest_good_backup(sample_path, folder)
    assert offer is not None and offer.path == older
    listed = {b.path: b.check for b in backup.list_backups(sample_path, folder, check=True)}
    assert listed[older] == "ok" and listed[newest] != "ok"
    damaged_bytes = sample_path.read_bytes()
    result = backup.restore(offer.path, sample_path)
    assert result.previous_damaged and result.previous.read_bytes() == damaged_bytes
    with Store.open(sample_path) as store:
        assert store.integrity_check() == "ok" and store.counts()["items"] == 47


def test_a_bad_backup_is_refused(sample_path: Path, tmp_path: Path) -> None:
    bad = tmp_path / "sample.2026-01-01_000000.daily.db"
    bad.write_bytes(b"not a database at all" * 100)
    before = digest(sample_path)
    with pytest.raises(backup.BackupProblem, match="cannot be restored"):
        backup.restore(bad, sample_path)
    assert digest(sample_path) == before


def test_backup_of_a_file_being_written_by_someone_else_is_consistent(sample_path: Path) -> None:
    with Store.open(sample_path, identity=ME) as writer, Store.open(sample_path, identity=ME) as reader:
        item = writer.items()[0]
        with writer.batch():
            writer.update_item(item.id, number="in flight")
            made = backup.take_backup(reader, now=clock(2026, 2, 2, 2, 2))  # waits or copies old
        with Store.open(made, read_only=True) as copy:
            assert copy.integrity_check() == "ok"
            assert copy.item(item.id).number in (item.number, "in flight")


def test_listing_ignores_other_files(sample_store: Store) -> None:
    folder = backup.backup_folder(sample_store)
    folder.mkdir()
    (folder / "other.2026-01-01_000000.daily.db").write_bytes(b"x")
    (folder / "sample.2026-01-01_000000.daily.db.123.partial").write_bytes(b"x")
    (folder / "notes.txt").write_text("x")
    assert backup.list_backups(sample_store.path, folder) == []
    assert backup.list_backups(sample_store.path, folder / "missing") == []


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
