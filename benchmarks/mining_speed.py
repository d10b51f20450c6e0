"""Mining speed: ours vs sentence-transformers' ``mine_hard_negatives``, the encode floor, warm-cache re-mining.

Run:  python benchmarks/mining_speed.py --data ../shared/data/scifact            (about 35 min on 2 CPU cores)
      python benchmarks/mining_speed.py --data ../shared/data/scifact --max-docs 500 --repeats 1   (a smoke run)

Four measurements on the same corpus entries (the documents cleaned and split exactly as ``hardneg index``
does) and the same labelled queries, models loaded once before any timing:

1. **vs the peer**: ClusterHardNegativeMiner in single-model mode (a one-member ensemble: embed the corpus
   with the EnsembleEmbedder, write it to an in-memory store, then mine: scan, query embedding, K-means,
   selection) and ``sentence_transformers.util.mine_hard_negatives`` with the same model, batch size, rank
   window (50), negatives (4) and guard (95 % of the positive's score), one after the other in this process,
   alternating which goes first, ``--repeats`` times; median, spread and the ratio ours / theirs.
2. **encode floor**: pure ``model.encode`` of the corpus entries and the queries, per ensemble member.
3. **full ensemble, cold**: the same path as 1. with every member and the embedding cache on; time
   beyond the summed floor is overhead (fusion, cache writes, store writes, scan, clustering, selection).
4. **warm cache**: mining again from the built store (queries from the cache), and rebuilding the store
   from the cache then mining, each against the cold run.

Prints the machine, versions and tables; writes benchmarks/results/mining_speed.json.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path
from typing import Any

from _bench import (
    corpus_entries,
    environment,
    measure,
    print_environment,
    print_table,
    spread,
    target,
    write_results,
)
from haystack import Document
from haystack.document_stores.in_memory import InMemoryDocumentStore

from hardneg_haystack import ClusterHardNegativeMiner
from hardneg_haystack.components.embedders import EnsembleEmbedder, EnsembleTextEmbedder
from hardneg_haystack.embedding.ensemble import DEFAULT_MEMBERS, EnsembleMember
from hardneg_haystack.ingest import load_beir_queries
from hardneg_haystack.ingest.queries import LabelledQuery
from hardneg_haystack.mining.corpus import Corpus, corpus_from_documents
from hardneg_haystack.mining.peer import mine_with_sentence_transformers

BATCH = 32


def ours(
    members: list[EnsembleMember], entries: list[Document], queries: list[LabelledQuery], cache_dir: Path | None
) -> dict[str, Any]:
    """Embed -> write -> mine, the library's own path, each stage timed."""
    embedder = EnsembleEmbedder(members=members, cache_dir=cache_dir, batch_size=BATCH, progress_bar=False)
    text_embedder = EnsembleTextEmbedder(members=members, cache_dir=cache_dir, batch_size=BATCH, progress_bar=False)
    embedder.warm_up()
    text_embedder.warm_up()
    store = InMemoryDocumentStore(embedding_similarity_function="dot_product")
    fresh = [Document(id=d.id, content=d.content, meta=dict(d.meta)) for d in entries]
    embed = measure(lambda: embedder.run(documents=fresh)["documents"])
    write = measure(lambda: store.write_documents(embed.value))
    miner = ClusterHardNegativeMiner(document_store=store, text_embedder=text_embedder, seed=42)
    mine = measure(lambda: miner.run(queries=queries)["result"])
    return {
        "embed_s": embed.seconds,
        "write_s": write.seconds,
        "mine_s": mine.seconds,
        "total_s": embed.seconds + write.seconds + mine.seconds,
        "peak_mb": max(embed.peak_mb, write.peak_mb, mine.peak_mb),
        "negatives": {q.query_id: [n for n, _ in q.negatives] for q in mine.value.queries},
        "store": store,
        "miner": miner,
    }


