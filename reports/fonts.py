"""The report typeface: DejaVu Sans, shipped in ``ragdesk.resources/fonts`` and embedded in every PDF.

ReportLab's built-in Helvetica covers Latin-1 only, so curly quotes survive but
Łódź, Ελληνικά and Кириллица would print as black boxes. DejaVu Sans covers
Latin, Greek, Cyrillic and much more. For characters it lacks (CJK, emoji) we
substitute a visible replacement mark rather than let a glyph silently vanish.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT_DIR = Path(__file__).resolve().parent.parent / "resources" / "fonts"
try:  # the installed package: ragdesk.resources is the resources folder
    from ragdesk import resources as _resources

    FONT_DIR = Path(_resources.__file__).resolve().parent / "fonts"  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - source checkout without install
    pass

FAMILY = "DejaVuSans"
FACES = {
    (False, False): ("DejaVuSans", "DejaVuSans.ttf"),
    (True, False): ("DejaVuSans-Bold", "DejaVuSans-Bold.ttf"),
    (False, True): ("DejaVuSans-Oblique", "DejaVuSans-Oblique.ttf"),
    (True, True): ("DejaVuSans-BoldOblique", "DejaVuSans-BoldOblique.ttf"),
}
REPLACEMENT = "\N{WHITE SQUARE}"  # □: shows where a character could not be printed


@lru_cache(maxsize=1)
def register() -> tuple[str, str]:
    """Register the family once; return (regular, bold) font names.

    Falls back to Helvetica if the font files are missing (a broken install
    should still print, if less well) rather than failing.
    """
    try:
        for (bold, italic), (name, filename) in FACES.items():
            pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / filename)))
            addMapping(FAMILY, int(bold), int(italic), name)
        pdfmetrics.registerFontFamily(FAMILY, normal=FACES[False, False][0],
                                      bold=FACES[True, False][0], italic=FACES[False, True][0],
                                      boldItalic=FACES[True, True][0])
        return FACES[False, False][0], FACES[True, False][0]
    except Exception:  # noqa: BLE001 - any font problem: print with the built-in face
        return "Helvetica", "Helvetica-Bold"


@lru_cache(maxsize=1)
def _covered() -> frozenset[int]:
    regular, _ = register()
    if regular == "Helvetica":
        return frozenset(range(32, 256))
    font = pdfmetrics.getFont(regular)
    return frozenset(font.face.charToGlyph)


_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f]")  # what printable() drops from ASCII


def printable(text: str) -> str:
    """``text`` with control characters dropped and unprintable characters marked.

    Keeps newlines and tabs (the caller turns them into breaks/spaces).
    """
    if text.isascii() and not _CONTROL.search(text):
        return text  # the common case, and every printable ASCII character is covered
    covered = _covered()
    out: list[str] = []
    for ch in text:
        code = ord(ch)
        if ch in "\n\t":
            out.append(ch)
        elif code < 32 or 0x7F <= code < 0xA0:
            continue
        elif code in covered:
            out.append(ch)
        elif unicodedata.category(ch) in ("Mn", "Me", "Cf", "Cs", "Co", "Cn"):
            continue  # zero-width joiners, variation selectors, lone surrogates
        else:
            out.append(REPLACEMENT if ord(REPLACEMENT) in covered else "?")
    return "".join(out)
