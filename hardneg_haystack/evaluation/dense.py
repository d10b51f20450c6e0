"""Evaluate dense retrieval of an indexed work folder, per ensemble member and fused, without re-embedding.

Document vectors are read back from the store and split into members (``fusion.split_members``);
queries are embedded once per member. Chunks are folded to their parent document by best chunk (MaxP,
:mod:`hardneg_haystack.evaluation.runs`); metrics are ranx's. Fitting the member weights on training queries
is :func:`hardneg_haystack.mining.weights.fit_member_weights`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from hardneg_haystack.embedding.fusion import fuse_vectors, split_members
from hardneg_haystack.errors import ConfigError
from hardneg_haystack.evaluation.first_stage import FirstStage, bm25_lists
from hardneg_haystack.evaluation.runs import fold_maxp, qrels_of
from hardneg_haystack.index.stores import iter_all_documents
from hardneg_haystack.ingest.queries import load_beir_queries
from hardneg_haystack.mining.corpus import Corpus
from hardneg_haystack.ranking.metrics import evaluate_run, per_query
from hardneg_haystack.scoring.precision import autocast


def top_k_by_dot(
    queries: np.ndarray, docs: np.ndarray, doc_ids: Sequence[str], k: int = 100, chunk: int = 256
) -> list[dict[str, float]]:
    """Exact top-k by dot product, computed in query chunks (memory O(chunk x N), never N x N)."""
    out: list[dict[str, float]] = []
    k = min(k, len(doc_ids))
    for start in range(0, len(queries), chunk):
        sims = queries[start : start + chunk] @ docs.T
        idx = np.argpartition(-sims, k - 1, axis=1)[:, :k]
        for row, cand in zip(sims, idx, strict=True):
            out.append({doc_ids[j]: float(row[j]) for j in cand})
    return out


def evaluate_members(
    work_dir: str | Path, data: str | Path, *, split: str = "test", k: int = 100
) -> list[dict[str, Any]]:
    """Rows ``{system, ndcg@10, mrr@10, recall@100}`` for every member alone and for the ensemble."""
    from hardneg_haystack.index.workdir import open_work_dir

    store, ens, manifest = open_work_dir(work_dir)
    if ens.fusion == "mean":
        raise ConfigError("per-member evaluation needs fusion 'weighted' or 'concat'")
    docs = [d for d in iter_all_documents(store) if d.embedding is not None]
    ids = [d.id for d in docs]
    parent_of = {d.id: str(d.meta.get("parent_id", d.id)) for d in docs}
    fused_docs = np.asarray([d.embedding for d in docs], dtype=np.float32)
    member_docs = split_members(fused_docs, manifest["member_dimensions"], ens.weights, ens.fusion)
    queries = load_beir_queries(data, split)
    qrels = qrels_of(queries)
    member_queries = ens.encode_members([q.text for q in queries], role="query")
    systems = [
        (m.label, [dq], [dd], [1.0])
        for m, dq, dd in zip(ens.members, member_queries, member_docs, strict=True)
        if m.weight > 0  # a member stored at weight 0 has no vector left to evaluate
    ]
    systems.append((f"ensemble ({ens.fusion}, weights {ens.weights})", member_queries, member_docs, ens.weights))
    rows = []
    for name, mq, md, w in systems:
        qv, dv = fuse_vectors(mq, w, "weighted"), fuse_vectors(md, w, "weighted")
        hits = top_k_by_dot(qv, dv, ids, k=min(len(ids), k * 3))
        run = {q.id: fold_maxp(h, parent_of.__getitem__, k) for q, h in zip(queries, hits, strict=True)}
        rows.append({"system": name, **evaluate_run(qrels, run)})
    return rows


def member_validator(
    corpus: Any,
    ensemble: Any,
    position: int,
    queries: Sequence[Any],
    *,
    depth: int = 100,
    store: Any = None,
    candidates: int | None = None,
    precision: str = "fp32",
) -> Callable[[Any], float]:
    """``model -> nDCG@10`` of the ensemble's dense retrieval of ``queries`` (labelled) with the sentence-transformers
    ``model`` in place of member ``position``: what the index would serve with it. The other members' document
    vectors are recovered from the corpus' fused ones and their query vectors embedded once; only ``model`` embeds
    per call (the corpus, with the member's prefixes).

    ``candidates`` (with ``store``): retrieve from the queries' candidates only, the union over all ``queries`` of
    BM25's top ``candidates``, the indexed ensemble's top ``candidates`` and their positives, instead of the whole
    corpus: each call embeds that pool, not the corpus (a tune's epochs are judged on the documents that compete
    for these queries; on a large corpus far cheaper). ``precision``: ``auto`` or ``bf16`` embed under bf16 autocast
    where the CPU has it (about 2x faster; the epoch chosen, not the vectors served)."""
    if corpus.embeddings is None:
        raise ConfigError("the corpus was loaded without embeddings")
    member = ensemble.members[position]
    qrels = qrels_of(queries)
    q_parts = ensemble.encode_members([q.text for q in queries], "query")
    if candidates is not None:
        corpus = candidate_corpus(
            corpus, store, queries, fuse_vectors(q_parts, ensemble.weights, ensemble.fusion), candidates
        )
    d_parts = split_members(corpus.embeddings, ensemble.dimensions, ensemble.weights, ensemble.fusion)

    def validate(model: Any) -> float:
        enc = {"normalize_embeddings": True, "batch_size": 64, "show_progress_bar": False}
        with autocast(precision, str(getattr(model, "device", "cpu"))):
            docs = model.encode([member.document_prefix + t for t in corpus.contents], **enc)
            qv = model.encode([member.query_prefix + q.text for q in queries], **enc)
        docs, qv = np.asarray(docs, dtype=np.float32), np.asarray(qv, dtype=np.float32)
        d = fuse_vectors(
            [docs if i == position else p for i, p in enumerate(d_parts)], ensemble.weights, ensemble.fusion
        )
        q = fuse_vectors([qv if i == position else p for i, p in enumerate(q_parts)], ensemble.weights, ensemble.fusion)
        run = FirstStage(corpus, list(queries), [], q @ d.T).dense_run(depth)
        scores = per_query(qrels, run, ("ndcg@10",))["ndcg@10"]
        return float(np.mean([scores[i] for i in qrels])) if qrels else 0.0

    return validate


def candidate_corpus(corpus: Any, store: Any, queries: Sequence[Any], query_vectors: np.ndarray, k: int) -> Any:
    """The part of ``corpus`` that competes for ``queries``: BM25's and the dense top ``k`` of each query and its
    positives (whole parent documents: a chunk brings its siblings), in corpus order."""
    keep: set[int] = set()
    for q, bm, row in zip(
        queries, bm25_lists(corpus, store, queries, k), query_vectors @ corpus.embeddings.T, strict=True
    ):
        top = np.argpartition(-row, min(k, len(row)) - 1)[:k].tolist()
        keep.update(corpus.positive_indices(q.positive_ids))
        keep.update(j for i in [*(i for i, _ in bm), *top] for j in corpus.by_parent[corpus.parent_ids[i]])
    idx = sorted(keep)
    return Corpus(
        ids=[corpus.ids[i] for i in idx],
        parent_ids=[corpus.parent_ids[i] for i in idx],
        contents=[corpus.contents[i] for i in idx],
        embeddings=corpus.embeddings[idx],
        doc_lengths=[corpus.doc_lengths[i] for i in idx] if corpus.doc_lengths else None,
    )
