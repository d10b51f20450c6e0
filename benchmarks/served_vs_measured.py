"""Served = measured? Run every query pipeline an experiment wrote over its test queries and compare with the report.

Each ``<run>/pipelines/*.yaml`` (and ``<run>/pipeline.yaml``) is loaded bound to ``<run>/index`` as a user
would (``load_query_pipeline``), every test query goes through it, and its nDCG@10 (per parent document, ranx,
as the report) is compared with the figure ``results.json`` gives that system, per query and on average.
Prints a table and writes ``benchmarks/results/served_vs_measured_<run folder name>.json``.

    python benchmarks/served_vs_measured.py runs/demo --data hardneg_haystack/sample_data/kb

docs/RESULTS.md section 13m.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from _bench import environment, print_environment, print_table, write_results

from hardneg_haystack.components.pipelines import load_query_pipeline
from hardneg_haystack.evaluation.runs import qrels_of
from hardneg_haystack.experiment.config import ExperimentConfig
from hardneg_haystack.experiment.runner import ExperimentData, saved_config
from hardneg_haystack.ranking.metrics import per_query


def serve(pipeline: Path, index: Path, queries: list) -> dict[str, dict[str, float]]:
    """Each query through a written pipeline: ``{query id: {parent document id: score}}``."""
    pipe = load_query_pipeline(pipeline, work_dir=index)
    names = {name for name, _ in pipe.walk()}
    run = {}
    for q in queries:
        inputs: dict = {"retriever": {"query": q.text}}
        if "text_embedder" in names:
            inputs["text_embedder"] = {"text": q.text}
        if "ranker" in names:
            inputs["ranker"] = {"query": q.text}
        docs = pipe.run(inputs)["maxp"]["documents"]
        run[q.id] = {str(d.meta.get("parent_id", d.id)): float(d.score) for d in docs}
    return run


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("run", type=Path, help="a finished experiment folder")
    ap.add_argument("--data", type=Path, required=True, help="the experiment's data (BEIR folder)")
    args = ap.parse_args()

    state = json.loads((args.run / "state.json").read_text())
    cfg = ExperimentConfig.from_dict(saved_config(state) or {})
    test = ExperimentData.load(args.data, cfg).test  # sampled as the experiment did
    results = json.loads((args.run / "results.json").read_text())
    qrels = qrels_of(test)
    written = dict(state["steps"]["deploy"].get("pipelines") or {})
    written[f"{state['steps']['deploy']['system']} (pipeline.yaml)"] = state["steps"]["deploy"]["pipeline"]
    rows = []
    for system, path in written.items():
        name = system.removesuffix(" (pipeline.yaml)")
        start = time.perf_counter()
        got = per_query(qrels, serve(Path(path), args.run / "index", test), ("ndcg@10",))["ndcg@10"]
        measured = results["systems"][name]["per_query"]["ndcg@10"]
        diffs = [abs(got[q] - measured[q]) for q in got]
        rows.append({
            "system": system, "pipeline": str(path), "queries": len(got),
            "served_ndcg@10": round(sum(got.values()) / len(got), 6),
            "report_ndcg@10": round(sum(measured[q] for q in got) / len(got), 6),
            "max_abs_diff_per_query": max(diffs), "queries_differing": sum(d > 1e-6 for d in diffs),
            "seconds": round(time.perf_counter() - start, 1),
        })  # fmt: skip
    env = environment()
    print_environment(env)
    print_table([{k: v for k, v in r.items() if k != "pipeline"} for r in rows], "served pipelines vs the report")
    write_results(f"served_vs_measured_{args.run.name}", {"environment": env, "run": str(args.run), "rows": rows})


if __name__ == "__main__":
    main()
