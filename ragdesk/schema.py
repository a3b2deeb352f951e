"""The one place that owns the database schema and its migrations.

A ragdesk file is an SQLite database whose header carries our
``application_id`` (so we can tell our files from any other SQLite file
without touching them) and whose ``user_version`` is the schema version.
``MIGRATIONS[n]`` upgrades a file from version ``n`` to ``n + 1``; each runs
inside the caller's ``BEGIN IMMEDIATE`` transaction together with the
``user_version`` bump, so a crash half-way leaves the old version intact.
"""

from __future__ import annotations

import functools
import sqlite3
import uuid
from collections.abc import Callable

APPLICATION_ID = 0x52414744  # "RAGD"
SQLITE_MAGIC = b"SQLite format 3\x00"

DEFAULT_RATINGS = [
    # code, label, definition (seed 000's legend), fill colour, text colour, rank, enabled
    ("RED", "Red", "Recommendation / AFI will not be, or is unlikely to be, implemented in full by its deadline",
     "#C00000", "#FFFFFF", 1, 1),
    ("AMBER", "Amber", "Recommendation / AFI will be, or is likely to be, implemented in full by its deadline",
     "#FFC000", "#000000", 2, 1),
    ("GREEN", "Green", "Recommendation / AFI has already been implemented in full",
     "#00B050", "#000000", 3, 1),
    ("BLUE", "Blue", "Recommendation / AFI is complete and closed",
     "#0070C0", "#FFFFFF", 4, 0),
]

DEFAULT_STATUSES = [
    # code, label, finished
    ("open", "Open", 0),
    ("in_progress", "In progress", 0),
    ("proposed_for_closure", "Proposed for closure", 0),
    ("closed", "Closed", 1),
    ("verified_closed", "Verified closed by the inspectorate", 1),
    ("field_testing", "Subject to field testing", 0),
    ("superseded", "Superseded", 1),
    ("no_further_action", "No further action", 1),
]

# Names the file for its local search index (schema 5; see ragdesk.search_index): made once,
# copied with the file into its backups, never exported or imported.
FILE_ID_SETTING = "file_id"

DEFAULT_SETTINGS = {
    "force_name": "",
    "document_owner": "",
    "team": "",
    "evidence_limit_mb": "25",
}


