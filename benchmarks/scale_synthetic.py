"""Cost at scale on a synthetic corpus: 10k, 100k and 1M passages, stage by stage (issue 29 item 4).

Run:  python benchmarks/scale_synthetic.py                       (10k, 100k, 1M; about 30 min on 2 CPU cores)
      python benchmarks/scale_synthetic.py --size 10000 --size 100000

Each size runs in a fresh process so its memory figures are its own. The corpus is generated: passages of 40
words drawn from a Zipf-distributed 30,000-word vocabulary (for BM25 and the embedding model), and unit vectors
of a 64-d Gaussian mixture with sqrt(N) centres standing for their ensemble embeddings (the packaged static
model's dimension; what the store holds after ``hardneg index``). 500 labelled queries: each a passage's words
shuffled and cut to 8, its vector that passage's plus noise. Stages, timed with their peak resident memory above
the level before them:

- ``embed``: the packaged static model (``static``, model2vec) encoding the passages through
  ``EnsembleEmbedder``; up to ``--embed-max`` passages (default 100k): above that it is projected linearly
  from the largest measured size (the model encodes one text at a time: linear by construction);
- ``cluster``: ``cluster_embeddings`` (K-means below 50k, MiniBatchKMeans above; k = sqrt(N));
- ``mine``: ``mine_clusters`` for the 500 queries (candidate pools, scoring, guard, selection);
- ``bm25_index`` and ``bm25_query``: the embedded store's BM25 as the miners and ``AnalyzedBM25Retriever`` run
  it (rank-bm25 over Snowball stems), built once, then 50 queries' top 100;
- ``fusion``: min-max fusion of BM25 + dense + cross-encoder scores over each query's 100 candidates, 500
  queries (independent of N).

The growth exponent is the slope of log(time) and log(memory) against log(N). Prints the machine, versions and
tables; writes benchmarks/results/scale_synthetic.json.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np
from _bench import environment, exponent, measure, print_environment, print_table, run_in_fresh_process, write_results

SIZES = (10_000, 100_000, 1_000_000)
STAGES = ("embed", "cluster", "mine", "bm25_index", "bm25_query", "fusion")
DIM, WORDS, VOCAB, QUERIES, BM25_QUERIES = 64, 40, 30_000, 500, 50


def synthetic(n: int, seed: int = 0) -> tuple[list[str], np.ndarray, list[int]]:
    """``n`` passages, their unit vectors, and the passage each query is made from."""
    rng = np.random.default_rng(seed)
    vocab = np.array([f"w{i}" for i in range(VOCAB)])
    ranks = np.arange(1, VOCAB + 1, dtype=np.float64)
    p = 1 / ranks
    words = rng.choice(VOCAB, size=(n, WORDS), p=p / p.sum())
    texts = [" ".join(vocab[row]) for row in words]
    k = max(2, int(np.sqrt(n)))
    centres = rng.standard_normal((k, DIM)).astype(np.float32)
    vectors = centres[rng.integers(0, k, n)] + 0.6 * rng.standard_normal((n, DIM)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    sources = rng.choice(n, size=QUERIES, replace=False).tolist()
    return texts, vectors, sources


def one_size(n: int, embed_max: int) -> dict[str, Any]:
    """Every stage at one corpus size (run in its own process)."""
    from haystack import Document

    from hardneg_haystack.components.embedders import EnsembleEmbedder
    from hardneg_haystack.ingest.queries import LabelledQuery
    from hardneg_haystack.mining.baselines import make_tokenizer
    from hardneg_haystack.mining.cluster_miner import mine_clusters
    from hardneg_haystack.mining.clustering import cluster_embeddings
    from hardneg_haystack.mining.corpus import Corpus
    from hardneg_haystack.mining.selection import SelectionConfig
    from hardneg_haystack.ranking.score_fusion import fuse

    texts, vectors, sources = synthetic(n)
    rng = np.random.default_rng(1)
    m: dict[str, Any] = {}
    projected: list[str] = []
    if n <= embed_max:
        embedder = EnsembleEmbedder(members=[{"model": "static"}], progress_bar=False)
        embedder.warm_up()
        docs = [Document(id=str(i), content=t) for i, t in enumerate(texts)]
        m["embed"] = measure(lambda: embedder.run(documents=docs)["documents"])
        m["embed"].value = None
        del docs
    corpus = Corpus(ids=[str(i) for i in range(n)], parent_ids=[str(i) for i in range(n)], contents=texts,
                    embeddings=vectors)  # fmt: skip
    queries, q_vecs = [], []
    for qi, src in enumerate(sources):
        words = texts[src].split()
        rng.shuffle(words)
        queries.append(LabelledQuery(id=f"q{qi}", text=" ".join(words[:8]), positive_ids=(str(src),)))
        v = vectors[src] + 0.3 * rng.standard_normal(DIM).astype(np.float32)
        q_vecs.append(v / np.linalg.norm(v))
    q_emb = np.stack(q_vecs)
    selection = SelectionConfig(seed=42)
    m["cluster"] = measure(lambda: cluster_embeddings(vectors, seed=selection.seed))
    clustering = m["cluster"].value
    m["mine"] = measure(lambda: mine_clusters(corpus, queries, q_emb, selection=selection, clustering=clustering))
    mined = m["mine"].value[0]
    m["mine"].value = None

    def bm25_index() -> Any:
        from rank_bm25 import BM25Okapi

        tokenize = make_tokenizer("english")
        return tokenize, BM25Okapi([tokenize(t) for t in texts])

    m["bm25_index"] = measure(bm25_index)
    tokenize, bm25 = m["bm25_index"].value

    def bm25_query() -> list[np.ndarray]:
        out = []
        for q in queries[:BM25_QUERIES]:
            scores = bm25.get_scores(tokenize(q.text))
            out.append(np.argpartition(-scores, 99)[:100])
        return out

    m["bm25_query"] = measure(bm25_query)

    def fusion() -> list[np.ndarray]:
        signals = rng.random((QUERIES, 3, 100))
        return [fuse(s, (0.2, 0.5, 0.3)) for s in signals]

    m["fusion"] = measure(fusion)
    if "embed" not in m:
        projected.append("embed")
    return {
        "n": n,
        "dimension": DIM,
        "k": clustering.n_clusters,
        "method": clustering.method,
        "queries": QUERIES,
        "negatives_per_query": round(float(np.mean([len(q.negatives) for q in mined if not q.skipped])), 2),
        "seconds": {s: (round(m[s].seconds, 3) if s in m else None) for s in STAGES},
        "peak_mb": {s: (round(m[s].peak_mb, 1) if s in m else None) for s in STAGES},
        "vectors_mb": round(vectors.nbytes / 2**20, 1),
        "not_measured": projected,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", type=int, action="append", help=f"Corpus sizes (repeat); default {SIZES}")
    ap.add_argument("--embed-max", type=int, default=100_000, help="Largest size whose embedding is measured")
    ap.add_argument("--one", type=int, help=argparse.SUPPRESS)  # internal: one size, JSON on stdout
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    if args.one:
        print("RESULT " + json.dumps(one_size(args.one, args.embed_max)))
        return
    env = environment()
    print_environment(env)
    results = []
    for n in args.size or SIZES:
        cmd = [sys.executable, __file__, "--one", str(n), "--embed-max", str(args.embed_max)]
        res = run_in_fresh_process(cmd, f"size {n}")
        results.append(res)
        print(f"  {res['n']} passages: {sum(v for v in res['seconds'].values() if v):.1f} s", flush=True)
    ns = [r["n"] for r in results]
    time_growth = {s: exponent(ns, [r["seconds"][s] for r in results]) for s in STAGES}
    mem_growth = {s: exponent(ns, [r["peak_mb"][s] for r in results]) for s in STAGES}
    measured = [r for r in results if r["seconds"]["embed"] is not None]
    for r in results:  # embedding above --embed-max: linear from the largest measured size (stated as projected)
        if r["seconds"]["embed"] is None and measured:
            ref = measured[-1]
            r["seconds"]["embed_projected"] = round(ref["seconds"]["embed"] * r["n"] / ref["n"], 1)
    time_rows = [{"passages": r["n"], **r["seconds"], "k": r["k"], "method": r["method"]} for r in results]
    mem_rows = [{"passages": r["n"], **r["peak_mb"], "vectors_mb": r["vectors_mb"]} for r in results]
    print_table(time_rows, "seconds per stage (None: not measured at this size)")
    print_table([{"stage": "time exponent", **time_growth}, {"stage": "memory exponent", **mem_growth}],
                "growth exponents (slope of log cost on log N)")  # fmt: skip
    print_table(mem_rows, "peak memory above the stage's start, MB")
    write_results(
        "scale_synthetic",
        {"environment": env, "args": vars(args) | {"out": str(args.out)}, "results": results,
         "time_exponent": time_growth, "memory_exponent": mem_growth},
        args.out,
    )  # fmt: skip


if __name__ == "__main__":
    main()
