"""Time Report 1 for every item, and the same text through bare ReportLab.

``python benchmarks/report_probe.py DB.db [--repeat 1]`` prints one JSON object:
``{"report_s": [...], "bare_s": [...], "pages": n, "bare_pages": n}`` or
``{"missing": reason}`` when the report module is not there yet.

The yardstick is the least a Report 1 could do with the same text: for each
item its heading, its text, the latest period's update, intent and
implementation, impact and the rating, as plain ReportLab Paragraphs in a
SimpleDocTemplate, in the same TrueType face. The ratio bare/app is the app's
throughput relative to bare ReportLab (target ≥ 0.7).
"""

from __future__ import annotations

import argparse
import inspect
import json
import os
import sys
import tempfile
import time
from typing import Any

from ragdesk import richtext
from ragdesk.store import Store


def _report_api() -> tuple[Any, Any] | str:
    """The reports package's entry point, found by name, or why it is not there."""
    try:
        import ragdesk.reports as reports
    except ImportError as e:
        return f"n/a (not built yet: {e})"
    build = getattr(reports, "build_report", None)
    options = getattr(reports, "ReportOptions", None)
    if build is None:
        try:
            from ragdesk.reports import api  # type: ignore[attr-defined]
            build, options = getattr(api, "build_report", None), getattr(api, "ReportOptions", None)
        except ImportError:
            pass
    if build is None or options is None:
        return "n/a (not built yet: no ragdesk.reports.build_report)"
    return build, options


def _options(options_cls: Any, store: Store) -> Any:
    """Report 1 (recommendations) for every item of every inspection, the latest period."""
    params = inspect.signature(options_cls).parameters
    wanted: dict[str, Any] = {}
    if "kind" in params:
        wanted["kind"] = "recommendations"
    if "inspection_ids" in params:
        wanted["inspection_ids"] = tuple(i.id for i in store.inspections())
    return options_cls(**wanted)


def app_report(path: str, out: str) -> tuple[float, int]:
    api = _report_api()
    if isinstance(api, str):
        raise LookupError(api)
    build, options_cls = api
    store = Store.open(path)
    try:
        start = time.perf_counter()
        build(store, _options(options_cls, store), out)
        took = time.perf_counter() - start
    finally:
        store.close()
    return took, _pages(out)


def bare_report(path: str, out: str) -> tuple[float, int]:
    from xml.sax.saxutils import escape

    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    store = Store.open(path)
    try:
        start = time.perf_counter()
        styles = getSampleStyleSheet()
        font = _same_font()
        if font:
            for name in ("Heading1", "Heading2", "BodyText"):
                styles[name].fontName = font if name == "BodyText" else font + "-Bold"
        latest = store.periods()[-1]
        by_item = {a.item_id: a for a in store.assessments(period_id=latest.id)}
        story = []
        for ins in store.inspections():
            story.append(Paragraph(escape(ins.title), styles["Heading1"]))
            for item in store.items(ins.id):
                story.append(Paragraph(escape(item.heading), styles["Heading2"]))
                story.append(Paragraph(escape(richtext.to_plain(item.text)), styles["BodyText"]))
                a = by_item.get(item.id)
                parts = [("", a.update), ("Intent and Implementation", a.intent_and_implementation),
                         ("Impact", a.impact)] if a else []
                for label, html in parts:
                    lines = [line for line in richtext.to_plain(html).split("\n") if line.strip()]
                    if lines and label:
                        story.append(Paragraph(label, styles["Heading2"]))
                    story += [Paragraph(escape(line), styles["BodyText"]) for line in lines]
                marks = "  ".join(f"{code} [{'X' if a and a.rag == code else ' '}]"
                                  for code in ("RED", "AMBER", "GREEN"))
                story.append(Paragraph(f"RAG Rating (please mark with an X): {marks}",
                                       styles["BodyText"]))
        SimpleDocTemplate(out, pagesize=A4).build(story)
        took = time.perf_counter() - start
    finally:
        store.close()
    return took, _pages(out)


def _same_font() -> str | None:
    """The app's embedded TrueType face, registered here by file: same glyph work as the app.

    Helvetica (a built-in Type 1 face, never embedded) would make the yardstick
    unfairly fast; the app needs a Unicode TrueType font.
    """
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    try:
        from importlib import resources
        font = resources.files("ragdesk.resources").joinpath("fonts", "DejaVuSans.ttf")
        bold = resources.files("ragdesk.resources").joinpath("fonts", "DejaVuSans-Bold.ttf")
        pdfmetrics.registerFont(TTFont("BenchSans", str(font)))
        pdfmetrics.registerFont(TTFont("BenchSans-Bold", str(bold)))
        pdfmetrics.registerFontFamily("BenchSans", normal="BenchSans", bold="BenchSans-Bold",
                                      italic="BenchSans", boldItalic="BenchSans-Bold")
        return "BenchSans"
    except Exception:  # no font shipped yet: compare with Helvetica and say so in the README
        return None


def _pages(path: str) -> int:
    try:
        from pypdf import PdfReader
        return len(PdfReader(path).pages)
    except Exception:  # pypdf missing or an odd file: the page count is only a label
        return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("db")
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    result: dict[str, Any] = {"report_s": [], "bare_s": []}
    folder = tempfile.mkdtemp(prefix="ragdesk-bench-pdf-")
    for _ in range(args.repeat):
        took, result["bare_pages"] = bare_report(args.db, os.path.join(folder, "bare.pdf"))
        result["bare_s"].append(round(took, 3))
    try:
        for _ in range(args.repeat):
            took, result["pages"] = app_report(args.db, os.path.join(folder, "report1.pdf"))
            result["report_s"].append(round(took, 3))
    except LookupError as e:
        result["missing"] = str(e)
    except Exception as e:  # a report that fails is a finding, not a crash of the benchmark
        result["missing"] = f"failed: {type(e).__name__}: {e}"
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
