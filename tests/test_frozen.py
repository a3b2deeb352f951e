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
import subprocess
import time
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXE = ".exe" if os.name == "nt" else ""
WINDOWS = os.name == "nt"


def _app_folder() -> Path | None:
    """The folder holding ragdesk[.exe] and ragdesk-cli[.exe], or None for 'no build here'."""
    given = os.environ.get("RAGDESK_FROZEN")
    if given:
        path = Path(given)
        return path if path.is_dir() else path.parent
    folder = ROOT / "dist" / "ragdesk"
    return folder if (folder / f"ragdesk{EXE}").is_file() else None


APP = _app_folder()
pytestmark = pytest.mark.skipif(
    APP is None,
    reason="no frozen build in dist/ragdesk: run `python3 scripts/build.py --smoke` "
           "(or set RAGDESK_FROZEN to a build folder)")


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


@pytest.mark.parametrize(("fmt", "period", "headings"), [
    ("recommendations", "Jul 2023", ["Recommendation 13", "Recommendation 28"]),
    ("peel", "Jun 2024", ["AFI 1", "AFI 14"]),
])
def test_report_to_pdf(app: Path, env: dict[str, str], sample_db: Path, home: Path,
                       fmt: str, period: str, headings: list[str]) -> None:
    out = home / f"{fmt}.pdf"
    result = run(app, env, "report", str(sample_db), "--format", fmt, "--period", period,
                 "-o", str(out))
    assert result.returncode == 0, result.stderr
    text = _pdf_text(out)
    for heading in headings:
        assert heading in text, f"{heading!r} not in the {fmt} report"


def test_window_starts_on_first_run_with_the_sample(app: Path, env: dict[str, str],
                                                    home: Path, untouched: None) -> None:
    """A new user double-clicks ragdesk: the window opens their own copy of the sample.

    The copy is built in the platform's application-data folder (QStandardPaths),
    under the private home, never next to the program. The window gets a few seconds
    to show and load; it must still be running, with no traceback, when it is closed.
    """
    Path(env["XDG_RUNTIME_DIR"]).mkdir(mode=0o700, exist_ok=True)
    process = subprocess.Popen([str(app / f"ragdesk{EXE}")], env=env, cwd=str(home),
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               encoding="utf-8", errors="replace")
    try:
        found = _wait_for_any(home, "ragdesk-sample.db", process, 60)
        if found:
            time.sleep(3)  # let it load the sample and paint
        alive = process.poll() is None
    finally:
        process.kill()
        out, err = process.communicate(timeout=30)
    assert "Traceback" not in out + err, err
    assert alive, f"the window exited with {process.returncode}: {err[-2000:]}"
    assert found, "no ragdesk-sample.db under the user's home after 60 s"
    assert str(found).startswith(str(home))


def _wait_for_any(folder: Path, name: str, process: subprocess.Popen[str],
                  seconds: float) -> Path | None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and process.poll() is None:
        hits = list(folder.rglob(name))
        if hits:
            return hits[0]
        time.sleep(0.2)
    hits = list(folder.rglob(name))
    return hits[0] if hits else None


def test_window_opens_a_given_file(app: Path, env: dict[str, str], sample_db: Path) -> None:
    process = subprocess.Popen([str(app / f"ragdesk{EXE}"), str(sample_db)], env=env,
                               cwd=env["HOME"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, encoding="utf-8", errors="replace")
    try:
        time.sleep(5)
        alive = process.poll() is None
    finally:
        process.kill()
        out, err = process.communicate(timeout=30)
    assert "Traceback" not in out + err, err
    assert alive, f"the window exited with {process.returncode}: {err[-2000:]}"


def test_bundle_has_the_qt_plugins_and_resources(app: Path) -> None:
    internal = app / "_internal"
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

