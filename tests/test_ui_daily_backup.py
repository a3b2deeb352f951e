"""The first open of the day: the window shows the file at once; backup and check follow.

Issue 16: on a share, the open-time ``quick_check`` and the daily backup each
read the whole file (minutes over VPN) before anything was shown. Now a big file
is opened at once; today's backup and its integrity check run in the background
with their progress in the status bar, stop cleanly when the window closes, and
damage found by that check is handled as the open-time check handled it.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import time
from pathlib import Path

import pytest
from crash_support import page_start
from PySide6.QtWidgets import QMessageBox

from ragdesk import backup, dbfile
from ragdesk.store import Store
from ragdesk.ui.main_window import MainWindow


@pytest.fixture
def big(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Every file counts as big (checked in the background); temporary files go to a
    folder of this test's own, so what is left behind can be seen."""
    monkeypatch.setattr(dbfile, "CHECK_AT_OPEN_MAX_BYTES", 0)
    temp = tmp_path / "local-temp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    return temp


@pytest.fixture
def window_file() -> None:
    """The window starts with no file open: each test opens one as it needs."""
    return None


def dailies(path: Path) -> list[backup.Backup]:
    return [b for b in backup.list_backups(path, backup.default_folder(path)) if b.kind == "daily"]


def test_the_file_is_shown_first_and_todays_backup_follows(qtbot, window: MainWindow,
                                                          sample_path: Path, big: Path,
                                                          warnings) -> None:
    assert window.open_path(sample_path)
    assert window.store is not None and window.tree_model.rowCount() == 2  # shown at once
    qtbot.waitUntil(lambda: window.daily_backup.done, timeout=20000)
    made = dailies(sample_path)
    assert len(made) == 1 and dbfile.check_file(made[0].path) == "ok"
    assert "Today's backup is saved" in window.statusBar().currentMessage()
    assert list(big.iterdir()) == []  # the local working copy is gone
    assert warnings == []
    window.close()
    assert window.open_path  # reopening the same day takes no second backup
    window2 = MainWindow(settings=window.settings)
    qtbot.addWidget(window2)
    assert window2.open_path(sample_path)
    qtbot.waitUntil(lambda: window2.daily_backup.done, timeout=20000)
    assert len(dailies(sample_path)) == 1
    window2.close()


def test_damage_found_by_the_background_check_offers_the_newest_good_backup(
        qtbot, window: MainWindow, sample_path: Path, big: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    with Store.open(sample_path) as store:
        good = backup.take_backup(store, "daily", now=lambda: dt.datetime(2026, 11, 1, 8, 0))
    data = bytearray(sample_path.read_bytes())
    start = page_start(data, len(data) // 2)  # from a page's header: never only unused space
    data[start: start + 12000] = b"\xa5" * 12000
    sample_path.write_bytes(bytes(data))
    asked: list[str] = []
    monkeypatch.setattr(QMessageBox, "question", lambda _p, _t, text, *a, **k:
                        asked.append(text) or QMessageBox.StandardButton.Yes)
    assert window.open_path(sample_path)  # big files are not fully checked on opening
    qtbot.waitUntil(lambda: bool(asked), timeout=20000)
    assert "daily check" in asked[0] and "01 Nov 2026 08:00" in asked[0]
    kept = [p for p in sample_path.parent.glob("sample.db.damaged-*")
            if not p.name.endswith("-journal")]
    assert len(kept) == 1 and kept[0].read_bytes() == bytes(data)  # the damaged file is kept
    assert window.store is not None and window.store.integrity_check() == "ok"
    assert good.exists()
    assert all(dbfile.check_file(b.path) == "ok" for b in dailies(sample_path))  # no damaged copy
    window.close()


def test_closing_the_window_stops_the_backup_cleanly(qtbot, window: MainWindow,
                                                     sample_path: Path, big: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    real = backup.checked_daily_backup

    def slow(*args, progress, cancelled, **kwargs):
        """A file on a share over VPN: the copy is still going, page 1 of many, when the
        window closes (held there until it is told to stop, however fast this machine is)."""
        def step(done: int, total: int) -> None:
            progress(done, total)
            while done and not cancelled():
                time.sleep(0.005)  # waiting for the window to say stop
        return real(*args, progress=step, cancelled=cancelled, pages_per_step=1, **kwargs)

    monkeypatch.setattr(backup, "checked_daily_backup", slow)
    assert window.open_path(sample_path)
    task = window.daily_backup
    qtbot.waitUntil(lambda: task.bar.isVisible() and task.bar.value() > 0, timeout=20000)
    window.grab().save("/tmp/daily_backup_status.png")
    started = time.monotonic()
    window.close()
    assert time.monotonic() - started < 5
    assert task.done and not task._thread.is_alive()
    folder = backup.default_folder(sample_path)
    assert dailies(sample_path) == []
    assert not folder.exists() or list(folder.iterdir()) == []  # no .partial either
    assert list(big.iterdir()) == []  # nor the local working copy


def test_a_failed_background_backup_is_reported(qtbot, window: MainWindow, sample_path: Path,
                                                big: Path, warnings) -> None:
    from ragdesk.ui import qt_settings

    blocker = sample_path.parent / "blocker"
    blocker.write_text("a file where the folder should be")
    qt_settings.set_backup_folder(window.settings, blocker / "sub")
    assert window.open_path(sample_path)
    qtbot.waitUntil(lambda: window.daily_backup.done, timeout=20000)
    assert warnings and "today's backup failed" in warnings[-1]
    assert window.store is not None  # the file stays open and editable
    window.close()