def peer(member: EnsembleMember, corpus: Corpus, queries: list[LabelledQuery]) -> dict[str, Any]:
    run = measure(
        lambda: mine_with_sentence_transformers(
            corpus,
            queries,
            member.sentence_transformer,
            num_negatives=4,
            range_max=50,
            relative_margin=0.05,
            query_prompt=member.query_prefix or None,
            corpus_prompt=member.document_prefix or None,
            batch_size=BATCH,
        )
    )
    return {
        "total_s": run.seconds,
        "peak_mb": run.peak_mb,
        "negatives": {q.query_id: [n for n, _ in q.negatives] for q in run.value.queries},
    }


def floor(member: EnsembleMember, corpus: Corpus, queries: list[LabelledQuery]) -> dict[str, Any]:
    model = member.sentence_transformer
    docs = [member.document_prefix + t for t in corpus.contents]
    qs = [member.query_prefix + q.text for q in queries]
    d = measure(lambda: model.encode(docs, batch_size=BATCH, normalize_embeddings=True, show_progress_bar=False))
    q = measure(lambda: model.encode(qs, batch_size=BATCH, normalize_embeddings=True, show_progress_bar=False))
    return {
        "member": member.label,
        "corpus_s": round(d.seconds, 2),
        "queries_s": round(q.seconds, 2),
        "floor_s": round(d.seconds + q.seconds, 2),
        "texts_per_s": round(len(docs) / d.seconds, 1),
    }


