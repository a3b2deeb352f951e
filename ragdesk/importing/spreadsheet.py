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
from .plan import ImportPlan, PlanAssessment, PlanItem, PlanPeriod
from .word import MONTH_NUMBER, TYPED_BULLET, Para, rating_of_colour, rating_of_text, to_rich

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
}
LABELS = {"ref": "Ref / number", "kind": "Kind", "text": "Text", "lead": "Lead",
          "deadline": "Deadline", "rag": "RAG rating", "update": "Update", "status": "Status",
          "board": "Board", "area": "Area", "status_note": "Status note",
          "intent_and_implementation": "Intent and implementation", "impact": "Impact"}
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
        return "period"
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
        if key == "period":
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


def _check_size(path: Path) -> None:
    try:
        size = path.stat().st_size
    except OSError as e:
        raise RagdeskError(f"Cannot read {path.name}: {e.strerror or e}") from e
    if size == 0:
        raise RagdeskError(f"{path.name} is empty.")
    if size > MAX_BYTES:
        raise RagdeskError(f"{path.name} is {size // 2**20} MB: too large for a tracker "
                           f"(the limit is {MAX_BYTES // 2**20} MB).")


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252, which decodes nearly any byte."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def read_csv(path: Path) -> Sheet:
    _check_size(path)
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

    _check_size(path)
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


def plan_from_sheet(sheet: Sheet, mapping: dict[str, int], source: str) -> ImportPlan:
    """The items of ``sheet`` under ``mapping`` (field -> column; see :func:`guess_mapping`)."""
    plan = ImportPlan(source=source, inspection_title=sheet.title or Path(source).stem,
                      problems=list(sheet.problems))
    headers = sheet.headers
    if "ref" not in mapping:
        plan.problems.append("No column gives the items' numbers (Ref / No. / Recommendation ID): "
                             "choose one in the column mapping.")
        return plan
    default = ItemKind.AFI if "text" in mapping and _norm(headers[mapping["text"]]) in (
        "afi", "area for improvement") else ItemKind.RECOMMENDATION
    period_cols = {k[4:]: v for k, v in mapping.items() if k.startswith("rag:")}
    periods = sorted(period_cols, key=lambda label: (label[-4:], MONTH_NUMBER.get(label[:3].lower(), 0)))
    plan.periods = [PlanPeriod(p) for p in periods]
    if "rag" in mapping or any(k in mapping for k in ("update", "status_note",
                                                      "intent_and_implementation", "impact")):
        if periods:
            pass  # the single RAG/update columns belong to the latest named period
        else:
            plan.needs_period = True
    seen: set[tuple[str, str]] = set()

    def cell(row: list[Cell], key: str) -> Cell:
        col = mapping.get(key)
        return row[col] if col is not None and col < len(row) else Cell()

    for n, row in enumerate(sheet.rows[sheet.header_row + 1:], start=sheet.header_row + 2):
        if not any(c.text for c in row):
            continue
        where = f"row {n}"
        ref = _ref(cell(row, "ref").text, cell(row, "kind").text, default)
        if ref is None:
            plan.problems.append(f"{where}: “{cell(row, 'ref').text}” is not an item number "
                                 "(such as 3, Rec 3 or AFI 3); the row was skipped.")
            continue
        kind, number = ref
        item = PlanItem(kind, number, text=rich_from_plain(cell(row, "text").text),
                        area=cell(row, "area").text, board=cell(row, "board").text,
                        lead=cell(row, "lead").text, source=where)
        if (item.kind.value, number.lower()) in seen:
            plan.problems.append(f"{where}: {item.label} appears twice; the later row was skipped.")
            continue
        seen.add((item.kind.value, number.lower()))
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
        latest = periods[-1] if periods else ""
        for label, col in [(p, period_cols[p]) for p in periods] + [("", -1)]:
            if col >= 0:
                c = row[col] if col < len(row) else Cell()
                rag = rating_of_text(c.text) if c.text else rating_of_colour(c.fill)
                if c.text and rag is None:
                    plan.problems.append(f"{where}: “{c.text}” is not a rating.")
                if rag:
                    item.assessments.setdefault(label, PlanAssessment()).rag = rag
                continue
            a = PlanAssessment()
            rag_cell = cell(row, "rag")
            if "rag" in mapping:
                a.rag = rating_of_text(rag_cell.text) if rag_cell.text else rating_of_colour(rag_cell.fill)
                if rag_cell.text and a.rag is None:
                    plan.problems.append(f"{where}: “{rag_cell.text}” is not a rating (RED, "
                                         "AMBER, GREEN, BLUE or R/A/G/B).")
            a.status_note = cell(row, "status_note").text
            for key in ("update", "intent_and_implementation", "impact"):
                setattr(a, key, rich_from_plain(cell(row, key).text))
            if not a.is_empty():
                target = item.assessments.setdefault(latest, PlanAssessment())
                for key, value in a.values().items():
                    setattr(target, key, value)
        plan.items.append(item)
    if not plan.items:
        plan.problems.insert(0, "No rows with an item number were found under the header row.")
    return plan
