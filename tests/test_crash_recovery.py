"""Bad files on open: the right error, the file byte-for-byte unchanged, a good backup offered.

Also the file turning read-only while open: a clear ReadOnly error on the next
save, nothing half-written, and the same save succeeds once access returns.
"""

from __future__ import annotations

import hashlib
import multiprocessing as mp
import os
import sqlite3
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from crash_support import page_start

from ragdesk import backup, dbfile, schema
from ragdesk.errors import Damaged, FileProblem, NewerSchema, NotRagdesk, NotSQLite, ReadOnly
from ragdesk.store import Identity, Store


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


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
    child = os.fork() if hasattr(os, "fork") else None
    if child is None:
        pytest.skip("needs fork")
    if child == 0:  # the crashing writer: big uncommitted change, then die without cleanup
        conn = sqlite3.connect(sample_path, isolation_level=None)
        conn.execute("PRAGMA cache_size = 2")  # tiny cache: changed pages spill into the file
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("UPDATE items SET lead = 'never committed', text = ?", ("z" * 5000,))
        os._exit(0)  # no COMMIT, no ROLLBACK: the journal is left behind
    os.waitpid(child, 0)
    assert Path(f"{sample_path}-journal").stat().st_size > 0  # a hot journal was left behind
    spoiled = digest(sample_path)
    with Store.open(sample_path) as store:
        assert store.item(item.id).lead == "committed"
        assert store.integrity_check() == "ok"
        assert {i.lead for i in store.items()} != {"never committed"}
    assert digest(sample_path) != spoiled  # the half-written pages were put back


# --------------------------------------------------------------------------- read-only while open


def _save_after_it_turns_read_only(path: str, go, done, results) -> None:
    if os.geteuid() == 0:
        os.setgid(65534)
        os.setuid(65534)  # as "nobody": the read-only bit applies
    store = Store.open(path, identity=Identity("hana", "PC-4"))
    item = store.items()[0]
    done.set()
    go.wait(20)
    outcome = []
    try:
        store.update_item(item.id, expected_version=item.version, lead="typed while read-only")
        outcome.append("saved")
    except ReadOnly as e:
        outcome.append(f"ReadOnly: {e}")
    except Exception as e:  # anything else is the bug this test looks for
        outcome.append(f"{type(e).__name__}: {e}")
    outcome.append(store.item(item.id).lead)
    done.clear()
    go.clear()
    done.set()
    go.wait(20)  # access restored: the same save now works
    try:
        outcome.append(store.update_item(item.id, expected_version=item.version,
                                         lead="typed while read-only").lead)
    except Exception as e:
        outcome.append(f"{type(e).__name__}: {e}")
    store.close()
    results.put(outcome)


@pytest.mark.skipif(os.name == "nt", reason="POSIX permissions")
def test_file_made_read_only_while_open(sample_path: Path) -> None:
    ctx = mp.get_context("fork")
    share = Path(tempfile.mkdtemp(prefix="ragdesk-share-"))
    try:
        share.chmod(0o777)
        path = share / "shared.db"
        path.write_bytes(sample_path.read_bytes())
        path.chmod(0o666)
        go, done, results = ctx.Event(), ctx.Event(), ctx.Queue()
        worker = ctx.Process(target=_save_after_it_turns_read_only,
                             args=(str(path), go, done, results))
        worker.start()
        assert done.wait(20)
        done.clear()
        path.chmod(0o444)  # the share turns read-only under the user's feet
        share.chmod(0o555)
        go.set()
        assert done.wait(20)
        share.chmod(0o777)
        path.chmod(0o666)
        go.set()
        outcome = results.get(timeout=30)
        worker.join(timeout=30)
        assert outcome[0].startswith("ReadOnly:") and "read-only" in outcome[0], outcome
        assert outcome[1] != "typed while read-only"  # nothing half-saved
        assert outcome[2] == "typed while read-only"  # saved once access came back
        with Store.open(path) as store:
            assert store.integrity_check() == "ok"
    finally:
        for p in (share, *share.iterdir()):
            p.chmod(stat.S_IRWXU)
        for p in share.iterdir():
            p.unlink()
        share.rmdir()


def test_disk_full_during_a_save_is_clear_and_loses_nothing(sample_store: Store) -> None:
    from ragdesk.errors import RagdeskError

    item = sample_store.items()[0]
    (pages,) = sample_store.conn.execute("PRAGMA page_count").fetchone()
    sample_store.conn.execute(f"PRAGMA max_page_count = {pages}")  # the disk is now "full"
    huge = "<p>" + "evidence of progress " * 20000 + "</p>"
    with pytest.raises(RagdeskError, match="disk holding the file is full") as caught:
        sample_store.update_item(item.id, expected_version=item.version, text=huge)
    assert "still in the window" in str(caught.value)
    assert sample_store.item(item.id).version == item.version  # rolled back whole
    assert sample_store.integrity_check() == "ok"
    sample_store.conn.execute("PRAGMA max_page_count = 1073741823")  # space freed
    saved = sample_store.update_item(item.id, expected_version=item.version, text=huge)
    assert saved.version == item.version + 1
