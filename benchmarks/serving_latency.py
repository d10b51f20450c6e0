"""Re-ranking at interactive speed: per-query latency of each serving backend, and the A/B server under load.

Run:  python benchmarks/serving_latency.py --data ../shared/data/scifact --work-dir runs/scifact/index \\
          --model runs/scifact/rankers/bm25/model
      (``--model``: a cross-encoder trained by ``hardneg train``; it is copied to a temporary folder and
      exported to ONNX there, so the model folder is only read)

1. Backends (:mod:`hardneg_haystack.scoring.rerank_backends`: torch fp32, torch bf16 (weights cast, TorchScript
   frozen), ONNX fp32, ONNX int8 per tensor and per channel; and the evaluation's bf16 autocast scorer,
   ``precision.pair_scorer``). For each test query the work folder's BM25 top-20 chunks are scored in
   length-sorted, dynamically padded chunks of 16 pairs (the serving default), timed per query (every
   query), and the top-50 and top-100 on the first ``--latency-queries``. nDCG@10 of the re-ranker alone
   and blended with BM25 (the model's stored weight) re-ranking the top-20, with the evaluation package's
   convention (BM25's tail kept, MaxP, depth 100), as ``hardneg experiment`` reports ``rerank[...] top-20``.
   ``--lengths 128 192 256``: the same for ONNX int8 (per channel, the default) reading that many tokens.
2. Server: ``hardneg ab serve``'s app on loopback with the A/B pipeline (BM25 top-20 -> ABRanker), every user
   on the re-ranker arm, on the chosen default backend; p50/p95 and requests/s at concurrency 1, 4 and 8,
   errors, 503s, and answered requests missing from the event log.

Prints the machine, load, versions and tables; writes benchmarks/results/serving_latency.json.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np
from _bench import environment, print_environment, print_table, target, write_results

from hardneg_haystack.evaluation.first_stage import FirstStage
from hardneg_haystack.evaluation.rerank import candidate_texts, reorder_run, stored_blend_weight
from hardneg_haystack.evaluation.runs import qrels_of
from hardneg_haystack.ingest import load_beir_queries
from hardneg_haystack.mining.corpus import load_corpus
from hardneg_haystack.ranking.metrics import evaluate_run
from hardneg_haystack.ranking.score_fusion import blend
from hardneg_haystack.scoring.rerank_backends import SERVING_BATCH_SIZE
from hardneg_haystack.training.model_info import reads_bm25

DEPTHS = (20, 50, 100)


def load_avg() -> float:
    return round(os.getloadavg()[0], 2)


def backend_scorers(model: Path) -> dict[str, Any]:
    """Loaders of each backend's scorer; the int8 per-channel model is written beside the per-tensor one."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    from hardneg_haystack.scoring.onnx_backend import FP32_FILE, INT8_FILE, ONNX_DIR, OnnxCrossEncoder, export_onnx
    from hardneg_haystack.scoring.rerank_backends import TorchScorer, cpu_threads

    onnx = model / ONNX_DIR
    if not (onnx / INT8_FILE).is_file():
        export_onnx(model, per_channel=False)  # the "onnx int8" row: per tensor
    per_channel = model.parent / "per-channel"
    if not per_channel.is_dir():
        shutil.copytree(model, per_channel)
        quantize_dynamic(
            str(onnx / FP32_FILE),
            str(per_channel / ONNX_DIR / INT8_FILE),
            weight_type=QuantType.QInt8,
            per_channel=True,
        )
    threads = cpu_threads()
    return {
        "torch fp32": lambda: TorchScorer(model),
        "torch bf16 autocast": lambda: AutocastScorer(model),
        "torch bf16": lambda: TorchScorer(model, bf16=True),
        "onnx fp32": lambda: OnnxCrossEncoder(model, threads=threads),
        "onnx int8": lambda: OnnxCrossEncoder(model, quantized=True, threads=threads),
        "onnx int8 per-channel": lambda: OnnxCrossEncoder(per_channel, quantized=True, threads=threads),
    }


class AutocastScorer:
    """The evaluation's own scorer (:func:`hardneg_haystack.scoring.precision.pair_scorer`: fp32 weights, bf16 autocast,
    ``CrossEncoder.predict``), one batch per call."""

    def __init__(self, model: Path) -> None:
        from hardneg_haystack.embedding.models import load_cross_encoder
        from hardneg_haystack.scoring.precision import pair_scorer

        self.ce = load_cross_encoder(str(model), device="cpu")
        self._score = lambda pairs: pair_scorer(self.ce, precision="bf16", batch_size=max(1, len(pairs)))(pairs)

    def predict(self, pairs: list[tuple[str, str]], *, batch_size: int | None = None) -> np.ndarray:
        return np.asarray(self._score(pairs))


