"""Write an export so that the target is either the old file or the complete new one.

A full disk, a vanished network folder or a cancel half way must never leave half a
workbook or half a Word document under the name the user chose (they would send it on
without noticing). :func:`write_atomically` has the writer fill a temporary file in
the same folder (so the final rename stays on one file system) and renames it over the
target only when the writer returned.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from .errors import ExportFailed


def write_atomically(target: str | os.PathLike[str], write: Callable[[str], None], *,
                     what: str = "the file") -> None:
    """Call ``write(temp_path)``, then rename the temporary file to ``target``.

    An ``OSError`` (from the writer or the rename) becomes :class:`ExportFailed` naming
    ``what`` and the target; any other exception (a cancel, a bug) passes through. In
    every case the temporary file is removed and ``target`` is untouched.
    """
    path = Path(target)
    tmp = ""
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.stem[:40]}-", suffix=".partial",
                                   dir=str(path.parent) if str(path.parent) else ".")
        os.close(fd)
        with contextlib.suppress(OSError):  # mkstemp makes it private; an export is not
            os.chmod(tmp, 0o644)
        write(tmp)
        os.replace(tmp, path)
        tmp = ""
    except OSError as e:
        reason = e.strerror or str(e)
        hint = ""
        if isinstance(e, PermissionError) and path.exists():
            hint = " If it is open in Word, Excel or another program, close it and try again."
        raise ExportFailed(f"Could not write {what} to {path}: {reason}.{hint}") from e
    finally:
        if tmp:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
