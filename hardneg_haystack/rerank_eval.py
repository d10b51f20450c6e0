"""Evaluate re-rankers on labelled queries: BM25 top-k alone, each model alone, and each blended with BM25.

Candidates are the BM25 top-``candidates`` chunks of the store (the miners' BM25, same analyzer); scores are
folded to parent documents by best chunk (MaxP) before the metrics (ranx), so evaluation is per document.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from hardneg_haystack.blend import blend
from hardneg_haystack.dense_eval import _maxp
from hardneg_haystack.ingest.queries import LabelledQuery
from hardneg_haystack.metrics import evaluate_run

METRICS = ("ndcg@10", "mrr@10", "precision@1", "recall@10")


def bm25_candidates(store: Any, queries: Sequence[LabelledQuery], k: int) -> tuple[Any, list[list[tuple[int, float]]]]:
    """The corpus and, per query, its BM25 top-``k`` as ``(corpus index, score)`` best first."""
    from hardneg_haystack.experiment.systems import bm25_lists
    from hardneg_haystack.mining.corpus import load_corpus

    corpus = load_corpus(store, need_embeddings=False)
    return corpus, bm25_lists(corpus, store, queries, k)


def evaluate_rerankers(
    store: Any,
    queries: Sequence[LabelledQuery],
    models: dict[str, str],
    *,
    candidates: int = 20,
    blend_weights: dict[str, float | None] | None = None,
    batch_size: int = 32,
    max_length: int | None = 256,
    progress: Any = None,
) -> list[dict[str, Any]]:
    """Rows ``{system, ndcg@10, mrr@10, precision@1, recall@10}``: ``bm25``, then per model ``<name>`` (alone)
    and ``<name> + bm25`` (blended with the model's stored weight, or ``blend_weights[name]``, default 0.5)."""
    from hardneg_haystack.models import load_cross_encoder
    from hardneg_haystack.training.trainer import read_training_info

    corpus, cands = bm25_candidates(store, queries, candidates)
    parent_of = dict(zip(corpus.ids, corpus.parent_ids, strict=True))
    qrels = {q.id: dict.fromkeys(q.positive_ids, 1) for q in queries}
    runs: dict[str, dict[str, dict[str, float]]] = {
        "bm25": {q.id: _maxp({corpus.ids[i]: s for i, s in c}, parent_of) for q, c in zip(queries, cands, strict=True)}
    }
    for name, ref in models.items():
        model = load_cross_encoder(ref, max_length=max_length)
        weight = (blend_weights or {}).get(name)
        if weight is None and Path(ref).is_dir():
            weight = read_training_info(ref).get("blend_weight")
        weight = 0.5 if weight is None else weight
        alone, blended = {}, {}
        for q, c in zip(queries, cands, strict=True):
            if not c:
                alone[q.id], blended[q.id] = {}, {}
                continue
            ce = model.predict(
                [(q.text, corpus.contents[i]) for i, _ in c], batch_size=batch_size, show_progress_bar=False
            )
            ids = [corpus.ids[i] for i, _ in c]
            alone[q.id] = _maxp(dict(zip(ids, map(float, ce), strict=True)), parent_of)
            mixed = blend([s for _, s in c], list(ce), weight)
            blended[q.id] = _maxp(dict(zip(ids, map(float, mixed), strict=True)), parent_of)
            if progress is not None:
                progress(1)
        runs[name] = alone
        runs[f"{name} + bm25 (w={weight:g})"] = blended
    return [{"system": name, **evaluate_run(qrels, run, METRICS)} for name, run in runs.items()]
