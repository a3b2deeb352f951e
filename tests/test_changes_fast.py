"""The fast "what changed" comparison gives exactly what a straightforward one gives.

:func:`ragdesk.changes.compare_periods` lets SQLite compare the narratives and skips
carried-forward drafts that still refer to the texts they carry. The reference here
is the plain version it replaced: read both periods' assessments whole (texts resolved
through ``assessments_resolved``) and compare them item by item in Python. Both run
on the sample and on generated data with random edits: ratings, hand-set directions,
narratives (words and formatting only), carried drafts left alone or edited, periods
carried from carried periods, assessments deleted (items "new" again or compared with
an older period), items added and closed.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import random
import sys
from collections import Counter
from pathlib import Path

import pytest

from ragdesk import changes
from ragdesk.changes import (
    NARRATIVES,
    Changes,
    ItemChange,
    NarrativeChange,
    _closed_between,
    _dot,
    _plain,
    _texts,
    _words,
    compare_periods,
    item_changes,
)
from ragdesk.domain import Assessment
from ragdesk.records import Identity
from ragdesk.store import Store

GENERATE = Path(__file__).resolve().parents[1] / "benchmarks" / "generate.py"


def reference_compare(store: Store, since_id: int, period_id: int, *,
                      inspection_id: int | None = None,
                      item_ids: set[int] | None = None) -> Changes:
    """What ``compare_periods`` must return, computed the plain way."""
    since, period = store.period(since_id), store.period(period_id)
    inspections = {i.id: i.title for i in store.inspections()}
    rows = [r for r in store.item_rows(item_ids=item_ids)
            if inspection_id is None or r.inspection_id == inspection_id]
    wanted = {r.id for r in rows}
    before = {a.item_id: a for a in store.assessments(period_id=since.id)}
    after = {a.item_id: a for a in store.assessments(period_id=period.id)}
    dirs_before = store.directions(since.id)
    dirs_after = store.directions(period.id)
    # not reported in ``since``: compared with the latest earlier assessment, if any
    ever_before: set[int] = set(before)
    earlier = [p for p in store.periods() if p.position < since.position]
    for item_id in [i for i in after if i in wanted and i not in before]:
        for p in reversed(earlier):
            last = store.assessment(item_id=item_id, period_id=p.id)
            if last is not None:
                ever_before.add(item_id)
                before[item_id] = last
                break
    closed = _closed_between(store, since, period, {r.id: r.status for r in rows})
    small = len(rows) <= changes.WORD_COMPARE_LIMIT
    found: list[ItemChange] = []
    for r in rows:
        old: Assessment | None = before.get(r.id)
        new: Assessment | None = after.get(r.id)
        if new is None and r.id not in closed:
            continue
        changed: list[str] = []
        if new is not None and r.id not in ever_before:
            changed.append("new")
        if r.id in closed:
            changed.append("closed")
        rag_before, rag_after = (old.rag if old else None), (new.rag if new else None)
        if rag_before != rag_after and "new" not in changed:
            changed.append("rag")
        d_before, d_after = dirs_before.get(r.id), dirs_after.get(r.id)
        if new is not None and new.dot is not None and d_before != d_after:
            changed.append("direction")
        narratives = []
        for (_attr, name, label), was, now in zip(NARRATIVES, _texts(old), _texts(new), strict=True):
            if was == now or (small and _words(was) == _words(now)):
                continue
            narratives.append(NarrativeChange(name, label, was, now))
            changed.append(name)
        if r.id in closed and "status" not in changed:
            changed.insert(changed.index("closed") + 1, "status")
        if changed:
            found.append(ItemChange(
                item_id=r.id, inspection_id=r.inspection_id,
                inspection=inspections.get(r.inspection_id, ""), kind=r.kind, number=r.number,
                title=r.title, rag_before=rag_before, rag_after=rag_after,
                direction_before=_dot(d_before), direction_after=_dot(d_after), status=r.status,
                status_note=_plain(new.status_note) if new else "", changed=tuple(changed),
                narratives=tuple(narratives)))
    return Changes(since, period, found)


def _generated(path: Path) -> Store:
    spec = importlib.util.spec_from_file_location("bench_generate_changes_fast", GENERATE)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    module.generate(str(path), items=60, inspections=4, periods=5, seed=7).close()
    return Store.open(path, identity=Identity(user="tester", host="test-host"))


def _edit_randomly(store: Store, rng: random.Random) -> None:
    """Everything a unit does between two boards, at random (seeded)."""
    periods = store.periods()
    last_date = max((p.date for p in periods if p.date), default=dt.date(2026, 1, 1))
    items = [i.id for i in store.items()]
    # a board's worth of drafts carried forward, then one carried from those (never edited)
    for n in (1, 2):
        store.add_period(f"Gen {n}", date=last_date + dt.timedelta(days=91 * n))
    periods = store.periods()
    for period in periods[-3:]:
        for item_id in rng.sample(items, len(items) // 2):
            old = store.assessment(item_id=item_id, period_id=period.id)
            fields: dict[str, object] = {}
            for _ in range(rng.randint(1, 3)):
                what = rng.choice(["rag", "dot", "update", "format", "same", "note", "intent",
                                   "impact"])
                if what == "rag":
                    fields["rag"] = rng.choice(["RED", "AMBER", "GREEN", "BLUE", None])
                elif what == "dot":
                    fields["dot"] = rng.choice(["=", "+", "-", None])
                elif what == "update":
                    fields["update"] = (old.update if old else "") + \
                        f"<p>Progress {rng.randint(1, 99)} &amp; more.</p>"
                elif what == "format" and old and old.update.startswith("<p>"):
                    fields["update"] = "<p><b>" + old.update[3:].replace("</p>", "</b></p>", 1)
                elif what == "same" and old:
                    fields["intent_and_implementation"] = old.intent_and_implementation
                elif what == "note":
                    fields["status_note"] = rng.choice(["On track", "Delayed", "", "Done <b>x</b>"])
                elif what == "intent":
                    fields["intent_and_implementation"] = f"<p>Plan {rng.randint(1, 9)}</p>"
                elif what == "impact":
                    fields["impact"] = rng.choice(["", "<p>Fewer repeat victims.</p>"])
            store.save_assessment(item_id=item_id, period_id=period.id, draft=rng.random() < 0.3, **fields)
    # not reported in some periods: compared with an older period, or new again
    for period in periods[1:-1]:
        for item_id in rng.sample(items, 4):
            store.delete_assessment(item_id=item_id, period_id=period.id)
    for item_id in rng.sample(items, 3):
        for period in periods[:-1]:
            store.delete_assessment(item_id=item_id, period_id=period.id)
    # closed (some without a word in the last period), and a newcomer
    for item_id in rng.sample(items, 6):
        store.update_item(item_id, status=rng.choice(["closed", "verified_closed"]))
        if rng.random() < 0.5:
            store.delete_assessment(item_id=item_id, period_id=periods[-1].id)
    inspection = store.inspections()[0]
    newcomer = store.add_item(inspection.id, "afi", "999", text="<p>New</p>")
    store.save_assessment(item_id=newcomer.id, period_id=periods[-1].id, rag="AMBER", update="<p>Started.</p>")
    blank = store.add_item(inspection.id, "afi", "998", text="<p>Not yet rated</p>")
    store.save_assessment(item_id=blank.id, period_id=periods[-1].id, draft=True)  # new, but nothing in it yet
    # a board where only some directions were set by hand, nothing else touched
    hand_set = store.add_period("Gen 3", date=last_date + dt.timedelta(days=91 * 3))
    for item_id, dot in zip(rng.sample(items, 4), "+-+-", strict=True):
        store.save_assessment(item_id=item_id, period_id=hand_set.id, dot=dot, draft=True)


def _every_comparison(store: Store) -> list[tuple[Changes, Changes]]:
    periods = store.periods()
    out = []
    for n, since in enumerate(periods):
        for period in periods[n + 1:]:
            out.append((compare_periods(store, since.id, period.id),
                        reference_compare(store, since.id, period.id)))
    last, before = periods[-1], periods[-2]
    for inspection in store.inspections():
        out.append((compare_periods(store, before.id, last.id, inspection_id=inspection.id),
                    reference_compare(store, before.id, last.id, inspection_id=inspection.id)))
    return out


@pytest.mark.parametrize(("word_limit", "few"), [(changes.WORD_COMPARE_LIMIT, changes._FEW), (0, 0)],
                         ids=["few items: words compared, some directions read",
                              "many items: stored text compared, every direction read"])
def test_fast_comparison_matches_the_reference_on_edited_generated_data(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, word_limit: int, few: int) -> None:
    monkeypatch.setattr(changes, "WORD_COMPARE_LIMIT", word_limit)
    monkeypatch.setattr(changes, "_FEW", few)
    store = _generated(tmp_path / "gen.db")
    try:
        _edit_randomly(store, random.Random(15))
        carried = store.conn.execute(
            "SELECT COUNT(*) FROM assessments WHERE carried_from IS NOT NULL").fetchone()[0]
        assert carried > 20  # untouched carried drafts are part of what is compared
        kinds: Counter[str] = Counter()
        for fast, reference in _every_comparison(store):
            assert fast == reference
            kinds.update(k for c in fast.items for k in c.changed)
            kinds.update("only " + c.changed[0] for c in fast.items if len(c.changed) == 1)
        assert {"new", "closed", "rag", "direction", "status", "update",
                "intent_and_implementation", "impact", "only direction"} <= set(kinds)
        # one item at a time (the editor's "Compare periods" and the history dock)
        periods = store.periods()
        for item in store.items()[:25]:
            for since, period in ((periods[-2], periods[-1]), (periods[0], periods[-1]),
                                  (periods[-4], periods[-2])):
                expected = reference_compare(store, since.id, period.id, item_ids={item.id})
                one = item_changes(store, item.id, since.id, period.id)
                assert one == (expected.items[0] if expected.items else None)
    finally:
        store.close()


def test_fast_comparison_matches_the_reference_on_the_sample(sample_store: Store) -> None:
    peel = next(i for i in sample_store.inspections() if i.title.startswith("PEEL"))
    dec = sample_store.add_period("Dec 2024", date="2024-12-31")  # every draft carried
    afi = sample_store.items(peel.id)[0]
    sample_store.save_assessment(item_id=afi.id, period_id=dec.id, rag="GREEN", draft=True)  # edited, texts kept
    for fast, reference in _every_comparison(sample_store):
        assert fast == reference
    untouched = compare_periods(sample_store, sample_store.period_by_label("Jun 2024").id, dec.id)
    assert [c.item_id for c in untouched.items] == [afi.id]
    assert untouched.items[0].changed == ("rag",)
