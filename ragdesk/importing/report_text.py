"""Finding the recommendations, areas for improvement and causes of concern in a report's text.

The input is the report as lines on pages (:class:`Line`): either what
:mod:`ragdesk.importing.pdf_text` read from a PDF (with layout hints: paragraph gaps,
headings) or text a user pasted (:func:`lines_from_text`, hints guessed from blank lines
and punctuation). Both go through :func:`parse_lines`, so a pasted report and a PDF of
it give the same items.

What a published report looks like, and what this module does about it:

- Each item is introduced by a line starting "Recommendation 3", "Area for improvement 2"
  (or "AFI 2") or "Cause of concern" (PEEL causes are often unnumbered), alone on its line
  or followed by ":" and the text. A sentence that mentions "Recommendation 3 asks..." in
  passing is not an item.
- An item's text is its first paragraph, the bullet list after it, and a further paragraph
  only where the wording carries on (a paragraph ending with ":" that introduces another
  list). What follows in a chapter is the inspectorate's own commentary, not the item.
- The summary list, the chapters and the annex repeat each item: one is kept (the
  longest text) and a note says where versions differ.
- A PEEL cause of concern carries its own recommendations (a "Recommendations" heading or
  numbered "Recommendation N" lines under it). The domain model has no parent link, so
  the cause is stored as an item of its own and each of its recommendations names it in
  its ``reference`` ("Cause of concern 1"); they follow it in the inspection's order.
- Deadlines come from the item's opening words: "By 30 April 2023, ...", "By March 2024"
  (the end of that month), "Within six months, ..." (from the publication date),
  "With immediate effect, ...", or none.
- Running headers and footers (a line repeated at the top or bottom of many pages), page
  numbers and footnote markers are dropped before anything else.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from .. import richtext
from ..domain import Deadline, ItemKind, parse_date

BULLETS = "•◦○▪▫●■□‣⁃∙·\x7f\uf0b7\uf0a7\uf0d8–-*"
_BULLET_RE = re.compile(rf"^\s*[{re.escape(BULLETS)}]\s+(?=\S)|^\s*[{re.escape(BULLETS[:-3])}](?=\S)")
_NUMBER = r"(\d{1,3}(?:\.\d{1,2})?[a-z]?)"
_MARKER_RE = re.compile(
    r"^(?P<kind>Recommendation|Areas? for improvement|AFI|Cause of concern)"
    rf"(?:\s+(?:no\.?\s*)?{_NUMBER})?"
    r"\s*(?:(?P<sep>[:.–—-])\s*(?P<rest>.*)"
    # a table row of an annex: "Recommendation 4   By 30 April 2023, chief constables..."
    r"|(?P<table>(?:By|Within|With immediate effect|Immediately)\b.*))?$")
_TERMINAL = (".", "!", "?", ":", ";")
_SUPERSCRIPTS = re.compile(r"[\u00b9\u00b2\u00b3\u2070-\u2079]+")
# a footnote number glued to the word before it: "adverse information.12 The..."
_GLUED_FOOTNOTE = re.compile(r"(?:(?<=[a-z][.,;:])|(?<=[a-z)’”']))(\d{1,3})(?=[\s).,;:]|$)")
_PAGE_NUMBER = re.compile(r"^(?:page\s+)?\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?$|^[ivxlc]{1,6}$",
                          re.IGNORECASE)
_SECTION_WORDS = re.compile(
    r"^(?:summary|contents|foreword|introduction|conclusions?|annex|appendix|chapter|part|"
    r"about (?:us|this|the)|recommendations?|areas for improvement|causes of concern|"
    r"our (?:findings|recommendations)|key findings|background|methodology|glossary|"
    r"terms of reference|next steps|overall|findings)\b", re.IGNORECASE)

_WORD_NUMBERS = {w: n for n, w in enumerate(
    ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
     "eleven", "twelve"))}
_DEADLINE_IMMEDIATE = re.compile(r"^(?:with immediate effect|immediately)\b", re.IGNORECASE)
_DEADLINE_DATE = re.compile(
    r"^(?:by|before|no later than)\s+(?:the\s+end\s+of\s+)?"
    r"(\d{1,2}(?:st|nd|rd|th)?\s+[A-Za-z]+\.?,?\s+\d{4})\b", re.IGNORECASE)
_DEADLINE_MONTH = re.compile(
    r"^(?:by|before|no later than)\s+(?:the\s+end\s+of\s+)?([A-Za-z]+)\s+(\d{4})\b",
    re.IGNORECASE)
_DEADLINE_WITHIN = re.compile(
    r"^within\s+(?:the\s+next\s+)?(\d{1,2}|[a-z]+)\s+(week|month|year)s?\b", re.IGNORECASE)
_MONTH_NAMES = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_MONTH_NAMES.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})


# =========================================================================== input


@dataclass(frozen=True, slots=True)
class Line:
    """One line of the report as read. ``None`` hints mean "not known" (pasted text)."""

    text: str
    page: int = 1
    gap_before: bool | None = None  # a paragraph's space above it
    heading: bool | None = None  # set in a heading's type (larger or bold)
    indented: bool | None = None  # starts right of the body's left edge (a bullet's wrap)


def lines_from_text(text: str) -> list[Line]:
    """Pasted text as lines: form feeds are page breaks, blank lines paragraph breaks.

    Without any blank line the paragraphs are unknown (``gap_before=None``) and the
    parser joins wrapped lines by their punctuation.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    has_blanks = re.search(r"\n[ \t]*\n", text) is not None
    lines: list[Line] = []
    for page_no, page in enumerate(text.split("\f"), start=1):
        gap = True
        bullet = ""
        for raw in page.split("\n"):
            if not raw.strip():
                gap = gap or not bullet
                continue
            if len(raw.strip()) == 1 and raw.strip() in BULLETS[:-3]:
                bullet = raw.strip() + " "  # a PDF reader copies a list's bullet on a line of its own
                continue
            lines.append(Line(bullet + raw, page_no, gap_before=gap if has_blanks else None))
            gap, bullet = False, ""
    return lines


