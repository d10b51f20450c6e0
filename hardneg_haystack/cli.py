"""The ``hardneg`` command line."""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from hardneg_haystack.errors import HardnegError

app = typer.Typer(help="Ensemble hard-negative mining and cross-encoder re-rankers for Haystack.", no_args_is_help=True)
console = Console()

StoreOpt = Annotated[str, typer.Option(help="'memory' (embedded, persisted in the work folder) or an OpenSearch URL")]
WorkOpt = Annotated[Path, typer.Option("--work-dir", "-w", help="Work folder (index, cache, manifest)")]


def _fail(exc: Exception) -> None:
    console.print(f"[bold red]error:[/] {exc}")
    raise typer.Exit(code=2)


@app.callback()
def _main(verbose: Annotated[bool, typer.Option("--verbose", "-v")] = False) -> None:
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s"
    )


@app.command()
def models() -> None:
    """List the model aliases that ship in PyPI packages, whether each is installed, and its dimension."""
    from hardneg_haystack.models import list_packaged_models

    table = Table(title="Packaged models (pip install 'hardneg-haystack[offline]')")
    for col in ("alias", "package", "installed", "dimension", "description"):
        table.add_column(col)
    for row in list_packaged_models():
        table.add_row(
            row["alias"],
            row["package"],
            "yes" if row["installed"] else "no",
            str(row["dimension"] or "-"),
            row["description"],
        )
    console.print(table)


def _parse_members(members: list[str] | None, weights: list[float] | None) -> list[dict] | None:
    if not members:
        return None
    if weights and len(weights) != len(members):
        raise HardnegError(f"--weight given {len(weights)} times for {len(members)} --member values")
    return [{"model": m, "weight": (weights[i] if weights else 1.0)} for i, m in enumerate(members)]


@app.command()
def index(
    data: Annotated[
        Path | None, typer.Option(help="BEIR folder, .jsonl/.csv file, or folder of html/txt/md/pdf")
    ] = None,
    urls: Annotated[Path | None, typer.Option(help="Text file with one URL per line to fetch and index")] = None,
    work_dir: WorkOpt = Path("runs/index"),
    store: StoreOpt = "memory",
    index_name: Annotated[str, typer.Option("--index", help="Index name")] = "hardneg",
    member: Annotated[list[str] | None, typer.Option(help="Ensemble member (alias, folder or hub id); repeat")] = None,
    weight: Annotated[list[float] | None, typer.Option(help="Weight of each --member, in order")] = None,
    fusion: Annotated[str, typer.Option(help="weighted | mean | concat")] = "weighted",
    max_words: Annotated[int, typer.Option(help="Split documents longer than this (0: never)")] = 300,
) -> None:
    """Embed documents with the ensemble and write them to the store."""
    from rich.progress import Progress

    from hardneg_haystack.indexing import index_documents
    from hardneg_haystack.ingest import fetch_urls, load_documents
    from hardneg_haystack.stores import StoreConfig

    try:
        if (data is None) == (urls is None):
            raise HardnegError("give exactly one of --data or --urls")
        if urls is not None:
            docs = fetch_urls([u.strip() for u in urls.read_text().splitlines() if u.strip()])
        else:
            docs = load_documents(data)
        cfg = StoreConfig(url=store, index=index_name, work_dir=str(work_dir))
        with Progress(console=console) as progress:
            task = progress.add_task("indexing", total=len(docs))
            res = index_documents(
                docs,
                work_dir=work_dir,
                store_config=cfg,
                members=_parse_members(member, weight),
                fusion=fusion,
                max_words=max_words,
                progress=lambda n: progress.advance(task, n),
            )
    except HardnegError as exc:
        _fail(exc)
    console.print(
        f"indexed {res.documents} documents as {res.written} store entries ({res.dimension}-d) in {res.seconds:.1f}s; "
        f"embedding cache: {res.cache_hits} hits, {res.cache_misses} misses -> {work_dir}"
    )


@app.command()
def search(
    query: Annotated[list[str], typer.Argument(help="One or more queries")],
    work_dir: WorkOpt = Path("runs/index"),
    top_k: Annotated[int, typer.Option(help="Results per query")] = 5,
) -> None:
    """Answer queries with ensemble dense retrieval over an indexed work folder."""
    from hardneg_haystack.indexing import open_index
    from hardneg_haystack.pipelines import build_query_pipeline

    try:
        store, embedder, _ = open_index(work_dir)
        pipe = build_query_pipeline(store=store, text_embedder=embedder, top_k=top_k)
    except HardnegError as exc:
        _fail(exc)
    for q in query:
        docs = pipe.run({"text_embedder": {"text": q}})["retriever"]["documents"]
        table = Table(title=q)
        for col in ("rank", "score", "id", "text"):
            table.add_column(col)
        for i, d in enumerate(docs, start=1):
            table.add_row(str(i), f"{d.score:.3f}", d.id, (d.content or "")[:90].replace("\n", " "))
        console.print(table)


@app.command("eval-dense")
def eval_dense(
    data: Annotated[Path, typer.Option(help="BEIR folder with queries.jsonl and qrels/")],
    work_dir: WorkOpt = Path("runs/index"),
    split: Annotated[str, typer.Option(help="qrels split")] = "test",
    out: Annotated[Path | None, typer.Option(help="Write the table as JSON here")] = None,
) -> None:
    """Dense retrieval quality of each ensemble member alone and of the ensemble (nothing re-embedded)."""
    from hardneg_haystack.dense_eval import evaluate_members

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


@app.command()
def demo(
    work_dir: WorkOpt = Path("runs/demo"),
) -> None:
    """The main job on the packaged sample corpus: index with the ensemble, answer queries, evaluate."""
    from hardneg_haystack.sample import sample_corpus_path

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    data = sample_corpus_path()
    console.rule("1. index the sample knowledge base with the packaged ensemble")
    index(
        data=data,
        urls=None,
        work_dir=work_dir,
        store="memory",
        index_name="demo",
        member=None,
        weight=None,
        fusion="weighted",
        max_words=300,
    )
    console.rule("2. ensemble retrieval")
    search(
        [
            "How do I get the VPN working again after changing my phone?",
            "How many weeks of parental leave can I take?",
            "Why do I see a conflicted copy of my file in Lattice Cloud?",
        ],
        work_dir=work_dir,
        top_k=3,
    )
    console.rule("3. dense retrieval quality on the sample test queries")
    eval_dense(data=data, work_dir=work_dir, split="test", out=work_dir / "dense_eval.json")


if __name__ == "__main__":
    app()
