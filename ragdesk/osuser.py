"""Who is at the keyboard, as the audit log records it: the operating system's user name.

On a force laptop that is a domain account: Windows keeps the account in ``USERNAME``
(``j.smith``) and its domain in ``USERDOMAIN`` (``FORCE``); the audit log records
``FORCE\\j.smith`` so two people called j.smith in different forces' domains (or a local
account of the same name) are never taken for one. A local account's "domain" is the
machine's own name: it adds nothing, so it is left out. Elsewhere the POSIX login name
(``getpass.getuser``) is used.

Platform facts come in as arguments (the environment, whether this is Windows) so tests
can be Windows without patching (the git-cola habit in STYLE.md).
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Callable, Mapping


def os_user_name(environ: Mapping[str, str] | None = None, *,
                 windows: bool = os.name == "nt",
                 getuser: Callable[[], str] = getpass.getuser) -> str:
    """The signed-in user: ``DOMAIN\\user`` for a Windows domain account, else the user name.
    ``"unknown"`` when the system cannot say (no name is better than a traceback)."""
    env = os.environ if environ is None else environ
    if windows:
        user = env.get("USERNAME", "").strip()
        domain = env.get("USERDOMAIN", "").strip()
        machine = env.get("COMPUTERNAME", "").strip()
        if user and "\\" not in user and domain and domain.casefold() != machine.casefold():
            return f"{domain}\\{user}"
        if user:
            return user
    try:
        return getuser() or "unknown"
    except Exception:  # getpass raises OSError, KeyError or ImportError where no name is set
        return "unknown"
