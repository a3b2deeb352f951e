"""Issue 8's fast paths behave like the slow ones they replace.

* Start-up paints the window before the file is opened (``start(defer=True)``,
  what ``ragdesk open`` does), then opens it: a good file is shown, a bad one is
  refused with the same message, a damaged one still goes through the backup offer.
* Adding, deleting or renaming a period inserts, removes or relabels one grid
  column without resetting the model, and the grid then shows what a freshly
  built model shows.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QMessageBox

from ragdesk.store import Store
from ragdesk.ui import launch, qt_settings
from ragdesk.ui.grid_model import GridModel


def test_window_paints_before_the_file_opens_then_shows_it(qtbot, sample_path: Path,
                                                           settings: QSettings) -> None:
    window = launch.start(str(sample_path), settings=settings, defer=True)
    qtbot.addWidget(window)
    # shown at once, saying what it is doing, with nothing editable yet
    assert window.isVisible() and window.opening and window.store is None
    assert "Opening “sample.db”" in window.no_file.text()
    assert window.centralWidget() is window.no_file and not window.panes_built
    # the frame is whole: its menus and toolbar are there, only the panes come later
    assert [a.text() for a in window.menuBar().actions()] == ["&File", "&Edit", "&View", "&Help"]
    assert not window.act_add_item.isEnabled() and not window.act_new_period.isEnabled()
    assert window.cursor().shape() == Qt.CursorShape.WaitCursor
    qtbot.waitUntil(lambda: window.store is not None, timeout=5000)
    assert not window.opening and window.panes_built
    assert window.centralWidget() is window.main_split
    assert window.editor_stack.currentWidget() is window.editor
    assert window.store.counts()["items"] == 47
    assert window.tree_model.rowCount() > 0 and window.grid_model.rowCount() > 0
    assert window.act_add_item.isEnabled()
    assert window.cursor().shape() != Qt.CursorShape.WaitCursor
    assert "sample.db" in window.windowTitle()
    window.close()


def test_an_action_used_before_the_panes_exist_builds_them_first(
        qtbot, sample_path: Path, settings: QSettings) -> None:
    """A shortcut pressed in the instant between the first frame and the panes (Ctrl+F,
    Ctrl+2 for a grouping) must work, not fail on a pane that is not there yet."""
    window = launch.start(str(sample_path), settings=settings, defer=True)
    qtbot.addWidget(window)
    assert not window.panes_built
    window.grouping_actions["board"].trigger()
    assert window.panes_built and window.tree_model.grouping == "board"
    window.act_find.trigger()
    qtbot.waitUntil(lambda: window.store is not None, timeout=5000)
    assert window.tree_model.grouping == "board" and window.tree_model.rowCount() > 0
    window.close()


def test_closing_before_the_panes_exist_keeps_their_saved_layout(
        qtbot, sample_path: Path, settings: QSettings) -> None:
    settings.setValue(qt_settings.KEY_SPLIT_MAIN, [300, 900])
    window = launch.start(None, settings=settings, defer=True)  # no file: nothing to wait for
    qtbot.addWidget(window)
    window.close()
    assert qt_settings.int_list(settings, qt_settings.KEY_SPLIT_MAIN) == [300, 900]
    assert settings.value(qt_settings.KEY_GEOMETRY) is not None  # its size and place are kept


def test_start_up_imports_only_what_the_first_frame_needs(sample_path: Path, tmp_path: Path) -> None:
    """The first frame comes before the store, the models and the rating painters are
    imported (each costs start-up time a bare Qt window does not pay); they follow it."""
    probe = """
import sys
from PySide6.QtCore import QEvent, QObject, QSettings, QTimer
from ragdesk.ui import launch
app = launch.make_app()
heavy = ("ragdesk.store", "ragdesk.domain", "ragdesk.ui.rag_style", "ragdesk.ui.tree_model",
         "ragdesk.ui.grid_view", "ragdesk.ui.editor", "importlib.metadata")
class First(QObject):
    seen = None
    def eventFilter(self, obj, event):
        if First.seen is None and event.type() == QEvent.Type.Paint:
            First.seen = [m for m in heavy if m in sys.modules]
        return False
app.installEventFilter(First(app))
settings = QSettings(sys.argv[2], QSettings.Format.IniFormat)
window = launch.start(sys.argv[1], settings=settings, defer=True)
QTimer.singleShot(10000, app.quit)
def check():
    if window.store is not None:
        print("before", ",".join(First.seen or []) or "-")
        print("after", ",".join(m for m in heavy[:-1] if m not in sys.modules) or "-")
        app.quit()
    else:
        QTimer.singleShot(20, check)
