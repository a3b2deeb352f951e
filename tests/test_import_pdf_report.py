"""A new inspection from a published report: PDFs built like HMICFRS reports, item by item."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pypdf
import pytest
from report_pdf_support import build_report, peel_report, vetting_report
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from ragdesk import richtext
from ragdesk.cli import main
from ragdesk.domain import Deadline, ItemKind
from ragdesk.importing.pdf_report import ReportProblem, create_inspection, read_report
from ragdesk.importing.report_text import parse_text, read_deadline
from ragdesk.store import Store


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("reports")
    return {"vetting": build_report(folder / "vetting.pdf", vetting_report()),
            "peel": build_report(folder / "peel.pdf", peel_report())}


def _words(text: str) -> str:
    return " ".join(text.split())


def _lists(stored: str) -> list[int]:
    return [len(b.items) for b in richtext.parse(stored) if isinstance(b, richtext.ListBlock)]


def _expected(report) -> list[tuple[str, str]]:
    return [(i.kind, i.number) for i in report.items]


def test_every_item_of_the_vetting_report_once_with_text_bullets_and_deadline(pdfs):
    source = vetting_report()
    report = read_report(pdfs["vetting"])
    assert [(i.kind.value, i.number) for i in report.items] == _expected(source)
    assert report.notes == ()  # summary and chapter versions agree
    for want, got in zip(source.items, report.items, strict=True):
        assert _words(got.plain) == _words(richtext.to_plain(want.text)), got.label
        assert _lists(got.text) == _lists(want.text), got.label
        assert got.deadline == Deadline.parse(want.deadline), got.label
        assert len(got.pages) >= 2, f"{got.label} is in the summary and in a chapter"


def test_running_headers_page_numbers_and_footnotes_never_in_the_text(pdfs):
    report = read_report(pdfs["vetting"])
    for item in report.items:
        assert "An inspection of vetting, misconduct, and misogyny" not in item.plain
        assert not re.search(r"[A-Za-z).,;:]\d{1,2}\b", item.plain), item.plain
    rec16 = next(i for i in report.items if i.number == "16" and i.kind is ItemKind.RECOMMENDATION)
    assert "Police National Database (PND) as a tool" in rec16.plain


def test_an_item_that_runs_over_a_page_break_is_whole(pdfs):
    """At least one item's first and last words are on different pages of the PDF."""
    reader = pypdf.PdfReader(pdfs["vetting"])
    pages = [_words(p.extract_text().replace("•", "")) for p in reader.pages]
    report = read_report(pdfs["vetting"])
    spanning = []
    for item in report.items:
        words = _words(item.plain.replace("•", "")).split()
        head = f"{item.kind.heading} {item.number} " + " ".join(words[:8])
        start = next(n for n, text in enumerate(pages) if head in text)  # the summary list
        if " ".join(words[-4:]) not in pages[start]:
            spanning.append(item.label)
    assert spanning, "the test PDF should split an item over a page break"


def test_title_publication_date_and_inspectorate_from_the_first_pages(pdfs):
    report = read_report(pdfs["vetting"])
    assert report.title == "An inspection of vetting, misconduct, and misogyny in the police service"
    assert report.published == dt.date(2022, 11, 2)
    assert "page 2" in report.published_note
    assert report.inspectorate == "HMICFRS"


def test_peel_causes_of_concern_keep_their_recommendations_and_relative_deadlines(pdfs):
    report = read_report(pdfs["peel"])
    source = peel_report()
    assert [(i.kind.value, i.number) for i in report.items] == _expected(source)
    assert report.kind == "PEEL"
    by_label = {i.label: i for i in report.items}
    assert by_label["Rec 1.1"].reference == "Cause of concern 1"
    assert by_label["Rec 2.2"].reference == "Cause of concern 2"
    assert by_label["Rec 1.1"].deadline.date == dt.date(2023, 3, 30)  # six months from 30 Sep
    assert by_label["Rec 2.1"].deadline.date == dt.date(2022, 12, 30)  # three months
    assert by_label["Rec 2.2"].deadline.date == dt.date(2023, 3, 31)  # "By March 2023"
    for want, got in zip(source.items, report.items, strict=True):
        assert _words(got.plain) == _words(richtext.to_plain(want.text)), got.label
    # another publication date: "within" deadlines follow it, dated ones do not
    moved_by = {i.label: i for i in read_report(pdfs["peel"], published=dt.date(2022, 10, 31)).items}
    assert moved_by["Rec 1.1"].deadline.date == dt.date(2023, 4, 30)
    assert moved_by["Rec 2.2"].deadline.date == dt.date(2023, 3, 31)


