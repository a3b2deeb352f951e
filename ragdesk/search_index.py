"""The search index: a file on this computer's own disk, one per ragdesk file (issue 16).

Search finds items by any word of their number, text, fields or narratives. Its
index is derived data, so it is not kept in the shared file: there every save
re-wrote the item's ~50 KB entry (most of a narrative save's round trips on a
network share) for everyone, whether or not they ever searched. Each computer
keeps its own index instead and brings it up to date from the shared file's
append-only audit log when a search needs it (:meth:`ragdesk.store.Store.prepare_search`
decides what to re-read; this module only keeps the index).

What an index knows about the file it was made from is its *mark*: the id of the
newest audit row it has taken in, and a fingerprint of that row. The audit log
is append-only, so the rows after the mark name everything changed since; a file
restored from a backup or replaced by another has a different row at that id (or
none), which the fingerprint notices, and the index is made again.

The index is a cache: an index that cannot be read (damaged, from another format,
deleted while open) is thrown away and made again, and if its folder cannot be
written it is kept in memory for this run. A search never fails for it.

Files live in :func:`index_folder`: ``RAGDESK_CACHE_DIR`` if set, else
``%LOCALAPPDATA%\\ragdesk\\search`` on Windows, else ``$XDG_CACHE_HOME/ragdesk/search``
or ``~/.cache/ragdesk/search``; one file per ragdesk file, named after its
``file_id`` setting. A rebuild is written under a temporary name and renamed
into place when complete, so a search never sees half an index.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import sqlite3
import threading
import time
import uuid
import zlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from . import files

# The tokenizer the index has always used: diacritics folded ("café" finds "cafe").
TOKENIZE = "unicode61 remove_diacritics 2"
# Bump when what is indexed changes: indexes of another format are made again.
FORMAT = "1"
_SUFFIX = ".search.sqlite"
_BUSY_TIMEOUT_S = 30.0  # another window on this computer catching up over a slow share
# Temporary files a killed rebuild left behind are removed once this old.
_LEFTOVER_AGE_S = 3600.0
# Indexes of files not searched (nor changed) for this long are removed when another is made:
# files deleted or moved away leave theirs behind; one still in use is only made again.
_UNUSED_AGE_S = 120 * 86400.0

_SCHEMA = (
    # Contentless: the words only. ``docs`` keeps each item's text (compressed, about a
    # third of the size) because removing a contentless entry needs the text it was made from.
    # IF NOT EXISTS: two windows may create the same new index at once.
    f"CREATE VIRTUAL TABLE IF NOT EXISTS words USING fts5(body, content='', tokenize='{TOKENIZE}')",
    "CREATE TABLE IF NOT EXISTS docs (id INTEGER PRIMARY KEY, body BLOB NOT NULL)",
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
)


class Unusable(Exception):
    """The local index could not be read or written; the caller makes it again."""


class Busy(Exception):
    """Another ragdesk on this computer is writing the index (its lock outlasted the wait)."""


@dataclass(frozen=True, slots=True)
class Mark:
    """How far into the file's audit log an index is: the newest row's id and fingerprint."""

    audit_id: int
    fingerprint: str


def fts_query(text: str) -> str:
    """Turn what a person typed into a safe FTS5 query: every word must match, the last as a prefix.

    Quoting each word means FTS5 syntax characters (``"*():^-``) are searched for
    literally instead of raising a syntax error.
    """
    words = re.findall(r"\w+", text, flags=re.UNICODE)
    if not words:
        return ""
    quoted = ['"' + w.replace('"', '""') + '"' for w in words]
    quoted[-1] += "*"
    return " ".join(quoted)


def fingerprint(row: Iterable[object]) -> str:
    """A short digest of one audit row (every column): tells one file's history from another's."""
    digest = hashlib.sha256()
    for value in row:
        digest.update(repr(value).encode("utf-8", "surrogatepass"))
        digest.update(b"\x00")
    return digest.hexdigest()[:32]


def index_folder(env: Mapping[str, str] | None = None, *, windows: bool = os.name == "nt",
                 home: Path | None = None) -> Path:
    """Where this computer keeps its search indexes (platform facts passed in for tests)."""
    env = os.environ if env is None else env
    if env.get("RAGDESK_CACHE_DIR"):
        return Path(env["RAGDESK_CACHE_DIR"])
    home = Path.home() if home is None else home
    if windows:
        base = env.get("LOCALAPPDATA") or str(home / "AppData" / "Local")
        return Path(base) / "ragdesk" / "search"
    return Path(env.get("XDG_CACHE_HOME") or home / ".cache") / "ragdesk" / "search"


def index_name(file_key: str) -> str:
    """A safe file name for the index of the file whose ``file_id`` is ``file_key``."""
    if re.fullmatch(r"[0-9A-Za-z-]{8,64}", file_key):
        return file_key + _SUFFIX
    return hashlib.sha256(file_key.encode("utf-8", "surrogatepass")).hexdigest()[:32] + _SUFFIX


# --------------------------------------------------------------------------- one open index


def _connect(target: str) -> sqlite3.Connection:
    conn = sqlite3.connect(target, isolation_level=None, timeout=_BUSY_TIMEOUT_S,
                           check_same_thread=False)
    conn.execute("PRAGMA synchronous = NORMAL")  # a cache: a power cut at worst means a rebuild
    return conn


def _create(conn: sqlite3.Connection, file_key: str) -> None:
    conn.execute("BEGIN IMMEDIATE")
    for sql in _SCHEMA:
        conn.execute(sql)
    conn.executemany("INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)",
                     [("format", FORMAT), ("file_id", file_key)])
    conn.execute("COMMIT")


class LocalIndex:
    """One connection to an index: its mark, its words, and changes to them.

    Every method raises :class:`Unusable` (never ``sqlite3.Error``) when the index
    itself is at fault, so the caller can tell its own file's errors from the cache's.
    """

    def __init__(self, conn: sqlite3.Connection, path: Path | None, file_key: str) -> None:
        self.conn = conn
        self.path = path  # None: in memory
        self.file_key = file_key

    @contextlib.contextmanager
    def _local(self) -> Iterator[None]:
        try:
            yield
        except sqlite3.Error as e:
            if _is_busy(e):
                raise Busy(str(e)) from e  # not damage: never thrown away for it
            raise Unusable(f"search index {self.path or ':memory:'}: {e}") from e

    def mark(self) -> Mark | None:
        """Where the index stands, or None if it holds nothing usable for this file yet."""
        with self._local():
            meta = dict(self.conn.execute("SELECT key, value FROM meta").fetchall())
        if meta.get("format") != FORMAT or meta.get("file_id") != self.file_key:
            return None
        if "audit_id" not in meta:
            return None
        return Mark(int(meta["audit_id"]), meta.get("fingerprint", ""))

    def count(self) -> int:
        with self._local():
            return int(self.conn.execute("SELECT COUNT(*) FROM docs").fetchone()[0])

    def search(self, query: str) -> list[int]:
        """Item ids matching an :func:`fts_query`, best match first."""
        with self._local():
            found = [r[0] for r in self.conn.execute(
                "SELECT rowid FROM words WHERE words MATCH ? ORDER BY rank", (query,))]
        if self.path is not None:
            with contextlib.suppress(OSError):
                os.utime(self.path)  # in use: see _remove_leftovers
        return found

    @contextlib.contextmanager
    def writing(self) -> Iterator[None]:
        """One local write transaction (other windows on this computer wait for it)."""
        with self._local():
            self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield
            with self._local():
                self.conn.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                self.conn.execute("ROLLBACK")
            raise

    def put(self, item_ids: Iterable[int], docs: Mapping[int, str], mark: Mark) -> None:
        """Re-index ``item_ids``: each gets its text in ``docs``, or leaves the index if absent."""
        with self._local():
            for item_id in item_ids:
                self._put(item_id, docs.get(item_id))
            self._set_mark(mark)

    def add(self, docs: Iterable[tuple[int, str]]) -> None:
        """Add texts of items the index does not hold yet (a rebuild)."""
        with self._local():
            for item_id, text in docs:
                self.conn.execute("INSERT INTO words (rowid, body) VALUES (?, ?)", (item_id, text))
                self.conn.execute("INSERT INTO docs (id, body) VALUES (?, ?)",
                                  (item_id, zlib.compress(text.encode("utf-8", "surrogatepass"), 1)))

    def _put(self, item_id: int, text: str | None) -> None:
        row = self.conn.execute("SELECT body FROM docs WHERE id = ?", (item_id,)).fetchone()
        if row is not None:
            try:
                old = zlib.decompress(row[0]).decode("utf-8", "surrogatepass")
            except (zlib.error, UnicodeDecodeError) as e:
                raise sqlite3.DatabaseError(f"unreadable entry {item_id}") from e
            if old == text:
                return
            # A contentless entry is taken out by giving FTS5 the text it was made from.
            self.conn.execute("INSERT INTO words (words, rowid, body) VALUES ('delete', ?, ?)",
                              (item_id, old))
            self.conn.execute("DELETE FROM docs WHERE id = ?", (item_id,))
        if text is not None:
            self.add([(item_id, text)])

    def _set_mark(self, mark: Mark) -> None:
        self.conn.executemany("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
                              [("audit_id", str(mark.audit_id)), ("fingerprint", mark.fingerprint)])

    def close(self) -> None:
        if self.path is not None:
            with contextlib.suppress(sqlite3.Error):
                self.conn.close()


# Indexes kept in memory because their folder could not be written: one per file, for this run.
_MEMORY: dict[str, sqlite3.Connection] = {}
_MEMORY_LOCK = threading.Lock()


def _memory(file_key: str, *, fresh: bool = False) -> sqlite3.Connection:
    with _MEMORY_LOCK:
        conn = _MEMORY.get(file_key)
        if conn is None or fresh:
            if conn is not None:
                conn.close()
            conn = _connect(":memory:")
            _create(conn, file_key)
            _MEMORY[file_key] = conn
        return conn


def _usable_folder(folder: Path) -> bool:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        return os.access(folder, os.W_OK)
    except OSError:
        return False


@contextlib.contextmanager
def opened(file_key: str, folder: Path | None = None) -> Iterator[LocalIndex]:
    """The index of the file ``file_key``, opened for one use and closed after it.

    Opened per use, not kept open: another window (or the daily backup's refresh)
    may replace the file meanwhile, which Windows refuses while it is open. A
    missing index is created empty (no mark: the caller builds it); a file that is
    not a readable index is deleted and created again; an unwritable folder gives
    the in-memory index.
    """
    folder = index_folder() if folder is None else folder
    if file_key in _MEMORY or not _usable_folder(folder):
        yield LocalIndex(_memory(file_key), None, file_key)
        return
    path = folder / index_name(file_key)
    index = _open_file(path, file_key)
    if index is None:
        yield LocalIndex(_memory(file_key), None, file_key)
        return
    try:
        yield index
    finally:
        index.close()


def _open_file(path: Path, file_key: str) -> LocalIndex | None:
    for _attempt in range(2):
        conn = None
        try:
            conn = _connect(str(path))
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if not tables:
                _create(conn, file_key)
            elif not {"words", "docs", "meta"} <= tables:
                raise sqlite3.DatabaseError("not a search index")
            return LocalIndex(conn, path, file_key)
        except sqlite3.Error as e:
            if conn is not None:
                conn.close()
            if _is_busy(e):
                raise Busy(str(e)) from e  # another window is writing it: not damage
            if not discard(path):
                return None
    return None


def _is_busy(error: sqlite3.Error) -> bool:
    return isinstance(error, sqlite3.OperationalError) and (
        "locked" in str(error) or "busy" in str(error))


def discard(path: Path) -> bool:
    """Delete an index file (and its journal); False if it could not be deleted."""
    try:
        files.remove(path)
        files.remove_quietly(f"{path}-journal")
        return True
    except OSError:
        return False


def on_disk(file_key: str, folder: Path | None = None) -> bool:
    """Whether the index of ``file_key`` is kept in a file (not in this run's memory)."""
    return file_key not in _MEMORY and _usable_folder(index_folder() if folder is None else folder)


def use_memory(file_key: str) -> None:
    """Keep the index of ``file_key`` in memory for the rest of this run (its file keeps failing)."""
    _memory(file_key, fresh=True)


def discard_index(file_key: str, folder: Path | None = None) -> None:
    """Throw away the index of ``file_key`` (it was found unusable): the next use makes it again."""
    folder = index_folder() if folder is None else folder
    with _MEMORY_LOCK:
        conn = _MEMORY.pop(file_key, None)
    if conn is not None:
        conn.close()
        return
    if not discard(folder / index_name(file_key)):
        _memory(file_key, fresh=True)  # cannot delete it: keep this run's index in memory


# --------------------------------------------------------------------------- making one from scratch


class Builder:
    """A new index made from every item's text, put in place only when complete.

    Written under a temporary name beside the index and renamed over it at
    :meth:`finish`, so a search meanwhile uses the old index (still correct for
    its own mark) and an interrupted build leaves nothing half made.
    """

    def __init__(self, file_key: str, folder: Path | None = None) -> None:
        self.file_key = file_key
        folder = index_folder() if folder is None else folder
        self.target: Path | None = None
        self.temp: Path | None = None
        conn = None
        if file_key not in _MEMORY and _usable_folder(folder):
            self.target = folder / index_name(file_key)
            _remove_leftovers(folder, self.target.name)
            self.temp = folder / f"{self.target.name}.{os.getpid()}-{uuid.uuid4().hex[:8]}.tmp"
            try:
                conn = _connect(str(self.temp))
                conn.execute("PRAGMA journal_mode = OFF")  # a new file: nothing to roll back to
                conn.execute("PRAGMA synchronous = OFF")  # made durable once, at finish()
                _create(conn, file_key)
                conn.execute("BEGIN")
            except sqlite3.Error:
                if conn is not None:
                    conn.close()
                files.remove_quietly(self.temp)
                conn = self.target = self.temp = None
        if conn is None:
            conn = _connect(":memory:")
            _create(conn, file_key)
            conn.execute("BEGIN")
        self.index = LocalIndex(conn, self.temp, file_key)

    def add(self, docs: Iterable[tuple[int, str]]) -> None:
        self.index.add(docs)

    def finish(self, mark: Mark) -> None:
        """Record ``mark`` and put the new index in place of the old one."""
        conn = self.index.conn
        with self.index._local():
            self.index._set_mark(mark)
            conn.execute("COMMIT")
        if self.temp is None or self.target is None:
            with _MEMORY_LOCK:
                old = _MEMORY.get(self.file_key)
                _MEMORY[self.file_key] = conn
            if old is not None:
                old.close()
            return
        try:
            with self.index._local():
                conn.execute("PRAGMA synchronous = NORMAL")
                conn.execute("PRAGMA journal_mode = DELETE")
            conn.close()
            with open(self.temp, "rb+") as f:  # written without syncs: made durable once, here
                os.fsync(f.fileno())
            files.replace(self.temp, self.target)
        except (OSError, Unusable):
            # Held open elsewhere (another window's search, on Windows): keep what was made,
            # in memory for this run, rather than read the whole file through the share again.
            self._keep_in_memory()

    def _keep_in_memory(self) -> None:
        assert self.temp is not None
        memory = _connect(":memory:")
        try:
            source = _connect(str(self.temp))
            try:
                source.backup(memory)
            finally:
                source.close()
        except sqlite3.Error as e:
            memory.close()
            self.abandon()
            raise Unusable(f"the new search index could not be kept: {e}") from None
        files.remove_quietly(self.temp)
        with _MEMORY_LOCK:
            old = _MEMORY.get(self.file_key)
            _MEMORY[self.file_key] = memory
        if old is not None:
            old.close()

    def abandon(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self.index.conn.close()
        if self.temp is not None:
            files.remove_quietly(self.temp)


def _remove_leftovers(folder: Path, name: str) -> None:
    """Temporary files of rebuilds that were killed (an hour old or more), and other files'
    indexes nobody has used for months."""
    now = time.time()
    with contextlib.suppress(OSError):
        for leftover in folder.glob(f"*{_SUFFIX}*"):
            if leftover.name == name:
                continue
            age = _LEFTOVER_AGE_S if leftover.name.endswith(".tmp") else _UNUSED_AGE_S
            with contextlib.suppress(OSError):
                if now - leftover.stat().st_mtime > age:
                    leftover.unlink()
