"""Evaluate dense retrieval of an indexed work folder, per ensemble member and fused, without re-embedding.

Document vectors are read back from the store and split into members (``fusion.split_members``);
queries are embedded once per member. Chunks are folded to their parent document by best chunk (MaxP).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from hardneg_haystack.errors import ConfigError
from hardneg_haystack.fusion import fuse, split_members
from hardneg_haystack.indexing import open_index
from hardneg_haystack.ingest.queries import load_beir_queries
from hardneg_haystack.metrics import evaluate_run, top_k_by_dot
from hardneg_haystack.stores import iter_all_documents


def _maxp(run: dict[str, float], parent_of: dict[str, str]) -> dict[str, float]:
    out: dict[str, float] = {}
    for doc_id, score in run.items():
        p = parent_of.get(doc_id, doc_id)
        if score > out.get(p, -np.inf):
            out[p] = score
    return out


def evaluate_members(
    work_dir: str | Path, data: str | Path, *, split: str = "test", k: int = 100
) -> list[dict[str, Any]]:
    """Rows ``{system, ndcg@10, mrr@10, recall@100}`` for every member alone and for the ensemble."""
    store, embedder, manifest = open_index(work_dir)
    ens = embedder.ensemble
    if ens.fusion == "mean":
        raise ConfigError("per-member evaluation needs fusion 'weighted' or 'concat'")
    docs = [d for d in iter_all_documents(store) if d.embedding is not None]
    ids = [d.id for d in docs]
    parent_of = {d.id: str(d.meta.get("parent_id", d.id)) for d in docs}
    fused_docs = np.asarray([d.embedding for d in docs], dtype=np.float32)
    member_docs = split_members(fused_docs, manifest["member_dimensions"], ens.weights, ens.fusion)
    queries = load_beir_queries(data, split)
    qrels = {q.id: dict.fromkeys(q.positive_ids, 1) for q in queries}
    member_queries = ens.encode_members([q.text for q in queries], role="query")
    systems = [
        (m.label, [dq], [dd], [1.0])
        for m, dq, dd in zip(ens.members, member_queries, member_docs, strict=True)
        if m.weight > 0  # a member stored at weight 0 has no vector left to evaluate
    ]
    systems.append((f"ensemble ({ens.fusion}, weights {ens.weights})", member_queries, member_docs, ens.weights))
    rows = []
    for name, mq, md, w in systems:
        qv, dv = fuse(mq, w, "weighted"), fuse(md, w, "weighted")
        hits = top_k_by_dot(qv, dv, ids, k=min(len(ids), k * 3))
        run = {
            q.id: dict(sorted(_maxp(h, parent_of).items(), key=lambda x: -x[1])[:k])
            for q, h in zip(queries, hits, strict=True)
        }
        rows.append({"system": name, **evaluate_run(qrels, run)})
    return rows


def fit_member_weights(
    work_dir: str | Path, queries: list, *, k: int = 10, step: float | None = None, min_weight: float = 0.0
) -> Any:
    """Fit ensemble weights on labelled (training) queries against an indexed work folder.

    Chunked documents count through their parent: any chunk of a positive is a positive.
    """
    from hardneg_haystack.mining.corpus import load_corpus
    from hardneg_haystack.mining.weights import fit_weights

    store, embedder, manifest = open_index(work_dir)
    ens = embedder.ensemble
    corpus = load_corpus(store)
    member_docs = split_members(corpus.embeddings, manifest["member_dimensions"], ens.weights, ens.fusion)
    member_queries = ens.encode_members([q.text for q in queries], role="query")
    positives = [corpus.positive_indices(q.positive_ids) for q in queries]
    return fit_weights(
        member_queries,
        member_docs,
        positives,
        labels=[m.label for m in ens.members],
        k=k,
        step=step,
        min_weight=min_weight,
    )
