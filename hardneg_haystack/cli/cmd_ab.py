"""``hardneg ab ...``: serve, simulate clicks, load-test, report; offline A/B."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from hardneg_haystack.cli.app import (
    DepthOpt,
    QueriesOpt,
    ScoringPrecisionOpt,
    SplitOpt,
    UrlOpt,
    WorkOpt,
    _fail,
    _fmt,
    _load_queries,
    _require_free_port,
    console,
    err_console,
)
from hardneg_haystack.cli.errors import naming
from hardneg_haystack.errors import HardnegError

ab_app = typer.Typer(help="A/B test rankers: serve, simulate clicks, load-test, report; offline A/B.")


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
    port: Annotated[int, typer.Option(min=1, max=65535)] = 8000,
    backend: Annotated[
        str | None,
        typer.Option(
            help="Re-ranker backend of every arm: auto | torch | torch-bf16 | torch-amp | onnx | onnx-int8 "
            "(default: the YAML's)"
        ),
    ] = None,
    max_in_flight: Annotated[
        int, typer.Option(min=1, help="Requests held at once; one more gets 503 + Retry-After")
    ] = 32,
    batch_wait_ms: Annotated[
        float, typer.Option(help="Longest wait for concurrent requests to share a re-ranker batch (0: off)")
    ] = 8.0,
) -> None:
    """Serve the A/B pipeline over HTTP: POST /search, POST /feedback, GET /health (what it holds now)."""
    _require_free_port(host, port)  # before anything loads or the event log is created
    import uvicorn

    from hardneg_haystack.ab.events import EventLog
    from hardneg_haystack.components.ab_server import create_app, load_ab_pipeline
    from hardneg_haystack.components.serving import exit_on_sigterm

    try:
        sinks = []
        if events_index:
            from hardneg_haystack.ab.opensearch_events import OpenSearchEventSink

            url = events_store or _work_dir_opensearch_url(work_dir)
            sinks.append(OpenSearchEventSink(url=url, index=events_index))
        with naming(pipeline, ""):
            ab_pipeline = load_ab_pipeline(pipeline, work_dir)
        if backend is not None:
            from hardneg_haystack.components.ab_server import find_ab_component
            from hardneg_haystack.scoring.rerank_backends import resolve_backend

            resolve_backend(backend)
            ab_pipeline.get_component(find_ab_component(ab_pipeline)).backend = backend
        app_ = create_app(
            ab_pipeline, EventLog(events, sinks=sinks), max_in_flight=max_in_flight, batch_wait_ms=batch_wait_ms
        )
    except HardnegError as exc:
        _fail(exc)
    where = f"{events}" + (f" and index {events_index!r}" if events_index else "")
    console.print(f"serving {pipeline} on http://{host}:{port} (events -> {where})")
    exit_on_sigterm()  # a SIGTERM stops it with exit status 143, as `hardneg serve`
    uvicorn.run(app_, host=host, port=port, log_level="warning")


def _work_dir_opensearch_url(work_dir: Path | None) -> str:
    from hardneg_haystack.components.indexing import read_manifest
    from hardneg_haystack.index.stores import StoreConfig

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
    users: Annotated[int, typer.Option(min=1, help="Simulated users (sticky arms)")] = 50,
    rounds: Annotated[int, typer.Option(min=1, help="Times each query is replayed")] = 1,
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
    requests: Annotated[int, typer.Option(min=1, help="Requests in all")] = 200,
    concurrency: Annotated[int, typer.Option(min=1, help="Requests in flight at once")] = 8,
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
    candidates: Annotated[int, typer.Option(min=1, help="BM25 candidates each model re-ranks")] = 20,
    blend: Annotated[list[str] | None, typer.Option(help="NAME=WEIGHT: blend that arm with BM25")] = None,
    depth: DepthOpt = 100,
    max_length: Annotated[
        int | None, typer.Option(help="Tokens per (query, document) pair (default: what each model was trained with)")
    ] = None,
    precision: ScoringPrecisionOpt = "auto",
    out: Annotated[Path | None, typer.Option(help="Write the result as JSON here")] = None,
) -> None:
    """Offline A/B: both arms over labelled queries, per query, with a paired randomization test."""
    from hardneg_haystack.ab.offline import offline_ab, parse_arms, parse_blend

    try:
        arms = parse_arms(arm)
        weights = parse_blend(blend)
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