# =========================================================================== output


@dataclass(frozen=True, slots=True)
class ParsedItem:
    """One item found, as it will be created (``text`` in the stored rich-text form)."""

    kind: ItemKind
    number: str
    text: str
    deadline: Deadline = Deadline()
    deadline_words: str = ""  # "Within six months": re-read when the publication date changes
    page: int = 1
    pages: tuple[int, ...] = ()  # every page a version of it was found on
    reference: str = ""  # "Cause of concern 1" for a cause's recommendations
    note: str = ""  # e.g. "versions differ (pages 4, 37)"

    @property
    def label(self) -> str:
        return f"{self.kind.short} {self.number}".strip()

    @property
    def plain(self) -> str:
        return richtext.to_plain(self.text)


@dataclass(frozen=True, slots=True)
class ParsedReport:
    title: str
    items: tuple[ParsedItem, ...]
    published: dt.date | None = None
    published_note: str = ""  # where the date came from, or why there is none
    inspectorate: str = "HMICFRS"
    kind: str = ""
    notes: tuple[str, ...] = ()
    pages: int = 0

    def counts(self) -> dict[str, int]:
        found = Counter(item.kind for item in self.items)
        return {kind.value: found[kind] for kind in ItemKind if found[kind]}


# =========================================================================== cleaning


def _norm(text: str) -> str:
    return " ".join(text.split())


def _shape(text: str) -> str:
    """A line with its digits blanked: "Page 12" and "Page 13" are the same running footer."""
    return re.sub(r"\d+", "#", _norm(text)).lower()


