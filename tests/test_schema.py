"""The schema a file must have, and the migrations that bring an older file to it.

A crafted schema is refused, reported by ``check``, and can never hang a save
(issue 17, 6). SQLite runs whatever triggers and views a file carries. A file edited
with any SQLite tool could make every save spin while holding the write lock (an
endless recursive CTE in a trigger on ``audit``), hang an export (a replaced view),
silently suppress the audit log (append-only triggers dropped, one deleting new
rows added) or lack a table (tracebacks). Now: ``trusted_schema=OFF`` on every
connection, the file's ``sqlite_master`` is compared with the schema this version
of ragdesk makes (any difference refuses the open, leaving the file untouched),
``ragdesk check`` lists every difference, and a progress handler stops any single
statement that runs away.

Also: a new file carries ragdesk's application_id; a version 1 file's audit rows are
linked to their items on upgrade; a schema 3 file keeps every text and carries
forward by reference afterwards.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3
import time
from pathlib import Path

import pytest

from ragdesk import backup, dbfile, schema
from ragdesk.cli import main
from ragdesk.errors import (
    Damaged,
    RagdeskError,
)
from ragdesk.records import Identity
from ragdesk.store import Store

ENDLESS = ("SELECT count(*) FROM (WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 "
           "FROM c) SELECT x FROM c)")


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def tamper(path: Path, *statements: str) -> None:
    conn = sqlite3.connect(path)
    for sql in statements:
        conn.execute(sql)
    conn.commit()
    conn.close()


SPINNING_TRIGGER = (f"CREATE TRIGGER spin AFTER INSERT ON audit BEGIN {ENDLESS}; END",)
AUDIT_SUPPRESSED = (
    "DROP TRIGGER audit_is_append_only_d",
    "CREATE TRIGGER hide AFTER INSERT ON audit BEGIN DELETE FROM audit WHERE id = new.id; END",
)
REPLACED_VIEW = (
    "DROP VIEW assessments_resolved",
    f"CREATE VIEW assessments_resolved AS SELECT a.*, ({ENDLESS}) AS spin FROM assessments a",
)
NO_AUDIT = ("DROP TABLE audit",)

CASES = {
    "spinning trigger on audit": (SPINNING_TRIGGER, ["unknown trigger “spin”"]),
    "audit log suppressed": (AUDIT_SUPPRESSED, ["unknown trigger “hide”",
                                                "missing trigger “audit_is_append_only_d”"]),
    "view replaced": (REPLACED_VIEW, ["view “assessments_resolved” differs"]),
    "audit table dropped": (NO_AUDIT, ["missing table “audit”"]),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
@pytest.mark.parametrize("read_only", [False, True])
def test_a_crafted_schema_is_refused_and_the_file_left_as_it_was(
        sample_path: Path, case: str, read_only: bool) -> None:
    statements, words = CASES[case]
    tamper(sample_path, *statements)
    before = digest(sample_path)
    with pytest.raises(Damaged) as caught:
        Store.open(sample_path, read_only=read_only)
    message = str(caught.value)
    assert "ragdesk did not put there" in message or "missing" in message
    for w in words:
        assert w in message
    assert digest(sample_path) == before
    assert dbfile.check_file(sample_path).startswith("damaged")  # never offered as a backup


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_check_reports_every_difference(sample_path: Path, case: str,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    statements, words = CASES[case]
    tamper(sample_path, *statements)
    assert main(["check", str(sample_path)]) == 1
    out = capsys.readouterr()
    assert "Traceback" not in out.err
    for w in words:
        assert w in out.out
    assert "Schema:" in out.out


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_export_of_a_crafted_file_is_refused_not_hung(sample_path: Path, case: str,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    tamper(sample_path, *CASES[case][0])
    started = time.monotonic()
    assert main(["export", str(sample_path)]) == 1
    assert time.monotonic() - started < 30
    err = capsys.readouterr().err
    assert "ragdesk did not put there" in err or "missing" in err


def test_a_clean_file_passes_and_check_says_so(sample_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(sample_path)]) == 0
    assert "Schema:         as ragdesk made it" in capsys.readouterr().out
    with Store.open(sample_path) as store:
        assert store.conn.execute("PRAGMA trusted_schema").fetchone()[0] == 0
        if hasattr(store.conn, "getconfig"):  # Python 3.12+: SQLite's defensive mode as well
            assert store.conn.getconfig(sqlite3.SQLITE_DBCONFIG_DEFENSIVE)


def test_an_older_file_is_compared_with_its_own_version(tmp_path: Path) -> None:
    path = tmp_path / "v2.db"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN")
    for migration in schema.MIGRATIONS[:2]:
        migration(conn)
    conn.execute("PRAGMA user_version = 2")
    conn.execute(f"PRAGMA application_id = {schema.APPLICATION_ID}")
    conn.execute("COMMIT")
    conn.close()
    with Store.open(path) as store:  # upgraded, not refused
        assert store.schema_version() == schema.SCHEMA_VERSION


def test_a_runaway_statement_is_stopped_with_a_clear_error(sample_store: Store, monkeypatch) -> None:
    """Defence in depth: a trigger added while the file is open still cannot hang a save."""
    monkeypatch.setattr(dbfile, "MAX_STEPS_PER_STATEMENT", 50_000_000)
    tamper(Path(sample_store.path), *SPINNING_TRIGGER)
    item = sample_store.items()[0]
    started = time.monotonic()
    with pytest.raises(RagdeskError, match="stopped"):
        sample_store.update_item(item.id, expected_version=item.version, lead="someone")
    assert time.monotonic() - started < 60
    assert sample_store.item(item.id).lead == item.lead  # rolled back, nothing half-saved


def test_good_file_carries_our_application_id(sample_path: Path) -> None:
    _, version, app_id = schema.read_header(str(sample_path))
    assert (version, app_id) == (schema.SCHEMA_VERSION, schema.APPLICATION_ID)


AT = dt.datetime(2026, 11, 23, 10, 30, tzinfo=dt.UTC)


@pytest.fixture
def store(sample_path: Path):
    s = Store.open(sample_path, identity=Identity(user="dana", host="PC-11"), clock=lambda: AT)
    yield s
    s.close()


def _version_1_file(path: Path) -> None:
    """A file as ragdesk 1 wrote it: schema 1, audit rows without item_id."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN")
    schema.MIGRATIONS[0](conn)
    conn.execute("PRAGMA user_version = 1")
    conn.execute(f"PRAGMA application_id = {schema.APPLICATION_ID}")
    conn.execute("INSERT INTO inspections (id, title) VALUES (1, 'PEEL 2023')")
    conn.execute("INSERT INTO items (id, inspection_id, kind, number) VALUES (7, 1, 'afi', '1')")
    conn.execute("INSERT INTO periods (id, label) VALUES (1, 'Jul 2023')")
    conn.execute("INSERT INTO assessments (id, item_id, period_id, rag) VALUES (3, 7, 1, 'RED')")
    conn.execute("INSERT INTO evidence (id, item_id, name, size, data) VALUES (5, 7, 'a.txt', 1, x'61')")
    for entity, record, field in (("item", 7, "created"), ("assessment", 3, "rag"),
                                  ("evidence", 5, "added"), ("period", 1, "created")):
        conn.execute("INSERT INTO audit (at, user, host, entity, record_id, field) "
                     "VALUES ('2023-07-01', 'old', 'PC-0', ?, ?, ?)", (entity, record, field))
    conn.execute("COMMIT")
    conn.close()


