"""The systems an experiment compares, as runs ``{query_id: {parent_doc_id: score}}`` over held-out queries.

- ``bm25``: the store's BM25 (same analyzer as the BM25 miner), top ``depth``.
- ``dense``: the ensemble's fused vectors, exact dot product, top ``depth``.
- ``bm25 + dense``: both scores min-max blended over the union of their candidates; the weight is fitted
  on training queries (no model is trained: the strongest cheap baseline).
- ``rerank[<miner>]``: BM25 top ``candidates`` re-ordered by the re-ranker trained on that miner's
  negatives; ranks below keep their BM25 order. ``rerank[<miner>] + bm25``: the same, blended with the BM25
  score using the weight stored with the model.

Every run is folded from chunks to parent documents by best chunk (MaxP) before it is scored.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from hardneg_haystack.blend import blend, fit_blend_weight
from hardneg_haystack.ingest.queries import LabelledQuery
from hardneg_haystack.mining.corpus import Corpus

Run = dict[str, dict[str, float]]


def maxp(scores: dict[int, float], corpus: Corpus, depth: int) -> dict[str, float]:
    """Fold ``{corpus index: score}`` to ``{parent id: best score}``, keep the ``depth`` best parents."""
    out: dict[str, float] = {}
    for i, s in scores.items():
        p = corpus.parent_ids[i]
        if s > out.get(p, -np.inf):
            out[p] = float(s)
    return dict(sorted(out.items(), key=lambda x: -x[1])[:depth])


def rank_scores(order: Sequence[int]) -> dict[int, float]:
    """Scores that reproduce ``order`` (best first): ``n, n-1, ..., 1``."""
    n = len(order)
    return {i: float(n - r) for r, i in enumerate(order)}


def bm25_lists(corpus: Corpus, store: Any, queries: Sequence[LabelledQuery], k: int) -> list[list[tuple[int, float]]]:
    """Per query, the store's BM25 top ``k`` as ``(corpus index, score)``, best first (the miners' analyzer)."""
    from hardneg_haystack.mining.baselines import Bm25Scorer

    scorer = Bm25Scorer(corpus, store)
    out = []
    for q in queries:
        idx, scores = scorer.top(q.text, k)
        out.append(sorted(zip(idx.tolist(), scores.tolist(), strict=True), key=lambda x: -x[1]))
    return out


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
        """Union of BM25 and dense top ``depth``: indices, BM25 scores (0 below BM25's list), dense scores."""
        row = self.dense[qi]
        k = min(len(row), depth)
        dense_top = np.argpartition(-row, k - 1)[:k].tolist()
        bm = dict(self.bm25[qi][:depth])
        idx = list(dict.fromkeys([*bm, *dense_top]))
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


def rerank_runs(
    first: FirstStage,
    score_pairs: Callable[[list[tuple[str, str]]], Sequence[float]],
    *,
    candidates: int,
    depth: int,
    weight: float,
    progress: Callable[[int], None] | None = None,
) -> tuple[Run, Run]:
    """(re-ranker alone, blended with BM25) over each query's BM25 top ``candidates``; deeper ranks keep
    their BM25 order below the re-ranked ones."""
    alone: Run = {}
    blended: Run = {}
    for q, cands in zip(first.queries, first.bm25, strict=True):
        head, tail = cands[:candidates], [i for i, _ in cands[candidates : depth * 3]]
        ce = np.asarray(score_pairs([(q.text, first.corpus.contents[i]) for i, _ in head]), dtype=np.float64)
        mixed = blend([s for _, s in head], ce, weight) if head else np.zeros(0)
        for run, scores in ((alone, ce), (blended, mixed)):
            order = [head[j][0] for j in np.argsort(-scores, kind="stable")] + tail
            run[q.id] = maxp(rank_scores(order), first.corpus, depth)
        if progress is not None:
            progress(1)
    return alone, blended


def cross_encoder_scores(
    first: FirstStage,
    score_pairs: Callable[[list[tuple[str, str]]], Sequence[float]],
    k: int,
    *,
    progress: Callable[[int], None] | None = None,
) -> list[np.ndarray]:
    """Per query, the cross-encoder's scores of its BM25 top ``k`` (aligned with ``first.bm25[q][:k]``).
    Scored once at the deepest depth; shallower re-rankings reuse the head of these lists."""
    out = []
    for q, cands in zip(first.queries, first.bm25, strict=True):
        head = cands[:k]
        out.append(np.asarray(score_pairs([(q.text, first.corpus.contents[i]) for i, _ in head]), dtype=np.float64))
        if progress is not None:
            progress(1)
    return out


def signals(first: FirstStage, qi: int, ce: np.ndarray, k: int) -> list[np.ndarray]:
    """``[bm25, dense, cross-encoder]`` scores of query ``qi``'s BM25 top ``k`` (the fusion's inputs)."""
    head = first.bm25[qi][:k]
    idx = [i for i, _ in head]
    dense = first.dense[qi][idx] if first.dense.shape[1] else np.zeros(len(idx))
    return [np.asarray([s for _, s in head], dtype=np.float64), np.asarray(dense, dtype=np.float64), ce[:k]]


def reorder_run(first: FirstStage, scores: Sequence[np.ndarray], k: int, depth: int) -> Run:
    """BM25 top ``k`` re-ordered by ``scores[q][:k]``; deeper ranks keep their BM25 order below."""
    out: Run = {}
    for q, cands, s in zip(first.queries, first.bm25, scores, strict=True):
        head, tail = cands[:k], [i for i, _ in cands[k : depth * 3]]
        order = [head[j][0] for j in np.argsort(-np.asarray(s[: len(head)]), kind="stable")] + tail
        out[q.id] = maxp(rank_scores(order), first.corpus, depth)
    return out


def fused_scores(first: FirstStage, ce: Sequence[np.ndarray], weights: Sequence[float], k: int) -> list[np.ndarray]:
    """Per query, ``weights``-fused BM25, dense and cross-encoder scores of its BM25 top ``k``."""
    from hardneg_haystack.score_fusion import fuse

    return [fuse(signals(first, qi, ce[qi], k), weights) for qi in range(len(first.queries))]


def fit_fused_weights(
    validation: FirstStage, ce: Sequence[np.ndarray], k: int, *, step: float = 0.1
) -> tuple[tuple[float, ...], float]:
    """(BM25, dense, cross-encoder) weights maximising nDCG@10 of the fused top ``k`` on VALIDATION queries."""
    from hardneg_haystack.score_fusion import fit_fusion_weights

    samples = []
    for qi, q in enumerate(validation.queries):
        positives = set(validation.corpus.positive_indices(q.positive_ids))
        head = validation.bm25[qi][:k]
        if positives and any(i in positives for i, _ in head):
            samples.append((signals(validation, qi, ce[qi], k), [i in positives for i, _ in head]))
    if not samples:
        return (0.0, 0.0, 1.0), float("nan")
    return fit_fusion_weights(samples, step=step)