def test_given_publication_date_wins(pdfs):
    report = read_report(pdfs["peel"], published=dt.date(2022, 10, 1))
    assert report.published == dt.date(2022, 10, 1)
    rec = next(i for i in report.items if i.number == "1.1")
    assert rec.deadline.date == dt.date(2023, 4, 1)


@pytest.mark.parametrize(("words", "published", "expected"), [
    ("By 30 April 2023, chief constables should", None, Deadline(dt.date(2023, 4, 30))),
    ("By 1st June 2024, forces should", None, Deadline(dt.date(2024, 6, 1))),
    ("By March 2024, the force should", None, Deadline(dt.date(2024, 3, 31))),
    ("By the end of February 2024, the force", None, Deadline(dt.date(2024, 2, 29))),
    ("With immediate effect, chief constables must", None, Deadline(immediate=True)),
    ("Within six months, the force should", dt.date(2023, 8, 31), Deadline(dt.date(2024, 2, 29))),
    ("Within 12 months of publication, forces", dt.date(2023, 1, 5), Deadline(dt.date(2024, 1, 5))),
    ("Within six months, the force should", None, Deadline()),
    ("The force needs to do more.", None, Deadline()),
    ("By working together, forces should", None, Deadline()),
])
def test_deadlines_from_the_opening_words(words, published, expected):
    deadline, _words, note = read_deadline(words, published)
    assert deadline == expected
    assert ("publication date" in note) == (published is None and words.startswith("Within"))


def test_pasted_text_goes_through_the_same_parser(pdfs):
    """The text a PDF reader copies (headers, page numbers, glued footnote numbers and all)."""
    reader = pypdf.PdfReader(pdfs["vetting"])
    text = "\f".join(page.extract_text() for page in reader.pages)
    pasted = parse_text(text)
    from_pdf = read_report(pdfs["vetting"])
    assert [i.label for i in pasted.items] == [i.label for i in from_pdf.items]
    for a, b in zip(pasted.items, from_pdf.items, strict=True):
        assert _words(a.plain) == _words(b.plain), a.label
        assert a.deadline == b.deadline


def test_versions_that_differ_are_reported_and_the_longest_kept():
    text = ("Recommendations\n\nRecommendation 1\nBy 30 April 2023, forces should do X.\n\n"
            "Chapter 1\n\nRecommendation 1\nBy 30 April 2023, forces should do X and Y.\n\n"
            "We found that forces did many things.\n")
    report = parse_text(text)
    assert len(report.items) == 1
    assert report.items[0].plain == "By 30 April 2023, forces should do X and Y."
    assert report.notes and "differ" in report.notes[0]


def test_mentions_in_passing_are_not_items():
    text = ("Foreword\n\nRecommendation 3 asks forces to act, and an Area for improvement is "
            "less urgent.\n\nAreas for improvement\n\nArea for improvement 1\nThe force "
            "needs to do more.\n")
    report = parse_text(text)
    assert [i.label for i in report.items] == ["AFI 1"]


def test_unicode_and_markup_characters_are_kept_as_text():
    text = "Recommendation 1\nBy 30 April 2023, Łódź & <Kraków> forces should “act”.\n"
    report = parse_text(text)
    assert report.items[0].plain == "By 30 April 2023, Łódź & <Kraków> forces should “act”."
    assert "&amp;" in report.items[0].text and "&lt;Kraków&gt;" in report.items[0].text


# ----------------------------------------------------------------------- bad PDFs


def _textless_pdf(path: Path) -> Path:
    c = canvas.Canvas(str(path), pagesize=A4)
    for _ in range(2):
        c.rect(50, 50, 400, 600, fill=1)  # a scanned page: a picture, no text
        c.showPage()
    c.save()
    return path


def _encrypted_pdf(source: Path, path: Path, password: str = "secret") -> Path:
    writer = pypdf.PdfWriter(clone_from=str(source))
    writer.encrypt(user_password=password, owner_password="owner", algorithm="RC4-128")
    with open(path, "wb") as f:
        writer.write(f)
    return path


def _no_items_pdf(path: Path) -> Path:
    c = canvas.Canvas(str(path), pagesize=A4)
    c.drawString(72, 760, "Annual report of the force. We answered more calls this year than")
    c.drawString(72, 745, "last year, and recorded more crime. Our recommendations follow next year.")
    c.showPage()
    c.save()
    return path


def test_a_scanned_pdf_is_refused(tmp_path):
    with pytest.raises(ReportProblem, match="no text"):
        read_report(_textless_pdf(tmp_path / "scan.pdf"))


