"""The overview and "what changed": numbers checked against the sample's JSON and the database."""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import sys
from collections import Counter
from pathlib import Path

import pytest

from ragdesk import richtext
from ragdesk.changes import compare_periods, diff_html, diff_text, item_changes, word_diff
from ragdesk.cli import main
from ragdesk.overview import NONE, build_overview
from ragdesk.store import Store

SAMPLE_JSON = Path(__file__).resolve().parents[1] / "resources" / "sample" / "sample.json"
GENERATE = Path(__file__).resolve().parents[1] / "benchmarks" / "generate.py"


def _sample() -> dict:
    return json.loads(SAMPLE_JSON.read_text(encoding="utf-8"))


def _peel(data: dict) -> dict:
    return next(i for i in data["inspections"] if i["title"].startswith("PEEL"))


def _ratings_in(inspection: dict, label: str) -> dict[str, str | None]:
    """number -> rating in the period, straight from the sample JSON."""
    out = {}
    for item in inspection["items"]:
        for a in item.get("assessments", []):
            if a["period"] == label:
                out[item["number"]] = a.get("rag")
    return out


def test_period_counts_match_the_sample_json(sample_store: Store) -> None:
    data = _sample()
    peel = _peel(data)
    overview = build_overview(sample_store, today=dt.date(2024, 7, 1))
    for label in ("Jan 2024", "Jun 2024"):
        expected = Counter(_ratings_in(peel, label).values())
        entry = next(p for p in overview.periods
                     if p.inspection == peel["title"] and p.period == label)
        counts = entry.tally.counts
        assert counts["AMBER"] == expected["AMBER"] and counts["GREEN"] == expected["GREEN"]
        assert counts["RED"] == expected.get("RED", 0) and counts[NONE] == 0
        assert entry.tally.total == len(peel["items"])
    # the PEEL AFIs moved from AMBER to GREEN between the two boards: the trend shows it
    jan, jun = (next(p for p in overview.periods if p.inspection == peel["title"] and p.period == x)
                for x in ("Jan 2024", "Jun 2024"))
    assert jan.tally.counts["AMBER"] > jun.tally.counts["AMBER"]
    # the vetting inspection was only reported in Jul 2023: no empty PEEL-era rows for it
    vetting = [p.period for p in overview.periods if not p.inspection.startswith("PEEL")]
    assert vetting == ["Jul 2023"]


def test_each_count_names_the_items_behind_it(sample_store: Store) -> None:
    peel = next(i for i in sample_store.inspections() if i.title.startswith("PEEL"))
    overview = build_overview(sample_store, inspection_id=peel.id)
    jun = next(p for p in overview.trend if p.period == "Jun 2024")
    period = sample_store.period_by_label("Jun 2024")
    for code, ids in jun.tally.items.items():
        for item_id in ids:
            a = sample_store.assessment(item_id=item_id, period_id=period.id)
            assert (a.rag if a and a.rag else NONE) == code


def test_lists_follow_the_database(sample_store: Store) -> None:
    today = dt.date(2024, 6, 20)
    overview = build_overview(sample_store, today=today, review_days=14)
    rows = {r.id: r for r in sample_store.item_rows(today=today)}
    assert {x.id for x in overview.overdue} == {i for i, r in rows.items() if r.overdue}
    assert all(rows[x.id].rag not in ("GREEN", "BLUE") for x in overview.overdue)
    items = {i.id: i for i in sample_store.items()}
    finished = {s.code for s in sample_store.statuses() if s.finished}
    expected_review = {i for i, it in items.items() if it.review_date
                       and it.review_date <= today + dt.timedelta(days=14)
                       and it.status not in finished}
    assert {x.id for x in overview.review_due} == expected_review and expected_review
    assert {x.id for x in overview.proposed} == {
        i for i, it in items.items() if it.status == "proposed_for_closure"}
    # statuses: every item counted once, under its own status
    assert sum(len(s.items) for s in overview.statuses) == len(items)
    assert Counter({s.code: len(s.items) for s in overview.statuses if s.items}) == Counter(
        it.status for it in items.values())
    # boards and leads add up to every item
    assert sum(g.tally.total for g in overview.by_board) == len(items)
    assert sum(g.tally.total for g in overview.by_lead) == len(items)


