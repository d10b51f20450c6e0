"""First-stage candidate lists of labelled queries, computed once and shared by every system evaluated.

- ``bm25``: the store's BM25 (same analyzer as the BM25 miner), top ``depth``.
- ``dense``: the ensemble's fused vectors, exact dot product, top ``depth``.
- ``bm25 + dense``: both scores min-max blended over the union of their candidates; the weight is fitted
  on training queries (no model is trained: the strongest cheap baseline).

Re-ranking these lists is :mod:`hardneg_haystack.evaluation.rerank`. Every run is folded from chunks to
parent documents by best chunk (MaxP, :mod:`hardneg_haystack.evaluation.runs`) before it is scored.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from hardneg_haystack.evaluation.runs import Run, maxp
from hardneg_haystack.ingest.queries import LabelledQuery
from hardneg_haystack.mining.corpus import Corpus
from hardneg_haystack.ranking.score_fusion import blend, fit_blend_weight, union_candidates


def bm25_lists(corpus: Corpus, store: Any, queries: Sequence[LabelledQuery], k: int) -> list[list[tuple[int, float]]]:
    """Per query, the store's BM25 top ``k`` as ``(corpus index, score)``, best first (the miners' analyzer)."""
    from hardneg_haystack.mining.baselines import Bm25Scorer

    scorer = Bm25Scorer(corpus, store)
    return [scorer.ranked(q.text, k) for q in queries]


@dataclass
class FirstStage:
    """BM25 and dense scores of the test queries, computed once and shared by every system."""

    corpus: Corpus
    queries: list[LabelledQuery]
    bm25: list[list[tuple[int, float]]]  # per query: (corpus index, score), best first, ``pool`` deep
    dense: np.ndarray  # (queries x corpus) fused dot products

    @classmethod
    def compute(
        cls, corpus: Corpus, store: Any, queries: Sequence[LabelledQuery], query_vectors: np.ndarray, pool: int
    ) -> FirstStage:
        if corpus.embeddings is None:
            raise ValueError("the corpus was loaded without embeddings")
        bm25 = bm25_lists(corpus, store, queries, pool)
        return cls(corpus, list(queries), bm25, query_vectors @ corpus.embeddings.T)

    @classmethod
    def bm25_only(cls, corpus: Corpus, store: Any, queries: Sequence[LabelledQuery], pool: int) -> FirstStage:
        """BM25 alone (no dense scores: ``dense_run`` and the hybrid are unavailable)."""
        return cls(corpus, list(queries), bm25_lists(corpus, store, queries, pool), np.zeros((len(queries), 0)))

    def subset(self, rows: Sequence[int]) -> FirstStage:
        """The same lists for the queries at ``rows`` (in that order)."""
        return FirstStage(self.corpus, [self.queries[r] for r in rows], [self.bm25[r] for r in rows], self.dense[rows])

    def bm25_run(self, depth: int) -> Run:
        return {q.id: maxp(dict(c), self.corpus, depth) for q, c in zip(self.queries, self.bm25, strict=True)}

    def dense_run(self, depth: int) -> Run:
        out: Run = {}
        for q, row in zip(self.queries, self.dense, strict=True):
            k = min(len(row), depth * 3)  # chunks: take more, fold to parents, keep depth
            idx = np.argpartition(-row, k - 1)[:k]
            out[q.id] = maxp({int(i): float(row[i]) for i in idx}, self.corpus, depth)
        return out

    def hybrid_candidates(self, qi: int, depth: int) -> tuple[list[int], list[float], list[float]]:
        """Union of BM25 and dense top ``depth``: indices, BM25 scores (0 below BM25's list), dense scores. BM25's
        list comes first in its order, then the dense top's others by descending dense score: the order in which
        a hybrid pipeline's joiner (``sort_by_score=False``) hands them to a re-ranker, so both score the same
        batches."""
        row = self.dense[qi]
        idx, bm = union_candidates(self.bm25[qi], row, depth)
        head = min(depth, len(self.bm25[qi]))
        idx = idx[:head] + sorted(idx[head:], key=lambda i: (-float(row[i]), i))
        return idx, [bm.get(i, 0.0) for i in idx], [float(row[i]) for i in idx]

    def hybrid_run(self, weight: float, depth: int) -> Run:
        out: Run = {}
        for qi, q in enumerate(self.queries):
            idx, bm, dn = self.hybrid_candidates(qi, depth)
            out[q.id] = maxp(dict(zip(idx, blend(bm, dn, weight).tolist(), strict=True)), self.corpus, depth)
        return out


def fit_hybrid_weight(train: FirstStage, depth: int) -> tuple[float, dict[float, float]]:
    """The dense share of ``bm25 + dense`` maximising nDCG@10 on TRAINING queries."""
    samples = []
    for qi, q in enumerate(train.queries):
        idx, bm, dn = train.hybrid_candidates(qi, depth)
        positives = set(train.corpus.positive_indices(q.positive_ids))
        if positives:
            samples.append((bm, dn, [i in positives for i in idx]))
    return fit_blend_weight(samples)
