"""Which candidates and which fusion a trained re-ranker should serve in, chosen on VALIDATION queries.

The experiment's ``fused[...]`` system fuses BM25, dense and cross-encoder scores over BM25's top 100 with
three weights fitted on the validation queries. Two things may hold it back: its candidates are BM25's alone
(recall@100 0.910 on SciFact where BM25 + dense candidates reach 0.946), and three weights fitted on 81
queries may fit noise. This probe scores, for one model of an experiment folder, the union of BM25's and the
dense ensemble's top ``--depth`` chunks and compares fusion variants:

- ``bm25 grid``: BM25's top ``depth``, three weights on the simplex grid (the experiment's system);
- ``union grid``: the union's candidates, three weights on the grid;
- ``union anchored``: the union's candidates, BM25 : dense kept at the hybrid's ratio fitted on the
  TRAINING queries (as ``bm25 + dense``), only the cross-encoder's share fitted (one weight).

Each variant is judged by 5-fold cross-validation on the validation queries (fit on 4/5, score the held-out
fifth); the full validation fit is then applied to the test queries, which are reported, never used to choose.
Cross-encoder scores are cached in ``<out>/fusion_probe/<model>.json``, so a re-run costs seconds.

    python benchmarks/fusion_probe.py runs/scifact_qt --model warm-start --data ../shared/data/scifact

Writes benchmarks/results/fusion_probe_<model>.json.
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path
from typing import Any

import numpy as np
from _bench import environment, print_table, write_results

SCIFACT = Path(__file__).parents[2] / "shared" / "data" / "scifact"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("run", type=Path, help="a `hardneg experiment` output folder")
    parser.add_argument("--model", default="warm-start", help="warm-start, a miner's name or a model folder")
    parser.add_argument("--data", type=Path, default=SCIFACT)
    parser.add_argument("--depth", type=int, default=100)
    parser.add_argument("--oracle", action="store_true", help="also fit the weights on the test queries (a bound)")
    args = parser.parse_args()

    from hardneg_haystack.embedding.models import load_cross_encoder
    from hardneg_haystack.evaluation.crossfit import folds as crossfit_folds
    from hardneg_haystack.evaluation.first_stage import FirstStage, fit_hybrid_weight
    from hardneg_haystack.evaluation.rerank import model_scorer
    from hardneg_haystack.evaluation.runs import maxp, qrels_of
    from hardneg_haystack.evaluation.significance import compare_family
    from hardneg_haystack.experiment.config import ExperimentConfig
    from hardneg_haystack.experiment.runner import Experiment, ExperimentData, saved_config
    from hardneg_haystack.ranking.metrics import ndcg_at_k, per_query
    from hardneg_haystack.ranking.score_fusion import fit_fusion_weights, fuse
    from hardneg_haystack.scoring.bm25_text import with_bm25_all
    from hardneg_haystack.training.model_info import reads_bm25

    state = json.loads((args.run / "state.json").read_text())
    config = ExperimentConfig.from_dict(saved_config(state))
    exp = Experiment(ExperimentData.load(args.data, config), args.run, config)
    if Path(args.model).is_dir():  # a model folder trained outside the experiment (e.g. by `hardneg train`)
        path = Path(args.model)
    elif args.model == "warm-start":
        path = Path(state["steps"]["warmstart"]["model"])
    else:
        path = args.run / "rankers" / args.model / "model"
    slug = args.model.strip("/").replace("/", "_")
    store, ens, corpus = exp.opened()
    pool, depth = config.depth * 3, args.depth
    held = set(exp.validation_ids)
    fit_q = [q for q in exp.data.train if q.id not in held]
    train_first = FirstStage.compute(corpus, store, fit_q, ens.encode([q.text for q in fit_q], "query"), pool)
    hybrid_w, _ = fit_hybrid_weight(train_first, config.depth)
    del train_first

    def first_of(queries: list) -> Any:
        return FirstStage.compute(corpus, store, queries, ens.encode([q.text for q in queries], "query"), pool)

    sets = {"validation": first_of(exp.validation_queries), "test": first_of(exp.data.test)}
    cache_path = args.run / "fusion_probe" / f"{slug}.json"
    cache: dict[str, dict[str, float]] = json.loads(cache_path.read_text()) if cache_path.is_file() else {}
    tagged = reads_bm25(path)
    model = None
    # per set and query: candidate indices, [bm25, dense, ce] signals, relevance
    lists: dict[str, list[tuple[list[int], list[np.ndarray], list[bool], int]]] = {}
    for name, first in sets.items():
        rows = []
        for qi, q in enumerate(first.queries):
            idx, bm, dn = first.hybrid_candidates(qi, depth)  # BM25's top depth first, then dense's others
            have = cache.setdefault(q.id, {})
            todo = [j for j, i in enumerate(idx) if str(i) not in have]
            if todo:
                if model is None:
                    model = model_scorer(load_cross_encoder(str(path), max_length=config.train.max_length))
                texts = [corpus.contents[idx[j]] for j in todo]
                if tagged:
                    texts = with_bm25_all(texts, [bm[j] for j in todo], first.bm25[qi][0][1] if first.bm25[qi] else 0.0)
                for j, s in zip(todo, model([(q.text, t) for t in texts]), strict=True):
                    have[str(idx[j])] = float(s)
            ce = [have[str(i)] for i in idx]
            positives = set(corpus.positive_indices(q.positive_ids))
            head = min(depth, len(first.bm25[qi]))  # the union starts with BM25's top ``depth``
            rows.append((idx, [np.asarray(bm), np.asarray(dn), np.asarray(ce)], [i in positives for i in idx], head))
            if todo and qi % 20 == 0:
                cache_path.parent.mkdir(parents=True, exist_ok=True)
                cache_path.write_text(json.dumps(cache))
                print(f"{name}: {qi + 1}/{len(first.queries)} queries scored", flush=True)
        lists[name] = rows
    cache_path.parent.mkdir(parents=True, exist_ok=True)
    cache_path.write_text(json.dumps(cache))

    def restrict(row: tuple, bm25_only: bool) -> tuple:
        idx, sig, rel, head = row
        n = head if bm25_only else len(idx)
        return idx[:n], [s[:n] for s in sig], rel[:n]

    def fit(rows: list, variant: str) -> tuple[float, ...]:
        samples = [(sig, rel) for _, sig, rel in (restrict(r, variant == "bm25 grid") for r in rows) if any(rel)]
        if variant == "union anchored":
            best = (-1.0, (0.0, 0.0, 1.0))
            for c in np.round(np.arange(0, 1.0001, 0.05), 2):
                w = (float((1 - c) * (1 - hybrid_w)), float((1 - c) * hybrid_w), float(c))
                score = float(np.mean([ndcg_at_k(fuse(s, w), r, 10) for s, r in samples]))
                if score > best[0] + 1e-12:
                    best = (score, w)
            return best[1]
        return fit_fusion_weights(samples)[0]

    def score_rows(rows: list, variant: str, w: tuple[float, ...]) -> list[float]:
        out = []
        for r in rows:
            _, sig, rel = restrict(r, variant == "bm25 grid")
            out.append(ndcg_at_k(fuse(sig, w), rel, 10) if any(rel) else 0.0)
        return out

    def fused_test_run(variant: str, w: tuple[float, ...]) -> dict[str, dict[str, float]]:
        run = {}
        for q, row in zip(sets["test"].queries, lists["test"], strict=True):
            idx, sig, _ = restrict(row, variant == "bm25 grid")
            run[q.id] = maxp(dict(zip(idx, fuse(sig, w).tolist(), strict=True)), corpus, config.depth)
        return run

    variants = ("bm25 grid", "union grid", "union anchored")
    val = lists["validation"]
    order = list(range(len(val)))
    random.Random(0).shuffle(order)
    folds = crossfit_folds(len(val), k=5, seed=0)  # the experiment's deal: the same folds as order[f::5]
    rows_out, weights = [], {}
    test_runs: dict[str, dict[str, dict[str, float]]] = {}
    first_test = sets["test"]
    for v in variants:
        cv = []
        for f in folds:
            train_rows = [val[i] for i in order if i not in set(f)]
            cv += score_rows([val[i] for i in f], v, fit(train_rows, v))
        w = fit(val, v)
        weights[v] = [round(x, 3) for x in w]
        test_runs[v] = fused_test_run(v, w)
        rows_out.append(
            {
                "variant": v,
                "weights (bm25, dense, ce)": weights[v],
                "validation 5-fold nDCG@10": round(float(np.mean(cv)), 4),
            }
        )
    if args.oracle:  # weights fitted on the TEST queries themselves: an upper bound, never a system
        for v in ("bm25 grid", "union grid"):
            w = fit(lists["test"], v)
            name = f"{v}, fitted on test (bound)"
            test_runs[name] = fused_test_run(v, w)
            rows_out.append({"variant": name, "weights (bm25, dense, ce)": [round(x, 3) for x in w]})
    n_fitted = len(rows_out)
    test_runs["bm25"] = first_test.bm25_run(config.depth)
    test_runs[f"bm25 + dense (w={hybrid_w:g})"] = first_test.hybrid_run(hybrid_w, config.depth)
    qrels = qrels_of(first_test.queries)
    per = {n: per_query(qrels, r, ("ndcg@10", "recall@100")) for n, r in test_runs.items()}
    ids = sorted(qrels)
    for row in rows_out:
        row["test nDCG@10"] = round(float(np.mean([per[row["variant"]]["ndcg@10"][i] for i in ids])), 4)
        row["test R@100"] = round(float(np.mean([per[row["variant"]]["recall@100"][i] for i in ids])), 4)
    for n in list(test_runs)[n_fitted:]:
        rows_out.append({"variant": n, "test nDCG@10": round(float(np.mean([per[n]["ndcg@10"][i] for i in ids])), 4),
                         "test R@100": round(float(np.mean([per[n]["recall@100"][i] for i in ids])), 4)})  # fmt: skip
    print_table(rows_out, f"fusion of {args.model} (test queries reported, never used to choose)")
    hybrid = f"bm25 + dense (w={hybrid_w:g})"
    tests = compare_family("fusion", [(v, b) for v in variants for b in ("bm25", hybrid)], per, ids, ("ndcg@10",))
    tab = [{"system": t["system"], "vs": t["baseline"], "delta": round(t["delta"], 4), "p_holm": round(t["p_holm"], 4)}
           for t in tests]  # fmt: skip
    print_table(tab, "paired randomization tests on test nDCG@10 (Holm within the family)")
    meta = {**vars(args), "run": str(args.run), "data": str(args.data)}
    write_results(
        f"fusion_probe_{slug}",
        {"environment": environment(), "args": meta, "hybrid_weight": hybrid_w, "rows": rows_out, "tests": tab},
    )


if __name__ == "__main__":
    main()
