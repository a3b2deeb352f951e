"""Reading a unit's Word update reports (.docx) into an :class:`ImportPlan`.

Two layouts are known, both from real appendices (docs/architecture.md, "Import"):

* **per-recommendation update report** (seed 000): a title naming the inspection, a RAG
  legend, then per item a "RAG Rating (please mark with an X)" box table, a heading
  ("Recommendation 7", "Area for improvement 2" — often a bold paragraph rather than a
  Heading style, sometimes a row of one big table), the item's text and the update.
  The box table stands *before* the heading it belongs to.
* **PEEL AFI performance update** (seed 004): a summary matrix (AFI | Area | one column
  per period | DoT, often twice side by side) whose ratings are frequently only the cell's
  shading, then one "Area | RAG / DoT | Update" table per AFI.

The body is first flattened into a stream of paragraphs, box ticks and data tables (rows
of one merged cell become paragraphs), so a layout written as loose paragraphs and one
written inside a big table read alike. Bullets come as Word lists or as typed characters
(``o``, ``•``, ``-``) and both become real lists.
"""

from __future__ import annotations

import colorsys
import datetime as dt
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import richtext
from ..domain import Deadline, ItemKind, parse_date
from ..errors import RagdeskError
from ..richtext import ListBlock, Paragraph, Span, Table
from . import check_size
from .plan import ImportPlan, PlanAssessment, PlanItem, PlanPeriod, derive_dot

RATING_WORDS = {"RED": "RED", "AMBER": "AMBER", "GREEN": "GREEN", "BLUE": "BLUE",
                "R": "RED", "A": "AMBER", "G": "GREEN", "B": "BLUE"}
RANKS = {"RED": 0, "AMBER": 1, "GREEN": 2, "BLUE": 3}
MARKS = {"x", "✓", "✗", "✔", "✘", "☒", "☑", "■", "*", "y", "yes", "√"}
HEADING = re.compile(r"^(recommendation|rec\.?|area for improvement|afi|cause of concern)\s+"
                     r"(\d+[a-z]?)\s*[:.]?$", re.IGNORECASE)
KINDS = {"recommendation": ItemKind.RECOMMENDATION, "rec": ItemKind.RECOMMENDATION,
         "rec.": ItemKind.RECOMMENDATION, "area for improvement": ItemKind.AFI,
         "afi": ItemKind.AFI, "cause of concern": ItemKind.CAUSE_OF_CONCERN}
# Typed bullets: "o ", "•", "-", "○", "▪", Symbol-font bullets (U+F0B7, U+F0A7) ...
TYPED_BULLET = re.compile(r"\s*(?:[•○◦▪▫·●\uf0b7\uf0a7\uf076\uf0d8]|[o–-](?=\s))\s*")
MAX_BYTES = 60 * 1024 * 1024


@dataclass
class Para:
    spans: tuple[Span, ...]
    is_list: bool = False

    @property
    def text(self) -> str:
        return "".join(s.text for s in self.spans).strip()


@dataclass
class Box:
    """A "please mark with an X" row: the rating marked, or None when none (or two) is."""

    rating: str | None


@dataclass
class DataTable:
    table: Table


Event = Para | Box | DataTable


# --------------------------------------------------------------------------- low level


def cell_fill(cell: Any) -> str | None:
    """The cell's shading colour as "RRGGBB", or None.

    python-docx has no API for shading: it is ``<w:tcPr><w:shd w:fill="FFC000"/>`` in the
    cell's XML (``w:val="clear"`` with the colour in ``fill``; ``w:val="solid"`` with it in
    ``color``; "auto" means none). A theme colour alone cannot be resolved: no rating.
    """
    tc_pr = cell._tc.tcPr
    if tc_pr is None:
        return None
    shd = tc_pr.find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}shd")
    if shd is None:
        return None
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    fill = shd.get(f"{w}fill")
    if shd.get(f"{w}val") == "solid":  # a solid pattern shows the pattern colour, not the fill
        fill = shd.get(f"{w}color") or fill
    if not fill or fill.lower() == "auto" or not re.fullmatch(r"[0-9A-Fa-f]{6}", fill):
        return None
    return str(fill.upper())


