"""Realistic Word and Excel files built from the sample's content, for import tests.

The builders write what units really have (see /work/shared/seeds and issue 12):

* :func:`update_report_docx` — the seed 000 layout: title naming the inspection, a RAG
  legend, then per item a "please mark with an X" box table *before* its heading, the
  heading as a plain bold paragraph, the item's text with bullets and the update. The
  first items sit inside one big table, as in the real document.
* :func:`peel_update_docx` — the seed 004 layout: "For P&RSB 26th June 2024", a summary
  matrix whose ratings are only cell shading, and one "Area | RAG / DoT | Update" table
  per AFI (some with their Impact on a continuation row).
* :func:`tracker_xlsx` / :func:`tracker_csv` — a tracker with a title above the header
  row, ratings as words, letters or fills, dates real and typed.

They take the sample JSON's inspection dicts (``sample_data()["inspections"][n]``), so a
test can compare what comes back item by item with what went in.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt

from ragdesk import richtext

ROOT = Path(__file__).resolve().parent.parent
FILLS = {"RED": "FF0000", "AMBER": "FFC000", "GREEN": "00B050", "BLUE": "0070C0"}
MARKERS = {"verified_closed": "(CLOSED)", "proposed_for_closure": "(PROPOSED FOR CLOSURE)",
           "field_testing": "– (SUBJECT TO HMICFRS FIELD TESTING NEXT PEEL INSPECTION)"}


def sample_data() -> dict[str, Any]:
    return json.loads((ROOT / "resources" / "sample" / "sample.json").read_text(encoding="utf-8"))


def shade(cell: Any, rgb: str) -> None:
    """Cell shading, as Word writes it: <w:shd w:val="clear" w:color="auto" w:fill="FFC000"/>."""
    tc_pr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), rgb)
    tc_pr.append(shd)


def _runs(paragraph: Any, spans: Any) -> None:
    for span in spans:
        run = paragraph.add_run(span.text)
        run.bold = span.bold or None
        run.italic = span.italic or None


def write_rich(container: Any, stored: str, bullets: str = "list", *, first: Any = None) -> None:
    """Stored rich text into a document or cell: paragraphs, lists and tables.

    ``bullets``: "list" = Word's List Bullet style; "o", "•" or "-" = typed characters.
    ``first`` is an empty paragraph to fill first (a new table cell has one).
    """
    target = [first]

    def para(style: str | None = None) -> Any:
        if target[0] is not None:
            p, target[0] = target[0], None
            if style:
                p.style = style
            return p
        return container.add_paragraph(style=style)

    for block in richtext.parse(stored):
        if isinstance(block, richtext.Paragraph):
            _runs(para(), block.spans)
        elif isinstance(block, richtext.ListBlock):
            for item in block.items:
                if bullets == "list":
                    _runs(para("List Bullet"), item)
                else:
                    p = para()
                    p.add_run(f"{bullets}\t" if bullets == "o" else f"{bullets} ")
                    _runs(p, item)
        elif isinstance(block, richtext.Table):
            table = container.add_table(rows=len(block.rows), cols=max(len(r) for r in block.rows))
            for r, row in enumerate(block.rows):
                for c, spans in enumerate(row):
                    _runs(table.cell(r, c).paragraphs[0], spans)


def _bold(container: Any, text: str, first: Any = None) -> Any:
    p = first if first is not None else container.add_paragraph()
    p.add_run(text).bold = True
    return p


def _box_row(cells: list[Any], rating: str | None, mark: str) -> None:
    for n, word in enumerate(("RED", "AMBER", "GREEN")):
        cells[2 * n].text = word
        shade(cells[2 * n], FILLS[word])
        cells[2 * n + 1].text = mark if word == rating else ""


def update_report_docx(path: Path, inspection: dict[str, Any], *, in_table: int = 3,
                       bullets: tuple[str, ...] = ("list", "o", "•", "-"),
                       marks: tuple[str, ...] = ("x", "X", "✓")) -> Path:
    """The seed 000 layout for ``inspection`` (its items' first assessment is the rating)."""
    doc = Document()
    doc.add_paragraph("Appendix 1")
    doc.add_paragraph("Update Report on Recommendations and AFIs for Chief Constables in the "
                      f"HMICFRS report '{inspection['title']}'")
    items = inspection["items"]
    big = doc.add_table(rows=4, cols=6)
    big.style = "Table Grid"
    big.cell(0, 0).merge(big.cell(0, 5)).text = "RAG ratings"
    for n, (word, meaning) in enumerate((
            ("RED", "Recommendation / AFI will not be, or is unlikely to be, implemented in full by its deadline"),
            ("AMBER", "Recommendation / AFI will be, or is likely to be, implemented in full by its deadline"),
            ("GREEN", "Recommendation / AFI has already been implemented in full")), start=1):
        big.cell(n, 0).text = word
        shade(big.cell(n, 0), FILLS[word])
        big.cell(n, 1).merge(big.cell(n, 5)).text = meaning
    for n, item in enumerate(items):
        rating = item["assessments"][0]["rag"] if item["assessments"] else None
        update = item["assessments"][0]["update"] if item["assessments"] else ""
        style = bullets[n % len(bullets)]
        mark = marks[n % len(marks)]
        heading = f"{'Recommendation' if item['kind'] == 'recommendation' else 'Area for improvement'} {item['number']}"
        if n < in_table:  # label row, box row, heading row, text row, update row
            label = big.add_row().cells
            label[0].merge(label[5]).text = "RAG Rating (please mark with an X):"
            _box_row(big.add_row().cells, rating, mark)
            for text, bold in ((heading, True), (item["text"], False), (update, False)):
                cell = big.add_row().cells
                merged = cell[0].merge(cell[5])
                if bold:
                    _bold(merged, text, merged.paragraphs[0])
                else:
                    write_rich(merged, text, style, first=merged.paragraphs[0])
            continue
        doc.add_paragraph("RAG Rating (please mark with an X):")
        box = doc.add_table(rows=1, cols=6)
        box.style = "Table Grid"
        _box_row(box.rows[0].cells, rating, mark)
        _bold(doc, heading).runs[0].font.size = Pt(12)
        write_rich(doc, item["text"], style)
        write_rich(doc, update, style)
    doc.save(str(path))
    return path


def _area_line(item: dict[str, Any]) -> str:
    if item["area"]:
        return f"{item['area']} ({item['board']}) – {item['lead']}"
    return f"{item['board']} – {item['lead']}"


def _loose_afi(doc: Any, item: dict[str, Any]) -> None:
    """An AFI as the seed renders AFIs 4-8: a header-only table, then loose paragraphs (the
    area line twice, a dashboard link, the status note, "AFI N … Intent and Implementation")."""
    latest = item["assessments"][-1]
    header = doc.add_table(rows=1, cols=3)
    for n, h in enumerate(("Area", "ACC RAG / DoT", "Update")):
        header.cell(0, n).text = h
    _bold(doc, _area_line(item))
    doc.add_paragraph(_area_line(item))
    if item["dashboard"]:
        doc.add_paragraph(richtext.to_plain(item["dashboard"]))
    for line in latest["status_note"].split("\n"):
        _bold(doc, line)
    marker = MARKERS.get(item["status"], "")
    _bold(doc, f"AFI {item['number']} {richtext.to_plain(item['text'])}"
               + (f" {marker}" if marker else "") + ". Intent and Implementation")
    write_rich(doc, latest["intent_and_implementation"], "list")
    doc.add_paragraph("Impact")
    write_rich(doc, latest["impact"], "-")


def peel_update_docx(path: Path, inspection: dict[str, Any], *,
                     continuation: tuple[str, ...] = ("9", "11"),
                     loose: tuple[str, ...] = ("4", "5")) -> Path:
    """The seed 004 layout: matrix rated by shading only, then one table per AFI (those in
    ``loose`` as paragraphs after a header-only table, as the seed shows AFIs 4-8)."""
    doc = Document()
    for text in ("Appendix 1", "For P&RSB 26th June 2024", "PEEL AFI Performance Update",
                 "Document Owner: Claire Heath", "Continuous Improvement Team"):
        doc.add_paragraph(text)
    items = inspection["items"]
    half = (len(items) + 1) // 2
    matrix = doc.add_table(rows=half + 1, cols=10)
    matrix.style = "Table Grid"
    for n, h in enumerate(["AFI", "Area", "Jan", "Jun", "DoT"] * 2):
        matrix.cell(0, n).text = h
    for n, item in enumerate(items):
        row = matrix.rows[n % half + 1].cells
        base = 0 if n < half else 5
        row[base].text = item["number"]
        marker = MARKERS.get(item["status"], "")
        row[base + 1].text = richtext.to_plain(item["text"]) + (f" {marker}" if marker else "")
        ratings = [a["rag"] for a in item["assessments"]]
        for k, rag in enumerate(ratings[:2]):
            shade(row[base + 2 + k], FILLS[rag])  # shading only, no text: as in the real file
        row[base + 4].text = "=" if ratings[0] == ratings[-1] else "+"
    doc.add_paragraph("")
    for item in items:
        if item["number"] in loose:
            _loose_afi(doc, item)
            continue
        latest = item["assessments"][-1]
        table = doc.add_table(rows=2, cols=3)
        table.style = "Table Grid"
        for n, h in enumerate(("Area", "RAG / DoT", "Update")):
            table.cell(0, n).text = h
        area, rag, update = table.rows[1].cells
        area.paragraphs[0].add_run(_area_line(item))
        if item["dashboard"]:
            area.add_paragraph(richtext.to_plain(item["dashboard"]))
        for line in latest["status_note"].split("\n"):
            area.add_paragraph(line)
        first = item["assessments"][0]["rag"]
        rag.text = "=" if first == latest["rag"] else "+"
        shade(rag, FILLS[latest["rag"]])
        marker = MARKERS.get(item["status"], "")
        update.paragraphs[0].add_run(f"AFI {item['number']} {richtext.to_plain(item['text'])}"
                                     + (f" {marker}" if marker else ""))
        _bold(update, "Intent and Implementation")
        write_rich(update, latest["intent_and_implementation"], "list")
        impact_cell = update
        if item["number"] in continuation:
            impact_cell = table.add_row().cells[2]
            _bold(impact_cell, "Impact", impact_cell.paragraphs[0])
        else:
            _bold(update, "Impact")
        write_rich(impact_cell, latest["impact"], "•")
        doc.add_paragraph("")
    doc.save(str(path))
    return path


def _plain_bullets(stored: str) -> str:
    return richtext.to_plain(stored)  # lists as "• " lines, as people type them in cells


TRACKER_HEADER = ["Ref", "Recommendation", "Lead Officer", "Due date", "RAG Status",
                  "Latest update", "Status"]


def tracker_rows(inspection: dict[str, Any]) -> list[list[Any]]:
    """One row per item: ratings alternate between words, odd case and letters; every third
    deadline is typed day-first text rather than a date."""
    rows = []
    for n, item in enumerate(inspection["items"]):
        a = item["assessments"][-1] if item["assessments"] else {}
        rag = a.get("rag") or ""
        rag_text = (rag, rag.lower().capitalize(), rag[:1])[n % 3]
        deadline: Any = item["deadline"] or ""
        if deadline and deadline != "with immediate effect":
            date = dt.date.fromisoformat(deadline)
            deadline = date.strftime("%d/%m/%Y") if n % 3 == 0 else dt.datetime(date.year, date.month, date.day)
        elif deadline:
            deadline = "With immediate effect"
        ref = f"{'Rec' if item['kind'] == 'recommendation' else 'AFI'} {item['number']}"
        status = {"open": "Open", "verified_closed": "Verified closed",
                  "proposed_for_closure": "Proposed for closure",
                  "field_testing": "Subject to field testing"}[item["status"]]
        rows.append([ref, _plain_bullets(item["text"]), item["lead"] or "", deadline, rag_text,
                     _plain_bullets(a.get("update") or ""), status])
    return rows


def tracker_xlsx(path: Path, inspection: dict[str, Any], *, fills_only: bool = False) -> Path:
    """Title on row 1, a blank row, the header on row 3; with ``fills_only`` the RAG cells
    have no text, only a fill colour."""
    from openpyxl import Workbook
    from openpyxl.styles import PatternFill

    wb = Workbook()
    ws = wb.active
    ws.title = "Tracker"
    ws.append([f"Recommendations tracker – {inspection['title']}"])
    ws.append([])
    ws.append(TRACKER_HEADER)
    for n, row in enumerate(tracker_rows(inspection), start=4):
        rag = row[4]
        word = {"R": "RED", "A": "AMBER", "G": "GREEN", "B": "BLUE"}.get(rag.upper()[:1], "")
        if fills_only:
            row[4] = None
        ws.append(row)
        if word:
            ws.cell(n, 5).fill = PatternFill("solid", fgColor="FF" + FILLS[word])
    wb.save(str(path))
    return path


def tracker_csv(path: Path, inspection: dict[str, Any], *, encoding: str = "utf-8-sig") -> Path:
    import csv
    import io

    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow([f"Tracker: {inspection['title']}"])
    w.writerow(TRACKER_HEADER)
    for row in tracker_rows(inspection):
        w.writerow([v.strftime("%d/%m/%Y") if isinstance(v, dt.datetime) else v for v in row])
    path.write_bytes(out.getvalue().encode(encoding, errors="replace"))
    return path
