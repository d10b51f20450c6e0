"""`hardneg experiment`: statistics, systems, config checks, and the whole run on a tiny corpus with resume."""

import json
import re
from pathlib import Path

import numpy as np
import pytest

from hardneg_haystack.errors import ConfigError, DataError
from hardneg_haystack.evaluation.first_stage import FirstStage
from hardneg_haystack.evaluation.rerank import cross_encoder_scores, rerank_runs
from hardneg_haystack.evaluation.runs import maxp, rank_scores
from hardneg_haystack.evaluation.significance import bootstrap_ci, holm, paired_p_value
from hardneg_haystack.experiment import Experiment, ExperimentConfig, ExperimentData, run_experiment
from hardneg_haystack.experiment.config import METRICS
from hardneg_haystack.experiment.report import SCHEMA, primary_pair
from hardneg_haystack.mining.corpus import Corpus
from hardneg_haystack.ranking.metrics import per_query

# ---- statistics ---------------------------------------------------------------------------------------------


def test_per_query_metrics_match_hand_computed_values() -> None:
    qrels = {"q1": {"a": 1}, "q2": {"b": 1, "c": 1}}
    run = {"q1": {"x": 3.0, "a": 2.0, "y": 1.0}, "q2": {"b": 3.0, "x": 2.0, "c": 1.0}}
    out = per_query(qrels, run, ["mrr@1", "mrr@3", "precision@3", "recall@1", "ndcg@10"])
    assert out["mrr@1"] == {"q1": 0.0, "q2": 1.0}
    assert out["mrr@3"] == {"q1": 0.5, "q2": 1.0}
    assert out["precision@3"] == pytest.approx({"q1": 1 / 3, "q2": 2 / 3})
    assert out["recall@1"] == {"q1": 0.0, "q2": 0.5}
    # q2: gains at ranks 1 and 3 -> (1 + 1/log2(4)) / (1 + 1/log2(3))
    assert out["ndcg@10"]["q2"] == pytest.approx((1 + 0.5) / (1 + 1 / np.log2(3)))
    assert per_query(qrels, {"q1": run["q1"]}, ["mrr@3"])["mrr@3"]["q2"] == 0.0  # missing query scores 0


def test_holm_adjustment_by_hand() -> None:
    # sorted 0.01, 0.02, 0.04 -> x3, x2, x1 = 0.03, 0.04, 0.04 (monotone)
    assert holm([0.04, 0.01, 0.02]) == pytest.approx([0.04, 0.03, 0.04])
    assert holm([0.6, 0.5]) == [1.0, 1.0]


def test_paired_test_and_bootstrap() -> None:
    rng = np.random.default_rng(0)
    a = rng.uniform(0, 1, 200)
    assert paired_p_value(a, a) == 1.0
    assert paired_p_value(a, a + 0.2) < 0.01
    assert paired_p_value(a, a + rng.normal(0, 0.01, 200)) > 0.05
    lo, hi = bootstrap_ci(a)
    assert lo < a.mean() < hi and hi - lo < 0.2
    with pytest.raises(ValueError, match="paired"):
        paired_p_value([1.0, 2.0], [1.0])


# ---- systems ------------------------------------------------------------------------------------------------


def _corpus() -> Corpus:
    return Corpus(
        ids=["a#0", "a#1", "b", "c", "d"],
        parent_ids=["a", "a", "b", "c", "d"],
        contents=["alpha one", "alpha two", "beta", "gamma", "delta"],
        embeddings=np.eye(5, dtype=np.float32),
    )


def test_primary_test_is_named_by_validation_alone() -> None:
    def trained(step: int, val: float) -> dict:
        return {"best_step": step, "validation_metrics": {"validation_ndcg@10": val, "validation_base_ndcg@10": 0.9}}

    runs = {f"rerank[{m}] top-{k}": {} for m in ("warm-start", "random", "bm25", "ensemble") for k in (10, 20)}
    training = {"random": trained(0, 0.99), "bm25": trained(3, 0.71), "ensemble": trained(5, 0.74)}
    pick = primary_pair(training, [10, 20], runs)
    # the best validation score among the fine-tunes that MOVED (random's 0.99 is its start's), at the judged depth
    assert pick == {
        "system": "rerank[ensemble] top-10",
        "baseline": "rerank[warm-start] top-10",
        "miner": "ensemble",
        "validation_ndcg@10": 0.74,
        "depth": 10,
    }
    training["bm25"] = trained(3, 0.74)  # a tie goes to the first in the config's order
    assert primary_pair(training, [10, 20], runs)["miner"] == "bm25"
    assert primary_pair({"random": trained(0, 0.8)}, [10], runs) is None  # nothing moved: no test
    assert primary_pair({"bm25": trained(2, float("nan"))}, [10], runs) is None  # never judged
    assert primary_pair(training, [30], runs) is None  # no run at that depth (e.g. no warm start)


