"""Both Appendix 1 reports as Word documents, read back with python-docx.

What a board secretary opening the file sees: the headings in Word's heading styles in
the items' order, the X in the right box of each item's RAG table (the table before
its heading, as in seed 000), real Word lists, the marking in every page's header and
footer, "Page x of y" fields, the PEEL matrix letters on their colours, and the same
refusals and robustness as the PDF. LibreOffice's reading of the same files is in
test_export_libreoffice.py.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph

from ragdesk import richtext
from ragdesk.cli import main
from ragdesk.reports import ReportCancelled, ReportError, ReportOptions, build_report
from ragdesk.store import Store

SEED_000_AMBER = {"Recommendation 13", "Recommendation 16", "Area for improvement 1",
                  "Area for improvement 2", "Area for improvement 3"}
RATING_FILLS = {"RED": "C00000", "AMBER": "FFC000", "GREEN": "00B050"}


def word_bytes(store: Store, **options: object) -> bytes:
    out = io.BytesIO()
    build_report(store, ReportOptions(**options), out, fmt="docx")  # type: ignore[arg-type]
    return out.getvalue()


def open_docx(data: bytes):  # type: ignore[no-untyped-def]
    return docx.Document(io.BytesIO(data))


def blocks(document) -> list[Paragraph | Table]:  # type: ignore[no-untyped-def]
    """The body's paragraphs and tables in document order."""
    out: list[Paragraph | Table] = []
    for child in document.element.body.iterchildren():
        if child.tag == qn("w:p"):
            out.append(Paragraph(child, document))
        elif child.tag == qn("w:tbl"):
            out.append(Table(child, document))
    return out


def cell_fill(cell) -> str | None:  # type: ignore[no-untyped-def]
    shd = cell._tc.find(f"{qn('w:tcPr')}/{qn('w:shd')}")
    return shd.get(qn("w:fill")) if shd is not None else None


def x_marks(document) -> list[tuple[str, str | None]]:  # type: ignore[no-untyped-def]
    """(heading, rating whose box holds the X) for each Heading 2, from the table before it."""
    found: list[tuple[str, str | None]] = []
    last_table: Table | None = None
    for block in blocks(document):
        if isinstance(block, Table):
            last_table = block
        elif block.style.name == "Heading 2":
            assert last_table is not None, block.text
            texts = [c.text.strip() for c in last_table.rows[0].cells]
            marked = [texts[i - 1] for i, t in enumerate(texts) if t == "X"]
            assert len(marked) <= 1, texts
            found.append((block.text, marked[0] if marked else None))
            last_table = None  # each heading has a RAG table of its own
    return found


def _report1(store: Store, **kw: object):  # type: ignore[no-untyped-def]
    period = store.period_by_label("Jul 2023")
    assert period is not None
    return open_docx(word_bytes(store, kind="recommendations", period_ids=(period.id,),
                                generated=dt.date(2024, 7, 1), **kw))


def test_report1_headings_in_order_each_after_its_rag_table_with_the_x(sample_store: Store) -> None:
    document = _report1(sample_store)
    inspection = sample_store.inspections()[0]
    expected = [i.heading for i in sample_store.items(inspection.id)]
    marks = x_marks(document)
    assert [heading for heading, _ in marks] == expected
    for heading, mark in marks:
        assert mark == ("AMBER" if heading in SEED_000_AMBER else "GREEN"), heading
    body = blocks(document)
    # the seed's order: label, RAG table, heading, the inspectorate's words, the update
    first = next(n for n, b in enumerate(body) if isinstance(b, Paragraph)
                 and b.style.name == "Heading 2")
    assert body[first - 2].text == "RAG Rating (please mark with an X):"
    assert isinstance(body[first - 1], Table)
    assert body[first + 1].text.startswith("By 30 April 2023, chief constables should establish")
    titles = [b.text for b in body if isinstance(b, Paragraph) and b.style.name == "Heading 1"]
    assert titles == ["Update Report on Recommendations and AFIs for Chief Constables in the "
                      "HMICFRS report ‘An inspection of vetting, misconduct and misogyny in the "
                      "police’"]
    assert body[0].text == "Appendix 1"


