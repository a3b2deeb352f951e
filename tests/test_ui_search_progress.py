"""The first search on a file makes this computer's index on a thread: the window stays usable,
the status bar says "Preparing search… N %", and the search text applies when it is ready
(issue 16).

The build is slowed as on a share over VPN: reading the items' texts on any thread but the
GUI's blocks until the test releases it.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from ragdesk.errors import RagdeskError
from ragdesk.store import Identity, Store
from ragdesk.ui.search_progress import READY_TEXT


class SlowShare:
    """Holds the build's reads of the items' texts until :meth:`release` (or fails them)."""

    def __init__(self) -> None:
        self.entered = threading.Event()
        self.released = threading.Event()
        self.error: Exception | None = None
        self.watched: Store | None = None  # the window's store: its full reads are counted
        self.reads_on_gui_thread = 0  # a full build on the GUI thread would read every item here


@pytest.fixture
def slow_share(monkeypatch: pytest.MonkeyPatch) -> Iterator[SlowShare]:
    share = SlowShare()
    original = Store.search_documents

    def slowed(self: Store, item_ids=None):  # type: ignore[no-untyped-def]
        if threading.current_thread() is threading.main_thread():
            if self is share.watched and (item_ids is None or len(list(item_ids)) > 25):
                share.reads_on_gui_thread += 1
        else:
            share.entered.set()
            assert share.released.wait(60), "the test never released the build"
            if share.error is not None:
                raise share.error
        return original(self, item_ids)

    monkeypatch.setattr(Store, "search_documents", slowed)
    yield share
    share.released.set()  # never leave a thread blocked behind the test


@pytest.fixture
def searching(window):  # type: ignore[no-untyped-def]
    """The window, without today's backup (its local copy would make the index first)."""
    window._stop_daily_backup()
    return window


def _type_search(qtbot, window, text: str) -> None:  # type: ignore[no-untyped-def]
    window.filter_bar.text.clear()
    qtbot.keyClicks(window.filter_bar.text, text)
    window.filter_bar.apply_now()


def _expected(path: str, text: str) -> set[int]:
    with Store.open(path, read_only=True) as reader:
        return set(reader.search(text))


def _every_item(window) -> set[int]:  # type: ignore[no-untyped-def]
    return {r.id for r in window.tree_model.all_rows()}


def test_the_window_stays_usable_while_the_first_search_is_prepared(
        qtbot, searching, slow_share: SlowShare, sample_path: Path, reader) -> None:
    window = searching
    slow_share.watched = window.store
    _type_search(qtbot, window, "Pershore")
    qtbot.waitUntil(slow_share.entered.is_set)  # the build runs, on its own thread
    preparation = window.search_preparation
    assert preparation.bar.isVisible() and preparation.bar.text() == "Preparing search… 0 %"
    note = window.filter_bar.note
    assert note.isVisible() and "“Pershore” applies when it is ready" in note.text()
    # meanwhile the search text waits: every item the other filters allow is shown
    assert set(window.tree_model.visible_item_ids() or _every_item(window)) == _every_item(window)
    assert window.tree_model.search_waiting
    # the item shown is no search result yet: the editor does not say where it matched
    assert not window.editor.search_note.isVisibleTo(window.editor)

    # the window answers: choose another item, rate a cell in the grid, it is saved
    other = window.tree_model.all_rows()[-1].id
    period = window.current_period
    window.select_item(other, period)
    assert window.current_item == other and window.editor.item_id == other
    window.grid.setFocus()
    qtbot.keyClick(window.grid, Qt.Key.Key_R)
    with reader(sample_path) as db:
        assert db.assessment(item_id=other, period_id=period).rag == "RED"
    # a colleague's save seen meanwhile refreshes the tree without searching on this thread
    with Store.open(sample_path, identity=Identity("colleague", "PC-2")) as theirs:
        theirs.save_assessment(item_id=other, period_id=period, update="<p>Quokka census</p>")
    assert window.bridge.poll()
    assert window.tree_model.search_waiting and preparation.building

    slow_share.released.set()
    qtbot.waitUntil(lambda: not window.tree_model.search_waiting)
    expected = _expected(window.store.path, "Pershore")
    assert expected and set(window.tree_model.visible_item_ids()) == expected
    assert window.current_item in expected  # the first match is shown, its words marked
    assert "Pershore" in window.editor.search_note.text()
    assert not preparation.bar.isVisible() and not note.isVisible()
    assert window.statusBar().currentMessage() in (READY_TEXT, "")  # or the filter's own news
    assert list(Path(os.environ["RAGDESK_CACHE_DIR"]).glob("*.search.sqlite"))
    assert slow_share.reads_on_gui_thread == 0
    # the colleague's save during the build is found: the next search caught up with it
    _type_search(qtbot, window, "quokka")
    assert window.tree_model.visible_item_ids() == [other]