def test_maxp_and_rank_scores() -> None:
    corpus = _corpus()
    assert maxp({0: 0.2, 1: 0.9, 2: 0.5}, corpus, depth=10) == {"a": 0.9, "b": 0.5}
    assert list(maxp({0: 0.2, 1: 0.9, 2: 0.5}, corpus, depth=1)) == ["a"]
    assert rank_scores([4, 2, 0]) == {4: 3.0, 2: 2.0, 0: 1.0}


def test_rerank_reorders_only_the_candidates_and_keeps_bm25_order_below() -> None:
    from hardneg_haystack.ingest.queries import LabelledQuery

    corpus = _corpus()
    first = FirstStage(
        corpus=corpus,
        queries=[LabelledQuery("q", "find gamma", ("c",))],
        bm25=[[(2, 9.0), (3, 5.0), (4, 3.0), (0, 1.0)]],  # b, c, d, a#0
        dense=np.zeros((1, 5)),
    )
    scores = {"beta": 0.1, "gamma": 0.9, "delta": 5.0, "alpha one": 7.0}
    ce = cross_encoder_scores(first, lambda pairs: [scores[d] for _, d in pairs], 2)
    assert [list(c) for c in ce] == [[0.1, 0.9]]  # b, c: BM25's top 2
    alone, blended = rerank_runs(first, ce, candidates=2, depth=10, weight=1.0)
    assert list(alone["q"]) == ["c", "b", "d", "a"]  # only the top 2 re-ordered; d and a keep BM25 order
    assert blended["q"] == alone["q"]  # weight 1: the re-ranker alone
    _, bm25_only = rerank_runs(first, ce, candidates=2, depth=10, weight=0.0)
    assert list(bm25_only["q"]) == ["b", "c", "d", "a"]


# ---- config and data checks ---------------------------------------------------------------------------------


def test_bad_configs_fail_early(tmp_path: Path, beir_dir: Path) -> None:
    with pytest.raises(ConfigError, match="mix: give positive counts"):
        ExperimentConfig(miners=["bm25", "mix"], mix={"ensemble": 2, "cosine": 2})
    with pytest.raises(ConfigError, match="unknown miner.*'hnsw'"):
        ExperimentConfig(miners=["bm25", "hnsw"])
    with pytest.raises(ConfigError, match="held-out"):
        ExperimentConfig(train_split="test", test_split="test")
    with pytest.raises(ConfigError, match="unknown field.*cadidates"):
        ExperimentConfig.from_dict({"cadidates": 5})
    with pytest.raises(ConfigError, match="train: unknown field.*lr"):
        ExperimentConfig.from_dict({"train": {"lr": 1.0}})
    with pytest.raises(ConfigError, match="store_settings: unknown shard; known: bulk_refresh_off"):
        ExperimentConfig.from_dict({"store_settings": {"shard": 2}})
    assert ExperimentConfig.from_dict({"store_settings": {"shards": 2}}).store_settings == {"shards": 2}
    bad = tmp_path / "bad.yaml"
    bad.write_text("miners: [random\n")
    with pytest.raises(ConfigError, match="bad.yaml: not valid YAML"):
        ExperimentConfig.load(bad)
    with pytest.raises(DataError, match="qrels split 'dev' not found"):
        ExperimentData.load(beir_dir, ExperimentConfig(test_split="dev"))


def test_test_queries_overlapping_training_queries_are_refused(beir_dir: Path) -> None:
    test_file = beir_dir / "qrels" / "test.tsv"
    test_file.write_text(test_file.read_text() + "q1\tit-1\t1\n")
    with pytest.raises(DataError, match="test query ids also appear in the training queries.*q1"):
        ExperimentData.load(beir_dir, ExperimentConfig())


