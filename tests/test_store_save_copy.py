"""Store.save_copy: a consistent copy through SQLite's backup API that opens as a ragdesk file."""

from __future__ import annotations

import pytest

from ragdesk.errors import FileProblem
from ragdesk.store import Store


def test_save_copy_opens_with_the_same_content(sample_store: Store, tmp_path) -> None:
    item = sample_store.items()[0]
    sample_store.update_item(item.id, lead="DCC <Smith> & co")
    target = tmp_path / "copy.db"
    sample_store.save_copy(target)
    with Store.open(target) as copy:
        assert copy.counts()["items"] == sample_store.counts()["items"]
        assert copy.item(item.id).lead == "DCC <Smith> & co"
        assert copy.integrity_check() == "ok"


def test_save_copy_refuses_to_overwrite_itself(sample_store: Store) -> None:
    with pytest.raises(FileProblem):
        sample_store.save_copy(sample_store.path)
    assert sample_store.integrity_check() == "ok"
