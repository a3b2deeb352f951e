#!/usr/bin/env python3
"""Build the installable ragdesk application with PyInstaller: ``dist/ragdesk/``.

    python3 scripts/build.py              # build dist/ragdesk/ (one folder)
    python3 scripts/build.py --smoke      # build, then run the frozen-app smoke test
    python3 scripts/build.py --smoke-only # only run the smoke test on an existing build
    python3 scripts/build.py --onefile    # one self-extracting file per program, in dist/onefile/

Windows: ``py scripts\\build.py`` (same options). Needs only Python 3.11+ and the
package registry: it makes its own environment in ``build/venv`` (kept apart from
the developers' ``.venv``, whose editable install PyInstaller cannot follow), installs
ragdesk there as a real wheel with PyInstaller (``ragdesk[build]``) and runs
``pyinstaller build.spec``. PyInstaller builds for the system it runs on: build on
Windows for Windows, on Linux for Linux.
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


def ensure_environment() -> None:
    """Create build/venv once; reinstall the dependencies when pyproject.toml changes.

    ragdesk itself is reinstalled from the source tree on every build (``--no-deps``,
    fast) so the app always holds the current code, never a stale wheel.
    """
    if sys.version_info < (3, 11):  # noqa: UP036 - explain, not crash, on an old Python
        sys.exit(f"Building ragdesk needs Python 3.11 or newer; this is {sys.version.split()[0]}.")
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if not PYTHON.exists():
        print(f"Creating the build environment in {VENV} …", flush=True)
        venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
    if not (STAMP.exists() and STAMP.read_text() == wanted):
        print("Installing PyInstaller and ragdesk's dependencies into it …", flush=True)
        pip("--upgrade", "pip")
        pip("setuptools>=69", "wheel")
        # The test extras bring pytest and pypdf for the smoke test; PyInstaller
        # bundles only what the app imports, so they never reach dist/.
        pip(f"{ROOT}[build,test]")
        STAMP.write_text(wanted)
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
    args = parser.parse_args(argv)
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
