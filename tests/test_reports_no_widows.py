"""No page of a report holds only a key or a heading, and no heading ends a page (issue 19).

Checked on the PDF's own text (pypdf), page by page, for both reports on the sample,
with the period counts that moved things about: one to three periods (with three, the
PEEL key used to sit alone on page 2) and fifteen (the matrix splits into earlier ones).
"""

from __future__ import annotations

import re

import pytest
from reports_support import pages_text, pdf_bytes

from ragdesk.store import Store

FURNITURE = re.compile(r"^(OFFICIAL(-SENSITIVE)?|Document owner:.*|Page \d+ of \d+|.*Generated \d.*)$")
# what a key or a table heading prints: on a page with nothing else, the page is a widow
KEY_OR_HEADING = re.compile(
    r"^(R|A|G|B|Red|Amber|Green|Blue|AFI|Area|DoT|RAG / DoT|Update|RAG ratings|RED|AMBER|GREEN"
    r"|BLUE|X|Intent and Implementation|Impact|RAG Rating \(please mark with an X\):"
    r"|Direction of travel since .*|Earlier periods: .*|Showing the latest .*"
    r"|[A-Z][a-z]{2}|\d{4}|(Recommendation|Area for improvement|Cause of concern) \S+"
    r"|AFI \d+, continued|.*, continued)$")
HEADING = re.compile(r"^((Recommendation|Area for improvement|Cause of concern) \S+"
                     r"|Earlier periods: .*|Intent and Implementation|Impact)$")


def _content(page: str) -> list[str]:
    lines = [line.strip() for line in page.splitlines()]
    return [line for line in lines if line and not FURNITURE.match(line)]


def _check(pages: list[str]) -> None:
    for n, page in enumerate(pages, start=1):
        lines = _content(page)
        body = [line for line in lines if not KEY_OR_HEADING.match(line)]
        assert body, f"page {n} holds only a key or headings: {lines}"
        assert not HEADING.match(lines[-1]), f"page {n} ends with the heading {lines[-1]!r}"


def _add_periods(store: Store, count: int) -> None:
    for n in range(count):
        store.add_period(f"Q{n + 1} {2025 + n // 4}", carry_forward=True)


@pytest.mark.parametrize("periods", [1, 2, 3])
def test_peel_report_keeps_its_key_with_the_matrix(sample_store: Store, periods: int) -> None:
    chosen = tuple(p.id for p in sample_store.periods()[:periods])
    pages = pages_text(pdf_bytes(sample_store, kind="peel", period_ids=chosen, marking="OFFICIAL"))
    _check(pages)
    # the key is on the first page, with the matrix
    assert "Direction of travel since the previous period" in pages[0]
    assert "AFI" in pages[0] and all("Direction of travel since" not in p for p in pages[1:])


def test_peel_report_with_many_periods_has_no_widowed_headings(sample_store: Store) -> None:
    _add_periods(sample_store, 16)
    chosen = tuple(p.id for p in sample_store.periods())
    pages = pages_text(pdf_bytes(sample_store, kind="peel", period_ids=chosen))
    assert any("Earlier periods:" in p for p in pages)
    _check(pages)


@pytest.mark.parametrize("inspection", [0, 1])
def test_recommendations_report_has_no_widowed_headings(sample_store: Store,
                                                       inspection: int) -> None:
    ids = (sample_store.inspections()[inspection].id,)
    for period in sample_store.periods():
        pages = pages_text(pdf_bytes(sample_store, kind="recommendations", inspection_ids=ids,
                                     period_ids=(period.id,), marking="OFFICIAL"))
        _check(pages)
