"""ragdesk.files: renames, replaces and deletes on a file another program holds open (as
Windows refuses them), and whole-or-nothing writes."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from windows_sim import HeldOpen, SharingViolation

from ragdesk import files
from ragdesk.errors import ExportFailed, FileBusy

NO_WAIT = {"sleep": lambda _s: None}


def test_replace_waits_for_a_scanner_that_lets_go(tmp_path: Path, held_open: HeldOpen) -> None:
    source, target = tmp_path / "new.pdf", tmp_path / "report.pdf"
    source.write_text("new")
    target.write_text("old")
    held_open.hold(target, release_after=3)  # a virus scanner holding it for three attempts
    waits: list[float] = []

    files.replace(source, target, sleep=waits.append)

    assert target.read_text() == "new"
    assert not source.exists()
    assert len(waits) == 3


def test_replace_gives_up_with_a_message_naming_the_file(tmp_path: Path,
                                                           held_open: HeldOpen) -> None:
    source, target = tmp_path / "new.db", tmp_path / "unit.db"
    source.write_text("new")
    target.write_text("old")
    held_open.hold(target)

    with pytest.raises(FileBusy) as caught:
        files.replace(source, target, **NO_WAIT)

    assert "unit.db" in str(caught.value)
    assert "another program has it open" in str(caught.value)
    assert target.read_text() == "old" and source.read_text() == "new"


def test_total_wait_is_short_enough_for_a_person() -> None:
    assert 1.0 <= sum(files.RETRY_DELAYS) <= 2.0


def test_permanent_errors_are_not_retried(tmp_path: Path) -> None:
    waits: list[float] = []
    with pytest.raises(FileNotFoundError):
        files.replace(tmp_path / "missing", tmp_path / "x", sleep=waits.append)
    assert waits == []


def test_posix_permission_error_is_not_taken_for_a_sharing_violation() -> None:
    assert not files.is_transient(PermissionError(13, "Permission denied"))
    assert files.is_transient(SharingViolation("x"))


def test_remove_retries_and_accepts_a_missing_file(tmp_path: Path, held_open: HeldOpen) -> None:
    path = tmp_path / "old-backup.db"
    path.write_text("x")
    held_open.hold(path, release_after=1)
    files.remove(path, **NO_WAIT)
    assert not path.exists()
    files.remove(path, **NO_WAIT)  # already gone: fine


def test_write_atomically_leaves_the_old_file_on_failure(tmp_path: Path) -> None:
    target = tmp_path / "export.json"
    target.write_text("previous export")

    def fail_half_way(path: str) -> None:
        Path(path).write_text("half a fi")
        raise OSError(28, "No space left on device")

    with pytest.raises(ExportFailed, match="Could not write the export to .*No space"):
        files.write_atomically(target, fail_half_way, what="the export")

    assert target.read_text() == "previous export"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["export.json"]


def test_write_atomically_replaces_in_one_step(tmp_path: Path) -> None:
    target = tmp_path / "export.json"
    files.write_atomically(target, "whole")
    assert target.read_text() == "whole"
    assert [p.name for p in tmp_path.iterdir()] == ["export.json"]


def test_a_file_open_in_word_gives_a_message_and_stays(tmp_path: Path,
                                                      held_open: HeldOpen,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(files, "RETRY_DELAYS", (0.0, 0.0))
    target = tmp_path / "Appendix 1.docx"
    target.write_bytes(b"last month")
    held_open.hold(target)
    with pytest.raises(ExportFailed, match="open in another program"):
        files.write_atomically(target, b"this month", what="the report")
    assert held_open.attempts[str(target)] == 3  # tried, retried twice, then said why
    assert target.read_bytes() == b"last month"
    assert [p.name for p in tmp_path.iterdir()] == ["Appendix 1.docx"]


def test_leftovers_of_a_killed_export_are_removed_by_the_next(tmp_path: Path) -> None:
    target = tmp_path / "export.json"
    stale = tmp_path / ".export.json.4242.partial"
    fresh = tmp_path / ".export.json.4343.partial"  # a colleague's, being written now
    unrelated = tmp_path / "notes.partial"
    for p in (stale, fresh, unrelated):
        p.write_text("x")
    old = time.time() - 7200
    os.utime(stale, (old, old))

    files.write_atomically(target, "whole")

    assert not stale.exists()
    assert fresh.exists() and unrelated.exists() and target.read_text() == "whole"
