"""Cross-encoder training and scoring throughput: fp32 (the first release) vs bf16 autocast, same data.

Run:  python benchmarks/train_speed.py --mined runs/sf/mined/ensemble --work-dir runs/sf/index --steps 60

The same mined n-tuples train the same base model for ``--steps`` optimiser steps in each precision (loss
mnrl, batch 8, 128 tokens, seed 42, the validation queries held out by query), then the trained model
re-ranks the held-out queries' BM25 top-20 (validation nDCG@10, positives added as in training). Training
pairs per second count every (query, document) pair the loss scores (MNRL: the positive, the mined
negatives and 4 in-batch negatives per query); time is the trainer's own run time. Scoring pairs per second
time ``predict`` over the first 64 mined rows' (query, positive or negative) pairs (sorted by length,
batch 32).

The first two rows keep the base model's attention dropout (0.1, as the first release trained); the third is
today's default, bf16 with no dropout on attention probabilities (``TrainConfig.attention_dropout=0``), which
lets PyTorch's fused attention kernel run. ``--max-length`` sets the tokens per pair (default 128).

Target (issue 13): training throughput >= 2x fp32's at equal validation nDCG@10 (within 0.02).
Prints the machine, versions and a table; writes benchmarks/results/train_speed.json.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path
from typing import Any

from _bench import environment, print_environment, print_table, target, write_results


def run_one(
    mined: Path, work_dir: Path, precision: str, steps: int, base: str, dropout: float | None, max_length: int
) -> dict[str, Any]:
    from hardneg_haystack.components.indexing import open_index
    from hardneg_haystack.embedding.models import load_cross_encoder
    from hardneg_haystack.scoring.precision import pair_scorer
    from hardneg_haystack.training import TrainConfig, train_cross_encoder
    from hardneg_haystack.training.validation import bm25_validation

    store, _, _ = open_index(work_dir)
    config = TrainConfig(
        base_model=base,
        max_steps=steps,
        batch_size=8,
        max_length=max_length,
        eval_steps=steps,
        early_stopping_patience=0,
        precision=precision,
        attention_dropout=dropout,
    )
    with tempfile.TemporaryDirectory() as tmp:
        res = train_cross_encoder(mined, tmp, config, validation=bm25_validation(store, k=20), resume=False)
        runtime = next(h["train_runtime"] for h in res.history if "train_runtime" in h)
        evals = sum(h.get("eval_runtime", 0.0) for h in res.history)
        model = load_cross_encoder(str(res.model_dir), max_length=max_length)
    rows = _rows(mined)
    pairs = steps * 8 * (1 + len(rows[0]["negatives"]) + 4)
    score = pair_scorer(model, precision=precision)
    cands = [(r["query"], d) for r in rows[:64] for d in [r["positive"], *r["negatives"]]]
    start = time.perf_counter()
    score(cands)
    scoring = len(cands) / (time.perf_counter() - start)
    return {
        "precision": precision,
        "attention_dropout": "model's (0.1)" if dropout is None else dropout,
        "max_length": max_length,
        "steps": steps,
        "train_s": round(runtime - evals, 1),
        "train_pairs_per_s": round(pairs / (runtime - evals), 2),
        "score_pairs_per_s": round(scoring, 1),
        "val_ndcg@10": round(res.metrics.get("validation_ndcg@10", float("nan")), 4),
    }


def _rows(mined: Path) -> list[dict[str, Any]]:
    import json

    path = mined / "ntuples.jsonl" if mined.is_dir() else mined
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mined", type=Path, required=True, help="a `hardneg mine` output folder")
    parser.add_argument("--work-dir", type=Path, required=True, help="the indexed work folder it was mined from")
    parser.add_argument("--steps", type=int, default=60)
    parser.add_argument("--base", default="minilm")
    parser.add_argument("--max-length", type=int, default=128)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    env = environment()
    print_environment(env)
    runs = (("fp32", None), ("bf16", None), ("bf16", 0.0))
    rows = [run_one(args.mined, args.work_dir, p, args.steps, args.base, d, args.max_length) for p, d in runs]
    print_table(rows, "training and scoring throughput")
    fp32, bf16, fused = rows
    targets = [
        target("training speed-up bf16 / fp32", bf16["train_pairs_per_s"] / fp32["train_pairs_per_s"], 2.0,
               lower_is_better=False, unit="x"),
        target("validation nDCG@10 loss", fp32["val_ndcg@10"] - bf16["val_ndcg@10"], 0.02),
        target("training speed-up bf16, attention dropout 0 / fp32", fused["train_pairs_per_s"] /
               fp32["train_pairs_per_s"], 2.0, lower_is_better=False, unit="x"),
        target("validation nDCG@10 loss (attention dropout 0)", fp32["val_ndcg@10"] - fused["val_ndcg@10"], 0.02),
    ]  # fmt: skip
    print_table(targets, "targets")
    name = "train_speed" if args.max_length == 128 else f"train_speed_{args.max_length}"
    write_results(name, {"environment": env, "rows": rows, "targets": targets}, args.out)


if __name__ == "__main__":
    main()
