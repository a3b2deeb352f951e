"""Windows path rules where ragdesk compares or makes paths (simulated with ntpath)."""

from __future__ import annotations


def test_recent_files_are_one_entry_per_file_with_windows_case_rules(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QSettings

    from ragdesk.ui.qt_settings import add_recent, recent_files

    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    add_recent(settings, r"Z:\Unit\Plan.db", windows=True)
    add_recent(settings, r"\\server\share\other.db", windows=True)
    add_recent(settings, "z:/unit/PLAN.db", windows=True)
    assert recent_files(settings) == [r"z:\unit\PLAN.db", r"\\server\share\other.db"]
