"""Offline A/B: two arms over a labelled query set, per query, with a paired significance test.

An arm is ``bm25`` (the store's BM25 order) or a cross-encoder re-ranking BM25's top ``candidates``
(optionally blended with BM25). The evaluation is the experiment's (:mod:`hardneg_haystack.experiment`):
same candidates, MaxP per document, ranx metrics, Fisher randomization test.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from hardneg_haystack.experiment.systems import FirstStage, rerank_runs
from hardneg_haystack.ingest.queries import LabelledQuery
from hardneg_haystack.metrics import per_query
from hardneg_haystack.significance import paired_p_value

OFFLINE_METRICS = ("ndcg@10", "mrr@10", "precision@1", "recall@10")


def offline_ab(
    work_dir: str | Path,
    queries: Sequence[LabelledQuery],
    arms: dict[str, str | None],
    *,
    candidates: int = 20,
    depth: int = 100,
    blend: dict[str, float] | None = None,
    max_length: int | None = 256,
    seed: int = 42,
) -> dict[str, Any]:
    """``arms``: name -> model reference, or None for BM25 alone. Returns metrics per arm and the test of the
    second arm against the first on every metric."""
    from hardneg_haystack.indexing import open_index
    from hardneg_haystack.mining.corpus import load_corpus
    from hardneg_haystack.models import load_cross_encoder

    if len(arms) != 2:
        raise ValueError(f"offline A/B compares exactly two arms, got {list(arms)}")
    store = open_index(work_dir)[0]
    corpus = load_corpus(store, need_embeddings=False)
    first = FirstStage.bm25_only(corpus, store, queries, depth * 3)
    runs = {}
    for name, model_ref in arms.items():
        if model_ref is None:
            runs[name] = first.bm25_run(depth)
            continue
        model = load_cross_encoder(model_ref, max_length=max_length)
        weight = (blend or {}).get(name)
        alone, mixed = rerank_runs(
            first,
            lambda pairs, m=model: m.predict(pairs, batch_size=32, show_progress_bar=False),
            candidates=candidates,
            depth=depth,
            weight=1.0 if weight is None else weight,
        )
        runs[name] = alone if weight is None else mixed
    qrels = {q.id: dict.fromkeys(q.positive_ids, 1) for q in queries}
    per = {name: per_query(qrels, run, OFFLINE_METRICS) for name, run in runs.items()}
    a, b = list(arms)
    ids = sorted(qrels)
    tests = {}
    for m in OFFLINE_METRICS:
        x, y = [per[a][m][i] for i in ids], [per[b][m][i] for i in ids]
        tests[m] = {"delta": float(np.mean(y) - np.mean(x)), "p_value": paired_p_value(x, y, seed=seed)}
    return {
        "queries": len(ids),
        "arms": {name: {m: float(np.mean(list(per[name][m].values()))) for m in OFFLINE_METRICS} for name in arms},
        "tests": tests,
        "baseline": a,
        "treatment": b,
    }
