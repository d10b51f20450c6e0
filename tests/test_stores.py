"""Stores: the embedded default persisted in a work folder, and OpenSearch over the wire.

The OpenSearch tests run against the osmem-server emulator (started by its pytest fixtures) and against
a real cluster when OPENSEARCH_URL is set: the same tests, no fake path.
"""

import os
from pathlib import Path

import pytest
from haystack import Document

from hardneg_haystack.components.indexing import index_documents, open_index
from hardneg_haystack.components.pipelines import build_query_pipeline
from hardneg_haystack.errors import StoreError
from hardneg_haystack.index.stores import StoreConfig, iter_all_documents, open_store, write_documents
from hardneg_haystack.ingest import load_documents


def test_memory_store_persists_and_reloads_without_reembedding(
    beir_dir: Path, tiny_members: list[dict], tmp_path: Path
) -> None:
    docs = load_documents(beir_dir)
    work = tmp_path / "work"
    first = index_documents(docs, work_dir=work, members=tiny_members)
    assert first.written == 8 and first.cache_misses == 24
    store, embedder, manifest = open_index(work)
    assert store.count_documents() == 8 and manifest["dimension"] == 48
    # a second indexing run of the same corpus hits the cache and does not duplicate documents
    second = index_documents(docs, work_dir=work, members=tiny_members)
    assert second.cache_misses == 0 and second.cache_hits == 24
    store, embedder, _ = open_index(work)
    assert store.count_documents() == 8
    pipe = build_query_pipeline(store=store, text_embedder=embedder, top_k=3)
    hits = pipe.run({"text_embedder": {"text": "vpn token"}})["retriever"]["documents"]
    assert len(hits) == 3 and len({h.id for h in hits}) == 3 and hits[0].score >= hits[-1].score


def _os_config(url: str, index: str, **kw) -> StoreConfig:  # type: ignore[no-untyped-def]
    return StoreConfig(url=url, index=index, **kw)


def test_opensearch_indexing_with_explicit_mappings_and_bm25(
    opensearch_url: str, index_name: str, beir_dir: Path, tiny_members: list[dict], tmp_path: Path
) -> None:
    from haystack_integrations.components.retrievers.opensearch import OpenSearchBM25Retriever

    docs = load_documents(beir_dir)
    cfg = _os_config(opensearch_url, index_name)
    res = index_documents(docs, work_dir=tmp_path / "w", store_config=cfg, members=tiny_members)
    assert res.written == 8
    store = open_store(cfg, embedding_dim=48)
    mapping = store._client.indices.get_mapping(index=index_name)[index_name]["mappings"]["properties"]
    assert mapping["embedding"]["type"] == "knn_vector" and mapping["embedding"]["dimension"] == 48
    assert mapping["embedding"]["method"]["space_type"] == "innerproduct"
    assert mapping["content"]["analyzer"] == "english"
    store._client.indices.refresh(index=index_name)
    assert store.count_documents() == 8
    # writing the same corpus again does not duplicate
    index_documents(docs, work_dir=tmp_path / "w", store_config=cfg, members=tiny_members)
    store._client.indices.refresh(index=index_name)
    assert store.count_documents() == 8
    hits = OpenSearchBM25Retriever(document_store=store, top_k=2).run(query="resetting the VPN tokens")["documents"]
    assert hits[0].id == "it-1"  # english analyzer: "resetting"/"tokens" stem to "reset"/"token"
    scanned = list(iter_all_documents(store))
    assert len(scanned) == 8 and all(len(d.embedding) == 48 for d in scanned)
    # the work folder's manifest reopens the OpenSearch index
    store2, _, manifest = open_index(tmp_path / "w")
    assert manifest["store"]["url"] == opensearch_url


def test_opensearch_dimension_mismatch_detected_before_writing(opensearch_url: str, index_name: str) -> None:
    cfg = _os_config(opensearch_url, index_name)
    store = open_store(cfg, embedding_dim=8)
    write_documents(store, [Document(id="a", content="x", embedding=[0.1] * 8)])
    with pytest.raises(StoreError, match=rf"'{index_name}'.*stores 8-d embeddings but the ensemble makes 16-d"):
        open_store(cfg, embedding_dim=16)


