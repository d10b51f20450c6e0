from pathlib import Path

import pytest
from haystack import Document, Pipeline

from hardneg_haystack import MaxPAggregator, ScoreBlender, TripletTrainer
from hardneg_haystack.components.indexing import index_documents, open_index
from hardneg_haystack.components.pipelines import bind_document_store, build_rerank_pipeline, load_pipeline
from hardneg_haystack.components.swap import find_ranker, swap_ranker
from hardneg_haystack.errors import ConfigError
from hardneg_haystack.ingest import load_documents

ROOT = Path(__file__).parents[1]


def test_score_blender_normalises_and_blends() -> None:
    first = [Document(id="a", content="a", score=10.0), Document(id="b", content="b", score=0.0)]
    ranked = [Document(id="b", content="b", score=5.0), Document(id="a", content="a", score=4.0)]
    assert [d.id for d in ScoreBlender(weight=1.0).run(ranked, first)["documents"]] == ["b", "a"]
    assert [d.id for d in ScoreBlender(weight=0.0).run(ranked, first)["documents"]] == ["a", "b"]
    out = ScoreBlender(weight=0.5, top_k=1).run(ranked, first)["documents"]
    assert len(out) == 1 and out[0].meta["first_stage_score"] in (10.0, 0.0)
    with pytest.raises(ValueError, match="weight"):
        ScoreBlender(weight=1.5)
    assert ScoreBlender.from_dict(ScoreBlender(weight=0.3).to_dict()).weight == 0.3


def test_maxp_keeps_best_chunk_per_parent() -> None:
    docs = [
        Document(id="d1#0", content="x", score=0.2, meta={"parent_id": "d1"}),
        Document(id="d1#1", content="y", score=0.9, meta={"parent_id": "d1"}),
        Document(id="d2", content="z", score=0.5),
    ]
    out = MaxPAggregator(top_k=None).run(docs)["documents"]
    assert [(d.id, d.score, d.meta["best_chunk_id"]) for d in out] == [("d1", 0.9, "d1#1"), ("d2", 0.5, "d2")]


def test_rerank_yaml_files_load_and_swap(tiny_models: dict[str, str], tmp_path: Path) -> None:
    for name in ("query_bm25_rerank.yaml", "query_hybrid_rerank.yaml"):
        pipe = load_pipeline(ROOT / "pipelines" / name)
        before = pipe.to_dict()
        assert find_ranker(pipe) == "ranker"
        swapped = swap_ranker(pipe, tiny_models["bert16"])
        after = swapped.to_dict()
        assert after["components"]["ranker"]["init_parameters"]["model"] == tiny_models["bert16"]
        assert sorted(map(str, after["connections"]), key=str) == sorted(map(str, before["connections"]), key=str)
        for comp in before["components"]:
            if comp != "ranker":
                assert after["components"][comp] == before["components"][comp], comp


def test_swap_errors() -> None:
    pipe = Pipeline()
    pipe.add_component("blender", ScoreBlender(weight=0.5))
    with pytest.raises(ConfigError, match="rankers found: none"):
        swap_ranker(pipe, "minilm")
    with pytest.raises(ConfigError, match="no component"):
        find_ranker(pipe, "nope")


def test_trained_ranker_swapped_into_a_live_pipeline(
    beir_dir: Path, tiny_models: dict[str, str], tiny_members: list[dict], tmp_path: Path
) -> None:
    work = tmp_path / "w"
    index_documents(load_documents(beir_dir), work_dir=work, members=tiny_members)
    store, _, _ = open_index(work)
    rows = [
        {"query_id": f"q{i}", "query": q, "positive": p, "negatives": n}
        for i, (q, p, n) in enumerate(
            [
                ("vpn token", "Reset your VPN token", ["Parental leave policy", "Storage quota"]),
                ("parental leave", "Parental leave policy", ["Reset your VPN token", "Sick leave days"]),
                ("sync conflict", "Sync conflict copy", ["API rate limit", "Printer on the network"]),
                ("rate limit", "API rate limit", ["Sync conflict copy", "Sick leave days"]),
            ]
            * 3
        )
    ]
    trainer = TripletTrainer(
        output_dir=str(tmp_path / "run"),
        base_model=tiny_models["bert16"],
        loss="triplet",
        max_steps=3,
        batch_size=4,
        max_length=32,
        validation_share=0.25,
        eval_steps=3,
        early_stopping_patience=0,
    )
    assert TripletTrainer.from_dict(trainer.to_dict()).config == trainer.config
    out = trainer.run(triplets=rows)
    assert Path(out["model_path"], "hardneg.json").is_file()

    pipe = build_rerank_pipeline(store=store, ranker_model=tiny_models["bert24"], candidates=5, top_k=3)
    retriever_before = pipe.get_component("retriever")
    swap_ranker(pipe, out["model_path"])
    assert pipe.get_component("retriever") is retriever_before  # same object, same documents
    q = "vpn token phone"
    res = pipe.run({"retriever": {"query": q}, "ranker": {"query": q}})
    docs = res["maxp"]["documents"]
    assert 0 < len(docs) <= 3 and {"first_stage_score", "ranker_score"} <= set(docs[0].meta)
    assert pipe.get_component("ranker").model == out["model_path"]

    yaml_pipe = bind_document_store(load_pipeline(ROOT / "pipelines" / "query_bm25_rerank.yaml"), store)
    assert yaml_pipe.get_component("retriever").document_store is store
    with pytest.raises(TypeError, match="unknown parameter"):
        TripletTrainer(output_dir="x", learning_rat=1.0)


