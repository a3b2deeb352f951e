"""Reports survive whatever a user can type: markup characters, any script, huge and empty text, 1,000 items."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pypdf
import pytest
from reports_support import HEADING, marks, pages_text, pdf_bytes, qpdf_check

from ragdesk import richtext
from ragdesk.reports import ReportCancelled, ReportError, ReportOptions, build_report
from ragdesk.reports.flowables import escape
from ragdesk.store import Store

MARKUP = "<b>not bold</b> & < ]]> <para>x</para> &amp; <font size=40>"
UNICODE = "“quotes” – dashes — Zoë, Łódź, Ελληνικά, Кириллица"


def _one_item(store: Store, *, kind: str = "thematic", text: str = "", update: str = "",
              rag: str | None = "AMBER", **fields: str) -> tuple[int, int]:
    inspection = store.add_inspection("Test inspection", kind=kind)
    item = store.add_item(inspection.id, "afi" if kind == "PEEL" else "recommendation", "1",
                          text=text)
    period = store.add_period("Jun 2024", date="2024-06-30", meeting="P&RSB 26 June 2024")
    store.save_assessment(item_id=item.id, period_id=period.id, rag=rag, update=update, **fields)
    return inspection.id, period.id


def _html(text: str) -> str:
    return richtext.to_html(richtext.from_plain(text))


def test_escape_keeps_markup_literal() -> None:
    assert escape("<b>x</b> & ]]>") == "&lt;b&gt;x&lt;/b&gt; &amp; ]]&gt;"
    assert escape("a\nb\x00c") == "a<br/>bc"


@pytest.mark.parametrize("kind", ["recommendations", "peel"])
def test_user_markup_prints_literally(empty_store: Store, kind: str) -> None:
    bold_link = '<p><b>bold &lt;b&gt;</b> <a href="https://example.org/?a=1&amp;b=2">link &amp;</a></p>'
    _one_item(empty_store, kind="PEEL" if kind == "peel" else "thematic",
              text=_html(MARKUP), update=_html(MARKUP) + bold_link,
              intent_and_implementation=_html(MARKUP), impact=_html(MARKUP),
              status_note=MARKUP)
    text = "\n".join(pages_text(pdf_bytes(empty_store, kind=kind)))
    assert text.count(MARKUP) >= 2
    assert "bold <b>" in text and "link &" in text


@pytest.mark.parametrize("kind", ["recommendations", "peel"])
def test_unicode_survives_in_the_text_layer(empty_store: Store, kind: str) -> None:
    _one_item(empty_store, kind="PEEL" if kind == "peel" else "thematic",
              text=_html(UNICODE), update=_html(UNICODE + " 中文 😀\u200d\x07"),
              intent_and_implementation=_html(UNICODE))
    data = pdf_bytes(empty_store, kind=kind, document_owner="Zoë Łukasiewicz")
    text = "\n".join(pages_text(data))
    assert text.count(UNICODE) >= 2
    assert "Zoë Łukasiewicz" in text
    fonts = {str(f) for page in pypdf.PdfReader(io.BytesIO(data)).pages
             for f in page["/Resources"]["/Font"].values()}
    assert fonts  # embedded TrueType subsets, not the Latin-1 base fonts


def test_a_thirty_page_narrative_and_a_huge_table_cell_split(empty_store: Store,
                                                             tmp_path: Path) -> None:
    words = " ".join(f"word{n}" for n in range(30_000))
    huge_cell = "<table><tr><th>Heading</th><th>Other</th></tr><tr><td>" + \
        " ".join(f"cell{n}" for n in range(6_000)) + "</td><td>short</td></tr></table>"
    _one_item(empty_store, text=_html(words[:20_000]), update=f"<p>{words}</p>{huge_cell}<p>THE END</p>")
    path = tmp_path / "long.pdf"
    build_report(empty_store, ReportOptions(kind="recommendations"), path)
    pages = pages_text(path.read_bytes())
    assert len(pages) >= 30
    text = "\n".join(pages)
    assert "word29999" in text and "cell5999" in text and "THE END" in text
    assert marks(text) == [("Recommendation 1", "AMBER")]
    qpdf_check(path)


def test_a_long_user_table_repeats_its_header_once_per_page(empty_store: Store) -> None:
    rows = "".join(f"<tr><td>Row {n}</td><td>{'text ' * (60 if n == 5 else 2)}</td><td>{n}</td></tr>"
                   for n in range(150))
    _one_item(empty_store, update=f"<table><tr><th>Name</th><th>Text</th><th>Count</th></tr>{rows}</table>")
    pages = pages_text(pdf_bytes(empty_store, kind="recommendations"))
    assert len(pages) >= 3
    for page in pages:
        assert page.count("Name\nText\nCount") <= 1 and "Name\nText\nCount" in page
    text = "\n".join(pages)
    assert all(f"Row {n}\n" in text for n in range(150))


def test_huge_peel_fields_split_across_pages(empty_store: Store) -> None:
    bullets = "<ul>" + "".join(f"<li>point {n} " + "detail " * 40 + "</li>" for n in range(80)) + "</ul>"
    _one_item(empty_store, kind="PEEL", text=_html("An AFI"), intent_and_implementation=bullets,
              impact=bullets, status_note="note " * 3000)
    pages = pages_text(pdf_bytes(empty_store, kind="peel"))
    assert len(pages) > 5
    text = "\n".join(pages)
    assert [n for n in range(80) if text.count(f"point {n} ") != 2] == []  # intent and impact whole


def test_empty_narratives_and_unrated_items_print_cleanly(empty_store: Store) -> None:
    inspection = empty_store.add_inspection("Empty things")
    empty_store.add_item(inspection.id, "recommendation", "1")
    empty_store.add_item(inspection.id, "afi", "2", text="<p>Words</p>")
    period = empty_store.add_period("Jun 2024")
    empty_store.save_assessment(item_id=empty_store.items()[1].id, period_id=period.id, rag="GREEN", update="<p></p>")
    text = "\n".join(pages_text(pdf_bytes(empty_store, kind="recommendations",
                                          period_ids=(period.id,))))
    assert marks(text) == [("Recommendation 1", None), ("Area for improvement 2", "GREEN")]
    assert text.count("No update recorded for Jun 2024.") == 2
    peel = "\n".join(pages_text(pdf_bytes(empty_store, kind="peel", inspection_ids=(inspection.id,),
                                          period_ids=(period.id,))))
    assert "Not rated" in peel and "No update recorded" in peel


def test_a_thousand_items(empty_store: Store) -> None:
    period = empty_store.add_period("Jun 2024")
    inspection = empty_store.add_inspection("Big", kind="PEEL")
    with empty_store.batch():
        for n in range(1, 1001):
            item = empty_store.add_item(inspection.id, "afi", str(n), text=f"<p>Item {n} text</p>")
            empty_store.save_assessment(item_id=item.id, period_id=period.id, rag=("RED", "AMBER", "GREEN")[n % 3],
                                        update=f"<p>Update {n}</p>")
    calls: list[tuple[int, int]] = []
    out = io.BytesIO()
    build_report(empty_store, ReportOptions(kind="recommendations", inspection_ids=(inspection.id,)),
                 out, progress=lambda done, total: calls.append((done, total)))
    reader = pypdf.PdfReader(io.BytesIO(out.getvalue()))
    assert len(reader.pages) > 100
    assert HEADING.findall(reader.pages[0].extract_text())[0] == ("Area for improvement", "1")
    assert "Area for improvement 1000" in reader.pages[-2].extract_text() + reader.pages[-1].extract_text()
    assert calls[-1] == (2000, 2000)
    peel = pypdf.PdfReader(io.BytesIO(pdf_bytes(empty_store, kind="peel")))
    assert "AFI 1000 " in peel.pages[-1].extract_text()


def test_cancel_writes_nothing(sample_store: Store, tmp_path: Path) -> None:
    seen: list[int] = []
    target = tmp_path / "r.pdf"
    with pytest.raises(ReportCancelled):
        build_report(sample_store, ReportOptions(kind="recommendations"), target,
                     progress=lambda d, t: seen.append(d), cancelled=lambda: len(seen) >= 5)
    assert not target.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["sample.db"]  # no half-written temporary


def test_nothing_to_print_is_a_clear_error(empty_store: Store) -> None:
    empty_store.add_period("Jun 2024")
    with pytest.raises(ReportError, match="no items"):
        build_report(empty_store, ReportOptions(), io.BytesIO())
    with pytest.raises(ReportError, match="paper"):
        build_report(empty_store, ReportOptions(paper="A3"), io.BytesIO())


def test_meeting_defaults_to_board_setting_and_period_date(sample_store: Store) -> None:
    from ragdesk.reports import resolve

    jan = sample_store.period_by_label("Jan 2024")
    options = ReportOptions(kind="peel", period_ids=(jan.id,))
    assert resolve(sample_store, options).meeting == "31 January 2024"
    sample_store.set_setting("board", "P&RSB")
    assert resolve(sample_store, options).meeting == "P&RSB 31 January 2024"
    assert "For P&RSB 31 January 2024" in pages_text(pdf_bytes(sample_store, kind="peel",
                                                               period_ids=(jan.id,)))[0]


def test_draft_ratings_are_marked(sample_store: Store) -> None:
    sample_store.add_period("Dec 2024", carry_forward=True)  # every item: a draft copy
    peel = "\n".join(pages_text(pdf_bytes(sample_store, kind="peel")))
    assert "draft: carried forward, not yet reviewed" in peel
    assert "AMBER (draft)" in peel
    rec = "\n".join(pages_text(pdf_bytes(sample_store, kind="recommendations")))
    assert "Draft: carried forward from an earlier period" in rec


def test_peel_afis_in_the_recommendations_format_keep_their_update(sample_store: Store) -> None:
    text = "\n".join(pages_text(pdf_bytes(sample_store, kind="recommendations", inspection_ids=(2,))))
    assert text.count("Intent and Implementation") == 14
    assert "The new Problem-Solving form and procedure is now live" in text
    assert len(marks(text)) == 14


def test_generated_date_and_blue_rating(sample_store: Store) -> None:
    sample_store.update_rating("BLUE", enabled=True)
    data = pdf_bytes(sample_store, kind="recommendations", generated=dt.date(2025, 1, 2))
    first = pages_text(data)[0]
    assert "Generated 2 January 2025" in first
    assert "BLUE" in first
