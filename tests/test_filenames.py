"""Names ragdesk makes are valid, and not misleading, on Windows (checked with ntpath rules)."""

from __future__ import annotations

import ntpath
from pathlib import PureWindowsPath

from hypothesis import given
from hypothesis import strategies as st

from ragdesk.filenames import safe_name

WINDOWS_FORBIDDEN = set('<>:"/\\|?*') | {chr(c) for c in range(32)}
RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)),
            *(f"LPT{i}" for i in range(1, 10))}


def is_valid_windows_name(name: str) -> bool:
    stem = name.split(".")[0].rstrip(" ").upper()
    return (bool(name) and not (set(name) & WINDOWS_FORBIDDEN) and not name.endswith((".", " "))
            and stem not in RESERVED and len(name) <= 255
            and PureWindowsPath(name).name == name and ntpath.basename(name) == name)


@given(st.text(max_size=300))
def test_every_name_made_is_valid_on_windows(name: str) -> None:
    assert is_valid_windows_name(safe_name(name))


def test_the_suggested_report_name_is_valid_on_windows(sample_store) -> None:  # type: ignore[no-untyped-def]
    from ragdesk.reports import ReportOptions
    from ragdesk.ui.report_dialog import _suggested_name

    sample_store.add_period('Q3 2024/25: "final" <draft>?')
    period = sample_store.periods()[-1]
    options = ReportOptions(kind="recommendations", period_ids=[period.id])
    name = PureWindowsPath(_suggested_name(sample_store, options)).name
    assert is_valid_windows_name(name)
    assert name == "Appendix 1 - Recommendations update - Q3 2024-25_ _final_ _draft__.pdf"
