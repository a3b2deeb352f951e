"""After a killed writer or a full disk: the file is whole and the message says what to do.

Issue 17 findings 3 and 11: a disk filling up during an import left the file
changed (bigger, a hot journal beside it) while the message said nothing was
added; and the read-only opens (``check``, ``export``, ``report``, the window's
background export) called a file with a hot journal "read-only here".
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from crash_support import fill, leave_hot_journal, tiny_disk

from ragdesk.cli import main
from ragdesk.errors import FileProblem
from ragdesk.store import Store

INTERRUPTED = "a save was interrupted"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("command", [["check"], ["export", "--format", "csv"]])
def test_read_only_commands_on_a_hot_journal_say_a_save_was_interrupted(
        sample_path: Path, command: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    leave_hot_journal(sample_path)
    before = digest(sample_path)
    assert main([command[0], str(sample_path), *command[1:]]) == 1
    err = capsys.readouterr().err
    assert INTERRUPTED in err and "open the file normally once" in err.lower(), err
    assert "read-only here" not in err
    assert digest(sample_path) == before  # a read-only command changed nothing
    with Store.open(sample_path) as store:  # ... and the normal open recovers it
        assert store.integrity_check() == "ok"
        assert "never committed" not in {i.lead for i in store.items()}
    assert main(["check", str(sample_path)]) == 0


def test_read_only_store_on_a_hot_journal_raises_a_file_problem_saying_so(sample_path: Path) -> None:
    leave_hot_journal(sample_path)
    with pytest.raises(FileProblem, match=INTERRUPTED):
        Store.open(sample_path, read_only=True)


def test_disk_full_during_an_import_leaves_the_file_as_it_was(
        sample_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with tiny_disk(tmp_path / "share", 2048) as share:
        db = share / "unit.db"
        db.write_bytes(sample_path.read_bytes())
        fill(share, 300_000)
        before = digest(db)
        big = {"format": "ragdesk", "version": 1, "inspections": [{"title": "Big", "items": [
            {"kind": "afi", "number": str(n), "text": "progress " * 3000} for n in range(200)]}]}
        source = tmp_path / "big.json"
        source.write_text(json.dumps(big))
        assert main(["import-json", str(db), str(source)]) == 1
        err = capsys.readouterr().err
        assert "full" in err and "Traceback" not in err
        assert digest(db) == before, "the refused import changed the file"
        journal = Path(f"{db}-journal")
        assert not journal.exists() or journal.stat().st_size == 0 \
            or journal.read_bytes()[:8] == b"\0" * 8, "a hot journal was left beside the file"
        assert main(["check", str(db)]) == 0
        assert "Integrity:      ok" in capsys.readouterr().out
