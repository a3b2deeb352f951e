"""Every rename, replace, delete and whole-file write ragdesk makes: one place, one behaviour.

Two promises live here.

**No half files.** An export, a report, a sample or a backup written straight to its final
name is left truncated when the disk fills up or the process is killed, and a truncated
JSON, workbook or database looks like a real one. So each is written under a temporary name
in the same folder (same drive, so the rename is one step) and renamed into place only once
complete (:func:`replaced_when_done`, :func:`write_atomically`); on failure the temporary
file is removed and an older file of that name is left as it was. What a killed process
left behind is removed the next time the same file is written (:func:`remove_leftovers`).

**Windows' sharing rules.** On Windows a file that any process holds open without delete
sharing cannot be renamed, replaced or deleted: the call fails with a sharing violation
(``PermissionError``, ``winerror`` 32) or "access denied" (``winerror`` 5). SQLite opens
its files that way, and so do antivirus scanners, the search indexer, backup agents and
Explorer's preview pane, which each hold a newly written file for a moment. Windows
programs therefore retry such calls for a second or two before giving up; :func:`replace`
and :func:`remove` do, then raise :class:`~ragdesk.errors.FileBusy` saying what is holding
the file. On Linux and macOS the first attempt succeeds, so the retry costs nothing there.
The sleep is a parameter so tests can simulate a held file without waiting
(``tests/windows_sim.py``); ``docs/windows.md`` lists where each case arises.
"""

from __future__ import annotations

import contextlib
import errno
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

from .errors import ExportFailed, FileBusy

StrPath = str | os.PathLike[str]
T = TypeVar("T")

TEMP_SUFFIX = ".partial"

# Waits between attempts, in seconds: about 1.5 s in all, as long as a scanner usually holds a
# new file, and short enough that a person does not think the program has hung.
RETRY_DELAYS: tuple[float, ...] = (0.05, 0.1, 0.2, 0.4, 0.75)

# Windows error codes that mean "someone else has it open right now" rather than "never".
_SHARING_VIOLATION = 32
_LOCK_VIOLATION = 33
_ACCESS_DENIED = 5


# --------------------------------------------------------------------------- held files


def is_transient(error: OSError) -> bool:
    """True if ``error`` may go away by itself: another process holds the file for a moment.

    On Windows that is a sharing or lock violation, or "access denied" (which is also what a
    delete-pending file or a scanner's handle gives). A plain ``PermissionError`` without a
    Windows code (POSIX permissions) is permanent: retrying would only delay the message.
    """
    winerror = getattr(error, "winerror", None)
    if winerror is not None:
        return winerror in (_SHARING_VIOLATION, _LOCK_VIOLATION, _ACCESS_DENIED)
    return error.errno == errno.EBUSY


def _held_open_message(verb: str, path: StrPath) -> str:
    name = os.path.basename(os.fspath(path)) or os.fspath(path)
    return (f"Could not {verb} “{name}”: another program has it open (a colleague's "
            "ragdesk, Word or Excel, an antivirus scan, a backup agent or a preview pane). "
            "Close it there, or wait a moment, and try again.")


def retrying(action: Callable[[], T], verb: str, path: StrPath, *,
             delays: tuple[float, ...] | None = None,
             sleep: Callable[[float], None] = time.sleep) -> T:
    """Run ``action``; while it fails because the file is held open, wait and try again
    (``delays``, default :data:`RETRY_DELAYS`, read when called so tests can shorten it).

    Raises :class:`FileBusy` saying what is holding the file when every attempt failed.
    Other errors (missing file, full disk, no permission) are raised at once, unchanged.
    """
    for delay in (*(RETRY_DELAYS if delays is None else delays), None):
        try:
            return action()
        except OSError as e:
            if not is_transient(e):
                raise
            if delay is None:
                raise FileBusy(path, _held_open_message(verb, path)) from e
            sleep(delay)
    raise AssertionError("unreachable")  # pragma: no cover - the loop returns or raises


def replace(source: StrPath, target: StrPath, *,
            delays: tuple[float, ...] | None = None,
            sleep: Callable[[float], None] = time.sleep) -> None:
    """``os.replace``: move ``source`` over ``target`` in one step, retrying while held open."""
    retrying(lambda: os.replace(source, target), "replace", target, delays=delays, sleep=sleep)


