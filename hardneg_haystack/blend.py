"""Blending a first-stage score (BM25, dense) with the cross-encoder score, per query (pure numpy).

Both scores are min-max normalised over the query's candidates, then ``w * ce + (1 - w) * first``. With
little training data a cross-encoder alone can rank below BM25 while the blend beats both, so the weight is
chosen on validation queries (:func:`fit_blend_weight`, nDCG@k from
:mod:`hardneg_haystack.evaluation.metrics`) and stored with the model.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from hardneg_haystack.evaluation.metrics import ndcg_at_k


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
