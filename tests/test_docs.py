"""README promises: it opens with the two commands, and CI runs the very same test command."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _first_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first_block = re.search(r"```\w*\n(.*?)```", readme, flags=re.S)
    assert first_block and readme.index("```") < 40, "README must start with the commands"
    return [line.split("#")[0].strip() for line in first_block.group(1).splitlines() if line.strip()]


def test_readme_starts_with_run_and_test_commands() -> None:
    commands = _first_commands()
    assert commands == ["python3 scripts/dev.py run", "python3 scripts/dev.py test"]
    assert (ROOT / "scripts" / "dev.py").exists()


def test_ci_runs_the_readme_test_command() -> None:
    test_command = _first_commands()[1]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    ci_lines = [line.strip() for line in ci.splitlines() if not line.strip().startswith("#")]
    assert any(line.startswith(test_command) for line in ci_lines)
