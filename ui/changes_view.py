""""What changed": two period pickers, the changed items, and a tracked-changes diff.

The list comes from :func:`ragdesk.changes.compare_periods`; choosing a row shows
that item's rating move and a word diff of each narrative that changed, insertions
underlined and marked "+", deletions struck through and marked "−" (readable
without colour). :class:`ItemDiffDialog` shows the same for one item between any
two periods (from the History dock or the Edit menu).
"""

from __future__ import annotations

import html
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDockWidget,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ragdesk.changes import (
    CHANGE_LABELS,
    Changes,
    ItemChange,
    compare_periods,
    diff_html,
    word_diff,
)
from ragdesk.domain import InspectionId, ItemId, Period, PeriodId
from ragdesk.errors import RagdeskError
from ragdesk.storage import Storage
from ragdesk.store import Store

from .lazy_dock import attach_lazy_dock
from .rag_style import RatingScale
from .row_table import RowTableModel, list_table

Index = QModelIndex | QPersistentModelIndex


class ChangesModel(RowTableModel):
    """The changed items (:class:`ItemChange` rows), the rating move as words."""

    HEADERS = ("Item", "Before", "After", "What changed", "Inspection")
    rows: list[ItemChange]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        c, col = self.rows[index.row()], index.column()
        rag = c.rag_before if col == 1 else c.rag_after if col == 2 else None
        if role == Qt.ItemDataRole.DisplayRole:
            if col in (1, 2):
                word = self.scale.word(rag) if rag else "Not rated"
                direction = c.direction_before if col == 1 else c.direction_after
                return f"{word} {direction}" if direction and "direction" in c.changed else word
            return (c.label, None, None, ", ".join(CHANGE_LABELS.get(x, x) for x in c.changed),
                    c.inspection)[col]
        if col in (1, 2) and role == Qt.ItemDataRole.BackgroundRole:
            return self.scale.background(rag)
        if col in (1, 2) and role == Qt.ItemDataRole.ForegroundRole:
            return self.scale.foreground(rag)
        if role == Qt.ItemDataRole.ToolTipRole and col == 0:
            return c.title
        if role == Qt.ItemDataRole.UserRole:
            return c.item_id
        return None


def change_html(change: ItemChange | None, since: Period, period: Period) -> str:
    """One item's changes as HTML: the move, then each changed narrative as a word diff."""
    if change is None:
        return (f"<p>Nothing changed between {html.escape(since.label)} and "
                f"{html.escape(period.label)}.</p>")
    parts = [f"<h3>{html.escape(change.label)} — {html.escape(change.title)}</h3>",
             f"<p><b>Rating:</b> {html.escape(since.label)} {html.escape(change.rag_before or 'not rated')}"
             f" → {html.escape(period.label)} {html.escape(change.rag_after or 'not rated')}"]
    if change.direction_before or change.direction_after:
        parts.append(f" &nbsp; <b>Direction:</b> {html.escape(change.direction_before or '–')} → "
                     f"{html.escape(change.direction_after or '–')}")
    parts.append("</p>")
    flags = [CHANGE_LABELS[x] for x in ("new", "closed") if x in change.changed]
    if flags:
        parts.append(f"<p><b>{html.escape(', '.join(flags))}</b></p>")
    if not change.narratives:
        parts.append("<p><i>The narratives read the same.</i></p>")
    for n in change.narratives:
        parts.append(f"<h4>{html.escape(n.label)}</h4>")
        if n.formatting_only:
            parts.append("<p><i>The same words; only the formatting changed.</i></p>")
            continue
        parts.append(diff_html(word_diff(n.before, n.after)))
    parts.append('<p style="color:#555"><small>Inserted words are underlined and marked +; '
                 "deleted words are struck through and marked −.</small></p>")
    return "".join(parts)


def _fill_periods(combo: QComboBox, periods: list[Period], chosen: int | None) -> None:
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
    combo.blockSignals(True)
    combo.clear()
    for p in periods:
        combo.addItem(p.label, p.id)
    at = combo.findData(chosen)
    combo.setCurrentIndex(at if at >= 0 else combo.count() - 1)
    combo.blockSignals(False)