QTimer.singleShot(0, check)
app.exec()
"""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    out = subprocess.run([sys.executable, "-c", probe, str(sample_path), str(tmp_path / "s.ini")],
                         capture_output=True, text=True, timeout=120, env=env)
    lines = dict(line.split(" ", 1) for line in out.stdout.splitlines() if " " in line)
    assert lines.get("before") == "-", out.stdout + out.stderr  # none loaded before the frame
    assert lines.get("after") == "-", out.stdout + out.stderr  # all loaded once the file is open


def test_deferred_open_refuses_a_bad_file_with_the_same_message(
        qtbot, tmp_path: Path, settings: QSettings, warnings: list[str]) -> None:
    bad = tmp_path / "notes.db"
    bad.write_text("Dear diary <3 & so on", encoding="utf-8")
    window = launch.start(str(bad), settings=settings, defer=True)
    qtbot.addWidget(window)
    assert window.store is None and not warnings  # the window first, then the refusal
    qtbot.waitUntil(lambda: bool(warnings), timeout=5000)
    assert len(warnings) == 1 and "not a ragdesk database" in warnings[0]
    assert window.store is None and not window.opening
    assert window.windowTitle() == "ragdesk" and not window.act_add_item.isEnabled()
    assert "No file is open" in window.no_file.text()
    assert bad.read_text(encoding="utf-8") == "Dear diary <3 & so on"
    window.close()


def test_deferred_open_of_a_damaged_file_offers_the_newest_good_backup(
        qtbot, sample_path: Path, settings: QSettings, monkeypatch: pytest.MonkeyPatch) -> None:
    from ragdesk import backup
    with Store.open(sample_path) as store:
        backup.take_backup(store, "daily")
    data = bytearray(sample_path.read_bytes())
    data[8192:40000] = b"\xa5" * (40000 - 8192)
    sample_path.write_bytes(bytes(data))
    asked: list[str] = []
    monkeypatch.setattr(QMessageBox, "question",
                        lambda _p, _t, text, *a, **k: asked.append(text) or QMessageBox.StandardButton.Yes)
    window = launch.start(str(sample_path), settings=settings, defer=True)
    qtbot.addWidget(window)
    assert window.store is None  # nothing shown or editable before the check has run
    qtbot.waitUntil(lambda: window.store is not None, timeout=5000)
    assert asked and window.store.integrity_check() == "ok"
    assert window.store.counts()["items"] == 47
    window.close()


def test_choosing_a_file_while_one_waits_to_open_replaces_it(qtbot, sample_path: Path,
                                                             tmp_path: Path, settings: QSettings) -> None:
    other = tmp_path / "other.db"
    Store.create(other).close()
    window = launch.start(str(sample_path), settings=settings, defer=True)
    qtbot.addWidget(window)
    assert window.open_path(other)
    qtbot.waitUntil(lambda: not window.opening and window.store is not None, timeout=5000)
    assert Path(window.store.path) == other
    window.close()


def _cells(model: GridModel) -> list[list[object]]:
    roles = (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.UserRole + 3, Qt.ItemDataRole.UserRole + 4)
    rows = [[model.index(r, c).data(role) for c in range(model.columnCount()) for role in roles]
            for r in range(model.rowCount())]
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    return [rows, headers]


def _fresh(store: Store, like: GridModel) -> GridModel:
    fresh = GridModel(store)
    fresh.set_dot_period(like.dot_period_id)
    return fresh


def test_adding_a_period_inserts_one_column_without_a_reset(qtbot, qtmodeltester,
                                                            sample_store: Store) -> None:
    model = GridModel(sample_store)
    sample_store.listeners.append(model.refresh)
    before = model.columnCount()
    resets: list[bool] = []
    model.modelReset.connect(lambda: resets.append(True))
    with qtbot.waitSignal(model.columnsInserted) as inserted:
        period = sample_store.add_period("Dec 2024", carry_forward=True)
    assert not resets
    assert inserted.args[1] == inserted.args[2] == model.column_of_period(period.id) == before - 2
    assert model.columnCount() == before + 1
    assert _cells(model) == _cells(_fresh(sample_store, model))
    model.set_dot_period(period.id)  # the new column's arrows, as the window asks next
    assert _cells(model) == _cells(_fresh(sample_store, model))
    qtmodeltester.check(model)


def test_deleting_and_renaming_a_period_touch_one_column(qtbot, qtmodeltester,
                                                         sample_store: Store) -> None:
    model = GridModel(sample_store)
    sample_store.listeners.append(model.refresh)
    resets: list[bool] = []
    model.modelReset.connect(lambda: resets.append(True))
    first = sample_store.periods()[0]
    with qtbot.waitSignal(model.headerDataChanged):
        sample_store.update_period(first.id, label="July 2023 & after")
    assert model.headerData(1, Qt.Orientation.Horizontal).startswith("July 2023 & after")
    before = model.columnCount()
    with qtbot.waitSignal(model.columnsRemoved) as removed:
        sample_store.delete_period(first.id)
    assert removed.args[1] == removed.args[2] == 1
    assert not resets and model.columnCount() == before - 1
    assert _cells(model) == _cells(_fresh(sample_store, model))
    qtmodeltester.check(model)


def test_new_period_in_the_window_keeps_the_grid_and_selects_the_new_column(window) -> None:
    from ragdesk.ui.dialogs import PeriodValues
    item = window.store.items()[0]
    window.select_item(item.id, window.current_period)
    resets: list[bool] = []
    window.grid_model.modelReset.connect(lambda: resets.append(True))
    window.ask_period = lambda _s: PeriodValues("Dec 2024", "", "")  # type: ignore[method-assign]
    window.new_period()
    assert not resets
    period = window.store.period_by_label("Dec 2024")
    column = window.grid_model.column_of_period(period.id)
    assert window.grid.columnWidth(column) == 88
    assert window.period_combo.currentText() == "Dec 2024"
    assert window.grid.currentIndex().column() == column
    assert window.grid.currentIndex().row() == window.grid_model.row_of_item(item.id)
    heading = window.grid_model.heading_rows()[0]
    assert window.grid.columnSpan(heading, 0) == window.grid_model.columnCount()
    window.close()


def test_a_rating_repaints_its_cell_and_header_section_not_the_grid(qtbot, qtmodeltester,
                                                                    sample_store: Store) -> None:
    model = GridModel(sample_store)
    sample_store.listeners.append(model.refresh)
    period = sample_store.periods()[0]
    item = sample_store.items()[0]
    column = model.column_of_period(period.id)
    model.counts(period.id)  # cached, as after a paint: it must move with the rating
    changed: list[tuple[int, int, int, int]] = []
    model.dataChanged.connect(lambda a, b, _r=None: changed.append((a.row(), a.column(), b.row(), b.column())))
    new = "RED" if model.index(model.row_of_item(item.id), column).data(
        Qt.ItemDataRole.UserRole + 3) != "RED" else "GREEN"
    with qtbot.assertNotEmitted(model.headerDataChanged), qtbot.assertNotEmitted(model.modelReset), \
            qtbot.waitSignal(model.header_text_changed) as header:
        sample_store.set_rag(item_id=item.id, period_id=period.id, rag=new)
    assert header.args == [column]
    row = model.row_of_item(item.id)
    assert changed and all(r1 == r2 == row for r1, _c1, r2, _c2 in changed)  # its own row only
    assert (row, column, row, column) in changed
    assert model.index(row, column).data(Qt.ItemDataRole.UserRole + 3) == new
    assert _cells(model) == _cells(_fresh(sample_store, model))  # counts in the header included
    qtmodeltester.check(model)


def test_a_rating_from_the_grid_leaves_the_narratives_being_read_as_they_were(
        qtbot, window, reader) -> None:
    """Rating in the grid repaints the editor's rating, not its texts: a narrative the user
    was reading keeps its selection and caret (a reload would put the caret back at the
    start and drop the selection). Its speed is ``rate_cell_key`` in benchmarks/interactions.py."""
    store = window.store
    item = next(r for r in store.item_rows() if r.label == "Rec 13")
    period = store.period_by_label("Jul 2023")
    window.select_item(item.id, period.id)
    editor = window.editor
    # every narrative shown with enough text to tell a kept selection from a reload
    texts = [f for f in editor.fields if f.rich and len(f.widget.toPlainText()) > 20]
    assert {"text", "update"} <= {f.name for f in texts}
    selections = {}
    for field in texts:
        length = len(field.widget.toPlainText())
        cursor = field.widget.textCursor()
        cursor.setPosition(5)
        cursor.setPosition(length - 5, QTextCursor.MoveMode.KeepAnchor)
        field.widget.setTextCursor(cursor)
        selections[field.name] = (5, length - 5, field.typed())
    window.grid.setFocus()
    qtbot.keyClick(window.grid, Qt.Key.Key_A)
    assert store.assessment(item_id=item.id, period_id=period.id).rag == "AMBER"
    qtbot.waitUntil(lambda: editor.rag.rating() == "AMBER")  # the editor shows the new rating
    for field in texts:
        cursor = field.widget.textCursor()
        assert (cursor.anchor(), cursor.position(), field.typed()) == selections[field.name]
        assert not field.dirty()
    # a narrative a colleague saves still reaches the editor, once the window polls the file
    colleague = reader(user="colleague")
    colleague.save_assessment(item_id=item.id, period_id=period.id, update="<p>Changed &amp; saved elsewhere</p>")
    update = next(f for f in texts if f.name == "update")
    window.bridge.poll()
    qtbot.waitUntil(lambda: update.typed() == "<p>Changed &amp; saved elsewhere</p>")
    assert update.widget.toPlainText() == "Changed & saved elsewhere" and not update.dirty()
    assert editor.rag.rating() == "AMBER"


def test_a_new_period_leaves_the_tree_as_it_was_and_a_deleted_one_is_reread(
        qtbot, qtmodeltester, sample_store: Store) -> None:
    """A new period changes no row of the tree (every item's latest rating stays what it
    was): the tree keeps the user's place. Deleting the latest periods moves the ratings
    back, and the tree shows them. The time a new period takes, tree included, is
    ``add_period`` in benchmarks/interactions.py."""
    from PySide6.QtWidgets import QTreeView

    from ragdesk.ui.tree_model import TreeModel

    def dump(model: TreeModel) -> list[object]:
        out = []
        for g in range(model.rowCount()):
            group = model.index(g, 0)
            out.append(group.data())
            out += [[model.index(r, c, group).data() for c in range(model.columnCount())]
                    for r in range(model.rowCount(group))]
        return out

    tree = TreeModel(sample_store)
    sample_store.listeners.append(tree.refresh)
    view = QTreeView()
    qtbot.addWidget(view)
    view.setModel(tree)
    view.expandAll()
    item = sample_store.items()[5]
    view.setCurrentIndex(tree.index_for_item(item.id))
    shown = dump(tree)
    with qtbot.assertNotEmitted(tree.modelReset):
        period = sample_store.add_period("Dec 2024", carry_forward=True)
    assert dump(tree) == shown == dump(TreeModel(sample_store))
    assert view.currentIndex() == tree.index_for_item(item.id)  # the user's place is kept
    assert view.isExpanded(view.currentIndex().parent())
    sample_store.delete_period(period.id)
    assert dump(tree) == shown
    sample_store.delete_period(sample_store.periods()[-1].id)  # latest ratings move back
    assert dump(tree) != shown  # some rows now show an earlier period's rating...
    assert dump(tree) == dump(TreeModel(sample_store))  # ...the ones the file holds
    qtmodeltester.check(tree)


def test_undoing_a_period_deletion_brings_back_its_ratings_in_tree_and_grid(
        qtbot, sample_store: Store) -> None:
    from ragdesk.ui.tree_model import TreeModel
    tree, grid = TreeModel(sample_store), GridModel(sample_store)
    sample_store.listeners += [tree.refresh, grid.refresh]
    latest = sample_store.periods()[-1]
    rated = {(i, p): v for (i, p), v in sample_store.rag_grid(period_ids=[latest.id]).items() if v[0]}
    assert rated
    deleted = sample_store.delete_period(latest.id)
    sample_store.restore(deleted)  # what Undo does
    fresh_tree = TreeModel(sample_store)
    assert [r.rag for r in tree.all_rows()] == [r.rag for r in fresh_tree.all_rows()]
    assert _cells(grid) == _cells(_fresh(sample_store, grid))
    # and a period restored in the middle re-derives the later periods' arrows
    first = sample_store.periods()[0]
    grid.set_dot_period(sample_store.periods()[1].id)
    deleted = sample_store.delete_period(first.id)
    sample_store.restore(deleted)
    assert _cells(grid) == _cells(_fresh(sample_store, grid))
    assert [r.rag for r in tree.all_rows()] == [r.rag for r in TreeModel(sample_store).all_rows()]
