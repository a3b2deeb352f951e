"""Rotating backups of a ragdesk file, and restoring one (no Qt).

Why and how:

* Backups are made with SQLite's backup API (:meth:`Store.save_copy`,
  :func:`dbfile.copy_file`), never by copying the file: the API copies a
  consistent snapshot even while a colleague is saving on the shared drive.
* When: before any schema migration (:func:`before_migrate`, passed to
  ``Store.open``) and on the first open of each day (:func:`daily_backup`).
  :func:`open_with_backups` does both and returns the open store plus a list of
  problems to show; a failed backup (folder gone, disk full) is reported, never
  fatal to opening the file.
* Where: the folder the *user* chose (the window keeps it in QSettings and passes
  it in as ``folder``), else a ``ragdesk-backups`` folder beside the file. Never
  a folder the file names: a crafted file could otherwise make every opening
  write a full copy of it anywhere, a UNC path on another machine included
  (issue 17). A ``backup_folder`` setting left in a file by older versions is only
  offered to the user as a suggestion (:func:`suggested_folder`).
* Names: ``<file stem>.<YYYY-MM-DD_HHMMSS>.<kind>.db`` (local time), written to a
  ``.partial`` name first and renamed, so a half-written backup never looks
  complete. One folder can hold the backups of several files.
* Kept (see :data:`KEEP`): the newest 14 ``daily`` and the newest 14
  ``before-restore`` backups; ``pre-migration`` and ``manual`` backups are never
  deleted automatically.
* Restore: the chosen backup must pass ``quick_check``; the current file is first
  backed up (kind ``before-restore``) or, if it is damaged, renamed aside
  (``<name>.damaged-<stamp>``, with its journal, never deleted); then the backup is
  copied over it with the backup API and the restore is written to the audit log.
  Only real damage counts: the current file is judged read-write inside
  ``BEGIN EXCLUSIVE`` (:func:`dbfile.judge_for_replacement`), so a hot journal left
  by a killed writer is rolled back rather than taken for damage, and a colleague
  holding the lock is waited for (busy timeout), then the restore is refused.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from . import dbfile, files, schema, search_index
from .errors import FileProblem, Locked, RagdeskError
from .records import Identity
from .storage import Storage
from .store import Store

FOLDER_SETTING = "backup_folder"
DEFAULT_FOLDER_NAME = "ragdesk-backups"
KINDS = ("daily", "pre-migration", "before-restore", "manual")
KEEP: dict[str, int | None] = {"daily": 14, "before-restore": 14, "pre-migration": None,
                               "manual": None}
_STAMP = "%Y-%m-%d_%H%M%S"
# A backup being written changes its file all the time; one untouched this long was killed.
STALE_PARTIAL = dt.timedelta(minutes=10)
_NAME = re.compile(r"^(?P<stem>.+)\.(?P<at>\d{4}-\d{2}-\d{2}_\d{6})\.(?P<kind>[a-z-]+)\.db$")


class BackupProblem(RagdeskError):
    """A backup could not be made or restored; the message says why and what to do."""


@dataclass(frozen=True, slots=True)
class Backup:
    """One backup file: when it was taken, why, how big, and (if asked) whether it is sound."""

    path: Path
    kind: str
    taken_at: dt.datetime  # local time, from the file name
    size: int
    check: str | None = None  # "ok", or why the file is not usable; None = not checked

    @property
    def good(self) -> bool:
        return self.check == "ok"


def _local_now() -> dt.datetime:
    return dt.datetime.now()


# --------------------------------------------------------------------------- where


def default_folder(db_path: str | os.PathLike[str]) -> Path:
    return Path(os.path.abspath(db_path)).parent / DEFAULT_FOLDER_NAME


def resolve_folder(db_path: str | os.PathLike[str], chosen: str | os.PathLike[str] | None) -> Path:
    """The folder the user chose (a relative one is relative to the file), else the default.

    ``chosen`` comes from the user's own settings, never from the file.
    """
    text = "" if chosen is None else os.fspath(chosen).strip()
    if not text:
        return default_folder(db_path)
    folder = Path(os.path.expanduser(text))
    if not folder.is_absolute():
        folder = Path(os.path.abspath(db_path)).parent / folder
    return folder


def backup_folder(store: Storage, chosen: str | os.PathLike[str] | None = None) -> Path:
    """Where this file's backups go: the user's ``chosen`` folder, else beside the file."""
    return resolve_folder(store.path, chosen)


def suggested_folder(store: Storage) -> Path | None:
    """A folder the file itself names (older versions kept the choice there), or None.

    Only ever *shown* to the user, who may adopt it into their own settings: the
    file is not trusted to decide where a copy of it is written.
    """
    setting = store.setting(FOLDER_SETTING, "").strip()
    return resolve_folder(store.path, setting) if setting else None


def backup_name(db_path: str | os.PathLike[str], kind: str, when: dt.datetime) -> str:
    if kind not in KINDS:
        raise ValueError(f"unknown backup kind {kind!r}")
    return f"{Path(db_path).stem}.{when.strftime(_STAMP)}.{kind}.db"


# --------------------------------------------------------------------------- making


def _target(folder: Path, db_path: str | os.PathLike[str], kind: str, when: dt.datetime) -> Path:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise BackupProblem(f"The backup folder “{folder}” could not be created "
                            f"({e.strerror or e}). Choose another backup folder.") from None
    target = folder / backup_name(db_path, kind, when)
    n = 1
    while target.exists():  # two backups in one second (or two users): never overwrite one
        target = folder / (backup_name(db_path, kind, when)[:-3] + f"-{n}.db")
        n += 1
    return target


def clean_leftovers(db_path: str | os.PathLike[str], folder: Path, *,
                    stale_after: dt.timedelta = STALE_PARTIAL) -> list[Path]:
    """Remove what killed backups of this file left (``.partial`` and ``.partial-journal``).

    Only files untouched for ``stale_after``: a colleague's backup still being
    written keeps changing its file, and must be left alone. Returns what went.
    """
    pattern = re.compile(re.escape(Path(db_path).stem)
                         + r"\.\d{4}-\d{2}-\d{2}_\d{6}\.[a-z-]+(-\d+)?\.db\.\d+\.partial(-journal)?$")
    removed = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return []
    limit = dt.datetime.now().timestamp() - stale_after.total_seconds()
    for entry in entries:
        if not pattern.match(entry.name):
            continue
        try:
            if entry.is_file(follow_symlinks=False) and entry.stat().st_mtime < limit:
                files.remove(entry.path)
                removed.append(Path(entry.path))
        except OSError:
            pass  # someone else removed it, or the share is read-only: try next time
    return removed


def _write(folder: Path, db_path: str | os.PathLike[str], kind: str, when: dt.datetime,
           copy: Callable[[str], None]) -> Path:
    target = _target(folder, db_path, kind, when)
    clean_leftovers(db_path, folder)
    partial = target.with_name(target.name + f".{os.getpid()}.partial")
    try:
        copy(str(partial))
        files.replace(partial, target)
    except (FileProblem, OSError) as e:
        files.remove_quietly(partial, f"{partial}-journal")
        reason = e.strerror if isinstance(e, OSError) and e.strerror else str(e)
        raise BackupProblem(f"The {kind} backup could not be written to “{folder}”: {reason} "
                            "Your file is unchanged; free some space or choose another "
                            "backup folder.") from None
    return target


def take_backup(store: Storage, kind: str = "manual", *, folder: Path | None = None,
                now: Callable[[], dt.datetime] = _local_now) -> Path:
    """Back up an open store now; returns the new file. Raises BackupProblem on failure."""
    folder = folder or backup_folder(store)
    path = _write(folder, store.path, kind, now(), store.save_copy)
    prune(store.path, folder)
    return path


def backup_file(db_path: str | os.PathLike[str], kind: str, *, folder: Path | None = None,
                now: Callable[[], dt.datetime] = _local_now) -> Path:
    """Back up a file that is not open as a Store (before a migration or a restore)."""
    folder = folder or default_folder(db_path)
    path = _write(folder, db_path, kind, now(), lambda dst: dbfile.copy_file(db_path, dst))
    prune(db_path, folder)
    return path


def before_migrate(problems: list[str], *, folder: Path | None = None,
                   now: Callable[[], dt.datetime] = _local_now) -> Callable[[str, int], None]:
    """A ``Store.open(before_migrate=...)`` hook: back the old file up before upgrading it.

    A failure is appended to ``problems`` (the migration itself is one transaction,
    so the file is never left half-upgraded either way).
    """
    def hook(path: str, old_version: int) -> None:
        try:
            backup_file(path, "pre-migration", folder=folder, now=now)
        except RagdeskError as e:
            problems.append(f"No backup could be made before upgrading the file: {e}")
    return hook


def daily_backup(store: Storage, *, folder: Path | None = None,
                 now: Callable[[], dt.datetime] = _local_now) -> Path | None:
    """Take today's backup if there is none yet for this file; return it (or None if not due)."""
    folder = folder or backup_folder(store)
    when = now()
    if any(b.kind == "daily" and b.taken_at.date() == when.date()
           for b in list_backups(store.path, folder)):
        return None
    return take_backup(store, "daily", folder=folder, now=lambda: when)


