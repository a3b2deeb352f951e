"""The layers point one way: the core imports neither Qt nor ReportLab."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

CORE = ["ragdesk", "ragdesk.cli", "ragdesk.store", "ragdesk.jsonio", "ragdesk.sample",
        "ragdesk.richtext", "ragdesk.domain", "ragdesk.schema"]


def test_core_imports_no_qt_and_no_reportlab() -> None:
    core = sorted(p.stem for p in (Path(__file__).parent.parent / "ragdesk").glob("*.py"))
    modules = sorted(set(CORE) | {f"ragdesk.{name}" for name in core if name != "__main__"})
    code = ("import sys\n" + "".join(f"import {m}\n" for m in modules)
            + "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6', 'reportlab'))\n"
            + "print(','.join(bad))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ""


def test_outer_layers_are_not_installed_as_top_level_packages(tmp_path: Path) -> None:
    # Run from an empty folder: from the repo root the source folders themselves are importable.
    code = ("import importlib.util as u\n"
            "print([n for n in ('ui', 'reports', 'resources') if u.find_spec(n)],"
            " [n for n in ('ragdesk.ui', 'ragdesk.reports', 'ragdesk.resources') if u.find_spec(n)])")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[] ['ragdesk.ui', 'ragdesk.reports', 'ragdesk.resources']"


def test_reports_never_import_qt() -> None:
    code = ("import sys, pkgutil, importlib, ragdesk.reports as r\n"
            "for m in pkgutil.iter_modules(r.__path__):\n"
            "    importlib.import_module('ragdesk.reports.' + m.name)\n"
            "print(','.join(sorted(m for m in sys.modules if m.startswith('PySide6'))))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ""
