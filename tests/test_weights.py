from pathlib import Path

import numpy as np
import pytest

from hardneg_haystack.components.indexing import apply_weights, index_documents, open_index, read_manifest
from hardneg_haystack.errors import ConfigError
from hardneg_haystack.evaluation.dense import evaluate_members
from hardneg_haystack.ingest import load_beir_queries, load_documents
from hardneg_haystack.mining.corpus import load_corpus
from hardneg_haystack.mining.weights import fit_member_weights, fit_weights
from hardneg_haystack.ranking.metrics import mrr_recall_at_k
from hardneg_haystack.ranking.score_fusion import simplex_grid


def _unit(x: np.ndarray) -> np.ndarray:
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def _toy(seed: int = 0) -> tuple[list[np.ndarray], list[np.ndarray], list[list[int]]]:
    """Member 0 knows the answers (query == its positive + noise); member 1 is pure noise."""
    rng = np.random.default_rng(seed)
    n_docs, n_q = 200, 40
    docs_good = _unit(rng.normal(size=(n_docs, 16)))
    positives = [[int(i)] for i in rng.choice(n_docs, size=n_q, replace=False)]
    q_good = _unit(np.stack([docs_good[p[0]] + 0.3 * rng.normal(size=16) for p in positives]))
    docs_bad = _unit(rng.normal(size=(n_docs, 8)))
    q_bad = _unit(rng.normal(size=(n_q, 8)))
    return [q_good, q_bad], [docs_good, docs_bad], positives


def test_simplex_grid_sums_to_one() -> None:
    grid = np.array(simplex_grid(3, 0.25))
    assert np.allclose(grid.sum(axis=1), 1.0)
    assert len(grid) == 15  # C(4 + 2, 2)
    assert (grid >= 0).all()


def test_objective_hand_computed() -> None:
    sims = np.array([[0.9, 0.8, 0.1], [0.2, 0.7, 0.5]])
    mask = np.array([[False, True, False], [True, False, False]])
    mrr, recall = mrr_recall_at_k(sims, mask, k=2)
    # query 0: positive ranks 2nd -> 1/2; query 1: positive ranks 3rd -> outside k=2 -> 0
    assert mrr == pytest.approx(0.25)
    assert recall == pytest.approx(0.5)


def test_fit_prefers_the_informative_member_and_warns() -> None:
    mq, md, pos = _toy()
    fit = fit_weights(mq, md, pos, labels=["good", "noise"], k=10)
    assert fit.weights[0] > 0.8
    assert fit.scores["fitted"] >= fit.scores["equal"]
    assert fit.scores["fitted"] >= fit.scores["good"] - 1e-9
    assert fit.contribution["good"] > 0
    assert any("equal-weight ensemble" in w for w in fit.warnings)


def test_min_weight_is_respected_and_impossible_floor_errors() -> None:
    mq, md, pos = _toy()
    fit = fit_weights(mq, md, pos, labels=["good", "noise"], min_weight=0.2)
    assert min(fit.weights) >= 0.2 - 1e-9
    with pytest.raises(ConfigError, match="min_weight"):
        fit_weights(mq, md, pos, min_weight=0.7)


def test_sampled_documents_still_include_every_positive() -> None:
    mq, md, pos = _toy()
    full = fit_weights(mq, md, pos, max_docs=10_000)
    sampled = fit_weights(mq, md, pos, max_docs=50, seed=1)
    # fewer distractors can only make positives rank higher
    assert sampled.scores["member0"] >= full.scores["member0"] - 1e-9


def test_fit_and_apply_on_an_index(beir_dir: Path, tiny_members: list[dict], tmp_path: Path) -> None:
    work = tmp_path / "w"
    index_documents(load_documents(beir_dir), work_dir=work, members=tiny_members)
    queries = load_beir_queries(beir_dir, "train")
    fit = fit_member_weights(work, queries, k=5, min_weight=0.1)
    assert len(fit.weights) == 3 and sum(fit.weights) == pytest.approx(1.0)

    store, _, manifest = open_index(work)
    before = load_corpus(store).embeddings
    new = [0.6, 0.3, 0.1]
    assert apply_weights(work, new) == len(before)
    after_manifest = read_manifest(work)
    assert [m["weight"] for m in after_manifest["ensemble"]["members"]] == pytest.approx(new)

    # the stored vectors now equal a fresh embedding with the new weights (nothing re-embedded)
    store2, embedder2, _ = open_index(work)
    after = load_corpus(store2)
    ids = list(after.ids)
    texts = {d.id: d.content for d in store2.filter_documents()}
    fresh = embedder2.ensemble.encode([texts[i] for i in ids], role="document")
    assert np.allclose(after.embeddings, fresh, atol=1e-4)
    rows = evaluate_members(work, beir_dir, split="test")
    assert rows[-1]["system"].startswith("ensemble")


def test_apply_weights_rejects_wrong_length(beir_dir: Path, tiny_members: list[dict], tmp_path: Path) -> None:
    work = tmp_path / "w"
    index_documents(load_documents(beir_dir), work_dir=work, members=tiny_members)
    with pytest.raises(ConfigError, match="3 ensemble members"):
        apply_weights(work, [0.5, 0.5])
