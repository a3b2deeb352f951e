"""The edits of ``ui/operations.py`` driven without a window: answers are lambdas, the
store is a real file, undo and redo go through a real QUndoStack, and every check
reads the database through a second connection (what was really saved)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QGuiApplication, QUndoStack

from ragdesk.domain import ItemKind, Period
from ragdesk.records import Identity
from ragdesk.store import Store
from ragdesk.ui.dialogs import PeriodValues
from ragdesk.ui.operations import Operations, next_number


class Person:
    """The window's side of the operations (the ``Window`` protocol), as a test answers it:
    the selection as plain values, each question a replaceable lambda, each message kept."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.current_item: int | None = None
        self.current_inspection: int | None = None
        self.current_period: int | None = None
        self.errors: list[str] = []
        self.said: list[str] = []
        self.leave = True  # False: the editor's text could not be saved
        self.ask_text = lambda title, label, text="": None
        self.ask_item = lambda title, kind, number: (kind, number)
        self.ask_period = lambda suggestion: None
        self.confirm = lambda title, text: True

    def show_error(self, text: str, title: str = "ragdesk") -> None:
        self.errors.append(text)

    def status(self, text: str, timeout: int = 6000) -> None:
        self.said.append(text)

    def can_leave(self) -> bool:
        return self.leave

    def period(self, period_id: int | None) -> Period | None:
        return next((p for p in self.store.periods() if p.id == period_id), None)

    def item_label(self, item_id: int) -> str:
        return self.store.item(item_id).label

    def select_item(self, item_id: int, period_id: int | None) -> bool:
        self.current_item, self.current_inspection, self.current_period = item_id, None, period_id
        return True

    def select_inspection(self, inspection_id: int) -> bool:
        self.current_item, self.current_inspection = None, inspection_id
        return True

    def select_period(self, period_id: int | None) -> bool:
        self.current_period = period_id
        return True


@pytest.fixture
def path(tmp_path: Path) -> Path:
    path = tmp_path / "unit.db"
    Store.create(path).close()
    return path


@pytest.fixture
def store(path: Path) -> Iterator[Store]:
    with Store.open(path, identity=Identity("tester", "test")) as store:
        yield store


@pytest.fixture
def stack(qapp) -> Iterator[QUndoStack]:  # type: ignore[no-untyped-def]
    stack = QUndoStack()
    yield stack
    stack.clear()


@pytest.fixture
def person(store: Store) -> Person:
    return Person(store)


@pytest.fixture
def ops(store: Store, stack: QUndoStack, person: Person) -> Operations:
    return Operations(lambda: store, stack, person)


def _saved(path: Path) -> Store:
    """A second connection, as a colleague would read the file."""
    return Store.open(path, identity=Identity("checker", "test"), read_only=True)


def _add_inspection(ops: Operations, person: Person, title: str) -> int:
    person.ask_text = lambda *_a, **_k: title
    ops.add_inspection()
    assert person.current_inspection is not None
    return person.current_inspection


def _add_item(ops: Operations, person: Person, number: str | None = None) -> int:
    if number is not None:
        person.ask_item = lambda _title, kind, _number: (kind, number)
    ops.add_item()
    assert person.current_item is not None
    return person.current_item


def _add_period(ops: Operations, person: Person, label: str) -> int:
    person.ask_period = lambda _s: PeriodValues(label, "", "")
    ops.new_period()
    assert person.current_period is not None
    return person.current_period


def test_add_inspection_and_items_numbered_on_then_undo_and_redo(
        ops: Operations, person: Person, stack: QUndoStack, path: Path) -> None:
    person.current_item = None
    ops.add_item()  # nowhere to put it yet: said, nothing written
    assert person.errors == ["Add an inspection first (Edit ▸ Add Inspection…): every item "
                             "belongs to one."]
    inspection = _add_inspection(ops, person, "PEEL 2025 <draft> & “final”")
    offered: list[str] = []
    person.ask_item = lambda _t, kind, number: offered.append(number) or (kind, number)
    first = _add_item(ops, person)
    second = _add_item(ops, person)
    assert offered == ["1", "2"]
    with _saved(path) as saved:
        assert saved.inspection(inspection).title == "PEEL 2025 <draft> & “final”"
        assert [(i.id, i.number, i.kind) for i in saved.items(inspection)] == [
            (first, "1", ItemKind.RECOMMENDATION), (second, "2", ItemKind.RECOMMENDATION)]
    assert stack.count() == 3 and stack.undoText() == "Add Rec 2"
    stack.undo()
    stack.undo()
    with _saved(path) as saved:
        assert saved.items(inspection) == []
    stack.redo()
    with _saved(path) as saved:
        assert [i.id for i in saved.items(inspection)] == [first]  # the same id comes back


