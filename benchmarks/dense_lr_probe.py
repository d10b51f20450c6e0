"""Which learning rate lets the experiment's short dense tune learn most? (VALIDATION chooses.)

The experiment tunes the dense member for two epochs at 128 tokens per negative source (``DENSE_TUNE`` in
hardneg_haystack/experiment/config.py). This probe repeats that step, the experiment's own code path
(:func:`hardneg_haystack.workflows.tune_dense.tune_dense`, the run's validation queries, its mined tuples), once
per learning rate, on a run folder whose index still holds the member as indexed (before ``dense:apply``), and
prints each epoch's validation nDCG@10 (the ensemble's dense retrieval with the tuned member in place). Test
queries are never read.

    python benchmarks/dense_lr_probe.py runs/sf31 --lr 6e-5 1.2e-4 2.5e-4 --miner ensemble

Writes benchmarks/results/dense_lr_probe.json (one row per learning rate; the tuned members go to --out).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from _bench import environment, print_table, write_results

SCIFACT = Path(__file__).parents[2] / "shared" / "data" / "scifact"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("run", type=Path, help="a `hardneg experiment` folder, before its dense:apply step")
    parser.add_argument("--data", type=Path, default=SCIFACT)
    parser.add_argument("--miner", default="ensemble", help="whose mined tuples train the member")
    parser.add_argument("--lr", type=float, nargs="+", default=[2e-5, 6e-5, 1.2e-4, 2.5e-4])
    parser.add_argument("--epochs", type=int, default=None, help="default: the experiment's")
    parser.add_argument("--out", type=Path, default=Path("/tmp/dense_lr_probe"))
    args = parser.parse_args()

    from hardneg_haystack.experiment.config import DENSE_TUNE, ExperimentConfig
    from hardneg_haystack.experiment.runner import Experiment, ExperimentData
    from hardneg_haystack.mining.result import MiningResult
    from hardneg_haystack.training.dense_tune import DenseTuneConfig
    from hardneg_haystack.workflows.tune_dense import tune_dense

    state = json.loads((args.run / "state.json").read_text())
    if (state["steps"].get("dense:apply") or {}).get("applied"):
        raise SystemExit(f"{args.run}: its index holds a tuned member already; probe a run before dense:apply")
    config = ExperimentConfig.from_dict(state["config"])  # the run's own config: its folder opens as it was
    data = ExperimentData.load(args.data, config)
    exp = Experiment(data, args.run, config)
    store, ensemble, corpus = exp.opened()
    member = state["steps"]["weights"]["best_member"]
    ntuples = MiningResult.read(args.run / "mined" / args.miner).ntuples()
    rows = []
    for lr in args.lr:
        cfg = DenseTuneConfig(**{**DENSE_TUNE, "learning_rate": lr, **({"epochs": args.epochs} if args.epochs else {})})
        start = time.perf_counter()
        outcome = tune_dense(
            store=store, ensemble=ensemble, corpus=corpus, validation=exp.validation_queries, ntuples=ntuples,
            out=args.out / f"{args.miner}_lr{lr:g}", config=cfg, member=member, depth=config.depth,
        )  # fmt: skip
        curve = [round(x, 4) for x in outcome.result.curve]
        seconds = round(time.perf_counter() - start)
        epochs = {f"epoch {i}": score for i, score in enumerate(curve)}
        rows.append({"learning rate": lr, **epochs, "best epoch": outcome.result.best_epoch, "seconds": seconds})
        shown = [{**r, "learning rate": f"{r['learning rate']:g}"} for r in rows]  # 1.2e-4, not 0.000
        print_table(shown, title=f"dense nDCG@10 on {len(exp.validation_queries)} validation queries, {args.miner}")
    write_results(
        "dense_lr_probe",
        {"run": str(args.run), "miner": args.miner, "member": member, "base_config": DENSE_TUNE,
         "validation_queries": len(exp.validation_queries), "rows": rows, "environment": environment()},
    )  # fmt: skip


if __name__ == "__main__":
    main()
