"""Writing a whole file so that it is either complete or not there (no half files).

An export, a sample or a backup written straight to its final name is left
truncated when the disk fills up or the process is killed, and a truncated JSON
or database looks like a real one. So each is written under a temporary name
in the same folder (same drive, so the rename is one step) and renamed into
place only once complete; on failure the temporary file is removed and an
older file of that name is left as it was.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

TEMP_SUFFIX = ".partial"


def temporary_name(path: str | os.PathLike[str]) -> Path:
    """A name beside ``path`` for writing it: hidden-ish, unique to this process."""
    target = Path(path)
    return target.with_name(f".{target.name}.{os.getpid()}{TEMP_SUFFIX}")


def remove_quietly(*paths: str | os.PathLike[str]) -> None:
    for path in paths:
        with contextlib.suppress(OSError):
            os.remove(path)


@contextlib.contextmanager
def replaced_when_done(path: str | os.PathLike[str], *,
                       companions: tuple[str, ...] = ()) -> Iterator[Path]:
    """Yield a temporary path to write; rename it to ``path`` if the block succeeds.

    ``companions`` are suffixes of files made beside the temporary one (an SQLite
    ``-journal``, ragdesk's ``.writer``) that are removed either way.
    """
    temp = temporary_name(path)
    remove_quietly(temp)
    try:
        yield temp
        os.replace(temp, path)
    except BaseException:
        remove_quietly(temp)
        raise
    finally:
        remove_quietly(*(f"{temp}{suffix}" for suffix in companions))


def write_atomically(path: str | os.PathLike[str], data: str | bytes, *,
                     encoding: str = "utf-8") -> None:
    """Write ``data`` to ``path`` whole, or raise OSError leaving ``path`` as it was."""
    raw = data.encode(encoding) if isinstance(data, str) else data
    with replaced_when_done(path) as temp, open(temp, "wb") as f:
        f.write(raw)
        f.flush()
        os.fsync(f.fileno())