def rating_of_colour(hex_colour: str | None) -> str | None:
    """RED/AMBER/GREEN/BLUE for a fill colour by its hue; None for white, grey or black."""
    if not hex_colour:
        return None
    r, g, b = (int(hex_colour[i:i + 2], 16) / 255 for i in (0, 2, 4))
    h, s, v = colorsys.rgb_to_hsv(r, g, b)
    if s < 0.25 or v < 0.2:
        return None
    hue = h * 360
    if hue < 18 or hue >= 330:
        return "RED"
    if hue < 70:
        return "AMBER"
    if hue < 170:
        return "GREEN"
    if hue < 260:
        return "BLUE"
    return None


def rating_of_text(text: str) -> str | None:
    word = re.sub(r"[^A-Za-z]", "", text).upper()
    return RATING_WORDS.get(word)


def _spans(paragraph: Any) -> tuple[Span, ...]:
    from docx.text.hyperlink import Hyperlink

    out: list[Span] = []
    for part in paragraph.iter_inner_content():
        if isinstance(part, Hyperlink):
            href = part.address or None
            out.extend(Span(r.text, bool(r.bold), bool(r.italic), href) for r in part.runs)
        else:
            out.append(Span(part.text, bool(part.bold), bool(part.italic)))
    return richtext.normalise_inline(out)


def _is_word_list(paragraph: Any) -> bool:
    """Numbered/bulleted in Word, or in a list style ("List Bullet", "List Paragraph").

    The style id is read from the XML: python-docx's ``paragraph.style`` searches the
    styles part on every call, which made a 300-item appendix take seconds.
    """
    p_pr = paragraph._p.pPr
    if p_pr is None:
        return False
    if p_pr.numPr is not None:
        return True
    style = p_pr.pStyle
    return style is not None and (style.val or "").lower().startswith("list")


def _strip_typed_bullet(spans: tuple[Span, ...]) -> tuple[tuple[Span, ...], bool]:
    """Remove typed bullets ("o ", "•", "- ", also "- o ") at the start, even when the bullet
    is a run of its own; say whether there was one. A line that is only a dash stays."""
    text = "".join(s.text for s in spans)
    cut = 0
    while m := TYPED_BULLET.match(text, cut):
        if m.end() == cut or not text[m.end():].strip():
            break
        cut = m.end()
    if not cut:
        return spans, False
    out: list[Span] = []
    for s in spans:
        drop = min(cut, len(s.text))
        cut -= drop
        out.append(Span(s.text[drop:], s.bold, s.italic, s.href))
    return richtext.normalise_inline(out), True


def _para(paragraph: Any) -> Para:
    spans, typed = _strip_typed_bullet(_spans(paragraph))
    return Para(spans, is_list=typed or _is_word_list(paragraph))


def _split_lines(p: Para) -> list[Para]:
    """A paragraph with soft line breaks as one paragraph per line (headings hide in them)."""
    if not any("\n" in s.text for s in p.spans):
        return [p]
    lines: list[list[Span]] = [[]]
    for s in p.spans:
        pieces = s.text.split("\n")
        for n, piece in enumerate(pieces):
            if n:
                lines.append([])
            lines[-1].append(Span(piece, s.bold, s.italic, s.href))
    out = []
    for line in lines:
        spans, typed = _strip_typed_bullet(richtext.normalise_inline(line))
        out.append(Para(spans, p.is_list or typed))
    return out


def _unique_cells(row: Any) -> list[Any]:
    """A row's cells, a horizontally merged one once, from the row's own XML.

    python-docx's ``row.cells`` rebuilds the whole table's cell grid on every call (so
    reading a table row by row is quadratic) and repeats merged cells.
    """
    from docx.table import _Cell

    return [_Cell(tc, row.table) for tc in row._tr.tc_lst]


def _cell_paras(cell: Any) -> list[Para]:
    return [p for para in cell.paragraphs for p in _split_lines(_para(para)) if p.text]


def _box_rating(cells: list[Any]) -> Box | None:
    """A row "RED [ ] AMBER [ ] GREEN [x]" as a Box, else None."""
    texts = [c.text.strip() for c in cells]
    words = [n for n, t in enumerate(texts) if t.upper() in ("RED", "AMBER", "GREEN", "BLUE")]
    if len(words) < 2:
        return None
    marked = []
    for n in words:
        box = texts[n + 1] if n + 1 < len(texts) and n + 1 not in words else ""
        if box.lower() in MARKS or (box and len(box) <= 3):
            marked.append(texts[n].upper())
    return Box(marked[0] if len(marked) == 1 else None)


