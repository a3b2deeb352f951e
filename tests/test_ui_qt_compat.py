"""The PySide6 6.12.0 None-reference leak must not be able to abort the program.

Without ``ragdesk.ui.qt_compat`` this test kills the interpreter ("deallocating
None") long before the loop ends on Python 3.11: every empty role read through
the binding drops one reference to None.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel

from ragdesk.ui import qt_compat


def test_reading_empty_roles_many_times_does_not_abort(qapp) -> None:
    qt_compat.make_none_immortal()
    model = QStandardItemModel(1, 1)
    model.setItem(0, 0, QStandardItem("x"))
    index = model.index(0, 0)
    natural = sys.getrefcount(None) - (qt_compat._BOOST if qt_compat._applied else 0)
    n = natural + 10_000  # more references than None really has: enough to drain it unprotected
    for _ in range(n):
        assert index.data(Qt.ItemDataRole.BackgroundRole) is None
    assert index.data() == "x"


def test_singletons_cannot_be_drained_on_python_3_11() -> None:
    qt_compat.make_none_immortal()
    if sys.version_info < (3, 12):
        for obj in (None, True, False):
            assert sys.getrefcount(obj) > qt_compat._BOOST // 2
