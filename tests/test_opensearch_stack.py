"""OpenSearch as the running stack: retriever binding, the OpenSearch query pipelines, the A/B server and its
event index, over the wire against the osmem-server emulator (a real cluster when OPENSEARCH_URL is set; the
``knn`` tests run only there)."""

from __future__ import annotations

import shutil
import threading
import time
from pathlib import Path

import pytest
from haystack import Pipeline, component

from hardneg_haystack.ab.events import EventLog, read_events
from hardneg_haystack.components.binding import CONTENT_QUERY, bind_document_store
from hardneg_haystack.components.indexing import index_documents, open_index
from hardneg_haystack.components.pipelines import load_pipeline, load_query_pipeline
from hardneg_haystack.errors import ConfigError
from hardneg_haystack.index.stores import StoreConfig
from hardneg_haystack.ingest import load_documents

ROOT = Path(__file__).parents[1]
OS_PIPELINES = ROOT / "pipelines" / "opensearch"


@pytest.fixture
def os_work(opensearch_url: str, index_name: str, beir_dir: Path, tiny_members: list[dict], tmp_path: Path) -> Path:
    """An OpenSearch work folder: the tiny BEIR corpus indexed with the tiny ensemble."""
    work = tmp_path / "os"
    cfg = StoreConfig(url=opensearch_url, index=index_name)
    index_documents(load_documents(beir_dir), work_dir=work, store_config=cfg, members=tiny_members)
    return work


def _kinds(pipe: Pipeline) -> dict[str, str]:
    return {name: type(comp).__name__ for name, comp in pipe.walk()}


def test_binding_picks_the_retriever_class_of_the_store(
    os_work: Path, beir_dir: Path, tiny_members: list[dict], tmp_path: Path
) -> None:
    from haystack.components.retrievers.in_memory import InMemoryBM25Retriever

    index_documents(load_documents(beir_dir), work_dir=tmp_path / "mem", members=tiny_members)
    mem_store = open_index(tmp_path / "mem")[0]
    os_store = open_index(os_work)[0]
    # in-memory YAML -> OpenSearch work folder: every retriever becomes the OpenSearch class, connections kept
    pipe = load_pipeline(ROOT / "pipelines" / "query_hybrid_rerank.yaml")
    connections = sorted((c["sender"], c["receiver"]) for c in pipe.to_dict()["connections"])
    bind_document_store(pipe, os_store)
    kinds = _kinds(pipe)
    assert kinds["retriever"] == "OpenSearchBM25Retriever"
    assert kinds["embedding_retriever"] == "OpenSearchEmbeddingRetriever"
    assert sorted((c["sender"], c["receiver"]) for c in pipe.to_dict()["connections"]) == connections
    bm25 = pipe.get_component("retriever")
    assert bm25._document_store is os_store and bm25._top_k == 20 and bm25._custom_query == CONTENT_QUERY
    # a filtered in-memory BM25 retriever keeps its filters on OpenSearch
    filtered = Pipeline()
    only_hr = {"field": "meta.parent_id", "operator": "in", "value": ["hr-1", "hr-2"]}
    filtered.add_component("bm25", InMemoryBM25Retriever(document_store=mem_store, filters=only_hr, top_k=5))
    bind_document_store(filtered, os_store)
    hits = filtered.run({"bm25": {"query": "leave days vpn token"}})["bm25"]["documents"]
    assert hits and {d.id for d in hits} <= {"hr-1", "hr-2"}
    # and back: the OpenSearch YAML on an embedded work folder gets in-memory retrievers on that store
    pipe = bind_document_store(load_pipeline(OS_PIPELINES / "query_hybrid.yaml"), mem_store)
    assert _kinds(pipe)["retriever"] == "AnalyzedBM25Retriever"
    assert pipe.get_component("embedding_retriever").document_store is mem_store
    # an OpenSearch retriever setting the embedded store cannot honour is refused, naming the component
    from haystack_integrations.components.retrievers.opensearch import OpenSearchBM25Retriever

    fuzzy = Pipeline()
    fuzzy.add_component("fuzzy_bm25", OpenSearchBM25Retriever(document_store=os_store, fuzziness="AUTO"))
    with pytest.raises(ConfigError, match=r"'fuzzy_bm25' \(OpenSearchBM25Retriever\) sets fuzziness"):
        bind_document_store(fuzzy, mem_store)

    @component
    class MemoryOnly:  # a component tied to the embedded store that has no OpenSearch counterpart
        def __init__(self, document_store: object) -> None:
            self.document_store = document_store

        @component.output_types(n=int)
        def run(self, query: str) -> dict:
            return {"n": 0}

    odd = Pipeline()
    odd.add_component("lookup", MemoryOnly(document_store=mem_store))
    odd.add_component("bm25", InMemoryBM25Retriever(document_store=mem_store))
    with pytest.raises(ConfigError, match=r"component 'lookup' \(MemoryOnly\) reads a \w*InMemoryDocumentStore"):
        bind_document_store(odd, os_store)


