"""The bundled sample database, built from readable source data in resources/sample/.

The sample is the content of the two real documents ragdesk was made from
(see resources/sample/README.md). It is kept as JSON in the import format and
built into a .db by the importer, so the importer is exercised on every build.
"""

from __future__ import annotations

import os
import sys
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .store import Store


def sample_json() -> str:
    return resources.files("ragdesk.resources").joinpath("sample", "sample.json").read_text("utf-8")


def build_sample(path: str | os.PathLike[str]) -> Store:
    """Create ``path`` holding the sample data and return it open.

    Built under a temporary name and renamed when complete, so a full disk or a
    killed process never leaves a half-made sample that looks like a real file.
    """
    # Imported here: the window imports this module for sample_copy() before its first frame.
    from .errors import FileProblem
    from .files import replaced_when_done
    from .jsonio import import_json
    from .records import Identity
    from .store import Store

    path = os.fspath(path)
    if os.path.exists(path) and os.path.getsize(path) > 0:
        raise FileProblem(path, f"“{path}” already exists; choose another name.")
    # the store is closed before the finished file is renamed into place
    with (replaced_when_done(path, companions=("-journal", ".writer")) as temp,
          Store.create(temp, identity=Identity(user="ragdesk sample", host="ragdesk")) as store):
        import_json(store, sample_json())
    return Store.open(path)


def user_data_dir() -> Path:
    """Where a user's own copy of the sample lives (no admin rights needed).

    The window uses QStandardPaths; the core, which knows no Qt, uses the same
    conventional places: %APPDATA% on Windows, ~/Library on macOS, XDG elsewhere.
    """
    if os.name == "nt" and os.environ.get("APPDATA"):
        return Path(os.environ["APPDATA"]) / "ragdesk"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / "ragdesk"
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / "ragdesk"


def sample_copy(folder: str | os.PathLike[str] | None = None) -> Path:
    """Path of the user's copy of the sample, built on first use (a fresh machine)."""
    folder = Path(folder) if folder else user_data_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "ragdesk-sample.db"
    if not path.exists():
        build_sample(path).close()
    return path
