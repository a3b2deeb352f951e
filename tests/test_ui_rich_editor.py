"""The rich-text editor: stored format -> QTextDocument -> stored format loses nothing (issue 3).

Property tests (hypothesis) load text and documents into a real ``RichTextEdit``
and read them back; the widget tests type, format and paste as a user would.
"""

from __future__ import annotations

import pytest
import strategies
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QMimeData, Qt
from PySide6.QtGui import QTextCursor

from ragdesk import richtext
from ragdesk.richtext import ListBlock, Paragraph, Span, Table
from ragdesk.ui.rich_editor import MIME_TYPE, RichTextEdit

# Anything a person can type or paste: every code point except surrogates and
# control characters (newline is typed with Enter, so it stays in).
TYPABLE = st.characters(exclude_categories=("Cs", "Cc"))
NASTY = st.sampled_from([
    "<", ">", "&", "&amp;", "*", "_", "#", "- ", "1. ", "<b>literal</b> & more", "\n", "\n\n",
    " ", "  ", "\xa0", "\u2028", "\u2029", "\ufdd0", "\ufdd1", "\ufffc", "\ufeff", "\u200b",
    "é", "🙂", "👩‍👧", "\u0301", "<!-- x -->", "<script>x</script>", "]]>", "\\", "`",
])
USER_TEXT = st.lists(st.one_of(st.text(TYPABLE, max_size=12), NASTY, st.just("\n")),
                     max_size=25).map("".join)

HREFS = st.sampled_from([None, None, "https://example.org/a?b=1&c=2", "mailto:lead@force.police.uk",
                         "http://x.test/<tag>", "file:///C:/evidence/minute.pdf",
                         "javascript:alert(1)"])
DOCUMENT = strategies.documents(USER_TEXT, HREFS, max_blocks=6)

PROPERTY = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


def expected(doc: tuple) -> tuple:
    """What reading ``doc`` back must give: normalised, and a lone empty paragraph is empty."""
    doc = richtext.normalise(doc)
    return () if doc == (Paragraph(()),) else doc


@pytest.fixture
def editor(qtbot) -> RichTextEdit:
    widget = RichTextEdit()
    qtbot.addWidget(widget)
    return widget


# --------------------------------------------------------------------------- properties


@PROPERTY
@given(text=USER_TEXT)
def test_any_typed_text_survives_store_editor_store(editor: RichTextEdit, text: str) -> None:
    stored = richtext.to_html(richtext.from_plain(text))
    editor.set_stored(stored)
    assert editor.stored() == stored
    assert richtext.to_plain(editor.stored()) == text.replace("\r\n", "\n").replace("\r", "\n")
    assert not editor.is_modified()


@PROPERTY
@given(doc=DOCUMENT)
def test_any_document_survives_load_and_read(editor: RichTextEdit, doc: tuple) -> None:
    editor.set_document(doc)
    assert editor.to_document() == expected(doc)
    stored = richtext.to_html(doc)
    editor.set_stored(stored)
    assert editor.stored() == stored


def test_the_issue_example_stays_literal(editor: RichTextEdit) -> None:
    text = "type <b>literal</b> & more"
    editor.set_stored(richtext.to_html(richtext.from_plain(text)))
    assert editor.toPlainText() == text
    assert editor.stored() == "<p>type &lt;b&gt;literal&lt;/b&gt; &amp; more</p>"


def test_long_text_survives(editor: RichTextEdit) -> None:
    line = "Vetting <level> & status – “quoted” 🙂 * _ # "
    text = "\n".join(f"{n}. {line * 20}" for n in range(400))  # about 360,000 characters
    stored = richtext.to_html(richtext.from_plain(text))
    editor.set_stored(stored)
    assert editor.stored() == stored


@pytest.mark.parametrize("text", ["", "\n", "\n\n", " ", "a  ", "  a", "\xa0", "\u2028", "\u2029",
                                  "a\u2029b", "\ufdd0\ufdd1", "- not a bullet", "# not a heading",
                                  "**not bold**", "a\n\n\nb"])
def test_edge_cases(editor: RichTextEdit, text: str) -> None:
    stored = richtext.to_html(richtext.from_plain(text))
    editor.set_stored(stored)
    assert editor.stored() == stored


def test_tables_next_to_empty_paragraphs(editor: RichTextEdit) -> None:
    cell = ((Span("x"),),)
    for doc in [
        (Table((cell,)),),
        (Paragraph(()), Table((cell,))),
        (Table((cell,)), Paragraph(())),
        (Table((cell,)), Paragraph(()), Paragraph(()), Table((cell,))),
        (Table((cell,)), Table((cell,))),
        (ListBlock(False, ((Span("a"),),)), Table((cell,)), ListBlock(False, ((Span("b"),),))),
        (Table((((Span("a"),), (Span("b"),)), ((Span("c"),),)), header=True),),  # ragged
    ]:
        editor.set_document(doc)
        assert editor.to_document() == expected(doc), doc


# --------------------------------------------------------------------------- as a user


