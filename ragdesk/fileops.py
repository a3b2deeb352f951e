"""Renaming, replacing and deleting files the way Windows needs it: retry briefly, then say why.

On Windows a file that any process holds open without delete sharing cannot be renamed,
replaced or deleted: the call fails with a sharing violation (``PermissionError``,
``winerror`` 32) or "access denied" (``winerror`` 5). SQLite opens its files that way, and so
do antivirus scanners, the search indexer, backup agents and Explorer's preview pane, which
each hold a newly written file for a moment. Windows programs therefore retry such calls for
a second or two before giving up. On Linux and macOS the first attempt succeeds, so the retry
costs nothing there.

Every place in ragdesk that renames, replaces or deletes a file goes through this module
(``docs/windows.md`` lists them), so the behaviour and the message are the same everywhere.
The clock and the sleep are parameters so tests can simulate a file held open without waiting.
"""

from __future__ import annotations

import contextlib
import errno
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from .errors import FileBusy

StrPath = str | os.PathLike[str]
T = TypeVar("T")

# Waits between attempts, in seconds: about 1.5 s in all, as long as a scanner usually holds a
# new file, and short enough that a person does not think the program has hung.
RETRY_DELAYS: tuple[float, ...] = (0.05, 0.1, 0.2, 0.4, 0.75)

# Windows error codes that mean "someone else has it open right now" rather than "never".
_SHARING_VIOLATION = 32
_LOCK_VIOLATION = 33
_ACCESS_DENIED = 5


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


def _held_open_message(verb: str, path: StrPath, error: OSError) -> str:
    name = os.path.basename(os.fspath(path)) or os.fspath(path)
    if is_transient(error):
        return (f"Could not {verb} “{name}”: another program has it open (a colleague's "
                "ragdesk, an antivirus scan, a backup agent or a preview pane). Close it there, "
                "or wait a moment, and try again.")
    return f"Could not {verb} “{name}”: {error.strerror or error}."


def retrying(action: Callable[[], T], verb: str, path: StrPath, *,
             delays: tuple[float, ...] = RETRY_DELAYS,
             sleep: Callable[[float], None] = time.sleep) -> T:
    """Run ``action``; while it fails because the file is held open, wait and try again.

    Raises :class:`FileBusy` saying what is holding the file when every attempt failed.
    Other errors (missing file, full disk, no permission) are raised at once, unchanged.
    """
    for delay in (*delays, None):
        try:
            return action()
        except OSError as e:
            if not is_transient(e):
                raise
            if delay is None:
                raise FileBusy(path, _held_open_message(verb, path, e)) from e
            sleep(delay)
    raise AssertionError("unreachable")  # pragma: no cover - the loop always returns or raises


def replace(source: StrPath, target: StrPath, **retry: object) -> None:
    """``os.replace``: move ``source`` over ``target`` in one step, retrying while held open."""
    retrying(lambda: os.replace(source, target), "replace", target, **retry)  # type: ignore[arg-type]


def remove(path: StrPath, *, missing_ok: bool = True, **retry: object) -> None:
    """Delete ``path``, retrying while held open; a file already gone is fine by default."""

    def delete() -> None:
        try:
            os.remove(path)
        except FileNotFoundError:
            if not missing_ok:
                raise

    retrying(delete, "delete", path, **retry)  # type: ignore[arg-type]


def write_via_temporary(target: StrPath, write: Callable[[Path], None], *,
                        suffix: str = ".partial") -> None:
    """Make ``target`` whole or not at all: ``write`` fills a temporary file beside it, which
    then replaces ``target`` in one step.

    A full disk, a crash or a cancelled export therefore never leaves half a file under the
    name the user chose (an old file of that name stays as it was), and the temporary file is
    removed on any failure. The temporary name starts with a dot and ends in ``suffix`` so
    :func:`remove_leftovers` can find what a killed process left.
    """
    target_path = Path(target)
    temporary = target_path.with_name(f".{target_path.name}.{os.getpid()}{suffix}")
    try:
        write(temporary)
        replace(temporary, target_path)
    except BaseException:
        with contextlib.suppress(OSError):  # the first error is the one to report
            remove(temporary, delays=())
        raise


def remove_leftovers(folder: StrPath, name: str, *, suffix: str = ".partial",
                     older_than: float = 3600.0, now: Callable[[], float] = time.time) -> list[Path]:
    """Delete temporary files a killed :func:`write_via_temporary` left for ``name`` in
    ``folder`` (only those over ``older_than`` seconds old, so a colleague's export that is
    still being written is left alone). Returns what was removed; never raises for a file
    that cannot be removed (it is tried again next time)."""
    removed: list[Path] = []
    try:
        candidates = list(Path(folder).glob(f".{name}.*{suffix}"))
    except OSError:
        return removed
    for path in candidates:
        try:
            if now() - path.stat().st_mtime < older_than:
                continue
            remove(path, delays=())
            removed.append(path)
        except OSError:
            continue
    return removed