def test_the_newest_search_text_typed_during_the_build_is_the_one_applied(
        qtbot, searching, slow_share: SlowShare) -> None:
    window = searching
    _type_search(qtbot, window, "Pershore")
    qtbot.waitUntil(slow_share.entered.is_set)
    _type_search(qtbot, window, "vetting")
    assert "“vetting” applies when it is ready" in window.filter_bar.note.text()
    slow_share.released.set()
    qtbot.waitUntil(lambda: not window.tree_model.search_waiting)
    expected = _expected(window.store.path, "vetting")
    assert expected and expected != _expected(window.store.path, "Pershore")
    assert set(window.tree_model.visible_item_ids()) == expected


def test_a_failed_build_is_said_and_tried_again_when_the_search_changes(
        qtbot, searching, slow_share: SlowShare, warnings: list[str]) -> None:
    window = searching
    slow_share.error = RagdeskError("The network drive is not reachable.")
    slow_share.released.set()
    _type_search(qtbot, window, "Pershore")
    qtbot.waitUntil(lambda: window.search_preparation.failure is not None)
    message = window.statusBar().currentMessage()
    assert message == "Search could not be prepared: The network drive is not reachable."
    note = window.filter_bar.note.text()
    assert note.startswith("“Pershore” is not applied") and "Change the search text" in note
    assert not window.search_preparation.bar.isVisible()
    assert warnings == []  # said in the status bar, not in a dialog
    assert window.tree_model.search_waiting  # nothing hidden by a search that did not run

    slow_share.error = None  # the drive is back: a new search text tries again
    _type_search(qtbot, window, "vetting")
    qtbot.waitUntil(lambda: not window.tree_model.search_waiting)
    assert set(window.tree_model.visible_item_ids()) == _expected(window.store.path, "vetting")
    assert not window.filter_bar.note.isVisible()


def test_closing_the_window_during_the_build_stops_it_and_leaves_no_temporary_file(
        qtbot, searching, slow_share: SlowShare, monkeypatch: pytest.MonkeyPatch) -> None:
    from ragdesk import search_index
    from ragdesk.ui import search_progress

    window = searching
    monkeypatch.setattr(search_progress, "STOP_WAIT_S", 0.2)  # the read below never ends by itself
    file_key = window.store.setting("file_id")
    _type_search(qtbot, window, "Pershore")
    qtbot.waitUntil(slow_share.entered.is_set)
    task = window.search_preparation.task
    assert task is not None and task.running
    assert window.close()  # not held up by the build
    assert not window.isVisible()
    slow_share.released.set()  # the slow read ends; the build sees it was stopped
    qtbot.waitUntil(lambda: not task.running)
    assert not list(Path(os.environ["RAGDESK_CACHE_DIR"]).glob("*.tmp"))
    with search_index.opened(file_key) as index:
        assert index.mark() is None  # nothing half made was put in place


def test_opening_another_file_during_the_build_forgets_it(
        qtbot, searching, slow_share: SlowShare, tmp_path: Path, sample_path: Path) -> None:
    window = searching
    _type_search(qtbot, window, "Pershore")
    qtbot.waitUntil(slow_share.entered.is_set)
    task = window.search_preparation.task
    second = tmp_path / "second.db"
    second.write_bytes(sample_path.read_bytes())
    assert window.open_path(second)
    assert window.search_preparation.task is None and not window.search_preparation.bar.isVisible()
    assert not window.filter_bar.note.isVisible() and window.filter_bar.text.text() == ""
    slow_share.released.set()
    qtbot.waitUntil(lambda: not task.running)
    # a search on the new file starts its own build, which completes
    _type_search(qtbot, window, "vetting")
    qtbot.waitUntil(lambda: not window.tree_model.search_waiting)
    assert set(window.tree_model.visible_item_ids()) == _expected(window.store.path, "vetting")


