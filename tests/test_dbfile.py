"""Opening files that are not good ragdesk databases: a clear error, and the file untouched."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import stat
from pathlib import Path

import pytest

from ragdesk import schema
from ragdesk.errors import Damaged, FileProblem, NewerSchema, NotRagdesk, NotSQLite, ReadOnly
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


def test_good_file_carries_our_application_id(sample_path: Path) -> None:
    _, version, app_id = schema.read_header(str(sample_path))
    assert (version, app_id) == (schema.SCHEMA_VERSION, schema.APPLICATION_ID)


def test_create_refuses_to_overwrite(sample_path: Path) -> None:
    before = digest(sample_path)
    with pytest.raises(FileProblem, match="already exists"):
        Store.create(sample_path)
    assert digest(sample_path) == before
