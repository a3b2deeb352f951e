"""The sample database is a faithful copy of the two seed documents; a full disk leaves no
half-built sample."""

from __future__ import annotations

from pathlib import Path

import pytest
from crash_support import fill, tiny_disk

from ragdesk import richtext
from ragdesk.cli import main
from ragdesk.domain import Dot, ItemKind
from ragdesk.store import Store

VETTING = "An inspection of vetting, misconduct and misogyny in the police"
SEED_000_AMBER = {("recommendation", "13"), ("recommendation", "16"), ("afi", "1"), ("afi", "2"),
                  ("afi", "3")}


def _items(store: Store, title_start: str):
    inspection = next(i for i in store.inspections() if i.title.startswith(title_start))
    return inspection, store.items(inspection.id)


def test_all_47_items_of_both_seeds(sample_store: Store) -> None:
    _, vetting = _items(sample_store, VETTING)
    _, peel = _items(sample_store, "PEEL")
    assert [i.number for i in vetting if i.kind is ItemKind.RECOMMENDATION] == [
        "2", "3", "4", "7", "8", "11", "13", "15", "16", "18", "20", "24", "25", "26", "28", "29",
        "32", "33", "34", "35", "36", "37", "38", "39", "40", "41", "42", "43"]
    assert [i.number for i in vetting if i.kind is ItemKind.AFI] == ["1", "2", "3", "4", "5"]
    assert [i.number for i in peel] == [str(n) for n in range(1, 15)]
    assert all(i.kind is ItemKind.AFI for i in peel)


def test_seed_000_ratings_follow_the_box_before_each_heading(sample_store: Store) -> None:
    _, vetting = _items(sample_store, VETTING)
    jul = sample_store.period_by_label("Jul 2023")
    for item in vetting:
        expected = "AMBER" if (item.kind.value, item.number) in SEED_000_AMBER else "GREEN"
        assert sample_store.assessment(item_id=item.id, period_id=jul.id).rag == expected, item.heading


def test_seed_000_keeps_bullets_tables_and_quotes(sample_store: Store) -> None:
    _, vetting = _items(sample_store, VETTING)
    by_number = {(i.kind.value, i.number): i for i in vetting}
    rec13 = by_number[("recommendation", "13")]
    assert "<ul><li>identify the required vetting level" in rec13.text
    assert rec13.deadline.date.isoformat() == "2023-10-31"
    jul = sample_store.period_by_label("Jul 2023")
    rec15 = sample_store.assessment(item_id=by_number[("recommendation", "15")].id, period_id=jul.id)
    assert "<table><tr><th>Status Text</th><th>Total by Status</th><th>% Total</th></tr>" in rec15.update
    assert "<i>" in sample_store.assessment(item_id=rec13.id, period_id=jul.id).update
    assert by_number[("recommendation", "29")].deadline.immediate


def test_seed_004_ratings_directions_and_fields(sample_store: Store) -> None:
    _, peel = _items(sample_store, "PEEL")
    jan, jun = sample_store.period_by_label("Jan 2024"), sample_store.period_by_label("Jun 2024")
    assert jun.meeting == "P&RSB 26 June 2024"
    directions = sample_store.directions(jun.id)
    ups = {i.number for i in peel if directions[i.id] is Dot.UP}
    assert ups == {"5", "10", "11"}
    assert all(directions[i.id] is Dot.SAME for i in peel if i.number not in ups)
    afi10 = next(i for i in peel if i.number == "10")
    assert (afi10.lead, afi10.status) == ("ACC Baldwin", "proposed_for_closure")
    assert sample_store.assessment(item_id=afi10.id, period_id=jan.id).rag == "AMBER"
    june = sample_store.assessment(item_id=afi10.id, period_id=jun.id)
    assert june.rag == "GREEN" and "Proposed and approved for Closure" in june.status_note
    assert richtext.to_plain(june.intent_and_implementation).startswith("• The force has made improvements")
    afi1 = next(i for i in peel if i.number == "1")
    assert (afi1.area, afi1.board, afi1.lead) == ("Prevention & Deterrence", "Local Policing Board", "ACC Mariner")
    assert sample_store.assessment(item_id=afi1.id, period_id=jun.id).status_note.startswith("Remains Amber")


def test_sample_is_searchable(sample_store: Store) -> None:
    assert len(sample_store.search("Pershore")) == 1
    assert sample_store.settings()["document_owner"] == "Claire Heath"


def test_full_disk_sample_leaves_no_half_file(tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    with tiny_disk(tmp_path / "usb", 512) as usb:
        fill(usb, 150_000)
        target = usb / "sample.db"
        assert main(["sample", str(target)]) == 1
        err = capsys.readouterr().err
        assert "full" in err and "Traceback" not in err
        assert sorted(p.name for p in usb.iterdir()) == ["filler"]
