"""Work-arounds for bugs in the Qt binding, applied once when the UI is imported.

PySide6 6.12.0 on Python 3.11 drops a reference to ``None`` every time an
invalid QVariant crosses the binding (a model's ``data()`` returning None to a
view, or Python reading ``index.data(role)`` for a role with no value) and on
some void calls (``QWidget.setVisible``); True and False leak the same way
somewhere (seen as "bool_dealloc" at exit). Views do this thousands of times a
second, so after a few dozen repaints None's reference count reaches zero and
the interpreter aborts with "none_dealloc: deallocating None". Python 3.12
made these singletons immortal, so it is immune; on 3.11 we give them a
reference count so large it can never be drained, which is what 3.12 does.
Remove this module when the binding is fixed.
"""

from __future__ import annotations

import ctypes
import sys

_BOOST = 1 << 40
_applied = False


_SINGLETONS = (None, True, False, Ellipsis, NotImplemented)


def make_none_immortal() -> None:
    """Raise the singletons' reference counts far beyond anything the leak can use up (once)."""
    global _applied
    if _applied or sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return
    for obj in _SINGLETONS:
        # ob_refcnt is the first field of every CPython object, at the object's address.
        ctypes.c_ssize_t.from_address(id(obj)).value += _BOOST
    _applied = True


make_none_immortal()
