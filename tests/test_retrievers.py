"""AnalyzedBM25Retriever serves the BM25 the experiment measures (stemmed, rank-bm25) on the embedded store."""

from __future__ import annotations

import pytest
from haystack import Document, Pipeline
from haystack.components.retrievers.in_memory import InMemoryBM25Retriever

from hardneg_haystack.components.pipelines import load_pipeline
from hardneg_haystack.components.retrievers import AnalyzedBM25Retriever
from hardneg_haystack.errors import ConfigError
from hardneg_haystack.evaluation.first_stage import bm25_lists
from hardneg_haystack.index.memory_store import IndexedInMemoryDocumentStore
from hardneg_haystack.ingest.queries import LabelledQuery
from hardneg_haystack.mining.corpus import load_corpus

TEXTS = [
    "Vitamin C deficiency causes scurvy in sailors",
    "Scurvy was cured by eating citrus fruits",
    "Deficient vitamin intake and bone density",
    "Reset your VPN token before travelling",
    "The VPN times out when the token expires",
    "Parental leave: weeks of paid leave for parents",
    "Running shoes and runners' injuries",
    "A runner injured while running a marathon",
]
QUERIES = ["deficient in vitamins", "vpn tokens expiring", "runners injury", "leave weeks", "nothing matches zzz"]


@pytest.fixture
def store() -> IndexedInMemoryDocumentStore:
    s = IndexedInMemoryDocumentStore(shared=False)
    s.write_documents([Document(id=f"d{i}", content=t, meta={"parent_id": f"d{i}"}) for i, t in enumerate(TEXTS)])
    return s


def test_returns_the_experiments_bm25_lists(store: IndexedInMemoryDocumentStore) -> None:
    corpus = load_corpus(store, need_embeddings=False)
    expected = bm25_lists(corpus, store, [LabelledQuery(f"q{i}", q) for i, q in enumerate(QUERIES)], 5)
    retriever = AnalyzedBM25Retriever(document_store=store, top_k=5)
    for query, want in zip(QUERIES, expected, strict=True):
        got = retriever.run(query=query)["documents"]
        assert [(d.id, d.score) for d in got] == [(corpus.ids[i], s) for i, s in want]


def test_stems_where_haystacks_in_memory_bm25_does_not(store: IndexedInMemoryDocumentStore) -> None:
    ours = AnalyzedBM25Retriever(document_store=store, top_k=2).run(query="deficient vitamins")["documents"]
    theirs = InMemoryBM25Retriever(document_store=store, top_k=2).run(query="deficient vitamins")["documents"]
    assert {d.id for d in ours} == {"d0", "d2"}  # "deficiency" and "vitamin" match through their stems
    assert [d.id for d in theirs] == ["d2"]  # only the literal "deficient" matches


def test_rebuilds_when_the_store_changes_and_copies_documents(store: IndexedInMemoryDocumentStore) -> None:
    retriever = AnalyzedBM25Retriever(document_store=store, top_k=1)
    assert retriever.run(query="kubernetes cluster")["documents"][0].score == 0.0
    store.write_documents([Document(id="new", content="A Kubernetes cluster upgrade", meta={"parent_id": "new"})])
    hit = retriever.run(query="kubernetes cluster")["documents"][0]
    assert hit.id == "new" and hit.score > 0
    hit.meta["touched"] = True  # a caller's change never reaches the stored document
    assert "touched" not in store.storage["new"].meta
    assert retriever.run(query="kubernetes", top_k=3)["documents"][0].id == "new"
    assert retriever.run(query="   ")["documents"] == []


def test_round_trips_through_a_pipeline_yaml(store: IndexedInMemoryDocumentStore) -> None:
    pipe = Pipeline()
    pipe.add_component("retriever", AnalyzedBM25Retriever(document_store=store, top_k=3, analyzer="plain"))
    loaded = load_pipeline(pipe.dumps()).get_component("retriever")
    assert isinstance(loaded, AnalyzedBM25Retriever)
    assert (loaded.top_k, loaded.analyzer) == (3, "plain")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"top_k": 0}, "top_k must be >= 1"), ({"analyzer": "french"}, "analyzer must be one of english, plain")],
)
def test_refuses_bad_settings(store: IndexedInMemoryDocumentStore, kwargs: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        AnalyzedBM25Retriever(document_store=store, **kwargs)


def test_refuses_a_store_that_is_not_in_memory() -> None:
    with pytest.raises(ConfigError, match="needs an InMemoryDocumentStore, got object"):
        AnalyzedBM25Retriever(document_store=object())  # type: ignore[arg-type]