def open_with_backups(path: str | os.PathLike[str], *, read_only: bool = False,
                      identity: Identity | None = None, folder: str | os.PathLike[str] | None = None,
                      now: Callable[[], dt.datetime] = _local_now,
                      daily: bool = True, quick_check: bool | None = True) -> tuple[Store, list[str]]:
    """Open a file the way the window does: pre-migration and daily backups included.

    ``folder`` is the user's chosen backup folder (None: beside the file).
    ``daily=False`` leaves the daily backup to the caller (the window takes it in
    the background with :func:`checked_daily_backup`); ``quick_check`` is passed
    on to :meth:`Store.open`.
    Returns the store and the backup problems to show the user (empty if none).
    Errors opening the file itself (:class:`FileProblem`) propagate as usual.
    """
    problems: list[str] = []
    where = resolve_folder(path, folder)
    store = Store.open(path, read_only=read_only, identity=identity, quick_check=quick_check,
                       before_migrate=before_migrate(problems, folder=where, now=now))
    if daily:
        try:
            daily_backup(store, folder=where, now=now)
        except RagdeskError as e:
            problems.append(str(e))
    return store, problems


class Cancelled(RagdeskError):
    """The background backup was stopped (the window closed); nothing was left behind."""


@dataclass(frozen=True, slots=True)
class DailyResult:
    """What :func:`checked_daily_backup` did: ``made`` (or None if not due) and the check."""

    made: Path | None
    check: str  # "ok", "not due", or why the file is not sound ("damaged: ...")

    @property
    def damaged(self) -> bool:
        return self.check not in ("ok", "not due")


