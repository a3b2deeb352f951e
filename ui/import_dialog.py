"""File > Import…: the preview of a Word appendix or an Excel/CSV tracker before anything is written.

The dialog shows every item the reader found (number, kind, whether it is new or updates
an existing one, the start of its text, its rating per period, which narratives it
brings) and what could not be read and why. The user can untick items, correct the
reporting periods, choose the inspection, and for a spreadsheet correct the column
mapping, which is remembered per header layout (QSettings). Nothing is written until
Import is pressed; the window then applies the plan in one transaction and pushes an
:class:`ImportCommand` so Edit > Undo takes the whole import back.
"""

from __future__ import annotations

import contextlib
import copy
import hashlib
import html
import json
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QSettings, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ragdesk.domain import InspectionId
from ragdesk.errors import RagdeskError
from ragdesk.importing.plan import (
    NARRATIVES,
    Applied,
    Diff,
    ImportPlan,
    Target,
    apply,
    choose_target,
    diff,
    undo,
)
from ragdesk.importing.spreadsheet import LABELS, Sheet, guess_mapping, layout_key, plan_from_sheet
from ragdesk.storage import Storage

from .commands import ErrorHandler, StoreCommand, ignore_error

KEY_MAPPING = "import/mapping/"
SHORT = {"status_note": "note", "update": "update", "intent_and_implementation": "intent",
         "impact": "impact"}
NEW_INSPECTION = -1
Index = QModelIndex | QPersistentModelIndex


class PlanModel(QAbstractTableModel):
    """The plan's items as rows; the first column is the tick that includes an item."""

    FIXED = ("Import", "Item", "Action", "Text")

    def __init__(self, store: Storage, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._colours = {r.code: (r.colour, r.text_colour) for r in store.ratings(include_disabled=True)}
        self.plan = ImportPlan("")
        self.changes: Diff | None = None
        self.periods: list[str] = []

    def set_plan(self, plan: ImportPlan, changes: Diff | None) -> None:
        self.beginResetModel()
        self.plan, self.changes = plan, changes
        self.periods = [p.label for p in plan.periods] or ([""] if plan.needs_period else [])
        self.endResetModel()

    def _columns(self) -> list[str]:
        return [*self.FIXED, *(p or "Rating" for p in self.periods), "Narratives", "Details",
                "Changes"]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.plan.items)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns())

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._columns()[section]
        return None

    def _change(self, row: int) -> Any:
        item = self.plan.items[row]
        if self.changes is None:
            return None
        return next((c for c in self.changes.items if c.item is item), None)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        item = self.plan.items[index.row()]
        col = index.column()
        name = self._columns()[col]
        if col == 0:
            if role == Qt.ItemDataRole.CheckStateRole:
                return Qt.CheckState.Checked if item.include else Qt.CheckState.Unchecked
            return None
        period_col = 4 <= col < 4 + len(self.periods)
        rag = None
        if period_col:
            a = item.assessments.get(self.periods[col - 4])
            rag = a.rag if a else None
        if role == Qt.ItemDataRole.DisplayRole:
            if name == "Item":
                return item.label
            if name == "Action":
                change = self._change(index.row())
                return change.action if change else ("" if not item.include else "new")
            if name == "Text":
                return item.text_start()
            if period_col:
                return rag or "—"  # the word, never the colour alone
            if name == "Narratives":
                found = {k for a in item.assessments.values() for k in a.values()}
                return ", ".join(SHORT[k] for k in NARRATIVES if k in found)
            if name == "Details":
                return item.details()
            if name == "Changes":
                change = self._change(index.row())
                return "; ".join(change.changes) if change and change.existing else ""
        if role == Qt.ItemDataRole.ToolTipRole and name in ("Text", "Changes"):
            return self.data(index) if name == "Changes" else item.text_start(600)
        if period_col and rag in self._colours:
            fill, text = self._colours[rag]
            if role == Qt.ItemDataRole.BackgroundRole:
                return QBrush(QColor(fill))
            if role == Qt.ItemDataRole.ForegroundRole:
                return QBrush(QColor(text))
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        return base | Qt.ItemFlag.ItemIsUserCheckable if index.column() == 0 else base

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if index.column() != 0 or role != Qt.ItemDataRole.CheckStateRole:
            return False
        checked = value in (Qt.CheckState.Checked, Qt.CheckState.Checked.value, 2, True)
        self.plan.items[index.row()].include = checked
        self.dataChanged.emit(index, index.sibling(index.row(), self.columnCount() - 1))
        return True