def _is_legend_row(texts: list[str]) -> bool:
    return len(texts) >= 2 and texts[0].upper() in ("RED", "AMBER", "GREEN", "BLUE") and len(texts[1]) > 25


def _richtable(table: Any) -> Table:
    rows = tuple(tuple(richtext.normalise_inline(
        [s for n, p in enumerate(_cell_paras(c)) for s in ((Span("\n"),) if n else ()) + p.spans])
        for c in _unique_cells(row)) for row in table.rows)
    if rows and all(s.bold for cell in rows[0] for s in cell if s.text.strip()):
        # the first row is the header: its bold is how headings look (ragdesk's Word
        # export and most hand-made tables), not emphasis to keep inside them
        rows = (tuple(tuple(Span(s.text, False, s.italic, s.href) for s in cell)
                      for cell in rows[0]), *rows[1:])
    return Table(rows, header=True)


FRONT_MATTER = re.compile(r"^(Summary|Changes since .+)$")


def report_blocks(document: Any) -> list[Any]:
    """The body's paragraphs and tables, less the front matter ragdesk's export may start with.

    ``ragdesk report --summary/--changes-since`` puts a "Summary" page and a "Changes since
    P" section (lists of items, counts per rating) before the report itself, which starts
    at "Appendix 1" (report 1's first line; inside the PEEL report's title table). Their
    item labels and rating words would otherwise read as items and X boxes.
    """
    blocks = list(document.iter_inner_content())
    first = next((b for b in blocks if not hasattr(b, "rows") and b.text.strip()), None)
    if first is None or not FRONT_MATTER.match(first.text.strip()):
        return blocks
    for n, block in enumerate(blocks):
        if hasattr(block, "rows"):
            if any(p.text.strip() == "Appendix 1" for row in block.rows
                   for c in _unique_cells(row) for p in c.paragraphs):
                return blocks[n:]
        elif block.text.strip() == "Appendix 1":
            return blocks[n:]
    return blocks


def events(blocks: list[Any]) -> Iterator[Event]:
    """The document body as paragraphs, box ticks and data tables, in reading order."""
    from docx.table import Table as DocxTable

    for block in blocks:
        if not isinstance(block, DocxTable):
            for p in _split_lines(_para(block)):
                if p.text:
                    yield p
            continue
        rows = [_unique_cells(r) for r in block.rows]
        texts = [[c.text.strip() for c in cells] for cells in rows]
        special = any(_box_rating(cells) or _is_legend_row(t) or len(cells) == 1
                      or any(HEADING.match(x) for x in t) for cells, t in zip(rows, texts, strict=True))
        if not special and len(rows) >= 1 and all(len(c) >= 2 for c in rows):
            yield DataTable(_richtable(block))
            continue
        for cells, t in zip(rows, texts, strict=True):
            box = _box_rating(cells)
            if box is not None:
                yield box
            elif _is_legend_row(t):
                continue
            else:
                for cell in cells:
                    yield from _cell_paras(cell)


# --------------------------------------------------------------------------- rich text


def to_rich(paras: Sequence[Para | DataTable]) -> str:
    """Paragraphs (list ones grouped into real lists) and tables as stored rich text."""
    blocks: list[Any] = []
    for p in paras:
        if isinstance(p, DataTable):
            blocks.append(p.table)
        elif p.is_list:
            if blocks and isinstance(blocks[-1], ListBlock):
                blocks[-1] = ListBlock(False, (*blocks[-1].items, p.spans))
            else:
                blocks.append(ListBlock(False, (p.spans,)))
        else:
            blocks.append(Paragraph(p.spans))
    return richtext.to_html(richtext.normalise(blocks))


def deadline_in(text: str) -> str | None:
    """The deadline an item's wording gives: "By 30 April 2023, ..." or "With immediate effect"."""
    plain = " ".join(text.split())
    if re.search(r"\bwith immediate effect\b", plain[:200], re.IGNORECASE):
        return Deadline(immediate=True).to_text()
    m = re.search(r"\bby\s+(\d{1,2}(?:st|nd|rd|th)?\s+[A-Za-z]+\s+\d{4})", plain[:200], re.IGNORECASE)
    if m:
        try:
            return parse_date(m[1]).isoformat()
        except ValueError:
            return None
    return None


