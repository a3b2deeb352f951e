"""Shared fixtures.

``QT_QPA_PLATFORM=offscreen`` is set here, before anything imports Qt, so the
whole suite runs headless on CI and on a developer's machine alike (a real
display is only needed to look at the window, never to test it).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from windows_sim import held_open  # noqa: E402, F401 - a fixture for every test module

from ragdesk.domain import ItemKind  # noqa: E402
from ragdesk.records import Identity  # noqa: E402
from ragdesk.sample import build_sample  # noqa: E402
from ragdesk.store import Store  # noqa: E402


@pytest.fixture(scope="session")
def _sample_master(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample database, built once per test run."""
    path = tmp_path_factory.mktemp("master") / "sample.db"
    build_sample(path).close()
    return path


@pytest.fixture
def sample_path(_sample_master: Path, tmp_path: Path) -> Path:
    """A private copy of the sample database for one test to change freely."""
    path = tmp_path / "sample.db"
    shutil.copyfile(_sample_master, path)
    return path


@pytest.fixture
def sample_store(sample_path: Path) -> Iterator[Store]:
    store = Store.open(sample_path, identity=Identity(user="tester", host="test-host"))
    yield store
    store.close()


@pytest.fixture
def empty_store(tmp_path: Path) -> Iterator[Store]:
    store = Store.create(tmp_path / "empty.db", identity=Identity(user="tester", host="test-host"))
    yield store
    store.close()


@pytest.fixture
def one_item(empty_store: Store):
    """An empty file with one thematic inspection, Recommendation 13 and one period:
    (store, inspection, item, period)."""
    inspection = empty_store.add_inspection("An inspection of vetting", kind="thematic")
    item = empty_store.add_item(inspection.id, ItemKind.RECOMMENDATION, "13",
                                text="<p>By 31 October 2023, forces should act.</p>",
                                deadline="31/10/2023")
    period = empty_store.add_period("Jul 2023", date="2023-07-31")
    return empty_store, inspection, item, period


@pytest.fixture
def settings(tmp_path: Path):
    """Throw-away QSettings (an ini file per test), so tests never touch the user's own."""
    from PySide6.QtCore import QSettings

    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def warnings(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every QMessageBox.warning the window shows, collected instead of a blocking dialog."""
    from PySide6.QtWidgets import QMessageBox

    seen: list[str] = []

    def warning(_parent, _title, text, *args, **kwargs):
        seen.append(text)
        return QMessageBox.StandardButton.Ok

    monkeypatch.setattr(QMessageBox, "warning", warning)
    return seen


@pytest.fixture(autouse=True)
def _close_stores(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Store]]:
    """Close every Store a test opened (by hand, through a fixture or inside the window)
    once the test and its other fixtures are done, so no test leaks a connection into the
    next one (as sqlite-utils' test suite does for its databases)."""
    opened: list[Store] = []
    init = Store.__init__

    def recording_init(self: Store, *args: object, **kwargs: object) -> None:
        init(self, *args, **kwargs)  # type: ignore[arg-type]
        opened.append(self)

    monkeypatch.setattr(Store, "__init__", recording_init)
    yield opened
    for store in opened:
        store.close()


@pytest.fixture
def reader(request: pytest.FixtureRequest) -> Callable[..., Store]:
    """Open another connection on a file, as a colleague's laptop or a checker would:
    ``reader()`` on the window's file, ``reader(path, user="bob", host="PC-2")``.
    It is closed after the test (``_close_stores``); ``with reader() as r:`` closes it sooner."""

    def open_reader(path: str | os.PathLike[str] | None = None, *, user: str = "checker",
                    host: str = "test", read_only: bool = False) -> Store:
        if path is None:
            path = request.getfixturevalue("window_file")
        return Store.open(path, identity=Identity(user=user, host=host), read_only=read_only)

    return open_reader


@pytest.fixture
def window_file(sample_path: Path) -> Path | None:
    """The file the ``window`` fixture opens. A test module overrides this fixture for another
    file (an empty one, the sample with more periods), or returns None for a window with no
    file open yet."""
    return sample_path


@pytest.fixture
def window_size() -> tuple[int, int] | None:
    """The ``window`` fixture's size (width, height); None keeps the window's own.
    A module whose tests need room (a wide grid, the Overview) overrides it."""
    return None


@pytest.fixture
def window(qtbot, window_file: Path | None, window_size: tuple[int, int] | None, settings,  # type: ignore[no-untyped-def]
           warnings: list[str]):
    """The main window, shown, on ``window_file`` (a private copy of the sample unless the
    module says otherwise): the one way every test makes a window. A module that needs
    more of it (a stub for a dialog, the poll timer stopped) overrides ``window`` with a
    fixture that takes this one and adjusts it."""
    from ragdesk.ui.main_window import MainWindow  # after QT_QPA_PLATFORM is set

    w = MainWindow(settings=settings)
    qtbot.addWidget(w)
    if window_size is not None:
        w.resize(*window_size)
    w.show()
    qtbot.waitExposed(w)
    if window_file is not None:
        assert w.open_path(window_file)
    return w


# ------------------------------------------------------------------ search index (issue 16)
# Kept apart at the end so it merges beside other edits of this file.


@pytest.fixture(autouse=True)
def _private_search_index(tmp_path_factory: pytest.TempPathFactory,
                          monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test keeps its local search indexes in its own folder (``RAGDESK_CACHE_DIR``),
    never in the user's cache, and starts without one (see ragdesk/search_index.py)."""
    monkeypatch.setenv("RAGDESK_CACHE_DIR", str(tmp_path_factory.mktemp("search-cache")))