def test_unreachable_opensearch_names_the_host() -> None:
    cfg = StoreConfig(url="http://127.0.0.1:9", index="x", timeout=2, max_retries=0)
    with pytest.raises(StoreError, match=r"127\.0\.0\.1:9 is unreachable"):
        open_store(cfg, embedding_dim=8)


@pytest.mark.knn
def test_opensearch_embedding_retrieval(
    opensearch_url: str, index_name: str, beir_dir: Path, tiny_members: list[dict], tmp_path: Path
) -> None:
    docs = load_documents(beir_dir)
    index_documents(
        docs, work_dir=tmp_path / "w", store_config=_os_config(opensearch_url, index_name), members=tiny_members
    )
    store, embedder, _ = open_index(tmp_path / "w")
    store._client.indices.refresh(index=index_name)
    hits = build_query_pipeline(store=store, text_embedder=embedder, top_k=3).run(
        {"text_embedder": {"text": "vpn token"}}
    )["retriever"]["documents"]
    assert len(hits) == 3


def test_opensearch_url_fixture_uses_env_when_set(opensearch_url: str) -> None:
    if os.environ.get("OPENSEARCH_URL"):
        assert opensearch_url == os.environ["OPENSEARCH_URL"]
    else:
        assert opensearch_url.startswith("http://127.0.0.1:")


def test_mining_gives_the_same_negatives_on_both_stores(
    opensearch_url: str, index_name: str, beir_dir: Path, tiny_members: list[dict], tmp_path: Path
) -> None:
    """Ensemble and random negatives are identical on the embedded store and OpenSearch for the same seed;
    BM25 negatives come from each engine's own BM25 and may differ in order, so only their validity is checked."""
    from hardneg_haystack import BM25NegativeMiner, ClusterHardNegativeMiner, RandomNegativeMiner
    from hardneg_haystack.ingest import load_beir_queries

    docs = load_documents(beir_dir)
    queries = load_beir_queries(beir_dir, "train") + load_beir_queries(beir_dir, "test")
    index_documents(docs, work_dir=tmp_path / "mem", members=tiny_members)
    index_documents(
        docs, work_dir=tmp_path / "os", store_config=_os_config(opensearch_url, index_name), members=tiny_members
    )
    mem_store, mem_embedder, _ = open_index(tmp_path / "mem")
    os_store, os_embedder, _ = open_index(tmp_path / "os")
    os_store._client.indices.refresh(index=index_name)

    def negatives(result) -> dict:  # type: ignore[no-untyped-def]
        return {q.query_id: [n for n, _ in q.negatives] for q in result.queries}

    for make in (
        lambda store, emb: RandomNegativeMiner(document_store=store, num_negatives=3, seed=7),
        lambda store, emb: ClusterHardNegativeMiner(
            document_store=store, text_embedder=emb, num_negatives=3, n_clusters=2, seed=7
        ),
    ):
        on_memory = make(mem_store, mem_embedder).run(queries=queries)["result"]
        on_opensearch = make(os_store, os_embedder).run(queries=queries)["result"]
        assert negatives(on_memory) == negatives(on_opensearch) and any(negatives(on_memory).values())
    bm25 = BM25NegativeMiner(document_store=os_store, num_negatives=2).run(queries=queries)["result"]
    ids = {d.id for d in docs}
    assert any(q.negatives for q in bm25.queries)  # a query sharing no term with other documents gets none
    for q in bm25.queries:
        assert all(n in ids and n not in q.positive_ids for n, _ in q.negatives)


