"""The records the store hands to its callers about changes: what changed, what was deleted,
the audit trail, and who is changing things.

Kept apart from :mod:`ragdesk.store` because the window, the change feed and undo consume
them without needing the store's SQL: a view refreshing from a :class:`Change`, an undo
holding a :class:`Deleted`, the history pane listing :class:`AuditEntry` rows.
"""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from .osuser import os_user_name


@dataclass(frozen=True, slots=True)
class Change:
    """What one operation changed, so each view can refresh just that.

    ``structure`` means rows were added, removed or reordered (trees and grids
    must re-fetch their id lists); the sets name records whose content changed.
    """

    inspections: frozenset[int] = frozenset()
    items: frozenset[int] = frozenset()
    periods: frozenset[int] = frozenset()
    assessments: frozenset[tuple[int, int]] = frozenset()  # (item_id, period_id)
    evidence_of: frozenset[int] = frozenset()  # item ids whose evidence list changed
    structure: bool = False
    settings: bool = False

    @staticmethod
    def union(changes: Iterable[Change]) -> Change:
        """Everything several changes name, in one pass.

        Folding with ``|`` copies the growing sets once per change: quadratic, and an
        import of 30,000 items (720,000 assessments) then took longer than the import.
        """
        sets: list[set[Any]] = [set() for _ in range(5)]
        structure = settings = False
        for c in changes:
            for bucket, values in zip(sets, (c.inspections, c.items, c.periods, c.assessments,
                                             c.evidence_of), strict=True):
                bucket.update(values)
            structure = structure or c.structure
            settings = settings or c.settings
        inspections, items, periods, assessments, evidence_of = (frozenset(s) for s in sets)
        return Change(inspections, items, periods, assessments, evidence_of, structure, settings)

    def __or__(self, other: Change) -> Change:
        return Change(
            self.inspections | other.inspections, self.items | other.items,
            self.periods | other.periods, self.assessments | other.assessments,
            self.evidence_of | other.evidence_of, self.structure or other.structure,
            self.settings or other.settings,
        )


@dataclass(frozen=True, slots=True)
class Deleted:
    """Every row a delete removed, in insertion order, so undo restores them exactly."""

    what: str
    rows: tuple[tuple[str, dict[str, Any]], ...]
    change: Change


@dataclass(frozen=True, slots=True)
class AuditEntry:
    id: int
    at: str
    user: str
    host: str
    entity: str
    record_id: int | None
    field: str
    old: str | None
    new: str | None
    item_id: int | None = None  # the item this entry concerns (item, assessment, evidence)


@dataclass
class Identity:
    """Who is making changes: operating-system user and machine name, for the audit log.

    Passed in (not looked up deep inside) so tests and other front ends can say who.
    """

    user: str = field(default_factory=os_user_name)
    host: str = field(default_factory=lambda: _safe(socket.gethostname))


def _safe(fn: Callable[[], str]) -> str:
    try:
        return fn() or "unknown"
    except Exception:  # getpass raises on odd Windows setups; never block a save for it
        return "unknown"
