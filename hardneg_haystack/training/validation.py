"""Validation on the real task: re-rank the store's BM25 top-k for each held-out query."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hardneg_haystack.training.data import Group


def bm25_validation(store: Any, *, k: int = 20, analyzer: str = "english") -> Callable[[list[Group]], list[dict]]:
    """A ``validation`` argument for :func:`~hardneg_haystack.training.trainer.train_cross_encoder`.

    For each held-out query: the BM25 top-``k`` of the SAME store (the miners' BM25), with first-stage scores
    (so the blend weight can be fitted), positives resolved by id (chunks of a positive count as positives),
    and the positives always included (``CrossEncoderRerankingEvaluator``'s convention).
    """

    def build(groups: list[Group]) -> list[dict[str, Any]]:
        from hardneg_haystack.mining.baselines import Bm25Scorer
        from hardneg_haystack.mining.corpus import load_corpus

        corpus = load_corpus(store, need_embeddings=False)
        scorer = Bm25Scorer(corpus, store, analyzer=analyzer)  # type: ignore[arg-type]
        by_query: dict[str, dict[str, Any]] = {}
        for g in groups:
            entry = by_query.setdefault(g.query_id, {"query": g.query, "positive_ids": []})
            if g.positive_id:
                entry["positive_ids"].append(g.positive_id)
        samples = []
        for entry in by_query.values():
            pos_idx = corpus.positive_indices(tuple(entry["positive_ids"]))
            if not pos_idx:
                continue
            idx, scores = scorer.top(entry["query"], k)
            order = sorted(zip(idx.tolist(), scores.tolist(), strict=True), key=lambda x: -x[1])
            docs = [corpus.contents[i] for i, _ in order]
            samples.append(
                {
                    "query": entry["query"],
                    "positive": [corpus.contents[i] for i in pos_idx],
                    "documents": docs,
                    "scores": [s for _, s in order],
                }
            )
        return samples

    return build
