"""Ranking metrics through ranx (no hand-written metric code), plus exact dense ranking in numpy."""

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


def top_k_by_dot(
    queries: np.ndarray, docs: np.ndarray, doc_ids: Sequence[str], k: int = 100, chunk: int = 256
) -> list[dict[str, float]]:
    """Exact top-k by dot product, computed in query chunks (memory O(chunk x N), never N x N)."""
    out: list[dict[str, float]] = []
    k = min(k, len(doc_ids))
    for start in range(0, len(queries), chunk):
        sims = queries[start : start + chunk] @ docs.T
        idx = np.argpartition(-sims, k - 1, axis=1)[:, :k]
        for row, cand in zip(sims, idx, strict=True):
            out.append({doc_ids[j]: float(row[j]) for j in cand})
    return out
