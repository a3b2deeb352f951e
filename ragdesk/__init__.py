"""ragdesk core: domain model, storage, import/export and CLI. Imports no Qt and no ReportLab."""

from __future__ import annotations

from functools import cache


@cache
def _version() -> str:
    # importlib.metadata scans site-packages (~20 ms): look it up only when someone asks,
    # not on every start of the window.
    from importlib import metadata

    try:
        return metadata.version("ragdesk")
    except metadata.PackageNotFoundError:  # a source tree that is not installed
        return "0.0.0+source"


def __getattr__(name: str) -> str:
    """``ragdesk.__version__``: the version in pyproject.toml, read from the installed metadata."""
    if name == "__version__":
        return _version()
    raise AttributeError(f"module 'ragdesk' has no attribute {name!r}")
