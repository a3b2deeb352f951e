"""The Word reports and the Excel tracker as another office suite reads them: LibreOffice.

python-docx and openpyxl reading back what they wrote proves little about what a
reader shows, so LibreOffice (headless) lays the three files out and prints them to
PDF, and the text and colours are read back from those PDFs: headings in order, the X
in the right box for every item, the marking and "Page x of y" on every page, the PEEL
matrix letters, the rating fills.

All three files are converted by one ``soffice`` call (about 6 s; each call starts
LibreOffice afresh), with a private profile folder so runs in parallel never share one.
Skipped, saying why, when LibreOffice is not installed; CI installs it (.ci/run).
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pypdf
import pytest

from ragdesk.reports import ReportOptions, build_report
from ragdesk.store import Store
from ragdesk.xlsx_export import export_xlsx

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
pytestmark = pytest.mark.skipif(
    SOFFICE is None, reason="LibreOffice is not installed (apt-get install "
                            "libreoffice-writer-nogui libreoffice-calc-nogui); CI installs it")

HEADING = re.compile(r"^(Recommendation|Area for improvement) (\d+)\s*$", re.M)
SEED_000_AMBER = {"Recommendation 13", "Recommendation 16", "Area for improvement 1",
                  "Area for improvement 2", "Area for improvement 3"}
FILLS = {"RED": "C00000", "AMBER": "FFC000", "GREEN": "00B050"}


@pytest.fixture(scope="module")
def printed(_sample_master: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """report1.docx, report2.docx and tracker.xlsx from the sample, printed to PDF by LibreOffice."""
    folder = tmp_path_factory.mktemp("libreoffice")
    with Store.open(_sample_master, read_only=True) as store:
        jul = store.period_by_label("Jul 2023")
        periods = tuple(p.id for p in store.periods() if p.label != "Jul 2023")
        assert jul is not None
        build_report(store, ReportOptions(kind="recommendations", period_ids=(jul.id,),
                                          marking="OFFICIAL-SENSITIVE",
                                          generated=dt.date(2024, 7, 1)),
                     folder / "report1.docx")
        build_report(store, ReportOptions(kind="peel", period_ids=periods, marking="OFFICIAL",
                                          generated=dt.date(2024, 7, 1)),
                     folder / "report2.docx")
        export_xlsx(store, folder / "tracker.xlsx")
    out = folder / "pdf"
    profile = (folder / "profile").as_uri()
    done = subprocess.run(
        [SOFFICE, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
         "--outdir", str(out), *(str(folder / n) for n in ("report1.docx", "report2.docx",
                                                            "tracker.xlsx"))],
        capture_output=True, text=True, timeout=300)
    pdfs = {name: out / f"{name}.pdf" for name in ("report1", "report2", "tracker")}
    missing = [p.name for p in pdfs.values() if not p.exists()]
    assert not missing, f"LibreOffice did not print {missing}: {done.stdout}{done.stderr}"
    return pdfs


def _pages(path: Path) -> list[str]:
    return [page.extract_text() or "" for page in pypdf.PdfReader(path).pages]


def _fills(path: Path, pages: range | None = None) -> set[str]:
    """The fill colours ("rg" operators) drawn on the pages (default the first), as "RRGGBB"."""
    reader = pypdf.PdfReader(path)
    found = set()
    for n in pages or range(1):
        contents = reader.pages[n].get_contents()
        data = contents.get_data().decode("latin-1") if contents is not None else ""
        for r, g, b in re.findall(r"([\d.]+) ([\d.]+) ([\d.]+) rg", data):
            found.add("".join(f"{round(float(v) * 255):02X}" for v in (r, g, b)))
    return found


def _outline(path: Path) -> list[tuple[int, str]]:
    """(level, title) of the PDF's bookmarks: LibreOffice makes them from the Word headings,
    as Word's navigation pane and a table of contents read them."""
    def walk(entries: list, level: int) -> list[tuple[int, str]]:  # type: ignore[type-arg]
        out: list[tuple[int, str]] = []
        for entry in entries:
            out += walk(entry, level + 1) if isinstance(entry, list) else [(level, entry.title)]
        return out

    return walk(pypdf.PdfReader(path).outline, 0)


