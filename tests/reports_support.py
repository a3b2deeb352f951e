"""Helpers for the report tests: build a report to bytes and read its text back with pypdf."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import pypdf
import pytest

from ragdesk.reports import ReportOptions, build_report
from ragdesk.store import Store

HEADING = re.compile(r"^(Recommendation|Area for improvement|Cause of concern) (\S+)$", re.M)


def pdf_bytes(store: Store, **options: object) -> bytes:
    out = io.BytesIO()
    build_report(store, ReportOptions(**options), out)  # type: ignore[arg-type]
    return out.getvalue()


def pages_text(data: bytes) -> list[str]:
    return [page.extract_text() or "" for page in pypdf.PdfReader(io.BytesIO(data)).pages]


def marks(text: str, codes: tuple[str, ...] = ("RED", "AMBER", "GREEN")) -> list[tuple[str, str | None]]:
    """(heading, rating marked with X) for every item of a report 1 text, in order."""
    found: list[tuple[str, str | None]] = []
    headings = list(HEADING.finditer(text))
    for n, m in enumerate(headings):
        end = headings[n + 1].start() if n + 1 < len(headings) else len(text)
        section = text[m.end():end]
        row = section.split("RAG Rating (please mark with an X):")[-1]
        tokens = [t for t in row.split() if t in codes or t == "X"]
        marked = next((tokens[i - 1] for i, t in enumerate(tokens) if t == "X" and i > 0), None)
        found.append((f"{m[1]} {m[2]}", marked))
    return found


def qpdf_check(path: Path) -> None:
    if shutil.which("qpdf") is None:
        pytest.skip("qpdf is not installed (apt-get install qpdf); CI installs it")
    result = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
