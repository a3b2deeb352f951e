"""The Store's search: words found in text fields and narratives (whatever the query
syntax), following deleted and restored periods; after ``Store.batch()`` it finds what the
batch saved and nothing a failed batch tried. (Since schema 5 the index is on this computer
and is caught up when searched, not by the writes: tests/test_search_index.py.)
"""

from __future__ import annotations

import pytest

from ragdesk.domain import ItemKind
from ragdesk.errors import InvalidValue
from ragdesk.store import Store


def test_a_batch_indexes_every_item_it_touched(empty_store: Store) -> None:
    store = empty_store
    inspection = store.add_inspection("PEEL 2025")
    period = store.add_period("Jun 2025")
    with store.batch():
        first = store.add_item(inspection.id, ItemKind.AFI, "1", text="<p>Quokka training</p>")
        second = store.add_item(inspection.id, ItemKind.AFI, "2", text="<p>Other</p>")
        store.save_assessment(item_id=second.id, period_id=period.id, rag="AMBER", update="<p>Wombat audit</p>")
        store.save_assessment(item_id=second.id, period_id=period.id, impact="<p>Numbat outcome</p>")
        gone = store.add_item(inspection.id, ItemKind.AFI, "3", text="<p>Quokka twin</p>")
        store.delete_item(gone.id)
    assert store.search("quokka") == [first.id]
    assert store.search("wombat") == [second.id] == store.search("numbat")


def test_a_failed_batch_leaves_the_index_as_it_was(empty_store: Store) -> None:
    store = empty_store
    inspection = store.add_inspection("PEEL 2025")
    item = store.add_item(inspection.id, ItemKind.AFI, "1", text="<p>Kept words</p>")
    with pytest.raises(InvalidValue), store.batch():
        store.update_item(item.id, text="<p>Replaced words</p>")
        store.update_item(item.id, deadline="never")
    assert store.search("kept") == [item.id] and store.search("replaced") == []
    store.update_item(item.id, text="<p>Replaced words</p>")  # outside a batch: at once
    assert store.search("replaced") == [item.id]


def test_a_batch_tells_listeners_everything_once(empty_store: Store) -> None:
    store = empty_store
    heard = []
    store.listeners.append(heard.append)
    inspection = store.add_inspection("PEEL 2025")
    period = store.add_period("Jun 2025")
    heard.clear()
    with store.batch():
        items = [store.add_item(inspection.id, ItemKind.AFI, str(n)).id for n in range(3)]
        for item_id in items:
            store.set_rag(item_id=item_id, period_id=period.id, rag="RED")
        store.set_setting("team", "CIT")
    assert len(heard) == 1
    change = heard[0]
    assert change.items == set(items) and change.inspections == {inspection.id}
    assert change.assessments == {(i, period.id) for i in items}
    assert change.structure and change.settings and not change.periods


def test_search_finds_words_in_text_fields_and_narratives_and_survives_syntax(one_item) -> None:
    store, inspection, item, period = one_item
    other = store.add_item(inspection.id, ItemKind.AFI, "4", text="<p>Repeat callers</p>", lead="ACC Nolan")
    store.save_assessment(item_id=item.id, period_id=period.id, update="<p>Operation Pershore &amp; vetting</p>")
    assert store.search("pershore") == [item.id]
    assert store.search("persh") == [item.id]
    assert store.search("nolan") == [other.id]
    for nasty in ['"', "AND OR NOT", "*", "(", "col:x", "^", "Łódź", ""]:
        store.search(nasty)  # must not raise


def test_search_follows_a_deleted_and_restored_period_whatever_the_formatting(one_item) -> None:
    """Words in bold inside a word, list items, table cells and escaped characters are found;
    deleting their period takes them out of the search, undoing it puts them back."""
    store, _inspection, item, period = one_item
    store.save_assessment(item_id=item.id, period_id=period.id, update=(
        "<p>Operation Bl<b>ue</b>bell &amp; Star Chamber</p><ul><li>dip sample</li><li>backlog</li></ul>"
        "<table><tr><td>Q1</td><td>wellbeing</td></tr></table>"))
    for words in ("bluebell", "star chamber", "dip sample", "backlog", "q1 wellbeing"):
        assert store.search(words) == [item.id], words
    assert store.search("q1wellbeing") == [] and store.search("uebell") == []  # cells stay apart
    deleted = store.delete_period(period.id)
    assert store.search("bluebell") == [] and store.search("wellbeing") == []
    store.restore(deleted)
    assert store.search("bluebell") == [item.id] == store.search("wellbeing")
