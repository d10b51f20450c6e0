"""Ranking metrics: ranx for every reported number, plus two numpy kernels for weight grid searches.

Every metric a report, a table or a test shows goes through ranx (:func:`evaluate_run`,
:func:`per_query`). Fitting weights scores the same queries under tens of weight vectors; there ranx costs
7-15x more than numpy (``fit_blend_weight``-sized grid, 300 queries x 100 candidates x 21 weights: 1.8 s vs
0.12 s; one ``fit_weights`` grid point, 800 queries x 5,000 documents: 0.34 s plus a top-k cut vs 0.05 s),
so two kernels live here, each tested equal to ranx on random runs (``tests/test_evaluation.py``):

- :func:`ndcg_at_k`: binary nDCG@k of one candidate list (blend and fusion weight fits);
- :func:`mrr_recall_at_k`: MRR@k and recall@k of a (queries x documents) score matrix (ensemble weights).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np


def evaluate_run(
    qrels: Mapping[str, Mapping[str, int]],
    run: Mapping[str, Mapping[str, float]],
    metrics: Sequence[str] = ("ndcg@10", "mrr@10", "recall@100"),
) -> dict[str, float]:
    """Mean of each metric over the queries of ``qrels`` (a query missing from ``run`` scores 0)."""
    from ranx import Qrels, Run, evaluate

    q = Qrels({k: dict(v) for k, v in qrels.items()})
    r = Run({k: dict(run.get(k, {})) or {"__none__": 0.0} for k in qrels})
    out = evaluate(q, r, list(metrics), make_comparable=True)
    return {m: float(out[m]) for m in metrics} if isinstance(out, dict) else {metrics[0]: float(out)}


def per_query(
    qrels: Mapping[str, Mapping[str, int]],
    run: Mapping[str, Mapping[str, float]],
    metrics: Sequence[str],
) -> dict[str, dict[str, float]]:
    """``{metric: {query_id: score}}`` for every query of ``qrels`` (ranx; a missing query scores 0)."""
    from ranx import Qrels, Run, evaluate

    q = Qrels({k: dict(v) for k, v in qrels.items()})
    r = Run({k: dict(run.get(k, {})) or {"__none__": 0.0} for k in qrels})
    evaluate(q, r, list(metrics), make_comparable=True)
    return {m: {qid: float(r.scores[m][qid]) for qid in qrels} for m in metrics}


def ndcg_at_k(scores: Sequence[float], relevant: Sequence[bool], k: int = 10) -> float:
    """Binary-relevance nDCG@k of one ranked candidate list (ties broken by original order).

    The ideal ranking is of the list's own relevant candidates (positives outside the list do not count):
    ranx's ``ndcg@k`` with qrels holding the relevant candidates only.
    """
    order = np.argsort(-np.asarray(scores, dtype=np.float64), kind="stable")[:k]
    rel = np.asarray(relevant, dtype=np.float64)
    gains = rel[order] / np.log2(np.arange(2, len(order) + 2))
    ideal = np.sort(rel)[::-1][:k] / np.log2(np.arange(2, min(k, len(rel)) + 2))
    return float(gains.sum() / ideal.sum()) if ideal.sum() > 0 else 0.0


def mrr_recall_at_k(sims: np.ndarray, pos_mask: np.ndarray, k: int) -> tuple[float, float]:
    """Mean MRR@k (rank of the first positive) and recall@k over the rows of a (queries x documents) score
    matrix, ``pos_mask`` marking each query's positives: ranx's ``mrr@k`` and ``recall@k`` of the full
    ranking (ties counted in the positives' favour)."""
    pos_best = np.where(pos_mask, sims, -np.inf).max(axis=1)
    rank = (np.where(pos_mask, -np.inf, sims) > pos_best[:, None]).sum(axis=1)
    mrr = float(np.mean(np.where(rank < k, 1.0 / (rank + 1), 0.0)))
    kth = -np.partition(-sims, min(k, sims.shape[1]) - 1, axis=1)[:, min(k, sims.shape[1]) - 1]
    recall = float(np.mean((np.where(pos_mask, sims, -np.inf) >= kth[:, None]).sum(1) / pos_mask.sum(1)))
    return mrr, recall