_ON_GUI_THREAD = "\0compare on the GUI thread"


class Comparer:
    """Compares two periods on a worker thread, so the window never waits for it.

    Comparing reads both periods' narratives (about 12 MB on a force-sized file): a
    few hundred milliseconds the window would otherwise freeze for after every save
    while the dock is open. The worker has its own read-only connection (SQLite
    connections belong to one thread at a time), opened once per file; requests that
    arrive while one runs are merged into one more run. ``done(changes, error)`` is
    called on the GUI thread.
    """

    def __init__(self, parent: QWidget, done: Callable[[Changes | None, str | None], None]) -> None:
        self._done = done
        self._thread: threading.Thread | None = None
        self._pending: tuple[Storage, PeriodId, PeriodId, InspectionId | None] | None = None
        self._job: tuple[Storage, PeriodId, PeriodId, InspectionId | None] | None = None
        self._running = False  # from a request until its result is handed over
        self._reader: Store | None = None
        self._reader_path = ""
        self._result: tuple[Changes | None, str | None] = (None, None)
        self._timer = QTimer(parent)
        self._timer.setInterval(15)
        self._timer.timeout.connect(self._check)
        parent.destroyed.connect(self.close)

    @property
    def busy(self) -> bool:
        return self._running

    def request(self, store: Storage, since_id: PeriodId, period_id: PeriodId,
                inspection_id: InspectionId | None) -> None:
        self._pending = (store, since_id, period_id, inspection_id)
        self._running = True
        if self._thread is None or not self._thread.is_alive():
            self._start()

    def _start(self) -> None:
        assert self._pending is not None
        store, since_id, period_id, inspection_id = self._pending
        self._pending = None
        path = store.path

        self._job = (store, since_id, period_id, inspection_id)

        def work() -> None:
            try:
                reader = self._reader_for(path)
                if reader is None:  # no second connection (an old file opened read-only...)
                    self._result = (None, _ON_GUI_THREAD)
                    return
                self._result = (compare_periods(reader, since_id, period_id,
                                                inspection_id=inspection_id), None)
            except RagdeskError as e:
                self._result = (None, str(e))

        self._thread = threading.Thread(target=work, daemon=True, name="ragdesk-compare")
        self._thread.start()
        self._timer.start()

    def _reader_for(self, path: str) -> Store | None:
        if self._reader is not None and self._reader_path == path:
            return self._reader
        if self._reader is not None:
            self._reader.close()
            self._reader = None
        try:
            self._reader = Store.open(path, read_only=True)
        except RagdeskError:
            return None
        self._reader_path = path
        return self._reader

    def _check(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            return
        self._timer.stop()
        if self._pending is not None:
            self._start()  # newer pickers or data: this result is already stale
            return
        changes, error = self._result
        if error == _ON_GUI_THREAD:
            assert self._job is not None
            store, since_id, period_id, inspection_id = self._job
            try:  # the window's own connection belongs to this thread
                changes, error = compare_periods(store, since_id, period_id,
                                                 inspection_id=inspection_id), None
            except RagdeskError as e:
                changes, error = None, str(e)
        self._running = False
        self._done(changes, error)

    def close(self, *_args: object) -> None:
        """Let go of the file (another file is opened, or a backup restored over it)."""
        if self._thread is not None:
            self._thread.join()
        if self._reader is not None:
            self._reader.close()
            self._reader = None


class ChangesPanel(QWidget):
    """Pick two periods; the items that changed; the selected item's diff.

    ``show_items(description, ids, current)``: as the Overview's, for "Show in tree".
    """

    show_items = Signal(str, object, object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store: Storage | None = None
        self.scale = RatingScale([])
        self._periods: dict[int, Period] = {}
        self.since = QComboBox(self)
        self.since.setAccessibleName("Changes since period")
        self.period = QComboBox(self)
        self.period.setAccessibleName("Changes up to period")
        self.inspection = QComboBox(self)
        self.inspection.setAccessibleName("Changes in inspection")
        self.inspection.addItem("All inspections", None)
        self.only_moves = QCheckBox("Only rating &moves", self)
        self.only_moves.setAccessibleName("Only rating moves")
        self.summary = QLabel(self)
        self.show_button = QPushButton("Show these in the tree", self)
        top = QHBoxLayout()
        top.setContentsMargins(4, 4, 4, 0)
        for text, widget in (("&From:", self.since), ("&to:", self.period), ("In:", self.inspection)):
            label = QLabel(text, self)
            label.setBuddy(widget)
            top.addWidget(label)
            top.addWidget(widget, 1 if widget is self.inspection else 0)
        top.addWidget(self.only_moves)
        top.addWidget(self.show_button)

        self.model = ChangesModel(self)
        self.table = list_table(self.model, "Changed items", self)
        self.diff = QTextBrowser(self)
        self.diff.setAccessibleName("Word differences")
        self.diff.setOpenLinks(False)
        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.addWidget(self.table)
        split.addWidget(self.diff)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(split, 1)

        for combo in (self.since, self.period, self.inspection):
            combo.currentIndexChanged.connect(lambda _i: self.refresh())
        self.only_moves.toggled.connect(lambda _b: self.refresh())
        self.table.selectionModel().currentRowChanged.connect(lambda cur, _prev: self._show_diff(cur))
        self.table.doubleClicked.connect(self._open_in_tree)
        self.show_button.clicked.connect(self._show_all)
        self.comparer = Comparer(self, self._compared)

    def set_store(self, store: Storage | None) -> None:
        self.store = store
        self.refresh_choices(default=True)
        self.refresh()

    def refresh_choices(self, *, default: bool = False) -> None:
        """Fill the pickers (default: the current period and the one before)."""
        store = self.store
        periods = store.periods() if store is not None else []
        self._periods = {p.id: p for p in periods}
        if default or self.period.currentData() not in self._periods:
            period = periods[-1].id if periods else None
            since = periods[-2].id if len(periods) > 1 else period
        else:
            period, since = self.period.currentData(), self.since.currentData()
        _fill_periods(self.period, periods, period)
        _fill_periods(self.since, periods, since)
        chosen = self.inspection.currentData()
        self.inspection.blockSignals(True)
        while self.inspection.count() > 1:
            self.inspection.removeItem(1)
        for inspection in store.inspections() if store is not None else []:
            self.inspection.addItem(inspection.title, inspection.id)
        self.inspection.setCurrentIndex(max(0, self.inspection.findData(chosen)))
        self.inspection.blockSignals(False)

    def pick(self, since_id: int, period_id: int) -> None:
        """Choose both periods at once (one refresh)."""
        _fill_periods(self.since, list(self._periods.values()), since_id)
        _fill_periods(self.period, list(self._periods.values()), period_id)
        self.refresh()

    def refresh(self) -> None:
        store = self.store
        since_id, period_id = self.since.currentData(), self.period.currentData()
        if store is None or since_id is None or period_id is None:
            self.model.set_rows([], self.scale)
            self.summary.setText("Two reporting periods are needed to compare.")
            self.diff.clear()
            return
        since, period = self._periods[since_id], self._periods[period_id]
        if since.position >= period.position:
            self.model.set_rows([], self.scale)
            self.summary.setText(f"Choose a “From” period before “{period.label}”.")
            self.diff.clear()
            return
        self.scale = RatingScale(store.ratings(include_disabled=True))
        self.summary.setText(f"  Comparing {since.label} with {period.label}…")
        self.comparer.request(store, since_id, period_id, self.inspection.currentData())

    @property
    def busy(self) -> bool:
        """A comparison is running or waiting (tests wait for this to end)."""
        return self.comparer.busy

    def _compared(self, changes: Changes | None, error: str | None) -> None:
        if error is not None or changes is None:
            self.model.set_rows([], self.scale)
            self.summary.setText(f"  Could not compare the periods: {error}")
            return
        if (changes.since.id, changes.period.id) != (self.since.currentData(),
                                                     self.period.currentData()):
            return  # the pickers moved on; their own comparison is on its way
        since, period = changes.since, changes.period
        rows = [c for c in changes.items if not self.only_moves.isChecked()
                or "rag" in c.changed or "new" in c.changed]
        selected = self._selected_item()
        self.model.set_rows(rows, self.scale)
        moved = sum(1 for c in rows if "rag" in c.changed)
        self.summary.setText(f"  {len(rows)} items changed between {since.label} and "
                             f"{period.label}; {moved} ratings moved.")
        self.show_button.setEnabled(bool(rows))
        at = next((n for n, c in enumerate(rows) if c.item_id == selected), 0 if rows else None)
        if at is None:
            self.diff.setHtml(f"<p>Nothing changed between {html.escape(since.label)} and "
                              f"{html.escape(period.label)}.</p>")
        else:
            # the model was reset: making the row current shows its diff (currentRowChanged)
            self.table.setCurrentIndex(self.model.index(at, 0))

    def _selected_item(self) -> int | None:
        index = self.table.currentIndex()
        return self.model.data(index, Qt.ItemDataRole.UserRole) if index.isValid() else None

    def _show_diff(self, index: QModelIndex) -> None:
        if not index.isValid() or index.row() >= len(self.model.rows):
            return
        change = self.model.rows[index.row()]
        self.diff.setHtml(change_html(change, self._periods[self.since.currentData()],
                                      self._periods[self.period.currentData()]))

    def _open_in_tree(self, index: QModelIndex) -> None:
        ids = tuple(c.item_id for c in self.model.rows)
        if ids:
            self.show_items.emit(self._description(), ids, self.model.rows[index.row()].item_id)

    def _show_all(self) -> None:
        ids = tuple(c.item_id for c in self.model.rows)
        if ids:
            self.show_items.emit(self._description(), ids, None)

    def _description(self) -> str:
        return f"changed since {self.since.currentText()}"


class ItemDiffDialog(QDialog):
    """One item's changes between any two periods (default: its last two assessments)."""

    def __init__(self, parent: QWidget | None, store: Storage, item_id: ItemId) -> None:
        super().__init__(parent)
        from ragdesk.changes import item_changes

        self._item_changes = item_changes
        self.store, self.item_id = store, item_id
        item = store.item(item_id)
        self.setWindowTitle(f"Compare periods — {item.label}")
        periods = store.periods()
        self._periods = {p.id: p for p in periods}
        assessed = [a.period_id for a in store.assessments(item_id=item_id)]
        period = assessed[-1] if assessed else (periods[-1].id if periods else None)
        since = assessed[-2] if len(assessed) > 1 else (periods[0].id if periods else None)
        self.since, self.period = QComboBox(self), QComboBox(self)
        self.since.setAccessibleName("Compare from period")
        self.period.setAccessibleName("Compare to period")
        _fill_periods(self.since, periods, since)
        _fill_periods(self.period, periods, period)
        self.view = QTextBrowser(self)
        self.view.setAccessibleName("Word differences")
        top = QHBoxLayout()
        for text, combo in (("&From:", self.since), ("&to:", self.period)):
            label = QLabel(text, self)
            label.setBuddy(combo)
            top.addWidget(label)
            top.addWidget(combo)
        top.addStretch(1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        layout.addWidget(buttons)
        self.resize(760, 560)
        self.since.currentIndexChanged.connect(lambda _i: self.refresh())
        self.period.currentIndexChanged.connect(lambda _i: self.refresh())
        self.refresh()

    def refresh(self) -> None:
        since_id, period_id = self.since.currentData(), self.period.currentData()
        if since_id is None or period_id is None or since_id == period_id:
            self.view.setHtml("<p>Choose two different reporting periods.</p>")
            return
        since, period = self._periods[since_id], self._periods[period_id]
        if since.position > period.position:
            since, period = period, since
        change = self._item_changes(self.store, self.item_id, since.id, period.id)
        self.view.setHtml(change_html(change, since, period))


def attach_changes_dock(window: Any) -> QDockWidget:
    """The "What changed" dock: hidden until asked for; recomputed only while visible."""
    panel = ChangesPanel()
    # never keep the old file open on the comparer's thread (a restore replaces it)
    return attach_lazy_dock(window, "What Changed", "changesDock", panel,
                            on_replaced=panel.comparer.close)
