"""A read that fails (the network drive goes mid-refresh) reaches the window as a RagdeskError:
the window stays up, says what happened, and keeps what the person typed."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from ragdesk.errors import RagdeskError
from ragdesk.records import Identity
from ragdesk.store import Store


class FailingReads:
    """The window's connection, with every SELECT failing as a dropped share makes it fail."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        object.__setattr__(self, "_conn", conn)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._conn, name)

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self._conn, name, value)

    def execute(self, sql: str, *args: Any) -> sqlite3.Cursor:
        if sql.lstrip().upper().startswith("SELECT"):
            raise sqlite3.OperationalError("disk I/O error")
        return self._conn.execute(sql, *args)


def colleague(path: Path) -> Store:
    return Store.open(path, identity=Identity("colleague", "pc2"))


def test_a_read_error_is_a_ragdesk_error(sample_store: Store, monkeypatch) -> None:
    monkeypatch.setattr(sample_store, "conn", FailingReads(sample_store.conn))
    with pytest.raises(RagdeskError, match=r"could not be read \(disk I/O error\)"):
        sample_store.item_rows()


def test_window_survives_a_failed_refresh_and_keeps_the_typing(
        qtbot, window, sample_path: Path, warnings: list[str], monkeypatch) -> None:
    store = window.store
    rows = store.item_rows()
    rec13 = next(r.id for r in rows if r.label == "Rec 13")
    jul = store.period_by_label("Jul 2023").id
    assert window.select_item(rec13, jul)
    box = window.editor.update_box.editor
    box.setFocus()
    box.moveCursor(box.textCursor().MoveOperation.End)
    qtbot.keyClicks(box, " Typed as the drive went.")

    with colleague(sample_path) as other:  # a colleague changes the lead of the item being edited
        other.update_item(rec13, lead="DCI Colleague")
    monkeypatch.setattr(store, "conn", FailingReads(store.conn))
    assert window.bridge.poll()  # the window notices the colleague's save and re-reads

    assert window.isVisible()
    message = window.statusBar().currentMessage()
    assert "could not be read (disk I/O error)" in message
    assert warnings == []
    assert box.toPlainText().endswith(" Typed as the drive went.")

    monkeypatch.undo()  # the drive is back: the typing is still there to save
    qtbot.keyClick(box, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    with colleague(sample_path) as check:
        assert check.assessment(item_id=rec13, period_id=jul).update.endswith(" Typed as the drive went.</p>")
        assert check.item(rec13).lead == "DCI Colleague"