def test_training_queries_with_a_test_querys_text_are_left_out(beir_dir: Path) -> None:
    queries = beir_dir / "queries.jsonl"
    queries.write_text(queries.read_text() + json.dumps({"_id": "q9", "text": "API rate limit error"}) + "\n")
    train_file = beir_dir / "qrels" / "train.tsv"
    train_file.write_text(train_file.read_text() + "q9\tpr-3\t1\n")
    data = ExperimentData.load(beir_dir, ExperimentConfig())
    assert [q.id for q in data.train] == ["q1", "q2"] and len(data.test) == 2


def test_quick_profile_overrides_training_only_where_it_says() -> None:
    cfg = ExperimentConfig.load(quick=True)
    assert cfg.train.epochs == 1 and cfg.train.batch_size == 8 and cfg.candidates == [10, 20]
    assert cfg.train.learning_rate == ExperimentConfig().train.learning_rate  # the fine-tune defaults stay
    assert cfg.train.validation_share == ExperimentConfig().train.validation_share == 0.2
    assert cfg.warm_start is not None and cfg.warm_start.queries == 300
    assert cfg.dense is not None and (cfg.dense.epochs, cfg.dense.max_length) == (1, 128)
    assert cfg.warm_start.train == ExperimentConfig().warm_start.train  # only the count changes
    assert cfg.train.loss == ExperimentConfig().train.loss


def test_quick_profile_never_overrides_the_users_fields(tmp_path: Path) -> None:
    """Issue 16 item 5: explicit fields win over --quick, and the merged config is validated."""
    mine = tmp_path / "mine.yaml"
    mine.write_text("miners: [bm25, mix]\ncandidates: [5]\ntrain: {max_steps: 3}\nwarm_start: {queries: 9}\n")
    cfg = ExperimentConfig.load(mine, quick=True)
    assert cfg.miners == ["bm25", "mix"] and cfg.candidates == [5]
    assert cfg.train.max_steps == 3 and cfg.train.batch_size == 8 and cfg.train.eval_steps == 3  # quick fills in
    assert cfg.warm_start is not None and cfg.warm_start.queries == 9
    bad = tmp_path / "bad.yaml"
    bad.write_text("miners: [ensemble, hardest]\n")
    with pytest.raises(ConfigError, match="'hardest'"):
        ExperimentConfig.load(bad, quick=True)


# ---- the whole experiment -----------------------------------------------------------------------------------


def _tiny_config(tiny_models: dict[str, str], tiny_members: list[dict]) -> ExperimentConfig:
    return ExperimentConfig.from_dict(
        {
            "members": tiny_members,
            "miners": ["random", "bm25", "ensemble", "single", "mix"],  # every miner (default: random, bm25, ensemble)
            "num_negatives": 2,
            "candidates": [2, 4],
            "depth": 8,
            "long_threshold": 9,
            "bootstrap": 50,
            "permutations": 50,
            "train": {
                "base_model": tiny_models["bert16"],
                "max_steps": 2,
                "batch_size": 2,
                "max_length": 32,
                "validation_share": 0.5,
                "early_stopping_patience": 0,
            },
            "warm_start": {
                "queries": 8,
                "pool": 4,
                "list_size": 3,
                "hard": 1,
                "train": {"base_model": tiny_models["bert16"], "max_steps": 2, "batch_size": 2, "max_length": 32},
            },
            "dense": {
                "epochs": 2, "batch_size": 2, "max_length": 32, "learning_rate": 1e-3, "miners": ["random", "ensemble"]
            },
        }
    )  # fmt: skip


