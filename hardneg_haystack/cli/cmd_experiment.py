"""``hardneg experiment`` and ``demo``: the whole comparison, end to end."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from hardneg_haystack.cli.app import WorkOpt, _fail, console
from hardneg_haystack.cli.cmd_index import search
from hardneg_haystack.errors import HardnegError


def _experiment_table(results: dict) -> Table:
    from hardneg_haystack.experiment.report import HEADLINE, table_rows

    data = results["data"]
    table = Table(
        title=f"{data['test_queries']} held-out test queries (per document; +/-: significantly better/worse than bm25)"
    )
    for col in ("system", *HEADLINE):
        table.add_column(col)
    for row in table_rows(results, HEADLINE):
        table.add_row(escape(row[0]), *row[1:])  # system names hold [brackets]: not rich markup
    return table


def experiment(
    data: Annotated[Path, typer.Option(help="BEIR folder, or a documents file/folder with the two query files")],
    out: Annotated[Path, typer.Option(help="Run folder (re-running continues where it stopped)")] = Path(
        "runs/experiment"
    ),
    config: Annotated[Path | None, typer.Option(help="experiment.yaml (any subset of the fields)")] = None,
    quick: Annotated[bool, typer.Option(help="Minutes on 2 CPU cores: few training steps, shallow re-ranking")] = False,
    train_queries: Annotated[Path | None, typer.Option(help="Training queries JSONL (not a BEIR folder)")] = None,
    test_queries: Annotated[Path | None, typer.Option(help="Test queries JSONL (not a BEIR folder)")] = None,
    store: Annotated[
        str | None, typer.Option(help="'memory' or an OpenSearch URL (overrides the config's store)")
    ] = None,
    index_name: Annotated[str | None, typer.Option("--index", help="OpenSearch index (overrides the config)")] = None,
) -> None:
    """Index, mine with every miner, train one re-ranker per miner, evaluate all systems, write report.md."""
    from rich.progress import Progress

    from hardneg_haystack.experiment import ExperimentConfig, run_experiment
    from hardneg_haystack.experiment.report import primary_row

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    try:
        cfg = ExperimentConfig.load(config, quick=quick)
        if store is not None:
            cfg.store = store
        if index_name is not None:
            cfg.index = index_name
        with Progress(console=console, transient=True) as progress:

            def track(description: str, total: int):  # type: ignore[no-untyped-def]
                task = progress.add_task(description, total=total)
                return lambda n: progress.advance(task, n)

            results = run_experiment(
                data,
                out,
                cfg,
                train_queries=train_queries,
                test_queries=test_queries,
                on_step=lambda name: console.rule(name),
                progress=track,
            )
    except HardnegError as exc:
        _fail(exc)
    console.print(_experiment_table(results))
    for step, info in results["steps"].items():
        console.print(f"  {step:<20} {info['seconds']:>8.1f} s")
    primary = primary_row(results)
    if primary:
        console.print(
            f"did the labels move the re-ranker? {escape(primary['system'])} vs its warm start: "
            f"{primary['delta']:+.3f} nDCG@10, p = {primary['p_value']:.3g} (one test, named on validation)"
        )
    rec = results.get("recommended") or {}
    if rec.get("system"):
        val = rec["validation_ndcg@10"][rec["system"]]
        console.print(
            f"recommended (best on validation, nDCG@10 {val:.3f}): [bold]{escape(rec['system'])}[/]"
            f" -> {rec['pipeline']}"
        )
    console.print(f"[bold green]done[/]: {out / 'report.md'}, {out / 'results.json'} and plots")


def demo(work_dir: WorkOpt = Path("runs/demo")) -> None:
    """The main job: `hardneg experiment --quick` on the packaged sample corpus, then a few searches."""
    from hardneg_haystack.ingest.sample import sample_corpus_path

    experiment(
        data=sample_corpus_path(), out=work_dir, config=None, quick=True, train_queries=None, test_queries=None,
        store=None, index_name=None,
    )  # fmt: skip
    console.rule("ensemble retrieval on the same index")
    search(
        ["got a new phone and the VPN times out waiting for approval", "how many weeks of parental leave do I get"],
        work_dir=work_dir / "index",
        top_k=3,
    )
