"""The Excel tracker and the CSV export: same columns, read back with openpyxl and csv.

An analyst's view: one row per item and period, real dates, ratings coloured *and*
worded, a frozen and filtered header, wrapped narratives, a matrix sheet; a CSV that
Excel opens as UTF-8; and no half-written file when the disk fills.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import openpyxl
import pytest

from ragdesk import richtext, tracker, xlsx_export
from ragdesk.cli import main
from ragdesk.errors import ExportFailed
from ragdesk.jsonio import export_csv
from ragdesk.store import Store

FILLS = {"RED": "C00000", "AMBER": "FFC000", "GREEN": "00B050"}


def _rgb(cell) -> str:  # type: ignore[no-untyped-def]
    return (cell.fill.fgColor.rgb or "")[-6:] if cell.fill.fill_type == "solid" else ""


def _tracker(store: Store, tmp_path: Path) -> openpyxl.Workbook:
    target = tmp_path / "tracker.xlsx"
    assert xlsx_export.export_xlsx(store, target) == 33 + 14 * 2
    return openpyxl.load_workbook(target)


def test_tracker_rows_columns_and_types(sample_store: Store, tmp_path: Path) -> None:
    wb = _tracker(sample_store, tmp_path)
    assert wb.sheetnames == ["Tracker", "Matrix"]
    ws = wb["Tracker"]
    header = [c.value for c in ws[1]]
    assert header == [c.title for c in tracker.COLUMNS]
    assert header[:14] == ["Inspection", "Kind", "Number", "Text", "Deadline", "Area", "Board",
                           "Lead", "Status", "Review date", "Period", "Rating",
                           "Direction of travel", "Status note"]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == f"A1:R{ws.max_row}"
    assert ws.max_row == 1 + 33 + 14 * 2
    assert ws.column_dimensions["D"].width == 60 and ws["D2"].alignment.wrap_text
    rows = {(r[0].value[:4], r[2].value, r[10].value): r for r in ws.iter_rows(min_row=2)}
    rec13 = rows[("An i", 13, "Jul 2023")]
    assert rec13[1].value == "Recommendation" and rec13[4].value == dt.datetime(2023, 10, 31)
    assert rec13[4].number_format == "dd/mm/yyyy"
    assert rec13[11].value == "AMBER" and _rgb(rec13[11]) == FILLS["AMBER"]
    assert "• identify the required vetting level for all posts" in rec13[3].value
    assert rows[("An i", 29, "Jul 2023")][4].value == "with immediate effect"
    afi5 = rows[("PEEL", 5, "Jun 2024")]
    assert (afi5[11].value, _rgb(afi5[11]), afi5[12].value) == ("GREEN", FILLS["GREEN"], "+")
    assert afi5[8].value.startswith("Verified closed")  # the status's label, not its code
    assert afi5[15].value.startswith("• Crime Scene Investigator input")  # bullets as lines
    for row in ws.iter_rows(min_row=2):
        assert row[11].value in FILLS and _rgb(row[11]) == FILLS[row[11].value]


def test_matrix_sheet_items_by_periods(sample_store: Store, tmp_path: Path) -> None:
    ws = _tracker(sample_store, tmp_path)["Matrix"]
    assert [c.value for c in ws[1]] == ["Inspection", "Item", "Title", "Jul 2023", "Jan 2024",
                                        "Jun 2024"]
    assert ws.max_row == 1 + 47 and ws.freeze_panes == "A2"
    by_label = {(r[0].value[:4], r[1].value): r for r in ws.iter_rows(min_row=2)}
    afi10 = by_label[("PEEL", "AFI 10")]
    assert [c.value for c in afi10[3:]] == [None, "AMBER", "GREEN"]
    assert [_rgb(c) for c in afi10[4:]] == [FILLS["AMBER"], FILLS["GREEN"]]
    assert by_label[("An i", "Rec 13")][3].value == "AMBER"


def test_text_that_looks_like_a_formula_or_is_too_long_stays_text(empty_store: Store,
                                                                  tmp_path: Path) -> None:
    inspection = empty_store.add_inspection("=HYPERLINK(\"http://x\")")
    huge = "x" * 40_000
    item = empty_store.add_item(inspection.id, "recommendation", "3a",
                                text=richtext.to_html(richtext.from_plain("=1+1\x01 Zoë")))
    period = empty_store.add_period("Jun 2024")
    empty_store.save_assessment(item_id=item.id, period_id=period.id, rag="RED", dot="-",
                                update=richtext.to_html(richtext.from_plain(huge)))
    target = tmp_path / "t.xlsx"
    xlsx_export.export_xlsx(empty_store, target)
    row = openpyxl.load_workbook(target)["Tracker"][2]
    assert row[0].value == '=HYPERLINK("http://x")' and row[0].data_type == "s"
    assert row[2].value == "3a" and row[3].value == "=1+1 Zoë"
    assert row[12].value == "-"
    assert len(row[14].value) == xlsx_export.EXCEL_CELL_LIMIT
    assert row[14].value.endswith(xlsx_export.TRUNCATED)


def test_csv_has_the_same_columns_and_a_bom_in_files(sample_path: Path, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "tracker.csv"
    assert main(["export", str(sample_path), "--format", "csv", "-o", str(target)]) == 0
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfinspection,kind,number,text,deadline,")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == list(tracker.KEYS) and len(rows[0]) == len(tracker.COLUMNS)
    assert len(rows) == 1 + 33 + 14 * 2
    assert main(["export", str(sample_path), "--format", "csv"]) == 0
    assert capsys.readouterr().out.startswith("inspection,")  # no BOM in a pipe


def test_cli_xlsx_needs_a_file_and_reports_rows(sample_path: Path, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", str(sample_path), "--format", "xlsx"]) == 1
    assert "give a file name with -o" in capsys.readouterr().err
    target = tmp_path / "t.xlsx"
    assert main(["export", str(sample_path), "--format", "xlsx", "-o", str(target)]) == 0
    assert "Exported 61 rows" in capsys.readouterr().err
    assert openpyxl.load_workbook(target)["Tracker"].max_row == 62


def test_a_failed_write_leaves_the_old_file_and_no_partial(sample_store: Store, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "out" / "t.xlsx"
    with pytest.raises(ExportFailed, match="Could not write the Excel tracker to"):
        xlsx_export.export_xlsx(sample_store, target)  # the folder does not exist
    target.parent.mkdir()
    target.write_bytes(b"last week's tracker")

    real_save = openpyxl.Workbook.save

    def full_disk(self, filename: str) -> None:  # type: ignore[no-untyped-def]
        real_save(self, filename)
        with open(filename, "r+b") as f:  # the disk filled up half way through
            f.truncate(100)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(openpyxl.Workbook, "save", full_disk)
    with pytest.raises(ExportFailed, match="No space left on device"):
        xlsx_export.export_xlsx(sample_store, target)
    assert target.read_bytes() == b"last week's tracker"
    assert [p.name for p in target.parent.iterdir()] == ["t.xlsx"]
    csv_before = export_csv(sample_store)
    assert "\ufeff" not in csv_before