def test_experiment_end_to_end_and_resume(
    beir_dir: Path, tiny_models: dict[str, str], tiny_members: list[dict], tmp_path: Path, monkeypatch
) -> None:
    cfg = _tiny_config(tiny_models, tiny_members)
    extra = [("q5", "vpn login error code", "it-2"), ("q6", "install the printer on windows", "it-3")]
    with (beir_dir / "queries.jsonl").open("a") as fh:
        fh.writelines(json.dumps({"_id": qid, "text": text}) + "\n" for qid, text, _ in extra)
    with (beir_dir / "qrels" / "train.tsv").open("a") as fh:
        fh.writelines(f"{qid}\t{doc}\t1\n" for qid, _, doc in extra)
    out = tmp_path / "exp"
    calls: list[str] = []
    real_train = Experiment.train
    from hardneg_haystack.workflows import tune_dense

    real_tune, judged = tune_dense.tune_member, []

    def improving(*args: object, evaluate: object, **kwargs: object) -> object:
        def score(model: object) -> float:  # the real validation runs; each epoch then counts as better
            judged.append(evaluate(model))  # type: ignore[operator]
            return len(judged) / 10

        return real_tune(*args, evaluate=score, **kwargs)

    monkeypatch.setattr(tune_dense, "tune_member", improving)

    def crash_on_bm25(self: Experiment, miner: str) -> dict:
        calls.append(miner)
        if miner == "bm25":
            raise RuntimeError("simulated crash")
        return real_train(self, miner)

    monkeypatch.setattr(Experiment, "train", crash_on_bm25)
    with pytest.raises(RuntimeError, match="simulated crash"):
        run_experiment(beir_dir, out, cfg)
    state = json.loads((out / "state.json").read_text())
    mined = {f"mine:{m}" for m in ("random", "bm25", "ensemble", "single", "mix")}
    tuned = {"dense:random", "dense:ensemble", "dense"}  # before the re-rankers: their teacher uses the kept member
    assert {"index", "weights", "warmstart", "train:random", *mined, *tuned} <= set(state["steps"])
    assert state["teacher"]["dense_weight"] in np.round(np.linspace(0, 1, 21), 2)
    warm = state["steps"]["warmstart"]["model"]
    assert json.loads((out / "rankers" / "random" / "model" / "hardneg.json").read_text())["base_model"] == warm
    assert "train:bm25" not in state["steps"]
    done_before = {k: v["seconds"] for k, v in state["steps"].items()}

    monkeypatch.setattr(Experiment, "train", real_train)
    steps_run: list[str] = []
    results = run_experiment(beir_dir, out, cfg, on_step=steps_run.append)
    assert steps_run == [
        "train:bm25", "train:ensemble", "train:single", "train:mix", "evaluate", "dense:apply", "deploy", "report"
    ]  # fmt: skip
    assert all(results["steps"][k]["seconds"] == v for k, v in done_before.items())  # finished steps kept

    # results.json follows the documented schema
    saved = json.loads((out / "results.json").read_text())
    assert saved["schema"] == SCHEMA
    names = list(saved["systems"])
    assert names[:2] == ["bm25", "dense"] and names[2].startswith("bm25 + dense")
    for ranker in ("warm-start", "random", "bm25", "ensemble", "single", "mix"):
        assert {f"rerank[{ranker}] top-2", f"rerank[{ranker}] top-4", f"fused[{ranker}]"} <= set(names)
    dense = saved["steps"]["dense"]
    position = dense["position"]
    assert dense["member"] == tiny_members[position]["model"] and len(dense["validation_ndcg@10"]) == 3  # epochs 0-2
    assert len(judged) == 6 and all(0 <= x <= 1 for x in judged)  # 2 sources x epochs 0-2
    # the later source scored higher on validation (0.4-0.6 vs 0.1-0.3): it is kept
    assert (
        dense["miner"] == "ensemble"
        and dense["best_epoch"] == 2
        and dense["by_source"] == {"random": 0.3, "ensemble": 0.6}
    )
    assert saved["dense_kept"] == "ensemble" and set(saved["dense"]) == {"random", "ensemble"}
    # each source's tuned member is reported; the kept one is fused and written into the index for serving
    for source in ("random", "ensemble"):
        assert {f"dense (tuned on {source})", f"bm25 + dense (tuned on {source})"} <= set(names)
    assert ("dense (tuned on ensemble)", "dense (tuned on random)") in {
        (c["system"], c["baseline"]) for c in saved["comparisons"] if c["family"] == "ensemble_vs_miners"
    }
    manifest = json.loads((out / "index" / "index.json").read_text())
    member = manifest["ensemble"]["members"][position]["model"]  # stored relative to the index folder
    assert member == "../dense/ensemble/model" and (out / "index" / member).resolve() == Path(dense["model"]).resolve()
    assert saved["steps"]["dense:apply"]["applied"] is True
    fusion = saved["fusion"]["ensemble"]["weights"]
    assert set(fusion) == {"bm25", "dense", "cross-encoder"} and sum(fusion.values()) == pytest.approx(1)
    for system in saved["systems"].values():
        assert set(system["metrics"]) == set(METRICS)
        assert set(system["per_query"]["ndcg@10"]) == {"q3", "q4"}
        low, high = system["ci95"]["ndcg@10"]
        assert low <= system["metrics"]["ndcg@10"] <= high
    assert saved["data"]["test_queries"] == 2
    assert saved["data"]["test_queries_short"] + saved["data"]["test_queries_long"] == 2
    families = {c["family"] for c in saved["comparisons"]}
    assert families == {"primary", "vs_bm25", "vs_warm_start", "ensemble_vs_miners"}
    primary = saved["primary"]  # one test, named by validation: the moved fine-tune best there, at the judged depth
    moved = {m: t["validation_metrics"]["validation_ndcg@10"] for m, t in saved["training"].items() if t["best_step"]}
    assert primary["miner"] == max(moved, key=moved.get) and primary["depth"] == saved["config"]["candidates"][0]
    rows = [c for c in saved["comparisons"] if c["family"] == "primary"]
    assert len(rows) == len(METRICS)
    assert all(c["p_holm"] == c["p_value"] and c["system"] == primary["system"] for c in rows)
    assert all(0 <= c["p_holm"] <= 1 and c["p_holm"] >= c["p_value"] for c in saved["comparisons"])
    assert set(saved["miners"]) == {"random", "bm25", "ensemble", "single", "mix"}
    assert set(saved["miners"]["mix"]["stats"]["sources"]) == {"ensemble", "random"}  # negatives from both sources
    for png in ("metrics.png", "win_loss_vs_bm25.png", "negative_similarity.png", "training_curves.png"):
        assert (out / png).stat().st_size > 1000
    report = (out / "report.md").read_text()
    assert "| bm25 |" in report and "Verdicts" in report and "rerank[ensemble]" in report
    _check_golden(out, {"<out>": out, "<tiny models>": Path(tiny_models["static8"]).parent, "<data>": beir_dir})

    # BM25's numbers are its own: hand-check mrr@10 from the saved run
    runs = json.loads((out / "runs.json").read_text())
    for qid, positive in (("q3", "pr-1"), ("q4", "pr-3")):
        ranked = list(runs["bm25"][qid])
        expected = 1 / (ranked.index(positive) + 1) if positive in ranked[:10] else 0.0
        assert saved["systems"]["bm25"]["per_query"]["mrr@10"][qid] == pytest.approx(expected)

    # the recommended system is written as a pipeline that serves what was measured
    rec = saved["recommended"]
    val = rec["validation_ndcg@10"]
    assert rec["system"] == max(val, key=lambda n: (val[n], -list(val).index(n)))
    fitted = rec["validation_fitted_ndcg@10"]  # the in-sample scores of the weights served, for every system
    assert list(fitted) == list(val) and fitted["bm25"] == val["bm25"]  # BM25 fits nothing: the same either way
    assert rec["crossfit_folds"] >= 2 and "cross-fitted" in report
    assert list(val)[:2] == ["bm25", "bm25 + dense (tuned on ensemble)"]  # the hybrid served: the kept member's
    assert all(n.startswith("fused[") for n in list(val)[2:])
    assert "The system to deploy" in report and f"{rec['system']} **(recommended)**" in report
    served = _serve(Path(rec["pipeline"]), out / "index", beir_dir, ("q3", "q4"))
    measured = saved["systems"][rec["system"]]["per_query"]["ndcg@10"]
    got = per_query({q: r for q, r in _qrels(beir_dir).items() if q in served}, served, ("ndcg@10",))["ndcg@10"]
    assert got == pytest.approx({q: measured[q] for q in got}, abs=1e-6)
    written = json.loads((out / "state.json").read_text())["steps"]["deploy"]["pipelines"]
    assert sorted(written) == sorted(val)  # every system validation chose among, each in its own file
    assert Path(written["bm25"]).name == "bm25.yaml" and Path(written["fused[ensemble]"]).name == "fused-ensemble.yaml"
    for system, path in written.items():  # each serves the report's per-query figures
        served = _serve(Path(path), out / "index", beir_dir, ("q3", "q4"))
        got = per_query(_qrels(beir_dir), served, ("ndcg@10",))["ndcg@10"]
        measured = saved["systems"][system]["per_query"]["ndcg@10"]
        assert got == pytest.approx({q: measured[q] for q in got}, abs=1e-6), system
        assert ("): the system the" in Path(path).read_text()) == (system == rec["system"])  # not "): not the ..."
    # issue 30 item 2: the run folder moved (the original gone) serves the same from its new place
    import shutil

    moved, hidden = out.parent / "moved" / "exp", out.parent / "hidden"
    shutil.copytree(out, moved)
    out.rename(hidden)
    try:
        for system in ("fused[ensemble]", "bm25 + dense (tuned on ensemble)"):
            served = _serve(moved / "pipelines" / Path(written[system]).name, moved / "index", beir_dir, ("q3", "q4"))
            got = per_query(_qrels(beir_dir), served, ("ndcg@10",))["ndcg@10"]
            measured = saved["systems"][system]["per_query"]["ndcg@10"]
            assert got == pytest.approx({q: measured[q] for q in got}, abs=1e-6), system
    finally:
        hidden.rename(out)

    # a run from before the dense step (no `dense` in its saved config) reads as one that did not tune it
    state = json.loads((out / "state.json").read_text())
    del state["config"]["dense"]
    (out / "state.json").write_text(json.dumps(state))
    with pytest.raises(ConfigError, match=r"different config \(fields: dense\)"):
        Experiment(ExperimentData.load(beir_dir, cfg), out, cfg)
    Experiment(ExperimentData.load(beir_dir, cfg), out, ExperimentConfig.from_dict({**cfg.to_dict(), "dense": None}))

    # a different config in the same folder is refused instead of mixing runs
    with pytest.raises(ConfigError, match="different config.*num_negatives"):
        Experiment(
            ExperimentData.load(beir_dir, cfg), out, ExperimentConfig.from_dict({**cfg.to_dict(), "num_negatives": 3})
        )


