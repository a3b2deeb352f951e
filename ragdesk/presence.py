"""A best guess at who is holding a shared file's lock ("probably alice on PC-7").

SQLite cannot say who holds a lock. So every writer, right after it gets the
write lock (``BEGIN IMMEDIATE``) and before it does any work, writes one small
sidecar file beside the database, ``<file>.writer``, holding its user, machine,
process id and the time. When someone else then waits longer than the busy
timeout, the sidecar names the most recent writer: almost always the one still
holding the lock (a long import, a restore, or a laptop that dropped off the
network mid-save).

Why a sidecar and not a table in the database: writing a presence row would
itself need the write lock (the very thing that is busy) and would add a write
to every heartbeat; the sidecar is written only while we already hold the lock,
so two writers never write it at once and it adds no lock contention.

The sidecar sits in a shared folder anyone can write to, so it is untrusted
(issue 17): it is opened without following links (``O_NOFOLLOW``; on Windows,
where there is none, a link is refused by ``lstat`` first) and without blocking
(``O_NONBLOCK``, and only a regular file is written or read: a FIFO there must
not hang a save), its content is validated field by field (a time without a
time zone, odd types, control or bidi characters in a name), and every failure
here is ignored: a guess must never stop a save.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import stat
import time
import unicodedata
from dataclasses import dataclass

SUFFIX = ".writer"
RECENT = dt.timedelta(minutes=30)
_MAX_NAME = 60  # characters of a user or machine name shown in a message
_MAX_BYTES = 4096
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_BINARY = getattr(os, "O_BINARY", 0)


@dataclass(frozen=True, slots=True)
class Writer:
    user: str
    host: str
    pid: int
    at: dt.datetime  # UTC


def sidecar(db_path: str) -> str:
    return os.fspath(db_path) + SUFFIX


def _open_regular(path: str, flags: int) -> int | None:
    """A descriptor for ``path`` if it is a plain file (or, when writing, a new one); else None.

    Never follows a link and never waits on a FIFO or device.
    """
    try:
        if not _NOFOLLOW and os.path.islink(path):  # no O_NOFOLLOW (Windows): refuse links first
            return None
        fd = os.open(path, flags | _NOFOLLOW | _NONBLOCK | _BINARY, 0o666)
    except (OSError, ValueError):  # ELOOP for a link, ENXIO for a FIFO without reader...
        return None
    try:
        if stat.S_ISREG(os.fstat(fd).st_mode):
            return fd
    except OSError:
        pass
    os.close(fd)
    return None


# sidecar path -> (descriptor, when opened): kept open between saves, since on a network share
# opening, truncating and closing a file costs several round trips on every save (issue 16).
_HELD: dict[str, tuple[int, float]] = {}
_REOPEN_AFTER_S = 300  # then look again (someone may have replaced the file)
_RECORD = 512  # bytes written at offset 0 every time: no truncation needed


def note_writer(db_path: str, user: str, host: str, *, now: dt.datetime | None = None) -> None:
    """Record that this process has just taken the write lock (every failure ignored)."""
    with contextlib.suppress(Exception):
        now = now or dt.datetime.now(dt.UTC)
        data = json.dumps({"user": user, "host": host, "pid": os.getpid(),
                           "at": now.astimezone(dt.UTC).isoformat(timespec="seconds")})
        record = data.encode("utf-8")[:_RECORD].ljust(_RECORD)  # JSON allows trailing spaces
        path = sidecar(db_path)
        held = _HELD.get(path)
        if held is not None and time.monotonic() - held[1] > _REOPEN_AFTER_S:
            forget(db_path)
            held = None
        if held is None:
            # Not O_TRUNC at open: truncating a FIFO or device is meaningless; truncate once
            # we know it is a plain file.
            fd = _open_regular(path, os.O_WRONLY | os.O_CREAT)
            if fd is None:
                return
            os.ftruncate(fd, _RECORD)
            held = _HELD[path] = (fd, time.monotonic())
        if hasattr(os, "pwrite"):
            os.pwrite(held[0], record, 0)
        else:  # Windows
            os.lseek(held[0], 0, os.SEEK_SET)
            os.write(held[0], record)


def forget(db_path: str) -> None:
    """Close the sidecar kept open for ``db_path`` (the store is closing)."""
    held = _HELD.pop(sidecar(db_path), None)
    if held is not None:
        with contextlib.suppress(OSError):
            os.close(held[0])


def _clean(value: object) -> str | None:
    """A name fit to show in a sentence: text only, no control or bidi characters, short."""
    if not isinstance(value, str):
        return None
    text = "".join(" " if unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") else c
                   for c in value[:_MAX_NAME * 4])
    text = " ".join(text.split())[:_MAX_NAME]
    return text or None


def last_writer(db_path: str) -> Writer | None:
    """Who last took the write lock, if the sidecar says (``None`` if unknown or unreadable)."""
    fd = _open_regular(sidecar(db_path), os.O_RDONLY)
    if fd is None:
        return None
    try:
        data = json.loads(os.read(fd, _MAX_BYTES).decode("utf-8"))
        user, host = _clean(data["user"]), _clean(data["host"])
        pid, at = data["pid"], data["at"]
        if user is None or host is None or not isinstance(pid, int) or not isinstance(at, str):
            return None
        when = dt.datetime.fromisoformat(at[:40])
        if when.tzinfo is None:  # not written by ragdesk: a guess without a zone is no guess
            return None
        return Writer(user, host, pid, when.astimezone(dt.UTC))
    except Exception:  # any content at all: no guess rather than a traceback
        return None
    finally:
        os.close(fd)


def describe_holder(db_path: str, *, now: dt.datetime | None = None) -> str:
    """A sentence for a "file is locked" message, or "" when there is no recent guess."""
    writer = last_writer(db_path)
    now = now or dt.datetime.now(dt.UTC)
    try:
        if writer is None or abs(now - writer.at) > RECENT:  # clocks on laptops differ a little
            return ""
        local = writer.at.astimezone().strftime("%H:%M:%S")
    except (OverflowError, ValueError, OSError, TypeError):
        return ""
    return (f"It is probably {writer.user} on {writer.host}, who started saving at {local}.")
