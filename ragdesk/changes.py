"""What changed between two reporting periods, and a word-level diff of the narratives.

"What moved since the last board, and why?" SQLite compares the two periods'
assessments where they lie (:meth:`Store.assessment_differences`) and hands over only
the narratives that differ, so a force-sized file's ~12 MB of narratives are not all
turned into Python objects; the few items needing more (compared with an older period,
closed without a later word) are read whole. For a few items the narratives are
compared as plain words (a change of bold or a link is not news to a board), and
:func:`word_diff` shows the words that went and came, paragraph by paragraph, as a
tracked-changes view does.
"""

from __future__ import annotations

import datetime as dt
import difflib
import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

from . import richtext
from .domain import Assessment, InspectionId, ItemId, ItemKind, Period, PeriodId
from .storage import Storage

# The narratives of an assessment, in the order the editor and the reports show them.
NARRATIVES: tuple[tuple[str, str, str], ...] = (
    # attribute of Assessment, name in ``changed``, label for a person
    ("status_note", "status", "Status"),
    ("update", "update", "Update"),
    ("intent_and_implementation", "intent_and_implementation", "Intent and implementation"),
    ("impact", "impact", "Impact"),
)
WORD_COMPARE_LIMIT = 200  # items; above this a narrative "changed" when its stored text did
CHANGE_LABELS = {
    "new": "New", "closed": "Closed", "rag": "Rating", "direction": "Direction",
    "status": "Status", "update": "Update",
    "intent_and_implementation": "Intent and implementation", "impact": "Impact",
}


@dataclass(frozen=True)
class NarrativeChange:
    """One narrative that reads differently in the later period.

    Holds the stored rich text; ``before`` and ``after`` are its plain text (paragraphs
    and list bullets kept), made only when someone looks at the diff: parsing every
    narrative of 3,000 items would take seconds.
    """

    name: str
    label: str
    stored_before: str
    stored_after: str

    @property
    def before(self) -> str:
        return _plain(self.stored_before)

    @property
    def after(self) -> str:
        return _plain(self.stored_after)

    @property
    def formatting_only(self) -> bool:
        """The same words, only formatted differently (bold, a link, a list)."""
        return _words(self.stored_before) == _words(self.stored_after)


@dataclass(frozen=True)
class ItemChange:
    """How one item differs between the two periods.

    ``changed`` names what differs, in a fixed order: ``new`` (first assessed in the
    later period), ``closed`` (its status became a finished one in between), ``rag``,
    ``direction``, ``status`` (the status note, or the item's status), ``update``,
    ``intent_and_implementation``, ``impact``.
    """

    item_id: int
    inspection_id: int
    inspection: str
    kind: ItemKind
    number: str
    title: str
    rag_before: str | None
    rag_after: str | None
    direction_before: str | None
    direction_after: str | None
    status: str  # the item's status now
    status_note: str  # the later period's status note, plain text
    changed: tuple[str, ...]
    narratives: tuple[NarrativeChange, ...]

    @property
    def label(self) -> str:
        return f"{self.kind.short} {self.number}".strip()

    @property
    def move(self) -> str:
        """"AMBER → GREEN" (or "not rated → AMBER")."""
        return f"{self.rag_before or 'not rated'} → {self.rag_after or 'not rated'}"


@dataclass(frozen=True)
class Changes:
    since: Period
    period: Period
    items: list[ItemChange]

    def to_json(self) -> dict[str, Any]:
        """The shape ``ragdesk changes --format json`` prints (documented in README)."""
        return {"since": self.since.label, "period": self.period.label, "items": [
            {"inspection": c.inspection, "kind": c.kind.value, "number": c.number,
             "rag_before": c.rag_before, "rag_after": c.rag_after, "changed": list(c.changed)}
            for c in self.items]}


