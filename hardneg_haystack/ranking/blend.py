"""Blending a first-stage score (BM25, dense) with the cross-encoder score, per query (pure numpy).

Both scores are min-max normalised over the query's candidates, then ``w * ce + (1 - w) * first``. With
little training data a cross-encoder alone can rank below BM25 while the blend beats both, so the weight is
chosen on validation queries (:func:`fit_blend_weight`, nDCG@k from
:mod:`hardneg_haystack.ranking.metrics`) and stored with the model.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from hardneg_haystack.ranking.metrics import ndcg_at_k


def minmax(scores: Sequence[float]) -> np.ndarray:
    """Scale to [0, 1]; constant scores map to 0.5 (they carry no ranking information)."""
    x = np.asarray(scores, dtype=np.float64)
    if x.size == 0:
        return x
    lo, hi = float(x.min()), float(x.max())
    if hi - lo < 1e-12:
        return np.full_like(x, 0.5)
    return (x - lo) / (hi - lo)


def blend(first_stage: Sequence[float], cross_encoder: Sequence[float], weight: float) -> np.ndarray:
    """``weight * minmax(cross_encoder) + (1 - weight) * minmax(first_stage)``."""
    if not 0.0 <= weight <= 1.0:
        raise ValueError(f"blend weight must be in [0, 1], got {weight}")
    return weight * minmax(cross_encoder) + (1.0 - weight) * minmax(first_stage)


def union_candidates(
    bm25: Sequence[tuple[int, float]], dense: np.ndarray, depth: int
) -> tuple[list[int], dict[int, float]]:
    """The candidates a BM25 + dense blend scores for one query: BM25's top ``depth`` (``(index, score)`` in
    rank order), then the ``depth`` highest of ``dense`` (a score per corpus entry) not already among them;
    and BM25's score by index (an entry outside BM25's list has none). The evaluation's hybrid and the warm
    start's candidate pools take their candidates from here.

        >>> union_candidates([(2, 9.0), (0, 4.0)], np.array([0.1, 0.9, 0.8]), 2)
        ([2, 0, 1], {2: 9.0, 0: 4.0})
    """
    k = min(len(dense), depth)
    dense_top = np.argpartition(-dense, k - 1)[:k].tolist() if k > 0 else []
    bm = dict(bm25[:depth])
    return list(dict.fromkeys([*bm, *dense_top])), bm


def fit_blend_weight(
    samples: Sequence[tuple[Sequence[float], Sequence[float], Sequence[bool]]],
    *,
    grid: Sequence[float] = tuple(np.round(np.linspace(0, 1, 21), 2)),
    k: int = 10,
) -> tuple[float, dict[float, float]]:
    """Pick the weight maximising mean nDCG@k over ``(first_stage, cross_encoder, relevant)`` per query.

    Returns the best weight (the larger one on ties, favouring the trained model) and the score per weight.
    """
    if not samples:
        raise ValueError("fit_blend_weight needs at least one validation query")
    table = {float(w): float(np.mean([ndcg_at_k(blend(f, c, w), r, k) for f, c, r in samples])) for w in grid}
    best = max(table, key=lambda w: (round(table[w], 12), w))
    return best, table
