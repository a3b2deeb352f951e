"""docs/windows.md names a handling and a test for every Windows behaviour: the tests it
names must exist, so the table cannot silently point at nothing after a rename."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "windows.md"


def _rows() -> list[str]:
    return [line for line in DOC.read_text(encoding="utf-8").splitlines()
            if line.startswith("| ") and not line.startswith(("| Windows behaviour", "|---"))]


def test_every_row_names_its_handling_and_a_test_or_a_place() -> None:
    rows = _rows()
    assert len(rows) >= 20
    for row in rows:
        cells = [c.strip() for c in row.strip("|").split(" | ")]
        assert len(cells) == 3 and all(cells), row
        assert "tests/" in cells[2] or "docs/" in cells[2] or "Windows only" in cells[2], row


def test_every_test_named_exists() -> None:
    text = DOC.read_text(encoding="utf-8")
    named = re.findall(r"`(tests/[\w/]+\.py)(?:::(\w+))?", text)
    assert named
    for path, function in named:
        source = (ROOT / path).read_text(encoding="utf-8")
        if function:
            assert re.search(rf"^def {function}\(", source, re.M), f"{path}::{function}"
