"""Reading trackers and register lists (.xlsx, .csv) into an :class:`ImportPlan`.

A tracker's header row is often not the first (a title and a blank line above it), and
its columns are named in a dozen ways: :func:`find_header` picks the row that names the
most known columns and :func:`guess_mapping` maps each ragdesk field to a column by its
usual names ("Ref", "Lead Officer", "Due date", "RAG Status" ...). The preview lets the
user correct the mapping; :func:`layout_key` names a header layout so the window can
remember the user's mapping for the next file of that layout.

Ratings come as words in any case, as letters, or as the cell's fill colour; dates as real
dates or day-first text; statuses as the inspectorate's register words (Completed,
Being progressed ...) mapped to ragdesk's. A CSV file's encoding is detected: UTF-8 with
or without BOM, else Windows-1252 (Excel's "CSV" on a UK Windows laptop).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..domain import Deadline, ItemKind
from ..errors import RagdeskError
from . import check_size
from .plan import ImportPlan, PlanAssessment, PlanItem, PlanPeriod, derive_dot
from .word import (
    MONTH_NUMBER,
    RANKS,
    TYPED_BULLET,
    Para,
    rating_of_colour,
    rating_of_text,
    to_rich,
)

MAX_BYTES = 60 * 1024 * 1024
MAX_ROWS = 20_000
HEADER_SCAN_ROWS = 30

# field -> the names trackers give it (compared lower-case, punctuation dropped)
FIELDS: dict[str, tuple[str, ...]] = {
    "ref": ("ref", "reference", "ref no", "no", "number", "recommendation id", "rec id",
            "rec no", "afi no", "id", "item", "item no", "recommendation number"),
    "kind": ("type", "kind", "category", "item type"),
    "text": ("recommendation", "text", "afi", "area for improvement", "description",
             "recommendation text", "wording", "recommendation afi", "recommendation or afi",
             "detail"),
    "lead": ("lead", "owner", "lead officer", "responsible officer", "chief officer lead",
             "accountable lead", "lead owner"),
    "deadline": ("deadline", "due date", "target date", "due", "date due", "target",
                 "completion date", "deadline date"),
    "rag": ("rag", "rag status", "rating", "rag rating", "current rag", "rag rating x"),
    "update": ("update", "progress", "latest update", "progress update", "comments",
               "narrative", "update narrative", "current position"),
    "status": ("status", "register status", "current status"),
    "board": ("board", "governance board", "governance"),
    "area": ("area", "theme", "portfolio", "business area"),
    "status_note": ("status note", "note", "notes"),
    "intent_and_implementation": ("intent and implementation", "implementation", "intent"),
    "impact": ("impact",),
    # ragdesk's own tracker (and trackers like it): one row per item *and* period
    "period": ("period", "reporting period", "rag period"),
    "dot": ("direction of travel", "dot", "direction"),
    "inspection": ("inspection", "inspection title", "report"),
}
LABELS = {"ref": "Ref / number", "kind": "Kind", "text": "Text", "lead": "Lead",
          "deadline": "Deadline", "rag": "RAG rating", "update": "Update", "status": "Status",
          "board": "Board", "area": "Area", "status_note": "Status note",
          "intent_and_implementation": "Intent and implementation", "impact": "Impact",
          "period": "Period (one row per period)", "dot": "Direction of travel",
          "inspection": "Inspection"}
# the inspectorate's register words (and ragdesk's own labels) -> ragdesk status codes
STATUSES = {
    "completed": "closed", "complete": "closed", "closed": "closed", "done": "closed",
    "superseded": "superseded", "being progressed": "in_progress", "in progress": "in_progress",
    "ongoing": "in_progress", "awaiting review": "proposed_for_closure",
    "proposed for closure": "proposed_for_closure", "no further action": "no_further_action",
    "nfa": "no_further_action", "open": "open", "not started": "open",
    "verified closed": "verified_closed", "verified closed by the inspectorate": "verified_closed",
    "subject to field testing": "field_testing", "field testing": "field_testing",
}
PERIOD_HEADER = re.compile(r"^(?:rag\s*)?(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*"
                           r"[\s\-'/]*(\d{4}|\d{2})(?:\s*rag)?$", re.IGNORECASE)
REF = re.compile(r"^(recommendation|rec|r|area for improvement|afi|cause of concern|coc)?"
                 r"\s*[.:#-]?\s*(\d+[a-z]?)$", re.IGNORECASE)
RAG_PERIOD = "rag:"  # a column of one period's ratings ("Jun 2024", "RAG Jan 24")
DOTS = {"+": "+", "=": "=", "-": "-", "–": "-", "up": "+", "down": "-", "same": "=",
        "improved": "+", "deteriorated": "-", "no change": "="}
KIND_WORDS = {"recommendation": ItemKind.RECOMMENDATION, "rec": ItemKind.RECOMMENDATION,
              "r": ItemKind.RECOMMENDATION, "area for improvement": ItemKind.AFI,
              "afi": ItemKind.AFI, "cause of concern": ItemKind.CAUSE_OF_CONCERN,
              "coc": ItemKind.CAUSE_OF_CONCERN}


@dataclass
class Cell:
    value: Any = None
    fill: str | None = None  # "RRGGBB"

    @property
    def text(self) -> str:
        if self.value is None:
            return ""
        if isinstance(self.value, float) and self.value.is_integer():
            return str(int(self.value))
        return str(self.value).strip()


@dataclass
class Sheet:
    name: str
    rows: list[list[Cell]]
    header_row: int  # index into rows
    title: str = ""
    problems: list[str] = field(default_factory=list)

    @property
    def headers(self) -> list[str]:
        return [c.text for c in self.rows[self.header_row]] if self.rows else []


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text.lower()).split())


def _field_of(header: str) -> str | None:
    name = _norm(header)
    if not name:
        return None
    if PERIOD_HEADER.match(header.strip()):
        return RAG_PERIOD
    for key, names in FIELDS.items():
        if name in names:
            return key
    return None


def find_header(rows: list[list[Cell]]) -> int:
    """The row (index) naming the most known columns among the first rows; -1 if none names two."""
    best, best_score = -1, 1
    for n, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        score = sum(1 for c in row if _field_of(c.text))
        if score > best_score:
            best, best_score = n, score
    return best


def guess_mapping(headers: list[str]) -> dict[str, int]:
    """field -> column index, from the headers' usual names (first match wins)."""
    mapping: dict[str, int] = {}
    for n, h in enumerate(headers):
        key = _field_of(h)
        if key == RAG_PERIOD:
            mapping[f"rag:{period_label(h)}"] = n
        elif key and key not in mapping:
            mapping[key] = n
    return mapping


