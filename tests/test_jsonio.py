"""JSON/CSV exchange: nothing lost on a round trip, nothing half-imported or half-exported."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from crash_support import fill, tiny_disk
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ragdesk.cli import main
from ragdesk.errors import ImportFailed
from ragdesk.jsonio import export_csv, export_data, export_json, import_data, import_json
from ragdesk.store import Store


def _without_audit(data: dict) -> dict:
    return {k: v for k, v in data.items() if k != "audit"}


def test_sample_round_trips_through_an_empty_database(sample_store: Store, tmp_path: Path) -> None:
    first = export_data(sample_store)
    with Store.create(tmp_path / "copy.db") as copy:
        import_data(copy, json.loads(json.dumps(first)))
        second = export_data(copy)
    assert _without_audit(second) == _without_audit(first)
    assert len(first["audit"]) > 0


def test_export_holds_all_47_items_with_their_ratings(sample_store: Store) -> None:
    data = json.loads(export_json(sample_store))
    items = [it for ins in data["inspections"] for it in ins["items"]]
    assert len(items) == 47
    rec13 = next(it for it in items if it["kind"] == "recommendation" and it["number"] == "13")
    assert rec13["assessments"][0] == {**rec13["assessments"][0], "period": "Jul 2023", "rag": "AMBER"}


def test_import_is_all_or_nothing(empty_store: Store) -> None:
    data = {"inspections": [{"title": "Good", "items": [{"kind": "afi", "number": "1"}]},
                            {"title": "Bad", "items": [{"kind": "afi", "number": "2",
                                                        "assessments": [{"period": "Jun 2024", "rag": "MAUVE"}]}]}]}
    with pytest.raises(ImportFailed, match=r"inspections\[1\]\.items\[0\]\.assessments\[0\].*not a rating"):
        import_data(empty_store, data)
    assert empty_store.counts()["inspections"] == 0 and empty_store.periods() == []


@pytest.mark.parametrize("text, words", [
    ("{not json", "not valid JSON"),
    ('{"format": "other", "inspections": []}', "not a ragdesk export"),
    ('{"format": "ragdesk", "version": 99, "inspections": []}', "newer ragdesk"),
    ('{"inspections": [{"title": "", "items": []}]}', "needs a title"),
    ('{"inspections": [{"title": "x", "items": [{"kind": "wish"}]}]}', "not recommendation"),
    ('{"inspections": [{"title": "x", "items": [{"deadline": "soon"}]}]}', "not a date"),
    ('[1, 2]', "must be an object"),
])
def test_bad_json_gets_a_clear_error(empty_store: Store, text: str, words: str) -> None:
    with pytest.raises(ImportFailed, match=words):
        import_json(empty_store, text)
    assert empty_store.counts()["items"] == 0


def test_imported_rich_text_is_sanitised(empty_store: Store) -> None:
    import_data(empty_store, {"inspections": [{"title": "x", "items": [
        {"kind": "afi", "number": "1", "text": '<p onclick="x()">Hi <script>bad()</script><span>there</span></p>'}]}]})
    assert empty_store.items()[0].text == "<p>Hi there</p>"


def test_csv_has_one_row_per_item_and_period(sample_store: Store) -> None:
    rows = list(csv.DictReader(io.StringIO(export_csv(sample_store))))
    assert len(rows) == 33 + 14 * 2
    afi5 = [r for r in rows if r["inspection"].startswith("PEEL") and r["number"] == "5"]
    assert [(r["period"], r["rag"], r["direction_of_travel"]) for r in afi5] == [
        ("Jan 2024", "AMBER", ""), ("Jun 2024", "GREEN", "+")]


_text = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=40)
_rich = _text.map(lambda t: "" if not t else "<p>" + t.replace("&", "&amp;").replace("<", "&lt;")
                  .replace(">", "&gt;") + "</p>")
_assessment = st.fixed_dictionaries({
    "period": st.sampled_from(["Jan 2024", "Jun 2024", "Q3 “2024”"]),
    "rag": st.sampled_from(["RED", "AMBER", "GREEN", None]),
    "dot": st.sampled_from([None, "=", "+", "-"]),
    "status_note": _text, "update": _rich, "intent_and_implementation": _rich, "impact": _rich,
    "draft": st.booleans(),
})
_item = st.fixed_dictionaries({
    "kind": st.sampled_from(["recommendation", "afi", "cause_of_concern"]),
    "number": st.text(alphabet="0123456789abc", max_size=3),
    "text": _rich, "deadline": st.sampled_from([None, "2023-04-30", "with immediate effect"]),
    "area": _text.map(str.strip), "board": _text.map(str.strip), "lead": _text.map(str.strip),
    "status": st.sampled_from(["open", "closed", "field_testing"]),
    "assessments": st.lists(_assessment, max_size=3, unique_by=lambda a: a["period"]),
})
_data = st.fixed_dictionaries({"inspections": st.lists(st.fixed_dictionaries({
    "title": _text.map(str.strip).filter(bool), "kind": st.sampled_from(["PEEL", "thematic"]),
    "items": st.lists(_item, max_size=4)}), min_size=1, max_size=3)})


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(_data)
def test_export_import_export_is_stable(tmp_path_factory, data: dict) -> None:
    folder = tmp_path_factory.mktemp("rt")
    with Store.create(folder / "a.db") as a:
        import_data(a, data)
        first = export_data(a, with_audit=False)
    with Store.create(folder / "b.db") as b:
        import_data(b, json.loads(json.dumps(first)))
        second = export_data(b, with_audit=False)
    assert second == first
    assert sum(len(i["items"]) for i in first["inspections"]) == sum(
        len(i["items"]) for i in data["inspections"])


def test_full_disk_export_leaves_no_half_file(sample_path: Path, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    with tiny_disk(tmp_path / "usb", 512) as usb:
        fill(usb, 20_000)
        out = usb / "export.json"
        assert main(["export", str(sample_path), "-o", str(out)]) == 1
        assert "Traceback" not in capsys.readouterr().err
        assert sorted(p.name for p in usb.iterdir()) == ["filler"]
        out.write_text("yesterday's export")  # an older export is kept whole on failure
        assert main(["export", str(sample_path), "-o", str(out)]) == 1
        assert out.read_text() == "yesterday's export"
        assert sorted(p.name for p in usb.iterdir()) == ["export.json", "filler"]
