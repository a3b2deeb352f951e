"""``ragdesk open``: arguments, the default file (last one, else the sample) and bad files.

A file that cannot be opened must give a message box with the reason, never a
traceback, and leave a usable window.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings

from ragdesk.cli import build_parser
from ragdesk.ui import launch, qt_settings


def test_open_command_arguments() -> None:
    args = build_parser(load_front_end="open").parse_args(["open", "my file.db", "--read-only"])
    assert args.db == "my file.db" and args.read_only and args.func is launch.run
    args = build_parser(load_front_end="open").parse_args(["open"])
    assert args.db is None and not args.read_only


def test_first_run_opens_a_fresh_sample_copy(qtbot, tmp_path: Path, settings: QSettings) -> None:
    window = launch.start(None, settings=settings, app_data_dir=str(tmp_path / "appdata"))
    qtbot.addWidget(window)
    assert window.store is not None
    assert Path(window.store.path) == tmp_path / "appdata" / "ragdesk-sample.db"
    assert window.store.counts()["items"] == 47
    window.close()
    # next time: the last file, not a new sample
    other = tmp_path / "appdata" / "ragdesk-sample.db"
    assert launch.default_file(settings, str(tmp_path / "elsewhere")) == str(other)
    assert not (tmp_path / "elsewhere").exists()


def test_a_vanished_last_file_falls_back_to_the_sample(tmp_path: Path, settings: QSettings) -> None:
    qt_settings.add_recent(settings, str(tmp_path / "gone.db"))
    assert launch.default_file(settings, str(tmp_path / "data")) == str(
        tmp_path / "data" / "ragdesk-sample.db")


def test_bad_file_on_the_command_line_gives_a_message_not_a_crash(
        qtbot, tmp_path: Path, settings: QSettings, warnings: list[str]) -> None:
    bad = tmp_path / "notes.db"
    bad.write_text("Dear diary <3 & so on", encoding="utf-8")
    window = launch.start(str(bad), settings=settings)
    qtbot.addWidget(window)
    assert window.store is None
    assert len(warnings) == 1 and "not a ragdesk database" in warnings[0]
    assert bad.read_text(encoding="utf-8") == "Dear diary <3 & so on"
    assert not window.act_add_item.isEnabled()
    assert window.windowTitle() == "ragdesk"
    window.close()


def test_newer_schema_is_refused_with_its_reason(
        qtbot, sample_path: Path, settings: QSettings, warnings: list[str]) -> None:
    import sqlite3
    conn = sqlite3.connect(sample_path)
    conn.execute("PRAGMA user_version = 999")
    conn.close()
    window = launch.start(str(sample_path), settings=settings)
    qtbot.addWidget(window)
    assert window.store is None
    assert "newer version of ragdesk" in warnings[0]
    window.close()


def test_read_only_flag_opens_read_only(qtbot, sample_path: Path, settings: QSettings) -> None:
    window = launch.start(str(sample_path), read_only=True, settings=settings)
    qtbot.addWidget(window)
    assert window.store is not None and window.store.read_only
    assert "[read-only]" in window.windowTitle()
    window.close()


def test_recent_files_are_kept_in_order_without_duplicates(settings: QSettings, tmp_path: Path) -> None:
    for name in ("a.db", "b.db", "a.db"):
        qt_settings.add_recent(settings, str(tmp_path / name))
    assert qt_settings.recent_files(settings) == [str(tmp_path / "a.db"), str(tmp_path / "b.db")]