# --------------------------------------------------------------------------- entry point


def open_document(path: Path) -> Any:
    import zipfile

    import docx

    check_size(path, MAX_BYTES, "an update report", " Remove pictures and try again.")
    try:
        with zipfile.ZipFile(path) as z:
            unpacked = sum(i.file_size for i in z.infolist())
        if unpacked > 8 * MAX_BYTES:
            raise RagdeskError(f"{path.name} unpacks to {unpacked // 2**20} MB: too large to import.")
        return docx.Document(str(path))
    except RagdeskError:
        raise
    except Exception as e:  # python-docx raises many kinds for a damaged package
        raise RagdeskError(f"{path.name} is not a readable Word document ({type(e).__name__}: "
                           f"{e}). Open it in Word and save it again as .docx.") from None


def read_docx(path: Path) -> ImportPlan:
    """Read either known layout; the plan's problems say what was skipped and why."""
    document = open_document(path)
    blocks = report_blocks(document)
    stream = list(events(blocks))
    tables = [b for b in blocks if hasattr(b, "rows")]
    plan = ImportPlan(source=path.name)
    header = [[c.text.strip() for c in _unique_cells(t.rows[0])] for t in tables if t.rows]
    if any(_matrix_columns(h) for h in header) or any(_is_afi_table_header(h) for h in header):
        _read_peel(tables, stream, plan)
    else:
        _read_update_report(stream, plan)
    plan.leave_out_repeats()
    if not plan.items:
        plan.problems.insert(0, "No recommendations or areas for improvement were found: the "
                                "document is in a layout ragdesk does not know.")
    return plan


# --------------------------------------------------------------------------- seed 000 layout


def _title(paras: list[Para]) -> str:
    for p in paras:
        m = re.search(r"report\s+['‘“\"](.+?)['’”\"]\s*$", p.text, re.IGNORECASE)
        if m:
            return m[1].strip()
    for p in paras:
        if len(p.text) > 20 and not p.text.lower().startswith(("appendix", "rag rating")):
            return p.text
    return ""


@dataclass
class _Draft:
    kind: ItemKind
    number: str
    rating: str | None
    text: list[Para | DataTable] = field(default_factory=list)
    update: list[Para | DataTable] = field(default_factory=list)
    in_update: bool = False


def _read_update_report(stream: list[Event], plan: ImportPlan) -> None:
    before: list[Para] = []
    drafts: list[_Draft] = []
    pending: Box | None = None
    current: _Draft | None = None
    for ev in stream:
        if isinstance(ev, Box):
            if current is not None and current.rating is None and not current.text:
                current.rating = ev.rating
            else:
                pending = ev
            continue
        if isinstance(ev, Para):
            m = HEADING.match(ev.text)
            if m:
                kind = KINDS[m[1].lower()]
                current = _Draft(kind, m[2], pending.rating if pending else None)
                if pending is None:
                    plan.problems.append(f"{kind.short} {m[2]}: no “mark with an X” box found "
                                         "for it; imported without a rating.")
                elif pending.rating is None:
                    plan.problems.append(f"{kind.short} {m[2]}: its box has no X (or more than "
                                         "one); imported without a rating.")
                pending = None
                drafts.append(current)
                continue
            if re.match(r"^rag ratings?\b", ev.text, re.IGNORECASE):
                continue
        if current is None:
            if isinstance(ev, Para):
                before.append(ev)
            continue
        _add_to_item(current, ev)
    if pending is not None and drafts:
        plan.problems.append("A “mark with an X” box at the end of the document belongs to no "
                             "item; it was ignored.")
    plan.inspection_title = _named(before, "inspection") or _title(before)
    plan.needs_period = True
    for d in drafts:
        text = to_rich(d.text)
        item = PlanItem(d.kind, d.number, text=text, deadline=deadline_in(richtext.to_plain(text)),
                        source=f"{d.kind.heading} {d.number}")
        fields = _sections(d.update)
        a = PlanAssessment(rag=d.rating, update=to_rich(fields["update"]),
                           intent_and_implementation=to_rich(fields["intent_and_implementation"]),
                           impact=to_rich(fields["impact"]))
        if not a.is_empty():
            item.assessments[""] = a
        if not d.text:
            plan.problems.append(f"{item.label}: no text found under its heading.")
        plan.items.append(item)
    period = _named(before, "reporting period")
    if period:  # ragdesk's own export names it: "Reporting period: Jun 2024  ·  For: P&RSB …"
        plan.name_period(period)
        if not plan.periods:
            plan.periods = [PlanPeriod(period)]
        plan.periods[0].meeting = _named(before, "for")


