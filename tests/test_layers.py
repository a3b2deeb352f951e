"""The layers point one way: the core imports neither Qt nor ReportLab."""

from __future__ import annotations

import ast
import re
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


_ROOT = Path(__file__).parent.parent
_STORAGE = {_ROOT / "ragdesk" / name for name in ("store.py", "schema.py", "dbfile.py", "search_index.py")}
_SQL = re.compile(r"\b(SELECT\s+[\w*(]|INSERT\s+(OR\s+\w+\s+)?INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM"
                  r"|CREATE\s+(TABLE|INDEX|TRIGGER|VIEW)|PRAGMA\s+\w)")


def _sources(*packages: str) -> list[Path]:
    return sorted(p for package in packages for p in (_ROOT / package).rglob("*.py"))


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
    return names


def _sql_strings(path: Path) -> list[int]:
    return [node.lineno for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
            and _SQL.search(node.value)]


def test_the_window_never_imports_sqlite3() -> None:
    """The store's errors reach the window as RagdeskErrors; it has no sqlite3 to catch."""
    sources = _sources("ui")
    assert sources
    assert [str(p.relative_to(_ROOT)) for p in sources if "sqlite3" in _imports(p)] == []


def test_sql_stays_inside_the_storage_modules() -> None:
    assert _sql_strings(_ROOT / "ragdesk" / "store.py")  # the check does find SQL where it is
    outside = [f"{p.relative_to(_ROOT)}:{line}" for p in _sources("ragdesk", "ui", "reports")
               if p not in _STORAGE for line in _sql_strings(p)]
    assert outside == []
