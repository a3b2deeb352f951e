"""Backups from the main window: Restore from Backup, and the damaged-file offer."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from ragdesk import backup
from ragdesk.store import Store
from ragdesk.ui import backup_dialog
from ragdesk.ui.backup_dialog import BackupDialog, offer_backup_for_damaged, restore_from_backup
from ragdesk.ui.main_window import MainWindow


@pytest.fixture
def window_file() -> None:
    """The window starts with no file open: each test opens one as it needs."""
    return None


def spoil(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[8192:40000] = b"\xa5" * (40000 - 8192)
    path.write_bytes(bytes(data))


def test_damaged_file_offers_and_restores_the_newest_good_backup(window: MainWindow,
                                                                 sample_path: Path, warnings) -> None:
    with Store.open(sample_path) as store:
        backup.take_backup(store, "daily", now=lambda: dt.datetime(2026, 11, 1, 8, 0))
    spoil(sample_path)
    damaged = sample_path.read_bytes()
    asked: list[str] = []
    assert offer_backup_for_damaged(window, str(sample_path), "It is damaged.",
                                    ask=lambda text: asked.append(text) or True)
    assert "01 Nov 2026 08:00" in asked[0] and "never deleted" in asked[0]
    assert window.store is not None and window.store.counts()["items"] == 47
    kept = list(sample_path.parent.glob("sample.db.damaged-*"))
    assert len(kept) == 1 and kept[0].read_bytes() == damaged


def test_damaged_file_without_backups_says_so(window: MainWindow, sample_path: Path,
                                              warnings) -> None:
    spoil(sample_path)
    assert not offer_backup_for_damaged(window, str(sample_path), "It is damaged.",
                                        ask=lambda text: True)
    assert "No good backup" in warnings[-1]


def test_open_path_of_a_damaged_file_goes_through_the_offer(window: MainWindow, sample_path: Path,
                                                            monkeypatch) -> None:
    with Store.open(sample_path) as store:
        backup.take_backup(store, "daily")
    spoil(sample_path)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    assert window.open_path(sample_path)  # File > Open of a damaged file: offered, restored
    assert window.store.integrity_check() == "ok"
    assert list(sample_path.parent.glob("sample.db.damaged-*"))


def test_restore_from_backup_menu_flow(qtbot, window: MainWindow, sample_path: Path,
                                       monkeypatch) -> None:
    assert window.open_path(sample_path)
    store = window.store
    good = backup.take_backup(store, "manual", now=lambda: dt.datetime(2026, 10, 10, 10, 10))
    item = store.items()[0]
    store.update_item(item.id, number="after the backup")
    monkeypatch.setattr(BackupDialog, "_ask", lambda self, text: True)

    chosen: list[Path] = []

    def choose() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, BackupDialog):
            QTimer.singleShot(20, choose)  # not shown yet
            return
        row = [b.path for b in dialog.backups].index(good)  # the daily one is newer
        dialog.list.setCurrentItem(dialog.list.topLevelItem(row))
        chosen.append(dialog.chosen().path)
        dialog.restore_button.click()
    QTimer.singleShot(0, choose)
    assert restore_from_backup(window)
    assert chosen == [good]
    assert window.store is not store  # reopened
    assert window.store.item(item.id).number == item.number
    assert backup_dialog  # module imported for monkeypatching convenience
