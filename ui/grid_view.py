"""The RAG grid widget: a table of ratings you can drive from the keyboard.

Arrow keys move between cells (heading rows are skipped); R, A, G and B set
the rating of the current cell, Delete clears it. The view does not change the
store itself: it emits ``rate_requested`` and the window turns that into an
undoable command, so the grid, the tree and the editor all hear about it alike.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import (
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QRect,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QFontMetrics, QKeyEvent, QMouseEvent, QPainter, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHeaderView,
    QMenu,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from ragdesk.domain import ItemId, PeriodId

from .grid_model import (
    DRAFT_ROLE,
    INSPECTION_ID_ROLE,
    ITEM_ID_ROLE,
    PERIOD_ID_ROLE,
    GridModel,
    count_lines,
)

AnyIndex = QModelIndex | QPersistentModelIndex
# A change to more rows of one column than this is repainted as that column's visible strip.
_WHOLE_COLUMN_ROWS = 64
_MIN_PERIOD_WIDTH = 88


class RatingCellDelegate(QStyledItemDelegate):
    """Keeps a rated cell in its rating colour when selected (a frame marks the selection),
    and marks a carried-forward draft with a dashed inner border as well as italics."""

    def __init__(self, parent: QWidget | None = None, *, heading_text: bool = True) -> None:
        super().__init__(parent)
        self._heading_text = heading_text

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: AnyIndex) -> None:
        background = index.data(Qt.ItemDataRole.BackgroundRole)
        if not self._heading_text and index.data(ITEM_ID_ROLE) is None \
                and index.data(INSPECTION_ID_ROLE) is not None:
            # an inspection heading under the frozen Item column: the band only, or its
            # title would show twice (whole behind, cut in front) as the grid scrolls
            if isinstance(background, QBrush):
                painter.fillRect(option.rect, background)
            return
        draft = bool(index.data(DRAFT_ROLE))
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        if not isinstance(background, QBrush):
            super().paint(painter, option, index)
            if draft:
                self._frame(painter, option, Qt.PenStyle.DashLine, 1)
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.state &= ~QStyle.StateFlag.State_Selected
        opt.state &= ~QStyle.StateFlag.State_HasFocus
        painter.fillRect(opt.rect, background)
        opt.backgroundBrush = background
        widget = opt.widget
        style = widget.style() if widget is not None else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        if draft:
            self._frame(painter, option, Qt.PenStyle.DashLine, 1)
        if selected:
            self._frame(painter, option, Qt.PenStyle.SolidLine, 3)

    @staticmethod
    def _frame(painter: QPainter, option: QStyleOptionViewItem, style: Qt.PenStyle,
               width: int) -> None:
        painter.save()
        pen = QPen(option.palette.highlight().color() if width > 1
                   else option.palette.text().color(), width, style)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        inset = width // 2 + 1
        painter.drawRect(option.rect.adjusted(inset, inset, -inset - 1, -inset - 1))
        painter.restore()


class _PeriodHeader(QHeaderView):
    """The grid's column header: each period's label over its rating counts.

    Its height follows from the font and the rating scale, so Qt need not measure
    each section for it: its own size hint asks every section's text after each reset
    (a search, a filter), which made the model count every period's ratings, painted
    or not.
    """

    def sizeHint(self) -> QSize:  # noqa: N802
        model = self.model()
        lines = 2
        if isinstance(model, GridModel):
            lines = 1 + max(1, len(count_lines([(r.letter, 0) for r in model.scale.enabled])))
        margin = self.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, self)
        return QSize(self.length(), lines * self.fontMetrics().lineSpacing() + 2 * margin + 4)

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return self.sizeHint()


class _FrozenItemColumn(QTableView):
    """The Item column pinned at the grid's left edge, as in Qt's "Frozen Column" example.

    A second view over the grid's own model and selection model, showing column 0
    only and laid over the grid's first column: on a file with two dozen periods the
    grid scrolls sideways to the current period, and every row must still say which
    item it is (and each inspection heading its title). It never takes the keyboard:
    a click selects through the shared selection model and hands focus to the grid.
    """

    def __init__(self, grid: GridView) -> None:
        super().__init__(grid)
        self._grid = grid
        self.setObjectName("gridItemColumn")
        self.setHorizontalHeader(_PeriodHeader(Qt.Orientation.Horizontal, self))
        self.setModel(grid.model())
        self.setSelectionModel(grid.selectionModel())
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setAccessibleName("RAG grid items")
        self.verticalHeader().hide()
        self.verticalHeader().setDefaultSectionSize(grid.verticalHeader().defaultSectionSize())
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.horizontalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollMode(grid.verticalScrollMode())
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setWordWrap(False)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setShowGrid(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        # a line on its right edge, so the pinned column reads as pinned while periods scroll
        self.setStyleSheet("QTableView#gridItemColumn { border-right: 2px solid #9aa5b4; }")
        self.setItemDelegate(RatingCellDelegate(self))
        grid.viewport().stackUnder(self)
        self.verticalScrollBar().valueChanged.connect(grid.verticalScrollBar().setValue)
        grid.verticalScrollBar().valueChanged.connect(self.verticalScrollBar().setValue)
        self.doubleClicked.connect(lambda _index: grid.edit_requested.emit())
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(
            lambda pos: grid.show_cell_menu(self.indexAt(pos), self.viewport().mapToGlobal(pos)))

    def show_only_item_column(self) -> None:
        for c in range(1, self.model().columnCount()):
            self.setColumnHidden(c, True)
        self.setColumnHidden(0, False)
        self.setColumnWidth(0, self._grid.columnWidth(0))

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        super().mousePressEvent(event)
        self._grid.setFocus(Qt.FocusReason.MouseFocusReason)


class GridView(QTableView):
    """Signals: ``cell_chosen(item_id, period_id|None)`` when the current cell moves,
    ``rate_requested(item_id, period_id, code|None)`` for R/A/G/B/Delete,
    ``message(str)`` for the status bar."""

    cell_chosen = Signal(int, object)
    edit_requested = Signal()  # Enter or double-click: go and write in the editor
    period_menu_requested = Signal(int, object)  # period id, global position
    rate_requested = Signal(int, int, object)
    message = Signal(str)

    def __init__(self, model: GridModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setHorizontalHeader(_PeriodHeader(Qt.Orientation.Horizontal, self))
        self.setModel(model)
        self.setAccessibleName("RAG grid")
        self.setAccessibleDescription(
            "Ratings of every item in every reporting period. Arrow keys move; R, A, G or B "
            "set the rating; Delete clears it; Enter goes to the editor.")
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setTabKeyNavigation(False)
        self.setWordWrap(False)
        self.setAlternatingRowColors(False)
        self.setShowGrid(True)
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setDefaultSectionSize(24)
        header = self.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignCenter)
        header.setMinimumSectionSize(40)
        header.setHighlightSections(True)
        header.setStretchLastSection(True)  # the status column takes what is left
        self.setItemDelegate(RatingCellDelegate(self, heading_text=False))
        # by the pixel, as Qt's frozen-column example does: by whole columns, the periods
        # just right of the pinned Item column would scroll in underneath it
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.frozen = _FrozenItemColumn(self)
        header.sectionResized.connect(self._section_resized)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(
            lambda pos: self.show_cell_menu(self.indexAt(pos), self.viewport().mapToGlobal(pos)))
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._header_menu)
        model.modelReset.connect(self._after_reset)
        model.columnsInserted.connect(self._after_columns_inserted)
        model.header_text_changed.connect(self._header_text_changed)
        self._after_reset()

    def grid_model(self) -> GridModel:
        model = self.model()
        assert isinstance(model, GridModel)
        return model

    def _after_reset(self) -> None:
        model = self.grid_model()
        self.clearSpans()
        columns = model.columnCount()
        for row in model.heading_rows():
            self.setSpan(row, 0, 1, columns)
        header = self.horizontalHeader()
        if columns:
            header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
            self.setColumnWidth(0, max(self.columnWidth(0), 300))
            width = self._period_width()
            for c in range(1, columns):
                header.setSectionResizeMode(c, QHeaderView.ResizeMode.Interactive)
                self.setColumnWidth(c, width)
            self.setColumnWidth(model.dot_column, max(width, self._heading_width(model.dot_column)))
            self.setColumnWidth(model.status_column,
                                max(130, self._heading_width(model.status_column)))
        self.frozen.show_only_item_column()
        self._place_frozen()
        self.show_used_periods()

    def show_used_periods(self) -> None:
        """Hide the periods none of the inspections shown reported in: with every item
        shown each period belongs to some inspection, but a search for one inspection's
        items need not scroll past the periods it never used."""
        model = self.grid_model()
        unused = set(model.unused_columns()) if model.heading_rows() else set()
        if len(unused) == len(model.periods):  # nothing would be left: show them all
            unused = set()
        for c in range(1, model.dot_column):
            if self.isColumnHidden(c) != (c in unused):
                self.setColumnHidden(c, c in unused)

    def _heading_width(self, section: int) -> int:
        """Wide enough for every line of a section's heading ("Direction", its period),
        so the last columns' headings are never cut."""
        font = self.horizontalHeader().font()
        font.setBold(True)
        metrics = QFontMetrics(font)
        text = str(self.grid_model().headerData(section, Qt.Orientation.Horizontal) or "")
        widest = max((metrics.horizontalAdvance(line) for line in text.split("\n")), default=0)
        margin = self.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, self)
        return widest + 2 * margin + 16

    # -- the frozen Item column ------------------------------------------------------

    def _place_frozen(self) -> None:
        frame = self.frameWidth()
        self.frozen.setGeometry(self.verticalHeader().width() + frame, frame,
                                self.columnWidth(0),
                                self.viewport().height() + self.horizontalHeader().height())

    def _section_resized(self, section: int, _old: int, new: int) -> None:
        if section == 0:
            self.frozen.setColumnWidth(0, new)
            self._place_frozen()

    def resizeEvent(self, event: Any) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._place_frozen()

    def scrollTo(self, index: AnyIndex,  # noqa: N802
                 hint: QAbstractItemView.ScrollHint = QAbstractItemView.ScrollHint.EnsureVisible,
                 ) -> None:
        """Scroll so the cell shows beside the pinned Item column, never under it."""
        if not index.isValid():
            return
        if index.column() == 0:  # always shown (pinned): only the row may need scrolling
            bar = self.horizontalScrollBar()
            across = bar.value()
            super().scrollTo(index, hint)
            bar.setValue(across)
            return
        super().scrollTo(index, hint)
        hidden = self.columnWidth(0) - self.visualRect(index).left()
        if hidden > 0:
            bar = self.horizontalScrollBar()
            bar.setValue(bar.value() - hidden)

    def updateGeometries(self) -> None:  # noqa: N802
        super().updateGeometries()
        if hasattr(self, "frozen"):
            self._place_frozen()

    def dataChanged(self, top_left: AnyIndex, bottom_right: AnyIndex,  # noqa: N802
                    roles: Sequence[int] | None = None) -> None:
        """A whole column changed (the direction of travel, when the period changes):
        repaint that column's visible strip. Qt would ask the model for every row's
        index to find the rectangle, and the inspection headings, which span every
        column, would make it the whole grid (a period change repainted ~90 cells).
        Qt's own handler also refreshes open cell editors (the grid has none) and sends
        one accessibility event for the range (a screen reader reads the cell it is on
        again when focus moves)."""
        if (top_left.isValid() and top_left.column() == bottom_right.column()
                and bottom_right.row() - top_left.row() > _WHOLE_COLUMN_ROWS):
            column = top_left.column()
            viewport = self.viewport()
            viewport.update(QRect(self.columnViewportPosition(column), 0,
                                  self.columnWidth(column), viewport.height()))
            return
        super().dataChanged(top_left, bottom_right, roles or [])

    def _period_width(self) -> int:
        """Wide enough for every period's label and for its counts at their largest (all
        items under each rating), so no count is cut off and columns never jump as
        ratings change."""
        model = self.grid_model()
        font = self.horizontalHeader().font()
        font.setBold(True)  # the selected period's heading is bold
        metrics = QFontMetrics(font)
        digits = "8" * len(str(max(model.item_count, 1)))
        counts = count_lines([(r.letter, digits) for r in model.scale.enabled])
        widest = max(metrics.horizontalAdvance(text)
                     for text in [*counts, "AMBER*", *(p.label for p in model.periods)])
        margin = self.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, self)
        return max(_MIN_PERIOD_WIDTH, widest + 2 * margin + 8)

    def _header_text_changed(self, section: int) -> None:
        """Repaint one header section (its counts or period): the sections are sized by
        hand, never to their contents, so nothing else needs laying out again."""
        self.horizontalHeader().updateSection(section)
        if section == self.grid_model().dot_column:  # the period chosen is always shown
            self.show_used_periods()

    def _after_columns_inserted(self, _parent: QModelIndex, first: int, last: int) -> None:
        """A new period's column: the same width and resizing as the others (no reset)."""
        header = self.horizontalHeader()
        width = self._period_width()
        for c in range(first, last + 1):
            header.setSectionResizeMode(c, QHeaderView.ResizeMode.Interactive)
            self.setColumnWidth(c, width)
        self.frozen.show_only_item_column()
        for row in self.grid_model().heading_rows():  # headings still span every column
            if self.columnSpan(row, 0) != self.grid_model().columnCount():
                self.setSpan(row, 0, 1, self.grid_model().columnCount())
        self.show_used_periods()

    def _header_menu(self, pos: QPoint) -> None:
        header = self.horizontalHeader()
        period = self.grid_model().period_at(header.logicalIndexAt(pos))
        if period is not None:
            self.period_menu_requested.emit(period.id, header.mapToGlobal(pos))

    # -- the cell menu ------------------------------------------------------------

    def cell_menu(self, index: AnyIndex) -> QMenu:
        """The right-click menu of a cell: one entry per rating with its key, so the
        one-key rating is found by anyone who right-clicks, not only by who reads the
        status bar."""
        cell = self.cell_at(index)
        menu = QMenu(self)
        if cell is None:
            hint = menu.addAction("Choose a cell under a reporting period to rate it")
            hint.setEnabled(False)
        choices = [(r.code, f"Rate {r.code}\t{r.letter}") for r in self.grid_model().scale.enabled]
        for code, text in [*choices, (None, "Clear Rating\tDelete")]:
            action = menu.addAction(text)
            action.setEnabled(cell is not None)
            if cell is not None:
                action.triggered.connect(lambda _c=False, at=cell, code=code:
                                         self.rate_requested.emit(*at, code))
        menu.addSeparator()
        edit = menu.addAction("Write the Update…\tEnter")
        edit.setEnabled(index.isValid() and index.data(ITEM_ID_ROLE) is not None)
        edit.triggered.connect(lambda _c=False: self.edit_requested.emit())
        return menu

    def show_cell_menu(self, index: AnyIndex, pos: QPoint) -> None:
        if index.isValid() and index.data(ITEM_ID_ROLE) is not None:
            self.setCurrentIndex(index)
        menu = self.cell_menu(index)
        menu.exec(pos)
        menu.deleteLater()

    # -- navigation ---------------------------------------------------------------

    def select_cell(self, item_id: ItemId, period_id: PeriodId | None) -> bool:
        """Make (item, period) the current cell without telling anyone (sync from elsewhere)."""
        model = self.grid_model()
        row = model.row_of_item(item_id)
        if row is None:
            self.clearSelection()
            return False
        column = model.column_of_period(period_id) if period_id is not None else None
        if column is None:
            current = self.currentIndex()
            column = current.column() if current.isValid() and current.column() else 0
        index = model.index(row, column)
        if index == self.currentIndex():
            return True
        self.blockSignals(True)
        try:
            self.selectionModel().setCurrentIndex(
                index, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        finally:
            self.blockSignals(False)
        self.scrollTo(index)
        return True

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        super().mouseDoubleClickEvent(event)
        if self.indexAt(event.position().toPoint()).isValid():
            self.edit_requested.emit()

    def currentChanged(self, current: AnyIndex, previous: AnyIndex) -> None:
        super().currentChanged(current, previous)
        if current.isValid():
            item_id = current.data(ITEM_ID_ROLE)
            if item_id is not None:
                self.cell_chosen.emit(int(item_id), current.data(PERIOD_ID_ROLE))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.edit_requested.emit()
            return
        plain = not (event.modifiers() & (Qt.KeyboardModifier.ControlModifier
                                          | Qt.KeyboardModifier.AltModifier
                                          | Qt.KeyboardModifier.MetaModifier))
        if plain and (Qt.Key.Key_A <= key <= Qt.Key.Key_Z
                      or key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace)):
            self._rate_key(event)
            return
        super().keyPressEvent(event)

    def cell_at(self, index: AnyIndex) -> tuple[ItemId, PeriodId] | None:
        """(item id, period id) of a rating cell; None for a heading row or another column."""
        period = self.grid_model().period_at(index.column()) if index.isValid() else None
        item_id: ItemId | None = index.data(ITEM_ID_ROLE) if period is not None else None
        return (item_id, period.id) if item_id is not None and period is not None else None

    def _rate_key(self, event: QKeyEvent) -> None:
        model = self.grid_model()
        cell = self.cell_at(self.currentIndex())
        if cell is None:
            self.message.emit("Choose a cell under a reporting period first, then press "
                              "R, A or G.")
            return
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.rate_requested.emit(*cell, None)
            return
        rating = model.scale.by_letter(event.text() or chr(event.key()))
        if rating is None:
            letters = ", ".join(r.letter for r in model.scale.enabled)
            hint = (" BLUE is switched off for this file (File ▸ Properties)."
                    if event.key() == Qt.Key.Key_B else "")
            self.message.emit(f"Press {letters} to rate, or Delete to clear.{hint}")
            return
        self.rate_requested.emit(*cell, rating.code)
