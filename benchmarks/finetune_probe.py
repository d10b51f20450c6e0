"""Probe the re-ranker fine-tune on an experiment folder: one miner's negatives, ListNet on label-informed lists.

Trains from the folder's warm start on its mined negatives (validation: the folder's own validation queries,
BM25's top 20 with positives added), then, with ``--test``, re-ranks BM25's top 20 of the TEST queries with the
warm start and the fine-tuned model (reported, never used to choose) and prints a paired randomization test.
Writes ``benchmarks/results/finetune_probe_<miner>.json``.

    python benchmarks/finetune_probe.py runs/sf_base --data ../shared/data/scifact --miner bm25 --lr 7e-5 --test

docs/RESULTS.md section 13l: ensemble negatives stay flat (0.741 -> 0.741), BM25 negatives 0.739 -> 0.750,
test alone 0.709 -> 0.724 (p = 0.066).
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from hardneg_haystack.evaluation.first_stage import FirstStage, fit_hybrid_weight
from hardneg_haystack.evaluation.rerank import model_scores, reorder_run
from hardneg_haystack.evaluation.runs import qrels_of
from hardneg_haystack.evaluation.significance import paired_p_value
from hardneg_haystack.experiment.config import ExperimentConfig
from hardneg_haystack.experiment.runner import Experiment, ExperimentData, saved_config
from hardneg_haystack.ingest import load_beir_queries
from hardneg_haystack.ranking.metrics import per_query
from hardneg_haystack.training import train_cross_encoder
from hardneg_haystack.training.model_info import read_training_info
from hardneg_haystack.training.teacher import label_teacher
from hardneg_haystack.training.validation import bm25_validation


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("run", type=Path, help="an experiment folder with a warm start and mined negatives")
    ap.add_argument("--data", type=Path, required=True, help="its BEIR folder")
    ap.add_argument("--miner", default="ensemble")
    ap.add_argument("--lr", type=float, default=7e-5)
    ap.add_argument("--epochs", type=float, default=1.0, help="epochs over the training queries (default 1)")
    ap.add_argument("--teacher", choices=("indexed", "none"), default="indexed")
    ap.add_argument("--out", type=Path, default=Path("/tmp/finetune_probe"))
    ap.add_argument("--test", action="store_true", help="also score the test queries (reported, not chosen on)")
    ap.add_argument("--trained", type=Path, help="a `hardneg train --out` folder: score it, train nothing")
    args = ap.parse_args()

    state = json.loads((args.run / "state.json").read_text())
    cfg = ExperimentConfig.from_dict(saved_config(state) or {})
    exp = Experiment(ExperimentData.load(args.data, cfg), args.run, cfg)
    store, ens, corpus = exp.opened()
    config = replace(
        cfg.train,
        seed=cfg.seed,
        learning_rate=args.lr,
        epochs=args.epochs,
        base_model=state["steps"]["warmstart"]["model"],
    )
    teacher = None
    if args.teacher == "indexed":
        val = exp.validation_queries
        first = FirstStage.compute(corpus, store, val, ens.encode([q.text for q in val], "query"), cfg.depth * 3)
        teacher = label_teacher(corpus, store, ens, weight=fit_hybrid_weight(first, cfg.depth)[0])
    start = time.perf_counter()
    if args.trained is None:
        res = train_cross_encoder(
            args.run / "mined" / args.miner, args.out / args.miner, config, teacher=teacher, store=store,
            validation=bm25_validation(store, k=cfg.candidates[0], bm25_text=config.bm25_text),
            validation_ids=exp.validation_ids,
        )  # fmt: skip
        model_dir, history, best_step = res.model_dir, res.history, res.best_step
    else:  # trained by `hardneg train` with the same data and settings: its curve and best step are its own
        model_dir = args.trained / "model"
        history = json.loads((args.trained / "history.json").read_text())
        best_step = read_training_info(model_dir)["best_step"]
    curve = [(h["step"], round(h["eval_validation_ndcg@10"], 4)) for h in history if "eval_validation_ndcg@10" in h]
    seconds = round(time.perf_counter() - start, 1)
    out = {"miner": args.miner, "lr": args.lr, "epochs": args.epochs, "teacher": args.teacher,
           "best_step": best_step, "curve": curve, "train_seconds": seconds,
           "trained": None if args.trained is None else str(args.trained)}  # fmt: skip
    if args.test:
        test = load_beir_queries(args.data, cfg.test_split)
        first = FirstStage.bm25_only(corpus, store, test, cfg.depth)
        qrels, ids = qrels_of(test), sorted(qrels_of(test))
        scores = {"bm25": per_query(qrels, first.bm25_run(cfg.depth), ("ndcg@10",))["ndcg@10"]}
        for name, path in (("warm-start", config.base_model), ("fine-tuned", str(model_dir))):
            [ce] = model_scores(path, [first], 20, max_length=config.max_length)  # read as it was trained
            scores[name] = per_query(qrels, reorder_run(first, ce, 20, cfg.depth), ("ndcg@10",))["ndcg@10"]
        a, b = [scores["warm-start"][i] for i in ids], [scores["fine-tuned"][i] for i in ids]
        out["test_ndcg@10"] = {n: round(float(np.mean([v[i] for i in ids])), 4) for n, v in scores.items()}
        out["test_p_fine_tuned_vs_warm_start"] = paired_p_value(a, b, n_permutations=2000, seed=cfg.seed)
    print(f"{'step':>6} validation nDCG@10")
    for step, value in curve:
        print(f"{step:>6} {value:.4f}")
    print(json.dumps({k: v for k, v in out.items() if k != "curve"}, indent=1))
    suffix = "" if args.epochs == 1.0 else f"_{args.epochs:g}ep"
    path = Path(__file__).parent / "results" / f"finetune_probe_{args.miner}{suffix}.json"
    path.write_text(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
