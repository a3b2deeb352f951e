"""File > New Inspection from Report… as a person uses it: choose the PDF, check, create, undo."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pypdf
import pytest
from PySide6.QtCore import Qt
from report_pdf_support import build_report, peel_report

from ragdesk.records import Identity
from ragdesk.store import Store
from ragdesk.ui import report_import_dialog
from ragdesk.ui.main_window import MainWindow
from ragdesk.ui.report_import_dialog import COL_KIND, COL_NOTE, ReportImportDialog


@pytest.fixture(scope="module")
def peel_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_report(tmp_path_factory.mktemp("peel") / "Essex PEEL.pdf", peel_report())


def _open_dialog(qtbot, window: MainWindow, monkeypatch, path: Path) -> ReportImportDialog:
    monkeypatch.setattr(report_import_dialog, "ask_pdf_path", lambda *_a: str(path))
    window.act_new_from_report.trigger()
    dialog = window.file_actions.report_import
    qtbot.waitUntil(lambda: dialog.reading is not None and dialog.reading.finished, timeout=20000)
    return dialog


def _row(dialog: ReportImportDialog, label: str) -> int:
    return next(n for n, r in enumerate(dialog.model.rows) if r.item.label == label)


def _click_tick(qtbot, dialog: ReportImportDialog, row: int) -> None:
    index = dialog.model.index(row, COL_KIND)
    dialog.table.scrollTo(index)
    rect = dialog.table.visualRect(index)
    # the check box sits at the left of the cell
    pos = rect.topLeft() + type(rect.topLeft())(10, rect.height() // 2)
    qtbot.mouseClick(dialog.table.viewport(), Qt.MouseButton.LeftButton, pos=pos)


def test_preview_untick_create_undo_redo(qtbot, window: MainWindow, monkeypatch, peel_pdf,
                                         sample_path: Path) -> None:
    before = len(window.store.inspections())
    dialog = _open_dialog(qtbot, window, monkeypatch, peel_pdf)
    assert dialog.model.rowCount() == 19
    assert dialog.title.text().startswith("PEEL 2021/22")
    assert dialog.published.text() == "30 September 2022"
    assert dialog.inspectorate.currentText() == "HMICFRS"
    shown = [dialog.model.data(dialog.model.index(r, 0)) for r in range(3)]
    assert shown == ["Cause of concern", "Recommendation", "Cause of concern"]
    afi5 = _row(dialog, "AFI 5")
    _click_tick(qtbot, dialog, afi5)
    assert not dialog.model.rows[afi5].checked
    assert "18 of 19 items" in dialog.summary.text()
    dialog.title.clear()
    qtbot.keyClicks(dialog.title, "Essex PEEL 2022")
    dialog.grab().save(str(Path(qtbot_tmp(sample_path)) / "report-import.png"))
    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)

    with Store.open(sample_path, identity=Identity("checker", "test")) as other:
        inspections = other.inspections()
        assert len(inspections) == before + 1
        new = inspections[-1]
        assert new.title == "Essex PEEL 2022" and new.published == dt.date(2022, 9, 30)
        labels = [i.label for i in other.items(new.id)]
        assert "AFI 5" not in labels and len(labels) == 18
    assert window.current_inspection == new.id  # selected in the tree
    index = window.tree.currentIndex()
    assert "Essex PEEL 2022" in str(index.data())

    window.undo_stack.undo()
    assert len(window.store.inspections()) == before
    window.undo_stack.redo()
    assert [i.label for i in window.store.items(new.id)] == labels


def qtbot_tmp(sample_path: Path) -> Path:
    return sample_path.parent


def test_cancel_writes_nothing(qtbot, window: MainWindow, monkeypatch, peel_pdf,
                               sample_path: Path) -> None:
    counts = window.store.counts()
    audit = len(window.store.audit_log())
    dialog = _open_dialog(qtbot, window, monkeypatch, peel_pdf)
    assert dialog.model.rowCount() == 19
    dialog.buttons.button(dialog.buttons.StandardButton.Cancel).click()
    with Store.open(sample_path, identity=Identity("checker", "test")) as other:
        assert other.counts() == counts
        assert len(other.audit_log()) == audit
    assert window.undo_stack.count() == 0


def test_edit_an_item_and_the_publication_date_before_creating(qtbot, window: MainWindow,
                                                              monkeypatch, peel_pdf) -> None:
    dialog = _open_dialog(qtbot, window, monkeypatch, peel_pdf)
    rec = _row(dialog, "Rec 1.1")
    dialog.published.clear()
    qtbot.keyClicks(dialog.published, "31/10/2022")
    dialog.published.editingFinished.emit()
    assert dialog.model.rows[rec].item.deadline.date == dt.date(2023, 4, 30)
    dialog.table.selectRow(_row(dialog, "AFI 3"))
    dialog.number.clear()
    qtbot.keyClicks(dialog.number, "3a")
    dialog.number.editingFinished.emit()
    qtbot.keyClicks(dialog.deadline, "31/12/2023")
    dialog.deadline.editingFinished.emit()
    dialog.text.selectAll()
    qtbot.keyClicks(dialog.text, "Rewritten & <checked> by the unit.")
    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    store = window.store
    new = store.inspections()[-1]
    assert new.published == dt.date(2022, 10, 31)
    items = {i.label: i for i in store.items(new.id)}
    assert items["Rec 1.1"].deadline.date == dt.date(2023, 4, 30)
    assert items["AFI 3a"].deadline.date == dt.date(2023, 12, 31)
    assert items["AFI 3a"].text == "<p>Rewritten &amp; &lt;checked&gt; by the unit.</p>"


def test_a_password_protected_pdf_is_refused_and_nothing_written(
        qtbot, window: MainWindow, monkeypatch, peel_pdf, tmp_path, warnings) -> None:
    writer = pypdf.PdfWriter(clone_from=str(peel_pdf))
    writer.encrypt(user_password="secret", owner_password="o", algorithm="RC4-128")
    locked = tmp_path / "locked.pdf"
    with open(locked, "wb") as f:
        writer.write(f)
    counts = window.store.counts()
    dialog = _open_dialog(qtbot, window, monkeypatch, locked)
    assert dialog.model.rowCount() == 0
    assert any("password-protected" in w for w in warnings)
    assert not dialog.create_button.isEnabled()
    dialog.reject()
    assert window.store.counts() == counts


def test_pasted_text_fills_the_same_preview(qtbot, window: MainWindow, monkeypatch) -> None:
    monkeypatch.setattr(report_import_dialog, "ask_pdf_path", lambda *_a: None)
    window.act_new_from_report.trigger()
    dialog = window.file_actions.report_import
    qtbot.waitUntil(lambda: dialog.isVisible())
    text = ("Force report\n\nArea for improvement 1\nThe force needs to do more.\n\n"
            "Recommendation 2\nWith immediate effect, the force should:\n• act; and\n"
            "• report.\n")
    monkeypatch.setattr(report_import_dialog, "ask_pasted_text", lambda *_a: text)
    qtbot.mouseClick(dialog.paste_button, Qt.MouseButton.LeftButton)
    assert [r.item.label for r in dialog.model.rows] == ["AFI 1", "Rec 2"]
    assert dialog.model.data(dialog.model.index(1, COL_NOTE)) == ""
    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    new = window.store.inspections()[-1]
    assert new.title == "Force report"
    rec = window.store.items(new.id)[1]
    assert rec.deadline.immediate and "<ul><li>act; and</li><li>report.</li></ul>" in rec.text


def test_text_typed_just_before_choosing_another_row_is_kept(qtbot, window: MainWindow,
                                                            monkeypatch, peel_pdf) -> None:
    dialog = _open_dialog(qtbot, window, monkeypatch, peel_pdf)
    first = _row(dialog, "AFI 1")
    dialog.table.selectRow(first)
    dialog.text.selectAll()
    qtbot.keyClicks(dialog.text, "Edited at once")
    dialog.table.selectRow(_row(dialog, "AFI 2"))  # before the edit timer fired
    assert dialog.model.rows[first].item.text == "<p>Edited at once</p>"
    assert "AFI 2" in dialog.detail.title()


def test_cancelling_the_reading_shows_nothing_and_says_nothing(qtbot, peel_pdf, warnings) -> None:
    dialog = ReportImportDialog()
    qtbot.addWidget(dialog)
    reading = report_import_dialog._Reading(dialog, str(peel_pdf), None)
    reading.cancel.set()  # as if Cancel was pressed on the progress dialog
    dialog.reading = reading.start()
    qtbot.waitUntil(lambda: reading.finished, timeout=20000)
    assert isinstance(reading.error, report_import_dialog._Reading.Cancelled)
    assert dialog.model.rowCount() == 0 and warnings == []
    assert dialog.open_button.isEnabled() and not dialog.create_button.isEnabled()


def test_a_refused_save_keeps_the_dialog_open_and_writes_nothing(
        qtbot, window: MainWindow, monkeypatch, peel_pdf, warnings) -> None:
    from ragdesk.errors import Locked
    from ragdesk.importing import pdf_report

    dialog = _open_dialog(qtbot, window, monkeypatch, peel_pdf)
    counts = window.store.counts()

    def locked(*_args, **_kwargs):
        raise Locked("unit.db", "The file is locked: Jo Bloggs is saving.")

    monkeypatch.setattr(pdf_report, "create_inspection", locked)
    dialog.title.setText("My edited title")
    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and dialog.title.text() == "My edited title"
    assert any("Nothing was created" in w and "locked" in w for w in warnings)
    assert window.store.counts() == counts and window.undo_stack.count() == 0


def test_file_import_of_a_pdf_opens_the_report_preview(qtbot, window: MainWindow,
                                                       peel_pdf: Path) -> None:
    """File > Import… takes every kind of file: a published report goes to its own preview."""
    assert window.file_actions.import_file(str(peel_pdf)) is None  # no records preview for a PDF
    dialog = window.file_actions.report_import
    assert isinstance(dialog, ReportImportDialog) and dialog.isVisible()
    qtbot.waitUntil(lambda: dialog.reading is not None and dialog.reading.finished, timeout=20000)
    assert dialog.model.rowCount() == 19
    dialog.reject()