# What ragdesk's own Word export writes besides the document's content: the title
# block's "Label: value" pairs and the remarks standing in for a missing update
# (reports/content.py). Read as data, or left out of the narratives.
NAMED = re.compile(r"\s*(?:·|\u00b7)\s*")
EXPORT_NOTES = re.compile(r"^(No update recorded for .+\.|Draft: carried forward from an earlier "
                          r"period and not yet reviewed\.)$")


def _named(paras: list[Para], label: str) -> str:
    """The value after "Label:" in a title-block line ("Reporting period: Jun 2024  ·  For: …")."""
    for p in paras[:20]:
        for part in NAMED.split(p.text):
            name, sep, value = part.partition(":")
            if sep and name.strip().lower() == label and value.strip():
                return value.strip()
    return ""


def _sections(update: list[Para | DataTable]) -> dict[str, list[Para | DataTable]]:
    """The narrative split at the labels "Intent and Implementation" and "Impact" (report 1
    prints an item's PEEL fields under them); without labels it is all the update."""
    out: dict[str, list[Para | DataTable]] = {"update": [], "intent_and_implementation": [],
                                              "impact": []}
    field_name = "update"
    for ev in update:
        if isinstance(ev, Para):
            if EXPORT_NOTES.match(ev.text):
                continue
            label = SECTIONS.get(ev.text.rstrip(":").strip().lower())
            if label in ("intent_and_implementation", "impact") and len(ev.text) < 40:
                field_name = label
                continue
        out[field_name].append(ev)
    return out


def _add_to_item(d: _Draft, ev: Para | DataTable) -> None:
    """The item's wording comes first: one paragraph, plus the lists it introduces ("…:")
    and further "…:" paragraphs with lists; everything after it is the update."""
    if d.in_update or isinstance(ev, DataTable):
        d.in_update = True
        d.update.append(ev)
        return
    last = d.text[-1] if d.text else None
    starts = last is None
    continues_list = isinstance(last, Para) and (
        (ev.is_list and (last.is_list or last.text.endswith(":")))  # the list it introduces
        or (last.is_list and not ev.is_list and ev.text.endswith(":")  # "…, these should:"
            and re.search(r"\b(should|must)\b", ev.text) is not None))
    if starts or continues_list:
        d.text.append(ev)
    else:
        d.in_update = True
        d.update.append(ev)


# --------------------------------------------------------------------------- seed 004 layout

MONTH = re.compile(r"^(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?(?:\s*'?(\d{2}|\d{4}))?$",
                   re.IGNORECASE)
MONTH_NUMBER = {m: n for n, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1)}
STATUS_MARK = re.compile(r"\s*[–-]?\s*\(([^()]*\b(?:closed|closure|field testing|superseded)\b[^()]*)\)"
                         r"\s*\.?\s*$", re.IGNORECASE)
LEAD = re.compile(r"^(ACC|DCC|CC|ACO|DCO|T/ACC|T/DCC|Ch\.?\s?Supt|C/Supt|Supt|DCI|DI|Chief|Deputy|"
                  r"Assistant|Director|Head)\b")
SECTIONS = {"intent and implementation": "intent_and_implementation",
            "intent & implementation": "intent_and_implementation",
            "implementation": "intent_and_implementation", "intent": "intent_and_implementation",
            "impact": "impact", "update": "update", "progress": "update"}


def _squash(text: str) -> str:
    return "".join(text.split())


