"""Hypothesis state machine over the store's operations: the invariants hold after any sequence.

Invariants checked after every step: positions of items (per inspection), inspections
and periods are 0..n-1; one assessment per item x period; the search index holds
exactly the live items and finds each by its number; the audit log only grows, and
every write adds to it; versions move by exactly one per saved update.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import hypothesis.strategies as st
import pytest
from hypothesis import HealthCheck, settings
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from ragdesk.errors import Conflict, InvalidValue, NotFound
from ragdesk.records import Deleted, Identity
from ragdesk.store import Store

texts = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)
rags = st.sampled_from(["RED", "AMBER", "GREEN", None])


class StoreMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="ragdesk-props-"))
        self.store = Store.create(self.folder / "p.db", identity=Identity("prop", "PC-P"))
        self.inspections = [self.store.add_inspection("A").id, self.store.add_inspection("B").id]
        self.store.add_period("P0")
        self.serial = 0
        self.numbers: dict[str, int] = {}  # every item number ever used -> its id
        self.deleted: list[Deleted] = []
        self.audit_count = len(self.store.audit_log())

    def teardown(self) -> None:
        self.store.close()
        shutil.rmtree(self.folder, ignore_errors=True)

    # -- helpers -------------------------------------------------------------------

    def items(self) -> list[int]:
        return [i.id for i in self.store.items()]

    def wrote(self) -> None:
        count = len(self.store.audit_log())
        assert count > self.audit_count, "a write left no audit entry"
        self.audit_count = count

    # -- operations ----------------------------------------------------------------

    @rule(which=st.integers(0, 1), text=texts, position=st.none() | st.integers(-2, 8))
    def add_item(self, which: int, text: str, position: int | None) -> None:
        self.serial += 1
        item = self.store.add_item(self.inspections[which], "afi", f"n{self.serial}x",
                                   text=text, position=position)
        self.numbers[item.number] = item.id
        self.wrote()

    @precondition(lambda self: self.store.counts()["items"] > 0)
    @rule(pick=st.integers(0, 1000), text=texts, stale=st.booleans())
    def update_item(self, pick: int, text: str, stale: bool) -> None:
        item = self.store.item(self.items()[pick % len(self.items())])
        expected = item.version - 1 if stale else item.version
        try:
            saved = self.store.update_item(item.id, expected_version=expected, lead=text)
        except Conflict as e:
            assert stale and e.current.version == item.version
            return
        assert not stale
        if saved.lead != item.lead:
            assert saved.version == item.version + 1
            self.wrote()
        else:
            assert saved.version == item.version

    @precondition(lambda self: self.store.counts()["items"] > 0)
    @rule(pick=st.integers(0, 1000))
    def delete_item(self, pick: int) -> None:
        self.deleted.append(self.store.delete_item(self.items()[pick % len(self.items())]))
        self.wrote()

    @precondition(lambda self: self.deleted)
    @rule()
    def restore_last(self) -> None:
        snapshot = self.deleted.pop()
        try:
            self.store.restore(snapshot)
        except InvalidValue:  # e.g. its period was deleted since: refused, nothing changed
            return
        self.wrote()

    @precondition(lambda self: self.store.counts()["items"] > 0)
    @rule(pick=st.integers(0, 1000), position=st.integers(-3, 10))
    def move_item(self, pick: int, position: int) -> None:
        item_id = self.items()[pick % len(self.items())]
        before = self.store.item(item_id).position
        self.store.move_item(item_id, position)
        if self.store.item(item_id).position != before:
            self.wrote()

    @precondition(lambda self: self.store.counts()["items"] > 0)
    @rule(pick=st.integers(0, 1000), period=st.integers(0, 10), rag=rags)
    def set_rag(self, pick: int, period: int, rag: str | None) -> None:
        periods = self.store.periods()
        item_id = self.items()[pick % len(self.items())]
        self.store.set_rag(item_id=item_id, period_id=periods[period % len(periods)].id, rag=rag)
        self.audit_count = len(self.store.audit_log())  # an unchanged rating writes nothing

    @rule(carry=st.booleans())
    def add_period(self, carry: bool) -> None:
        self.serial += 1
        self.store.add_period(f"P{self.serial}", carry_forward=carry)
        self.wrote()

    @precondition(lambda self: len(self.store.periods()) > 1)
    @rule(pick=st.integers(0, 10))
    def delete_period(self, pick: int) -> None:
        periods = self.store.periods()
        self.deleted.append(self.store.delete_period(periods[pick % len(periods)].id))
        self.wrote()

    @rule()
    def refuse_missing(self) -> None:
        with pytest.raises(NotFound):
            self.store.update_item(10**9, lead="x")

    # -- invariants ----------------------------------------------------------------

    @invariant()
    def positions_are_contiguous(self) -> None:
        for inspection_id in self.inspections:
            positions = [i.position for i in self.store.items(inspection_id)]
            assert positions == list(range(len(positions))), positions
        assert [p.position for p in self.store.periods()] == list(range(len(self.store.periods())))
        assert [i.position for i in self.store.inspections()] == [0, 1]

    @invariant()
    def one_assessment_per_item_and_period(self) -> None:
        pairs = [(a.item_id, a.period_id) for a in self.store.assessments()]
        assert len(pairs) == len(set(pairs))
        live = set(self.items())
        assert {item for item, _ in pairs} <= live

    @invariant()
    def search_index_matches_the_items(self) -> None:
        live = set(self.items())
        for number, item_id in self.numbers.items():  # found while it exists, never after
            assert (item_id in self.store.search(number)) == (item_id in live), number

    @invariant()
    def audit_only_grows(self) -> None:
        assert len(self.store.audit_log()) >= self.audit_count

    @invariant()
    def file_is_sound(self) -> None:
        assert self.store.integrity_check() == "ok"


StoreMachine.TestCase.settings = settings(
    max_examples=20, stateful_step_count=20, deadline=None,
    suppress_health_check=[HealthCheck.too_slow])
TestStoreOperations = StoreMachine.TestCase
