"""``python -m ragdesk`` is the same as the ``ragdesk`` command."""

from ragdesk.cli import main

raise SystemExit(main())
