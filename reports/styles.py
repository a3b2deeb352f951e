"""Paragraph styles and colours shared by both reports.

One place for the look of the page so the two reports read as one family of
force documents: a sober sans-serif, dark navy headings, hairline grey rules.
"""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle

from . import content
from .fonts import register

# the palette is shared with the Word reports (content.py)
INK = colors.HexColor(content.INK)
NAVY = colors.HexColor(content.NAVY)
RULE = colors.HexColor(content.RULE)
LIGHT_RULE = colors.HexColor(content.LIGHT_RULE)
PANEL = colors.HexColor(content.PANEL)
HEADER_FILL = colors.HexColor(content.HEADER_FILL)
LINK = colors.HexColor(content.LINK)


def hex_colour(value: str | None, default: colors.Color = colors.white) -> colors.Color:
    """A colour from a stored "#RRGGBB"; a bad value gives ``default`` rather than a crash."""
    try:
        return colors.HexColor(value) if value else default
    except (ValueError, TypeError):
        return default


@dataclass(frozen=True)
class Styles:
    """The named paragraph styles of a report, at a given base size."""

    body: ParagraphStyle
    bullet: ParagraphStyle
    cell: ParagraphStyle
    cell_bold: ParagraphStyle
    cell_centre: ParagraphStyle
    cell_small: ParagraphStyle
    appendix: ParagraphStyle
    title: ParagraphStyle
    subtitle: ParagraphStyle
    heading: ParagraphStyle
    label: ParagraphStyle
    rag: ParagraphStyle
    mark: ParagraphStyle
    furniture: ParagraphStyle
    furniture_right: ParagraphStyle
    empty: ParagraphStyle


def make_styles(size: float = 10.0) -> Styles:
    regular, bold = register()
    lead = size * 1.32

    def ps(name: str, **kw: object) -> ParagraphStyle:
        base: dict[str, object] = dict(fontName=regular, fontSize=size, leading=lead,
                                       textColor=INK, splitLongWords=1, allowWidows=0,
                                       allowOrphans=0)
        base.update(kw)
        return ParagraphStyle(name, **base)

    return Styles(
        body=ps("body", spaceAfter=size * 0.6),
        bullet=ps("bullet", leftIndent=size * 1.6, bulletIndent=size * 0.4,
                  spaceAfter=size * 0.3, bulletFontName=regular),
        cell=ps("cell", spaceAfter=size * 0.35),
        cell_bold=ps("cell_bold", fontName=bold, spaceAfter=size * 0.35),
        cell_centre=ps("cell_centre", alignment=TA_CENTER, fontName=bold),
        cell_small=ps("cell_small", fontSize=size * 0.82, leading=size * 1.05, spaceAfter=0),
        appendix=ps("appendix", fontName=bold, fontSize=size * 1.2, leading=size * 1.6,
                    alignment=TA_RIGHT, spaceAfter=size * 0.8),
        title=ps("title", fontName=bold, fontSize=size * 1.5, leading=size * 1.95,
                 textColor=NAVY, spaceAfter=size * 0.7, alignment=TA_LEFT),
        subtitle=ps("subtitle", fontName=bold, fontSize=size * 1.1, leading=size * 1.45,
                    textColor=INK, spaceAfter=size * 0.3),
        heading=ps("heading", fontName=bold, fontSize=size * 1.3, leading=size * 1.7,
                   textColor=NAVY, spaceBefore=size * 1.2, spaceAfter=size * 0.5),
        label=ps("label", fontName=bold, spaceBefore=size * 0.4, spaceAfter=size * 0.3,
                 keepWithNext=1),
        rag=ps("rag", fontName=bold, alignment=TA_CENTER, fontSize=size * 0.95),
        mark=ps("mark", fontName=bold, alignment=TA_CENTER, fontSize=size * 1.5,
                leading=size * 1.7),
        furniture=ps("furniture", fontSize=size * 0.75, leading=size * 0.95),
        furniture_right=ps("furniture_right", fontSize=size * 0.75, leading=size * 0.95,
                           alignment=TA_RIGHT),
        empty=ps("empty", textColor=RULE, fontName=regular, spaceAfter=size * 0.6),
    )
