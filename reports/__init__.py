"""The two Appendix 1 reports as PDF (ReportLab); no Qt here.

``build_report(store, ReportOptions(...), "out.pdf")`` is the whole API the
window and the command line use. Everything is read through the Store API.
"""

from __future__ import annotations

import os
from typing import IO

from ragdesk.store import Store

from . import peel, recommendations
from .document import Cancelled, Progress, build
from .options import ReportCancelled, ReportError, ReportOptions, Resolved, default_kind, resolve
from .summary import front_matter

__all__ = ["ReportCancelled", "ReportError", "ReportOptions", "Resolved", "build_report",
           "default_kind", "resolve"]


def build_report(store: Store, options: ReportOptions, out: str | os.PathLike[str] | IO[bytes], *,
                 progress: Progress | None = None, cancelled: Cancelled | None = None) -> Resolved:
    """Write the report ``options`` describe to ``out``; return what was printed.

    Raises :class:`ReportError` (nothing to print, unknown period...) or
    :class:`ReportCancelled`; a path target is only replaced when the PDF is complete.
    """
    resolved = resolve(store, options)
    if options.kind == "peel":
        title = f"{peel.TITLE} – {resolved.meeting}"
        module = peel
    else:
        title = recommendations.title_for(resolved)
        module = recommendations  # type: ignore[assignment]

    def factory(width: float, tick):  # type: ignore[no-untyped-def]
        return front_matter(store, resolved, width) + module.story(store, resolved, width, tick)

    build(resolved, factory, out, title=title, wide=options.kind == "peel",
          progress=progress, cancelled=cancelled)
    return resolved