def daily_due(db_path: str | os.PathLike[str], folder: Path, when: dt.datetime) -> bool:
    return not any(b.kind == "daily" and b.taken_at.date() == when.date()
                   for b in list_backups(db_path, folder))


def checked_daily_backup(db_path: str | os.PathLike[str], folder: Path, *,
                         progress: Callable[[int, int], None] | None = None,
                         cancelled: Callable[[], bool] = lambda: False,
                         temp_dir: str | None = None, pages_per_step: int = 256,
                         now: Callable[[], dt.datetime] = _local_now,
                         refresh_search: bool = False) -> DailyResult:
    """Today's backup and the file's integrity check, made to run in the background.

    On a network share every page read or written is a round trip, so the bytes
    take the shortest way: the file is copied once, page by page with SQLite's
    backup API (a consistent snapshot even while colleagues save: the read lock is
    let go between steps of ``pages_per_step`` pages, so nobody waits on it), into
    a local temporary file; that copy is checked locally (``quick_check``, the
    schema, carried-forward references: no requests at all); only a sound copy is
    then written to the backup folder in one sequential stream, under a
    ``.partial`` name renamed when complete. A damaged copy is never written as a
    backup (it would push good ones out of the rotation): the result says what
    is wrong, and the caller offers the newest good backup as an open-time check
    would. ``progress(done, total)`` reports pages; ``cancelled()`` stops the copy
    between steps (raising :class:`Cancelled`), leaving nothing behind.

    With ``refresh_search`` (the window) the local copy also brings this computer's
    search index up to date (:func:`refresh_search_from_copy`) once the backup is
    written: what a search would otherwise read through the share, it reads here
    from the local disk. A failure there is no failure of the backup: the index is a
    cache, and the next search brings it up to date from the file itself.
    """
    when = now()
    if not daily_due(db_path, folder, when):
        return DailyResult(None, "not due")
    fd, local = tempfile.mkstemp(prefix="ragdesk-check-", suffix=".db", dir=temp_dir)
    os.close(fd)
    try:
        def step(_status: int, remaining: int, total: int) -> None:
            if progress is not None:
                progress(total - remaining, total)
            if cancelled():
                raise Cancelled("The daily backup was stopped.")
        try:
            dbfile.copy_file(db_path, local, pages=pages_per_step, progress=step)
        except FileProblem as e:
            raise BackupProblem(f"Today's backup could not be taken: {e}") from None
        verdict = dbfile.check_file(local)
        if verdict != "ok":
            return DailyResult(None, verdict)
        if cancelled():
            raise Cancelled("The daily backup was stopped.")
        made = _write(folder, db_path, "daily", when, lambda dst: _stream(local, dst))
        prune(db_path, folder)
        if refresh_search:
            with contextlib.suppress(RagdeskError, OSError):
                refresh_search_from_copy(local, cancelled)
        return DailyResult(made, "ok")
    finally:
        files.remove_quietly(local, f"{local}-journal")  # the local temporary copy


