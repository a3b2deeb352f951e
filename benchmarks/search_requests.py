"""What a search costs on a shared drive now that its index is on this computer (issue 16).

``python benchmarks/search_requests.py FILE [--rtt 0] [--slowshare PATH]``

Mounts a copy of FILE in ``slowshare`` (every file request counted; at 0 ms the counts
do not depend on the round trip) and, through the ``Store`` as the window uses it,
counts the requests and times:

* ``first search (index made)``: no local index yet: every item and narrative is
  read once through the share (what "Preparing search… N %" covers);
* ``search, nothing changed``: the index is up to date: one read of the file's change
  counter;
* ``search after a colleague's save``: another connection saved a narrative; the
  audit rows since the index's mark name the item, only it is read again;
* ``search after a colleague's rating``: a save changing no searchable word;
* ``a narrative save`` by this connection, for comparison (no index work at all).

The Store's own open is counted first (it includes the schema 5 migration when FILE
is a version 4 file: the search table dropped). Also the local index's size. The index lives in a fresh temporary
``RAGDESK_CACHE_DIR``. Not part of ``run.py``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from shared_drive import SLOWSHARE, Share, measure  # noqa: E402

from ragdesk.store import Identity, Store  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path)
    parser.add_argument("--rtt", type=float, default=0.0)
    parser.add_argument("--slowshare", type=Path, default=SLOWSHARE)
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="ragdesk-search-"))
    os.environ["RAGDESK_CACHE_DIR"] = str(work / "cache")
    source, mount = work / "server", work / "mnt"
    source.mkdir()
    shutil.copyfile(args.file, source / "unit.db")
    share = Share(args.slowshare, source, mount, args.rtt)
    rows: list[tuple[str, int, float]] = []
    try:
        path = mount / "unit.db"
        opened: list[Store] = []
        requests, seconds = measure(share, lambda: opened.append(
            Store.open(path, identity=Identity("me", "PC-1"), quick_check=False)))
        mine = opened[0]
        rows.append(("open the store" + (f" (migrates from version {mine.migrated_from})"
                                          if mine.migrated_from is not None else ""),
                     requests, seconds))
        other = Store.open(path, identity=Identity("colleague", "PC-2"), quick_check=False)
        items = [r.id for r in mine.item_rows()]
        period = mine.periods()[-1].id
        mine.others_changed()

        def record(name: str, action: Callable[[], object]) -> None:
            requests, seconds = measure(share, action)
            rows.append((name, requests, seconds))

        record("first search (index made)", lambda: mine.search("custody"))
        record("search, nothing changed", lambda: mine.search("custody review"))
        other.save_assessment(item_id=items[len(items) // 2], period_id=period, update="<p>Quokka census done</p>")
        record("search after a colleague's save", lambda: mine.search("quokka"))
        assert mine.search("quokka") == [items[len(items) // 2]]
        other.set_rag(item_id=items[1], period_id=period, rag="RED")
        record("search after a colleague's rating", lambda: mine.search("quokka"))
        record("a narrative save (no index work)",
               lambda: mine.save_assessment(item_id=items[2], period_id=period, update="<p>Numbat count</p>"))
        record("search after own save", lambda: mine.search("numbat"))
        mine.close()
        other.close()
    finally:
        time.sleep(0.5)
        share.close()
    index = sorted((work / "cache").glob("*.search.sqlite"))
    print(f"{args.file.name} ({os.path.getsize(args.file) / 1e6:.0f} MB) at {args.rtt:g} ms:")
    print("| action | requests | seconds |")
    print("|---|---:|---:|")
    for name, requests, seconds in rows:
        print(f"| {name} | {requests:,} | {seconds:.2f} |")
    if index:
        print(f"local index: {index[0].stat().st_size / 1e6:.1f} MB")
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