def test_upgrading_a_version_1_file_links_old_audit_rows_to_items(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    _version_1_file(path)
    store, problems = backup.open_with_backups(path, identity=Identity("new", "PC-1"))
    with store:
        assert store.migrated_from == 1 and problems == []
        history = store.item_history(7)
        assert [(e.entity, e.field) for e in history] == [
            ("item", "created"), ("assessment", "rag"), ("evidence", "added")]
        assert store.integrity_check() == "ok"
        with pytest.raises(sqlite3.DatabaseError, match="cannot be changed"):
            store.conn.execute("UPDATE audit SET user = 'x'")
    kinds = [b.kind for b in backup.list_backups(path, tmp_path / "ragdesk-backups")]
    assert "pre-migration" in kinds


ME = Identity(user="tester", host="test-host")


def texts(store: Store, item_id: int, period_id: int) -> tuple[str, str, str] | None:
    a = store.assessment(item_id=item_id, period_id=period_id)
    return None if a is None else (a.update, a.intent_and_implementation, a.impact)


def stored(store: Store, item_id: int, period_id: int) -> sqlite3.Row:
    """The raw row, to see whether it refers or owns its texts (the storage decision itself)."""
    return store.conn.execute("SELECT * FROM assessments WHERE item_id = ? AND period_id = ?",
                              (item_id, period_id)).fetchone()


def _all_texts(store: Store) -> dict[tuple[int, int], tuple[str, str, str]]:
    return {(a.item_id, a.period_id): (a.update, a.intent_and_implementation, a.impact)
            for a in store.assessments()}


def _version_3_file(path: Path) -> None:
    """A file as ragdesk wrote schema 3: a period with full copies of the narratives."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN")
    for migration in schema.MIGRATIONS[:3]:
        migration(conn)
    conn.execute("PRAGMA user_version = 3")
    conn.execute(f"PRAGMA application_id = {schema.APPLICATION_ID}")
    conn.execute("INSERT INTO inspections (id, title) VALUES (1, 'PEEL 2023')")
    conn.execute("INSERT INTO items (id, inspection_id, kind, number) VALUES (7, 1, 'afi', '1')")
    conn.execute("INSERT INTO periods (id, label, position) VALUES (1, 'Jul 2023', 0), (2, 'Jan 2024', 1)")
    for aid, pid, draft in ((3, 1, 0), (4, 2, 1)):
        conn.execute("INSERT INTO assessments (id, item_id, period_id, rag, update_text, intent, "
                     "impact, draft) VALUES (?, 7, ?, 'RED', '<p>u</p>', '<p>i</p>', '<p>m</p>', ?)",
                     (aid, pid, draft))
    conn.execute("COMMIT")
    conn.close()


def test_a_schema_3_file_keeps_every_text_and_carries_by_reference_afterwards(tmp_path: Path) -> None:
    path = tmp_path / "v3.db"
    _version_3_file(path)
    assert dbfile.check_file(path) == "ok"
    with Store.open(path, identity=ME) as store:
        assert store.migrated_from == 3 and store.schema_version() == schema.SCHEMA_VERSION == 5
        assert _all_texts(store) == {(7, 1): ("<p>u</p>", "<p>i</p>", "<p>m</p>"),
                                     (7, 2): ("<p>u</p>", "<p>i</p>", "<p>m</p>")}
        jun = store.add_period("Jun 2024").id
        assert texts(store, 7, jun) == ("<p>u</p>", "<p>i</p>", "<p>m</p>")
        assert stored(store, 7, jun)["carried_from"] == 4  # the Jan copy owns its texts
        assert store.integrity_check() == "ok"
