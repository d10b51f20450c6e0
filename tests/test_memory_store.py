"""The embedded store's BM25 postings: Haystack's documents, scores and order, and fresh after every change."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from haystack import Document
from haystack.document_stores.in_memory import InMemoryDocumentStore
from haystack.document_stores.types import DuplicatePolicy

from hardneg_haystack.index.memory_store import IndexedInMemoryDocumentStore

WORDS = [
    *("vpn", "token", "reset", "laptop", "disk", "full", "alert", "printer", "jam"),
    *("database", "failover", "replica", "region", "the", "a", "of"),
]


def _docs(n: int, seed: int = 0) -> list[Document]:
    rng = random.Random(seed)
    docs = [Document(id=f"d{i}", content=" ".join(rng.choices(WORDS, k=rng.randint(1, 30)))) for i in range(n)]
    docs += [Document(id="same1", content="printer jam"), Document(id="same2", content="printer jam")]  # a tie
    docs += [Document(id="empty", content=""), Document(id="none", content=None, meta={"x": 1})]
    return docs


def _pair(docs: list[Document]) -> tuple[InMemoryDocumentStore, IndexedInMemoryDocumentStore]:
    plain, fast = InMemoryDocumentStore(shared=False), IndexedInMemoryDocumentStore(shared=False)
    plain.write_documents(docs)
    fast.write_documents([Document.from_dict(d.to_dict()) for d in docs])  # its own copies: no shared objects
    return plain, fast


QUERIES = ["printer jam", "vpn vpn token", "unknownword", "the failover of the replica", "Disk FULL alert!", "a"]


@pytest.mark.parametrize("top_k", [1, 5, 100])
@pytest.mark.parametrize("scale_score", [False, True])
def test_same_documents_scores_and_order_as_haystack(top_k: int, scale_score: bool) -> None:
    plain, fast = _pair(_docs(60))
    for query in QUERIES:
        want = plain.bm25_retrieval(query, top_k=top_k, scale_score=scale_score)
        got = fast.bm25_retrieval(query, top_k=top_k, scale_score=scale_score)
        assert [(d.id, d.score) for d in got] == [(d.id, d.score) for d in want], query  # bit-identical
        assert got == want  # every field: content, meta, embedding
    assert fast.bm25_retrieval("unknownword") == []
    with pytest.raises(ValueError, match="empty"):
        fast.bm25_retrieval("")


def test_postings_follow_every_change() -> None:
    plain, fast = _pair(_docs(30))

    def same(query: str = "printer jam kubernetes") -> None:
        got = fast.bm25_retrieval(query, top_k=100)
        assert [(d.id, d.score) for d in got] == [(d.id, d.score) for d in plain.bm25_retrieval(query, top_k=100)]

    same()  # builds the postings
    new = [Document(id="n1", content="kubernetes pod eviction"), Document(id="d3", content="printer printer jam")]
    changes = [
        lambda s: s.write_documents(new, policy=DuplicatePolicy.OVERWRITE),
        lambda s: s.delete_documents(["same1"]),
        lambda s: s.delete_by_filter({"field": "id", "operator": "==", "value": "d4"}),
        lambda s: s.update_by_filter({"field": "id", "operator": "==", "value": "d5"}, {"team": 1}),
        lambda s: s.delete_all_documents(),
    ]
    for change in changes:
        change(plain)
        change(fast)
        same()  # a query between every change
    assert fast.bm25_retrieval("printer") == []


def test_postings_built_while_a_write_runs_are_not_kept() -> None:
    plain, fast = _pair(_docs(20))
    build = fast._build
    late = [Document(id="late", content="kubernetes eviction")]

    def build_racing_a_write() -> object:
        index = build()
        fast._build = build  # only once
        fast.write_documents(late)  # another thread writes while this query builds
        return index

    fast._build = build_racing_a_write  # type: ignore[method-assign]
    fast.bm25_retrieval("printer")
    plain.write_documents(late)
    assert [d.id for d in fast.bm25_retrieval("kubernetes")] == [d.id for d in plain.bm25_retrieval("kubernetes")]
    assert fast.bm25_retrieval("kubernetes")[0].id == "late"


def test_results_are_copies() -> None:
    doc = Document(id="m", content="printer jam", meta={"tags": ["a"]}, embedding=[0.1, 0.2])
    plain, fast = _pair([doc])
    got = fast.bm25_retrieval("printer")
    assert got == plain.bm25_retrieval("printer")
    got[0].meta["tags"].append("changed")  # nested values too: nothing reaches the stored document
    got[0].embedding.append(1.0)
    assert fast.bm25_retrieval("printer") == plain.bm25_retrieval("printer")


def test_serialised_as_haystacks_store_and_back(tmp_path: Path) -> None:
    _, fast = _pair(_docs(10))
    data = fast.to_dict()
    assert data["type"] == "haystack.document_stores.in_memory.document_store.InMemoryDocumentStore"
    assert type(InMemoryDocumentStore.from_dict(data)) is InMemoryDocumentStore  # plain Haystack loads it
    again = IndexedInMemoryDocumentStore.from_dict(data)
    assert isinstance(again, IndexedInMemoryDocumentStore) and again.to_dict() == data
    fast.save_to_disk(str(tmp_path / "store.json"))
    loaded = IndexedInMemoryDocumentStore.load_from_disk(str(tmp_path / "store.json"))
    assert loaded.bm25_retrieval("printer jam", top_k=50) == fast.bm25_retrieval("printer jam", top_k=50)
    positional = IndexedInMemoryDocumentStore(r"(?u)\b\w+\b", "BM25L")  # Haystack's signature
    assert positional.bm25_algorithm == "BM25L"


def test_filtered_queries_and_embeddings_behave_as_haystack() -> None:
    docs = [
        Document(id=f"e{i}", content=f"printer jam {i}", meta={"team": i % 2}, embedding=[0.1, float(i)])
        for i in range(6)
    ]
    plain, fast = _pair(docs)
    flt = {"field": "meta.team", "operator": "==", "value": 1}
    assert [d.id for d in fast.bm25_retrieval("printer", filters=flt)] == [
        d.id for d in plain.bm25_retrieval("printer", filters=flt)
    ]
    assert fast.bm25_retrieval("printer") == plain.bm25_retrieval("printer")
    lean = IndexedInMemoryDocumentStore(shared=False, return_embedding=False)
    lean.write_documents(docs)
    assert all(d.embedding is None for d in lean.bm25_retrieval("printer"))


def test_open_store_reads_a_file_saved_by_haystacks_own_store(tmp_path: Path) -> None:
    from hardneg_haystack.index.stores import STORE_FILE, StoreConfig, open_store, persist_store

    old = InMemoryDocumentStore(shared=False)
    old.write_documents(_docs(10))
    old.save_to_disk(str(tmp_path / STORE_FILE))
    assert json.loads((tmp_path / STORE_FILE).read_text())["type"].endswith(".InMemoryDocumentStore")
    config = StoreConfig(url="memory", work_dir=str(tmp_path))
    store = open_store(config)
    assert isinstance(store, IndexedInMemoryDocumentStore) and store.count_documents() == old.count_documents()
    assert [d.id for d in store.bm25_retrieval("printer jam")] == [d.id for d in old.bm25_retrieval("printer jam")]
    persist_store(store, config)  # saved by our class: reopens too
    assert open_store(config).count_documents() == old.count_documents()


def test_warm_up_builds_the_postings_before_the_first_query() -> None:
    from haystack import Pipeline
    from haystack.components.retrievers.in_memory import InMemoryBM25Retriever

    from hardneg_haystack.index.memory_store import warm_up_stores

    _, fast = _pair(_docs(5))
    pipe = Pipeline()
    pipe.add_component("bm25", InMemoryBM25Retriever(document_store=fast))
    assert fast._postings is None
    warm_up_stores(pipe)  # what the A/B server and the Hayhooks wrappers call at start
    built = fast._postings
    assert built is not None
    fast.bm25_retrieval("printer")
    assert fast._postings is built  # the query used them, nothing was rebuilt
