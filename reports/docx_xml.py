"""The few pieces of WordprocessingML python-docx has no API for, in one place.

python-docx writes paragraphs, runs, tables, styles, sections, headers and footers;
it has no call for these, which the Word reports need:

- cell and paragraph shading (``w:shd``): the rating cells' colours, the shaded panel
  round the inspectorate's words;
- table and paragraph borders (``w:tblBorders``, ``w:pBdr``) and cell margins
  (``w:tblCellMar``);
- a header row repeated on every page (``w:tblHeader``) and rows kept whole
  (``w:cantSplit``);
- fields (``w:fldChar``/``w:instrText``): "Page x of y" is ``PAGE`` and ``NUMPAGES``,
  which Word and LibreOffice work out when they lay the pages out;
- hyperlinks (``w:hyperlink`` with an external relationship);
- list numbering that restarts (``w:num`` with ``w:startOverride``): every numbered list
  of the template's "List Number" style would otherwise continue the previous one;
- a style's font for every script (``w:rFonts``), replacing the template's theme fonts
  (Calibri Light / Cambria) so every style is Arial, which every Windows PC has and
  LibreOffice replaces with the metric-compatible Liberation Sans.

Each function takes python-docx objects and adds the XML to them; nothing else in
ragdesk writes Word XML by hand.
"""

from __future__ import annotations

import re

from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.styles.style import BaseStyle
from docx.table import Table, _Cell, _Row
from docx.text.paragraph import Paragraph
from docx.text.run import Run

# XML 1.0 forbids these characters; python-docx raises on them, so text is cleaned first.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def xml_text(text: str) -> str:
    """``text`` without the characters XML cannot hold (control characters, lone surrogates)."""
    return _NOT_XML.sub("", text)


def _hex(colour: str) -> str:
    return colour.lstrip("#").upper()


# Word refuses a file whose property children are out of schema order, so elements are
# inserted at their place in these sequences (from the OOXML schema), never just appended.
_ORDER = {
    "w:pPr": ("w:pStyle", "w:keepNext", "w:keepLines", "w:pageBreakBefore", "w:framePr",
              "w:widowControl", "w:numPr", "w:suppressLineNumbers", "w:pBdr", "w:shd",
              "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap",
              "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi",
              "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing",
              "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection",
              "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle",
              "w:rPr", "w:sectPr", "w:pPrChange"),
    "w:tcPr": ("w:cnfStyle", "w:tcW", "w:gridSpan", "w:hMerge", "w:vMerge", "w:tcBorders",
               "w:shd", "w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign",
               "w:hideMark"),
    "w:trPr": ("w:cnfStyle", "w:divId", "w:gridBefore", "w:gridAfter", "w:wBefore", "w:wAfter",
               "w:cantSplit", "w:trHeight", "w:tblHeader", "w:tblCellSpacing", "w:jc",
               "w:hidden"),
    "w:tblPr": ("w:tblStyle", "w:tblpPr", "w:tblOverlap", "w:bidiVisual",
                "w:tblStyleRowBandSize", "w:tblStyleColBandSize", "w:tblW", "w:jc",
                "w:tblCellSpacing", "w:tblInd", "w:tblBorders", "w:shd", "w:tblLayout",
                "w:tblCellMar", "w:tblLook", "w:tblCaption", "w:tblDescription"),
    "w:numPr": ("w:ilvl", "w:numId"),
    "w:rPrDefault": ("w:rPr",),
    "w:docDefaults": ("w:rPrDefault", "w:pPrDefault"),
    "w:rPr": ("w:rStyle", "w:rFonts", "w:b", "w:bCs", "w:i", "w:iCs", "w:caps", "w:smallCaps",
              "w:strike", "w:dstrike", "w:outline", "w:shadow", "w:emboss", "w:imprint",
              "w:noProof", "w:snapToGrid", "w:vanish", "w:webHidden", "w:color", "w:spacing",
              "w:w", "w:kern", "w:position", "w:sz", "w:szCs", "w:highlight", "w:u"),
}


def _tag(element) -> str:
    ns, _, local = element.tag.partition("}")
    return ("w:" if ns.endswith("wordprocessingml/2006/main") else "?:") + local


def _place(parent, element) -> None:
    """Insert ``element`` into ``parent`` before the first child that must follow it."""
    order = _ORDER.get(_tag(parent))
    tag = _tag(element)
    if order and tag in order:
        later = set(order[order.index(tag) + 1:])
        for child in parent:
            if _tag(child) in later:
                child.addprevious(element)
                return
    parent.append(element)


def _child(parent, tag: str):
    """The ``tag`` child of ``parent``, created at its schema place when missing."""
    found = parent.find(qn(tag))
    if found is None:
        found = OxmlElement(tag)
        _place(parent, found)
    return found


