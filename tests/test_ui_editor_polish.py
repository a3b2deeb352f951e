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
    saved = sample_store.assessment(item_id=item, period_id=period).status_note
    assert len(saved) == 13 + STATUS_NOTE_PRINT_LIMIT
    qtbot.keyClick(note, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(note, Qt.Key.Key_Delete)
    assert pane.note_count.text() == ""


def test_a_long_status_note_prints_in_the_wide_column(sample_store: Store) -> None:
    item, period = _afi3_jun(sample_store)
    words = "Remains Amber following the Star Chamber review; further monitoring planned. "
    sample_store.save_assessment(item_id=item, period_id=period, status_note=(words * 70)[:5000])
    inspection = sample_store.item(item).inspection_id
    pages = pages_text(pdf_bytes(sample_store, kind="peel", inspection_ids=(inspection,),
                                 period_ids=(period,)))
    with_note = [n for n, page in enumerate(pages) if "Star Chamber review; further" in page]
    # in the Update column, under its own label, on two pages at most (it ran over four)
    assert 1 <= len(with_note) <= 2
    assert "Status note" in pages[with_note[0]]


def test_key_fields_show_above_the_narratives_without_scrolling(qtbot, pane, sample_store):
    item, period = _afi3_jun(sample_store)
    sample_store.update_item(item, deadline="31/10/2023", lead="ACC <Nolan> & Co",
                             board="Local Policing Board", status="in_progress")
    pane.show_item(item, period)
    summary = pane.summary
    assert summary.isVisible()
    shown = summary.text()
    assert "31 October 2023" in shown and "In progress" in shown
    assert "ACC &lt;Nolan&gt; &amp; Co" in shown and "Local Policing Board" in shown
    # it sits in the part of the pane shown before any scrolling
    assert pane.scroll_area.verticalScrollBar().value() == 0
    top = summary.mapTo(pane.scroll_area.viewport(), summary.rect().bottomLeft()).y()
    assert 0 < top < pane.scroll_area.viewport().height()
    assert summary.mapTo(pane.scroll_area.viewport(), summary.rect().topLeft()).y() \
        < pane.assessment_box.mapTo(pane.scroll_area.viewport(), pane.assessment_box.rect().topLeft()).y()
    # each field's name takes you to it
    summary.linkActivated.emit("deadline")
    assert pane.deadline.hasFocus()
    at = pane.deadline.mapTo(pane.scroll_area.viewport(), pane.deadline.rect().topLeft()).y()
    assert 0 <= at < pane.scroll_area.viewport().height()
    # a change made elsewhere shows at once
    sample_store.update_item(item, lead="DCI Smith")
    assert "DCI Smith" in summary.text()
    pane.show_inspection(sample_store.item(item).inspection_id)
    assert not summary.isVisible()
