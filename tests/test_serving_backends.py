"""Serving the re-ranker: the backends score like CrossEncoder, the A/B server batches concurrent requests
and answers 503 with Retry-After when it holds its limit."""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from haystack import Document, Pipeline

from hardneg_haystack.ab.batching import MicroBatcher
from hardneg_haystack.errors import ConfigError

PAIRS = [
    ("reset vpn token", "how to reset the vpn token on a laptop"),
    ("disk full alert", "the disk is full"),
    ("reset vpn token", "a long document " * 40),  # truncated at the model's max length
    ("printer jam", "printer"),
]


@pytest.fixture(scope="module")
def cross_encoder_dir(tiny_models: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Path:
    from hardneg_haystack.embedding.models import load_cross_encoder

    folder = tmp_path_factory.mktemp("ce") / "model"
    load_cross_encoder(tiny_models["bert16"], max_length=32).save_pretrained(str(folder))
    return folder


def test_torch_backends_score_like_cross_encoder_predict(cross_encoder_dir: Path) -> None:
    from hardneg_haystack.embedding.models import load_cross_encoder
    from hardneg_haystack.scoring.pair_batches import sorted_batches
    from hardneg_haystack.scoring.rerank_backends import TorchScorer, load_scorer, resolve_backend

    expected = load_cross_encoder(str(cross_encoder_dir), device="cpu").predict(PAIRS, batch_size=2)
    fp32 = TorchScorer(cross_encoder_dir)
    np.testing.assert_allclose(fp32.predict(PAIRS), expected, atol=1e-5)  # one batch, dynamic padding
    np.testing.assert_allclose(fp32.predict(PAIRS, batch_size=3), expected, atol=1e-5)
    logits = fp32.predict(PAIRS, apply_activation=False)
    np.testing.assert_allclose(1 / (1 + np.exp(-logits)), expected, atol=1e-5)
    bf16 = load_scorer(cross_encoder_dir, "torch-bf16")
    assert isinstance(bf16, TorchScorer) and bf16.bf16 and bf16.frozen  # traced and frozen (TorchScript)
    np.testing.assert_allclose(bf16.predict(PAIRS), expected, atol=0.02)  # bf16 weights: close, not equal
    eager = TorchScorer(cross_encoder_dir, bf16=True, freeze=False)
    assert not eager.frozen
    np.testing.assert_allclose(bf16.predict(PAIRS[1:]), eager.predict(PAIRS[1:]), atol=0.02)  # other shapes
    assert fp32.predict([]).shape == (0,)
    assert [list(b) for b in sorted_batches(PAIRS, 2)] == [[2, 0], [1, 3]]  # longest first
    with pytest.raises(ConfigError, match="unknown ranker backend 'tensorrt'"):
        resolve_backend("tensorrt")
    assert resolve_backend(None) == resolve_backend("auto") in ("torch-bf16", "onnx-int8", "torch")


def test_backend_ranker_orders_like_the_torch_ranker_and_swaps_in(cross_encoder_dir: Path) -> None:
    from haystack_integrations.components.rankers.sentence_transformers import SentenceTransformersSimilarityRanker

    from hardneg_haystack import BackendRanker
    from hardneg_haystack.components.pipelines import load_pipeline
    from hardneg_haystack.components.swap import swap_ranker

    docs = [Document(id=str(i), content=d) for i, (_, d) in enumerate(PAIRS)]
    reference = SentenceTransformersSimilarityRanker(model=str(cross_encoder_dir), top_k=3)
    reference.warm_up()
    expected = reference.run(query="reset vpn token", documents=docs)["documents"]
    got = BackendRanker(model=cross_encoder_dir, backend="torch", top_k=3).run(query="reset vpn token", documents=docs)
    assert [d.id for d in got["documents"]] == [d.id for d in expected]
    assert [d.score for d in got["documents"]] == pytest.approx([d.score for d in expected], abs=1e-5)
    yaml = Path(__file__).parents[1] / "pipelines" / "query_bm25_rerank.yaml"
    swapped = swap_ranker(yaml, cross_encoder_dir, backend="torch-bf16")
    ranker = swapped.get_component("ranker")
    assert isinstance(ranker, BackendRanker) and ranker.backend == "torch-bf16"
    assert load_pipeline(swapped.dumps()).to_dict()["components"] == swapped.to_dict()["components"]
    kept = swap_ranker(yaml, cross_encoder_dir, backend="torch").get_component("ranker")
    assert isinstance(kept, SentenceTransformersSimilarityRanker)  # one flag away: the fp32 original


def test_micro_batcher_scores_calls_arriving_together_in_one_batch() -> None:
    release = threading.Event()
    calls: list[tuple[str, list[tuple[str, str]]]] = []

    def score(key: str, pairs: list[tuple[str, str]]) -> np.ndarray:
        calls.append((key, pairs))
        if len(calls) == 1:
            release.wait(5)  # the first batch is busy while the others arrive
        return np.asarray([float(len(d)) for _, d in pairs])

    batcher = MicroBatcher(score, max_wait_s=0.2)
    results: dict[int, np.ndarray] = {}

    def request(i: int, key: str) -> None:
        results[i] = batcher.score(key, [(f"q{i}", "x" * (i * 10 + j)) for j in range(3)])

    first = threading.Thread(target=request, args=(0, "tuned"))
    first.start()
    while not calls:
        time.sleep(0.01)
    others = [threading.Thread(target=request, args=(i, "tuned" if i < 4 else "other")) for i in range(1, 6)]
    for t in others:
        t.start()
    while batcher.stats()["waiting"] < 5:
        time.sleep(0.01)
    release.set()
    for t in [first, *others]:
        t.join(5)
    assert calls[0][0] == "tuned" and len(calls[0][1]) == 3
    assert sorted((k, len(p)) for k, p in calls[1:]) == [("other", 6), ("tuned", 9)]  # the five waiting: one per arm
    for i in range(6):  # each request got its own scores back, in order
        assert results[i].tolist() == [float(i * 10 + j) for j in range(3)]
    stats = batcher.stats()
    assert stats["batches"] == 2 and stats["calls"] == 6 and stats["largest_batch"] == 5
    batcher.close()


def test_micro_batcher_hands_an_error_to_every_caller() -> None:
    def broken(key: str, pairs: list[tuple[str, str]]) -> np.ndarray:
        raise RuntimeError("model gone")

    batcher = MicroBatcher(broken, max_wait_s=0.0)
    with pytest.raises(RuntimeError, match="model gone"):
        batcher.score("a", [("q", "d")])
    batcher.close()


def _ab_pipeline(model: Path) -> Pipeline:
    from haystack.components.retrievers.in_memory import InMemoryBM25Retriever
    from haystack.document_stores.in_memory import InMemoryDocumentStore

    from hardneg_haystack.components.ab import ABRanker

    store = InMemoryDocumentStore()
    store.write_documents([Document(id=f"d{i}", content=d) for i, (_, d) in enumerate(PAIRS)])
    pipe = Pipeline()
    pipe.add_component("retriever", InMemoryBM25Retriever(document_store=store, top_k=4))
    arms = {"bm25": None, "tuned": {"model": str(model)}}
    pipe.add_component("ab", ABRanker(arms=arms, split=[0.0, 1.0], backend="torch", top_k=3))
    pipe.connect("retriever.documents", "ab.documents")
    return pipe


def test_server_holds_at_most_its_limit_and_answers_503_with_retry_after(
    cross_encoder_dir: Path, tmp_path: Path
) -> None:
    import httpx

    from hardneg_haystack.ab.events import EventLog, read_events
    from hardneg_haystack.components.ab_server import create_app

    pipe = _ab_pipeline(cross_encoder_dir)
    ab = pipe.get_component("ab")
    real = ab.score_now
    release = threading.Event()

    def slow(arm: str, pairs: list[tuple[str, str]]) -> np.ndarray:
        release.wait(10)  # the model is busy: the first request stays held
        return real(arm, pairs)

    ab.score_now = slow  # type: ignore[method-assign]
    log = EventLog(tmp_path / "events.jsonl", flush_seconds=0.05)
    app = create_app(pipe, log, max_in_flight=1, batch_wait_ms=5)

    async def scenario() -> tuple[httpx.Response, httpx.Response, dict, dict]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t", timeout=30) as client:
            held = asyncio.create_task(client.post("/search", json={"query": "vpn token", "user_id": "u1"}))
            for _ in range(500):
                health = (await client.get("/health")).json()
                if health["in_flight"] == 1:
                    break
                await asyncio.sleep(0.01)
            busy = await client.post("/search", json={"query": "disk", "user_id": "u2"})
            release.set()
            first = await held
            after = (await client.get("/health")).json()
            return first, busy, health, after

    first, busy, during, after = asyncio.run(scenario())
    assert during["in_flight"] == 1 and during["max_in_flight"] == 1
    assert busy.status_code == 503 and int(busy.headers["Retry-After"]) >= 1
    assert "holds 1 requests" in busy.json()["detail"]
    assert first.status_code == 200 and first.json()["arm"] == "tuned" and first.json()["documents"]
    assert after["in_flight"] == 0 and after["rejected"] == 1 and after["batching"]["calls"] == 1
    log.close()
    assert [e["unit_id"] for e in read_events(tmp_path / "events.jsonl") if e["type"] == "impression"] == ["u1"]
