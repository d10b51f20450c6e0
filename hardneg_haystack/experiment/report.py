"""results.json, report.md and the plots of an experiment (numbers from :mod:`hardneg_haystack.evaluation`:
ranx metrics and the significance tests).

``results.json`` schema (``"schema": "hardneg-experiment/1"``):

- ``config``, ``versions``, ``data`` (documents, store entries, queries, short/long counts), ``steps``
  (every step's info and ``seconds``).
- ``systems``: ``{name: {"metrics": {metric: mean}, "ci95": {metric: [low, high]},
  "short": {metric: mean}, "long": {metric: mean}, "per_query": {metric: {query_id: score}}}}``.
- ``comparisons``: ``[{"family", "system", "baseline", "metric", "delta", "p_value", "p_holm",
  "significant"}]``. Family ``primary`` is the one confirmatory test, named from validation alone before a test
  query is read (:func:`primary_pair`: the fine-tune best on validation against its warm start, at the depth
  validation judged it), so it needs no correction; ``vs_bm25`` compares every system with BM25,
  ``vs_warm_start`` every fine-tuned re-ranker (alone and fused) with the warm start it began from,
  ``ensemble_vs_miners`` the ensemble's negatives with each other source's, for the re-rankers and for the
  tuned dense member. Holm corrects within a family and metric.
- ``primary``: that test's pair and why it was chosen (``{"system", "baseline", "miner", "validation_ndcg@10",
  "depth"}``), or ``null`` when no fine-tune moved from its warm start.
- ``miners``: per miner, its mining statistics and the ensemble similarity of its negatives (summary).
- ``training``: per miner, steps, best step, validation metrics, blend weight, seconds.
"""

from __future__ import annotations

import json
import platform
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

from hardneg_haystack.evaluation.runs import qrels_of
from hardneg_haystack.evaluation.significance import bootstrap_ci, compare_family
from hardneg_haystack.experiment.config import METRICS
from hardneg_haystack.ranking.metrics import per_query

SCHEMA = "hardneg-experiment/1"
HEADLINE = ("ndcg@10", "mrr@10", "precision@1", "recall@100")
PACKAGES = ("hardneg-haystack", "haystack-ai", "sentence-transformers", "torch", "scikit-learn", "ranx", "rank-bm25")


def _versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def _mean(values: dict[str, float], ids: list[str]) -> float:
    return float(np.mean([values[i] for i in ids])) if ids else float("nan")


def primary_pair(
    training: dict[str, dict[str, Any]], candidates: list[int], runs: dict[str, Any]
) -> dict[str, Any] | None:
    """The confirmatory question "did the labels move the re-ranker?" as ONE paired test, fixed by validation
    alone: the fine-tune with the highest validation nDCG@10 among those that moved (best step > 0), re-ranking
    BM25's top ``candidates[0]`` (the depth validation judged it at) against the warm start at the same depth.
    Every other comparison is exploratory and Holm-corrected in its family; this one, chosen before any test
    query is scored, needs no correction. ``None`` when no fine-tune moved or the runs lack the pair.

    >>> t = {"bm25": {"best_step": 47, "validation_metrics": {"ndcg@10": 0.751}},
    ...      "ensemble": {"best_step": 279, "validation_metrics": {"ndcg@10": 0.758}},
    ...      "random": {"best_step": 0, "validation_metrics": {"ndcg@10": 0.736}}}
    >>> runs = {f"rerank[{m}] top-20": {} for m in ("warm-start", "bm25", "ensemble", "random")}
    >>> primary_pair(t, [20, 30], runs)["system"]
    'rerank[ensemble] top-20'
    """
    moved = {m: _val(t, "ndcg@10") for m, t in training.items() if t.get("best_step")}
    moved = {m: v for m, v in moved.items() if v == v}  # NaN: never judged
    if not moved:
        return None
    miner = max(moved, key=lambda m: moved[m])  # ties: the first in the config's order
    depth = candidates[0]
    system, baseline = f"rerank[{miner}] top-{depth}", f"rerank[warm-start] top-{depth}"
    if system not in runs or baseline not in runs:
        return None
    return {
        "system": system,
        "baseline": baseline,
        "miner": miner,
        "validation_ndcg@10": moved[miner],
        "depth": depth,
    }


