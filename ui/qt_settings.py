"""The window's own settings (geometry, splitters, recent files) in QSettings.

Data settings (rating scale, owner, statuses) live in the .db file; only what
belongs to this person on this machine lives here. The window takes a QSettings
object as an argument so tests pass a private one instead of touching the user's.
"""

from __future__ import annotations

import ntpath
import os
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings

ORGANISATION = "ragdesk"
APPLICATION = "ragdesk"
MAX_RECENT = 8

KEY_RECENT = "files/recent"
KEY_LAST = "files/last"
KEY_GEOMETRY = "window/geometry"
KEY_STATE = "window/state"
KEY_SPLIT_MAIN = "window/split_main"
KEY_SPLIT_RIGHT = "window/split_right"
KEY_GROUPING = "view/grouping"
KEY_SHOW_GRID = "view/show_grid"
KEY_BACKUP_FOLDER = "backups/folder"


def default_settings() -> QSettings:
    return QSettings(ORGANISATION, APPLICATION)


def _list(value: Any) -> list[str]:
    """QSettings gives back a str for a one-element list on some back ends, None for none."""
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]


def recent_files(settings: QSettings) -> list[str]:
    return _list(settings.value(KEY_RECENT))


def same_path_key(path: str, *, windows: bool = os.name == "nt") -> str:
    """What makes two paths one file for the recent list: Windows names are case-insensitive
    and take either slash (``Z:\\Unit\\plan.db`` is ``z:/unit/PLAN.db``); POSIX names are not."""
    if windows:
        return ntpath.normcase(ntpath.abspath(path))
    return os.path.abspath(path)


def add_recent(settings: QSettings, path: str, *, windows: bool = os.name == "nt") -> list[str]:
    """Put ``path`` first in the recent list (no duplicates) and make it the last opened file."""
    path = ntpath.abspath(path) if windows else os.path.abspath(path)
    key = same_path_key(path, windows=windows)
    files = [path] + [f for f in recent_files(settings) if same_path_key(f, windows=windows) != key]
    files = files[:MAX_RECENT]
    settings.setValue(KEY_RECENT, files)
    settings.setValue(KEY_LAST, path)
    return files


def last_file(settings: QSettings) -> str | None:
    """The file opened last time, if it is still there."""
    value = settings.value(KEY_LAST)
    return str(value) if value and os.path.isfile(str(value)) else None


def int_list(settings: QSettings, key: str) -> list[int]:
    try:
        return [int(v) for v in _list(settings.value(key))]
    except (TypeError, ValueError):
        return []


def flag(settings: QSettings, key: str, default: bool) -> bool:
    value = settings.value(key)
    if value is None:
        return default
    return str(value).lower() in {"1", "true", "yes"}


def backup_folder(settings: QSettings) -> Path | None:
    """The folder this person chose for backups of every file, or None (beside each file).

    Kept here, not in the .db: where a copy of a file is written is the user's
    choice, never the file's (issue 17).
    """
    value = settings.value(KEY_BACKUP_FOLDER)
    return Path(str(value)) if value else None


def set_backup_folder(settings: QSettings, folder: str | os.PathLike[str] | None) -> None:
    settings.setValue(KEY_BACKUP_FOLDER, "" if folder is None else os.fspath(folder))
