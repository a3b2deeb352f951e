"""Reading a PDF report's text as lines with layout hints, using pypdf (no OCR).

Kept apart from :mod:`ragdesk.importing.report_text` so a pasted report and a PDF go
through the same parser; this module only turns pages into :class:`Line` records:

- pieces of text are grouped into lines by their baseline and read left to right;
- a footnote marker (digits in a smaller size on a line of body text) is dropped, and
  so are whole lines in a smaller size than the body (footnote text, small running
  headers and footers);
- a larger gap than the usual line spacing marks a new paragraph; a larger or bold
  short line marks a heading; a line starting right of the body's left edge is
  indented (a bullet's wrapped text);
- the title is the first page's largest type.

Bad files raise :class:`ReportProblem` with a sentence for a person: damaged, encrypted,
scanned (no text).
"""

from __future__ import annotations

import io
import logging
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import RagdeskError
from .report_text import BULLETS, Line

if TYPE_CHECKING:
    import pypdf

Progress = Callable[[int, int], None]


class ReportProblem(RagdeskError):
    """The PDF cannot be read as a report (damaged, encrypted, scanned, no items)."""


@dataclass(frozen=True, slots=True)
class PdfText:
    lines: list[Line]
    title: str
    pages: int


@dataclass(slots=True)
class _Piece:
    x: float
    y: float
    text: str
    size: float
    bold: bool


@dataclass(slots=True)
class _Row:
    y: float
    pieces: list[_Piece]

    @property
    def x(self) -> float:
        return min(p.x for p in self.pieces)

    @property
    def size(self) -> float:
        sized = [p.size for p in self.pieces if re.search(r"[A-Za-z]{2}", p.text)]
        return max(sized or [p.size for p in self.pieces])

    def text(self) -> str:
        out = ""
        for piece in self.pieces:
            if out and out[-1] in BULLETS and not out[-1].isspace() and len(out.strip()) == 1:
                out += " "
            out += piece.text
        return out

    @property
    def bold(self) -> bool:
        lettered = [p for p in self.pieces if re.search(r"\w", p.text)]
        return bool(lettered) and all(p.bold for p in lettered)


def _open(source: str | Path | bytes, name: str) -> pypdf.PdfReader:
    import pypdf
    from pypdf.errors import DependencyError, FileNotDecryptedError, PdfReadError

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # damaged files: one message, ours
    try:
        data = source if isinstance(source, bytes) else Path(source).read_bytes()
    except OSError as e:
        raise ReportProblem(f"{name} could not be read: {e.strerror or e}.") from e
    if not data.lstrip()[:5].startswith(b"%PDF"):
        raise ReportProblem(f"{name} is not a PDF file.")
    try:
        reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            try:
                opened = reader.decrypt("")  # readable by anyone: only permissions are set
            except (DependencyError, NotImplementedError) as e:
                raise ReportProblem(f"{name} is encrypted in a way ragdesk cannot read. Open "
                                    "it in a PDF reader, print it to a new PDF and import "
                                    "that.") from e
            if not opened:
                raise ReportProblem(f"{name} is password-protected. Save a copy without the "
                                    "password (or print it to a new PDF) and import that.")
        len(reader.pages)
    except ReportProblem:
        raise
    except FileNotDecryptedError as e:
        raise ReportProblem(f"{name} is password-protected. Save a copy without the "
                            "password and import that.") from e
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError,
            AssertionError, RecursionError, OSError) as e:
        raise ReportProblem(f"{name} is damaged and cannot be read as a PDF ({e}).") from e
    return reader


def _page_rows(page: pypdf.PageObject) -> tuple[list[_Row], float]:
    pieces: list[_Piece] = []

    def visit(text: str, cm: list[float], tm: list[float], font: dict[str, Any] | None, size: float) -> None:
        if not text or not text.strip():
            return
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        scale = (abs(tm[3] * cm[3]) or 1.0) if tm[3] else abs(cm[3]) or 1.0
        name = str((font or {}).get("/BaseFont", "")) if font else ""
        bold = bool(re.search(r"bold|black|heavy|semibold", name, re.IGNORECASE))
        for part in text.split("\n"):
            if part.strip():
                pieces.append(_Piece(x, y, part, size * scale, bold))

    page.extract_text(visitor_text=visit)
    rows: list[_Row] = []
    for piece in sorted(pieces, key=lambda p: -p.y):
        for row in rows[-3:]:
            if abs(row.y - piece.y) <= max(2.0, piece.size * 0.35):
                row.pieces.append(piece)
                break
        else:
            rows.append(_Row(piece.y, [piece]))
    for row in rows:
        row.pieces.sort(key=lambda p: p.x)
        _drop_markers(row)
    height = float(page.mediabox.height)
    return [r for r in rows if r.pieces], height


