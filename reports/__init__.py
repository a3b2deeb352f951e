"""The two Appendix 1 reports as PDF (ReportLab) or Word (python-docx); no Qt here.

``build_report(store, ReportOptions(...), "out.pdf")`` is the whole API the
window and the command line use; a target ending ``.docx`` gets the Word version
(:mod:`.word`). Everything is read through the Store API.
"""

from __future__ import annotations

import os
from typing import IO

from ragdesk.storage import Storage

from . import peel, recommendations
from .document import build
from .options import (
    Cancelled,
    Progress,
    ReportCancelled,
    ReportError,
    ReportOptions,
    Resolved,
    default_kind,
    resolve,
)
from .summary import front_matter

__all__ = ["FORMATS", "ReportCancelled", "ReportError", "ReportOptions", "Resolved",
           "build_report", "default_kind", "output_format", "resolve"]

FORMATS = ("pdf", "docx")


def output_format(out: str | os.PathLike[str] | IO[bytes]) -> str:
    """"docx" for a path ending .docx, else "pdf" (a binary file object gets a PDF)."""
    if hasattr(out, "write"):
        return "pdf"
    return "docx" if os.fspath(out).lower().endswith(".docx") else "pdf"


def build_report(store: Storage, options: ReportOptions, out: str | os.PathLike[str] | IO[bytes], *,
                 progress: Progress | None = None, cancelled: Cancelled | None = None,
                 fmt: str | None = None) -> Resolved:
    """Write the report ``options`` describe to ``out``; return what was printed.

    ``fmt`` is "pdf" or "docx"; by default :func:`output_format` of ``out``. Raises
    :class:`ReportError` (nothing to print, unknown period...) or
    :class:`ReportCancelled`; a path target is only replaced when the file is complete.
    """
    if (fmt or output_format(out)) == "docx":
        from .word import build_word

        return build_word(store, options, out, progress=progress, cancelled=cancelled)
    resolved = resolve(store, options)
    if options.kind == "peel":
        title = f"{peel.TITLE} – {resolved.meeting}"
        module = peel
    else:
        title = recommendations.title_for(resolved)
        module = recommendations  # type: ignore[misc]

    def factory(width: float, tick):
        return front_matter(store, resolved, width) + module.story(store, resolved, width, tick)

    build(resolved, factory, out, title=title, wide=options.kind == "peel",
          progress=progress, cancelled=cancelled)
    return resolved