def compare_periods(store: Storage, since_id: PeriodId, period_id: PeriodId, *,
                    inspection_id: InspectionId | None = None,
                    item_ids: set[ItemId] | None = None) -> Changes:
    """Every item that reads differently in ``period_id`` than in ``since_id``.

    Items with no assessment in the later period are left out (nobody reported on
    them) unless they were closed in between. ``item_ids`` limits the comparison
    (the per-item view in the editor and the history dock).
    """
    since, period = store.period(since_id), store.period(period_id)
    inspections = {i.id: i.title for i in store.inspections()}
    rows = [r for r in store.item_rows(item_ids=item_ids)
            if (inspection_id is None or r.inspection_id == inspection_id)]
    wanted = {r.id for r in rows}
    # SQLite compares the two periods' narratives (~12 MB for 3,000 items) where they lie
    # and hands over only the texts that differ: one tuple per item assessed in ``period``.
    diffs: dict[ItemId, _Diff] = {d[0]: d for d in store.assessment_differences(
        since_id=since.id, period_id=period.id, item_ids=wanted if item_ids is not None else None) if d[0] in wanted}
    # An item not reported in ``since`` is compared with what the board last saw of it:
    # its latest earlier assessment. Walk back a period at a time only for such items
    # (usually none: every item is reported every period).
    ever_before = {item_id for item_id, d in diffs.items() if d[1]}
    missing = set(diffs) - ever_before
    for p in reversed([p for p in store.periods() if p.position < since.position]):
        if not missing:
            break
        rags, _drafts = store.rating_columns([p.id])[p.id]
        for item_id in map(ItemId, missing & rags.keys()):
            ever_before.add(item_id)
            last = store.assessment(item_id=item_id, period_id=p.id)
            if last is not None:
                diffs[item_id] = _diff(item_id, last, store.assessment(item_id=item_id, period_id=period.id))
        missing -= rags.keys()
    closed = _closed_between(store, since, period, {r.id: r.status for r in rows})
    unreported = closed - diffs.keys()  # closed, and nobody reported on them since
    for item_id in unreported & wanted:
        diffs[item_id] = _diff(item_id, store.assessment(item_id=item_id, period_id=since.id), None)
    # Only these can be listed (the rest read the same in both periods and kept their
    # direction of travel as the ratings give it), so only their directions are read.
    listed = {item_id for item_id, d in diffs.items()
              if item_id in closed or item_id not in ever_before
              or d[2] != d[3] or d[4] or d[5] != d[6] or d[7] is not None or d[9] is not None
              or d[11] is not None}
    limit = listed if len(listed) <= _FEW else item_ids
    dirs_before = store.directions(since.id, limit)
    dirs_after = store.directions(period.id, limit)

    # Comparing the words of every narrative of a force-sized file costs ten times
    # reading them, so a big comparison lists any edit of the stored text (the diff view
    # then says when only the formatting changed); a few items compare words.
    small = len(rows) <= WORD_COMPARE_LIMIT
    # The loop runs once per listed item (every item, when a board rewrote them all):
    # plain lookups, no helper calls.
    (_attr, status_name, status_label), *_texts_rest = NARRATIVES
    text_columns = [(7 + 2 * n, name, label) for n, (_a, name, label) in enumerate(_texts_rest)]
    new_narrative, new_change = _quick(NarrativeChange), _quick(ItemChange)
    found: list[ItemChange] = []
    for r in rows:
        item_id = r.id
        if item_id not in listed:
            continue
        d = diffs[item_id]
        rag_before, rag_after, note_before, note_after = d[2], d[3], d[5], d[6]
        changed: list[str] = []
        is_new = item_id not in ever_before and item_id not in unreported
        if is_new:
            changed.append("new")
        is_closed = item_id in closed
        if is_closed:
            changed.append("closed")
        if rag_before != rag_after and not is_new:
            changed.append("rag")
        d_before = dirs_before.get(item_id)
        d_after = dirs_after.get(item_id)
        # A direction that follows from the ratings says nothing the move does not; one
        # somebody set by hand ("+" while still AMBER) is news.
        if d[4] and d_before != d_after:
            changed.append("direction")
        narratives: list[NarrativeChange] = []
        if note_before != note_after and not (small and _words(note_before) == _words(note_after)):
            narratives.append(new_narrative(name=status_name, label=status_label,
                                            stored_before=note_before, stored_after=note_after))
            changed.append(status_name)
        for at, name, label in text_columns:
            was = d[at]
            if was is None or (small and _words(was) == _words(d[at + 1])):
                continue
            narratives.append(new_narrative(name=name, label=label, stored_before=was,
                                            stored_after=d[at + 1]))
            changed.append(name)
        if is_closed and "status" not in changed:
            changed.insert(changed.index("closed") + 1, "status")
        if not changed:
            continue
        found.append(new_change(
            item_id=item_id, inspection_id=r.inspection_id,
            inspection=inspections.get(r.inspection_id, ""), kind=r.kind, number=r.number,
            title=r.title, rag_before=rag_before, rag_after=rag_after,
            direction_before=None if d_before is None else _dot(d_before),
            direction_after=None if d_after is None else _dot(d_after), status=r.status,
            status_note=_plain(note_after), changed=tuple(changed), narratives=tuple(narratives)))
    return Changes(since, period, found)


