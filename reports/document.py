"""Page furniture and the build loop shared by both reports.

Every page carries the protective marking (top and bottom, when chosen),
"Page x of y", the date generated and the document owner. "of y" needs the page
count before the first page is finished, so :class:`_NumberedCanvas` holds each
page's state and draws the furniture when the document is saved.

:func:`build` writes to a temporary file next to the target and renames it into
place, so a cancelled or failed build never leaves half a PDF behind.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

from reportlab import rl_config
from reportlab.lib.pagesizes import A4, landscape, letter, portrait
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas as pdfcanvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate

from ragdesk.files import write_atomically

from .flowables import Keep
from .fonts import printable, register
from .options import Cancelled, Progress, Resolved, Ticker
from .styles import NAVY, RULE

MARGIN = 17 * mm  # sides and top; the marking sits in the top margin
BOTTOM = 22 * mm  # the footer line, owner/date/page and the marking sit below the frame


class Milestone(Flowable):
    """A zero-size marker: when laid out, one more item is done (progress, cancel)."""

    def __init__(self, callback: Callable[[], None]) -> None:
        super().__init__()
        self.callback = callback
        self.width = self.height = 0

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        return 0, 0

    def draw(self) -> None:
        self.callback()

    def drawOn(self, canvas: Any, x: float, y: float, _sW: float = 0) -> None:  # noqa: N802
        self.callback()  # nothing to draw: skip the save/translate/restore around it


class Bookmark(Flowable):
    """A zero-size marker that adds an outline entry (PDF bookmark) for an item here.

    With 1,000 items a reader jumps by the outline rather than scrolling.
    """

    def __init__(self, title: str, key: str) -> None:
        super().__init__()
        self.title, self.key = printable(title), key
        self.width = self.height = 0

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        return 0, 0

    def draw(self) -> None:
        marks = getattr(self.canv, "ragdesk_marks", None)
        if marks is None:
            self.canv.bookmarkPage(self.key)
            self.canv.addOutlineEntry(self.title, self.key, level=0, closed=True)
            return
        # pages are only emitted at save time (for "of y"), so bookmark them then
        _x, y = self.canv.absolutePosition(0, 0)
        marks.append((self.canv.getPageNumber(), self.key, self.title, y))

    def drawOn(self, canvas: Any, x: float, y: float, _sW: float = 0) -> None:  # noqa: N802
        """Record the mark without the save/translate/restore that would draw nothing."""
        marks = getattr(canvas, "ragdesk_marks", None)
        if marks is None:
            super().drawOn(canvas, x, y, _sW)
            return
        _x, top = canvas.absolutePosition(x, y)
        marks.append((canvas.getPageNumber(), self.key, self.title, top))


@contextlib.contextmanager
def _few_collections() -> Iterator[None]:
    """Run the cyclic garbage collector rarely while a report is built.

    A report allocates hundreds of thousands of small objects (paragraph
    fragments, line breaks, PDF operators) that all live until the PDF is written,
    so the collector's frequent passes find nothing to free: about a twentieth of
    a report's time. Nothing is disabled: collections run 20 times less often, and
    at the usual rate again afterwards.
    """
    with _GC_LOCK:
        if not _GC_DEPTH:
            _GC_SAVED[:] = gc.get_threshold()
            gc.set_threshold(_GC_SAVED[0] * 20, *_GC_SAVED[1:])
        _GC_DEPTH.append(1)
    try:
        yield
    finally:
        with _GC_LOCK:
            _GC_DEPTH.pop()
            if not _GC_DEPTH:
                gc.set_threshold(*_GC_SAVED)


_GC_LOCK = threading.Lock()  # two reports may be built at once (worker threads)
_GC_DEPTH: list[int] = []
_GC_SAVED: list[int] = []


def page_size(resolved: Resolved, *, wide: bool) -> tuple[float, float]:
    base = letter if resolved.paper == "Letter" else A4
    return landscape(base) if wide else portrait(base)


def _canvas_class(resolved: Resolved, title: str) -> type[pdfcanvas.Canvas]:
    regular, bold = register()
    marking = printable(resolved.marking or "")
    owner_bits = [b for b in (resolved.document_owner, resolved.team) if b]
    owner = printable("Document owner: " + ", ".join(owner_bits)) if owner_bits else ""
    generated = f"Generated {resolved.generated.day} {resolved.generated:%B %Y}"

    class _NumberedCanvas(pdfcanvas.Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []
            self.ragdesk_marks: list[tuple[int, str, str, float]] = []

        def showPage(self) -> None:  # noqa: N802 - ReportLab's name
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            # Binary (Flate-only) page streams: ASCII85 on top of Flate is for 7-bit mail
            # transports, makes the file a quarter larger and, without ReportLab's C
            # accelerator, encoding it was a twentieth of a report's time.
            a85, rl_config.useA85 = rl_config.useA85, 0
            try:
                self._save_pages()
            finally:
                rl_config.useA85 = a85

        def _save_pages(self) -> None:
            total = len(self._pages)
            # the bookmarks by page, in order: looking through every item's bookmark on
            # every page was quadratic (3,000 items x 2,400 pages)
            marks: dict[int, list[tuple[str, str, float]]] = {}
            for page, key, text, y in self.ragdesk_marks:
                marks.setdefault(page, []).append((key, text, y))
            for state in self._pages:
                self.__dict__.update(state)
                for key, text, y in marks.get(self._pageNumber, ()):
                    self.bookmarkPage(key, fit="XYZ", top=y + 24, left=0)
                    self.addOutlineEntry(text, key, level=0, closed=True)
                self._furniture(total)
                super().showPage()
            super().save()

        def _furniture(self, total: int) -> None:
            width, height = self._pagesize
            self.saveState()
            if marking:
                self.setFont(bold, 10)
                self.setFillColor(NAVY)
                self.drawCentredString(width / 2, height - MARGIN + 15, marking)
                self.drawCentredString(width / 2, BOTTOM - 36, marking)
            self.setStrokeColor(RULE)
            self.setLineWidth(0.4)
            y = BOTTOM - 18
            self.line(MARGIN, y + 9, width - MARGIN, y + 9)
            self.setFillColor(RULE)
            self.setFont(regular, 7.5)
            left = "  ·  ".join(b for b in (owner, generated) if b)
            self.drawString(MARGIN, y, left)
            self.setFont(bold, 7.5)
            self.drawRightString(width - MARGIN, y, f"Page {self._pageNumber} of {total}")
            self.restoreState()

    _NumberedCanvas.__name__ = f"NumberedCanvas[{title}]"
    return _NumberedCanvas


def build(resolved: Resolved, story_factory: Callable[[float, Callable[[], None]], list[Flowable]],
          out: str | os.PathLike[str] | IO[bytes], *, title: str, wide: bool,
          progress: Progress | None, cancelled: Cancelled | None) -> None:
    """Lay out the story on pages and write the PDF to ``out`` (a path or a binary file).

    ``story_factory(frame_width, tick)`` makes the flowables; it puts a Milestone
    calling ``tick`` after each item, which reports progress and honours cancel.
    """
    ticker = Ticker(2 * max(1, len(resolved.items)), progress, cancelled)  # layout, then pages
    check, tick = ticker.check, ticker.tick

    size = page_size(resolved, wide=wide)
    frame_w = size[0] - 2 * MARGIN
    check()
    with _few_collections():
        story = story_factory(frame_w, tick)

    def write(target: str | IO[bytes]) -> None:
        doc = BaseDocTemplate(
            target, pagesize=size, leftMargin=MARGIN, rightMargin=MARGIN,
            topMargin=MARGIN, bottomMargin=BOTTOM, title=printable(title),
            author=printable(resolved.document_owner or "ragdesk"), creator="ragdesk",
            subject=printable(resolved.marking or ""), invariant=0)
        frame = Frame(MARGIN, BOTTOM, frame_w, size[1] - MARGIN - BOTTOM, id="body",
                      leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        doc.addPageTemplates([PageTemplate(id="page", frames=[frame])])
        doc.keepTogetherClass = Keep  # keepWithNext groups, measured without a frame copy
        with _few_collections():
            doc.build(story, canvasmaker=_canvas_class(resolved, title))

    if hasattr(out, "write"):
        write(out)  # type: ignore[arg-type]
        return

    def write_checked(path: str) -> None:
        write(path)
        check()

    # whole or not at all (a full disk, a cancel); a new file readable by colleagues (0666
    # less the umask, as the preview's Save PDF gives), a replaced one keeps its mode
    write_atomically(Path(out), write_checked, what="the report")


def today() -> dt.date:
    return dt.date.today()
