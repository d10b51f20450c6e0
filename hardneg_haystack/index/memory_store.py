"""Haystack's in-memory document store with an inverted index for BM25: the same scores, ~50x faster.

``InMemoryDocumentStore.bm25_retrieval`` filters every stored document and scores each one in a Python loop:
48 ms per query over SciFact's 5,809 chunks on this project's 2-core machine, as much as the re-ranker's
int8 scoring of a query's top 20 (docs/RESULTS.md §16). :class:`IndexedInMemoryDocumentStore` keeps the
store's own per-document token counts in postings (token -> documents, counts) built once on the first
query after a change, and computes the same BM25L formula for the query's tokens only, with numpy, in the
same order of floating-point operations: the scores are bit-identical to Haystack's and ties keep the
store's order, so a re-ranker that reads BM25's score as text sees the same text.

It serialises as Haystack's class (``to_dict``), so pipelines dumped from it load anywhere. Only the unfiltered
BM25L query of an instance-local store (``shared=False``, what :func:`open_store`
builds) takes the fast path; a filtered query, another ``bm25_algorithm`` or a shared store runs
Haystack's own code.

    >>> from haystack import Document
    >>> store = IndexedInMemoryDocumentStore(shared=False)
    >>> store.write_documents([Document(content="scurvy and vitamin c"), Document(content="vpn token reset")])
    2
    >>> [d.content for d in store.bm25_retrieval("vitamin c deficiency", top_k=1)]
    ['scurvy and vitamin c']
"""

from __future__ import annotations

import copy
import json
import math
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
from haystack import Document, default_from_dict
from haystack.core.serialization import generate_qualified_class_name
from haystack.document_stores.in_memory import InMemoryDocumentStore
from haystack.document_stores.in_memory.document_store import BM25_SCALING_FACTOR
from haystack.document_stores.types import DuplicatePolicy
from haystack.utils import expit

_HAYSTACK_TYPE = generate_qualified_class_name(InMemoryDocumentStore)


@dataclass(frozen=True)
class _Postings:
    ids: list[str]  # the scored documents (content not None), in the store's order
    doc_len: np.ndarray  # tokens per document
    postings: dict[str, tuple[np.ndarray, np.ndarray]]  # token -> (document positions, counts)


