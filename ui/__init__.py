"""The window (PySide6). Depends on the core and the reports, never the other way."""