def overlap(a: dict[str, list[str]], b: dict[str, list[str]]) -> float:
    """Mean share of one miner's negatives the other also chose, over queries both mined."""
    shared = [len(set(a[q]) & set(b[q])) / len(a[q]) for q in a if a[q] and b.get(q)]
    return round(sum(shared) / len(shared), 3) if shared else 0.0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", required=True, type=Path, help="A BEIR folder (corpus.jsonl, queries.jsonl, qrels/)")
    ap.add_argument("--split", default="train")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--max-docs", type=int, help="Use a sample of this many documents (positives kept)")
    ap.add_argument("--single", default="minilm", help="The member compared with sentence-transformers")
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()

    env = environment()
    print_environment(env)
    queries = load_beir_queries(args.data, args.split)
    entries = corpus_entries(args.data, args.max_docs, queries)
    corpus = corpus_from_documents(entries, need_embeddings=False)
    print(f"corpus: {len(entries)} entries, {len(queries)} {args.split} queries")
    members = [EnsembleMember.from_dict(dict(m)) for m in DEFAULT_MEMBERS]
    for m in members:  # load, and one small encode so no timing pays a first call's set-up
        m.warm_up(device=None, trust_remote_code=False)
        m.encode(corpus.contents[:64], "document", batch_size=BATCH, progress_bar=False)
    single = next(m for m in members if m.label == args.single)

    # 1. ours (single model) vs the peer, alternating order
    ours_s, peer_s, ours_runs, peer_runs = [], [], [], []
    for rep in range(args.repeats):
        order = ("ours", "peer") if rep % 2 == 0 else ("peer", "ours")
        for who in order:
            if who == "ours":
                run = ours([single], entries, queries, None)
                ours_s.append(run["total_s"])
                ours_runs.append(run)
            else:
                run = peer(single, corpus, queries)
                peer_s.append(run["total_s"])
                peer_runs.append(run)
            print(f"  repeat {rep + 1}: {who} {run['total_s']:.1f} s")
    ratio = spread(ours_s)["median"] / spread(peer_s)["median"]
    vs_peer = [
        {"miner": f"ClusterHardNegativeMiner ({single.label})", **spread(ours_s), "peak_mb": _peak(ours_runs)},
        {"miner": f"mine_hard_negatives ({single.label})", **spread(peer_s), "peak_mb": _peak(peer_runs)},
    ]
    print_table(vs_peer, f"1. single-model mining, seconds over {args.repeats} repeats (ratio ours/theirs {ratio:.3f})")
    pairs = [
        {"repeat": i + 1, "ours_s": o, "peer_s": p, "ratio": o / p}
        for i, (o, p) in enumerate(zip(ours_s, peer_s, strict=True))
    ]
    print_table(pairs, "1a. per repeat (ours' stages: see 3-4 for the ensemble's breakdown)")
    stages = {k: spread([r[k] for r in ours_runs])["median"] for k in ("embed_s", "write_s", "mine_s")}
    print(f"ours, median per stage: {stages}")
    agreement = overlap(ours_runs[0]["negatives"], peer_runs[0]["negatives"])
    print(f"negatives chosen by both: {agreement:.1%} of ours")

    # 2. the encode floor
    floors = [floor(m, corpus, queries) for m in members]
    print_table(floors, "2. encode floor per member (model.encode only)")
    floor_total = sum(f["floor_s"] for f in floors)
    single_floor = next(f["floor_s"] for f in floors if f["member"] == single.label)
    for row in vs_peer:  # each miner's time as the member's floor + its own overhead
        row["floor_s"] = single_floor
        row["overhead_s"] = round(row["median"] - single_floor, 2)
        row["overhead_share"] = round((row["median"] - single_floor) / single_floor, 4)
    print_table(vs_peer, f"1b. single-model mining = {single.label} encode floor + overhead")

    # 3 + 4. the full ensemble, cold then warm
    cache = Path(tempfile.mkdtemp(prefix="hardneg_bench_cache_"))
    try:
        cold = ours(members, entries, queries, cache)
        remine = measure(lambda: cold["miner"].run(queries=queries)["result"])
        rebuilt = ours(members, entries, queries, cache)
    finally:
        shutil.rmtree(cache, ignore_errors=True)
    overhead = cold["total_s"] - floor_total
    ensemble = [
        _stage_row("cold: embed + write + mine", cold, cold["total_s"]),
        {"run": "warm: mine again from the store", "embed_s": 0.0, "write_s": 0.0, "mine_s": remine.seconds,
         "total_s": remine.seconds, "share_of_cold": remine.seconds / cold["total_s"]},
        _stage_row("warm: rebuild from cache + mine", rebuilt, cold["total_s"]),
    ]  # fmt: skip
    print_table(ensemble, f"3-4. full ensemble ({len(members)} members), seconds")
    print(f"encode floor {floor_total:.1f} s, overhead {overhead:.1f} s = {overhead / floor_total:.1%} of the floor")
    # timing noise of the encoders (several %) can exceed the whole overhead: also bound it by the stages
    # that do not encode (store write, and mining minus the query encoding's floor)
    non_encode = cold["write_s"] + cold["mine_s"] - sum(f["queries_s"] for f in floors)
    print(f"stages beyond encoding: {non_encode:.1f} s = {non_encode / floor_total:.2%} of the floor")
    same = rebuilt["negatives"] == cold["negatives"]
    print(f"warm runs give the same negatives as the cold run: {same}")

    targets = [
        target("single-model mining time, ours / sentence-transformers", ratio, 1.0),
        target("ensemble overhead beyond encoding, share of the floor", overhead / floor_total * 100, 15, unit="%"),
        target("warm-cache re-mining, share of a cold run", remine.seconds / cold["total_s"] * 100, 5, unit="%"),
    ]
    print_table(targets, "targets")
    write_results(
        "mining_speed",
        {
            "environment": env,
            "corpus_entries": len(entries),
            "queries": len(queries),
            "split": args.split,
            "vs_peer": vs_peer,
            "ratio_ours_over_peer": round(ratio, 3),
            "per_repeat": pairs,
            "ours_median_stages_s": stages,
            "negatives_shared_with_peer": agreement,
            "encode_floor": floors,
            "encode_floor_total_s": round(floor_total, 2),
            "ensemble": ensemble,
            "ensemble_overhead_s": round(overhead, 2),
            "ensemble_overhead_share": round(overhead / floor_total, 4),
            "ensemble_non_encode_stages_s": round(non_encode, 2),
            "warm_same_negatives": same,
            "targets": targets,
        },
        args.out,
    )


def _peak(runs: list[dict[str, Any]]) -> float:
    return round(max(r["peak_mb"] for r in runs), 1)


def _stage_row(name: str, run: dict[str, Any], cold_total: float) -> dict[str, Any]:
    return {
        "run": name,
        "embed_s": run["embed_s"],
        "write_s": run["write_s"],
        "mine_s": run["mine_s"],
        "total_s": run["total_s"],
        "share_of_cold": run["total_s"] / cold_total,
    }


if __name__ == "__main__":
    main()