class IndexedInMemoryDocumentStore(InMemoryDocumentStore):
    """``InMemoryDocumentStore`` whose unfiltered BM25L retrieval runs on postings (see the module doc); takes
    ``InMemoryDocumentStore``'s parameters."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._postings: tuple[int, _Postings] | None = None  # (the generation they were built at, postings)
        self._generation = 0  # bumped before and after every change to the documents
        self._build_lock = threading.Lock()

    def to_dict(self) -> dict[str, Any]:
        """Serialised as Haystack's own ``InMemoryDocumentStore`` (same parameters): the postings are a cache,
        not configuration, so a dumped pipeline or a saved ``store.json`` loads with plain Haystack, under its
        default deserialization allowlist (as Haystack's class: :func:`~hardneg_haystack.index.stores.open_store` and
        this class's ``from_dict`` / ``load_from_disk`` give the postings back)."""
        data = super().to_dict()
        data["type"] = _HAYSTACK_TYPE
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> IndexedInMemoryDocumentStore:
        """This class from its own ``to_dict`` (or Haystack's store's)."""
        return default_from_dict(cls, {**data, "type": generate_qualified_class_name(cls)})

    @classmethod
    def load_from_disk(cls, path: str) -> IndexedInMemoryDocumentStore:
        """This class from a file written by ``save_to_disk`` (of this class or Haystack's)."""
        params, documents = read_saved_store(path)
        store = cls.from_dict(params)
        store.write_documents(documents, policy=DuplicatePolicy.OVERWRITE)
        return store

    def warm_up(self) -> None:
        """Build the postings now (a server calls it at start, so its first query does not pay for them:
        242 ms for SciFact's 5,809 chunks)."""
        self._index()

    @contextmanager
    def _changing(self) -> Iterator[None]:
        """Around every change to the documents: postings built while it runs are never kept."""
        self._generation += 1
        try:
            yield
        finally:
            self._generation += 1
            self._postings = None

    def write_documents(self, documents: list[Document], policy: DuplicatePolicy = DuplicatePolicy.NONE) -> int:
        """Haystack's ``write_documents``; the postings are rebuilt on the next query."""
        with self._changing():
            return super().write_documents(documents, policy)

    def delete_documents(self, document_ids: list[str]) -> None:
        """Haystack's ``delete_documents``; the postings are rebuilt on the next query."""
        with self._changing():
            super().delete_documents(document_ids)

    def delete_all_documents(self) -> None:
        """Haystack's ``delete_all_documents``; the postings are rebuilt on the next query."""
        with self._changing():
            super().delete_all_documents()

    def update_by_filter(self, filters: dict[str, Any], meta: dict[str, Any]) -> int:
        """Haystack's ``update_by_filter``; the postings are rebuilt on the next query."""
        with self._changing():
            return super().update_by_filter(filters, meta)

    def delete_by_filter(self, filters: dict[str, Any]) -> int:
        """Haystack's ``delete_by_filter``; the postings are rebuilt on the next query."""
        with self._changing():
            return super().delete_by_filter(filters)

    def bm25_retrieval(
        self, query: str, filters: dict[str, Any] | None = None, top_k: int = 10, scale_score: bool = False
    ) -> list[Document]:
        """Haystack's ``bm25_retrieval`` (same arguments, documents and scores), from postings when it can."""
        if filters or self.bm25_algorithm != "BM25L" or self._shared or not query:
            return super().bm25_retrieval(query, filters=filters, top_k=top_k, scale_score=scale_score)
        if self._avg_doc_len == 0:  # no stored document has a token: every score is 0, dropped as Haystack does
            return []
        index = self._index()
        scores = self._bm25l_scores(query, index)
        order = np.argsort(-scores, kind="stable")[:top_k]  # stable: ties keep the store's order, as sorted()
        out = []
        for pos in order:
            score = float(scores[pos])
            if score <= 0.0:  # BM25L scores 0 exactly when no query token occurs in the document
                continue
            doc = self.storage[index.ids[pos]]
            # a copy, as Haystack's to_dict/from_dict round trip gives (which took 0.4 ms per document with 832-d
            # embeddings, as long as the scoring): nothing the caller changes reaches the stored document
            embedding = list(doc.embedding) if self.return_embedding and doc.embedding is not None else None
            out.append(
                replace(
                    doc,
                    score=expit(score / BM25_SCALING_FACTOR) if scale_score else score,
                    meta=copy.deepcopy(doc.meta),
                    embedding=embedding,
                    blob=copy.deepcopy(doc.blob),
                    sparse_embedding=copy.deepcopy(doc.sparse_embedding),
                )
            )
        return out

    def _index(self) -> _Postings:
        """The postings of the documents now stored; built once per change. Postings built while a change ran
        (another thread writing) serve the query that built them but are not kept."""
        cached = self._postings
        if cached is not None and cached[0] == self._generation:
            return cached[1]
        with self._build_lock:
            generation = self._generation
            cached = self._postings
            if cached is not None and cached[0] == generation:
                return cached[1]
            index = self._build()
            if generation % 2 == 0 and self._generation == generation:  # no change began or ended meanwhile
                self._postings = (generation, index)
            return index

    def _build(self) -> _Postings:
        ids = [doc_id for doc_id in self.storage if doc_id in self._bm25_attr]
        positions: dict[str, list[int]] = {}
        counts: dict[str, list[int]] = {}
        for pos, doc_id in enumerate(ids):
            for token, count in self._bm25_attr[doc_id].freq_token.items():
                positions.setdefault(token, []).append(pos)
                counts.setdefault(token, []).append(count)
        postings = {
            t: (np.asarray(p, dtype=np.int64), np.asarray(counts[t], dtype=np.float64)) for t, p in positions.items()
        }
        doc_len = np.asarray([self._bm25_attr[i].doc_len for i in ids], dtype=np.float64)
        return _Postings(ids=ids, doc_len=doc_len, postings=postings)

    def _bm25l_scores(self, query: str, index: _Postings) -> np.ndarray:
        """``InMemoryDocumentStore._score_bm25l`` for every document, term by term in the query's order."""
        k = self.bm25_parameters.get("k1", 1.5)
        b = self.bm25_parameters.get("b", 0.75)
        delta = self.bm25_parameters.get("delta", 0.5)
        n_corpus = len(self._bm25_attr)
        scores = np.zeros(len(index.ids), dtype=np.float64)
        for token in dict.fromkeys(self._tokenize_bm25(query)):  # unique tokens, first-seen order (Haystack's dict)
            found = index.postings.get(token)
            n = self._freq_vocab_for_idf.get(token, 0)
            if found is None or n == 0:
                continue  # the term adds 0.0 to every score
            idf = math.log((n_corpus + 1.0) / (n + 0.5))
            pos, freq = found
            ctd = freq / (1 - b + b * index.doc_len[pos] / self._avg_doc_len)
            scores[pos] += idf * ((1.0 + k) * (ctd + delta) / (k + ctd + delta))
        return scores


def read_saved_store(path: str | Path) -> tuple[dict[str, Any], list[Document]]:
    """The parameters (``to_dict``) and the documents of a file written by an in-memory store's
    ``save_to_disk`` (Haystack's class or this module's)."""
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    documents = [Document.from_dict(d) for d in data.pop("documents")]
    return data, documents


def warm_up_stores(pipeline: Any) -> None:
    """Build the BM25 postings of every :class:`IndexedInMemoryDocumentStore` that ``pipeline``'s components
    hold (servers call it at start, so no user's first query waits for them)."""
    for _, component in pipeline.walk():
        store = getattr(component, "document_store", None)
        if isinstance(store, IndexedInMemoryDocumentStore):
            store.warm_up()
