"""Entry point of the frozen application (PyInstaller runs this file; see build.spec).

The same as the ``ragdesk`` command: ``ragdesk.cli.main`` decides between the window
and a command-line sub-command. It lives outside the ``ragdesk`` package so that
PyInstaller analyses the installed package (where ``ragdesk.ui`` and
``ragdesk.reports`` exist under those names), not the source folders.
"""

import os
import sys


def _give_windowed_program_somewhere_to_print() -> None:
    """Windows' windowed ragdesk.exe starts with no stdout/stderr (they are None).

    ``print`` then does nothing, but ``sys.stdout.write`` (``ragdesk.exe export DB``
    with no ``-o``) would raise and show PyInstaller's crash box. Send such output
    nowhere instead; ragdesk-cli.exe is the program for the command line.
    """
    for name in ("stdout", "stderr"):
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115


if __name__ == "__main__":
    _give_windowed_program_somewhere_to_print()
    from ragdesk.cli import main

    raise SystemExit(main())
