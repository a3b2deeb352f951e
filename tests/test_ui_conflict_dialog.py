"""The conflict dialog: each button returns what the user chose; nothing typed is lost."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QLabel

from ragdesk import richtext
from ragdesk.ui.conflict_dialog import ConflictDialog, resolve_conflict

MINE_RICH = "<p>Mine: <b>bold</b> &amp; &lt;tags&gt;</p><ul><li>one</li></ul>"
THEIRS_RICH = "<p>Theirs: <i>ital</i> — ünïcödé</p>"


def make(qtbot, rich: bool = True, **kw) -> ConflictDialog:
    args = dict(what="Update (Jun 2024)", mine=MINE_RICH if rich else "mine <x> & y",
                theirs=THEIRS_RICH if rich else "theirs\nline 2", theirs_by="alice@PC-7",
                theirs_at="2026-11-23 10:15", rich=rich)
    args.update(kw)
    dialog = ConflictDialog(None, **args)
    qtbot.addWidget(dialog)
    return dialog


def test_side_by_side_shows_both_texts_rendered(qtbot) -> None:
    dialog = make(qtbot)
    assert "Mine: bold & <tags>" in dialog.mine_view.toPlainText()
    assert "Theirs: ital — ünïcödé" in dialog.theirs_view.toPlainText()
    assert dialog.mine_view.isReadOnly() and dialog.theirs_view.isReadOnly()
    labels = " ".join(label.text() for label in dialog.findChildren(QLabel))
    assert "alice@PC-7" in labels and "2026-11-23 10:15" in labels


def test_keep_mine(qtbot) -> None:
    dialog = make(qtbot)
    qtbot.mouseClick(dialog.keep_mine_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == dialog.DialogCode.Accepted
    assert dialog.chosen == MINE_RICH


def test_keep_theirs(qtbot) -> None:
    dialog = make(qtbot)
    qtbot.mouseClick(dialog.keep_theirs_button, Qt.MouseButton.LeftButton)
    assert dialog.chosen == THEIRS_RICH


def test_cancel_returns_nothing(qtbot) -> None:
    dialog = make(qtbot)
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == dialog.DialogCode.Rejected
    assert dialog.chosen is None


def test_rich_merge_prefilled_with_both_and_editable(qtbot) -> None:
    dialog = make(qtbot)
    qtbot.mouseClick(dialog.merge_button, Qt.MouseButton.LeftButton)
    assert dialog.stack.currentIndex() == 1
    text = dialog.merge_edit.toPlainText()
    assert text.index("My version") < text.index("Mine: bold") < text.index("Their version") \
        < text.index("Theirs: ital")
    dialog.merge_edit.moveCursor(dialog.merge_edit.textCursor().MoveOperation.End)
    qtbot.keyClicks(dialog.merge_edit, " plus mine")
    qtbot.mouseClick(dialog.use_merged_button, Qt.MouseButton.LeftButton)
    merged = dialog.chosen
    assert merged is not None and merged == richtext.sanitise(merged)  # stored subset
    plain = richtext.to_plain(merged)
    assert "Mine: bold & <tags>" in plain and "Theirs: ital — ünïcödé plus mine" in plain
    assert "<b>bold</b>" in merged  # formatting survives the merge


def test_plain_merge_and_back(qtbot) -> None:
    dialog = make(qtbot, rich=False)
    qtbot.mouseClick(dialog.merge_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.back_button, Qt.MouseButton.LeftButton)
    assert dialog.stack.currentIndex() == 0
    qtbot.mouseClick(dialog.merge_button, Qt.MouseButton.LeftButton)
    assert "mine <x> & y" in dialog.merge_edit.toPlainText()
    dialog.merge_edit.setPlainText("settled: mine <x> & theirs")
    qtbot.mouseClick(dialog.use_merged_button, Qt.MouseButton.LeftButton)
    assert dialog.chosen == "settled: mine <x> & theirs"


def test_merge_cancel_keeps_editing(qtbot) -> None:
    dialog = make(qtbot, rich=False)
    qtbot.mouseClick(dialog.merge_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.merge_cancel_button, Qt.MouseButton.LeftButton)
    assert dialog.chosen is None and dialog.result() == dialog.DialogCode.Rejected


def _click_when_shown(attr: str) -> None:
    def click() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, ConflictDialog)
        getattr(dialog, attr).click()
    QTimer.singleShot(0, click)


def test_resolve_conflict_function(qtbot) -> None:
    kw = dict(what="Text", mine="a", theirs="b", theirs_by="bob@HOST", theirs_at="now", rich=False)
    _click_when_shown("keep_theirs_button")
    assert resolve_conflict(None, **kw) == "b"
    _click_when_shown("keep_mine_button")
    assert resolve_conflict(None, **kw) == "a"
    _click_when_shown("cancel_button")
    assert resolve_conflict(None, **kw) is None


def test_huge_text(qtbot) -> None:
    big = "<p>" + "x" * 200_000 + "</p>"
    dialog = make(qtbot, mine=big)
    qtbot.mouseClick(dialog.keep_mine_button, Qt.MouseButton.LeftButton)
    assert dialog.chosen == big
