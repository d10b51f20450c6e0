"""The paper's miner: cluster the ensemble embeddings, take candidates from the query's and positives'
clusters, rank them by ensemble similarity, keep the guard's possible positives apart."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

import numpy as np

from hardneg_haystack.errors import DataError
from hardneg_haystack.ingest.queries import LabelledQuery
from hardneg_haystack.mining.clustering import (
    Clustering,
    ClusterMethod,
    PoolMode,
    cluster_embeddings,
    pool_clusters,
)
from hardneg_haystack.mining.corpus import Corpus
from hardneg_haystack.mining.result import MinedQuery
from hardneg_haystack.mining.selection import SelectionConfig, select_negatives

logger = logging.getLogger(__name__)


def resolve_positives(corpus: Corpus, query: LabelledQuery, on_missing: str) -> tuple[list[str], list[int]] | None:
    """Positive ids present in the store, and the store entries to exclude; ``None`` means skip."""
    present = [p for p in query.positive_ids if p in corpus.by_parent or p in corpus.index]
    if len(present) < len(query.positive_ids):
        missing = sorted(set(query.positive_ids) - set(present))
        if on_missing == "error":
            raise DataError(f"query {query.id!r}: positive document(s) {missing} are not in the store")
        if not present:
            return None
    return present, corpus.positive_indices(tuple(present))


def mine_clusters(
    corpus: Corpus,
    queries: Sequence[LabelledQuery],
    query_embeddings: np.ndarray,
    *,
    selection: SelectionConfig,
    n_clusters: int | None = None,
    method: ClusterMethod = "auto",
    pca_variance: float | None = None,
    pool: PoolMode = "both",
    n_nearest_clusters: int = 3,
    on_missing_positive: str = "skip",
    progress: Callable[[int], None] | None = None,
    clustering: Clustering | None = None,
) -> tuple[list[MinedQuery], dict]:
    """Mine every query; memory stays O(N x d): each query scores only its candidate pool.

    ``clustering`` reuses a clustering of ``corpus.embeddings`` (e.g. across several selection settings);
    by default the corpus is clustered here with ``n_clusters``, ``method`` and ``pca_variance``.
    """
    assert corpus.embeddings is not None
    if clustering is None:
        clustering = cluster_embeddings(
            corpus.embeddings, n_clusters=n_clusters, method=method, pca_variance=pca_variance, seed=selection.seed
        )
    elif len(clustering.labels) != len(corpus):
        raise DataError(f"the clustering covers {len(clustering.labels)} documents, the corpus {len(corpus)}")
    members = clustering.members()
    nearest = clustering.nearest(query_embeddings, m=n_nearest_clusters if pool == "nearest" else 1)
    out: list[MinedQuery] = []
    for qi, query in enumerate(queries):
        mined = MinedQuery(query.id, query.text, list(query.positive_ids))
        resolved = resolve_positives(corpus, query, on_missing_positive)
        if resolved is None:
            mined.skipped = "positive_missing_from_store"
            out.append(mined)
            continue
        mined.positive_ids, excluded = resolved
        qv = query_embeddings[qi]
        pos_clusters = {int(clustering.labels[i]) for i in excluded}
        clusters = pool_clusters(nearest[qi], pos_clusters, pool)
        cand = np.concatenate([members[c] for c in sorted(clusters)])
        cand = np.setdiff1d(cand, np.asarray(excluded, dtype=np.int64), assume_unique=False)
        scores = corpus.embeddings[cand] @ qv
        pos_score = float(np.min(corpus.embeddings[excluded] @ qv)) if excluded else None
        sel = select_negatives(
            cand,
            scores,
            positive_score=pos_score,
            config=selection,
            query_id=query.id,
            dedupe_keys=[corpus.dedupe_keys[i] for i in cand],
        )
        mined.negatives = [(corpus.ids[i], s) for i, s in sel.negatives]
        mined.possible_positives = [(corpus.ids[i], s) for i, s in sel.possible_positives]
        mined.n_candidates = sel.n_candidates
        out.append(mined)
        if progress is not None:
            progress(1)
    sizes = clustering.sizes()
    stats = {
        "clustering": {
            "method": clustering.method,
            "n_clusters": clustering.n_clusters,
            "pca_components": clustering.pca_components,
            "cluster_size": {"min": int(sizes.min()), "median": float(np.median(sizes)), "max": int(sizes.max())},
        }
    }
    return out, stats