GOLDEN = Path(__file__).parent / "data" / "tiny_experiment_golden"
#: what differs between two runs of the same code: wall times, versions and the temporary folders
_TIMED = re.compile(r"^(\|.*\| )[0-9.]+( \|)$")


def _normalised(out: Path, places: dict[str, Path]) -> dict[str, str]:
    """results.json and report.md of a run with its times, versions and temporary paths taken out."""

    def drop(value: object) -> object:
        if isinstance(value, dict):
            return {k: drop(v) for k, v in value.items() if "seconds" not in k and k != "versions"}
        return [drop(v) for v in value] if isinstance(value, list) else value

    texts = {
        "results.json": json.dumps(drop(json.loads((out / "results.json").read_text())), indent=1, sort_keys=True),
        "report.md": "\n".join(
            line for line in (out / "report.md").read_text().splitlines() if not line.startswith("hardneg-haystack ")
        ),
    }
    lines, in_timed = [], False  # report.md: the last cell of tables whose last column is "seconds"
    for line in texts["report.md"].splitlines():
        in_timed = line.endswith("| seconds |") or (in_timed and line.startswith("|"))
        lines.append(_TIMED.sub(r"\1-\2", line) if in_timed else line)
    texts["report.md"] = "\n".join(lines) + "\n"
    for name, text in texts.items():
        for mark, path in places.items():
            text = text.replace(str(path.resolve()), mark).replace(str(path), mark)
        texts[name] = text
    return texts