def test_eval_rerankers_blend_zero_equals_bm25(
    beir_dir: Path, tiny_models: dict[str, str], tiny_members: list[dict], tmp_path: Path
) -> None:
    from hardneg_haystack.evaluation.rerank import evaluate_rerankers
    from hardneg_haystack.ingest import load_beir_queries

    work = tmp_path / "w"
    index_documents(load_documents(beir_dir), work_dir=work, members=tiny_members)
    store, _, _ = open_index(work)
    queries = load_beir_queries(beir_dir, "train") + load_beir_queries(beir_dir, "test")
    rows = evaluate_rerankers(
        store, queries, {"tiny": tiny_models["bert16"]}, candidates=5, blend_weights={"tiny": 0.0}
    )
    by = {r["system"]: r for r in rows}
    assert list(by) == ["bm25", "tiny", "tiny + bm25 (w=0)"]
    assert by["tiny + bm25 (w=0)"]["ndcg@10"] == pytest.approx(by["bm25"]["ndcg@10"])
    assert all(0.0 <= r["ndcg@10"] <= 1.0 for r in rows)
    # significance against BM25: none for BM25 itself, 1 for a run that IS BM25's order, a p-value otherwise
    assert by["bm25"]["p_vs_bm25"] is None and by["tiny + bm25 (w=0)"]["p_vs_bm25"] == 1.0
    assert 0.0 < by["tiny"]["p_vs_bm25"] <= 1.0


def test_p_vs_bm25_tells_a_better_run_from_noise() -> None:
    from hardneg_haystack.evaluation.rerank import p_vs_bm25

    qrels = {f"q{i}": {"good": 1} for i in range(30)}
    bm25 = {q: {"bad": 2.0, "good": 1.0} for q in qrels}  # the positive at rank 2 everywhere
    better = {q: {"good": 2.0, "bad": 1.0} for q in qrels}  # at rank 1 everywhere
    mixed = {q: (better if i % 2 else bm25)[q] for i, q in enumerate(qrels)}
    p = p_vs_bm25(qrels, {"bm25": bm25, "better": better, "mixed": mixed, "same": dict(bm25)})
    assert p["better"] < 0.01 and p["mixed"] < 0.05 and p["same"] == 1.0
    few = {q: qrels[q] for q in list(qrels)[:2]}
    assert p_vs_bm25(few, {"bm25": bm25, "better": better})["better"] > 0.05  # two queries prove nothing


def test_swapped_yaml_round_trips(tiny_models: dict[str, str]) -> None:
    swapped = swap_ranker(ROOT / "pipelines" / "query_bm25_rerank.yaml", tiny_models["bert16"])
    again, original = load_pipeline(swapped.dumps()).to_dict(), swapped.to_dict()
    assert again["components"] == original["components"]
    key = lambda c: (c["sender"], c["receiver"])  # noqa: E731
    assert sorted(again["connections"], key=key) == sorted(original["connections"], key=key)


def test_fused_yaml_pipeline_runs_on_a_work_folder(
    beir_dir: Path, tiny_models: dict[str, str], tiny_members: list[dict], tmp_path: Path
) -> None:
    import json

    from hardneg_haystack.components.pipelines import build_fused_pipeline, load_query_pipeline

    work = tmp_path / "w"
    index_documents(load_documents(beir_dir), work_dir=work, members=tiny_members)
    model = tmp_path / "model"
    from hardneg_haystack.embedding.models import load_cross_encoder

    load_cross_encoder(tiny_models["bert16"]).save(str(model))
    (model / "hardneg.json").write_text(json.dumps({"fusion_weights": {"bm25": 1.0, "dense": 0.0, "cross-encoder": 0}}))
    text = (ROOT / "pipelines" / "query_fused.yaml").read_text().replace("runs/demo/rankers/ensemble/model", str(model))
    pipe = load_query_pipeline(text, work_dir=work)
    store, embedder, _ = open_index(work)
    assert pipe.get_component("text_embedder").ensemble.to_dict() == embedder.ensemble.to_dict()  # index's own
    assert pipe.get_component("fuser").weights == {"bm25": 1.0, "dense": 0.0, "cross-encoder": 0.0}
    q = "vpn token phone"
    inputs = {"text_embedder": {"text": q}, "retriever": {"query": q}, "ranker": {"query": q}}
    docs = pipe.run(inputs)["maxp"]["documents"]
    assert docs and {"bm25_score", "dense_score", "ranker_score"} <= set(docs[0].meta)
    assert docs[0].meta["bm25_score"] == max(d.meta["bm25_score"] for d in docs)  # all weight on BM25
    assert any(d.meta["dense_score"] != 0.0 for d in docs)  # the store returned embeddings: dense is real
    built = build_fused_pipeline(
        store=store, ranker_model=str(model), text_embedder=embedder, candidates=30, union=True
    )
    res = built.run(inputs)  # the YAML's candidates (the union): the same ranking, ties (BM25 score 0) included
    assert [(d.id, d.score) for d in res["maxp"]["documents"]] == [(d.id, d.score) for d in docs]


def test_swapping_a_fused_pipelines_model_keeps_the_measured_scoring(tiny_models: dict[str, str]) -> None:
    """`hardneg serve --ranker-model` and `swap-ranker` (backend auto) on a fused pipeline keep `torch-amp`: its
    fusion weights were fitted on exactly those scores."""
    from hardneg_haystack.components.backend_ranker import BackendRanker

    ranker = swap_ranker(ROOT / "pipelines" / "query_fused.yaml", tiny_models["bert16"]).get_component("ranker")
    assert isinstance(ranker, BackendRanker) and (ranker.backend, ranker.batch_size) == ("torch-amp", 32)
    assert ranker.model == tiny_models["bert16"] and ranker.scale_score
