"""What the two Appendix 1 reports print, whatever the file (PDF or Word).

The PDF writers (:mod:`.recommendations`, :mod:`.peel`) and the Word writers
(:mod:`.word_recommendations`, :mod:`.word_peel`) take every decision about content
from here: which items under which inspection, which narrative fields print and under
which label, what a status prints as, how periods are split over matrices, the
sentences printed when something is missing. No ReportLab and no python-docx: only the
core's records and rich text, so both formats say the same thing.
"""

from __future__ import annotations

from ragdesk import richtext
from ragdesk.domain import Assessment, Inspection, Item, Period, Rating

from .options import Resolved

MM = 72 / 25.4  # points per millimetre

# The page palette as "#RRGGBB" (ReportLab colours in styles.py, Word colours in word.py).
INK = "#1A1A1A"
NAVY = "#1F3864"
RULE = "#7F7F7F"
LIGHT_RULE = "#BFBFBF"
PANEL = "#F2F4F8"
HEADER_FILL = "#D9E2F3"
LINK = "#1F4E9B"

RECOMMENDATIONS_TITLE = "Update Report on Recommendations and AFIs"
PEEL_TITLE = "PEEL AFI Performance Update"
APPENDIX = "Appendix 1"
LEGEND_TITLE = "RAG ratings"
RAG_ROW_LABEL = "RAG Rating (please mark with an X):"
DRAFT_NOTE = "Draft: carried forward from an earlier period and not yet reviewed."
INTENT, IMPACT = "Intent and Implementation", "Impact"

OPEN_STATUSES = {"open", "in_progress"}
STATUS_WORDS = {
    "verified_closed": "CLOSED",
    "field_testing": "SUBJECT TO HMICFRS FIELD TESTING",
}


# --------------------------------------------------------------------------- both reports


def no_update(period: Period) -> str:
    return f"No update recorded for {period.label}."


def narratives(assessment: Assessment | None) -> list[tuple[str, richtext.Document]]:
    """The narrative fields that have something to print, with their labels, in order.

    The update prints without a label; "Intent and Implementation" and "Impact" (the PEEL
    fields) under theirs, in either report. A field holding only a table still prints.
    """
    if assessment is None:
        return []
    out: list[tuple[str, richtext.Document]] = []
    for label, stored in (("", assessment.update), (INTENT, assessment.intent_and_implementation),
                          (IMPACT, assessment.impact)):
        doc = richtext.parse(stored)
        if richtext.to_plain(doc).strip() or any(isinstance(b, richtext.Table) for b in doc):
            out.append((label, doc))
    return out


def furniture_left(resolved: Resolved) -> str:
    """The footer's left side: "Document owner: Claire Heath, Team  ·  Generated 1 June 2024"."""
    owner_bits = [b for b in (resolved.document_owner, resolved.team) if b]
    owner = "Document owner: " + ", ".join(owner_bits) if owner_bits else ""
    generated = f"Generated {resolved.generated.day} {resolved.generated:%B %Y}"
    return "  ·  ".join(b for b in (owner, generated) if b)


# --------------------------------------------------------------------------- report 1


def sections(resolved: Resolved) -> list[tuple[Inspection, list[tuple[int, Item]]]]:
    """Each inspection with (index in ``resolved.items``, item) of its items; empty ones left out."""
    out = []
    for inspection in resolved.inspections:
        items = [(n, it) for n, it in enumerate(resolved.items) if it.inspection_id == inspection.id]
        if items:
            out.append((inspection, items))
    return out


def recommendations_title(inspection: Inspection) -> str:
    return (f"{RECOMMENDATIONS_TITLE} for Chief Constables in the "
            f"{inspection.inspectorate or 'HMICFRS'} report "
            f"\N{LEFT SINGLE QUOTATION MARK}{inspection.title}\N{RIGHT SINGLE QUOTATION MARK}")


def inspection_line(resolved: Resolved) -> str:
    """"Inspection: PEEL 2021/22: …" under the PEEL report's title block: the seed names
    no inspection, but a reader of the file (and the Word import) needs to know which."""
    titles = [i.title for i in resolved.inspections]
    return f"Inspection{'s' if len(titles) > 1 else ''}: {'; '.join(titles)}"


def meta(resolved: Resolved) -> list[tuple[str, str]]:
    """(label, value) under report 1's title: the period, and the meeting when one is known."""
    period = resolved.current
    out = [("Reporting period", period.label)]
    if resolved.options.meeting or period.meeting:
        out.append(("For", resolved.meeting))
    return out