def _check_golden(out: Path, places: dict[str, Path]) -> None:
    """Issue 28: a refactor changes no figure. The tiny experiment's results.json and report.md, times, versions
    and temporary paths taken out, equal byte for byte the ones committed in tests/data/tiny_experiment_golden/
    (``HARDNEG_UPDATE_GOLDEN=1`` rewrites them when a change of behaviour is meant). Float arithmetic differs
    between CPUs with and without native bf16 and between torch versions, so the comparison runs where the
    golden files were written (the same torch, the same bf16 support) and says so otherwise."""
    import os
    import warnings

    import torch

    from hardneg_haystack.scoring.precision import cpu_has_bf16

    texts = _normalised(out, places)
    where = {"torch": torch.__version__, "cpu_bf16": cpu_has_bf16()}
    if os.environ.get("HARDNEG_UPDATE_GOLDEN") == "1":
        GOLDEN.mkdir(parents=True, exist_ok=True)
        for name, text in texts.items():
            (GOLDEN / name).write_text(text)
        (GOLDEN / "where.json").write_text(json.dumps(where) + "\n")
    written_where = json.loads((GOLDEN / "where.json").read_text())
    if written_where != where:  # a warning, not a skip: the rest of the end-to-end test has run and counts
        warnings.warn(f"golden files written on {written_where}, this machine is {where}: not compared", stacklevel=2)
        return
    for name, text in texts.items():
        if text != (GOLDEN / name).read_text():
            got = out.parent / f"normalised-{name}"
            got.write_text(text)
            raise AssertionError(f"{name} differs from {GOLDEN / name}: diff it with {got}")


