"""BM25 on the embedded store: which text analysis? (Snowball-stemmed rank-bm25 vs plain vs Haystack's own).

Run:  python benchmarks/bm25_variants.py --work-dir /tmp/scifact_fit --data ../shared/data/scifact
Prints a table and writes benchmarks/results/bm25_variants.json.
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from pathlib import Path

from hardneg_haystack.components.indexing import open_index
from hardneg_haystack.evaluation.runs import maxp, qrels_of
from hardneg_haystack.ingest import load_beir_queries
from hardneg_haystack.mining.baselines import Bm25Scorer
from hardneg_haystack.mining.corpus import load_corpus
from hardneg_haystack.ranking.metrics import evaluate_run


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--work-dir", required=True, type=Path)
    ap.add_argument("--data", required=True, type=Path)
    ap.add_argument("--split", default="test")
    ap.add_argument("--out", type=Path, default=Path(__file__).parent / "results" / "bm25_variants.json")
    args = ap.parse_args()
    store, _, _ = open_index(args.work_dir)
    corpus = load_corpus(store, need_embeddings=False)
    queries = load_beir_queries(args.data, args.split)
    qrels = qrels_of(queries)
    rows = []
    for analyzer in ("english", "plain", "store"):
        start = time.perf_counter()
        scorer = Bm25Scorer(corpus, store, analyzer=analyzer)  # type: ignore[arg-type]
        run = {}
        for q in queries:
            idx, scores = scorer.top(q.text, 100)
            run[q.id] = maxp(dict(zip(idx.tolist(), scores.tolist(), strict=True)), corpus, 100)
        metrics = evaluate_run(qrels, run, ("ndcg@10", "mrr@10", "recall@100"))
        rows.append({"analyzer": analyzer, **metrics, "seconds": round(time.perf_counter() - start, 1)})
    print(f"machine: {platform.machine()} {platform.processor()} python {platform.python_version()}")
    print(f"{'analyzer':<10} {'nDCG@10':>8} {'MRR@10':>8} {'R@100':>8} {'seconds':>8}")
    for r in rows:
        print(
            f"{r['analyzer']:<10} {r['ndcg@10']:>8.3f} {r['mrr@10']:>8.3f} {r['recall@100']:>8.3f} {r['seconds']:>8.1f}"
        )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"data": str(args.data), "split": args.split, "rows": rows}, indent=2))


if __name__ == "__main__":
    main()
