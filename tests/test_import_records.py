"""``ragdesk import`` of a unit's own records: Word appendices in both seed layouts, Excel
and CSV trackers. Documents are built with python-docx/openpyxl from the sample's content
(tests/office_docs.py) and what comes back is compared item by item with the sample."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path
from typing import Any

import pytest
from office_docs import (
    peel_update_docx,
    sample_data,
    tracker_csv,
    tracker_xlsx,
    update_report_docx,
)

from ragdesk import richtext
from ragdesk.cli import main
from ragdesk.importing.plan import ImportPlan, apply, choose_target, diff, undo
from ragdesk.importing.records import read_plan
from ragdesk.importing.spreadsheet import STATUSES, guess_mapping
from ragdesk.records import Identity
from ragdesk.store import Store

SAMPLE = sample_data()
VETTING, PEEL = SAMPLE["inspections"]


def plain(stored: str | None) -> str:
    return " ".join(richtext.to_plain(stored or "").split())


def stored(store: Store, title_word: str) -> dict[tuple[str, str], Any]:
    ins = next(i for i in store.inspections() if title_word.lower() in i.title.lower())
    return {(i.kind.value, i.number): i for i in store.items(ins.id)}


def compare(store: Store, inspection: dict[str, Any], *, exact_rich: bool, with_status: bool,
            title_word: str) -> None:
    """Every sample item is in the store with its number, kind, text, bullets, ratings per
    period and narratives in the right fields."""
    items = stored(store, title_word)
    assert len(items) == len(inspection["items"])
    periods = {p.label: p.id for p in store.periods()}
    for want in inspection["items"]:
        got = items[(want["kind"], want["number"])]
        where = f"{want['kind']} {want['number']}"
        if exact_rich:  # bullets as real lists, bold and italic kept
            assert got.text == want["text"], where
        else:
            assert plain(got.text) == plain(want["text"]), where
        assert got.deadline.to_text() == want["deadline"], where
        for name in ("area", "board", "lead"):
            assert getattr(got, name) == (want[name] or ""), (where, name)
        if with_status:
            assert got.status == want["status"], where
        for a in want["assessments"]:
            have = store.assessment(item_id=got.id, period_id=periods[a["period"]])
            assert have is not None, (where, a["period"])
            assert have.rag == a["rag"], (where, a["period"])
            assert not have.draft
            assert have.status_note == a["status_note"], where
            for name in ("update", "intent_and_implementation", "impact"):
                if exact_rich:
                    assert getattr(have, name) == a[name], (where, name)
                else:
                    assert plain(getattr(have, name)) == plain(a[name]), (where, name)


def run(*args: str) -> int:
    return main(["import", *map(str, args)])


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "unit.db"
    Store.create(path).close()
    return path


# --------------------------------------------------------------------------- Word


def test_update_report_layout_comes_in_item_by_item(tmp_path: Path, db: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    doc = update_report_docx(tmp_path / "appendix.docx", VETTING)
    assert run(db, doc, "--period", "Jul 2023") == 0
    out = capsys.readouterr().out
    assert "28 recommendations, 5 areas for improvement" in out
    with Store.open(db) as store:
        assert [i.title for i in store.inspections()] == [VETTING["title"]]
        assert [p.label for p in store.periods()] == ["Jul 2023"]
        compare(store, VETTING, exact_rich=True, with_status=False, title_word="vetting")
        rec15 = stored(store, "vetting")[("recommendation", "15")]
        update = store.assessment(item_id=rec15.id, period_id=store.periods()[0].id)
        assert update is not None and "<table>" in update.update  # the status table kept


def test_update_report_without_period_says_so_and_writes_nothing(tmp_path: Path, db: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    doc = update_report_docx(tmp_path / "appendix.docx", VETTING)
    before = db.read_bytes()
    assert run(db, doc) == 1
    assert "--period" in capsys.readouterr().err
    assert db.read_bytes() == before


def test_peel_layout_reads_shading_periods_sections_and_areas(tmp_path: Path, db: Path) -> None:
    doc = peel_update_docx(tmp_path / "peel.docx", PEEL)
    assert run(db, doc, "--new-inspection", PEEL["title"]) == 0
    with Store.open(db) as store:
        assert [(p.label, p.date, p.meeting) for p in store.periods()] == [
            ("Jan 2024", None, ""), ("Jun 2024", dt.date(2024, 6, 26), "P&RSB 26 June 2024")]
        compare(store, PEEL, exact_rich=False, with_status=True, title_word="PEEL")
        # a DoT that the ratings already give is not stored as an override
        assert all(a.dot is None for a in store.assessments())
        afi3 = stored(store, "PEEL")[("afi", "3")]
        assert plain(afi3.dashboard) == "FRC Performance Dashboard - Power BI"


def test_peel_update_matches_the_existing_peel_inspection(tmp_path: Path, sample_path: Path) -> None:
    """Re-importing the sample's own PEEL update: nothing is duplicated, nothing changes."""
    doc = peel_update_docx(tmp_path / "peel.docx", PEEL)
    with Store.open(sample_path) as store:
        before = store.counts()
    assert run(sample_path, doc) == 0
    with Store.open(sample_path) as store:
        assert store.counts()["items"] == before["items"]
        compare(store, PEEL, exact_rich=False, with_status=True, title_word="PEEL")


