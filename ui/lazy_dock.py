"""A bottom dock whose panel is recomputed only while it is shown (Overview, What Changed).

Both panels summarise the whole file, which costs tens of milliseconds on a force-sized
file: hidden, they only note that they are out of date; shown, a burst of changes (a paste,
an undo of many) recomputes them once, 150 ms after the last.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QDockWidget

if TYPE_CHECKING:
    from .changes_view import ChangesPanel
    from .overview_view import OverviewPanel


def attach_lazy_dock(window: Any, title: str, name: str, panel: OverviewPanel | ChangesPanel, *,
                     on_replaced: Callable[[], None] | None = None) -> QDockWidget:
    """Dock ``panel`` at the bottom of ``window`` (``dock.widget()``), hidden until asked for.

    ``on_replaced`` runs when the window's file is replaced (a restore, another file), before
    the panel is marked out of date.
    """
    dock = QDockWidget(title, window)
    dock.setObjectName(name)
    panel.setParent(dock)
    dock.setWidget(panel)
    window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
    dock.hide()
    stale = [True]
    timer = QTimer(dock)
    timer.setSingleShot(True)
    timer.setInterval(150)  # a burst of changes (paste, undo of many) recomputes once

    def update() -> None:
        if not dock.isVisible():
            stale[0] = True
            return
        if panel.store is not window.store:
            panel.set_store(window.store)
        else:
            panel.refresh_choices()
            panel.refresh()
        stale[0] = False

    def changed(*_args: object) -> None:
        stale[0] = True
        timer.start()

    def replaced(*_args: object) -> None:
        if on_replaced is not None:
            on_replaced()
        changed()

    timer.timeout.connect(update)
    window.bridge.changed.connect(changed)
    window.bridge.store_replaced.connect(replaced)
    dock.visibilityChanged.connect(lambda shown: shown and stale[0] and timer.start(0))
    panel.show_items.connect(window.show_items_in_tree)
    return dock