def off_scale(code: str | None, ratings: list[Rating]) -> str | None:
    """The note for a rating no longer on the scale (BLUE switched off), else None."""
    if code and code not in {r.code for r in ratings}:
        return f"Rated {code} (not on the current scale)."
    return None


# --------------------------------------------------------------------------- report 2


def status_words(store_statuses: dict[str, str], status: str) -> str:
    """"CLOSED", "PROPOSED FOR CLOSURE"...; "" for an item still open."""
    if status in OPEN_STATUSES:
        return ""
    return STATUS_WORDS.get(status, store_statuses.get(status, status.replace("_", " "))).upper()


def item_spans(item: Item, status: str) -> richtext.Inline:
    """The AFI's words as one inline run, lists folded into "; ", and the status in bold capitals."""
    spans: list[richtext.Span] = []
    for block in richtext.parse(item.text):
        if isinstance(block, richtext.Paragraph):
            if spans:
                spans.append(richtext.Span(" "))
            spans += block.spans
        else:
            text = richtext.to_plain((block,), bullets=True).replace("\n", "; ")
            spans.append(richtext.Span((" " if spans else "") + text))
    if spans:
        last = spans[-1]
        spans[-1] = richtext.Span(last.text.rstrip(), last.bold, last.italic, last.href)
    if status:
        spans.append(richtext.Span(" "))
        spans.append(richtext.Span(f"({status})", bold=True))
    return richtext.normalise_inline(spans)


def owner_line(item: Item) -> str:
    """"Area (Board) – Lead", whichever of the three are known."""
    owner = item.area
    if item.board:
        owner = f"{owner} ({item.board})" if owner else item.board
    if item.lead:
        owner = f"{owner} – {item.lead}" if owner else item.lead
    return owner


AFI_W = 9 * MM  # the matrix's AFI number column
PERIOD_W = 12 * MM  # one period's letter; its heading "Jun<br/>2024" needs about this
DOT_W = 10 * MM
AREA_MIN = 60 * MM  # the AFI's words; narrower and a sentence runs to ten lines
TWO_HALVES_MAX = 30  # more items than this read better as one long list
HALVES_GAP = 5 * MM
AFI_AREA_W, AFI_RAG_W = 62 * MM, 30 * MM  # an AFI table's Area and RAG / DoT columns
DOT_KEY = ("Direction of travel since the previous period: + improved, = no change, "
           "- deteriorated")
DRAFT_KEY = "* draft: carried forward, not yet reviewed"


def periods_that_fit(width: float, *, dot: bool = True) -> int:
    """How many period columns a matrix ``width`` points wide can hold beside a readable Area column."""
    room = width - AFI_W - AREA_MIN - (DOT_W if dot else 0)
    return max(1, int(room // PERIOD_W))


def period_groups(periods: list[Period], width: float) -> list[list[Period]]:
    """The periods split into matrices that fit: the latest first, then earlier ones.

    With 24 quarterly periods the columns ran off the right edge of the page; now
    the first matrix shows the latest periods that fit (with the direction of
    travel) and the earlier history follows in matrices of its own.
    """
    latest = periods_that_fit(width)
    if len(periods) <= latest:
        return [list(periods)]
    groups = [list(periods[-latest:])]
    earlier = list(periods[:-latest])
    per = periods_that_fit(width, dot=False)
    while earlier:  # latest-first, each group in date order
        groups.append(earlier[-per:])
        earlier = earlier[:-per]
    return groups


def span_label(periods: list[Period]) -> str:
    return periods[0].label if len(periods) == 1 else f"{periods[0].label} – {periods[-1].label}"


def groups_note(groups: list[list[Period]], total: int) -> str:
    """The sentence above a first matrix that does not show every period."""
    earlier = [p for g in groups[1:] for p in g]
    return (f"Showing the latest {len(groups[0])} of {total} periods ({span_label(groups[0])}); "
            f"the earlier periods ({span_label(earlier)}) follow in the next "
            f"{'matrix' if len(groups) == 2 else 'matrices'}.")


def two_halves(rows: int, periods: int, width: float, *, dot: bool) -> bool:
    """Whether the matrix prints as two halves side by side (seed 004), as a short list does."""
    if not (6 < rows <= TWO_HALVES_MAX and periods <= 3 and dot):
        return False
    fixed = AFI_W + periods * PERIOD_W + DOT_W
    return (width - HALVES_GAP) / 2 - fixed >= AREA_MIN