def time_backends(
    scorers: dict[str, Any], pairs: list[list[tuple[str, str]]], latency_queries: int
) -> dict[str, dict[str, Any]]:
    """Top-20 scores of every query (timed) and timed top-50 / top-100 calls on the first queries, for every
    backend, in length-sorted chunks of ``SERVING_BATCH_SIZE`` pairs as the serving components score them.
    The backends take turns on each query (the order rotating), so a load that comes and goes on a
    shared machine slows them alike and their ratios stay honest."""
    for scorer in scorers.values():
        scorer.predict(pairs[0][:20], batch_size=None)  # warm-up: first-call set-up is not a query's latency
    scores: dict[str, list[np.ndarray]] = {n: [] for n in scorers}
    times: dict[str, dict[int, list[float]]] = {n: {k: [] for k in DEPTHS} for n in scorers}
    names = list(scorers)
    for i, p in enumerate(pairs):
        for name in names[i % len(names) :] + names[: i % len(names)]:
            start = time.perf_counter()
            got = scorers[name].predict(p[:20], batch_size=SERVING_BATCH_SIZE)
            scores[name].append(np.asarray(got, dtype=np.float64))
            times[name][20].append((time.perf_counter() - start) * 1000)
            if i < latency_queries:
                for k in DEPTHS[1:]:
                    start = time.perf_counter()
                    scorers[name].predict(p[:k], batch_size=SERVING_BATCH_SIZE)
                    times[name][k].append((time.perf_counter() - start) * 1000)
    out = {}
    for name in names:
        row: dict[str, Any] = {}
        for k in DEPTHS:
            row[f"p50 ms top-{k}"] = float(np.percentile(times[name][k], 50))
            row[f"p95 ms top-{k}"] = float(np.percentile(times[name][k], 95))
        out[name] = {"row": row, "scores": scores[name]}
    return out


def serve(pipeline: Any, events: Path, port: int, **kw: Any) -> tuple[Any, threading.Thread]:
    import httpx
    import uvicorn

    from hardneg_haystack.ab.events import EventLog
    from hardneg_haystack.components.ab_server import create_app

    app = create_app(pipeline, EventLog(events, flush_seconds=0.2), **kw)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(300):
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health").status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.1)
    return server, thread


def server_rows(
    args: argparse.Namespace, model: Path, backend: str, queries: list[str], tmp: Path
) -> list[dict[str, Any]]:
    import httpx
    from haystack import Pipeline

    from hardneg_haystack.ab.load import load_test
    from hardneg_haystack.components.ab import ABRanker
    from hardneg_haystack.components.indexing import open_index
    from hardneg_haystack.components.pipelines import bm25_retriever_for

    store = open_index(args.work_dir)[0]
    pipe = Pipeline()
    pipe.add_component("retriever", bm25_retriever_for(store, top_k=20))
    arms = {"bm25": None, "tuned": {"model": str(model), "blend": "stored"}}
    pipe.add_component("ab", ABRanker(arms=arms, split=[0.0, 1.0], backend=backend, top_k=10))
    pipe.connect("retriever.documents", "ab.documents")
    rows = []
    for batching in (True, False) if args.compare_unbatched else (True,):
        events = tmp / f"events-{batching}.jsonl"
        server, thread = serve(pipe, events, args.port, batch_wait_ms=8.0 if batching else 0.0)
        url = f"http://127.0.0.1:{args.port}"
        try:
            load_test(url, queries[:8], requests=8, concurrency=2, log_wait=0)  # warm-up
            for conc in args.concurrency:
                res = load_test(url, queries, requests=args.requests, concurrency=conc, event_log=events, log_wait=1.0)
                health = httpx.get(f"{url}/health").json()
                rows.append(
                    {
                        "backend": backend,
                        "batching": batching,
                        "concurrency": conc,
                        "requests": res["requests"],
                        "errors": res["errors"],
                        "503s": res["rejected"],
                        "p50 ms": res["p50_ms"],
                        "p95 ms": res["p95_ms"],
                        "requests/s": res["throughput_rps"],
                        "missing from log": res["impressions_missing_from_log"],
                        "mean requests per batch": (health.get("batching") or {}).get("mean_calls_per_batch"),
                        "load": load_avg(),
                    }
                )
                print(f"  server {backend} batching={batching} c={conc}: {rows[-1]}", flush=True)
        finally:
            server.should_exit = True
            thread.join(timeout=30)
        pipe.get_component("ab").score_hook = None
    return rows


