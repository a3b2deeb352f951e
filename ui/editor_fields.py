"""The editor pane's fields: one class per kind of widget, each knowing how to show a stored
value, read back what is typed, and tell whether it is dirty.

A field also remembers what it was loaded as and from which version of its
record: that is what a save sends as ``expected_version`` and what a conflict is
judged against (the save model is in :mod:`ragdesk.ui.editor`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QPlainTextEdit, QWidget

from ragdesk.domain import Deadline, stored_form

from .rag_selector import RagSelector
from .rich_editor import RichTextEdit, set_line_text
from .rich_text_qt import read_plain, write_plain


def show_date(value: dt.date | None) -> str:
    return f"{value.day} {value:%B %Y}" if value else ""


_NOT_LOADED = object()  # Field.source before _apply has loaded a stored value


class Field:
    """One editable value of a record: its widget, what it was loaded as, and its version.

    ``loaded`` is the stored value as of ``version``; the field is *dirty* when
    the widget shows something else. ``kind`` is the kind of record it belongs to
    ("item", "inspection" or "assessment": the record a :class:`~ragdesk.ui.commands.Target`
    names); ``name`` is the store's field name.
    """

    def __init__(self, kind: str, name: str, label: str, widget: QWidget,
                 error: QLabel | None = None, *, rich: bool = False) -> None:
        self.kind = kind
        self.name = name
        self.label = label
        self.widget = widget
        self.error = error
        self.rich = rich
        self.loaded: Any = None
        self.version = 0
        self.source: Any = _NOT_LOADED  # the stored value ``loaded`` was made from (see _apply)

    # -- to override per kind ---------------------------------------------------
    def show(self, value: Any) -> None:
        raise NotImplementedError

    def typed(self) -> Any:
        """What the widget holds, in the form the store accepts."""
        raise NotImplementedError

    def shown_text(self, value: Any) -> str:
        """A stored value as text (for the conflict dialog and comparisons)."""
        return "" if value is None else str(value)

    def dirty(self) -> bool:
        return self.typed() != self.shown_text(self.loaded)

    # -- common -------------------------------------------------------------------
    def load(self, value: Any, version: int) -> None:
        self.loaded, self.version, self.source = value, version, _NOT_LOADED
        self.show(value)
        self.set_error("")

    def set_error(self, text: str) -> None:
        if self.error is not None:
            self.error.setText(text)
            self.error.setVisible(bool(text))
            self.widget.setAccessibleDescription(text)


class LineField(Field):
    widget: QLineEdit

    def show(self, value: Any) -> None:
        set_line_text(self.widget, self.shown_text(value))

    def typed(self) -> str:
        return self.widget.text().strip()


class DateField(LineField):
    def shown_text(self, value: Any) -> str:
        return show_date(value) if isinstance(value, dt.date) else super().shown_text(value)


class DeadlineField(LineField):
    def shown_text(self, value: Any) -> str:
        return str(value) if isinstance(value, Deadline) else super().shown_text(value)


class PlainField(Field):
    widget: QPlainTextEdit

    def show(self, value: Any) -> None:
        write_plain(self.widget.document(), value or "")
        self.widget.document().setModified(False)

    def typed(self) -> str:
        return read_plain(self.widget.document())


class RichField(Field):
    widget: RichTextEdit

    def show(self, value: Any) -> None:
        self.widget.set_stored(value or "")

    def typed(self) -> str:
        return self.widget.stored()

    def dirty(self) -> bool:
        return self.widget.is_modified()


class ComboField(Field):
    """A pick from a list. Item data are always strings ("" = none): PySide mishandles None data."""

    widget: QComboBox

    def show(self, value: Any) -> None:
        self.widget.blockSignals(True)
        at = self.widget.findData(stored_form(value) or "")
        if at < 0 and value not in (None, ""):
            self.widget.addItem(str(value), stored_form(value))  # a value this file no longer lists
            at = self.widget.count() - 1
        self.widget.setCurrentIndex(max(at, 0))
        self.widget.blockSignals(False)

    def typed(self) -> Any:
        if self.widget.count() == 0:
            return None
        return self.widget.currentData() or None

    def shown_text(self, value: Any) -> Any:  # compare codes, not text
        return stored_form(value)


class RagField(Field):
    widget: RagSelector
    pending: str | None = None  # the rating shown: loaded, or picked and being saved

    def show(self, value: Any) -> None:
        self.pending = value
        self.widget.set_rating(value)

    def typed(self) -> Any:
        return self.pending

    def shown_text(self, value: Any) -> Any:
        return value


class FocusWatcher(QObject):
    """Calls ``on_leave`` when a watched widget loses focus (QPlainTextEdit has no signal)."""

    def __init__(self, on_leave: Callable[[], object], parent: QObject) -> None:
        super().__init__(parent)
        self.on_leave = on_leave

    def eventFilter(self, obj: QObject, e: QEvent) -> bool:  # noqa: N802
        if e.type() == QEvent.Type.FocusOut:
            self.on_leave()
        return False