def build_results(exp: Any, runs: dict[str, dict[str, dict[str, float]]]) -> dict[str, Any]:
    """Every number of the report from the saved runs (cheap: re-run freely)."""
    cfg = exp.config
    corpus = exp.opened()[2]
    lengths: dict[str, int] = {}
    for pid, n in zip(corpus.parent_ids, corpus.doc_lengths or [], strict=False):
        lengths[pid] = max(n, lengths.get(pid, 0))
    queries = exp.data.test
    qrels = qrels_of(queries)
    ids = sorted(qrels)
    qlen = {q.id: max((lengths.get(p, 0) for p in q.positive_ids), default=0) for q in queries}
    long_ids = [i for i in ids if qlen[i] > cfg.long_threshold]
    short_ids = [i for i in ids if qlen[i] <= cfg.long_threshold]

    per = {name: per_query(qrels, run, METRICS) for name, run in runs.items()}
    systems = {}
    for name, scores in per.items():
        systems[name] = {
            "metrics": {m: _mean(scores[m], ids) for m in METRICS},
            "ci95": {
                m: list(bootstrap_ci([scores[m][i] for i in ids], n_resamples=cfg.bootstrap, seed=cfg.seed))
                for m in METRICS
            },
            "short": {m: _mean(scores[m], short_ids) for m in METRICS},
            "long": {m: _mean(scores[m], long_ids) for m in METRICS},
            "per_query": scores,
        }
    names = list(runs)
    vs_bm25 = [(n, "bm25") for n in names if n != "bm25"]
    others = [m for m in ["warm-start", *cfg.miners] if m != "ensemble"]
    head_to_head = [  # the ensemble's negatives against each other source, for both learners
        (n, n.replace(f"{pre}ensemble{post}", f"{pre}{o}{post}"))
        for pre, post in (("[", "]"), ("tuned on ", ")"))
        for n in names
        if f"{pre}ensemble{post}" in n
        for o in others
        if n.replace(f"{pre}ensemble{post}", f"{pre}{o}{post}") in runs
    ]
    vs_warm = [  # did the labels move the re-ranker? every fine-tune against the warm start it began from
        (n, n.replace(f"[{m}]", "[warm-start]"))
        for n in names
        for m in cfg.miners
        if f"[{m}]" in n and n.replace(f"[{m}]", "[warm-start]") in runs
    ]
    steps = exp.state["steps"]
    training = {m: steps[f"train:{m}"] for m in cfg.miners}
    primary = primary_pair(training, cfg.candidates, runs)
    miners = {}
    for miner in cfg.miners:
        info = steps[f"mine:{miner}"]
        h = np.asarray(info.get("hardness") or [np.nan])
        miners[miner] = {
            "stats": info["stats"],
            "ensemble_similarity": {
                "mean": float(np.nanmean(h)),
                "median": float(np.nanmedian(h)),
                "p90": float(np.nanquantile(h, 0.9)),
            },
        }
    return {
        "schema": SCHEMA,
        "config": cfg.to_dict(),
        "versions": _versions(),
        "data": {
            "source": str(exp.data.source),
            "documents": steps["index"].get("documents"),
            "store_entries": steps["index"].get("entries"),
            "train_queries": len(exp.data.train),
            "test_queries": len(queries),
            "test_queries_short": len(short_ids),
            "test_queries_long": len(long_ids),
            "long_threshold_words": cfg.long_threshold,
        },
        "steps": steps,
        "systems": systems,
        "comparisons": [
            row
            for family, pairs in (
                ("primary", [(primary["system"], primary["baseline"])] if primary else []),
                ("vs_bm25", vs_bm25),
                ("vs_warm_start", vs_warm),
                ("ensemble_vs_miners", head_to_head),
            )
            for row in compare_family(
                family,
                pairs,
                per,
                ids,
                METRICS,
                n_permutations=cfg.permutations,
                seed=cfg.seed,
                alpha=cfg.alpha,
            )
        ],
        "primary": primary,
        "miners": miners,
        "training": training,
        "dense": {m: steps[f"dense:{m}"] for m in exp.dense_sources if f"dense:{m}" in steps} if cfg.dense else {},
        "dense_kept": (steps.get("dense") or {}).get("miner"),
        "warm_start": steps.get("warmstart"),
        "fusion": steps["evaluate"].get("fusion", {}),
        "recommended": {
            "system": steps["evaluate"].get("recommended"),
            "validation_ndcg@10": steps["evaluate"].get("validation_ndcg@10", {}),
            "validation_fitted_ndcg@10": steps["evaluate"].get("validation_fitted_ndcg@10", {}),
            "crossfit_folds": steps["evaluate"].get("crossfit_folds"),
            "pipeline": (steps.get("deploy") or {}).get("pipeline"),
        },
    }


