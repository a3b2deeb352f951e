"""``ragdesk report --summary`` and ``--changes-since``: the numbers on paper are the database's."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from reports_support import pages_text

from ragdesk.cli import main

SAMPLE_JSON = Path(__file__).resolve().parents[1] / "resources" / "sample" / "sample.json"


def _peel_ratings(label: str) -> dict[str, str]:
    data = json.loads(SAMPLE_JSON.read_text(encoding="utf-8"))
    peel = next(i for i in data["inspections"] if i["title"].startswith("PEEL"))
    return {item["number"]: a["rag"] for item in peel["items"]
            for a in item["assessments"] if a["period"] == label}


def _lines(pdf: Path) -> list[str]:
    """Each page's text, one stripped line per text run (centred cells start with a space)."""
    return ["\n".join(line.strip() for line in page.splitlines())
            for page in pages_text(pdf.read_bytes())]


def test_summary_page_holds_the_counts_and_lists(sample_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "s.pdf"
    assert main(["report", str(sample_path), "--format", "peel", "--summary", "-o", str(out)]) == 0
    pages = _lines(out)
    first = pages[0]
    assert first.startswith("Summary") or "Summary" in first.splitlines()[0]
    for label in ("Jan 2024", "Jun 2024"):
        counts = Counter(_peel_ratings(label).values())
        # the table row: period, RED, AMBER, GREEN, total
        row = f"{label}\n{counts['RED']}\n{counts['AMBER']}\n{counts['GREEN']}\n14"
        assert row in first, (row, first)
        # the chart labels each segment with its letter and count
        assert f"A {counts['AMBER']}" in first and f"G {counts['GREEN']}" in first
    assert "Overdue (0)" in first and "Proposed for closure (3)" in first
    for afi in ("AFI 4", "AFI 10", "AFI 11"):
        assert afi in first
    # the report itself follows on the next page
    assert "PEEL AFI Performance Update" in pages[1]


def test_changes_since_lists_each_rating_move(sample_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "c.pdf"
    assert main(["report", str(sample_path), "--format", "peel", "--changes-since", "Jan 2024",
                 "-o", str(out)]) == 0
    page = _lines(out)[0]
    assert "Changes since Jan 2024" in page
    jan, jun = _peel_ratings("Jan 2024"), _peel_ratings("Jun 2024")
    moved = sorted((n for n in jun if jan[n] != jun[n]), key=int)
    assert f"rating moved between Jan 2024 and Jun 2024: {len(moved)}" in page
    for n in moved:
        assert f"AFI {n}\n{jan[n]}\n→\n{jun[n]}" in page
    unmoved = [n for n in jun if jan[n] == jun[n]]
    assert not any(f"AFI {n}\n" in page for n in unmoved)
    assert "Verified as complete and closed" in page  # AFI 5's status note


def test_changes_since_a_later_period_is_refused(sample_path: Path, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "x.pdf"
    assert main(["report", str(sample_path), "--format", "peel", "--changes-since", "Jun 2024",
                 "-o", str(out)]) == 1
    assert "is not before the report's period" in capsys.readouterr().err
    assert not out.exists()
