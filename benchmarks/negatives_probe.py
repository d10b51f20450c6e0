"""Negative sources compared on the LAST fine-tune checkpoint of each re-ranker of an experiment folder.

When every fine-tune keeps its starting point (no step beat the warm start on the validation queries, as in
the SciFact run of docs/RESULTS.md section 13f), the experiment's own comparison of negative sources compares
one model with itself. This probe reports, on the experiment's TEST queries (reported, never used to choose),
what each source's negatives did to the model by the end of its steps: nDCG@10 of each last checkpoint alone
on BM25's top ``--candidates``, against BM25, the warm start and each other, with paired randomization tests
(Holm-corrected within the family, as the experiment's report).

    python benchmarks/negatives_probe.py runs/scifact_bt --data ../shared/data/scifact --candidates 20

Writes benchmarks/results/negatives_probe.json.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from _bench import environment, print_table, write_results

SCIFACT = Path(__file__).parents[2] / "shared" / "data" / "scifact"


def last_checkpoint(ranker: Path) -> Path:
    ckpts = sorted((ranker / "checkpoints").glob("checkpoint-*"), key=lambda p: int(p.name.split("-")[1]))
    if not ckpts:
        raise SystemExit(f"{ranker}: no checkpoints")
    return ckpts[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("run", type=Path, help="a `hardneg experiment` output folder")
    parser.add_argument("--data", type=Path, default=SCIFACT)
    parser.add_argument("--candidates", type=int, default=20)
    args = parser.parse_args()

    from hardneg_haystack.embedding.models import load_cross_encoder
    from hardneg_haystack.evaluation.first_stage import FirstStage
    from hardneg_haystack.evaluation.rerank import cross_encoder_scores, model_scorer, reorder_run
    from hardneg_haystack.evaluation.runs import qrels_of
    from hardneg_haystack.evaluation.significance import compare_family
    from hardneg_haystack.index.workdir import open_work_store
    from hardneg_haystack.ingest import load_beir_queries
    from hardneg_haystack.mining.corpus import load_corpus
    from hardneg_haystack.ranking.metrics import per_query

    state = json.loads((args.run / "state.json").read_text())
    config = state["config"]
    store, _ = open_work_store(args.run / "index")
    corpus = load_corpus(store, need_embeddings=False)
    queries = load_beir_queries(args.data, config.get("test_split", "test"))
    first = FirstStage.bm25_only(corpus, store, queries, 300)
    models = {"warm-start": Path(state["steps"]["warmstart"]["model"])}
    for miner in config["miners"]:
        ckpt = last_checkpoint(args.run / "rankers" / miner)
        models[f"{miner} ({ckpt.name})"] = ckpt
    runs: dict[str, Any] = {"bm25": first.bm25_run(100)}
    for name, path in models.items():
        model = load_cross_encoder(str(path), max_length=config["train"]["max_length"])
        ce = cross_encoder_scores(first, model_scorer(model), args.candidates, bm25_text=config.get("bm25_text", False))
        runs[name] = reorder_run(first, ce, args.candidates, 100)
    qrels = qrels_of(queries)
    per = {name: per_query(qrels, run, ("ndcg@10",)) for name, run in runs.items()}
    ids = sorted(qrels)
    names = list(models)
    ens = next(n for n in names if n.startswith("ensemble"))
    pairs = [(n, "bm25") for n in names] + [(n, "warm-start") for n in names[1:]]
    pairs += [(ens, n) for n in names[1:] if n != ens]
    tests = compare_family("negatives", pairs, per, ids, ("ndcg@10",))
    rows = [{"system": n, "ndcg@10": round(sum(per[n]["ndcg@10"].values()) / len(ids), 4)} for n in runs]
    print_table(rows, f"nDCG@10 alone on BM25's top {args.candidates}, {len(ids)} test queries")
    tab = [
        {"system": t["system"], "vs": t["baseline"], "delta": round(t["delta"], 4), "p": round(t["p_value"], 4),
         "p_holm": round(t["p_holm"], 4)}
        for t in tests
    ]  # fmt: skip
    print_table(tab, "paired randomization tests (Holm within the family)")
    write_results("negatives_probe", {"environment": environment(), "args": vars(args) | {"run": str(args.run),
                  "data": str(args.data)}, "rows": rows, "tests": tab})  # fmt: skip


if __name__ == "__main__":
    main()
