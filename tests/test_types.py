"""mypy over the code, as part of the test command: strict on the core, lenient on ui/ and
reports/ (issue 18). A type error is a failing test with mypy's own report as the message.
mypy runs in a child process (it comes with the dev extra); it is never imported here, beside Qt."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parent.parent

def _mypy(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "mypy", "--no-incremental", *args],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)


def test_core_is_strictly_typed() -> None:
    done = _mypy("--strict", "ragdesk")
    assert done.returncode == 0, done.stdout + done.stderr


def test_ui_and_reports_are_typed() -> None:
    """Leniently (the default flags and pyproject's [tool.mypy]): PySide6's and ReportLab's
    stubs are loose, but the ids, the Storage protocol and our own code are checked."""
    done = _mypy("ui", "reports")
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_typed_ids_are_checked() -> None:
    """The check can fail: an item id where a period id is wanted is reported."""
    done = _mypy("--strict", "-c", "from ragdesk.domain import ItemId, PeriodId\n"
                 "from ragdesk.store import Store\n"
                 "def f(store: Store) -> None:\n"
                 "    store.period(ItemId(1))\n")
    assert done.returncode == 1
    assert 'incompatible type "ItemId"; expected "PeriodId"' in done.stdout
