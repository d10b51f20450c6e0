"""The evaluation package: numpy kernels equal ranx, one MaxP, imports one way, and eval-rerank == experiment."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import numpy as np
import pytest
from haystack import Document

from hardneg_haystack.evaluation.runs import best_per_parent, fold_maxp
from hardneg_haystack.ranking.metrics import evaluate_run, mrr_recall_at_k, ndcg_at_k, per_query

PACKAGE = Path(__file__).resolve().parents[1] / "hardneg_haystack"

# ---- the numpy kernels equal ranx ---------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(5))
def test_ndcg_at_k_equals_ranx_on_random_candidate_lists(seed: int) -> None:
    rng = np.random.default_rng(seed)
    qrels, run, ours = {}, {}, {}
    for q in range(40):
        n = int(rng.integers(1, 60))
        scores = rng.random(n)  # continuous: no ties, so the tie rule cannot matter
        relevant = rng.random(n) < 0.15
        if not relevant.any():
            relevant[int(rng.integers(n))] = True
        qid = f"q{q}"
        qrels[qid] = {f"d{j}": 1 for j in np.flatnonzero(relevant)}
        run[qid] = {f"d{j}": float(s) for j, s in enumerate(scores)}
        ours[qid] = ndcg_at_k(scores, relevant, k=10)
    ranx = per_query(qrels, run, ["ndcg@10"])["ndcg@10"]
    assert ours == pytest.approx(ranx, abs=1e-9)


@pytest.mark.parametrize(("seed", "k"), [(0, 1), (1, 5), (2, 10), (3, 10), (4, 50)])
def test_mrr_recall_at_k_equals_ranx_on_random_score_matrices(seed: int, k: int) -> None:
    rng = np.random.default_rng(seed)
    sims = rng.normal(size=(30, 200))
    mask = rng.random((30, 200)) < 0.02
    mask[np.arange(30), rng.integers(0, 200, 30)] = True  # every query has a positive
    qrels = {f"q{i}": {f"d{j}": 1 for j in np.flatnonzero(mask[i])} for i in range(30)}
    run = {f"q{i}": {f"d{j}": float(sims[i, j]) for j in range(200)} for i in range(30)}
    ranx = evaluate_run(qrels, run, (f"mrr@{k}", f"recall@{k}"))
    mrr, recall = mrr_recall_at_k(sims, mask, k)
    assert mrr == pytest.approx(ranx[f"mrr@{k}"], abs=1e-9)
    assert recall == pytest.approx(ranx[f"recall@{k}"], abs=1e-9)


# ---- one MaxP -----------------------------------------------------------------------------------------------


def test_maxp_fold_and_the_component_agree() -> None:
    from hardneg_haystack import MaxPAggregator

    chunks = [("a#0", "a", 0.2), ("b", None, 0.5), ("a#1", "a", 0.9), ("c#0", "c", 0.5), ("c#1", "c", 0.5)]
    scores = {cid: s for cid, _, s in chunks}
    parent = {cid: p or cid for cid, p, _ in chunks}
    assert best_per_parent(scores, parent.__getitem__) == {"a": ("a#1", 0.9), "b": ("b", 0.5), "c": ("c#0", 0.5)}
    folded = fold_maxp(scores, parent.__getitem__)
    assert list(folded.items()) == [("a", 0.9), ("b", 0.5), ("c", 0.5)]  # ties keep first appearance
    assert fold_maxp(scores, parent.__getitem__, depth=1) == {"a": 0.9}
    docs = [Document(id=cid, content=cid, score=s, meta={"parent_id": p} if p else {}) for cid, p, s in chunks]
    out = MaxPAggregator(top_k=None).run(docs)["documents"]
    assert [(d.id, d.score, d.meta["best_chunk_id"]) for d in out] == [
        (p, s, best_per_parent(scores, parent.__getitem__)[p][0]) for p, s in folded.items()
    ]


# ---- imports run one way ------------------------------------------------------------------------------------

HIGHER = ("experiment", "ab", "components", "cli")
LEAVES = ("runs.py", "significance.py")


def _imports(path: Path) -> list[str]:
    """Every ``hardneg_haystack`` module a file imports, lazy imports included, ``TYPE_CHECKING`` blocks not."""
    tree = ast.parse(path.read_text())
    skip = {
        id(n)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
        for n in ast.walk(node)
    }
    names = []
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
        elif isinstance(node, ast.Import):
            names.extend(a.name for a in node.names)
    return [n for n in names if n.startswith("hardneg_haystack")]


def test_evaluation_never_imports_a_higher_layer() -> None:
    files = sorted((PACKAGE / "evaluation").glob("*.py"))
    assert {f.name for f in files} >= {"runs.py", "significance.py", "first_stage.py", "rerank.py"}
    for f in files:
        for name in _imports(f):
            part = name.split(".")[1] if "." in name else ""
            assert part not in HIGHER, f"{f.name} imports {name}: evaluation must not import {part}"
            if f.name in LEAVES:
                assert name.startswith("hardneg_haystack.evaluation."), f"{f.name} (a leaf) imports {name}"


def test_nothing_imports_the_old_evaluation_modules() -> None:
    gone = ("hardneg_haystack.metrics", "hardneg_haystack.significance", "hardneg_haystack.experiment.systems")
    gone += ("hardneg_haystack.dense_eval", "hardneg_haystack.rerank_eval")
    root = PACKAGE.parent
    for f in [*PACKAGE.rglob("*.py"), *(root / "benchmarks").glob("*.py"), *(root / "tests").glob("*.py")]:
        assert not set(_imports(f)) & set(gone), f


# ---- eval-rerank and the experiment give the same numbers ---------------------------------------------------


def test_eval_rerank_equals_the_experiment_for_the_same_model_and_candidates(
    beir_dir: Path, tiny_models: dict[str, str], tiny_members: list[dict], tmp_path: Path
) -> None:
    """``hardneg eval-rerank`` on the experiment's index, test queries and trained re-ranker reports the
    experiment's ``bm25`` and ``rerank[random] top-k`` numbers (nDCG@10 and the rest), at the deepest
    candidate depth (scored there) and at a shallower one (the experiment reuses the deepest scores' head).
    Before issue 15, eval-rerank dropped BM25's ranks below the candidates and scored in fp32."""
    from typer.testing import CliRunner

    from hardneg_haystack.cli import app
    from hardneg_haystack.evaluation.rerank import METRICS
    from hardneg_haystack.experiment import ExperimentConfig, run_experiment

    train = [("q5", "vpn login error code", "it-2"), ("q6", "install the printer on windows", "it-3")]
    test = [  # vague queries: BM25 is not perfect on them and the re-ranker moves things
        ("t1", "error code", "pr-3"),
        ("t2", "cloud account", "pr-2"),
        ("t3", "days", "hr-2"),
        ("t4", "token phone", "it-2"),
        ("t5", "file copy billing app", "pr-2"),
        ("t6", "approval health insurance", "hr-1"),
    ]
    with (beir_dir / "queries.jsonl").open("a") as fh:
        fh.writelines(json.dumps({"_id": qid, "text": text}) + "\n" for qid, text, _ in train + test)
    for split, rows in (("train", train), ("test", test)):
        with (beir_dir / "qrels" / f"{split}.tsv").open("a") as fh:
            fh.writelines(f"{qid}\t{doc}\t1\n" for qid, _, doc in rows)
    cfg = ExperimentConfig.from_dict(
        {
            "members": tiny_members,
            "miners": ["random"],
            "num_negatives": 2,
            "candidates": [3, 6],
            "depth": 8,
            "bootstrap": 20,
            "permutations": 20,
            "warm_start": None,
            "train": {
                "base_model": tiny_models["bert16"],
                "loss": "mnrl",  # this test compares two scorers of one model: any trained model that moves documents
                "eval_steps": 20,  # no checkpoint before the last step: the 2-step model is kept, not its start
                "max_steps": 2,
                "batch_size": 2,
                "max_length": 32,
                "validation_share": 0.5,
                "early_stopping_patience": 0,
            },
        }
    )
    out = tmp_path / "exp"
    results = run_experiment(beir_dir, out, cfg)
    model = results["steps"]["train:random"]["model"]
    systems = results["systems"]
    runs = json.loads((out / "runs.json").read_text())
    assert any(len(docs) > cfg.candidates[0] for docs in runs[f"rerank[random] top-{cfg.candidates[0]}"].values())
    runner = CliRunner()
    for k in cfg.candidates:
        table = tmp_path / f"eval-{k}.json"
        args = ["eval-rerank", "--data", beir_dir, "-w", out / "index", "--split", "test", "--model", f"random={model}"]
        args += ["--candidates", k, "--depth", cfg.depth, "--max-length", cfg.train.max_length, "--out", table]
        args += ["--precision", cfg.train.precision]
        res = runner.invoke(app, [str(a) for a in args])
        assert res.exit_code == 0, res.output
        rows = {r["system"]: r for r in json.loads(table.read_text())}
        for metric in METRICS:
            assert rows["bm25"][metric] == pytest.approx(systems["bm25"]["metrics"][metric], abs=1e-9)
            assert rows["random"][metric] == pytest.approx(
                systems[f"rerank[random] top-{k}"]["metrics"][metric], abs=1e-9
            ), (k, metric)
        assert rows["random"]["ndcg@10"] != rows["bm25"]["ndcg@10"]  # the re-ranker moved documents: not vacuous


def test_cross_fitted_run_ranks_each_query_with_weights_fitted_without_it() -> None:
    from hardneg_haystack.evaluation.crossfit import cross_fitted_run, folds

    parts = folds(11, k=5, seed=3)
    assert len(parts) == 5 and sorted(r for p in parts for r in p) == list(range(11))
    assert max(map(len, parts)) - min(map(len, parts)) <= 1 and folds(11, k=5, seed=3) == parts  # seeded

    # "weights" = the rows the fit saw; each query's run records whether its own row was among them
    def saw(seen: set[int], rows: list[int]) -> dict[str, dict[str, float]]:
        return {f"q{r}": {"d": float(r in seen)} for r in rows}

    run = cross_fitted_run(11, set, saw)
    assert sorted(run, key=lambda q: int(q[1:])) == [f"q{r}" for r in range(11)]
    assert all(v["d"] == 0.0 for v in run.values())  # never fitted on itself
    one = cross_fitted_run(1, set, saw)
    assert one == {"q0": {"d": 1.0}}  # a single query: fitted in-sample, the only choice
