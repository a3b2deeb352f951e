"""Issue 17 finding 10: markup that made Python's html.parser quadratic is read in one pass.

1 MB of "<!--" took 302 s to import (300 KB: 26 s) while the import held the file's
write lock, and pasting it froze the window. Each pattern runs in a child process
("spawn") that must finish within a generous bound (10 s on a shared 2-core box; the
new reader needs well under a second), so a regression fails in seconds instead of
hanging the suite. Speed figures belong in benchmarks; this only checks it completes.
"""

from __future__ import annotations

import multiprocessing

import pytest

from ragdesk import richtext

PATTERNS = ["<", "<!", "</", "<!--", "<a ", '<p a="', "<x", "<br>", "<span>x"]
MEGABYTE = 1_000_000
BOUND_SECONDS = 10


def _clean_and_sanitise(pattern: str) -> None:
    text = pattern * (MEGABYTE // len(pattern))
    richtext.sanitise(text)  # an import's path (stored form)
    richtext.clean(text)  # a paste's path (foreign HTML)


@pytest.mark.parametrize("pattern", PATTERNS)
def test_a_megabyte_of_adversarial_markup_is_read_in_bounded_time(pattern: str) -> None:
    context = multiprocessing.get_context("spawn")
    child = context.Process(target=_clean_and_sanitise, args=(pattern,))
    child.start()
    child.join(BOUND_SECONDS)
    still_running = child.is_alive()
    if still_running:
        child.kill()
        child.join()
    assert not still_running, f"1 MB of {pattern!r} took more than {BOUND_SECONDS} s"
    assert child.exitcode == 0


@pytest.mark.parametrize("text, kept", [
    ("a < b <= c <3 and 5>4", "a &lt; b &lt;= c &lt;3 and 5&gt;4"),  # "<" that starts nothing
    ("before <!-- never closed", "before "),  # as a browser: the rest is the comment
    ("before <b never closed", "before "),  # as a browser: the rest is inside the tag
    ('<a href="https://x.test/?a=1&amp;b=2" title="x>y">link</a>',
     '<a href="https://x.test/?a=1&amp;b=2">link</a>'),  # ">" inside a quoted value
    ("<script>if (a<b) alert(1)</script>after", "after"),  # raw text, never markup
    ("<![if !supportLists]>·<![endif]> item", "· item"),  # Word's list markers
    ("x<!---->y<!-->z", "xyz"),
    ("<a href=http://x.test/>link</a>", '<a href="http://x.test/">link</a>'),  # not self-closing
    ("a<br/>b<BR >c<br />d", "a<br/>b<br/>c<br/>d"),
])
def test_the_reader_reads_html_as_a_browser_does(text: str, kept: str) -> None:
    assert richtext.sanitise(text) == f"<p>{kept}</p>"


def test_pasting_a_megabyte_of_comment_openers_into_the_editor_finishes(qtbot) -> None:
    from PySide6.QtCore import QMimeData

    from ragdesk.ui.rich_editor import RichTextEdit

    editor = RichTextEdit()
    qtbot.addWidget(editor)
    editor.insertPlainText("kept ")
    mime = QMimeData()
    mime.setHtml("<p>pasted</p>" + "<!--" * (MEGABYTE // 4))
    editor.insertFromMimeData(mime)  # before the fix: minutes with the window frozen
    assert editor.toPlainText() == "kept pasted"


def test_a_narrative_over_the_size_limit_is_refused_in_the_editor_and_kept(
        qtbot, window, reader, warnings):
    from ragdesk import validate

    rec13 = next(r.id for r in window.store.item_rows() if r.label == "Rec 13")
    jul = window.store.period_by_label("Jul 2023").id
    before = window.store.assessment(item_id=rec13, period_id=jul).update
    assert window.select_item(rec13, jul)
    box = window.editor.update_box.editor
    paragraph = "<p>" + "The board agreed the plan and its funding. " * 25 + "</p>"
    pasted = paragraph * (validate.MAX_RICH_CHARS // len(paragraph) + 1)
    box.insert_document(richtext.parse(pasted))  # as a paste does
    assert not window.editor.flush()  # refused: the window stays on the text
    assert warnings and "at most 500,000" in warnings[-1]
    kept = box.stored()  # nothing pasted is lost
    assert len(kept) > validate.MAX_RICH_CHARS and kept.startswith(paragraph * 3)
    with reader() as db:
        assert db.assessment(item_id=rec13, period_id=jul).update == before
