"""Re-ranking latency per query, torch vs ONNX (fp32 and int8), with the nDCG@10 change each backend causes.

Run:  python benchmarks/rerank_latency.py --data ../shared/data/scifact --model runs/ranker/model
      (``--model``: a cross-encoder trained by ``hardneg train``; exported to ONNX first when it has no onnx/)

For each test query the BM25 top-100 chunks (the miners' stemmed BM25 over the same corpus entries as
``hardneg index``) are scored by the re-ranker, one ``predict`` call per query (batch 32), as a search
pipeline does. Latency is per query at top-100 (every query) and top-50 (the first ``--latency-queries``);
nDCG@10 of the re-ranker alone and blended with BM25 (the model's stored weight), per parent document
(MaxP), from the same scores. Backends: torch fp32 (``CrossEncoder.predict``), torch with dynamic int8
Linear layers, onnxruntime fp32 and onnxruntime int8 (:mod:`hardneg_haystack.scoring.onnx_backend`).

Prints the machine, versions and a table; writes benchmarks/results/rerank_latency.json.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from _bench import (
    corpus_entries,
    environment,
    measure,
    print_environment,
    print_table,
    target,
    write_results,
)
from haystack.document_stores.in_memory import InMemoryDocumentStore

from hardneg_haystack.evaluation.first_stage import FirstStage
from hardneg_haystack.evaluation.rerank import reorder_run
from hardneg_haystack.evaluation.runs import qrels_of
from hardneg_haystack.ingest import load_beir_queries
from hardneg_haystack.mining.corpus import load_corpus
from hardneg_haystack.ranking.metrics import evaluate_run
from hardneg_haystack.ranking.score_fusion import blend

Predict = Callable[[list[tuple[str, str]]], np.ndarray]


def backends(model: Path) -> dict[str, Callable[[], Predict]]:
    """Loaders of each backend's ``predict(pairs) -> scores``."""
    import torch

    from hardneg_haystack.embedding.models import load_cross_encoder
    from hardneg_haystack.scoring.onnx_backend import OnnxCrossEncoder

    def torch_fp32() -> Predict:
        ce = load_cross_encoder(str(model), device="cpu")
        return lambda pairs: ce.predict(pairs, batch_size=32, show_progress_bar=False)

    def torch_int8() -> Predict:
        from torch.ao.quantization import quantize_dynamic

        ce = load_cross_encoder(str(model), device="cpu")
        quantize_dynamic(ce, {torch.nn.Linear}, dtype=torch.qint8, inplace=True)
        return lambda pairs: ce.predict(pairs, batch_size=32, show_progress_bar=False)

    def onnx(quantized: bool) -> Callable[[], Predict]:
        def load() -> Predict:
            ce = OnnxCrossEncoder(model, quantized=quantized)
            return lambda pairs: ce.predict(pairs, batch_size=32)

        return load

    return {
        "torch fp32": torch_fp32,
        "torch int8 (dynamic)": torch_int8,
        "onnx fp32": onnx(False),
        "onnx int8": onnx(True),
    }


