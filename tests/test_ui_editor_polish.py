"""The editor as a first-time user meets it (issue 19): how long a status note will
print, said while typing; and the printout that follows that rule."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack
from reports_support import pages_text, pdf_bytes

from ragdesk.domain import STATUS_NOTE_PRINT_LIMIT
from ragdesk.store import Store
from ragdesk.ui.editor import EditorPane


@pytest.fixture
def pane(qtbot, sample_store: Store) -> EditorPane:
    widget = EditorPane(sample_store, QUndoStack())
    sample_store.listeners.append(widget.refresh)
    widget.resolve_conflict = lambda parent, **kw: None
    widget.ask_keep_deleted = lambda parent, what: False
    widget.warn = lambda title, text: None
    qtbot.addWidget(widget)
    widget.resize(900, 900)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def _afi3_jun(store: Store) -> tuple[int, int]:
    afi3 = [r for r in store.item_rows() if r.label == "AFI 3"][1].id
    return afi3, store.period_by_label("Jun 2024").id


def test_status_note_counts_its_characters_against_the_print_limit(qtbot, pane, sample_store):
    item, period = _afi3_jun(sample_store)
    pane.show_item(item, period)
    note = pane.status_note
    note.setFocus()
    note.selectAll()
    qtbot.keyClicks(note, "Remains Amber")
    assert pane.note_count.text() == f"13 / {STATUS_NOTE_PRINT_LIMIT} characters"
    assert pane.note_count.isVisible()
    qtbot.keyClicks(note, " x" * (STATUS_NOTE_PRINT_LIMIT // 2))
    text = pane.note_count.text()
    assert text.startswith(f"{13 + STATUS_NOTE_PRINT_LIMIT} / {STATUS_NOTE_PRINT_LIMIT}")
    assert "print under the update" in text
    pane.flush()  # a soft limit: the long note is saved whole
    saved = sample_store.assessment(item, period).status_note
    assert len(saved) == 13 + STATUS_NOTE_PRINT_LIMIT
    qtbot.keyClick(note, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(note, Qt.Key.Key_Delete)
    assert pane.note_count.text() == ""


def test_a_long_status_note_prints_in_the_wide_column(sample_store: Store) -> None:
    item, period = _afi3_jun(sample_store)
    words = "Remains Amber following the Star Chamber review; further monitoring planned. "
    sample_store.save_assessment(item, period, status_note=(words * 70)[:5000])
    inspection = sample_store.item(item).inspection_id
    pages = pages_text(pdf_bytes(sample_store, kind="peel", inspection_ids=(inspection,),
                                 period_ids=(period,)))
    with_note = [n for n, page in enumerate(pages) if "Star Chamber review; further" in page]
    # in the Update column, under its own label, on two pages at most (it ran over four)
    assert 1 <= len(with_note) <= 2
    assert "Status note" in pages[with_note[0]]
