"""``--summary`` and ``--changes-since`` in the Word reports: the numbers are the database's.

The Word document carries the same front matter as the PDF (test_reports_summary.py):
read back with python-docx, the counts per rating per period, the rating words on their
colours, the overdue and proposed lists, and each rating move before → after with its
status note.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import docx
import pytest
from test_reports_word import RATING_FILLS, blocks, cell_fill

from ragdesk.cli import main

SAMPLE_JSON = Path(__file__).resolve().parents[1] / "resources" / "sample" / "sample.json"


def _peel_ratings(label: str) -> dict[str, str]:
    data = json.loads(SAMPLE_JSON.read_text(encoding="utf-8"))
    peel = next(i for i in data["inspections"] if i["title"].startswith("PEEL"))
    return {item["number"]: a["rag"] for item in peel["items"]
            for a in item["assessments"] if a["period"] == label}


def _table_after(document, heading: str):  # type: ignore[no-untyped-def]
    """The first table after the paragraph reading ``heading`` (and the text between)."""
    seen = None
    for block in blocks(document):
        if seen is None:
            if getattr(block, "text", None) == heading:
                seen = []
        elif isinstance(block, docx.table.Table):
            return block
        else:
            seen.append(block.text)
    raise AssertionError(f"no table after {heading!r}")


def _texts(row) -> list[str]:  # type: ignore[no-untyped-def]
    return [c.text.strip() for c in row.cells]


def test_word_summary_holds_the_counts_and_lists(sample_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "s.docx"
    assert main(["report", str(sample_path), "--format", "peel", "--summary", "-o", str(out)]) == 0
    document = docx.Document(str(out))
    paragraphs = [p.text for p in document.paragraphs]
    assert paragraphs[0] == "Summary" and document.paragraphs[0].style.name == "Heading 1"
    # the summary comes before the report, which starts on a page of its own
    summary_at = paragraphs.index("Summary")
    assert "PEEL AFI Performance Update" not in paragraphs[:summary_at + 1]

    counts_table = next(t for t in document.tables if _texts(t.rows[0])[0] == "Period")
    head = counts_table.rows[0].cells
    assert _texts(counts_table.rows[0]) == ["Period", "RED", "AMBER", "GREEN", "Total"]
    for cell in head[1:4]:  # each rating column headed by its word on its colour
        assert cell_fill(cell) == RATING_FILLS[cell.text]
    rows = {_texts(r)[0]: _texts(r)[1:] for r in counts_table.rows[1:]}
    assert set(rows) == {"Jan 2024", "Jun 2024"}
    for label in rows:
        counts = Counter(_peel_ratings(label).values())
        assert rows[label] == [str(counts["RED"]), str(counts["AMBER"]), str(counts["GREEN"]), "14"]

    # the bars: one row per period, each segment lettered with its count on its colour
    bars = {_texts(t.rows[0])[0]: t.rows[0].cells[1:] for t in document.tables
            if _texts(t.rows[0])[0] in rows and len(t.rows) == 1}
    assert set(bars) == {"Jan 2024", "Jun 2024"}
    for label, cells in bars.items():
        counts = Counter(_peel_ratings(label).values())
        expected = [f"{code[0]} {counts[code]}" for code in ("RED", "AMBER", "GREEN") if counts[code]]
        assert [c.text for c in cells] == expected
        assert [cell_fill(c) for c in cells] == [RATING_FILLS[{"R": "RED", "A": "AMBER", "G": "GREEN"}
                                                              [t[0]]] for t in expected]

    assert "Overdue (0)" in paragraphs and "No item is overdue." in paragraphs
    proposed = _table_after(document, "Proposed for closure (3)")
    assert _texts(proposed.rows[0]) == ["Item", "About", "RAG", "Deadline", "Lead"]
    listed = [_texts(r) for r in proposed.rows[1:]]
    assert [r[0] for r in listed] == ["AFI 4", "AFI 10", "AFI 11"]
    jun = _peel_ratings("Jun 2024")
    for row, table_row in zip(listed, proposed.rows[1:], strict=True):
        number = row[0].split()[1]
        assert row[2] == jun[number] and cell_fill(table_row.cells[2]) == RATING_FILLS[jun[number]]


def test_word_changes_since_lists_each_rating_move(sample_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "c.docx"
    assert main(["report", str(sample_path), "--format", "peel", "--changes-since", "Jan 2024",
                 "-o", str(out)]) == 0
    document = docx.Document(str(out))
    paragraphs = [p.text for p in document.paragraphs]
    assert paragraphs[0] == "Changes since Jan 2024"
    jan, jun = _peel_ratings("Jan 2024"), _peel_ratings("Jun 2024")
    moved = sorted((n for n in jun if jan[n] != jun[n]), key=int)
    assert f"Items whose rating moved between Jan 2024 and Jun 2024: {len(moved)}" in paragraphs
    table = _table_after(document, "Changes since Jan 2024")
    assert _texts(table.rows[0]) == ["Item", "Jan 2024", "", "Jun 2024", "Status note"]
    rows = [_texts(r) for r in table.rows[1:]]
    assert [r[:4] for r in rows] == [[f"AFI {n}", jan[n], "→", jun[n]] for n in moved]
    for table_row in table.rows[1:]:
        for cell in (table_row.cells[1], table_row.cells[3]):
            assert cell_fill(cell) == RATING_FILLS[cell.text]
    notes = {r[0]: r[4] for r in rows}
    assert notes["AFI 5"].startswith("Verified as complete and closed")


def test_word_summary_and_changes_then_report_one(sample_path: Path, tmp_path: Path) -> None:
    """Both parts in report 1 too: summary, then changes (here none since one period)."""
    out = tmp_path / "r.docx"
    assert main(["report", str(sample_path), "--format", "recommendations", "--summary",
                 "-o", str(out)]) == 0
    document = docx.Document(str(out))
    paragraphs = [p.text for p in document.paragraphs]
    assert paragraphs[0] == "Summary"
    counts_table = next(t for t in document.tables if _texts(t.rows[0])[0] == "Period")
    data = json.loads(SAMPLE_JSON.read_text(encoding="utf-8"))
    vetting = next(i for i in data["inspections"] if not i["title"].startswith("PEEL"))
    counts = Counter(a["rag"] for it in vetting["items"] for a in it["assessments"])
    row = _texts(counts_table.rows[1])
    head = _texts(counts_table.rows[0])
    assert row[0] == "Jul 2023"
    assert {h: int(v) for h, v in zip(head[1:-1], row[1:-1], strict=True) if int(v)} == \
        {k: v for k, v in counts.items()}
    assert row[-1] == str(len(vetting["items"]))
    # the report's own title block follows
    assert paragraphs.index("Appendix 1") > paragraphs.index("Summary")


def test_word_changes_since_a_later_period_is_refused(sample_path: Path, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "x.docx"
    assert main(["report", str(sample_path), "--format", "peel", "--changes-since", "Jun 2024",
                 "-o", str(out)]) == 1
    assert "is not before the report's period" in capsys.readouterr().err
    assert not out.exists()
