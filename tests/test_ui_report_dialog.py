"""The report dialog as a user meets it: choose options, export PDF, preview, print."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox, QWidget
from reports_support import marks, pages_text

from ragdesk.store import Store
from ragdesk.ui import report_dialog
from ragdesk.ui.report_dialog import PreviewDialog, ReportDialog, open_report_dialog, print_pdf


@pytest.fixture
def accept_dialog(monkeypatch: pytest.MonkeyPatch) -> list[ReportDialog]:
    """Make the options dialog accept at once with its defaults (recording it)."""
    seen: list[ReportDialog] = []

    def exec_(self: ReportDialog) -> int:
        seen.append(self)
        self.accept()
        return QDialog.DialogCode.Accepted if self.result() == QDialog.DialogCode.Accepted else 0

    monkeypatch.setattr(ReportDialog, "exec", exec_)
    return seen


def _peel_items(store: Store) -> list[int]:
    return [i.id for i in store.items(2)]


def test_defaults_follow_the_items_shown(qtbot, sample_store: Store) -> None:
    jun = sample_store.period_by_label("Jun 2024")
    dialog = ReportDialog(None, sample_store, action="preview", item_ids=_peel_items(sample_store),
                          period_id=jun.id)
    qtbot.addWidget(dialog)
    options = dialog.options()
    assert options.kind == "peel"
    assert options.inspection_ids == (2,)
    labels = {p.id: p.label for p in sample_store.periods()}
    assert [labels[p] for p in options.period_ids] == ["Jan 2024", "Jun 2024"]
    dialog.kind.setCurrentIndex(dialog.kind.findData("recommendations"))
    jul = sample_store.period_by_label("Jul 2023")
    dialog.period.setCurrentIndex(dialog.period.findData(jul.id))
    assert dialog.options().period_ids == (jul.id,)


def test_without_a_filter_the_inspections_rated_in_the_period_are_chosen(qtbot,
                                                                         sample_store: Store) -> None:
    jun = sample_store.period_by_label("Jun 2024")
    jul = sample_store.period_by_label("Jul 2023")
    dialog = ReportDialog(None, sample_store, action="print", period_id=jun.id)
    qtbot.addWidget(dialog)
    assert dialog.options().kind == "peel" and dialog.options().inspection_ids == (2,)
    other = ReportDialog(None, sample_store, action="print", period_id=jul.id)
    qtbot.addWidget(other)
    assert other.options().kind == "recommendations" and other.options().inspection_ids == (1,)
    assert other.options().period_ids == (jul.id,)


def test_marking_and_paper_are_remembered(qtbot, sample_store: Store, tmp_path: Path) -> None:
    from PySide6.QtCore import QSettings

    window = QWidget()
    qtbot.addWidget(window)
    window.settings = QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)
    first = ReportDialog(window, sample_store, action="pdf")
    first.marking.setCurrentIndex(first.marking.findData("OFFICIAL-SENSITIVE"))
    first.paper.setCurrentIndex(first.paper.findData("Letter"))
    first.accept()
    again = ReportDialog(window, sample_store, action="pdf")
    # the paper is this person's; the marking is the file's (issue 19), whatever was chosen last
    assert again.options().paper == "Letter" and again.options().marking == "OFFICIAL"


def test_nothing_chosen_keeps_the_dialog_open(qtbot, sample_store: Store) -> None:
    dialog = ReportDialog(None, sample_store, action="pdf")
    qtbot.addWidget(dialog)
    for row in range(dialog.inspection_model.rowCount()):
        dialog.inspection_model.item(row).setCheckState(Qt.CheckState.Unchecked)
    dialog.accept()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert "Choose at least one inspection" in dialog.problem.text()


def test_export_pdf_writes_the_file_in_the_background(qtbot, sample_store: Store, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch,
                                                      accept_dialog: list[ReportDialog]) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    target = tmp_path / "out" / "report"
    target.parent.mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "PDF"))
    jul = sample_store.period_by_label("Jul 2023")
    run = open_report_dialog(window, sample_store, action="pdf", period_id=jul.id)
    assert run is not None
    qtbot.waitUntil(lambda: run.finished, timeout=30_000)
    assert run.error is None
    written = target.with_suffix(".pdf")
    assert written.exists()
    found = marks("\n".join(pages_text(written.read_bytes())))
    assert len(found) == 33 and found[0] == ("Recommendation 2", "GREEN")


def test_export_error_is_a_message(qtbot, sample_store: Store, tmp_path: Path,
                                   monkeypatch: pytest.MonkeyPatch,
                                   accept_dialog: list[ReportDialog]) -> None:
    messages: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text, *a: messages.append(text))
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda *a, **k: (str(tmp_path / "missing" / "x.pdf"), "PDF"))
    run = open_report_dialog(None, sample_store, action="pdf")
    assert run is not None
    qtbot.waitUntil(lambda: run.finished, timeout=30_000)
    assert messages and "Could not write the report" in messages[0]


def test_cancelled_file_dialog_does_nothing(qtbot, sample_store: Store,
                                            monkeypatch: pytest.MonkeyPatch,
                                            accept_dialog: list[ReportDialog]) -> None:
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: ("", ""))
    assert open_report_dialog(None, sample_store, action="pdf") is None


def test_preview_shows_the_pages(qtbot, sample_store: Store,
                                 accept_dialog: list[ReportDialog]) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    run = open_report_dialog(window, sample_store, action="preview",
                             item_ids=_peel_items(sample_store))
    assert run is not None
    qtbot.waitUntil(lambda: run.finished, timeout=30_000)
    preview = run.preview
    assert isinstance(preview, PreviewDialog)
    assert preview.document.pageCount() > 5
    assert "pages" in preview.pages.text()
    preview.close()


def test_print_renders_every_page(qtbot, sample_store: Store, tmp_path: Path) -> None:
    source = tmp_path / "r.pdf"
    from ragdesk.reports import ReportOptions, build_report

    build_report(sample_store, ReportOptions(kind="peel"), source)
    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printed = tmp_path / "printed.pdf"
    printer.setOutputFileName(str(printed))
    assert print_pdf(None, str(source), printer=printer, ask=False)
    assert len(pages_text(printed.read_bytes())) == len(pages_text(source.read_bytes()))


def test_cancel_leaves_no_file_and_no_message(qtbot, sample_store: Store, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from ragdesk.reports import ReportOptions
    from ragdesk.ui.report_dialog import ReportRun

    messages: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text, *a: messages.append(text))
    target = tmp_path / "cancelled.pdf"
    run = ReportRun(None, sample_store, ReportOptions(), action="pdf", target=str(target))
    run.progress.canceled.emit()  # what the Cancel button does, before the first page
    run.start()
    qtbot.waitUntil(lambda: run.finished, timeout=30_000)
    assert run.error == "The report was cancelled."
    assert not target.exists() and messages == []


def test_unknown_action_is_a_programming_error(sample_store: Store) -> None:
    with pytest.raises(ValueError):
        report_dialog.open_report_dialog(None, sample_store, action="fax")


def test_closing_the_window_while_a_report_is_built_cancels_it_cleanly(
        qtbot, window, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        accept_dialog: list[ReportDialog]) -> None:
    """A QThread destroyed while it runs aborts the program: closing the window mid-build
    must cancel the build, wait for it, and leave no report file behind."""
    import threading

    from ragdesk.reports import ReportCancelled
    from ragdesk.ui import report_dialog

    started = threading.Event()

    def slow_build(store, options, target, *, progress, cancelled):  # a very long report
        started.set()
        while not cancelled():
            progress(0, 100)
            threading.Event().wait(0.01)
        raise ReportCancelled("Cancelled.")

    monkeypatch.setattr(report_dialog, "build_report", slow_build)
    target = tmp_path / "board.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "PDF"))
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: QMessageBox.StandardButton.Yes)  # drafts: print anyway
    window.report("pdf")
    runs = window.findChildren(report_dialog.ReportRun)
    assert len(runs) == 1
    qtbot.waitUntil(started.is_set, timeout=10_000)

    assert window.close()

    assert runs[0].finished and not runs[0].worker_thread.isRunning()
    assert not target.exists()
