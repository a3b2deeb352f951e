"""Entry point of the frozen application (PyInstaller runs this file; see build.spec).

The same as the ``ragdesk`` command: ``ragdesk.cli.main`` decides between the window
and a command-line sub-command. It lives outside the ``ragdesk`` package so that
PyInstaller analyses the installed package (where ``ragdesk.ui`` and
``ragdesk.reports`` exist under those names), not the source folders.
"""

from ragdesk.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
