"""``ragdesk report``: writes the PDF, or says what is wrong and exits 1 (never a traceback)."""

from __future__ import annotations

from pathlib import Path

import pytest
from reports_support import marks, pages_text

from ragdesk.cli import main


def test_recommendations_by_period_label(sample_path: Path, tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "r1.pdf"
    code = main(["report", str(sample_path), "--format", "recommendations", "--period", "jul 2023",
                 "--marking", "OFFICIAL-SENSITIVE", "-o", str(out)])
    assert code == 0
    assert "33 items" in capsys.readouterr().out
    pages = pages_text(out.read_bytes())
    assert all("OFFICIAL-SENSITIVE" in p for p in pages)
    found = marks("\n".join(pages))
    assert found[0] == ("Recommendation 2", "GREEN") and len(found) == 33


def test_marking_defaults_to_the_files_marking(sample_path: Path, tmp_path: Path) -> None:
    """Board papers are almost always marked: with no --marking the file's marking prints
    (OFFICIAL unless File > Properties says otherwise); "none" is a deliberate choice."""
    from ragdesk.reports.options import MARKING_SETTING
    from ragdesk.store import Store

    unmarked, sensitive, none = tmp_path / "a.pdf", tmp_path / "b.pdf", tmp_path / "c.pdf"
    base = ["report", str(sample_path), "--format", "recommendations", "--period", "Jul 2023"]
    assert main([*base, "-o", str(unmarked)]) == 0
    assert all("OFFICIAL" in p for p in pages_text(unmarked.read_bytes()))
    assert main([*base, "--marking", "none", "-o", str(none)]) == 0
    assert not any("OFFICIAL" in p for p in pages_text(none.read_bytes()))
    with Store.open(sample_path) as store:
        store.set_setting(MARKING_SETTING, "OFFICIAL-SENSITIVE")
    assert main([*base, "-o", str(sensitive)]) == 0
    assert all("OFFICIAL-SENSITIVE" in p for p in pages_text(sensitive.read_bytes()))


def test_peel_with_two_periods_and_inspection_by_title(sample_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "r2.pdf"
    code = main(["report", str(sample_path), "--format", "peel", "--period", "Jan 2024",
                 "--period", "Jun 2024", "--inspection", "peel", "--paper", "Letter", "-o", str(out)])
    assert code == 0
    first = pages_text(out.read_bytes())[0]
    assert "Jan\n2024" in first and "For P&RSB 26 June 2024" in first


def test_format_defaults_from_the_inspection(sample_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.pdf"
    assert main(["report", str(sample_path), "--inspection", "2", "-o", str(out)]) == 0
    assert "PEEL AFI Performance Update" in pages_text(out.read_bytes())[0]


@pytest.mark.parametrize(("args", "message"), [
    (["--period", "Dec 2030"], "There is no reporting period “Dec 2030”. Periods: Jul 2023"),
    (["--inspection", "no such thing"], "There is no inspection “no such thing”"),
    (["--inspection", "99"], "There is no inspection “99”"),
])
def test_clear_errors_exit_1(sample_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                             args: list[str], message: str) -> None:
    out = tmp_path / "x.pdf"
    assert main(["report", str(sample_path), *args, "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert not out.exists()


def test_no_items_and_unwritable_output_exit_1(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "empty.db"
    assert main(["new", str(db)]) == 0
    assert main(["report", str(db), "-o", str(tmp_path / "x.pdf")]) == 1
    assert "There are no items to print: this file has no inspections yet." in capsys.readouterr().err
    missing = tmp_path / "no" / "such" / "dir" / "x.pdf"
    assert main(["sample", str(tmp_path / "s.db")]) == 0
    assert main(["report", str(tmp_path / "s.db"), "-o", str(missing)]) == 1
    assert f"Could not write the report to {missing}" in capsys.readouterr().err


def test_missing_database_exit_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", str(tmp_path / "none.db"), "-o", str(tmp_path / "x.pdf")]) == 1
    assert "does not exist" in capsys.readouterr().err