def _set_shd(props, colour: str) -> None:
    for old in props.findall(qn("w:shd")):
        props.remove(old)
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), _hex(colour))
    _place(props, shd)


def shade_cell(cell: _Cell, colour: str) -> None:
    """Fill a table cell with ``colour`` ("#RRGGBB")."""
    tc_pr = cell._tc.get_or_add_tcPr()
    _set_shd(tc_pr, colour)


def shade_paragraph(paragraph: Paragraph, colour: str, *, left_rule: str | None = None,
                    rule_eighths: int = 18) -> None:
    """Fill a paragraph's background; with ``left_rule`` a rule down its left edge (a panel)."""
    p_pr = paragraph._p.get_or_add_pPr()
    if left_rule:
        borders = _child(p_pr, "w:pBdr")
        left = OxmlElement("w:left")
        left.set(qn("w:val"), "single")
        left.set(qn("w:sz"), str(rule_eighths))
        left.set(qn("w:space"), "6")
        left.set(qn("w:color"), _hex(left_rule))
        borders.append(left)
    _set_shd(p_pr, colour)


def rule_above(paragraph: Paragraph, colour: str, *, eighths: int = 4) -> None:
    """A thin line above a paragraph (the footer's rule)."""
    borders = _child(paragraph._p.get_or_add_pPr(), "w:pBdr")
    top = OxmlElement("w:top")
    for key, value in (("val", "single"), ("sz", str(eighths)), ("space", "4"),
                       ("color", _hex(colour))):
        top.set(qn(f"w:{key}"), value)
    borders.append(top)


def table_borders(table: Table, colour: str | None, *, eighths: int = 4,
                  inside: bool = True, bottom_only: str | None = None) -> None:
    """Every border of a table in ``colour`` (``None``: no borders at all).

    ``bottom_only`` draws just a bottom rule in that colour (the title block's line).
    """
    tbl_pr = table._tbl.tblPr
    for old in tbl_pr.findall(qn("w:tblBorders")):
        tbl_pr.remove(old)
    borders = OxmlElement("w:tblBorders")
    edges = ("top", "left", "bottom", "right", "insideH", "insideV")
    for edge in edges:
        element = OxmlElement(f"w:{edge}")
        if bottom_only and edge == "bottom":
            element.set(qn("w:val"), "single")
            element.set(qn("w:sz"), "12")
            element.set(qn("w:color"), _hex(bottom_only))
        elif colour is None or bottom_only or (not inside and edge.startswith("inside")):
            element.set(qn("w:val"), "nil")
        else:
            element.set(qn("w:val"), "single")
            element.set(qn("w:sz"), str(eighths))
            element.set(qn("w:color"), _hex(colour))
        borders.append(element)
    _place(tbl_pr, borders)


def cell_borders(cell: _Cell, colour: str | None, *, eighths: int = 4) -> None:
    """Override one cell's borders: ``None`` removes them (the gap between matrix halves);
    a colour and a width box the cell (the chosen rating's mark)."""
    tc_pr = cell._tc.get_or_add_tcPr()
    for old in tc_pr.findall(qn("w:tcBorders")):
        tc_pr.remove(old)
    borders = _child(tc_pr, "w:tcBorders")
    for edge in ("top", "left", "bottom", "right"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil" if colour is None else "single")
        if colour is not None:
            element.set(qn("w:sz"), str(eighths))
            element.set(qn("w:color"), _hex(colour))
        borders.append(element)


def cell_margins(table: Table, *, top: int = 40, bottom: int = 40, left: int = 80,
                 right: int = 80) -> None:
    """Default cell padding of a table, in twentieths of a point."""
    margins = _child(table._tbl.tblPr, "w:tblCellMar")
    for edge, value in (("top", top), ("left", left), ("bottom", bottom), ("right", right)):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:w"), str(value))
        element.set(qn("w:type"), "dxa")
        margins.append(element)


def repeat_header(row: _Row) -> None:
    """Repeat this (first) row at the top of every page the table runs onto."""
    tr_pr = row._tr.get_or_add_trPr()
    _child(tr_pr, "w:tblHeader").set(qn("w:val"), "true")


def keep_row_whole(row: _Row) -> None:
    """Never split this row across two pages (short rows such as the RAG row)."""
    tr_pr = row._tr.get_or_add_trPr()
    _child(tr_pr, "w:cantSplit").set(qn("w:val"), "true")


def add_field(paragraph: Paragraph, instruction: str, shown: str = "1") -> Run:
    """A field such as ``PAGE`` or ``NUMPAGES`` (``shown`` until the reader updates it)."""

    def char(kind: str) -> None:
        run = paragraph.add_run()
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        run._r.append(element)

    char("begin")
    run = paragraph.add_run()
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run._r.append(instr)
    char("separate")
    result = paragraph.add_run(shown)
    char("end")
    return result


def add_hyperlink(paragraph: Paragraph, url: str, text: str, *, colour: str,
                  bold: bool = False, italic: bool = False) -> None:
    """A clickable link to ``url`` showing ``text``, underlined in ``colour``."""
    r_id = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), r_id)
    run = OxmlElement("w:r")
    props = OxmlElement("w:rPr")
    for tag, on in (("w:b", bold), ("w:i", italic)):
        if on:
            props.append(OxmlElement(tag))
    color = OxmlElement("w:color")
    color.set(qn("w:val"), _hex(colour))
    props.append(color)
    underline = OxmlElement("w:u")
    underline.set(qn("w:val"), "single")
    props.append(underline)
    run.append(props)
    link.append(run)
    paragraph._p.append(link)
    # the run's text through python-docx, which turns "\n" and "\t" into breaks and tabs
    Run(run, paragraph).text = xml_text(text)


