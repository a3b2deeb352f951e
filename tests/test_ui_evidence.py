"""Evidence files of an item: attach (button and drop), open, save a copy, remove, undo."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent, QUndoStack

from ragdesk.store import Store
from ragdesk.ui.evidence_view import EvidenceView


@pytest.fixture
def view(qtbot, sample_store: Store):
    stack = QUndoStack()
    widget = EvidenceView(stack)
    widget.stack = stack  # type: ignore[attr-defined]
    widget.messages = []  # type: ignore[attr-defined]
    widget.message.connect(widget.messages.append)  # type: ignore[attr-defined]
    qtbot.addWidget(widget)
    item = next(r.id for r in sample_store.item_rows() if r.label == "Rec 13")
    widget.show_item(sample_store, item)
    widget.show()
    return widget


def minute(tmp_path: Path, name: str = "board minute <3> & co.pdf", size: int = 1000) -> Path:
    path = tmp_path / name
    path.write_bytes(b"%PDF-1.4 " + bytes(range(256)) * (size // 256 + 1))
    return path


def test_attach_remove_and_undo(qtbot, view, sample_store, tmp_path):
    path = minute(tmp_path)
    view.choose_files = lambda: [str(path)]
    qtbot.mouseClick(view.attach_button, Qt.MouseButton.LeftButton)
    files = sample_store.evidence(view.item_id)
    assert [e.name for e in files] == [path.name]
    assert view.model.rowCount() == 1
    assert view.model.index(0, 0).data() == path.name
    assert view.model.index(0, 2).data() == "tester"
    assert sample_store.evidence_data(files[0].id) == path.read_bytes()

    view.table.selectRow(0)
    qtbot.keyClick(view.table, Qt.Key.Key_Delete)
    assert sample_store.evidence(view.item_id) == []
    assert view.model.rowCount() == 0
    view.stack.undo()  # the removal
    view.reload()
    assert [e.id for e in sample_store.evidence(view.item_id)] == [files[0].id]
    assert sample_store.evidence_data(files[0].id) == path.read_bytes()
    view.stack.undo()  # the attachment
    assert sample_store.evidence(view.item_id) == []
    view.stack.redo()
    assert [e.id for e in sample_store.evidence(view.item_id)] == [files[0].id]
    view.reload()
    view.table.selectRow(0)
    qtbot.mouseClick(view.remove_button, Qt.MouseButton.LeftButton)
    assert sample_store.evidence(view.item_id) == []


def test_too_large_and_missing_files_give_messages(view, sample_store, tmp_path):
    sample_store.set_setting("evidence_limit_mb", "0.001")  # about 1 KB
    big = minute(tmp_path, "big.pdf", size=5000)
    assert view.attach_files([str(big), str(tmp_path / "gone.pdf")]) == 0
    assert "at most" in view.messages[-1] and "gone.pdf" in view.messages[-1]
    assert sample_store.evidence(view.item_id) == []


def test_drop_files_on_the_list(qtbot, view, sample_store, tmp_path):
    path = minute(tmp_path, "screenshot.png", 300)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    event = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime,
                       Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    view.table.dropEvent(event)
    assert [e.name for e in sample_store.evidence(view.item_id)] == ["screenshot.png"]


def test_open_writes_a_temporary_copy_and_save_a_copy(view, sample_store, tmp_path):
    path = minute(tmp_path, "minute.pdf")
    view.attach_files([str(path)])
    view.table.selectRow(0)
    opened: list[QUrl] = []
    view.open_url = lambda url: opened.append(url) or True
    temp = view.open_selected()
    assert len(opened) == 1 and Path(opened[0].toLocalFile()).read_bytes() == path.read_bytes()
    assert temp[0] != str(path)
    target = tmp_path / "copy" / "saved.pdf"
    target.parent.mkdir()
    view.choose_save_path = lambda name: str(target)
    assert view.save_selected() == [str(target)]
    assert target.read_bytes() == path.read_bytes()


def test_evidence_removed_by_someone_else(view, sample_store, tmp_path):
    path = minute(tmp_path)
    view.attach_files([str(path)])
    view.table.selectRow(0)
    sample_store.remove_evidence(sample_store.evidence(view.item_id)[0].id)
    assert view.open_selected() == []
    assert "removed" in view.messages[-1]


def test_model_passes_qt_checks(qtmodeltester, view, tmp_path):
    view.attach_files([str(minute(tmp_path, "a.pdf")), str(minute(tmp_path, "b.docx"))])
    qtmodeltester.check(view.model)


def test_write_a_note_beside_a_file_then_undo_it(qtbot, view, sample_store, tmp_path):
    """Double-click the Note cell, type, press Enter: saved (audited); Ctrl+Z puts it back.
    Double-click elsewhere still opens the file."""
    from PySide6.QtWidgets import QLineEdit

    from ragdesk.ui.evidence_view import NOTE_COLUMN

    path = minute(tmp_path)
    view.choose_files = lambda: [str(path)]
    view.attach_dialog()
    evidence = sample_store.evidence(view.item_id)[0]
    note = view.model.index(0, NOTE_COLUMN)
    rect = view.table.visualRect(note)
    # a click, then the double-click (QTest's double-click alone sets no pressed cell)
    qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert view.table.state() == view.table.State.EditingState
    editor = view.table.viewport().findChild(QLineEdit)
    assert editor is not None and editor.isVisible()
    editor.selectAll()
    qtbot.keyClicks(editor, "Star Chamber minute: closure agreed <Ñ> & signed")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    expected = "Star Chamber minute: closure agreed <Ñ> & signed"
    qtbot.waitUntil(lambda: sample_store.evidence(view.item_id)[0].note == expected)
    assert view.model.index(0, NOTE_COLUMN).data() == expected
    history = [e for e in sample_store.audit_log("evidence", evidence.id) if e.field == "note"]
    assert [(h.old, h.new) for h in history] == [("", expected)]
    view.stack.undo()
    assert sample_store.evidence(view.item_id)[0].note == ""
    view.stack.redo()
    assert sample_store.evidence(view.item_id)[0].note == expected

    opened: list[str] = []
    view.open_url = lambda url: opened.append(url.toLocalFile()) or True
    name = view.model.index(0, 0)
    centre = view.table.visualRect(name).center()
    qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    qtbot.mouseDClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    assert len(opened) == 1 and opened[0].endswith(".pdf")


def test_a_note_on_a_file_someone_removed_says_so(view, sample_store, tmp_path):
    path = minute(tmp_path)
    view.choose_files = lambda: [str(path)]
    view.attach_dialog()
    evidence = sample_store.evidence(view.item_id)[0]
    other = Store.open(sample_store.path)
    try:
        other.remove_evidence(evidence.id)
    finally:
        other.close()
    view._save_note(evidence.id, "", "too late")
    assert any("removed" in m for m in view.messages)
    assert view.model.rowCount() == 0