def refresh_search_from_copy(copy: str, cancelled: Callable[[], bool] = lambda: False) -> None:
    """Bring this computer's search index up to date from a local copy of the file.

    The copy has the file's ``file_id`` and audit log, so the index made from it is
    the file's own: the window's next search catches it up with only what was saved
    after the copy. An index already newer than the copy (a search since) is kept.
    ``cancelled()`` stops it between chunks of items; the old index then stays.
    """
    def step(_done: int, _total: int) -> None:
        if cancelled():
            raise Cancelled("The search index refresh was stopped.")
    with contextlib.suppress(Cancelled), Store.open(copy, read_only=True, quick_check=False) as store:
        # an index kept in memory belongs to the window's thread: leave it to the window
        if not cancelled() and search_index.on_disk(store.setting(schema.FILE_ID_SETTING)):
            store.prepare_search(step, keep_newer=True)


def _stream(source: str, target: str) -> None:
    """One sequential write of a whole local file (large blocks: few requests on a share)."""
    with open(source, "rb") as src, open(target, "wb") as dst:
        shutil.copyfileobj(src, dst, length=1 << 20)
        dst.flush()
        os.fsync(dst.fileno())


# --------------------------------------------------------------------------- listing


def list_backups(db_path: str | os.PathLike[str], folder: Path, *,
                 check: bool = False) -> list[Backup]:
    """This file's backups in ``folder``, newest first (``check`` runs quick_check on each)."""
    stem = Path(db_path).stem
    found = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return []
    for entry in entries:
        match = _NAME.match(re.sub(r"-\d+\.db$", ".db", entry.name))
        if not match or match["stem"] != stem or match["kind"] not in KINDS:
            continue
        try:
            size = entry.stat().st_size
        except OSError:
            continue
        taken = dt.datetime.strptime(match["at"], _STAMP)
        found.append(Backup(Path(entry.path), match["kind"], taken, size,
                            dbfile.check_file(entry.path) if check else None))
    found.sort(key=lambda b: (b.taken_at, b.path.name), reverse=True)
    return found