def test_word_list_and_typed_bullets_all_become_lists(tmp_path: Path) -> None:
    for style in ("list", "o", "•", "-"):
        doc = update_report_docx(tmp_path / f"b{len(style)}{ord(style[0])}.docx", VETTING,
                                 in_table=0, bullets=(style,))
        plan, _ = read_plan(doc)
        rec3 = next(i for i in plan.items if i.number == "3")
        assert rec3.text == VETTING["items"][1]["text"], style


def test_box_after_heading_and_unmarked_box_are_handled(tmp_path: Path) -> None:
    from docx import Document

    doc = Document()
    doc.add_paragraph("Update report in the HMICFRS report 'Test inspection'")
    doc.add_paragraph().add_run("Recommendation 1").bold = True
    box = doc.add_table(rows=1, cols=6)
    for n, (w, m) in enumerate((("RED", ""), ("AMBER", "✗"), ("GREEN", ""))):
        box.cell(0, 2 * n).text, box.cell(0, 2 * n + 1).text = w, m
    doc.add_paragraph("By 1 May 2024, chief constables should do a thing.")
    doc.add_paragraph("We did it & more <b>.")
    box2 = doc.add_table(rows=1, cols=6)
    for n, w in enumerate(("RED", "AMBER", "GREEN")):
        box2.cell(0, 2 * n).text = w
    doc.add_paragraph().add_run("Recommendation 2").bold = True
    doc.add_paragraph("Chief constables should do another thing.")
    path = tmp_path / "t.docx"
    doc.save(str(path))
    plan, _ = read_plan(path)
    plan.name_period("Jan 2025")
    one, two = plan.items
    assert plan.inspection_title == "Test inspection"
    assert one.assessments["Jan 2025"].rag == "AMBER"
    assert plain(one.assessments["Jan 2025"].update) == "We did it & more <b>."
    assert one.deadline == "2024-05-01"
    assert "Jan 2025" not in two.assessments or two.assessments["Jan 2025"].rag is None
    assert any("Rec 2" in p and "no X" in p for p in plan.problems)


# --------------------------------------------------------------------------- spreadsheets


