"""The Qt binding must not drain Python's ``None``: the reason PySide6 is pinned below 6.12.

PySide6 6.12.0 on Python 3.11 drops one reference to ``None`` every time an invalid
QVariant crosses the binding (a model's ``data()`` returning None, reading a role that
has no value) and on void calls such as ``QWidget.setVisible``. Views do that thousands
of times a second, so after a few dozen repaints ``None``'s reference count reaches
zero and the interpreter aborts ("none_dealloc: deallocating None"). Python 3.12+
makes ``None`` immortal, so only 3.11 is hit.

pyproject.toml pins ``PySide6-Essentials``/``PySide6-Addons`` below 6.12 for that.
To lift the pin, install the candidate release and run this file: it passes only on a
binding that leaves the count alone. The probe runs in a child process because on a
broken binding it kills its interpreter, which must not be pytest's own.

By hand: ``.venv/bin/python tests/test_qt_binding.py`` prints what each probe
did to the reference counts of None, True and False.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

READS = 20_000  # ~4x None's reference count at start-up: a draining binding aborts


def _probe() -> dict[str, list[int]]:
    """Cross the binding READS times per path; return each path's change of the counts.

    Runs in the child process. Only PySide6 is imported, never ragdesk: the result
    is about the binding alone.
    """
    from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
    from PySide6.QtGui import QStandardItem, QStandardItemModel
    from PySide6.QtWidgets import QApplication, QWidget

    class EmptyTable(QAbstractTableModel):
        """10 x 10 cells with nothing in them, as a grid of unrated periods is."""

        def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008
            return 0 if parent.isValid() else 10

        def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008
            return 0 if parent.isValid() else 10

        def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> None:
            return None

    app = QApplication([])  # noqa: F841 - the widget below needs one alive
    table = EmptyTable()
    cells = [table.index(r, c) for r in range(10) for c in range(10)]
    standard = QStandardItemModel(1, 1)
    standard.setItem(0, 0, QStandardItem("x"))
    filled = standard.index(0, 0)
    widget = QWidget()

    def model_returning_none(times: int) -> None:
        for i in range(times):
            cells[i % 100].data()

    def role_without_value(times: int) -> None:
        for _ in range(times):
            filled.data(Qt.ItemDataRole.BackgroundRole)

    def void_call(times: int) -> None:
        for _ in range(times):
            widget.setVisible(False)

    changes = {}
    for probe in (model_returning_none, role_without_value, void_call):
        probe(10)  # first calls cache a few objects (method lookups), with a None among them
        before = [sys.getrefcount(o) for o in (None, True, False)]
        probe(READS)
        after = [sys.getrefcount(o) for o in (None, True, False)]
        changes[probe.__name__] = [a - b for a, b in zip(after, before, strict=True)]
    return changes


def test_the_binding_leaves_none_true_and_false_alone() -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    child = subprocess.run([sys.executable, __file__], capture_output=True, text=True,
                           env=env, timeout=120)
    last = child.stdout.strip().splitlines()[-1:] or [""]
    assert child.returncode == 0, (
        f"the probe died (exit {child.returncode}): the Qt binding drains a singleton's "
        f"reference count; keep PySide6 pinned below this release.\n{child.stderr[-2000:]}")
    unchanged = [0, 0, 0]  # None, True, False
    assert json.loads(last[0]) == {"model_returning_none": unchanged,
                                   "role_without_value": unchanged, "void_call": unchanged}


if __name__ == "__main__":
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    print(json.dumps(_probe()), flush=True)