def test_an_encrypted_pdf_is_refused(pdfs, tmp_path):
    with pytest.raises(ReportProblem, match="password-protected"):
        read_report(_encrypted_pdf(pdfs["peel"], tmp_path / "locked.pdf"))


def test_a_pdf_with_only_permissions_set_is_read(pdfs, tmp_path):
    """Many published PDFs are encrypted with an empty open password: they read as usual."""
    report = read_report(_encrypted_pdf(pdfs["peel"], tmp_path / "restricted.pdf", password=""))
    assert len(report.items) == len(peel_report().items)


@pytest.mark.parametrize("data", [
    b"%PDF-1.7\n1 0 obj << /Type /Catalog >> garbage \x00\x01\x02",
    b"%PDF-1.4\n",
])
def test_a_damaged_pdf_is_refused(tmp_path, data):
    path = tmp_path / "damaged.pdf"
    path.write_bytes(data)
    with pytest.raises(ReportProblem, match="damaged|no pages"):
        read_report(path)


def test_a_truncated_pdf_is_refused_or_read_never_a_traceback(pdfs, tmp_path):
    data = pdfs["vetting"].read_bytes()
    path = tmp_path / "half.pdf"
    path.write_bytes(data[: len(data) // 2])
    try:
        report = read_report(path)
    except ReportProblem as e:
        assert str(e)
    else:
        assert report.items


def test_a_pdf_without_items_is_refused(tmp_path):
    with pytest.raises(ReportProblem, match="no recommendations"):
        read_report(_no_items_pdf(tmp_path / "plain.pdf"))


# ----------------------------------------------------------------------- writing


def test_create_inspection_writes_the_chosen_items_in_one_transaction(pdfs, empty_store: Store):
    report = read_report(pdfs["peel"])
    chosen = [i for i in report.items if i.number != "5"]
    heard = []
    empty_store.listeners.append(heard.append)
    inspection = create_inspection(empty_store, report, chosen, title="Essex PEEL",
                                   published=dt.date(2022, 9, 30))
    assert len(heard) == 1  # one transaction, one change
    assert inspection.title == "Essex PEEL" and inspection.kind == "PEEL"
    assert inspection.published == dt.date(2022, 9, 30)
    items = empty_store.items(inspection.id)
    assert [(i.kind, i.number) for i in items] == [(i.kind, i.number) for i in chosen]
    rec = next(i for i in items if i.number == "1.1")
    assert rec.reference == "Cause of concern 1" and rec.deadline.date == dt.date(2023, 3, 30)
    assert _lists(rec.text) == [2]


def test_a_refused_item_writes_nothing(pdfs, empty_store: Store, monkeypatch):
    report = read_report(pdfs["peel"])
    calls = 0
    original = empty_store.add_item

    def failing(*args, **kwargs):
        nonlocal calls
        calls += 1
        if calls == 3:
            from ragdesk.errors import InvalidValue
            raise InvalidValue("text", "refused")
        return original(*args, **kwargs)

    monkeypatch.setattr(empty_store, "add_item", failing)
    with pytest.raises(Exception, match="refused"):
        create_inspection(empty_store, report)
    assert empty_store.inspections() == [] and empty_store.items() == []


# ----------------------------------------------------------------------- command line


def test_cli_import_creates_the_inspection(pdfs, tmp_path, capsys):
    db = tmp_path / "t.db"
    assert main(["new", str(db)]) == 0
    assert main(["import", str(db), str(pdfs["vetting"])]) == 0
    out = capsys.readouterr().out
    assert "28 recommendations, 5 AFIs" in out
    with Store.open(db) as store:
        (inspection,) = store.inspections()
        assert inspection.title.startswith("An inspection of vetting")
        assert inspection.published == dt.date(2022, 11, 2)
        assert len(store.items(inspection.id)) == 33
    assert main(["import", str(db), str(pdfs["peel"]), "--new-inspection", "Essex 2022",
                 "--published", "01/10/2022"]) == 0
    with Store.open(db) as store:
        peel = store.inspections()[-1]
        assert peel.title == "Essex 2022" and peel.published == dt.date(2022, 10, 1)
        rec = next(i for i in store.items(peel.id) if i.number == "1.1")
        assert rec.deadline.date == dt.date(2023, 4, 1)


def test_cli_dry_run_and_refusals_write_nothing(pdfs, tmp_path, capsys):
    db = tmp_path / "t.db"
    assert main(["new", str(db)]) == 0
    before = db.read_bytes()
    assert main(["import", str(db), str(pdfs["vetting"]), "--dry-run"]) == 0
    assert "Dry run" in capsys.readouterr().out
    assert db.read_bytes() == before
    locked = _encrypted_pdf(pdfs["peel"], tmp_path / "locked.pdf")
    assert main(["import", str(db), str(locked)]) == 1
    assert "password-protected" in capsys.readouterr().err
    assert main(["import", str(db), str(_textless_pdf(tmp_path / "scan.pdf"))]) == 1
    assert main(["import", str(db), str(_no_items_pdf(tmp_path / "plain.pdf"))]) == 1
    assert main(["import", str(db), str(pdfs["peel"]), "--inspection", "1"]) == 2
    assert main(["import", str(db), str(pdfs["peel"]), "--published", "soon"]) == 2
    assert db.read_bytes() == before


def test_cli_json_export_shows_the_imported_items(pdfs, tmp_path):
    db = tmp_path / "t.db"
    main(["new", str(db)])
    main(["import", str(db), str(pdfs["peel"])])
    out = tmp_path / "x.json"
    assert main(["export", str(db), "-o", str(out)]) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    kinds = [i["kind"] for i in data["inspections"][0]["items"]]
    assert kinds.count("cause_of_concern") == 2 and kinds.count("afi") == 14


def test_numbers_in_pasted_text_are_not_taken_for_footnote_markers():
    text = ("Recommendation 1\nBy 30 April 2023, forces should spend £1.5 million on version "
            "2.0 of the system, as the review said.4 Regulation 13 applies.\n")
    plain = parse_text(text).items[0].plain
    assert plain == ("By 30 April 2023, forces should spend £1.5 million on version 2.0 of the "
                     "system, as the review said. Regulation 13 applies.")


def test_a_cause_with_a_singular_recommendation_heading_in_pasted_text():
    text = ("Causes of concern\nCause of concern\nThe force doesn’t answer calls quickly enough.\n"
            "Recommendation\nWithin three months, the force should answer calls faster.\n"
            "Areas for improvement\nArea for improvement 1\nThe force needs to do more.\n")
    report = parse_text(text, published=dt.date(2024, 1, 31))
    assert [(i.label, i.reference) for i in report.items] == [
        ("CoC 1", ""), ("Rec 1.1", "Cause of concern 1"), ("AFI 1", "")]
    assert report.items[1].deadline == Deadline(dt.date(2024, 4, 30))


def test_a_cause_whose_recommendations_are_a_list_each_with_its_deadline():
    text = ("Cause of concern\nThe force isn’t managing risk well enough.\n"
            "Recommendations\n• Within three months, the force should review its risk "
            "assessments.\n• By 31 March 2024, the force should train its supervisors.\n"
            "Overview of the force\nThe force serves a large county.\n")
    report = parse_text(text, published=dt.date(2023, 10, 31))
    assert [(i.label, str(i.deadline)) for i in report.items] == [
        ("CoC 1", ""), ("Rec 1.1", "31 January 2024"), ("Rec 1.2", "31 March 2024")]


def test_cli_says_when_the_publication_date_is_not_known(tmp_path, capsys):
    report = peel_report()
    report.published = None  # the cover gives only the month
    pdf = build_report(tmp_path / "peel.pdf", report)
    db = tmp_path / "t.db"
    main(["new", str(db)])
    assert main(["import", str(db), str(pdf), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "Published: unknown (page 1 gives only “September 2022”" in out
    assert "give it with --published DATE" in out
    parsed = read_report(pdf)
    rec = next(i for i in parsed.items if i.number == "1.1")
    assert rec.deadline == Deadline() and "publication date" in rec.note


def test_a_body_line_that_wraps_onto_recommendation_n_is_not_an_item():
    from ragdesk.importing.report_text import Line, parse_lines

    def body(text, gap=False):
        return Line(text, 3, gap_before=gap, heading=False, indented=False)

    lines = [Line("Recommendation 1", 3, gap_before=True, heading=True, indented=False),
             body("By 30 April 2023, forces should act."),
             body("We explain why in detail in the chapter about vetting, as we set out in", True),
             body("Recommendation 2."),
             body("This matters to the public.")]
    report = parse_lines(lines)
    assert [i.label for i in report.items] == ["Rec 1"]


def test_an_annex_table_row_is_read_as_the_same_item():
    text = ("Annex A: Recommendations\n"
            "Recommendation 4 By 30 April 2023, chief constables should act.\n"
            "Recommendation 5 With immediate effect, forces must stop.\n"
            "Recommendation 6 asks forces to review.\n")
    report = parse_text(text)
    assert [(i.label, str(i.deadline)) for i in report.items] == [
        ("Rec 4", "30 April 2023"), ("Rec 5", "With immediate effect")]