def newest_good_backup(db_path: str | os.PathLike[str], folder: Path | None = None) -> Backup | None:
    """The most recent backup that passes quick_check (what to offer for a damaged file)."""
    folder = folder or default_folder(db_path)
    for backup in list_backups(db_path, folder):
        checked = Backup(backup.path, backup.kind, backup.taken_at, backup.size,
                         dbfile.check_file(backup.path))
        if checked.good:
            return checked
    return None


def prune(db_path: str | os.PathLike[str], folder: Path) -> list[Path]:
    """Delete the oldest backups beyond :data:`KEEP`; returns what was removed."""
    removed = []
    by_kind: dict[str, list[Backup]] = {}
    for b in list_backups(db_path, folder):
        by_kind.setdefault(b.kind, []).append(b)
    for kind, backups in by_kind.items():
        keep = KEEP.get(kind)
        if keep is None:
            continue
        for old in backups[keep:]:
            try:
                files.remove(old.path, missing_ok=False)
                removed.append(old.path)
            except OSError:
                pass  # someone else pruned it, or the share is read-only: try next time
    return removed


# --------------------------------------------------------------------------- restoring


def _set_aside(target: Path, when: dt.datetime) -> Path:
    """Rename a damaged file aside, never deleting it; its journal (if any) goes with it.

    SQLite finds a journal by name (``<file>-journal``): renamed together, the pair
    stays a pair, and opening the set-aside copy still plays the journal back.
    """
    aside = target.with_name(f"{target.name}.damaged-{when.strftime(_STAMP)}")
    journal = Path(f"{target}-journal")
    try:
        files.replace(target, aside)  # retried while a scanner holds it (Windows)
    except OSError as e:
        raise BackupProblem(f"The damaged file “{target}” could not be set aside "
                            f"({e.strerror or e}); nothing was restored.") from None
    if journal.exists():
        with contextlib.suppress(OSError):
            files.replace(journal, Path(f"{aside}-journal"))
    return aside


@dataclass(frozen=True, slots=True)
class Restored:
    target: Path
    from_backup: Path
    previous: Path | None  # the backup of (or the set-aside damaged) file that was replaced
    previous_damaged: bool


def restore(backup: str | os.PathLike[str], target: str | os.PathLike[str], *,
            folder: Path | None = None, identity: Identity | None = None,
            now: Callable[[], dt.datetime] = _local_now) -> Restored:
    """Copy a backup over ``target`` (a new file, or the current one after backing it up).

    Close any Store on ``target`` first (the window reopens it afterwards).
    Refuses a backup that fails quick_check. Raises BackupProblem with the reason.
    """
    backup, target = Path(backup), Path(target)
    verdict = dbfile.check_file(backup)
    if verdict != "ok":
        raise BackupProblem(f"The backup “{backup.name}” cannot be restored: it is {verdict}. "
                            "Choose another backup.")
    folder = folder or default_folder(target)
    previous: Path | None = None
    damaged = False
    if target.exists():
        try:
            verdict = dbfile.judge_for_replacement(target)
        except Locked as e:
            raise BackupProblem(f"{e} Nothing was restored.") from None
        except FileProblem as e:
            raise BackupProblem(str(e)) from None
        if verdict == "ok":
            previous = backup_file(target, "before-restore", folder=folder, now=now)
        else:
            damaged = True
            previous = _set_aside(target, now())
    try:
        dbfile.copy_file(backup, target)
    except FileProblem as e:
        raise BackupProblem(f"The backup could not be copied to “{target}”: {e}") from None
    try:
        with Store.open(target, identity=identity) as store:
            store.log_event("restored from backup", backup.name,
                            old=None if previous is None else previous.name)
    except RagdeskError as e:
        raise BackupProblem(f"The backup was copied to “{target}” but could not be opened "
                            f"afterwards: {e}") from None
    return Restored(target, backup, previous, damaged)
