"""The editor pane, used as a person would: type, click, press keys, then check the database."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, Qt
from PySide6.QtGui import QGuiApplication, QUndoStack
from PySide6.QtWidgets import QApplication

from ragdesk.records import Identity
from ragdesk.store import Store
from ragdesk.ui.editor import EditorPane

CTRL = Qt.KeyboardModifier.ControlModifier
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def item_id(store: Store, label: str, inspection: int = 0) -> int:
    rows = [r for r in store.item_rows() if r.label == label]
    return rows[inspection].id


@pytest.fixture
def undo_stack() -> QUndoStack:
    return QUndoStack()


@pytest.fixture
def pane(qtbot, sample_store: Store, undo_stack: QUndoStack) -> EditorPane:
    widget = EditorPane(sample_store, undo_stack)
    sample_store.listeners.append(widget.refresh)  # what the window's StoreBridge does
    widget.messages = []  # type: ignore[attr-defined]
    widget.message.connect(widget.messages.append)  # type: ignore[attr-defined]
    # never a modal dialog in a test (a focus change at teardown may still save)
    widget.resolve_conflict = lambda parent, **kw: None
    widget.ask_keep_deleted = lambda parent, what: False
    widget.warn = lambda title, text: widget.messages.append(text)  # type: ignore[attr-defined]
    qtbot.addWidget(widget)
    widget.resize(900, 1000)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


@pytest.fixture
def other(sample_path: Path):
    """A colleague with the same file open on another machine."""
    store = Store.open(sample_path, identity=Identity(user="colleague", host="other-pc"))
    yield store
    store.close()


def afi3_jun(store: Store) -> tuple[int, int]:
    return item_id(store, "AFI 3", 1), store.period_by_label("Jun 2024").id


def type_narrative(qtbot, editor) -> None:
    editor.setFocus()
    editor.moveCursor(editor.textCursor().MoveOperation.End)
    qtbot.keyClicks(editor, "Progress ")
    qtbot.keyClick(editor, Qt.Key.Key_B, CTRL)
    qtbot.keyClicks(editor, "agreed")
    qtbot.keyClick(editor, Qt.Key.Key_B, CTRL)
    qtbot.keyClicks(editor, " at <board> & minuted")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.keyClick(editor, Qt.Key.Key_8, CTRL_SHIFT)
    qtbot.keyClicks(editor, "first step")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.keyClicks(editor, "second step")


NARRATIVE = ("<p>Progress <b>agreed</b> at &lt;board&gt; &amp; minuted</p>"
             "<ul><li>first step</li><li>second step</li></ul>")


def test_typed_narrative_is_saved_on_flush_and_undone(qtbot, pane, sample_store, undo_stack):
    item, period = afi3_jun(sample_store)
    pane.show_item(item, period)
    before = sample_store.assessment(item_id=item, period_id=period)
    assert before.update == ""
    type_narrative(qtbot, pane.update_box.editor)
    assert sample_store.assessment(item_id=item, period_id=period).update == ""  # nothing saved while typing
    assert pane.flush()
    after = sample_store.assessment(item_id=item, period_id=period)
    assert after.update == NARRATIVE
    assert after.updated_by == "tester" and after.version == before.version + 1
    assert after.intent_and_implementation == before.intent_and_implementation

    undo_stack.undo()
    assert sample_store.assessment(item_id=item, period_id=period).update == ""
    assert pane.update_box.editor.stored() == ""  # the pane shows the undone value
    undo_stack.redo()
    assert sample_store.assessment(item_id=item, period_id=period).update == NARRATIVE
    assert pane.update_box.editor.stored() == NARRATIVE


def test_leaving_a_field_saves_it(qtbot, pane, sample_store):
    item, period = afi3_jun(sample_store)
    pane.show_item(item, period)
    pane.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is pane)
    pane.lead.setFocus()
    pane.lead.selectAll()
    qtbot.keyClicks(pane.lead, "ACC Baldwin")
    pane.board.setFocus()  # Tab/click away
    assert sample_store.item(item).lead == "ACC Baldwin"
    pane.impact_box.editor.setFocus()
    qtbot.keyClicks(pane.impact_box.editor, "More ")
    pane.status_note.setFocus()
    # the cursor starts at the top: the words went into the first bullet
    assert sample_store.assessment(item_id=item, period_id=period).impact.startswith("<ul><li>More The new")
    qtbot.keyClicks(pane.status_note, " Checked.")
    pane.lead.setFocus()
    assert sample_store.assessment(item_id=item, period_id=period).status_note.endswith("17.06.24. Checked.")


def test_invalid_deadline_shows_message_and_changes_nothing(qtbot, pane, sample_store):
    item = item_id(sample_store, "Rec 13")
    pane.show_item(item, sample_store.period_by_label("Jul 2023").id)
    version = sample_store.item(item).version
    pane.deadline.selectAll()
    qtbot.keyClicks(pane.deadline, "31/02/2024")
    assert not pane.flush()
    assert pane.deadline_error.isVisible()
    assert "not a date" in pane.deadline_error.text()
    assert pane.deadline.text() == "31/02/2024"  # the typed text is kept
    assert sample_store.item(item).version == version
    assert str(sample_store.item(item).deadline) == "31 October 2023"
    pane.deadline.selectAll()
    qtbot.keyClicks(pane.deadline, "with immediate effect")
    qtbot.keyClick(pane.deadline, Qt.Key.Key_Return)
    assert sample_store.item(item).deadline.immediate
    assert not pane.deadline_error.isVisible()
    assert pane.flush()


def test_invalid_review_date_and_good_one(qtbot, pane, sample_store):
    item, period = afi3_jun(sample_store)
    pane.show_item(item, period)
    qtbot.keyClicks(pane.review_date, "next week")
    assert not pane.flush()
    assert pane.review_error.isVisible()
    assert sample_store.item(item).review_date is None
    pane.review_date.clear()
    qtbot.keyClicks(pane.review_date, "30/09/2024")
    assert pane.flush()
    assert sample_store.item(item).review_date.isoformat() == "2024-09-30"
    assert pane.review_date.text() == "30 September 2024"


def test_rag_buttons_and_keys(qtbot, pane, sample_store, undo_stack):
    item, period = afi3_jun(sample_store)
    pane.show_item(item, period)
    assert sample_store.assessment(item_id=item, period_id=period).rag == "AMBER"
    assert pane.rag.buttons["AMBER"].isChecked()
    qtbot.mouseClick(pane.rag.buttons["GREEN"], Qt.MouseButton.LeftButton)
    assert sample_store.assessment(item_id=item, period_id=period).rag == "GREEN"
    assert pane.rag.buttons["GREEN"].isChecked() and not pane.rag.buttons["AMBER"].isChecked()
    assert pane.rag.buttons["GREEN"].text() == "GREEN"  # the word, never colour alone

    pane.confirm_button.setFocus()
    qtbot.keyClick(pane.evidence.attach_button, Qt.Key.Key_R)  # focus outside any text box
    assert sample_store.assessment(item_id=item, period_id=period).rag == "RED"
    qtbot.keyClick(pane.rag.buttons["RED"], Qt.Key.Key_A)
    assert sample_store.assessment(item_id=item, period_id=period).rag == "AMBER"

    qtbot.keyClick(pane.status_note, Qt.Key.Key_G)  # typing in a text box is just typing
    assert sample_store.assessment(item_id=item, period_id=period).rag == "AMBER"
    assert pane.status_note.toPlainText().endswith("17.06.24.g")

    undo_stack.undo()
    assert sample_store.assessment(item_id=item, period_id=period).rag == "RED"
    assert pane.rag.buttons["RED"].isChecked()


def test_blue_appears_only_when_enabled(qtbot, pane, sample_store):
    item, period = afi3_jun(sample_store)
    pane.show_item(item, period)
    assert "BLUE" not in pane.rag.buttons
    sample_store.update_rating("BLUE", enabled=True)
    assert "BLUE" in pane.rag.buttons
    qtbot.keyClick(pane.evidence.attach_button, Qt.Key.Key_B)
    assert sample_store.assessment(item_id=item, period_id=period).rag == "BLUE"


def test_rating_an_item_with_no_assessment_creates_it_and_undo_removes_it(
        qtbot, pane, sample_store, undo_stack):
    item = item_id(sample_store, "Rec 13")
    period = sample_store.period_by_label("Jun 2024").id
    assert sample_store.assessment(item_id=item, period_id=period) is None
    pane.show_item(item, period)
    qtbot.mouseClick(pane.rag.buttons["RED"], Qt.MouseButton.LeftButton)
    assert sample_store.assessment(item_id=item, period_id=period).rag == "RED"
    undo_stack.undo()
    assert sample_store.assessment(item_id=item, period_id=period) is None
    undo_stack.redo()
    assert sample_store.assessment(item_id=item, period_id=period).rag == "RED"


def test_direction_override(qtbot, pane, sample_store):
    item, period = afi3_jun(sample_store)
    pane.show_item(item, period)
    assert pane.direction.text().startswith("Derived:")
    pane.dot.setCurrentIndex(pane.dot.findData("+"))
    pane.dot.activated.emit(pane.dot.currentIndex())
    assert sample_store.assessment(item_id=item, period_id=period).dot.value == "+"
    assert pane.direction.text().startswith("Chosen:")
    pane.dot.setCurrentIndex(0)
    pane.dot.activated.emit(0)
    assert sample_store.assessment(item_id=item, period_id=period).dot is None


def test_confirming_a_carried_forward_draft(qtbot, pane, sample_store, undo_stack):
    item, _ = afi3_jun(sample_store)
    period = sample_store.add_period("Dec 2024").id
    pane.show_item(item, period)
    assert sample_store.assessment(item_id=item, period_id=period).draft
    assert pane.draft_row.isVisible()
    qtbot.mouseClick(pane.confirm_button, Qt.MouseButton.LeftButton)
    assert not sample_store.assessment(item_id=item, period_id=period).draft
    assert not pane.draft_row.isVisible()
    undo_stack.undo()
    assert sample_store.assessment(item_id=item, period_id=period).draft
    assert pane.draft_row.isVisible()


def test_conflict_keeps_both_texts(qtbot, pane, sample_store, other):
    item, period = afi3_jun(sample_store)
    pane.show_item(item, period)
    type_narrative(qtbot, pane.update_box.editor)
    theirs = other.save_assessment(item_id=item, period_id=period, update="<p>Their update</p>",
                                   expected_version=other.assessment(item_id=item, period_id=period).version)
    seen = {}

    def resolver(parent, *, what, mine, theirs, theirs_by, theirs_at, rich):
        seen.update(what=what, mine=mine, theirs=theirs, by=theirs_by, rich=rich)
        return theirs + mine  # the person merges both

    pane.resolve_conflict = resolver
    assert pane.flush()
    assert seen["mine"] == NARRATIVE and seen["theirs"] == theirs.update
    assert seen["by"] == "colleague" and seen["rich"] and "Update" in seen["what"]
    assert sample_store.assessment(item_id=item, period_id=period).update == "<p>Their update</p>" + NARRATIVE


def test_conflict_cancelled_keeps_my_text_in_the_editor(qtbot, pane, sample_store, other):
    item, period = afi3_jun(sample_store)
    pane.show_item(item, period)
    type_narrative(qtbot, pane.update_box.editor)
    other.save_assessment(item_id=item, period_id=period, update="<p>Their update</p>")
    pane.resolve_conflict = lambda parent, **kw: None
    assert not pane.flush()
    assert pane.update_box.editor.stored() == NARRATIVE
    assert sample_store.assessment(item_id=item, period_id=period).update == "<p>Their update</p>"
    pane.resolve_conflict = lambda parent, *, mine, **kw: mine  # now: keep mine
    assert pane.flush()
    assert sample_store.assessment(item_id=item, period_id=period).update == NARRATIVE


def test_another_field_saved_by_someone_else_is_no_conflict(qtbot, pane, sample_store, other):
    item, period = afi3_jun(sample_store)
    pane.show_item(item, period)
    type_narrative(qtbot, pane.update_box.editor)
    other.save_assessment(item_id=item, period_id=period, status_note="Their note")
    pane.resolve_conflict = lambda parent, **kw: pytest.fail("no dialog expected")
    assert pane.flush()
    saved = sample_store.assessment(item_id=item, period_id=period)
    assert saved.update == NARRATIVE and saved.status_note == "Their note"
    assert pane.status_note.toPlainText() == "Their note"


def test_refresh_never_overwrites_unsaved_typing(qtbot, pane, sample_store, other):
    from ragdesk.ui.bridge import everything

    item, period = afi3_jun(sample_store)
    pane.show_item(item, period)
    type_narrative(qtbot, pane.update_box.editor)
    other.save_assessment(item_id=item, period_id=period, status_note="Their note", update="<p>Theirs</p>")
    other.update_item(item, lead="DCC Someone")
    pane.refresh(everything(sample_store))  # what the bridge sends after another user's save
    assert pane.update_box.editor.stored() == NARRATIVE
    assert pane.status_note.toPlainText() == "Their note"
    assert pane.lead.text() == "DCC Someone"


def test_item_deleted_by_someone_else_offers_the_text(qtbot, pane, sample_store, other):
    item, period = afi3_jun(sample_store)
    pane.show_item(item, period)
    qtbot.keyClicks(pane.lead, " and DCI Shaw")
    qtbot.keyClicks(pane.update_box.editor, "Unsaved update")
    other.delete_item(item)
    asked = []
    pane.ask_keep_deleted = lambda parent, what: asked.append(what) or True
    assert pane.flush()
    assert len(asked) == 1  # asked once for everything unsaved
    clipboard = QGuiApplication.clipboard().text()
    assert "DCI Shaw" in clipboard and "Unsaved update" in clipboard


def test_paste_from_word_is_cleaned_and_saved(qtbot, pane, sample_store):
    item, period = afi3_jun(sample_store)
    pane.show_item(item, period)
    mime = QMimeData()
    mime.setHtml("<html><head><style>p{}</style></head><body><p class=MsoNormal>"
                 "<span style='mso-bidi-font-weight:bold'><b>Board</b>&nbsp;agreed</span><o:p></o:p>"
                 "</p><ol><li>one</li><li>two <script>x()</script></li></ol></body></html>")
    mime.setText("Board agreed")
    editor = pane.update_box.editor
    editor.setFocus()
    editor.insertFromMimeData(mime)
    assert pane.flush()
    assert sample_store.assessment(item_id=item, period_id=period).update == (
        "<p><b>Board</b>\xa0agreed</p><ol><li>one</li><li>two</li></ol>")


def test_item_text_and_fields_save(qtbot, pane, sample_store, undo_stack):
    item = item_id(sample_store, "Rec 13")
    pane.show_item(item, None)  # no period chosen: the assessment part is off
    assert not pane.rag.isEnabled()
    pane.number.setText("13a")
    pane.status.setCurrentIndex(pane.status.findData("in_progress"))
    pane.status.activated.emit(pane.status.currentIndex())
    assert sample_store.item(item).status == "in_progress"
    qtbot.keyClicks(pane.text_box.editor, "Note: ")
    assert pane.flush()
    saved = sample_store.item(item)
    assert saved.number == "13a" and saved.text.startswith("<p>Note: By 31 October 2023")
    assert "Recommendation 13a" in pane.heading.text()
    undo_stack.undo()  # the text
    undo_stack.undo()  # the number
    assert sample_store.item(item).number == "13"
    assert pane.number.text() == "13"


def test_inspection_fields(qtbot, pane, sample_store):
    inspection = sample_store.inspections()[0]
    pane.show_inspection(inspection.id)
    assert pane.inspection_box.isVisible() and not pane.item_box.isVisible()
    assert pane.insp_title.text() == inspection.title
    qtbot.keyClicks(pane.insp_published, "not a date")
    assert not pane.flush()
    assert pane.insp_published_error.isVisible()
    pane.insp_published.setText("12 March 2024")
    pane.insp_kind.setText("Thematic")
    assert pane.flush()
    saved = sample_store.inspection(inspection.id)
    assert saved.published.isoformat() == "2024-03-12" and saved.kind == "Thematic"


def test_clear_and_no_store(qtbot, pane, sample_store):
    item, period = afi3_jun(sample_store)
    pane.show_item(item, period)
    pane.clear()
    assert not pane.item_box.isVisible()
    pane.set_store(None)
    assert pane.flush()
    pane.set_store(sample_store)
    pane.show_item(item, period)
    assert pane.lead.text() == "ACC Nolan"


def test_read_only_file_cannot_be_edited(qtbot, sample_path, undo_stack):
    store = Store.open(sample_path, read_only=True)
    try:
        pane = EditorPane(store, undo_stack)
        pane.warn = lambda title, text: None
        qtbot.addWidget(pane)
        item, period = afi3_jun(store)
        pane.show_item(item, period)
        assert pane.lead.isReadOnly() and pane.update_box.editor.isReadOnly()
        assert not pane.rag.isEnabled()
    finally:
        store.close()


def test_accessible_names_everywhere(pane):
    from PySide6.QtWidgets import (
        QComboBox,
        QLineEdit,
        QPlainTextEdit,
        QPushButton,
        QTableView,
        QTextEdit,
        QWidget,
    )

    fields = (QLineEdit, QTextEdit, QPlainTextEdit, QComboBox, QTableView)
    checked = 0
    for widget in pane.findChildren(QWidget):
        if isinstance(widget, fields):
            assert widget.accessibleName(), widget
            checked += 1
        elif isinstance(widget, QPushButton):
            assert widget.accessibleName() or widget.text(), widget
    assert checked > 20


def test_conflict_dialog_taking_focus_does_not_ask_twice(qtbot, pane, sample_store, other):
    item, period = afi3_jun(sample_store)
    pane.show_item(item, period)
    pane.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is pane)
    editor = pane.update_box.editor
    editor.setFocus()
    qtbot.waitUntil(editor.hasFocus)
    qtbot.keyClicks(editor, "Mine")
    other.save_assessment(item_id=item, period_id=period, update="<p>Theirs</p>")
    calls = []

    def resolver(parent, *, mine, theirs, **kw):
        calls.append(mine)
        pane.lead.setFocus()  # a dialog opening takes the focus from the editor
        return mine

    pane.resolve_conflict = resolver
    assert pane.flush()  # Ctrl+S while typing
    assert calls == ["<p>Mine</p>"]
    assert sample_store.assessment(item_id=item, period_id=period).update == "<p>Mine</p>"


def test_showing_the_same_item_again_keeps_the_typing(qtbot, pane, sample_store):
    item, period = afi3_jun(sample_store)
    pane.show_item(item, period)
    qtbot.keyClicks(pane.update_box.editor, "Half typed")
    pane.show_item(item, period)  # e.g. the window re-selects it after a refresh
    assert pane.update_box.editor.stored() == "<p>Half typed</p>"
    pane.show_item(item, sample_store.period_by_label("Jan 2024").id)  # moving saves first
    assert sample_store.assessment(item_id=item, period_id=period).update == "<p>Half typed</p>"


def test_the_sharing_engineers_conflict_dialog_is_used():
    from ragdesk.ui import conflict_dialog
    from ragdesk.ui.editor import _conflict_resolver

    assert _conflict_resolver() is conflict_dialog.resolve_conflict


# --------------------------------------------------------------------------- store -> pane -> store

from hypothesis import HealthCheck, example, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from ragdesk import richtext  # noqa: E402
from ragdesk.ui.rich_text_qt import read_plain  # noqa: E402

TYPABLE = st.text(st.one_of(st.characters(exclude_categories=("Cs", "Cc")), st.just("\n")),
                  max_size=60)
LINE = st.text(st.characters(exclude_categories=("Cs", "Cc", "Zl", "Zp")), max_size=40)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=TYPABLE, line=LINE)
@example(text="\ufeffa\u2029b\u2028c\xa0 ", line="\ufeffACC <Baldwin> & co")
@example(text="\n\n", line="  spaced  ")
def test_showing_any_saved_text_changes_nothing(pane, sample_store, undo_stack, text, line):
    """Loading a record into the pane and flushing must not save anything back (no drift)."""
    item, period = afi3_jun(sample_store)
    stored = richtext.to_html(richtext.from_plain(text))
    sample_store.save_assessment(item_id=item, period_id=period, update=stored, status_note=text)
    sample_store.update_item(item, lead=line, text=stored)
    before = (sample_store.assessment(item_id=item, period_id=period), sample_store.item(item))
    pane.show_item(item, period)
    assert pane.update_box.editor.stored() == stored
    assert read_plain(pane.status_note.document()) == text
    assert pane.lead.text() == line.strip()
    assert pane.flush()
    assert (sample_store.assessment(item_id=item, period_id=period), sample_store.item(item)) == before


def test_clicking_the_chosen_rating_again_or_clear_unrates(qtbot, pane, sample_store, undo_stack):
    item, period = afi3_jun(sample_store)
    pane.show_item(item, period)
    qtbot.mouseClick(pane.rag.buttons["AMBER"], Qt.MouseButton.LeftButton)  # already AMBER
    assert sample_store.assessment(item_id=item, period_id=period).rag is None
    assert not any(b.isChecked() for b in pane.rag.buttons.values())
    undo_stack.undo()
    assert sample_store.assessment(item_id=item, period_id=period).rag == "AMBER"
    qtbot.mouseClick(pane.rag.clear_button, Qt.MouseButton.LeftButton)
    assert sample_store.assessment(item_id=item, period_id=period).rag is None
    assert undo_stack.undoText().startswith("Rate AFI 3 (Jun 2024)")


def test_showing_without_a_file_or_a_missing_item_is_harmless(qtbot, pane, sample_store):
    pane.show_item(999_999, None)
    assert not pane.item_box.isVisible()
    assert "no longer exists" in pane.messages[-1]
    pane.set_store(None)
    pane.show_item(1, None)
    pane.show_inspection(1)
    assert pane.flush()
