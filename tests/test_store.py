"""The Store: what a user's actions do to the file, and what they may not do."""

from __future__ import annotations

import datetime as dt

import pytest

from ragdesk.domain import Deadline, Dot, ItemKind
from ragdesk.errors import Conflict, InvalidValue, NotFound, ReadOnly, TooLarge
from ragdesk.store import Change, Identity, Store


@pytest.fixture
def one_item(empty_store: Store):
    inspection = empty_store.add_inspection("An inspection of vetting", kind="thematic")
    item = empty_store.add_item(inspection.id, ItemKind.RECOMMENDATION, "13",
                                text="<p>By 31 October 2023, forces should act.</p>",
                                deadline="31/10/2023")
    period = empty_store.add_period("Jul 2023", date="2023-07-31")
    return empty_store, inspection, item, period


def test_fields_are_stored_and_read_back(one_item) -> None:
    store, inspection, item, _ = one_item
    assert item.deadline == Deadline(date=dt.date(2023, 10, 31))
    assert item.heading == "Recommendation 13"
    assert store.item_rows()[0].title == "Act."
    store.update_item(item.id, lead="ACC Baldwin", board="P&RSB", review_date="30.06.24",
                      deadline="With immediate effect", status="Proposed for closure")
    again = store.item(item.id)
    assert (again.lead, again.board, again.review_date) == ("ACC Baldwin", "P&RSB", dt.date(2024, 6, 30))
    assert again.deadline.immediate and again.status == "proposed_for_closure"
    assert again.version == item.version + 1 and again.updated_by == "tester"


def test_bad_values_are_refused_with_a_message_and_change_nothing(one_item) -> None:
    store, _, item, period = one_item
    with pytest.raises(InvalidValue, match="not a date"):
        store.update_item(item.id, deadline="31/02/2023")
    with pytest.raises(InvalidValue, match="not a status"):
        store.update_item(item.id, status="sort of done")
    with pytest.raises(InvalidValue, match="not a rating"):
        store.save_assessment(item.id, period.id, rag="PURPLE")
    with pytest.raises(InvalidValue, match="direction of travel"):
        store.save_assessment(item.id, period.id, dot="up")
    assert store.item(item.id) == item
    assert store.assessment(item.id, period.id) is None


def test_a_stale_save_is_refused_and_carries_the_current_record(one_item) -> None:
    store, _, item, period = one_item
    other = Store.open(store.path, identity=Identity(user="colleague", host="laptop-2"))
    other.update_item(item.id, expected_version=item.version, lead="ACC Nolan")
    with pytest.raises(Conflict) as caught:
        store.update_item(item.id, expected_version=item.version, lead="ACC Baldwin")
    assert caught.value.current.lead == "ACC Nolan"
    assert "colleague" in str(caught.value)
    assert store.item(item.id).lead == "ACC Nolan"

    first = other.save_assessment(item.id, period.id, expected_version=0, update="<p>theirs</p>")
    with pytest.raises(Conflict):
        store.save_assessment(item.id, period.id, expected_version=0, update="<p>mine</p>")
    store.save_assessment(item.id, period.id, expected_version=first.version, update="<p>merged</p>")
    assert other.assessment(item.id, period.id).update == "<p>merged</p>"
    other.close()


def test_editing_a_deleted_item_says_so(one_item) -> None:
    store, _, item, _ = one_item
    store.delete_item(item.id)
    with pytest.raises(NotFound, match="no longer exists"):
        store.update_item(item.id, lead="x")


def test_delete_and_restore_put_back_the_same_rows(one_item) -> None:
    store, inspection, item, period = one_item
    store.save_assessment(item.id, period.id, rag="AMBER", update="<p>Work is ongoing</p>")
    store.add_evidence(item.id, "minute.txt", b"board minute", note="P&RSB")
    before = (store.item(item.id), store.assessments(item_id=item.id), store.evidence(item.id))
    deleted = store.delete_inspection(inspection.id)
    assert store.counts()["items"] == 0 and store.search("ongoing") == []
    store.restore(deleted)
    assert (store.item(item.id), store.assessments(item_id=item.id), store.evidence(item.id)) == before
    assert store.evidence_data(store.evidence(item.id)[0].id) == b"board minute"
    assert store.search("ongoing") == [item.id]


