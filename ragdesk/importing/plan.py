"""What an import would bring in, what it would change, and writing it in one transaction.

Every reader (Word, spreadsheet) produces an :class:`ImportPlan`: the items it found with
their ratings and narratives per reporting period, plus the problems it met (what could
not be read and why), so the preview, the dry run and the real import all show the same
thing. :func:`diff` compares a plan with the database; :func:`apply` writes it through the
Store's public operations inside one ``store.batch()`` (all or nothing) and returns an
:class:`Applied` record that :func:`undo` uses to take it back.

Items are matched by inspection, kind and number: re-importing a document updates the
items it already brought in and never duplicates them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .. import richtext
from ..domain import (
    Assessment,
    Deadline,
    Dot,
    Inspection,
    InspectionId,
    Item,
    ItemId,
    ItemKind,
    PeriodId,
)
from ..errors import Conflict, NotFound, RagdeskError
from ..lookup import find_inspection
from ..storage import Storage

_PLURAL = {ItemKind.RECOMMENDATION: "recommendations", ItemKind.AFI: "areas for improvement",
           ItemKind.CAUSE_OF_CONCERN: "causes of concern"}
ITEM_TEXT_FIELDS = ("text", "area", "board", "lead", "dashboard")
NARRATIVES = ("status_note", "update", "intent_and_implementation", "impact")
RICH = ("text", "dashboard", "update", "intent_and_implementation", "impact")


@dataclass
class PlanAssessment:
    """One item's rating and narratives in one period, as read (rich fields are stored HTML)."""

    rag: str | None = None
    dot: str | None = None
    status_note: str = ""
    update: str = ""
    intent_and_implementation: str = ""
    impact: str = ""

    def values(self) -> dict[str, Any]:
        """The fields to save: only what the document says. A field the document leaves
        empty keeps what the database has (a summary matrix gives only ratings: importing
        it must not wipe that period's narratives)."""
        out: dict[str, object] = {name: getattr(self, name) for name in ("rag", "dot", *NARRATIVES)
                                  if getattr(self, name)}
        return out

    def is_empty(self) -> bool:
        return not self.values()


@dataclass
class PlanItem:
    kind: ItemKind
    number: str
    text: str = ""  # stored rich text
    deadline: str | None = None  # Deadline.to_text() form
    area: str = ""
    board: str = ""
    lead: str = ""
    dashboard: str = ""
    status: str | None = None  # a status code, None = leave as it is (new items: open)
    assessments: dict[str, PlanAssessment] = field(default_factory=dict)  # period label ->
    include: bool = True
    source: str = ""  # where in the file: "table 3", "row 12"

    @property
    def label(self) -> str:
        return f"{self.kind.short} {self.number}"

    @property
    def key(self) -> tuple[str, str]:
        return (self.kind.value, self.number.strip().lower())

    def details(self) -> str:
        """Lead, deadline, board and status in one line, for the preview."""
        parts = [self.lead, self.area, self.board]
        if self.deadline:
            parts.append(f"due {Deadline.parse(self.deadline)}")
        if self.status:
            parts.append(self.status.replace("_", " "))
        return " · ".join(p for p in parts if p)

    def text_start(self, limit: int = 70) -> str:
        plain = " ".join(richtext.to_plain(self.text, bullets=False).split())
        return plain if len(plain) <= limit else plain[: limit - 1] + "…"


@dataclass
class PlanPeriod:
    label: str
    date: str | None = None  # ISO
    meeting: str = ""


