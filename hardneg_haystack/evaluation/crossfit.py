"""Cross-fitted runs: a system whose weights are fitted on the validation queries, judged on queries its fit never
saw.

The experiment recommends the system best on validation. BM25 has nothing fitted; ``bm25 + dense`` fits one
weight and a fused system three, each on those same validation queries, so their in-sample scores flatter the
systems with more weights. Here the validation queries are cut into ``k`` folds; each fold's run comes from the
weights fitted on the other folds, and the merged run covers every query once (k-fold cross-validation of the
fit, as ``benchmarks/fusion_probe.py`` judged its fusion variants). The weights served are still the ones
fitted on all validation queries.

Example:
    >>> fit = lambda rows: sum(rows) / len(rows)            # "weights": the mean row index of the training folds
    >>> run_of = lambda w, rows: {f"q{r}": {"d": round(w, 2)} for r in rows}
    >>> run = cross_fitted_run(4, fit, run_of, k=2, seed=0)
    >>> sorted(run) == ["q0", "q1", "q2", "q3"], len(folds(10, k=3))
    (True, 3)
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import TypeVar

from hardneg_haystack.evaluation.runs import Run

P = TypeVar("P")

#: folds of the experiment's cross-fitted validation scores
FOLDS = 5


def folds(n: int, *, k: int = FOLDS, seed: int = 42) -> list[list[int]]:
    """``0..n-1`` shuffled (seeded) and dealt into ``min(k, n)`` folds of near-equal size."""
    order = list(range(n))
    random.Random(seed).shuffle(order)
    k = max(1, min(k, n))
    return [sorted(order[f::k]) for f in range(k)]


def cross_fitted_run(
    n: int,
    fit: Callable[[list[int]], P],
    run_of: Callable[[P, list[int]], Run],
    *,
    k: int = FOLDS,
    seed: int = 42,
) -> Run:
    """The run over queries ``0..n-1`` where each fold is ranked with ``fit(rows of the other folds)``.

    :param n: Number of queries.
    :param fit: Rows (query positions) -> fitted parameters.
    :param run_of: (parameters, rows) -> the run of those queries.
    :param k: Folds (fewer when there are fewer queries; one query or one fold: fitted in-sample).
    :param seed: Seed of the deal into folds.
    """
    parts = folds(n, k=k, seed=seed)
    if len(parts) < 2:
        rows = list(range(n))
        return run_of(fit(rows), rows) if n else {}
    run: Run = {}
    for held in parts:
        rest = [r for part in parts if part is not held for r in part]
        run.update(run_of(fit(rest), held))
    return run