def test_search_finds_words_in_text_fields_and_narratives_and_survives_syntax(one_item) -> None:
    store, inspection, item, period = one_item
    other = store.add_item(inspection.id, ItemKind.AFI, "4", text="<p>Repeat callers</p>", lead="ACC Nolan")
    store.save_assessment(item.id, period.id, update="<p>Operation Pershore &amp; vetting</p>")
    assert store.search("pershore") == [item.id]
    assert store.search("persh") == [item.id]
    assert store.search("nolan") == [other.id]
    for nasty in ['"', "AND OR NOT", "*", "(", "col:x", "^", "Łódź", ""]:
        store.search(nasty)  # must not raise


def test_search_follows_a_deleted_and_restored_period_whatever_the_formatting(one_item) -> None:
    """Words in bold inside a word, list items, table cells and escaped characters are found;
    deleting their period takes them out of the search, undoing it puts them back."""
    store, _inspection, item, period = one_item
    store.save_assessment(item.id, period.id, update=(
        "<p>Operation Bl<b>ue</b>bell &amp; Star Chamber</p><ul><li>dip sample</li><li>backlog</li></ul>"
        "<table><tr><td>Q1</td><td>wellbeing</td></tr></table>"))
    for words in ("bluebell", "star chamber", "dip sample", "backlog", "q1 wellbeing"):
        assert store.search(words) == [item.id], words
    assert store.search("q1wellbeing") == [] and store.search("uebell") == []  # cells stay apart
    deleted = store.delete_period(period.id)
    assert store.search("bluebell") == [] and store.search("wellbeing") == []
    store.restore(deleted)
    assert store.search("bluebell") == [item.id] == store.search("wellbeing")


def test_direction_of_travel_is_derived_and_can_be_overridden(one_item) -> None:
    store, _, item, jul = one_item
    store.set_rag(item.id, jul.id, "AMBER")
    jan = store.add_period("Jan 2024")
    jun = store.add_period("Jun 2024")
    store.set_rag(item.id, jan.id, "GREEN")
    store.set_rag(item.id, jun.id, "GREEN")
    assert store.directions(jul.id) == {item.id: None}
    assert store.directions(jan.id, [item.id]) == {item.id: Dot.UP}
    assert store.directions(jun.id, [item.id]) == {item.id: Dot.SAME}
    store.save_assessment(item.id, jun.id, dot="-")
    assert store.directions(jun.id) == {item.id: Dot.DOWN}


def test_new_period_carries_the_last_rating_forward_as_a_draft(one_item) -> None:
    store, _, item, jul = one_item
    store.save_assessment(item.id, jul.id, rag="AMBER", update="<p>Progress</p>")
    jan = store.add_period("Jan 2024", meeting="P&RSB 26 June 2024")
    carried = store.assessment(item.id, jan.id)
    assert (carried.rag, carried.update, carried.draft) == ("AMBER", "<p>Progress</p>", True)
    assert store.set_rag(item.id, jan.id, "GREEN").draft is False
    with pytest.raises(InvalidValue, match="already"):
        store.add_period("Jan 2024")


def test_moving_and_duplicating_items_keeps_order(empty_store: Store) -> None:
    inspection = empty_store.add_inspection("PEEL")
    ids = [empty_store.add_item(inspection.id, "afi", str(n)).id for n in range(1, 5)]
    empty_store.move_item(ids[3], 0)
    assert [i.number for i in empty_store.items(inspection.id)] == ["4", "1", "2", "3"]
    copy = empty_store.duplicate_item(ids[0])
    assert [i.id for i in empty_store.items(inspection.id)][:3] == [ids[3], ids[0], copy.id]


