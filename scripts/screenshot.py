"""Make docs/screenshot.png for the README: the sample database in the real window.

Runs offscreen (no display needed): builds the sample in a temporary folder,
opens it in the main window with throw-away settings, selects Recommendation 13
and saves a picture of the whole window.

    .venv/bin/python scripts/screenshot.py [OUTPUT.png]
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from ragdesk.sample import build_sample  # noqa: E402
from ragdesk.ui.launch import make_app  # noqa: E402
from ragdesk.ui.main_window import MainWindow  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def settle(app: QApplication, rounds: int = 10) -> None:
    for _ in range(rounds):
        app.processEvents()


def main(argv: list[str]) -> int:
    output = Path(argv[1]) if len(argv) > 1 else ROOT / "docs" / "screenshot.png"
    app = make_app(["ragdesk"])
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "Essex Police HMICFRS tracker.db"
        build_sample(db).close()
        settings = QSettings(str(Path(tmp) / "settings.ini"), QSettings.Format.IniFormat)
        window = MainWindow(settings=settings)
        window.resize(1600, 1000)
        window.show()
        if not window.open_path(db):
            return 1
        window.filter_bar.text.setText("13")
        window.filter_bar.apply_now()
        window.filter_bar.clear()
        store = window.store
        assert store is not None
        rec13 = next(r for r in store.item_rows() if r.kind.value == "recommendation"
                     and r.number == "13")
        jul = store.period_by_label("Jul 2023")
        window.select_item(rec13.id, jul.id if jul else None)
        settle(app)
        window.tree.scrollTo(window.tree_model.index_for_item(rec13.id))
        window.statusBar().showMessage("Rated AMBER in Jul 2023 · press R, A or G in the grid to change it")
        settle(app)
        output.parent.mkdir(parents=True, exist_ok=True)
        window.grab().save(str(output))
        window.close()
        settle(app)
    print(f"Wrote {output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
