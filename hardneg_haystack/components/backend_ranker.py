"""BackendRanker: the fine-tuned cross-encoder on a chosen serving backend (torch fp32/bf16, ONNX fp32/int8)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from haystack import Document, component, default_from_dict, default_to_dict
from haystack.utils.misc import _deduplicate_documents  # what SentenceTransformersSimilarityRanker uses

from hardneg_haystack.scoring.bm25_text import with_bm25_all
from hardneg_haystack.scoring.rerank_backends import SERVING_BATCH_SIZE, PairScorer, load_scorer, resolve_backend
from hardneg_haystack.training.model_info import reads_bm25


@component
class BackendRanker:
    """
    Ranks documents with a cross-encoder on one of :mod:`hardneg_haystack.scoring.rerank_backends`' backends.

    Same inputs and output as ``SentenceTransformersSimilarityRanker`` (``query``, ``documents``, ``top_k``,
    ``scale_score``, ``score_threshold`` -> ``documents``), so ``hardneg swap-ranker`` puts it in a pipeline's
    ranker slot without touching any connection. A query's candidates are scored in one length-sorted batch,
    padded to its longest pair. ``backend="auto"`` is the measured default (``onnx-int8``: per-channel int8 on
    onnxruntime); ``torch``, ``torch-bf16``, ``torch-amp`` (the experiment's own scoring), ``onnx`` and
    ``onnx-int8`` pick one.

    ### Usage example

    ```python
    from hardneg_haystack.components.backend_ranker import BackendRanker

    ranker = BackendRanker(model="runs/ranker/model", backend="torch-bf16", top_k=10)
    ranker.warm_up()
    print(ranker.run(query="what causes scurvy", documents=docs)["documents"][0].score)
    ```
    """

    def __init__(
        self,
        *,
        model: str | Path,
        backend: str = "auto",
        top_k: int | None = 10,
        batch_size: int | None = SERVING_BATCH_SIZE,
        scale_score: bool = True,
        score_threshold: float | None = None,
        threads: int | None = None,
        bm25_text: bool | None = None,
    ) -> None:
        """
        :param model: The model folder (a hub id or alias works on the torch backends).
        :param backend: ``auto``, ``torch``, ``torch-bf16``, ``torch-amp``, ``onnx`` or ``onnx-int8``.
        :param top_k: Documents returned (None: all).
        :param batch_size: Pairs per forward pass, length-sorted (default 16, the fastest per pair measured
            on CPU: :data:`~hardneg_haystack.scoring.rerank_backends.SERVING_BATCH_SIZE`; None: one batch).
        :param scale_score: Sigmoid on the logits (as the torch ranker's default); False returns logits.
        :param score_threshold: Drop documents scoring below this.
        :param threads: Intra-op threads (None: one per available core).
        :param bm25_text: Show the model each document's first-stage score as text
            (:mod:`hardneg_haystack.scoring.bm25_text`; the documents must come from a BM25 retriever, whose
            ``score`` is BM25's). None: as the model was trained (its ``hardneg.json``).
        """
        if top_k is not None and top_k <= 0:
            raise ValueError(f"top_k must be > 0, got {top_k}")
        resolve_backend(backend)
        self.model = str(model)
        self.backend = backend
        self.top_k = top_k
        self.batch_size = batch_size
        self.scale_score = scale_score
        self.score_threshold = score_threshold
        self.threads = threads
        self.bm25_text = bm25_text
        self._scorer: PairScorer | None = None
        #: whether the model is shown BM25's score (``bm25_text``, else what its ``hardneg.json`` says)
        self.reads_bm25_score = bool(bm25_text) if bm25_text is not None else reads_bm25(self.model)

    def warm_up(self) -> None:
        if self._scorer is None:
            self._scorer = load_scorer(self.model, self.backend, threads=self.threads)

    @component.output_types(documents=list[Document])
    def run(
        self,
        *,
        query: str,
        documents: list[Document],
        top_k: int | None = None,
        scale_score: bool | None = None,
        score_threshold: float | None = None,
        bm25_documents: list[Document] | None = None,
    ) -> dict[str, list[Document]]:
        """
        :param query: The query.
        :param documents: Candidates (e.g. a retriever's output).
        :param top_k: Override the number of documents returned.
        :param scale_score: Override ``scale_score``.
        :param score_threshold: Override ``score_threshold``.
        :param bm25_documents: For a model reading BM25's score when ``documents`` carry other scores (a hybrid
            pipeline's joiner): the BM25 retriever's documents, whose scores give the tags (a candidate BM25
            did not return counts 0). Default: the tags come from ``documents``' own scores.
        :returns: ``documents`` sorted by the re-ranker's score, best first.
        """
        top_k = self.top_k if top_k is None else top_k
        if top_k is not None and top_k <= 0:
            raise ValueError(f"top_k must be > 0, got {top_k}")
        if not documents:
            return {"documents": []}
        self.warm_up()
        assert self._scorer is not None
        threshold = self.score_threshold if score_threshold is None else score_threshold
        docs = _deduplicate_documents(documents)
        texts = [d.content or "" for d in docs]
        if self.reads_bm25_score:
            by_id = {d.id: d.score or 0.0 for d in (docs if bm25_documents is None else bm25_documents)}
            texts = with_bm25_all(texts, [by_id.get(d.id, 0.0) for d in docs], max(by_id.values(), default=0.0))
        scores = self._scorer.predict(
            [(query, t) for t in texts],
            batch_size=self.batch_size,
            apply_activation=self.scale_score if scale_score is None else scale_score,
        )
        ranked = sorted(
            (replace(d, score=float(s)) for d, s in zip(docs, scores, strict=True)), key=lambda d: -(d.score or 0.0)
        )
        if threshold is not None:
            ranked = [d for d in ranked if (d.score or 0.0) >= threshold]
        return {"documents": ranked[:top_k] if top_k else ranked}

    def to_dict(self) -> dict[str, Any]:
        return default_to_dict(
            self,
            model=self.model,
            backend=self.backend,
            top_k=self.top_k,
            batch_size=self.batch_size,
            scale_score=self.scale_score,
            score_threshold=self.score_threshold,
            threads=self.threads,
            bm25_text=self.bm25_text,
        )

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> BackendRanker:
        return default_from_dict(cls, data)
