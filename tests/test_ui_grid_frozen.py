"""The grid as a first-time user meets it on a file with many periods (issue 19).

The Item column stays put while the periods scroll, every heading stays whole and
the cell menu lists the rating keys; each is checked on what the widgets show.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt

from ragdesk.records import Identity
from ragdesk.store import Store
from ragdesk.ui.main_window import MainWindow


@pytest.fixture
def many_periods(sample_path: Path) -> Path:
    """The sample with a dozen more (empty) reporting periods: wider than any window."""
    with Store.open(sample_path, identity=Identity("setup", "test")) as store:
        for year in (2025, 2026, 2027):
            for month in ("Mar", "Jun", "Sep", "Dec"):
                store.add_period(f"{month} {year}", carry_forward=False)
    return sample_path


@pytest.fixture
def window_file(many_periods: Path) -> Path:
    return many_periods


@pytest.fixture
def window_size() -> tuple[int, int]:
    return (1400, 900)


def _rec(store: Store, number: str) -> int:
    return next(r.id for r in store.item_rows()
                if r.kind.value == "recommendation" and r.number == number)


def test_item_column_stays_while_the_periods_scroll(qtbot, window: MainWindow) -> None:
    grid, model = window.grid, window.grid_model
    rec13 = _rec(window.store, "13")
    last = model.periods[-1]
    grid.setFocus()
    grid.select_cell(rec13, last.id)
    bar = grid.horizontalScrollBar()
    assert bar.maximum() > 0 and bar.value() > 0  # the grid is scrolled to the last period
    frozen = grid.frozen
    assert frozen.isVisible()
    assert frozen.geometry().width() == grid.columnWidth(0)
    # the pinned column names the row at the same height as the scrolled cell
    row = model.row_of_item(rec13)
    cell = grid.visualRect(model.index(row, model.column_of_period(last.id)))
    pinned = frozen.visualRect(model.index(row, 0))
    assert pinned.top() == cell.top() and pinned.height() == cell.height()
    assert frozen.indexAt(pinned.center()).data().startswith("Rec 13")
    # the scrolled cell is beside the pinned column, never under it
    assert cell.left() >= grid.columnWidth(0)
    # inspection headings keep their title in the pinned column
    heading = model.heading_rows()[0]
    assert frozen.indexAt(frozen.visualRect(model.index(heading, 0)).center()).data() \
        == window.store.inspections()[0].title
    # moving back left to the first period scrolls it out from under the pinned column
    first = model.periods[0]
    grid.select_cell(rec13, first.id)
    cell = grid.visualRect(model.index(row, model.column_of_period(first.id)))
    assert cell.left() >= grid.columnWidth(0)


def test_clicking_the_pinned_column_selects_the_item(qtbot, window: MainWindow) -> None:
    grid, model = window.grid, window.grid_model
    rec13 = _rec(window.store, "13")
    row = model.row_of_item(rec13)
    grid.frozen.scrollTo(model.index(row, 0))
    rect = grid.frozen.visualRect(model.index(row, 0))
    qtbot.mouseClick(grid.frozen.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.current_item == rec13
    assert grid.hasFocus()  # keys go to the grid: R/A/G rate from here on


def test_direction_and_status_headings_are_whole(window: MainWindow) -> None:
    grid, model = window.grid, window.grid_model
    metrics = grid.horizontalHeader().fontMetrics()
    for column in (model.dot_column, model.status_column):
        text = model.headerData(column, Qt.Orientation.Horizontal)
        for line in text.split("\n"):
            assert metrics.horizontalAdvance(line) < grid.columnWidth(column), line


def test_cell_menu_lists_the_rating_keys_and_rates(qtbot, window: MainWindow) -> None:
    grid, model = window.grid, window.grid_model
    store = window.store
    rec13 = _rec(store, "13")
    jul = store.period_by_label("Jul 2023")
    index = model.index(model.row_of_item(rec13), model.column_of_period(jul.id))
    menu = grid.cell_menu(index)
    texts = [a.text() for a in menu.actions() if a.text()]
    assert texts[:4] == ["Rate RED\tR", "Rate AMBER\tA", "Rate GREEN\tG", "Clear Rating\tDelete"]
    next(a for a in menu.actions() if a.text() == "Rate RED\tR").trigger()
    assert store.assessment(item_id=rec13, period_id=jul.id).rag == "RED"
    window.act_undo.trigger()
    assert store.assessment(item_id=rec13, period_id=jul.id).rag == "AMBER"
    # on the Item column the entries are there but say how to get to a rating
    menu = grid.cell_menu(model.index(model.row_of_item(rec13), 0))
    assert not next(a for a in menu.actions() if a.text().startswith("Rate RED")).isEnabled()
    assert menu.actions()[0].text().startswith("Choose a cell under a reporting period")


def test_pinned_column_follows_a_wider_item_column(window: MainWindow) -> None:
    grid = window.grid
    grid.setColumnWidth(0, 420)
    assert grid.frozen.columnWidth(0) == 420 and grid.frozen.width() == 420
    assert grid.frozen.mapTo(grid, QPoint(0, 0)).x() == grid.viewport().mapTo(grid, QPoint(0, 0)).x()