def write_report(out: str | Path, results: dict[str, Any]) -> Path:
    """``results.json``, ``report.md`` and the PNG plots in ``out``; returns the report's path."""
    out = Path(out)
    (out / "results.json").write_text(json.dumps(results, indent=1))
    plots = write_plots(out, results)
    path = out / "report.md"
    path.write_text(render_markdown(results, plots))
    return path


def _mark(results: dict[str, Any], system: str, metric: str) -> str:
    for c in results["comparisons"]:
        if c["family"] == "vs_bm25" and c["system"] == system and c["metric"] == metric and c["significant"]:
            return "+" if c["delta"] > 0 else "-"
    return ""


def table_rows(results: dict[str, Any], metrics: tuple[str, ...] = METRICS) -> list[list[str]]:
    """The main table: one row per system, marks ``+``/``-`` where it differs from BM25 significantly."""
    rows = []
    for name, s in results["systems"].items():
        rows.append([name] + [f"{s['metrics'][m]:.3f}{_mark(results, name, m)}" for m in metrics])
    return rows


def verdicts(results: dict[str, Any], metric: str = "ndcg@10") -> list[str]:
    """The significance verdicts in plain words."""
    alpha = results["config"]["alpha"]
    lines = []
    for c in results["comparisons"]:
        if c["metric"] != metric:
            continue
        how = "significantly" if c["significant"] else "not significantly"
        direction = "better" if c["delta"] > 0 else "worse"
        lines.append(
            f"`{c['system']}` is {how} {direction} than `{c['baseline']}` on {metric} "
            f"({c['delta']:+.3f}; Holm-adjusted p = {c['p_holm']:.3g}, alpha {alpha})."
        )
    return lines


