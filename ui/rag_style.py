"""How a rating looks on screen: colours from the file's rating scale, always with its word.

RAG is never colour alone (colour-blind users, grey-scale printers): every view
that paints a rating also paints its letter or word, which this module supplies.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter
from PySide6.QtWidgets import (
    QApplication,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from ragdesk.domain import Dot, Rating

# Shown for an item with no rating yet: a neutral outline, never a colour.
NO_RATING_TEXT = "–"

DOT_TEXT = {Dot.UP: "▲ Up", Dot.DOWN: "▼ Down", Dot.SAME: "= Same"}
DOT_TIP = {
    Dot.UP: "Improved since the previous period",
    Dot.DOWN: "Worse than the previous period",
    Dot.SAME: "No change since the previous period",
}


class RatingScale:
    """The file's ratings by code, read once per refresh (not once per painted cell)."""

    def __init__(self, ratings: list[Rating]) -> None:
        self.by_code = {r.code: r for r in ratings}
        self.enabled = [r for r in ratings if r.enabled]

    def rating(self, code: str | None) -> Rating | None:
        return self.by_code.get(code or "")

    def background(self, code: str | None) -> QColor | None:
        r = self.rating(code)
        return QColor(r.colour) if r else None

    def foreground(self, code: str | None) -> QColor | None:
        r = self.rating(code)
        return QColor(r.text_colour) if r else None

    def word(self, code: str | None) -> str:
        """The word printed on a badge ("AMBER"), or a dash for no rating."""
        r = self.rating(code)
        return r.code if r else NO_RATING_TEXT

    def letter(self, code: str | None) -> str:
        r = self.rating(code)
        return r.letter if r else ""

    def tooltip(self, code: str | None) -> str:
        r = self.rating(code)
        return f"{r.label}: {r.definition}" if r else "Not rated"

    def by_letter(self, letter: str) -> Rating | None:
        """The enabled rating a key press means (R, A, G, B), or None."""
        letter = letter.upper()
        return next((r for r in self.enabled if r.letter == letter), None)


def paint_badge(painter: QPainter, rect: QRect, scale: RatingScale, code: str | None,
                *, draft: bool = False, text: str | None = None) -> None:
    """A rounded pill in the rating's colour with its word on it (outline only when unrated)."""
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    word = text if text is not None else scale.word(code)
    font = QFont(painter.font())
    font.setBold(True)
    font.setItalic(draft)
    font.setPointSizeF(max(7.0, font.pointSizeF() * 0.85))
    painter.setFont(font)
    width = min(rect.width() - 4, painter.fontMetrics().horizontalAdvance(word) + 16)
    height = min(rect.height() - 4, painter.fontMetrics().height() + 4)
    badge = QRectF(rect.x() + 2, rect.center().y() - height / 2 + 1, max(width, 24), height)
    background = scale.background(code)
    if background is None:
        painter.setPen(QColor("#9a9a9a"))
        painter.setBrush(Qt.BrushStyle.NoBrush)
    else:
        painter.setPen(Qt.PenStyle.DashLine if draft else Qt.PenStyle.NoPen)
        painter.setBrush(background)
    painter.drawRoundedRect(badge, height / 2, height / 2)
    painter.setPen(scale.foreground(code) or QColor("#606060"))
    painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, word)
    painter.restore()


class BadgeDelegate(QStyledItemDelegate):
    """Paints a model's rating column as a coloured badge with the rating's word on it.

    ``rag_role`` names the model role holding the rating code; rows whose
    ``kind_role`` is not "item" (group headings) are painted normally.
    """

    def __init__(self, scale: Callable[[], RatingScale], rag_role: int, kind_role: int,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._scale = scale
        self._rag_role = rag_role
        self._kind_role = kind_role

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        if index.data(self._kind_role) != "item":
            super().paint(painter, option, index)
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        widget = opt.widget
        style = widget.style() if widget else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        code = index.data(self._rag_role)
        paint_badge(painter, opt.rect, self._scale(), code,
                    text=None if code else "not rated")