def _qrels(beir_dir: Path) -> dict[str, dict[str, int]]:
    from hardneg_haystack.evaluation.runs import qrels_of
    from hardneg_haystack.ingest import load_beir_queries

    return qrels_of(load_beir_queries(beir_dir, "test"))


def _serve(pipeline: Path, index: Path, beir_dir: Path, ids: tuple[str, ...]) -> dict[str, dict[str, float]]:
    """Each test query through a written pipeline: ``{query id: {parent document id: score}}``, as a run."""
    from hardneg_haystack.components.pipelines import load_query_pipeline
    from hardneg_haystack.ingest import load_beir_queries

    pipe = load_query_pipeline(pipeline, work_dir=index)
    names = {name for name, _ in pipe.walk()}
    out = {}
    for q in load_beir_queries(beir_dir, "test"):
        if q.id not in ids:
            continue
        inputs = {"retriever": {"query": q.text}}
        if "text_embedder" in names:
            inputs["text_embedder"] = {"text": q.text}
        if "ranker" in names:
            inputs["ranker"] = {"query": q.text}
        docs = pipe.run(inputs)["maxp"]["documents"]
        out[q.id] = {str(d.meta.get("parent_id", d.id)): float(d.score) for d in docs}
    return out


def test_query_caps_take_a_seeded_sample_not_the_first_queries() -> None:
    from hardneg_haystack.experiment.runner import sample_queries
    from hardneg_haystack.ingest.queries import LabelledQuery

    queries = [LabelledQuery(f"q{i:03d}", f"text {i}", (f"d{i}",)) for i in range(200)]
    picked = sample_queries(queries, 20, seed=42)
    assert len(picked) == 20 and picked == sample_queries(queries, 20, seed=42)
    assert picked != queries[:20] and max(int(q.id[1:]) for q in picked) > 100  # not a prefix of a sorted file
    assert [q.id for q in picked] == sorted(q.id for q in picked)  # file order kept
    assert sample_queries(queries, 20, seed=7) != picked
    assert sample_queries(queries, None, seed=42) == queries and sample_queries(queries, 500, seed=1) == queries
    with pytest.raises(ConfigError, match="max_test_queries"):
        ExperimentConfig(max_test_queries=0)


def test_warm_start_config_in_the_experiment(tmp_path: Path) -> None:
    assert ExperimentConfig().warm_start is not None  # on by default
    assert ExperimentConfig.from_dict({"warm_start": None}).warm_start is None  # `warm_start: null` turns it off
    cfg = ExperimentConfig.from_dict({"warm_start": {"queries": 50, "train": {"learning_rate": 1e-4}}})
    assert cfg.warm_start.queries == 50 and cfg.warm_start.train.learning_rate == 1e-4
    assert cfg.warm_start.train.batch_size == ExperimentConfig().warm_start.train.batch_size
    with pytest.raises(ConfigError, match="warm_start: unknown field.*quries"):
        ExperimentConfig.from_dict({"warm_start": {"quries": 5}})
    off = tmp_path / "off.yaml"
    off.write_text("warm_start: null\n")
    assert ExperimentConfig.load(off, quick=True).warm_start is None  # the quick profile keeps it off
    assert ExperimentConfig.from_dict({"candidates": 20}).candidates == [20]
    with pytest.raises(ConfigError, match="cannot exceed depth"):
        ExperimentConfig(candidates=[20, 200])


def test_dense_config_in_the_experiment() -> None:
    assert ExperimentConfig().dense is not None and ExperimentConfig().dense.miners is None  # on, every miner
    assert ExperimentConfig.from_dict({"dense": None}).dense is None
    assert ExperimentConfig.from_dict({"dense": {"epochs": 2}}).dense.epochs == 2
    with pytest.raises(ConfigError, match="dense: unknown field"):
        ExperimentConfig.from_dict({"dense": {"epoch": 2}})
    with pytest.raises(ConfigError, match=r"dense.miners: unknown miner\(s\) \['nope'\]"):
        ExperimentConfig.from_dict({"dense": {"miners": ["random", "nope"]}})
    with pytest.raises(ConfigError, match="dense.candidates must be >= 1"):
        ExperimentConfig.from_dict({"dense": {"candidates": 0}})
