"""Report-like PDFs for the import tests, laid out as HMICFRS publishes its reports.

Built with ReportLab from the sample's real recommendation and AFI texts: a cover
with the title and month, a page saying when it was published, contents, a foreword
that mentions recommendations in passing, a summary list of every item (which runs
over page breaks), chapters that repeat each item in a shaded box among the
inspectorate's commentary (with footnote markers and footnotes at the foot of the
page), running headers, page numbers. ``peel_report`` adds causes of concern with
their own recommendations and "Within six months" deadlines.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    Flowable,
    ListFlowable,
    ListItem,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from ragdesk import richtext
from ragdesk.reports.fonts import register

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "resources" / "sample" / "sample.json"

PURPLE = colors.HexColor("#4b2e83")
BOX = colors.HexColor("#ece6f5")


@dataclass
class SourceItem:
    """One item as the report prints it (and as the import should find it)."""

    kind: str  # recommendation | afi | cause_of_concern
    number: str
    text: str  # stored rich text
    deadline: str | None = None
    reference: str = ""
    chapter: int = 1
    footnote_after: str = ""  # a footnote marker is printed after these words


@dataclass
class Report:
    title: str
    items: list[SourceItem]
    running_header: str
    month: str = "November 2022"
    published: str | None = "2 November 2022"
    chapters: list[str] = field(default_factory=list)


def sample_items(inspection: int = 0) -> list[dict]:
    data = json.loads(SAMPLE.read_text(encoding="utf-8"))
    return data["inspections"][inspection]["items"]


def vetting_report() -> Report:
    """The vetting, misconduct and misogyny thematic: 28 recommendations, 5 AFIs."""
    items = []
    chapters = ["Vetting", "Misconduct and complaints", "Counter-corruption", "Misogyny at work"]
    for n, raw in enumerate(sample_items(0)):
        items.append(SourceItem(raw["kind"], raw["number"], raw["text"], raw["deadline"],
                                chapter=1 + n * len(chapters) // 33))
    for item in items:
        if item.number == "16" and item.kind == "recommendation":
            item.footnote_after = "Police National Database (PND)"
        if item.number == "3" and item.kind == "afi":
            item.footnote_after = "Devon and Cornwall Police"
    return Report("An inspection of vetting, misconduct, and misogyny in the police service",
                  items, "An inspection of vetting, misconduct, and misogyny in the police service",
                  chapters=chapters)


def peel_report() -> Report:
    """A PEEL force report: two causes of concern with their recommendations, then AFIs."""
    causes = [
        SourceItem("cause_of_concern", "1",
                   "<p>The force isn’t answering emergency and non-emergency calls quickly "
                   "enough. This means the force cannot be sure it is keeping victims safe.</p>"),
        SourceItem("recommendation", "1.1",
                   "<p>Within six months, the force should make sure that:</p><ul><li>it "
                   "answers emergency calls within ten seconds of the call being connected; "
                   "and</li><li>it reduces the number of non-emergency calls that are "
                   "abandoned.</li></ul>", reference="Cause of concern 1"),
        SourceItem("cause_of_concern", "2",
                   "<p>The force doesn’t have enough oversight of how it manages registered "
                   "sex offenders.</p>"),
        SourceItem("recommendation", "2.1",
                   "<p>Within three months, the force should review its capacity to carry "
                   "out risk assessments of registered sex offenders.</p>",
                   reference="Cause of concern 2"),
        SourceItem("recommendation", "2.2",
                   "<p>By March 2023, the force should make sure that supervisors review "
                   "every overdue visit.</p>", reference="Cause of concern 2"),
    ]
    afis = [SourceItem("afi", raw["number"], raw["text"], None, chapter=2)
            for raw in sample_items(1)]
    return Report("PEEL 2021/22 Police effectiveness, efficiency and legitimacy: An inspection "
                  "of Essex Police", causes + afis, "PEEL 2021/22: Essex Police",
                  month="September 2022", published="30 September 2022",
                  chapters=["Responding to the public", "Protecting vulnerable people"])


# ----------------------------------------------------------------------- layout


def _styles() -> dict[str, ParagraphStyle]:
    regular, bold = register()
    body = ParagraphStyle("body", fontName=regular, fontSize=11, leading=15, spaceAfter=8,
                          alignment=TA_LEFT)
    return {
        "body": body,
        "cover": ParagraphStyle("cover", parent=body, fontName=bold, fontSize=26, leading=32,
                                textColor=PURPLE, spaceAfter=20),
        "cover_sub": ParagraphStyle("cover_sub", parent=body, fontSize=14, leading=18),
        "h1": ParagraphStyle("h1", parent=body, fontName=bold, fontSize=18, leading=22,
                             textColor=PURPLE, spaceBefore=6, spaceAfter=12),
        "h2": ParagraphStyle("h2", parent=body, fontName=bold, fontSize=13.5, leading=17,
                             textColor=PURPLE, spaceBefore=10, spaceAfter=6),
        "item_head": ParagraphStyle("item_head", parent=body, fontName=bold, spaceAfter=4),
        "bullet": ParagraphStyle("bullet", parent=body, spaceAfter=3),
        "small": ParagraphStyle("small", parent=body, fontSize=8, leading=10, spaceAfter=2),
    }


class _Footnote(Flowable):
    """Zero-size mark: records a footnote for the page it lands on (drawn at the foot)."""

    def __init__(self, doc: ReportDoc, number: int, text: str) -> None:
        super().__init__()
        self.doc, self.number, self.text = doc, number, text
        self.width = self.height = 0

    def draw(self) -> None:
        self.doc.page_notes.append((self.number, self.text))


class ReportDoc(SimpleDocTemplate):
    def __init__(self, path: Path, header: str) -> None:
        super().__init__(str(path), pagesize=A4, leftMargin=25 * mm, rightMargin=25 * mm,
                         topMargin=25 * mm, bottomMargin=32 * mm, title="", author="HMICFRS")
        self.header = header
        self.page_notes: list[tuple[int, str]] = []
        self.styles = _styles()

    def afterPage(self) -> None:  # noqa: N802 - ReportLab's name
        canvas = self.canv
        page = canvas.getPageNumber()
        regular, _bold = register()
        if page > 1:
            canvas.setFont(regular, 8.5)
            canvas.setFillColor(colors.HexColor("#555555"))
            canvas.drawString(self.leftMargin, A4[1] - 14 * mm, self.header)
            canvas.drawRightString(A4[0] - self.rightMargin, 12 * mm, str(page))
            canvas.setFillColor(colors.black)
        y = 26 * mm
        if self.page_notes:
            canvas.line(self.leftMargin, y + 4 * mm, self.leftMargin + 50 * mm, y + 4 * mm)
        for number, text in self.page_notes:
            canvas.setFont(regular, 7.5)
            canvas.drawString(self.leftMargin, y, f"{number}  {text}")
            y -= 3.6 * mm
        self.page_notes = []


def _inline(text: str, footnote: int | None = None, after: str = "") -> str:
    """Stored inline text as ReportLab markup (escaped), with a superscript marker."""
    out = html.escape(text, quote=False)
    if footnote is not None and after:
        marked = html.escape(after, quote=False)
        out = out.replace(marked, f"{marked}<super>{footnote}</super>", 1)
    return out


def item_flowables(doc: ReportDoc, item: SourceItem, *, footnote: int | None = None) -> list:
    """The item as printed: its heading, paragraphs and bullet lists."""
    st = doc.styles
    heading = {"recommendation": "Recommendation", "afi": "Area for improvement",
               "cause_of_concern": "Cause of concern"}[item.kind]
    number = "" if item.kind == "cause_of_concern" or item.reference else f" {item.number}"
    out: list = []
    if not item.reference:  # a cause's recommendations sit under a "Recommendations" heading
        out.append(Paragraph(f"{heading}{number}", st["item_head"]))
    for block in richtext.parse(item.text):
        if isinstance(block, richtext.Paragraph):
            text = richtext.inline_plain(block.spans)
            out.append(Paragraph(_inline(text, footnote, item.footnote_after), st["body"]))
        elif isinstance(block, richtext.ListBlock):
            out.append(ListFlowable(
                [ListItem(Paragraph(_inline(richtext.inline_plain(i), footnote,
                                            item.footnote_after), st["bullet"]),
                          leftIndent=14, value="•") for i in block.items],
                bulletType="bullet", start="•", leftIndent=14, bulletFontName=register()[0]))
    return out


def _boxed(doc: ReportDoc, flowables: list) -> Table:
    table = Table([[flowables]], colWidths=[doc.width])
    table.setStyle(TableStyle([("BACKGROUND", (0, 0), (-1, -1), BOX),
                               ("LEFTPADDING", (0, 0), (-1, -1), 10),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 10),
                               ("TOPPADDING", (0, 0), (-1, -1), 8),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), 4)]))
    return table


COMMENTARY = [
    "We found that forces have made progress since our last inspection, but the picture "
    "across England and Wales is inconsistent. In some forces the arrangements we examined "
    "were well established and understood by officers and staff.",
    "In others, we found gaps in the records we examined, and a lack of clear ownership. "
    "We reviewed a sample of case files in each of the forces we inspected, and spoke to "
    "officers, staff and their supervisors.",
    "The National Police Chiefs’ Council lead and the College of Policing told us they were "
    "aware of these issues. We will revisit this area in our next inspection and will report "
    "on the progress that forces have made.",
]


def build_report(path: Path, report: Report, *, padding: int = 0) -> Path:
    """Write ``report`` as a report-like PDF at ``path``; ``padding`` more paragraphs of
    commentary after each item make a report of the inspectorate's usual 100-200 pages."""
    doc = ReportDoc(path, report.running_header)
    st = doc.styles
    story: list = [Spacer(1, 40 * mm), Paragraph(html.escape(report.title), st["cover"]),
                   Paragraph(report.month, st["cover_sub"]), PageBreak()]
    if report.published:
        story += [Paragraph("© HMICFRS 2022", st["body"]),
                  Paragraph(f"Published on {report.published}", st["body"]),
                  Paragraph("www.justiceinspectorates.gov.uk/hmicfrs", st["body"]), PageBreak()]
    story += [Paragraph("Contents", st["h1"])]
    for n, name in enumerate(["Foreword", "Summary of recommendations", *report.chapters], 1):
        story.append(Paragraph(f"{n}. {name} ......................... {n * 3}", st["body"]))
    story += [PageBreak(), Paragraph("Foreword", st["h1"]),
              Paragraph("This report sets out what we found. We make "
                        f"{sum(i.kind == 'recommendation' for i in report.items)} "
                        "recommendations and identify areas for improvement. Recommendation "
                        "numbers follow the order of the chapters.", st["body"]),
              Paragraph("Recommendation 3 asks chief constables to act quickly, and we "
                        "expect every force to report its progress to us. An area for "
                        "improvement is less urgent but no less important.", st["body"]),
              Paragraph(COMMENTARY[0], st["body"]), PageBreak()]
    # the summary list: every item, one after another (they run over page breaks)
    story.append(Paragraph("Summary of recommendations", st["h1"]))
    footnotes = 0
    if any(i.kind == "cause_of_concern" for i in report.items):
        story.append(Paragraph("Causes of concern", st["h2"]))
    for item in report.items:
        if item is _first_afi(report):
            story.append(Paragraph("Areas for improvement", st["h2"]))
        if item.reference and not _previous_is_reference(report, item):
            story.append(Paragraph("Recommendations", st["item_head"]))
        story += item_flowables(doc, item)
    # the chapters: each item again, boxed, among commentary with footnotes
    for number, chapter in enumerate(report.chapters, start=1):
        story += [PageBreak(), Paragraph(f"{number}. {chapter}", st["h1"]),
                  Paragraph(COMMENTARY[number % 3], st["body"])]
        group: list = []
        for item in [i for i in report.items if i.chapter == number]:
            marker = None
            if item.footnote_after:
                footnotes += 1
                marker = footnotes
            flows = item_flowables(doc, item, footnote=marker)
            if item.reference and not _previous_is_reference(report, item):
                flows.insert(0, Paragraph("Recommendations", st["item_head"]))
            group += flows
            if marker is not None:
                group.append(_Footnote(doc, marker, "See the Authorised Professional Practice "
                                                    "published by the College of Policing."))
            if _next_is_reference(report, item):
                continue  # a cause and its recommendations share one box
            story.append(Spacer(1, 4))
            story.append(_boxed(doc, group))
            story.append(Spacer(1, 10))
            group = []
            footnotes += 1
            body = COMMENTARY[(footnotes + number) % 3]
            story.append(Paragraph(_inline(body, footnotes, "inspection"), st["body"]))
            story.append(_Footnote(doc, footnotes, "HMICFRS inspection fieldwork, 2022."))
            story += [Paragraph(COMMENTARY[(n + number) % 3], st["body"]) for n in range(padding)]
        story.append(Paragraph(COMMENTARY[number % 2], st["body"]))
    doc.build(story)
    return path


def _first_afi(report: Report) -> SourceItem | None:
    return next((i for i in report.items if i.kind == "afi"), None)


def _previous_is_reference(report: Report, item: SourceItem) -> bool:
    n = report.items.index(item)
    return n > 0 and bool(report.items[n - 1].reference)


def _next_is_reference(report: Report, item: SourceItem) -> bool:
    n = report.items.index(item)
    return n + 1 < len(report.items) and bool(report.items[n + 1].reference)