def _every_page_marked(pages: list[str], marking: str) -> None:
    total = len(pages)
    assert total > 1
    for n, text in enumerate(pages, start=1):
        assert text.count(marking) >= 2, (n, text[:200])  # header and footer
        assert f"Page {n} of {total}" in text, (n, text[-300:])


def test_report1_in_libreoffice(printed: dict[str, Path]) -> None:
    pages = _pages(printed["report1"])
    text = "\n".join(pages)
    headings = list(HEADING.finditer(text))
    names = [f"{m[1]} {m[2]}" for m in headings]
    assert names[:3] == ["Recommendation 2", "Recommendation 3", "Recommendation 4"]
    assert len(names) == 33 and names[-1] == "Area for improvement 5"
    start = 0
    for m in headings:  # the RAG row printed just before each heading holds its X
        row = text[start:m.start()].split("RAG Rating (please mark with an X):")[-1]
        tokens = [t for t in row.split() if t in FILLS or t == "X"]
        assert tokens.count("X") == 1, (m[0], tokens)
        marked = tokens[tokens.index("X") - 1]
        assert marked == ("AMBER" if f"{m[1]} {m[2]}" in SEED_000_AMBER else "GREEN"), m[0]
        start = m.end()
    _every_page_marked(pages, "OFFICIAL-SENSITIVE")
    assert "Document owner: Claire Heath" in pages[0]
    outline = _outline(printed["report1"])
    assert outline[0] == (0, "Update Report on Recommendations and AFIs for Chief Constables in "
                             "the HMICFRS report ‘An inspection of vetting, misconduct and "
                             "misogyny in the police’")
    assert outline[1:] == [(1, name) for name in names]
    assert set(FILLS.values()) <= _fills(printed["report1"])  # legend and RAG row colours


def test_report2_in_libreoffice(printed: dict[str, Path], _sample_master: Path) -> None:
    pages = _pages(printed["report2"])
    first = pages[0]
    assert "PEEL AFI Performance Update" in first and "For P&RSB 26 June 2024" in first
    with Store.open(_sample_master, read_only=True) as store:
        peel = {i.id for i in store.items(store.inspections()[1].id)}
        expected = Counter(rag[0] for (item, _), (rag, _) in store.rag_grid().items()
                           if item in peel and rag)
    assert sum(expected.values()) == 28  # 14 AFIs x 2 periods
    # the matrix: one letter per AFI and period, plus the key's three chips
    letters = Counter(t for t in first.split() if t in ("R", "A", "G"))
    assert letters == expected + Counter("RAG")
    assert set(FILLS.values()) <= _fills(printed["report2"])
    text = " ".join(" ".join(pages).split())
    afis = [int(n) for n in re.findall(r"AFI (\d+) The force", text)]
    assert afis == list(range(1, 15))
    outline = _outline(printed["report2"])  # the headings inside the AFI tables count too
    assert outline[0] == (0, "PEEL AFI Performance Update")
    assert [re.sub(r"^(AFI \d+) .*", r"\1", title) for _, title in outline[1:]] == [
        f"AFI {n}" for n in range(1, 15)]
    assert text.count("Intent and Implementation") >= 10 and text.count("Impact") >= 14
    _every_page_marked(pages, "OFFICIAL")


def test_tracker_in_libreoffice(printed: dict[str, Path]) -> None:
    pages = _pages(printed["tracker"])
    text = "\n".join(pages)
    for title in ("Inspection", "Deadline", "Rating", "Direction of travel", "Intent and"):
        assert title in text
    assert "30/04/2023" in text  # the deadline is a date, shown day first
    words = Counter(t for t in text.split() if t in FILLS)
    # the tracker's 61 rating cells and the matrix's 75 (47 items, ratings where given)
    assert words["AMBER"] + words["GREEN"] == 61 + (33 + 28)
    fills = _fills(printed["tracker"], range(len(pages)))
    assert {FILLS["AMBER"], FILLS["GREEN"]} <= fills
