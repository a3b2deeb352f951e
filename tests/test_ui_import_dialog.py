"""File > Import…: the preview shows what a Word appendix or a tracker holds, unticked items
stay out, Cancel writes nothing, and one Undo takes the whole import back."""

from __future__ import annotations

from pathlib import Path

import pytest
from office_docs import peel_update_docx, sample_data, tracker_xlsx, update_report_docx
from PySide6.QtCore import QSettings, Qt

from ragdesk.store import Store
from ragdesk.ui.import_dialog import ImportDialog
from ragdesk.ui.main_window import MainWindow

VETTING, PEEL = sample_data()["inspections"]


@pytest.fixture
def window_file(tmp_path: Path) -> Path:
    """A new, empty file: what a unit imports its tracker into."""
    db = tmp_path / "unit.db"
    Store.create(db).close()
    return db


def _cells(dialog: ImportDialog, column: int) -> list[str]:
    m = dialog.model
    return [m.data(m.index(r, column)) for r in range(m.rowCount())]


def test_preview_shows_items_unticking_leaves_one_out_and_undo_removes_all(
        qtbot, window: MainWindow, tmp_path: Path, reader) -> None:
    doc = update_report_docx(tmp_path / "appendix.docx", VETTING)
    dialog = window.file_actions.import_file(str(doc))
    assert isinstance(dialog, ImportDialog)
    qtbot.addWidget(dialog)
    dialog.show()
    assert _cells(dialog, 1)[:3] == ["Rec 2", "Rec 3", "Rec 4"]
    assert dialog.model.rowCount() == 33
    assert _cells(dialog, 4)[:3] == ["GREEN", "GREEN", "GREEN"]  # the word, not only colour
    assert "new inspection" in dialog.summary.text()
    shown = dialog.detail.toPlainText()  # the selected item in full, narratives included
    assert "Recommendation 2" in shown and "Corevet, Centurion and CCU Intelligence" in shown
    dialog.grab().save(str(tmp_path / "preview.png"))

    # the file names no period: Import refuses until one is typed
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    edit = next(iter(dialog.period_edits.values()))
    edit.setText("Jul 2023")
    edit.editingFinished.emit()
    assert dialog.model.headerData(4, Qt.Orientation.Horizontal) == "Jul 2023"
    dialog.model.setData(dialog.model.index(0, 0), Qt.CheckState.Unchecked,
                         Qt.ItemDataRole.CheckStateRole)
    assert "32 new" in dialog.summary.text()
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.file_actions.import_task is not None and window.file_actions.import_task.finished,
                    timeout=20000)
    with reader(read_only=True) as db:
        items = db.items()
        assert len(items) == 32
        assert ("recommendation", "2") not in {(i.kind.value, i.number) for i in items}
        assert [p.label for p in db.periods()] == ["Jul 2023"]
    assert window.undo_stack.count() == 1

    window.undo_stack.undo()
    with reader(read_only=True) as db:
        assert db.counts()["items"] == 0 and db.inspections() == [] and db.periods() == []
    window.undo_stack.redo()
    with reader(read_only=True) as db:
        assert db.counts()["items"] == 32


def test_cancel_writes_nothing(qtbot, window: MainWindow, tmp_path: Path) -> None:
    doc = peel_update_docx(tmp_path / "peel.docx", PEEL)
    assert window.store is not None
    db_path = Path(window.store.path)
    before = db_path.read_bytes()
    dialog = window.file_actions.import_file(str(doc))
    assert isinstance(dialog, ImportDialog)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.model.rowCount() == 14
    dialog.tick_all(False)
    assert "0 new" in dialog.summary.text()
    dialog.tick_all(True)
    assert "14 new" in dialog.summary.text()
    assert [p for p in dialog.period_edits] == ["Jan 2024", "Jun 2024"]
    dialog.reject()
    assert window.file_actions.import_task is None
    assert db_path.read_bytes() == before


def test_spreadsheet_mapping_is_editable_and_remembered(
        qtbot, window: MainWindow, tmp_path: Path, settings: QSettings, reader) -> None:
    book = tracker_xlsx(tmp_path / "tracker.xlsx", VETTING)
    dialog = window.file_actions.import_file(str(book))
    assert isinstance(dialog, ImportDialog)
    qtbot.addWidget(dialog)
    assert dialog.mapping_box.isVisibleTo(dialog)
    lead = dialog.mapping_combos["lead"]
    assert lead.currentText() == "Lead Officer"
    # say the update column is not there: the narratives disappear from the preview
    update = dialog.mapping_combos["update"]
    update.setCurrentIndex(update.findData(-1))
    assert all(c == "" for c in _cells(dialog, 5))
    edit = next(iter(dialog.period_edits.values()))
    edit.setText("Jul 2023")
    edit.editingFinished.emit()
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.file_actions.import_task is not None and window.file_actions.import_task.finished,
                    timeout=20000)
    with reader(read_only=True) as db:
        assert db.counts()["items"] == 33
        assert all(not a.update for a in db.assessments())
    # the next file of this layout opens with the corrected mapping
    again = window.file_actions.import_file(str(book))
    assert isinstance(again, ImportDialog)
    qtbot.addWidget(again)
    assert again.mapping_combos["update"].currentData() == -1
    edit = next(iter(again.period_edits.values()))
    edit.setText("Jul 2023")
    edit.editingFinished.emit()
    assert again.model.data(again.model.index(0, 2)) == "unchanged"


def test_a_bad_file_is_refused_with_a_message(window: MainWindow, tmp_path: Path,
                                              warnings: list[str]) -> None:
    bad = tmp_path / "broken.docx"
    bad.write_bytes(b"PK\x03\x04 not really")
    assert window.file_actions.import_file(str(bad)) is None
    assert warnings and "not a readable Word document" in warnings[-1]


def test_a_json_export_is_added_after_a_question(qtbot, window: MainWindow, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch, reader) -> None:
    from PySide6.QtWidgets import QMessageBox

    from ragdesk.jsonio import export_json
    from ragdesk.sample import build_sample

    source = build_sample(tmp_path / "s.db")
    export = tmp_path / "unit.json"
    export.write_text(export_json(source), encoding="utf-8")
    source.close()
    asked: list[str] = []

    def question(_parent, _title, text, *args, **kwargs):
        asked.append(text)
        return QMessageBox.StandardButton.No if len(asked) == 1 else QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", question)
    assert window.file_actions.import_file(str(export)) is None  # answered No: nothing happens
    with reader(read_only=True) as db:
        assert db.counts()["items"] == 0
    window.file_actions.import_file(str(export))
    qtbot.waitUntil(lambda: window.file_actions.tasks and all(t.finished for t in window.file_actions.tasks), timeout=20000)
    with reader(read_only=True) as db:
        assert db.counts()["items"] == 47
    assert "unit.json" in asked[0]
