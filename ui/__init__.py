"""The window (PySide6). Depends on the core and the reports, never the other way.

Importing the package applies the binding work-around in :mod:`.qt_compat` first,
so every entry point (the app, scripts, tests) is protected from it.
"""

from . import qt_compat as _qt_compat  # noqa: F401  (applied on import)
