"""Issue 17 finding 1: undo never deletes or overwrites what a colleague saved since.

Alice works in the real window (grid keys, editor buttons, Ctrl+Z); Bob saves through
his own Store on the same file, as he would from his own laptop. Every assertion is on
the file, read back by a third connection.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from ragdesk.errors import Conflict
from ragdesk.records import Identity
from ragdesk.store import Store
from ragdesk.ui.main_window import MainWindow

BOB_TEXT = "<p>Bob's update: board agreed the plan &amp; funded it.</p>"


@pytest.fixture
def bob(reader) -> Store:
    """Bob's own connection to the window's file, as from his laptop."""
    return reader(user="bob", host="PC-BOB")


def _cell(store: Store) -> tuple[int, int]:
    """Rec 13 in Jun 2024: an empty cell in the sample."""
    rec13 = next(r.id for r in store.item_rows() if r.label == "Rec 13")
    jun = store.period_by_label("Jun 2024").id
    assert store.assessment(item_id=rec13, period_id=jun) is None
    return rec13, jun


def _rate_in_grid(qtbot, window: MainWindow, item_id: int, period_id: int, key: Qt.Key) -> None:
    window.filter_bar.clear()
    index = window.grid_model.index(window.grid_model.row_of_item(item_id),
                                    window.grid_model.column_of_period(period_id))
    window.grid.scrollTo(index)
    qtbot.mouseClick(window.grid.viewport(), Qt.MouseButton.LeftButton,
                     pos=window.grid.visualRect(index).center())
    qtbot.keyClick(window.grid, key)


def _ctrl_z(qtbot, window: MainWindow) -> None:
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)


def test_grid_undo_keeps_the_narrative_a_colleague_saved_into_the_new_cell(
        qtbot, window, bob, sample_path, warnings, reader):
    item, period = _cell(window.store)
    _rate_in_grid(qtbot, window, item, period, Qt.Key.Key_R)
    assert bob.assessment(item_id=item, period_id=period).rag == "RED"
    bob_version = bob.assessment(item_id=item, period_id=period).version
    bob.save_assessment(item_id=item, period_id=period, expected_version=bob_version, rag="RED", update=BOB_TEXT)

    _ctrl_z(qtbot, window)
    with reader(sample_path) as db:
        record = db.assessment(item_id=item, period_id=period)
        assert record is not None, "undo deleted Bob's narrative"
        assert record.update == BOB_TEXT
        assert record.rag is None  # only Alice's rating went
    assert warnings == []

    window.act_redo.trigger()
    with reader(sample_path) as db:
        assert db.assessment(item_id=item, period_id=period).rag == "RED"
        assert db.assessment(item_id=item, period_id=period).update == BOB_TEXT


def test_grid_undo_of_a_new_cell_nobody_else_touched_still_removes_it(
        qtbot, window, sample_path, reader):
    item, period = _cell(window.store)
    _rate_in_grid(qtbot, window, item, period, Qt.Key.Key_G)
    _ctrl_z(qtbot, window)
    with reader(sample_path) as db:
        assert db.assessment(item_id=item, period_id=period) is None


def test_grid_undo_never_overwrites_a_rating_a_colleague_changed_since(
        qtbot, window, bob, sample_path, warnings, reader):
    store = window.store
    rec13 = next(r.id for r in store.item_rows() if r.label == "Rec 13")
    jul = store.period_by_label("Jul 2023").id
    before = store.assessment(item_id=rec13, period_id=jul).rag
    _rate_in_grid(qtbot, window, rec13, jul, Qt.Key.Key_R)
    bob.set_rag(item_id=rec13, period_id=jul, rag="AMBER" if before != "AMBER" else "GREEN")
    bobs = bob.assessment(item_id=rec13, period_id=jul).rag

    _ctrl_z(qtbot, window)
    with reader(sample_path) as db:
        assert db.assessment(item_id=rec13, period_id=jul).rag == bobs
    assert len(warnings) == 1
    assert warnings[0] == ("Could not undo “Rate Rec 13 RED in Jul 2023”: "
                           "rag has been changed by bob since.")


def test_grid_undo_takes_back_only_the_rating_and_keeps_a_colleagues_later_narrative(
        qtbot, window, bob, sample_path, warnings, reader):
    """A rated cell Bob then writes in: undo puts Alice's old rating back (it is still hers)
    and leaves Bob's update; redo rates it again, Bob's text still there."""
    store = window.store
    rec13 = next(r.id for r in store.item_rows() if r.label == "Rec 13")
    jul = store.period_by_label("Jul 2023").id
    before = store.assessment(item_id=rec13, period_id=jul)
    assert before.rag != "RED" and before.update != BOB_TEXT
    _rate_in_grid(qtbot, window, rec13, jul, Qt.Key.Key_R)
    record = bob.assessment(item_id=rec13, period_id=jul)
    bob.save_assessment(item_id=rec13, period_id=jul, expected_version=record.version, update=BOB_TEXT)

    _ctrl_z(qtbot, window)
    with reader(sample_path) as db:
        assert db.assessment(item_id=rec13, period_id=jul).rag == before.rag
        assert db.assessment(item_id=rec13, period_id=jul).update == BOB_TEXT
    window.act_redo.trigger()
    with reader(sample_path) as db:
        assert db.assessment(item_id=rec13, period_id=jul).rag == "RED"
        assert db.assessment(item_id=rec13, period_id=jul).update == BOB_TEXT
    assert warnings == []


def test_grid_redo_never_overwrites_a_rating_a_colleague_gave_after_the_undo(
        qtbot, window, bob, sample_path, warnings, reader):
    item, period = _cell(window.store)
    _rate_in_grid(qtbot, window, item, period, Qt.Key.Key_G)
    _ctrl_z(qtbot, window)
    bob.set_rag(item_id=item, period_id=period, rag="AMBER")

    window.act_redo.trigger()
    with reader(sample_path) as db:
        assert db.assessment(item_id=item, period_id=period).rag == "AMBER"
    assert len(warnings) == 1
    assert warnings[0] == ("Could not redo “Rate Rec 13 GREEN in Jun 2024”: "
                           "rag has been changed by bob since.")
    assert not window.undo_stack.canRedo()  # the refused command left the stack

def test_grid_redo_into_a_cell_a_colleague_wrote_in_after_the_undo_keeps_their_text(
        qtbot, window, bob, sample_path, warnings, reader):
    item, period = _cell(window.store)
    _rate_in_grid(qtbot, window, item, period, Qt.Key.Key_G)
    _ctrl_z(qtbot, window)
    bob.save_assessment(item_id=item, period_id=period, expected_version=0, update=BOB_TEXT)

    window.act_redo.trigger()
    with reader(sample_path) as db:
        record = db.assessment(item_id=item, period_id=period)
        assert (record.rag, record.update) == ("GREEN", BOB_TEXT)
    assert warnings == []

def test_editor_undo_of_a_first_rating_keeps_a_colleagues_impact_text(
        qtbot, window, bob, sample_path, reader):
    item, period = _cell(window.store)
    assert window.select_item(item, period)
    qtbot.mouseClick(window.editor.rag.buttons["AMBER"], Qt.MouseButton.LeftButton)
    assert bob.assessment(item_id=item, period_id=period).rag == "AMBER"
    record = bob.assessment(item_id=item, period_id=period)
    bob.save_assessment(item_id=item, period_id=period, expected_version=record.version, impact=BOB_TEXT)

    _ctrl_z(qtbot, window)
    with reader(sample_path) as db:
        record = db.assessment(item_id=item, period_id=period)
        assert record is not None and record.impact == BOB_TEXT
        assert record.rag is None


def test_editor_undo_of_a_new_status_note_keeps_a_colleagues_rating(
        qtbot, window, bob, sample_path, reader):
    item, period = _cell(window.store)
    assert window.select_item(item, period)
    pane = window.editor
    pane.status_note.setFocus()
    qtbot.keyClicks(pane.status_note, "Star Chamber 17.05.24")
    qtbot.keyClick(pane.status_note, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    record = bob.assessment(item_id=item, period_id=period)
    assert record.status_note == "Star Chamber 17.05.24"
    bob.save_assessment(item_id=item, period_id=period, expected_version=record.version, rag="GREEN")

    window.undo_stack.undo()
    with reader(sample_path) as db:
        record = db.assessment(item_id=item, period_id=period)
        assert record is not None and record.rag == "GREEN"
        assert record.status_note == ""
    window.undo_stack.redo()
    with reader(sample_path) as db:
        assert db.assessment(item_id=item, period_id=period).status_note == "Star Chamber 17.05.24"
        assert db.assessment(item_id=item, period_id=period).rag == "GREEN"


def test_delete_with_a_stale_version_is_a_conflict_and_deletes_nothing(sample_path):
    with Store.open(sample_path, identity=Identity("alice", "PC-A")) as alice, \
            Store.open(sample_path, identity=Identity("bob", "PC-B")) as bob:
        item, period = _cell(alice)
        mine = alice.set_rag(item_id=item, period_id=period, rag="RED")
        bob.save_assessment(item_id=item, period_id=period, expected_version=mine.version, update=BOB_TEXT)
        with pytest.raises(Conflict) as caught:
            alice.delete_assessment(item_id=item, period_id=period, expected_version=mine.version)
        assert caught.value.current.update == BOB_TEXT
        assert "bob" in str(caught.value)
        assert alice.assessment(item_id=item, period_id=period).update == BOB_TEXT


def test_the_audit_of_a_deletion_keeps_every_field_that_went(sample_path):
    with Store.open(sample_path, identity=Identity("alice", "PC-A")) as store:
        item, period = _cell(store)
        saved = store.save_assessment(item_id=item, period_id=period, rag="AMBER", dot="+", status_note="Board 3/4",
                                      update=BOB_TEXT, intent_and_implementation="<p>Intent</p>",
                                      impact="<p>Impact</p>")
        store.delete_assessment(item_id=item, period_id=period, expected_version=saved.version)
        rows = [e for e in store.audit_log("assessment", saved.id) if e.new is None]
        gone = {e.field: e.old for e in rows}
        assert gone == {"rag": "AMBER", "dot": "+", "status_note": "Board 3/4", "update": BOB_TEXT,
                        "intent_and_implementation": "<p>Intent</p>", "impact": "<p>Impact</p>",
                        "deleted": "AMBER"}
        assert rows[-1].field == "deleted"
