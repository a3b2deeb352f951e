"""Several processes sharing one file: no lost update, every conflict detected, file sound.

Each test runs real OS processes against one file (as laptops on a shared drive
do), in bounded loops that take a second or two. Workers report what they
committed through a queue; the parent then checks the file against those reports.
Children are started with multiprocessing "spawn", never fork: a forked child
would share the parent's SQLite connections and its QApplication.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import time
from pathlib import Path

import pytest

from ragdesk import dbfile
from ragdesk.errors import Conflict, Locked
from ragdesk.records import Identity
from ragdesk.store import Store

CTX = mp.get_context("spawn")
WORKERS = 4


def _open(path: str, n: int) -> Store:
    return Store.open(path, identity=Identity(user=f"user{n}", host=f"PC-{n}"))


# --------------------------------------------------------------------------- racing on one record


def _run_workers(target, results, arguments: list[tuple]) -> list:
    """Start one process per argument tuple, collect one report from each, check they exited 0."""
    procs = [CTX.Process(target=target, args=args) for args in arguments]
    for p in procs:
        p.start()
    reports = [results.get(timeout=60) for _ in procs]
    for p in procs:
        p.join(timeout=30)
        assert p.exitcode == 0
    return reports


def _race_worker(path: str, n: int, item_id: int, rounds: int, barrier, results) -> None:
    """Every round all workers read the same version, then all try to save: one may win."""
    store = _open(path, n)
    committed, conflicts = [], 0
    for r in range(rounds):
        version = store.item(item_id).version
        barrier.wait()
        try:
            saved = store.update_item(item_id, expected_version=version, area=f"w{n}-r{r}")
            committed.append((saved.version, f"w{n}-r{r}"))
        except Conflict as e:
            assert e.current is not None and e.current.version > version
            conflicts += 1
        barrier.wait()
    store.close()
    results.put((n, committed, conflicts))


def test_simultaneous_saves_one_wins_every_loser_gets_a_conflict(sample_path: Path) -> None:
    rounds = 15
    with Store.open(sample_path) as store:
        item = store.items()[0]
    barrier, results = CTX.Barrier(WORKERS), CTX.Queue()
    reports = _run_workers(_race_worker, results,
                           [(str(sample_path), n, item.id, rounds, barrier, results)
                            for n in range(WORKERS)])
    committed = [c for _, cs, _ in reports for c in cs]
    conflicts = sum(k for _, _, k in reports)
    # exactly one save per round won; every other one was refused, none silently lost
    assert len(committed) == rounds
    assert conflicts == rounds * (WORKERS - 1)
    versions = sorted(v for v, _ in committed)
    assert versions == list(range(item.version + 1, item.version + 1 + rounds))
    with Store.open(sample_path) as store:
        final = store.item(item.id)
        assert final.version == item.version + rounds
        assert final.area == max(committed)[1]
        trail = [e.new for e in store.audit_log("item", item.id) if e.field == "area"]
        assert sorted(trail) == sorted(value for _, value in committed)  # every win is traced
        assert store.integrity_check() == "ok"


# --------------------------------------------------------------------------- both keep their words


def _append_worker(path: str, n: int, item_id: int, period_id: int, words: int, results) -> None:
    """Append words to a narrative; on a conflict merge (re-read, add mine) and save again."""
    store = _open(path, n)
    conflicts = 0
    for i in range(words):
        word = f"word-{n}-{i}"
        while True:
            current = store.assessment(item_id=item_id, period_id=period_id)
            base = current.version if current else 0
            text = (current.status_note if current else "") + f" {word}"
            try:
                store.save_assessment(item_id=item_id, period_id=period_id, expected_version=base, status_note=text)
                break
            except Conflict:
                conflicts += 1
    store.close()
    results.put((n, conflicts))


def test_two_people_editing_the_same_recommendation_both_keep_their_words(sample_path: Path) -> None:
    words = 25
    with Store.open(sample_path) as store:
        item = store.items()[3]
        period = store.periods()[-1]
    results = CTX.Queue()
    reports = _run_workers(_append_worker, results,
                           [(str(sample_path), n, item.id, period.id, words, results)
                            for n in range(WORKERS)])
    with Store.open(sample_path) as store:
        note = store.assessment(item_id=item.id, period_id=period.id).status_note
        found = note.split()
        expected = {f"word-{n}-{i}" for n in range(WORKERS) for i in range(words)}
        assert expected <= set(found)  # nobody's word was lost
        assert len([w for w in found if w.startswith("word-")]) == WORKERS * words  # none twice
        assert store.integrity_check() == "ok"
        users = {e.user for e in store.audit_log("assessment")}
        assert {f"user{n}" for n in range(WORKERS)} <= users
    print(f"conflicts detected and merged: {sum(c for _, c in reports)} "
          f"for {WORKERS * words} saves")


# --------------------------------------------------------------------------- kill -9 mid-write


BATCH = 20
# Where each round's writer is killed: (batch, point). A number is the items added inside
# that batch's open transaction; "committed" is after its commit returned but before it was
# logged; "logged" after it was logged, before the next batch began.
KILL_POINTS: list[tuple[int, int | str]] = [
    (0, 1), (0, BATCH - 1), (0, "committed"), (0, "logged"), (1, 10), (1, "committed"),
    (2, 5), (2, "logged"), (3, 15), (3, "committed"), (4, 0), (5, 19),
]


def _kill_worker(path: str, log_path: str, tag: str, inspection_id: int,
                 stop_batch: int, stop_at: int | str, reached) -> None:
    """Write batches of BATCH items, logging each after its commit returned; at ``stop_at``
    in batch ``stop_batch`` tell the parent (``reached``) and wait there to be killed."""
    store = _open(path, 9)
    store.conn.execute("PRAGMA cache_size = 5")  # changed pages spill into the file mid-batch

    def halt() -> None:
        reached.set()
        time.sleep(120)  # killed here

    with open(log_path, "a", encoding="utf-8") as log:
        for b in range(stop_batch + 1):
            with store.batch():
                for i in range(BATCH):
                    if b == stop_batch and stop_at == i:
                        halt()
                    store.add_item(inspection_id, "afi", f"{tag}-{b}-{i}", text=f"<p>{tag} {b}</p>")
            if b == stop_batch and stop_at == "committed":
                halt()
            log.write(f"{tag}-{b}\n")
            log.flush()
            os.fsync(log.fileno())
        halt()  # "logged"


@pytest.mark.skipif(os.name == "nt", reason="SIGKILL")
def test_kill_9_during_writes_loses_nothing_committed(sample_path: Path, tmp_path: Path) -> None:
    log_path = tmp_path / "committed.log"
    log_path.touch()
    with Store.open(sample_path) as store:
        inspection_id = store.inspections()[0].id
    mid_transaction = 0
    for r, (stop_batch, stop_at) in enumerate(KILL_POINTS):
        reached = CTX.Event()
        proc = CTX.Process(target=_kill_worker,
                           args=(str(sample_path), str(log_path), f"k{r}", inspection_id,
                                 stop_batch, stop_at, reached))
        proc.start()
        try:
            assert reached.wait(60), f"round {r}: the writer never reached {stop_at}"
            proc.kill()  # SIGKILL: no rollback, no cleanup
        finally:
            proc.join(30)
        assert proc.exitcode == -9
        hot = Path(f"{sample_path}-journal").exists()
        assert hot == (isinstance(stop_at, int) and stop_at > 0), (r, stop_at)  # iff killed mid-write
        mid_transaction += hot
    with Store.open(sample_path) as store:
        assert store.integrity_check() == "ok"
        numbers = [i.number for i in store.items()]
        committed = log_path.read_text().split()
        expected_logged = [f"k{r}-{b}" for r, (stop_batch, stop_at) in enumerate(KILL_POINTS)
                           for b in range(stop_batch + (stop_at == "logged"))]
        assert committed == expected_logged
        batches: dict[str, int] = {}
        for n in numbers:
            if n.startswith("k"):
                batch = n.rsplit("-", 1)[0]
                batches[batch] = batches.get(batch, 0) + 1
        # every logged batch is whole, a batch killed after its commit too, none killed
        # inside its transaction left a single item: all-or-nothing
        killed_committed = [f"k{r}-{b}" for r, (b, stop_at) in enumerate(KILL_POINTS)
                            if stop_at == "committed"]
        assert batches == dict.fromkeys(expected_logged + killed_committed, BATCH)
        positions = [i.position for i in store.items(inspection_id)]
        assert positions == list(range(len(positions)))
    print(f"{len(KILL_POINTS)} kill -9 rounds ({mid_transaction} mid-transaction, hot journal "
          f"rolled back), {len(committed)} logged batches, {len(batches)} in the file")


# --------------------------------------------------------------------------- locked for too long


def _lock_holder(path: str, ready, release) -> None:
    store = Store.open(path, identity=Identity(user="alice", host="PC-7"))
    with store.batch():
        store.set_setting("team", "holding the lock")
        ready.set()
        release.wait(30)
    store.close()


def test_file_locked_longer_than_the_timeout_says_so_and_names_the_holder(
        sample_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(dbfile, "BUSY_TIMEOUT_MS", 300)
    mine = Store.open(sample_path, identity=Identity(user="bob", host="PC-2"))
    ready, release = CTX.Event(), CTX.Event()
    holder = CTX.Process(target=_lock_holder, args=(str(sample_path), ready, release))
    holder.start()
    try:
        assert ready.wait(20)
        item = mine.items()[0]
        with pytest.raises(Locked) as caught:
            mine.update_item(item.id, expected_version=item.version, lead="DCI Bob")
        message = str(caught.value)
        assert "locked" in message and "not saved" in message
        assert "probably alice on PC-7" in message
        assert mine.item(item.id).lead == item.lead  # nothing half-written
    finally:
        release.set()
        holder.join(timeout=30)
    # once released, the very same save goes through
    saved = mine.update_item(item.id, expected_version=item.version, lead="DCI Bob")
    assert saved.lead == "DCI Bob"
    mine.close()