def test_report1_rag_cells_are_coloured_and_worded(sample_store: Store) -> None:
    document = _report1(sample_store)
    legend = document.tables[0]
    assert legend.rows[0].cells[0].text == "RAG ratings"
    words = {row.cells[0].text: cell_fill(row.cells[0]) for row in legend.rows[1:]}
    assert words == RATING_FILLS
    assert "will not be, or is unlikely to be, implemented in full" in legend.rows[1].cells[1].text
    rag = document.tables[1]
    assert [c.text for c in rag.rows[0].cells] == ["RED", "", "AMBER", "", "GREEN", "X"]
    assert [cell_fill(c) for c in rag.rows[0].cells[::2]] == list(RATING_FILLS.values())


def test_report1_bullets_are_word_lists_and_tables_are_tables(sample_store: Store) -> None:
    document = _report1(sample_store)
    bullets = [p for p in document.paragraphs if p.style.name == "List Bullet"]
    assert "applicants have committed criminal offences; and / or" in [p.text for p in bullets]
    numbering = document.styles["List Bullet"].element.find(f"{qn('w:pPr')}/{qn('w:numPr')}")
    assert numbering is not None  # a real list: Word numbers it, no typed "•"
    assert not any(p.text.startswith("•") for p in document.paragraphs)
    rows = [[c.text for c in row.cells] for t in document.tables for row in t.rows]
    assert ["Complete", "6,311", "92.43%"] in rows  # the table in Recommendation 15's update
    text = "\n".join(p.text for p in document.paragraphs)
    assert "“With a few exceptions, the whole of the workforce is vetted" in text


