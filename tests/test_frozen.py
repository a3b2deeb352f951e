"""Smoke test of the installed application: the PyInstaller build in dist/ragdesk/.

What a person with no Python gets must open the sample, write both reports and
start the window. These tests run the frozen programs as that person would, headless
(QT_QPA_PLATFORM=offscreen), with a private home folder so nothing touches the
developer's own settings.

They are skipped unless there is a build: ``python3 scripts/build.py --smoke`` builds
and runs them; ``RAGDESK_FROZEN=path/to/dist/ragdesk`` (the folder or its ``ragdesk``
program) points them at another build, and then a missing build is a failure, not a skip.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXE = ".exe" if os.name == "nt" else ""
WINDOWS = os.name == "nt"


SOURCES = ("ragdesk", "ui", "reports", "resources", "build.spec", "pyproject.toml")


def _newest_source() -> float:
    paths = [ROOT / s for s in SOURCES]
    files = [p for path in paths for p in ([path] if path.is_file() else path.rglob("*"))
             if p.is_file() and "__pycache__" not in p.parts]
    return max((p.stat().st_mtime for p in files), default=0.0)


def _find_build() -> tuple[Path | None, str]:
    """The folder holding ragdesk[.exe] and ragdesk-cli[.exe], or None and why not.

    dist/ragdesk is used only if it is newer than the code: a developer's old build
    would otherwise fail ``pytest tests`` for changes it does not contain.
    RAGDESK_FROZEN is always used (and a missing build then fails the tests).
    """
    given = os.environ.get("RAGDESK_FROZEN")
    if given:
        path = Path(given).resolve()
        return (path if path.is_dir() else path.parent), ""
    folder = ROOT / "dist" / "ragdesk"
    exe = folder / f"ragdesk{EXE}"
    if not exe.is_file():
        return None, ("no frozen build in dist/ragdesk: run `python3 scripts/build.py --smoke` "
                      "(or set RAGDESK_FROZEN to a build folder)")
    if exe.stat().st_mtime < _newest_source():
        return None, ("dist/ragdesk is older than the source: rebuild with "
                      "`python3 scripts/build.py --smoke` (or set RAGDESK_FROZEN to test it anyway)")
    return folder, ""


APP, _WHY_NOT = _find_build()
pytestmark = pytest.mark.skipif(APP is None, reason=_WHY_NOT)


def _pyproject_version() -> str:
    return tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["version"]


@pytest.fixture(scope="module")
def app() -> Path:
    assert APP is not None
    for name in ("ragdesk", "ragdesk-cli"):
        if not (APP / f"{name}{EXE}").is_file():
            pytest.fail(f"RAGDESK_FROZEN={os.environ.get('RAGDESK_FROZEN')!r}: "
                        f"no {name}{EXE} in {APP}")
    return APP


def _snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns)
            for p in folder.rglob("*") if p.is_file()}


@pytest.fixture(scope="module")
def untouched(app: Path) -> Iterator[None]:
    """Fails the module if any run wrote into the application folder.

    On Windows the app is installed in Program Files, which users cannot write to:
    settings, the sample copy and backups must go to the user's own folders.
    (A permission check would prove nothing here: CI runs as root.)
    """
    before = _snapshot(app)
    yield
    after = _snapshot(app)
    changed = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
    assert not changed, f"the frozen app wrote into its own folder: {changed[:10]}"


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("home")


@pytest.fixture(scope="module")
def env(home: Path) -> dict[str, str]:
    """A fresh user: own home, settings and data folders, headless Qt."""
    keep = {k: v for k, v in os.environ.items()
            if k.upper() in {"PATH", "SYSTEMROOT", "WINDIR", "TEMP", "TMP", "TMPDIR", "LANG",
                             "LC_ALL", "COMSPEC", "PATHEXT", "SYSTEMDRIVE"}}
    return keep | {
        "QT_QPA_PLATFORM": "offscreen",
        "HOME": str(home), "USERPROFILE": str(home),
        "APPDATA": str(home / "AppData" / "Roaming"),
        "LOCALAPPDATA": str(home / "AppData" / "Local"),
        "XDG_CONFIG_HOME": str(home / ".config"), "XDG_DATA_HOME": str(home / ".local" / "share"),
        "XDG_CACHE_HOME": str(home / ".cache"), "XDG_RUNTIME_DIR": str(home / "runtime"),
    }


def run(app: Path, env: dict[str, str], *args: str,
        program: str = "ragdesk-cli") -> subprocess.CompletedProcess[str]:
    """Run a frozen program to the end; its output must never hold a Python traceback."""
    Path(env["XDG_RUNTIME_DIR"]).mkdir(mode=0o700, exist_ok=True)
    result = subprocess.run([str(app / f"{program}{EXE}"), *args], env=env, cwd=env["HOME"],
                            capture_output=True, text=True, encoding="utf-8",
                            errors="replace", timeout=180)
    assert "Traceback" not in result.stderr + result.stdout, result.stderr
    return result


@pytest.fixture(scope="module")
def sample_db(app: Path, env: dict[str, str], home: Path, untouched: None) -> Path:
    path = home / "work" / "sample.db"
    path.parent.mkdir()
    result = run(app, env, "sample", str(path))
    assert result.returncode == 0, result.stderr
    assert "47 items" in result.stdout
    return path


def test_version_is_the_one_in_pyproject(app: Path, env: dict[str, str], untouched: None) -> None:
    result = run(app, env, "--version")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"ragdesk {_pyproject_version()}"


@pytest.mark.skipif(WINDOWS, reason="ragdesk.exe is the windowed program: it has no stdout")
def test_gui_program_also_runs_commands(app: Path, env: dict[str, str], sample_db: Path) -> None:
    result = run(app, env, "check", str(sample_db), program="ragdesk")
    assert result.returncode == 0, result.stderr
    assert "Integrity:      ok" in result.stdout


def test_check_reports_the_sample(app: Path, env: dict[str, str], sample_db: Path) -> None:
    result = run(app, env, "check", str(sample_db))
    assert result.returncode == 0, result.stderr
    assert "Integrity:      ok" in result.stdout
    assert "Items:          47" in result.stdout


def test_bad_file_gets_a_message_not_a_traceback(app: Path, env: dict[str, str],
                                                 home: Path, untouched: None) -> None:
    bad = home / "not-a-database.db"
    bad.write_text("hello <&> world", encoding="utf-8")
    result = run(app, env, "check", str(bad))
    assert result.returncode == 1
    assert result.stderr.startswith("ragdesk: ")
    assert bad.read_text(encoding="utf-8") == "hello <&> world"


def test_export_json_holds_every_item(app: Path, env: dict[str, str], sample_db: Path,
                                      home: Path) -> None:
    out = home / "export.json"
    result = run(app, env, "export", str(sample_db), "-o", str(out))
    assert result.returncode == 0, result.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    items = [item for insp in data["inspections"] for item in insp["items"]]
    assert len(items) == 47


def _pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)


# The headings each report prints, one per item of the sample in that period.
REC_HEADINGS = {f"Recommendation {n}" for n in (2, 3, 4, 7, 8, 11, 13, 15, 16, 18, 20, 24, 25,
                                                 26, 28, 29, 32, 33, 34, 35, 36, 37, 38, 39,
                                                 40, 41, 42, 43)} \
    | {f"Area for improvement {n}" for n in range(1, 6)}
PEEL_HEADINGS = {f"AFI {n}" for n in range(1, 15)}


@pytest.mark.parametrize(("fmt", "period", "title", "headings"), [
    ("recommendations", "Jul 2023", "Appendix 1", REC_HEADINGS),
    ("peel", "Jun 2024", "PEEL AFI Performance Update", PEEL_HEADINGS),
])
def test_report_to_pdf(app: Path, env: dict[str, str], sample_db: Path, home: Path,
                       fmt: str, period: str, title: str, headings: set[str]) -> None:
    """Both Appendix 1 reports, written by the frozen program with its bundled fonts."""
    out = home / f"{fmt}.pdf"
    result = run(app, env, "report", str(sample_db), "--format", fmt, "--period", period,
                 "-o", str(out))
    assert result.returncode == 0, result.stderr
    text = _pdf_text(out)
    assert title in text
    found = set(re.findall(r"^((?:Recommendation|Area for improvement|AFI) \d+)\b", text, re.M))
    assert found == headings


# ui/launch.py's hook: print "first-paint <time>" once the first frame is painted and
# "file-shown <time>" once the file is open and shown (the panes' lazy imports ran), then quit.
FIRST_PAINT = "RAGDESK_BENCH_EXIT_AFTER_PAINT"


def show_window(app: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """Start the window program, let it paint its first frame, open its file and quit."""
    try:
        result = run(app, env | {FIRST_PAINT: "1"}, *args, program="ragdesk")
    except subprocess.TimeoutExpired:
        pytest.fail("the window did not paint its first frame within 180 s")
    assert result.returncode == 0, f"the window exited with {result.returncode}: {result.stderr}"
    if not WINDOWS:  # the windowed .exe has no stdout to print to
        assert "first-paint" in result.stdout and "file-shown" in result.stdout, result.stdout
    return result


def shown_file(result: subprocess.CompletedProcess[str]) -> Path:
    """The file the window had open when it printed ``file-shown <time> <path>``."""
    line = next(line for line in result.stdout.splitlines() if line.startswith("file-shown "))
    return Path(line.split(" ", 2)[2])


def test_window_starts_on_first_run_with_the_sample(app: Path, env: dict[str, str],
                                                    home: Path, untouched: None) -> None:
    """A new user double-clicks ragdesk: the window opens their own copy of the sample.

    The copy is built in the platform's application-data folder (QStandardPaths), in
    the user's home, never next to the program (the module's ``untouched`` check).
    """
    result = show_window(app, env)
    copies = list(home.rglob("ragdesk-sample.db"))
    assert len(copies) == 1, "no ragdesk-sample.db in the user's home"
    if not WINDOWS:  # the windowed .exe has no stdout to print to
        assert shown_file(result).resolve() == copies[0].resolve()
    if not WINDOWS:  # Windows keeps QSettings in the registry (HKCU\Software\ragdesk)
        assert list(home.rglob("ragdesk.conf")), "the window's settings are not in ~/.config"


def test_window_opens_a_given_file(app: Path, env: dict[str, str], sample_db: Path) -> None:
    result = show_window(app, env, str(sample_db))
    if WINDOWS:  # the windowed .exe has no stdout to say which file it opened
        pytest.skip("which file the windowed .exe opened is checked on Linux and macOS")
    assert shown_file(result).resolve() == sample_db.resolve()


def test_bundle_has_the_qt_plugins_and_resources(app: Path) -> None:
    internal = app / "_internal"
    if not internal.is_dir():
        pytest.skip("a one-file build: its contents are packed inside the program")
    plugins = internal / "PySide6" / ("plugins" if WINDOWS else "Qt/plugins")
    lib = "" if WINDOWS else "lib"
    ext = ".dll" if WINDOWS else ".so"
    platforms = ["qwindows", "qoffscreen"] if WINDOWS else ["qxcb", "qoffscreen", "qwayland"]
    for name in platforms:
        assert (plugins / "platforms" / f"{lib}{name}{ext}").is_file(), name
    assert (plugins / "imageformats" / f"{lib}qpdf{ext}").is_file()
    assert any((plugins / "printsupport").iterdir())
    resources = internal / "ragdesk" / "resources"
    assert (resources / "sample" / "sample.json").is_file()
    assert (resources / "icons" / "ragdesk.png").is_file()
    assert list((resources / "fonts").glob("*.ttf"))
    names = {p.name for p in internal.rglob("*")}
    for unwanted in ("Qt6Quick", "Qt6Qml", "Qt6WebEngineCore", "tkinter", "_tkinter"):
        assert not any(n.startswith((unwanted, f"lib{unwanted}")) for n in names), unwanted



def test_word_report_and_excel_tracker(app: Path, env: dict[str, str], sample_db: Path,
                                       home: Path) -> None:
    """python-docx (with its template) and openpyxl travel with the frozen program."""
    import docx
    import openpyxl

    out = home / "appendix.docx"
    result = run(app, env, "report", str(sample_db), "--format", "recommendations", "--period",
                 "Jul 2023", "-o", str(out))
    assert result.returncode == 0, result.stderr
    headings = {p.text for p in docx.Document(str(out)).paragraphs if p.style.name == "Heading 2"}
    assert headings == REC_HEADINGS
    tracker = home / "tracker.xlsx"
    result = run(app, env, "export", str(sample_db), "--format", "xlsx", "-o", str(tracker))
    assert result.returncode == 0, result.stderr
    assert openpyxl.load_workbook(tracker)["Tracker"].max_row == 62
