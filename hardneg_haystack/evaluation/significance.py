"""Paired significance tests, multiple-comparison correction and confidence intervals over per-query scores.

The test is Fisher's paired randomization test (Smucker et al., CIKM 2007), the one ranx offers; it is
written here in numpy because ranx's numba version draws its permutations in parallel threads (not
reproducible for a seed) and can return p = 0, while a permutation test's p-value is never below
1 / (n_permutations + 1). The module also adds what ranx leaves out: the Holm-Bonferroni correction when
one system is compared with many, and percentile bootstrap confidence intervals of a system's mean.

Example:
    >>> import numpy as np
    >>> a, b = np.array([0.2, 0.5, 0.1, 0.4]), np.array([0.6, 0.9, 0.5, 0.8])
    >>> paired_p_value(a, b) < 0.2  # every query improved, but four queries cannot prove much
    True
    >>> holm([0.01, 0.04, 0.5])
    [0.03, 0.08, 0.5]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np


def paired_p_value(
    control: Sequence[float], treatment: Sequence[float], *, n_permutations: int = 2000, seed: int = 42
) -> float:
    """Two-sided p-value of Fisher's randomization test on paired per-query scores (random sign flips of the
    per-query differences; ``(hits + 1) / (n_permutations + 1)``, deterministic for a seed)."""
    a = np.asarray(control, dtype=np.float64)
    b = np.asarray(treatment, dtype=np.float64)
    if a.shape != b.shape or a.ndim != 1 or a.size == 0:
        raise ValueError(f"paired scores need two equal, non-empty 1-d arrays, got {a.shape} and {b.shape}")
    diff = b - a
    if np.allclose(diff, 0.0):
        return 1.0
    observed = abs(diff.mean())
    rng = np.random.default_rng(seed)
    hits = 0
    for start in range(0, n_permutations, 500):  # blocks keep memory at 500 x queries
        n = min(500, n_permutations - start)
        signs = rng.choice(np.array([-1.0, 1.0]), size=(n, diff.size))
        hits += int((np.abs((signs * diff).mean(axis=1)) >= observed - 1e-12).sum())
    return (hits + 1) / (n_permutations + 1)


def holm(p_values: Sequence[float]) -> list[float]:
    """Holm-Bonferroni adjusted p-values (same order as given), capped at 1 and kept monotone."""
    p = np.asarray(p_values, dtype=np.float64)
    m = p.size
    order = np.argsort(p, kind="stable")
    adjusted = np.empty(m)
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p[i]))
        adjusted[i] = running
    return [round(float(x), 12) for x in adjusted]


def bootstrap_ci(
    scores: Sequence[float], *, confidence: float = 0.95, n_resamples: int = 1000, seed: int = 42
) -> tuple[float, float]:
    """Percentile bootstrap interval of the mean of per-query ``scores``."""
    x = np.asarray(scores, dtype=np.float64)
    if x.size == 0:
        return (float("nan"), float("nan"))
    rng = np.random.default_rng(seed)
    means = x[rng.integers(0, x.size, size=(n_resamples, x.size))].mean(axis=1)
    tail = (1 - confidence) / 2
    return float(np.quantile(means, tail)), float(np.quantile(means, 1 - tail))


def compare_family(
    family: str,
    pairs: Sequence[tuple[str, str]],
    per: Mapping[str, Mapping[str, Mapping[str, float]]],
    ids: Sequence[str],
    metrics: Sequence[str],
    *,
    n_permutations: int = 2000,
    seed: int = 42,
    alpha: float = 0.05,
) -> list[dict[str, Any]]:
    """One family of paired comparisons: per metric, every ``(system, baseline)`` pair over the queries
    ``ids`` (``per[system][metric][query_id]``, e.g. from :func:`~hardneg_haystack.ranking.metrics.per_query`),
    Holm-corrected within the family and metric.

    Rows ``{family, system, baseline, metric, delta (system - baseline mean), p_value, p_holm, significant}``.
    """
    rows = []
    for metric in metrics:
        batch = []
        for system, baseline in pairs:
            a = [per[baseline][metric][i] for i in ids]
            b = [per[system][metric][i] for i in ids]
            p = paired_p_value(a, b, n_permutations=n_permutations, seed=seed)
            batch.append(
                {
                    "family": family,
                    "system": system,
                    "baseline": baseline,
                    "metric": metric,
                    "delta": float(np.mean(b) - np.mean(a)),
                    "p_value": p,
                }
            )
        for row, adjusted in zip(batch, holm([r["p_value"] for r in batch]) if batch else [], strict=True):
            row["p_holm"] = adjusted
            row["significant"] = adjusted < alpha
        rows.extend(batch)
    return rows
