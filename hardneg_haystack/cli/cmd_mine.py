"""``hardneg fit-weights``, ``mine`` and ``mix``: ensemble weights and negatives."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from hardneg_haystack.cli.app import WorkOpt, _fail, _fmt, _load_queries, console
from hardneg_haystack.errors import HardnegError


def fit_weights_cmd(
    data: Annotated[Path, typer.Option(help="BEIR folder (queries.jsonl + qrels/) or a queries JSONL file")],
    work_dir: WorkOpt = Path("runs/index"),
    split: Annotated[str, typer.Option(help="qrels split to fit on (never the test split)")] = "train",
    k: Annotated[int, typer.Option(min=1, help="Objective: MRR@k of the first positive")] = 10,
    apply: Annotated[bool, typer.Option(help="Re-fuse the stored vectors with the fitted weights")] = False,
    min_weight: Annotated[float, typer.Option(help="Floor per member (0 drops members for good)")] = 0.1,
) -> None:
    """Fit the ensemble's member weights on training queries; report each member's contribution."""
    from hardneg_haystack.components.indexing import apply_weights
    from hardneg_haystack.mining.weights import fit_member_weights

    try:
        queries = _load_queries(data, split)
        fit = fit_member_weights(work_dir, queries, k=k, min_weight=min_weight)
    except HardnegError as exc:
        _fail(exc)
    table = Table(title=f"ensemble weights fitted on {len(queries)} {split} queries (MRR@{k} / R@{k})")
    for col in ("system", "weights", f"MRR@{k}", f"R@{k}", "contribution"):
        table.add_column(col)
    for label in fit.labels:
        table.add_row(
            label, "alone", f"{fit.scores[label]:.3f}", f"{fit.recall[label]:.3f}", f"{fit.contribution[label]:+.3f}"
        )
    table.add_row("equal weights", "equal", f"{fit.scores['equal']:.3f}", f"{fit.recall['equal']:.3f}", "")
    table.add_row(
        "fitted",
        ", ".join(f"{w:.2f}" for w in fit.weights),
        f"{fit.scores['fitted']:.3f}",
        f"{fit.recall['fitted']:.3f}",
        "",
    )
    console.print(table)
    for w in fit.warnings:
        console.print(f"[yellow]warning:[/] {w}")
    (Path(work_dir) / "weights.json").write_text(json.dumps(fit.to_dict(), indent=2))
    if apply:
        n = apply_weights(work_dir, fit.weights)
        console.print(f"re-fused {n} stored vectors with weights {fit.weights} (nothing re-embedded)")


def mine(
    data: Annotated[Path, typer.Option(help="BEIR folder (queries.jsonl + qrels/) or a queries JSONL file")],
    work_dir: WorkOpt = Path("runs/index"),
    out: Annotated[Path, typer.Option(help="Output folder (triplets.jsonl, ntuples.jsonl, stats.json ...)")] = Path(
        "runs/mined"
    ),
    miner: Annotated[
        str, typer.Option(help="ensemble | bm25 | random | st (sentence-transformers' mine_hard_negatives)")
    ] = "ensemble",
    member: Annotated[
        str | None, typer.Option(help="Single-model mode: one ensemble member (label or position); with st: its model")
    ] = None,
    split: Annotated[str, typer.Option(help="qrels split of a BEIR folder")] = "train",
    num_negatives: Annotated[int, typer.Option(min=1, help="Negatives per query")] = 4,
    sampling: Annotated[str, typer.Option(help="top | random (inside the rank window)")] = "top",
    range_min: Annotated[int, typer.Option(min=0, help="First rank of the window")] = 0,
    range_max: Annotated[int, typer.Option(min=1, help="End of the window")] = 50,
    n_clusters: Annotated[int | None, typer.Option(help="k (default: sqrt of the corpus size)")] = None,
    clustering: Annotated[str, typer.Option(help="auto | kmeans | minibatch | gmm | agglomerative")] = "auto",
    pool: Annotated[str, typer.Option(help="query | positives | both | nearest")] = "both",
    relative_margin: Annotated[
        float | None, typer.Option(help="False-negative guard (share of positive score)")
    ] = 0.95,
    seed: Annotated[int, typer.Option()] = 42,
    sampler: Annotated[
        str, typer.Option(help="random miner: scan (sample the scanned store) | random_score (OpenSearch draws)")
    ] = "scan",
) -> None:
    """Mine negatives for labelled queries from an indexed work folder, in one output format for all miners."""
    import time

    from hardneg_haystack.index.workdir import open_work_dir
    from hardneg_haystack.mining.factory import MINERS, check_sampler, mine_negatives

    try:
        queries = _load_queries(data, split)
        store, ensemble, _ = open_work_dir(work_dir)
        if miner == "random":
            check_sampler(sampler, store)
        elif miner not in MINERS:
            raise HardnegError(f"unknown miner {miner!r}: ensemble, bm25, random or st")
        start = time.perf_counter()
        with console.status(f"mining {len(queries)} queries with the {miner} miner"):
            result = mine_negatives(
                miner,
                store=store,
                ensemble=ensemble,
                queries=queries,
                num_negatives=num_negatives,
                sampling=sampling,
                range_min=range_min,
                range_max=range_max,
                seed=seed,
                member=member,
                n_clusters=n_clusters,
                clustering=clustering,
                pool=pool,
                relative_margin=relative_margin,
                sampler=sampler,
            )
        seconds = time.perf_counter() - start
        if (why := result.empty_reason()) is not None:
            raise HardnegError(f"{why}; nothing written to {out}")  # a silent zero would train on nothing
        result.extra_stats["seconds"] = round(seconds, 2)
        result.write(out)
    except HardnegError as exc:
        _fail(exc)
    stats = result.stats()
    table = Table(title=f"{miner} miner: {len(queries)} queries in {seconds:.1f}s -> {out}")
    table.add_column("statistic")
    table.add_column("value")
    for key, value in stats.items():
        table.add_row(key, _fmt(value))
    console.print(table)


def mix(
    source: Annotated[list[str], typer.Option(help="FOLDER=N: take N negatives per query from this mining output")],
    out: Annotated[Path, typer.Option(help="Output folder of the mix")] = Path("runs/mined/mix"),
) -> None:
    """Mix negative sources per query, e.g. 2 ensemble-hard + 2 random (folders written by `hardneg mine`)."""
    from hardneg_haystack.mining.mix import mix_results, parse_source
    from hardneg_haystack.mining.result import MiningResult

    try:
        parts = []
        for spec in source:
            folder, count = parse_source(spec)
            parts.append((MiningResult.read(folder), count))
        result = mix_results(parts)
        result.write(out)
    except HardnegError as exc:
        _fail(exc)
    stats = result.stats()
    console.print(
        f"{stats['miner']}: {stats['negatives_per_query_mean']:.2f} negatives per query "
        f"({_fmt(stats['sources'])}), {stats['queries_with_too_few_negatives']} queries short -> {out}"
    )
