"""The tracker ragdesk exports (Excel and CSV, one row per item *and* period) imports back.

``ragdesk export --format xlsx|csv`` writes a Period column; the spreadsheet import groups
an item's rows by it, each row being that period's assessment, and the Inspection column
sends each inspection's rows to its own inspection. Tested end to end through the CLI:
into a fresh empty database (every rating and narrative per period as exported; the
tracker holds plain text, so narratives compare as text) and back into the sample itself
(nothing new, nothing changed).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ragdesk import richtext
from ragdesk.cli import main
from ragdesk.importing.spreadsheet import guess_mapping, plan_from_sheet, read_sheet

ITEM_FIELDS = ("deadline", "area", "board", "lead", "status")
RICH = ("update", "intent_and_implementation", "impact")


def _export(db: Path, tmp_path: Path) -> dict[tuple[str, str, str], dict]:
    out = tmp_path / f"{db.stem}-{len(list(tmp_path.iterdir()))}.json"
    assert main(["export", str(db), "--no-audit", "-o", str(out)]) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    return {(i["title"], it["kind"], it["number"]): it
            for i in data["inspections"] for it in i["items"]}


def _plain(stored: str) -> str:
    return " ".join(richtext.to_plain(richtext.parse(stored)).split())


def _per_period(item: dict) -> dict[str, dict[str, object]]:
    return {a["period"]: {"rag": a["rag"], "dot": a["dot"], "status_note": a["status_note"],
                          **{f: _plain(a[f]) for f in RICH}} for a in item["assessments"]}


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_tracker_round_trips_into_an_empty_file(sample_path: Path, tmp_path: Path, fmt: str,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    tracker = tmp_path / f"tracker.{fmt}"
    assert main(["export", str(sample_path), "--format", fmt, "-o", str(tracker)]) == 0
    fresh = tmp_path / "fresh.db"
    assert main(["new", str(fresh)]) == 0
    capsys.readouterr()
    assert main(["import", str(fresh), str(tracker)]) == 0
    said = capsys.readouterr().out
    assert "appears twice" not in said and "Problem:" not in said  # no period's row skipped
    assert "Imported: 2 inspections, 3 periods, 47 new items, 0 updated items" in said
    before, after = _export(sample_path, tmp_path), _export(fresh, tmp_path)
    assert set(after) == set(before)
    periods_seen = set()
    for key, item in after.items():
        original = before[key]
        assert _plain(item["text"]) == _plain(original["text"]), key
        for f in ITEM_FIELDS:
            assert item[f] == original[f], (key, f)
        assert _per_period(item) == _per_period(original), key
        periods_seen |= set(_per_period(item))
    assert periods_seen == {"Jul 2023", "Jan 2024", "Jun 2024"}


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_tracker_reimported_into_the_sample_changes_nothing(sample_path: Path, tmp_path: Path,
                                                            fmt: str,
                                                            capsys: pytest.CaptureFixture[str]
                                                            ) -> None:
    tracker = tmp_path / f"tracker.{fmt}"
    assert main(["export", str(sample_path), "--format", fmt, "-o", str(tracker)]) == 0
    before = _export(sample_path, tmp_path)
    capsys.readouterr()
    assert main(["import", str(sample_path), str(tracker)]) == 0
    said = capsys.readouterr().out
    assert "0 new, 0 updated, 33 unchanged item(s)" in said
    assert "0 new, 0 updated, 14 unchanged item(s)" in said
    assert "Imported: 0 inspections, 0 periods, 0 new items, 0 updated items" in said
    assert _export(sample_path, tmp_path) == before


def _write_csv(path: Path, rows: list[list[str]]) -> Path:
    import csv

    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    return path


def test_rows_grouped_by_period_each_its_own_assessment(tmp_path: Path) -> None:
    """A hand-made tracker of the same shape: rows out of period order, a direction of
    travel the ratings give (left to ragdesk to derive) and one they do not (kept)."""
    path = _write_csv(tmp_path / "t.csv", [
        ["Ref", "Recommendation", "Period", "RAG", "Direction of travel", "Update"],
        ["AFI 1", "Do more.", "Jun 2024", "GREEN", "+", "Better now."],
        ["AFI 1", "Do more.", "Jan 2024", "AMBER", "", "Started."],
        ["AFI 2", "Do less.", "Jan 2024", "AMBER", "", ""],
        ["AFI 2", "Do less.", "Jun 2024", "AMBER", "-", "Slipping."],
        ["AFI 2", "Do less.", "Jun 2024", "RED", "", "A second Jun 2024 row."],
    ])
    sheet = read_sheet(path, "csv")
    plan = plan_from_sheet(sheet, guess_mapping(sheet.headers), path.name)
    assert [p.label for p in plan.periods] == ["Jan 2024", "Jun 2024"]  # time order
    assert not plan.needs_period
    afi1, afi2 = plan.items
    assert {p: (a.rag, a.dot, _plain(a.update)) for p, a in afi1.assessments.items()} == {
        "Jun 2024": ("GREEN", None, "Better now."), "Jan 2024": ("AMBER", None, "Started.")}
    assert afi2.assessments["Jun 2024"].dot == "-"  # AMBER → AMBER would be "=": an override
    assert afi2.assessments["Jun 2024"].rag == "AMBER"
    assert any("AFI 2 appears twice for Jun 2024" in p for p in plan.problems)


def test_a_preview_of_a_tracker_with_several_inspections_reads_one_and_says_so(
        sample_path: Path, tmp_path: Path) -> None:
    tracker = tmp_path / "tracker.csv"
    assert main(["export", str(sample_path), "--format", "csv", "-o", str(tracker)]) == 0
    sheet = read_sheet(tracker, "csv")
    plan = plan_from_sheet(sheet, guess_mapping(sheet.headers), tracker.name)
    assert plan.inspection_title.startswith("An inspection of vetting")
    assert len(plan.items) == 33
    assert any("holds 2 inspections" in p for p in plan.problems)


def test_inspection_flags_refused_for_a_file_of_several(sample_path: Path, tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    tracker = tmp_path / "tracker.csv"
    assert main(["export", str(sample_path), "--format", "csv", "-o", str(tracker)]) == 0
    before = sample_path.read_bytes()
    assert main(["import", str(sample_path), str(tracker), "--new-inspection", "X"]) == 1
    assert "holds 2 inspections" in capsys.readouterr().err
    assert sample_path.read_bytes() == before


def test_reimport_leaves_a_draft_a_draft(sample_path: Path, tmp_path: Path) -> None:
    """A carried-forward draft the file repeats unchanged stays a draft to review: the
    import changes nothing it reports as unchanged."""
    from ragdesk.store import Store

    with Store.open(sample_path) as store:
        period = store.period_by_label("Jun 2024")
        assert period is not None
        a = next(a for a in store.assessments(period_id=period.id) if a.rag == "AMBER")
        store.save_assessment(item_id=a.item_id, period_id=period.id, draft=True)
    tracker = tmp_path / "tracker.csv"
    assert main(["export", str(sample_path), "--format", "csv", "-o", str(tracker)]) == 0
    assert main(["import", str(sample_path), str(tracker)]) == 0
    with Store.open(sample_path) as store:
        again = store.assessment(item_id=a.item_id, period_id=period.id)
        assert again is not None and again.draft and again.rag == "AMBER"
