"""The editor pane: every field of the selected inspection or item, and its assessment for a period.

Save model (why: the file is shared, people are interrupted, nothing typed may be lost):

* A field saves when it loses focus (text boxes, rich editors, dates), at once
  when picked (kind, status, direction override, RAG buttons and R/A/G/B keys),
  and whenever :meth:`EditorPane.flush` is called — the window calls it before
  switching item or period and before closing; Ctrl+S in the pane
  (``EditorPane.save_action``) calls it too. ``flush`` returns
  False if something could not be saved (a bad date, a conflict the person
  cancelled); the window then stays where it is, with the text still typed.
* Each save is one store operation with ``expected_version`` = the version this
  field was loaded from, pushed onto the window's undo stack as a
  :class:`~ragdesk.ui.commands.SaveFields` command: Edit > Undo saves the
  old value back. Saving any assessment field confirms a carried-forward draft
  (the store clears the draft mark); undo restores the mark.
* A value the store refuses (``errors.InvalidValue``: a deadline that is not a
  date) shows a red message under the field, keeps the typed text, and saves
  nothing.
* ``errors.Conflict`` (someone else saved that record first) opens
  :func:`ragdesk.ui.conflict_dialog.resolve_conflict` with both texts; the
  person keeps theirs, mine or a merge, or goes on editing. If the record was
  deleted by someone else the person is told and offered a copy of the text on
  the clipboard. A field is only in conflict if *that field* changed: another
  person's save of a different field just moves our baseline on.
* :meth:`EditorPane.refresh` (every store ``Change``, ours and other users')
  reloads fields that are not being edited; a field with unsaved typing is never
  overwritten.
"""

from __future__ import annotations

import contextlib
import html
import re
from collections.abc import Callable, Iterator
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, Qt, Signal
from PySide6.QtGui import (
    QAction,
    QColor,
    QGuiApplication,
    QKeyEvent,
    QKeySequence,
    QTextCharFormat,
    QTextCursor,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from ragdesk import richtext, validate
from ragdesk.domain import (
    STATUS_NOTE_PRINT_LIMIT,
    Assessment,
    Dot,
    InspectionId,
    Item,
    ItemId,
    ItemKind,
    Period,
    PeriodId,
)
from ragdesk.errors import Conflict, InvalidValue, NotFound, RagdeskError
from ragdesk.records import Change
from ragdesk.storage import Storage

from .commands import SaveFields, Target
from .editor_fields import (
    ComboField,
    DateField,
    DeadlineField,
    Field,
    FocusWatcher,
    LineField,
    PlainField,
    RagField,
    RichField,
    show_date,
)
from .evidence_view import EvidenceView, human_time
from .rag_selector import RagSelector
from .rich_editor import RichTextBox, RichTextEdit

ERROR_STYLE = "color: #b00020;"
SEARCH_HIGHLIGHT = "#fff176"  # a search match: marker-pen yellow, under the text
DOT_CHOICES = [
    ("", "Derived (from the previous period)"),  # "" not None: see ComboField
    (Dot.SAME.value, "= No change"),
    (Dot.UP.value, "▲ Improved"),
    (Dot.DOWN.value, "▼ Worse"),
]
DOT_WORDS = {Dot.SAME: "= No change", Dot.UP: "▲ Improved", Dot.DOWN: "▼ Worse"}


def _conflict_resolver() -> Callable[..., str | None]:
    """The conflict dialog, imported only when a conflict happens (not at every start-up)."""
    from .conflict_dialog import resolve_conflict

    return resolve_conflict


def ask_keep_deleted(parent: QWidget, what: str) -> bool:
    """The record was deleted by someone else: offer the unsaved text on the clipboard."""
    answer = QMessageBox.question(
        parent, "Deleted by someone else",
        f"{what} was deleted by someone else, so your change cannot be saved there.\n\n"
        "Copy your text to the clipboard so you can paste it elsewhere?",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.Yes)
    return answer == QMessageBox.StandardButton.Yes


def copy_to_clipboard(text: str, rich: bool) -> None:
    """Put text on the clipboard as plain text (bullets kept as "•").

    Plain text only: handing the clipboard a QMimeData made in Python crashed
    the interpreter at exit (both sides deleted it).
    """
    QGuiApplication.clipboard().setText(richtext.to_plain(text) if rich else text)


_TYPED = object()  # "use what the widget holds" (None is a real value: no rating)


def _settle_layouts() -> None:
    """Lay out now what showing a record changed (the rich-text boxes take their text's
    height). Left to the event loop, the pane was painted with the old layout first and
    again once it settled: two paints for every item or period moved to."""
    for _ in range(3):  # a box's new height asks its parents in turn
        QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)


