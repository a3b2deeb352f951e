"""Reports as a first-time user meets them (issue 19): the protective marking is the
file's, shown in the dialog; both ways of saving a PDF give it the same permissions."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QDialog, QFileDialog, QWidget
from reports_support import pages_text

from ragdesk.reports import ReportOptions, build_report
from ragdesk.store import Store
from ragdesk.ui import report_dialog
from ragdesk.ui.dialogs import PropertiesDialog
from ragdesk.ui.main_window import MainWindow
from ragdesk.ui.report_dialog import ReportDialog, open_report_dialog


@pytest.fixture
def accept_dialog(monkeypatch: pytest.MonkeyPatch) -> None:
    def exec_(self: ReportDialog) -> int:
        self.accept()
        return QDialog.DialogCode.Accepted if self.result() == QDialog.DialogCode.Accepted else 0

    monkeypatch.setattr(ReportDialog, "exec", exec_)


def test_marking_is_official_unless_the_file_says_otherwise(qtbot, sample_store: Store) -> None:
    dialog = ReportDialog(None, sample_store, action="pdf")
    qtbot.addWidget(dialog)
    assert dialog.marking.currentText() == "OFFICIAL" and dialog.options().marking == "OFFICIAL"
    assert "the file's marking" in dialog.marking_note.text()
    dialog.marking.setCurrentIndex(dialog.marking.findData(None))
    assert dialog.marking_note.text() == "the file's marking is OFFICIAL"
    sample_store.set_setting("report_marking", "OFFICIAL-SENSITIVE")
    dialog = ReportDialog(None, sample_store, action="pdf")
    qtbot.addWidget(dialog)
    assert dialog.options().marking == "OFFICIAL-SENSITIVE"
    sample_store.set_setting("report_marking", "none")
    dialog = ReportDialog(None, sample_store, action="pdf")
    qtbot.addWidget(dialog)
    assert dialog.options().marking is None and dialog.marking.currentText() == "None"


def test_properties_set_the_files_marking(qtbot, window: MainWindow, sample_path: Path) -> None:
    dialog = PropertiesDialog(window.store.settings(), False, window)
    qtbot.addWidget(dialog)
    assert dialog.marking.currentData() == "OFFICIAL"
    dialog.marking.setCurrentIndex(dialog.marking.findData("OFFICIAL-SENSITIVE"))
    values, blue = dialog.values()
    window.file_actions.apply_properties(values, blue)
    with Store.open(sample_path, read_only=True) as reader:
        assert reader.settings()["report_marking"] == "OFFICIAL-SENSITIVE"
    chosen = ReportDialog(window, window.store, action="pdf")
    qtbot.addWidget(chosen)
    assert chosen.options().marking == "OFFICIAL-SENSITIVE"


def test_exported_pdf_carries_the_marking(qtbot, sample_store: Store, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch, accept_dialog) -> None:
    target = tmp_path / "board.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "PDF"))
    window = QWidget()
    qtbot.addWidget(window)
    run = open_report_dialog(window, sample_store, action="pdf")
    qtbot.waitUntil(lambda: run.finished, timeout=30_000)
    pages = pages_text(target.read_bytes())
    assert all("OFFICIAL" in page for page in pages)


def test_both_ways_of_saving_a_pdf_give_the_same_permissions(
        qtbot, sample_store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        accept_dialog) -> None:
    old = os.umask(0o022)
    try:
        exported = tmp_path / "exported.pdf"
        monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(exported), "PDF"))
        run = open_report_dialog(None, sample_store, action="pdf")
        qtbot.waitUntil(lambda: run.finished, timeout=30_000)
        assert run.error is None
        source = tmp_path / "preview.pdf"
        build_report(sample_store, ReportOptions(kind="recommendations"), source)
        saved = tmp_path / "saved.pdf"
        monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(saved), "PDF"))
        assert report_dialog._save_copy(None, str(source)) == str(saved)  # the preview's Save PDF
        modes = {stat.S_IMODE(p.stat().st_mode) for p in (exported, saved)}
        assert modes == {0o644}
        # a file replaced keeps the mode it had
        exported.chmod(0o640)
        build_report(sample_store, ReportOptions(kind="recommendations"), exported)
        assert stat.S_IMODE(exported.stat().st_mode) == 0o640
    finally:
        os.umask(old)


def test_quitting_with_a_preview_open_says_nothing(qtbot, sample_path: Path,
                                                   settings: QSettings, warnings: list[str],
                                                   accept_dialog) -> None:
    """Qt warned "QObject::connect(QPdfDocument, QPdfLinkModel): invalid nullptr parameter"
    on quitting after a preview; any Qt warning fails this test (qt_log_level_fail)."""
    window = MainWindow(settings=settings)
    window.show()
    assert window.open_path(sample_path)
    runs: list = []
    original = report_dialog.open_report_dialog

    def recording(*args, **kwargs):
        runs.append(original(*args, **kwargs))
        return runs[-1]

    report_dialog.open_report_dialog = recording
    try:
        window.act_preview.trigger()
    finally:
        report_dialog.open_report_dialog = original
    qtbot.waitUntil(lambda: runs and runs[0].finished, timeout=30_000)
    preview = runs[0].preview
    assert preview.isVisible() and preview.document.pageCount() > 0
    gone: list[str] = []
    preview.destroyed.connect(lambda *_: gone.append("preview"))
    preview.close()  # closed, then the window quits
    qtbot.waitUntil(lambda: "preview" in gone)
    window.destroyed.connect(lambda *_: gone.append("window"))
    window.close()
    window.deleteLater()
    qtbot.waitUntil(lambda: "window" in gone)


def _window_with_drafts(qtbot, sample_path: Path, settings: QSettings) -> MainWindow:
    """The sample after a new period: every rated item carried forward as a draft."""
    with Store.open(sample_path) as store:
        new = store.add_period("Dec 2024", carry_forward=True)
        rec = next(r for r in store.item_rows() if r.inspection_id == store.inspections()[0].id)
        store.set_rag(item_id=rec.id, period_id=new.id, rag="GREEN")  # rated anew: no longer a draft
    window = MainWindow(settings=settings)
    qtbot.addWidget(window)
    window.show()
    assert window.open_path(sample_path)
    return window


@pytest.mark.parametrize("answer", ["go", "anyway", "cancel"])
def test_exporting_a_report_with_drafts_says_how_many_first(
        qtbot, sample_path: Path, settings: QSettings, warnings: list[str], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, accept_dialog, answer: str) -> None:
    window = _window_with_drafts(qtbot, sample_path, settings)
    store = window.store
    dec = store.period_by_label("Dec 2024")
    first = store.inspections()[0]
    expected = [i for i in (r.id for r in store.item_rows() if r.inspection_id == first.id)
                if (a := store.assessment(item_id=i, period_id=dec.id)) is not None and a.draft]
    asked: list[tuple[int, int, str]] = []

    def ask(self, drafts: int, items: int, period: str) -> str:
        asked.append((drafts, items, period))
        return answer

    monkeypatch.setattr(ReportDialog, "_ask_about_drafts", ask)
    target = tmp_path / "board.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "PDF"))
    runs: list = []
    original = report_dialog.open_report_dialog
    monkeypatch.setattr(report_dialog, "open_report_dialog",
                        lambda *a, **k: runs.append(original(*a, **k)) or runs[-1])
    window.select_inspection(first.id)
    window.act_pdf.trigger()
    assert asked and asked[0][0] == len(expected) > 0 and asked[0][2] == "Dec 2024"
    if answer == "anyway":
        qtbot.waitUntil(lambda: runs[0] is not None and runs[0].finished, timeout=30_000)
        assert "Draft: carried forward" in "\n".join(pages_text(target.read_bytes()))
        return
    assert runs == [None] and not target.exists()  # nothing printed
    if answer == "go":  # the first draft is in the editor, the rest named
        assert window.current_item == expected[0] and window.current_period == dec.id
        assert f"{len(expected)} carried-forward drafts to check" in \
            window.statusBar().currentMessage()
    else:
        assert window.current_item is None


def test_previewing_a_report_with_drafts_asks_nothing(
        qtbot, sample_path: Path, settings: QSettings, warnings: list[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    window = _window_with_drafts(qtbot, sample_path, settings)
    dialog = ReportDialog(window, window.store, action="preview",
                          period_id=window.store.period_by_label("Dec 2024").id)
    qtbot.addWidget(dialog)
    assert dialog.drafts_in_report()
    monkeypatch.setattr(dialog, "ask_about_drafts", lambda *a: pytest.fail("asked"))
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted


def test_marking_row_label_is_its_keyboard_shortcut(qtbot, sample_store: Store) -> None:
    from PySide6.QtWidgets import QLabel

    dialog = ReportDialog(None, sample_store, action="pdf")
    qtbot.addWidget(dialog)
    label = next(w for w in dialog.findChildren(QLabel) if "marking:" in w.text())
    assert label.text() == "Protective &marking:" and label.buddy() is dialog.marking