def test_opensearch_yaml_pipelines_load_and_take_the_store_from_their_parameters(
    monkeypatch: pytest.MonkeyPatch, os_work: Path, opensearch_url: str, index_name: str
) -> None:
    names = sorted(p.name for p in OS_PIPELINES.glob("*.yaml"))
    assert names == [
        "query_ab.yaml", "query_bm25.yaml", "query_bm25_rerank.yaml", "query_embedding.yaml",
        "query_hybrid.yaml", "query_hybrid_rerank.yaml",
    ]  # fmt: skip
    monkeypatch.setenv("OPENSEARCH_USERNAME", "reader")
    monkeypatch.setenv("OPENSEARCH_PASSWORD", "s3cret")
    for name in names:
        pipe = load_pipeline(OS_PIPELINES / name)
        store = pipe.get_component("retriever")._document_store
        assert store._hosts == "https://localhost:9200" and store._index == "kb" and store._create_index is False
        assert store._resolve_http_auth() == ["reader", "s3cret"]  # Secrets from the environment
        assert "s3cret" not in pipe.dumps()  # never serialised
    # the BM25 YAML as written, pointed at this cluster and index by its own parameters, runs over the wire
    monkeypatch.delenv("OPENSEARCH_USERNAME")
    monkeypatch.delenv("OPENSEARCH_PASSWORD")
    text = (OS_PIPELINES / "query_bm25.yaml").read_text()
    text = text.replace("https://localhost:9200", opensearch_url).replace("index: kb", f"index: {index_name}")
    hits = load_pipeline(text).run({"retriever": {"query": "resetting the VPN tokens"}})["maxp"]["documents"]
    assert hits[0].id == "it-1" and len({d.id for d in hits}) == len(hits)  # one entry per document
    # bound to the work folder instead: its cluster and index
    pipe = load_query_pipeline(OS_PIPELINES / "query_bm25.yaml", work_dir=os_work)
    assert pipe.get_component("retriever")._document_store._index == index_name
    assert pipe.run({"retriever": {"query": "parental leave"}})["maxp"]["documents"][0].id == "hr-1"


def test_bm25_rerank_yaml_runs_on_an_opensearch_work_folder(os_work: Path, tiny_models: dict[str, str]) -> None:
    from hardneg_haystack.components.swap import swap_ranker

    pipe = load_query_pipeline(OS_PIPELINES / "query_bm25_rerank.yaml", work_dir=os_work)
    pipe = swap_ranker(pipe, tiny_models["bert16"])
    q = "api rate limit error"
    docs = pipe.run({"retriever": {"query": q}, "ranker": {"query": q}})["maxp"]["documents"]
    assert docs and "pr-3" in [d.id for d in docs]
    # the in-memory rerank YAML bound to the same folder runs the same way (the reproduction's failure mode)
    pipe = load_query_pipeline(ROOT / "pipelines" / "query_bm25_rerank.yaml", work_dir=os_work)
    pipe = swap_ranker(pipe, tiny_models["bert16"])
    assert pipe.run({"retriever": {"query": q}, "ranker": {"query": q}})["maxp"]["documents"]


