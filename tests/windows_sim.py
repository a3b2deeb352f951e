"""Make a Linux test run behave as Windows does where ragdesk must care.

``held_open`` simulates a file another process has open without delete sharing: while a path
is in its set, ``os.replace``, ``os.rename`` and ``os.remove`` on it (as source or target)
raise ``PermissionError`` with ``winerror`` 32, the sharing violation Windows gives. Release a
path to let the next attempt through, as when the scanner or colleague closes the file.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest


class SharingViolation(PermissionError):
    """What Windows raises for a file held open by another process (ERROR_SHARING_VIOLATION)."""

    winerror = 32

    def __init__(self, path: str) -> None:
        super().__init__(13, "The process cannot access the file because it is being used "
                             "by another process", path)


class HeldOpen:
    """The set of paths "another process" holds open, and how often each was tried."""

    def __init__(self) -> None:
        self.paths: set[str] = set()
        self.attempts: dict[str, int] = {}
        self.release_after: dict[str, int] = {}

    def hold(self, path: str | os.PathLike[str], *, release_after: int | None = None) -> None:
        """Hold ``path`` open; with ``release_after``, let go after that many refused attempts."""
        key = os.path.abspath(path)
        self.paths.add(key)
        if release_after is not None:
            self.release_after[key] = release_after

    def release(self, path: str | os.PathLike[str]) -> None:
        self.paths.discard(os.path.abspath(path))

    def check(self, *paths: str | os.PathLike[str]) -> None:
        for p in paths:
            key = os.path.abspath(p)
            if key not in self.paths:
                continue
            self.attempts[key] = self.attempts.get(key, 0) + 1
            if self.attempts[key] > self.release_after.get(key, 10**9):
                self.paths.discard(key)
                continue
            raise SharingViolation(os.fspath(p))


@pytest.fixture
def held_open(monkeypatch: pytest.MonkeyPatch) -> Iterator[HeldOpen]:
    """Files "open in another program", as Windows enforces it, for the test's duration."""
    state = HeldOpen()
    real_replace, real_rename, real_remove = os.replace, os.rename, os.remove

    def replace(src: str, dst: str, *a: object, **k: object) -> None:
        state.check(src, dst)
        real_replace(src, dst, *a, **k)  # type: ignore[arg-type]

    def rename(src: str, dst: str, *a: object, **k: object) -> None:
        state.check(src, dst)
        real_rename(src, dst, *a, **k)  # type: ignore[arg-type]

    def remove(path: str, *a: object, **k: object) -> None:
        state.check(path)
        real_remove(path, *a, **k)  # type: ignore[arg-type]

    real_unlink = Path.unlink

    def unlink(self: Path, missing_ok: bool = False) -> None:
        state.check(self)
        real_unlink(self, missing_ok=missing_ok)

    monkeypatch.setattr(os, "replace", replace)
    monkeypatch.setattr(os, "rename", rename)
    monkeypatch.setattr(os, "remove", remove)
    monkeypatch.setattr(os, "unlink", remove)
    monkeypatch.setattr(Path, "unlink", unlink)
    yield state