@pytest.mark.parametrize("fills_only", [False, True])
def test_xlsx_tracker_with_header_below_a_title(tmp_path: Path, db: Path, fills_only: bool) -> None:
    book = tracker_xlsx(tmp_path / "tracker.xlsx", VETTING, fills_only=fills_only)
    assert run(db, book, "--new-inspection", VETTING["title"], "--period", "Jul 2023") == 0
    with Store.open(db) as store:
        compare(store, VETTING, exact_rich=False, with_status=True, title_word="vetting")


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "cp1252"])
def test_csv_tracker_in_any_usual_encoding(tmp_path: Path, db: Path, encoding: str) -> None:
    sheet = tracker_csv(tmp_path / "tracker.csv", VETTING, encoding=encoding)
    assert run(db, sheet, "--new-inspection", VETTING["title"], "--period", "Jul 2023") == 0
    with Store.open(db) as store:
        compare(store, VETTING, exact_rich=False, with_status=True, title_word="vetting")
        rec = stored(store, "vetting")[("recommendation", "15")]
        assert "individual’s vetting status" in plain(rec.text)  # ’ survives each encoding


def test_column_names_and_register_statuses_are_recognised() -> None:
    headers = ["", "Recommendation ID", "AFI", "Owner", "Target date", "Rating", "Progress",
               "Status", "Board", "RAG Jan 2024", "Jun-24"]
    m = guess_mapping(headers)
    assert m == {"ref": 1, "text": 2, "lead": 3, "deadline": 4, "rag": 5, "update": 6,
                 "status": 7, "board": 8, "rag:Jan 2024": 9, "rag:Jun 2024": 10}
    assert {STATUSES[w] for w in ("completed", "superseded", "being progressed",
                                  "awaiting review", "no further action")} == {
        "closed", "superseded", "in_progress", "proposed_for_closure", "no_further_action"}