@pytest.mark.knn
@pytest.mark.parametrize("name", ["query_embedding.yaml", "query_hybrid.yaml"])
def test_knn_yaml_pipelines_on_a_real_cluster(os_work: Path, name: str) -> None:
    pipe = load_query_pipeline(OS_PIPELINES / name, work_dir=os_work)
    data = {"text_embedder": {"text": "vpn token"}} | (
        {"retriever": {"query": "vpn token"}} if "hybrid" in name else {}
    )
    out = pipe.run(data)
    docs = out["joiner" if "hybrid" in name else "retriever"]["documents"]
    assert docs and len({d.id for d in docs}) == len(docs)


def test_event_index_sink_is_append_only_and_loses_nothing_on_a_clean_stop(
    opensearch_url: str, index_name: str, tmp_path: Path
) -> None:
    from hardneg_haystack.ab.opensearch_events import OpenSearchEventSink, read_index_events

    events_index = f"{index_name}-events"
    sink = OpenSearchEventSink(url=opensearch_url, index=events_index)
    log = EventLog(tmp_path / "events.jsonl", sinks=[sink], flush_seconds=0.05)
    rid = log.impression(arm="A", query="q", unit_id="u", documents=["d1", "d2"])
    log.click(rid, document_id="d2", position=1)

    def burst(n: int) -> None:
        for i in range(n):
            log.impression(arm="B", query=f"q{i}", unit_id=f"u{i}", documents=["d1"])

    threads = [threading.Thread(target=burst, args=(40,)) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    log.close()  # clean stop: everything reaches both sinks
    indexed = read_index_events(opensearch_url, events_index)
    assert len(indexed) == 122 and sum(e["type"] == "click" for e in indexed) == 1
    assert sorted(e["event_id"] for e in indexed) == sorted(
        e["event_id"] for e in read_events(tmp_path / "events.jsonl")
    )
    sink.append(indexed[:5])  # a retried batch: created once, never duplicated or overwritten
    assert len(read_index_events(opensearch_url, events_index)) == 122
    # reopened on the index alone, the log knows the request ids already served
    with EventLog(sinks=[OpenSearchEventSink(url=opensearch_url, index=events_index)]) as again:
        again.click(rid, document_id="d1", position=0)
    assert len(read_index_events(opensearch_url, events_index)) == 123


def _tiny_demo_ranker(root: Path, tiny_models: dict[str, str]) -> Path:
    """What `make demo` leaves at runs/demo/rankers/ensemble/model (the default A/B pipeline's tuned arm)."""
    model = root / "runs" / "demo" / "rankers" / "ensemble" / "model"
    shutil.copytree(tiny_models["bert16"], model)
    return model


def _serve(app: object) -> tuple[str, object, threading.Thread]:
    import socket

    import httpx
    import uvicorn

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            if httpx.get(f"{url}/health").status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.1)
    return url, server, thread


