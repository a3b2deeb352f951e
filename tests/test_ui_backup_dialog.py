"""File > Restore from Backup: the list a user sees, and restoring by clicking."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import Qt

from ragdesk import backup
from ragdesk.records import Identity
from ragdesk.store import Store
from ragdesk.ui.backup_dialog import BackupDialog, human_size


def shown(dialog: BackupDialog) -> list[list[str]]:
    return [[dialog.list.topLevelItem(r).text(c) for c in range(4)]
            for r in range(dialog.list.topLevelItemCount())]


def make_backups(path: Path) -> tuple[Path, Path, Store]:
    store = Store.open(path, identity=Identity("gail", "PC-8"))
    folder = backup.backup_folder(store)
    first = backup.take_backup(store, "daily", now=lambda: dt.datetime(2026, 11, 20, 9, 0))
    item = store.items()[0]
    store.update_item(item.id, number="after backup")
    broken = backup.take_backup(store, "manual", now=lambda: dt.datetime(2026, 11, 22, 9, 0))
    broken.write_bytes(broken.read_bytes()[:3000])
    return folder, first, store


def test_lists_backups_with_dates_size_and_check(qtbot, sample_path: Path) -> None:
    folder, first, store = make_backups(sample_path)
    dialog = BackupDialog(None, sample_path, folder, store=store)
    qtbot.addWidget(dialog)
    table = shown(dialog)
    assert table[0][0] == "22 Nov 2026 09:00:00" and table[0][1] == "Manual"
    assert table[0][3].startswith("Unusable")
    assert table[1][:2] == ["20 Nov 2026 09:00:00", "Daily"] and table[1][3] == "OK"
    assert table[1][2].endswith("KB")
    assert dialog.chosen().path == first  # the newest good one is preselected
    dialog.list.setCurrentItem(dialog.list.topLevelItem(0))
    assert not dialog.restore_button.isEnabled()  # a broken backup cannot be restored
    dialog.resize(700, 300)
    dialog.grab().save("/tmp/backup_dialog.png")
    store.close()


def test_restore_by_clicking(qtbot, sample_path: Path) -> None:
    folder, first, store = make_backups(sample_path)
    item_id = store.items()[0].id
    store.close()  # the window closes its store before restoring
    asked = []
    dialog = BackupDialog(None, sample_path, folder, ask=lambda text: asked.append(text) or True)
    qtbot.addWidget(dialog)
    dialog.list.setCurrentItem(dialog.list.topLevelItem(1))
    assert dialog.restore_button.isEnabled()
    qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    assert asked and "backed up first" in asked[0]
    assert dialog.result() == dialog.DialogCode.Accepted
    assert dialog.restored.previous is not None
    with Store.open(sample_path) as reopened:
        assert reopened.item(item_id).number != "after backup"
    with Store.open(dialog.restored.previous, read_only=True) as before:
        assert before.item(item_id).number == "after backup"


def test_declining_the_confirmation_changes_nothing(qtbot, sample_path: Path) -> None:
    folder, first, store = make_backups(sample_path)
    store.close()
    dialog = BackupDialog(None, sample_path, folder, ask=lambda text: False)
    qtbot.addWidget(dialog)
    before = sample_path.read_bytes()
    qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    assert dialog.restored is None and sample_path.read_bytes() == before


def test_empty_folder_and_changing_it(qtbot, sample_store: Store, tmp_path: Path) -> None:
    from PySide6.QtCore import QSettings

    from ragdesk.ui import qt_settings

    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    dialog = BackupDialog(None, sample_store.path, tmp_path / "none", store=sample_store,
                          settings=settings)
    qtbot.addWidget(dialog)
    assert shown(dialog)[0][0] == "No backups in this folder yet."
    assert not dialog.restore_button.isEnabled()
    elsewhere = tmp_path / "elsewhere"
    backup.take_backup(sample_store, folder=elsewhere)
    dialog.set_folder(elsewhere)
    assert qt_settings.backup_folder(settings) == elsewhere  # the user's settings...
    assert sample_store.setting("backup_folder") == ""  # ...never the file
    assert len(shown(dialog)) == 1 and shown(dialog)[0][3] == "OK"


def test_human_size() -> None:
    assert human_size(10) == "10 bytes"
    assert human_size(2048) == "2.0 KB"
    assert human_size(5 * 1024 * 1024) == "5.0 MB"
