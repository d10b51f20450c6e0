"""The probe that chose the training recipe (docs/RESULTS.md section 13), on VALIDATION queries only.

Validation = 100 SciFact training queries (a seeded shuffle, seed 7); no test query is read to choose
(``evaluate --split train|test`` reports a chosen model on all training or the test queries). Three steps,
each a subcommand, run in this order on an indexed work folder (`hardneg index` + `hardneg fit-weights
--apply`) and mined folders (`hardneg mine`):

    python benchmarks/recipe_probe.py warm-start --work-dir /tmp/sf/index --out /tmp/probe/ws1 --queries 2000
    python benchmarks/recipe_probe.py fine-tune --work-dir /tmp/sf/index --mined /tmp/sf/mine/ensemble \\
        --base /tmp/probe/ws1/model --out /tmp/probe/ft_ens --lr 2e-5
    python benchmarks/recipe_probe.py evaluate --work-dir /tmp/sf/index /tmp/probe/ws1/model /tmp/probe/ft_ens/model
    python benchmarks/recipe_probe.py evaluate --work-dir /tmp/sf/index --split train --candidates 20 \\
        /tmp/probe/ws1/checkpoints/checkpoint-500     # all training queries: fair only for a label-free model

``--query-texts`` (warm-start): the training queries' TEXTS (never their labels; the 100 validation queries
left out) join the pseudo-queries, as a query log would. ``--tag NAME`` suffixes the results file.

``--bm25-text`` (any step): the model reads each passage's BM25 score as text (hardneg_haystack/scoring/bm25_text.py);
results go to ``recipe_probe_<step>_bm25text.json``. The section 13f probe:

    python benchmarks/recipe_probe.py warm-start --work-dir /tmp/sf/index --out /tmp/p14/ws128bt --queries 1200 \
        --bm25-text
    python benchmarks/recipe_probe.py evaluate --work-dir /tmp/sf/index --split train --candidates 20 --bm25-text \
        /tmp/p14/ws128bt/model
    python benchmarks/recipe_probe.py fine-tune --work-dir /tmp/sf/index --mined /tmp/sf/mine/ensemble \
        --base /tmp/p14/ws128bt/model --out /tmp/p14/ft_ens_bt --lr 2e-5 --steps 120 --bm25-text

``warm-start`` and ``fine-tune`` print the validation curve (nDCG@10 re-ranking BM25's top 20 with the
positives added, sentence-transformers' evaluator convention, and BM25's own order of the same lists);
``evaluate`` prints nDCG@10 of BM25, dense, and each model alone on BM25's top 20 and top 100 (positives
NOT added: the real task), and the in-sample best fusion weights of BM25 + dense + model on these queries;
with ``--fit-split val`` the weights are fitted on the validation queries and the fused system is scored on
``--split`` (the section 13j check: choose on validation, report test):

    python benchmarks/recipe_probe.py evaluate --work-dir runs/scifact7/index --split test --fit-split val \
        --candidates 100 --max-length 256 --tag 256_querytexts_test100 /tmp/p16/ws256q/model
Writes benchmarks/results/recipe_probe_<step>.json.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from pathlib import Path
from typing import Any

from _bench import environment, print_table, write_results

SCIFACT = Path(__file__).parents[2] / "shared" / "data" / "scifact"


def validation_queries(data: Path, n: int = 100) -> list[Any]:
    from hardneg_haystack.ingest import load_beir_queries

    train = load_beir_queries(data, "train")
    random.Random(7).shuffle(train)
    return train[:n]


def evaluation_queries(data: Path, split: str) -> list[Any]:
    """``val``: the 100 validation queries; ``train``: all training queries (a fair check only of a model that
    saw no label, such as the warm start); ``test``: the test queries (to report, never to choose)."""
    from hardneg_haystack.ingest import load_beir_queries

    if split == "val":
        return validation_queries(data)
    return load_beir_queries(data, split)


def curve(history: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {"step": h["step"], "val_ndcg@10": h["eval_validation_ndcg@10"], "bm25": h["eval_validation_base_ndcg@10"]}
        for h in history
        if "eval_validation_ndcg@10" in h
    ]


def warm_start_step(args: argparse.Namespace) -> dict[str, Any]:
    from hardneg_haystack.components.indexing import open_index
    from hardneg_haystack.mining.corpus import load_corpus
    from hardneg_haystack.training.validation import rerank_samples
    from hardneg_haystack.training.warmstart import WarmStartConfig, warm_start

    store, embedder, _ = open_index(args.work_dir)
    corpus = load_corpus(store)
    samples = rerank_samples(store, validation_queries(args.data), corpus=corpus)
    config = WarmStartConfig(
        queries=args.queries,
        seed=args.seed,
        bm25_text=args.bm25_text,
        train={"eval_steps": 100, "learning_rate": args.lr, "max_length": args.max_length, "seed": args.seed},
    )
    start = time.perf_counter()
    validation = None if args.bm25_text else samples  # the validation evaluator shows no BM25 text
    texts: list[str] = []
    if args.query_texts:  # the training queries' texts, not their labels, the validation queries left out
        held = {q.id for q in validation_queries(args.data)}
        texts = [q.text for q in evaluation_queries(args.data, "train") if q.id not in held]
    res = warm_start(corpus, store, embedder.ensemble, args.out, config, validation=validation, query_texts=texts)
    history = json.loads((Path(args.out) / "history.json").read_text())
    return {"seconds": round(time.perf_counter() - start, 1), "lists": res.lists, "curve": curve(history)}


def fine_tune_step(args: argparse.Namespace) -> dict[str, Any]:
    from hardneg_haystack.components.indexing import open_index
    from hardneg_haystack.training import TrainConfig, train_cross_encoder
    from hardneg_haystack.training.validation import bm25_validation

    store, _, _ = open_index(args.work_dir)
    config = TrainConfig(
        base_model=args.base,
        learning_rate=args.lr,
        max_length=args.max_length,
        eval_steps=30,
        early_stopping_patience=0,
        max_steps=args.steps,
        bm25_text=args.bm25_text,
    )
    start = time.perf_counter()
    res = train_cross_encoder(
        args.mined,
        args.out,
        config,
        validation=bm25_validation(store, k=20, bm25_text=args.bm25_text),
        validation_ids=[q.id for q in validation_queries(args.data)],
        store=store,
    )
    return {"seconds": round(time.perf_counter() - start, 1), "best_step": res.best_step, "curve": curve(res.history)}


def evaluate_step(args: argparse.Namespace) -> dict[str, Any]:
    from hardneg_haystack.components.indexing import open_index
    from hardneg_haystack.embedding.models import load_cross_encoder
    from hardneg_haystack.evaluation.first_stage import FirstStage
    from hardneg_haystack.evaluation.rerank import (
        cross_encoder_scores,
        fit_fused_weights,
        fused_scores,
        model_scorer,
        reorder_run,
    )
    from hardneg_haystack.evaluation.runs import qrels_of
    from hardneg_haystack.mining.corpus import load_corpus
    from hardneg_haystack.ranking.metrics import evaluate_run

    store, embedder, _ = open_index(args.work_dir)
    corpus = load_corpus(store)
    val = evaluation_queries(args.data, args.split)

    def first_stage(queries: list[Any]) -> FirstStage:
        return FirstStage.compute(
            corpus, store, queries, embedder.ensemble.encode([q.text for q in queries], "query"), 300
        )

    first = first_stage(val)
    qrels = qrels_of(val)

    def ndcg(run: dict) -> float:
        return round(evaluate_run(qrels, run, ("ndcg@10",))["ndcg@10"], 4)

    fit = None
    if args.fit_split:  # the fusion weights come from other queries (e.g. validation), applied to these
        fit = first_stage(evaluation_queries(args.data, args.fit_split))
    rows = [
        {"system": "bm25", "top-20": ndcg(first.bm25_run(100))},
        {"system": "dense", "top-20": ndcg(first.dense_run(100))},
    ]
    for path in args.models:
        model = load_cross_encoder(path, max_length=args.max_length)
        scorer = model_scorer(model)
        ce = cross_encoder_scores(first, scorer, args.candidates, bm25_text=args.bm25_text)
        row = {
            "system": path,
            "top-20": ndcg(reorder_run(first, ce, 20, 100)),
            **({"top-100": ndcg(reorder_run(first, ce, 100, 100))} if args.candidates >= 100 else {}),
        }
        if fit is None:
            weights, fused = fit_fused_weights(first, ce, args.candidates)
            row["fused (in-sample)"] = round(fused, 4)
        else:
            weights, fitted = fit_fused_weights(
                fit, cross_encoder_scores(fit, scorer, args.candidates, bm25_text=args.bm25_text), args.candidates
            )
            row[f"fused (weights from {args.fit_split}: {fitted:.4f})"] = ndcg(
                reorder_run(first, fused_scores(first, ce, weights, args.candidates), args.candidates, 100)
            )
        row["weights bm25/dense/ce"] = "/".join(f"{w:g}" for w in weights)
        rows.append(row)
    return {"rows": rows}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("step", choices=["warm-start", "fine-tune", "evaluate"])
    parser.add_argument("models", nargs="*", help="evaluate: model folders")
    parser.add_argument("--work-dir", type=Path, required=True)
    parser.add_argument("--data", type=Path, default=SCIFACT)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--mined", type=Path)
    parser.add_argument("--base", default="minilm")
    parser.add_argument("--queries", type=int, default=2000)
    parser.add_argument("--lr", type=float, default=None)
    parser.add_argument("--steps", type=int, default=-1)
    parser.add_argument("--split", choices=["val", "train", "test"], default="val", help="evaluate: which queries")
    parser.add_argument(
        "--fit-split",
        choices=["val", "train", "test"],
        help="evaluate: fit the fusion weights on these queries and apply them to --split (default: in-sample)",
    )
    parser.add_argument("--candidates", type=int, default=100, help="evaluate: BM25 candidates scored (20 or 100)")
    parser.add_argument("--max-length", type=int, default=128, help="tokens the cross-encoder reads")
    parser.add_argument("--bm25-text", action="store_true", help="the model reads BM25's score as text")
    parser.add_argument(
        "--query-texts", action="store_true", help="warm-start: the training queries' texts join the pseudo-queries"
    )
    parser.add_argument("--seed", type=int, default=42, help="warm-start: seed of the pseudo-queries and training")
    parser.add_argument("--tag", default="", help="suffix of the results file name")
    args = parser.parse_intermixed_args()
    if args.lr is None:
        args.lr = 7e-5 if args.step == "warm-start" else 2e-5
    run = {"warm-start": warm_start_step, "fine-tune": fine_tune_step, "evaluate": evaluate_step}[args.step]
    result = run(args)
    print_table(result.get("curve") or result.get("rows") or [], args.step)
    params = {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()}
    suffix = ("_bm25text" if args.bm25_text else "") + (f"_{args.tag}" if args.tag else "")
    write_results(f"recipe_probe_{args.step}{suffix}", {"environment": environment(), "args": params, **result})


if __name__ == "__main__":
    main()
