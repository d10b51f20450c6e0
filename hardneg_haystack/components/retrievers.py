"""BM25 on the embedded store as the experiment measures it: stemmed tokens, rank-bm25's Okapi scores."""

from __future__ import annotations

import copy
from dataclasses import replace
from typing import Any

from haystack import Document, component, default_from_dict, default_to_dict
from haystack.document_stores.in_memory import InMemoryDocumentStore

from hardneg_haystack.errors import ConfigError
from hardneg_haystack.mining.baselines import Analyzer, Bm25Scorer
from hardneg_haystack.mining.corpus import load_corpus

ANALYZERS: tuple[str, ...] = ("english", "plain")


@component
class AnalyzedBM25Retriever:
    """
    BM25 over an in-memory store with an analyzer: the ranking the experiment evaluates, served.

    Haystack's ``InMemoryBM25Retriever`` cannot stem, so the miners and the experiment's evaluation score BM25 on
    the embedded store with rank-bm25 (Okapi) over Snowball-stemmed tokens
    (:class:`~hardneg_haystack.mining.baselines.Bm25Scorer`). This retriever runs that same scorer over the
    store's documents, so a query pipeline built on it returns the candidates, scores and order the report
    measured (a BM25 score is also what a re-ranker that reads BM25's score as text reads). The shipped query
    pipelines use it on the embedded store; bound to an OpenSearch work folder it becomes an
    ``OpenSearchBM25Retriever`` (the index's ``english`` analyzer stems there, and the experiment scores with it).

    The top ``top_k`` are returned even when a document shares no token with the query (score 0), as the
    experiment's candidate lists hold them. The scorer is built in :meth:`warm_up` (or the first query) from
    every stored document and rebuilt when the store's documents change.

    ### Usage example

    ```python
    from haystack import Document
    from haystack.document_stores.in_memory import InMemoryDocumentStore
    from hardneg_haystack.components.retrievers import AnalyzedBM25Retriever

    store = InMemoryDocumentStore()
    store.write_documents([
        Document(content="Vitamin C deficiency causes scurvy"),
        Document(content="Reset a VPN token"),
        Document(content="Parental leave: how many weeks"),
    ])
    retriever = AnalyzedBM25Retriever(document_store=store, top_k=1)
    print(retriever.run(query="deficient in vitamins")["documents"][0].content)  # stems match "deficiency"
    ```
    """

    def __init__(self, *, document_store: InMemoryDocumentStore, top_k: int = 10, analyzer: Analyzer = "english"):
        """
        :param document_store: The embedded store to search.
        :param top_k: Documents returned.
        :param analyzer: ``english`` (Snowball stems, the experiment's default) or ``plain`` (lower-cased words).
        :raises ConfigError: on another store, a ``top_k`` below 1 or an unknown analyzer.
        """
        if not isinstance(document_store, InMemoryDocumentStore):
            raise ConfigError(
                f"AnalyzedBM25Retriever needs an InMemoryDocumentStore, got {type(document_store).__name__}: on "
                "OpenSearch use OpenSearchBM25Retriever (binding a pipeline to an OpenSearch folder swaps it in)"
            )
        if top_k < 1:
            raise ConfigError(f"AnalyzedBM25Retriever top_k must be >= 1, got {top_k}")
        if analyzer not in ANALYZERS:
            raise ConfigError(f"AnalyzedBM25Retriever analyzer must be one of {', '.join(ANALYZERS)}, got {analyzer!r}")
        self.document_store = document_store
        self.top_k = top_k
        self.analyzer = analyzer
        self._scorer: tuple[Any, Bm25Scorer] | None = None  # (the store state it was built at, the scorer)

    def _state(self) -> Any:
        store = self.document_store
        return id(store), getattr(store, "_generation", None), store.count_documents()

    def warm_up(self) -> None:
        """Scan the store and build the BM25 scorer (again only when the store's documents changed)."""
        state = self._state()
        if self._scorer is None or self._scorer[0] != state:
            corpus = load_corpus(self.document_store, need_embeddings=False)
            self._scorer = (state, Bm25Scorer(corpus, self.document_store, self.analyzer))

    def to_dict(self) -> dict[str, Any]:
        return default_to_dict(self, document_store=self.document_store, top_k=self.top_k, analyzer=self.analyzer)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AnalyzedBM25Retriever:
        return default_from_dict(cls, data)

    @component.output_types(documents=list[Document])
    def run(self, query: str, top_k: int | None = None) -> dict[str, list[Document]]:
        """
        :param query: The query text.
        :param top_k: Documents returned (default: the ``top_k`` given at construction).
        :returns: ``documents``: the best ``top_k`` stored documents, best first, ``score`` = BM25 score.
        """
        if not query.strip():
            return {"documents": []}
        self.warm_up()
        assert self._scorer is not None
        scorer = self._scorer[1]
        ranked = scorer.ranked(query, top_k or self.top_k)
        store = self.document_store
        out = []
        for i, score in ranked:
            doc = store.storage[scorer.corpus.ids[i]]
            embedding = list(doc.embedding) if store.return_embedding and doc.embedding is not None else None
            out.append(replace(doc, score=score, meta=copy.deepcopy(doc.meta), embedding=embedding))
        return {"documents": out}
