"""The Word appendix ragdesk exports imports back (issue 14): same items, ratings, narratives.

End to end through the CLI, as a unit would do it: ``ragdesk report … -o X.docx`` from
the sample, then ``ragdesk import`` with no flags, into a fresh empty database (the
inspection's title and the reporting period come from the document's title block) and
into the sample itself, where nothing is new and nothing is duplicated.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ragdesk.cli import main

NARRATIVES = ("rag", "dot", "status_note", "update", "intent_and_implementation", "impact")
PEEL = "PEEL 2021/22: Police effectiveness, efficiency and legitimacy – Essex Police"
VETTING = "An inspection of vetting, misconduct and misogyny in the police"


def _export(db: Path, tmp_path: Path) -> dict[tuple[str, str, str], dict]:
    out = tmp_path / f"{db.stem}-export.json"
    assert main(["export", str(db), "--no-audit", "-o", str(out)]) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    return {(i["title"], it["kind"], it["number"]): it
            for i in data["inspections"] for it in i["items"]}


def _assessments(item: dict) -> dict[str, dict]:
    return {a["period"]: {f: a[f] for f in NARRATIVES} for a in item["assessments"]}


def _word(sample_path: Path, tmp_path: Path, kind: str) -> Path:
    out = tmp_path / f"{kind}.docx"
    assert main(["report", str(sample_path), "--format", kind, "-o", str(out)]) == 0
    return out


@pytest.fixture
def empty_db(tmp_path: Path) -> Path:
    db = tmp_path / "fresh.db"
    assert main(["new", str(db)]) == 0
    return db


def test_report1_round_trips_into_an_empty_file(sample_path: Path, tmp_path: Path, empty_db: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    docx_file = _word(sample_path, tmp_path, "recommendations")
    capsys.readouterr()
    assert main(["import", str(empty_db), str(docx_file)]) == 0  # no flags: the file names both
    said = capsys.readouterr().out
    assert f"33 new, 0 updated, 0 unchanged item(s) into a new inspection “{VETTING}”" in said
    assert "new period Jul 2023" in said
    before, after = _export(sample_path, tmp_path), _export(empty_db, tmp_path)
    assert set(after) == {k for k in before if k[0] == VETTING}
    for key, item in after.items():
        original = before[key]
        for f in ("text", "deadline"):  # the inspectorate's words, lists and all
            assert item[f] == original[f], (key, f)
        assert _assessments(item) == _assessments(original), key  # rating and update


def test_peel_report_round_trips_into_an_empty_file(sample_path: Path, tmp_path: Path,
                                                    empty_db: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    docx_file = _word(sample_path, tmp_path, "peel")
    capsys.readouterr()
    assert main(["import", str(empty_db), str(docx_file)]) == 0
    said = capsys.readouterr().out
    assert f"14 new, 0 updated, 0 unchanged item(s) into a new inspection “{PEEL}”" in said
    assert "new periods Jan 2024, Jun 2024" in said
    before, after = _export(sample_path, tmp_path), _export(empty_db, tmp_path)
    assert set(after) == {k for k in before if k[0] == PEEL}
    for key, item in after.items():
        original = before[key]
        for f in ("text", "area", "board", "lead", "dashboard", "status"):
            assert item[f] == original[f], (key, f)
        was, now = _assessments(original), _assessments(item)
        # the matrix gives every period's rating; the tables the current period's narratives
        assert {p: a["rag"] for p, a in now.items()} == {p: a["rag"] for p, a in was.items()}
        assert now["Jun 2024"] == was["Jun 2024"], key


@pytest.mark.parametrize("kind", ["recommendations", "peel"])
def test_reimporting_into_the_sample_changes_nothing(sample_path: Path, tmp_path: Path, kind: str,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    docx_file = _word(sample_path, tmp_path, kind)
    before = _export(sample_path, tmp_path)
    capsys.readouterr()
    assert main(["import", str(sample_path), str(docx_file)]) == 0
    said = capsys.readouterr().out
    count = 14 if kind == "peel" else 33
    assert f"0 new, 0 updated, {count} unchanged item(s) into “" in said
    assert "Imported: 0 inspections, 0 periods, 0 new items, 0 updated items" in said
    assert _export(sample_path, tmp_path) == before  # no duplicates, nothing changed


@pytest.mark.parametrize("kind,extra", [
    ("recommendations", ["--summary"]),
    ("peel", ["--summary", "--changes-since", "Jan 2024"]),
])
def test_front_matter_is_not_read_as_items(sample_path: Path, tmp_path: Path, kind: str,
                                           extra: list[str], empty_db: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    """The summary's lists name items ("AFI 4") and its tables rating words: the import
    starts at the report itself, so nothing is read twice or rated from a count table."""
    out = tmp_path / f"{kind}-front.docx"
    assert main(["report", str(sample_path), "--format", kind, *extra, "-o", str(out)]) == 0
    capsys.readouterr()
    assert main(["import", str(empty_db), str(out)]) == 0
    said = capsys.readouterr().out
    assert "Problem:" not in said and "appears twice" not in said
    title, count = (PEEL, 14) if kind == "peel" else (VETTING, 33)
    assert f"{count} new, 0 updated, 0 unchanged item(s) into a new inspection “{title}”" in said
    before, after = _export(sample_path, tmp_path), _export(empty_db, tmp_path)
    for key, item in after.items():
        assert {p: a["rag"] for p, a in _assessments(item).items()} == \
            {p: a["rag"] for p, a in _assessments(before[key]).items()}, key