def _matrix_columns(header: list[str]) -> list[tuple[int, int, list[int], int | None]]:
    """For a matrix header row: per group (AFI col, text col, period cols, DoT col)."""
    groups = []
    cells = [_squash(h) for h in header]
    for n, h in enumerate(cells):
        if h.upper() not in ("AFI", "REC", "NO", "NO.", "REF"):
            continue
        periods: list[int] = []
        dot = None
        for m in range(n + 2, len(cells)):
            if MONTH.match(cells[m]):
                periods.append(m)
            elif cells[m].upper() in ("DOT", "D.O.T", "DOT.", "DIRECTION"):
                dot = m
                break
            else:
                break
        if periods and n + 1 < len(cells):
            groups.append((n, n + 1, periods, dot))
    return groups


def _is_afi_table_header(header: list[str]) -> bool:
    words = [h.lower() for h in header]
    return len(words) >= 3 and words[0] == "area" and "update" in words[-1] and "rag" in words[1]


def _document_date(paras: list[Para]) -> tuple[dt.date | None, str]:
    """"For P&RSB 26th June 2024" → (2024-06-26, "P&RSB 26 June 2024")."""
    for p in paras[:30]:
        m = re.search(r"\bfor\s+(.+?)\s+(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]+)\s+(\d{4})", p.text,
                      re.IGNORECASE)
        if m:
            try:
                date = parse_date(f"{m[2]} {m[3]} {m[4]}")
            except ValueError:
                continue
            return date, f"{m[1]} {date.day} {date.strftime('%B %Y')}"
    return None, ""


def _period_label(heading: str, doc_date: dt.date | None) -> tuple[str, bool]:
    """"Jan" → "Jan 2024" (the year from the document's date); says whether the year was guessed."""
    m = MONTH.match(_squash(heading))
    assert m
    month = m[1].capitalize()
    if m[2]:
        year = int(m[2]) + (2000 if len(m[2]) == 2 else 0)
        return f"{month} {year}", False
    if doc_date is None:
        return month, True
    year = doc_date.year - (1 if MONTH_NUMBER[m[1].lower()] > doc_date.month else 0)
    return f"{month} {year}", False


def _cell_rating(cell: Any) -> str | None:
    return rating_of_text(cell.text) if cell.text.strip() else rating_of_colour(cell_fill(cell))


def _status_of(marker: str, note: str) -> str:
    m = marker.lower()
    if "proposed" in m:
        return "proposed_for_closure"
    if "field testing" in m:
        return "field_testing"
    if "superseded" in m:
        return "superseded"
    return "verified_closed" if "verified" in note.lower() else "closed"


def _split_area(text: str) -> tuple[str, str, str]:
    """"Prevention & Deterrence (Local Policing Board) – ACC Mariner" → area, board, lead."""
    area = board = lead = ""
    for part in re.split(r"\s+[–—-]\s+", text.strip().rstrip(".")):
        part = part.strip()
        m = re.fullmatch(r"(.+?)\s*\(([^()]+)\)", part)
        if LEAD.match(part):
            lead = part
        elif m and not area:
            area, board = m[1].strip(), m[2].strip()
        elif part.lower().endswith("board") and not board:
            board = part
        elif not area:
            area = part
    return area, board, lead


@dataclass
class _Afi:
    number: str
    matrix_text: str = ""
    ratings: dict[str, str | None] = field(default_factory=dict)
    matrix_dot: str | None = None
    area_paras: list[Para] = field(default_factory=list)
    rag_cell: tuple[str | None, str | None] = (None, None)  # rating, dot
    update_paras: list[Para | DataTable] = field(default_factory=list)