def _v0_to_v1(conn: sqlite3.Connection) -> None:
    """The first schema: everything issue 3 describes."""
    statements = [
        """CREATE TABLE settings (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL)""",
        """CREATE TABLE ratings (
            code TEXT PRIMARY KEY,
            label TEXT NOT NULL,
            definition TEXT NOT NULL DEFAULT '',
            colour TEXT NOT NULL,
            text_colour TEXT NOT NULL,
            rank INTEGER NOT NULL,
            enabled INTEGER NOT NULL DEFAULT 1)""",
        """CREATE TABLE statuses (
            code TEXT PRIMARY KEY,
            label TEXT NOT NULL,
            finished INTEGER NOT NULL DEFAULT 0,
            position INTEGER NOT NULL DEFAULT 0)""",
        """CREATE TABLE inspections (
            id INTEGER PRIMARY KEY,
            title TEXT NOT NULL,
            inspectorate TEXT NOT NULL DEFAULT 'HMICFRS',
            kind TEXT NOT NULL DEFAULT '',
            published TEXT,
            reference TEXT NOT NULL DEFAULT '',
            position INTEGER NOT NULL DEFAULT 0,
            version INTEGER NOT NULL DEFAULT 1,
            updated_at TEXT NOT NULL DEFAULT '',
            updated_by TEXT NOT NULL DEFAULT '')""",
        """CREATE TABLE items (
            id INTEGER PRIMARY KEY,
            inspection_id INTEGER NOT NULL REFERENCES inspections(id) ON DELETE CASCADE,
            kind TEXT NOT NULL CHECK (kind IN ('recommendation', 'afi', 'cause_of_concern')),
            number TEXT NOT NULL DEFAULT '',
            reference TEXT NOT NULL DEFAULT '',
            text TEXT NOT NULL DEFAULT '',
            title TEXT NOT NULL DEFAULT '',
            deadline TEXT,
            area TEXT NOT NULL DEFAULT '',
            board TEXT NOT NULL DEFAULT '',
            lead TEXT NOT NULL DEFAULT '',
            dashboard TEXT NOT NULL DEFAULT '',
            status TEXT NOT NULL DEFAULT 'open' REFERENCES statuses(code) ON UPDATE CASCADE,
            review_date TEXT,
            position INTEGER NOT NULL DEFAULT 0,
            version INTEGER NOT NULL DEFAULT 1,
            updated_at TEXT NOT NULL DEFAULT '',
            updated_by TEXT NOT NULL DEFAULT '')""",
        "CREATE INDEX items_by_inspection ON items(inspection_id, position)",
        """CREATE TABLE periods (
            id INTEGER PRIMARY KEY,
            label TEXT NOT NULL UNIQUE,
            date TEXT,
            meeting TEXT NOT NULL DEFAULT '',
            position INTEGER NOT NULL DEFAULT 0)""",
        """CREATE TABLE assessments (
            id INTEGER PRIMARY KEY,
            item_id INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
            period_id INTEGER NOT NULL REFERENCES periods(id) ON DELETE CASCADE,
            rag TEXT REFERENCES ratings(code) ON UPDATE CASCADE,
            dot TEXT CHECK (dot IS NULL OR dot IN ('=', '+', '-')),
            status_note TEXT NOT NULL DEFAULT '',
            update_text TEXT NOT NULL DEFAULT '',
            intent TEXT NOT NULL DEFAULT '',
            impact TEXT NOT NULL DEFAULT '',
            draft INTEGER NOT NULL DEFAULT 0,
            version INTEGER NOT NULL DEFAULT 1,
            updated_at TEXT NOT NULL DEFAULT '',
            updated_by TEXT NOT NULL DEFAULT '',
            UNIQUE (item_id, period_id))""",
        "CREATE INDEX assessments_by_period ON assessments(period_id)",
        """CREATE TABLE evidence (
            id INTEGER PRIMARY KEY,
            item_id INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            size INTEGER NOT NULL,
            mime TEXT NOT NULL DEFAULT 'application/octet-stream',
            note TEXT NOT NULL DEFAULT '',
            data BLOB NOT NULL,
            added_by TEXT NOT NULL DEFAULT '',
            added_at TEXT NOT NULL DEFAULT '')""",
        "CREATE INDEX evidence_by_item ON evidence(item_id)",
        # Append-only: the app never updates or deletes a row here.
        """CREATE TABLE audit (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            user TEXT NOT NULL,
            host TEXT NOT NULL,
            entity TEXT NOT NULL,
            record_id INTEGER,
            field TEXT NOT NULL,
            old TEXT,
            new TEXT)""",
        "CREATE INDEX audit_by_record ON audit(entity, record_id)",
        """CREATE TRIGGER audit_is_append_only_u BEFORE UPDATE ON audit
           BEGIN SELECT RAISE(ABORT, 'the audit log cannot be changed'); END""",
        """CREATE TRIGGER audit_is_append_only_d BEFORE DELETE ON audit
           BEGIN SELECT RAISE(ABORT, 'the audit log cannot be changed'); END""",
        # Plain text of each item and its narratives, kept by the store on every save
        # (schema 1-4; schema 5 keeps it on each computer instead, see _v4_to_v5).
        """CREATE VIRTUAL TABLE search_index USING fts5(
            body, tokenize = 'unicode61 remove_diacritics 2')""",
    ]
    for sql in statements:
        conn.execute(sql)
    conn.executemany("INSERT INTO ratings VALUES (?, ?, ?, ?, ?, ?, ?)", DEFAULT_RATINGS)
    conn.executemany(
        "INSERT INTO statuses (code, label, finished, position) VALUES (?, ?, ?, ?)",
        [(c, label, f, i) for i, (c, label, f) in enumerate(DEFAULT_STATUSES)],
    )
    conn.executemany("INSERT INTO settings VALUES (?, ?)", DEFAULT_SETTINGS.items())


def _v1_to_v2(conn: sqlite3.Connection) -> None:
    """Audit rows name the item they concern (``item_id``).

    Without it an item's timeline lost the history of an assessment or evidence
    file once that row was deleted (or its period was), because the only link
    was the deleted row itself. Existing rows are linked where the row still
    exists; the append-only trigger is lifted for that one backfill only.
    """
    conn.execute("ALTER TABLE audit ADD COLUMN item_id INTEGER")
    conn.execute("DROP TRIGGER audit_is_append_only_u")
    conn.execute("UPDATE audit SET item_id = record_id WHERE entity = 'item'")
    for entity, table in (("assessment", "assessments"), ("evidence", "evidence")):
        conn.execute(f"UPDATE audit SET item_id = (SELECT item_id FROM {table} "
                     f"WHERE {table}.id = audit.record_id) WHERE entity = ?", (entity,))
    conn.execute("""CREATE TRIGGER audit_is_append_only_u BEFORE UPDATE ON audit
                    BEGIN SELECT RAISE(ABORT, 'the audit log cannot be changed'); END""")
    conn.execute("CREATE INDEX audit_by_item ON audit(item_id)")


