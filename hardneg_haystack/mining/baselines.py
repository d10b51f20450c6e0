"""The baselines the ensemble miner must beat, drawn from the SAME store: BM25 and random negatives.

BM25 analyses text with an English Snowball stemmer by default. Haystack's in-memory BM25 cannot stem,
so on the embedded store we score with rank-bm25 (Okapi) over stemmed tokens of the scanned documents;
``analyzer="store"`` uses the store's own BM25 instead. On OpenSearch the store's BM25 retriever runs a
``match`` on ``content`` only (a meta keyword can never match), analysed by the index's ``english``
analyzer.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any, Literal

import numpy as np

from hardneg_haystack.ingest.queries import LabelledQuery
from hardneg_haystack.mining.cluster_miner import resolve_positives
from hardneg_haystack.mining.corpus import Corpus
from hardneg_haystack.mining.result import MinedQuery
from hardneg_haystack.mining.selection import SelectionConfig, query_rng, select_negatives

Analyzer = Literal["english", "plain", "store"]
_TOKEN = re.compile(r"\w+")


def make_tokenizer(analyzer: Analyzer) -> Callable[[str], list[str]]:
    if analyzer == "plain":
        return lambda text: _TOKEN.findall(text.lower())
    import Stemmer

    stemmer = Stemmer.Stemmer("english")
    return lambda text: stemmer.stemWords(_TOKEN.findall(text.lower()))


class Bm25Scorer:
    """BM25 over a corpus: rank-bm25 on analysed tokens, or the store's own BM25 retriever."""

    def __init__(self, corpus: Corpus, store: Any, analyzer: Analyzer = "english") -> None:
        from haystack.document_stores.in_memory import InMemoryDocumentStore

        self.corpus, self.store = corpus, store
        self.use_store = analyzer == "store" or not isinstance(store, InMemoryDocumentStore)
        if not self.use_store:
            from rank_bm25 import BM25Okapi

            self.tokenize = make_tokenizer(analyzer)
            self.bm25 = BM25Okapi([self.tokenize(t) for t in corpus.contents])
        self._last: tuple[str, np.ndarray] | None = None  # the last query's scores: top + scores_of scan once

    def top(self, text: str, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Indices and scores of the ``k`` best documents (equal scores: the lower corpus index wins, so a
        shorter list is a prefix of a longer one)."""
        scores = self.all_scores(text)
        if scores is not None:
            k = min(k, len(scores))
            if k < 1:
                return np.empty(0, dtype=np.int64), np.empty(0)
            kth = np.partition(scores, len(scores) - k)[len(scores) - k]  # the k-th best score
            above = np.flatnonzero(scores > kth)
            idx = np.concatenate([above, np.flatnonzero(scores == kth)[: k - len(above)]])  # ties: lower index first
            return idx, scores[idx]
        docs = self._store_bm25(text, k)
        pairs = [(self.corpus.index[d.id], float(d.score or 0.0)) for d in docs if d.id in self.corpus.index]
        return np.array([p[0] for p in pairs], dtype=np.int64), np.array([p[1] for p in pairs])

    def ranked(self, text: str, k: int) -> list[tuple[int, float]]:
        """The ``k`` best documents as ``(corpus index, score)``, best first: the list the experiment evaluates
        and :class:`~hardneg_haystack.components.retrievers.AnalyzedBM25Retriever` serves."""
        idx, scores = self.top(text, k)
        return sorted(zip(idx.tolist(), scores.tolist(), strict=True), key=lambda x: (-x[1], x[0]))  # ties: index

    def all_scores(self, text: str) -> np.ndarray | None:
        """BM25 score of every corpus entry (rank-bm25 only; None when the store's own BM25 ranks)."""
        if self.use_store:
            return None
        if self._last is None or self._last[0] != text:
            self._last = (text, self.bm25.get_scores(self.tokenize(text)))
        return self._last[1]

    def scores_of(self, text: str, indices: Sequence[int], *, depth: int = 1000) -> tuple[list[float], float]:
        """(BM25 scores of the corpus entries ``indices``, the query's best score). With the store's BM25 an
        entry below its top ``depth`` counts 0."""
        full = self.all_scores(text)
        if full is not None:
            return [float(full[i]) for i in indices], float(full.max(initial=0.0))
        idx, scores = self.top(text, depth)
        found = dict(zip(idx.tolist(), scores.tolist(), strict=True))
        return [float(found.get(i, 0.0)) for i in indices], float(max(found.values(), default=0.0))

    def _store_bm25(self, text: str, k: int) -> list[Any]:
        from haystack.document_stores.in_memory import InMemoryDocumentStore

        if isinstance(self.store, InMemoryDocumentStore):
            return self.store.bm25_retrieval(query=text, top_k=k)
        from haystack_integrations.components.retrievers.opensearch import OpenSearchBM25Retriever

        retriever = OpenSearchBM25Retriever(
            document_store=self.store,
            top_k=k,
            custom_query={"query": {"match": {"content": {"query": "$query"}}}},
        )
        return retriever.run(query=text)["documents"]


def mine_bm25(
    corpus: Corpus,
    store: Any,
    queries: Sequence[LabelledQuery],
    *,
    selection: SelectionConfig,
    analyzer: Analyzer = "english",
    on_missing_positive: str = "skip",
    progress: Callable[[int], None] | None = None,
) -> list[MinedQuery]:
    """BM25 negatives: the best BM25 documents that are not positives, in the same rank window."""
    scorer = Bm25Scorer(corpus, store, analyzer)
    out = []
    for q in queries:
        mined = MinedQuery(q.id, q.text, list(q.positive_ids))
        resolved = resolve_positives(corpus, q, on_missing_positive)
        if resolved is None:
            mined.skipped = "positive_missing_from_store"
            out.append(mined)
            continue
        mined.positive_ids, excluded = resolved
        idx, scores = scorer.top(q.text, selection.range_max * 2 + len(excluded))
        keep = ~np.isin(idx, excluded)
        sel = select_negatives(
            idx[keep],
            scores[keep],
            positive_score=None,
            config=selection,
            query_id=q.id,
            dedupe_keys=[corpus.dedupe_keys[i] for i in idx[keep]],
        )
        mined.negatives = [(corpus.ids[i], s) for i, s in sel.negatives]
        mined.n_candidates = sel.n_candidates
        out.append(mined)
        if progress is not None:
            progress(1)
    return out


def mine_random(
    corpus: Corpus,
    queries: Sequence[LabelledQuery],
    *,
    selection: SelectionConfig,
    query_embeddings: np.ndarray | None = None,
    on_missing_positive: str = "skip",
    progress: Callable[[int], None] | None = None,
    store: Any = None,
) -> list[MinedQuery]:
    """Uniformly random documents that are not positives, seeded per query (same seed, same negatives).

    Candidates are sampled from the scanned ``corpus`` (identical on every store for a seed), or, with an
    OpenSearch ``store``, drawn by the store's seeded ``random_score`` query. Each negative's score is its
    ensemble similarity to the query when ``query_embeddings`` are given (for comparing score
    distributions across miners), else None.
    """
    from hardneg_haystack.index.stores import random_score_ids

    out = []
    n = len(corpus)
    for qi, q in enumerate(queries):
        mined = MinedQuery(q.id, q.text, list(q.positive_ids))
        resolved = resolve_positives(corpus, q, on_missing_positive)
        if resolved is None:
            mined.skipped = "positive_missing_from_store"
            out.append(mined)
            continue
        mined.positive_ids, excluded = resolved
        pool = np.setdiff1d(np.arange(n), excluded)
        size = min(len(pool), selection.num_negatives * 3)
        if store is None:
            picked = query_rng(selection.seed, q.id).choice(pool, size=size, replace=False)
        else:
            seed = int(query_rng(selection.seed, q.id).integers(2**31 - 1))
            drawn = random_score_ids(store, exclude_ids=[corpus.ids[i] for i in excluded], size=size, seed=seed)
            picked = np.asarray([corpus.index[d] for d in drawn if d in corpus.index], dtype=np.int64)
        seen: set[str] = set()
        for i in picked:
            if any(k in seen for k in corpus.dedupe_keys[i]):
                continue
            seen.update(corpus.dedupe_keys[i])
            score = None
            if query_embeddings is not None and corpus.embeddings is not None:
                score = float(corpus.embeddings[i] @ query_embeddings[qi])
            mined.negatives.append((corpus.ids[int(i)], score))
            if len(mined.negatives) == selection.num_negatives:
                break
        mined.n_candidates = len(pool)
        out.append(mined)
        if progress is not None:
            progress(1)
    return out