def period_label(header: str) -> str:
    m = PERIOD_HEADER.match(header.strip())
    assert m
    year = int(m[2]) + (2000 if len(m[2]) == 2 else 0)
    return f"{m[1].capitalize()} {year}"


def layout_key(headers: list[str]) -> str:
    """A name for a header layout, so a corrected mapping is remembered for the next file."""
    return "|".join(_norm(h) for h in headers)


# --------------------------------------------------------------------------- reading files


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252, which decodes nearly any byte."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def read_csv(path: Path) -> Sheet:
    check_size(path, MAX_BYTES, "a tracker")
    text = decode(path.read_bytes())
    if "\x00" in text[:4096]:
        raise RagdeskError(f"{path.name} is not a text (CSV) file.")
    # The delimiter under which some row reads as a header (Excel writes ";" in some locales);
    # csv.Sniffer guesses wrong on narratives full of commas and tabs.
    best: list[list[Cell]] = []
    best_score = -1
    for delimiter in (",", ";", "\t"):
        rows = [[Cell(v) for v in r] for r in csv.reader(io.StringIO(text), delimiter=delimiter)]
        header = find_header(rows)
        score = sum(1 for c in rows[header] if _field_of(c.text)) if header >= 0 else 0
        if score > best_score:
            best, best_score = rows, score
    rows = best
    return _sheet(path.stem, rows, path.name)