def test_ab_serve_default_pipeline_on_an_opensearch_work_folder(
    monkeypatch: pytest.MonkeyPatch, os_work: Path, opensearch_url: str, index_name: str,
    tiny_models: dict[str, str], tmp_path: Path,
) -> None:  # fmt: skip
    import httpx
    from typer.testing import CliRunner

    from hardneg_haystack.ab.opensearch_events import OpenSearchEventSink
    from hardneg_haystack.ab.report import ab_report
    from hardneg_haystack.cli import app
    from hardneg_haystack.components.ab_server import create_app, load_ab_pipeline

    monkeypatch.chdir(tmp_path)
    _tiny_demo_ranker(tmp_path, tiny_models)
    pipe = load_ab_pipeline(ROOT / "pipelines" / "query_ab.yaml", os_work)  # the default of `hardneg ab serve`
    assert _kinds(pipe)["retriever"] == "OpenSearchBM25Retriever"
    events, events_index = tmp_path / "events.jsonl", f"{index_name}-ab"
    log = EventLog(events, sinks=[OpenSearchEventSink(url=opensearch_url, index=events_index)], flush_seconds=0.2)
    url, server, thread = _serve(create_app(pipe, log))
    served: dict[str, int] = {}
    try:
        for i in range(12):  # enough users to reach both arms (BM25's order and the re-ranker)
            resp = httpx.post(f"{url}/search", json={"query": "reset VPN token", "user_id": f"u{i}"}, timeout=30)
            assert resp.status_code == 200, resp.text
            r = resp.json()
            ids = [d["id"] for d in r["documents"]]
            assert ids and set(ids) <= {"it-1", "it-2", "it-3", "hr-1", "hr-2", "pr-1", "pr-2", "pr-3"}
            served[r["arm"]] = served.get(r["arm"], 0) + 1
            if ids[0] == "it-1" or i % 3 == 0:
                click = {"request_id": r["request_id"], "document_id": ids[0], "position": 0}
                assert httpx.post(f"{url}/feedback", json=click).status_code == 200
        missing = {"request_id": "nope", "document_id": "it-1", "position": 0}
        assert httpx.post(f"{url}/feedback", json=missing).status_code == 404
    finally:
        server.should_exit = True
        thread.join(timeout=10)
    assert set(served) == {"bm25", "tuned"}
    from_file = ab_report(events)
    assert from_file["requests"] == 12 and from_file["clicks"] >= 4 and set(from_file["arms"]) == {"bm25", "tuned"}
    result = CliRunner().invoke(
        app, ["ab", "report", "--events-index", events_index, "--store", opensearch_url, "--out-dir", "rep"]
    )
    assert result.exit_code == 0, result.output
    assert "12 requests" in result.output and "verdict" in result.output
    import json

    from_index = json.loads((tmp_path / "rep" / "ab_report.json").read_text())
    assert from_index["arms"] == from_file["arms"] and from_index["clicks"] == from_file["clicks"]


def test_cluster_settings_reach_the_new_index_and_bulk_loading_restores_refresh(
    opensearch_url: str, index_name: str, beir_dir: Path, tiny_members: list[dict], tmp_path: Path
) -> None:
    """issue 29: shards, replicas and HNSW parameters of a new index; refresh off while writing, then restored."""
    from hardneg_haystack.index.stores import bulk_loading, open_store, opensearch_client, scan_hits

    cfg = StoreConfig(url=opensearch_url, index=index_name, shards=2, replicas=0, hnsw_m=24, ef_construction=128,
                      ef_search=64)  # fmt: skip
    res = index_documents(load_documents(beir_dir), work_dir=tmp_path / "os", store_config=cfg, members=tiny_members)
    client = opensearch_client(cfg)
    index = next(iter(client.indices.get_settings(index=index_name).values()))["settings"]["index"]
    assert str(index["number_of_shards"]) == "2" and str(index["number_of_replicas"]) == "0"
    assert str(index.get("refresh_interval", "1s")) != "-1"  # restored after the bulk load
    method = next(iter(client.indices.get_mapping(index=index_name).values()))["mappings"]["properties"]["embedding"]
    assert method["method"]["parameters"] == {"m": 24, "ef_construction": 128}
    assert client.count(index=index_name)["count"] == res.written  # searchable without a manual refresh
    store = open_store(cfg, embedding_dim=res.dimension)
    with bulk_loading(store, cfg):
        inside = next(iter(client.indices.get_settings(index=index_name).values()))["settings"]["index"]
        assert str(inside["refresh_interval"]) == "-1"
    # the miners' full scan: a point in time with search_after pages on a cluster that has one (OpenSearch 2.4+),
    # a scroll where it has not (the emulator); every entry once, whichever path answers

    ids = [h["_id"] for h in scan_hits(client, index_name, batch_size=3)]
    assert len(ids) == len(set(ids)) == res.written
    with pytest.raises(ConfigError, match="replicas"):
        StoreConfig(url=opensearch_url, replicas=-1)