def test_duplicate_and_delete_an_item_undo_puts_back_the_same_rows(
        ops: Operations, person: Person, stack: QUndoStack, path: Path) -> None:
    inspection = _add_inspection(ops, person, "Custody")
    item = _add_item(ops, person, "7")
    jan = _add_period(ops, person, "Jan 2025")
    assert ops.rate(item, jan, "AMBER")
    person.select_item(item, jan)
    ops.duplicate_item()
    copy = person.current_item
    assert copy is not None and copy != item
    with _saved(path) as saved:
        assert [i.number for i in saved.items(inspection)] == ["7", saved.item(copy).number]
    person.select_item(item, jan)
    ops.delete_selected()
    assert person.said[-1] == "Deleted Rec 7. Undo (Ctrl+Z) puts it back."
    with _saved(path) as saved:
        assert [i.id for i in saved.items(inspection)] == [copy]
    stack.undo()
    with _saved(path) as saved:
        assert [i.id for i in saved.items(inspection)] == [item, copy]
        record = saved.assessment(item_id=item, period_id=jan)
        assert record is not None and record.rag == "AMBER"  # its rating came back with it


def test_deleting_an_inspection_with_items_asks_first(
        ops: Operations, person: Person, stack: QUndoStack, path: Path) -> None:
    inspection = _add_inspection(ops, person, "Vetting")
    _add_item(ops, person, "1")
    person.select_inspection(inspection)
    asked: list[str] = []
    person.confirm = lambda _title, text: asked.append(text) or False
    ops.delete_selected()
    assert asked == ["Delete “Vetting” and its 1 items? Undo (Ctrl+Z) puts them back."]
    with _saved(path) as saved:
        assert [i.id for i in saved.inspections()] == [inspection]  # answered Cancel
    person.confirm = lambda _title, _text: True
    ops.delete_selected()
    with _saved(path) as saved:
        assert saved.inspections() == []
    stack.undo()
    with _saved(path) as saved:
        assert [i.id for i in saved.inspections()] == [inspection]
        assert [i.number for i in saved.items(inspection)] == ["1"]


def test_move_items_and_inspections_up_and_down_with_undo(
        ops: Operations, person: Person, stack: QUndoStack, path: Path) -> None:
    first_inspection = _add_inspection(ops, person, "First")
    second_inspection = _add_inspection(ops, person, "Second")
    person.select_inspection(first_inspection)
    a, b = _add_item(ops, person, "1"), _add_item(ops, person, "2")
    person.select_item(a, None)
    ops.move_selected(1)
    ops.move_selected(1)  # already last: nothing happens, nothing is pushed
    with _saved(path) as saved:
        assert [i.id for i in saved.items(first_inspection)] == [b, a]
    assert stack.undoText() == "Move Rec 1"
    person.select_inspection(second_inspection)
    ops.move_selected(-1)
    with _saved(path) as saved:
        assert [i.id for i in saved.inspections()] == [second_inspection, first_inspection]
    stack.undo()
    stack.undo()
    with _saved(path) as saved:
        assert [i.id for i in saved.inspections()] == [first_inspection, second_inspection]
        assert [i.id for i in saved.items(first_inspection)] == [a, b]


def test_new_period_asks_again_after_a_refusal_and_carries_ratings_forward(
        ops: Operations, person: Person, stack: QUndoStack, path: Path) -> None:
    _add_inspection(ops, person, "PEEL")
    item = _add_item(ops, person, "1")
    jan = _add_period(ops, person, "Jan 2025")
    assert person.current_period == jan
    assert ops.rate(item, jan, "GREEN")
    answers = iter([PeriodValues("Jan 2025", "", ""),  # refused: that label is taken
                    PeriodValues("Apr 2025", "31/04/2025", ""),  # refused: not a date
                    PeriodValues("Apr 2025", "30/04/2025", "")])
    suggestions: list[str] = []
    person.ask_period = lambda s: suggestions.append(s) or next(answers)
    ops.new_period()
    assert suggestions == ["", "Jan 2025", "Apr 2025"]  # each retry keeps what was typed
    assert len(person.errors) == 2
    with _saved(path) as saved:
        apr = saved.period_by_label("Apr 2025")
        assert apr is not None and person.current_period == apr.id
        carried = saved.assessment(item_id=item, period_id=apr.id)
        assert carried is not None and carried.rag == "GREEN" and carried.draft
    stack.undo()
    with _saved(path) as saved:
        assert [p.label for p in saved.periods()] == ["Jan 2025"]