def item_changes(store: Storage, item_id: ItemId, since_id: PeriodId,
                 period_id: PeriodId) -> ItemChange | None:
    """One item's changes between any two periods (None: it reads the same in both)."""
    result = compare_periods(store, since_id, period_id, item_ids={item_id})
    return result.items[0] if result.items else None


# (item, assessed before, rating before, after, direction set by hand after, status note
# before, after, then update, intent and impact before and after: (None, None) when the
# same), as :meth:`Store.assessment_differences` gives it.
_Diff = tuple[Any, ...]
_FEW = 500  # items: read just their directions; more, and one read of all is quicker


def _diff(item_id: int, old: Assessment | None, new: Assessment | None) -> _Diff:
    """The same tuple for two assessments read whole (the few items compared with an
    earlier period's assessment, or closed without a later one)."""
    was, now = _texts(old), _texts(new)
    pairs: list[str | None] = []
    for before, after in zip(was[1:], now[1:], strict=True):
        pairs += (None, None) if before == after else (before, after)
    return (item_id, old is not None, old.rag if old else None, new.rag if new else None,
            _dot(new.dot) if new else None, was[0], now[0], *pairs)


T = TypeVar("T")


def _quick(cls: type[T]) -> Callable[..., T]:
    """A constructor for a frozen dataclass that fills its ``__dict__`` at once.

    A frozen dataclass's ``__init__`` sets each field through ``object.__setattr__``:
    for 3,000 changed items and their narratives that is ~13 ms of the comparison's
    budget. The object made here is the same (the same fields, compared, hashed and
    printed by the same generated methods); it takes keywords only, and a class with a
    ``__post_init__`` or ``__slots__`` gets its own ``__init__``.
    """
    if "__post_init__" in vars(cls) or "__slots__" in vars(cls):
        return cls
    new = object.__new__

    def make(**fields: Any) -> T:
        made = new(cls)
        made.__dict__.update(fields)
        return made
    return make


def _closed_between(store: Storage, since: Period, period: Period,
                    current: dict[ItemId, str]) -> set[ItemId]:
    """Items whose status became a finished one after ``since``'s board and are still finished.

    Without dates the whole audit log counts (a file imported without history has no
    status changes in it: then nothing is reported closed rather than guessed).
    """
    finished = {s.code for s in store.statuses() if s.finished}
    start = since.date.isoformat() if since.date else None
    periods = store.periods()
    end = (period.date + dt.timedelta(days=1)).isoformat() \
        if period.date and periods and periods[-1].id != period.id else None
    last: dict[ItemId, tuple[str | None, str | None]] = {}
    for item_id, old, new, at in store.status_changes(start):
        if end is None or at < end:
            first_old = last.get(item_id, (old, None))[0]
            last[item_id] = (first_old, new)
    return {item_id for item_id, (old, new) in last.items()
            if new in finished and old not in finished and current.get(item_id) in finished}


def _texts(a: Assessment | None) -> tuple[str, str, str, str]:
    if a is None:
        return ("", "", "", "")
    return (a.status_note or "", a.update or "", a.intent_and_implementation or "", a.impact or "")


def _dot(value: Any) -> str | None:
    return None if value is None else str(getattr(value, "value", value))


def _plain(stored: str | None) -> str:
    """Plain text of stored rich text, one line per paragraph (or list entry)."""
    if not stored:
        return ""
    if "<" not in stored and "&" not in stored:
        return stored
    return richtext.to_plain(stored)


def _words(stored: str | None) -> list[str]:
    """The words of stored rich text: what a reader compares.

    :func:`richtext.searchable` drops the tags without parsing (fast enough for every
    narrative of a force-sized file); formatting, spacing and line breaks alone are no
    change to a board.
    """
    return richtext.searchable(stored).split()