def restarted_list(paragraph: Paragraph, cache: dict[str, int] | None = None) -> int:
    """A new list numbering that starts again at 1, based on ``paragraph``'s list style.

    Returns the new ``numId``; give it to every item of the list with :func:`set_list`.
    ``cache`` (one dict per document) remembers the style's numbering and the last id, so
    a report with a thousand numbered lists does not re-read the numbering each time.
    """
    numbering = paragraph.part.numbering_part.element  # type: ignore[attr-defined]
    key = f"abstract:{paragraph._p.style}"
    if cache is None or key not in cache:
        style = paragraph.style
        num_id = None
        while style is not None and num_id is None:
            num_pr = style.element.find(f"{qn('w:pPr')}/{qn('w:numPr')}")
            if num_pr is not None and num_pr.find(qn("w:numId")) is not None:
                num_id = num_pr.find(qn("w:numId")).get(qn("w:val"))
            style = style.base_style
        abstract = None
        for num in numbering.findall(qn("w:num")):
            if num.get(qn("w:numId")) == num_id:
                abstract = num.find(qn("w:abstractNumId")).get(qn("w:val"))
        if abstract is None:
            raise ValueError("the paragraph's style has no list numbering")
        ids = [int(n.get(qn("w:numId"))) for n in numbering.findall(qn("w:num"))]
        cache = cache if cache is not None else {}
        cache[key] = int(abstract)
        cache.setdefault("last", max(ids, default=0))
    new_id = cache["last"] + 1
    cache["last"] = new_id
    num = OxmlElement("w:num")
    num.set(qn("w:numId"), str(new_id))
    abstract_ref = OxmlElement("w:abstractNumId")
    abstract_ref.set(qn("w:val"), str(cache[key]))
    num.append(abstract_ref)
    override = OxmlElement("w:lvlOverride")
    override.set(qn("w:ilvl"), "0")
    start = OxmlElement("w:startOverride")
    start.set(qn("w:val"), "1")
    override.append(start)
    num.append(override)
    numbering.append(num)  # after every w:abstractNum, as the schema wants
    return new_id


def set_list(paragraph: Paragraph, num_id: int, level: int = 0) -> None:
    """Make ``paragraph`` an item of list ``num_id`` (from :func:`restarted_list`)."""
    p_pr = paragraph._p.get_or_add_pPr()
    num_pr = _child(p_pr, "w:numPr")
    _child(num_pr, "w:ilvl").set(qn("w:val"), str(level))
    _child(num_pr, "w:numId").set(qn("w:val"), str(num_id))


def style_font(style: BaseStyle, name: str) -> None:
    """Set ``style``'s font for every script, dropping the template's theme-font references.

    A theme font (``w:asciiTheme``) wins over a named one, so setting ``font.name`` alone
    leaves Word's headings in Calibri Light.
    """
    r_pr = style.element.get_or_add_rPr()
    fonts = _child(r_pr, "w:rFonts")
    for key in list(fonts.attrib):
        if key.endswith("Theme"):
            del fonts.attrib[key]
    for attr in ("ascii", "hAnsi", "cs", "eastAsia"):
        fonts.set(qn(f"w:{attr}"), name)


def default_font(document, name: str, half_points: int) -> None:
    """The document-wide default font and size (``w:docDefaults``), for every script."""
    styles = document.styles.element
    defaults = _child(styles, "w:docDefaults")
    r_pr_default = _child(defaults, "w:rPrDefault")
    r_pr = _child(r_pr_default, "w:rPr")
    fonts = _child(r_pr, "w:rFonts")
    for key in list(fonts.attrib):
        del fonts.attrib[key]
    for attr in ("ascii", "hAnsi", "cs", "eastAsia"):
        fonts.set(qn(f"w:{attr}"), name)
    for tag in ("w:sz", "w:szCs"):
        _child(r_pr, tag).set(qn("w:val"), str(half_points))
    lang = r_pr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        r_pr.append(lang)  # the last child rPr can have among those used here
    lang.set(qn("w:val"), "en-GB")  # UK spelling for the spell checker