def render_markdown(results: dict[str, Any], plots: list[Path]) -> str:
    data, cfg = results["data"], results["config"]
    header = "| system | " + " | ".join(METRICS) + " |\n|---|" + "---|" * len(METRICS)
    body = "\n".join("| " + " | ".join(r) + " |" for r in table_rows(results))
    split = "\n".join(
        f"| {name} | {s['short']['ndcg@10']:.3f} | {s['long']['ndcg@10']:.3f} |"
        for name, s in results["systems"].items()
    )
    ci = "\n".join(
        f"| {name} | {s['metrics']['ndcg@10']:.3f} | [{s['ci95']['ndcg@10'][0]:.3f}, {s['ci95']['ndcg@10'][1]:.3f}] |"
        for name, s in results["systems"].items()
    )
    miners = "\n".join(
        f"| {m} | {v['stats']['negatives_per_query_mean']:.2f} | {v['stats']['queries_with_too_few_negatives']} | "
        f"{v['stats'].get('possible_positives', 0)} | {v['ensemble_similarity']['mean']:.3f} | "
        f"{v['stats'].get('seconds', float('nan')):.1f} |"
        for m, v in results["miners"].items()
    )
    training = "\n".join(
        f"| {m} | {t['steps']} | {t['best_step']} | "
        f"{_val(t, 'ndcg@10'):.3f} | {_val(t, 'base_ndcg@10'):.3f} | {t['blend_weight']} | {t['seconds']:.0f} |"
        for m, t in results["training"].items()
    )
    ws = results.get("warm_start")
    if ws:
        training = (
            f"| warm start (no labels: {ws['lists']} lists{_texts(ws)}) | {ws['steps']} | | "
            f"{_val(ws, 'ndcg@10'):.3f} | {_val(ws, 'base_ndcg@10'):.3f} | | {ws['seconds']:.0f} |\n" + training
        )
    fusion = "\n".join(
        f"| {name} | {f['weights']['bm25']:.1f} | {f['weights']['dense']:.1f} | {f['weights']['cross-encoder']:.1f} | "
        f"{f['validation_ndcg@10']:.3f} |"
        for name, f in results.get("fusion", {}).items()
    )
    dense = "\n".join(
        f"| {m}{' (kept)' if m == results.get('dense_kept') else ''} | {d.get('train_tuples', '')} | "
        f"{d.get('best_epoch', '')} | {' / '.join(f'{x:.3f}' for x in d.get('validation_ndcg@10') or [])} | "
        f"{d.get('skipped', '')} |"
        for m, d in (results.get("dense") or {}).items()
    )
    moved = [m for m, t in results["training"].items() if t.get("best_step")]
    kept = [m for m in results["training"] if m not in moved]
    moved_line = f"{len(moved)} of {len(results['training'])} fine-tunes moved from the warm start (best step > 0)"
    if kept:
        moved_line += (
            f"; {', '.join(kept)} kept {'its' if len(kept) == 1 else 'their'} start: no checkpoint beat it on the "
            "validation queries, so those rows are the start's model"
        )
    rec = results.get("recommended") or {}
    fitted = rec.get("validation_fitted_ndcg@10") or {}
    choice = "\n".join(
        f"| {name}{' **(recommended)**' if name == rec.get('system') else ''} | {v:.3f} | "
        f"{fitted.get(name, float('nan')):.3f} | "
        f"{results['systems'].get(name, {}).get('metrics', {}).get('ndcg@10', float('nan')):.3f} |"
        for name, v in (rec.get("validation_ndcg@10") or {}).items()
    )
    folds = rec.get("crossfit_folds")
    steps = "\n".join(f"| {k} | {v['seconds']:.1f} |" for k, v in results["steps"].items())
    n_val = results["steps"]["evaluate"].get("validation_queries", "the")
    deepest = cfg["candidates"][-1]
    fused_over = (
        f"the union of BM25's and the dense retriever's top-{deepest} (the hybrid's candidates)"
        if cfg.get("fuse_over", "bm25") == "union"
        else f"BM25's top-{deepest}"
    )
    versions = ", ".join(f"{k} {v}" for k, v in results["versions"].items())
    images = "\n".join(f"![{p.stem}]({p.name})" for p in plots)
    return f"""# Experiment report: do ensemble-mined hard negatives train a better re-ranker?

Data: `{data["source"]}`: {data["documents"]} documents ({data["store_entries"]} store entries after
splitting), {data["train_queries"]} training queries, {data["test_queries"]} held-out test queries
({data["test_queries_short"]} short, {data["test_queries_long"]} long: a positive over
{data["long_threshold_words"]} words). Every re-ranker: base `{cfg["train"]["base_model"]}`, loss
`{cfg["train"]["loss"]}`, identical hyperparameters and seed {cfg["seed"]}{_start(cfg)}; it re-orders BM25's
top {" and top ".join(map(str, cfg["candidates"]))}.

## Results (test queries, per parent document)

`+`/`-`: significantly better/worse than BM25 (paired randomization test, Holm-corrected, alpha
{cfg["alpha"]}).

{header}
{body}

## The system to deploy

Chosen on the {n_val} validation queries (nDCG@10 per document), never on test queries; on a tie the simpler
system wins, so a cross-encoder is served only when it earns its cost. A system whose weights are fitted on these
queries (BM25 + tuned dense: one weight; fused: three) is judged cross-fitted: {folds or "k"} folds, each ranked
with the weights fitted on the other folds, so more weights buy no in-sample advantage (the "fitted" column is
the in-sample score of the weights served). Its query pipeline, bound to this run's index:
`{rec.get("pipeline") or "(not written)"}`.

| system | validation nDCG@10 (cross-fitted) | fitted | test nDCG@10 |
|---|---|---|---|
{choice or "| (none) | | | |"}

## Did the labels move the re-ranker? (one test, named on validation)

{_primary_text(results)}

## Verdicts (nDCG@10)

{chr(10).join("- " + v for v in verdicts(results))}

## 95 % confidence intervals (bootstrap, nDCG@10)

| system | nDCG@10 | 95 % CI |
|---|---|---|
{ci}

## Short vs long documents (nDCG@10)

| system | short | long |
|---|---|---|
{split}

## Negatives per miner

| miner | negatives / query | queries short | flagged possible positives | mean ensemble similarity | seconds |
|---|---|---|---|---|---|
{miners}

## Training (validation: BM25 top-{cfg["candidates"][0]} of {n_val} held-out training queries, positives added)

| miner | steps | best step | val nDCG@10 | BM25 val nDCG@10 | blend weight | seconds |
|---|---|---|---|---|---|---|
{training}

{moved_line}.

## Dense member tuned on each negative source

The ensemble's best member tuned as a bi-encoder on each source's negatives (same epochs, seed and batch); the
curve is its dense nDCG@10 on the {n_val} validation queries after each epoch (epoch 0: as indexed); the source
whose best epoch scores highest is kept, served and used by the fused systems and the re-rankers' teacher.

| source | training tuples | best epoch | validation nDCG@10 by epoch | note |
|---|---|---|---|---|
{dense or "| (dense tuning off) | | | | |"}

## Fused system: BM25 + dense + cross-encoder over {fused_over}

Weights (on min-max normalised scores) fitted on the {n_val} validation queries, never on test queries.

| re-ranker | BM25 | dense | cross-encoder | validation nDCG@10 |
|---|---|---|---|---|
{fusion}

## Time per step (seconds)

| step | seconds |
|---|---|
{steps}

## Plots

{images}

## Config and versions

```json
{json.dumps(cfg, indent=1)}
```

{versions}
"""


