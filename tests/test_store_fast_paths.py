"""Core additions for issue 8: reading one grid column."""

from __future__ import annotations

from ragdesk.store import Store


def test_rag_grid_reads_only_the_periods_asked_for(sample_store: Store) -> None:
    everything = sample_store.rag_grid()
    period = sample_store.periods()[-1]
    one = sample_store.rag_grid(period_ids=[period.id])
    assert one and one == {k: v for k, v in everything.items() if k[1] == period.id}
    item = next(iter(one))[0]
    assert sample_store.rag_grid([item], period_ids=[period.id]) == {(item, period.id): one[(item, period.id)]}
    assert sample_store.rag_grid(period_ids=[]) == {}

