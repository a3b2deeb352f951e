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
so two writers never write it at once and it adds no lock contention. Every
failure here is ignored: a guess must never stop a save.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
from dataclasses import dataclass

SUFFIX = ".writer"
RECENT = dt.timedelta(minutes=30)


@dataclass(frozen=True, slots=True)
class Writer:
    user: str
    host: str
    pid: int
    at: dt.datetime  # UTC


def sidecar(db_path: str) -> str:
    return os.fspath(db_path) + SUFFIX


def note_writer(db_path: str, user: str, host: str, *, now: dt.datetime | None = None) -> None:
    """Record that this process has just taken the write lock (errors ignored)."""
    now = now or dt.datetime.now(dt.UTC)
    data = json.dumps({"user": user, "host": host, "pid": os.getpid(),
                       "at": now.astimezone(dt.UTC).isoformat(timespec="seconds")})
    with contextlib.suppress(OSError), open(sidecar(db_path), "w", encoding="utf-8") as f:
        f.write(data)


def last_writer(db_path: str) -> Writer | None:
    """Who last took the write lock, if the sidecar says (``None`` if unknown or unreadable)."""
    try:
        with open(sidecar(db_path), encoding="utf-8") as f:
            data = json.loads(f.read(4096))
        return Writer(str(data["user"]), str(data["host"]), int(data["pid"]),
                      dt.datetime.fromisoformat(data["at"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def describe_holder(db_path: str, *, now: dt.datetime | None = None) -> str:
    """A sentence for a "file is locked" message, or "" when there is no recent guess."""
    writer = last_writer(db_path)
    now = now or dt.datetime.now(dt.UTC)
    if writer is None or abs(now - writer.at) > RECENT:  # clocks on laptops differ a little
        return ""
    local = writer.at.astimezone().strftime("%H:%M:%S")
    return (f"It is probably {writer.user} on {writer.host}, who started saving at {local}.")