@dataclass
class ImportPlan:
    """Everything one file holds, ready to preview, diff and apply."""

    source: str
    inspection_title: str = ""
    periods: list[PlanPeriod] = field(default_factory=list)
    items: list[PlanItem] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    needs_period: bool = False  # ratings were found but the file names no period

    def included(self) -> list[PlanItem]:
        return [i for i in self.items if i.include]

    def rename_period(self, old: str, new: str) -> None:
        """The user corrected a period's label in the preview (or gave --period)."""
        new = new.strip()
        if not new or new == old:
            return
        for p in self.periods:
            if p.label == old:
                p.label = new
        for item in self.items:
            if old in item.assessments:
                item.assessments[new] = item.assessments.pop(old)

    def name_period(self, label: str) -> None:
        """Give the period a file does not name (``--period``, or typed in the preview)."""
        label = label.strip()
        if not label or not self.needs_period:
            return
        self.periods = [PlanPeriod(label)]
        for item in self.items:
            if "" in item.assessments:
                item.assessments[label] = item.assessments.pop("")
        self.needs_period = False

    def leave_out_repeats(self) -> None:
        """An item found twice (same kind and number): keep the first, say so, untick the rest."""
        seen: set[tuple[str, str]] = set()
        for item in self.items:
            if item.key in seen and item.include:
                item.include = False
                self.problems.append(f"{item.label} appears twice; the second ({item.source}) "
                                     "is unticked.")
            seen.add(item.key)

    def summary(self) -> str:
        items = self.included()
        kinds: dict[ItemKind, int] = {}
        for i in items:
            kinds[i.kind] = kinds.get(i.kind, 0) + 1
        ratings = sum(1 for i in items for a in i.assessments.values() if a.rag)
        parts = ", ".join(f"{n} {_PLURAL[k] if n != 1 else k.heading.lower()}"
                          for k, n in kinds.items()) or "no items"
        where = ("in a period the file does not name" if self.needs_period else
                 f"in {len(self.periods)} period{'s' if len(self.periods) != 1 else ''}")
        return f"{parts}; {ratings} rating{'s' if ratings != 1 else ''} {where}"


# --------------------------------------------------------------------------- targets