def test_tracker_with_rating_columns_per_period(tmp_path: Path, db: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("AFI tracker\n\nRef,AFI,Jan 2024,Jun 2024,Status\n"
                    "AFI 1,Do better,amber,G,Being progressed\n"
                    "AFI 2,Do more,R,Red,Awaiting review\n"
                    "Total,,,,\n", encoding="utf-8")
    plan, _ = read_plan(path)
    assert [p.label for p in plan.periods] == ["Jan 2024", "Jun 2024"]
    assert [(i.label, {k: a.rag for k, a in i.assessments.items()}, i.status) for i in plan.items] == [
        ("AFI 1", {"Jan 2024": "AMBER", "Jun 2024": "GREEN"}, "in_progress"),
        ("AFI 2", {"Jan 2024": "RED", "Jun 2024": "RED"}, "proposed_for_closure")]
    assert any("row 6" in p and "Total" in p for p in plan.problems)


# --------------------------------------------------------------------------- dry run, re-import


def test_dry_run_prints_and_writes_nothing(tmp_path: Path, db: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    doc = peel_update_docx(tmp_path / "peel.docx", PEEL)
    before = db.read_bytes()
    assert run(db, doc, "--dry-run") == 0
    out = capsys.readouterr().out
    assert "AFI 14" in out and "Jun 2024=GREEN" in out and "14 new" in out
    assert "nothing was written" in out
    assert db.read_bytes() == before


def test_reimport_updates_and_never_duplicates(tmp_path: Path, db: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    doc = update_report_docx(tmp_path / "appendix.docx", VETTING)
    assert run(db, doc, "--period", "Jul 2023") == 0
    changed = [dict(i) for i in VETTING["items"]]
    changed[0] = {**changed[0], "assessments": [{**changed[0]["assessments"][0], "rag": "RED"}]}
    doc2 = update_report_docx(tmp_path / "appendix2.docx", {**VETTING, "items": changed})
    capsys.readouterr()
    assert run(db, doc2, "--period", "Jul 2023", "--dry-run") == 0
    out = capsys.readouterr().out
    assert "0 new, 1 updated, 32 unchanged" in out and "GREEN → RED" in out
    assert run(db, doc2, "--period", "Jul 2023") == 0
    with Store.open(db) as store:
        assert store.counts()["items"] == 33
        rec2 = stored(store, "vetting")[("recommendation", "2")]
        assert store.assessment(item_id=rec2.id, period_id=store.periods()[0].id).rag == "RED"  # type: ignore[union-attr]


def test_matrix_only_reimport_keeps_narratives(tmp_path: Path, sample_path: Path) -> None:
    """A document giving only a rating must not wipe the period's narratives."""
    plan, _ = read_plan(peel_update_docx(tmp_path / "peel.docx", PEEL))
    for item in plan.items:
        for a in item.assessments.values():
            a.status_note = a.update = a.intent_and_implementation = a.impact = ""
    with Store.open(sample_path) as store:
        target = choose_target(store, plan)
        apply(store, plan, target)
        compare(store, PEEL, exact_rich=False, with_status=True, title_word="PEEL")


def test_undo_takes_back_exactly_what_apply_did(tmp_path: Path, sample_path: Path) -> None:
    from ragdesk.jsonio import export_data

    changed = [dict(i) for i in PEEL["items"]]
    changed[2] = {**changed[2], "lead": "ACC Someone Else", "assessments": [
        changed[2]["assessments"][0], {**changed[2]["assessments"][1], "rag": "RED",
                                       "status_note": "Worse"}]}
    changed.append({**changed[0], "number": "15", "text": "<p>A new one.</p>"})
    doc = peel_update_docx(tmp_path / "peel.docx", {**PEEL, "items": changed})
    plan, _ = read_plan(doc)
    with Store.open(sample_path) as store:
        before = export_data(store, with_audit=False)
        target = choose_target(store, plan)
        d = diff(store, plan, target)
        assert (d.count("new"), d.count("update")) == (1, 1)
        done = apply(store, plan, target)
        assert export_data(store, with_audit=False) != before
        undo(store, done)
        assert export_data(store, with_audit=False) == before


@pytest.mark.parametrize("colleague_edits", ["a new item", "an updated item's narrative"])
def test_undo_is_refused_when_a_colleague_changed_what_the_import_wrote(
        tmp_path: Path, sample_path: Path, colleague_edits: str) -> None:
    """Undo never loses a colleague's work: an import whose items were edited by someone
    else since is not undone (and nothing of it is), as any other undo is refused."""
    from ragdesk.errors import Conflict
    from ragdesk.jsonio import export_data

    changed = [dict(i) for i in PEEL["items"]]
    changed[2] = {**changed[2], "assessments": [
        changed[2]["assessments"][0], {**changed[2]["assessments"][1], "rag": "RED"}]}
    changed.append({**changed[0], "number": "15", "text": "<p>A new one.</p>"})
    doc = peel_update_docx(tmp_path / "peel.docx", {**PEEL, "items": changed})
    plan, _ = read_plan(doc)
    with Store.open(sample_path, identity=Identity("alice", "pc1")) as alice:
        done = apply(alice, plan, choose_target(alice, plan))
        with Store.open(sample_path, identity=Identity("bob", "pc2")) as bob:
            if colleague_edits == "a new item":
                item_id = done.created_items[0]
                period = bob.assessments(item_id=item_id)[-1].period_id
            else:
                item_id, period, _before = done.touched_assessments[0]
            bob.save_assessment(item_id=item_id, period_id=period, update="<p>Bob's board update.</p>")
        after_bob = export_data(alice, with_audit=False)
        with pytest.raises(Conflict, match="Nothing was undone"):
            undo(alice, done)
        assert export_data(alice, with_audit=False) == after_bob
        assert "Bob's board update." in alice.assessment(item_id=item_id, period_id=period).update


def test_unticked_items_are_left_out(tmp_path: Path, db: Path) -> None:
    plan, _ = read_plan(update_report_docx(tmp_path / "a.docx", VETTING))
    plan.name_period("Jul 2023")
    plan.items[0].include = False
    with Store.open(db) as store:
        apply(store, plan, choose_target(store, plan))
        assert ("recommendation", "2") not in stored(store, "vetting")
        assert len(stored(store, "vetting")) == 32


# --------------------------------------------------------------------------- bad files


def _bad_files(tmp: Path) -> dict[str, tuple[Path, str]]:
    files: dict[str, tuple[Path, str]] = {}
    (tmp / "blank.docx").write_bytes(b"")
    files["empty"] = (tmp / "blank.docx", "is empty")
    (tmp / "fake.docx").write_bytes(b"PK\x03\x04 this is not really a zip")
    files["not a real docx"] = (tmp / "fake.docx", "not a readable Word document")
    (tmp / "fake.xlsx").write_bytes(b"PK\x03\x04 nor this")
    files["not a real xlsx"] = (tmp / "fake.xlsx", "not a readable Excel workbook")
    (tmp / "locked.xlsx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    files["password protected"] = (tmp / "locked.xlsx", "password")
    from docx import Document
    doc = Document()
    doc.add_paragraph("Minutes of the meeting")
    t = doc.add_table(rows=2, cols=2)
    t.cell(0, 0).text, t.cell(0, 1).text = "Action", "Who"
    doc.save(str(tmp / "other.docx"))
    files["unknown table shape"] = (tmp / "other.docx", "layout ragdesk does not know")
    (tmp / "shopping.csv").write_text("apples,pears\n1,2\n", encoding="utf-8")
    files["csv with no known columns"] = (tmp / "shopping.csv", "no header row")
    with zipfile.ZipFile(tmp / "bomb.docx", "w", zipfile.ZIP_DEFLATED) as z, \
            z.open("word/document.xml", "w", force_zip64=True) as member:
        block = b"\0" * 2**20
        for _ in range(500):  # 500 MB unpacked, under 1 MB on disk
            member.write(block)
    files["huge"] = (tmp / "bomb.docx", "too large")
    return files


def test_bad_files_get_a_message_and_leave_the_db_byte_identical(
        tmp_path: Path, sample_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = sample_path.read_bytes()
    for name, (path, message) in _bad_files(tmp_path).items():
        assert run(sample_path, path) == 1, name
        err = capsys.readouterr().err
        assert message in err, (name, err)
        assert err.count("\n") == 1, (name, err)  # one line
        assert sample_path.read_bytes() == before, name


def test_nothing_selected_is_refused(db: Path) -> None:
    from ragdesk.errors import RagdeskError

    with Store.open(db) as store, pytest.raises(RagdeskError, match="No items"):
        plan = ImportPlan("x", inspection_title="T")
        apply(store, plan, choose_target(store, plan))


def test_an_item_found_twice_is_imported_once(tmp_path: Path, db: Path) -> None:
    items = VETTING["items"][:3] + [VETTING["items"][0]]
    plan, _ = read_plan(update_report_docx(tmp_path / "twice.docx", {**VETTING, "items": items}))
    assert [i.include for i in plan.items] == [True, True, True, False]
    assert any("Rec 2 appears twice" in p for p in plan.problems)
    plan.name_period("Jul 2023")
    plan.items[3].include = True  # even if the user ticks it again: updated, not duplicated
    with Store.open(db) as store:
        apply(store, plan, choose_target(store, plan))
        assert store.counts()["items"] == 3


@pytest.mark.parametrize("builder", ["appendix", "peel", "tracker"])
def test_reimporting_the_samples_own_content_changes_nothing(
        tmp_path: Path, sample_path: Path, builder: str, capsys: pytest.CaptureFixture[str]) -> None:
    """The sample's content written as a unit's file and imported back over the sample:
    matched to its inspection by title, every item unchanged, formatting kept (a tracker
    cell has no bold, but the same words do not overwrite the stored text)."""
    from ragdesk.jsonio import export_data

    path = {"appendix": lambda: update_report_docx(tmp_path / "a.docx", VETTING),
            "peel": lambda: peel_update_docx(tmp_path / "p.docx", PEEL),
            "tracker": lambda: tracker_xlsx(tmp_path / "t.xlsx", VETTING)}[builder]()
    with Store.open(sample_path) as store:
        before = export_data(store, with_audit=False)
    args = [] if builder == "peel" else ["--period", "Jul 2023"]
    assert run(sample_path, path, *args) == 0
    n = len((PEEL if builder == "peel" else VETTING)["items"])
    assert f"0 new, 0 updated, {n} unchanged" in capsys.readouterr().out
    with Store.open(sample_path) as store:
        assert export_data(store, with_audit=False) == before


def test_inspection_chosen_by_words_or_refused_when_ambiguous(
        tmp_path: Path, sample_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sheet = tracker_csv(tmp_path / "t.csv", VETTING)
    before = sample_path.read_bytes()
    assert run(sample_path, sheet, "--inspection", "police", "--period", "Jul 2023") == 1
    assert "matches 2 inspections" in capsys.readouterr().err
    assert run(sample_path, sheet, "--inspection", "nonexistent words", "--period", "Jul 2023") == 1
    assert "There is no inspection “nonexistent words”" in capsys.readouterr().err
    assert sample_path.read_bytes() == before
    assert run(sample_path, sheet, "--inspection", "vetting misogyny", "--period", "Jul 2023") == 0
    with Store.open(sample_path) as store:
        assert store.counts()["items"] == 47


def test_fill_colours_of_every_usual_kind_give_ratings(tmp_path: Path) -> None:
    from docx import Document
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from openpyxl import Workbook
    from openpyxl.styles import PatternFill
    from openpyxl.styles.colors import Color

    from ragdesk.importing.word import cell_fill, rating_of_colour

    assert [rating_of_colour(c) for c in ("FF0000", "C00000", "FFC000", "FFFF00", "00B050",
                                          "92D050", "0070C0", "FFFFFF", "D9D9D9", None)] == [
        "RED", "RED", "AMBER", "AMBER", "GREEN", "GREEN", "BLUE", None, None, None]
    table = Document().add_table(rows=1, cols=2)
    for cell, attrs in zip(table.rows[0].cells, ({"w:val": "solid", "w:color": "00B050",
                                                  "w:fill": "auto"},
                                                 {"w:val": "clear", "w:themeFill": "accent6"}),
                           strict=True):
        shd = OxmlElement("w:shd")
        for k, v in attrs.items():
            shd.set(qn(k), v)
        cell._tc.get_or_add_tcPr().append(shd)
    assert [cell_fill(c) for c in table.rows[0].cells] == ["00B050", None]

    wb = Workbook()
    ws = wb.active
    ws.append(["Ref", "Recommendation", "RAG"])
    for n, colour in enumerate((Color(indexed=11), Color(rgb="FFFFC000"), Color(theme=5)), start=1):
        ws.append([f"Rec {n}", "Text", None])
        ws.cell(n + 1, 3).fill = PatternFill("solid", fgColor=colour)
    wb.save(str(tmp_path / "fills.xlsx"))
    plan, _ = read_plan(tmp_path / "fills.xlsx")
    assert [i.assessments.get("", None) and i.assessments[""].rag for i in plan.items] == [
        "GREEN", "AMBER", None]  # indexed 11 is green; a theme colour cannot be told


def test_workbook_says_which_sheets_it_did_not_read(tmp_path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.title = "Notes"
    wb.active.append(["Notes for the meeting"])
    for title, rag in (("Tracker", "Green"), ("Old tracker", "Red")):
        ws = wb.create_sheet(title)
        ws.append(["Ref", "Recommendation", "RAG"])
        ws.append(["Rec 1", "Do it", rag])
    wb.save(str(tmp_path / "multi.xlsx"))
    plan, _ = read_plan(tmp_path / "multi.xlsx")
    assert [(i.label, i.assessments[""].rag) for i in plan.items] == [("Rec 1", "GREEN")]
    assert plan.problems == ["Only sheet “Tracker” was read; “Notes”, “Old tracker” were not."]
