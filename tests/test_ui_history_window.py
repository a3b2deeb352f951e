"""The History dock in the real main window follows the selected item and others' saves."""

from __future__ import annotations

from pathlib import Path

from ragdesk.ui.history_view import attach_history_dock
from ragdesk.ui.main_window import MainWindow


def test_history_dock_follows_selection_and_colleagues(qtbot, window: MainWindow, reader,
                                                       sample_path: Path) -> None:
    dock = getattr(window, "history_dock", None) or attach_history_dock(window)
    dock.show()
    model = dock.widget().model
    first, second = window.store.items()[0], window.store.items()[1]
    window.select_item(second.id, window.current_period)
    qtbot.waitUntil(lambda: model.item_id == second.id)
    window.select_item(first.id, window.current_period)
    qtbot.waitUntil(lambda: model.item_id == first.id)
    with reader(user="ivan", host="PC-9") as colleague:
        colleague.update_item(first.id, lead="DCI Ivan")
    window.bridge.poll()
    qtbot.waitUntil(lambda: model.rowCount() > 0 and model.index(0, 1).data() == "ivan@PC-9")
    assert model.index(0, 4).data() == "DCI Ivan"
    window.resize(1200, 800)
    window.grab().save("/tmp/window_history.png")
