"""``hardneg eval-dense`` and ``eval-rerank``: retrieval and re-ranking quality."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from hardneg_haystack.cli.app import DepthOpt, ScoringPrecisionOpt, SplitOpt, WorkOpt, _fail, _load_queries, console
from hardneg_haystack.errors import HardnegError


def eval_dense(
    data: Annotated[Path, typer.Option(help="BEIR folder with queries.jsonl and qrels/")],
    work_dir: WorkOpt = Path("runs/index"),
    split: SplitOpt = "test",
    out: Annotated[Path | None, typer.Option(help="Write the table as JSON here")] = None,
) -> None:
    """Dense retrieval quality of each ensemble member alone and of the ensemble (nothing re-embedded)."""
    from hardneg_haystack.evaluation.dense import evaluate_members

    try:
        rows = evaluate_members(work_dir, data, split=split)
    except HardnegError as exc:
        _fail(exc)
    table = Table(title=f"dense retrieval on {data.name} {split} (parent-document level)")
    for col in ("system", "nDCG@10", "MRR@10", "R@100"):
        table.add_column(col)
    for r in rows:
        table.add_row(r["system"], f"{r['ndcg@10']:.3f}", f"{r['mrr@10']:.3f}", f"{r['recall@100']:.3f}")
    console.print(table)
    if out:
        out.write_text(json.dumps(rows, indent=2))


def eval_rerank(
    data: Annotated[Path, typer.Option(help="BEIR folder (queries.jsonl + qrels/) or a queries JSONL file")],
    model: Annotated[list[str], typer.Option(help="NAME=MODEL (folder, hub id or alias); repeat")],
    work_dir: WorkOpt = Path("runs/index"),
    split: SplitOpt = "test",
    candidates: Annotated[int, typer.Option(min=1, help="BM25 candidates re-ranked per query")] = 20,
    depth: DepthOpt = 100,
    max_length: Annotated[
        int | None, typer.Option(help="Tokens per (query, document) pair (default: what each model was trained with)")
    ] = None,
    precision: ScoringPrecisionOpt = "auto",
    out: Annotated[Path | None, typer.Option(help="Write the table as JSON here")] = None,
) -> None:
    """BM25 alone, each model re-ranking BM25's top-k, and each model blended with BM25 (per document, MaxP),
    each with the Holm-corrected p-value of its nDCG@10 against BM25's (paired randomization test).

    The experiment's evaluation: BM25's ranks below the top-k stay below in BM25 order, runs cut at --depth.
    """
    from rich.progress import Progress

    from hardneg_haystack.components.indexing import open_index
    from hardneg_haystack.evaluation.rerank import METRICS, evaluate_rerankers, parse_models

    try:
        queries = _load_queries(data, split)
        models = parse_models(model)
        store, _, _ = open_index(work_dir)
        with Progress(console=console) as progress:
            task = progress.add_task("re-ranking", total=len(queries) * len(models))
            rows = evaluate_rerankers(
                store,
                queries,
                models,
                candidates=candidates,
                depth=depth,
                max_length=max_length,
                precision=precision,
                progress=lambda n: progress.advance(task, n),
            )
    except HardnegError as exc:
        _fail(exc)
    table = Table(
        title=f"re-ranking BM25 top-{candidates} on {len(queries)} {split} queries (per document, depth {depth})"
    )
    table.add_column("system")
    for m in METRICS:
        table.add_column(m)
    table.add_column("p vs bm25 (nDCG@10, Holm)")
    for r in rows:
        p = r["p_vs_bm25"]
        table.add_row(r["system"], *(f"{r[m]:.3f}" for m in METRICS), "" if p is None else f"{p:.4f}")
    console.print(table)
    if out:
        out.write_text(json.dumps(rows, indent=2))