def _drop_markers(row: _Row) -> None:
    """Footnote markers: digits (or * †) set smaller than the words beside them."""
    body = row.size
    row.pieces = [p for p in row.pieces
                  if not (re.fullmatch(r"\s*[\d*†‡,]+\s*", p.text) and p.size < body * 0.85
                          and len(row.pieces) > 1)]


def read_pdf(source: str | Path | bytes, *, name: str = "The file",
             progress: Progress | None = None) -> PdfText:
    """Every page's lines, with hints; raises :class:`ReportProblem` for a bad PDF."""
    reader = _open(source, name)
    total = len(reader.pages)
    if total == 0:
        raise ReportProblem(f"{name} has no pages.")
    pages: list[tuple[list[_Row], float]] = []
    for n, page in enumerate(reader.pages, start=1):
        try:
            pages.append(_page_rows(page))
        except Exception as e:  # noqa: BLE001 - pypdf raises many kinds on a damaged page
            raise ReportProblem(f"{name} is damaged: page {n} cannot be read ({e}).") from e
        if progress is not None:
            progress(n, total)
    sizes: Counter[float] = Counter()
    for rows, _h in pages:
        for row in rows:
            sizes[round(row.size, 1)] += len(row.text())
    if sum(sizes.values()) < 40 * max(1, min(total, 3)) / 3 or not sizes:
        raise ReportProblem(f"{name} has no text to read: it looks like a scanned document. "
                            "ragdesk needs the PDF as the inspectorate published it (with "
                            "text), or paste the recommendations as text instead.")
    body = sizes.most_common(1)[0][0]
    lefts: Counter[float] = Counter()
    spacing: Counter[float] = Counter()
    for rows, _h in pages:
        for a, b in zip(rows, rows[1:], strict=False):
            if abs(a.size - body) < 0.3 and abs(b.size - body) < 0.3:
                spacing[round(a.y - b.y)] += 1
        for row in rows:
            if abs(row.size - body) < 0.3:
                lefts[round(row.x)] += len(row.text())
    leading = spacing.most_common(1)[0][0] if spacing else body * 1.2
    left = lefts.most_common(1)[0][0] if lefts else 0.0
    lines: list[Line] = []
    for page_no, (rows, _height) in enumerate(pages, start=1):
        prev: _Row | None = None
        for row in rows:
            text = row.text()
            if row.size < body * 0.85:
                continue  # footnote text, small print, small running headers and footers
            gap = None if prev is None else (prev.y - row.y) > leading * 1.35 + 0.5
            heading = row.size > body + 0.7 or (row.bold and len(text.split()) <= 12
                                                and not text.rstrip().endswith((".", ";", ",")))
            indented = row.x > left + 4
            lines.append(Line(text, page_no, gap_before=gap, heading=heading, indented=indented))
            prev = row
    title = _title(pages[0][0], body) or _metadata_title(reader)
    return PdfText(lines, title, total)


def _metadata_title(reader: pypdf.PdfReader) -> str:
    """The document's own title, when the first page has no title type (and it is not a
    word processor's file name)."""
    try:
        title = str((reader.metadata.get("/Title") if reader.metadata else None) or "").strip()
    except Exception:  # noqa: BLE001 - a damaged info dictionary: no title, not an error
        return ""
    if re.match(r"(microsoft word|untitled)\b|.*\.(docx?|indd|pdf)$", title, re.IGNORECASE):
        return ""
    return " ".join(title.split())


def _title(rows: list[_Row], body: float) -> str:
    """The first page's largest type (the report's title), lines joined."""
    big = [r for r in rows if r.size >= body + 2]
    if not big:
        return ""
    top = max(r.size for r in big)
    words = [r.text() for r in rows if abs(r.size - top) < 0.5]
    return " ".join(" ".join(words).split())
