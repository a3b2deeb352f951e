"""Issue 17 finding 7: opening evidence never runs a program, and names cannot disguise one.

Anyone with the database file can attach a file under any name. The view must never hand
a program, script or shortcut to the system's "open" (it offers Save a Copy instead), must
show names without the bidi characters that reorder them, and must write temporary copies
under names Windows accepts as files. Rich-text ``file:`` links are never live.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QUndoStack

from ragdesk import filenames, richtext
from ragdesk.store import Store
from ragdesk.ui.evidence_view import EvidenceView

RLO = "\u202e"


@pytest.fixture
def view(qtbot, sample_store: Store):
    widget = EvidenceView(QUndoStack())
    widget.messages = []  # type: ignore[attr-defined]
    widget.message.connect(widget.messages.append)  # type: ignore[attr-defined]
    widget.opened = []  # type: ignore[attr-defined]
    widget.open_url = lambda url: widget.opened.append(url) or True  # type: ignore[attr-defined]
    qtbot.addWidget(widget)
    item = next(r.id for r in sample_store.item_rows() if r.label == "Rec 13")
    widget.show_item(sample_store, item)
    widget.show()
    return widget


def _attach(view: EvidenceView, store: Store, name: str, data: bytes = b"MZ\x90\x00 payload") -> None:
    store.add_evidence(view.item_id, name, data)
    view.reload()
    row = next(r for r, e in enumerate(view.model.rows) if e.name == name)
    view.table.selectRow(row)


@pytest.mark.parametrize("name", [
    "payroll.exe", "run.bat", "x.CMD", "old.com", "a.hta", "a.js", "a.jse", "a.vbs", "a.vbe",
    "a.wsf", "a.wsh", "a.ps1", "a.psm1", "minutes.lnk", "site.url", "a.scf", "a.desktop",
    "setup.msi", "patch.msp", "a.jar", "a.reg", "a.cpl", "a.scr", "a.pif", "a.appref-ms",
    "a.application", "a.gadget", "a.msc", "a.sh", "a.app", "budget.xlsm",
    f"invoice{RLO}fdp.exe",  # shows as "invoiceexe.pdf" in a list that honours the override
    "report.pdf.exe", "report.exe. ", "report.EXE",
])
def test_programs_are_never_opened_and_save_a_copy_is_offered(qtbot, view, sample_store, tmp_path,
                                                              name):
    _attach(view, sample_store, name)
    asked: list[str] = []
    view.ask_save_instead = lambda text: asked.append(text) or True
    target = tmp_path / "checked-copy.bin"
    view.choose_save_path = lambda suggested: str(target)
    qtbot.mouseClick(view.open_button, Qt.MouseButton.LeftButton)
    assert view.opened == []  # the system's "open" was never called
    assert asked and "could run it" in asked[0] and RLO not in asked[0]
    assert target.read_bytes() == b"MZ\x90\x00 payload"  # Save a Copy… wrote it
    assert view.messages[-1].startswith("Saved a copy of")


def test_declining_save_a_copy_writes_nothing(qtbot, view, sample_store, tmp_path):
    _attach(view, sample_store, "tool.exe")
    view.ask_save_instead = lambda text: False
    view.choose_save_path = lambda suggested: pytest.fail("no save dialog after Cancel")
    view.open_selected()
    assert view.opened == []


def test_documents_still_open_from_a_temporary_copy(qtbot, view, sample_store):
    _attach(view, sample_store, "board minute.pdf", b"%PDF-1.4 minute")
    view.ask_save_instead = lambda text: pytest.fail("a PDF is not a program")
    opened = view.open_selected()
    assert len(view.opened) == 1 and isinstance(view.opened[0], QUrl)
    assert Path(opened[0]).read_bytes() == b"%PDF-1.4 minute"


def test_names_are_shown_without_bidi_controls(view, sample_store):
    name = f"invoice{RLO}fdp.exe"
    _attach(view, sample_store, name)
    row = next(r for r, e in enumerate(view.model.rows) if e.name == name)
    assert view.model.index(row, 0).data() == "invoicefdp.exe"
    assert RLO not in view.model.index(row, 0).data(Qt.ItemDataRole.ToolTipRole)


@pytest.mark.parametrize("name, written", [
    ("CON", "_CON"), ("nul.txt", "_nul.txt"), ("com1.pdf", "_com1.pdf"), ("LPT9.docx", "_LPT9.docx"),
    ("aux.tar.gz", "_aux.tar.gz"), ("PRN. ", "_PRN"), ("con .txt", "_con .txt"), ("COM¹.txt", "_COM¹.txt"),
    ("console.txt", "console.txt"), ("com10.pdf", "com10.pdf"),
    (f"a{RLO}b\u2066c\u200fd\u061ce.pdf", "abcde.pdf"), ("..\\..\\evil.pdf", "evil.pdf"),
    ("what?<>|*.pdf", "what_____.pdf"), ("tab\there.pdf", "tab_here.pdf"), ("...", "evidence"),
    ("trailing.pdf...   ", "trailing.pdf"),
])
def test_names_written_to_disk_are_windows_safe(name, written):
    assert filenames.safe_name(name) == written


def test_a_temporary_copy_of_a_reserved_name_is_a_plain_file(view, sample_store):
    _attach(view, sample_store, "NUL.txt", b"minutes")
    opened = view.open_selected()
    assert Path(opened[0]).name == "_NUL.txt" and Path(opened[0]).read_bytes() == b"minutes"


def test_file_links_are_never_live_in_stored_text_editor_or_print():
    assert "file:" not in richtext.ALLOWED_SCHEMES
    assert richtext.safe_href("file:///C:/Windows/System32/calc.exe") is None
    assert richtext.safe_href("FILE://server/share/x.pdf") is None
    stored = '<p>See <a href="file:///C:/evidence/minute.pdf">the minute</a>.</p>'
    assert richtext.sanitise(stored) == "<p>See the minute.</p>"  # an old link: plain text now
    (paragraph,) = richtext.parse(stored)  # what the editor and the reports read
    assert all(span.href is None for span in paragraph.spans)


def test_opening_again_while_a_viewer_holds_the_copy_reuses_it(qtbot, view, sample_store,
                                                              monkeypatch):
    """Windows: Word or Acrobat holding the first copy refuses any write to it (a sharing
    violation). Opening the same evidence again shows that copy instead of failing."""
    from windows_sim import SharingViolation

    _attach(view, sample_store, "board minute.pdf", b"%PDF-1.4 minute")
    first = view.open_selected()
    real_write = Path.write_bytes

    def held_by_viewer(self: Path, data: bytes) -> int:
        if self.exists():
            raise SharingViolation(str(self))
        return real_write(self, data)

    monkeypatch.setattr(Path, "write_bytes", held_by_viewer)
    again = view.open_selected()
    assert again == first and len(view.opened) == 2
    assert Path(again[0]).read_bytes() == b"%PDF-1.4 minute"