class EditorPane(QWidget):
    """The centre of the window. See the module docstring for the save model."""

    message = Signal(str)

    def __init__(self, store: Storage | None, undo_stack: QUndoStack,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store: Storage | None = store
        self.undo_stack = undo_stack
        self.item_id: ItemId | None = None
        self.period_id: PeriodId | None = None
        self.inspection_id: InspectionId | None = None
        self.item: Item | None = None
        self.assessment_record: Assessment | None = None
        self.period: Period | None = None
        self._saving = False
        self._asking = False  # a dialog is open: focus moving to it must not save again
        self._warned: set[str] = set()
        self.resolve_conflict: Callable[..., str | None] | None = None  # tests may set one
        self.ask_keep_deleted: Callable[[QWidget, str], bool] = ask_keep_deleted
        self.warn: Callable[[str, str], object] = (
            lambda title, text: QMessageBox.warning(self, title, text))
        self.setAccessibleName("Editor")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._build()
        self.set_store(store)

    # ------------------------------------------------------------------ building
    def _line(self, name: str) -> QLineEdit:
        edit = QLineEdit(self)
        edit.setAccessibleName(name)
        return edit

    def _error_label(self) -> QLabel:
        label = QLabel(self)
        label.setStyleSheet(ERROR_STYLE)
        label.setWordWrap(True)
        label.hide()
        return label

    def _with_error(self, widget: QWidget, error: QLabel) -> QWidget:
        box = QWidget(self)
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(1)
        layout.addWidget(widget)
        layout.addWidget(error)
        return box

    def _combo(self, name: str) -> QComboBox:
        combo = QComboBox(self)
        combo.setAccessibleName(name)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        return combo

    def _build(self) -> None:
        self.fields: list[Field] = []
        content = QWidget(self)
        column = QVBoxLayout(content)
        column.setContentsMargins(8, 8, 8, 8)

        self.heading = QLabel(self)
        self.heading.setWordWrap(True)
        self.heading.setTextFormat(Qt.TextFormat.RichText)
        self.heading.setAccessibleName("Heading")
        self.heading.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # says so when choosing an item moved the reporting period (never silently)
        self.period_note = QLabel(self)
        self.period_note.setWordWrap(True)
        self.period_note.setAccessibleName("Reporting period changed")
        self.period_note.setStyleSheet(
            "background: #e3efff; color: #1a1a1a; padding: 4px; border: 1px solid #8fb3e6;")
        self.period_note.hide()
        self.banner = QLabel(self)
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet("background: #fff4ce; color: #1a1a1a; padding: 4px; border: 1px solid #e0c060;")
        self.banner.hide()
        self.placeholder = QLabel("Choose an inspection or an item on the left.", self)
        self.placeholder.setStyleSheet("color: #666;")
        # what the item is and its key fields, above the narratives: they were only reached
        # by scrolling past them (issue 19); each name is a link to its field below
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.summary.setAccessibleName("Item summary")
        self.summary.setStyleSheet("background: #f4f6f9; color: #1a1a1a; padding: 4px; border: 1px solid #d5dae2;")
        self.summary.linkActivated.connect(self.go_to_field)
        self.summary.hide()
        # which of the fields shown hold the words searched for (they are highlighted)
        self.search_note = QLabel(self)
        self.search_note.setWordWrap(True)
        self.search_note.setAccessibleName("Search matches")
        self.search_note.setStyleSheet(f"background: {SEARCH_HIGHLIGHT}; color: #1a1a1a; padding: 3px;")
        self.search_note.hide()
        self._search_words: list[str] = []
        column.addWidget(self.heading)
        column.addWidget(self.summary)
        column.addWidget(self.search_note)
        column.addWidget(self.period_note)
        column.addWidget(self.banner)
        column.addWidget(self.placeholder)

        # -- inspection
        self.inspection_box = QGroupBox("Inspection", self)
        form = QFormLayout(self.inspection_box)
        self.insp_title = self._line("Inspection title")
        self.insp_inspectorate = self._line("Inspectorate")
        self.insp_kind = self._line("Inspection kind")
        self.insp_kind.setPlaceholderText("PEEL, thematic, …")
        self.insp_published = self._line("Published")
        self.insp_published.setPlaceholderText("e.g. 30/06/2024")
        self.insp_published_error = self._error_label()
        self.insp_reference = self._line("Inspection reference or link")
        form.addRow("&Title", self.insp_title)
        form.addRow("Inspec&torate", self.insp_inspectorate)
        form.addRow("&Kind", self.insp_kind)
        form.addRow("&Published", self._with_error(self.insp_published, self.insp_published_error))
        form.addRow("&Reference", self.insp_reference)
        self.fields += [
            LineField("inspection", "title", "Title", self.insp_title),
            LineField("inspection", "inspectorate", "Inspectorate", self.insp_inspectorate),
            LineField("inspection", "kind", "Kind", self.insp_kind),
            DateField("inspection", "published", "Published", self.insp_published,
                      self.insp_published_error),
            LineField("inspection", "reference", "Reference", self.insp_reference),
        ]

        # -- item
        self.item_box = QGroupBox("Item", self)
        form = QFormLayout(self.item_box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.kind = self._combo("Kind of item")
        for kind in ItemKind:
            self.kind.addItem(kind.heading, kind.value)
        self.number = self._line("Number")
        self.number.setPlaceholderText("as printed, e.g. 13")
        self.reference = self._line("Inspectorate reference")
        top = QHBoxLayout()
        top.addWidget(self.kind)
        number_label = QLabel("&Number", self)
        number_label.setBuddy(self.number)
        top.addWidget(number_label)
        top.addWidget(self.number, 1)
        ref_label = QLabel("Re&ference", self)
        ref_label.setBuddy(self.reference)
        top.addWidget(ref_label)
        top.addWidget(self.reference, 2)
        kind_label = QLabel("&Kind", self)
        kind_label.setBuddy(self.kind)
        form.addRow(kind_label, top)
        self.text_box = RichTextBox("Item text", self, min_height=60)
        self.text = self.text_box.editor
        form.addRow("Te&xt", self.text_box)
        self.deadline = self._line("Deadline")
        self.deadline.setPlaceholderText("a date (30/06/2024), “with immediate effect”, or empty")
        self.deadline_error = self._error_label()
        form.addRow("&Deadline", self._with_error(self.deadline, self.deadline_error))
        self.area = self._line("Portfolio area")
        self.board = self._line("Governing board")
        self.lead = self._line("Lead")
        self.lead.setPlaceholderText("e.g. ACC Baldwin")
        form.addRow("&Area", self.area)
        form.addRow("&Board", self.board)
        form.addRow("&Lead", self.lead)
        self.dashboard_box = RichTextBox("Dashboard links", self, min_height=44, max_height=160)
        self.dashboard = self.dashboard_box.editor
        form.addRow("Dash&board links", self.dashboard_box)
        self.status = self._combo("Status")
        self.review_date = self._line("Review date")
        self.review_date.setPlaceholderText("e.g. 30/09/2024")
        self.review_error = self._error_label()
        status_row = QHBoxLayout()
        status_row.addWidget(self.status)
        review_label = QLabel("Re&view date", self)
        review_label.setBuddy(self.review_date)
        status_row.addWidget(review_label)
        status_row.addWidget(self._with_error(self.review_date, self.review_error), 1)
        status_label = QLabel("&Status", self)
        status_label.setBuddy(self.status)
        form.addRow(status_label, status_row)
        self.fields += [
            ComboField("item", "kind", "Kind", self.kind),
            LineField("item", "number", "Number", self.number),
            LineField("item", "reference", "Reference", self.reference),
            RichField("item", "text", "Text", self.text, rich=True),
            DeadlineField("item", "deadline", "Deadline", self.deadline, self.deadline_error),
            LineField("item", "area", "Area", self.area),
            LineField("item", "board", "Board", self.board),
            LineField("item", "lead", "Lead", self.lead),
            RichField("item", "dashboard", "Dashboard links", self.dashboard, rich=True),
            ComboField("item", "status", "Status", self.status),
            DateField("item", "review_date", "Review date", self.review_date, self.review_error),
        ]

        # -- assessment
        self.assessment_box = QGroupBox("Assessment", self)
        form = QFormLayout(self.assessment_box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.no_period = QLabel("No reporting period yet: add one to rate items.", self)
        self.no_period.setStyleSheet("color: #666;")
        form.addRow(self.no_period)
        self.rag = RagSelector(self)
        form.addRow("RAG (R/A/G/B)", self.rag)
        self.direction = QLabel(self)
        self.direction.setAccessibleName("Direction of travel")
        self.dot = self._combo("Direction of travel override")
        for value, text in DOT_CHOICES:
            self.dot.addItem(text, value)
        dot_row = QHBoxLayout()
        dot_row.addWidget(self.direction)
        dot_row.addWidget(self.dot)
        dot_row.addStretch(1)
        dot_label = QLabel("Dir&ection", self)
        dot_label.setBuddy(self.dot)
        form.addRow(dot_label, dot_row)
        self.draft_row = QFrame(self)
        self.draft_row.setStyleSheet("QFrame { background: #fff4ce; color: #1a1a1a; }")
        draft_layout = QHBoxLayout(self.draft_row)
        draft_layout.setContentsMargins(4, 2, 4, 2)
        self.draft_label = QLabel("Draft (carried forward from the previous period): check the "
                                  "rating and text, then confirm.", self.draft_row)
        self.draft_label.setWordWrap(True)
        self.confirm_button = QPushButton("&Confirm", self.draft_row)
        self.confirm_button.setAccessibleName("Confirm carried-forward draft")
        self.confirm_button.clicked.connect(self.confirm_draft)
        draft_layout.addWidget(self.draft_label, 1)
        draft_layout.addWidget(self.confirm_button)
        form.addRow(self.draft_row)
        self.status_note = QPlainTextEdit(self)
        self.status_note.setAccessibleName("Status note")
        self.status_note.setTabChangesFocus(True)
        self.status_note.setFixedHeight(72)
        self.status_note.setPlaceholderText("e.g. Remains Amber following AFI / Recs Star Chamber")
        note_label = QLabel("Status &note", self)
        note_label.setBuddy(self.status_note)
        # a soft limit, counted as you type: how the note will print, never a refusal
        self.note_count = QLabel(self)
        self.note_count.setAccessibleName("Status note length")
        self.note_count.setWordWrap(True)
        self.status_note.textChanged.connect(self._count_note)
        note_box = QWidget(self)
        note_layout = QVBoxLayout(note_box)
        note_layout.setContentsMargins(0, 0, 0, 0)
        note_layout.setSpacing(1)
        note_layout.addWidget(self.status_note)
        note_layout.addWidget(self.note_count)
        form.addRow(note_label, note_box)
        self.update_box = RichTextBox("Update", self, min_height=90)
        self.intent_box = RichTextBox("Intent and Implementation", self, min_height=70)
        self.impact_box = RichTextBox("Impact", self, min_height=70)
        for box, text in ((self.update_box, "&Update"), (self.intent_box, "&Intent and Implementation"),
                          (self.impact_box, "Impac&t")):
            label = QLabel(text, self)
            label.setBuddy(box.editor)
            form.addRow(label, box)
        self.changed_by = QLabel(self)
        self.changed_by.setStyleSheet("color: #555;")
        self.changed_by.setAccessibleName("Last changed")
        form.addRow(self.changed_by)
        self.rag_field = RagField("assessment", "rag", "RAG rating", self.rag)
        self.fields += [
            self.rag_field,
            ComboField("assessment", "dot", "Direction of travel", self.dot),
            PlainField("assessment", "status_note", "Status note", self.status_note),
            RichField("assessment", "update", "Update", self.update_box.editor, rich=True),
            RichField("assessment", "intent_and_implementation", "Intent and Implementation",
                      self.intent_box.editor, rich=True),
            RichField("assessment", "impact", "Impact", self.impact_box.editor, rich=True),
        ]

        # -- evidence
        self.evidence_box = QGroupBox("Evidence", self)
        self.evidence = EvidenceView(self.undo_stack, self.evidence_box)
        self.evidence.message.connect(self.message)
        QVBoxLayout(self.evidence_box).addWidget(self.evidence)
        # The assessment comes first: rating and writing the update is what a
        # reporting cycle is for; the item's own details sit below it.
        for group in (self.inspection_box, self.assessment_box, self.item_box, self.evidence_box):
            column.addWidget(group)
        column.addStretch(1)

        self.scroll_area = QScrollArea(self)
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setWidget(content)
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        content.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.scroll_area)

        # -- save triggers
        self._by_widget = {f.widget: f for f in self.fields}
        watcher = FocusWatcher(lambda: self._save_soon(self._by_widget[self.status_note]), self)
        self.status_note.installEventFilter(watcher)
        for f in self.fields:
            w = f.widget
            if isinstance(w, QLineEdit):
                w.editingFinished.connect(lambda f=f: self._save_soon(f))
                if f.error is not None:
                    w.textEdited.connect(lambda _t, f=f: f.set_error(""))
            elif isinstance(w, RichTextEdit):
                w.editing_finished.connect(lambda f=f: self._save_soon(f))
                w.on_problem = self.message.emit
            elif isinstance(w, QComboBox):
                w.activated.connect(lambda _i, f=f: self._save_soon(f))
        self.rag.chosen.connect(self._rag_chosen)

        # Ctrl+S while working in the pane: save now. The window may put this action in
        # its File menu; it must not define a second Ctrl+S (Qt would then run neither).
        self.save_action = QAction("&Save Changes", self)
        self.save_action.setShortcut(QKeySequence.StandardKey.Save)
        self.save_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.save_action.setToolTip("Save what is being typed now (fields also save when you "
                                    "leave them)")
        self.save_action.triggered.connect(self.save_now)
        self.addAction(self.save_action)

    def _count_note(self) -> None:
        """'123 / 600 characters'; past the limit, say what that does to the printout."""
        n = len(self.status_note.toPlainText().strip())
        limit = STATUS_NOTE_PRINT_LIMIT
        if n <= limit:
            self.note_count.setText(f"{n} / {limit} characters" if n else "")
        else:
            self.note_count.setText(
                f"{n} / {limit} characters: status notes over {limit} characters print "
                "under the update in the PEEL report, not beside the rating, and may run "
                "across pages. Put the detail in the Update instead?")
        style = "color: #666;" if n <= limit else "color: #8a5a00;"
        if self.note_count.styleSheet() != style:  # re-styling costs a polish per keystroke
            self.note_count.setStyleSheet(style)

    def _set_tab_order(self) -> None:
        """Tab goes top to bottom as shown (re-done when the RAG buttons are rebuilt)."""
        order: list[QWidget] = [self.insp_title, self.insp_inspectorate, self.insp_kind,
                                self.insp_published, self.insp_reference]
        order += list(self.rag.buttons.values()) + [self.rag.clear_button, self.dot,
                                                    self.confirm_button, self.status_note,
                                                    self.update_box.editor, self.intent_box.editor,
                                                    self.impact_box.editor]
        order += [self.kind, self.number, self.reference, self.text, self.deadline, self.area,
                  self.board, self.lead, self.dashboard, self.status, self.review_date,
                  self.evidence.table, self.evidence.attach_button]
        for a, b in zip(order, order[1:], strict=False):
            QWidget.setTabOrder(a, b)

    # ------------------------------------------------------------------ contract
    def set_store(self, store: Storage | None) -> None:
        """Show another open file (or none). The caller has flushed the old one."""
        self.store = store
        self._clear_view()
        if store is not None:
            self._load_choices()
        self.setEnabled(store is not None)

    def clear(self) -> None:
        """Show nothing. Unsaved text for a record that has gone is offered on the clipboard."""
        if self.store is not None and self._dirty_fields() and not self.flush():
            self._rescue_unsaved()
        self._clear_view()

    def flush(self) -> bool:
        """Save whatever is being typed now; False if something could not be saved."""
        if self.store is None or self._saving:
            return True
        ok = True
        for f in self._dirty_fields():
            if f.dirty():  # an earlier save in this loop may have settled it (deleted record)
                ok = self._save_field(f) and ok
        return ok

    def save_now(self) -> bool:
        """Ctrl+S: flush and say so."""
        dirty = bool(self._dirty_fields())
        ok = self.flush()
        if ok:
            self.message.emit("All changes saved." if dirty else "Nothing to save: every change "
                              "is already saved.")
        return ok

    def show_period_note(self, text: str) -> None:
        """Say under the heading why the period shown is not the one that was chosen
        (empty text hides the note)."""
        if not text and self.period_note.isHidden():
            return  # the common case, every selection: nothing to clear
        self.period_note.setText(text)
        self.period_note.setVisible(bool(text))

    def show_item(self, item_id: ItemId, period_id: PeriodId | None) -> None:
        moving = (item_id, period_id) != (self.item_id, self.period_id)
        if moving:
            self.show_period_note("")
        if moving and self._dirty_fields() and not self.flush():
            self._rescue_unsaved()
        # the same item again (the window re-selecting it) must not wipe what is being typed
        keep = not moving and self.inspection_id is None and bool(self._dirty_fields())
        self.inspection_id = None
        self.item_id, self.period_id = item_id, period_id
        if self.store is None:
            return
        try:
            self._load_item(fresh=not keep)
        except RagdeskError as e:  # the file went away mid-read: say so, no traceback
            self.message.emit(str(e))
        _settle_layouts()

    def show_inspection(self, inspection_id: InspectionId) -> None:
        moving = inspection_id != self.inspection_id
        if moving and self._dirty_fields() and not self.flush():
            self._rescue_unsaved()
        keep = not moving and bool(self._dirty_fields())
        self.item_id = self.period_id = None
        self.inspection_id = inspection_id
        self.show_period_note("")
        if self.store is None:
            return
        try:
            self._load_inspection(fresh=not keep)
        except RagdeskError as e:
            self.message.emit(str(e))

    def refresh(self, change: Change) -> None:
        """Reload what ``change`` names; text being edited and not saved is never overwritten."""
        if self.store is None or self._saving:
            return  # during our own save: the save re-shows the record itself
        try:
            if change.settings:
                self._load_choices()
            if self.inspection_id is not None and (
                    self.inspection_id in change.inspections or change.structure):
                self._load_inspection(fresh=False)
            if self.item_id is None:
                return
            if self.item_id in change.items or change.structure or change.settings:
                self._load_item(fresh=False)
                return
            if change.periods or any(a[0] == self.item_id for a in change.assessments):
                self._load_assessment(fresh=False)
                self._show_matches()
            if self.item_id in change.evidence_of:
                self.evidence.reload()
        except RagdeskError as e:  # the drive went away mid-read: say so, keep what is shown
            self.message.emit(str(e))

    # ------------------------------------------------------------------ loading
    def _clear_view(self) -> None:
        self.item_id = self.period_id = self.inspection_id = None
        self.item = self.assessment_record = self.period = None
        for f in self.fields:
            f.load(None, 0)
        self.heading.setText("")
        self.banner.hide()
        self.period_note.hide()
        self.summary.hide()
        self.search_note.hide()
        self.placeholder.show()
        self.inspection_box.hide()
        self.item_box.hide()
        self.assessment_box.hide()
        self.evidence_box.hide()
        self.evidence.show_item(None, None)

    def _load_choices(self) -> None:
        assert self.store is not None
        self.rag.set_ratings(self.store.ratings())
        self._set_tab_order()
        current = self.status.currentData() if self.status.count() else ""
        self.status.blockSignals(True)
        self.status.clear()
        for s in self.store.statuses():
            self.status.addItem(s.label + (" (finished)" if s.finished else ""), s.code)
        at = self.status.findData(current)
        self.status.setCurrentIndex(max(at, 0))
        self.status.blockSignals(False)
        read_only = self._read_only()
        for f in self.fields:
            w = f.widget
            if isinstance(w, (QLineEdit, QTextEdit, QPlainTextEdit)):
                w.setReadOnly(read_only)
            elif isinstance(w, (QComboBox, RagSelector, QAbstractSpinBox)):
                w.setEnabled(not read_only)
        self.confirm_button.setEnabled(not read_only)
        for box in (self.text_box, self.dashboard_box, self.update_box, self.intent_box,
                    self.impact_box):
            for button in box.buttons.values():
                button.setEnabled(not read_only)

    def _read_only(self) -> bool:
        return bool(getattr(self.store, "read_only", False))

    def _fields_of(self, kind: str) -> list[Field]:
        return [f for f in self.fields if f.kind == kind]

    def _apply(self, kind: str, record: Any, *, fresh: bool) -> None:
        """Show ``record``'s values in every field of ``kind`` that is not being edited.

        A dirty field keeps its text; it moves to the new version only if the
        store still holds what it was loaded from (so saving it cannot
        overwrite anyone), else it will meet a Conflict when saved.
        """
        version = getattr(record, "version", 0) if record is not None else 0
        if fresh:
            self._warned.clear()
        for f in self._fields_of(kind):
            raw = getattr(record, f.name) if record is not None else None
            if not fresh and raw == f.source and not f.dirty():
                f.version = version  # unchanged (e.g. only the rating moved): no re-parse, no repaint
                continue
            value = richtext.sanitise(raw or "") if f.rich else raw
            if fresh or not f.dirty():
                f.load(value, version)
                f.source = raw
            elif f.shown_text(value) == f.shown_text(f.loaded):
                f.version = version
            elif f.name not in self._warned:
                self._warned.add(f.name)
                who = getattr(record, "updated_by", "") or "someone else"
                self.message.emit(f"{f.label} was changed by {who} while you were editing it; "
                                  "you will be asked which to keep when you save.")

    def _deleted_while_shown(self, what: str, *, fresh: bool) -> None:
        """Someone else deleted the record shown: show nothing, or keep the unsaved text."""
        if fresh or not self._dirty_fields():
            self._clear_view()
            self.message.emit(f"That {what} no longer exists (someone may have deleted it).")
        else:
            self._show_banner(f"This {what} was deleted by someone else; your unsaved text is "
                              "still here (it will be offered on the clipboard).")

    def _load_inspection(self, *, fresh: bool) -> None:
        assert self.store is not None and self.inspection_id is not None
        try:
            inspection = self.store.inspection(self.inspection_id)
        except NotFound:
            self._deleted_while_shown("inspection", fresh=fresh)
            return
        self.placeholder.hide()
        self.item_box.hide()
        self.assessment_box.hide()
        self.evidence_box.hide()
        self.summary.hide()
        self.search_note.hide()
        self.inspection_box.show()
        if fresh:
            self.banner.hide()
        self._set_heading(html.escape(inspection.title), inspection)
        self._apply("inspection", inspection, fresh=fresh)

    def _load_item(self, *, fresh: bool) -> None:
        assert self.store is not None and self.item_id is not None
        try:
            item = self.store.item(self.item_id)
            inspection = self.store.inspection(item.inspection_id)
        except NotFound:
            self._deleted_while_shown("item", fresh=fresh)
            return
        self.item = item
        self.placeholder.hide()
        self.inspection_box.hide()
        self.item_box.show()
        self.assessment_box.show()
        self.evidence_box.show()
        if fresh:
            self.banner.hide()
        self._apply("item", item, fresh=fresh)
        self._show_summary(item)
        self._set_heading(f"{html.escape(item.heading)}"
                          f"<br/><span style='font-weight:normal; font-size:small'>"
                          f"{html.escape(inspection.title)}</span>", item)
        self._load_assessment(fresh=fresh)
        self._show_matches()
        if fresh:
            self.evidence.show_item(self.store, item.id)
        else:
            self.evidence.reload()

    def _load_assessment(self, *, fresh: bool) -> None:
        assert self.store is not None and self.item_id is not None
        period = None
        if self.period_id is not None:
            try:
                period = self.store.period(self.period_id)
            except NotFound:
                self.period_id = None
        self.period = period
        has_period = period is not None
        self.no_period.setVisible(not has_period)
        writable = has_period and not self._read_only()
        for w in (self.status_note, self.update_box, self.intent_box, self.impact_box,
                  self.direction):
            w.setEnabled(has_period)
        for control in (self.rag, self.dot, self.confirm_button):
            control.setEnabled(writable)
        if period is None:
            self.assessment_record = None
            self._apply("assessment", None, fresh=True)
            self.assessment_box.setTitle("Assessment")
            self.draft_row.hide()
            self.direction.setText("")
            self.changed_by.setText("")
            return
        record = self.store.assessment(item_id=self.item_id, period_id=period.id)
        self.assessment_record = record
        meeting = f" — {period.meeting}" if period.meeting else ""
        # "&" in a group title would become a keyboard mnemonic ("P&RSB" shows as "PRSB")
        self.assessment_box.setTitle(f"Assessment for {period.label}{meeting}".replace("&", "&&"))
        self._apply("assessment", record, fresh=fresh)
        self.draft_row.setVisible(bool(record and record.draft))
        derived = self.store.directions(period.id, [self.item_id]).get(self.item_id)  # one item
        override = record.dot if record else None
        word = DOT_WORDS.get(derived, "– (no earlier rating)") if derived else "– (no earlier rating)"
        self.direction.setText(("Chosen: " if override else "Derived: ") + word)
        self.direction.setToolTip("Direction of travel since the previous reporting period")
        if record is not None and record.updated_at:
            self.changed_by.setText(f"Last changed by {record.updated_by or 'unknown'} on "
                                    f"{human_time(record.updated_at)}")
        else:
            self.changed_by.setText("Not yet rated or written for this period.")

    def _show_summary(self, item: Item) -> None:
        """The item's text and key fields in a few lines under the heading, as the editor
        shows them (dates written out, the status's label); empty ones say so."""
        assert self.store is not None
        statuses = {s.code: s.label for s in self.store.statuses()}
        try:
            files = len(self.store.evidence(item.id))
        except RagdeskError:
            files = 0
        text = " ".join(richtext.to_plain(item.text).split())
        if len(text) > 320:
            text = text[:319].rstrip() + "…"

        def field(name: str, label: str, value: str) -> str:
            shown = html.escape(value) if value else "<span style='color:#888'>none</span>"
            return f"<a href='{name}'>{label}</a>: <b>{shown}</b>"

        parts = [field("deadline", "Deadline", str(item.deadline)),
                 field("status", "Status", statuses.get(item.status, item.status)),
                 field("review_date", "Review", show_date(item.review_date)),
                 field("lead", "Lead", item.lead), field("board", "Board", item.board),
                 field("area", "Area", item.area),
                 field("evidence", "Evidence", f"{files} file{'s' if files != 1 else ''}"
                       if files else "")]
        body = f"<i>{html.escape(text)}</i><br/>" if text else ""
        self.summary.setText(body + " &nbsp;·&nbsp; ".join(parts))
        self.summary.show()

    def go_to_field(self, name: str) -> None:
        """Scroll to one of the item's fields and put the cursor in it (the summary's links)."""
        targets = {"deadline": self.deadline, "status": self.status, "review_date": self.review_date,
                   "lead": self.lead, "board": self.board, "area": self.area,
                   "evidence": self.evidence.table}
        widget = targets.get(name)
        if widget is None:
            return
        self.scroll_area.ensureWidgetVisible(widget)
        widget.setFocus(Qt.FocusReason.OtherFocusReason)

    # ------------------------------------------------------------------ search
    def set_search(self, text: str) -> None:
        """Highlight the words of the tree's search in the fields shown and say which
        fields hold them (empty text clears it). Words as the search reads them: whole
        words, the last one as the start of a word."""
        words = re.findall(r"\w+", text or "", flags=re.UNICODE)
        if words == self._search_words:
            return  # another filter (rating, board) changed, not the words
        self._search_words = words
        self._show_matches()

    def _search_pattern(self) -> re.Pattern[str] | None:
        words = self._search_words
        if not words:
            return None
        parts = [rf"\b{re.escape(w)}\b" for w in words[:-1]] + [rf"\b{re.escape(words[-1])}\w*"]
        return re.compile("|".join(parts), re.IGNORECASE | re.UNICODE)

    def _show_matches(self) -> None:
        pattern = self._search_pattern()
        if pattern is None and not self.search_note.isVisibleTo(self):
            return  # no search now and none shown before: nothing to clear
        fields = [f for f in self.fields if f.kind != "inspection"] if self.item_id else []
        found: list[str] = []
        for f in fields:
            w = f.widget
            if isinstance(w, (QTextEdit, QPlainTextEdit)):
                hits = self._highlight(w, pattern)
            elif isinstance(w, QLineEdit):
                hits = bool(pattern and pattern.search(w.text()))
            else:
                continue
            if hits:
                found.append(f.label)
        if pattern is None or not fields:
            self.search_note.hide()
            return
        shown = " ".join(self._search_words)
        where = f" in {self.period.label}" if self.period is not None else ""
        if found:
            self.search_note.setText(f"Search “{html.escape(shown)}” found in: "
                                     f"<b>{html.escape(', '.join(found))}</b>")
        else:
            self.search_note.setText(f"Search “{html.escape(shown)}”: not in the text shown "
                                     f"here{where}; it matches this item's narrative in "
                                     "another period (choose the period at the top).")
        self.search_note.show()

    @staticmethod
    def _highlight(widget: QTextEdit | QPlainTextEdit, pattern: re.Pattern[str] | None) -> bool:
        """Mark every match with a background that is not part of the text (an extra
        selection: nothing is saved, the undo history is untouched)."""
        selections: list[QTextEdit.ExtraSelection] = []
        if pattern is not None:
            document = widget.document()
            text = document.toPlainText()
            fmt = QTextCharFormat()
            fmt.setBackground(QColor(SEARCH_HIGHLIGHT))
            for m in pattern.finditer(text):
                cursor = QTextCursor(document)
                cursor.setPosition(m.start())
                cursor.setPosition(m.end(), QTextCursor.MoveMode.KeepAnchor)
                selection = QTextEdit.ExtraSelection()
                selection.cursor = cursor
                selection.format = fmt
                selections.append(selection)
        if selections or widget.extraSelections():  # setting none over none still repaints
            widget.setExtraSelections(selections)
        return bool(selections)

    def _set_heading(self, text: str, record: Any) -> None:
        who = getattr(record, "updated_by", "")
        when = getattr(record, "updated_at", "")
        meta = (f"<br/><span style='font-weight:normal; font-size:small; color:#555'>Last changed "
                f"by {html.escape(who)} on {html.escape(human_time(when))}</span>") if when else ""
        self.heading.setText(f"<span style='font-size:large; font-weight:bold'>{text}</span>{meta}")

    def _show_banner(self, text: str) -> None:
        self.banner.setText(text)
        self.banner.show()
        self.message.emit(text)

    # ------------------------------------------------------------------ saving
    def _target(self, kind: str) -> Target | None:
        """The record fields of ``kind`` save to now; None while none of that kind is shown."""
        if kind == "inspection":
            return None if self.inspection_id is None else Target(inspection_id=self.inspection_id)
        if self.item_id is None or (kind != "item" and self.period_id is None):
            return None
        return Target(item_id=self.item_id, period_id=None if kind == "item" else self.period_id)

    def _dirty_fields(self) -> list[Field]:
        if self.store is None:
            return []
        kinds = {k for k in ("inspection", "item", "assessment") if self._target(k) is not None}
        return [f for f in self.fields if f.kind in kinds and not isinstance(f, RagField)
                and f.dirty()]

    def _save_soon(self, f: Field) -> None:
        if self._saving or self._asking or self.store is None or self._target(f.kind) is None:
            return
        if f.dirty():
            self._save_field(f)

    def _rag_chosen(self, code: str | None) -> None:
        if self.store is None or self._target("assessment") is None:
            return
        self.rag_field.pending = code
        if not self._save_field(self.rag_field):
            self.rag_field.show(self.rag_field.loaded)

    def confirm_draft(self) -> bool:
        """Accept a carried-forward assessment as this period's (saves it with draft cleared)."""
        record = self.assessment_record
        if self.store is None or record is None or not record.draft:
            return True
        if not self.flush():
            return False
        record = self.store.assessment(item_id=record.item_id, period_id=record.period_id)
        if record is None or not record.draft:
            return True
        try:
            self._store_values("assessment", {"draft": False}, record.version,
                               f"Confirm {self._label()}", {"draft": True})
        except RagdeskError as e:
            self.message.emit(f"Could not confirm: {e}")
            return False
        self.message.emit(f"Confirmed {self._label()} for this period.")
        return True

    def _undo_refused(self, text: str) -> None:
        """An undo or redo a colleague's later save made impossible: said in a dialog, not
        only in the status bar, because the person expected their change to go away."""
        self.message.emit(text)
        with self._dialog():
            self.warn("Not undone", text)

    def _label(self) -> str:
        label = self.item.label if self.item is not None else "item"
        return f"{label} ({self.period.label})" if self.period is not None else label

    def _what(self, f: Field) -> str:
        if f.kind == "inspection":
            return f"{f.label} of the inspection"
        if f.kind == "assessment":
            return f"{f.label} of {self._label()}"
        return f"{f.label} of {self.item.label if self.item else 'the item'}"

    @contextlib.contextmanager
    def _busy(self) -> Iterator[None]:
        self._saving = True
        try:
            yield
        finally:
            self._saving = False

    @contextlib.contextmanager
    def _dialog(self) -> Iterator[None]:
        self._asking = True
        try:
            yield
        finally:
            self._asking = False

    def _store_values(self, kind: str, values: dict[str, Any], expected: int, text: str,
                      before: dict[str, Any], field: Field | None = None) -> None:
        """Save, push the undo command, re-show the record. Raises what the store raises.
        ``before`` holds every field saved (and an assessment's draft mark) as it was."""
        assert self.store is not None
        target = self._target(kind)
        assert target is not None
        with self._busy():
            record = target.save(self.store, values, expected)
        if record.version != expected:  # something really changed: undoable
            self.undo_stack.push(SaveFields.saved(
                self.store, text, target, record, before,
                created=kind == "assessment" and expected == 0, on_error=self._undo_refused))
        if field is not None:
            field.set_error("")
            stored = getattr(record, field.name)
            field.load(richtext.sanitise(stored or "") if field.rich else stored, record.version)
        if kind == "assessment":
            self._load_assessment(fresh=False)
        elif kind == "item":
            self._load_item(fresh=False)
        else:
            self._load_inspection(fresh=False)

    def _save_field(self, f: Field, value: Any = _TYPED, expected: int | None = None) -> bool:
        """Save one field; on refusal explain and keep the typed value. True if saved."""
        if self.store is None:
            return True
        value = f.typed() if value is _TYPED else value
        expected = f.version if expected is None else expected
        before: dict[str, Any] = {f.name: f.loaded}
        if f.kind == "assessment":
            before["draft"] = bool(self.assessment_record and self.assessment_record.draft)
        text = (f"Rate {self._label()} {value or 'not rated'}" if isinstance(f, RagField)
                else f"Edit {self._what(f)}")
        try:
            if f.rich and isinstance(value, str) and len(value) > validate.MAX_RICH_CHARS:
                # the same bound as an import: one narrative is not a place for a whole document
                raise InvalidValue(f.name, f"This text is {len(value):,} characters long; a "
                                   f"narrative can be at most {validate.MAX_RICH_CHARS:,}. "
                                   "Shorten it, or attach the document as evidence.")
            self._store_values(f.kind, {f.name: value}, expected, text, before, field=f)
        except InvalidValue as e:
            f.set_error(str(e))
            self.message.emit(f"{f.label}: {e} Nothing was saved.")
            if f.error is None:
                with self._dialog():
                    self.warn("Not saved", f"{f.label}: {e}")
            return False
        except Conflict as e:
            return self._resolve(f, value, e)
        except NotFound as e:
            return self._gone(f, value, str(e))
        except RagdeskError as e:  # locked, read-only, disk full: the text stays in the window
            self.message.emit(str(e))
            with self._dialog():
                self.warn("Not saved", f"{self._what(f)} was not saved.\n\n{e}")
            return False
        self.message.emit(f"Saved {self._what(f)}.")
        return True

    def _resolve(self, f: Field, mine: Any, e: Conflict) -> bool:
        """Someone else saved this record first: if *this* field differs, ask which to keep."""
        current = e.current
        version = getattr(current, "version", 0) if current is not None else 0
        theirs_value = getattr(current, f.name, None) if current is not None else None
        if f.rich:
            theirs_value = richtext.sanitise(theirs_value or "")
        if f.shown_text(theirs_value) == f.shown_text(f.loaded) or f.shown_text(theirs_value) == mine:
            # they changed other fields only (or typed the very same): save over their version
            if f.shown_text(theirs_value) == mine:
                f.load(theirs_value, version)
                return True
            return self._save_field(f, value=mine, expected=version)
        pick = isinstance(f, (RagField, ComboField))
        mine_text = "" if mine is None else str(mine)
        theirs_text = "" if theirs_value is None else str(f.shown_text(theirs_value) or "")
        resolver = self.resolve_conflict or _conflict_resolver()
        who = getattr(current, "updated_by", "") or "someone else"
        with self._dialog():
            choice = resolver(self, what=self._what(f), mine=mine_text, theirs=theirs_text,
                              theirs_by=who,
                              theirs_at=human_time(getattr(current, "updated_at", "") or ""),
                              rich=f.rich)
        if choice is None:
            self.message.emit(f"{self._what(f)} was not saved: {who} changed it too. Your text is "
                              "still here; save again to choose.")
            return False
        if (pick and choice != mine_text) or (not pick and choice == theirs_text):
            f.load(theirs_value, version)  # keeping theirs: nothing to save
            self.message.emit(f"Kept {who}'s version of {self._what(f)}.")
            return True
        if pick:
            choice = mine
        elif isinstance(f, RichField):
            f.widget.set_stored(choice)  # show what is being saved (a merge)
            f.widget.document().setModified(True)
        else:
            f.show(choice)
        return self._save_field(f, value=choice, expected=version)

    def _gone(self, f: Field, value: Any, reason: str) -> bool:
        """The record was deleted by someone else: offer every unsaved text at once, once."""
        what = self._what(f).split(" of ", 1)[-1]
        unsaved = [(f, value)] + [(o, o.typed()) for o in self._dirty_fields() if o is not f]
        texts = [(o, "" if v is None else (richtext.to_plain(v) if o.rich else str(v)))
                 for o, v in unsaved]
        texts = [(o, t) for o, t in texts if t.strip()]
        with self._dialog():
            keep = bool(texts) and self.ask_keep_deleted(self, what)
        if keep:
            if len(texts) == 1:
                copy_to_clipboard(texts[0][1], False)
            else:
                copy_to_clipboard("\n\n".join(f"{o.label}:\n{t}" for o, t in texts), False)
            self.message.emit(f"{reason} Your text is on the clipboard.")
        else:
            self.message.emit(reason)
        for other, _value in unsaved:
            other.load(other.loaded, other.version)  # drop the unsaved text: its record is gone
        return True

    def _rescue_unsaved(self) -> None:
        """Last resort before showing something else: put unsaved text on the clipboard."""
        parts = []
        for f in self._dirty_fields():
            value = f.typed()
            parts.append(f"{f.label}:\n{richtext.to_plain(value) if f.rich else value}")
        if parts:
            copy_to_clipboard("\n\n".join(parts), False)
            self.message.emit("Some changes could not be saved; their text is on the clipboard.")

    # ------------------------------------------------------------------ keys
    def keyPressEvent(self, e: QKeyEvent) -> None:  # noqa: N802
        """R/A/G/B rate the item when focus is anywhere in the pane except a text box."""
        focus = self.focusWidget()
        typing = isinstance(focus, (QLineEdit, QTextEdit, QPlainTextEdit)) or (
            isinstance(focus, QComboBox) and focus.isEditable())
        if (not typing and e.text() and self.item_id is not None and self.period_id is not None
                and e.modifiers() in (Qt.KeyboardModifier.NoModifier,
                                      Qt.KeyboardModifier.ShiftModifier)
                and self.rag.isEnabled() and self.rag.choose_letter(e.text())):
            e.accept()
            return
        super().keyPressEvent(e)
