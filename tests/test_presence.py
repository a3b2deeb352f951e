"""The ``<file>.writer`` sidecar is untrusted: a link, a FIFO or odd content never hurts a save;
a stale guess of who holds the lock is dropped.

Issue 17, finding 4: the sidecar used to be written with a plain ``open(..., "w")``
while the write lock was held, so a symlink there made every save overwrite the
link's target, a FIFO blocked the save (and everyone waiting on the lock) forever,
and a timestamp without a time zone gave a traceback in the "locked" message.
"""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing as mp
import os
from pathlib import Path

import pytest

from ragdesk import presence
from ragdesk.records import Identity
from ragdesk.store import Store

CTX = mp.get_context("spawn")


def test_a_symlink_in_place_of_the_sidecar_is_never_followed(sample_store: Store,
                                                             tmp_path: Path) -> None:
    victim = tmp_path / "precious.txt"
    victim.write_text("do not touch")
    Path(presence.sidecar(sample_store.path)).symlink_to(victim)
    item = sample_store.items()[0]
    saved = sample_store.update_item(item.id, expected_version=item.version, lead="Insp. Shaw")
    assert saved.lead == "Insp. Shaw"  # the save itself went through
    assert victim.read_text() == "do not touch"
    assert presence.last_writer(sample_store.path) is None  # a link is not read either


def _save_once(path: str, results) -> None:
    store = Store.open(path, identity=Identity("dana", "PC-9"))
    item = store.items()[0]
    store.update_item(item.id, expected_version=item.version, lead="saved past the FIFO")
    store.close()
    results.put("saved")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_in_place_of_the_sidecar_never_blocks_a_save(sample_path: Path) -> None:
    os.mkfifo(presence.sidecar(str(sample_path)))
    results = CTX.Queue()
    worker = CTX.Process(target=_save_once, args=(str(sample_path), results))
    worker.start()
    try:
        assert results.get(timeout=60) == "saved"
    finally:
        worker.join(timeout=10)
        if worker.is_alive():  # the bug: blocked opening the FIFO for writing
            worker.kill()
            worker.join()
    assert worker.exitcode == 0
    assert presence.last_writer(str(sample_path)) is None  # reading it never blocks either
    with Store.open(sample_path) as store:
        assert store.items()[0].lead == "saved past the FIFO"


@pytest.mark.parametrize("content", [
    {"user": "eve", "host": "PC-1", "pid": 1, "at": "2026-12-01T10:00:00"},  # no time zone
    {"user": "eve", "host": "PC-1", "pid": 1, "at": "9999-12-31T23:59:59+14:00"},
    {"user": "eve", "host": "PC-1", "pid": "x", "at": "2026-12-01T10:00:00+00:00"},
    {"user": ["a"], "host": {"b": 1}, "pid": 1e300, "at": 5},
    ["not", "an", "object"],
    {"user": "\u202eevil\u0007" + "x" * 900, "host": "PC\n2", "pid": 1,
     "at": dt.datetime.now(dt.UTC).isoformat()},
])
def test_any_sidecar_content_gives_a_guess_or_nothing_never_a_traceback(tmp_path: Path,
                                                                        content) -> None:
    db = str(tmp_path / "x.db")
    Path(presence.sidecar(db)).write_text(json.dumps(content))
    sentence = presence.describe_holder(db)
    assert isinstance(sentence, str)
    assert "\u202e" not in sentence and "\u0007" not in sentence and "\n" not in sentence
    assert len(sentence) < 400
    if isinstance(content, dict) and "evil" in str(content["user"]):  # a fresh, readable guess
        assert "evil" in sentence and "PC 2" in sentence


def test_a_sidecar_that_cannot_be_written_never_stops_a_save(sample_store: Store) -> None:
    os.mkdir(presence.sidecar(sample_store.path))  # a folder where the sidecar should be
    item = sample_store.items()[0]
    assert sample_store.update_item(item.id, expected_version=item.version, lead="ok").lead == "ok"


def test_presence_guess_is_dropped_when_stale(tmp_path: Path) -> None:
    import datetime as dt

    db = str(tmp_path / "x.db")
    assert presence.describe_holder(db) == ""
    then = dt.datetime(2026, 1, 1, 9, 0, tzinfo=dt.UTC)
    presence.note_writer(db, "carol", "PC-3", now=then)
    assert "carol on PC-3" in presence.describe_holder(db, now=then + dt.timedelta(seconds=20))
    assert presence.describe_holder(db, now=then + dt.timedelta(hours=3)) == ""
    Path(presence.sidecar(db)).write_text("{garbage")
    assert presence.describe_holder(db) == ""
