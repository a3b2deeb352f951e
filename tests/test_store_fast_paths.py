"""Core additions for issue 8: reading one grid column, and sqlite-utils left unloaded."""

from __future__ import annotations

import subprocess
import sys

from ragdesk.store import Store


def test_rag_grid_reads_only_the_periods_asked_for(sample_store: Store) -> None:
    everything = sample_store.rag_grid()
    period = sample_store.periods()[-1]
    one = sample_store.rag_grid(period_ids=[period.id])
    assert one and one == {k: v for k, v in everything.items() if k[1] == period.id}
    item = next(iter(one))[0]
    assert sample_store.rag_grid([item], period_ids=[period.id]) == {(item, period.id): one[(item, period.id)]}
    assert sample_store.rag_grid(period_ids=[]) == {}


def test_opening_a_store_does_not_import_sqlite_utils(sample_path) -> None:
    code = ("import sys; from ragdesk.store import Store; s = Store.open(sys.argv[1]); "
            "s.item_rows(); print('sqlite_utils' in sys.modules); "
            "print(type(s.db).__name__, 'sqlite_utils' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code, str(sample_path)], capture_output=True,
                         text=True, check=True).stdout.split()
    assert out == ["False", "Database", "True"]  # loaded on first use of Store.db only