def remove(path: StrPath, *, missing_ok: bool = True,
           delays: tuple[float, ...] | None = None,
           sleep: Callable[[float], None] = time.sleep) -> None:
    """Delete ``path``, retrying while held open; a file already gone is fine by default."""

    def delete() -> None:
        try:
            os.remove(path)
        except FileNotFoundError:
            if not missing_ok:
                raise

    retrying(delete, "delete", path, delays=delays, sleep=sleep)


def remove_quietly(*paths: StrPath) -> None:
    """Delete what may be there, once each, never raising: clean-up after a failure, where
    the first error is the one to report."""
    for path in paths:
        with contextlib.suppress(OSError):
            os.remove(path)


# --------------------------------------------------------------------------- whole files


def temporary_name(path: StrPath) -> Path:
    """A name beside ``path`` for writing it: hidden-ish, unique to this process."""
    target = Path(path)
    return target.with_name(f".{target.name}.{os.getpid()}{TEMP_SUFFIX}")


def remove_leftovers(path: StrPath, *, older_than: float = 3600.0,
                     now: Callable[[], float] = time.time) -> list[Path]:
    """Delete temporary files a killed writer left for ``path`` (see :func:`temporary_name`).

    Only those over ``older_than`` seconds old, so a colleague's export of the same name
    that is being written right now is left alone. Never raises: a file that cannot be
    removed is tried again next time.
    """
    target = Path(path)
    removed: list[Path] = []
    try:
        candidates = list(target.parent.glob(f".{target.name}.*{TEMP_SUFFIX}"))
    except OSError:
        return removed
    for leftover in candidates:
        try:
            if now() - leftover.stat().st_mtime < older_than:
                continue
            os.remove(leftover)
            removed.append(leftover)
        except OSError:
            continue
    return removed


@contextlib.contextmanager
def replaced_when_done(path: StrPath, *, companions: tuple[str, ...] = ()) -> Iterator[Path]:
    """Yield a temporary path to write; rename it to ``path`` if the block succeeds.

    ``companions`` are suffixes of files made beside the temporary one (an SQLite
    ``-journal``, ragdesk's ``.writer``) that are removed either way.
    """
    remove_leftovers(path)
    temp = temporary_name(path)
    remove_quietly(temp)
    try:
        yield temp
        replace(temp, path)
    except BaseException:
        remove_quietly(temp)
        raise
    finally:
        remove_quietly(*(f"{temp}{suffix}" for suffix in companions))


def write_atomically(target: StrPath, write: Callable[[str], None] | str | bytes, *,
                     what: str = "the file") -> None:
    """Write ``target`` whole or not at all: ``write(temp_path)`` fills a temporary file
    (or ``write`` is the text or bytes to store), which then replaces ``target``.

    An ``OSError`` (full disk, folder gone, the old file open in Word) becomes
    :class:`ExportFailed` naming ``what`` and the target, and ``target`` is as it was; any
    other exception (a cancel, a bug) passes through after the same clean-up.
    """
    path = Path(target)
    content = write
    try:
        with replaced_when_done(path) as temp:
            if callable(content):
                content(str(temp))
            else:
                data = content.encode("utf-8") if isinstance(content, str) else content
                with open(temp, "wb") as f:
                    f.write(data)
                    f.flush()
                    os.fsync(f.fileno())
            with contextlib.suppress(OSError):
                os.chmod(temp, new_file_mode(path))
    except FileBusy as e:
        raise ExportFailed(f"Could not write {what} to {path}: it is open in another program "
                           "(Word, Excel, a PDF viewer). Close it there and try again.") from e
    except OSError as e:
        raise ExportFailed(f"Could not write {what} to {path}: {e.strerror or e}.") from e


def new_file_mode(target: Path) -> int:
    """The mode a written file gets: a file it replaces keeps its own, a new one gets what
    any program writing it would (0o666 less the umask), never a temporary file's 0600, so
    a colleague the export is for can read it."""
    try:
        return target.stat().st_mode & 0o777
    except OSError:
        pass
    mask = os.umask(0o022)  # read it the only portable way: set and put back at once
    os.umask(mask)
    return 0o666 & ~mask
