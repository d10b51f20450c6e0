"""Fusing several ranking signals of one candidate list (BM25, dense, cross-encoder): pure numpy.

Each signal is min-max normalised over the query's candidates, then ``sum_i w_i * signal_i`` with weights
on the simplex. The weights are fitted on validation queries by a grid search over the simplex (the
system users deploy: ``bm25 + dense + cross-encoder``); with two signals this is
:func:`~hardneg_haystack.ranking.blend.blend`.

    >>> fuse([[3.0, 1.0], [0.2, 0.9], [5.0, -1.0]], [0.2, 0.3, 0.5]).round(2).tolist()
    [0.7, 0.3]
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np

from hardneg_haystack.ranking.blend import minmax
from hardneg_haystack.ranking.metrics import ndcg_at_k


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
