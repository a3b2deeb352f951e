"""The Overview dock: the trend of ratings per period, boards, leads, statuses and the lists.

What the unit lead looks at before a board: how many are red, amber and green now
and last time, which board or lead is behind, what is overdue, what is due for
review, what has no update this period, what is proposed for closure. Numbers come
from :func:`ragdesk.overview.build_overview` (the same the CLI prints and the
summary page shows). Clicking a bar, a segment or a list filters the tree to those
items (``show_items``); the filter bar shows the pick and clears it.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QDockWidget,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ragdesk.overview import (
    DEFAULT_REVIEW_DAYS,
    NONE,
    GroupTally,
    ListedItem,
    Overview,
    Tally,
    build_overview,
)
from ragdesk.storage import Storage

from .bar_chart import Bar, LegendEntry, Segment, StackedBarChart
from .lazy_dock import attach_lazy_dock
from .rag_style import RatingScale
from .row_table import RowTableModel, list_table

Index = QModelIndex | QPersistentModelIndex
NOT_RATED_COLOUR = QColor("#D0D0D0")
STATUS_COLOUR = QColor("#9DB3D1")
FINISHED_COLOUR = QColor("#5F7A99")
DEFAULT_PERIODS_SHOWN = 8  # two years of quarterly boards; the spin box shows more


class ListedItemsModel(RowTableModel):
    """One overview list (overdue, review due...) as a table; the RAG column shows the word."""

    HEADERS = ("Item", "RAG", "Date", "Lead", "Board", "Inspection")
    rows: list[ListedItem]

    def __init__(self, date_title: str, parent: Any = None) -> None:
        super().__init__(parent)
        self.date_title = date_title

    def header(self, section: int) -> str:
        return self.date_title if section == 2 else self.HEADERS[section]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        r, col = self.rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 2:
                return (r.review_date.strftime("%d %b %Y").lstrip("0") if r.review_date else "") \
                    if self.date_title == "Review date" else r.deadline
            return (r.label, self.scale.word(r.rag) if r.rag else "Not rated", None, r.lead,
                    r.board, r.inspection)[col]
        if role == Qt.ItemDataRole.ToolTipRole:
            return r.title if col == 0 else r.inspection if col == 5 else None
        if col == 1 and role == Qt.ItemDataRole.BackgroundRole:
            return self.scale.background(r.rag)
        if col == 1 and role == Qt.ItemDataRole.ForegroundRole:
            return self.scale.foreground(r.rag)
        if role == Qt.ItemDataRole.UserRole:
            return r.id
        return None


class _ListPane(QWidget):
    """A list with a button that shows all of it in the tree."""

    def __init__(self, name: str, date_title: str, parent: QWidget) -> None:
        super().__init__(parent)
        self.name = name
        self.model = ListedItemsModel(date_title, self)
        self.table = list_table(self.model, name, self)
        self.show_all = QPushButton("Show these in the tree", self)
        self.show_all.setAccessibleName(f"Show {name.lower()} in the tree")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.table, 1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.show_all)
        layout.addLayout(row)

    def ids(self) -> tuple[int, ...]:
        return tuple(r.id for r in self.model.rows)


class OverviewPanel(QWidget):
    """The Overview: charts on the left, lists on the right, one inspection or all.

    ``show_items(description, ids, current)`` asks the window to filter the tree to
    ``ids`` and (``current`` not None) make that item current.
    """

    show_items = Signal(str, object, object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store: Storage | None = None
        self.overview: Overview | None = None
        self.scale = RatingScale([])
        self.inspection = QComboBox(self)
        self.inspection.setAccessibleName("Overview of inspection")
        self.inspection.addItem("All inspections", None)
        self.review_days = QSpinBox(self)
        self.review_days.setRange(0, 365)
        self.review_days.setValue(DEFAULT_REVIEW_DAYS)
        self.review_days.setSuffix(" days")
        self.review_days.setAccessibleName("Review due within")
        self.last_periods = QSpinBox(self)
        self.last_periods.setRange(0, 99)
        self.last_periods.setSpecialValueText("all")
        self.last_periods.setValue(DEFAULT_PERIODS_SHOWN)
        self.last_periods.setAccessibleName("Periods in the trend")
        self.last_periods.setToolTip("How many of the latest reporting periods the trend shows")
        top = QHBoxLayout()
        top.setContentsMargins(4, 4, 4, 0)
        label = QLabel("&Inspection:", self)
        label.setBuddy(self.inspection)
        top.addWidget(label)
        top.addWidget(self.inspection, 1)
        days = QLabel("&Review due within:", self)
        days.setBuddy(self.review_days)
        top.addWidget(days)
        top.addWidget(self.review_days)
        shown = QLabel("&Periods:", self)
        shown.setBuddy(self.last_periods)
        top.addWidget(shown)
        top.addWidget(self.last_periods)
        self.hint = QLabel("Click a bar or a number to show those items in the tree.", self)
        self.hint.setStyleSheet("color: palette(placeholder-text)")
        top.addWidget(self.hint)

        self.trend = StackedBarChart("Ratings per reporting period", parent=self)
        self.boards = StackedBarChart("Ratings per board", horizontal=True, parent=self)
        self.leads = StackedBarChart("Ratings per lead", horizontal=True, parent=self)
        self.statuses = StackedBarChart("Items per status", horizontal=True, parent=self)
        self.charts = QTabWidget(self)
        self.charts.setAccessibleName("Overview charts")
        self.charts.addTab(self.trend, "&Trend")
        self.charts.addTab(self.boards, "&Boards")
        self.charts.addTab(self.leads, "&Leads")
        self.charts.addTab(self.statuses, "&Status")
        for chart in (self.trend, self.boards, self.leads, self.statuses):
            chart.picked.connect(lambda text, ids: self.show_items.emit(text, ids, None))

        self.overdue = _ListPane("Overdue", "Deadline", self)
        self.review = _ListPane("Review due", "Review date", self)
        self.no_update = _ListPane("No update this period", "Deadline", self)
        self.proposed = _ListPane("Proposed for closure", "Deadline", self)
        self.lists = QTabWidget(self)
        self.lists.setAccessibleName("Overview lists")
        for pane in self.panes:
            self.lists.addTab(pane, pane.name)
            pane.show_all.clicked.connect(lambda _c=False, p=pane: self._show_list(p, None))
            pane.table.clicked.connect(lambda index, p=pane: self._show_list(
                p, p.model.data(index, Qt.ItemDataRole.UserRole)))
            pane.table.activated.connect(lambda index, p=pane: self._show_list(
                p, p.model.data(index, Qt.ItemDataRole.UserRole)))

        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.addWidget(self.charts)
        split.addWidget(self.lists)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(split, 1)
        self.inspection.currentIndexChanged.connect(lambda _i: self.refresh())
        self.review_days.valueChanged.connect(lambda _v: self.refresh())
        self.last_periods.valueChanged.connect(lambda _v: self.refresh())

    @property
    def panes(self) -> list[_ListPane]:
        return [self.overdue, self.review, self.no_update, self.proposed]

    def _show_list(self, pane: _ListPane, current: int | None) -> None:
        ids = pane.ids()
        if ids:
            self.show_items.emit(pane.name.lower() if pane is not self.no_update else
                                 f"no update for {self._current_label()}", ids, current)

    def _current_label(self) -> str:
        current = self.overview.current if self.overview else None
        return current.label if current else "this period"

    def set_store(self, store: Storage | None) -> None:
        self.store = store
        self.inspection.blockSignals(True)
        while self.inspection.count() > 1:
            self.inspection.removeItem(1)
        if store is not None:
            for inspection in store.inspections():
                self.inspection.addItem(inspection.title, inspection.id)
        self.inspection.setCurrentIndex(0)
        self.inspection.blockSignals(False)
        self.refresh()

    def refresh_choices(self) -> None:
        """Inspections may have been added, renamed or deleted: keep the chosen one if it is left."""
        chosen = self.inspection.currentData()
        store = self.store
        self.inspection.blockSignals(True)
        while self.inspection.count() > 1:
            self.inspection.removeItem(1)
        if store is not None:
            for inspection in store.inspections():
                self.inspection.addItem(inspection.title, inspection.id)
        self.inspection.setCurrentIndex(max(0, self.inspection.findData(chosen)))
        self.inspection.blockSignals(False)

    def refresh(self) -> None:
        store = self.store
        if store is None:
            self.overview = None
            for chart in (self.trend, self.boards, self.leads, self.statuses):
                chart.set_bars([], [])
            for pane in self.panes:
                pane.model.set_rows([], self.scale)
            return
        self.scale = RatingScale(store.ratings(include_disabled=True))
        overview = build_overview(store, inspection_id=self.inspection.currentData(),
                                  review_days=self.review_days.value(),
                                  last_periods=self.last_periods.value() or None)
        self.overview = overview
        legend = self._legend(overview)
        self.trend.set_bars([Bar(t.period, self._segments(t.tally)) for t in overview.trend], legend)
        self.boards.set_bars(self._groups(overview.by_board, "No board"), legend)
        self.leads.set_bars(self._groups(overview.by_lead, "No lead"), legend)
        self.statuses.set_bars([Bar(s.label, (Segment(
            s.label, "", s.items, FINISHED_COLOUR if s.finished else STATUS_COLOUR,
            QColor("white") if s.finished else QColor("black")),)) for s in overview.statuses],
            [LegendEntry("Still open", "", STATUS_COLOUR), LegendEntry("Finished", "", FINISHED_COLOUR)])
        lists = ((self.overdue, overview.overdue, "Overdue"),
                 (self.review, overview.review_due, f"Review due ({overview.review_days} days)"),
                 (self.no_update, overview.no_update, f"No update for {self._current_label()}"),
                 (self.proposed, overview.proposed, "Proposed for closure"))
        for n, (pane, rows, title) in enumerate(lists):
            pane.model.set_rows(rows, self.scale)
            pane.show_all.setEnabled(bool(rows))
            self.lists.setTabText(n, f"{title} ({len(rows)})")

    def _used_codes(self, overview: Overview) -> list[str]:
        tallies: list[Tally] = [t.tally for t in overview.trend] + [g.tally for g in overview.by_board]
        enabled = {r.code for r in self.scale.enabled}
        used = [c for c in overview.ratings if c in enabled or any(t.items[c] for t in tallies)]
        if any(t.items[NONE] for t in tallies):
            used.append(NONE)
        return used

    def _legend(self, overview: Overview) -> list[LegendEntry]:
        return [LegendEntry(self._name(c), self._letter(c), self._colour(c))
                for c in reversed(self._used_codes(overview))]

    def _name(self, code: str) -> str:
        return "Not rated" if code == NONE else self.scale.word(code)

    def _letter(self, code: str) -> str:
        return "–" if code == NONE else self.scale.letter(code)

    def _colour(self, code: str) -> QColor:
        return (self.scale.background(code) if code != NONE else None) or NOT_RATED_COLOUR

    def _segments(self, tally: Tally) -> tuple[Segment, ...]:
        out = []
        for code, ids in tally.items.items():
            if not ids:
                continue
            text = (self.scale.foreground(code) if code != NONE else None) or QColor("black")
            out.append(Segment(self._name(code), self._letter(code), ids, self._colour(code), text))
        return tuple(out)

    def _groups(self, groups: list[GroupTally], blank: str) -> list[Bar]:
        return [Bar(g.name or f"({blank})", self._segments(g.tally)) for g in groups]


def attach_overview_dock(window: Any) -> QDockWidget:
    """The "Overview" dock: hidden until asked for; recomputed only while visible."""
    return attach_lazy_dock(window, "Overview", "overviewDock", OverviewPanel())