def _read_peel(tables: list[Any], stream: list[Event], plan: ImportPlan) -> None:
    loose = [e for e in stream if isinstance(e, Para)]
    head = loose
    if tables and tables[0].rows:  # a title block laid out as a table
        first = tables[0]  # (ragdesk's export: title and "For …" | "Appendix 1", owner)
        if not _matrix_columns([c.text for c in _unique_cells(first.rows[0])]):
            head = [p for row in first.rows for c in _unique_cells(row)
                    for p in _cell_paras(c)] + loose
    doc_date, meeting = _document_date(head)
    plan.inspection_title = _named(head, "inspection")  # ragdesk's export names it
    for p in loose[:15]:
        if plan.inspection_title:
            break
        if re.search(r"\bpeel\b", p.text, re.IGNORECASE) and len(p.text) < 120:
            plan.inspection_title = "PEEL " + re.sub(r"^peel\s+", "", p.text, flags=re.IGNORECASE)
            break
    afis: dict[str, _Afi] = {}
    labels: list[str] = []
    guessed_year = False
    for table in tables:
        if not table.rows:
            continue
        header = [c.text for c in _unique_cells(table.rows[0])]
        groups = _matrix_columns(header)
        if groups:
            for _, _, period_cols, _ in groups:
                for col in period_cols:
                    label, guessed = _period_label(header[col], doc_date)
                    guessed_year |= guessed
                    if label not in labels:
                        labels.append(label)
            for row in table.rows[1:]:
                cells = _unique_cells(row)
                if len(cells) != len(header):
                    cells = list(row.cells)
                for num_col, text_col, period_cols, dot_col in groups:
                    if max(period_cols + [dot_col or 0, text_col]) >= len(cells):
                        continue
                    number = cells[num_col].text.strip()
                    if not re.fullmatch(r"\d+[a-z]?", number):
                        continue
                    afi = afis.setdefault(number, _Afi(number))
                    afi.matrix_text = " ".join(cells[text_col].text.split())
                    for col in period_cols:
                        label, _ = _period_label(header[col], doc_date)
                        afi.ratings[label] = _cell_rating(cells[col])
                    if dot_col is not None:
                        afi.matrix_dot = _dot(cells[dot_col].text)
        elif _is_afi_table_header([c.text.strip() for c in _unique_cells(table.rows[0])]):
            _read_afi_table(table, afis, plan)
    _read_loose_afis(stream, afis, plan)
    if guessed_year:
        plan.problems.append("The matrix headings give months without a year and the document "
                             "has no date (“For … 26th June 2024”): correct the periods.")
    plan.periods = [PlanPeriod(label) for label in labels]
    latest = labels[-1] if labels else ""
    if plan.periods and doc_date is not None:
        plan.periods[-1].date = doc_date.isoformat()
        plan.periods[-1].meeting = meeting
    if not labels:
        plan.needs_period = True
    for number in sorted(afis, key=lambda n: (int(re.sub(r"\D", "", n) or 0), n)):
        plan.items.append(_afi_item(afis[number], labels, latest, plan))


def _dot(text: str) -> str | None:
    t = text.strip()
    if not t:
        return None
    if set(t) <= {"="}:
        return "="
    if set(t) <= {"+", "↑"} or t.lower() in ("up", "improving"):
        return "+"
    if set(t) <= {"-", "–", "↓"} or t.lower() in ("down", "worsening"):
        return "-"
    return None


def _afi_number(p: Para) -> str | None:
    m = re.match(r"^afi\s*(\d+[a-z]?)\b", p.text, re.IGNORECASE)
    return m[1] if m else None


def _read_afi_table(table: Any, afis: dict[str, _Afi], plan: ImportPlan) -> None:
    current: _Afi | None = None
    for row in table.rows[1:]:
        cells = _unique_cells(row)
        if len(cells) < 3:
            continue
        update: list[Para | DataTable] = list(_cell_paras(cells[2]))
        number = next((n for p in update[:1] if isinstance(p, Para) and (n := _afi_number(p))), None)
        if number is not None:
            current = afis.setdefault(number, _Afi(number))
            current.area_paras = _cell_paras(cells[0])
            rag_text = cells[1].text
            current.rag_cell = (rating_of_text(rag_text) or rating_of_colour(cell_fill(cells[1])),
                                _dot(re.sub(r"[A-Za-z]", "", rag_text)))
            current.update_paras = update
        elif current is not None:  # a continuation row ("Impact" on the next row)
            current.area_paras += _cell_paras(cells[0])
            current.update_paras += update
        elif any(isinstance(p, Para) and p.text for p in update):
            plan.problems.append("A row of an “Area | RAG / DoT | Update” table names no AFI "
                                 "(it should start “AFI 3 …”); it was skipped.")


