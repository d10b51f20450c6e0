"""Validation on the real task: re-rank the store's BM25 top-k for each held-out query."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from hardneg_haystack.ingest.queries import LabelledQuery
from hardneg_haystack.scoring.bm25_text import with_bm25_all
from hardneg_haystack.training.data import Group


def rerank_samples(
    store: Any,
    queries: Sequence[LabelledQuery],
    *,
    k: int = 20,
    analyzer: str = "english",
    corpus: Any = None,
    bm25_text: bool = False,
) -> list[dict[str, Any]]:
    """``CrossEncoderRerankingEvaluator`` samples for labelled queries: each query's BM25 top-``k`` from the
    SAME store (the miners' BM25), with first-stage ``scores`` (so a blend weight can be fitted), positives
    resolved by id (chunks of a positive count as positives). Queries whose positives are not in the store
    are skipped. ``bm25_text``: every text carries its BM25 tag (:mod:`hardneg_haystack.scoring.bm25_text`)."""
    from hardneg_haystack.mining.baselines import Bm25Scorer
    from hardneg_haystack.mining.corpus import load_corpus

    corpus = corpus if corpus is not None else load_corpus(store, need_embeddings=False)
    scorer = Bm25Scorer(corpus, store, analyzer=analyzer)  # type: ignore[arg-type]
    samples = []
    for q in queries:
        pos_idx = corpus.positive_indices(tuple(q.positive_ids))
        if not pos_idx:
            continue
        idx, scores = scorer.top(q.text, k)
        order = sorted(zip(idx.tolist(), scores.tolist(), strict=True), key=lambda x: -x[1])
        positives = [corpus.contents[i] for i in pos_idx]
        documents = [corpus.contents[i] for i, _ in order]
        if bm25_text:
            best = order[0][1] if order else 0.0
            pos_scores, _ = scorer.scores_of(q.text, pos_idx)
            positives = with_bm25_all(positives, pos_scores, best)
            documents = with_bm25_all(documents, [s for _, s in order], best)
        samples.append(
            {"query": q.text, "positive": positives, "documents": documents, "scores": [s for _, s in order]}
        )
    return samples


def bm25_validation(
    store: Any, *, k: int = 20, analyzer: str = "english", bm25_text: bool = False
) -> Callable[[list[Group]], list[dict]]:
    """A ``validation`` argument for :func:`~hardneg_haystack.training.cross_encoder.train_cross_encoder`: the
    held-out groups' queries as :func:`rerank_samples`."""

    def build(groups: list[Group]) -> list[dict[str, Any]]:
        by_query: dict[str, tuple[str, list[str]]] = {}
        for g in groups:
            entry = by_query.setdefault(g.query_id, (g.query, []))
            if g.positive_id:
                entry[1].append(g.positive_id)
        queries = [LabelledQuery(qid, text, tuple(pids)) for qid, (text, pids) in by_query.items()]
        return rerank_samples(store, queries, k=k, analyzer=analyzer, bm25_text=bm25_text)

    return build
