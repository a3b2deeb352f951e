"""Checking and normalising values that come from outside, before they reach the store.

A JSON file, a spreadsheet cell or a hand-edited export can hold anything: a list
where a title belongs, ``"false"`` in quotes for a yes/no, NaN, a lone surrogate
that SQLite cannot encode, a NUL, a megabyte of markup. Each importer calls these
checks so the same things are refused with the same words, and the store only ever
sees values of the right type and size. No SQL and no Qt here.

Every check takes ``where`` — the place in the input as a person would find it
(``inspections[0].items[3].rag``) — and raises :class:`~ragdesk.errors.InvalidValue`
whose message starts with that place and fits on one line.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from typing import Any, NoReturn

from . import richtext
from .errors import InvalidValue

# A title, number, name, label or status note: far beyond any real one.
MAX_LINE_CHARS = 10_000
# One narrative in the stored HTML subset: ~250 pages of text. The cleaner is linear,
# but a bound keeps an import (which holds the file's write lock) short for everyone.
MAX_RICH_CHARS = 500_000
# Evidence file size limit in MB (setting ``evidence_limit_mb``): above 0, at most 2 GB
# (SQLite's largest value).
EVIDENCE_LIMIT_MB_DEFAULT = 25.0
EVIDENCE_LIMIT_MB_MAX = 2000.0

# C0 controls other than tab, newline and carriage return, and DEL: never typed by a
# person; a NUL in particular cuts text short in many Windows programs.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def fail(where: str, message: str) -> NoReturn:
    raise InvalidValue(where, f"{where}: {message}")


def shown(text: str, limit: int = 40) -> str:
    """``text`` made safe to print in a one-line message: short, controls and lone
    surrogates escaped (a console cannot print a lone surrogate)."""
    short = text if len(text) <= limit else text[:limit] + "…"
    short = short.encode("utf-8", "backslashreplace").decode("utf-8")
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", short).replace(
        "\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")


def describe(value: Any) -> str:
    """A JSON value as a person would name it in a message."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return f"the number {shown(repr(value))}"
    if isinstance(value, str):
        return f"the text “{shown(value)}”"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return shown(type(value).__name__)


def obj(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        fail(where, f"must be an object {{…}}, not {describe(value)}")
    return value


def array(value: Any, where: str, *, optional: bool = True) -> list[Any]:
    """A list; ``null`` or a missing value is an empty list when ``optional``."""
    if value is None and optional:
        return []
    if not isinstance(value, list):
        fail(where, f"must be a list […], not {describe(value)}")
    return value


def _characters(text: str, where: str) -> str:
    if _SURROGATE.search(text):
        fail(where, "holds a broken character (a lone UTF-16 surrogate such as \\ud800); "
                    "fix the text and try again")
    bad = _CONTROL.search(text)
    if bad:
        fail(where, f"holds a control character (U+{ord(bad.group()):04X}) that cannot be "
                    "stored in text; remove it and try again")
    return text


def text(value: Any, where: str, *, max_chars: int = MAX_LINE_CHARS,
         whole_numbers: bool = False) -> str:
    """Plain text; ``null`` is "". ``whole_numbers`` also accepts 13 for "13" (an item number)."""
    if value is None:
        return ""
    if whole_numbers and isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        fail(where, f"must be text in quotes, not {describe(value)}")
    if len(value) > max_chars:
        fail(where, f"is {len(value):,} characters long; at most {max_chars:,} fit here")
    return _characters(value, where)


def optional_text(value: Any, where: str) -> str | None:
    """Text where ``null`` stays "not given" (dates, ratings, directions)."""
    return None if value is None else text(value, where)


def rich(value: Any, where: str) -> str:
    """A narrative: text in the stored HTML subset (or any HTML, reduced to it)."""
    if value is None:
        return ""
    if not isinstance(value, str):
        fail(where, f"must be text in quotes (the HTML subset ragdesk stores), not {describe(value)}")
    if len(value) > MAX_RICH_CHARS:
        fail(where, f"is {len(value):,} characters long; a narrative can be at most "
                    f"{MAX_RICH_CHARS:,} (about 250 pages): split it or attach it as evidence")
    _characters(value, where)
    return richtext.sanitise(value)


def flag(value: Any, where: str, *, default: bool = False) -> bool:
    """A yes/no: JSON ``true`` or ``false`` (``null`` or missing is ``default``)."""
    if value is None:
        return default
    if not isinstance(value, bool):
        hint = " (write true or false without quotes)" if isinstance(value, str) else ""
        fail(where, f"must be true or false, not {describe(value)}{hint}")
    return value


def number(value: Any, where: str, *, above: float, at_most: float) -> float:
    """A finite number with ``above < value <= at_most``; numeric text ("25") is accepted."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        fail(where, f"must be a number, not {describe(value)}")
    try:
        result = float(value)
    except OverflowError:
        fail(where, f"is far too large (at most {at_most:g})")
    except ValueError:
        fail(where, f"must be a number, not {describe(value)}")
    if not math.isfinite(result):
        fail(where, f"must be an ordinary number, not {describe(value)}")
    if not above < result <= at_most:
        fail(where, f"must be more than {above:g} and at most {at_most:g}, not {result:g}")
    return result


def unknown_keys(record: dict[str, Any], known: Iterable[str], where: str) -> list[str]:
    """The places of keys ragdesk does not know (reported, never silently dropped)."""
    allowed = set(known)
    return [f"{where}.{shown(str(key))}" if where else shown(str(key))
            for key in record if key not in allowed]


# --------------------------------------------------------------------------- settings

# Settings that hold a number, with their ranges (every other setting is text).
NUMBER_SETTINGS: dict[str, tuple[float, float]] = {
    "evidence_limit_mb": (0.0, EVIDENCE_LIMIT_MB_MAX),
}


def setting(key: Any, value: Any, where: str) -> tuple[str, str]:
    """A setting as the file keeps it (text), checked for the settings that hold numbers."""
    name = text(key, f"{where} (its name)")
    place = f"{where}.{shown(name)}"
    if not name.strip():
        fail(place, "a setting needs a name")
    if name in NUMBER_SETTINGS:
        low, high = NUMBER_SETTINGS[name]
        amount = number(value, place, above=low, at_most=high)
        return name, f"{amount:g}"
    if isinstance(value, (bool, int, float)):
        if isinstance(value, float) and not math.isfinite(value):
            fail(place, f"must be text or an ordinary number, not {describe(value)}")
        value = str(value).lower() if isinstance(value, bool) else str(value)
    return name, text(value, place)


def evidence_limit_mb(stored: str | None) -> float:
    """The evidence size limit a file's setting asks for, or the default when the stored
    text is not a usable number (an old import could store "inf" or "-5")."""
    try:
        return number(stored if stored not in (None, "") else EVIDENCE_LIMIT_MB_DEFAULT,
                      "evidence_limit_mb", above=0.0, at_most=EVIDENCE_LIMIT_MB_MAX)
    except InvalidValue:
        return EVIDENCE_LIMIT_MB_DEFAULT
