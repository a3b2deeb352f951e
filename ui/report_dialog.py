"""Print Preview, Print, and Export as PDF or Word of the Appendix 1 reports.

``open_report_dialog(window, store, action="preview"|"print"|"pdf"|"docx")`` asks what
to print (report kind, inspections, periods, marking, paper), then builds the
PDF with :func:`ragdesk.reports.build_report` on a worker QThread behind a
cancellable progress dialog, so the window stays responsive on a long report.
The worker opens its own read-only Store on the same file: an SQLite
connection must not be used from two threads at once.

Preview shows the pages with QtPdf (QPdfDocument + QPdfView); Print renders the
same pages onto the chosen printer's painter, so what is printed is exactly
what was previewed and what a PDF export contains.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
import threading
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QObject, QPointF, QRectF, QSettings, QSize, QSizeF, Qt, QThread, Signal
from PySide6.QtGui import QPageLayout, QPageSize, QPainter, QStandardItem, QStandardItemModel
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ragdesk.domain import InspectionId, ItemId, PeriodId
from ragdesk.errors import RagdeskError
from ragdesk.filenames import safe_name
from ragdesk.reports import ReportCancelled, ReportOptions, build_report
from ragdesk.reports.options import MARKINGS, PAPERS, file_marking, is_peel
from ragdesk.storage import Storage
from ragdesk.store import Store

ACTIONS = ("preview", "print", "pdf", "docx")
KIND_NAMES = {"recommendations": "Recommendations and AFIs update (portrait)",
              "peel": "PEEL AFI performance update (landscape)"}
ID_ROLE = Qt.ItemDataRole.UserRole + 1


# ===================================================================== options dialog


def _checklist(parent: QWidget, name: str) -> tuple[QListView, QStandardItemModel]:
    model = QStandardItemModel(parent)
    view = QListView(parent)
    view.setModel(model)
    view.setAccessibleName(name)
    view.setMaximumHeight(110)
    view.setWordWrap(True)
    view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    return view, model


class ReportDialog(QDialog):
    """Collects :class:`ReportOptions`; validates that something is chosen before closing."""

    def __init__(self, parent: QWidget | None, store: Storage, *, action: str,
                 item_ids: list[ItemId] | None = None, period_id: PeriodId | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle({"preview": "Print Preview", "print": "Print",
                             "pdf": "Export PDF", "docx": "Export Word"}[action])
        self.item_ids = list(item_ids) if item_ids is not None else None
        self._inspections = store.inspections()
        self._periods = store.periods()
        items = store.items()
        self._item_inspection = {i.id: i.inspection_id for i in items}
        grid = store.rag_grid()
        self._rated: dict[int, set[int]] = {}  # period -> items rated in it
        self._drafts: dict[int, set[int]] = {}  # period -> items whose assessment is a draft
        for (item_id, rated_in), (rag, draft) in grid.items():
            if rag:
                self._rated.setdefault(rated_in, set()).add(item_id)
            if draft:
                self._drafts.setdefault(rated_in, set()).add(item_id)
        self.action = action
        self.drafts_to_check: list[ItemId] = []  # set when the user chose to go to the drafts
        self.ask_about_drafts: Callable[[int, int, str], str] = self._ask_about_drafts
        settings = store.settings()

        self.kind = QComboBox(self)
        for kind, name in KIND_NAMES.items():
            self.kind.addItem(name, kind)
        self.kind.setAccessibleName("Report")
        self.inspection_view, self.inspection_model = _checklist(self, "Inspections")
        for inspection in self._inspections:
            row = QStandardItem(inspection.title)
            row.setToolTip(inspection.title)
            row.setData(inspection.id, ID_ROLE)
            row.setCheckable(True)
            row.setEditable(False)
            self.inspection_model.appendRow(row)
        self.only_shown = QCheckBox(self)
        self.only_shown.setVisible(self.item_ids is not None)
        self.only_shown.setChecked(self.item_ids is not None)
        if self.item_ids is not None:
            self.only_shown.setText(f"Only the {len(self.item_ids)} items shown in the tree")
        self.period = QComboBox(self)
        self.period.setAccessibleName("Reporting period")
        for period in self._periods:
            self.period.addItem(period.label, period.id)
        self.period_view, self.period_model = _checklist(self, "Periods in the matrix")
        for period in self._periods:
            row = QStandardItem(period.label)
            row.setData(period.id, ID_ROLE)
            row.setCheckable(True)
            row.setEditable(False)
            self.period_model.appendRow(row)
        self.marking = QComboBox(self)
        self.marking.setAccessibleName("Protective marking")
        for marking in MARKINGS:
            self.marking.addItem(marking or "None", marking)
        # the file's marking (File ▸ Properties; OFFICIAL unless changed), not the last one
        # this person chose: one "None" for a draft must not leave every later board paper
        # unmarked. The paper size is this person's own, remembered in the window's QSettings.
        self.qsettings = getattr(parent, "settings", None)
        if not isinstance(self.qsettings, QSettings):
            self.qsettings = None
        self.file_marking = file_marking(settings)
        self.marking.setCurrentIndex(max(0, self.marking.findData(self.file_marking)))
        self.marking.setToolTip("Printed at the top and bottom of every page. The file's "
                                f"marking is {self.file_marking or 'none'} (File ▸ Properties).")
        self.marking_note = QLabel(self)
        self.marking_note.setStyleSheet("color: #555;")
        self.marking.currentIndexChanged.connect(lambda _i: self._marking_changed())
        self._marking_changed()
        self.paper = QComboBox(self)
        self.paper.setAccessibleName("Paper")
        for paper in PAPERS:
            self.paper.addItem(paper, paper)
        if self.qsettings and self.qsettings.value("reports/paper") in PAPERS:
            self.paper.setCurrentIndex(self.paper.findData(self.qsettings.value("reports/paper")))
        self.meeting = QLineEdit(self)
        self.meeting.setAccessibleName("For board and meeting")
        self.meeting.setPlaceholderText("e.g. P&RSB 26 June 2024 (default: the period's meeting)")
        self.owner = QLineEdit(settings.get("document_owner", ""), self)
        self.owner.setAccessibleName("Document owner")
        self.team = QLineEdit(settings.get("team", ""), self)
        self.team.setAccessibleName("Team")
        # issue 15: what a board reads first (reports/summary.py)
        self.summary = QCheckBox("Start with a &summary page", self)
        self.summary.setAccessibleName("Summary page")
        self.summary.setToolTip("Ratings per period (chart and table), the overdue items and "
                                "those proposed for closure, before the report")
        self.changes = QCheckBox("Start with the rating &changes since:", self)
        self.changes.setAccessibleName("Changes since")
        self.changes.setToolTip("Each item whose rating moved since that period, before → "
                                "after, with its status note")
        self.changes_since = QComboBox(self)
        self.changes_since.setAccessibleName("Changes since period")
        for period in self._periods:
            self.changes_since.addItem(period.label, period.id)
        self.changes_since.setCurrentIndex(max(0, len(self._periods) - 2))
        self.changes_since.setEnabled(False)
        self.changes.toggled.connect(self.changes_since.setEnabled)
        self.problem = QLabel(self)
        self.problem.setStyleSheet("color: #a00000")
        self.problem.setWordWrap(True)

        form = QFormLayout()
        form.addRow("&Report:", self.kind)
        form.addRow("&Inspections:", self.inspection_view)
        form.addRow("", self.only_shown)
        self.period_label = QLabel("Reporting &period:", self)
        self.period_label.setBuddy(self.period)
        form.addRow(self.period_label, self.period)
        self.periods_label = QLabel("&Periods in the matrix:", self)
        self.periods_label.setBuddy(self.period_view)
        form.addRow(self.periods_label, self.period_view)
        form.addRow("For &meeting:", self.meeting)
        form.addRow("Document &owner:", self.owner)
        form.addRow("&Team:", self.team)
        marking_row = QHBoxLayout()
        marking_row.addWidget(self.marking)
        marking_row.addWidget(self.marking_note, 1)
        marking_label = QLabel("Protective &marking:", self)  # a row of a layout: no buddy
        marking_label.setBuddy(self.marking)  # unless given, so "&" would show as itself
        form.addRow(marking_label, marking_row)
        form.addRow("P&aper:", self.paper)
        form.addRow("", self.summary)
        changes_row = QHBoxLayout()
        changes_row.addWidget(self.changes)
        changes_row.addWidget(self.changes_since, 1)
        form.addRow("", changes_row)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel, self)
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText({"preview": "Preview", "print": "Print…", "pdf": "Save PDF…",
                    "docx": "Save Word…"}[action])
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.setMinimumWidth(620)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)

        # defaults: the current period; inspections of the shown items; kind from them
        if period_id is not None and self.period.findData(period_id) >= 0:
            self.period.setCurrentIndex(self.period.findData(period_id))
        elif self._periods:
            self.period.setCurrentIndex(len(self._periods) - 1)
        chosen = {self._item_inspection[i] for i in (self.item_ids or []) if i in self._item_inspection}
        if not chosen:  # the inspections rated in the current period, else the first one
            current = self.period.currentData()
            rated = self._rated.get(current, set())
            chosen = {ins for i, ins in self._item_inspection.items() if i in rated}
            kinds = {is_peel(i) for i in self._inspections if i.id in chosen}
            if len(kinds) > 1:  # both kinds rated: start with the first inspection's kind
                first = next(i for i in self._inspections if i.id in chosen)
                chosen = {i.id for i in self._inspections if i.id in chosen
                          and is_peel(i) == is_peel(first)}
        if not chosen and self._inspections:
            chosen = {self._inspections[0].id}
        kind = "peel" if chosen and all(is_peel(i) for i in self._inspections if i.id in chosen) \
            else "recommendations"
        self._check_inspections(chosen)
        self.kind.setCurrentIndex(self.kind.findData(kind))
        self._kind_changed(initial=True)
        self.kind.currentIndexChanged.connect(lambda _i: self._kind_changed())
        self.period.currentIndexChanged.connect(lambda _i: self._default_periods())
        self.inspection_model.itemChanged.connect(lambda _item: self._default_periods())

    def _marking_changed(self) -> None:
        chosen = self.marking.currentData()
        if chosen == self.file_marking:
            text = "the file's marking (File ▸ Properties)"
        else:
            text = f"the file's marking is {self.file_marking or 'none'}"
        self.marking_note.setText(text)

    # -- defaults
    def _check_inspections(self, ids: set[InspectionId]) -> None:
        for row in range(self.inspection_model.rowCount()):
            item = self.inspection_model.item(row)
            item.setCheckState(Qt.CheckState.Checked if item.data(ID_ROLE) in ids
                               else Qt.CheckState.Unchecked)

    def _kind_changed(self, *, initial: bool = False) -> None:
        kind = self.kind.currentData()
        peel = kind == "peel"
        if not initial and self.item_ids is None:
            wanted = {i.id for i in self._inspections if is_peel(i) == peel}
            if wanted:
                self._check_inspections(wanted)
        self.period_view.setVisible(peel)
        self.periods_label.setVisible(peel)
        self.period.setVisible(not peel)
        self.period_label.setVisible(not peel)
        self._default_periods()

    def _default_periods(self) -> None:
        """PEEL matrix: every period up to the current one that rates these items."""
        current = self.period.currentData()
        items = self._chosen_items()
        upto = next((n for n, p in enumerate(self._periods) if p.id == current), len(self._periods) - 1)
        for n, period in enumerate(self._periods):
            rated = bool(self._rated.get(period.id, set()) & items)
            on = n == upto or (n < upto and rated)
            self.period_model.item(n).setCheckState(Qt.CheckState.Checked if on
                                                    else Qt.CheckState.Unchecked)

    def _chosen_inspections(self) -> list[InspectionId]:
        return [self.inspection_model.item(r).data(ID_ROLE) for r in range(self.inspection_model.rowCount())
                if self.inspection_model.item(r).checkState() == Qt.CheckState.Checked]

    def _chosen_items(self) -> set[ItemId]:
        inspections = set(self._chosen_inspections())
        items = {i for i, ins in self._item_inspection.items() if ins in inspections}
        if self.item_ids is not None and self.only_shown.isChecked():
            items &= set(self.item_ids)
        return items

    # -- drafts
    def report_period(self) -> PeriodId | None:
        """The period whose narratives and ratings the report prints (the matrix's last)."""
        periods = self.options().period_ids
        return periods[-1] if periods else None

    def drafts_in_report(self) -> list[ItemId]:
        """The items of the report whose assessment in its period is a carried-forward draft."""
        period = self.report_period()
        items = self._chosen_items()
        order = list(self._item_inspection)
        drafts = items & self._drafts.get(period, set()) if period is not None else set()
        return sorted(drafts, key=order.index)

    def _drafts_checked(self) -> bool:
        """Before a board paper is printed or exported with drafts in it: say how many and
        offer to go to them; True to go on printing."""
        drafts = self.drafts_in_report()
        if not drafts:
            return True
        label = next((p.label for p in self._periods if p.id == self.report_period()), "")
        answer = self.ask_about_drafts(len(drafts), len(self._chosen_items()), label)
        if answer == "anyway":
            return True
        if answer == "go":
            self.drafts_to_check = drafts
            self.reject()
        return False

    def _ask_about_drafts(self, drafts: int, items: int, period: str) -> str:
        verb = "Print" if self.action == "print" else "Export"
        many = drafts != 1
        box = QMessageBox(QMessageBox.Icon.Warning, self.windowTitle(),
                          f"{drafts} of the {items} items in this report "
                          f"{'are' if many else 'is a'} carried-forward draft{'s' if many else ''} "
                          f"in {period}, not yet confirmed.",
                          QMessageBox.StandardButton.Cancel, self)
        box.setInformativeText("They print as “Draft: carried forward…” and “AMBER (draft)”. "
                               "Check and confirm them first, or print them as drafts.")
        go = box.addButton("&Go to the Drafts", QMessageBox.ButtonRole.RejectRole)
        anyway = box.addButton(f"{verb} &Anyway", QMessageBox.ButtonRole.AcceptRole)
        box.setDefaultButton(go)
        box.exec()
        clicked = box.clickedButton()
        return "go" if clicked is go else "anyway" if clicked is anyway else "cancel"

    # -- result
    def options(self) -> ReportOptions:
        kind = self.kind.currentData()
        if kind == "peel":
            periods = tuple(self.period_model.item(r).data(ID_ROLE)
                            for r in range(self.period_model.rowCount())
                            if self.period_model.item(r).checkState() == Qt.CheckState.Checked)
        else:
            periods = (self.period.currentData(),) if self.period.currentData() is not None else ()
        item_ids = (tuple(self.item_ids) if self.item_ids is not None and self.only_shown.isChecked()
                    else None)
        return ReportOptions(kind=kind, inspection_ids=tuple(self._chosen_inspections()),
                             item_ids=item_ids, period_ids=periods,
                             marking=self.marking.currentData(), paper=self.paper.currentData(),
                             meeting=self.meeting.text().strip() or None,
                             document_owner=self.owner.text().strip(),
                             team=self.team.text().strip(), summary=self.summary.isChecked(),
                             changes_since=(self.changes_since.currentData()
                                            if self.changes.isChecked() else None))

    def accept(self) -> None:
        if not self._chosen_inspections():
            self.problem.setText("Choose at least one inspection.")
            return
        if not self._chosen_items():
            self.problem.setText("None of the items shown belong to the chosen inspections.")
            return
        if not self._periods:
            self.problem.setText("There are no reporting periods yet: add one before printing.")
            return
        if self.kind.currentData() == "peel" and not self.options().period_ids:
            self.problem.setText("Choose at least one period for the matrix.")
            return
        options = self.options()
        if options.changes_since is not None and options.period_ids:
            position = {p.id: n for n, p in enumerate(self._periods)}
            if position[options.changes_since] >= max(position[p] for p in options.period_ids):
                self.problem.setText("Show changes since a period before the report's period.")
                return
        if self.action in ("print", "pdf") and not self._drafts_checked():
            return
        if self.qsettings is not None:
            self.qsettings.setValue("reports/paper", self.paper.currentData())
        super().accept()


# ===================================================================== worker


class _Worker(QObject):
    """Builds the PDF on the worker thread with its own read-only Store connection."""

    progress = Signal(int, int)
    finished = Signal(str)
    failed = Signal(str, bool)  # message, cancelled

    def __init__(self, db_path: str, options: ReportOptions, target: str,
                 cancel: threading.Event) -> None:
        super().__init__()
        self.db_path, self.options, self.target, self.cancel = db_path, options, target, cancel

    def run(self) -> None:
        try:
            # the window has the file open already; a big one is checked with the daily backup
            with Store.open(self.db_path, read_only=True, quick_check=None) as store:
                build_report(store, self.options, self.target,
                             progress=lambda done, total: self.progress.emit(done, total),
                             cancelled=self.cancel.is_set)
        except ReportCancelled as e:
            self.failed.emit(str(e), True)
        except RagdeskError as e:
            self.failed.emit(str(e), False)
        except OSError as e:
            self.failed.emit(f"The report could not be written: {e.strerror or e}.", False)
        except Exception as e:  # noqa: BLE001 - shown to the user as a sentence, not a traceback
            self.failed.emit(f"The report could not be made ({type(e).__name__}: {e}).", False)
        else:
            self.finished.emit(self.target)


class ReportRun(QObject):
    """One report being built then shown, printed or saved; kept alive by its parent."""

    done = Signal(str)  # the PDF's path, after it has been handed to preview/print/save
    failed = Signal(str)

    def __init__(self, parent: QWidget | None, store: Storage, options: ReportOptions, *,
                 action: str, target: str | None = None) -> None:
        super().__init__(parent)
        self.window = parent
        self.action = action
        self.options = options
        self.finished = False
        self.error: str | None = None
        self.result: str | None = None
        self._tmpdir: str | None = None
        if target is None:
            self._tmpdir = tempfile.mkdtemp(prefix="ragdesk-report-")
            target = str(Path(self._tmpdir) / "Appendix 1.pdf")
        self.target = target
        self.cancel = threading.Event()
        self.progress = QProgressDialog("Building the report…", "Cancel", 0, 0, parent)
        self.progress.setWindowTitle("ragdesk")
        self.progress.setMinimumDuration(400)
        self.progress.setAutoClose(False)
        self.progress.setAutoReset(False)
        self.progress.canceled.connect(self.cancel.set)
        self.worker_thread = QThread(self)
        self.worker = _Worker(str(store.path), options, target, self.cancel)
        self.worker.moveToThread(self.worker_thread)
        self.worker_thread.started.connect(self.worker.run)
        self.worker.progress.connect(self._progress)
        self.worker.finished.connect(self._finished)
        self.worker.failed.connect(self._failed)

    def start(self) -> ReportRun:
        self.worker_thread.start()
        return self

    def wait(self, ms: int = 60_000) -> bool:
        return self.worker_thread.wait(ms)

    def stop(self) -> None:
        """Cancel a build still running and wait for its thread: the window is closing.

        A QThread destroyed while it runs aborts the whole program, so the window calls
        this before it goes; the build checks ``cancel`` between items and stops within
        a moment, leaving no half PDF (the report is written to a temporary name).
        """
        if self.finished:
            return
        self.cancel.set()
        with contextlib.suppress(TypeError, RuntimeError):  # signals already gone
            self.worker.finished.disconnect(self._finished)
            self.worker.failed.disconnect(self._failed)
        self.worker_thread.quit()
        self.worker_thread.wait()
        self.finished = True
        self.progress.hide()
        self._cleanup()

    def _progress(self, done: int, total: int) -> None:
        self.progress.setMaximum(total)
        self.progress.setValue(done)

    def _close_progress(self) -> None:
        self.worker_thread.quit()  # the worker's run() has returned; stop its event loop
        self.progress.reset()
        self.progress.hide()
        self.progress.deleteLater()

    def _failed(self, message: str, cancelled: bool) -> None:
        self._close_progress()
        self.worker_thread.wait()
        self.finished = True
        self.error = message
        if not cancelled:
            QMessageBox.warning(self.window, "ragdesk", message)
        self.failed.emit(message)
        self._cleanup()

    def _finished(self, path: str) -> None:
        self._close_progress()
        self.worker_thread.wait()
        self.finished = True
        self.result = path
        if self.action == "preview":
            dialog = PreviewDialog(self.window, path)
            dialog.destroyed.connect(lambda *_: self._cleanup())
            dialog.show()
            self.preview = dialog
        elif self.action == "print":
            print_pdf(self.window, path)
            self._cleanup()
        else:
            if self.window is not None and hasattr(self.window, "statusBar"):
                self.window.statusBar().showMessage(f"Saved the report to {path}", 8000)
        self.done.emit(path)

    def _cleanup(self) -> None:
        if self._tmpdir:
            shutil.rmtree(self._tmpdir, ignore_errors=True)
            self._tmpdir = None


# ===================================================================== preview and print


def _save_copy(parent: QWidget | None, source: str, suggestion: str = "Appendix 1.pdf") -> str | None:
    path, _ = QFileDialog.getSaveFileName(parent, "Save report as PDF", suggestion,
                                          "PDF documents (*.pdf)")
    if not path:
        return None
    if not path.lower().endswith(".pdf"):
        path += ".pdf"
    try:
        shutil.copyfile(source, path)
    except OSError as e:
        QMessageBox.warning(parent, "ragdesk", f"Could not save the report to {path}: "
                                               f"{e.strerror or e}.")
        return None
    return path


def print_pdf(parent: QWidget | None, path: str, *, printer: QPrinter | None = None,
              ask: bool = True) -> bool:
    """Print a PDF's pages on a printer the user picks (pages, copies, printer).

    Pages are rendered by QtPdf at the printer's resolution (capped at 300 dpi,
    enough for text and colour fills) and drawn to fit the printable area.
    """
    document = QPdfDocument(parent)  # type: ignore[arg-type]  # stub gap: parent may be None
    document.load(path)
    pages = document.pageCount()
    if pages <= 0:
        QMessageBox.warning(parent, "ragdesk", "The report could not be read for printing.")
        return False
    printer = printer or QPrinter(QPrinter.PrinterMode.HighResolution)
    first = document.pagePointSize(0)
    short, long = sorted((first.width(), first.height()))
    printer.setPageSize(QPageSize(QSizeF(short, long), QPageSize.Unit.Point, "",
                                  QPageSize.SizeMatchPolicy.FuzzyMatch))
    printer.setPageOrientation(QPageLayout.Orientation.Landscape if first.width() > first.height()
                               else QPageLayout.Orientation.Portrait)
    printer.setFullPage(True)  # the PDF has its own margins: print it 1:1
    printer.setFromTo(1, pages)
    if ask:
        dialog = QPrintDialog(printer, parent)
        dialog.setMinMax(1, pages)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            document.close()
            return False
    start, end = printer.fromPage() or 1, printer.toPage() or pages
    painter = QPainter()
    if not painter.begin(printer):
        QMessageBox.warning(parent, "ragdesk", "The printer could not be started.")
        document.close()
        return False
    try:
        dpi = min(printer.resolution(), 300)
        for n, page in enumerate(range(start - 1, min(end, pages))):
            if n:
                printer.newPage()
            size = document.pagePointSize(page)
            image = document.render(page, QSize(round(size.width() * dpi / 72),
                                                round(size.height() * dpi / 72)))
            area = QRectF(painter.viewport())
            scale = min(area.width() / image.width(), area.height() / image.height())
            target = QRectF(QPointF(0, 0), image.size().toSizeF() * scale)
            painter.drawImage(target, image)
    finally:
        painter.end()
        document.close()
    return True


class PreviewDialog(QDialog):
    """The report's pages as they will print, with Print and Save PDF."""

    def __init__(self, parent: QWidget | None, path: str) -> None:
        super().__init__(parent)
        self.path = path
        self.setWindowTitle("Print Preview – Appendix 1")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.document = QPdfDocument(self)
        self.document.load(path)
        self.view = QPdfView(self)
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setAccessibleName("Report pages")
        print_button = QPushButton("&Print…", self)
        print_button.clicked.connect(lambda: print_pdf(self, self.path))
        save_button = QPushButton("&Save PDF…", self)
        save_button.clicked.connect(lambda: _save_copy(self, self.path))
        whole = QPushButton("&Whole page", self)
        whole.clicked.connect(lambda: self.view.setZoomMode(QPdfView.ZoomMode.FitInView))
        width = QPushButton("Page &width", self)
        width.clicked.connect(lambda: self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth))
        close = QPushButton("Close", self)
        close.clicked.connect(self.close)
        self.pages = QLabel(f"{self.document.pageCount()} pages", self)
        bar = QHBoxLayout()
        for widget in (print_button, save_button, whole, width):
            bar.addWidget(widget)
        bar.addStretch(1)
        bar.addWidget(self.pages)
        bar.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.view, 1)
        self.resize(900, 1000)

    def closeEvent(self, event) -> None:  # noqa: N802, ANN001 - Qt's name
        # Close the document but leave it on the view: QPdfView.setDocument(None) hands the
        # null to its link model, and Qt warned "QObject::connect(QPdfDocument,
        # QPdfLinkModel): invalid nullptr parameter" (issue 19). View and document go
        # together with the dialog (WA_DeleteOnClose).
        self.document.close()
        super().closeEvent(event)


