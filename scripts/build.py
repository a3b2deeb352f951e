#!/usr/bin/env python3
"""Build the installable ragdesk application with PyInstaller: ``dist/ragdesk/``.

    python3 scripts/build.py              # build dist/ragdesk/ (one folder)
    python3 scripts/build.py --smoke      # build, then run the frozen-app smoke test
    python3 scripts/build.py --smoke-only # only run the smoke test on an existing build
    python3 scripts/build.py --onefile    # one self-extracting file per program, in dist/onefile/
    python3 scripts/build.py --update-lock  # newest allowed versions -> constraints/build.txt

Windows: ``py scripts\\build.py`` (same options). Needs only Python 3.11+ and the
package registry: it makes its own environment in ``build/venv`` (kept apart from
the developers' ``.venv``, whose editable install PyInstaller cannot follow), installs
ragdesk there as a real wheel with PyInstaller (``ragdesk[build,dev]``) and runs
``pyinstaller build.spec``. PyInstaller builds for the system it runs on: build on
Windows for Windows, on Linux for Linux.

Every package in ``build/venv`` is pinned by ``constraints/build.txt`` (``pip freeze`` of
that environment), so the same commit builds the same installer next month. The
developers' ``.venv`` (scripts/dev.py) and CI install through the same file: the tests
run on the versions that ship. ``--update-lock`` rebuilds ``build/venv`` from the newest
versions pyproject.toml allows and writes their ``pip freeze`` there; commit it with the
change that needed it, after the tests pass on it.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import time
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "build"
VENV = BUILD / "venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".ragdesk-build-deps"
LOCK = ROOT / "constraints" / "build.txt"
LOCK_HEADER = """\
# Exact versions of everything in the build environment (and the developers' .venv):
# `pip freeze --all` of build/venv, written by `python3 scripts/build.py --update-lock`.
# Used as pip constraints (-c) by scripts/build.py and scripts/dev.py; edit by refreshing.
"""
DIST = ROOT / "dist"
ONEFILE_DIST = DIST / "onefile"
APP = DIST / "ragdesk"


def run(*cmd: str | Path, **kwargs: object) -> None:
    print("+ " + " ".join(str(c) for c in cmd), flush=True)
    subprocess.run([str(c) for c in cmd], check=True, **kwargs)  # type: ignore[arg-type]


def pip(*args: str | Path) -> None:
    # PYTHONWARNINGS: setuptools' deprecation banners are for the maintainers, not the log.
    run(PYTHON, "-m", "pip", "--disable-pip-version-check", "install", "--quiet", *args,
        env=dict(os.environ, PYTHONWARNINGS="ignore"))


def _wanted_stamp() -> str:
    lock = LOCK.read_bytes() if LOCK.exists() else b""
    return hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + lock).hexdigest()


def _install_dependencies(*, locked: bool) -> None:
    """A new build/venv with PyInstaller and ragdesk's dependencies, pinned by LOCK if locked.

    New each time: pip never removes a package nothing asks for any more, and a leftover
    (PySide6-Pdf beside PySide6-Addons, say) would make this build differ from a fresh one.
    """
    print(f"Creating the build environment in {VENV} …", flush=True)
    venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
    constraints = ["-c", str(LOCK)] if locked else []
    print("Installing PyInstaller and ragdesk's dependencies into it "
          f"({'pinned by ' + str(LOCK.relative_to(ROOT)) if locked else 'newest allowed'}) …",
          flush=True)
    pip(*constraints, "--upgrade", "pip", "setuptools>=69", "wheel")
    # The dev extra brings pytest for the smoke test; PyInstaller bundles only what
    # the app imports, so it never reaches dist/.
    pip(*constraints, f"{ROOT}[build,dev]")


def _frozen_requirements() -> list[str]:
    """``pip freeze --all`` of build/venv without ragdesk itself: name==version lines."""
    out = subprocess.run([str(PYTHON), "-m", "pip", "--disable-pip-version-check", "freeze",
                          "--all", "--exclude", "ragdesk"],
                         check=True, capture_output=True, text=True).stdout
    return sorted((line for line in out.splitlines() if line.strip()),
                  key=lambda line: line.split("==")[0].lower())


def _unpinned() -> list[str]:
    """Packages in build/venv that LOCK does not pin (a dependency added since, or one
    this platform alone needs: PyInstaller's pefile and pywin32-ctypes on Windows)."""
    pinned = {line.split("==")[0].lower().replace("_", "-")
              for line in LOCK.read_text("utf-8").splitlines()
              if line.strip() and not line.startswith("#")}
    return [line for line in _frozen_requirements()
            if line.split("==")[0].lower().replace("_", "-") not in pinned]


def update_lock() -> None:
    """Reinstall build/venv from the newest versions pyproject.toml allows; write LOCK."""
    _install_dependencies(locked=False)
    LOCK.parent.mkdir(exist_ok=True)
    LOCK.write_text(LOCK_HEADER + "\n".join(_frozen_requirements()) + "\n", "utf-8")
    STAMP.write_text(_wanted_stamp())
    print(f"Wrote {LOCK.relative_to(ROOT)}: run the tests on it "
          "(python3 scripts/dev.py test), then commit it.")


def ensure_environment() -> None:
    """Make build/venv when pyproject.toml or the lock changed; install ragdesk into it.

    ragdesk itself is reinstalled from the source tree on every build (``--no-deps``,
    fast) so the app always holds the current code, never a stale wheel.
    """
    if sys.version_info < (3, 11):  # noqa: UP036 - explain, not crash, on an old Python
        sys.exit(f"Building ragdesk needs Python 3.11 or newer; this is {sys.version.split()[0]}.")
    if not (PYTHON.exists() and STAMP.exists() and STAMP.read_text() == _wanted_stamp()):
        _install_dependencies(locked=LOCK.exists())
        STAMP.write_text(_wanted_stamp())
        if not LOCK.exists():
            print(f"Note: no {LOCK.relative_to(ROOT)}; this build is not pinned "
                  "(scripts/build.py --update-lock writes it).", flush=True)
        elif unpinned := _unpinned():
            print(f"Note: not pinned by {LOCK.relative_to(ROOT)}: {', '.join(unpinned)} "
                  "(scripts/build.py --update-lock).", flush=True)
    # setuptools builds in ROOT/build/lib: clear it so a deleted module cannot linger.
    shutil.rmtree(BUILD / "lib", ignore_errors=True)
    pip("--no-deps", "--force-reinstall", "--no-build-isolation", str(ROOT))


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def build(onefile: bool) -> None:
    ensure_environment()
    pyinstaller = BIN / ("pyinstaller.exe" if os.name == "nt" else "pyinstaller")
    started = time.monotonic()
    # The pyinstaller launcher, not ``python -m PyInstaller``: -m would put the source
    # tree (cwd) first on sys.path, where ragdesk.ui and ragdesk.reports do not exist
    # under those names; the installed wheel has them.
    spec_args = ["--", "--onefile"] if onefile else []
    target = ONEFILE_DIST if onefile else APP
    run(pyinstaller, "--noconfirm", "--log-level", "WARN",
        "--distpath", ONEFILE_DIST if onefile else DIST, "--workpath", BUILD / "pyinstaller",
        ROOT / "build.spec", *spec_args, cwd=ROOT)
    seconds = time.monotonic() - started
    print(f"\nBuilt {target} in {seconds:.0f} s (PyInstaller step); "
          f"size {folder_size(target) / 2**20:.0f} MiB.")


def smoke(onefile: bool = False) -> int:
    """Run tests/test_frozen.py against the build; fails (not skips) if there is none."""
    folder = ONEFILE_DIST if onefile else APP
    exe = folder / ("ragdesk.exe" if os.name == "nt" else "ragdesk")
    if not os.environ.get("RAGDESK_FROZEN") and not exe.exists():
        print(f"No build at {exe}: run scripts/build.py first.", file=sys.stderr)
        return 1
    python = PYTHON if PYTHON.exists() else Path(sys.executable)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env.setdefault("RAGDESK_FROZEN", str(exe))
    return subprocess.call([str(python), "-m", "pytest", "-p", "no:cacheprovider",
                            str(ROOT / "tests" / "test_frozen.py"), "-v"],
                           cwd=ROOT / "tests", env=env)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--onefile", action="store_true",
                        help="one self-extracting file per program instead of dist/ragdesk/")
    parser.add_argument("--smoke", action="store_true", help="run the smoke test after building")
    parser.add_argument("--smoke-only", action="store_true",
                        help="only run the smoke test on the existing build")
    parser.add_argument("--update-lock", action="store_true",
                        help="remake build/venv from the newest versions pyproject.toml "
                             "allows and write them to constraints/build.txt (no build)")
    args = parser.parse_args(argv)
    if args.update_lock:
        update_lock()
        return 0
    if args.smoke_only:
        return smoke(args.onefile)
    try:
        build(args.onefile)
    except subprocess.CalledProcessError as e:
        print(f"Build failed: {e}", file=sys.stderr)
        return 1
    return smoke(args.onefile) if args.smoke else 0


if __name__ == "__main__":
    raise SystemExit(main())
