"""The one module that talks to the database file.

``Store`` opens (or refuses, with a reason) a ragdesk file, reads records, and
runs every change as a short ``BEGIN IMMEDIATE`` transaction that also writes
the audit log. No other module issues SQL on the file (the search index is kept
on each computer's own disk, :mod:`ragdesk.search_index`).

Design notes (why it is like this):

* The file often lives on a network share used by several people, so the
  journal is the rollback journal (WAL needs shared memory on one host), every
  write is one short transaction that never waits on a person, and a busy
  timeout rides over another user's save.
* Every record carries ``version``. An update may pass ``expected_version``: if
  someone else saved first the update raises :class:`~ragdesk.errors.Conflict`
  carrying the current record, and nothing is lost.
* Deletes return a :class:`Deleted` snapshot holding every row they removed
  (evidence bytes included) so undo can put the very same rows back.
* Each operation returns the record it wrote and tells ``listeners`` what
  changed (:class:`Change`), so each view refreshes only what it shows.

Sharing decisions (issue 6):

* Compare-and-swap (``expected_version``) covers what people edit as text:
  inspections, items, assessments (and ``set_rag`` when the caller passes it).
  The grid's one-key ``set_rag`` without it is last-writer-wins on purpose: a
  rating is one visible word, and the audit log keeps the overwritten one with
  who and when. Periods (label/date/meeting), settings, ratings and statuses
  have no version: rare, short administrative edits, last writer wins, audited.
* Every audit row names its item (``item_id``), so an item's timeline keeps the
  history of deleted assessments and evidence; ids of deleted records are never
  reused (:meth:`Store._fresh_id`), so history and undo never attach to a newcomer.
* SQLite cannot say who holds a lock; :mod:`ragdesk.presence` leaves a sidecar
  naming the last writer, and a Locked message names them ("probably ...").
* Backups and restore live in :mod:`ragdesk.backup` (SQLite's backup API only).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import inspect
import mimetypes
import os
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

from . import dbfile, files, normalise, presence, richtext, schema, search_index, validate
from .domain import (
    Assessment,
    AssessmentId,
    Deadline,
    Dot,
    Evidence,
    EvidenceId,
    Inspection,
    InspectionId,
    Item,
    ItemId,
    ItemKind,
    ItemRow,
    Period,
    PeriodId,
    Rating,
    Status,
    short_title,
    stored_form,
)
from .errors import (
    Conflict,
    Damaged,
    FileProblem,
    InvalidValue,
    Locked,
    NotFound,
    RagdeskError,
    ReadOnly,
    TooLarge,
)
from .normalise import ASSESSMENT_FIELDS, ITEM_FIELDS, RICH_ASSESSMENT_FIELDS
from .records import AuditEntry, Change, Deleted, Identity

# Local search index (see prepare_search): items read per chunk when making it again (each
# chunk one read transaction: a colleague's or this window's save made meanwhile waits for
# the chunk to end before it commits, at most ~1 s at 50 items over VPN, ~4 s at 200; the
# window makes it on a thread, so the person may well be saving; benchmarks/README.md); more
# changed items than an eighth of the index (and at least _SEARCH_FEW) make it again rather
# than one by one; so do more audit rows than _SEARCH_AUDIT_LIMIT since its mark.
_SEARCH_CHUNK = 50
_SEARCH_FEW = 25
_SEARCH_REBUILD_SHARE = 8
_SEARCH_AUDIT_LIMIT = 20000
_SEARCH_BUSY = ("Another ragdesk window on this computer is bringing the search up to date; "
                "try the search again in a moment.")
# Fewer items than this get their previous rating looked up one by one (see _ratings_before).
_LOOK_BACK_ONE_BY_ONE = 64
# Assessment dataclass field -> its column, where they differ.
_ASSESSMENT_COLUMNS = {"update": "update_text", "intent_and_implementation": "intent"}
# Every read of an assessment's narratives goes through this view (schema 4): a carried-forward
# draft stores '' and ``carried_from`` = the row owning its texts; the view resolves that.
_RESOLVED = "assessments_resolved"


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


# --------------------------------------------------------------------------- converting


def _to_date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def _inspection(row: sqlite3.Row) -> Inspection:
    return Inspection(
        id=InspectionId(row["id"]), title=row["title"], inspectorate=row["inspectorate"],
        kind=row["kind"], published=_to_date(row["published"]), reference=row["reference"],
        position=row["position"], version=row["version"], updated_at=row["updated_at"],
        updated_by=row["updated_by"],
    )


def _item(row: sqlite3.Row) -> Item:
    return Item(
        id=ItemId(row["id"]), inspection_id=InspectionId(row["inspection_id"]),
        kind=ItemKind(row["kind"]), number=row["number"], text=row["text"],
        reference=row["reference"], deadline=Deadline.parse(row["deadline"]),
        area=row["area"], board=row["board"], lead=row["lead"], dashboard=row["dashboard"],
        status=row["status"], review_date=_to_date(row["review_date"]), position=row["position"],
        version=row["version"], updated_at=row["updated_at"], updated_by=row["updated_by"],
    )


def _assessment(row: sqlite3.Row) -> Assessment:
    return Assessment(
        id=AssessmentId(row["id"]), item_id=ItemId(row["item_id"]),
        period_id=PeriodId(row["period_id"]), rag=row["rag"],
        dot=Dot(row["dot"]) if row["dot"] else None, status_note=row["status_note"],
        update=row["update_text"], intent_and_implementation=row["intent"],
        impact=row["impact"], draft=bool(row["draft"]), version=row["version"],
        updated_at=row["updated_at"], updated_by=row["updated_by"],
    )


def _period(row: sqlite3.Row) -> Period:
    return Period(id=PeriodId(row["id"]), label=row["label"], date=_to_date(row["date"]),
                  meeting=row["meeting"], position=row["position"])


def _evidence(row: sqlite3.Row) -> Evidence:
    return Evidence(id=EvidenceId(row["id"]), item_id=ItemId(row["item_id"]), name=row["name"],
                    size=row["size"], mime=row["mime"], note=row["note"],
                    added_by=row["added_by"], added_at=row["added_at"])


def _id_filter(column: str, ids: Iterable[int] | None) -> tuple[str, tuple[int, ...]]:
    """``column IN (...)`` for a limited read, or ``""`` for all rows.

    Large lists go through ``json_each`` so SQLite's limit on parameters never bites.
    """
    if ids is None:
        return "", ()
    ids = tuple(int(i) for i in ids)
    if len(ids) <= 500:
        return f"{column} IN ({', '.join('?' * len(ids)) or 'NULL'})", ids
    import json
    return f"{column} IN (SELECT value FROM json_each(?))", (json.dumps(ids),)  # type: ignore[return-value]


class Store:
    """An open ragdesk database file. Create with :meth:`open` or :meth:`create`."""

    def __init__(self, conn: sqlite3.Connection, path: str, *, read_only: bool,
                 identity: Identity | None = None,
                 clock: Callable[[], dt.datetime] = _utcnow) -> None:
        self.conn = conn
        self.path = path
        self.read_only = read_only
        self.identity = identity or Identity()
        self.clock = clock
        self.listeners: list[Callable[[Change], None]] = []
        # told (done, total) while the search index is made from scratch for a search that
        # passed no progress of its own (the window shows it whichever view searched)
        self.search_progress: Callable[[int, int], None] | None = None
        self.migrated_from: int | None = None
        self.schema_differences: list[str] = []  # only ever non-empty with vet_schema=False
        self._reading = False  # inside reading(): one read transaction, no writes
        self._writing = False  # inside _write(): it explains the errors, not _explained
        self._header_fd: int | None = None  # see change_counter()
        self._seen_counter: int | None = None  # see others_changed()
        self._seen_version: int | None = None
        self._held: list[Change] | None = None  # changes queued while a batch() is open
        # (change counter, total_changes, local index mark) when search last caught up
        self._search_seen: tuple[int | None, int, search_index.Mark] | None = None
        self._file_key: str | None = None  # see _search_file_key()
        self._all_item_rows: tuple[tuple[int, int, dt.date], list[ItemRow]] | None = None

    # -- opening and creating ---------------------------------------------------

    @classmethod
    def open(cls, path: str | os.PathLike[str], *, read_only: bool = False,
             identity: Identity | None = None, clock: Callable[[], dt.datetime] = _utcnow,
             before_migrate: Callable[[str, int], None] | None = None,
             vet_schema: bool = True, quick_check: bool | None = True) -> Store:
        """Open an existing ragdesk file, or raise a :class:`FileProblem` saying why not.

        The checks are :func:`ragdesk.dbfile.open_checked`'s; every refusal leaves the
        file exactly as it was. ``before_migrate(path, old_version)`` runs before an
        older file is upgraded (the backup hook). With ``vet_schema=False`` (``check``
        only, read-only) the differences are kept in ``store.schema_differences``.
        """
        path = os.fspath(path)
        conn, user_version, differences = dbfile.open_checked(
            path, read_only=read_only, vet_schema=vet_schema, quick_check=quick_check)
        try:
            store = cls(conn, path, read_only=read_only, identity=identity, clock=clock)
            store.schema_differences = differences
            if user_version < schema.SCHEMA_VERSION:
                if before_migrate:
                    before_migrate(path, user_version)
                with store._write():
                    store.migrated_from = schema.migrate(conn)
            return store
        except sqlite3.Error as e:
            conn.close()
            raise dbfile.explain_open_error(path, e) from None
        except BaseException:
            conn.close()
            raise

    @classmethod
    def create(cls, path: str | os.PathLike[str], *, identity: Identity | None = None,
               clock: Callable[[], dt.datetime] = _utcnow) -> Store:
        """Make a new, empty ragdesk file. Refuses to overwrite an existing file."""
        path = os.fspath(path)
        conn = dbfile.create_connection(path)
        try:
            store = cls(conn, path, read_only=False, identity=identity, clock=clock)
            with store._write():
                schema.migrate(conn)
            return store
        except sqlite3.Error as e:
            conn.close()
            raise dbfile.explain_open_error(path, e) from None

    def save_copy(self, path: str | os.PathLike[str]) -> None:
        """Write a consistent copy of the whole file to ``path`` with SQLite's backup API.

        Never a file copy: the backup API copies a transaction-consistent snapshot
        even while someone else is saving. Refuses to overwrite the open file itself.
        """
        target = os.fspath(path)
        if os.path.abspath(target) == os.path.abspath(self.path):
            raise FileProblem(target, "A copy cannot replace the file it is a copy of; "
                                      "choose another name.")
        try:
            files.remove(target)  # retried while a scanner or viewer holds it (Windows)
            dest = sqlite3.connect(target)
        except (OSError, sqlite3.Error) as e:
            raise FileProblem(target, f"“{target}” could not be written: {e}.") from None
        try:
            self.conn.backup(dest)
        except sqlite3.Error as e:
            raise FileProblem(target, f"The copy “{target}” could not be written: {e}.") from None
        finally:
            dest.close()

    def log_event(self, field_name: str, new: str, *, old: str | None = None,
                  entity: str = "file") -> None:
        """Write an audit entry about the file itself (e.g. "restored from backup")."""
        with self._write():
            self._audit(entity, None, field_name, old, new)

    def close(self) -> None:
        if not self.read_only:
            presence.forget(self.path)
        if self._header_fd is not None:
            with contextlib.suppress(OSError):
                os.close(self._header_fd)
            self._header_fd = None
        with contextlib.suppress(sqlite3.Error):
            self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- transactions -----------------------------------------------------------

    @contextlib.contextmanager
    def _write(self) -> Iterator[None]:
        """One short write transaction, started IMMEDIATE so a read-then-write never deadlocks.

        SQLite errors that a person can act on become :class:`RagdeskError`s;
        the transaction is rolled back, so the file keeps its last good state.
        """
        if self.read_only:
            raise ReadOnly(self.path, "This file is open read-only; changes cannot be saved.")
        if self._reading:
            # A write while a refresh reads (the editor saving typed text as a refresh moves
            # the selection): end the read transaction, write as usual, then read on.
            self._reading = False
            self.conn._reading_since = 0.0  # type: ignore[attr-defined]
            with contextlib.suppress(sqlite3.Error):
                if self.conn.in_transaction:
                    self.conn.execute("COMMIT")
            try:
                with self._write():
                    yield
            finally:
                with contextlib.suppress(sqlite3.Error):
                    if not self.conn.in_transaction:
                        self.conn.execute("BEGIN")
                        self._reading = True
                        self.conn._reading_since = time.monotonic()  # type: ignore[attr-defined]
            return
        if self.conn.in_transaction:  # nested: part of the outer transaction
            yield
            return
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as e:
            raise self._explain_write_error(e) from None
        # We hold the write lock: leave our name beside the file for anyone kept waiting.
        presence.note_writer(self.path, self.identity.user, self.identity.host)
        self._writing = True  # errors inside are this method's to explain (see _explained)
        try:
            yield
            self.conn.execute("COMMIT")
        except sqlite3.Error as e:
            undone = self._undo_failed_write()
            if isinstance(e, sqlite3.IntegrityError):
                raise InvalidValue("", f"That change breaks a rule of the database: {e}.") from None
            if not undone:
                raise RagdeskError(
                    f"The change could not be saved ({e}), and the half-done save could not be "
                    "undone yet. Free some space or reconnect to the drive, then open the file "
                    "again: opening it undoes the half-done save, and nothing committed is "
                    "lost.") from None
            raise self._explain_write_error(e) from None
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise
        finally:
            self._writing = False

    def _undo_failed_write(self) -> bool:
        """Make sure a failed transaction is undone in the file before anyone is told so.

        After an I/O error (a full disk, a dropped share) SQLite may have written part of
        the change into the file and only marked its journal for playback; it plays it
        back on the next read. Read once now, so the file is as it was when the message
        says so, and others are not left with a hot journal. False if that failed too.
        """
        try:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            self.conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            return True
        except sqlite3.Error:
            return False

    def _explain_write_error(self, e: sqlite3.Error) -> RagdeskError:
        text = str(e).lower()
        if "interrupted" in text:
            return RagdeskError("A step of this save ran far too long and was stopped, so nothing "
                                "was saved. The file may hold something ragdesk did not put "
                                "there: run “ragdesk check” on it. Your text is still in the "
                                "window.")
        if "full" in text:
            return RagdeskError("The disk holding the file is full, so the change was not saved. "
                                "Free some space (or save a copy elsewhere) and try again; your "
                                "text is still in the window.")
        if "readonly" in text or "read-only" in text:
            return ReadOnly(self.path, "The file has become read-only, so the change was not "
                                       "saved. Save a copy elsewhere, or ask for write access.")
        if "locked" in text or "busy" in text:
            who = presence.describe_holder(self.path)
            return Locked(self.path, "Someone else is saving to this file and it stayed locked; "
                                     f"the change was not saved. {who + ' ' if who else ''}"
                                     "Try again in a moment; your text is still in the window.")
        if not (os.access(self.path, os.W_OK)
                and os.access(os.path.dirname(os.path.abspath(self.path)), os.W_OK)):
            # e.g. "unable to open" the journal: the file or its folder became read-only
            return ReadOnly(self.path, "The file (or its folder) has become read-only, so the "
                                       "change was not saved. Your text is still in the window: "
                                       "save a copy elsewhere, or ask for write access.")
        if "disk i/o" in text or "unable to open" in text:
            return RagdeskError("The file could not be written (the network drive may have gone). "
                                "Nothing was saved; your text is still in the window.")
        return RagdeskError(f"The change could not be saved: {e}.")

    def _explain_read_error(self, e: sqlite3.Error) -> RagdeskError:
        """What a failed read means for a person; nothing was changed, so nothing was lost."""
        text = str(e).lower()
        if "interrupted" in text:
            return RagdeskError("Reading the file ran far too long and was stopped. The file may "
                                "hold something ragdesk did not put there: run “ragdesk check” "
                                "on it.")
        if "locked" in text or "busy" in text:
            who = presence.describe_holder(self.path)
            return Locked(self.path, "The file stayed locked by someone saving to it, so it could "
                                     f"not be read. {who + ' ' if who else ''}Try again in a "
                                     "moment; nothing was lost.")
        if "not a database" in text or "malformed" in text or "corrupt" in text:
            return Damaged(self.path, f"The file could not be read: it is damaged ({e}). "
                                      "Restore it from a backup.")
        if "disk i/o" in text or "unable to open" in text:
            return RagdeskError(f"The file could not be read ({e}): the network drive may have "
                                "gone. Nothing was lost; reconnect and try again.")
        return RagdeskError(f"The file could not be read: {e}.")

    @contextlib.contextmanager
    def reading(self) -> Iterator[None]:
        """Several reads in one read transaction: far fewer round trips on a network share.

        Each statement outside a transaction takes the read lock, looks for a hot
        journal and re-reads the file's change counter: about four requests, over
        and over while a window reads what it shows. Inside one transaction that
        happens once, and the page cache stays valid throughout. The lock is let go
        and taken again every :data:`READ_HOLD_S` seconds, so a long read over a
        slow share never keeps a colleague's save waiting. A write inside (the
        editor saving as a refresh moves the selection) ends the read transaction
        first and is its own short write transaction, as always.
        """
        conn = self.conn
        if conn.in_transaction or self._reading:
            yield
            return
        try:
            conn.execute("BEGIN")
        except sqlite3.Error:  # cannot even start a read: let each statement say why
            yield
            return
        self._reading = True
        conn._reading_since = time.monotonic()  # type: ignore[attr-defined]
        try:
            yield
        finally:
            self._reading = False
            conn._reading_since = 0.0  # type: ignore[attr-defined]
            if conn.in_transaction:
                with contextlib.suppress(sqlite3.Error):
                    conn.execute("COMMIT")

    @contextlib.contextmanager
    def batch(self) -> Iterator[None]:
        """Run several operations as one transaction: all of them are saved, or none.

        Listeners hear one combined :class:`Change` at the end instead of one per
        operation (an import of 1,000 items should not redraw the tree 1,000 times).
        """
        if self._held is not None:
            yield
            return
        self._held = []
        try:
            with self._write():
                yield
        except BaseException:
            self._held = None
            raise
        held, self._held = self._held, None
        if held:
            self._emit(Change.union(held))

    def _emit(self, change: Change) -> None:
        if self._held is not None:
            self._held.append(change)
            return
        for listener in list(self.listeners):
            listener(change)

    def _now(self) -> str:
        return self.clock().astimezone(dt.UTC).isoformat(timespec="seconds")

    def _stamp(self) -> dict[str, str]:
        return {"updated_at": self._now(), "updated_by": self.identity.user}

    def _audit(self, entity: str, record_id: int | None, field_name: str,
               old: Any, new: Any, *, item_id: ItemId | None = None) -> None:
        """Append one audit row; ``item_id`` is looked up while the record still exists."""
        if item_id is None:
            if entity == "item":
                item_id = None if record_id is None else ItemId(record_id)
            elif entity in ("assessment", "evidence"):
                table = "assessments" if entity == "assessment" else "evidence"
                row = self.conn.execute(f"SELECT item_id FROM {table} WHERE id = ?",
                                        (record_id,)).fetchone()
                item_id = row[0] if row else None
        self.conn.execute(
            "INSERT INTO audit (at, user, host, entity, record_id, field, old, new, item_id) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (self._now(), self.identity.user, self.identity.host, entity, record_id, field_name,
             None if old is None else str(old), None if new is None else str(new), item_id),
        )

    def data_version(self) -> int:
        """Changes when *another* connection commits: poll it to notice other users' saves."""
        return int(self.conn.execute("PRAGMA data_version").fetchone()[0])

    def change_counter(self) -> int | None:
        """The file's change counter (header bytes 24-27), read with a single request.

        In rollback-journal mode every commit, anyone's, moves it. Polling it costs one
        read on a kept-open descriptor where ``data_version`` costs a lock, a journal
        look-up and a header read (about four round trips on a share, every two seconds
        for every open window). Not read under a lock: a hint to look closer
        (:meth:`data_version`, :meth:`changes_since`), never an answer. None if unreadable.
        """
        try:
            if self._header_fd is None:
                self._header_fd = os.open(self.path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
            if hasattr(os, "pread"):
                raw = os.pread(self._header_fd, 4, 24)
            else:  # Windows: the seek is local, the read is the one request
                os.lseek(self._header_fd, 24, os.SEEK_SET)
                raw = os.read(self._header_fd, 4)
            return int.from_bytes(raw, "big") if len(raw) == 4 else None
        except OSError:
            return None

    def others_changed(self) -> bool:
        """Whether someone else committed since the last call (the first call only sets the mark).

        One request while nobody commits (:meth:`change_counter`); when the counter moved,
        ``data_version`` tells another connection's commit from this one's. What they
        changed is :meth:`changes_since`'s to say.
        """
        counter = self.change_counter()
        if counter is not None and counter == self._seen_counter:
            return False
        self._seen_counter = counter
        version = self.data_version()
        changed = self._seen_version is not None and version != self._seen_version
        self._seen_version = version
        return changed

    def last_audit_id(self) -> int:
        return int(self.conn.execute("SELECT COALESCE(MAX(id), 0) FROM audit").fetchone()[0])

    def changes_since(self, audit_id: int, *, limit: int = 2000) -> tuple[Change | None, int]:
        """What was changed after audit row ``audit_id`` (by anyone), and the newest row id.

        The audit log is append-only and every write adds to it, so the rows after the
        last one a window has seen say what a colleague's save changed: the window then
        refreshes those records instead of re-reading every item and assessment.
        ``None`` (with the newest id) when it cannot say exactly (a restore from backup,
        more than ``limit`` rows, something unknown): then refresh everything.
        """
        rows = self.conn.execute(
            "SELECT id, entity, record_id, field, item_id FROM audit WHERE id > ? ORDER BY id "
            "LIMIT ?", (audit_id, limit + 1)).fetchall()
        if not rows:
            return Change(), audit_id
        newest = rows[-1][0]
        if len(rows) > limit:
            return None, self.last_audit_id()
        inspections: set[int] = set()
        items: set[int] = set()
        periods: set[int] = set()
        evidence_of: set[int] = set()
        assessment_ids: dict[int, int | None] = {}
        structure = settings = False
        for _id, entity, record_id, field_name, item_id in rows:
            if entity == "item" and record_id is not None:
                items.add(record_id)
                structure = structure or field_name in (
                    "created", "deleted", "restored", "position", "deleted with its inspection",
                    "status", "board", "area", "lead")
            elif entity == "inspection" and record_id is not None:
                inspections.add(record_id)
                structure = structure or field_name in ("created", "deleted", "restored", "position")
            elif entity == "assessment" and record_id is not None:
                assessment_ids[record_id] = item_id
            elif entity == "period":
                if record_id is not None:
                    periods.add(record_id)
                structure = True
            elif entity == "evidence":
                if item_id is not None:
                    evidence_of.add(item_id)
                    items.add(item_id)
            elif entity in ("setting", "rating", "status"):
                settings = True
                structure = structure or entity == "rating"
            else:  # "file" (restored from a backup) or anything this version does not know
                return None, newest
        pairs: set[tuple[int, int]] = set()
        if assessment_ids:
            only, params = _id_filter("id", assessment_ids)
            found = {r[0]: (r[1], r[2]) for r in self.conn.execute(
                f"SELECT id, item_id, period_id FROM assessments WHERE {only}", params)}
            every_period = None
            for assessment_id, item_id in assessment_ids.items():
                if assessment_id in found:
                    pairs.add(found[assessment_id])
                    items.add(found[assessment_id][0])
                elif item_id is not None:  # deleted since: its period is no longer known
                    if every_period is None:
                        every_period = [r[0] for r in self.conn.execute("SELECT id FROM periods")]
                    pairs.update((item_id, p) for p in every_period)
                    items.add(item_id)
        return Change(inspections=frozenset(inspections), items=frozenset(items),
                      periods=frozenset(periods), assessments=frozenset(pairs),
                      evidence_of=frozenset(evidence_of), structure=structure,
                      settings=settings), newest

    # -- settings, ratings, statuses --------------------------------------------

    def settings(self) -> dict[str, str]:
        return {r["key"]: r["value"] for r in self.conn.execute("SELECT key, value FROM settings")}

    def setting(self, key: str, default: str = "") -> str:
        row = self.conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    def set_setting(self, key: str, value: str) -> None:
        with self._write():
            old = self.setting(key, None)  # type: ignore[arg-type]
            self.conn.execute("INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)",
                              (key, str(value)))
            self._audit("setting", None, key, old, value)
        self._emit(Change(settings=True))

    def ratings(self, *, include_disabled: bool = False) -> list[Rating]:
        sql = "SELECT * FROM ratings" + ("" if include_disabled else " WHERE enabled") + " ORDER BY rank"
        return [Rating(code=r["code"], label=r["label"], definition=r["definition"],
                       colour=r["colour"], text_colour=r["text_colour"], rank=r["rank"],
                       enabled=bool(r["enabled"])) for r in self.conn.execute(sql)]

    def rating(self, code: str) -> Rating:
        for r in self.ratings(include_disabled=True):
            if r.code == code:
                return r
        raise NotFound(f"There is no rating “{code}”.")

    def update_rating(self, code: str, **fields: Any) -> Rating:
        """Edit a step of the scale (label, definition, colour, text_colour, enabled)."""
        allowed = {"label", "definition", "colour", "text_colour", "enabled"}
        bad = set(fields) - allowed
        if bad:
            raise InvalidValue(next(iter(bad)), f"A rating has no field {sorted(bad)}.")
        old = self.rating(code)
        with self._write():
            for name, value in fields.items():
                value = int(bool(value)) if name == "enabled" else str(value)
                self.conn.execute(f"UPDATE ratings SET {name} = ? WHERE code = ?", (value, code))
                self._audit("rating", None, f"{code}.{name}", getattr(old, name), value)
        self._emit(Change(settings=True, structure=True))
        return self.rating(code)

    def statuses(self) -> list[Status]:
        return [Status(r["code"], r["label"], bool(r["finished"]), r["position"])
                for r in self.conn.execute("SELECT * FROM statuses ORDER BY position")]

    def status_code(self, code_or_label: str) -> str:
        """Accept a status code ("verified_closed") or its label, any case; raise if unknown."""
        wanted = code_or_label.strip().lower()
        for s in self.statuses():
            if wanted in (s.code, s.label.lower(), s.label.lower().replace(" ", "_")):
                return s.code
        known = ", ".join(s.code for s in self.statuses())
        raise InvalidValue("status", f"“{code_or_label}” is not a status. Known: {known}.")

    # -- inspections ------------------------------------------------------------

    def inspections(self) -> list[Inspection]:
        return [_inspection(r) for r in
                self.conn.execute("SELECT * FROM inspections ORDER BY position, id")]

    def inspection(self, inspection_id: InspectionId) -> Inspection:
        row = self.conn.execute("SELECT * FROM inspections WHERE id = ?", (inspection_id,)).fetchone()
        if row is None:
            raise NotFound("That inspection no longer exists (someone may have deleted it).")
        return _inspection(row)

    def add_inspection(self, title: str, **fields: Any) -> Inspection:
        values = normalise.inspection_values({"title": title, **fields})
        with self._write():
            (pos,) = self.conn.execute("SELECT COALESCE(MAX(position), -1) + 1 FROM inspections").fetchone()
            values.update(id=self._fresh_id("inspections", "inspection"), position=pos,
                          **self._stamp())
            new_id = InspectionId(self._insert("inspections", values))
            self._audit("inspection", new_id, "created", None, values["title"])
        self._emit(Change(inspections=frozenset({new_id}), structure=True))
        return self.inspection(new_id)

    def update_inspection(self, inspection_id: InspectionId, *, expected_version: int | None = None,
                          **fields: Any) -> Inspection:
        values = normalise.inspection_values(fields)
        with self._write():
            old = self.inspection(inspection_id)
            self._check_version(old, expected_version, "inspection")
            changed = self._changed(old, values)
            if changed:
                self._apply_update("inspections", "inspection", inspection_id, changed, old)
        if changed:
            self._emit(Change(inspections=frozenset({inspection_id})))
        return self.inspection(inspection_id)

    def delete_inspection(self, inspection_id: InspectionId) -> Deleted:
        with self._write():
            self.inspection(inspection_id)
            rows: list[tuple[str, dict[str, Any]]] = self._rows("inspections", "id = ?", inspection_id)
            item_ids = [r["id"] for r in self.conn.execute(
                "SELECT id FROM items WHERE inspection_id = ?", (inspection_id,))]
            for item_id in item_ids:
                rows += self._item_rows(item_id)
            self._free_dependents("item_id IN (SELECT id FROM items WHERE inspection_id = ?)",
                                  inspection_id)
            self.conn.execute("DELETE FROM inspections WHERE id = ?", (inspection_id,))
            self._compact("inspections")
            self._audit("inspection", inspection_id, "deleted", rows[0][1]["title"], None)
            for table, row in rows:
                if table == "items":
                    self._audit("item", row["id"], "deleted with its inspection",
                                f"{row['kind']} {row['number']}", None, item_id=row["id"])
        change = Change(inspections=frozenset({inspection_id}), items=frozenset(item_ids),
                        structure=True)
        self._emit(change)
        return Deleted("inspection", tuple(rows), change)

    def move_inspection(self, inspection_id: InspectionId, new_position: int) -> None:
        with self._write():  # read inside the lock: someone may have added or moved inspections
            old = self.inspection(inspection_id)
            ids = [i.id for i in self.inspections()]
            self._reorder("inspections", ids, inspection_id, new_position)
            moved_to = self.inspection(inspection_id).position
            if moved_to != old.position:
                self._audit("inspection", inspection_id, "position", old.position, moved_to)
        self._emit(Change(inspections=frozenset({inspection_id}), structure=True))

    # -- items ------------------------------------------------------------------

    def items(self, inspection_id: InspectionId | None = None) -> list[Item]:
        if inspection_id is None:
            sql = ("SELECT items.* FROM items JOIN inspections ON inspections.id = items.inspection_id "
                   "ORDER BY inspections.position, inspections.id, items.position, items.id")
            return [_item(r) for r in self.conn.execute(sql)]
        return [_item(r) for r in self.conn.execute(
            "SELECT * FROM items WHERE inspection_id = ? ORDER BY position, id", (inspection_id,))]

    def item(self, item_id: ItemId) -> Item:
        row = self.conn.execute("SELECT * FROM items WHERE id = ?", (item_id,)).fetchone()
        if row is None:
            raise NotFound("That item no longer exists (someone may have deleted it).")
        return _item(row)

    def item_rows(self, *, period_id: PeriodId | None = None, today: dt.date | None = None,
                  item_ids: Iterable[ItemId] | None = None) -> list[ItemRow]:
        """Everything the tree needs for every item, in display order, in one query.

        ``rag`` is the rating in ``period_id`` or, without one, the latest rating.
        ``item_ids`` limits the rows to those items (a view refreshing the rows a
        change names need not re-read thousands).
        """
        today = today or dt.date.today()
        # The tree and the grid each read every row when a file opens or its structure
        # changes; the second read is answered from the first while nothing was written
        # (by us: total_changes; by anyone else: data_version).
        every = period_id is None and item_ids is None
        key = (self.conn.total_changes, self.data_version(), today) if every else None
        if every and self._all_item_rows is not None and self._all_item_rows[0] == key:
            return list(self._all_item_rows[1])
        only, only_params = _id_filter("items.id", item_ids)
        only_a, _ = _id_filter("a.item_id", item_ids)
        if period_id is None:
            # One pass over the assessments (SQLite takes the bare column ``rag`` from the
            # row holding the MAX), not a sorted sub-query per item.
            latest = ("SELECT a.item_id AS item_id, a.rag AS rag, MAX(p.position) AS pos "
                      "FROM assessments a JOIN periods p ON p.id = a.period_id "
                      f"WHERE a.rag IS NOT NULL{' AND ' + only_a if only_a else ''} "
                      "GROUP BY a.item_id")
            params: tuple[Any, ...] = (*only_params,)
        else:
            latest = "SELECT item_id, rag FROM assessments WHERE period_id = ?"
            params = (period_id,)
        sql = (f"SELECT items.id, items.inspection_id, items.kind, items.number, items.title, "
               f"items.status, items.deadline, items.area, items.board, items.lead, items.position, "
               f"statuses.finished AS finished, latest.rag AS rag "
               "FROM items JOIN inspections ON inspections.id = items.inspection_id "
               "LEFT JOIN statuses ON statuses.code = items.status "
               f"LEFT JOIN ({latest}) AS latest ON latest.item_id = items.id "
               + (f"WHERE {only} " if only else "")
               + "ORDER BY inspections.position, inspections.id, items.position, items.id")
        rows = []
        for r in self.conn.execute(sql, (*params, *only_params)):
            deadline = Deadline.parse(r["deadline"])
            overdue = bool(
                deadline.date and deadline.date < today and not r["finished"]
                and r["rag"] not in ("GREEN", "BLUE"))
            rows.append(ItemRow(
                id=ItemId(r["id"]), inspection_id=InspectionId(r["inspection_id"]),
                kind=ItemKind(r["kind"]), number=r["number"], title=r["title"], status=r["status"],
                rag=r["rag"], deadline=deadline, overdue=overdue, area=r["area"], board=r["board"],
                lead=r["lead"], position=r["position"]))
        if key is not None:
            self._all_item_rows = (key, rows)
            return list(rows)
        return rows

    def add_item(self, inspection_id: InspectionId, kind: ItemKind | str = ItemKind.RECOMMENDATION,
                 number: str = "", *, position: int | None = None, **fields: Any) -> Item:
        values = normalise.item_values({"kind": kind, "number": number, **fields}, self.status_code)
        with self._write():
            self.inspection(inspection_id)
            (end,) = self.conn.execute(
                "SELECT COALESCE(MAX(position), -1) + 1 FROM items WHERE inspection_id = ?",
                (inspection_id,)).fetchone()
            values.update(id=self._fresh_id("items", "item"), inspection_id=inspection_id,
                          position=end,
                          title=short_title(richtext.to_plain(values.get("text", ""), bullets=False)),
                          **self._stamp())
            new_id = ItemId(self._insert("items", values))
            self._audit("item", new_id, "created", None, f"{values['kind']} {values['number']}")
            if position is not None:
                self._reorder_items(inspection_id, new_id, position)
        self._emit(Change(items=frozenset({new_id}), inspections=frozenset({inspection_id}),
                          structure=True))
        return self.item(new_id)

    def update_item(self, item_id: ItemId, *, expected_version: int | None = None,
                    **fields: Any) -> Item:
        """Change some fields of an item; with ``expected_version`` refuse if someone saved first."""
        values = normalise.item_values(fields, self.status_code)
        with self._write():
            old = self.item(item_id)
            self._check_version(old, expected_version, "item")
            changed = self._changed(old, values)
            if changed:
                if "text" in changed:
                    changed["title"] = short_title(richtext.to_plain(changed["text"], bullets=False))
                self._apply_update("items", "item", item_id, changed, old, audit_skip={"title"})
        if changed:
            self._emit(Change(items=frozenset({item_id}),
                              structure=bool({"status", "board", "area", "lead"} & set(changed))))
        return self.item(item_id)

    def delete_item(self, item_id: ItemId) -> Deleted:
        with self._write():
            item = self.item(item_id)
            rows = self._item_rows(item_id)
            self._free_dependents("item_id = ?", item_id)
            self.conn.execute("DELETE FROM items WHERE id = ?", (item_id,))
            self._compact("items", "inspection_id = ?", item.inspection_id)
            self._audit("item", item_id, "deleted", item.label, None)
        change = Change(items=frozenset({item_id}), inspections=frozenset({item.inspection_id}),
                        structure=True)
        self._emit(change)
        return Deleted("item", tuple(rows), change)

    def move_item(self, item_id: ItemId, new_position: int) -> None:
        """Put an item at ``new_position`` (0-based) within its inspection."""
        with self._write():  # read inside the lock: someone may have added or moved items
            item = self.item(item_id)
            self._reorder_items(item.inspection_id, item_id, new_position)
            moved_to = self.item(item_id).position
            if moved_to != item.position:
                self._audit("item", item_id, "position", item.position, moved_to)
        self._emit(Change(items=frozenset({item_id}), structure=True))

    def duplicate_item(self, item_id: ItemId) -> Item:
        """A copy of the item's fields (not its assessments or evidence), placed after it."""
        item = self.item(item_id)
        fields = {k: getattr(item, k) for k in ITEM_FIELDS if k != "kind"}
        copy = self.add_item(item.inspection_id, item.kind, position=item.position + 1, **fields)
        return copy

    def _reorder_items(self, inspection_id: int, item_id: int, new_position: int) -> None:
        ids = [r[0] for r in self.conn.execute(
            "SELECT id FROM items WHERE inspection_id = ? ORDER BY position, id", (inspection_id,))]
        self._reorder("items", ids, item_id, new_position)

    def _reorder(self, table: str, ids: Sequence[int], moving: int, new_position: int) -> None:
        ids = [i for i in ids if i != moving]
        new_position = max(0, min(new_position, len(ids)))
        ids.insert(new_position, moving)
        with self._write():
            self.conn.executemany(f"UPDATE {table} SET position = ? WHERE id = ?",
                                  [(pos, i) for pos, i in enumerate(ids)])

    def _fresh_id(self, table: str, entity: str) -> int:
        """An id never used before in ``table``, not even by a deleted row.

        SQLite reuses the largest rowid once that row is deleted; then the audit
        history (and an undo) of the deleted record would attach to the new one.
        The audit log remembers every id ever used, so take one past both.
        """
        (top,) = self.conn.execute(
            f"SELECT MAX(COALESCE((SELECT MAX(id) FROM {table}), 0), "
            "COALESCE((SELECT MAX(record_id) FROM audit WHERE entity = ?), 0))", (entity,)).fetchone()
        return int(top) + 1

    def _compact(self, table: str, where: str = "1", *params: Any) -> None:
        """Renumber positions 0, 1, 2... after a delete, keeping the order (no gaps)."""
        ids = [r[0] for r in self.conn.execute(
            f"SELECT id FROM {table} WHERE {where} ORDER BY position, id", params)]
        self.conn.executemany(f"UPDATE {table} SET position = ? WHERE id = ? AND position != ?",
                              [(pos, i, pos) for pos, i in enumerate(ids)])

    def _item_rows(self, item_id: ItemId) -> list[tuple[str, dict[str, Any]]]:
        return (self._rows("items", "id = ?", item_id)
                + self._rows("assessments", "item_id = ?", item_id)
                + self._rows("evidence", "item_id = ?", item_id))

    def _insert(self, table: str, row: dict[str, Any]) -> int:
        """INSERT one row given as column -> value (names come from our code, never from users)."""
        cur = self.conn.execute(
            f"INSERT INTO {table} ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
            tuple(row.values()))
        return int(cur.lastrowid or 0)

    def _rows(self, table: str, where: str, *params: Any) -> list[tuple[str, dict[str, Any]]]:
        """Snapshot rows for a :class:`Deleted`; assessments come resolved and owning their
        texts (no ``carried_from``), so an undo never depends on another row still existing."""
        source = _RESOLVED if table == "assessments" else table
        return [(table, dict(r)) for r in self.conn.execute(f"SELECT * FROM {source} WHERE {where}", params)]

    def _materialise(self, where: str, *params: Any) -> None:
        """Copy the carried narratives into the referring rows ``where`` selects ("copy on first change").

        Not an edit: the texts read the same before and after, so no version bump and
        no audit row (someone editing that draft must not get a Conflict from it).
        Resolving through the view also frees a reference that points nowhere, keeping
        what reads showed for it.
        """
        self.conn.execute(
            "UPDATE assessments SET (update_text, intent, impact, carried_from) = "
            f"(SELECT r.update_text, r.intent, r.impact, NULL FROM {_RESOLVED} r WHERE r.id = assessments.id) "
            f"WHERE carried_from IS NOT NULL AND ({where})", params)

    def _free_dependents(self, doomed: str, *params: Any) -> None:
        """Before deleting the assessments ``doomed`` selects, give their texts to rows that refer to them.

        Rows that are deleted too (an item's other periods) are left alone. Every
        DELETE of assessments (directly or by ON DELETE CASCADE from an item, period or
        inspection) must come after this; the foreign key refuses it otherwise.
        """
        self._materialise(f"carried_from IN (SELECT id FROM assessments WHERE {doomed}) "
                          f"AND NOT ({doomed})", *params, *params)

    # -- periods ----------------------------------------------------------------

    def periods(self) -> list[Period]:
        return [_period(r) for r in self.conn.execute("SELECT * FROM periods ORDER BY position, id")]

    def period(self, period_id: PeriodId) -> Period:
        row = self.conn.execute("SELECT * FROM periods WHERE id = ?", (period_id,)).fetchone()
        if row is None:
            raise NotFound("That reporting period no longer exists.")
        return _period(row)

    def period_by_label(self, label: str) -> Period | None:
        row = self.conn.execute("SELECT * FROM periods WHERE label = ?", (label.strip(),)).fetchone()
        return _period(row) if row else None

    def add_period(self, label: str, *, date: dt.date | str | None = None, meeting: str = "",
                   carry_forward: bool = True) -> Period:
        """A new reporting period (a new grid column), appended after the others.

        With ``carry_forward`` each item starts from its latest earlier rating and
        narratives, marked as a draft so nobody mistakes them for this period's word.
        The narratives are carried by reference (see :meth:`_carry_forward`).
        """
        label = label.strip()
        if not label:
            raise InvalidValue("label", "A reporting period needs a label, e.g. “Jun 2024”.")
        date_text = normalise.date_or_none(date, "date")
        with self._write():
            if self.period_by_label(label):
                raise InvalidValue("label", f"There is already a period “{label}”.")
            (pos,) = self.conn.execute("SELECT COALESCE(MAX(position), -1) + 1 FROM periods").fetchone()
            cur = self.conn.execute(
                "INSERT INTO periods (id, label, date, meeting, position) VALUES (?, ?, ?, ?, ?)",
                (self._fresh_id("periods", "period"), label, date_text, meeting or "", pos))
            period_id = PeriodId(int(cur.lastrowid or 0))
            self._audit("period", period_id, "created", None, label)
            if carry_forward:
                self._carry_forward(period_id, pos)
        self._emit(Change(periods=frozenset({period_id}), structure=True))
        return self.period(period_id)

    def _carry_forward(self, period_id: int, position: int) -> None:
        """Give every item a draft in the new last period from its latest assessment.

        The draft copies rating and status note but refers to the narratives
        (``carried_from``, flattened so it names the row owning them) instead of
        copying ~2 KB per item: on 3,000 items that copy was half of adding a period.
        The new period is always the last, so nearly every item's latest assessment is
        in the period just before it: those come from one indexed read of that period;
        only items missing there pay for a per-item look-back. One audit row per item
        keeps "carried forward" in each item's history.
        """
        stamp = self._stamp()
        insert = ("INSERT INTO assessments (id, item_id, period_id, rag, status_note, draft, "
                  "updated_at, updated_by, carried_from) "
                  "SELECT :base + a.item_id, a.item_id, :period, a.rag, a.status_note, 1, :at, :by, "
                  "COALESCE(a.carried_from, a.id) FROM assessments a ")
        params = {"base": self._fresh_id("assessments", "assessment"),  # + item id: never reused
                  "period": period_id, "at": stamp["updated_at"], "by": stamp["updated_by"]}
        before = self.conn.execute("SELECT id FROM periods WHERE position < ? "
                                   "ORDER BY position DESC LIMIT 1", (position,)).fetchone()
        if before is None:
            return
        self.conn.execute(insert + "WHERE a.period_id = :before", {**params, "before": before[0]})
        # Items with no assessment in that period but an older one (the statement reads
        # the table as it was before it, so the new period's rows do not count yet).
        self.conn.execute(
            insert + "JOIN items i ON a.id = (SELECT b.id FROM assessments b JOIN periods p ON "
            "p.id = b.period_id WHERE b.item_id = i.id AND p.position < :position "
            "ORDER BY p.position DESC LIMIT 1) "
            "WHERE NOT EXISTS (SELECT 1 FROM assessments x WHERE x.item_id = i.id "
            "AND x.period_id = :period)", {**params, "position": position})
        self.conn.execute(
            "INSERT INTO audit (at, user, host, entity, record_id, field, old, new, item_id) "
            "SELECT ?, ?, ?, 'assessment', id, 'carried forward', NULL, rag, item_id "
            "FROM assessments WHERE period_id = ? ORDER BY item_id",
            (self._now(), self.identity.user, self.identity.host, period_id))

    def update_period(self, period_id: PeriodId, **fields: Any) -> Period:
        bad = set(fields) - {"label", "date", "meeting"}
        if bad:
            raise InvalidValue(next(iter(bad)), f"A period has no field {sorted(bad)}.")
        values = dict(fields)
        if "date" in values:
            values["date"] = normalise.date_or_none(values["date"], "date")
        if "label" in values:
            values["label"] = str(values["label"]).strip()
            if not values["label"]:
                raise InvalidValue("label", "A reporting period needs a label.")
        with self._write():
            old = self.period(period_id)
            for name, value in values.items():
                before = stored_form(getattr(old, name))
                if before != value:
                    try:
                        self.conn.execute(f"UPDATE periods SET {name} = ? WHERE id = ?", (value, period_id))
                    except sqlite3.IntegrityError:
                        raise InvalidValue("label", f"There is already a period “{value}”.") from None
                    self._audit("period", period_id, name, before, value)
        self._emit(Change(periods=frozenset({period_id})))
        return self.period(period_id)

    def delete_period(self, period_id: PeriodId) -> Deleted:
        with self._write():
            period = self.period(period_id)
            rows = self._rows("periods", "id = ?", period_id) + self._rows(
                "assessments", "period_id = ?", period_id)
            self._free_dependents("period_id = ?", period_id)
            self.conn.execute("DELETE FROM periods WHERE id = ?", (period_id,))
            self._compact("periods")
            self._audit("period", period_id, "deleted", period.label, None)
            for _, a in rows[1:]:  # each item's timeline shows its rating went with the period
                self._audit("assessment", a["id"], f"deleted with period {period.label}",
                            a["rag"], None, item_id=a["item_id"])
        change = Change(periods=frozenset({period_id}), structure=True)
        self._emit(change)
        return Deleted("period", tuple(rows), change)

    # -- assessments ------------------------------------------------------------

    def assessment(self, *, item_id: ItemId, period_id: PeriodId) -> Assessment | None:
        row = self.conn.execute(f"SELECT * FROM {_RESOLVED} WHERE item_id = ? AND period_id = ?",
                                (item_id, period_id)).fetchone()
        return _assessment(row) if row else None

    def assessments(self, *, item_id: ItemId | None = None,
                    period_id: PeriodId | None = None) -> list[Assessment]:
        where: list[str] = []
        params: list[int] = []
        if item_id is not None:
            where.append("a.item_id = ?")
            params.append(item_id)
        if period_id is not None:
            where.append("a.period_id = ?")
            params.append(period_id)
        sql = (f"SELECT a.* FROM {_RESOLVED} a JOIN periods p ON p.id = a.period_id"
               + (" WHERE " + " AND ".join(where) if where else "")
               + " ORDER BY a.item_id, p.position")
        return [_assessment(r) for r in self.conn.execute(sql, params)]

    def rag_grid(self, item_ids: Iterable[ItemId] | None = None, *,
                 period_ids: Iterable[PeriodId] | None = None,
                 ) -> dict[tuple[int, int], tuple[str | None, bool]]:
        """(item, period) -> (rating, draft) for every assessment (or of ``item_ids``, or in
        ``period_ids``: a new grid column need not re-read the others), in one query."""
        only, params = _id_filter("item_id", item_ids)
        in_periods, period_params = _id_filter("period_id", period_ids)
        where = " AND ".join(w for w in (only, in_periods) if w)
        return {(r[0], r[1]): (r[2], bool(r[3])) for r in self.conn.execute(
            "SELECT item_id, period_id, rag, draft FROM assessments"
            + (f" WHERE {where}" if where else ""), [*params, *period_params])}

    def rating_columns(self, period_ids: Iterable[PeriodId] | None = None
                       ) -> dict[int, tuple[dict[int, str | None], set[int]]]:
        """Period -> (item -> rating, the items whose assessment is a draft): the grid's
        cells a column at a time, every period (or ``period_ids``).

        The same facts as :meth:`rag_grid`, shaped for a grid over thousands of items:
        one index-only read per period, built in C (``dict`` over the cursor) instead of
        a Python tuple per cell; half the time and half the memory of ``rag_grid()``
        on 30,000 items.
        """
        ids = (list(period_ids) if period_ids is not None else
               [pid for (pid,) in self.conn.execute("SELECT id FROM periods ORDER BY position, id")])
        cursor = self.conn.cursor()
        cursor.row_factory = None  # plain tuples: dict() takes them as they come
        columns: dict[int, tuple[dict[int, str | None], set[int]]] = {}
        for pid in ids:
            rags = dict(cursor.execute(
                "SELECT item_id, rag FROM assessments WHERE period_id = ?", (pid,)))
            drafts = {item_id for (item_id,) in cursor.execute(
                "SELECT item_id FROM assessments WHERE period_id = ? AND draft", (pid,))}
            columns[pid] = (rags, drafts)
        return columns

    def assessment_differences(self, *, since_id: PeriodId, period_id: PeriodId,
                               item_ids: Iterable[ItemId] | None = None) -> list[tuple[Any, ...]]:
        """Each item assessed in ``period_id`` (or those of ``item_ids``) against ``since_id``,
        as plain tuples: ``(item_id, assessed_before, rag_before, rag_after, dot_after,
        status_note_before, status_note_after, update_before, update_after, intent_before,
        intent_after, impact_before, impact_after)``.

        "What changed" compares two periods' narratives, ~12 MB for 3,000 items; SQLite
        compares them where they lie and hands over only the texts that differ: a pair
        is ``(None, None)`` when both periods read the same. A carried-forward draft
        refers to its source's texts (``carried_from``), so one never edited is the same
        without reading either text. An item not assessed in ``since_id`` has
        ``assessed_before`` false and is compared with empty texts.
        """
        only, params = _id_filter("b.item_id", item_ids)
        pairs = ", ".join(
            f"CASE WHEN shared OR {c}0 IS {c}1 THEN NULL ELSE {c}0 END, "
            f"CASE WHEN shared OR {c}0 IS {c}1 THEN NULL ELSE {c}1 END" for c in ("u", "i", "m"))
        sql = (f"SELECT item_id, assessed, rag0, rag1, dot1, note0, note1, {pairs} FROM ("
               "SELECT b.item_id AS item_id, a.id IS NOT NULL AS assessed, a.rag AS rag0, "
               "b.rag AS rag1, b.dot AS dot1, COALESCE(a.status_note, '') AS note0, "
               "b.status_note AS note1, "
               "COALESCE(a.carried_from, a.id) IS COALESCE(b.carried_from, b.id) AS shared, "
               "COALESCE(sa.update_text, a.update_text, '') AS u0, "
               "COALESCE(sb.update_text, b.update_text) AS u1, "
               "COALESCE(sa.intent, a.intent, '') AS i0, COALESCE(sb.intent, b.intent) AS i1, "
               "COALESCE(sa.impact, a.impact, '') AS m0, COALESCE(sb.impact, b.impact) AS m1 "
               "FROM assessments b "
               "LEFT JOIN assessments a ON a.item_id = b.item_id AND a.period_id = ? "
               "LEFT JOIN assessments sa ON sa.id = a.carried_from "
               "LEFT JOIN assessments sb ON sb.id = b.carried_from "
               "WHERE b.period_id = ?" + (f" AND {only}" if only else "") + ")")
        cursor = self.conn.cursor()
        cursor.row_factory = None  # plain tuples: no Row object per item
        return cursor.execute(sql, (since_id, period_id, *params)).fetchall()

    def directions(self, period_id: PeriodId,
                   item_ids: Iterable[ItemId] | None = None) -> dict[int, Dot | None]:
        """Effective direction of travel of every item (or of ``item_ids``) in a period.

        The override if set, else derived from this period's rating against the
        item's latest earlier rating. Items without an assessment here are left out.
        """
        period = self.conn.execute("SELECT position FROM periods WHERE id = ?",
                                   (period_id,)).fetchone()
        if period is None:
            raise NotFound("That reporting period no longer exists.")
        ranks = {r.code: r.rank for r in self.ratings(include_disabled=True)}
        only, params = _id_filter("item_id", item_ids)
        rows = self.conn.execute("SELECT item_id, rag, dot FROM assessments WHERE period_id = ?"
                                 + (f" AND {only}" if only else ""), (period_id, *params)).fetchall()
        previous = self._ratings_before(period["position"],
                                        {item_id for item_id, rag, dot in rows if rag and not dot})
        result: dict[int, Dot | None] = {}
        for item_id, rag, dot in rows:
            before = previous.get(item_id)
            if dot:
                result[item_id] = Dot(dot)
            elif not rag or before is None:
                result[item_id] = None
            else:
                diff = ranks.get(rag, 0) - ranks.get(before, 0)
                result[item_id] = Dot.SAME if diff == 0 else Dot.UP if diff > 0 else Dot.DOWN
        return result

    def _ratings_before(self, position: int, item_ids: set[int]) -> dict[int, str]:
        """Each item's latest rating in a period before ``position`` (items never rated
        before are left out).

        Many items: walk back a period at a time, each one index-only read of that
        period's ratings; nearly every item is found in the first. Few (one item for
        the editor, the stragglers of the walk): one indexed look-back each.
        """
        found: dict[int, str] = {}
        wanted = set(item_ids)
        earlier = [pid for (pid,) in self.conn.execute(
            "SELECT id FROM periods WHERE position < ? ORDER BY position DESC", (position,))]
        for pid in earlier:
            if len(wanted) <= _LOOK_BACK_ONE_BY_ONE:
                break
            for item_id, rag in self.conn.execute(
                    "SELECT item_id, rag FROM assessments WHERE period_id = ? AND rag IS NOT NULL",
                    (pid,)):
                if item_id in wanted:
                    found[item_id] = rag
                    wanted.discard(item_id)
        else:
            return found  # every earlier period read: the rest were never rated before
        for item_id in wanted:
            row = self.conn.execute(
                "SELECT b.rag FROM assessments b JOIN periods q ON q.id = b.period_id "
                "WHERE b.item_id = ? AND b.rag IS NOT NULL AND q.position < ? "
                "ORDER BY q.position DESC LIMIT 1", (item_id, position)).fetchone()
            if row is not None:
                found[item_id] = row[0]
        return found

    def save_assessment(self, *, item_id: ItemId, period_id: PeriodId,
                        expected_version: int | None = None, **fields: Any) -> Assessment:
        """Create or change an item's assessment for a period.

        ``expected_version`` = the version the user started editing (0 or None
        when there was no assessment yet); a mismatch raises Conflict. Saving
        clears the draft mark unless ``draft`` is passed.
        """
        values = normalise.assessment_values(fields)
        # Everything, the rating's check included, inside the one write transaction: on a
        # network share each statement outside a transaction costs its own round trips.
        with self._write():
            if "rag" in values and values["rag"] is not None:
                code = str(values["rag"]).strip().upper()
                if code not in {r.code for r in self.ratings(include_disabled=True)}:
                    raise InvalidValue("rag", f"“{values['rag']}” is not a rating; use RED, "
                                       "AMBER, GREEN or BLUE.")
                values["rag"] = code or None
            self.item(item_id)
            self.period(period_id)
            old = self.assessment(item_id=item_id, period_id=period_id)
            if old is None:
                if expected_version not in (None, 0):
                    raise Conflict("Someone else removed this assessment while you were editing it.")
                columns = {_ASSESSMENT_COLUMNS.get(k, k): v for k, v in values.items()}
                columns.update(id=self._fresh_id("assessments", "assessment"), item_id=item_id,
                               period_id=period_id, **self._stamp())
                new_id = self._insert("assessments", columns)
                for name, value in values.items():
                    if value not in (None, "", 0):
                        self._audit("assessment", new_id, name, None, value)
            else:
                self._check_version(old, expected_version, "assessment")
                changed = self._changed(old, values)
                if changed:
                    # Copy on first change: a carried draft takes its own texts before any
                    # edit (the audit's old values are the resolved texts, read above), and
                    # a source whose narratives change first hands the carried texts to the
                    # drafts referring to it: a carried draft keeps what the texts were when
                    # its period was added.
                    self._materialise("id = ?", old.id)
                    if set(changed) & set(RICH_ASSESSMENT_FIELDS):
                        self._materialise("carried_from = ?", old.id)
                    self._apply_update("assessments", "assessment", old.id,
                                       {_ASSESSMENT_COLUMNS.get(k, k): v for k, v in changed.items()},
                                       old, names={v: k for k, v in _ASSESSMENT_COLUMNS.items()})
            result = self.assessment(item_id=item_id, period_id=period_id)
        self._emit(Change(assessments=frozenset({(item_id, period_id)}), items=frozenset({item_id})))
        assert result is not None
        return result

    def set_rag(self, *, item_id: ItemId, period_id: PeriodId, rag: str | None,
                expected_version: int | None = None) -> Assessment:
        """The grid's one-key rating: keeps the narratives, clears the draft mark.

        Without ``expected_version`` the last key pressed wins: a rating is one word
        the user sees in the grid as they press it, and every change is in the audit
        log (who, when, old and new), so nothing is lost untraced. Pass it (the
        version shown when the key was pressed, 0 for an empty cell) to refuse instead.
        """
        return self.save_assessment(item_id=item_id, period_id=period_id, expected_version=expected_version, rag=rag)

    def delete_assessment(self, *, item_id: ItemId, period_id: PeriodId,
                          expected_version: int | None = None) -> Deleted | None:
        """Remove an item's assessment for a period; ``None`` if there was none.

        ``expected_version`` makes it compare-and-swap like a save: if someone saved
        the assessment since that version, :class:`~ragdesk.errors.Conflict` carries
        the record as it is now and nothing is deleted (undo must never take a
        colleague's narrative with it). The audit keeps every field that went: one
        row per non-empty field (old value, new none), then the ``deleted`` row.
        """
        with self._write():
            rows = self._rows("assessments", "item_id = ? AND period_id = ?", item_id, period_id)
            if not rows:
                if expected_version not in (None, 0):
                    raise NotFound("That assessment no longer exists (someone may have removed it).")
                return None
            row = rows[0][1]
            if expected_version is not None:
                current = self.assessment(item_id=item_id, period_id=period_id)
                self._check_version(current, expected_version, "assessment")
            self._free_dependents("id = ?", row["id"])
            self.conn.execute("DELETE FROM assessments WHERE id = ?", (row["id"],))
            for name in ASSESSMENT_FIELDS:
                value = row[_ASSESSMENT_COLUMNS.get(name, name)]
                if value not in (None, "", 0):
                    self._audit("assessment", row["id"], name, value, None, item_id=item_id)
            self._audit("assessment", row["id"], "deleted", row["rag"], None, item_id=item_id)
        change = Change(assessments=frozenset({(item_id, period_id)}), items=frozenset({item_id}))
        self._emit(change)
        return Deleted("assessment", tuple(rows), change)

    # -- evidence ---------------------------------------------------------------

    @property
    def evidence_limit(self) -> int:
        """Largest evidence file in bytes (setting ``evidence_limit_mb``, default 25 MB)."""
        # a file may hold "inf", "-5" or "lots" (an old import, a hand edit): the default then
        return int(validate.evidence_limit_mb(self.setting("evidence_limit_mb", "")) * 1024 * 1024)

    def evidence(self, item_id: ItemId) -> list[Evidence]:
        return [_evidence(r) for r in self.conn.execute(
            "SELECT id, item_id, name, size, mime, note, added_by, added_at FROM evidence "
            "WHERE item_id = ? ORDER BY added_at, id", (item_id,))]

    def evidence_data(self, evidence_id: EvidenceId) -> bytes:
        row = self.conn.execute("SELECT data FROM evidence WHERE id = ?", (evidence_id,)).fetchone()
        if row is None:
            raise NotFound("That evidence file has been removed.")
        return bytes(row[0])

    def add_evidence(self, item_id: ItemId, name: str, data: bytes, *, mime: str | None = None,
                     note: str = "") -> Evidence:
        limit = self.evidence_limit
        if len(data) > limit:
            raise TooLarge(f"“{name}” is {len(data) / 1048576:.1f} MB; evidence files can be at "
                           f"most {limit / 1048576:.0f} MB each. Attach a smaller file or a link.")
        mime = mime or mimetypes.guess_type(name)[0] or "application/octet-stream"
        with self._write():
            self.item(item_id)
            cur = self.conn.execute(
                "INSERT INTO evidence (id, item_id, name, size, mime, note, data, added_by, added_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (self._fresh_id("evidence", "evidence"), item_id, name, len(data), mime, note, sqlite3.Binary(data),
                 self.identity.user, self._now()))
            self._audit("evidence", cur.lastrowid, "added", None, name)
            evidence_id = cur.lastrowid
        self._emit(Change(evidence_of=frozenset({item_id})))
        return next(e for e in self.evidence(item_id) if e.id == evidence_id)

    def add_evidence_file(self, item_id: ItemId, path: str | os.PathLike[str], *,
                          note: str = "") -> Evidence:
        path = Path(path)
        size = path.stat().st_size
        if size > self.evidence_limit:
            raise TooLarge(f"“{path.name}” is {size / 1048576:.1f} MB; evidence files can be at most "
                           f"{self.evidence_limit / 1048576:.0f} MB each.")
        return self.add_evidence(item_id, path.name, path.read_bytes(), note=note)

    def set_evidence_note(self, evidence_id: EvidenceId, note: str) -> Evidence:
        """Change the note beside an evidence file ("Board minute: closure agreed").

        The last note saved wins; the old one stays in the audit log.
        """
        note = str(note or "").strip()
        with self._write():
            row = self.conn.execute("SELECT item_id, note FROM evidence WHERE id = ?",
                                    (evidence_id,)).fetchone()
            if row is None:
                raise NotFound("That evidence file has been removed (someone may have removed it).")
            if row["note"] != note:
                self.conn.execute("UPDATE evidence SET note = ? WHERE id = ?", (note, evidence_id))
                self._audit("evidence", evidence_id, "note", row["note"], note, item_id=row["item_id"])
        self._emit(Change(evidence_of=frozenset({row["item_id"]})))
        return next(e for e in self.evidence(row["item_id"]) if e.id == evidence_id)

    def remove_evidence(self, evidence_id: EvidenceId) -> Deleted:
        with self._write():
            rows = self._rows("evidence", "id = ?", evidence_id)
            if not rows:
                raise NotFound("That evidence file has already been removed.")
            self.conn.execute("DELETE FROM evidence WHERE id = ?", (evidence_id,))
            self._audit("evidence", evidence_id, "removed", rows[0][1]["name"], None,
                        item_id=rows[0][1]["item_id"])
        change = Change(evidence_of=frozenset({rows[0][1]["item_id"]}))
        self._emit(change)
        return Deleted("evidence", tuple(rows), change)

    # -- undoing deletes ----------------------------------------------------------

    def restore(self, deleted: Deleted) -> Change:
        """Put back exactly the rows a delete removed (same ids), e.g. for undo."""
        with self._write():
            for table, row in deleted.rows:
                self._insert(table, row)
            first_table, first = deleted.rows[0]
            # back to its old place; others that were added meanwhile move along one
            if first_table == "items":
                self._reorder_items(first["inspection_id"], first["id"], first["position"])
            elif first_table in ("inspections", "periods"):
                ids = [r[0] for r in self.conn.execute(
                    f"SELECT id FROM {first_table} ORDER BY position, id")]
                self._reorder(first_table, ids, first["id"], first["position"])
            self._audit(deleted.what, first.get("id"), "restored", None,
                        first.get("title") or first.get("label") or first.get("name") or first.get("number"))
            for table, row in deleted.rows[1:]:  # rows that went with a period or inspection
                if table == "items" and deleted.what == "inspection":
                    self._audit("item", row["id"], "restored", None, f"{row['kind']} {row['number']}")
                elif table == "assessments" and deleted.what == "period":
                    self._audit("assessment", row["id"], "restored", None, row["rag"])
        self._emit(deleted.change)
        return deleted.change

    # -- search -------------------------------------------------------------------

    def search(self, text: str) -> list[ItemId]:
        """Items whose number, text, fields or narratives contain every word typed, best first.

        Asked of this computer's own index (:mod:`ragdesk.search_index`), brought up to
        date with the file first (:meth:`prepare_search`): a save never touches it.
        """
        query = search_index.fts_query(text)
        if not query:
            return []
        key = self._search_file_key()
        problem: Exception | None = None
        for _attempt in range(3):
            ready = self._prepare_search(None, keep_newer=False)
            try:
                with search_index.opened(key) as index:
                    # another window or the daily backup may have replaced the index since
                    if index.mark() == ready:
                        return [ItemId(i) for i in index.search(query)]
            except search_index.Unusable as e:
                problem = e
                search_index.discard_index(key)
            except search_index.Busy:
                raise RagdeskError(_SEARCH_BUSY) from None
            self._search_seen = None
        raise RagdeskError(f"Search is not available just now ({problem or 'the index keeps changing'}); "
                           "try again.")

    def prepare_search(self, progress: Callable[[int, int], None] | None = None, *,
                       keep_newer: bool = False) -> None:
        """Bring this computer's search index up to date with the file.

        The audit rows after the index's mark name the items changed since (anyone's
        save, an undo, an import): only those items are read again, a few requests
        each. An index that is missing, damaged, made from another history (a file
        restored from a backup: the row at its mark differs or is gone) or far behind
        (more than an eighth of the items changed, e.g. a period deleted) is made again
        from every item, which on a network share reads every item and narrative once
        (about 300 requests at 300 items, 3,000 at 3,000); ``progress(done, total)``
        counts items then and may raise to stop it (the old index stays). With
        ``keep_newer`` (a refresh from a copy of the file) an index already past this
        file's newest audit row is left as it is.
        """
        self._prepare_search(progress, keep_newer=keep_newer)

    def search_needs_build(self) -> bool:
        """Whether a search must first make this computer's index from scratch.

        True when the index is missing, damaged, made from another history or far
        behind: :meth:`prepare_search` would then read every item and narrative
        (a minute over VPN at 3,000 items), which a window runs on a thread of its
        own. False when a search can answer now; an index a few changes behind is
        brought up to date on the way (the catch-up: the audit rows after its mark
        and the items they name, a few requests), so the search after it reads only
        the change counter. Nothing else is read: when nobody has committed since the
        last search, this costs that one request. A problem with the file itself
        raises :class:`RagdeskError`; another window on this computer writing the
        index answers False (the search then says to try again).
        """
        key = self._search_file_key()
        seen = (self.change_counter(), self.conn.total_changes)
        try:
            mark = self._catch_up_search(key, seen, keep_newer=False)
        except search_index.Unusable:
            self._search_seen = None
            search_index.discard_index(key)
            return True
        except search_index.Busy:
            return False
        if mark is None:
            return True
        self._search_seen = None if self._writing else (*seen, mark)
        return False

    def _prepare_search(self, progress: Callable[[int, int], None] | None, *,
                        keep_newer: bool) -> search_index.Mark:
        """:meth:`prepare_search`, saying the mark the index was left at."""
        key = self._search_file_key()
        seen = (self.change_counter(), self.conn.total_changes)
        for attempt in range(3):
            try:
                mark = self._catch_up_search(key, seen, keep_newer=keep_newer)
                if mark is None:
                    mark = self._rebuild_search(key, progress or self.search_progress)
                # inside a write what it saw may yet be rolled back: nothing to remember then
                self._search_seen = None if self._writing else (*seen, mark)
                return mark
            except search_index.Unusable:
                self._search_seen = None
                if attempt == 0:
                    search_index.discard_index(key)
                else:
                    search_index.use_memory(key)
            except search_index.Busy:
                raise RagdeskError(_SEARCH_BUSY) from None
        raise RagdeskError("Search is not available: its index cannot be made.")

    def search_documents(self, item_ids: Iterable[ItemId] | None = None) -> list[tuple[ItemId, str]]:
        """(item, the text search finds it by) for ``item_ids`` (None: every item), by item id.

        The number, reference, text, area, board, lead and dashboard, then every
        period's status note and narratives (plain text). Items that no longer exist
        are left out. Read straight from the table, not the resolved view: a carried
        draft refers to texts of the same item's own earlier row, found there already.
        On a big file ask for a few hundred items at a time.
        """
        if item_ids is None:
            item_ids = [ItemId(r[0]) for r in self.conn.execute("SELECT id FROM items ORDER BY id")]
        ids = sorted(set(item_ids))
        only, params = _id_filter("id", ids)
        parts: dict[int, list[str]] = {}
        for row in self.conn.execute(
                "SELECT id, number, reference, text, area, board, lead, dashboard FROM items "
                f"WHERE {only} ORDER BY id", params):
            parts[row["id"]] = [row["number"], row["reference"], richtext.searchable(row["text"]),
                                row["area"], row["board"], row["lead"],
                                richtext.searchable(row["dashboard"])]
        only, params = _id_filter("item_id", ids)
        for a in self.conn.execute(
                "SELECT item_id, status_note, update_text, intent, impact FROM assessments "
                f"WHERE {only} ORDER BY item_id, period_id", params):
            found = parts.get(a["item_id"])
            if found is not None:
                found += [a["status_note"], richtext.searchable(a["update_text"]),
                          richtext.searchable(a["intent"]), richtext.searchable(a["impact"])]
        return [(ItemId(i), "\n".join(p for p in found if p)) for i, found in sorted(parts.items())]

    def _search_file_key(self) -> str:
        """Which local index is this file's: its ``file_id`` (schema 5), kept for the Store's life."""
        if self._file_key is None:
            key = self.setting(schema.FILE_ID_SETTING)
            self._file_key = key or "path-" + hashlib.sha256(
                os.path.abspath(self.path).encode("utf-8", "surrogatepass")).hexdigest()[:32]
        return self._file_key

    def _audit_mark(self, audit_id: int) -> search_index.Mark | None:
        """The mark for audit row ``audit_id`` as this file has it; None if it has no such row."""
        if audit_id == 0:
            return search_index.Mark(0, "")
        row = self.conn.execute("SELECT * FROM audit WHERE id = ?", (audit_id,)).fetchone()
        return None if row is None else search_index.Mark(audit_id, search_index.fingerprint(tuple(row)))

    def _catch_up_search(self, key: str, seen: tuple[int | None, int], *,
                         keep_newer: bool) -> search_index.Mark | None:
        """Re-index what changed after the local index's mark; None if it must be made again."""
        with search_index.opened(key) as index, index.writing():
            mark = index.mark()
            if mark is None:
                return None
            if seen[0] is not None and self._search_seen == (*seen, mark):
                return mark  # nobody has committed since it was brought up to date
            with self.reading():
                if keep_newer and mark.audit_id >= self.last_audit_id():
                    return mark
                if self._audit_mark(mark.audit_id) != mark:
                    return None  # another history: restored from a backup, or another file
                stale = self._search_stale(mark.audit_id)
                if stale is None:
                    return None
                item_ids, newest = stale
                if newest == mark.audit_id:
                    return mark
                if len(item_ids) > max(_SEARCH_FEW, index.count() // _SEARCH_REBUILD_SHARE):
                    return None  # reading them one by one would cost more than reading all
                docs: dict[int, str] = dict(self.search_documents(item_ids))
                new_mark = self._audit_mark(newest)
            if new_mark is None:
                return None
            index.put(item_ids, docs, new_mark)
            return new_mark

    def _search_stale(self, audit_id: int) -> tuple[set[ItemId], int] | None:
        """Items whose searchable text may have changed after audit row ``audit_id``, and the
        newest row's id; None when the log cannot say (a restore from backup, too many rows,
        an entity this version does not know)."""
        rows = self.conn.execute(
            "SELECT id, entity, record_id, field, item_id FROM audit WHERE id > ? ORDER BY id LIMIT ?",
            (audit_id, _SEARCH_AUDIT_LIMIT + 1)).fetchall()
        if not rows:
            return set(), audit_id
        if len(rows) > _SEARCH_AUDIT_LIMIT:
            return None
        items: set[ItemId] = set()
        for _id, entity, record_id, field_name, item_id in rows:
            if entity == "item":
                if record_id is None:
                    return None
                items.add(ItemId(record_id))
            elif entity == "assessment":
                if field_name == "carried forward":
                    continue  # the words of the row it was carried from, already indexed
                if item_id is None:
                    return None
                items.add(ItemId(item_id))
            elif entity not in ("inspection", "period", "evidence", "setting", "rating", "status"):
                return None  # "file" (restored from a backup) or something newer
            # an inspection's or period's delete and undo write a row per item or assessment
        return items, rows[-1][0]

    def _rebuild_search(self, key: str, progress: Callable[[int, int], None] | None
                        ) -> search_index.Mark:
        """Make the local index again from every item, a chunk at a time.

        The mark is read first: whatever a colleague saves while the chunks are read is
        after it, so the next catch-up reads those items again.
        """
        with self.reading():
            mark = self._audit_mark(self.last_audit_id())
            # sorted here: "ORDER BY id" reads the whole table (every item's text) for the
            # order, where without it SQLite reads the ids from a small index
            ids = sorted(ItemId(r[0]) for r in self.conn.execute("SELECT id FROM items"))
        assert mark is not None
        builder = search_index.Builder(key)
        try:
            if progress is not None:
                progress(0, len(ids))
            for start in range(0, len(ids), _SEARCH_CHUNK):
                chunk = ids[start:start + _SEARCH_CHUNK]
                with self.reading():
                    docs = self.search_documents(chunk)
                builder.add(docs)
                if progress is not None:
                    progress(start + len(chunk), len(ids))
            builder.finish(mark)
        except BaseException:
            builder.abandon()
            raise
        return mark

    # -- audit --------------------------------------------------------------------

    def audit_log(self, entity: str | None = None, record_id: int | None = None) -> list[AuditEntry]:
        where: list[str] = []
        params: list[str | int] = []
        if entity is not None:
            where.append("entity = ?")
            params.append(entity)
        if record_id is not None:
            where.append("record_id = ?")
            params.append(record_id)
        sql = "SELECT * FROM audit" + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY id"
        return [AuditEntry(**dict(r)) for r in self.conn.execute(sql, params)]

    def item_history(self, item_id: ItemId) -> list[AuditEntry]:
        """Every audit entry about an item, its assessments and its evidence, oldest first.

        Includes assessments and evidence that have since been deleted: each audit
        row names its item (``item_id``), not only the record it was about.
        """
        sql = "SELECT * FROM audit WHERE item_id = ? ORDER BY id"
        return [AuditEntry(**dict(r)) for r in self.conn.execute(sql, (item_id,))]

    def status_changes(self, since: str | None = None) -> list[tuple[ItemId, str | None, str | None, str]]:
        """(item, old status, new status, when) for every change of an item's status since
        ``since`` (ISO date or time; None: ever), oldest first.

        "Closed since the last board" needs when each item was closed, and only the
        audit log knows; one indexed read instead of every item's whole history.
        """
        sql = ("SELECT record_id, old, new, at FROM audit WHERE entity = 'item' AND field = 'status'"
               + (" AND at >= ?" if since else "") + " ORDER BY id")
        return [(ItemId(r[0]), r[1], r[2], r[3]) for r in self.conn.execute(sql, (since,) if since else ())]

    def review_dates(self) -> dict[ItemId, dt.date]:
        """Item -> its review date, for the items that have one: the "review due" list
        without reading every item's text."""
        return {ItemId(item_id): dt.date.fromisoformat(when) for item_id, when in self.conn.execute(
            "SELECT id, review_date FROM items WHERE review_date IS NOT NULL AND review_date != ''")}

    # -- facts about the file -----------------------------------------------------

    def counts(self) -> dict[str, int]:
        tables = ("inspections", "items", "periods", "assessments", "evidence", "audit")
        return {t: self.conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in tables}

    def schema_version(self) -> int:
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    def integrity_check(self) -> str:
        """``"ok"``, or what is wrong: SQLite's own check, then carried-forward references."""
        problems = [r[0] for r in self.conn.execute("PRAGMA integrity_check")]
        problems = [p for p in problems if p != "ok"] + dbfile.carry_problems(self.conn)
        return "; ".join(problems) or "ok"

    # -- shared update helpers ----------------------------------------------------

    @staticmethod
    def _check_version(current: Any, expected: int | None, what: str) -> None:
        if expected is not None and current.version != expected:
            who = f" by {current.updated_by}" if current.updated_by else ""
            when = f" at {current.updated_at}" if current.updated_at else ""
            raise Conflict(f"This {what} was changed{who}{when} after you started editing it.",
                           current=current)

    @staticmethod
    def _changed(old: Any, values: dict[str, Any]) -> dict[str, Any]:
        """The ``values`` that differ from the record ``old`` as stored (its field names)."""
        return {k: v for k, v in values.items() if stored_form(getattr(old, k)) != v}

    def _apply_update(self, table: str, entity: str, record_id: int, changed: dict[str, Any],
                      old: Any, *, audit_skip: set[str] = frozenset(),  # type: ignore[assignment]
                      names: dict[str, str] | None = None) -> None:
        names = names or {}
        columns = {**changed, **self._stamp()}
        assignments = ", ".join(f"{c} = ?" for c in columns)
        self.conn.execute(f"UPDATE {table} SET {assignments}, version = version + 1 WHERE id = ?",
                          (*columns.values(), record_id))
        for column, value in changed.items():
            if column in audit_skip:
                continue
            name = names.get(column, column)
            self._audit(entity, record_id, name, stored_form(getattr(old, name)), value)



# --------------------------------------------------------------------------- the error boundary


_P = ParamSpec("_P")
_R = TypeVar("_R")


def _explained(method: Callable[_P, _R]) -> Callable[_P, _R]:
    """No ``sqlite3`` error leaves a public Store method: the store's one error boundary.

    Writes explain their own errors inside :meth:`Store._write` (a read made within a
    write passes its error up to it); any other SQLite error is a failed read, and
    becomes the :class:`RagdeskError` that :meth:`Store._explain_read_error` words for
    a person. So callers (``ui/``, ``reports/``, the CLI) catch ``RagdeskError`` alone.
    """
    @functools.wraps(method)
    def explained(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        try:
            return method(*args, **kwargs)
        except sqlite3.Error as e:
            store = args[0]
            if not isinstance(store, Store) or store._writing:
                raise
            raise store._explain_read_error(e) from None
    return explained


for _name, _value in list(vars(Store).items()):
    if _name.startswith("_"):
        continue
    if inspect.isfunction(_value):
        setattr(Store, _name, _explained(_value))
    elif isinstance(_value, property) and _value.fget is not None:
        setattr(Store, _name, property(_explained(_value.fget), _value.fset, _value.fdel,
                                       _value.__doc__))


if TYPE_CHECKING:  # mypy checks here that Store provides the whole storage API
    from .storage import Storage

    _PROVIDES_STORAGE: type[Storage] = Store
