"""The yardstick for start-up: a bare PySide6 window, timed to its first painted frame.

Prints ``first-paint <epoch seconds>`` exactly as ``ragdesk open`` does with
``RAGDESK_BENCH_EXIT_AFTER_PAINT=1``, so the two start-up times compare like for like.
"""

from __future__ import annotations

import sys
import time

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow


class FirstPaint(QObject):
    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        self.app, self.seen = app, False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if not self.seen and event.type() == QEvent.Type.Paint:
            self.seen = True
            QTimer.singleShot(0, self.done)
        return False

    def done(self) -> None:
        print(f"first-paint {time.time():.6f}", flush=True)
        self.app.quit()


def main() -> int:
    app = QApplication(sys.argv[:1])
    app.installEventFilter(FirstPaint(app))
    window = QMainWindow()
    window.setCentralWidget(QLabel("bare window"))
    window.resize(1200, 800)
    window.show()
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