def run_backend(
    predict: Predict, pairs: list[list[tuple[str, str]]], latency_queries: int
) -> tuple[list[np.ndarray], list[float], list[float]]:
    """Scores of every query's top-100 (timed per query) and timed top-50 calls on the first queries."""
    predict(pairs[0][:8])  # warm-up: first-call set-up is not a query's latency
    scores, t100, t50 = [], [], []
    for i, p in enumerate(pairs):
        start = time.perf_counter()
        scores.append(np.asarray(predict(p), dtype=np.float64))
        t100.append((time.perf_counter() - start) * 1000)
        if i < latency_queries:
            start = time.perf_counter()
            predict(p[:50])
            t50.append((time.perf_counter() - start) * 1000)
    return scores, t50, t100


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", required=True, type=Path)
    ap.add_argument("--model", required=True, type=Path, help="A fine-tuned cross-encoder folder")
    ap.add_argument("--split", default="test")
    ap.add_argument("--queries", type=int, default=100, help="Test queries scored (nDCG and top-100 latency)")
    ap.add_argument("--latency-queries", type=int, default=30, help="Queries also timed at top-50")
    ap.add_argument("--backend", action="append", help="Only these backends (repeat); default all")
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()

    from hardneg_haystack.scoring.onnx_backend import FP32_FILE, INT8_FILE, ONNX_DIR, export_onnx
    from hardneg_haystack.training.model_info import read_training_info

    env = environment()
    print_environment(env)
    queries = load_beir_queries(args.data, args.split)[: args.queries]
    store = InMemoryDocumentStore()
    store.write_documents(corpus_entries(args.data, None, queries))
    corpus = load_corpus(store, need_embeddings=False)
    first = FirstStage.bm25_only(corpus, store, queries, 100)
    cands = first.bm25
    pairs = [[(q.text, corpus.contents[i]) for i, _ in c] for q, c in zip(queries, cands, strict=True)]
    qrels = qrels_of(queries)
    weight = read_training_info(args.model).get("blend_weight") or 0.5
    print(f"{len(queries)} {args.split} queries, BM25 top-100 of {len(corpus)} entries, blend weight {weight:g}")

    export = None
    onnx_dir = args.model / ONNX_DIR
    if not (onnx_dir / FP32_FILE).is_file() or not (onnx_dir / INT8_FILE).is_file():
        export = measure(lambda: export_onnx(args.model)).seconds
        print(f"exported to ONNX (fp32 + int8) in {export:.1f} s")

    def ndcg(per_query: list[np.ndarray], k: int, blended: bool) -> float:
        """nDCG@10 of BM25's top ``k`` re-ordered by the scores (the evaluation's convention: tail kept)."""
        scores = [
            blend([b for _, b in c[:k]], list(s[:k]), weight) if blended else np.asarray(s[:k])
            for c, s in zip(cands, per_query, strict=True)
        ]
        return round(evaluate_run(qrels, reorder_run(first, scores, k, 100), ("ndcg@10",))["ndcg@10"], 4)

    bm25 = [np.asarray([s for _, s in c]) for c in cands]
    rows: list[dict[str, Any]] = [{"backend": "bm25 (no re-ranker)"}]
    rows[0].update({"ndcg@10 top-50": ndcg(bm25, 50, False), "ndcg@10 top-100": ndcg(bm25, 100, False)})
    base: dict[str, Any] | None = None
    for name, load in backends(args.model).items():
        if args.backend and name not in args.backend:
            continue
        loaded = measure(load)
        scores, t50, t100 = run_backend(loaded.value, pairs, args.latency_queries)
        row = {
            "backend": name,
            "p50 ms top-50": float(np.percentile(t50, 50)),
            "p95 ms top-50": float(np.percentile(t50, 95)),
            "p50 ms top-100": float(np.percentile(t100, 50)),
            "p95 ms top-100": float(np.percentile(t100, 95)),
            "ndcg@10 top-50": ndcg(scores, 50, False),
            "ndcg@10 top-100": ndcg(scores, 100, False),
            "blended ndcg@10 top-100": ndcg(scores, 100, True),
            "load_s": round(loaded.seconds, 2),
        }
        base = base or row
        row["speed-up"] = base["p50 ms top-100"] / row["p50 ms top-100"]
        row["ndcg change (points)"] = round((row["ndcg@10 top-100"] - base["ndcg@10 top-100"]) * 100, 2)
        rows.append(row)
        print(f"  {name}: p50 top-100 {row['p50 ms top-100']:.0f} ms, nDCG@10 {row['ndcg@10 top-100']:.4f}")
    print_table(rows, f"re-ranking one query, {len(queries)} queries (top-50 latency on {args.latency_queries})")

    fast = [r for r in rows[2:] if abs(r["ndcg change (points)"]) <= 0.5]
    best = max(fast, key=lambda r: r["speed-up"], default=None)
    targets = [
        target(
            f"backend >= 2x torch fp32 at <= 0.5 nDCG@10 point loss ({best['backend'] if best else 'none'})",
            best["speed-up"] if best else 0.0,
            2.0,
            lower_is_better=False,
            unit="x",
        )
    ]
    print_table(targets, "targets")
    write_results(
        "rerank_latency",
        {
            "environment": env,
            "model": str(args.model),
            "queries": len(queries),
            "latency_queries_top50": args.latency_queries,
            "split": args.split,
            "blend_weight": weight,
            "onnx_export_s": export,
            "rows": rows,
            "targets": targets,
        },
        args.out,
    )


if __name__ == "__main__":
    main()
