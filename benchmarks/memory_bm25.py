"""The embedded store's BM25: Haystack's ``InMemoryDocumentStore`` vs its postings form, same documents.

Run:  python benchmarks/memory_bm25.py --data ../shared/data/scifact --work-dir runs/scifact/index

Both stores get the work folder's chunks; every test query is retrieved at top-20 and top-100 by both, timed
per query (the two take turns), and the results are compared document by document and score by score
(:class:`hardneg_haystack.index.memory_store.IndexedInMemoryDocumentStore` promises bit-identical scores and the
same order). Also times building the postings (paid once, on the first query after a change). Prints a table
and writes benchmarks/results/memory_bm25.json.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
from _bench import environment, print_environment, print_table, write_results
from haystack.document_stores.in_memory import InMemoryDocumentStore

from hardneg_haystack.components.indexing import open_index
from hardneg_haystack.index.memory_store import IndexedInMemoryDocumentStore
from hardneg_haystack.ingest import load_beir_queries


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", required=True, type=Path)
    ap.add_argument("--work-dir", required=True, type=Path, help="An indexed work folder (embedded store)")
    ap.add_argument("--split", default="test")
    ap.add_argument("--queries", type=int, default=0, help="Queries (0: all)")
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()

    env = environment()
    print_environment(env)
    docs = open_index(args.work_dir)[0].filter_documents()
    queries = [q.text for q in load_beir_queries(args.data, args.split)]
    queries = queries[: args.queries] if args.queries else queries
    plain = InMemoryDocumentStore(embedding_similarity_function="dot_product", shared=False)
    fast = IndexedInMemoryDocumentStore(embedding_similarity_function="dot_product", shared=False)
    plain.write_documents(docs)
    fast.write_documents(docs)
    start = time.perf_counter()
    fast.bm25_retrieval(queries[0], top_k=1)  # builds the postings
    build_ms = (time.perf_counter() - start) * 1000
    times: dict[str, dict[int, list[float]]] = {"haystack": {20: [], 100: []}, "postings": {20: [], 100: []}}
    same_ids = same_scores = 0
    for i, query in enumerate(queries):
        results = {}
        for name, store in (("haystack", plain), ("postings", fast))[:: 1 if i % 2 else -1]:
            for k in (20, 100):
                start = time.perf_counter()
                results[name, k] = store.bm25_retrieval(query, top_k=k)
                times[name][k].append((time.perf_counter() - start) * 1000)
        want, got = results["haystack", 100], results["postings", 100]
        same_ids += [d.id for d in got] == [d.id for d in want]
        same_scores += [d.score for d in got] == [d.score for d in want]
    rows = [
        {
            "store": name,
            "p50 ms top-20": float(np.percentile(t[20], 50)),
            "p95 ms top-20": float(np.percentile(t[20], 95)),
            "p50 ms top-100": float(np.percentile(t[100], 50)),
            "p95 ms top-100": float(np.percentile(t[100], 95)),
        }
        for name, t in times.items()
    ]
    rows[1]["speed-up top-20"] = rows[0]["p50 ms top-20"] / rows[1]["p50 ms top-20"]
    print_table(rows, f"BM25 over {len(docs)} chunks, {len(queries)} {args.split} queries")
    print(
        f"postings built in {build_ms:.0f} ms (once per change); top-100 identical: ids {same_ids}/{len(queries)}, "
        f"scores {same_scores}/{len(queries)}"
    )
    write_results(
        "memory_bm25",
        {
            "environment": env,
            "documents": len(docs),
            "queries": len(queries),
            "build_ms": build_ms,
            "rows": rows,
            "identical_ids": same_ids,
            "identical_scores": same_scores,
        },
        args.out,
    )


if __name__ == "__main__":
    main()