def _norm_title(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", title.lower()).strip()


def match_inspection(store: Storage, title: str) -> Inspection | None:
    """The existing inspection a document's title names (same words, or one contains the other)."""
    wanted = _norm_title(title)
    if not wanted:
        return None
    for ins in store.inspections():
        if _norm_title(ins.title) == wanted:
            return ins
    for ins in store.inspections():
        have = _norm_title(ins.title)
        if have and (have in wanted or wanted in have):
            return ins
    # A PEEL update names no inspection ("PEEL AFI Performance Update"): the one PEEL there is.
    if "peel" in wanted.split():
        peel = [i for i in store.inspections() if "peel" in _norm_title(i.title).split()]
        if len(peel) == 1:
            return peel[0]
    return None


@dataclass
class Target:
    """Where the plan goes: an existing inspection, or a new one with this title."""

    inspection: Inspection | None
    new_title: str = ""

    @property
    def title(self) -> str:
        return self.inspection.title if self.inspection else self.new_title


def choose_target(store: Storage, plan: ImportPlan, *, inspection: str | None = None,
                  new_inspection: str | None = None) -> Target:
    if new_inspection:
        return Target(None, new_inspection.strip())
    if inspection:
        return Target(find_inspection(store, inspection))
    found = match_inspection(store, plan.inspection_title)
    if found:
        return Target(found)
    if not plan.inspection_title.strip():
        raise RagdeskError("The file does not name its inspection: choose one "
                           "(--inspection) or name a new one (--new-inspection).")
    return Target(None, plan.inspection_title.strip())


# --------------------------------------------------------------------------- diff


@dataclass
class ItemChange:
    item: PlanItem
    existing: Item | None
    changes: list[str]  # readable: "rating Jun 2024: AMBER → GREEN"

    @property
    def action(self) -> str:
        if self.existing is None:
            return "new"
        return "update" if self.changes else "unchanged"


@dataclass
class Diff:
    target: Target
    new_periods: list[str]
    items: list[ItemChange]

    def count(self, action: str) -> int:
        return sum(1 for c in self.items if c.action == action)

    def describe(self) -> str:
        where = (f"into “{self.target.title}”" if self.target.inspection
                 else f"into a new inspection “{self.target.title}”")
        periods = (f"; new period{'s' if len(self.new_periods) > 1 else ''} "
                   f"{', '.join(self.new_periods)}" if self.new_periods else "")
        return (f"{self.count('new')} new, {self.count('update')} updated, "
                f"{self.count('unchanged')} unchanged item(s) {where}{periods}")


def _plain(value: str) -> str:
    return " ".join(richtext.to_plain(value).split())


def _item_fields(item: PlanItem) -> dict[str, Any]:
    values: dict[str, object] = {k: getattr(item, k) for k in ITEM_TEXT_FIELDS if getattr(item, k)}
    if item.deadline:
        values["deadline"] = item.deadline
    if item.status:
        values["status"] = item.status
    return values


def diff(store: Storage, plan: ImportPlan, target: Target) -> Diff:
    """What :func:`apply` would create and change, item by item, without writing anything."""
    existing: dict[tuple[str, str], Item] = {}
    if target.inspection is not None:
        for it in store.items(target.inspection.id):
            existing.setdefault((it.kind.value, it.number.strip().lower()), it)
    periods = {p.label: p for p in store.periods()}
    new_periods = [p.label for p in plan.periods if p.label not in periods]
    changes: list[ItemChange] = []
    for item in plan.included():
        old = existing.get(item.key)
        notes: list[str] = []
        if old is not None:
            for name, value in _item_fields(item).items():
                before = getattr(old, name)
                before = before.to_text() if isinstance(before, Deadline) else before
                if name in ("text", "dashboard"):
                    if _plain(str(before or "")) != _plain(str(value)):
                        notes.append(name)
                elif str(before or "") != str(value):
                    notes.append(f"{name}: {before or '—'} → {value}")
            for label, a in item.assessments.items():
                if not label:  # the period is not named yet: nothing to compare with
                    continue
                period = periods.get(label)
                was = store.assessment(item_id=old.id, period_id=period.id) if period else None
                notes += _assessment_changes(label, was, a)
        changes.append(ItemChange(item, old, notes))
    return Diff(target, new_periods, changes)


def _assessment_changes(label: str, was: Assessment | None, new: PlanAssessment) -> list[str]:
    if was is None:
        return [f"rating {label}: {new.rag}" if new.rag else f"narratives {label}"]
    out = []
    if (was.rag or None) != (new.rag or None):
        out.append(f"rating {label}: {was.rag or '—'} → {new.rag or '—'}")
    for name in NARRATIVES:
        if _plain(str(getattr(was, name) or "")) != _plain(str(getattr(new, name) or "")):
            out.append(f"{name.replace('_', ' ')} {label}")
    if new.dot and (was.dot.value if was.dot else None) != new.dot:
        out.append(f"direction {label}: {new.dot}")
    if was.draft and not out:
        out.append(f"confirm draft {label}")
    return out


# --------------------------------------------------------------------------- apply / undo


@dataclass
class Applied:
    """What :func:`apply` did, so :func:`undo` can take exactly that back."""

    inspection_id: InspectionId
    created_inspection: bool = False
    created_periods: list[PeriodId] = field(default_factory=list)
    created_items: list[ItemId] = field(default_factory=list)
    updated_items: list[Item] = field(default_factory=list)  # as they were before
    # (item id, period id, the assessment before or None) for items that existed before
    touched_assessments: list[tuple[ItemId, PeriodId, Assessment | None]] = field(default_factory=list)
    # What the import left, to tell at undo whether a colleague has changed it since:
    # item id -> version, and (item id, period id) -> assessment version.
    item_versions: dict[ItemId, int] = field(default_factory=dict)
    assessment_versions: dict[tuple[ItemId, PeriodId], int] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        return {"inspections": int(self.created_inspection), "periods": len(self.created_periods),
                "new items": len(self.created_items), "updated items": len(self.updated_items)}


def apply(store: Storage, plan: ImportPlan, target: Target,
          progress: Callable[[int, int], None] | None = None) -> Applied:
    """Write the included items of ``plan`` into ``target``: one transaction, all or nothing."""
    items = plan.included()
    if not items:
        raise RagdeskError("No items are selected for import; nothing was changed.")
    if plan.needs_period and any(i.assessments for i in items):
        raise RagdeskError("The file does not name its reporting period: give one "
                           "(--period, or in the preview) and try again.")
    with store.batch():
        if target.inspection is not None:
            inspection_id = store.inspection(target.inspection.id).id
            result = Applied(inspection_id)
        else:
            inspection_id = store.add_inspection(target.new_title).id
            result = Applied(inspection_id, created_inspection=True)
        period_ids: dict[str, PeriodId] = {}
        for p in plan.periods:
            found = store.period_by_label(p.label)
            if found is None:
                found = store.add_period(p.label, date=p.date, meeting=p.meeting,
                                         carry_forward=False)
                result.created_periods.append(found.id)
            period_ids[p.label] = found.id
        existing: dict[tuple[str, str], Item] = {}
        for it in store.items(inspection_id):
            existing.setdefault((it.kind.value, it.number.strip().lower()), it)
        for n, item in enumerate(items, start=1):
            fields = _item_fields(item)
            old = existing.get(item.key)
            if old is None:
                new = store.add_item(inspection_id, item.kind, item.number.strip(), **fields)
                result.created_items.append(new.id)
                existing[item.key] = new  # a second row for it updates, never duplicates
                item_id = new.id
            else:
                item_id = old.id
                # Same words, other formatting (a tracker cell has no bold): keep the stored
                # text, as the diff promised "unchanged".
                fields = {k: v for k, v in fields.items() if not (
                    k in RICH and _plain(str(v)) == _plain(str(getattr(old, k) or "")))}
                if store.update_item(old.id, **fields).version != old.version:
                    result.updated_items.append(old)
            for label, a in item.assessments.items():
                if label not in period_ids:
                    raise RagdeskError(f"{item.label}: period “{label}” is not among the "
                                       "periods of this import.")
                before = store.assessment(item_id=item_id, period_id=period_ids[label]) if old else None
                values = a.values()
                if before is not None:
                    values = {k: v for k, v in values.items() if not (
                        k in RICH and _plain(str(v)) == _plain(str(getattr(before, k) or "")))}
                    if all(getattr(before, k) == v for k, v in values.items()):
                        continue  # as stored: saving would only clear a draft mark
                after = store.save_assessment(item_id=item_id, period_id=period_ids[label], **values)
                if old is not None and (before is None or before.version != after.version):
                    result.touched_assessments.append((item_id, period_ids[label], before))
            if progress:
                progress(n, len(items))
        _remember_versions(store, result)
    return result


def _remember_versions(store: Storage, result: Applied) -> None:
    """Note the version of everything the import wrote, as it left it (inside its transaction)."""
    for item_id in (*result.created_items, *(old.id for old in result.updated_items)):
        result.item_versions[item_id] = store.item(item_id).version
    for item_id in result.created_items:
        for a in store.assessments(item_id=item_id):
            result.assessment_versions[(item_id, a.period_id)] = a.version
    for item_id, period_id, _before in result.touched_assessments:
        after = store.assessment(item_id=item_id, period_id=period_id)
        result.assessment_versions[(item_id, period_id)] = after.version if after else 0


def changed_since(store: Storage, done: Applied) -> list[str]:
    """What colleagues changed after the import in what it wrote: undoing would lose it."""
    changed: list[str] = []
    for item_id, version in done.item_versions.items():
        try:
            item = store.item(item_id)
        except NotFound:
            continue  # deleted since: nothing of anyone's left to lose there
        touched = item.version != version or any(
            done.assessment_versions.get((item_id, a.period_id)) != a.version
            for a in store.assessments(item_id=item_id)
            if item_id in done.created_items or (item_id, a.period_id) in done.assessment_versions)
        if touched:
            changed.append(item.label)
    for (item_id, period_id), version in done.assessment_versions.items():
        if item_id in done.item_versions:
            continue
        now = store.assessment(item_id=item_id, period_id=period_id)
        if (now.version if now else 0) != version:
            try:
                changed.append(store.item(item_id).label)
            except NotFound:
                continue
    return sorted(set(changed))


def undo(store: Storage, done: Applied) -> None:
    """Take an import back: remove what it added, put back what it changed (one transaction).

    Refused, with nothing undone, when a colleague has changed anything the import wrote
    since: undoing would delete or overwrite their work (the rule every undo follows).
    """
    with store.batch():
        changed = changed_since(store, done)
        if changed:
            names = ", ".join(changed[:5]) + (f" and {len(changed) - 5} more" if len(changed) > 5
                                               else "")
            raise Conflict(f"The import cannot be undone: {names} changed since it was "
                           "imported, and undoing would lose those changes. Nothing was undone.")
        for item_id, period_id, before in reversed(done.touched_assessments):
            if before is None:
                store.delete_assessment(item_id=item_id, period_id=period_id)
            else:
                store.save_assessment(item_id=item_id, period_id=period_id, rag=before.rag,
                                      dot=before.dot.value if before.dot else None,
                                      status_note=before.status_note, update=before.update,
                                      intent_and_implementation=before.intent_and_implementation,
                                      impact=before.impact, draft=before.draft)
        for old in done.updated_items:
            store.update_item(old.id, text=old.text, deadline=old.deadline, area=old.area,
                              board=old.board, lead=old.lead, dashboard=old.dashboard,
                              status=old.status)
        for item_id in reversed(done.created_items):
            store.delete_item(item_id)
        for period_id in reversed(done.created_periods):
            store.delete_period(period_id)
        if done.created_inspection:
            store.delete_inspection(done.inspection_id)


def derive_dot(previous: str | None, current: str | None, ranks: dict[str, int]) -> str | None:
    """The direction the ratings alone give (as the store derives it), for readers deciding
    whether a document's own DoT needs keeping as an override."""
    if not previous or not current or previous not in ranks or current not in ranks:
        return None
    a, b = ranks[previous], ranks[current]
    return Dot.SAME.value if a == b else (Dot.UP.value if b > a else Dot.DOWN.value)