def _read_loose_afis(stream: list[Event], afis: dict[str, _Afi], plan: ImportPlan) -> None:
    """AFIs written as loose paragraphs (area lines, then "AFI N …" and its sections)."""
    area: list[Para] = []
    current: _Afi | None = None
    for ev in stream:
        if isinstance(ev, Box):
            continue
        if isinstance(ev, DataTable) and ev.table.rows and _is_afi_table_header(
                [richtext.inline_plain(c).strip() for c in ev.table.rows[0]]):
            current = None  # the AFI's own table (read as one), or the header of loose paragraphs
            area = []
            continue
        if isinstance(ev, Para) and not ev.is_list and (number := _afi_number(ev)) \
                and number in afis and not afis[number].update_paras:
            current = afis[number]
            current.area_paras = [p for p in area if not re.fullmatch(r"area|.*rag\s*/\s*dot|update",
                                                                       p.text, re.IGNORECASE)]
            current.update_paras = [ev]
            area = []
            continue
        if isinstance(ev, Para) and current is not None and ev.text and not ev.is_list \
                and _looks_like_area_line(ev.text):
            current = None  # the next AFI's area starts
        if current is not None:
            current.update_paras.append(ev)
        elif isinstance(ev, Para):
            area = (area + [ev])[-6:]


def _looks_like_area_line(text: str) -> bool:
    return bool(re.search(r"\s[–—-]\s(ACC|DCC|ACO|CC|DCO)\b", text))


def _afi_item(afi: _Afi, labels: list[str], latest: str, plan: ImportPlan) -> PlanItem:
    area_line = afi.area_paras[0].text if afi.area_paras else ""
    area, board, lead = _split_area(area_line) if area_line else ("", "", "")
    dashboard = [p for p in afi.area_paras[1:] if any(s.href for s in p.spans)
                 or re.search(r"power\s?bi|dashboard", p.text, re.IGNORECASE)]
    note = "\n".join(p.text for p in afi.area_paras[1:]
                     if p not in dashboard and p.text != area_line)  # Word often repeats it
    # The update cell: "AFI N <text>", then sections "Intent and Implementation" / "Impact".
    sections: dict[str, list[Para | DataTable]] = {}
    section = "update"
    own_text = ""
    for n, p in enumerate(afi.update_paras):
        if isinstance(p, Para):
            title = p.text.lower().rstrip(":").strip()
            if n == 0 and _afi_number(p):
                own_text = re.sub(r"^afi\s*\d+[a-z]?\s*[:.–-]?\s*", "", p.text, flags=re.IGNORECASE)
                m = re.search(r"[.\s]\s*(intent and implementation|implementation)\s*:?$", own_text,
                              re.IGNORECASE)
                if m:
                    own_text = own_text[:m.start() + 1].strip()
                    section = "intent_and_implementation"
                continue
            if not p.is_list and title in SECTIONS:
                section = SECTIONS[title]
                continue
        sections.setdefault(section, []).append(p)
    text = afi.matrix_text or own_text
    marker = STATUS_MARK.search(text) or STATUS_MARK.search(own_text)
    text = STATUS_MARK.sub("", text).strip()
    if not text:
        plan.problems.append(f"AFI {afi.number}: no text found in the matrix or its table.")
    item = PlanItem(ItemKind.AFI, afi.number, text=richtext.to_html((Paragraph((Span(text),)),))
                    if text else "", area=area, board=board, lead=lead,
                    dashboard=to_rich(list(dashboard)) if dashboard else "",
                    status=_status_of(marker[1], " ".join([note] + [
                        p.text for p in afi.update_paras if isinstance(p, Para)])) if marker else None,
                    source=f"AFI {afi.number}")
    for label in labels:
        rag = afi.ratings.get(label)
        if label == latest and afi.rag_cell[0]:
            rag = afi.rag_cell[0]
        if rag or label == latest:
            item.assessments[label] = PlanAssessment(rag=rag)
        if not rag and label in afi.ratings:
            plan.problems.append(f"AFI {afi.number}: no rating (text or shading) in the {label} "
                                 "column.")
    if latest:
        a = item.assessments[latest]
        a.status_note = note
        for name, paras in sections.items():
            setattr(a, name, to_rich(paras))
        dot = afi.rag_cell[1] or afi.matrix_dot
        previous = labels[-2] if len(labels) > 1 else None
        derived = derive_dot(afi.ratings.get(previous) if previous else None, a.rag, RANKS)
        if dot and dot != derived:
            a.dot = dot  # keep the document's direction only where the ratings do not give it
    elif afi.update_paras:
        plan.problems.append(f"AFI {afi.number}: narratives found but no period to put them in.")
    if not afi.update_paras:
        plan.problems.append(f"AFI {afi.number}: in the matrix but has no update table.")
    return item