# ===================================================================== entry point


def _suggested_name(store: Storage, options: ReportOptions, suffix: str = ".pdf") -> str:
    periods = {p.id: p.label for p in store.periods()}
    period = periods.get(options.period_ids[-1], "") if options.period_ids else ""
    kind = "PEEL AFI update" if options.kind == "peel" else "Recommendations update"
    name = f"Appendix 1 - {kind}" + (f" - {period}" if period else "") + suffix
    folder = Path(str(store.path)).parent
    # A period label may hold "/" ("2024/25"): a dash, not a folder.
    return str(folder / safe_name(name.replace("/", "-"), default="Appendix 1.pdf"))


def open_report_dialog(parent: QWidget | None, store: Storage, *, action: str,
                       item_ids: list[ItemId] | None = None,
                       period_id: PeriodId | None = None) -> ReportRun | None:
    """Ask what to print, then preview, print or save it; None if the user cancels.

    The build runs in the background: the returned :class:`ReportRun` says when
    it is ``finished`` (and its ``result`` path or ``error``).
    """
    if action not in ACTIONS:
        raise ValueError(f"unknown report action {action!r}")
    dialog = ReportDialog(parent, store, action=action, item_ids=item_ids, period_id=period_id)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        go_to = getattr(parent, "show_drafts", None)
        if dialog.drafts_to_check and callable(go_to):
            go_to(dialog.drafts_to_check, dialog.report_period())
        return None
    options = dialog.options()
    target = None
    if action in ("pdf", "docx"):
        suffix, what = (".docx", "Word documents") if action == "docx" else (".pdf", "PDF documents")
        target, _ = QFileDialog.getSaveFileName(
            parent, f"Export report as {'Word' if action == 'docx' else 'PDF'}",
            _suggested_name(store, options, suffix), f"{what} (*{suffix})")
        if not target:
            return None
        if not target.lower().endswith(suffix):  # the suffix picks the format (build_report)
            target += suffix
    options = replace(options)
    return ReportRun(parent, store, options, action=action, target=target).start()
