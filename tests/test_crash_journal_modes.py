"""A writer killed mid-save, in each rollback-journal mode ragdesk may use (issue 16).

ragdesk writes with the rollback journal (never WAL: a network share has no
shared memory). Issue 16 measured DELETE against the persistent modes (TRUNCATE,
PERSIST) through a simulated share and kept DELETE (``dbfile.JOURNAL_MODE``); all
three stay proven here: a real process is killed (SIGKILL) in the middle of a big
save whose pages have already spilled into the file, and the next open puts
every committed byte back, whichever mode the writer used.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from crash_support import CTX

from ragdesk.errors import InterruptedSave
from ragdesk.store import Identity, Store


def _writer(path: str, mode: str, ready) -> None:
    from ragdesk import dbfile

    dbfile.JOURNAL_MODE = mode
    store = Store.open(path, identity=Identity("killed", "PC-0"))
    (actual,) = store.conn.execute("PRAGMA journal_mode").fetchone()
    assert actual == mode.lower()
    store.conn.execute("PRAGMA cache_size = 5")  # changed pages spill into the file at once
    with store.batch():
        for item in store.items():
            store.update_item(item.id, lead="never committed", text="<p>" + "lost " * 600 + "</p>")
        ready.set()
        time.sleep(120)  # killed here, inside the transaction


@pytest.mark.skipif(os.name == "nt", reason="SIGKILL")
@pytest.mark.parametrize("mode", ["DELETE", "TRUNCATE", "PERSIST"])
def test_a_writer_killed_mid_save_loses_nothing_committed(sample_path: Path, mode: str) -> None:
    with Store.open(sample_path) as store:
        item = store.items()[0]
        store.update_item(item.id, lead="committed before the crash")
        before = {i.id: (i.lead, i.text) for i in store.items()}
    ready = CTX.Event()
    writer = CTX.Process(target=_writer, args=(str(sample_path), mode, ready))
    writer.start()
    try:
        assert ready.wait(60), "the writer never got going"
        writer.kill()  # SIGKILL: no rollback, no cleanup
    finally:
        writer.join(30)
    journal = Path(f"{sample_path}-journal")
    assert journal.exists() and journal.stat().st_size > 0
    with pytest.raises(InterruptedSave):  # a read-only open says what happened...
        Store.open(sample_path, read_only=True)
    with Store.open(sample_path) as store:  # ...and a normal open recovers it
        assert {i.id: (i.lead, i.text) for i in store.items()} == before
        assert store.integrity_check() == "ok"
        saved = store.update_item(item.id, lead="saved after the crash")
        assert saved.lead == "saved after the crash"
