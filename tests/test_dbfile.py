"""The database file itself, before and around a Store (what ragdesk/dbfile.py will hold).

Opening files that are not good ragdesk databases (text, empty, another program's,
newer, damaged, truncated, read-only, missing, held exclusively by a colleague): a
clear error and the file byte-for-byte untouched, a good backup offered. Creating
never overwrites. ``save_copy`` copies through SQLite's backup API. Read-only URIs
for shared-drive paths and odd names. A hot journal left by a killed writer: the
read-only opens and commands say a save was interrupted, a normal open rolls it back
(in each rollback-journal mode ragdesk may use: DELETE is ``store.JOURNAL_MODE``, the
persistent TRUNCATE and PERSIST stay proven too).
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import stat
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from crash_support import CTX, leave_hot_journal, page_start

from ragdesk import backup, dbfile, schema
from ragdesk.cli import main
from ragdesk.errors import (
    Damaged,
    FileProblem,
    InterruptedSave,
    Locked,
    NewerSchema,
    NotRagdesk,
    NotSQLite,
    ReadOnly,
)
from ragdesk.records import Identity
from ragdesk.store import Store


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def refuse(path: Path, error: type[FileProblem], words: str, **kwargs) -> None:
    before = digest(path)
    with pytest.raises(error, match=words) as caught:
        Store.open(path, **kwargs)
    assert str(path) in str(caught.value)
    assert digest(path) == before, "a refused file must not be modified"


def test_text_file(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("Minutes of the Star Chamber", encoding="utf-8")
    refuse(path, NotSQLite, "not an SQLite file")


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.db"
    path.write_bytes(b"")
    refuse(path, NotSQLite, "not a ragdesk database")


def test_another_programs_sqlite_file(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    refuse(path, NotRagdesk, "another program")


def test_newer_schema(sample_path: Path) -> None:
    conn = sqlite3.connect(sample_path)
    conn.execute(f"PRAGMA user_version = {schema.SCHEMA_VERSION + 1}")
    conn.commit()
    conn.close()
    refuse(sample_path, NewerSchema, "newer version of ragdesk")


def test_damaged_file(sample_path: Path) -> None:
    data = bytearray(sample_path.read_bytes())
    page = 4096
    for offset in range(page * 2, min(len(data), page * 6)):
        data[offset] = 0xA5  # scribble over some b-tree pages, keep the header
    sample_path.write_bytes(bytes(data))
    refuse(sample_path, Damaged, "damaged")


def test_truncated_file(sample_path: Path) -> None:
    data = sample_path.read_bytes()
    sample_path.write_bytes(data[: len(data) // 3])
    refuse(sample_path, Damaged, "damaged")


@pytest.mark.skipif(os.name == "nt" or os.geteuid() == 0,
                    reason="root (and Windows ACLs) ignore the read-only bit")
def test_read_only_file(sample_path: Path) -> None:
    sample_path.chmod(stat.S_IRUSR)
    refuse(sample_path, ReadOnly, "read-only")
    with Store.open(sample_path, read_only=True) as store:
        assert store.counts()["items"] == 47


def test_read_only_folder_is_reported_before_any_change(sample_path: Path, monkeypatch) -> None:
    # Works as root too: the store asks os.access, which we make say "no".
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, mode: False if mode == os.W_OK else real_access(p, mode))
    refuse(sample_path, ReadOnly, "read-only")


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(FileProblem, match="does not exist"):
        Store.open(tmp_path / "nope.db")
    with pytest.raises(FileProblem, match="folder"):
        Store.open(tmp_path)


def test_wal_file_is_switched_to_the_shared_drive_journal(sample_path: Path) -> None:
    conn = sqlite3.connect(sample_path)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.close()
    with Store.open(sample_path) as store:
        assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"


def test_create_refuses_to_overwrite(sample_path: Path) -> None:
    before = digest(sample_path)
    with pytest.raises(FileProblem, match="already exists"):
        Store.create(sample_path)
    assert digest(sample_path) == before


def test_save_copy_opens_with_the_same_content(sample_store: Store, tmp_path) -> None:
    item = sample_store.items()[0]
    sample_store.update_item(item.id, lead="DCC <Smith> & co")
    target = tmp_path / "copy.db"
    sample_store.save_copy(target)
    with Store.open(target) as copy:
        assert copy.counts()["items"] == sample_store.counts()["items"]
        assert copy.item(item.id).lead == "DCC <Smith> & co"
        assert copy.integrity_check() == "ok"


def test_save_copy_refuses_to_overwrite_itself(sample_store: Store) -> None:
    with pytest.raises(FileProblem):
        sample_store.save_copy(sample_store.path)
    assert sample_store.integrity_check() == "ok"


INTERRUPTED = "a save was interrupted"


@pytest.mark.parametrize("command", [["check"], ["export", "--format", "csv"]])
def test_read_only_commands_on_a_hot_journal_say_a_save_was_interrupted(
        sample_path: Path, command: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    leave_hot_journal(sample_path)
    before = digest(sample_path)
    assert main([command[0], str(sample_path), *command[1:]]) == 1
    err = capsys.readouterr().err
    assert INTERRUPTED in err and "open the file normally once" in err.lower(), err
    assert "read-only here" not in err
    assert digest(sample_path) == before  # a read-only command changed nothing
    with Store.open(sample_path) as store:  # ... and the normal open recovers it
        assert store.integrity_check() == "ok"
        assert "never committed" not in {i.lead for i in store.items()}
    assert main(["check", str(sample_path)]) == 0


def test_read_only_store_on_a_hot_journal_raises_a_file_problem_saying_so(sample_path: Path) -> None:
    leave_hot_journal(sample_path)
    with pytest.raises(FileProblem, match=INTERRUPTED):
        Store.open(sample_path, read_only=True)


def scribble_middle(path: Path) -> None:
    data = bytearray(path.read_bytes())
    start = page_start(data, len(data) // 2)
    data[start: start + 12000] = os.urandom(12000)
    data[start] = 0xA5  # not a page type: damage whichever page it is
    path.write_bytes(bytes(data))


def truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def zero_length(path: Path) -> None:
    path.write_bytes(b"")


def other_program(path: Path) -> None:
    path.unlink()
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE invoices (id, total)")
    conn.execute("INSERT INTO invoices VALUES (1, 99.5)")
    conn.commit()
    conn.close()


def newer_schema(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {schema.SCHEMA_VERSION + 1}")
    conn.commit()
    conn.close()


CASES: list[tuple[str, Callable[[Path], None], type[FileProblem], str]] = [
    ("corrupted middle", scribble_middle, Damaged, "damaged"),
    ("truncated", truncate, Damaged, "damaged"),
    ("zero length", zero_length, NotSQLite, "not a ragdesk database"),
    ("another program's database", other_program, NotRagdesk, "another program"),
    ("newer schema", newer_schema, NewerSchema, "newer version of ragdesk"),
]


@pytest.mark.parametrize(("name", "spoil", "error", "words"), CASES, ids=[c[0] for c in CASES])
def test_bad_file_is_refused_untouched_and_a_good_backup_is_offered(
        sample_path: Path, name: str, spoil, error: type[FileProblem], words: str) -> None:
    with Store.open(sample_path) as store:
        folder = backup.backup_folder(store)
        good = backup.take_backup(store, "daily")
    spoil(sample_path)
    before = digest(sample_path)
    for read_only in (False, True):
        with pytest.raises(error, match=words) as caught:
            Store.open(sample_path, read_only=read_only)
        assert str(sample_path) in str(caught.value)
        assert digest(sample_path) == before, "a refused file must not be modified"
    assert not Path(f"{sample_path}-journal").exists()
    assert dbfile.check_file(sample_path) != "ok"
    offer = backup.newest_good_backup(sample_path, folder)
    assert offer is not None and offer.path == good
    if error is Damaged:  # what the window does after the user accepts the offer
        result = backup.restore(offer.path, sample_path)
        assert result.previous_damaged and digest(result.previous) == before
        with Store.open(sample_path) as store:
            assert store.integrity_check() == "ok" and store.counts()["items"] == 47


def test_hot_journal_from_a_crashed_writer_is_rolled_back_on_open(sample_path: Path) -> None:
    """A half-done transaction left by a crash is undone; nothing committed is lost."""
    with Store.open(sample_path) as store:
        item = store.items()[0]
        store.update_item(item.id, lead="committed")
    leave_hot_journal(sample_path)  # a crashing writer: big uncommitted change, then dies
    spoiled = digest(sample_path)
    with Store.open(sample_path) as store:
        assert store.item(item.id).lead == "committed"
        assert store.integrity_check() == "ok"
        assert {i.lead for i in store.items()} != {"never committed"}
    assert digest(sample_path) != spoiled  # the half-written pages were put back


def _writer(path: str, mode: str, ready) -> None:
    from ragdesk import dbfile

    dbfile.JOURNAL_MODE = mode
    store = Store.open(path, identity=Identity("killed", "PC-0"))
    (actual,) = store.conn.execute("PRAGMA journal_mode").fetchone()
    assert actual == mode.lower()
    store.conn.execute("PRAGMA cache_size = 5")  # changed pages spill into the file at once
    with store.batch():
        for item in store.items():
            store.update_item(item.id, lead="never committed", text="<p>" + "lost " * 600 + "</p>")
        ready.set()
        time.sleep(120)  # killed here, inside the transaction


@pytest.mark.skipif(os.name == "nt", reason="SIGKILL")
@pytest.mark.parametrize("mode", ["DELETE", "TRUNCATE", "PERSIST"])
def test_a_writer_killed_mid_save_loses_nothing_committed(sample_path: Path, mode: str) -> None:
    with Store.open(sample_path) as store:
        item = store.items()[0]
        store.update_item(item.id, lead="committed before the crash")
        before = {i.id: (i.lead, i.text) for i in store.items()}
    ready = CTX.Event()
    writer = CTX.Process(target=_writer, args=(str(sample_path), mode, ready))
    writer.start()
    try:
        assert ready.wait(60), "the writer never got going"
        writer.kill()  # SIGKILL: no rollback, no cleanup
    finally:
        writer.join(30)
    journal = Path(f"{sample_path}-journal")
    assert journal.exists() and journal.stat().st_size > 0
    with pytest.raises(InterruptedSave):  # a read-only open says what happened...
        Store.open(sample_path, read_only=True)
    with Store.open(sample_path) as store:  # ...and a normal open recovers it
        assert {i.id: (i.lead, i.text) for i in store.items()} == before
        assert store.integrity_check() == "ok"
        saved = store.update_item(item.id, lead="saved after the crash")
        assert saved.lead == "saved after the crash"


def _exclusive_holder(path: str, ready, release) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN EXCLUSIVE")
    ready.set()
    release.wait(30)
    conn.execute("ROLLBACK")
    conn.close()


def test_opening_a_file_held_exclusively_gives_a_clear_locked_error(sample_path: Path,
                                                                    monkeypatch) -> None:
    monkeypatch.setattr(dbfile, "BUSY_TIMEOUT_MS", 300)
    ready, release = CTX.Event(), CTX.Event()
    holder = CTX.Process(target=_exclusive_holder, args=(str(sample_path), ready, release))
    holder.start()
    try:
        assert ready.wait(20)
        with pytest.raises(Locked, match="stayed locked.*open it read-only"):
            Store.open(sample_path)
    finally:
        release.set()
        holder.join(timeout=30)
    Store.open(sample_path).close()


def test_read_only_uri_handles_shared_drive_paths_and_odd_names(sample_path: Path) -> None:
    from ragdesk.dbfile import read_only_uri

    assert read_only_uri(r"\\server\share\Unit files\plan.db", windows=True) == \
        "file:////server/share/Unit%20files/plan.db?mode=ro"
    assert read_only_uri(r"Z:\Unit\plan #2.db", windows=True) == "file:///Z:/Unit/plan%20%232.db?mode=ro"
    odd = sample_path.with_name("HMICFRS plan #2 ?100% & co.db")
    odd.write_bytes(sample_path.read_bytes())
    with Store.open(odd, read_only=True) as store:
        assert store.counts()["items"] == 47
    assert dbfile.check_file(odd) == "ok"
