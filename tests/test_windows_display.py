"""What a Windows laptop's display settings do to the window: dark mode and scaling."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

UI = Path(__file__).resolve().parent.parent / "ui"


# "background: #fff4ce", "background-color: palette(base)", "background: {colour}" (an
# f-string's value): a style sheet's background, not the word in a docstring.
_BACKGROUND = re.compile(r"\bbackground(-color)?\s*:\s*(#[0-9a-fA-F]{3,8}|rgba?\(|palette\(|"
                         r"qlineargradient|\{|[a-z]+\s*[;}])")


def _literal(node: ast.AST) -> str | None:
    """A string literal's text; an f-string's with ``{}`` where its values go."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
    return None


def _style_sheets() -> list[tuple[str, str]]:
    """Every string literal in ui/ that is (part of) a Qt style sheet setting a background."""
    found = []
    for path in sorted(UI.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            text = _literal(node)
            if text is not None and _BACKGROUND.search(text):
                found.append((f"{path.name}:{node.lineno}", text))
    return found


def test_a_light_background_always_comes_with_its_own_text_colour() -> None:
    """In Windows' dark mode Qt draws text light: a yellow banner with the palette's text
    colour would be unreadable. Any style that sets a background sets the text colour too."""
    sheets = _style_sheets()
    assert sheets, "no style sheets found: has ui/ moved?"
    missing = [where for where, sheet in sheets if not re.search(r"(^|[;{\s])color\s*:", sheet)]
    assert missing == []


def test_fractional_scaling_is_passed_through(qapp) -> None:  # type: ignore[no-untyped-def]
    """125 % and 150 % laptops: Qt 6 scales by the exact factor (no rounding to 100 % or 200 %,
    which makes text blurry or huge)."""
    assert QGuiApplication.highDpiScaleFactorRoundingPolicy() == \
        Qt.HighDpiScaleFactorRoundingPolicy.PassThrough
