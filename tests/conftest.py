"""Shared fixtures.

``QT_QPA_PLATFORM=offscreen`` is set here, before anything imports Qt, so the
whole suite runs headless on CI and on a developer's machine alike (a real
display is only needed to look at the window, never to test it).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from windows_sim import held_open  # noqa: E402, F401 - a fixture for every test module

from ragdesk.sample import build_sample  # noqa: E402
from ragdesk.store import Identity, Store  # noqa: E402


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


@pytest.fixture
def window(qtbot, sample_path: Path, settings, warnings: list[str]):  # type: ignore[no-untyped-def]
    """The main window, shown, on a private copy of the sample (one definition for every
    window test; a test needing another file or size makes its own)."""
    from ragdesk.ui.main_window import MainWindow  # after QT_QPA_PLATFORM is set

    w = MainWindow(settings=settings)
    qtbot.addWidget(w)
    w.show()
    assert w.open_path(sample_path)
    return w


# ------------------------------------------------------------------ search index (issue 16)
# Kept apart at the end so it merges beside other edits of this file.


@pytest.fixture(autouse=True)
def _private_search_index(tmp_path_factory: pytest.TempPathFactory,
                          monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test keeps its local search indexes in its own folder (``RAGDESK_CACHE_DIR``),
    never in the user's cache, and starts without one (see ragdesk/search_index.py)."""
    monkeypatch.setenv("RAGDESK_CACHE_DIR", str(tmp_path_factory.mktemp("search-cache")))
