"""Where backups go is the user's choice, never the file's (issue 17, finding 5).

A ``backup_folder`` setting inside the file (settable by ``import-json``) used to
decide where the daily backup was written: opening a crafted file wrote a full
copy of the database to any path it named (on Windows a UNC path sends it to
another machine). Now the folder comes from the user's own settings (the
window's QSettings), defaulting to a folder beside the file; a folder named in
the file is only shown as a suggestion the user may adopt.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from ragdesk import backup
from ragdesk.cli import main
from ragdesk.store import Store

NOW = lambda: dt.datetime(2026, 12, 1, 9, 0)  # noqa: E731


def _crafted(path: Path, elsewhere: Path, tmp_path: Path) -> None:
    """What an attacker ships: a normal-looking file whose settings name a folder."""
    payload = tmp_path / "payload.json"
    payload.write_text(json.dumps({"format": "ragdesk", "version": 1, "inspections": [],
                                   "settings": {"backup_folder": str(elsewhere)}}))
    assert main(["import-json", str(path), str(payload)]) == 0
    with Store.open(path, read_only=True) as store:
        assert store.setting("backup_folder") == str(elsewhere)


def test_opening_a_crafted_file_writes_no_copy_where_it_names(sample_path: Path,
                                                               tmp_path: Path) -> None:
    elsewhere = tmp_path / "attacker-share"
    _crafted(sample_path, elsewhere, tmp_path)
    store, problems = backup.open_with_backups(sample_path, now=NOW)
    store.close()
    assert problems == []
    assert not elsewhere.exists(), "a copy of the file was written where the file said"
    made = backup.list_backups(sample_path, backup.default_folder(sample_path))
    assert [b.kind for b in made] == ["daily"]


def test_the_users_folder_is_used_and_the_files_is_only_a_suggestion(sample_path: Path,
                                                                     tmp_path: Path) -> None:
    elsewhere, mine = tmp_path / "named-by-file", tmp_path / "my-backups"
    _crafted(sample_path, elsewhere, tmp_path)
    store, problems = backup.open_with_backups(sample_path, folder=mine, now=NOW)
    with store:
        assert problems == [] and [b.kind for b in backup.list_backups(sample_path, mine)] == ["daily"]
        assert backup.suggested_folder(store) == elsewhere
        assert backup.backup_folder(store, mine) == mine
        assert backup.backup_folder(store) == backup.default_folder(sample_path)
    assert not elsewhere.exists()


@pytest.fixture
def window_file() -> None:
    """The window starts with no file open: each test opens one as it needs."""
    return None


def test_the_window_takes_the_folder_from_the_users_settings(window, sample_path: Path,
                                                             tmp_path: Path, qtbot) -> None:
    from ragdesk.ui import qt_settings
    from ragdesk.ui.backup_dialog import BackupDialog

    elsewhere, mine = tmp_path / "named-by-file", tmp_path / "my-backups"
    _crafted(sample_path, elsewhere, tmp_path)
    qt_settings.set_backup_folder(window.settings, mine)
    assert window.open_path(sample_path)
    qtbot.waitUntil(lambda: window.daily_backup.done, timeout=20000)  # in the background
    assert [b.kind for b in backup.list_backups(sample_path, mine)] == ["daily"]
    assert not elsewhere.exists()

    dialog = BackupDialog(window, sample_path, mine, store=window.store,
                          settings=window.settings)
    qtbot.addWidget(dialog)
    assert str(elsewhere) in dialog.suggestion.text()  # shown, never followed by itself
    assert not elsewhere.exists()
    chosen = tmp_path / "chosen-in-dialog"
    dialog.set_folder(chosen)
    assert qt_settings.backup_folder(window.settings) == chosen  # the user's settings...
    with Store.open(sample_path, read_only=True) as store:
        assert store.setting("backup_folder") == str(elsewhere)  # ...not the file
