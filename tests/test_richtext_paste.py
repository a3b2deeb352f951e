"""Pasting from Word: its private ``mso-`` style properties must not look like formatting."""

from __future__ import annotations

from ragdesk import richtext
from ragdesk.richtext import Paragraph, Span


def test_mso_bidi_weight_is_not_bold() -> None:
    pasted = ("<p class=MsoNormal><span style='mso-bidi-font-weight:bold;"
              "mso-bidi-font-style:italic'>plain words</span></p>")
    assert richtext.clean(pasted) == (Paragraph((Span("plain words"),)),)


def test_real_font_weight_and_style_still_count() -> None:
    pasted = ("<p><span style='font-family:Arial; font-weight: 700'>bold</span> "
              "<span style='color:red;font-style:italic'>italic</span></p>")
    assert richtext.clean(pasted) == (
        Paragraph((Span("bold", bold=True), Span(" "), Span("italic", italic=True))),)
