"""Fusing the ranking signals of one query's candidates (BM25, dense, cross-encoder): pure numpy, one module.

Each signal is min-max normalised over the query's candidates, then ``sum_i w_i * signal_i`` with weights on
the simplex (:func:`fuse`); the weights are fitted on validation queries by a grid search over the simplex
(:func:`fit_fusion_weights`: the system users deploy, ``bm25 + dense + cross-encoder``). The blend of a first
stage with the cross-encoder is its two-signal case (:func:`blend`, one weight: :func:`fit_blend_weight`);
with little training data a cross-encoder alone can rank below BM25 while the blend beats both, so that weight
too is chosen on validation queries and stored with the model. :func:`union_candidates` is the candidate list
a BM25 + dense fusion scores. (Fusing embedding VECTORS of ensemble members is
:func:`hardneg_haystack.embedding.fusion.fuse_vectors`.)

    >>> fuse([[3.0, 1.0], [0.2, 0.9], [5.0, -1.0]], [0.2, 0.3, 0.5]).round(2).tolist()
    [0.7, 0.3]
"""

from __future__ import annotations

import itertools
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


def fuse(signals: Sequence[Sequence[float]], weights: Sequence[float]) -> np.ndarray:
    """``sum_i weights[i] * minmax(signals[i])`` over one query's candidates."""
    if len(signals) != len(weights):
        raise ValueError(f"{len(signals)} signals but {len(weights)} weights")
    if any(w < 0 for w in weights):
        raise ValueError(f"fusion weights must be >= 0, got {list(weights)}")
    out = np.zeros(len(signals[0]), dtype=np.float64)
    for s, w in zip(signals, weights, strict=True):
        if len(s) != len(out):
            raise ValueError("every signal must score the same candidates")
        out += w * minmax(s)
    return out


def blend(first_stage: Sequence[float], cross_encoder: Sequence[float], weight: float) -> np.ndarray:
    """The two-signal case of :func:`fuse`: ``weight * minmax(cross_encoder) + (1 - weight) * minmax(first_stage)``."""
    if not 0.0 <= weight <= 1.0:
        raise ValueError(f"blend weight must be in [0, 1], got {weight}")
    return fuse([first_stage, cross_encoder], [1.0 - weight, weight])


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


def simplex_grid(n: int, step: float = 0.1) -> list[tuple[float, ...]]:
    """Every weight vector of ``n`` entries, multiples of ``step``, summing to 1."""
    units = round(1 / step)
    if abs(units * step - 1) > 1e-9:
        raise ValueError(f"step must divide 1, got {step}")
    return [
        tuple(round(c / units, 10) for c in combo)
        for combo in itertools.product(range(units + 1), repeat=n)
        if sum(combo) == units
    ]


def fit_fusion_weights(
    samples: Sequence[tuple[Sequence[Sequence[float]], Sequence[bool]]], *, step: float = 0.1, k: int = 10
) -> tuple[tuple[float, ...], float]:
    """The simplex weights maximising mean nDCG@k over ``(signals, relevant)`` per validation query, and that
    mean. Ties go to the earlier grid point (the grid runs from the last signal's corner toward the first)."""
    if not samples:
        raise ValueError("fit_fusion_weights needs at least one validation query")
    n = len(samples[0][0])
    best: tuple[tuple[float, ...], float] = ((), -1.0)
    for weights in simplex_grid(n, step):
        score = float(np.mean([ndcg_at_k(fuse(sig, weights), rel, k) for sig, rel in samples]))
        if score > best[1] + 1e-12:
            best = (weights, score)
    return best


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