def _fill(cell: Any) -> str | None:
    fill = getattr(cell, "fill", None)
    if fill is None or fill.fill_type not in ("solid",):
        return None
    colour = fill.fgColor
    if getattr(colour, "type", None) == "indexed":  # the old 56-colour palette
        from openpyxl.styles.colors import COLOR_INDEX

        index = colour.indexed
        rgb = COLOR_INDEX[index] if isinstance(index, int) and index < len(COLOR_INDEX) else None
    else:
        rgb = getattr(colour, "rgb", None)  # a theme colour has no rgb: no rating
    if isinstance(rgb, str) and re.fullmatch(r"[0-9A-Fa-f]{8}", rgb):
        return rgb[2:].upper()
    return None


def read_xlsx(path: Path) -> Sheet:
    import zipfile

    import openpyxl

    check_size(path, MAX_BYTES, "a tracker")
    try:
        with zipfile.ZipFile(path) as z:
            if sum(i.file_size for i in z.infolist()) > 8 * MAX_BYTES:
                raise RagdeskError(f"{path.name} unpacks to more than "
                                   f"{8 * MAX_BYTES // 2**20} MB: too large to import.")
        book = openpyxl.load_workbook(path, data_only=True)
    except RagdeskError:
        raise
    except Exception as e:  # openpyxl raises many kinds for a damaged package
        raise RagdeskError(f"{path.name} is not a readable Excel workbook ({type(e).__name__}: "
                           f"{e}). Open it in Excel and save it again as .xlsx.") from None
    best: Sheet | None = None
    skipped: list[str] = []
    for ws in book.worksheets:
        if ws.max_row > MAX_ROWS:
            raise RagdeskError(f"{path.name}: sheet “{ws.title}” has {ws.max_row} rows; ragdesk "
                               f"imports trackers of up to {MAX_ROWS} rows.")
        rows = [[Cell(c.value, _fill(c)) for c in row] for row in ws.iter_rows()]
        sheet = _sheet(ws.title, rows, path.name)
        if sheet.header_row >= 0 and best is None:
            best = sheet
        elif any(c.text for r in rows for c in r):
            skipped.append(ws.title)
    if book.properties.title == "ragdesk tracker":  # ragdesk's own: its Matrix sheet
        skipped = [n for n in skipped if n != "Matrix"]  # repeats the Tracker's ratings
    book.close()
    if best is None:
        raise RagdeskError(f"{path.name}: no sheet has a header row naming at least two known "
                           "columns (such as Ref, Recommendation, Lead, Deadline, RAG, Update).")
    if skipped:
        best.problems.append(f"Only sheet “{best.name}” was read; "
                             + ", ".join(f"“{n}”" for n in skipped) + " were not.")
    return best


def _sheet(name: str, rows: list[list[Cell]], source: str) -> Sheet:
    rows = [r for r in rows]
    while rows and not any(c.text for c in rows[-1]):
        rows.pop()
    if len(rows) > MAX_ROWS:
        raise RagdeskError(f"{source} has {len(rows)} rows; ragdesk imports trackers of up to "
                           f"{MAX_ROWS} rows.")
    header = find_header(rows)
    title = ""
    for row in rows[:max(header, 0)]:
        texts = [c.text for c in row if c.text]
        if len(texts) == 1 and len(texts[0]) > 8:
            title = texts[0]
            break
    if not title and not re.fullmatch(r"sheet\s*\d*", name, re.IGNORECASE):
        title = name
    return Sheet(name, rows, header, title)


def read_sheet(path: Path, fmt: str) -> Sheet:
    sheet = read_csv(path) if fmt == "csv" else read_xlsx(path)
    if not sheet.rows:
        raise RagdeskError(f"{path.name} is empty.")
    if sheet.header_row < 0:
        raise RagdeskError(f"{path.name}: no header row naming at least two known columns "
                           "(such as Ref, Recommendation, Lead, Deadline, RAG, Update) was found "
                           "in its first rows.")
    return sheet


# --------------------------------------------------------------------------- rows to items


def rich_from_plain(text: str) -> str:
    """A cell's text as rich text: lines starting with a typed bullet become a real list."""
    from ..richtext import Span

    paras = []
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if not line.strip():
            continue
        m = TYPED_BULLET.match(line)
        bullet = bool(m and m.end() and line[m.end():].strip())
        paras.append(Para((Span(line[m.end():].strip() if bullet and m else line.strip()),), bullet))
    return to_rich(paras)