def strip_running_lines(lines: Sequence[Line], *, edge: int = 3) -> list[Line]:
    """Drop page numbers and running headers/footers.

    A line near the top or bottom of its page (within ``edge`` lines) is running text
    if the same line (digits aside) is near the edge of a quarter or more of the pages
    (and at least three), or if it is only a page number.
    """
    pages: dict[int, list[int]] = {}
    for i, line in enumerate(lines):
        pages.setdefault(line.page, []).append(i)
    near_edge: set[int] = set()
    for idx in pages.values():
        near_edge.update(idx[:edge])
        near_edge.update(idx[-edge:])
    seen: dict[str, set[int]] = {}
    for i in sorted(near_edge):
        if _marker(clean_text(lines[i].text)) or _BULLET_RE.match(lines[i].text):
            continue  # many pages start with "Recommendation N": an item, not a header
        seen.setdefault(_shape(lines[i].text), set()).add(lines[i].page)
    threshold = max(3, len(pages) // 4)
    running = {shape for shape, on in seen.items() if len(on) >= threshold}
    out = []
    for i, line in enumerate(lines):
        text = line.text.strip()
        if not text:
            continue
        if i in near_edge and (_PAGE_NUMBER.match(text) or (
                _shape(text) in running and not _marker(clean_text(text)))):
            continue
        out.append(line)
    return out


def clean_text(text: str, *, glued_markers: bool = True) -> str:
    """One line's words: no footnote markers, one space between words.

    ``glued_markers``: also drop a number stuck to the word before it ("information.12 "),
    which is how copied text shows a footnote; a PDF's markers are dropped by their size
    instead, so its text is left alone (e.g. "Covid19").
    """
    text = _SUPERSCRIPTS.sub("", text)
    if glued_markers:
        text = _GLUED_FOOTNOTE.sub("", text)
    return _norm(text.replace("\u00ad", "").replace("\ufb01", "fi").replace("\ufb02", "fl"))


# =========================================================================== blocks


@dataclass(slots=True)
class _Block:
    kind: str  # "para" | "bullet" | "heading" | "marker"
    text: str
    page: int
    item_kind: ItemKind | None = None
    number: str = ""


def _marker(text: str) -> tuple[ItemKind, str, str] | None:
    """("Recommendation 3: By ..." -> (RECOMMENDATION, "3", "By ...")), or None for prose."""
    m = _MARKER_RE.match(text)
    if not m:
        return None
    word = m["kind"].lower()
    number = m[2] or ""
    rest = (m["rest"] or m["table"] or "").strip()
    sep = m["sep"] or (" " if m["table"] else None)
    if m["table"] and not number:
        return None
    if word.startswith("areas") and number:
        return None  # "Areas for improvement 3" is not how an item is introduced
    if word == "areas for improvement":
        return None
    if not number and word in ("recommendation",) and not sep:
        return None  # a bare "Recommendation" heading: handled as a heading
    if sep == "." and rest and not number:
        return None
    kind = (ItemKind.RECOMMENDATION if word == "recommendation"
            else ItemKind.CAUSE_OF_CONCERN if word == "cause of concern" else ItemKind.AFI)
    return kind, number, rest


def _ends_sentence(text: str) -> bool:
    return text.rstrip().endswith(_TERMINAL)


def _looks_like_heading(line: Line, prev: Line | None, nxt: Line | None) -> bool:
    """A heading in pasted text: a short line without closing punctuation, set apart."""
    text = line.text.strip()
    if _ends_sentence(text) or len(text) > 70 or len(text.split()) > 10:
        return False
    if not (text[:1].isupper() or text[:1].isdigit()):
        return False
    if _SECTION_WORDS.match(text) and (prev is None or _ends_sentence(prev.text)
                                       or prev.gap_before is not None):
        return True
    if line.gap_before is not None:  # blank lines known: a heading stands alone
        return bool(line.gap_before) and (nxt is None or bool(nxt.gap_before))
    return False


def _blocks(lines: Sequence[Line]) -> list[_Block]:
    blocks: list[_Block] = []
    current: _Block | None = None
    prev: Line | None = None
    for n, line in enumerate(lines):
        text = clean_text(line.text, glued_markers=line.heading is None)
        if not text:
            continue
        nxt = lines[n + 1] if n + 1 < len(lines) else None
        found = _marker(text)
        bullet = _BULLET_RE.match(text)
        heading = line.heading if line.heading is not None else _looks_like_heading(line, prev, nxt)
        if (found is not None and line.heading is False and current is not None
                and current.kind == "para" and not _ends_sentence(current.text)):
            found = None  # "... as we set out in / Recommendation 3." wrapped in body type
        if found is not None:
            kind, number, rest = found
            blocks.append(_Block("marker", text, line.page, kind, number))
            current = None
            if rest:
                current = _Block("para", rest, line.page)
                blocks.append(current)
        elif bullet:
            current = _Block("bullet", text[bullet.end():].strip(), line.page)
            blocks.append(current)
        elif heading and not (line.heading is None and current is not None
                              and not _ends_sentence(current.text)
                              and not _SECTION_WORDS.match(text)):
            # (in pasted text a short line after an unfinished sentence is its wrapped end)
            blocks.append(_Block("heading", text, line.page))
            current = None
        elif current is not None and _continues(current, line, prev):
            sep = "" if current.text.endswith("-") and not current.text.endswith(" -") else " "
            current.text = current.text + sep + text
        else:
            current = _Block("para", text, line.page)
            blocks.append(current)
        prev = line
    return blocks


def _continues(block: _Block, line: Line, prev: Line | None) -> bool:
    """Whether ``line`` carries on the paragraph or bullet ``block``."""
    same_page = prev is not None and prev.page == line.page
    if line.gap_before is not None and same_page:
        if line.gap_before:
            return False
        if block.kind == "bullet" and line.indented is False:
            return False  # back at the body's left edge: a new paragraph after the list
        if block.kind == "bullet" and line.indented is None:
            return not _ends_sentence(block.text)
        return True
    # unknown layout (pasted text) or a page break: read the punctuation
    if block.kind == "bullet" and line.indented is False and same_page:
        return False
    if block.kind == "bullet" and line.indented is True:
        return True
    return not _ends_sentence(block.text) or line.text.strip()[:1].islower()


# =========================================================================== items


@dataclass(slots=True)
class _Occurrence:
    kind: ItemKind
    number: str
    blocks: list[_Block] = field(default_factory=list)
    page: int = 1
    cause_key: tuple[str, ...] | None = None


def _take_item(blocks: Sequence[_Block], start: int) -> tuple[list[_Block], int]:
    """The blocks from ``start`` that form one item's text, and the index after them."""
    taken: list[_Block] = []
    i = start
    while i < len(blocks):
        block = blocks[i]
        if block.kind in ("marker", "heading"):
            break
        if block.kind == "bullet":
            if taken and (taken[-1].kind == "bullet" or taken[-1].text.endswith(":")
                          or not _ends_sentence(taken[-1].text)):
                taken.append(block)
                i += 1
                continue
            if not taken:
                taken.append(block)
                i += 1
                continue
            break
        # a paragraph
        if not taken:
            taken.append(block)
        elif taken[-1].text.endswith(":") and taken[-1].kind == "para":
            taken.append(block)  # "... should:" then the rest of the sentence
        elif (block.text.endswith(":") and i + 1 < len(blocks)
              and blocks[i + 1].kind == "bullet"):
            taken.append(block)  # "As soon as possible after this, ... should:" + a list
        else:
            break
        i += 1
    return taken, i


def _is_recommendations_heading(block: _Block) -> bool:
    return block.kind == "heading" and re.fullmatch(
        r"recommendations?:?", block.text.strip(), re.IGNORECASE) is not None


def _starts_deadline(text: str) -> bool:
    return bool(_DEADLINE_IMMEDIATE.match(text) or _DEADLINE_DATE.match(text)
                or _DEADLINE_MONTH.match(text) or _DEADLINE_WITHIN.match(text))


def _occurrences(blocks: Sequence[_Block]) -> list[_Occurrence]:
    found: list[_Occurrence] = []
    cause: _Occurrence | None = None
    i = 0
    while i < len(blocks):
        block = blocks[i]
        if block.kind == "marker":
            assert block.item_kind is not None
            taken, i = _take_item(blocks, i + 1)
            occ = _Occurrence(block.item_kind, block.number, taken, block.page)
            if block.item_kind is ItemKind.CAUSE_OF_CONCERN:
                cause = occ
            elif block.item_kind is ItemKind.RECOMMENDATION and cause is not None:
                occ.cause_key = _key(cause)
            else:
                cause = None
            if taken:
                found.append(occ)
            if i < len(blocks) and blocks[i].kind == "para":
                cause = None  # commentary follows: a later recommendation is not the cause's
            continue
        if cause is not None and _is_recommendations_heading(block):
            # "Recommendations" under a cause: one recommendation per deadline-led paragraph
            i += 1
            first = True
            while i < len(blocks) and blocks[i].kind in ("para", "bullet"):
                if not first and not _starts_deadline(blocks[i].text):
                    break
                if blocks[i].kind == "bullet" and _starts_deadline(blocks[i].text):
                    # a list of recommendations, each with its own deadline
                    taken, i = [_Block("para", blocks[i].text, blocks[i].page)], i + 1
                else:
                    taken, i = _take_item(blocks, i)
                found.append(_Occurrence(ItemKind.RECOMMENDATION, "", taken, taken[0].page,
                                         cause_key=_key(cause)))
                first = False
            cause = None
            continue
        if block.kind == "heading":
            cause = None
        i += 1
    return found


def _doc(blocks: Sequence[_Block]) -> richtext.Document:
    out: list[richtext.Block] = []
    bullets: list[richtext.Inline] = []
    for block in blocks:
        if block.kind == "bullet":
            bullets.append((richtext.Span(block.text),))
            continue
        if bullets:
            out.append(richtext.ListBlock(False, tuple(bullets)))
            bullets = []
        out.append(richtext.Paragraph((richtext.Span(block.text),)))
    if bullets:
        out.append(richtext.ListBlock(False, tuple(bullets)))
    return tuple(out)


def _key(occ: _Occurrence) -> tuple[str, ...]:
    text = _norm(" ".join(b.text for b in occ.blocks)).lower()
    if occ.number:
        return (occ.kind.value, occ.number)
    # a cause's unnumbered recommendation by its own words: the cause's wording may differ
    # between the summary and the chapter, the recommendation's rarely does
    under = ("under a cause",) if occ.cause_key is not None else ()
    return (occ.kind.value, *under, re.sub(r"\W+", "", text)[:60])


# =========================================================================== deadlines


def _add_months(day: dt.date, months: int) -> dt.date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def read_deadline(plain: str, published: dt.date | None) -> tuple[Deadline, str, str]:
    """The deadline an item's opening words set: (deadline, the words, a note or "").

    "Within six months" needs the publication date; without one the deadline stays
    empty and the note says so.
    """
    text = plain.strip()
    m = _DEADLINE_IMMEDIATE.match(text)
    if m:
        return Deadline(immediate=True), m[0], ""
    m = _DEADLINE_DATE.match(text)
    if m:
        try:
            return Deadline(date=parse_date(m[1].replace(",", ""))), m[0], ""
        except ValueError:
            pass
    m = _DEADLINE_MONTH.match(text)
    if m and m[1].lower() in _MONTH_NAMES:
        year, month = int(m[2]), _MONTH_NAMES[m[1].lower()]
        end = dt.date(year, month, calendar.monthrange(year, month)[1])
        return Deadline(date=end), m[0], ""
    m = _DEADLINE_WITHIN.match(text)
    if m:
        amount = int(m[1]) if m[1].isdigit() else _WORD_NUMBERS.get(m[1].lower())
        if amount is None:
            return Deadline(), "", ""
        if published is None:
            return Deadline(), m[0], f"“{m[0]}” counts from the publication date, which is not known"
        unit = m[2].lower()
        if unit == "week":
            return Deadline(date=published + dt.timedelta(weeks=amount)), m[0], ""
        return Deadline(date=_add_months(published, amount * (12 if unit == "year" else 1))), m[0], ""
    return Deadline(), "", ""


def _merge_note(old: str, new: str) -> str:
    parts = [p for p in old.split("; ") if p]
    if new:
        parts.append(new)
    return "; ".join(parts)


# =========================================================================== the whole report


_PUBLISHED_RE = re.compile(r"(?:published|publication date|date of publication)\s*:?\s*(?:on\s+)?"
                           r"(\d{1,2}(?:st|nd|rd|th)?\s+[A-Za-z]+\s+\d{4})", re.IGNORECASE)
_DATE_LINE = re.compile(r"^(\d{1,2}(?:st|nd|rd|th)?\s+[A-Za-z]+\s+\d{4})$")
_MONTH_LINE = re.compile(r"^([A-Za-z]+)\s+(\d{4})$")


def find_published(lines: Sequence[Line], *, first_pages: int = 4) -> tuple[dt.date | None, str]:
    """The publication date printed on the report's first pages, and where it was found."""
    early = [line for line in lines if line.page <= first_pages]
    for line in early:
        m = _PUBLISHED_RE.search(line.text)
        if m:
            try:
                return parse_date(m[1]), f"page {line.page}: “{_norm(line.text)}”"
            except ValueError:
                pass
    for line in early:
        m = _DATE_LINE.match(_norm(line.text))
        if m:
            try:
                return parse_date(m[1]), f"page {line.page}: “{m[1]}”"
            except ValueError:
                pass
    for line in early:
        m = _MONTH_LINE.match(_norm(line.text))
        if m and m[1].lower() in _MONTH_NAMES and len(m[1]) > 3:
            return None, (f"page {line.page} gives only “{_norm(line.text)}”; "
                          "the exact publication date is needed")
    return None, "not found on the first pages"


def find_inspectorate(lines: Sequence[Line], *, first_pages: int = 4) -> str:
    text = " ".join(line.text for line in lines if line.page <= first_pages)
    if re.search(r"\bHMICS\b|Inspectorate of Constabulary in Scotland", text):
        return "HMICS"
    if re.search(r"\bHMI Probation\b|Inspectorate of Probation", text):
        return "HMI Probation"
    if re.search(r"\bHMCPSI\b|Crown Prosecution Service Inspectorate", text):
        return "HMCPSI"
    return "HMICFRS"


def parse_lines(lines: Sequence[Line], *, title: str = "",
                published: dt.date | None = None) -> ParsedReport:
    """Every item in the report, each once, with its deadline; the title and date found.

    ``published`` (the date the user gave) wins over a date printed in the report.
    """
    notes: list[str] = []
    kept = strip_running_lines(lines)
    if published is None:
        published, where = find_published(kept)
        published_note = where
    else:
        published_note = "as given"
    if not title:
        title = next((_norm(line.text) for line in kept if _norm(line.text)), "")
    occurrences = _occurrences(_blocks(kept))
    items = _merge(occurrences, published, notes)
    pages = max((line.page for line in lines), default=0)
    kind = "PEEL" if re.search(r"\bPEEL\b", title) else ""
    return ParsedReport(title=title[:300], items=tuple(items), published=published,
                        published_note=published_note, inspectorate=find_inspectorate(kept),
                        kind=kind, notes=tuple(notes), pages=pages)


def parse_text(text: str, *, title: str = "", published: dt.date | None = None) -> ParsedReport:
    """A report pasted as text (the same parser as a PDF's lines)."""
    return parse_lines(lines_from_text(text), title=title, published=published)


def _merge(occurrences: Iterable[_Occurrence], published: dt.date | None,
           notes: list[str]) -> list[ParsedItem]:
    """One item per key (the longest version), in the order they first appear; a cause's
    recommendations right after it."""
    groups: dict[tuple[str, ...], list[_Occurrence]] = {}
    for occ in occurrences:
        groups.setdefault(_key(occ), []).append(occ)
    cause_numbers: dict[tuple[str, ...], str] = {}
    used = {occs[0].number for occs in groups.values()
            if occs[0].kind is ItemKind.CAUSE_OF_CONCERN and occs[0].number}
    counter = 0
    for key, occs in groups.items():
        if occs[0].kind is ItemKind.CAUSE_OF_CONCERN:
            number = occs[0].number
            if not number:
                counter += 1
                while str(counter) in used:
                    counter += 1
                number = str(counter)
            cause_numbers[key] = number
    sub_counts: Counter[tuple[str, ...]] = Counter()
    parsed: dict[tuple[str, ...], ParsedItem] = {}
    for key, occs in groups.items():
        first = occs[0]
        versions = [(_doc(o.blocks), o) for o in occs]
        texts = [_norm(richtext.to_plain(d)) for d, _ in versions]
        best = max(range(len(versions)), key=lambda n: (len(texts[n]), -n))
        doc, occ = versions[best]
        number = cause_numbers.get(key, first.number)
        reference = ""
        if first.cause_key is not None:
            cause_no = cause_numbers.get(first.cause_key, "")
            reference = f"Cause of concern {cause_no}".strip()
            if not number:
                sub_counts[first.cause_key] += 1
                number = f"{cause_no}.{sub_counts[first.cause_key]}" if cause_no else ""
        plain = richtext.to_plain(doc)
        deadline, words, note = read_deadline(plain, published)
        item = ParsedItem(first.kind, number, richtext.to_html(doc), deadline, words,
                          page=occ.page, pages=tuple(sorted({o.page for o in occs})),
                          reference=reference)
        differing = sorted({o.page for t, (_d, o) in zip(texts, versions, strict=True)
                            if t != texts[best]})
        if differing:
            note = _merge_note(note, f"versions differ: kept the longest (page {occ.page}); "
                                     f"other wording on page{'s' if len(differing) > 1 else ''} "
                                     + ", ".join(map(str, differing)))
            notes.append(f"{item.label}: the text on page {occ.page} and on page"
                         f"{'s' if len(differing) > 1 else ''} {', '.join(map(str, differing))} "
                         "differ; the longest was kept.")
        parsed[key] = replace(item, note=note)
    ordered: list[ParsedItem] = []
    for key, occs in groups.items():
        if occs[0].cause_key is not None and occs[0].cause_key in groups:
            continue  # placed after its cause below
        ordered.append(parsed[key])
        if occs[0].kind is ItemKind.CAUSE_OF_CONCERN:
            ordered.extend(parsed[k] for k, o in groups.items() if o[0].cause_key == key)
    return ordered
