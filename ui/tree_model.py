"""The recommendation tree: inspections (or boards, areas, leads) and their items.

A ``QAbstractItemModel`` holding only ``ItemRow`` records fetched with one
``store.item_rows()`` query per refresh, never a query per painted row. The
filter (free text via the store's FTS5 search, RAG, status, board, lead,
overdue) is applied here, so the model also knows which items are visible:
the grid and the reports follow the same filter.

Two levels only: a top-level group row, then item rows. An index's internal
id is 0 for a group and ``group row + 1`` for an item, so ``parent()`` needs
no Python object behind a pointer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont

from ragdesk.domain import Deadline, InspectionId, ItemId, ItemRow, PeriodId
from ragdesk.records import Change
from ragdesk.storage import Storage

from .bridge import changed_items
from .grouping import GROUPINGS
from .rag_style import RatingScale

ITEM_ID_ROLE = Qt.ItemDataRole.UserRole + 1
INSPECTION_ID_ROLE = Qt.ItemDataRole.UserRole + 2
RAG_ROLE = Qt.ItemDataRole.UserRole + 3
KIND_ROLE = Qt.ItemDataRole.UserRole + 4  # "group" or "item"

COL_ITEM, COL_RAG, COL_STATUS, COL_DUE = range(4)
HEADERS = ("Item", "RAG", "Status", "Deadline")
HEADER_TIPS = (
    "The item (click to sort; items stay under their group)",
    "The rating in the reporting period chosen at the top of the window",
    "Where the item stands (click to sort in the file's status order)",
    "The deadline (click to sort by date; “with immediate effect” first, none last)",
)

NOT_RATED = "__none__"  # the RAG filter's value for "not rated yet"

AnyIndex = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()  # the invisible root; a shared default, never modified
_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
# An item row never has children. Saying so lets QTreeView.expandAll() skip asking each
# of them for children and emitting expanded() for it (30,000 items: ~300 ms per search).
_ITEM_FLAGS = _FLAGS | Qt.ItemFlag.ItemNeverHasChildren


def short_deadline(deadline: Deadline) -> str:
    """A deadline as the tree shows it, short enough for its column ("31/10/23",
    "Immediate"); the tooltip and the editor give it in full."""
    if deadline.immediate:
        return "Immediate"
    return deadline.date.strftime("%d/%m/%y") if deadline.date else ""


def short_status(label: str) -> str:
    """A status as the tree shows it: a long label loses its "by …" tail ("Verified closed
    by the inspectorate" reads "Verified closed"); the tooltip has it whole."""
    if len(label) > 24 and " by " in label:
        return label.split(" by ", 1)[0]
    return label


@dataclass(frozen=True)
class ItemFilter:
    """What the filter bar asks for; an empty filter shows everything."""

    text: str = ""
    rag: str | None = None  # rating code, NOT_RATED, or None for any
    status: str | None = None
    board: str | None = None
    lead: str | None = None
    overdue: bool = False
    # a set the Overview picked (a bar, a count, a list): only these items, named for the bar
    item_ids: frozenset[int] | None = None
    item_ids_label: str = ""

    @property
    def active(self) -> bool:
        return bool(self.text.strip() or self.rag or self.status or self.board is not None
                    or self.lead is not None or self.overdue or self.item_ids is not None)



# How the tree asks for a search's hits: None while they cannot be known yet (the window
# makes the search index on a thread; ui/search_progress.py), then the text filter waits.
Searcher = Callable[[Storage, str], "set[ItemId] | None"]


def _search_now(store: Storage, text: str) -> set[ItemId]:
    return set(store.search(text))


@dataclass
class _Group:
    key: str
    title: str
    inspection_id: int | None
    rows: list[ItemRow]


class TreeModel(QAbstractItemModel):
    """Inspections → items, optionally grouped by board, area or lead, filtered.

    ``ratings_changed`` says the RAG column and its heading show another period (repaint
    them; no row's size changed).
    """

    ratings_changed = Signal()

    def __init__(self, store: Storage | None = None, parent: Any = None, *,
                 today: Callable[[], dt.date] = dt.date.today,
                 search: Searcher | None = None) -> None:
        super().__init__(parent)
        self._store: Storage | None = None
        self._today = today
        self._search = search or _search_now
        self._groups: list[_Group] = []
        self._row_of_item: dict[ItemId, tuple[int, int]] = {}
        self._all_rows: list[ItemRow] = []
        self._position: dict[int, int] = {}  # item id -> index in _all_rows (no scan per change)
        self._scale = RatingScale([])
        self._status_labels: dict[str, str] = {}
        self._finished: set[str] = set()
        self.grouping = "inspection"
        self.filter = ItemFilter()
        self._search_hits: set[ItemId] | None = None
        self._read_once = False  # rows of the current store have been read
        self._period_ids: set[PeriodId] = set()  # the periods when the rows were read
        # the rating column follows the window's reporting period: (label, rating of an item)
        self._period_label = ""
        self._rating_in_period: Callable[[ItemId], str | None] | None = None
        self._status_order: dict[str, int] = {}
        self._sort: tuple[int, Qt.SortOrder] = (COL_ITEM, Qt.SortOrder.AscendingOrder)
        if store is not None:
            self.set_store(store)

    # -- feeding ---------------------------------------------------------------

    def set_store(self, store: Storage | None) -> None:
        self._store = store
        self._search_hits = None
        self._read_once = False
        self.refresh(None, force=True)

    def set_grouping(self, grouping: str) -> None:
        if grouping not in GROUPINGS:
            raise ValueError(grouping)
        if grouping != self.grouping:
            self.grouping = grouping
            self.refresh(None, force=True)

    def set_period(self, label: str, rating_of: Callable[[ItemId], str | None] | None) -> None:
        """Show each item's rating in this period (``rating_of(item_id)``), not its latest.

        The period chosen at the top of the window is the one the grid highlights and the
        editor shows; a tree showing the latest rating instead kept GREEN beside an item
        whose rating had just been cleared. The RAG filter and sorting follow it too.
        """
        self._period_label = label
        self._rating_in_period = rating_of
        if self._read_once and (self.filter.rag or self._sort[0] == COL_RAG):
            self.refresh(None, reread=False)  # which rows pass (or their order) may change
        # Neither dataChanged over every row nor headerDataChanged: QTreeView forgets the
        # height of each row in such a range, and lays out every row after a header change,
        # then measures all 3,000 at its next scrollTo (~50 ms per period change on a
        # force-sized file). No row's size changed: the view repaints the column and its
        # heading (the window sizes the column for the longest period label).
        self.ratings_changed.emit()

    def rating(self, row: ItemRow) -> str | None:
        """The rating the tree shows for an item: in the window's period, else its latest."""
        return self._rating_in_period(row.id) if self._rating_in_period else row.rag

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort the items within each group (the grouping stays): ratings in the scale's
        order (RED, AMBER, GREEN, BLUE, then not rated), statuses in the file's order,
        deadlines as dates."""
        if not 0 <= column < len(HEADERS) or self._sort == (column, order):
            return
        self._sort = (column, order)
        if self._read_once:
            self.refresh(None, reread=False)

    def _sort_key(self, column: int) -> Callable[[ItemRow], Any]:
        position = self._position
        if column == COL_RAG:
            order = {code: n for n, code in enumerate(self._scale.by_code)}
            return lambda r: order.get(self.rating(r) or "", len(order))
        if column == COL_STATUS:
            return lambda r: self._status_order.get(r.status, len(self._status_order))
        if column == COL_DUE:
            def due(r: ItemRow) -> tuple[int, Any]:
                d = r.deadline
                return (0, dt.date.min) if d.immediate else (1, d.date) if d.date else (2, dt.date.max)
            return due
        return lambda r: position.get(r.id, 0)

    def _sorted(self, rows: list[ItemRow]) -> list[ItemRow]:
        column, order = self._sort
        if column == COL_ITEM and order == Qt.SortOrder.AscendingOrder:
            return rows  # already in the file's order
        key = self._sort_key(column)
        descending = order == Qt.SortOrder.DescendingOrder
        if column in (COL_RAG, COL_DUE, COL_STATUS):
            # reversed, but the blanks (not rated, no deadline) stay last either way
            blank = (lambda r: self.rating(r) is None) if column == COL_RAG else (
                (lambda r: not r.deadline.date and not r.deadline.immediate)
                if column == COL_DUE else (lambda r: False))
            filled = sorted((r for r in rows if not blank(r)), key=key, reverse=descending)
            return filled + [r for r in rows if blank(r)]
        return sorted(rows, key=key, reverse=descending)

    @property
    def search_waiting(self) -> bool:
        """Whether the filter's search text is not applied yet (its index is being made):
        the rows shown are those the other filters allow."""
        return bool(self.filter.text.strip()) and self._read_once and self._search_hits is None

    def search_again(self) -> None:
        """Apply the filter's search text now (the index it waited for is ready)."""
        self._search_hits = None
        self.refresh(None, reread=False)

    def set_filter(self, item_filter: ItemFilter) -> None:
        text_changed = item_filter.text != self.filter.text
        self.filter = item_filter
        if text_changed:
            self._search_hits = None
        self.refresh(None, reread=False)  # the rows are already here: only lay them out again

    def refresh(self, change: Change | None = None, *, force: bool = False,
                reread: bool = True) -> None:
        """Re-read the rows (one query) and repaint; reset only if the row layout changed.

        ``reread=False`` lays out the rows already read (a new filter). A change
        that names a few items and leaves the layout alone re-reads just those.
        """
        store = self._store
        if change is not None and not force and not (
                change.items or change.inspections or change.structure or change.settings
                or change.assessments):
            return  # e.g. evidence only: nothing the tree shows
        if (store is not None and change is not None and not force
                and not (change.structure or change.settings or change.inspections)
                and self._refresh_some(store, change)):
            return
        if store is not None and change is not None and not force and self._only_added_periods(
                store, change):
            return
        relayout_only = store is not None and not reread and self._read_once
        groups: list[_Group] = []
        if store is None:
            self._all_rows, self._position = [], {}
        elif relayout_only:
            groups = self._build_groups(store)
        else:
            if change is not None and (change.items or change.assessments):
                self._search_hits = None  # narratives changed: the text may now match
            self._scale = RatingScale(store.ratings(include_disabled=True))
            statuses = store.statuses()
            self._status_labels = {s.code: s.label for s in statuses}
            self._finished = {s.code for s in statuses if s.finished}
            self._status_order = {s.code: n for n, s in enumerate(statuses)}
            self._all_rows = store.item_rows(today=self._today())
            self._position = {r.id: n for n, r in enumerate(self._all_rows)}
            self._period_ids = {p.id for p in store.periods()}
            self._read_once = True
            groups = self._build_groups(store)
        old_shape = [(g.key, [r.id for r in g.rows]) for g in self._groups]
        new_shape = [(g.key, [r.id for r in g.rows]) for g in groups]
        if force or old_shape != new_shape:
            self.beginResetModel()
            self._set_groups(groups)
            self.endResetModel()
            return
        self._set_groups(groups)
        if relayout_only:
            return  # a new filter that shows the same rows: no row's data changed
        last = len(HEADERS) - 1
        if (change is None or change.settings or change.inspections) and groups:
            self.dataChanged.emit(self.index(0, 0), self.index(len(groups) - 1, last))
        for item_id in self._changed_items(change):
            where = self._row_of_item.get(item_id)
            if where:
                parent = self.index(where[0], 0)
                self.dataChanged.emit(self.index(where[1], 0, parent),
                                      self.index(where[1], last, parent))

    def _refresh_some(self, store: Storage, change: Change) -> bool:
        """Re-read only the changed items' rows; False when the layout may change (then re-read all).

        Rating one cell must repaint within a frame on thousands of items, so it
        cannot re-read (and re-build) every row.
        """
        ids = self._changed_items(change)
        if not ids or len(ids) > 200 or not self._read_once:
            return False
        if self._sort != (COL_ITEM, Qt.SortOrder.AscendingOrder):
            return False  # a changed rating, status or deadline may move the row
        fresh = {r.id: r for r in store.item_rows(item_ids=ids, today=self._today())}
        at = {i: self._position[i] for i in ids if i in self._position}
        if set(fresh) != ids or set(at) != ids:
            return False  # added or removed
        hits = self._search(store, self.filter.text) if self.filter.text.strip() else None
        for item_id, row in fresh.items():
            old = self._all_rows[at[item_id]]
            if (old.inspection_id, old.position) != (row.inspection_id, row.position):
                return False
            if self.grouping != "inspection" and getattr(old, self.grouping) != getattr(row, self.grouping):
                return False
            self._search_hits, before = hits, self._search_hits
            passes = self._passes(row)
            self._search_hits = before
            if passes != (item_id in self._row_of_item):
                return False  # it joins or leaves the filtered rows
        self._search_hits = hits
        last = len(HEADERS) - 1
        for item_id, row in fresh.items():
            self._all_rows[at[item_id]] = row
            where = self._row_of_item.get(item_id)
            if where:
                self._groups[where[0]].rows[where[1]] = row
                parent = self.index(where[0], 0)
                self.dataChanged.emit(self.index(where[1], 0, parent),
                                      self.index(where[1], last, parent))
        return True

    def _only_added_periods(self, store: Storage, change: Change) -> bool:
        """True for a new last period and nothing else, rating nobody differently: then
        no row of the tree changes.

        Each row shows the item's latest rating; a new period is either empty or
        holds copies of each item's latest assessment (carried forward), so the
        latest rating stays what it was. Re-reading 3,000 rows cost a third of
        adding a period; checking the new column's ratings costs one small query.
        """
        if (not change.periods or change.items or change.inspections or change.assessments
                or change.settings or not self._read_once):
            return False
        periods = store.periods()
        now = {p.id for p in periods}
        added = now - self._period_ids
        if not (self._period_ids <= now and added and change.periods <= added):
            return False
        # A period brought back by Undo may hold other ratings: the rows stay as they are
        # only if the new period is the last and rates nobody differently from now.
        if not periods or periods[-1].id not in added or len(added) > 1:
            return False
        current: dict[int, str | None] = {r.id: r.rag for r in self._all_rows}
        for (item_id, _), (rag, _draft) in store.rag_grid(period_ids=added).items():
            if rag is not None and current.get(item_id, rag) != rag:
                return False
        self._period_ids = now
        return True

    def _changed_items(self, change: Change | None) -> set[ItemId]:
        if change is None or change.settings:
            return set(self._row_of_item)
        return changed_items(change)

    def _set_groups(self, groups: list[_Group]) -> None:
        self._groups = groups
        self._row_of_item = {r.id: (g, i) for g, group in enumerate(groups)
                             for i, r in enumerate(group.rows)}

    def _passes(self, row: ItemRow) -> bool:
        f = self.filter
        rag = self.rating(row) if f.rag else None
        if f.rag == NOT_RATED and rag:
            return False
        if f.rag and f.rag != NOT_RATED and rag != f.rag:
            return False
        if f.status and row.status != f.status:
            return False
        if f.board is not None and row.board != f.board:
            return False
        if f.lead is not None and row.lead != f.lead:
            return False
        if f.overdue and not row.overdue:
            return False
        if f.item_ids is not None and row.id not in f.item_ids:
            return False
        return self._search_hits is None or row.id in self._search_hits

    def _build_groups(self, store: Storage) -> list[_Group]:
        if self.filter.text.strip():
            if self._search_hits is None:  # None again if the search must wait
                self._search_hits = self._search(store, self.filter.text)
        else:
            self._search_hits = None
        rows = [r for r in self._all_rows if self._passes(r)]
        if self.grouping == "inspection":
            by_inspection: dict[int, list[ItemRow]] = {}
            for r in rows:
                by_inspection.setdefault(r.inspection_id, []).append(r)
            groups = [_Group(f"i{i.id}", i.title, i.id, self._sorted(by_inspection.get(i.id, [])))
                      for i in store.inspections()]
            if self.filter.active:
                groups = [g for g in groups if g.rows]
            return groups
        field = self.grouping
        by_key: dict[str, list[ItemRow]] = {}
        for r in rows:
            by_key.setdefault(getattr(r, field), []).append(r)
        blank = f"(No {GROUPINGS[field].lower()})"
        keys = sorted(by_key, key=lambda k: (k == "", k.lower()))
        return [_Group(f"{field}:{k}", k or blank, None, self._sorted(by_key[k])) for k in keys]

    # -- what the window asks --------------------------------------------------

    @property
    def scale(self) -> RatingScale:
        return self._scale

    def visible_item_ids(self) -> list[ItemId] | None:
        """Ids of the items the filter lets through, in tree order; None when unfiltered."""
        if not self.filter.active:
            return None
        return [r.id for g in self._groups for r in g.rows]

    def has_item(self, item_id: ItemId) -> bool:
        """Whether the item was in the file as last read (shown or filtered out)."""
        return item_id in self._position

    def all_rows(self) -> list[ItemRow]:
        return list(self._all_rows)

    def item_row(self, item_id: ItemId) -> ItemRow | None:
        where = self._row_of_item.get(item_id)
        return self._groups[where[0]].rows[where[1]] if where else None

    def index_for_item(self, item_id: ItemId, column: int = 0) -> QModelIndex:
        where = self._row_of_item.get(item_id)
        if where is None:
            return QModelIndex()
        return self.index(where[1], column, self.index(where[0], 0))

    def index_for_inspection(self, inspection_id: InspectionId) -> QModelIndex:
        for row, g in enumerate(self._groups):
            if g.inspection_id == inspection_id:
                return self.index(row, 0)
        return QModelIndex()

    def group_key(self, index: AnyIndex) -> str | None:
        if index.isValid() and index.internalId() == 0:
            return self._groups[index.row()].key
        return None

    # -- QAbstractItemModel ------------------------------------------------------

    def index(self, row: int, column: int, parent: AnyIndex = _ROOT) -> QModelIndex:
        # Bounds checked here rather than with hasIndex(), which calls back into Python
        # twice: the view asks for every row of every expanded group on each layout.
        if not 0 <= column < len(HEADERS) or row < 0:
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, column, 0) if row < len(self._groups) else QModelIndex()
        group = parent.row()
        if (parent.internalId() != 0 or parent.column() != 0
                or not 0 <= group < len(self._groups) or row >= len(self._groups[group].rows)):
            return QModelIndex()
        return self.createIndex(row, column, group + 1)

    def parent(self, index: AnyIndex | None = None) -> Any:
        if index is None:  # QObject.parent(): the model's owner
            return super().parent()
        if not index.isValid() or index.internalId() == 0:
            return QModelIndex()
        return self.createIndex(index.internalId() - 1, 0, 0)

    def rowCount(self, parent: AnyIndex = _ROOT) -> int:
        if not parent.isValid():
            return len(self._groups)
        if parent.internalId() == 0 and parent.column() == 0:
            return len(self._groups[parent.row()].rows)
        return 0

    def columnCount(self, parent: AnyIndex = _ROOT) -> int:
        return len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(HEADERS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            if section == COL_RAG and self._period_label and self._rating_in_period:
                return f"RAG {self._period_label}"
            return HEADERS[section]
        if role == Qt.ItemDataRole.ToolTipRole:
            if section == COL_RAG and not self._rating_in_period:
                return "The item's latest rating, in whichever period it was given"
            return HEADER_TIPS[section]
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():  # asked for every laid-out row: no calls back into Python
            return Qt.ItemFlag.NoItemFlags
        return _FLAGS if index.internalId() == 0 else _ITEM_FLAGS

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if index.internalId() == 0:
            return self._group_data(self._groups[index.row()], index.column(), role)
        group = self._groups[index.internalId() - 1]
        return self._item_data(group.rows[index.row()], index.column(), role)

    def _group_data(self, group: _Group, column: int, role: int) -> Any:
        if role == KIND_ROLE:
            return "group"
        if role == INSPECTION_ID_ROLE:
            return group.inspection_id
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            if column == COL_ITEM:  # the view spans this column across the row
                n = len(group.rows)
                return f"{group.title}  ({n} item" + ("" if n == 1 else "s") + ")"
            return ""
        if role == Qt.ItemDataRole.ToolTipRole and column == COL_ITEM:
            return group.title
        if role == Qt.ItemDataRole.FontRole:
            font = QFont()
            font.setBold(True)
            return font
        return None

    def _item_data(self, row: ItemRow, column: int, role: int) -> Any:
        if role == ITEM_ID_ROLE:
            return row.id
        if role == INSPECTION_ID_ROLE:
            return row.inspection_id
        if role == RAG_ROLE:
            return self.rating(row)
        if role == KIND_ROLE:
            return "item"
        display = role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole)
        if column == COL_ITEM:
            if display:
                return f"{row.label}  {row.title}".rstrip()
            if role == Qt.ItemDataRole.ToolTipRole:
                return f"{row.label}: {row.title}" if row.title else row.label
        elif column == COL_RAG:
            rag = self.rating(row)
            if display:
                return self._scale.word(rag) if rag else "Not rated"
            if role == Qt.ItemDataRole.ToolTipRole:
                if self._rating_in_period:
                    return f"{self._period_label}: {self._scale.tooltip(rag)}"
                return "Latest rating — " + self._scale.tooltip(rag)
        elif column == COL_STATUS:
            label = self._status_labels.get(row.status, row.status)
            if display:
                return short_status(label)
            if role == Qt.ItemDataRole.ToolTipRole:
                return label
        elif column == COL_DUE:
            if display:
                text = short_deadline(row.deadline)
                return f"⚠ Overdue {text}" if row.overdue else text
            if role == Qt.ItemDataRole.ToolTipRole:
                return (f"Overdue: the deadline ({row.deadline}) has passed and it is not yet "
                        "GREEN or closed" if row.overdue else str(row.deadline) or "No deadline")
            if role == Qt.ItemDataRole.ForegroundRole and row.overdue:
                return QBrush(QColor("#B00020"))
        return None
