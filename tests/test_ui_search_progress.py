"""The first search on a file makes this computer's index, saying so in the status bar (issue 16)."""

from __future__ import annotations

import os
from pathlib import Path

from ragdesk.store import Identity, Store


def test_the_first_search_says_it_is_preparing_then_finds(qtbot, window) -> None:
    window._stop_daily_backup()  # its copy would make the index in the background first
    messages: list[str] = []
    window.statusBar().messageChanged.connect(messages.append)
    qtbot.keyClicks(window.filter_bar.text, "Pershore")
    window.filter_bar.apply_now()
    preparing = [m for m in messages if m.startswith("Preparing search…")]
    assert preparing[0] == "Preparing search… 0 %" and preparing[-1] == "Preparing search… 100 %"
    said = [m for m in messages if m.startswith(("Preparing search", "Search is ready"))]
    assert said[-1].startswith("Search is ready")  # then the filter's own news, if any
    with Store.open(window.store.path, read_only=True) as reader:
        expected = {r.id for r in reader.item_rows() if r.id in set(reader.search("Pershore"))}
    assert expected and set(window.tree_model.visible_item_ids()) == expected
    assert list(Path(os.environ["RAGDESK_CACHE_DIR"]).glob("*.search.sqlite"))


def test_later_searches_and_a_colleagues_save_need_no_preparing(qtbot, window) -> None:
    window._stop_daily_backup()
    qtbot.keyClicks(window.filter_bar.text, "Pershore")
    window.filter_bar.apply_now()
    item = window.tree_model.visible_item_ids()[0]
    period = window.store.periods()[-1].id
    with Store.open(window.store.path, identity=Identity("colleague", "PC-2")) as other:
        other.save_assessment(item_id=item, period_id=period, update="<p>Quokka census</p>")
    messages: list[str] = []
    window.statusBar().messageChanged.connect(messages.append)
    window.filter_bar.text.clear()
    qtbot.keyClicks(window.filter_bar.text, "quokka")
    window.filter_bar.apply_now()
    assert window.tree_model.visible_item_ids() == [item]
    assert not [m for m in messages if m.startswith("Preparing search")]


def test_a_colleagues_change_to_every_item_remakes_the_index_saying_so(qtbot, window) -> None:
    """With a search shown, a colleague deleting a period (every item's narratives of it go)
    makes the tree search again; the index is made again, and the status bar says so."""
    from PySide6.QtWidgets import QApplication

    window._stop_daily_backup()
    qtbot.keyClicks(window.filter_bar.text, "Pershore")
    window.filter_bar.apply_now()
    shown = window.tree_model.visible_item_ids()
    assert shown
    messages: list[str] = []
    window.statusBar().messageChanged.connect(messages.append)
    with Store.open(window.store.path, identity=Identity("colleague", "PC-2")) as other:
        fullest = max(other.periods(), key=lambda p: len(other.assessments(period_id=p.id)))
        assert len(other.assessments(period_id=fullest.id)) > 25  # more than one by one
        other.delete_period(fullest.id)
    assert window.bridge.poll()
    assert [m for m in messages if m.startswith("Preparing search…")][-1] == "Preparing search… 100 %"
    qtbot.waitUntil(lambda: QApplication.overrideCursor() is None)
    assert "Search is ready: later searches read only what changed." in messages
    with Store.open(window.store.path, read_only=True) as reader:
        assert set(window.tree_model.visible_item_ids()) == set(reader.search("Pershore"))
