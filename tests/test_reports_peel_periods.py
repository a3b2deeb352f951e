"""The PEEL report with a long history: 24 reporting periods must stay on the page.

Read back from the PDF itself: every cell, rule and character drawn lies inside
the page box (landscape A4 and Letter), and every period is still printed.
"""

from __future__ import annotations

import io

import pypdf
import pytest
from reports_support import pages_text, pdf_bytes

from ragdesk import richtext
from ragdesk.store import Store

MONTHS = ("Mar", "Jun", "Sep", "Dec")
LABELS = [f"{MONTHS[q % 4]} {2019 + q // 4}" for q in range(24)]  # Mar 2019 ... Dec 2024
AFI_TEXT = ("The force should improve how it records, reviews and acts on crimes of violence "
            "against women and girls, so that victims get a consistent service.")


def _peel_history(store: Store, periods: int = 24, afis: int = 8) -> None:
    inspection = store.add_inspection("PEEL 2023–25: an inspection of Testshire Police", kind="PEEL")
    items = [store.add_item(inspection.id, "afi", str(n), text=richtext.to_html(
        richtext.from_plain(f"{AFI_TEXT} ({n})"))) for n in range(1, afis + 1)]
    for q, label in enumerate(LABELS[:periods]):
        period = store.add_period(label, carry_forward=False)
        for n, item in enumerate(items):
            store.save_assessment(item_id=item.id, period_id=period.id, rag=("RED", "AMBER", "GREEN")[(q + n) % 3],
                                  update="<p>Progress this quarter.</p>")


def _page_extent(page: pypdf.PageObject) -> tuple[float, float]:
    """Leftmost and rightmost x drawn on a page: rectangles, lines and text."""
    xs: list[float] = []

    def operand(op: bytes, args: list, cm: list[float], tm: list[float]) -> None:
        def x_of(x: float, y: float) -> float:
            return cm[0] * x + cm[2] * y + cm[4]
        if op == b"re":
            x, y, w, h = (float(a) for a in args)
            xs.extend((x_of(x, y), x_of(x + w, y + h)))
        elif op in (b"m", b"l"):
            xs.append(x_of(float(args[0]), float(args[1])))

    def text(chars: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if chars.strip():
            left = cm[0] * tm[4] + cm[2] * tm[5] + cm[4]
            xs.extend((left, left + 0.45 * size * len(chars.rstrip())))  # a cautious width

    page.extract_text(visitor_operand_before=operand, visitor_text=text)
    return min(xs), max(xs)


def _drawn_extents(data: bytes) -> list[tuple[int, float, float, float]]:
    """(page, leftmost, rightmost x drawn, page width) for each page."""
    out = []
    for number, page in enumerate(pypdf.PdfReader(io.BytesIO(data)).pages):
        assert page.mediabox.width > page.mediabox.height  # landscape
        left, right = _page_extent(page)
        out.append((number, left, right, float(page.mediabox.width)))
    return out


@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_24_periods_fit_the_landscape_page(empty_store: Store, paper: str) -> None:
    _peel_history(empty_store)
    data = pdf_bytes(empty_store, kind="peel", paper=paper)
    for page, left, right, width in _drawn_extents(data):
        assert left >= 30 and right <= width - 30, (paper, page, left, right, width)
    pages = pages_text(data)
    text = " ".join(" ".join(pages).split())
    # the latest periods first, with a note; the earlier history follows, nothing lost
    assert "Showing the latest" in text and "of 24 periods" in text
    assert "Earlier periods: Mar 2019 –" in text
    for label in LABELS:
        assert label in text, label
    assert "Dec 2024" in pages[0].replace("\n", " ")  # the current period is on the first page


def test_periods_that_fit_one_matrix_need_no_note(empty_store: Store) -> None:
    _peel_history(empty_store, periods=6)
    data = pdf_bytes(empty_store, kind="peel")
    text = " ".join(" ".join(pages_text(data)).split())
    assert "Showing the latest" not in text and "Earlier periods" not in text
    for _page, left, right, width in _drawn_extents(data):
        assert left >= 30 and right <= width - 30
