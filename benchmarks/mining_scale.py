"""How mining cost grows with the corpus: 5k, 20k, 50k and 100k entries (SciFact plus generated variants).

Run:  python benchmarks/mining_scale.py --data ../shared/data/scifact               (about 10 min on 2 CPU cores)
      python benchmarks/mining_scale.py --data ../shared/data/scifact --member minilm --member sre --member static
      (the full ensemble: encoding 100k entries with two transformers takes hours on a CPU)

Each size runs in a fresh process so its memory figures are its own. The corpus is SciFact's entries (split
as ``hardneg index`` does; sampled down to 5k) plus variants of them: each variant shuffles an entry's
sentences and swaps one for a sentence of another entry, so every text is new and near real text. Queries
are SciFact train. Stages, each timed with its peak resident memory above the level before it:
embed (EnsembleEmbedder), write (in-memory store), scan (full read back into arrays), cluster (K-means;
MiniBatchKMeans above 50k), embed queries, select (candidate pools, scoring, guard, selection). The growth
exponent is the slope of log(time) and log(memory) against log(N).

Prints the machine, versions and tables; writes benchmarks/results/mining_scale.json.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path
from typing import Any

import numpy as np
from _bench import (
    corpus_entries,
    environment,
    exponent,
    measure,
    print_environment,
    print_table,
    run_in_fresh_process,
    write_results,
)
from haystack import Document

SIZES = (5_000, 20_000, 50_000, 100_000)
STAGES = ("embed", "write", "scan", "cluster", "embed_queries", "select")


def scaled_corpus(base: list[Document], n: int, keep: set[str], seed: int = 0) -> list[Document]:
    """``n`` entries: ``base`` (sampled down, entries of ``keep`` parents first) plus sentence-shuffled variants."""
    rng = random.Random(seed)
    if n <= len(base):
        first = [d for d in base if d.meta.get("parent_id", d.id) in keep]
        rest = [d for d in base if d.meta.get("parent_id", d.id) not in keep]
        return first[:n] + rng.sample(rest, max(0, n - len(first)))
    out = list(base)
    sentences = [s for d in base for s in (d.content or "").split(". ") if s]
    for k in range(n - len(base)):
        src = base[k % len(base)]
        parts = [s for s in (src.content or "").split(". ") if s] or [src.content or ""]
        rng.shuffle(parts)
        parts[rng.randrange(len(parts))] = rng.choice(sentences)
        vid = f"v{k // len(base)}-{src.id}"
        out.append(Document(id=vid, content=". ".join(parts), meta={"parent_id": vid}))
    return out


def one_size(data: Path, n: int, members: list[str]) -> dict[str, Any]:
    """Every stage at one corpus size (run in its own process)."""
    from haystack.document_stores.in_memory import InMemoryDocumentStore

    from hardneg_haystack.components.embedders import EnsembleEmbedder, EnsembleTextEmbedder
    from hardneg_haystack.ingest import load_beir_queries
    from hardneg_haystack.mining.cluster_miner import mine_clusters
    from hardneg_haystack.mining.clustering import cluster_embeddings
    from hardneg_haystack.mining.corpus import load_corpus
    from hardneg_haystack.mining.selection import SelectionConfig

    queries = load_beir_queries(data, "train")
    docs = scaled_corpus(corpus_entries(data, None, queries), n, {p for q in queries for p in q.positive_ids})
    specs = [{"model": m} for m in members]
    embedder = EnsembleEmbedder(members=specs, progress_bar=False)
    text_embedder = EnsembleTextEmbedder(members=specs, progress_bar=False)
    embedder.warm_up()
    text_embedder.warm_up()
    store = InMemoryDocumentStore(embedding_similarity_function="dot_product")
    m: dict[str, Any] = {}
    m["embed"] = measure(lambda: embedder.run(documents=docs)["documents"])
    m["write"] = measure(lambda: store.write_documents(m["embed"].value))
    m["embed"].value = None  # the store holds the documents now
    m["scan"] = measure(lambda: load_corpus(store))
    corpus = m["scan"].value
    selection = SelectionConfig(seed=42)
    m["cluster"] = measure(lambda: cluster_embeddings(corpus.embeddings, seed=selection.seed))
    ens = text_embedder.ensemble
    m["embed_queries"] = measure(lambda: ens.encode([q.text for q in queries], role="query"))
    q_emb, clustering = m["embed_queries"].value, m["cluster"].value
    m["select"] = measure(lambda: mine_clusters(corpus, queries, q_emb, selection=selection, clustering=clustering))
    mined = m["select"].value[0]
    return {
        "n": len(corpus),
        "dimension": int(corpus.embeddings.shape[1]),
        "k": clustering.n_clusters,
        "method": clustering.method,
        "queries": len(queries),
        "negatives_per_query": round(float(np.mean([len(q.negatives) for q in mined if not q.skipped])), 2),
        "seconds": {s: round(m[s].seconds, 3) for s in STAGES},
        "peak_mb": {s: round(m[s].peak_mb, 1) for s in STAGES},
        "embeddings_mb": round(corpus.embeddings.nbytes / 2**20, 1),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", required=True, type=Path)
    ap.add_argument("--size", type=int, action="append", help=f"Corpus sizes (repeat); default {SIZES}")
    ap.add_argument("--member", action="append", help="Ensemble members (repeat); default: static")
    ap.add_argument("--one", type=int, help=argparse.SUPPRESS)  # internal: one size, JSON on stdout
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    members = args.member or ["static"]
    if args.one:
        print("RESULT " + json.dumps(one_size(args.data, args.one, members)))
        return

    env = environment()
    print_environment(env)
    results = []
    for n in args.size or SIZES:
        cmd = [sys.executable, __file__, "--data", str(args.data), "--one", str(n)]
        cmd += [a for m in members for a in ("--member", m)]
        res = run_in_fresh_process(cmd, f"size {n}")
        results.append(res)
        print(f"  {res['n']} entries: {sum(res['seconds'].values()):.1f} s")
    ns = [r["n"] for r in results]
    time_rows = [{"entries": r["n"], **r["seconds"], "k": r["k"], "method": r["method"]} for r in results]
    mem_rows = [{"entries": r["n"], **r["peak_mb"], "embeddings_mb": r["embeddings_mb"]} for r in results]
    growth = {
        "stage": "growth exponent",
        **{s: exponent(ns, [r["seconds"][s] for r in results]) for s in STAGES},
    }
    mem_growth = {"stage": "growth exponent", **{s: exponent(ns, [r["peak_mb"][s] for r in results]) for s in STAGES}}
    title = f"members {', '.join(members)} ({results[0]['dimension']}-d), {results[0]['queries']} queries"
    print_table(time_rows, f"seconds per stage; {title}")
    print_table([growth], "time growth exponent (slope of log time on log N)")
    print_table(mem_rows, "peak resident memory per stage above its start, MB")
    print_table([mem_growth], "memory growth exponent")
    write_results(
        "mining_scale",
        {
            "environment": env,
            "members": members,
            "results": results,
            "time_exponent": growth,
            "memory_exponent": mem_growth,
        },
        args.out,
    )


if __name__ == "__main__":
    main()
