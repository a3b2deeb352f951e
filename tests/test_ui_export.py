"""File > Export in the window: Word report, Excel tracker and CSV, written in the background."""

from __future__ import annotations

from pathlib import Path

import docx
import openpyxl
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QDialog, QFileDialog

from ragdesk.ui.main_window import MainWindow
from ragdesk.ui.report_dialog import ReportDialog


def _save_as(monkeypatch: pytest.MonkeyPatch, path: Path, asked: list[str]) -> None:
    def ask(_parent, title, suggestion, filters, *a, **k):  # type: ignore[no-untyped-def]
        asked.append(f"{title} | {Path(suggestion).name} | {filters}")
        return str(path), filters

    monkeypatch.setattr(QFileDialog, "getSaveFileName", ask)


def test_the_export_menu_holds_every_format(window: MainWindow) -> None:
    texts = [a.text() for a in window.export_menu.actions() if not a.isSeparator()]
    assert texts == ["&PDF Report…", "&Word Report…", "&Excel Tracker…", "CS&V…", "&JSON…"]
    assert window.export_menu.menuAction() in window.file_menu.actions()
    assert all(a.isEnabled() for a in window.export_menu.actions())


def test_word_report_from_the_menu(qtbot, window: MainWindow, tmp_path: Path,
                                   monkeypatch: pytest.MonkeyPatch, warnings: list[str]) -> None:
    dialogs: list[ReportDialog] = []

    def exec_(self: ReportDialog) -> int:
        dialogs.append(self)
        self.kind.setCurrentIndex(self.kind.findData("recommendations"))
        self.period.setCurrentIndex(self.period.findText("Jul 2023"))
        self.accept()
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(ReportDialog, "exec", exec_)
    asked: list[str] = []
    target = tmp_path / "Appendix"  # no suffix typed: .docx is added
    _save_as(monkeypatch, target, asked)
    window.act_word.trigger()
    assert dialogs and dialogs[0].windowTitle() == "Export Word"
    assert asked and asked[0].startswith("Export report as Word | Appendix 1 - Recommendations "
                                         "update - Jul 2023.docx | Word documents (*.docx)")
    written = target.with_suffix(".docx")
    qtbot.waitUntil(written.exists, timeout=30_000)
    qtbot.waitUntil(lambda: "Saved the report" in window.statusBar().currentMessage(),
                    timeout=30_000)
    document = docx.Document(str(written))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 2"]
    assert headings[:2] == ["Recommendation 2", "Recommendation 3"] and len(headings) == 33
    assert not warnings


def test_word_report_with_the_summary_and_changes_options(qtbot, window: MainWindow,
                                                          tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch,
                                                          warnings: list[str]) -> None:
    """The dialog's two front-matter options reach the Word document, as the PDF."""

    def exec_(self: ReportDialog) -> int:
        self.kind.setCurrentIndex(self.kind.findData("peel"))
        qtbot.mouseClick(self.summary, Qt.MouseButton.LeftButton,
                         pos=self.summary.rect().bottomLeft() + QPoint(6, -6))
        self.changes.setChecked(True)
        self.changes_since.setCurrentIndex(self.changes_since.findText("Jan 2024"))
        self.accept()
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(ReportDialog, "exec", exec_)
    target = tmp_path / "Board pack.docx"
    _save_as(monkeypatch, target, [])
    window.act_word.trigger()
    qtbot.waitUntil(target.exists, timeout=30_000)
    qtbot.waitUntil(lambda: "Saved the report" in window.statusBar().currentMessage(),
                    timeout=30_000)
    document = docx.Document(str(target))
    titles = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert titles[:2] == ["Summary", "Changes since Jan 2024"]
    moves = next(t for t in document.tables if t.rows[0].cells[0].text == "Item"
                 and t.rows[0].cells[1].text == "Jan 2024")
    assert [[c.text for c in r.cells][:4] for r in moves.rows[1:]] == [
        ["AFI 5", "AMBER", "→", "GREEN"], ["AFI 10", "AMBER", "→", "GREEN"],
        ["AFI 11", "AMBER", "→", "GREEN"]]
    assert not warnings


def test_excel_tracker_and_csv_from_the_menu(qtbot, window: MainWindow, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch,
                                             warnings: list[str]) -> None:
    asked: list[str] = []
    xlsx = tmp_path / "tracker"
    _save_as(monkeypatch, xlsx, asked)
    window.act_export_xlsx.trigger()
    assert asked[-1].startswith("Export Excel Tracker | sample.xlsx | Excel workbooks (*.xlsx)")
    written = xlsx.with_suffix(".xlsx")
    qtbot.waitUntil(lambda: "Exported to" in window.statusBar().currentMessage(), timeout=30_000)
    sheet = openpyxl.load_workbook(written)["Tracker"]
    assert sheet.max_row == 62 and sheet["L2"].value == "GREEN"

    csv_path = tmp_path / "tracker.csv"
    task = window.file_actions.export("csv", str(csv_path))
    assert task is not None
    qtbot.waitUntil(lambda: task.finished, timeout=30_000)
    assert csv_path.read_bytes().startswith(b"\xef\xbb\xbfinspection,kind,")
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []
    assert not warnings


def test_an_export_that_cannot_be_written_is_a_message(qtbot, window: MainWindow, tmp_path: Path,
                                                       warnings: list[str]) -> None:
    task = window.file_actions.export("xlsx", str(tmp_path / "gone" / "t.xlsx"))
    assert task is not None
    qtbot.waitUntil(lambda: task.finished, timeout=30_000)
    assert warnings and warnings[0].startswith("Could not write the Excel tracker to")
