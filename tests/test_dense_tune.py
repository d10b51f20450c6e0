"""Tuning one ensemble member on mined tuples: rows, the kept epoch, the saved result."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hardneg_haystack.errors import ConfigError
from hardneg_haystack.training.dense_tune import DenseTuneConfig, training_rows, tune_member

NTUPLES = [
    {"query_id": f"q{i}", "query": f"reset vpn token {i}", "positive": f"how to reset the vpn token, case {i}",
     "negatives": [f"printer setup {i}", f"parental leave {i}"]}
    for i in range(6)
]  # fmt: skip


def test_training_rows_leave_out_held_queries_and_short_tuples() -> None:
    rows = training_rows([*NTUPLES, {**NTUPLES[0], "query_id": "short", "negatives": ["x"]}], 2, {"q1", "q2"})
    assert [r["anchor"] for r in rows] == ["reset vpn token 0", "reset vpn token 3", "reset vpn token 4",
                                           "reset vpn token 5"]  # fmt: skip
    assert set(rows[0]) == {"anchor", "positive", "negative_0", "negative_1"}
    assert rows[0]["negative_1"] == "parental leave 0"


@pytest.mark.parametrize("scores,best", [([0.2, 0.5, 0.4], 1), ([0.5, 0.5, 0.4], 0)])
def test_the_best_epoch_on_validation_is_kept_and_epoch_0_counts(
    tiny_models: dict[str, str], tmp_path: Path, scores: list[float], best: int
) -> None:
    seen: list[float] = []
    feed = iter(scores)
    cfg = DenseTuneConfig(epochs=2, batch_size=2, max_length=16, precision="fp32")
    res = tune_member(
        tiny_models["bert16"], training_rows(NTUPLES, 1, set()), tmp_path / "dense", cfg,
        evaluate=lambda model: next(feed), on_epoch=lambda e, s: seen.append(s),
    )  # fmt: skip
    assert res.curve == seen == scores and res.best_epoch == best
    assert (res.model_dir is not None) == (best > 0)
    assert (tmp_path / "dense" / "model").is_dir() == (best > 0)
    saved = json.loads((tmp_path / "dense" / "dense_tune.json").read_text())
    assert saved["best_epoch"] == best and saved["config"]["epochs"] == 2 and saved["train_pairs"] == 6


def test_the_tuned_model_moves_and_bad_configs_fail(tiny_models: dict[str, str], tmp_path: Path) -> None:
    from hardneg_haystack.embedding.models import load_sentence_transformer

    before = load_sentence_transformer(tiny_models["bert16"]).encode(["reset vpn token 1"])
    feed = iter([0.0, 1.0])
    res = tune_member(
        tiny_models["bert16"], training_rows(NTUPLES, 1, set()), tmp_path / "d",
        DenseTuneConfig(epochs=1, batch_size=3, max_length=16, learning_rate=1e-2, precision="fp32"),
        evaluate=lambda model: next(feed),
    )  # fmt: skip
    after = load_sentence_transformer(str(res.model_dir)).encode(["reset vpn token 1"])
    assert abs(after - before).max() > 1e-4
    with pytest.raises(ConfigError, match="dense.epochs"):
        DenseTuneConfig(epochs=0)
    with pytest.raises(ConfigError, match="dense.mini_batch_size"):
        DenseTuneConfig(mini_batch_size=0)
    with pytest.raises(ConfigError, match="no training tuples"):
        tune_member(tiny_models["bert16"], [], tmp_path / "e", DenseTuneConfig(), evaluate=lambda m: 0.0)


def test_a_static_member_tunes_with_the_plain_loss(tiny_models: dict[str, str], tmp_path: Path) -> None:
    feed = iter([0.0, 1.0])  # the cached loss cannot cut a static model's inputs into mini-batches
    res = tune_member(
        tiny_models["static8"], training_rows(NTUPLES, 1, set()), tmp_path / "s",
        DenseTuneConfig(epochs=1, batch_size=3, mini_batch_size=2, precision="fp32"), evaluate=lambda m: next(feed),
    )  # fmt: skip
    assert res.best_epoch == 1 and (tmp_path / "s" / "model").is_dir()


def test_candidate_corpus_keeps_each_querys_tops_their_siblings_and_positives() -> None:
    import numpy as np
    from haystack.document_stores.in_memory import InMemoryDocumentStore

    from hardneg_haystack.evaluation.dense import candidate_corpus
    from hardneg_haystack.ingest.queries import LabelledQuery
    from hardneg_haystack.mining.corpus import Corpus

    texts = ["vpn token reset", "vpn second part", "printer driver", "payroll dates", "badge access", "wifi setup"]
    corpus = Corpus(
        ids=["a#0", "a#1", "b", "c", "d", "e"],
        parent_ids=["a", "a", "b", "c", "d", "e"],
        contents=texts,
        embeddings=np.eye(6, dtype=np.float32),
    )
    query = LabelledQuery("q", "vpn token", ("d",))
    dense_top = np.zeros((1, 6), dtype=np.float32)
    dense_top[0, 5] = 1.0  # the dense top 1 is "e"
    sub = candidate_corpus(corpus, InMemoryDocumentStore(), [query], dense_top, 1)
    # BM25's top 1 is a#0 (with its sibling a#1), the dense top 1 is e, the positive d: in corpus order
    assert sub.ids == ["a#0", "a#1", "d", "e"]
    assert sub.contents == ["vpn token reset", "vpn second part", "badge access", "wifi setup"]
    assert np.array_equal(sub.embeddings, corpus.embeddings[[0, 1, 4, 5]]) and sub.index["e"] == 3


def test_tunes_of_one_member_judge_the_member_as_indexed_once(tiny_index: Path, beir_dir: Path, tmp_path: Path) -> None:
    """Two tunes (two negative sources) sharing judgements score the member as indexed once; an epoch's new
    weights are scored; the shared score equals a fresh one."""
    from hardneg_haystack.index.workdir import open_work_dir
    from hardneg_haystack.ingest import load_beir_queries
    from hardneg_haystack.mining.corpus import load_corpus
    from hardneg_haystack.training.judgements import Judgements
    from hardneg_haystack.workflows.tune_dense import tune_dense

    store, ensemble, _ = open_work_dir(tiny_index)
    corpus = load_corpus(store)
    ntuples = [{"query_id": "q1", "query": "reset my vpn token", "positive": "vpn", "negatives": ["printer"]}] * 4
    common = {"store": store, "ensemble": ensemble, "corpus": corpus, "validation": load_beir_queries(beir_dir, "test"),
              "config": DenseTuneConfig(epochs=1, batch_size=2, max_length=16, precision="fp32")}  # fmt: skip
    judgements = Judgements(tmp_path / "judgements.json")
    first = tune_dense(ntuples=ntuples, out=tmp_path / "a", judgements=judgements, **common).result
    assert judgements.hits == 0 and len(judgements.memory) == 2  # the member as indexed and after epoch 1
    other = [{**t, "negatives": ["parental leave days"]} for t in ntuples]  # another source's negatives
    second = tune_dense(ntuples=other, out=tmp_path / "b", judgements=judgements, **common).result
    assert judgements.hits == 1 and second.curve[0] == first.curve[0]
    fresh = tune_dense(ntuples=ntuples, out=tmp_path / "c", **common).result
    assert fresh.curve[0] == pytest.approx(first.curve[0], abs=1e-9)