class ImportDialog(QDialog):
    """The preview. After ``accept``, :attr:`plan` and :meth:`target` say what to apply."""

    def __init__(self, store: Storage, path: Path, plan: ImportPlan, sheet: Sheet | None,
                 settings: QSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Import {path.name}")
        self.resize(1100, 700)
        self.store, self.path, self.sheet, self.settings = store, path, sheet, settings
        self._read = plan  # as the reader gave it; the preview works on a copy
        self._period_names: dict[str, str] = {}
        self._excluded: set[tuple[str, str]] = set()
        self.mapping: dict[str, int] = {}
        self.plan = plan

        layout = QVBoxLayout(self)
        self.source_label = QLabel()
        self.source_label.setWordWrap(True)
        layout.addWidget(self.source_label)

        top = QHBoxLayout()
        where = QFormLayout()
        self.inspection_box = QComboBox()
        self.inspection_box.setAccessibleName("Import into inspection")
        for ins in store.inspections():
            self.inspection_box.addItem(ins.title, ins.id)
        self.inspection_box.addItem("New inspection…", NEW_INSPECTION)
        self.new_title = QLineEdit()
        self.new_title.setAccessibleName("New inspection title")
        where.addRow("Into &inspection:", self.inspection_box)
        where.addRow("New inspection &title:", self.new_title)
        self.periods_form = QFormLayout()
        periods_box = QGroupBox("Reporting periods (correct them if the file's are wrong)")
        periods_box.setLayout(self.periods_form)
        top.addLayout(where, 3)
        top.addWidget(periods_box, 2)
        layout.addLayout(top)

        self.mapping_box = QGroupBox("Columns (guessed from the header row; correct any that are wrong)")
        self.mapping_form = QFormLayout(self.mapping_box)
        self.mapping_combos: dict[str, QComboBox] = {}
        layout.addWidget(self.mapping_box)
        self.mapping_box.setVisible(sheet is not None)
        if sheet is not None:
            self._build_mapping(sheet)

        split = QSplitter(Qt.Orientation.Vertical)
        self.model = PlanModel(store, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Items found")
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.problems = QListWidget()
        self.problems.setAccessibleName("What could not be read")
        split.addWidget(self.table)
        self.detail = QTextBrowser()
        self.detail.setAccessibleName("The selected item as it will be imported")
        self.detail.setOpenLinks(False)
        split.addWidget(self.detail)
        self.table.selectionModel().currentRowChanged.connect(self._show_detail)
        holder = QWidget()
        hl = QVBoxLayout(holder)
        hl.setContentsMargins(0, 0, 0, 0)
        hl.addWidget(QLabel("What could not be read, and why:"))
        hl.addWidget(self.problems)
        split.addWidget(holder)
        split.setSizes([330, 170, 110])
        layout.addWidget(split, 1)

        self.summary = QLabel()
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.import_button = self.buttons.addButton("&Import", QDialogButtonBox.ButtonRole.AcceptRole)
        tick_all = self.buttons.addButton("Tick &all", QDialogButtonBox.ButtonRole.ActionRole)
        tick_none = self.buttons.addButton("Untick a&ll", QDialogButtonBox.ButtonRole.ActionRole)
        tick_all.clicked.connect(lambda: self.tick_all(True))
        tick_none.clicked.connect(lambda: self.tick_all(False))
        self.buttons.accepted.connect(self._confirm)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

        self._choose_default_target()
        self.inspection_box.currentIndexChanged.connect(self.refresh)
        self.new_title.editingFinished.connect(self.refresh)
        self.model.dataChanged.connect(self._ticked)
        self._build_periods()
        self.refresh()
        if self._read.needs_period and self.period_edits:
            next(iter(self.period_edits.values())).setFocus()  # the one thing left to say

    # ------------------------------------------------------------------ building

    def _choose_default_target(self) -> None:
        try:
            target = choose_target(self.store, self._read)
        except RagdeskError:
            target = Target(None, self.path.stem)
        if target.inspection is not None:
            self.inspection_box.setCurrentIndex(self.inspection_box.findData(target.inspection.id))
        else:
            self.inspection_box.setCurrentIndex(self.inspection_box.count() - 1)
        self.new_title.setText(target.new_title or self._read.inspection_title or self.path.stem)

    def _build_periods(self) -> None:
        while self.periods_form.rowCount():
            self.periods_form.removeRow(0)
        self.period_edits: dict[str, QLineEdit] = {}
        labels = [p.label for p in self._read.periods] or ([""] if self._read.needs_period else [])
        for label in labels:
            edit = QLineEdit(self._period_names.get(label, label))
            edit.setPlaceholderText("e.g. Jul 2023 (the file does not say)")
            edit.setAccessibleName(f"Period {label or 'of this file'}")
            edit.editingFinished.connect(self.refresh)
            self.period_edits[label] = edit
            self.periods_form.addRow(f"{label or 'Period'}:", edit)
        if not labels:
            self.periods_form.addRow(QLabel("(the file gives no ratings)"))

    def _layout_key(self, sheet: Sheet) -> str:
        return KEY_MAPPING + hashlib.sha1(layout_key(sheet.headers).encode()).hexdigest()[:16]

    def _build_mapping(self, sheet: Sheet) -> None:
        remembered = self.settings.value(self._layout_key(sheet))
        mapping = guess_mapping(sheet.headers)
        if remembered:
            with contextlib.suppress(ValueError, TypeError, AttributeError):  # a damaged entry
                mapping = {str(k): int(v) for k, v in json.loads(str(remembered)).items()}
        self.mapping = mapping
        headers = [h or f"(column {n + 1})" for n, h in enumerate(sheet.headers)]
        for key, label in LABELS.items():
            combo = QComboBox()
            combo.addItem("(not in this file)", -1)
            for n, h in enumerate(headers):
                combo.addItem(h, n)
            combo.setCurrentIndex(combo.findData(mapping.get(key, -1)))
            combo.setAccessibleName(f"Column for {label}")
            combo.currentIndexChanged.connect(self._remap)
            self.mapping_combos[key] = combo
        # two columns of field pickers keep the dialog short
        keys = list(LABELS)
        half = (len(keys) + 1) // 2
        grid = QHBoxLayout()
        for chunk in (keys[:half], keys[half:]):
            form = QFormLayout()
            for key in chunk:
                form.addRow(f"{LABELS[key]}:", self.mapping_combos[key])
            grid.addLayout(form)
        self.mapping_form.addRow(grid)
        per_period = [k[4:] for k in mapping if k.startswith("rag:")]
        if per_period:
            self.mapping_form.addRow(QLabel("Ratings per period from the columns " + ", ".join(per_period)))
        self._read = plan_from_sheet(sheet, mapping, self.path.name)

    def _remap(self) -> None:
        assert self.sheet is not None
        mapping = {k: v for k, v in self.mapping.items() if k.startswith("rag:")}
        for key, combo in self.mapping_combos.items():
            if combo.currentData() is not None and combo.currentData() >= 0:
                mapping[key] = int(combo.currentData())
        self.mapping = mapping
        self._read = plan_from_sheet(self.sheet, mapping, self.path.name)
        self._build_periods()
        self.refresh()

    # ------------------------------------------------------------------ state

    def tick_all(self, checked: bool) -> None:
        self._excluded = set() if checked else {i.key for i in self._read.items}
        self.refresh()

    def _show_detail(self, current: QModelIndex, _previous: QModelIndex | None = None) -> None:
        """The selected item in full: its text and every narrative, per period, as imported."""
        if not current.isValid() or current.row() >= len(self.plan.items):
            self.detail.clear()
            return
        item = self.plan.items[current.row()]
        parts = [f"<h3>{html.escape(item.kind.heading)} {html.escape(item.number)}</h3>", item.text]
        if item.details():
            parts.append(f"<p><i>{html.escape(item.details())}</i></p>")
        for label, a in item.assessments.items():
            parts.append(f"<h4>{html.escape(label or 'Period not named yet')}: "
                         f"{html.escape(a.rag or 'no rating')}"
                         f"{' (DoT ' + html.escape(a.dot) + ')' if a.dot else ''}</h4>")
            if a.status_note:
                parts.append(f"<p><b>Status:</b> {html.escape(a.status_note)}</p>")
            for name, title in (("update", "Update"), ("intent_and_implementation",
                                 "Intent and implementation"), ("impact", "Impact")):
                if getattr(a, name):
                    parts.append(f"<p><b>{title}</b></p>{getattr(a, name)}")
        self.detail.setHtml("".join(parts))  # stored rich text: the sanitised subset only

    def target(self) -> Target:
        data = self.inspection_box.currentData()
        if data == NEW_INSPECTION:
            return Target(None, self.new_title.text().strip())
        return Target(self.store.inspection(InspectionId(int(data))))

    def _ticked(self, top_left: QModelIndex, *_args: object) -> None:
        if top_left.column() != 0:  # only a tick changes what is imported
            return
        self._excluded = {i.key for i in self.model.plan.items if not i.include}
        self._update_summary()

    def _working_plan(self) -> ImportPlan:
        plan = copy.deepcopy(self._read)
        for old, edit in self.period_edits.items():
            new = edit.text().strip()
            self._period_names[old] = new
            if old == "" and plan.needs_period:
                plan.name_period(new)
            else:
                plan.rename_period(old, new)
        for item in plan.items:
            item.include = item.key not in self._excluded
        return plan

    def done(self, result: int) -> None:
        self._closed = True  # a line edit losing focus as the dialog closes must not re-read
        super().done(result)

    def refresh(self) -> None:
        if getattr(self, "_closed", False):
            return
        self.new_title.setEnabled(self.inspection_box.currentData() == NEW_INSPECTION)
        self.plan = self._working_plan()
        self.source_label.setText(f"<b>{self.path.name}</b>: {self.plan.summary()}. "
                                  "Nothing is written until you press Import.")
        self.problems.clear()
        self.problems.addItems(self.plan.problems or ["(nothing: every part was read)"])
        row = self.table.currentIndex().row()
        self.model.set_plan(self.plan, self._diff())
        if self.plan.items:
            self.table.setCurrentIndex(self.model.index(max(row, 0), 1))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Interactive)
        self.table.setColumnWidth(3, 340)
        details = self.model.columnCount() - 2
        header.setSectionResizeMode(details, QHeaderView.ResizeMode.Interactive)
        self.table.setColumnWidth(details, 240)
        header.setStretchLastSection(True)
        self._update_summary()

    def _diff(self) -> Diff | None:
        target = self.target()
        if target.inspection is None and not target.new_title:
            return None
        return diff(self.store, self.plan, target)

    def _update_summary(self) -> None:
        changes = self._diff()
        text = changes.describe() if changes else "Choose an inspection or name a new one."
        if self.plan.needs_period and any(i.assessments for i in self.plan.included()):
            text += " — give the reporting period above: the file does not name it."
        self.summary.setText(text)
        self.model.changes = changes
        if self.model.rowCount():
            self.model.dataChanged.emit(self.model.index(0, 2),
                                        self.model.index(self.model.rowCount() - 1, 2))

    def _confirm(self) -> None:
        self.refresh()
        problem = ""
        if not self.plan.included():
            problem = "No items are ticked: tick the items to import."
        elif self.plan.needs_period and any(i.assessments for i in self.plan.included()):
            problem = "The file does not name its reporting period: type it above (e.g. Jul 2023)."
        elif self.target().inspection is None and not self.target().new_title:
            problem = "Name the new inspection, or choose an existing one."
        elif any(not p.label for p in self.plan.periods):
            problem = "Every reporting period needs a label."
        if problem:
            QMessageBox.warning(self, "Import", problem)
            return
        if self.sheet is not None:
            self.settings.setValue(self._layout_key(self.sheet), json.dumps(self.mapping))
        self.accept()


class ImportCommand(StoreCommand):
    """A whole import as one undo step: undo removes what it added and restores what it changed."""

    def __init__(self, store: Storage, plan: ImportPlan, applied: Applied, source: str,
                 on_error: ErrorHandler = ignore_error) -> None:
        super().__init__(store, f"Import {source}", on_error)
        self.plan, self.applied = plan, applied
        self._title = store.inspection(applied.inspection_id).title

    def _undo(self) -> None:
        undo(self.store, self.applied)

    def _redo(self) -> None:
        target = (Target(None, self._title) if self.applied.created_inspection
                  else Target(self.store.inspection(self.applied.inspection_id)))
        self.applied = apply(self.store, self.plan, target)
