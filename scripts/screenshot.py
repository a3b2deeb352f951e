"""Screenshots of the real window: the README picture, and issue 19's walk-through set.

Runs offscreen (no display needed) with throw-away settings.

    .venv/bin/python scripts/screenshot.py [OUTPUT.png]
        docs/screenshot.png for the README: the sample, Recommendation 13 selected.

    .venv/bin/python scripts/screenshot.py --walkthrough OUTDIR [--big FILE.db]
        What a first-time user meets, to look at after any change to the window or the
        reports: on a force-sized file (FILE.db, or 3,000 items and 24 periods made with
        benchmarks/generate.py, ~20 s) the whole window, the grid scrolled to the latest
        period (pinned Item column), the tree sorted by rating; on the sample the editor
        with a search highlighted, the Help window, and the PEEL report with three periods
        rendered page by page (QtPdf, so no poppler is needed).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings, QSize, Qt  # noqa: E402
from PySide6.QtPdf import QPdfDocument  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from ragdesk.reports import ReportOptions, build_report  # noqa: E402
from ragdesk.sample import build_sample  # noqa: E402
from ragdesk.store import Store  # noqa: E402
from ragdesk.ui.launch import make_app  # noqa: E402
from ragdesk.ui.main_window import MainWindow  # noqa: E402
from ragdesk.ui.tree_model import COL_RAG  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def settle(app: QApplication, rounds: int = 10) -> None:
    for _ in range(rounds):
        app.processEvents()


def open_window(app: QApplication, db: Path, settings_dir: Path) -> MainWindow:
    settings = QSettings(str(settings_dir / "settings.ini"), QSettings.Format.IniFormat)
    settings.clear()
    window = MainWindow(settings=settings)
    window.resize(1400, 900)  # the default size: what a new user sees first
    window.show()
    if not window.open_path(db):
        raise SystemExit(f"could not open {db}")
    settle(app)
    return window


def readme_picture(app: QApplication, output: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "Essex Police HMICFRS tracker.db"
        build_sample(db).close()
        window = open_window(app, db, Path(tmp))
        window.resize(1600, 1000)
        store = window.store
        assert store is not None
        rec13 = next(r for r in store.item_rows() if r.kind.value == "recommendation"
                     and r.number == "13")
        jul = store.period_by_label("Jul 2023")
        window.select_item(rec13.id, jul.id if jul else None)
        settle(app)
        window.tree.scrollTo(window.tree_model.index_for_item(rec13.id))
        window.statusBar().showMessage("Rated AMBER in Jul 2023 · press R, A or G in the grid "
                                       "to change it")
        settle(app)
        output.parent.mkdir(parents=True, exist_ok=True)
        window.grab().save(str(output))
        window.close()
        settle(app)
    print(f"Wrote {output}")


def big_file(folder: Path) -> Path:
    """3,000 items over 24 periods, made by the benchmarks' generator."""
    path = folder / "force-sized.db"
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "generate.py"), str(path),
                    "--items", "3000", "--periods", "24"], check=True)
    return path


def render_pdf(pdf: Path, stem: Path, dpi: int = 70) -> list[Path]:
    document = QPdfDocument()
    document.load(str(pdf))
    written = []
    for page in range(document.pageCount()):
        size = document.pagePointSize(page)
        image = document.render(page, QSize(round(size.width() * dpi / 72),
                                            round(size.height() * dpi / 72)))
        path = stem.with_name(f"{stem.name}-{page + 1}.png")
        image.save(str(path))
        written.append(path)
    document.close()
    return written


def walkthrough(app: QApplication, out: Path, big: Path | None) -> None:
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        big = big or big_file(folder)

        # -- a force-sized file: the window, the grid at the latest period, the tree
        window = open_window(app, big, folder)
        store = window.store
        assert store is not None
        periods = store.periods()
        item = store.item_rows()[40]
        window.select_item(item.id, periods[-1].id)
        settle(app)
        for name, widget in (("window-3000-items", window), ("grid-many-periods", window.grid)):
            written.append(out / f"{name}.png")
            widget.grab().save(str(written[-1]))
        window.tree.header().setSortIndicator(COL_RAG, Qt.SortOrder.AscendingOrder)
        settle(app)
        written.append(out / "tree-sorted-by-rating.png")
        window.tree.parentWidget().grab().save(str(written[-1]))
        window.close()
        settle(app)

        # -- the sample: the editor with a search, Help, the PEEL report with three periods
        sample = folder / "sample.db"
        build_sample(sample).close()
        window = open_window(app, sample, folder)
        store = window.store
        assert store is not None
        window.filter_bar.text.setText("CoreVet")
        window.filter_bar.apply_now()
        rec13 = next(r for r in store.item_rows() if r.kind.value == "recommendation"
                     and r.number == "13")
        window.tree.setCurrentIndex(window.tree_model.index_for_item(rec13.id))
        settle(app)
        written.append(out / "editor-search.png")
        window.editor.grab().save(str(written[-1]))
        written.append(out / "window-sample.png")
        window.grab().save(str(written[-1]))
        window.show_help("start")
        settle(app)
        written.append(out / "help.png")
        window._help.grab().save(str(written[-1]))
        window._help.close()
        window.close()
        settle(app)

        with Store.open(sample, read_only=True) as reader:
            peel = tuple(i.id for i in reader.inspections() if i.kind == "PEEL")
            pdf = folder / "peel.pdf"
            build_report(reader, ReportOptions(kind="peel", inspection_ids=peel,
                                               period_ids=tuple(p.id for p in reader.periods()),
                                               marking="OFFICIAL"), pdf)
        written += render_pdf(pdf, out / "peel-three-periods")[:3]
    for path in written:
        print(f"Wrote {path}")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("output", nargs="?", type=Path, default=ROOT / "docs" / "screenshot.png")
    parser.add_argument("--walkthrough", type=Path, metavar="OUTDIR",
                        help="write issue 19's walk-through screenshots to OUTDIR")
    parser.add_argument("--big", type=Path, metavar="FILE.db",
                        help="a force-sized file to use (default: generate 3,000 items)")
    args = parser.parse_args(argv[1:])
    app = make_app(["ragdesk"])
    if args.walkthrough:
        walkthrough(app, args.walkthrough, args.big)
    else:
        readme_picture(app, args.output)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