def test_no_update_means_no_assessment_or_only_the_carried_draft(sample_store: Store) -> None:
    peel = next(i for i in sample_store.inspections() if i.title.startswith("PEEL"))
    before = build_overview(sample_store, inspection_id=peel.id)
    assert before.current.label == "Jun 2024" and before.no_update == []
    new = sample_store.add_period("Dec 2024", date="2024-12-31")  # carries drafts forward
    after = build_overview(sample_store, inspection_id=peel.id)
    finished = {s.code for s in sample_store.statuses() if s.finished}
    open_items = {i.id for i in sample_store.items(peel.id) if i.status not in finished}
    assert {x.id for x in after.no_update} == open_items
    one = sorted(open_items)[0]
    sample_store.save_assessment(item_id=one, period_id=new.id, update="<p>Done.</p>", draft=False)
    assert one not in {x.id for x in build_overview(sample_store, inspection_id=peel.id).no_update}


def test_changes_between_the_peel_periods_are_the_rating_moves(sample_store: Store) -> None:
    peel_json = _peel(_sample())
    jan, jun = _ratings_in(peel_json, "Jan 2024"), _ratings_in(peel_json, "Jun 2024")
    moved = {n: (jan[n], jun[n]) for n in jun if jan.get(n) != jun[n]}
    assert moved  # the sample has moves (AFI 5, 10, 11: AMBER -> GREEN)
    since = sample_store.period_by_label("Jan 2024")
    period = sample_store.period_by_label("Jun 2024")
    changes = compare_periods(sample_store, since.id, period.id)
    got = {c.number: (c.rag_before, c.rag_after) for c in changes.items if "rag" in c.changed}
    assert got == moved
    # every item listed as changed really differs in something it names
    for c in changes.items:
        assert c.changed and c.inspection == peel_json["title"]


def test_changes_see_narratives_direction_new_and_closed(sample_store: Store) -> None:
    peel = next(i for i in sample_store.inspections() if i.title.startswith("PEEL"))
    jun = sample_store.period_by_label("Jun 2024")
    dec = sample_store.add_period("Dec 2024", date="2024-12-31")
    afi1 = next(i for i in sample_store.items(peel.id) if i.number == "1")
    afi3 = next(i for i in sample_store.items(peel.id) if i.number == "3")
    old = sample_store.assessment(item_id=afi1.id, period_id=jun.id)
    sample_store.save_assessment(item_id=afi1.id, period_id=dec.id, rag="RED",
                                 update=old.update + "<p>A new sentence & more.</p>")
    sample_store.update_item(afi3.id, status="closed")
    newcomer = sample_store.add_item(peel.id, "afi", "99", text="<p>New one</p>")
    sample_store.save_assessment(item_id=newcomer.id, period_id=dec.id, rag="AMBER")
    afi6 = next(i for i in sample_store.items(peel.id) if i.number == "6")
    sample_store.save_assessment(item_id=afi6.id, period_id=dec.id, dot="+")  # still AMBER, but improving
    changes = {c.item_id: c for c in compare_periods(sample_store, jun.id, dec.id).items}
    assert changes[afi1.id].changed[0] == "rag"
    assert changes[afi6.id].changed == ("direction",)
    assert (changes[afi6.id].direction_before, changes[afi6.id].direction_after) == ("=", "+")
    assert "update" in changes[afi1.id].changed
    assert changes[afi1.id].move == "AMBER → RED"
    assert "closed" in changes[afi3.id].changed
    assert changes[newcomer.id].changed[0] == "new"
    # untouched drafts carried forward do not count as changes
    assert len(changes) == 4
    one = item_changes(sample_store, afi1.id, jun.id, dec.id)
    assert one is not None and one.narratives[0].name == "update"
    assert "{+A new sentence & more.+}" in diff_text(word_diff(one.narratives[0].before,
                                                               one.narratives[0].after))