def test_every_change_is_audited_with_who_and_when(one_item) -> None:
    store, _, item, period = one_item
    store.update_item(item.id, lead="ACC Baldwin")
    store.set_rag(item.id, period.id, "RED")
    store.set_rag(item.id, period.id, "AMBER")
    history = store.item_history(item.id)
    assert [(e.field, e.old, e.new) for e in history][-3:] == [
        ("lead", "", "ACC Baldwin"), ("rag", None, "RED"), ("rag", "RED", "AMBER")]
    assert all(e.user == "tester" and e.host == "test-host" and e.at for e in history)
    with pytest.raises(Exception, match="audit log cannot be changed"):
        store.conn.execute("DELETE FROM audit")


def test_listeners_hear_what_changed(one_item) -> None:
    store, _, item, period = one_item
    heard: list[Change] = []
    store.listeners.append(heard.append)
    store.set_rag(item.id, period.id, "GREEN")
    assert heard[-1].assessments == {(item.id, period.id)}
    with store.batch():
        store.update_item(item.id, lead="a")
        store.update_item(item.id, board="b")
    assert heard[-1].items == {item.id} and len(heard) == 2


def test_a_failed_batch_saves_nothing(one_item) -> None:
    store, _, item, _ = one_item
    with pytest.raises(InvalidValue), store.batch():
        store.update_item(item.id, lead="kept?")
        store.update_item(item.id, deadline="never")
    assert store.item(item.id).lead == ""


def test_evidence_over_the_limit_is_refused_clearly(one_item) -> None:
    store, _, item, _ = one_item
    store.set_setting("evidence_limit_mb", "0.001")
    with pytest.raises(TooLarge, match="at most"):
        store.add_evidence(item.id, "big.pdf", b"x" * 2000)
    assert store.evidence(item.id) == []


def test_read_only_store_refuses_writes_clearly(one_item) -> None:
    store, _, item, _ = one_item
    viewer = Store.open(store.path, read_only=True)
    assert viewer.item(item.id) == item
    with pytest.raises(ReadOnly, match="read-only"):
        viewer.update_item(item.id, lead="x")
    viewer.close()


def test_huge_and_unicode_text_is_stored(one_item) -> None:
    store, _, item, period = one_item
    text = "<p>" + ("Zoë – “quoted” Łódź Ελληνικά Кириллица 中文 &amp; &lt;b&gt; " * 20000) + "</p>"
    saved = store.save_assessment(item.id, period.id, update=text)
    assert saved.update == text
    assert store.search("Кириллица") == [item.id]


def test_tree_titles_drop_the_shared_preamble() -> None:
    from ragdesk.domain import short_title

    assert short_title("By 30 April 2023, chief constables should make sure that: all officers "
                       "are made aware; and more") == "All officers are made aware"
    assert short_title("The force needs to make sure that repeat callers are routinely identified"
                       ) == "Repeat callers are routinely identified"
    assert short_title("x" * 200).endswith("…") and len(short_title("x" * 200)) == 90


def test_an_evidence_note_can_be_changed_and_its_history_kept(one_item) -> None:
    store, _inspection, item, _period = one_item
    evidence = store.add_evidence(item.id, "minute.txt", b"board minute", note="P&RSB")
    heard: list = []
    store.listeners.append(heard.append)
    changed = store.set_evidence_note(evidence.id, "  Star Chamber <minute> & closure \u2013 agreed  ")
    assert changed.note == "Star Chamber <minute> & closure \u2013 agreed"
    assert store.evidence_data(evidence.id) == b"board minute"  # the file itself is untouched
    assert [(e.old, e.new) for e in store.audit_log("evidence", evidence.id) if e.field == "note"] == [
        ("P&RSB", "Star Chamber <minute> & closure \u2013 agreed")]
    assert heard and item.id in heard[-1].evidence_of
    store.set_evidence_note(evidence.id, changed.note)  # the same note again: nothing to record
    assert len([e for e in store.audit_log("evidence", evidence.id) if e.field == "note"]) == 1
    store.remove_evidence(evidence.id)
    with pytest.raises(NotFound, match="removed"):
        store.set_evidence_note(evidence.id, "too late")