def test_later_searches_and_a_colleagues_save_need_no_preparing(qtbot, searching, sample_path) -> None:
    window = searching
    _type_search(qtbot, window, "Pershore")
    qtbot.waitUntil(lambda: not window.tree_model.search_waiting)
    first_build = window.search_preparation.task
    item = window.tree_model.visible_item_ids()[0]
    period = window.store.periods()[-1].id
    with Store.open(sample_path, identity=Identity("colleague", "PC-2")) as other:
        other.save_assessment(item_id=item, period_id=period, update="<p>Quokka census</p>")
    _type_search(qtbot, window, "quokka")
    # answered at once: the index caught up with the one item the colleague changed
    assert not window.tree_model.search_waiting
    assert window.search_preparation.task is first_build
    assert window.tree_model.visible_item_ids() == [item]
    assert not window.search_preparation.bar.isVisible()


def test_a_colleagues_change_to_every_item_remakes_the_index_in_the_background(
        qtbot, searching, slow_share: SlowShare, sample_path) -> None:
    """With a search shown, a colleague deleting a period (every item's narratives of it go)
    makes the tree search again: the index is made again on the thread, the tree waits."""
    window = searching
    slow_share.released.set()
    _type_search(qtbot, window, "Pershore")
    qtbot.waitUntil(lambda: not window.tree_model.search_waiting)
    first_build = window.search_preparation.task
    slow_share.released.clear()
    slow_share.entered.clear()
    with Store.open(sample_path, identity=Identity("colleague", "PC-2")) as other:
        fullest = max(other.periods(), key=lambda p: len(other.assessments(period_id=p.id)))
        assert len(other.assessments(period_id=fullest.id)) > 25  # more than one by one
        other.delete_period(fullest.id)
    assert window.bridge.poll()
    qtbot.waitUntil(slow_share.entered.is_set)
    preparation = window.search_preparation
    assert preparation.task is not first_build and preparation.building
    assert preparation.bar.isVisible() and window.tree_model.search_waiting
    assert "“Pershore” applies when it is ready" in window.filter_bar.note.text()
    slow_share.released.set()
    qtbot.waitUntil(lambda: not window.tree_model.search_waiting)
    assert set(window.tree_model.visible_item_ids()) == _expected(window.store.path, "Pershore")


def test_a_build_needed_after_the_check_still_runs_on_the_thread(
        qtbot, searching, slow_share: SlowShare, monkeypatch: pytest.MonkeyPatch) -> None:
    """A colleague changing most items between the window's check and its search: the search
    stops before reading every item on the GUI thread, and the build runs on the thread."""
    window = searching
    slow_share.watched = window.store
    monkeypatch.setattr(window.store, "search_needs_build", lambda: False)  # the check, then the change
    _type_search(qtbot, window, "Pershore")
    qtbot.waitUntil(slow_share.entered.is_set)
    assert window.tree_model.search_waiting and window.search_preparation.building
    slow_share.released.set()
    qtbot.waitUntil(lambda: not window.tree_model.search_waiting)
    assert set(window.tree_model.visible_item_ids()) == _expected(window.store.path, "Pershore")
    assert slow_share.reads_on_gui_thread == 0


def test_the_note_shows_typed_markup_as_typed(qtbot, searching, slow_share: SlowShare) -> None:
    window = searching
    _type_search(qtbot, window, "<b>Pershore</b> & co")
    qtbot.waitUntil(slow_share.entered.is_set)
    note = window.filter_bar.note
    assert note.textFormat() == Qt.TextFormat.PlainText
    assert "“<b>Pershore</b> & co” applies when it is ready" in note.text()
    slow_share.released.set()
    qtbot.waitUntil(lambda: not window.tree_model.search_waiting)
    assert not note.isVisible()
