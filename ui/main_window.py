"""The main window: recommendation tree | editor pane, with the RAG grid below the editor.

The window owns one open Store (through the ``StoreBridge``), one QUndoStack
and the current selection (item or inspection, and reporting period). Every
change, whichever view made it, comes back through the bridge's ``changed``
signal and each view refreshes only what the Change names. The editor pane is
asked to ``flush()`` before the selection moves, another file opens or the
window closes, so typed text is never lost.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import os
import sys
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QByteArray, QModelIndex, QRect, QSettings, Qt, QTimer
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QCloseEvent,
    QFontMetrics,
    QKeySequence,
    QPaintEvent,
    QShortcut,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHeaderView,
    QInputDialog,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QStyle,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from ragdesk.errors import Damaged, FileProblem, RagdeskError, ReadOnly

from . import qt_settings
from .bridge import StoreBridge
from .file_actions import FileActions
from .grouping import GROUPINGS
from .operations import Operations

# The store, the models, the painters and the file modules (sqlite3, jsonio, backup) are
# imported inside the methods that use them: the window's first frame must not wait for
# them (see MainWindow; tests/test_ui_fast_paths.py checks sys.modules at that frame).

if TYPE_CHECKING:
    from ragdesk.domain import InspectionId, ItemId, ItemKind, Period, PeriodId
    from ragdesk.records import Change
    from ragdesk.storage import Storage

    from .dialogs import PeriodValues
    from .tree_model import ItemFilter


NO_FILE_TEXT = "No file is open.\n\nUse File ▸ Open… or File ▸ New…"

# Some desktops define no binding for these standard keys; use the common ones there.
COL_RAG_TREE = 1  # the tree's RAG column (tree_model.COL_RAG, not imported before the panes)

_FALLBACK_KEYS = {
    QKeySequence.StandardKey.Quit: "Ctrl+Q",
    QKeySequence.StandardKey.Refresh: "F5",
    QKeySequence.StandardKey.Print: "Ctrl+P",
    QKeySequence.StandardKey.Find: "Ctrl+F",
    QKeySequence.StandardKey.HelpContents: "F1",
}


def make_editor(store: Storage, undo_stack: QUndoStack, parent: QWidget) -> QWidget:
    """The editor pane (imported here so the first frame does not wait for it)."""
    from .editor import EditorPane

    return EditorPane(store, undo_stack, parent)


class MainWindow(QMainWindow):
    """The window a unit lives in every reporting cycle.

    Built in two steps so it can appear at once: the frame (menus, toolbar, status
    bar, saved size and place) in ``__init__``, and the panes (tree, filter bar,
    editor stack, grid, history dock) in ``build_panes()``. The panes need the
    store, the models and everything that paints a rating, whose imports cost
    about as much as starting Qt itself; with ``defer_panes`` (what ``ragdesk open``
    does) they are built just after the first frame. Every action builds them
    first if they are still missing, so nothing can reach a pane that is not there.
    """

    def __init__(self, *, settings: QSettings | None = None,
                 app_data_dir: str | None = None, defer_panes: bool = False) -> None:
        super().__init__()
        self.settings = settings or qt_settings.default_settings()
        self.app_data_dir = app_data_dir
        self.undo_stack = QUndoStack(self)
        self.bridge = StoreBridge(parent=self)
        self.current_item: ItemId | None = None
        self.current_inspection: InspectionId | None = None
        self.current_period: PeriodId | None = None
        self._syncing = False
        self._collapsed: set[str] = set()
        self._tree_period: tuple[int, str] | None | bool = False  # what the tree's RAG shows
        self.editor: Any = None
        self._pending_open: tuple[str, bool] | None = None  # see open_after_first_paint
        self.daily_backup: Any = None  # the background daily backup and check (DailyBackup)
        self._panes_built = False
        self._help: Any = None  # the Help window, made when first asked for
        self.operations = Operations(lambda: self.store, self.undo_stack, self)
        self.file_actions = FileActions(self)

        self.setObjectName("ragdeskMainWindow")
        self.setWindowTitle("ragdesk")
        self.setAccessibleName("ragdesk")
        # the centre until the panes exist; then the editor stack's "no file" page
        self.no_file = QLabel(NO_FILE_TEXT, self)
        self.no_file.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setCentralWidget(self.no_file)
        self._build_actions()
        self._build_menus()
        self._build_toolbar()
        self._build_status_bar()
        self._restore_geometry()
        if not defer_panes:
            self.build_panes()
        self._update_actions()
        self._update_title()

    @property
    def panes_built(self) -> bool:
        return self._panes_built

    def build_panes(self) -> None:
        """The tree, filter bar, editor stack, grid and history dock (once)."""
        if self._panes_built:
            return
        self._panes_built = True
        from .history_view import attach_history_dock

        self._build_views()
        self.history_dock = attach_history_dock(self)  # before the saved window state is restored
        history = self.history_dock.toggleViewAction()
        history.setText("&History of the Selected Item")
        history.setShortcut(QKeySequence("Alt+4"))
        self.view_menu.insertAction(self._history_place, history)
        from .changes_view import attach_changes_dock
        from .overview_view import attach_overview_dock

        self.overview_dock = attach_overview_dock(self)
        self.changes_dock = attach_changes_dock(self)
        self.tabifyDockWidget(self.history_dock, self.overview_dock)
        self.tabifyDockWidget(self.overview_dock, self.changes_dock)
        for dock, text, keys in ((self.overview_dock, "&Overview", "Alt+5"),
                                 (self.changes_dock, "&What Changed", "Alt+6")):
            toggle = dock.toggleViewAction()
            toggle.setText(text)
            toggle.setShortcut(QKeySequence(keys))
            # tabbed with History: showing one brings it to the front
            toggle.triggered.connect(lambda on, d=dock: on and d.raise_())
            self.view_menu.insertAction(self._history_place, toggle)
        self.view_menu.insertAction(self._history_place, self.act_compare)
        self.bridge.changed.connect(self._on_change)
        self.bridge.external_change.connect(self._on_external_change)
        self._restore_pane_state()
        self._update_actions()

    # ================================================================ building

    def _build_views(self) -> None:
        from .filter_bar import FilterBar
        from .grid_model import GridModel
        from .grid_view import GridView
        from .rag_style import BadgeDelegate
        from .tree_model import (
            COL_DUE,
            COL_ITEM,
            COL_RAG,
            COL_STATUS,
            KIND_ROLE,
            RAG_ROLE,
            TreeModel,
        )

        # every search of the tree goes through the window's: a build never runs on this thread
        self.tree_model = TreeModel(parent=self, search=self.search_preparation.hits)
        self.tree = QTreeView(self)
        self.tree.setModel(self.tree_model)
        self.tree.setObjectName("tree")
        self.tree.setAccessibleName("Recommendations and areas for improvement")
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.setAllColumnsShowFocus(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._tree_menu)
        self.tree.setItemDelegateForColumn(
            COL_RAG, BadgeDelegate(lambda: self.tree_model.scale, RAG_ROLE, KIND_ROLE, self.tree))
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(COL_ITEM, QHeaderView.ResizeMode.Stretch)
        for col in (COL_RAG, COL_STATUS, COL_DUE):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
        # click a heading to sort the items within their groups (the grouping stays)
        header.setSortIndicator(COL_ITEM, Qt.SortOrder.AscendingOrder)
        self.tree.setSortingEnabled(True)
        self.tree.selectionModel().currentChanged.connect(self._tree_current_changed)
        self.tree.expanded.connect(lambda i: self._collapsed.discard(self.tree_model.group_key(i) or ""))
        self.tree.collapsed.connect(lambda i: self._collapsed.add(self.tree_model.group_key(i) or ""))
        self.tree_model.modelReset.connect(self._after_tree_reset)
        self.tree_model.ratings_changed.connect(self._tree_ratings_changed)
        delete = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.tree)
        delete.setContext(Qt.ShortcutContext.WidgetShortcut)
        delete.activated.connect(self.operations.delete_selected)

        self.filter_bar = FilterBar(self)
        self.filter_bar.filter_changed.connect(self._filter_changed)

        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.setSpacing(0)
        left_layout.addWidget(self.filter_bar)
        left_layout.addWidget(self.tree, 1)

        self.editor_stack = QStackedWidget(self)
        if self.centralWidget() is self.no_file:
            self.takeCentralWidget()  # kept: setCentralWidget below would delete it
        self.editor_stack.addWidget(self.no_file)

        self.grid_model = GridModel(parent=self)
        self.grid = GridView(self.grid_model, self)
        self.grid.setObjectName("grid")
        self.grid.cell_chosen.connect(self._grid_cell_chosen)
        self.grid.rate_requested.connect(self.operations.rate)
        self.grid.message.connect(self.status)
        self.grid.edit_requested.connect(self._focus_editor)
        self.grid.period_menu_requested.connect(self._period_menu)
        self.grid_model.modelReset.connect(self._sync_grid_selection)

        self.right_split = QSplitter(Qt.Orientation.Vertical, self)
        self.right_split.setObjectName("rightSplit")
        self.right_split.addWidget(self.editor_stack)
        self.right_split.addWidget(self.grid)
        self.right_split.setStretchFactor(0, 3)
        self.right_split.setStretchFactor(1, 2)
        self.right_split.setChildrenCollapsible(False)

        self.main_split = QSplitter(Qt.Orientation.Horizontal, self)
        self.main_split.setObjectName("mainSplit")
        self.main_split.addWidget(left)
        self.main_split.addWidget(self.right_split)
        self.main_split.setStretchFactor(0, 2)
        self.main_split.setStretchFactor(1, 3)
        self.main_split.setChildrenCollapsible(False)
        self.setCentralWidget(self.main_split)

    def _action(self, text: str, slot: Callable[..., Any], shortcut: Any = None,
                tip: str = "", *, checkable: bool = False) -> QAction:
        action = QAction(text, self)
        if isinstance(shortcut, QKeySequence.StandardKey):
            keys = QKeySequence.keyBindings(shortcut)
            fallback = _FALLBACK_KEYS.get(shortcut)
            action.setShortcuts(keys or ([QKeySequence(fallback)] if fallback else []))
        elif shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setStatusTip(tip)
            action.setToolTip(tip)
        action.setCheckable(checkable)
        if checkable:
            action.toggled.connect(lambda on: self._with_panes(slot, on))
        else:
            action.triggered.connect(lambda _checked=False: self._with_panes(slot))
        self.addAction(action)  # reachable by shortcut even when its menu is hidden
        return action

    def _with_panes(self, slot: Callable[..., Any], *args: Any) -> None:
        self.build_panes()  # every action builds the panes first (see the class docstring)
        slot(*args)

    def _build_actions(self) -> None:
        SK = QKeySequence.StandardKey
        a, files, ops = self._action, self.file_actions, self.operations
        self.act_new = a("&New…", files.new_file, SK.New, "Create an empty ragdesk file")
        self.act_open = a("&Open…", files.open_dialog, SK.Open, "Open a ragdesk file")
        self.act_save_copy = a("Save a &Copy…", files.save_copy, "Ctrl+Shift+S",
                               "Write a copy of the whole file (a consistent snapshot)")
        self.act_restore_backup = a("Restore from &Backup…", files.restore_from_backup, None,
                                    "Replace this file with one of its automatic backups")
        self.act_import = a("&Import…", files.import_dialog, None,
                            "Bring in a Word appendix, an Excel/CSV tracker, a ragdesk JSON "
                            "file or a published inspection report (PDF), after a preview")
        self.act_new_from_report = a(
            "New Inspection from &Report…", files.new_inspection_from_report, None,
            "Read the recommendations, AFIs and causes of concern from a published report (PDF)")
        self.act_export_json = a("&JSON…", lambda: files.export_dialog("json"), None,
                                 "Write everything in this file as JSON")
        self.act_export_csv = a("CS&V…", lambda: files.export_dialog("csv"), None,
                                "Write one row per item and period as CSV (for Excel)")
        self.act_export_xlsx = a("&Excel Tracker…", lambda: files.export_dialog("xlsx"), None,
                                 "Write one row per item and period, and the RAG matrix, as an "
                                 "Excel workbook")
        self.act_preview = a("Print Pre&view…", lambda: self.report("preview"), "Ctrl+Shift+P",
                             "Preview the Appendix 1 report of the items shown")
        self.act_print = a("&Print…", lambda: self.report("print"), SK.Print,
                           "Print the Appendix 1 report of the items shown")
        self.act_pdf = a("&PDF Report…", lambda: self.report("pdf"), "Ctrl+Shift+E",
                         "Save the Appendix 1 report of the items shown as PDF")
        self.act_word = a("&Word Report…", lambda: self.report("docx"), None,
                          "Save the Appendix 1 report of the items shown as an editable Word "
                          "document")
        self.act_properties = a("P&roperties…", files.properties, None,
                                "Document owner, team, force and rating scale of this file")
        self.act_quit = a("&Quit", self.close, SK.Quit, "Close ragdesk")

        self.act_undo = self.undo_stack.createUndoAction(self, "&Undo")
        self.act_undo.setShortcut(QKeySequence(SK.Undo))
        self.act_redo = self.undo_stack.createRedoAction(self, "&Redo")
        self.act_redo.setShortcuts([QKeySequence(SK.Redo), QKeySequence("Ctrl+Y")])
        self.addAction(self.act_undo)
        self.addAction(self.act_redo)
        # The toolbar's own short Undo/Redo: the stack's actions carry the whole command
        # text ("Undo Rate Rec 13 RED in Jul 2023"), which made the toolbar jump by a
        # quarter of its width after each change. The full text is in their tooltips and
        # in the Edit menu.
        self.tool_undo = self._short_twin(self.act_undo, "Undo", self.undo_stack.undo,
                                          self.undo_stack.undoTextChanged)
        self.tool_redo = self._short_twin(self.act_redo, "Redo", self.undo_stack.redo,
                                          self.undo_stack.redoTextChanged)
        self.act_cut = a("Cu&t", lambda: self._clipboard("cut"), SK.Cut)
        self.act_copy = a("&Copy", lambda: self._clipboard("copy"), SK.Copy)
        self.act_paste = a("&Paste", lambda: self._clipboard("paste"), SK.Paste)
        self.act_find = a("&Find…", lambda: self.filter_bar.focus_search(), SK.Find,
                          "Search and filter the items")
        self.act_add_inspection = a("Add &Inspection…", ops.add_inspection, "Ctrl+Shift+I",
                                    "Add an inspection report")
        self.act_add_item = a("&Add Item…", ops.add_item, "Ctrl+Shift+N",
                              "Add a recommendation, AFI or cause of concern")
        self.act_duplicate = a("D&uplicate Item", ops.duplicate_item, "Ctrl+D",
                               "Copy the selected item's fields into a new item below it")
        self.act_delete = a("De&lete", ops.delete_selected, "Ctrl+Shift+Del",
                            "Delete the selected item or inspection (Ctrl+Z undoes it)")
        self.act_move_up = a("Move &Up", lambda: ops.move_selected(-1), "Ctrl+Shift+Up",
                             "Move the selected item or inspection up")
        self.act_move_down = a("Move Do&wn", lambda: ops.move_selected(1), "Ctrl+Shift+Down",
                               "Move the selected item or inspection down")
        self.act_new_period = a("New Reporting &Period…", ops.new_period, "Ctrl+Alt+N",
                                "Add a reporting period (a new grid column), carrying ratings "
                                "forward as drafts")

        self.grouping_group = QActionGroup(self)
        self.grouping_actions: dict[str, QAction] = {}
        for n, (key, label) in enumerate(GROUPINGS.items(), start=1):
            act = QAction(f"Group by &{label}", self, checkable=True)
            act.setShortcut(QKeySequence(f"Ctrl+{n}"))
            act.setData(key)
            act.triggered.connect(lambda _c=False, k=key: self._with_panes(self.set_grouping, k))
            self.grouping_group.addAction(act)
            self.grouping_actions[key] = act
            self.addAction(act)
        self.grouping_actions["inspection"].setChecked(True)
        self.act_show_grid = a("Show RAG &Grid", self._show_grid, "F9",
                               "Show or hide the RAG grid", checkable=True)
        self.act_show_grid.blockSignals(True)  # the saved choice is applied in _restore_pane_state
        self.act_show_grid.setChecked(True)
        self.act_show_grid.blockSignals(False)
        self.act_focus_tree = a("Go to &Tree", lambda: self.tree.setFocus(), "Alt+1")
        self.act_focus_editor = a("Go to &Editor", self._focus_editor, "Alt+2")
        self.act_focus_grid = a("Go to G&rid", lambda: self.grid.setFocus(), "Alt+3")
        self.act_compare = a("&Compare Periods of This Item…", self.compare_periods, "Ctrl+Alt+D",
                             "What changed in the selected item between two reporting periods")
        self.act_refresh = a("&Reload from File", files.reload, SK.Refresh,
                             "Show changes other people have saved")
        self.act_help = a("&Getting Started", lambda: self.show_help("start"),
                          QKeySequence.StandardKey.HelpContents,
                          "The first steps in ragdesk, and every key")
        self.act_keys = a("&Keyboard Reference", lambda: self.show_help("keyboard"), None,
                          "Every keyboard shortcut, including the grid's rating keys")
        self.act_about = a("&About ragdesk", self._about, None)
        self.act_about_qt = a("About &Qt", lambda: QMessageBox.aboutQt(self), None)

    def _short_twin(self, action: QAction, text: str, slot: Callable[[], None],
                    text_changed: Any) -> QAction:
        """A toolbar action with short ``text`` doing what ``action`` does, enabled with
        it, its tooltip the full text and key."""
        twin = QAction(text, self)
        twin.setEnabled(action.isEnabled())
        action.enabledChanged.connect(twin.setEnabled)
        twin.triggered.connect(lambda _c=False: slot())
        keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)

        def tip(command: str = "") -> None:
            # from the signal's text, not action.text(): the stack may still signal while
            # the window is destroyed, after its actions are gone
            full = f"{text} {command}".strip()
            twin.setToolTip(f"{full} ({keys})" if keys else full)
            twin.setStatusTip(full)

        text_changed.connect(tip)
        tip()
        return twin

    def _build_menus(self) -> None:
        bar = self.menuBar()
        m = self.file_menu = bar.addMenu("&File")
        m.addActions([self.act_new, self.act_open])
        self.recent_menu = m.addMenu("Open &Recent")
        self.recent_menu.aboutToShow.connect(lambda: self.file_actions.fill_recent(self.recent_menu))
        m.addSeparator()
        m.addAction(self.act_save_copy)
        m.addAction(self.act_restore_backup)
        m.addSeparator()
        m.addActions([self.act_import, self.act_new_from_report])
        self.export_menu = m.addMenu("&Export")
        self.export_menu.addActions([self.act_pdf, self.act_word])
        self.export_menu.addSeparator()
        self.export_menu.addActions([self.act_export_xlsx, self.act_export_csv,
                                     self.act_export_json])
        m.addSeparator()
        m.addActions([self.act_preview, self.act_print])
        m.addSeparator()
        m.addAction(self.act_properties)
        m.addSeparator()
        m.addAction(self.act_quit)

        m = bar.addMenu("&Edit")
        m.addActions([self.act_undo, self.act_redo])
        m.addSeparator()
        m.addActions([self.act_cut, self.act_copy, self.act_paste])
        m.addSeparator()
        m.addAction(self.act_find)
        m.addSeparator()
        m.addActions([self.act_add_inspection, self.act_add_item, self.act_duplicate,
                      self.act_delete, self.act_move_up, self.act_move_down])
        m.addSeparator()
        m.addAction(self.act_new_period)

        m = self.view_menu = bar.addMenu("&View")
        m.addActions(self.grouping_group.actions())
        m.addSeparator()
        m.addAction(self.act_show_grid)
        m.addSeparator()
        m.addActions([self.act_focus_tree, self.act_focus_editor, self.act_focus_grid])
        m.addSeparator()
        self._history_place = m.addSeparator()  # the history dock's action goes before it
        m.addAction(self.act_refresh)

        m = bar.addMenu("&Help")
        m.addActions([self.act_help, self.act_keys])
        m.addSeparator()
        m.addActions([self.act_about, self.act_about_qt])

    def _build_toolbar(self) -> None:
        bar = self.addToolBar("Main")
        bar.setObjectName("mainToolBar")
        bar.setMovable(False)
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        bar.addAction(self.act_add_item)
        bar.addAction(self.act_new_period)
        bar.addSeparator()
        bar.addAction(self.tool_undo)
        bar.addAction(self.tool_redo)
        bar.addSeparator()
        label = QLabel(" Reporting period: ", self)
        bar.addWidget(label)
        self.period_combo = QComboBox(self)
        self.period_combo.setAccessibleName("Reporting period")
        self.period_combo.setToolTip("The reporting period shown in the editor")
        self.period_combo.setMinimumContentsLength(10)
        self.period_combo.currentIndexChanged.connect(self._period_combo_changed)
        label.setBuddy(self.period_combo)
        bar.addWidget(self.period_combo)
        bar.addSeparator()
        bar.addAction(self.act_preview)
        bar.addAction(self.act_pdf)

    def _build_status_bar(self) -> None:
        from .search_progress import SearchPreparation

        self.count_label = QLabel(self)
        self.count_label.setAccessibleName("Item count")
        self.statusBar().addPermanentWidget(self.count_label)
        # "Preparing search… N %" while this computer's search index is made (issue 16)
        self.search_preparation = SearchPreparation(self, self.statusBar())
        self.search_preparation.ready.connect(self._search_ready)
        self.search_preparation.changed.connect(self._show_search_note)

    # ================================================================ state

    @property
    def store(self) -> Storage | None:
        return self.bridge.store

    @property
    def read_only(self) -> bool:
        return bool(self.store and self.store.read_only)

    def status(self, text: str, timeout: int = 6000) -> None:
        self.statusBar().showMessage(text, timeout)

    def show_error(self, text: str, title: str = "ragdesk") -> None:
        """A refusal or a problem, said plainly; nothing the person typed is lost."""
        QMessageBox.warning(self, title, text)

    def _update_title(self) -> None:
        store = self.store
        if store is None:
            self.setWindowTitle("ragdesk")
            return
        name = os.path.basename(store.path)
        suffix = " [read-only]" if store.read_only else ""
        self.setWindowTitle(f"{name}{suffix} — ragdesk")
        self.setWindowFilePath(store.path)

    def _update_actions(self) -> None:
        has_file = self.store is not None
        writable = has_file and not self.read_only
        has_item = self.current_item is not None
        has_selection = has_item or self.current_inspection is not None
        for act in (self.act_save_copy, self.act_export_json, self.act_export_csv,
                    self.act_export_xlsx, self.act_preview, self.act_print, self.act_pdf,
                    self.act_word, self.act_properties, self.act_refresh):
            act.setEnabled(has_file)
        for act in (self.act_import, self.act_add_inspection, self.act_new_period,
                    self.act_restore_backup, self.act_new_from_report):
            act.setEnabled(writable)
        self.act_add_item.setEnabled(writable and self._panes_built and bool(self.tree_model.rowCount()))
        self.act_duplicate.setEnabled(writable and has_item)
        self.act_delete.setEnabled(writable and has_selection)
        # moving changes the order within inspections: only while the tree shows that order
        in_order = self._panes_built and self.tree_model.grouping == "inspection"
        for act in (self.act_move_up, self.act_move_down):
            act.setEnabled(writable and has_selection and in_order)

    def _update_counts(self) -> None:
        store = self.store
        if store is None:
            self.count_label.setText("")
            return
        total = len(self.tree_model.all_rows())
        visible = self.tree_model.visible_item_ids()
        text = f"{total} items" if visible is None else f"{len(visible)} of {total} items shown"
        period = self.period(self.current_period)
        if period is not None:
            text += f" · period {period.label}"
        self.count_label.setText(text)

    def _follow_period(self) -> None:
        """Point the tree's rating column at the current reporting period (once per change
        of period or of its label)."""
        period = self.period(self.current_period)
        key = (period.id, period.label) if period is not None else None
        if key == self._tree_period:
            return
        self._tree_period = key
        if period is None:
            self.tree_model.set_period("", None)
            return
        period_id, grid = period.id, self.grid_model
        self.tree_model.set_period(period.label, lambda item_id: grid.rating(item_id, period_id))

    def period(self, period_id: PeriodId | None) -> Period | None:
        """A reporting period as the grid shows it (None if it has none by that id)."""
        return next((p for p in self.grid_model.periods if p.id == period_id), None)

    # ================================================================ files

    def open_path(self, path: str | os.PathLike[str], *, read_only: bool = False) -> bool:
        """Open a file in this window, or say plainly why not (the current file stays open)."""
        path = os.fspath(path)
        self._pending_open = None  # a file chosen now replaces one still waiting to open
        self.build_panes()
        if self.editor is not None and not self.editor.flush():
            return False
        from ragdesk import backup as backups

        try:
            # pre-migration and first-of-the-day backups; a failed backup never stops opening
            # (in the folder the user chose, never one the file names: issue 17). A big file
            # is checked, and today's backup taken, in the background (issue 16): on a share
            # both read the whole file, minutes over VPN.
            self._stop_daily_backup()
            store, problems = backups.open_with_backups(
                path, read_only=read_only, folder=qt_settings.backup_folder(self.settings),
                daily=False, quick_check=None)
        except ReadOnly as e:
            if read_only or not self._offer_read_only(str(e)):
                return False
            return self.open_path(path, read_only=True)
        except Damaged as e:  # offer the newest good backup (the damaged file is kept)
            from .backup_dialog import offer_backup_for_damaged
            return offer_backup_for_damaged(self, path, str(e))
        except FileProblem as e:
            self.show_error(str(e), "Cannot open file")
            return False
        except (RagdeskError, OSError) as e:
            self.show_error(f"“{path}” could not be opened: {e}", "Cannot open file")
            return False
        self.set_store(store)
        self._start_daily_backup(path)
        qt_settings.add_recent(self.settings, path)
        if store.migrated_from is not None:
            self.status(f"Upgraded the file from version {store.migrated_from}.")
        else:
            self.status(f"Opened {path}" + (" read-only" if store.read_only else ""))
        if problems and not store.read_only:
            self.show_error("The file is open, but:\n\n" + "\n".join(problems), "Backup problem")
        elif problems:
            self.status("Opened read-only; no backup could be taken: " + problems[0])
        return True

    def open_after_first_paint(self, path: str | os.PathLike[str], *, read_only: bool = False) -> None:
        """Open ``path`` just after the window's first frame (start-up), saying so meanwhile.

        The integrity check (issue 6), the daily backup and reading every row take
        most of a second on a force-sized file; the window appears first, says
        "Opening…" with a busy cursor, and nothing can be edited until the file is
        open. A damaged or foreign file is refused exactly as ``open_path`` does.
        """
        path = os.fspath(path)
        self._pending_open = (path, read_only)
        self.no_file.setText(f"Opening “{os.path.basename(path)}”…\n\n"
                             "Checking the file and reading its items.")
        if self._panes_built:
            self.editor_stack.setCurrentWidget(self.no_file)
        self.status(f"Opening {path}…", 0)
        self.setCursor(Qt.CursorShape.WaitCursor)
        self._update_actions()
        # normally the first paint triggers it; this covers a window that is never painted
        QTimer.singleShot(1000, self, self._finish_start)

    @property
    def opening(self) -> bool:
        """True between ``open_after_first_paint`` and the file being open (or refused)."""
        return self._pending_open is not None

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if self._pending_open is not None or not self._panes_built:
            QTimer.singleShot(0, self, self._finish_start)  # after this frame reaches the screen

    def _finish_start(self) -> None:
        """After the first frame: build the panes, then open the file waiting to open."""
        self.build_panes()
        pending, self._pending_open = self._pending_open, None
        if pending is None:
            return
        path, read_only = pending
        try:
            self.open_path(path, read_only=read_only)
        finally:
            self.unsetCursor()
            self.no_file.setText(NO_FILE_TEXT)
            if self.store is None:
                self.statusBar().clearMessage()

    # -- the daily backup and integrity check, in the background (issue 16) -------------

    def _start_daily_backup(self, path: str) -> None:
        from .backup_dialog import users_folder
        from .daily_backup import DailyBackup

        self.daily_backup = DailyBackup(self.statusBar(), path, users_folder(self, path),
                                        lambda outcome: self._daily_backup_done(path, outcome))
        self.daily_backup.start()

    def _stop_daily_backup(self) -> None:
        task, self.daily_backup = self.daily_backup, None
        if task is not None and not task.done:
            task.stop()

    def _daily_backup_done(self, path: str, outcome: Any) -> None:
        """Say how today's backup went; damage found by its check is handled as on opening."""
        from ragdesk.backup import DailyResult

        if self.store is None or os.path.abspath(self.store.path) != os.path.abspath(path):
            return  # another file is open by now
        if isinstance(outcome, DailyResult) and outcome.damaged:
            message = (f"“{path}” is damaged (the daily check says: {outcome.check}). "
                       "Restore it from a backup; the file has not been changed.")
            if self.editor is not None:
                self.editor.flush()
            self.set_store(None)  # nothing more is written to it (as if it had been refused)
            from .backup_dialog import offer_backup_for_damaged
            offer_backup_for_damaged(self, path, message)
        elif isinstance(outcome, DailyResult) and outcome.made is not None:
            self.status(f"Today's backup is saved to {outcome.made.parent} (file checked: OK).",
                        10000)
        elif isinstance(outcome, BaseException):
            text = str(outcome) if isinstance(outcome, RagdeskError | OSError) else repr(outcome)
            if self.read_only:
                self.status("No backup could be taken: " + text, 15000)
            else:
                self.show_error("The file is open, but today's backup failed:\n\n" + text,
                                "Backup problem")

    def show_help(self, page: str = "start") -> None:
        """Help ▸ Getting Started (F1) or Keyboard Reference, in a window beside this one."""
        from .help import HelpDialog

        if self._help is None:
            actions = list(self.actions())
            save = getattr(self.editor, "save_action", None)
            if isinstance(save, QAction):
                actions.append(save)
            self._help = HelpDialog(actions, self)
        self._help.show_page(page)

    def _about(self) -> None:
        from .about import show_about
        show_about(self, self.store)

    def _offer_read_only(self, text: str) -> bool:
        box = QMessageBox(QMessageBox.Icon.Warning, "Cannot open file for changes", text,
                          QMessageBox.StandardButton.Cancel, self)
        ro = box.addButton("Open read-only", QMessageBox.ButtonRole.AcceptRole)
        box.exec()
        return box.clickedButton() is ro

    def set_store(self, store: Storage | None) -> None:
        """Show another open store (closing the previous one)."""
        from .tree_model import ItemFilter

        self.build_panes()
        self.undo_stack.clear()
        self.search_preparation.stop(timeout=0)  # the previous file's: not waited for
        self.bridge.close()
        self.current_item = self.current_inspection = self.current_period = None
        self.bridge.set_store(store)
        if store is not None:
            if self.editor is None:
                self.editor = make_editor(store, self.undo_stack, self)
                self.editor.setAccessibleName("Editor")
                self.editor.message.connect(self.status)
                self.editor_stack.addWidget(self.editor)
                save = getattr(self.editor, "save_action", None)
                if isinstance(save, QAction):  # the pane's own Ctrl+S, listed in File
                    self.file_menu.insertAction(self.act_save_copy, save)
            else:
                self.editor.set_store(store)
            self.editor_stack.setCurrentWidget(self.editor)
        else:
            if self.editor is not None:
                self.editor.set_store(None)
            self.editor_stack.setCurrentWidget(self.no_file)
        self.filter_bar.blockSignals(True)
        self.filter_bar.clear()
        self.filter_bar.blockSignals(False)
        if self.editor is not None:
            self.editor.set_search("")
        self.tree_model.filter = ItemFilter()
        self._show_search_note()
        # one read transaction for everything shown (issue 16: a round trip per statement less)
        with store.reading() if store is not None else contextlib.nullcontext():
            self.tree_model.set_store(store)
            self.grid_model.set_visible(None)
            self.grid_model.set_store(store)
            self._refresh_choices()
            self._refresh_periods()
            periods = self.grid_model.periods
            self.current_period = periods[-1].id if periods else None
            self._tree_period = False  # another file: its periods are new to the tree
            self._follow_period()
            self._fit_tree_columns()
            self._sync_period_combo()
            self._update_title()
            self._update_actions()
            self._update_counts()
            first = self.tree_model.index(0, 0)
            if first.isValid():
                self.tree.setCurrentIndex(first)
        _settle_garbage_collector()

    # ================================================================ reports

    def report(self, action: str) -> None:
        store = self.store
        if store is None or (self.editor is not None and not self.editor.flush()):
            return
        try:
            module = importlib.import_module("ragdesk.ui.report_dialog")
        except ModuleNotFoundError as e:
            if e.name not in ("ragdesk.ui.report_dialog",):
                raise
            self.show_error("Reports are not available in this installation "
                            "(the report module is missing).")
            return
        try:
            module.open_report_dialog(self, store, action=action,
                                      item_ids=self.tree_model.visible_item_ids(),
                                      period_id=self.current_period)
        except RagdeskError as e:
            self.show_error(str(e))

    def show_drafts(self, item_ids: list[ItemId], period_id: PeriodId | None) -> None:
        """The report dialog's "Go to the Drafts": the first draft in the editor at that
        period, the rest named in the status bar (the grid marks each with * and a dashed
        border)."""
        if not item_ids:
            return
        if period_id is not None and self.period(period_id) is not None:
            self.select_item(item_ids[0], period_id)
        else:
            self.select_item(item_ids[0], self.current_period)
        labels = [row.label for i in item_ids if (row := self.tree_model.item_row(i))]
        shown = ", ".join(labels[:8]) + (f" and {len(labels) - 8} more" if len(labels) > 8 else "")
        self.status(f"{len(item_ids)} carried-forward draft{'s' if len(item_ids) != 1 else ''} "
                    f"to check: {shown}. Confirm each in the editor, or press R, A or G in "
                    "the grid.", 30000)
        self._focus_editor()

    # ================================================================ selection and sync

    def _tree_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self._syncing or not current.isValid():
            return
        from .tree_model import INSPECTION_ID_ROLE, ITEM_ID_ROLE

        item_id: ItemId | None = current.data(ITEM_ID_ROLE)  # the model's ids, as stored
        if item_id is not None:
            chosen = self.current_period
            period_id = self._period_for(item_id)
            if self.select_item(item_id, period_id) and period_id != chosen:
                self._say_period_moved(item_id, chosen, period_id)
            return
        inspection_id: InspectionId | None = current.data(INSPECTION_ID_ROLE)
        if inspection_id is not None:
            self.select_inspection(inspection_id)

    def _period_for(self, item_id: ItemId) -> PeriodId | None:
        """The current period, unless the item has never been rated in it but was earlier:
        then its latest assessed period (so its narrative is what you see first)."""
        store = self.store
        if store is None or self.current_period is None or self.tree_model.filter.rag:
            # a RAG filter means ratings in this period: moving it would hide the item chosen
            return self.current_period
        try:
            assessed = [a.period_id for a in store.assessments(item_id=item_id)]
        except RagdeskError:
            return self.current_period
        if not assessed or self.current_period in assessed:
            return self.current_period
        return assessed[-1]

    def _say_period_moved(self, item_id: ItemId, chosen: PeriodId | None,
                          shown: PeriodId | None) -> None:
        """Selecting an item moved the reporting period (it has nothing in the one that was
        chosen): say so in the editor's heading and the status bar, never silently."""
        was, now = self.period(chosen), self.period(shown)
        if was is None or now is None:
            return
        row = self.tree_model.item_row(item_id)
        label = row.label if row else "This item"
        text = (f"Showing {now.label}: {label} has nothing in {was.label} yet, so the "
                f"reporting period moved from {was.label} to {now.label}, the last period "
                "it was reported in. Choose the period at the top to go back.")
        if self.editor is not None:
            self.editor.show_period_note(text)
        self.status(f"Reporting period moved to {now.label} ({label} has nothing in "
                    f"{was.label}).")

    def _grid_cell_chosen(self, item_id: ItemId, period_id: PeriodId | None) -> None:
        if self._syncing:
            return
        self.select_item(item_id, period_id if period_id is not None else self.current_period)

    def _period_combo_changed(self, _index: int) -> None:
        if self._syncing:
            return
        self.select_period(self.period_combo.currentData())

    def can_leave(self) -> bool:
        """Save the editor's typed text before the selection moves; False if it could not
        be saved (the person stays where they are, with their text)."""
        return self.editor is None or bool(self.editor.flush())

    def select_period(self, period_id: PeriodId | None) -> bool:
        """Show another reporting period, keeping the selected item or inspection."""
        if self.current_item is not None:
            return self.select_item(self.current_item, period_id)
        if not self.can_leave():
            self._sync_period_combo()
            return False
        self.current_period = period_id
        self.grid_model.set_dot_period(period_id)
        self._follow_period()
        self._sync_period_combo()
        self._update_counts()
        return True

    def select_item(self, item_id: ItemId, period_id: PeriodId | None) -> bool:
        """Make (item, period) current in the editor, the tree, the grid and the period box."""
        if (item_id, period_id) == (self.current_item, self.current_period) \
                and self.current_inspection is None:
            self._sync_views()
            return True
        if not self.can_leave():
            self._sync_views()
            return False
        self.current_item, self.current_inspection = item_id, None
        self.current_period = period_id
        if self.editor is not None:
            self.editor.show_item(item_id, period_id)
        self.grid_model.set_dot_period(period_id)
        self._follow_period()
        self._sync_views()
        self._update_actions()
        self._update_counts()
        return True

    def select_inspection(self, inspection_id: InspectionId) -> bool:
        if self.current_inspection == inspection_id and self.current_item is None:
            return True
        if not self.can_leave():
            self._sync_views()
            return False
        self.current_item, self.current_inspection = None, inspection_id
        if self.editor is not None:
            self.editor.show_inspection(inspection_id)
        self._sync_views()
        self._update_actions()
        return True

    @contextlib.contextmanager
    def _quietly(self) -> Iterator[None]:
        """Move the views without their signals moving the selection back (re-entering)."""
        syncing, self._syncing = self._syncing, True
        try:
            yield
        finally:
            self._syncing = syncing

    def _sync_views(self) -> None:
        """Point the tree, grid and period box at the current selection."""
        with self._quietly():
            if self.current_item is not None:
                index = self.tree_model.index_for_item(self.current_item)
            elif self.current_inspection is not None:
                index = self.tree_model.index_for_inspection(self.current_inspection)
            else:
                index = QModelIndex()
            if index.isValid():
                if index != self.tree.currentIndex():
                    self.tree.setCurrentIndex(index)
                self.tree.scrollTo(index)
            else:
                self.tree.clearSelection()
            self._sync_grid_selection()
            self._sync_period_combo()

    def _sync_grid_selection(self) -> None:
        with self._quietly():
            if self.current_item is not None:
                self.grid.select_cell(self.current_item, self.current_period)
            else:
                self.grid.clearSelection()

    def _sync_period_combo(self) -> None:
        with self._quietly():
            at = self.period_combo.findData(self.current_period)
            if at >= 0 and at != self.period_combo.currentIndex():
                self.period_combo.setCurrentIndex(at)

    def _refresh_periods(self) -> None:
        with self._quietly():
            self.period_combo.clear()
            for p in self.grid_model.periods:
                self.period_combo.addItem(p.label, p.id)
        if self.current_period not in {p.id for p in self.grid_model.periods}:
            periods = self.grid_model.periods
            self.current_period = periods[-1].id if periods else None
        self._sync_period_combo()
        self._fit_tree_columns()  # the RAG heading names the period: the longest may be new

    def _refresh_choices(self) -> None:
        store = self.store
        if store is None:
            return
        self.filter_bar.set_choices(store.ratings(), store.statuses(), self.tree_model.all_rows())

    def _tree_ratings_changed(self) -> None:
        """The tree's RAG column shows another period: repaint that strip and its heading."""
        viewport = self.tree.viewport()
        viewport.update(QRect(self.tree.columnViewportPosition(COL_RAG_TREE), 0,
                              self.tree.columnWidth(COL_RAG_TREE), viewport.height()))
        self.tree.header().updateSection(COL_RAG_TREE)

    def _fit_tree_columns(self) -> None:
        """The RAG, Status and Deadline columns as wide as what they show at its longest
        (the widest badge, short status label and "⚠ Overdue 31/10/23"), so nothing is
        cut at the default size and the Item column keeps the rest; a custom status label
        too long even so is cut with "…" and shown whole in its tooltip."""
        from ragdesk.domain import Deadline

        from .tree_model import COL_DUE, COL_RAG, COL_STATUS, short_deadline, short_status
        store = self.store
        header = self.tree.header()
        metrics = self.tree.fontMetrics()
        bold = header.font()
        bold.setBold(True)
        heading = QFontMetrics(bold)
        pad = 2 * self.tree.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMargin) + 16
        model = self.tree_model

        def title(col: int) -> int:  # with room for the sort arrow beside it
            texts = [str(model.headerData(col, Qt.Orientation.Horizontal))]
            if col == COL_RAG:  # "RAG <period>" for whichever period is chosen
                texts += [f"RAG {p.label}" for p in self.grid_model.periods]
            return max(heading.horizontalAdvance(t) for t in texts) + 20

        words = [r.code for r in model.scale.enabled] + ["not rated"]
        badge = max(heading.horizontalAdvance(w) for w in words) + 20
        self.tree.setColumnWidth(COL_RAG, max(badge, title(COL_RAG)) + pad)
        labels = [short_status(s.label) for s in store.statuses()] if store is not None else []
        widest = max((metrics.horizontalAdvance(text) for text in labels), default=0)
        self.tree.setColumnWidth(COL_STATUS, min(180, max(widest, title(COL_STATUS)) + pad))
        sample = "⚠ Overdue " + short_deadline(Deadline.parse("28/12/2028"))
        self.tree.setColumnWidth(COL_DUE, max(metrics.horizontalAdvance(sample),
                                              title(COL_DUE)) + pad)

    def _after_tree_reset(self) -> None:
        root = QModelIndex()
        collapsed = []
        for row in range(self.tree_model.rowCount()):
            self.tree.setFirstColumnSpanned(row, root, True)
            index = self.tree_model.index(row, 0)
            if self.tree_model.group_key(index) in self._collapsed:
                collapsed.append(index)
        # One layout for every group, not one per group (60 inspections: ~100 ms per search).
        self.tree.expandAll()
        for index in collapsed:
            self.tree.setExpanded(index, False)
        self._sync_views()

    def _filter_changed(self, item_filter: ItemFilter) -> None:
        if item_filter.text != self.tree_model.filter.text:
            self.search_preparation.retry()  # a build that failed may be tried again
        # a search that needs this computer's index made first starts it on a thread and
        # waits for it (_search_ready): the tree shows what the other filters allow meanwhile
        self.tree_model.set_filter(item_filter)
        self._after_filter()


    def _search_ready(self) -> None:
        """The search index was made on its thread: apply the newest search text now."""
        if self.store is None or not self.tree_model.filter.text.strip():
            self._show_search_note()
            return
        self.tree_model.search_again()
        self._after_filter()

    def _show_search_note(self) -> None:
        """Say in the filter bar when the search text typed is not applied yet, and why; the
        editor marks the search's words only once it is (until then the item shown is no
        search result, and the editor must not say where it matched)."""
        waiting = self.store is not None and self.tree_model.search_waiting
        text = self.tree_model.filter.text
        self.filter_bar.set_note(self.search_preparation.note(text) if waiting else "")
        if self.editor is not None:
            self.editor.set_search("" if waiting else text)

    def _after_filter(self) -> None:
        """The editor, the grid, the counts and the current item follow the tree's new rows."""
        self._show_search_note()
        self.grid_model.set_visible(self.tree_model.visible_item_ids())
        self._update_counts()
        visible = self.tree_model.visible_item_ids()
        if visible and self.current_item not in visible:
            self.tree.setCurrentIndex(self.tree_model.index_for_item(visible[0]))
        elif visible == []:
            self.status("No item matches the filter.")

    def show_items_in_tree(self, description: str, ids: Any, current: ItemId | None = None) -> None:
        """Show only ``ids`` in the tree (a bar, a count or a list of the Overview), named in
        the filter bar where the person can clear it; ``current`` becomes the current item."""
        self.filter_bar.set_item_set(frozenset(ids), description)
        if current is not None and self.tree_model.has_item(current):
            self.select_item(current, self.current_period)
        self.tree.setFocus(Qt.FocusReason.OtherFocusReason)

    def compare_periods(self) -> None:
        """The selected item's word diff between two reporting periods."""
        store = self.store
        if store is None or self.current_item is None:
            self.status("Select an item to compare its reporting periods.")
            return
        from .changes_view import ItemDiffDialog

        ItemDiffDialog(self, store, self.current_item).exec()

    def set_grouping(self, grouping: str) -> None:
        self.tree_model.set_grouping(grouping)
        self.grouping_actions[grouping].setChecked(True)
        self.settings.setValue(qt_settings.KEY_GROUPING, grouping)
        self._update_actions()

    def _show_grid(self, shown: bool) -> None:
        self.grid.setVisible(shown)
        self.settings.setValue(qt_settings.KEY_SHOW_GRID, shown)

    def _focus_editor(self) -> None:
        """Put the cursor in the editor's first field that takes typing (the RAG buttons first)."""
        editor = self.editor
        if editor is None:
            return
        target = editor.nextInFocusChain()
        while target is not None and target is not editor and not (
                editor.isAncestorOf(target) and target.isEnabled() and target.isVisible()
                and target.focusPolicy() & Qt.FocusPolicy.TabFocus):
            target = target.nextInFocusChain()
        (target if target is not None and target is not editor else editor).setFocus(
            Qt.FocusReason.ShortcutFocusReason)

    # ================================================================ changes

    def _on_change(self, change: Change) -> None:
        """Every Change, ours or another user's: each view refreshes what it names."""
        if self.store is None:
            return
        try:
            with self.store.reading():  # one read transaction for the whole refresh (issue 16)
                self._refresh_views(change)
        except RagdeskError as e:  # e.g. the network drive went away
            self.status(f"Could not re-read the file: {e}", 15000)

    def _refresh_views(self, change: Change) -> None:
        # the grid first: the tree's rating column (and its RAG filter) reads the grid's cells
        self.grid_model.refresh(change)
        self.tree_model.refresh(change)
        self.grid_model.set_visible(self.tree_model.visible_item_ids())
        if change.periods or change.structure:
            self._refresh_periods()
        self._follow_period()
        # the board and lead lists change with items' fields, not with their ratings
        rated = {item_id for item_id, _period in change.assessments}
        if change.structure or change.settings or (change.items - rated):
            self._refresh_choices()
        gone = self.current_item is not None and not self.tree_model.has_item(self.current_item)
        gone_inspection = (self.current_inspection is not None
                           and (change.inspections or change.structure)
                           and self.store is not None
                           and self.current_inspection not in
                           {i.id for i in self.store.inspections()})
        if self.editor is not None:
            self.editor.refresh(change)
            if gone or gone_inspection:
                self.current_item = self.current_inspection = None
                self.editor.clear()
        self._sync_views()
        self._update_actions()
        self._update_counts()
        self._show_search_note()  # the search may wait now (a colleague changed most items)

    def _on_external_change(self, _change: Change) -> None:
        self.status("Someone else saved changes to this file; the view now shows them.")

    # ================================================================ what the operations ask

    def item_label(self, item_id: ItemId) -> str:
        row = self.tree_model.item_row(item_id)
        return row.label if row else f"item {item_id}"

    def new_period(self) -> None:
        """Edit ▸ New Reporting Period…, by its old name (tests/test_ui_fast_paths.py)."""
        self.operations.new_period()

    def ask_text(self, title: str, label: str, text: str = "") -> str | None:
        value, ok = QInputDialog.getText(self, title, label, text=text)
        return value if ok else None

    def ask_item(self, inspection_title: str, kind: ItemKind,
                 number: str) -> tuple[ItemKind, str] | None:
        from .dialogs import ItemDialog
        dialog = ItemDialog(self, inspection_title=inspection_title, kind=kind, number=number)
        return dialog.values() if dialog.exec() else None

    def ask_period(self, suggestion: str) -> PeriodValues | None:
        from .dialogs import PeriodDialog
        dialog = PeriodDialog(self, suggestion=suggestion)
        return dialog.values() if dialog.exec() else None

    def confirm(self, title: str, text: str) -> bool:
        answer = QMessageBox.question(self, title, text,
                                      QMessageBox.StandardButton.Yes
                                      | QMessageBox.StandardButton.Cancel)
        return answer == QMessageBox.StandardButton.Yes

    def _period_menu(self, period_id: PeriodId, pos: Any) -> None:
        menu, ops = QMenu(self), self.operations
        writable = self.store is not None and not self.read_only
        rename = menu.addAction("&Rename Reporting Period…", lambda: ops.rename_period(period_id))
        delete = menu.addAction("&Delete Reporting Period…", lambda: ops.delete_period(period_id))
        menu.addSeparator()
        menu.addAction(self.act_new_period)
        rename.setEnabled(writable)
        delete.setEnabled(writable)
        menu.exec(pos)

    # ================================================================ clipboard

    def _clipboard(self, what: str) -> None:
        """Cut/Copy/Paste act on the focused text field; in the grid, on the rating."""
        focus = self.focusWidget()
        if focus is not self.grid:
            method = getattr(focus, what, None)
            if callable(method):
                method()
            return
        index = self.grid.currentIndex()
        shown = index.data(Qt.ItemDataRole.DisplayRole) if index.isValid() else ""
        self.operations.grid_clipboard(what, self.grid.cell_at(index), str(shown or ""),
                                       self.grid_model.scale.enabled)

    # ================================================================ tree menu

    def _tree_menu(self, pos: Any) -> None:
        menu = QMenu(self)
        menu.addActions([self.act_add_inspection, self.act_add_item, self.act_duplicate])
        menu.addSeparator()
        menu.addActions([self.act_move_up, self.act_move_down])
        menu.addSeparator()
        menu.addAction(self.act_delete)
        menu.addSeparator()
        menu.addAction(self.act_new_period)
        menu.exec(self.tree.viewport().mapToGlobal(pos))

    # ================================================================ window state

    def _restore_geometry(self) -> None:
        """Size and place, before the window is first shown."""
        geometry = self.settings.value(qt_settings.KEY_GEOMETRY)
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:
            self.resize(1400, 900)

    def _restore_pane_state(self) -> None:
        """Docks, splitters, grouping and grid as the user left them (once the panes exist)."""
        s = self.settings
        state = s.value(qt_settings.KEY_STATE)
        if isinstance(state, QByteArray) and not state.isEmpty():
            self.restoreState(state)
        main = qt_settings.int_list(s, qt_settings.KEY_SPLIT_MAIN)
        self.main_split.setSizes(main if len(main) == 2 and all(main) else [640, 860])
        right = qt_settings.int_list(s, qt_settings.KEY_SPLIT_RIGHT)
        self.right_split.setSizes(right if len(right) == 2 and all(right) else [600, 300])
        grouping = str(s.value(qt_settings.KEY_GROUPING) or "inspection")
        if grouping in GROUPINGS and grouping != "inspection":
            self.set_grouping(grouping)
        shown = qt_settings.flag(s, qt_settings.KEY_SHOW_GRID, True)
        self.act_show_grid.blockSignals(True)
        self.act_show_grid.setChecked(shown)
        self.act_show_grid.blockSignals(False)
        self.grid.setVisible(shown)

    def _save_window_state(self) -> None:
        s = self.settings
        s.setValue(qt_settings.KEY_GEOMETRY, self.saveGeometry())
        if not self._panes_built:  # closed before its panes were built: keep their saved state
            s.sync()
            return
        s.setValue(qt_settings.KEY_STATE, self.saveState())
        s.setValue(qt_settings.KEY_SPLIT_MAIN, self.main_split.sizes())
        s.setValue(qt_settings.KEY_SPLIT_RIGHT, self.right_split.sizes())
        s.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.editor is not None and not self.editor.flush():
            event.ignore()
            return
        if self.file_actions.running:
            self.status("Please wait: an import or export is still running.")
            event.ignore()
            return
        self._stop_report_builds()
        self._stop_daily_backup()  # stops between two steps; leaves no temporary file
        self.search_preparation.stop()  # likewise: the old index stays as it was
        self._save_window_state()
        self.undo_stack.clear()
        self.bridge.close()
        event.accept()

    def _stop_report_builds(self) -> None:
        """Cancel any report still being built (its thread must end before the window goes).
        No report module loaded means no report was ever started."""
        run_class = getattr(sys.modules.get("ragdesk.ui.report_dialog"), "ReportRun", None)
        if run_class is not None:
            for run in self.findChildren(run_class):
                run.stop()


def _settle_garbage_collector() -> None:
    """After a file is read: collect once, then leave what was read out of later collections.

    The tree and grid hold a Python object per item and per rated cell (75,000 for a
    force-sized file), all alive until another file opens. Python's full collections
    walk every one of them, ~25 ms on 3,000 items and ~250 ms on 30,000, and landed in
    the middle of a keystroke or a new period. ``gc.freeze`` takes the objects alive now
    out of those walks; the collection before it frees the previous file's cycles (our
    records hold none, so what a reload drops is freed by reference counting).
    """
    gc.collect()
    gc.freeze()