def bm25_request_ms(args: argparse.Namespace, queries: list[str]) -> float:
    """Median time of the server's first stage alone (the in-memory BM25 retriever, top-20), per request."""
    from hardneg_haystack.components.indexing import open_index
    from hardneg_haystack.components.pipelines import bm25_retriever_for

    retriever = bm25_retriever_for(open_index(args.work_dir)[0], top_k=20)
    times = []
    for q in queries[:30]:
        start = time.perf_counter()
        retriever.run(query=q)
        times.append((time.perf_counter() - start) * 1000)
    return float(np.median(times))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", required=True, type=Path)
    ap.add_argument("--work-dir", required=True, type=Path, help="An indexed work folder (its BM25 and chunks)")
    ap.add_argument("--model", required=True, type=Path, help="A fine-tuned cross-encoder folder (read only)")
    ap.add_argument("--split", default="test")
    ap.add_argument("--queries", type=int, default=0, help="Test queries scored (0: all)")
    ap.add_argument("--latency-queries", type=int, default=30, help="Queries also timed at top-50 and top-100")
    ap.add_argument("--backend", action="append", help="Only these backends (repeat; 'none': the server only)")
    ap.add_argument("--server-backend", default="auto", help="The server's backend (auto: the default)")
    ap.add_argument("--concurrency", type=int, action="append", help="Server concurrency (repeat; 1, 4, 8)")
    ap.add_argument("--requests", type=int, default=200, help="Requests per concurrency level")
    ap.add_argument("--compare-unbatched", action="store_true", help="Also serve without micro-batching")
    ap.add_argument(
        "--lengths", type=int, nargs="*", default=[], help="Also time onnx int8 at these max lengths (128 192 256)"
    )
    ap.add_argument("--no-server", action="store_true")
    ap.add_argument("--port", type=int, default=8791)
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    args.concurrency = args.concurrency or [1, 4, 8]

    from hardneg_haystack.components.indexing import open_index
    from hardneg_haystack.scoring.rerank_backends import resolve_backend

    env = environment() | {"load_at_start": load_avg()}
    print_environment(env)
    print(f"load average at start: {env['load_at_start']}")
    queries = load_beir_queries(args.data, args.split)
    queries = queries[: args.queries] if args.queries else queries
    store = open_index(args.work_dir)[0]
    corpus = load_corpus(store, need_embeddings=False)
    first = FirstStage.bm25_only(corpus, store, queries, 300)
    tagged = reads_bm25(args.model)  # the model reads BM25's score as text: every backend gets the tagged pairs
    pairs = [[(q.text, t) for t in candidate_texts(first, qi, 100, bm25_text=tagged)] for qi, q in enumerate(queries)]
    qrels = qrels_of(queries)
    weight = stored_blend_weight(str(args.model))
    print(
        f"{len(queries)} {args.split} queries, BM25 over {len(corpus)} chunks, blend weight {weight:g}"
        + (", BM25's score as text" if tagged else "")
    )

    def ndcg(scores: list[np.ndarray], blended: bool) -> float:
        per_query = [
            blend([b for _, b in c[:20]], list(s), weight) if blended else s
            for c, s in zip(first.bm25, scores, strict=True)
        ]
        return round(evaluate_run(qrels, reorder_run(first, per_query, 20, 100), ("ndcg@10",))["ndcg@10"], 4)

    tmp = Path(tempfile.mkdtemp(prefix="serving-latency-"))
    model = tmp / "model"
    shutil.copytree(args.model, model, ignore=shutil.ignore_patterns("onnx"))
    bm25_scores = [np.asarray([s for _, s in c[:20]]) for c in first.bm25]
    rows: list[dict[str, Any]] = [{"backend": "bm25 (no re-ranker)", "ndcg@10 alone": ndcg(bm25_scores, False)}]
    base: dict[str, Any] | None = None
    scorers, load_s = {}, {}
    for name, load in backend_scorers(model).items():
        if args.backend and name not in args.backend:
            continue
        start = time.perf_counter()
        scorers[name] = load()
        load_s[name] = round(time.perf_counter() - start, 2)
    timed = time_backends(scorers, pairs, args.latency_queries) if scorers else {}
    for name, res in timed.items():
        row = {"backend": name, **res["row"]}
        row["ndcg@10 alone"] = ndcg(res["scores"], False)
        row["ndcg@10 blended"] = ndcg(res["scores"], True)
        base = base or row
        row["speed-up top-20"] = base["p50 ms top-20"] / row["p50 ms top-20"]
        row["change, points"] = round((row["ndcg@10 alone"] - base["ndcg@10 alone"]) * 100, 2)
        row["load_s"] = load_s[name]
        rows.append(row)
        print(f"  {name}: p50 top-20 {row['p50 ms top-20']:.0f} ms, nDCG@10 {row['ndcg@10 alone']:.4f}", flush=True)
    del scorers
    env["load_after_backends"] = load_avg()
    print_table(rows, f"re-ranking one query, {len(queries)} queries (top-50/100 on {args.latency_queries})")

    length_rows = []
    for length in args.lengths:
        from hardneg_haystack.scoring.onnx_backend import OnnxCrossEncoder
        from hardneg_haystack.scoring.rerank_backends import cpu_threads

        scorer = OnnxCrossEncoder(model, quantized=True, threads=cpu_threads())
        scorer.max_length = length  # the pairs are truncated here; the positions go to 512
        res = time_backends({"int8": scorer}, pairs, args.latency_queries)["int8"]
        length_rows.append(
            {
                "backend": "onnx int8 per-channel",
                "max length": length,
                "p50 ms top-20": res["row"]["p50 ms top-20"],
                "p95 ms top-20": res["row"]["p95 ms top-20"],
                "p50 ms top-100": res["row"]["p50 ms top-100"],
                "ndcg@10 alone": ndcg(res["scores"], False),
                "ndcg@10 blended": ndcg(res["scores"], True),
                "load": load_avg(),
            }
        )
        print(f"  max length {length}: {length_rows[-1]}", flush=True)
    if length_rows:
        print_table(length_rows, "tokens per pair (the model was trained at its own max length)")

    default = resolve_backend(args.server_backend)
    bm25_ms = bm25_request_ms(args, [q.text for q in queries])
    print(f"server first stage alone (in-memory BM25 top-20): {bm25_ms:.0f} ms median")
    servers = [] if args.no_server else server_rows(args, model, default, [q.text for q in queries], tmp)
    if servers:
        print_table(servers, "A/B server on loopback, every user on the re-ranker arm")

    targets = []
    fast = [r for r in rows[2:] if abs(r["change, points"]) <= 0.5]
    best = max(fast, key=lambda r: r["speed-up top-20"], default=None)
    label = {"torch-bf16": "torch bf16", "onnx-int8": "onnx int8", "onnx": "onnx fp32", "torch": "torch fp32"}
    chosen = next((r for r in rows if r["backend"] == label.get(default)), None)
    if chosen is not None:
        targets += [
            target(f"top-20 p50 ({chosen['backend']})", chosen["p50 ms top-20"], 150, unit=" ms"),
            target(f"top-20 p95 ({chosen['backend']})", chosen["p95 ms top-20"], 250, unit=" ms"),
        ]
        if base is not None:
            targets.append(
                target(
                    f"default >= 2x torch fp32 at <= 0.5 points ({chosen['backend']}, {chosen['change, points']:+.2f})",
                    chosen["speed-up top-20"] if abs(chosen["change, points"]) <= 0.5 else 0.0,
                    2.0,
                    lower_is_better=False,
                    unit="x",
                )
            )
    at8 = [s for s in servers if s["concurrency"] == 8 and s["batching"]]
    if at8:
        s = at8[0]
        targets += [
            target("server at concurrency 8: requests/s", s["requests/s"], 10, lower_is_better=False),
            target("server at concurrency 8: p95", s["p95 ms"], 1000, unit=" ms"),
            target("server at concurrency 8: errors + missing from log", s["errors"] + s["missing from log"], 0),
        ]
    print_table(targets, "targets")
    write_results(
        "serving_latency",
        {
            "environment": env,
            "load_at_end": load_avg(),
            "model": str(args.model),
            "work_dir": str(args.work_dir),
            "queries": len(queries),
            "latency_queries": args.latency_queries,
            "split": args.split,
            "blend_weight": weight,
            "fastest_within_half_point": best["backend"] if best else None,
            "server_backend": default,
            "server_bm25_ms": bm25_ms,
            "rows": rows,
            "server": servers,
            "lengths": length_rows,
            "targets": targets,
        },
        args.out,
    )
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
