"""A stacked bar chart drawn with QPainter, whose bars and segments can be clicked.

QtCharts is not part of PySide6-Essentials (what ragdesk ships), and a board's
chart needs little: stacked bars, the number on each segment, a legend, and a
click that says which items a segment stands for. Every segment is labelled with
its rating's letter and count ("A 5") where it fits, so the chart reads on a grey
screen or printout; the tooltip names it in full.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFontMetricsF,
    QHelpEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
)
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget


@dataclass(frozen=True)
class Segment:
    """One part of a bar: ``count`` items (``items`` their ids) of one kind (a rating)."""

    name: str  # "AMBER", "Not rated", "Open"
    letter: str  # what is printed on it with the count ("A"); "" for none
    items: Sequence[int]  # the overview's list, shared (never changed once built)
    colour: QColor
    text_colour: QColor

    @property
    def count(self) -> int:
        return len(self.items)


@dataclass(frozen=True)
class Bar:
    label: str  # "Jun 2024", a board, a lead, a status
    segments: tuple[Segment, ...]

    @property
    def items(self) -> tuple[int, ...]:
        return tuple(i for s in self.segments for i in s.items)

    @property
    def total(self) -> int:
        return sum(s.count for s in self.segments)


@dataclass(frozen=True)
class LegendEntry:
    name: str
    letter: str
    colour: QColor


class StackedBarChart(QWidget):
    """Vertical bars (periods) or horizontal ones (boards, leads, statuses).

    ``picked(description, ids)`` is emitted when a segment or a bar's label is
    clicked: "AMBER in Jun 2024", or "Jun 2024" for the whole bar.
    """

    picked = Signal(str, object)

    LEGEND_H = 22.0
    ROW_H = 24.0

    def __init__(self, name: str, *, horizontal: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(name)
        self.horizontal = horizontal
        self.bars: list[Bar] = []
        self.legend: list[LegendEntry] = []
        self.empty_text = "Nothing to show yet."
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumHeight(140)

    def set_bars(self, bars: list[Bar], legend: list[LegendEntry]) -> None:
        self.bars = list(bars)
        self.legend = list(legend)
        if self.horizontal:
            self.setMinimumHeight(int(self.LEGEND_H + 16 + self.ROW_H * max(1, len(bars))))
        self.setAccessibleDescription("; ".join(
            f"{b.label}: " + ", ".join(f"{s.name} {s.count}" for s in b.segments if s.count)
            for b in bars))
        self.updateGeometry()
        self.update()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        if self.horizontal:
            return QSize(420, int(self.LEGEND_H + 16 + self.ROW_H * max(1, len(self.bars))))
        return QSize(420, 240)

    # -- geometry (shared by painting, clicks and tests) ---------------------------

    def _label_width(self) -> float:
        metrics = QFontMetricsF(self.font())
        widest = max((metrics.horizontalAdvance(b.label or "(none)") for b in self.bars), default=0)
        return min(widest + 10, self.width() * 0.4)

    def places(self) -> tuple[list[tuple[QRectF, int, int]], list[tuple[QRectF, int]]]:
        """(segment rect, bar, segment) for every non-empty segment, (label rect, bar) for labels."""
        segments: list[tuple[QRectF, int, int]] = []
        labels: list[tuple[QRectF, int]] = []
        if not self.bars:
            return segments, labels
        top = max((b.total for b in self.bars), default=0) or 1
        metrics = QFontMetricsF(self.font())
        if self.horizontal:
            left = self._label_width()
            right = self.width() - 36.0
            y = self.LEGEND_H + 8
            for n, bar in enumerate(self.bars):
                labels.append((QRectF(0, y, left - 4, self.ROW_H), n))
                x = left
                for k, seg in enumerate(bar.segments):
                    if not seg.count:
                        continue
                    w = (right - left) * seg.count / top
                    segments.append((QRectF(x, y + 3, w, self.ROW_H - 6), n, k))
                    x += w
                y += self.ROW_H
            return segments, labels
        axis = metrics.horizontalAdvance(str(top)) + 10
        bottom = self.height() - metrics.height() - 8
        plot_top = self.LEGEND_H + metrics.height() + 6
        span = max(10.0, bottom - plot_top)
        slot = (self.width() - axis - 8) / len(self.bars)
        width = min(72.0, slot * 0.62)
        for n, bar in enumerate(self.bars):
            cx = axis + slot * (n + 0.5)
            labels.append((QRectF(cx - slot / 2, bottom + 2, slot, metrics.height() + 4), n))
            y = bottom
            for k, seg in enumerate(bar.segments):
                if not seg.count:
                    continue
                h = span * seg.count / top
                segments.append((QRectF(cx - width / 2, y - h, width, h), n, k))
                y -= h
        return segments, labels

    def segment_rect(self, bar_label: str, segment_name: str) -> QRectF | None:
        """Where a segment is drawn (tests click it; None when it is empty or absent)."""
        segments, _ = self.places()
        for rect, n, k in segments:
            if self.bars[n].label == bar_label and self.bars[n].segments[k].name == segment_name:
                return rect
        return None

    def label_rect(self, bar_label: str) -> QRectF | None:
        _, labels = self.places()
        return next((rect for rect, n in labels if self.bars[n].label == bar_label), None)

    def hit(self, pos: QPointF) -> tuple[str, Sequence[int]] | None:
        segments, labels = self.places()
        for rect, n, k in segments:
            if rect.contains(pos):
                bar, seg = self.bars[n], self.bars[n].segments[k]
                return f"{seg.name} · {bar.label or '(none)'}", seg.items
        for rect, n in labels:
            if rect.contains(pos):
                bar = self.bars[n]
                return bar.label or "(none)", bar.items
        return None

    # -- events ------------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.LeftButton:
            found = self.hit(event.position())
            if found is not None and found[1]:
                self.picked.emit(found[0], found[1])
                return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        found = self.hit(event.position())
        self.setCursor(Qt.CursorShape.PointingHandCursor if found and found[1]
                       else Qt.CursorShape.ArrowCursor)
        super().mouseMoveEvent(event)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            found = self.hit(QPointF(event.pos()))
            if found:
                QToolTip.showText(event.globalPos(),
                                  f"{found[0]}: {len(found[1])} items — click to show them in the tree",
                                  self)
            else:
                QToolTip.hideText()
            return True
        return super().event(event)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        ink = palette.windowText().color()
        painter.fillRect(self.rect(), palette.base())
        metrics = QFontMetricsF(self.font())
        # legend: a swatch with the letter on it, then the word
        x = 6.0
        for entry in self.legend:
            swatch = QRectF(x, 4, 16, 14)
            painter.fillRect(swatch, entry.colour)
            painter.setPen(QPen(ink, 0.6))
            painter.drawRect(swatch)
            painter.drawText(swatch, Qt.AlignmentFlag.AlignCenter, entry.letter)
            painter.drawText(QRectF(x + 20, 2, 200, 18), Qt.AlignmentFlag.AlignVCenter, entry.name)
            x += 28 + metrics.horizontalAdvance(entry.name)
        if not self.bars:
            painter.setPen(palette.placeholderText().color())
            painter.drawText(QRectF(self.rect()), Qt.AlignmentFlag.AlignCenter, self.empty_text)
            return
        segments, labels = self.places()
        for rect, n, k in segments:
            seg = self.bars[n].segments[k]
            painter.fillRect(rect, seg.colour)
            painter.setPen(QPen(QColor("white"), 1))
            painter.drawRect(rect)
            text = f"{seg.letter} {seg.count}".strip()
            if metrics.horizontalAdvance(text) + 4 > rect.width() or metrics.height() > rect.height():
                text = str(seg.count)
            if metrics.horizontalAdvance(text) + 2 <= rect.width() and metrics.height() <= rect.height() + 2:
                painter.setPen(seg.text_colour)
                painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
        painter.setPen(ink)
        for rect, n in labels:
            align = (Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter) if self.horizontal \
                else Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop
            text = metrics.elidedText(self.bars[n].label or "(none)", Qt.TextElideMode.ElideRight,
                                      rect.width())
            painter.drawText(rect, align, text)
        # totals at the end of each bar
        ends: dict[int, QRectF] = {}
        for rect, n, _k in segments:
            ends[n] = ends[n].united(rect) if n in ends else rect
        for n, whole in ends.items():
            total = str(self.bars[n].total)
            if self.horizontal:
                painter.drawText(QRectF(whole.right() + 4, whole.top(), 34, whole.height()),
                                 Qt.AlignmentFlag.AlignVCenter, total)
            else:
                painter.drawText(QRectF(whole.left() - 10, whole.top() - metrics.height() - 2,
                                        whole.width() + 20, metrics.height()),
                                 Qt.AlignmentFlag.AlignCenter, total)
        if not self.horizontal:
            bottom = max(r.bottom() for r, _n, _k in segments) if segments else self.height() - 20
            painter.setPen(QPen(ink, 0.8))
            painter.drawLine(QPointF(4, bottom), QPointF(self.width() - 4, bottom))
