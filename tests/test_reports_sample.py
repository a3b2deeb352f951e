"""Both sample reports (seeds 000 and 004) read back from the PDF text layer."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import pypdf
from reports_support import HEADING, marks, pages_text, pdf_bytes, qpdf_check

from ragdesk.store import Store

SEED_000_AMBER = {"Recommendation 13", "Recommendation 16", "Area for improvement 1",
                  "Area for improvement 2", "Area for improvement 3"}


def _report1(store: Store, **kw: object) -> tuple[bytes, list[str]]:
    period = store.period_by_label("Jul 2023")
    assert period is not None
    data = pdf_bytes(store, kind="recommendations", period_ids=(period.id,),
                     generated=dt.date(2024, 7, 1), **kw)
    return data, pages_text(data)


def test_report1_headings_in_order_with_the_x_in_the_right_rating(sample_store: Store) -> None:
    data, pages = _report1(sample_store)
    text = "\n".join(pages)
    inspection = sample_store.inspections()[0]
    expected = [i.heading for i in sample_store.items(inspection.id)]
    assert [f"{m[1]} {m[2]}" for m in HEADING.finditer(text)] == expected
    reader = pypdf.PdfReader(io.BytesIO(data))
    assert [entry.title for entry in reader.outline] == expected  # bookmarks to each item
    targets = [reader.get_destination_page_number(entry) for entry in reader.outline]
    assert targets == sorted(targets) and targets[0] == 0 and targets[-1] >= len(pages) - 2
    for entry, page in zip(reader.outline, targets, strict=True):
        assert entry.title in pages[page]
    found = dict(marks(text))
    assert len(found) == 33
    for heading, mark in found.items():
        assert mark == ("AMBER" if heading in SEED_000_AMBER else "GREEN"), heading
    assert "Appendix 1" in pages[0]
    assert "in the HMICFRS report ‘An inspection of vetting, misconduct and misogyny in the" \
        in pages[0].replace("\n", " ")
    for word in ("RAG ratings", "will not be, or is unlikely to be, implemented in full"):
        assert word in pages[0].replace("\n", " ")


def test_report1_prints_narrative_bullets_and_tables(sample_store: Store) -> None:
    _, pages = _report1(sample_store)
    text = " ".join(" ".join(pages).split())
    assert "• applicants have committed criminal offences; and / or" in text
    assert "Complete 6,311 92.43%" in text  # the table in Recommendation 15's update
    assert "“With a few exceptions, the whole of the workforce is vetted" in text


def test_marking_and_page_x_of_y_on_every_page(sample_store: Store, tmp_path: Path) -> None:
    data, pages = _report1(sample_store, marking="OFFICIAL-SENSITIVE")
    total = len(pages)
    assert total > 5
    for n, page in enumerate(pages, start=1):
        assert page.count("OFFICIAL-SENSITIVE") >= 2, n
        assert f"Page {n} of {total}" in page
        assert "Generated 1 July 2024" in page
        assert "Document owner: Claire Heath" in page
    path = tmp_path / "r1.pdf"
    path.write_bytes(data)
    qpdf_check(path)


def test_no_marking_prints_none(sample_store: Store) -> None:
    _, pages = _report1(sample_store)
    assert not any("OFFICIAL" in p for p in pages)


def test_peel_report_matrix_dot_and_tables(sample_store: Store, tmp_path: Path) -> None:
    data = pdf_bytes(sample_store, kind="peel", marking="OFFICIAL")
    pages = pages_text(data)
    first = pages[0]
    assert "PEEL AFI Performance Update" in first
    assert "For P&RSB 26 June 2024" in first
    assert "Document Owner: Claire Heath" in first
    assert "Continuous Improvement Team" in first
    assert "Jan\n2024" in first and "Jun\n2024" in first
    flat = " ".join(first.split())
    assert "routinely identified (PROPOSED FOR CLOSURE)" in flat
    assert "(SUBJECT TO HMICFRS FIELD TESTING)" in flat
    rest = "\n".join(pages[1:])
    # one table per AFI, in order, each with its rating word and direction of travel
    found = re.findall(r"(RED|AMBER|GREEN)\n\s*([=+-])\n\s*DoT\n\s*AFI (\d+) ", rest)
    assert [int(n) for _, _, n in found] == list(range(1, 15))
    dots = {int(n): dot for _, dot, n in found}
    assert {n for n, d in dots.items() if d == "+"} == {5, 10, 11}
    assert {int(n): rag for rag, _, n in found}[10] == "GREEN"
    assert "Intent and Implementation" in rest and "Impact" in rest
    for n, page in enumerate(pages, start=1):
        assert page.count("OFFICIAL") >= 2
        assert f"Page {n} of {len(pages)}" in page
    path = tmp_path / "r2.pdf"
    path.write_bytes(data)
    qpdf_check(path)


def test_peel_single_period_and_letter_paper(sample_store: Store) -> None:
    import io

    import pypdf

    jun = sample_store.period_by_label("Jun 2024")
    assert jun is not None
    data = pdf_bytes(sample_store, kind="peel", period_ids=(jun.id,), paper="Letter")
    page = pypdf.PdfReader(io.BytesIO(data)).pages[0]
    assert round(float(page.mediabox.width)) == 792  # Letter, landscape
    assert "Jan\n2024" not in (page.extract_text() or "")