def _start(cfg: dict[str, Any]) -> str:
    ws = cfg.get("warm_start")
    if not ws:
        return ""
    texts = " and the training queries' texts" if ws.get("query_texts") else ""
    return (
        f", starting from the label-free warm start on the corpus ({ws['queries']} pseudo-queries{texts}, "
        f"teacher BM25 + dense, base `{ws['train']['base_model']}`)"
    )


def _texts(ws: dict[str, Any]) -> str:
    n = ws.get("query_texts")
    return f", {n} of them training query texts" if n else ""


def primary_row(results: dict[str, Any], metric: str = "ndcg@10") -> dict[str, Any] | None:
    """The confirmatory test's comparison row (family ``primary``) for ``metric``, or ``None``."""
    return next((c for c in results["comparisons"] if c["family"] == "primary" and c["metric"] == metric), None)


def _primary_text(results: dict[str, Any], metric: str = "ndcg@10") -> str:
    """The confirmatory test in words: which fine-tune validation named, and what the test queries say."""
    primary = results.get("primary")
    if not primary:
        return (
            "No test: no fine-tune beat its warm start on the validation queries (every best step is 0), or there "
            "is no warm start to compare with."
        )
    row = primary_row(results, metric)
    named = (
        f"Validation named `{primary['system']}` (the {primary['miner']} negatives' fine-tune, validation "
        f"nDCG@10 {primary['validation_ndcg@10']:.3f}, the best of the fine-tunes that moved) before any test "
        f"query was scored; it is tested once against `{primary['baseline']}` on the test queries, so its p-value "
        "needs no multiple-comparison correction (every other comparison below is Holm-corrected in its family)."
    )
    if row is None:
        return named
    how = "significantly" if row["significant"] else "not significantly"
    direction = "above" if row["delta"] > 0 else "below"
    return (
        f"{named}\n\nResult: {how} {direction} the warm start on {metric} ({row['delta']:+.3f}, paired randomization "
        f"p = {row['p_value']:.3g}, alpha {results['config']['alpha']})."
    )