def test_word_diff_marks_an_inserted_and_a_deleted_sentence() -> None:
    before = richtext.to_plain("<p>The board met in May. Funding was agreed.</p><p>Training starts.</p>")
    after = richtext.to_plain("<p>The board met in May. Staff were recruited.</p><p>Training starts.</p>")
    pieces = word_diff(before, after)
    assert [(p.op, p.text.strip()) for p in pieces if p.op != "equal"] == [
        ("delete", "Funding was agreed."), ("insert", "Staff were recruited.")]
    text = diff_text(pieces)
    assert text == ("The board met in May. [-Funding was agreed.-]{+Staff were recruited.+}\n"
                    "Training starts.")
    page = diff_html(pieces)
    assert "line-through" in page and "underline" in page and page.count("<p>") == 2
    assert "<sup>+</sup>Staff were recruited." in page and "<sup>−</sup>Funding was agreed." in page
    # text with markup characters is escaped, not interpreted
    assert "&lt;b&gt;" in diff_html(word_diff("a", "a <b> & c"))


def _run(capsys, *argv: str) -> dict:
    assert main(list(argv)) == 0
    return json.loads(capsys.readouterr().out)


def test_cli_json_shapes(sample_path: Path, capsys) -> None:
    data = _run(capsys, "overview", str(sample_path), "--inspection", "PEEL", "--format", "json")
    assert set(data) >= {"periods", "overdue", "review_due", "by_board", "by_lead"}
    assert [p["period"] for p in data["periods"]] == ["Jan 2024", "Jun 2024"]
    for p in data["periods"]:
        assert set(p) == {"inspection", "period", "counts"}
        assert set(p["counts"]) == {"RED", "AMBER", "GREEN", "BLUE", "none"}
    assert data["periods"][1]["counts"] == {"RED": 0, "AMBER": 5, "GREEN": 9, "BLUE": 0, "none": 0}
    for row in data["review_due"]:
        assert set(row) == {"inspection", "kind", "number", "review_date", "rag"}
    data = _run(capsys, "overview", str(sample_path), "--format", "json")
    for row in data["overdue"]:
        assert set(row) == {"inspection", "kind", "number", "deadline", "rag"}
    assert {r["number"] for r in data["overdue"]} == {"13", "16"}  # the two AMBER vetting recs
    assert {b["board"] for b in data["by_board"]} >= {"Contact Management", ""}

    data = _run(capsys, "changes", str(sample_path), "--since", "jan 2024", "--format", "json")
    assert (data["since"], data["period"]) == ("Jan 2024", "Jun 2024")
    for row in data["items"]:
        assert set(row) == {"inspection", "kind", "number", "rag_before", "rag_after", "changed"}
    moved = {r["number"] for r in data["items"] if "rag" in r["changed"]}
    assert moved == {"5", "10", "11"}

    assert main(["overview", str(sample_path)]) == 0
    assert "Jun 2024" in capsys.readouterr().out


def test_cli_refuses_unknown_periods_in_one_line(sample_path: Path, capsys) -> None:
    assert main(["changes", str(sample_path), "--since", "Feb 1999"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "There is no reporting period “Feb 1999”" in err
    assert main(["changes", str(sample_path), "--since", "Jun 2024", "--period", "Jan 2024"]) == 1
    assert "is not before" in capsys.readouterr().err
    assert main(["overview", str(sample_path), "--inspection", "nothing like it"]) == 1


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    spec = importlib.util.spec_from_file_location("bench_generate_overview", GENERATE)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    path = tmp_path_factory.mktemp("gen") / "gen.db"
    module.generate(str(path), items=60, inspections=4, periods=5, seed=3).close()
    return path


def test_counts_match_the_database_for_generated_data(generated: Path) -> None:
    with Store.open(generated, read_only=True) as store:
        overview = build_overview(store)
        db = store.conn
        for entry in overview.periods:
            expected = dict(db.execute(
                "SELECT COALESCE(a.rag, 'none'), COUNT(*) FROM assessments a "
                "JOIN items i ON i.id = a.item_id WHERE a.period_id = ? AND i.inspection_id = ? "
                "GROUP BY 1", (entry.period_id, entry.inspection_id)).fetchall())
            counts = {k: v for k, v in entry.tally.counts.items() if v}
            assert counts == expected
        periods = store.periods()
        changes = compare_periods(store, periods[-2].id, periods[-1].id)
        moved = {r[0] for r in db.execute(
            "SELECT a.item_id FROM assessments a JOIN assessments b ON b.item_id = a.item_id "
            "WHERE a.period_id = ? AND b.period_id = ? AND a.rag IS NOT b.rag",
            (periods[-2].id, periods[-1].id))}
        assert {c.item_id for c in changes.items if "rag" in c.changed} == moved