def _v2_to_v3(conn: sqlite3.Connection) -> None:
    """A covering index for the RAG grid, the tree's latest rating and directions of travel.

    Those reads want (item, period, rating, draft, direction) of every assessment;
    without this index SQLite walks the table itself, whose rows carry ~300-word
    narratives, so on 72,000 assessments each full read visits tens of megabytes.
    """
    conn.execute("CREATE INDEX assessments_ratings ON assessments(item_id, period_id, rag, draft, dot)")


# The columns of ``assessments`` every read sees, in table order, with the three narratives
# resolved through ``carried_from``. ``carried_from`` itself is left out on purpose: a row read
# through the view (an export, an undo snapshot) owns its texts. A migration that adds a
# column to ``assessments`` must re-create the view with it (a test compares the two).
RESOLVED_ASSESSMENTS_VIEW = """CREATE VIEW assessments_resolved AS
    SELECT a.id, a.item_id, a.period_id, a.rag, a.dot, a.status_note,
           COALESCE(s.update_text, a.update_text) AS update_text,
           COALESCE(s.intent, a.intent) AS intent,
           COALESCE(s.impact, a.impact) AS impact,
           a.draft, a.version, a.updated_at, a.updated_by
    FROM assessments a LEFT JOIN assessments s ON s.id = a.carried_from"""


def _v3_to_v4(conn: sqlite3.Connection) -> None:
    """Carried-forward drafts refer to the narratives they carry instead of copying them.

    Adding a period copied every item's latest update, intent and impact (~6.5 MB
    for 3,000 items) into rows nobody had edited yet. Now such a row keeps its
    three narratives as '' and ``carried_from`` names the row that owns them (never
    a row that itself refers on: chains are flattened when carrying). The store
    copies the texts in ("materialises" the row) before the row or its source
    changes and before the source is deleted, so a reference never outlives what
    it points at and a carried draft always shows the texts as they were carried.

    The database guards the rules the store keeps: the foreign key refuses a
    delete that would leave a reference pointing nowhere (checked at the end of
    each statement, so deleting an item with all its periods' rows at once is
    fine); the CHECK refuses writing narratives into a row that still refers (the
    reads would silently show the source's texts instead) and a row referring to
    itself. The partial index finds a source's dependents without growing with
    the rows that own their texts. ``assessments_resolved`` is the one place the
    reference is resolved. Existing rows own their texts, so nothing is rewritten;
    the period index becomes a covering one (~90 ms on 72,000 assessments).
    """
    conn.execute("""ALTER TABLE assessments ADD COLUMN carried_from INTEGER
                    REFERENCES assessments(id)
                    CHECK (carried_from IS NULL OR (carried_from <> id AND update_text = ''
                                                    AND intent = '' AND impact = ''))""")
    conn.execute("CREATE INDEX assessments_carried_from ON assessments(carried_from) "
                 "WHERE carried_from IS NOT NULL")
    # One period's rows without their narratives: carrying a period forward reads every
    # item's rating, status note and reference from here instead of walking ~2 KB rows
    # (~6.5 MB of pages for 3,000 items, a lot over a network share); a period's
    # directions of travel and grid column are read from it too.
    conn.execute("DROP INDEX assessments_by_period")
    conn.execute("CREATE INDEX assessments_by_period_covering ON assessments(period_id, item_id, "
                 "rag, draft, dot, carried_from, status_note)")
    conn.execute(RESOLVED_ASSESSMENTS_VIEW)


