"""A ragdesk file as a file: connecting, vetting, creating and copying it, with no Store.

What is here needs only a path: the checks that refuse a file before SQLite may touch it
(not SQLite, another program's, a newer version, read-only, damaged, a schema ragdesk did
not make), the hardened connection every ragdesk connection is, and the whole-file work
that backups and recovery do on files nobody has open as a :class:`~ragdesk.store.Store`
(:func:`check_file`, :func:`judge_for_replacement`, :func:`copy_file`).
Turning SQLite's error texts into messages for a person when a file cannot be opened
(:func:`explain_open_error`) lives here too. ``Store`` builds on :func:`open_checked` and
:func:`create_connection`; ``backup`` uses the rest.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import time
from collections.abc import Callable
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any

from . import presence, schema
from .errors import (
    Damaged,
    FileProblem,
    InterruptedSave,
    Locked,
    NewerSchema,
    NotRagdesk,
    NotSQLite,
    ReadOnly,
    UnexpectedSchema,
)

BUSY_TIMEOUT_MS = 5000
# The most SQLite virtual-machine steps one statement may take before it is stopped. The
# heaviest statements ragdesk runs on 30,000 items take a few tens of millions; an endless
# recursive CTE in a crafted trigger or view would otherwise spin for ever (holding the
# write lock, so every colleague's save waits with it). Read at each check: tests lower it.
MAX_STEPS_PER_STATEMENT = 500_000_000
# Files up to this size get SQLite's full quick_check when the window opens them (the sample,
# a new file: a few hundred requests at most, and the pages read are then in the cache the
# window reads from); bigger ones are checked in the background with the daily backup.
CHECK_AT_OPEN_MAX_BYTES = 2 * 1024 * 1024
# Pages kept in memory per connection (negative: KiB). The window's reads answer from it while
# nobody else writes (SQLite checks the file's change counter at each read), so reading what
# it shows twice costs the share nothing the second time.
CACHE_KIB = 32 * 1024
# Page size of new files. On a share every page read or written is a request: bigger pages
# mean fewer requests per scan (the daily copy, an export) and a narrative-sized row or
# search entry on one page instead of an overflow chain, so fewer pages per save. Not 64 KB:
# each page a save touches is written twice (journal and file), ~10 per save, and over a VPN
# link the bytes start to count. Existing files keep their page size (VACUUM would change it).
NEW_FILE_PAGE_SIZE = 16384
# The rollback journal's mode for this program's writing connections (see docs/architecture.md,
# "Shared drive": measured through a simulated share before choosing).
JOURNAL_MODE = "DELETE"
# The longest a Store.reading() transaction holds its read lock before letting go for a moment:
# a colleague's commit waits for readers (up to the busy timeout), so never hold it long.
READ_HOLD_S = 1.0
_STEPS_PER_CHECK = 100_000


class _Cursor(sqlite3.Cursor):
    """A cursor that starts a new step budget with every statement (see :class:`_Connection`)."""

    def execute(self, sql: str, parameters: Any = (), /) -> sqlite3.Cursor:  # type: ignore[override]
        self.connection._checks = 0  # type: ignore[attr-defined]
        return super().execute(sql, parameters)

    def executemany(self, sql: str, parameters: Any, /) -> sqlite3.Cursor:  # type: ignore[override]
        self.connection._checks = 0  # type: ignore[attr-defined]
        return super().executemany(sql, parameters)


class _Connection(sqlite3.Connection):
    """A connection on which no single statement can run away.

    SQLite calls the progress handler every ``_STEPS_PER_CHECK`` steps; each
    ``execute`` starts the count afresh, and past :data:`MAX_STEPS_PER_STATEMENT`
    the statement is interrupted ("interrupted"): a clear error instead of a hang.
    Counting steps, not seconds, keeps the bound the same on a slow network share.
    """

    _checks = 0
    _reading_since = 0.0  # monotonic start of the open Store.reading() transaction, or 0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_progress_handler(self._progress, _STEPS_PER_CHECK)

    def _renew_read(self) -> None:
        """Let colleagues commit: a read transaction open this long is ended and begun again."""
        if self._reading_since and time.monotonic() - self._reading_since > READ_HOLD_S:
            try:
                super().execute("COMMIT")
                super().execute("BEGIN")
            except sqlite3.Error:
                return  # statements still running: try at the next one
            self._reading_since = time.monotonic()

    def _progress(self) -> int:
        self._checks += 1
        return int(self._checks * _STEPS_PER_CHECK > MAX_STEPS_PER_STATEMENT)

    def cursor(self, factory: Any = _Cursor) -> sqlite3.Cursor:  # type: ignore[override]
        cursor: sqlite3.Cursor = super().cursor(factory)
        return cursor

    def execute(self, sql: str, parameters: Any = (), /) -> sqlite3.Cursor:
        self._checks = 0
        if self._reading_since:
            self._renew_read()
        return super().execute(sql, parameters)

    def executemany(self, sql: str, parameters: Any, /) -> sqlite3.Cursor:
        self._checks = 0
        return super().executemany(sql, parameters)

    def executescript(self, script: str, /) -> sqlite3.Cursor:
        self._checks = 0
        return super().executescript(script)


def _harden(conn: sqlite3.Connection) -> None:
    """Distrust the file's own schema: what its triggers and views may call, and how.

    ``trusted_schema=OFF``: triggers and views may not call functions or virtual
    tables that are not marked harmless. Defensive mode (no writing to the schema
    table, no ``PRAGMA writable_schema``) is set where Python exposes it
    (``Connection.setconfig``, Python 3.12+); Python 3.11's sqlite3 has no way to
    reach ``sqlite3_db_config``, so there the schema comparison on open
    (:func:`ragdesk.schema.differences`) is what keeps a crafted schema out.
    """
    conn.execute("PRAGMA trusted_schema = OFF")
    setconfig = getattr(conn, "setconfig", None)
    if setconfig is not None:
        setconfig(sqlite3.SQLITE_DBCONFIG_DEFENSIVE, True)  # type: ignore[attr-defined]


def _connect(target: str, **kwargs: Any) -> sqlite3.Connection:
    conn = sqlite3.connect(target, factory=_Connection, **kwargs)
    _harden(conn)
    return conn


def _header_check(path: str, header: bytes) -> tuple[str]:
    """What the header alone can tell: is the file shorter than the header says it is?

    Costs no request (the header is already read, the size already known): a file cut
    short by a failed copy is refused at once even when the full check is left for later.
    """
    if len(header) < 100:
        return ("the header is incomplete",)
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    valid = header[92:96] == header[24:28] and pages > 0
    if valid and os.path.getsize(path) < pages * page_size \
            and not os.path.exists(path + "-journal"):  # a hot journal may still restore it
        return (f"the file is shorter than its header says ({os.path.getsize(path):,} bytes "
                f"of {pages * page_size:,})",)
    return ("ok",)


def _unexpected_schema(path: str, problems: list[str]) -> UnexpectedSchema:
    shown = "; ".join(problems[:4]) + (f"; and {len(problems) - 4} more" if len(problems) > 4 else "")
    return UnexpectedSchema(
        path, f"“{path}” holds database structure that ragdesk did not put there ({shown}). "
              "Such changes could run hidden actions or hide changes from the audit log, so it "
              "is not opened; the file has not been changed. Restore it from a backup; "
              "“ragdesk check” lists every difference.", problems)


def read_only_uri(path: str, *, windows: bool = os.name == "nt") -> str:
    """An SQLite ``mode=ro`` URI for a file, shared-drive paths included.

    ``Path.as_uri()`` turns a UNC path (``\\\\server\\share\\x.db``) into
    ``file://server/share/x.db``, whose "server" SQLite rejects as a URI authority;
    SQLite wants the UNC path after an empty authority: ``file:////server/share/x.db``.
    """
    absolute = os.path.abspath(path) if windows == (os.name == "nt") else path
    pure = PureWindowsPath(absolute) if windows else PurePosixPath(absolute)
    uri = pure.as_uri()
    if uri.startswith("file://") and not uri.startswith("file:///"):
        uri = "file:////" + uri[len("file://"):]
    return uri + "?mode=ro"



def _interrupted(path: str) -> InterruptedSave:
    return InterruptedSave(path, f"“{path}”: a save was interrupted (a crash or a dropped "
                                 "connection) and is still to be undone. Open the file normally "
                                 "once to recover it (nothing committed is lost), then try again.")


def explain_open_error(path: str, error: sqlite3.Error) -> FileProblem:
    text = str(error).lower()
    if "interrupted" in text:
        return FileProblem(path, f"Reading “{path}” took far too long and was stopped. The file "
                                 "may hold something ragdesk did not put there; run “ragdesk "
                                 "check” on it, or restore it from a backup.")
    if getattr(error, "sqlite_errorname", "") == "SQLITE_READONLY_ROLLBACK":
        # a read-only connection met a hot journal: only a writer may roll it back
        return _interrupted(path)
    if "locked" in text or "busy" in text:
        who = presence.describe_holder(path)
        return Locked(path, f"“{path}” is being saved by someone else and stayed locked for "
                            f"more than {BUSY_TIMEOUT_MS / 1000:g} seconds. {who + ' ' if who else ''}"
                            "Try again in a moment, or open it read-only.")
    if "readonly" in text or "read-only" in text:
        return ReadOnly(path, f"“{path}” is read-only here. Open it read-only, or ask for write access.")
    if "not a database" in text or "malformed" in text or "corrupt" in text:
        return Damaged(path, f"“{path}” is damaged ({error}). Restore it from a backup.")
    return FileProblem(path, f"“{path}” could not be opened: {error}.")


# Ways a carried-forward reference (schema 4) can be wrong, each with the query finding the
# referring rows. The schema's foreign key and CHECK stop the first and the last two while
# ragdesk writes the file, but not another tool (foreign keys off, checks ignored); and
# SQLite's quick_check verifies CHECK constraints only on a writable connection, so the
# read-only ``check`` and backup vetting would not see those without these queries.
_CARRY_RULES = (
    ("the assessment they come from does not exist",
     "NOT EXISTS (SELECT 1 FROM assessments s WHERE s.id = a.carried_from)"),
    ("the assessment they come from carries them from another itself (or is the same row)",
     "EXISTS (SELECT 1 FROM assessments s WHERE s.id = a.carried_from AND s.carried_from IS NOT NULL)"),
    ("the assessment they come from belongs to another item",
     "EXISTS (SELECT 1 FROM assessments s WHERE s.id = a.carried_from AND s.item_id <> a.item_id)"),
    ("the row carrying them also holds narratives of its own",
     "(a.update_text <> '' OR a.intent <> '' OR a.impact <> '')"),
)


def carry_problems(conn: sqlite3.Connection) -> list[str]:
    """What is wrong with the file's carried-forward references (``carried_from``), for a person.

    Reads only the rows that refer (the partial index), so it is cheap enough for
    ``check`` and for vetting every backup.
    """
    problems = []
    for what, condition in _CARRY_RULES:
        ids = [r[0] for r in conn.execute(
            "SELECT a.id FROM assessments a WHERE a.carried_from IS NOT NULL "
            f"AND {condition} ORDER BY a.id")]
        if ids:
            shown = ", ".join(map(str, ids[:5])) + (f" and {len(ids) - 5} more" if len(ids) > 5 else "")
            problems.append(f"carried-forward narratives of {len(ids)} assessment"
                            f"{'s' if len(ids) != 1 else ''} (ids {shown}): {what}")
    return problems


def configure(conn: sqlite3.Connection, path: str, *, read_only: bool) -> None:
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
    conn.execute("PRAGMA foreign_keys = ON")
    (mode,) = conn.execute("PRAGMA journal_mode").fetchone()
    if mode.lower() == "wal":
        if read_only:
            raise ReadOnly(path, f"“{path}” is in WAL mode, which does not work on a shared "
                                 "drive; open it once with write access to convert it.")
        (mode,) = conn.execute("PRAGMA journal_mode = DELETE").fetchone()
        if mode.lower() != "delete":
            raise Locked(path, f"“{path}” is in WAL mode and could not be switched to the "
                               "shared-drive-safe journal (someone else has it open?).")
    if not read_only and JOURNAL_MODE != "DELETE":  # per connection; never stored in the file
        conn.execute(f"PRAGMA journal_mode = {JOURNAL_MODE}")


def open_checked(path: str, *, read_only: bool, vet_schema: bool = True,
                 quick_check: bool | None = True) -> tuple[sqlite3.Connection, int, list[str]]:
    """A configured connection on ``path`` that passed every check, with the file's
    ``user_version`` and its differences from the schema this version builds.

    Raises a :class:`FileProblem` saying why not; every refusal leaves the file exactly
    as it was. ``quick_check=None`` checks small files fully and big ones by their header
    only (the window: the daily backup checks those in the background). Schema
    differences raise :class:`UnexpectedSchema` unless ``vet_schema`` is False (``check``
    only, read-only, to list them).
    """
    if not vet_schema and not read_only:
        raise ValueError("an unvetted schema may only be opened read-only")
    if not os.path.exists(path):
        raise FileProblem(path, f"“{path}” does not exist.")
    if os.path.isdir(path):
        raise FileProblem(path, f"“{path}” is a folder, not a ragdesk file.")
    try:
        header, user_version, application_id = schema.read_header(path)
    except OSError as e:
        raise FileProblem(path, f"“{path}” could not be read: {e.strerror or e}.") from None
    if not header.startswith(schema.SQLITE_MAGIC):
        raise NotSQLite(path, f"“{path}” is not a ragdesk database (it is not an SQLite "
                              "file at all). Choose a .db file made by ragdesk.")
    if application_id != schema.APPLICATION_ID:
        raise NotRagdesk(path, f"“{path}” is an SQLite database made by another program, "
                               "not by ragdesk. It has not been changed.")
    if user_version > schema.SCHEMA_VERSION:
        raise NewerSchema(path, f"“{path}” was saved by a newer version of ragdesk (file "
                                f"version {user_version}, this program understands up to "
                                f"{schema.SCHEMA_VERSION}). Install the newer ragdesk to "
                                "open it; the file has not been changed.")
    writable = os.access(path, os.W_OK) and os.access(os.path.dirname(os.path.abspath(path)), os.W_OK)
    if not read_only and not writable:
        raise ReadOnly(path, f"“{path}” is read-only (or its folder is). You can open it "
                             "read-only to view and print, or ask for write access.")
    if read_only and user_version < schema.SCHEMA_VERSION:
        raise ReadOnly(path, f"“{path}” was made by an older ragdesk and must be upgraded "
                             "before it can be viewed; open it with write access once.")
    try:
        if read_only:
            conn = _connect(read_only_uri(path), uri=True, isolation_level=None,
                            check_same_thread=False)
        else:
            conn = _connect(path, isolation_level=None, check_same_thread=False)
    except sqlite3.Error as e:
        raise explain_open_error(path, e) from None
    conn.row_factory = sqlite3.Row
    try:
        configure(conn, path, read_only=read_only)
        differences = schema.differences(conn, user_version)
        if differences and vet_schema:
            raise _unexpected_schema(path, differences)
        if quick_check is None:
            quick_check = os.path.getsize(path) <= CHECK_AT_OPEN_MAX_BYTES
        (check,) = (conn.execute("PRAGMA quick_check").fetchone() if quick_check
                    else _header_check(path, header))
        if check != "ok":
            raise Damaged(path, f"“{path}” is damaged (SQLite's check says: {check}). "
                                "Restore it from a backup; the file has not been changed.")
        return conn, user_version, differences
    except sqlite3.Error as e:
        conn.close()
        raise explain_open_error(path, e) from None
    except BaseException:
        conn.close()
        raise


def create_connection(path: str) -> sqlite3.Connection:
    """A configured connection on a new, empty file (no tables yet). Refuses an existing file."""
    if os.path.exists(path) and os.path.getsize(path) > 0:
        raise FileProblem(path, f"“{path}” already exists; choose another name.")
    try:
        conn = _connect(path, isolation_level=None, check_same_thread=False)
    except sqlite3.Error as e:
        raise explain_open_error(path, e) from None
    conn.row_factory = sqlite3.Row
    try:
        conn.execute(f"PRAGMA page_size = {NEW_FILE_PAGE_SIZE}")  # before the first table
        conn.execute("PRAGMA journal_mode = DELETE")
        configure(conn, path, read_only=False)
        return conn
    except sqlite3.Error as e:
        conn.close()
        raise explain_open_error(path, e) from None


def connect_read_only(path: str) -> sqlite3.Connection:
    uri = read_only_uri(path)
    conn = _connect(uri, uri=True, isolation_level=None)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    return conn

def _verdict(conn: sqlite3.Connection, version: int) -> str:
    """``"ok"`` or what is wrong: the schema as ragdesk makes it, SQLite's check, the references."""
    differences = schema.differences(conn, version)
    if differences:
        return "damaged: not as ragdesk made it: " + "; ".join(differences)
    (result,) = conn.execute("PRAGMA quick_check").fetchone()
    if result != "ok":
        return f"damaged: {result}"
    problems = carry_problems(conn) if version >= 4 else []
    return f"damaged: {'; '.join(problems)}" if problems else "ok"