def test_marking_page_fields_fonts_and_properties(sample_store: Store) -> None:
    document = _report1(sample_store, marking="OFFICIAL-SENSITIVE", paper="Letter")
    assert len(document.sections) == 1  # one header and footer for every page
    section = document.sections[0]
    assert section.header.paragraphs[0].text == "OFFICIAL-SENSITIVE"
    footer = [p.text for p in section.footer.paragraphs]
    assert footer[-1] == "OFFICIAL-SENSITIVE"
    assert "Document owner: Claire Heath, Continuous Improvement Team" in footer[0]
    assert "Generated 1 July 2024" in footer[0]
    instructions = [i.text.strip() for i in section.footer._element.iter(qn("w:instrText"))]
    assert instructions == ["PAGE", "NUMPAGES"]
    assert round(section.page_width.mm) == 216 and round(section.page_height.mm) == 279
    fonts = document.styles.element.find(
        f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:rFonts')}")
    assert fonts.get(qn("w:ascii")) == "Arial"
    for name in ("Heading 1", "Heading 2"):
        heading_fonts = document.styles[name].element.rPr.rFonts
        assert heading_fonts.get(qn("w:ascii")) == "Arial"
        assert heading_fonts.get(qn("w:asciiTheme")) is None  # a theme font would win
    assert document.core_properties.subject == "OFFICIAL-SENSITIVE"
    assert document.core_properties.author == "Claire Heath"


def test_no_marking_means_an_empty_header(sample_store: Store) -> None:
    document = _report1(sample_store)
    assert document.sections[0].header.paragraphs[0].text == ""
    assert all("OFFICIAL" not in p.text for p in document.sections[0].footer.paragraphs)


def _report2(store: Store, **kw: object):  # type: ignore[no-untyped-def]
    periods = tuple(p.id for p in store.periods() if p.label in ("Jan 2024", "Jun 2024"))
    return open_docx(word_bytes(store, kind="peel", period_ids=periods,
                                generated=dt.date(2024, 7, 1), **kw))


def test_report2_landscape_matrix_letters_on_their_colours(sample_store: Store) -> None:
    document = _report2(sample_store, marking="OFFICIAL")
    section = document.sections[0]
    assert section.page_width > section.page_height
    assert round(section.page_width.mm) == 297
    titles = [p.text for t in document.tables[:1] for c in t.rows[0].cells for p in c.paragraphs]
    assert "PEEL AFI Performance Update" in titles and "For P&RSB 26 June 2024" in titles
    key, matrix = document.tables[1], document.tables[2]
    # the key above the matrix, as the PDF's (issue 19): never alone on the next page
    assert [c.text for c in key.rows[0].cells][:6] == ["R", "Red", "A", "Amber", "G", "Green"]
    head = [c.text for c in matrix.rows[0].cells]
    assert head == ["AFI", "Area", "Jan\n2024", "Jun\n2024", "DoT", "",
                    "AFI", "Area", "Jan\n2024", "Jun\n2024", "DoT"]  # two halves, as seed 004
    grid = sample_store.rag_grid()
    items = {i.number: i for i in sample_store.items(sample_store.inspections()[1].id)}
    periods = [p for p in sample_store.periods() if p.label in ("Jan 2024", "Jun 2024")]
    dots = sample_store.directions(periods[-1].id)
    seen = 0
    for row in matrix.rows[1:]:
        for offset in (0, 6):
            cells = row.cells[offset:offset + 5]
            if not cells[0].text:
                continue
            item = items[cells[0].text]
            for cell, period in zip(cells[2:4], periods, strict=True):
                rag = grid[(item.id, period.id)][0]
                assert cell.text == rag[0] and cell_fill(cell) == RATING_FILLS[rag]
            direction = dots.get(item.id)
            assert cells[4].text == (direction.value if direction else "")
            seen += 1
    assert seen == 14
    assert "(CLOSED)" in matrix.rows[2].cells[1].text  # AFI 2's status, as the PDF


def test_report2_one_table_per_afi_with_the_update_headings(sample_store: Store) -> None:
    document = _report2(sample_store)
    afi_tables = [t for t in document.tables if t.rows[0].cells[0].text == "Area"
                  and len(t.columns) == 3]
    assert len(afi_tables) == 14
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 2"]
    assert headings == []  # the AFI headings are inside the tables' Update cells
    first = afi_tables[0]
    assert [c.text for c in first.rows[0].cells] == ["Area", "RAG / DoT", "Update"]
    assert first.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None  # repeats on each page
    area, rag, update = first.rows[1].cells
    assert area.paragraphs[0].text.startswith("Prevention & Deterrence")
    assert rag.paragraphs[0].text == "AMBER" and cell_fill(rag) == RATING_FILLS["AMBER"]
    assert [p.text for p in rag.paragraphs[1:]] == ["=", "DoT"]
    heading = update.paragraphs[0]
    assert heading.style.name == "Heading 2"
    assert heading.text.startswith("AFI 1  The force needs to do more to evaluate")
    labels = [p.text for p in update.paragraphs if p.runs and p.runs[0].bold]
    assert labels[-2:] == ["Intent and Implementation", "Impact"]
    assert any(p.style.name == "List Bullet" for p in update.paragraphs)
    all_headings = [p.text.split("  ")[0] for t in afi_tables for p in t.rows[1].cells[2].paragraphs
                    if p.style.name == "Heading 2"]
    assert all_headings == [f"AFI {n}" for n in range(1, 15)]


def test_cli_extension_picks_word_and_refuses_other_names(sample_path: Path, tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "Appendix 1.docx"
    assert main(["report", str(sample_path), "--inspection", "vetting", "--marking", "OFFICIAL",
                 "-o", str(out)]) == 0
    assert "(Word), 33 items" in capsys.readouterr().out
    document = docx.Document(str(out))
    assert len(x_marks(document)) == 33
    assert main(["report", str(sample_path), "-o", str(tmp_path / "a.doc")]) == 1
    assert "PDF (.pdf) or Word (.docx)" in capsys.readouterr().err
    assert not (tmp_path / "a.doc").exists()
    missing = tmp_path / "no" / "such" / "x.docx"
    assert main(["report", str(sample_path), "-o", str(missing)]) == 1
    assert f"Could not write the report to {missing}" in capsys.readouterr().err


def test_any_text_a_user_can_type_reaches_word_literally(empty_store: Store) -> None:
    markup = "<b>not bold</b> & < ]]> <w:p/> &amp;"
    unicode = "“quotes” – Zoë, Łódź, Ελληνικά, Кириллица, 漢字 🙂"
    inspection = empty_store.add_inspection("Test <inspection> & co")
    item = empty_store.add_item(inspection.id, "recommendation", "1",
                                text=richtext.to_html(richtext.from_plain(markup + "\x01\x0b")))
    period = empty_store.add_period("Jun 2024", date="2024-06-30")
    huge = ("A long sentence about the work done. " * 4000).strip()
    update = richtext.to_html((
        richtext.Paragraph((richtext.Span(unicode),)),
        richtext.Paragraph((richtext.Span("see "), richtext.Span("the portal", bold=True,
                                                                  href="https://example.org/?a=1&b=2"))),
        richtext.ListBlock(True, ((richtext.Span("first"),), (richtext.Span("second"),))),
        richtext.Paragraph((richtext.Span(huge),)),
    ))
    empty_store.save_assessment(item_id=item.id, period_id=period.id, rag="RED", update=update)
    document = open_docx(word_bytes(empty_store, kind="recommendations"))
    text = "\n".join(p.text for p in document.paragraphs)
    assert markup in text and unicode in text and huge in text
    assert "‘Test <inspection> & co’" in text
    numbered = [p for p in document.paragraphs if p.style.name == "List Number"]
    assert [p.text for p in numbered] == ["first", "second"]
    assert numbered[0]._p.pPr.numPr is not None  # its own numbering, starting at 1
    links = document.element.body.findall(f".//{qn('w:hyperlink')}")
    assert len(links) == 1
    target = document.part.rels[links[0].get(qn("r:id"))].target_ref
    assert target == "https://example.org/?a=1&b=2"
    assert x_marks(document) == [("Recommendation 1", "RED")]


def test_nothing_to_print_and_cancel_write_nothing(empty_store: Store, sample_store: Store,
                                                   tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    target = tmp_path / "out" / "x.docx"
    with pytest.raises(ReportError, match="no inspections yet"):
        build_report(empty_store, ReportOptions(), target)
    with pytest.raises(ReportCancelled):
        build_report(sample_store, ReportOptions(), target, cancelled=lambda: True)
    calls: list[tuple[int, int]] = []

    def progress(done: int, total: int) -> None:
        calls.append((done, total))
        if done == 5:
            raise ReportCancelled()

    target.write_bytes(b"the old file")
    with pytest.raises(ReportCancelled):
        build_report(sample_store, ReportOptions(), target, progress=progress)
    assert target.read_bytes() == b"the old file"
    assert [p.name for p in target.parent.iterdir()] == ["x.docx"]  # no temporary left over
    calls.clear()
    build_report(sample_store, ReportOptions(), target, progress=lambda d, t: calls.append((d, t)))
    assert calls[-1][0] == calls[-1][1] and docx.Document(str(target)).paragraphs


def test_property_elements_are_in_schema_order(sample_store: Store) -> None:
    """Word (unlike LibreOffice) refuses a file whose pPr/tcPr/trPr/tblPr children are out of
    the schema's order; docx_xml inserts its elements at their place."""
    from lxml import etree

    from ragdesk.reports.docx_xml import _ORDER, _tag

    for data in (word_bytes(sample_store, kind="recommendations", marking="OFFICIAL"),
                 word_bytes(sample_store, kind="peel", marking="OFFICIAL")):
        checked = 0
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            for part in ("word/document.xml", "word/header1.xml", "word/footer1.xml",
                         "word/styles.xml"):
                for element in etree.fromstring(z.read(part)).iter():
                    order = _ORDER.get(_tag(element)) if isinstance(element.tag, str) else None
                    if not order:
                        continue
                    found = [order.index(_tag(c)) for c in element
                             if isinstance(c.tag, str) and _tag(c) in order]
                    assert found == sorted(found), (part, [_tag(c) for c in element])
                    checked += 1
        assert checked > 500
