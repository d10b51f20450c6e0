"""OpenSearch vs the embedded store: bulk indexing throughput and mining time (issue 6's figures).

Run:  python benchmarks/opensearch_store.py --data ../shared/data/scifact --cache /tmp/sf/index/cache
      (OPENSEARCH_URL=https://... to use a real cluster; otherwise an osmem-server emulator is started here)

``--cache`` seeds the work folders with an existing embedding cache so the figure is the store's cost (bulk
writes of documents with their vectors), not the models'. Prints a table and writes
benchmarks/results/opensearch_store.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import time
from pathlib import Path

from hardneg_haystack.components.indexing import index_documents, open_index
from hardneg_haystack.index.stores import StoreConfig
from hardneg_haystack.ingest import load_beir_queries, load_documents


def _seed_cache(cache: Path | None, work: Path) -> None:
    if cache is not None and not (work / "cache").exists():
        work.mkdir(parents=True, exist_ok=True)
        shutil.copytree(cache, work / "cache")


def _mine(work: Path, queries: list, miner: str) -> tuple[float, dict[str, list[str]]]:
    from hardneg_haystack import ClusterHardNegativeMiner, RandomNegativeMiner

    store, embedder, _ = open_index(work)
    if miner == "ensemble":
        component = ClusterHardNegativeMiner(document_store=store, text_embedder=embedder, seed=42)
    else:
        component = RandomNegativeMiner(document_store=store, seed=42)
    start = time.perf_counter()
    result = component.run(queries=queries)["result"]
    seconds = time.perf_counter() - start
    return seconds, {q.query_id: [n for n, _ in q.negatives] for q in result.queries}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", required=True, type=Path)
    ap.add_argument("--cache", type=Path, help="An embedding cache folder from an earlier `hardneg index`")
    ap.add_argument("--work", type=Path, default=Path("/tmp/hardneg_os_bench"))
    ap.add_argument("--out", type=Path, default=Path(__file__).parent / "results" / "opensearch_store.json")
    args = ap.parse_args()

    server = None
    url = os.environ.get("OPENSEARCH_URL")
    if not url:
        from osmem_server import OsmemServer

        server = OsmemServer.start()
        url = server.clone().url
    docs = load_documents(args.data)
    queries = load_beir_queries(args.data, "train")
    rows = []
    try:
        for name, config in (
            ("memory", None),
            ("opensearch" + (" (osmem emulator)" if server else ""), StoreConfig(url=url, index="hardneg-bench")),
        ):
            work = args.work / name.split()[0]
            shutil.rmtree(work, ignore_errors=True)
            _seed_cache(args.cache, work)
            start = time.perf_counter()
            res = index_documents(docs, work_dir=work, store_config=config)
            index_s = time.perf_counter() - start
            ens_s, ens = _mine(work, queries, "ensemble")
            rnd_s, rnd = _mine(work, queries, "random")
            rows.append(
                {
                    "store": name,
                    "entries": res.written,
                    "index_seconds": round(index_s, 1),
                    "entries_per_second": round(res.written / index_s, 1),
                    "embedding_cache_misses": res.cache_misses,
                    "mine_ensemble_seconds": round(ens_s, 1),
                    "mine_random_seconds": round(rnd_s, 1),
                    "_ens": ens,
                    "_rnd": rnd,
                }
            )
    finally:
        if server is not None:
            server.close()
    same_ens = rows[0].pop("_ens") == rows[1].pop("_ens")
    same_rnd = rows[0].pop("_rnd") == rows[1].pop("_rnd")
    print(f"machine: {platform.platform()}, {os.cpu_count()} CPUs, python {platform.python_version()}")
    cols = list(rows[0])
    print(" | ".join(cols))
    for r in rows:
        print(" | ".join(str(r[c]) for c in cols))
    print(f"identical negatives on both stores: ensemble {same_ens}, random {same_rnd}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        json.dumps({"rows": rows, "identical_ensemble": same_ens, "identical_random": same_rnd}, indent=2)
    )


if __name__ == "__main__":
    main()