def _v4_to_v5(conn: sqlite3.Connection) -> None:
    """The search index leaves the shared file; each file gets a lasting ``file_id``.

    The index is derived data, and keeping it in the shared file cost every narrative
    save most of its round trips on a network share (FTS5 re-wrote the item's ~50 KB
    entry). Each computer now keeps its own index on its own disk, named after the
    file's ``file_id`` (:mod:`ragdesk.search_index`) and brought up to date from the
    audit log. Dropping the table (its shadow tables go with it) frees its pages
    inside the file for later saves to reuse; the file does not shrink (no VACUUM
    here: that would rewrite a shared 185 MB file). ``secure_delete`` is off for the
    drop only: zeroing every freed page would write them all once more through the
    journal, and their words are still in the narratives they were made from.
    """
    (secure,) = conn.execute("PRAGMA secure_delete").fetchone()
    conn.execute("PRAGMA secure_delete = 0")
    try:
        conn.execute("DROP TABLE search_index")
    finally:
        conn.execute(f"PRAGMA secure_delete = {int(secure)}")
    conn.execute("INSERT OR IGNORE INTO settings (key, value) VALUES (?, ?)",
                 (FILE_ID_SETTING, str(uuid.uuid4())))


MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [
    _v0_to_v1, _v1_to_v2, _v2_to_v3, _v3_to_v4, _v4_to_v5]
SCHEMA_VERSION = len(MIGRATIONS)


def read_header(path: str) -> tuple[bytes, int, int]:
    """The first 100 bytes, ``user_version`` and ``application_id``, read without SQLite.

    Reading the header ourselves lets us refuse a foreign or newer file before
    SQLite could touch it (roll back a journal, change the journal mode...).
    """
    with open(path, "rb") as f:
        header = f.read(100)
    if len(header) < 100:
        return header, 0, 0
    user_version = int.from_bytes(header[60:64], "big")
    application_id = int.from_bytes(header[68:72], "big")
    return header, user_version, application_id


def migrate(conn: sqlite3.Connection) -> int:
    """Bring an open file up to ``SCHEMA_VERSION`` inside the caller's transaction.

    Returns the version it started from.
    """
    start = int(conn.execute("PRAGMA user_version").fetchone()[0])
    for version in range(start, SCHEMA_VERSION):
        MIGRATIONS[version](conn)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    return start


# --------------------------------------------------------------------------- vetting a file's schema

# Tables FTS5 makes for ``search_index`` (schema 1-4): compared by name only, since their
# exact DDL is FTS5's business and may differ a little between SQLite versions.
_FTS_SHADOW_PREFIX = "search_index_"
# Made by ANALYZE (e.g. by a database tool); statistics only, never run as code.
_TOLERATED_PREFIX = "sqlite_stat"


def _normal(sql: str | None) -> str:
    return " ".join((sql or "").split())


@functools.cache
def expected_objects(version: int = SCHEMA_VERSION) -> dict[tuple[str, str], tuple[str, str]]:
    """(type, name) -> (table, normalised SQL) of everything schema ``version`` consists of.

    Built by running this module's own migrations on an empty in-memory database,
    so it can never drift from what ragdesk writes (a few ms, once per version).
    """
    conn = sqlite3.connect(":memory:")
    try:
        for migration in MIGRATIONS[:version]:
            migration(conn)
        return {(kind, name): (table, _normal(sql)) for kind, name, table, sql in conn.execute(
            "SELECT type, name, tbl_name, sql FROM sqlite_master")}
    finally:
        conn.close()


def differences(conn: sqlite3.Connection, version: int) -> list[str]:
    """How the file's schema differs from what ragdesk makes at ``version``; [] if it does not.

    A ragdesk file holds only what ragdesk put there. Anything else (a trigger, a
    view, a table or index another tool added, or one of ours removed or changed)
    would be run by SQLite on our behalf: a trigger that spins while holding the
    write lock, a view that hangs an export, a trigger that deletes audit rows.
    """
    expected = expected_objects(min(version, SCHEMA_VERSION))
    found: dict[tuple[str, str], tuple[str, str]] = {}
    for kind, name, table, sql in conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master"):
        found[(kind, name)] = (table, _normal(sql))
    problems = []
    for key in sorted(set(found) - set(expected)):
        kind, name = key
        if name.startswith(_TOLERATED_PREFIX) and kind in ("table", "index"):
            continue
        problems.append(f"unknown {kind} “{name}” (on {found[key][0]})")
    for key in sorted(set(expected) - set(found)):
        problems.append(f"missing {key[0]} “{key[1]}”")
    for key in sorted(set(expected) & set(found)):
        kind, name = key
        if kind == "table" and name.startswith(_FTS_SHADOW_PREFIX):
            continue
        if found[key] != expected[key]:
            problems.append(f"{kind} “{name}” differs from the one ragdesk makes")
    return problems
