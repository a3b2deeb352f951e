"""Hypothesis strategies for rich-text documents, shared by the core and the editor tests."""

from __future__ import annotations

from hypothesis import strategies as st

from ragdesk.richtext import ListBlock, Paragraph, Span, Table


def documents(text: st.SearchStrategy[str], hrefs: st.SearchStrategy[str | None], *,
              max_blocks: int) -> st.SearchStrategy[tuple]:
    """Documents of paragraphs, lists and tables whose spans hold ``text`` with any format."""
    inline = st.lists(st.builds(Span, text, st.booleans(), st.booleans(), hrefs),
                      max_size=4).map(tuple)
    block = st.one_of(
        st.builds(Paragraph, inline),
        st.builds(ListBlock, st.booleans(), st.lists(inline, min_size=1, max_size=4).map(tuple)),
        st.builds(Table, st.lists(st.lists(inline, min_size=1, max_size=3).map(tuple),
                                  min_size=1, max_size=3).map(tuple), st.booleans()),
    )
    return st.lists(block, max_size=max_blocks).map(tuple)
