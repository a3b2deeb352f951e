"""The RAG grid's model: items down the side, reporting periods across, one rating per cell.

Rows are items grouped under a heading row per inspection; columns are the
item, each reporting period, then the direction of travel (in the current
period) and the status. Everything is read with three queries per refresh
(``item_rows``, ``rag_grid``, ``directions``), never per cell. A change to a
few ratings repaints only those cells and the counts in their column headers.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any, cast

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont

from ragdesk.domain import Dot, Inspection, InspectionId, ItemId, ItemRow, Period, PeriodId
from ragdesk.records import Change
from ragdesk.storage import Storage

from .bridge import changed_items
from .rag_style import DOT_TEXT, DOT_TIP, RatingScale
from .tree_model import short_status

COUNTS_PER_LINE = 2
ITEM_ID_ROLE = Qt.ItemDataRole.UserRole + 1
PERIOD_ID_ROLE = Qt.ItemDataRole.UserRole + 2
RAG_ROLE = Qt.ItemDataRole.UserRole + 3
DRAFT_ROLE = Qt.ItemDataRole.UserRole + 4
INSPECTION_ID_ROLE = Qt.ItemDataRole.UserRole + 5
UNUSED_ROLE = Qt.ItemDataRole.UserRole + 6  # True in a period the item's inspection never used

_UNUSED_BRUSH = QBrush(QColor("#D5D9DF"), Qt.BrushStyle.BDiagPattern)

DRAFT_TIP = ("Draft: carried forward from the previous period and not yet confirmed. "
             "Press R, A or G (or edit the narrative) to confirm it.")

AnyIndex = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()  # the invisible root; a shared default, never modified


@dataclass(frozen=True)
class _Row:
    inspection: Inspection | None = None
    item: ItemRow | None = None


def count_lines(counts: list[tuple[str, int | str]]) -> list[str]:
    """A period's rating counts for its header, two to a line ("R12 A30", "G5"), so a
    column stays narrow enough to show many periods however large the counts grow."""
    words = [f"{letter}{n}" for letter, n in counts]
    return [" ".join(words[i:i + COUNTS_PER_LINE]) for i in range(0, len(words), COUNTS_PER_LINE)]


class GridModel(QAbstractTableModel):
    """Items × reporting periods; the item column first, direction and status last.

    ``header_text_changed(section)`` says a header's text changed but not its size
    (a period's counts after a rating, the direction column's period). Qt's views
    answer ``headerDataChanged`` by laying out and repainting every visible cell
    (QAbstractItemView's private slot), which alone cost a rating its frame; the
    grid view repaints just that section instead.
    """

    header_text_changed = Signal(int)

    def __init__(self, store: Storage | None = None, parent: Any = None) -> None:
        super().__init__(parent)
        self._store: Storage | None = None
        self._rows: list[_Row] = []
        self._periods: list[Period] = []
        # the cells a column at a time: period -> item -> rating (items with an assessment),
        # and period -> items whose assessment is a draft
        self._rags: dict[int, dict[int, str | None]] = {}
        self._drafts: dict[int, set[int]] = {}
        self._dots: dict[int, Dot | None] = {}
        self._scale = RatingScale([])
        self._status_labels: dict[str, str] = {}
        self._visible: set[ItemId] | None = None
        self._row_of_item: dict[int, int] = {}
        self._items: list[ItemRow] = []  # every item, as last read (the filter works on this)
        self._position: dict[int, int] = {}  # item id -> index in _items (no scan per change)
        self._inspections: list[Inspection] = []
        self._counts: dict[int, Counter[str]] = {}  # header counts per period, computed once
        # the same over every item: kept across filters, so clearing a search recounts nothing
        self._all_counts: dict[int, Counter[str]] = {}
        self._dots_of: dict[PeriodId, dict[int, Dot | None]] = {}  # directions per period, as read
        # the periods each inspection reports in (any of its items assessed there): periods
        # belong to the file, and a column an inspection never used is shown as not its own
        self._used: dict[int, set[int]] = {}
        self.dot_period_id: PeriodId | None = None
        if store is not None:
            self.set_store(store)

    # -- feeding ----------------------------------------------------------------

    def set_store(self, store: Storage | None) -> None:
        self._store = store
        self.dot_period_id = None
        self.refresh(None)

    def set_visible(self, item_ids: list[ItemId] | None) -> None:
        """Show only these items (the tree's filter); None shows all."""
        visible = None if item_ids is None else set(item_ids)
        if visible != self._visible:
            self._visible = visible
            if self._store is None:
                return
            self.beginResetModel()  # the rows already read, laid out again: no store reads
            self._layout()
            self.endResetModel()

    def set_dot_period(self, period_id: PeriodId | None) -> None:
        """The period whose direction of travel the DoT column shows."""
        if period_id == self.dot_period_id or self._store is None:
            return
        self.dot_period_id = period_id
        self._read_dots()
        if self._rows:
            col = self.dot_column
            self.dataChanged.emit(self.index(0, col), self.index(len(self._rows) - 1, col))
        self.header_text_changed.emit(self.dot_column)

    def _read_dots(self) -> None:
        store = self._store
        ids = {p.id for p in self._periods}
        if self.dot_period_id not in ids:
            self.dot_period_id = self._periods[-1].id if self._periods else None
        if not (store and self.dot_period_id):
            self._dots = {}
            return
        # Moving across the grid changes the period: read each period's arrows once.
        if self.dot_period_id not in self._dots_of:
            self._dots_of[self.dot_period_id] = store.directions(self.dot_period_id)
        self._dots = self._dots_of[self.dot_period_id]

    def refresh(self, change: Change | None = None) -> None:
        """Re-read; reset on structural changes, else repaint only the named cells."""
        store = self._store
        if change is not None and not (change.items or change.assessments or change.structure
                                       or change.periods or change.settings or change.inspections):
            return
        full = change is None or change.structure or change.settings or bool(change.periods)
        if store is None:
            self.beginResetModel()
            self._rows, self._periods, self._dots = [], [], {}
            self._rags, self._drafts = {}, {}
            self._row_of_item, self._items, self._inspections = {}, [], []
            self._position = {}
            self._counts, self._all_counts, self._dots_of = {}, {}, {}
            self.endResetModel()
            return
        if full and change is not None and self._periods_only(store, change):
            return
        if full:
            self.beginResetModel()
            self._read_all(store)
            self.endResetModel()
            return
        assert change is not None
        if change.inspections or not self._read_some(store, change):
            old_ids = [r.item.id if r.item else None for r in self._rows]
            self._read_all(store)
            if old_ids != [r.item.id if r.item else None for r in self._rows]:
                self.beginResetModel()
                self.endResetModel()
                return
        column_of: dict[int, int] = {p.id: c for c, p in enumerate(self._periods, start=1)}
        last = self.columnCount() - 1
        for item_id in change.items:
            row = self._row_of_item.get(item_id)
            if row is not None:
                self.dataChanged.emit(self.index(row, 0), self.index(row, last))
        touched_columns = set()
        for item_id, period_id in change.assessments:
            row, col = self._row_of_item.get(item_id), column_of.get(period_id)
            if row is not None and col is not None:
                self.dataChanged.emit(self.index(row, col), self.index(row, col))
                touched_columns.add(col)
        for col in sorted(touched_columns):  # the counts in its header; see header_text_changed
            self.header_text_changed.emit(col)
        # only the rated items' arrows can move: repainting the whole column repainted the grid
        for item_id in {item for item, _ in change.assessments}:
            row = self._row_of_item.get(item_id)
            if row is not None:
                self.dataChanged.emit(self.index(row, self.dot_column), self.index(row, self.dot_column))
        if change.inspections:
            for row, r in enumerate(self._rows):
                if r.inspection and r.inspection.id in change.inspections:
                    self.dataChanged.emit(self.index(row, 0), self.index(row, last))

    def _periods_only(self, store: Storage, change: Change) -> bool:
        """A period added, deleted or renamed: insert, remove or relabel one column.

        Adding a period used to reset the grid (re-reading 75,000 cells and laying
        out every row); one column is all that changed. False when the change may
        touch more than the periods (then the caller re-reads everything).
        """
        if (not change.periods or change.items or change.inspections or change.settings
                or change.assessments or change.evidence_of):
            return False
        new = store.periods()
        old_ids = [p.id for p in self._periods]
        new_ids = [p.id for p in new]
        added = [i for i in new_ids if i not in set(old_ids)]
        removed = [i for i in old_ids if i not in set(new_ids)]
        if not set(added) | set(removed) <= set(change.periods) or len(added) + len(removed) > 1:
            return False
        if added:
            if [i for i in new_ids if i != added[0]] != old_ids:
                return False  # the others moved too
            column = new_ids.index(added[0]) + 1
            cells = store.rating_columns(added)
            for later in new_ids[column:]:  # their arrows now compare against this period
                self._dots_of.pop(later, None)
            self.beginInsertColumns(_ROOT, column, column)
            self._periods = new
            self._take_columns(cells)
            self._note_used([added[0]])
            self._counts.pop(added[0], None)
            self._all_counts.pop(added[0], None)
            self._read_dots()
            self.endInsertColumns()
        elif removed:
            if [i for i in old_ids if i != removed[0]] != new_ids:
                return False
            column = old_ids.index(removed[0]) + 1
            self.beginRemoveColumns(_ROOT, column, column)
            self._periods = new
            self._rags.pop(removed[0], None)
            self._drafts.pop(removed[0], None)
            self._counts.pop(removed[0], None)
            self._all_counts.pop(removed[0], None)
            self._dots_of = {}  # later periods' arrows compare against another period now
            self._read_dots()
            self.endRemoveColumns()
            if self._rows:
                col = self.dot_column
                self.dataChanged.emit(self.index(0, col), self.index(len(self._rows) - 1, col))
        else:
            if new_ids != old_ids:
                return False  # reordered
            self._periods = new
            for column, period in enumerate(new, start=1):
                if period.id in change.periods:
                    self.headerDataChanged.emit(Qt.Orientation.Horizontal, column, column)
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, self.dot_column, self.dot_column)
        return True

    def _read_all(self, store: Storage) -> None:
        self._scale = RatingScale(store.ratings(include_disabled=True))
        self._status_labels = {s.code: s.label for s in store.statuses()}
        self._periods = store.periods()
        self._rags, self._drafts = {}, {}
        self._take_columns(store.rating_columns([p.id for p in self._periods]))
        self._items = store.item_rows()
        self._position = {r.id: n for n, r in enumerate(self._items)}
        self._inspections = store.inspections()
        self._used = {}
        self._note_used([p.id for p in self._periods])
        self._all_counts = {}
        self._layout()
        self._dots_of = {}
        self._read_dots()

    def _note_used(self, period_ids: list[int], item_ids: set[ItemId] | None = None) -> None:
        """Mark the periods (their assessed items, or just ``item_ids``) as used by the
        items' inspections."""
        inspection_of: dict[int, InspectionId] = {
            r.id: r.inspection_id for r in self._items} if item_ids is None else {
            r.id: r.inspection_id for i in item_ids if (r := self._item_by_id(i)) is not None}
        for period_id in period_ids:
            rated = self._rags.get(period_id, {})
            ids = rated.keys() if item_ids is None else (i for i in item_ids if i in rated)
            for inspection_id in {s for i in ids if (s := inspection_of.get(i)) is not None}:
                self._used.setdefault(inspection_id, set()).add(period_id)

    def _item_by_id(self, item_id: int) -> ItemRow | None:
        at = self._position.get(item_id)
        return self._items[at] if at is not None else None

    def unused_columns(self) -> list[int]:
        """Period columns that no inspection shown uses while a search or filter is on (one
        inspection's items: just its periods); none when every item is shown (a new
        period is nobody's yet), never the direction column's period."""
        if self._visible is None:
            return []
        shown = {r.inspection.id for r in self._rows if r.inspection is not None}
        used: set[int] = set()
        for inspection_id in shown:
            used |= self._used.get(inspection_id, set())
        return [c for c, p in enumerate(self._periods, start=1)
                if p.id not in used and p.id != self.dot_period_id]

    def rating(self, item_id: ItemId, period_id: PeriodId) -> str | None:
        """An item's rating in a period as last read (None: not rated there)."""
        return self._rags.get(period_id, {}).get(item_id)

    def uses_period(self, inspection_id: InspectionId, period_id: PeriodId) -> bool:
        """Whether any item of the inspection was rated or written in the period."""
        return period_id in self._used.get(inspection_id, ())

    def _take_columns(self, columns: dict[int, tuple[dict[int, str | None], set[int]]]) -> None:
        for period_id, (rags, drafts) in columns.items():
            self._rags[period_id], self._drafts[period_id] = rags, drafts

    def _cell(self, item_id: int, period_id: int) -> tuple[str | None, bool]:
        """(rating, draft) of one cell; (None, False) where there is no assessment."""
        return (self._rags.get(period_id, {}).get(item_id),
                item_id in self._drafts.get(period_id, ()))

    def _layout(self) -> None:
        """Rows from what was read: a heading per inspection, its (visible) items under it."""
        by_inspection: dict[int, list[ItemRow]] = {}
        for r in self._items:
            if self._visible is None or r.id in self._visible:
                by_inspection.setdefault(r.inspection_id, []).append(r)
        self._rows = []
        for inspection in self._inspections:
            items = by_inspection.get(inspection.id, [])
            if not items and self._visible is not None:
                continue
            self._rows.append(_Row(inspection=inspection))
            self._rows.extend(_Row(item=r) for r in items)
        self._row_of_item = {r.item.id: n for n, r in enumerate(self._rows) if r.item}
        self._counts = self._all_counts if self._visible is None else {}

    def _read_some(self, store: Storage, change: Change) -> bool:
        """Re-read only the items a change names (a rating, an edit); False if that cannot do.

        Three small queries instead of every row of every table: a keystroke in
        the grid must repaint within a frame on a file with thousands of items.
        """
        ids = changed_items(change)
        fresh = {r.id: r for r in store.item_rows(item_ids=ids)}
        where = {i: self._position[i] for i in ids if i in self._position}
        if set(fresh) != ids or set(where) != ids:
            return False  # added or removed: the layout changes
        for item_id, row in fresh.items():
            was = self._items[where[item_id]]
            if (was.inspection_id, was.position) != (row.inspection_id, row.position):
                return False  # moved
            self._items[where[item_id]] = row
            at = self._row_of_item.get(item_id)
            if at is not None:
                self._rows[at] = _Row(item=row)
        # header counts move by what changed, not by counting 3,000 rows again per rating
        tallies: list[tuple[dict[int, Counter[str]], Any]] = [(self._all_counts, None)]
        if self._counts is not self._all_counts:  # (counts, the items they count; None: all)
            tallies.append((self._counts, self._row_of_item))
        periods = set(self._counts) | set(self._all_counts)
        before = {(item_id, period_id): self._cell(item_id, period_id)[0]
                  for item_id in ids for period_id in periods}
        for period_id in self._rags:
            rags, drafts = self._rags[period_id], self._drafts[period_id]
            for item_id in ids:
                rags.pop(item_id, None)
                drafts.discard(item_id)
        for (rated, period_id), (rag, draft) in store.rag_grid(ids).items():
            if period_id in self._rags:
                self._rags[period_id][rated] = rag
                if draft:
                    self._drafts[period_id].add(rated)
        self._note_used(list(self._rags), ids)
        for (item_id, period_id), old in before.items():
            new = self._cell(item_id, period_id)[0]
            if new == old:
                continue
            for tally, among in tallies:
                counts = tally.get(period_id)
                if counts is None or (among is not None and item_id not in among):
                    continue
                if old:
                    counts[old] -= 1
                if new:
                    counts[new] += 1
        for period_id, dots in self._dots_of.items():  # a rating moves later periods' arrows too
            for item_id in ids:
                dots.pop(item_id, None)
            dots.update(store.directions(period_id, ids))
        return True

    # -- what the view asks -------------------------------------------------------

    @property
    def scale(self) -> RatingScale:
        return self._scale

    @property
    def item_count(self) -> int:
        """Items in the file (shown or filtered out)."""
        return len(self._items)

    @property
    def periods(self) -> list[Period]:
        return list(self._periods)

    @property
    def dot_column(self) -> int:
        return len(self._periods) + 1

    @property
    def status_column(self) -> int:
        return len(self._periods) + 2

    def period_at(self, column: int) -> Period | None:
        return self._periods[column - 1] if 1 <= column <= len(self._periods) else None

    def column_of_period(self, period_id: PeriodId) -> int | None:
        for c, p in enumerate(self._periods, start=1):
            if p.id == period_id:
                return c
        return None

    def row_of_item(self, item_id: ItemId) -> int | None:
        return self._row_of_item.get(item_id)

    def item_at(self, row: int) -> ItemRow | None:
        return self._rows[row].item if 0 <= row < len(self._rows) else None

    def heading_rows(self) -> list[int]:
        return [n for n, r in enumerate(self._rows) if r.inspection]

    def counts(self, period_id: int) -> Counter[str]:
        """How many shown items have each rating in a period (for the header).

        Cached: the header asks on every paint, and counting 3,000 rows for each of
        24 columns each time made a repaint cost hundreds of milliseconds.
        """
        cached = self._counts.get(period_id)
        if cached is not None:
            return cached
        # counted in C (Counter over one column's ratings, or map over the shown items)
        # rather than a Python loop: a search result asks again for each painted column
        column = self._rags.get(period_id, {})
        if self._visible is None:
            counts: Counter[str | None] = Counter(column.values())
        else:
            counts = Counter(map(column.get, self._row_of_item))
        counts.pop(None, None)
        counts.pop("", None)
        self._counts[period_id] = rated = cast("Counter[str]", counts)  # None popped above
        return rated

    # -- QAbstractTableModel --------------------------------------------------------

    def rowCount(self, parent: AnyIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._periods) + 3

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid() or self._rows[index.row()].inspection is not None:
            return Qt.ItemFlag.NoItemFlags  # headings: arrow keys skip them
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            if role == Qt.ItemDataRole.DisplayRole:
                return str(section + 1)
            return None
        period = self.period_at(section)
        if role == Qt.ItemDataRole.DisplayRole:
            if section == 0:
                return "Item"
            if period is not None:
                counts = self.counts(period.id)
                return "\n".join([period.label, *count_lines(
                    [(r.letter, counts[r.code]) for r in self._scale.enabled])])
            if section == self.dot_column:
                label = next((p.label for p in self._periods if p.id == self.dot_period_id), "")
                return f"Direction\n{label}"
            if section == self.status_column:
                return "Status"
        if role == Qt.ItemDataRole.ToolTipRole and period is not None:
            counts = self.counts(period.id)
            parts = [f"{counts[r.code]} {r.code}" for r in self._scale.enabled]
            meeting = f" — {period.meeting}" if period.meeting else ""
            return f"{period.label}{meeting}: " + ", ".join(parts)
        if role == Qt.ItemDataRole.ToolTipRole and section == self.dot_column:
            return "Direction of travel since the previous period (in the selected period)"
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        entry = self._rows[index.row()]
        column = index.column()
        if entry.inspection is not None:
            if role == INSPECTION_ID_ROLE:
                return entry.inspection.id
            if column == 0 and role in (Qt.ItemDataRole.DisplayRole,
                                        Qt.ItemDataRole.AccessibleTextRole,
                                        Qt.ItemDataRole.ToolTipRole):
                return entry.inspection.title
            if role == Qt.ItemDataRole.FontRole:
                font = QFont()
                font.setBold(True)
                return font
            if role == Qt.ItemDataRole.BackgroundRole:
                return QBrush(QColor("#E8ECF2"))
            if role == Qt.ItemDataRole.ForegroundRole:
                return QBrush(QColor("#1F2A3A"))
            return None
        item = entry.item
        assert item is not None
        if role == ITEM_ID_ROLE:
            return item.id
        if role == INSPECTION_ID_ROLE:
            return item.inspection_id
        period = self.period_at(column)
        if role == PERIOD_ID_ROLE:
            return period.id if period else None
        if column == 0:
            if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
                return f"{item.label}  {item.title}".rstrip()
            if role == Qt.ItemDataRole.ToolTipRole:
                return f"{item.label}: {item.title}"
            return None
        if period is not None:
            return self._cell_data(item, period, role)
        if column == self.dot_column:
            dot = self._dots.get(item.id)
            if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
                return DOT_TEXT.get(dot, "") if dot else ""
            if role == Qt.ItemDataRole.ToolTipRole and dot:
                return DOT_TIP[dot]
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return Qt.AlignmentFlag.AlignCenter
            return None
        if column == self.status_column and role in (
                Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole,
                Qt.ItemDataRole.AccessibleTextRole):
            label = self._status_labels.get(item.status, item.status)
            return short_status(label) if role == Qt.ItemDataRole.DisplayRole else label
        return None

    def _cell_data(self, item: ItemRow, period: Period, role: int) -> Any:
        rag, draft = self._cell(item.id, period.id)
        if rag is None and not draft and not self.uses_period(item.inspection_id, period.id):
            return self._unused_cell(item, period, role)
        if role == RAG_ROLE:
            return rag
        if role == DRAFT_ROLE:
            return draft
        if role == Qt.ItemDataRole.DisplayRole:
            if not rag:
                return "draft" if draft else ""
            return self._scale.word(rag) + ("*" if draft else "")
        if role == Qt.ItemDataRole.AccessibleTextRole:
            word = self._scale.word(rag) if rag else "not rated"
            return f"{item.label}, {period.label}: {word}" + (" (draft)" if draft else "")
        if role == Qt.ItemDataRole.ToolTipRole:
            text = f"{item.label}, {period.label}: {self._scale.tooltip(rag)}"
            return text + ("\n" + DRAFT_TIP if draft else "")
        if role == Qt.ItemDataRole.BackgroundRole:
            colour = self._scale.background(rag)
            if colour is None:
                return None
            if draft:
                return QBrush(colour.lighter(135), Qt.BrushStyle.SolidPattern)
            return QBrush(colour)
        if role == Qt.ItemDataRole.ForegroundRole:
            colour = self._scale.foreground(rag)
            return QBrush(colour) if colour else None
        if role == Qt.ItemDataRole.FontRole:
            font = QFont()
            font.setBold(not draft)
            font.setItalic(draft)
            return font
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return Qt.AlignmentFlag.AlignCenter
        return None

    def _unused_cell(self, item: ItemRow, period: Period, role: int) -> Any:
        """A period the item's inspection never reported in: hatched grey, said in words."""
        if role == Qt.ItemDataRole.BackgroundRole:
            return _UNUSED_BRUSH
        if role == UNUSED_ROLE:
            return True
        if role == Qt.ItemDataRole.ToolTipRole:
            return (f"{item.label}, {period.label}: not one of this inspection's reporting "
                    "periods (none of its items was rated or written then). Press R, A or G "
                    "to start reporting it in this period.")
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{item.label}, {period.label}: not a reporting period of this inspection"
        return None