def _deadline(cell: Cell) -> str | None:
    value = cell.value
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return Deadline.parse(cell.text).to_text()


def _ref(text: str, kind_text: str, default: ItemKind) -> tuple[ItemKind, str] | None:
    m = REF.match(" ".join(text.split()))
    if not m:
        return None
    kind = KIND_WORDS.get((m[1] or "").lower())
    if kind is None:
        kind = KIND_WORDS.get(_norm(kind_text)) or (ItemKind.AFI if "afi" in _norm(kind_text).split()
                                                    else default)
    return kind, m[2]


def inspections_in(sheet: Sheet, mapping: dict[str, int]) -> list[str]:
    """The Inspection column's titles in order of first appearance ([] when none is mapped)."""
    col = mapping.get("inspection")
    if col is None:
        return []
    titles: dict[str, None] = {}
    for row in sheet.rows[sheet.header_row + 1:]:
        text = row[col].text if col < len(row) else ""
        if text:
            titles.setdefault(text)
    return list(titles)


def plans_from_sheet(sheet: Sheet, mapping: dict[str, int], source: str) -> list[ImportPlan]:
    """One plan per inspection the file names in its Inspection column (ragdesk's own
    tracker holds every inspection of the database), else the one plan."""
    titles = inspections_in(sheet, mapping)
    if len(titles) <= 1:
        return [plan_from_sheet(sheet, mapping, source)]
    return [plan_from_sheet(sheet, mapping, source, inspection=t) for t in titles]


def _period_order(labels: list[str]) -> list[str]:
    """Periods in time order when every label is "Mon YYYY", else as the file lists them."""
    if all(re.fullmatch(r"[A-Za-z]{3}[a-z]*\s+\d{4}", label) for label in labels):
        return sorted(labels, key=lambda label: (label[-4:], MONTH_NUMBER.get(label[:3].lower(), 0)))
    return labels


