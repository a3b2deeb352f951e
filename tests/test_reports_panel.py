"""Report 1's drawn-not-tabled pieces: the shaded panel of the inspectorate's words and the RAG row.

Both are drawn directly (for speed); these tests hold them to what the Table
versions did: a panel longer than a page splits and prints every word once, in
order, shaded on every page it spans; every item's row carries its own mark.
"""

from __future__ import annotations

import io
import re

import pypdf
from reports_support import marks, pages_text, pdf_bytes

from ragdesk import richtext
from ragdesk.store import Store

PANEL_RGB = b".94902 .956863 .972549 rg"  # PANEL (#F2F4F8) as a fill colour


def test_a_panel_longer_than_two_pages_splits_and_keeps_every_word(empty_store: Store) -> None:
    inspection = empty_store.add_inspection("Long words", kind="thematic")
    words = " ".join(f"w{n}" for n in range(9_000))
    item = empty_store.add_item(inspection.id, "recommendation", "1",
                                text=richtext.to_html(richtext.from_plain(words)))
    period = empty_store.add_period("Jun 2024")
    empty_store.save_assessment(item_id=item.id, period_id=period.id, rag="GREEN", update="<p>Done.</p>")
    data = pdf_bytes(empty_store, kind="recommendations")
    pages = pages_text(data)
    assert len(pages) >= 3
    found = [int(m) for m in re.findall(r"\bw(\d+)\b", "\n".join(pages))]
    assert found == list(range(9_000))  # each word once, in order, none lost at a split
    reader = pypdf.PdfReader(io.BytesIO(data))
    shaded = [PANEL_RGB in page.get_contents().get_data() for page in reader.pages]
    spanned = [n for n, text in enumerate(pages) if re.search(r"\bw\d+\b", text)]
    assert all(shaded[n] for n in spanned)  # the panel is shaded on every page it spans
    assert marks("\n".join(pages)) == [("Recommendation 1", "GREEN")]


def test_each_items_rag_row_marks_its_own_rating(empty_store: Store) -> None:
    inspection = empty_store.add_inspection("Rows", kind="thematic")
    period = empty_store.add_period("Jun 2024")
    chosen = ["RED", "GREEN", None, "AMBER", "RED", "GREEN"]
    for n, rag in enumerate(chosen, start=1):
        item = empty_store.add_item(inspection.id, "recommendation", str(n), text="<p>Text.</p>")
        empty_store.save_assessment(item_id=item.id, period_id=period.id, rag=rag, update="<p>Update.</p>")
    text = "\n".join(pages_text(pdf_bytes(empty_store, kind="recommendations")))
    assert marks(text) == [(f"Recommendation {n}", rag) for n, rag in enumerate(chosen, start=1)]