def test_random_score_sampler_draws_from_opensearch(
    opensearch_url: str, index_name: str, beir_dir: Path, tiny_members: list[dict], tmp_path: Path
) -> None:
    """OpenSearch draws random negatives with a seeded random_score query: valid, reproducible, seed-dependent."""
    from haystack.document_stores.in_memory import InMemoryDocumentStore

    from hardneg_haystack import RandomNegativeMiner
    from hardneg_haystack.errors import ConfigError
    from hardneg_haystack.ingest import load_beir_queries

    docs = load_documents(beir_dir)
    queries = load_beir_queries(beir_dir, "train") + load_beir_queries(beir_dir, "test")
    index_documents(
        docs, work_dir=tmp_path / "os", store_config=_os_config(opensearch_url, index_name), members=tiny_members
    )
    store, _, _ = open_index(tmp_path / "os")
    store._client.indices.refresh(index=index_name)

    def draw(seed: int) -> dict[str, list[str]]:
        miner = RandomNegativeMiner(document_store=store, sampler="random_score", num_negatives=2, seed=seed)
        out = miner.run(queries=queries)
        assert out["stats"]["sampler"] == "random_score"
        return {q.query_id: [n for n, _ in q.negatives] for q in out["result"].queries}

    first, again, other = draw(1), draw(1), draw(2)
    ids = {d.id for d in docs}
    positives = {q.id: set(q.positive_ids) for q in queries}
    assert first == again and first != other
    assert all(len(n) == 2 and set(n) <= ids and not set(n) & positives[q] for q, n in first.items())
    with pytest.raises(ConfigError, match="OpenSearch"):
        RandomNegativeMiner(document_store=InMemoryDocumentStore(), sampler="random_score")


def test_tls_options_come_from_the_url_and_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from hardneg_haystack.index.stores import connection_options

    monkeypatch.delenv("OPENSEARCH_VERIFY_CERTS", raising=False)
    monkeypatch.delenv("OPENSEARCH_CA_CERTS", raising=False)
    secure = connection_options(StoreConfig(url="https://search.internal:9200"))
    assert secure["use_ssl"] is True and secure["verify_certs"] is True and "ca_certs" not in secure
    assert connection_options(StoreConfig(url="http://localhost:9200"))["use_ssl"] is False
    monkeypatch.setenv("OPENSEARCH_VERIFY_CERTS", "false")
    monkeypatch.setenv("OPENSEARCH_CA_CERTS", "/etc/ssl/corp-ca.pem")
    laptop = connection_options(StoreConfig(url="https://localhost:9200"))
    assert laptop["verify_certs"] is False and laptop["ca_certs"] == "/etc/ssl/corp-ca.pem"
    assert connection_options(StoreConfig(url="https://x:9200", verify_certs=True))["verify_certs"] is True


class _PitClient:
    """A client with OpenSearch's point-in-time API over ``n`` documents (what a 2.4+ cluster answers)."""

    def __init__(self, n: int) -> None:
        self.ids = sorted(f"d{i:03d}" for i in range(n))
        self.bodies: list[dict] = []
        self.deleted: list[str] = []

    def create_pit(self, *, index: str, params: dict) -> dict:
        assert params == {"keep_alive": "5m"}
        return {"pit_id": f"pit-{index}"}

    def search(self, *, body: dict) -> dict:
        self.bodies.append(body)
        assert body["pit"]["id"] == "pit-kb" and body["sort"] == [{"_id": "asc"}]
        start = 0 if "search_after" not in body else self.ids.index(body["search_after"][0]) + 1
        page = self.ids[start : start + body["size"]]
        return {"hits": {"hits": [{"_id": i, "_source": {"content": i}, "sort": [i]} for i in page]}}

    def delete_pit(self, *, body: dict) -> None:
        self.deleted.extend(body["pit_id"])


def test_scan_pages_a_point_in_time_with_search_after_and_closes_it() -> None:
    from hardneg_haystack.index.stores import scan_hits

    client = _PitClient(25)
    hits = list(scan_hits(client, "kb", batch_size=10))
    assert [h["_id"] for h in hits] == client.ids  # every document once, in _id order
    assert [b.get("search_after") for b in client.bodies] == [None, ["d009"], ["d019"]]
    assert client.deleted == ["pit-kb"]
    client = _PitClient(20)  # a last full page: one more request finds nothing
    assert len(list(scan_hits(client, "kb", batch_size=10))) == 20 and len(client.bodies) == 3