def plan_from_sheet(sheet: Sheet, mapping: dict[str, int], source: str, *,
                    inspection: str | None = None) -> ImportPlan:
    """The items of ``sheet`` under ``mapping`` (field -> column; see :func:`guess_mapping`).

    With a Period column (ragdesk's tracker: one row per item *and* period) the rows of an
    item are grouped, each row being that period's assessment. With an Inspection column
    naming several, only ``inspection``'s rows are read (default: the first named).
    """
    titles = inspections_in(sheet, mapping)
    plan = ImportPlan(source=source, problems=list(sheet.problems))
    if inspection is None and titles:
        inspection = titles[0]
        if len(titles) > 1:
            plan.problems.append(
                f"The file holds {len(titles)} inspections ({', '.join(f'“{t}”' for t in titles)}); "
                f"only the rows of “{inspection}” are read here. `ragdesk import` on the "
                "command line brings in all of them at once.")
    plan.inspection_title = inspection or sheet.title or Path(source).stem
    headers = sheet.headers
    if "ref" not in mapping:
        plan.problems.append("No column gives the items' numbers (Ref / No. / Recommendation ID): "
                             "choose one in the column mapping.")
        return plan
    default = ItemKind.AFI if "text" in mapping and _norm(headers[mapping["text"]]) in (
        "afi", "area for improvement") else ItemKind.RECOMMENDATION
    period_cols = {k[4:]: v for k, v in mapping.items() if k.startswith("rag:")}
    periods = _period_order(list(period_cols))
    by_row = "period" in mapping  # one row per item and period
    row_periods: dict[str, None] = {}
    narrative_keys = ("rag", "update", "status_note", "intent_and_implementation", "impact")
    if any(k in mapping for k in narrative_keys) and not periods and not by_row:
        plan.needs_period = True  # else the single RAG/update columns are the latest period's
    items: dict[tuple[str, str], PlanItem] = {}

    def cell(row: list[Cell], key: str) -> Cell:
        col = mapping.get(key)
        return row[col] if col is not None and col < len(row) else Cell()

    for n, row in enumerate(sheet.rows[sheet.header_row + 1:], start=sheet.header_row + 2):
        if not any(c.text for c in row):
            continue
        if titles and (cell(row, "inspection").text or titles[0]) != inspection:
            continue  # another inspection's row
        where = f"row {n}"
        ref = _ref(cell(row, "ref").text, cell(row, "kind").text, default)
        if ref is None:
            plan.problems.append(f"{where}: “{cell(row, 'ref').text}” is not an item number "
                                 "(such as 3, Rec 3 or AFI 3); the row was skipped.")
            continue
        kind, number = ref
        key = (kind.value, number.lower())
        row_period = cell(row, "period").text if by_row else None
        item = items.get(key)
        if item is not None and not by_row:
            plan.problems.append(f"{where}: {item.label} appears twice; the later row was skipped.")
            continue
        if item is not None and row_period in item.assessments:
            plan.problems.append(f"{where}: {item.label} appears twice for "
                                 f"{row_period or 'no period'}; the later row was skipped.")
            continue
        if item is None:
            item = _item(row, cell, kind, number, where, plan)
            items[key] = item
            plan.items.append(item)
        latest = periods[-1] if periods else ""
        for label, col in [(p, period_cols[p]) for p in periods]:
            c = row[col] if col < len(row) else Cell()
            rag = rating_of_text(c.text) if c.text else rating_of_colour(c.fill)
            if c.text and rag is None:
                plan.problems.append(f"{where}: “{c.text}” is not a rating.")
            if rag:
                item.assessments.setdefault(label, PlanAssessment()).rag = rag
        a = PlanAssessment()
        rag_cell = cell(row, "rag")
        if "rag" in mapping:
            a.rag = rating_of_text(rag_cell.text) if rag_cell.text else rating_of_colour(rag_cell.fill)
            if rag_cell.text and a.rag is None:
                plan.problems.append(f"{where}: “{rag_cell.text}” is not a rating (RED, "
                                     "AMBER, GREEN, BLUE or R/A/G/B).")
        a.status_note = cell(row, "status_note").text
        for name in ("update", "intent_and_implementation", "impact"):
            setattr(a, name, rich_from_plain(cell(row, name).text))
        dot = cell(row, "dot").text
        a.dot = DOTS.get(dot.lower()) if dot else None
        if a.is_empty():
            continue
        if by_row:
            latest = row_period or ""
            if row_period:
                row_periods.setdefault(row_period)
            else:
                plan.needs_period = True
        target = item.assessments.setdefault(latest, PlanAssessment())
        for name, value in a.values().items():
            setattr(target, name, value)
    if by_row:
        periods = _period_order(list(dict.fromkeys([*periods, *row_periods])))
        _keep_dot_overrides(plan, periods)
    plan.periods = [PlanPeriod(p) for p in periods]
    if not plan.items:
        plan.problems.insert(0, "No rows with an item number were found under the header row.")
    return plan


def _item(row: list[Cell], cell: Any, kind: ItemKind, number: str, where: str,
          plan: ImportPlan) -> PlanItem:
    """The item a row describes (its first row, when it has one per period)."""
    item = PlanItem(kind, number, text=rich_from_plain(cell(row, "text").text),
                    area=cell(row, "area").text, board=cell(row, "board").text,
                    lead=cell(row, "lead").text, source=where)
    if cell(row, "deadline").text:
        try:
            item.deadline = _deadline(cell(row, "deadline"))
        except ValueError:
            plan.problems.append(f"{where}: deadline “{cell(row, 'deadline').text}” is not a "
                                 "date; left empty.")
    status = _norm(cell(row, "status").text)
    if status:
        item.status = STATUSES.get(status)
        if item.status is None:
            plan.problems.append(f"{where}: status “{cell(row, 'status').text}” is not one "
                                 "ragdesk knows; left as it is.")
    return item


def _keep_dot_overrides(plan: ImportPlan, periods: list[str]) -> None:
    """A tracker's direction of travel is mostly what the ratings give (ragdesk derives it):
    keep it only where it says otherwise, as a deliberate override."""
    for item in plan.items:
        previous: str | None = None
        for label in periods:
            a = item.assessments.get(label)
            if a is None:
                continue
            if a.dot and a.dot == derive_dot(previous, a.rag, RANKS):
                a.dot = None
            previous = a.rag or previous  # the latest earlier rating, as the store derives
