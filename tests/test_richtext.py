"""The stored rich-text subset: nothing a user types is lost or turned into markup."""

from __future__ import annotations

import re

import strategies
from hypothesis import given, settings
from hypothesis import strategies as st

from ragdesk import richtext as rt
from ragdesk.richtext import Paragraph, Span

# Any text a person can type: no surrogates, no control characters except newline.
_pieces = st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc"),
                                   blacklist_characters="\u2028\u2029"), max_size=20),
    st.sampled_from(["\n", "<", ">", "&", "*", "_", "#", "- ", "<b>", "&amp;", "]]>", " ", "\xa0"]),
)
typed_text = st.lists(_pieces, max_size=12).map("".join)
documents = strategies.documents(
    typed_text, st.sampled_from([None, "https://example.org/a?b=1&c=<2>", "mailto:x@y.uk"]),
    max_blocks=5)


@given(typed_text)
def test_plain_text_survives_storing_exactly(text: str) -> None:
    stored = rt.to_html(rt.from_plain(text))
    assert rt.to_plain(rt.parse(stored), bullets=False) == text.replace("\r\n", "\n")
    assert rt.to_html(rt.parse(stored)) == stored


@given(documents)
def test_any_document_survives_html_round_trip(doc: rt.Document) -> None:
    stored = rt.to_html(doc)
    assert rt.parse(stored) == rt.normalise(doc) or (stored == "" and rt.parse(stored) == ())
    assert rt.to_html(rt.parse(stored)) == stored


def test_markup_typed_by_a_user_stays_text() -> None:
    text = "type <b>literal</b> & more"
    stored = rt.to_html(rt.from_plain(text))
    assert stored == "<p>type &lt;b&gt;literal&lt;/b&gt; &amp; more</p>"
    assert rt.to_plain(stored) == text


def test_pasted_word_html_is_cleaned_to_the_subset() -> None:
    word = """<html xmlns:o="urn:schemas-microsoft-com:office:office"><head><style>p.MsoNormal{}</style>
    </head><body><p class=MsoNormal style='margin:0'><span style='font-weight:bold'>Status</span>
    update&nbsp;for <i>Rec 13</i><o:p></o:p></p>
    <ul><li><p>first</p></li><li>second<ul><li>nested</li></ul></li></ul>
    <table border=1><tr><td><b>Complete</b></td><td>6,311</td></tr></table>
    <script>alert('x')</script><a href="javascript:evil()">click</a></body></html>"""
    doc = rt.clean(word)
    stored = rt.to_html(doc)
    assert stored == (
        "<p><b>Status</b> update\xa0for <i>Rec 13</i></p>"
        "<ul><li>first</li><li>second</li><li>nested</li></ul>"
        "<table><tr><td><b>Complete</b></td><td>6,311</td></tr></table>"
        "<p>click</p>"
    )
    assert "alert" not in stored and "javascript" not in stored


def test_stored_text_keeps_spaces_and_line_breaks() -> None:
    doc = (Paragraph((Span("  two  spaces\nnext line "),)),)
    stored = rt.to_html(doc)
    assert stored == "<p>  two  spaces<br/>next line </p>"
    assert rt.parse(stored) == doc


def test_links_to_unsafe_schemes_are_dropped_but_text_kept() -> None:
    doc = rt.parse('<p><a href="javascript:alert(1)">x</a> <a href="https://gov.uk">y</a></p>')
    assert doc == (Paragraph((Span("x "), Span("y", href="https://gov.uk"))),)


def test_plain_text_of_lists_and_tables() -> None:
    stored = "<p>Intro</p><ol><li>a</li><li>b</li></ol><table><tr><th>Status</th><th>Total</th></tr></table>"
    assert rt.to_plain(stored) == "Intro\n1. a\n2. b\nStatus\tTotal"
    assert rt.is_empty("<p></p><p> </p>")
    assert not rt.is_empty(stored)


@settings(max_examples=300, deadline=None)
@given(strategies.documents(st.text(max_size=30), st.sampled_from([None, "https://example.org/a?b=1&c=<2>"]),
                 max_blocks=5))
def test_search_index_text_has_the_same_words_as_the_plain_text(doc) -> None:
    """``searchable`` (tags dropped, for re-indexing thousands of narratives) finds exactly
    the words ``to_plain`` (a full parse) finds, whatever the text and formatting."""
    stored = rt.to_html(doc)
    words = re.compile(r"\w+")
    assert words.findall(rt.searchable(stored)) == words.findall(rt.to_plain(stored, bullets=False))
