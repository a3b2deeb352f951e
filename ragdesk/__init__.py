"""ragdesk core: domain model, storage, import/export and CLI. Imports no Qt and no ReportLab."""

from __future__ import annotations

from importlib import metadata

try:
    __version__ = metadata.version("ragdesk")
except metadata.PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+source"