def test_typing_bold_and_a_bullet_list(qtbot, editor: RichTextEdit) -> None:
    editor.show()
    editor.setFocus()
    qtbot.keyClicks(editor, "Plan ")
    qtbot.keyClick(editor, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(editor, "agreed")
    qtbot.keyClick(editor, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(editor, " <today> & more")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.keyClick(editor, Qt.Key.Key_8, Qt.KeyboardModifier.ControlModifier
                   | Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClicks(editor, "first")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.keyClicks(editor, "second")
    assert editor.stored() == ("<p>Plan <b>agreed</b> &lt;today&gt; &amp; more</p>"
                               "<ul><li>first</li><li>second</li></ul>")
    assert editor.is_modified()


def test_numbered_list_italic_and_line_break(qtbot, editor: RichTextEdit) -> None:
    editor.show()
    editor.setFocus()
    qtbot.keyClick(editor, Qt.Key.Key_7, Qt.KeyboardModifier.ControlModifier
                   | Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClick(editor, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(editor, "one")
    qtbot.keyClick(editor, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClicks(editor, "same item")
    assert editor.stored() == "<ol><li><i>one</i><br/>same item</li></ol>"


def test_ctrl_k_makes_a_link_and_refuses_javascript(qtbot, editor: RichTextEdit) -> None:
    problems: list[str] = []
    editor.on_problem = problems.append
    editor.show()
    editor.setFocus()
    qtbot.keyClicks(editor, "see dashboard")
    cursor = editor.textCursor()
    cursor.movePosition(QTextCursor.MoveOperation.StartOfWord, QTextCursor.MoveMode.KeepAnchor)
    editor.setTextCursor(cursor)
    editor.ask_link = lambda current: "javascript:alert(1)"
    qtbot.keyClick(editor, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    assert problems and editor.stored() == "<p>see dashboard</p>"
    editor.ask_link = lambda current: "example.org/dash?a=1&b=2"
    qtbot.keyClick(editor, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    assert editor.stored() == ('<p>see <a href="https://example.org/dash?a=1&amp;b=2">'
                               "dashboard</a></p>")


def test_insert_table_and_type_in_cells(qtbot, editor: RichTextEdit) -> None:
    editor.show()
    editor.setFocus()
    qtbot.keyClicks(editor, "Totals")
    qtbot.keyClick(editor, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier
                   | Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClicks(editor, "Status Text")
    qtbot.keyClick(editor, Qt.Key.Key_Right)
    qtbot.keyClicks(editor, "% Total")
    doc = editor.to_document()
    assert doc[0] == Paragraph((Span("Totals"),))
    assert doc[1] == Table((((Span("Status Text"),), (Span("% Total"),)), ((), ())), header=True)


def _word_html() -> str:
    return ("<html xmlns:o='urn:schemas-microsoft-com:office:office'><head><style>p.MsoNormal"
            "{margin:0}</style></head><body><!--StartFragment--><p class=MsoNormal>"
            "<span style='font-family:Arial'>Vetting&nbsp;update <b>agreed</b> at   the"
            "<o:p></o:p></span></p><ul><li class=MsoListParagraph><i>first</i> point</li>"
            "<li><a href='https://example.org/minutes'>minutes</a></li></ul>"
            "<p><img src='x.png'><script>alert(1)</script><font color=red>done</font></p>"
            "<!--EndFragment--></body></html>")


def test_paste_from_word_is_cleaned(editor: RichTextEdit) -> None:
    mime = QMimeData()
    mime.setHtml(_word_html())
    mime.setText("Vetting update agreed at the")
    editor.insertFromMimeData(mime)
    assert editor.stored() == richtext.to_html(richtext.clean(_word_html()))
    assert editor.stored() == ("<p>Vetting\xa0update <b>agreed</b> at the</p><ul><li><i>first</i> "
                               'point</li><li><a href="https://example.org/minutes">minutes</a>'
                               "</li></ul><p>done</p>")


def test_plain_text_paste_is_literal(editor: RichTextEdit) -> None:
    mime = QMimeData()
    mime.setText("- not a bullet\n<b>not bold</b>  &  two spaces")
    editor.insertFromMimeData(mime)
    assert editor.stored() == ("<p>- not a bullet</p><p>&lt;b&gt;not bold&lt;/b&gt;  &amp;  "
                               "two spaces</p>")


def test_copy_and_paste_inside_the_editor_is_exact(editor: RichTextEdit) -> None:
    doc = (Paragraph((Span("a  b", bold=True), Span(" <c>"))),
           ListBlock(True, ((Span("x"),), (Span("y", href="https://e.org"),))))
    editor.set_document(doc)
    editor.selectAll()
    mime = editor.createMimeDataFromSelection()
    assert mime.hasFormat(MIME_TYPE)
    editor.set_document(())
    editor.insertFromMimeData(mime)
    assert editor.to_document() == expected(doc)


def test_toggle_bullets_off_again(qtbot, editor: RichTextEdit) -> None:
    editor.set_stored("<ul><li>only</li></ul>")
    editor.toggle_bullets()
    assert editor.stored() == "<p>only</p>"
    editor.toggle_numbering()
    assert editor.stored() == "<ol><li>only</li></ol>"


def test_no_table_inside_a_table(editor: RichTextEdit) -> None:
    problems: list[str] = []
    editor.on_problem = problems.append
    editor.insert_table()
    editor.insert_table()
    assert problems
    assert len([b for b in editor.to_document() if isinstance(b, Table)]) == 1