def check_file(path: str | os.PathLike[str], *, header_only: bool = False) -> str:
    """``"ok"`` if ``path`` is an undamaged ragdesk file this program can open, else why not.

    Read-only (the file is never changed): used to vet backups before they are
    offered or restored. Older schema versions count as good: opening upgrades them.
    ``header_only`` stops after the header (is it a ragdesk file this version reads?).
    """
    path = os.fspath(path)
    try:
        header, user_version, application_id = schema.read_header(path)
    except OSError as e:
        return f"cannot be read: {e.strerror or e}"
    if not header.startswith(schema.SQLITE_MAGIC):
        return "not a ragdesk database (not an SQLite file)"
    if application_id != schema.APPLICATION_ID:
        return "an SQLite database made by another program"
    if user_version > schema.SCHEMA_VERSION:
        return f"made by a newer ragdesk (file version {user_version})"
    if header_only:
        return "ok"
    try:
        conn = connect_read_only(path)
    except sqlite3.Error as e:
        return f"cannot be opened: {e}"
    try:
        return _verdict(conn, user_version)
    except sqlite3.Error as e:
        return f"damaged: {e}"
    finally:
        conn.close()

def judge_for_replacement(path: str | os.PathLike[str]) -> str:
    """Like :func:`check_file`, for a live file about to be replaced by a restore.

    Only real damage may count as damage here (the damaged file is renamed aside):
    the file is opened read-write, so a hot journal left by a killed writer is
    rolled back first, and checked inside ``BEGIN EXCLUSIVE``, so the verdict is
    given while nobody else holds a lock. A colleague who keeps the file locked
    past the busy timeout raises :class:`Locked` (the caller refuses); nothing
    is renamed or changed then.
    """
    path = os.fspath(path)
    verdict = check_file(path, header_only=True)
    if verdict != "ok":
        return verdict  # not an SQLite/ragdesk file at all: no SQLite user can lock it
    try:
        conn = _connect(path, isolation_level=None, check_same_thread=False)
    except sqlite3.Error as e:
        return f"cannot be opened: {e}"
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("BEGIN EXCLUSIVE")  # rolls a hot journal back, waits for colleagues
        try:
            return _verdict(conn, int(conn.execute("PRAGMA user_version").fetchone()[0]))
        finally:
            with contextlib.suppress(sqlite3.Error):
                conn.execute("ROLLBACK")
    except sqlite3.Error as e:
        text = str(e).lower()
        if "locked" in text or "busy" in text:
            raise explain_open_error(path, e) from None
        if "readonly" in text or "read-only" in text or "unable to open" in text:
            raise ReadOnly(path, f"“{path}” cannot be written here ({e}); nothing was "
                                 "restored. Ask for write access.") from None
        return f"damaged: {e}"
    finally:
        conn.close()

def copy_file(source: str | os.PathLike[str], target: str | os.PathLike[str], *,
              pages: int = -1, progress: Callable[[int, int, int], None] | None = None) -> None:
    """Copy one database file onto another with SQLite's backup API (never a file copy).

    The target is replaced as one locked write, so other users of it see either
    the old or the new contents, never a mix; the source is opened read-only.
    """
    source, target = os.fspath(source), os.fspath(target)
    if os.path.abspath(source) == os.path.abspath(target):
        raise FileProblem(target, "A file cannot be copied onto itself.")
    try:
        src = connect_read_only(source)
    except sqlite3.Error as e:
        raise FileProblem(source, f"“{source}” could not be read: {e}.") from None
    try:
        dest = sqlite3.connect(target, isolation_level=None)
    except sqlite3.Error as e:
        src.close()
        raise FileProblem(target, f"“{target}” could not be written: {e}.") from None
    try:
        dest.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        src.backup(dest, pages=pages, progress=progress)
    except sqlite3.Error as e:
        problem = explain_open_error(target, e)
        raise type(problem)(target, f"“{target}” could not be written from “{source}”: "
                                    f"{problem}") from None
    finally:
        src.close()
        dest.close()