def _val(training: dict[str, Any], key: str) -> float:
    for k, v in (training.get("validation_metrics") or {}).items():
        if k.endswith(key) and ("base" in key) == ("base" in k):
            return float(v)
    return float("nan")


def write_plots(out: Path, results: dict[str, Any]) -> list[Path]:
    """Metric bars with CIs, per-query win/loss against BM25, negatives' similarity, training curves."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    paths = []
    names = list(results["systems"])
    systems = results["systems"]

    fig, axes = plt.subplots(1, len(HEADLINE), figsize=(4 * len(HEADLINE), 0.45 * len(names) + 1.5), sharey=True)
    for ax, metric in zip(np.atleast_1d(axes), HEADLINE, strict=True):
        means = [systems[n]["metrics"][metric] for n in names]
        lo = [m - systems[n]["ci95"][metric][0] for n, m in zip(names, means, strict=True)]
        hi = [systems[n]["ci95"][metric][1] - m for n, m in zip(names, means, strict=True)]
        ax.barh(names, means, xerr=[lo, hi], color="tab:blue", alpha=0.8, capsize=3)
        ax.set_title(metric)
        ax.invert_yaxis()
    fig.tight_layout()
    paths.append(_save(fig, out / "metrics.png"))

    base = systems["bm25"]["per_query"]["ndcg@10"]
    others = [n for n in names if n != "bm25"]
    if others:
        fig, ax = plt.subplots(figsize=(8, 0.45 * len(others) + 1.5))
        wins, ties, losses = [], [], []
        for n in others:
            d = np.array([systems[n]["per_query"]["ndcg@10"][q] - base[q] for q in base])
            wins.append(int((d > 1e-9).sum()))
            ties.append(int((np.abs(d) <= 1e-9).sum()))
            losses.append(int((d < -1e-9).sum()))
        ax.barh(others, wins, color="tab:green", label="better than BM25")
        ax.barh(others, ties, left=wins, color="lightgray", label="tie")
        ax.barh(others, losses, left=np.add(wins, ties), color="tab:red", label="worse than BM25")
        ax.set_xlabel("test queries (nDCG@10)")
        ax.invert_yaxis()
        ax.legend(loc="lower right", fontsize="small")
        fig.tight_layout()
        paths.append(_save(fig, out / "win_loss_vs_bm25.png"))

    fig, ax = plt.subplots(figsize=(7, 4))
    for miner, step in ((m, results["steps"][f"mine:{m}"]) for m in results["miners"]):
        if step.get("hardness"):
            ax.hist(step["hardness"], bins=40, alpha=0.5, label=miner, density=True)
    ax.set_xlabel("ensemble similarity of a negative to its query")
    ax.set_ylabel("density")
    ax.legend()
    fig.tight_layout()
    paths.append(_save(fig, out / "negative_similarity.png"))

    fig, ax = plt.subplots(figsize=(7, 4))
    for miner, t in results["training"].items():
        history_file = Path(t["model"]).parent / "history.json"
        if not history_file.is_file():
            continue
        points = [
            (h["step"], h[k])
            for h in json.loads(history_file.read_text())
            for k in h
            if k.endswith("validation_ndcg@10") and "base" not in k
        ]
        if points:
            ax.plot(*zip(*points, strict=True), marker="o", label=miner)
    ax.set_xlabel("training step")
    ax.set_ylabel("validation nDCG@10 (BM25 top-k re-ranked)")
    ax.legend()
    fig.tight_layout()
    paths.append(_save(fig, out / "training_curves.png"))
    return paths


def _save(fig: Any, path: Path) -> Path:
    import matplotlib.pyplot as plt

    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