# -- word diff -------------------------------------------------------------------

Op = Literal["equal", "insert", "delete"]


@dataclass(frozen=True)
class Piece:
    """A run of words the diff keeps, inserts or deletes (with their spacing, and "\\n"
    between paragraphs)."""

    op: Op
    text: str


_TOKEN = re.compile(r"\n|[^\S\n]+|[^\s]+")


def _tokens(text: str) -> list[tuple[str, str]]:
    """(key, text): each word with the spaces after it; a paragraph break is its own token."""
    out: list[tuple[str, str]] = []
    for m in _TOKEN.finditer(text.replace("\r\n", "\n")):
        piece = m.group()
        if piece == "\n":
            out.append(("\n", "\n"))
        elif piece.isspace():
            if out and out[-1][0] != "\n":
                out[-1] = (out[-1][0], out[-1][1] + piece)
        else:
            out.append((piece, piece))
    return out


def word_diff(before: str, after: str) -> list[Piece]:
    """The words of ``after`` against ``before``: kept, inserted and deleted runs, in reading
    order (a deletion before the insertion that replaces it), paragraph breaks kept."""
    a, b = _tokens(before), _tokens(after)
    matcher = difflib.SequenceMatcher(None, [k for k, _ in a], [k for k, _ in b], autojunk=False)
    pieces: list[Piece] = []

    def add(op: Op, tokens: list[tuple[str, str]]) -> None:
        text = "".join(t for _, t in tokens)
        if not text:
            return
        if pieces and pieces[-1].op == op:
            pieces[-1] = Piece(op, pieces[-1].text + text)
        else:
            pieces.append(Piece(op, text))

    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            add("equal", b[j1:j2])
        else:
            if i2 > i1:
                add("delete", a[i1:i2])
            if j2 > j1:
                add("insert", b[j1:j2])
    return pieces


def diff_text(pieces: list[Piece]) -> str:
    """The diff as plain text: ``[-deleted-]`` and ``{+inserted+}`` (git's word-diff marks)."""
    out = []
    for p in pieces:
        if p.op == "equal":
            out.append(p.text)
        else:
            core = p.text.rstrip()
            tail = p.text[len(core):]
            mark = ("[-", "-]") if p.op == "delete" else ("{+", "+}")
            out.append(f"{mark[0]}{core}{mark[1]}{tail}" if core else p.text)
    return "".join(out)


INSERT_COLOUR = "#0b5e1f"
DELETE_COLOUR = "#a4161a"


def diff_html(pieces: list[Piece]) -> str:
    """The diff as HTML for a text view, tracked-changes style and readable without colour:
    insertions underlined and marked "+", deletions struck through and marked "−"."""
    out = ["<p>"]
    for p in pieces:
        parts = p.text.split("\n")
        for n, part in enumerate(parts):
            if n:
                out.append("</p><p>")
            if not part:
                continue
            text = html.escape(part)
            if p.op == "equal":
                out.append(text)
            elif p.op == "insert":
                out.append(f'<span style="color:{INSERT_COLOUR}; text-decoration: underline; '
                           f'background-color:#e3f4e6" title="inserted">'
                           f'<sup>+</sup>{text}</span>')
            else:
                out.append(f'<span style="color:{DELETE_COLOUR}; text-decoration: line-through; '
                           f'background-color:#fbe4e4" title="deleted"><sup>−</sup>{text}</span>')
    out.append("</p>")
    return "".join(out).replace("<p></p>", "")


def format_text(changes: Changes, *, diffs: bool = False) -> str:
    """The changes as plain text for a terminal (``ragdesk changes``)."""
    lines = [f"Changes from {changes.since.label} to {changes.period.label}: "
             f"{len(changes.items)} items"]
    inspection = None
    for c in changes.items:
        if c.inspection != inspection:
            lines.extend(["", c.inspection])
            inspection = c.inspection
        what = ", ".join(CHANGE_LABELS.get(x, x).lower() for x in c.changed)
        lines.append(f"  {c.label:<10} {c.move:<22} {what}")
        if diffs:
            for n in c.narratives:
                lines.append(f"    {n.label}: " + diff_text(word_diff(n.before, n.after))
                             .replace("\n", "\n      "))
    return "\n".join(lines) + "\n"