def test_rename_and_delete_a_period_with_undo(
        ops: Operations, person: Person, stack: QUndoStack, path: Path) -> None:
    _add_inspection(ops, person, "PEEL")
    item = _add_item(ops, person, "1")
    jan = _add_period(ops, person, "Jan 2025")
    assert ops.rate(item, jan, "RED")
    person.ask_text = lambda *_a, **_k: "January 2025 <draft> & final"
    ops.rename_period(jan)
    with _saved(path) as saved:
        assert saved.period(jan).label == "January 2025 <draft> & final"
    person.confirm = lambda _title, _text: False
    ops.delete_period(jan)
    with _saved(path) as saved:
        assert [p.id for p in saved.periods()] == [jan]  # answered Cancel
    person.confirm = lambda _title, _text: True
    ops.delete_period(jan)
    with _saved(path) as saved:
        assert saved.periods() == [] and saved.assessment(item_id=item, period_id=jan) is None
    stack.undo()
    stack.undo()
    with _saved(path) as saved:
        assert saved.period(jan).label == "Jan 2025"
        record = saved.assessment(item_id=item, period_id=jan)
        assert record is not None and record.rag == "RED"


def test_rate_undo_and_clearing_what_was_never_rated(
        ops: Operations, person: Person, stack: QUndoStack, path: Path) -> None:
    _add_inspection(ops, person, "PEEL")
    item = _add_item(ops, person, "1")
    jan = _add_period(ops, person, "Jan 2025")
    pushed = stack.count()
    assert not ops.rate(item, jan, None)  # nothing to clear: no command
    assert stack.count() == pushed
    assert ops.rate(item, jan, "AMBER")
    assert person.said[-1] == "Rec 1: AMBER in Jan 2025"
    assert stack.undoText() == "Rate Rec 1 AMBER in Jan 2025"
    stack.undo()
    with _saved(path) as saved:
        assert saved.assessment(item_id=item, period_id=jan) is None
    person.leave = False  # the editor's text could not be saved: nothing happens
    assert not ops.rate(item, jan, "RED")
    with _saved(path) as saved:
        assert saved.assessment(item_id=item, period_id=jan) is None


def test_a_read_only_file_refuses_every_edit_and_says_so(
        path: Path, stack: QUndoStack, qapp) -> None:  # type: ignore[no-untyped-def]
    with Store.open(path, identity=Identity("tester", "test")) as store:
        store.add_period("Jan 2025")
    with Store.open(path, read_only=True) as store:
        person = Person(store)
        person.ask_text = lambda *_a, **_k: pytest.fail("a read-only file asks nothing")
        ops = Operations(lambda: store, stack, person)
        ops.add_inspection()
        assert not ops.rate(1, store.periods()[0].id, "RED")
        assert person.said == ["This file is open read-only; changes cannot be saved."] * 2
        assert stack.count() == 0
    with _saved(path) as saved:
        assert saved.inspections() == []


def test_grid_cut_copy_and_paste_of_a_rating(
        ops: Operations, person: Person, store: Store, path: Path) -> None:
    _add_inspection(ops, person, "PEEL")
    item = _add_item(ops, person, "1")
    jan = _add_period(ops, person, "Jan 2025")
    ratings = [r for r in store.ratings() if r.enabled]
    clipboard = QGuiApplication.clipboard()
    clipboard.setText(" amber ")
    ops.grid_clipboard("paste", (item, jan), "", ratings)
    with _saved(path) as saved:
        assert saved.assessment(item_id=item, period_id=jan).rag == "AMBER"
    ops.grid_clipboard("copy", (item, jan), "AMBER*", ratings)
    assert clipboard.text() == "AMBER"  # the draft mark is not copied
    clipboard.setText("G")
    ops.grid_clipboard("paste", (item, jan), "AMBER", ratings)
    clipboard.setText("not a rating")
    ops.grid_clipboard("paste", (item, jan), "GREEN", ratings)
    assert person.said[-1] == "“not a rating” is not a rating; paste RED, AMBER or GREEN."
    with _saved(path) as saved:
        assert saved.assessment(item_id=item, period_id=jan).rag == "GREEN"
    ops.grid_clipboard("cut", (item, jan), "GREEN", ratings)
    assert clipboard.text() == "GREEN"
    with _saved(path) as saved:
        assert saved.assessment(item_id=item, period_id=jan).rag is None


@pytest.mark.parametrize(("numbers", "expected"), [
    ([], "1"), (["1", "2"], "3"), (["9", "10a", "3"], "11"), (["A", "B"], "1")])
def test_next_number_follows_the_highest_numeric_one(numbers: list[str], expected: str,
                                                     store: Store) -> None:
    inspection = store.add_inspection("PEEL")
    for number in numbers:
        store.add_item(inspection.id, ItemKind.AFI, number)
    store.add_item(inspection.id, ItemKind.RECOMMENDATION, "40")  # another kind: not counted
    assert next_number(store.items(inspection.id), ItemKind.AFI) == expected
