"""Small dialogs of the main window: new reporting period, new item, file properties.

Each only collects values and validates what it can on the spot; the window
runs the store operation, so a refusal from the store (a duplicate period
label, a date that is not a date) comes back as a message with the dialog's
values kept for another try.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from ragdesk.domain import ItemKind, parse_date


def _buttons(dialog: QDialog) -> QDialogButtonBox:
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                           | QDialogButtonBox.StandardButton.Cancel, dialog)
    box.accepted.connect(dialog.accept)
    box.rejected.connect(dialog.reject)
    return box


@dataclass
class PeriodValues:
    label: str
    date: str
    meeting: str


class PeriodDialog(QDialog):
    """Label (e.g. "Jun 2024"), date and meeting of a new reporting period."""

    def __init__(self, parent: QWidget | None = None, *, suggestion: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle("New reporting period")
        self.label = QLineEdit(suggestion, self)
        self.label.setAccessibleName("Period label")
        self.label.setPlaceholderText("e.g. Jun 2024")
        self.date = QLineEdit(self)
        self.date.setAccessibleName("Period date")
        self.date.setPlaceholderText("e.g. 26/06/2024 (optional)")
        self.meeting = QLineEdit(self)
        self.meeting.setAccessibleName("Meeting")
        self.meeting.setPlaceholderText("e.g. P&RSB 26th June 2024 (optional)")
        self.error = QLabel(self)
        self.error.setStyleSheet("color: #B00020")
        self.error.setWordWrap(True)
        form = QFormLayout()
        form.addRow("&Label:", self.label)
        form.addRow("&Date:", self.date)
        form.addRow("&Meeting:", self.meeting)
        note = QLabel("Each item starts from its latest rating and narrative, marked as a "
                      "draft until someone confirms or changes it.", self)
        note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.error)
        layout.addWidget(_buttons(self))
        # wide enough for each field's example and for the title (a title bar cuts it to
        # "New reporti…" on a dialog sized only by its fields)
        metrics = self.fontMetrics()
        for edit in (self.label, self.date, self.meeting):
            edit.setMinimumWidth(metrics.horizontalAdvance(edit.placeholderText()) + 24)
        self.setMinimumWidth(max(metrics.horizontalAdvance(self.windowTitle()) * 2 + 160,
                                 self.meeting.minimumWidth() + 120))

    def accept(self) -> None:
        if not self.label.text().strip():
            self.error.setText("A reporting period needs a label, e.g. “Jun 2024”.")
            self.label.setFocus()
            return
        if self.date.text().strip():
            try:
                parse_date(self.date.text())
            except ValueError as e:
                self.error.setText(str(e))
                self.date.setFocus()
                return
        super().accept()

    def values(self) -> PeriodValues:
        return PeriodValues(self.label.text().strip(), self.date.text().strip(),
                            self.meeting.text().strip())


class ItemDialog(QDialog):
    """Kind and number of a new item (the rest is typed in the editor)."""

    def __init__(self, parent: QWidget | None = None, *, inspection_title: str = "",
                 kind: ItemKind = ItemKind.RECOMMENDATION, number: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle("New item")
        self.kind = QComboBox(self)
        self.kind.setAccessibleName("Kind of item")
        for k in ItemKind:
            self.kind.addItem(k.heading, k.value)
        self.kind.setCurrentIndex(max(0, self.kind.findData(kind.value)))
        self.number = QLineEdit(number, self)
        self.number.setAccessibleName("Number")
        form = QFormLayout()
        if inspection_title:
            form.addRow("Inspection:", QLabel(inspection_title, self))
        form.addRow("&Kind:", self.kind)
        form.addRow("&Number:", self.number)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(_buttons(self))

    def values(self) -> tuple[ItemKind, str]:
        return ItemKind(self.kind.currentData()), self.number.text().strip()


# the file's report marking (settings "report_marking"; see reports.options.file_marking)
MARKING_CHOICES = [("OFFICIAL", "OFFICIAL"), ("OFFICIAL-SENSITIVE", "OFFICIAL-SENSITIVE"),
                   ("none", "None (unmarked)")]


class PropertiesDialog(QDialog):
    """Document owner, team, force name and whether the BLUE rating is in use."""

    def __init__(self, settings: dict[str, str], blue_enabled: bool,
                 parent: QWidget | None = None, *, read_only: bool = False) -> None:
        super().__init__(parent)
        self.setWindowTitle("File properties")
        self.force = QLineEdit(settings.get("force_name", ""), self)
        self.force.setAccessibleName("Force name")
        self.owner = QLineEdit(settings.get("document_owner", ""), self)
        self.owner.setAccessibleName("Document owner")
        self.team = QLineEdit(settings.get("team", ""), self)
        self.team.setAccessibleName("Team")
        self.blue = QCheckBox("Use &BLUE for items that are complete and closed", self)
        self.blue.setChecked(blue_enabled)
        self.marking = QComboBox(self)
        self.marking.setAccessibleName("Protective marking of reports")
        self.marking.setToolTip("What the reports of this file are marked unless the person "
                                "printing chooses otherwise")
        for value, text in MARKING_CHOICES:
            self.marking.addItem(text, value)
        stored = (settings.get("report_marking") or "").strip()
        at = self.marking.findData(stored.lower() if stored.lower() == "none" else stored)
        self.marking.setCurrentIndex(max(0, at))  # unset: OFFICIAL
        form = QFormLayout()
        form.addRow("&Force:", self.force)
        form.addRow("Document &owner:", self.owner)
        form.addRow("&Team:", self.team)
        form.addRow("Rating scale:", self.blue)
        form.addRow("Report &marking:", self.marking)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        if read_only:
            for w in (self.force, self.owner, self.team, self.blue, self.marking):
                w.setEnabled(False)
            layout.addWidget(QLabel("This file is open read-only.", self))
        layout.addWidget(_buttons(self))

    def values(self) -> tuple[dict[str, str], bool]:
        return ({"force_name": self.force.text().strip(),
                 "document_owner": self.owner.text().strip(),
                 "team": self.team.text().strip(),
                 "report_marking": self.marking.currentData()}, self.blue.isChecked())
