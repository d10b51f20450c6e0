"""Query-pipeline components around the re-ranker: score blending and MaxP over chunks."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from haystack import Document, component, default_from_dict, default_to_dict

from hardneg_haystack.ranking.score_fusion import blend


@component
class ScoreBlender:
    """
    Blends the first-stage score (BM25, dense, hybrid) with the cross-encoder's score, per query.

    Both scores are min-max normalised over the query's candidates, then ``weight * ranker + (1 - weight) *
    first_stage``. The weight is chosen on validation queries when the ranker is trained and stored with the
    model (``hardneg.json``); give ``model`` to read it from there, or set ``weight`` yourself.

    ### Usage example

    ```python
    pipe.add_component("retriever", InMemoryBM25Retriever(document_store=store, top_k=50))
    pipe.add_component("ranker", SentenceTransformersSimilarityRanker(model="runs/ranker/model", top_k=50))
    pipe.add_component("blender", ScoreBlender(model="runs/ranker/model", top_k=10))
    pipe.connect("retriever.documents", "ranker.documents")
    pipe.connect("retriever.documents", "blender.first_stage_documents")
    pipe.connect("ranker.documents", "blender.documents")
    ```
    """

    def __init__(self, *, weight: float | None = None, model: str | None = None, top_k: int | None = 10) -> None:
        """
        :param weight: Share of the ranker score in [0, 1] (1: ranker alone, 0: first stage alone).
        :param model: A model folder trained by hardneg: its stored blend weight is used when ``weight`` is None.
        :param top_k: Documents returned (None: all).
        """
        from hardneg_haystack.training.model_info import read_training_info

        self.model = model
        stored = read_training_info(model).get("blend_weight") if model and Path(model).is_dir() else None
        self.weight = weight if weight is not None else (stored if stored is not None else 0.5)
        if not 0.0 <= self.weight <= 1.0:
            raise ValueError(f"ScoreBlender weight must be in [0, 1], got {self.weight}")
        self._explicit_weight = weight
        self.top_k = top_k

    @component.output_types(documents=list[Document])
    def run(
        self, documents: list[Document], first_stage_documents: list[Document], weight: float | None = None
    ) -> dict[str, list[Document]]:
        """
        :param documents: The ranker's output (its scores).
        :param first_stage_documents: The retriever's output (its scores), matched by document id.
        :param weight: Override the blend weight for this call.
        :returns: ``documents`` sorted by the blended score, with ``meta["first_stage_score"]`` and
            ``meta["ranker_score"]``.
        """
        w = self.weight if weight is None else weight
        if not documents:
            return {"documents": []}
        first = {d.id: d.score for d in first_stage_documents if d.score is not None}
        floor = min(first.values()) if first else 0.0
        fs = [first.get(d.id, floor) for d in documents]
        rs = [d.score if d.score is not None else 0.0 for d in documents]
        scores = blend(fs, rs, w)
        out = [
            replace(d, score=float(s), meta={**d.meta, "first_stage_score": f, "ranker_score": r})
            for d, s, f, r in zip(documents, scores, fs, rs, strict=True)
        ]
        out.sort(key=lambda d: -(d.score or 0.0))
        return {"documents": out[: self.top_k] if self.top_k else out}

    def use_model(self, model: str, weight: float) -> None:
        """Blend for ``model`` with its stored ``weight``: serialised as the model alone (no explicit weight), so
        a reloaded pipeline reads the weight from the model folder again."""
        self.model, self.weight, self._explicit_weight = model, float(weight), None

    def to_dict(self) -> dict[str, Any]:
        return default_to_dict(self, weight=self._explicit_weight, model=self.model, top_k=self.top_k)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ScoreBlender:
        return default_from_dict(cls, data)


SIGNALS = ("bm25", "dense", "cross-encoder")


@component
class ScoreFuser:
    """
    Fuses the three signals of one query's candidates: the first stage's BM25 score, the dense ensemble
    similarity (query embedding . document embedding) and the cross-encoder's score. Each is min-max
    normalised over the candidates, then weighted (weights on the simplex). ``hardneg experiment`` fits the
    weights on validation queries and stores them with the model (``hardneg.json``, ``fusion_weights``);
    give ``model`` to read them from there, or set ``weights`` yourself.

    Documents need their embeddings for the dense signal (the in-memory store returns them; on OpenSearch
    set ``return_embedding=True`` on the store); without them, or without ``query_embedding``, the dense
    signal is constant and only BM25 and the cross-encoder decide.

    ### Usage example

    ```python
    pipe.add_component("text_embedder", text_embedder)
    pipe.add_component("retriever", InMemoryBM25Retriever(document_store=store, top_k=100))
    pipe.add_component("ranker", SentenceTransformersSimilarityRanker(model="runs/ranker/model", top_k=100))
    pipe.add_component("fuser", ScoreFuser(model="runs/ranker/model", top_k=10))
    pipe.connect("retriever.documents", "ranker.documents")
    pipe.connect("retriever.documents", "fuser.first_stage_documents")
    pipe.connect("text_embedder.embedding", "fuser.query_embedding")
    pipe.connect("ranker.documents", "fuser.documents")
    ```
    """

    def __init__(
        self, *, weights: dict[str, float] | None = None, model: str | None = None, top_k: int | None = 10
    ) -> None:
        """
        :param weights: ``{"bm25": w1, "dense": w2, "cross-encoder": w3}``, non-negative (normalised to sum 1).
        :param model: A model folder trained by hardneg: its stored ``fusion_weights`` are used when
            ``weights`` is None (default without either: 1/3 each).
        :param top_k: Documents returned (None: all).
        """
        from hardneg_haystack.training.model_info import read_training_info

        self.model = model
        self._explicit = weights
        stored = read_training_info(model).get("fusion_weights") if model and Path(model).is_dir() else None
        chosen = weights if weights is not None else (stored or dict.fromkeys(SIGNALS, 1.0))
        unknown = sorted(set(chosen) - set(SIGNALS))
        if unknown or any(v < 0 for v in chosen.values()) or sum(chosen.values()) <= 0:
            raise ValueError(f"ScoreFuser weights must be non-negative over {SIGNALS}, got {chosen}")
        total = sum(chosen.values())
        self.weights = {k: chosen.get(k, 0.0) / total for k in SIGNALS}
        self.top_k = top_k

    @property
    def weights_from_model(self) -> bool:
        """True when no weights were given: they are (or would be) read from the model folder."""
        return self._explicit is None

    @component.output_types(documents=list[Document])
    def run(
        self,
        documents: list[Document],
        first_stage_documents: list[Document],
        query_embedding: list[float] | None = None,
    ) -> dict[str, list[Document]]:
        """
        :param documents: The ranker's output (its scores).
        :param first_stage_documents: The BM25 retriever's output (its scores, and embeddings), matched by id.
        :param query_embedding: The query's ensemble embedding (the index's text embedder).
        :returns: ``documents`` sorted by the fused score, with ``meta["bm25_score"]``, ``meta["dense_score"]``
            and ``meta["ranker_score"]``.
        """
        import numpy as np

        from hardneg_haystack.ranking.score_fusion import fuse

        if not documents:
            return {"documents": []}
        first = {d.id: d for d in first_stage_documents}
        # a document the first stage did not return (another retriever's) scores 0, as in the experiment's hybrid
        bm25 = [first[d.id].score if d.id in first and first[d.id].score is not None else 0.0 for d in documents]
        q = np.asarray(query_embedding, dtype=np.float64) if query_embedding is not None else None
        dense = []
        for d in documents:
            emb = d.embedding if d.embedding is not None else getattr(first.get(d.id), "embedding", None)
            dense.append(float(q @ np.asarray(emb, dtype=np.float64)) if q is not None and emb is not None else 0.0)
        ce = [d.score if d.score is not None else 0.0 for d in documents]
        fused = fuse([bm25, dense, ce], [self.weights[k] for k in SIGNALS])
        out = [
            replace(d, score=float(s), meta={**d.meta, "bm25_score": b, "dense_score": e, "ranker_score": r})
            for d, s, b, e, r in zip(documents, fused, bm25, dense, ce, strict=True)
        ]
        # equal fused scores keep the first stage's order, as the evaluation's stable sort over BM25's list does
        position = {doc_id: r for r, doc_id in enumerate(first)}
        order = sorted(range(len(out)), key=lambda i: (-fused[i], position.get(out[i].id, len(first) + i)))
        out = [out[i] for i in order]
        return {"documents": out[: self.top_k] if self.top_k else out}

    def to_dict(self) -> dict[str, Any]:
        return default_to_dict(self, weights=self._explicit, model=self.model, top_k=self.top_k)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ScoreFuser:
        return default_from_dict(cls, data)


def fold_to_parents(documents: list[Document], parent_field: str = "parent_id") -> list[Document]:
    """One document per parent, scored by its best-scoring piece, best first (MaxP; the evaluation's fold,
    :func:`hardneg_haystack.evaluation.runs.best_per_parent`). A folded document has the parent's id, the best
    piece's content and score, and ``meta["best_chunk_id"]``; a document without ``meta[parent_field]`` is
    its own parent."""
    from hardneg_haystack.evaluation.runs import best_per_parent

    def parent_of(i: int) -> str:
        return str(documents[i].meta.get(parent_field) or documents[i].id)

    scores = {i: d.score if d.score is not None else float("-inf") for i, d in enumerate(documents)}
    best = [
        replace(documents[i], id=parent, meta={**documents[i].meta, "best_chunk_id": documents[i].id})
        for parent, (i, _) in best_per_parent(scores, parent_of).items()
    ]
    return sorted(best, key=lambda d: -(d.score if d.score is not None else float("-inf")))


@component
class MaxPAggregator:
    """
    Turns ranked chunks into ranked parent documents, each scored by its best chunk (MaxP, the same fold as
    the evaluation's: :func:`hardneg_haystack.evaluation.runs.best_per_parent`).

    Documents split into chunks at indexing keep ``meta["parent_id"]``; evaluation and users want one result
    per document. The returned document has the parent id, the best chunk's content and score, and
    ``meta["best_chunk_id"]``.

    ### Usage example

    ```python
    pipe.add_component("maxp", MaxPAggregator(top_k=10))
    pipe.connect("ranker.documents", "maxp.documents")
    ```
    """

    def __init__(self, *, top_k: int | None = 10, parent_field: str = "parent_id") -> None:
        """
        :param top_k: Parent documents returned (None: all).
        :param parent_field: Meta field holding the parent id (documents without it are their own parent).
        """
        self.top_k = top_k
        self.parent_field = parent_field

    @component.output_types(documents=list[Document])
    def run(self, documents: list[Document]) -> dict[str, list[Document]]:
        out = fold_to_parents(documents, self.parent_field)
        return {"documents": out[: self.top_k] if self.top_k else out}

    def to_dict(self) -> dict[str, Any]:
        return default_to_dict(self, top_k=self.top_k, parent_field=self.parent_field)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> MaxPAggregator:
        return default_from_dict(cls, data)
