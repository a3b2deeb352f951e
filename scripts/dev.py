#!/usr/bin/env python3
"""Set up a private environment and run ragdesk or its tests: the README's two commands.

    python3 scripts/dev.py run      # set up, then open the app on the sample database
    python3 scripts/dev.py test     # set up, then run the whole test suite headless
    python3 scripts/dev.py setup    # only set up: ragdesk (editable) and the dev extra in .venv

Needs only Python 3.11+ (Windows: ``py scripts\\dev.py run``). The environment is
made once in ``.venv`` beside this repo and refreshed when pyproject.toml or
constraints/build.txt changes; that file pins every package to the versions the
installed program is built with (scripts/build.py --update-lock refreshes it).
Extra arguments go to the app or to pytest.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".ragdesk-installed"
LOCK = ROOT / "constraints" / "build.txt"
# Packages an older pyproject.toml installed that clash with today's: pip never removes
# what nothing asks for any more. PySide6-Pdf (6.12 only) holds the same QtPdf files as
# PySide6-Addons, which replaced it when the binding was pinned below 6.12.
REPLACED = ["PySide6-Pdf"]


def ensure_environment() -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 - this script must explain, not crash, on old Pythons
        sys.exit(f"ragdesk needs Python 3.11 or newer; this is {sys.version.split()[0]}.")
    lock = LOCK.read_bytes() if LOCK.exists() else b""
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + lock).hexdigest()
    if STAMP.exists() and STAMP.read_text() == wanted and PYTHON.exists():
        return
    if not PYTHON.exists():
        print("Creating .venv …", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    print("Installing ragdesk and its development tools (the dev extra) into .venv …", flush=True)
    pip = [str(PYTHON), "-m", "pip", "--disable-pip-version-check"]
    constraints = ["-c", str(LOCK)] if LOCK.exists() else []
    subprocess.run([*pip, "install", "--quiet", *constraints, "--upgrade", "pip"], check=True)
    subprocess.run([*pip, "uninstall", "--quiet", "--yes", *REPLACED], check=True,
                   stderr=subprocess.DEVNULL)  # "not installed" warnings: nothing to do
    subprocess.run([*pip, "install", "--quiet", *constraints, "-e", f"{ROOT}[dev]"], check=True)
    STAMP.write_text(wanted)


def main() -> int:
    if len(sys.argv) < 2 or sys.argv[1] not in {"run", "test", "setup"}:
        print(__doc__)
        return 2
    command, extra = sys.argv[1], sys.argv[2:]
    ensure_environment()
    if command == "setup":
        return 0
    if command == "run":
        return subprocess.call([str(PYTHON), "-m", "ragdesk", *extra])
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    return subprocess.call([str(PYTHON), "-m", "pytest", *extra], cwd=ROOT, env=env)


if __name__ == "__main__":
    raise SystemExit(main())
