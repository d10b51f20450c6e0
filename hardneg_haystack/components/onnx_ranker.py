"""OnnxRanker: the fine-tuned cross-encoder on onnxruntime, a drop-in for SentenceTransformersSimilarityRanker."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from haystack import Document, component, default_from_dict, default_to_dict
from haystack.utils.misc import _deduplicate_documents  # what SentenceTransformersSimilarityRanker uses

from hardneg_haystack.onnx_backend import OnnxCrossEncoder


@component
class OnnxRanker:
    """
    Ranks documents with a cross-encoder exported by ``hardneg export-onnx`` (fp32 or int8), on onnxruntime.

    Same inputs and output as ``SentenceTransformersSimilarityRanker`` (``query``, ``documents``, ``top_k``,
    ``scale_score``, ``score_threshold`` -> ``documents``), so ``hardneg swap-ranker --backend onnx-int8``
    can put it in a pipeline's ranker slot without touching any connection. Documents are de-duplicated by
    id (the best-scored copy kept) and scored as ``(query, content)`` pairs.

    ### Usage example

    ```python
    from hardneg_haystack.components.onnx_ranker import OnnxRanker
    from hardneg_haystack.onnx_backend import export_onnx

    export_onnx("runs/ranker/model")  # once: writes runs/ranker/model/onnx/
    ranker = OnnxRanker(model="runs/ranker/model", quantized=True, top_k=10)
    ranker.warm_up()
    print(ranker.run(query="what causes scurvy", documents=docs)["documents"][0].score)
    ```
    """

    def __init__(
        self,
        *,
        model: str | Path,
        quantized: bool = False,
        top_k: int | None = 10,
        batch_size: int | None = 32,
        scale_score: bool = True,
        score_threshold: float | None = None,
        threads: int | None = None,
    ) -> None:
        """
        :param model: The model folder holding ``onnx/`` (written by ``hardneg export-onnx``).
        :param quantized: Use the int8 model (``onnx/model_qint8.onnx``).
        :param top_k: Documents returned (None: all).
        :param batch_size: Pairs per onnxruntime call (None: every candidate in one length-sorted batch).
        :param scale_score: Sigmoid on the logits (as the torch ranker's default); False returns logits.
        :param score_threshold: Drop documents scoring below this.
        :param threads: onnxruntime intra-op threads (None: one per core).
        """
        if top_k is not None and top_k <= 0:
            raise ValueError(f"top_k must be > 0, got {top_k}")
        self.model = str(model)
        self.quantized = quantized
        self.top_k = top_k
        self.batch_size = batch_size
        self.scale_score = scale_score
        self.score_threshold = score_threshold
        self.threads = threads
        self._encoder: OnnxCrossEncoder | None = None

    def warm_up(self) -> None:
        if self._encoder is None:
            self._encoder = OnnxCrossEncoder(self.model, quantized=self.quantized, threads=self.threads)

    @component.output_types(documents=list[Document])
    def run(
        self,
        *,
        query: str,
        documents: list[Document],
        top_k: int | None = None,
        scale_score: bool | None = None,
        score_threshold: float | None = None,
    ) -> dict[str, list[Document]]:
        """
        :param query: The query.
        :param documents: Candidates (e.g. a retriever's output).
        :param top_k: Override the number of documents returned.
        :param scale_score: Override ``scale_score``.
        :param score_threshold: Override ``score_threshold``.
        :returns: ``documents`` sorted by the re-ranker's score, best first.
        """
        self.warm_up()
        assert self._encoder is not None
        if not documents:
            return {"documents": []}
        top_k = self.top_k if top_k is None else top_k
        if top_k is not None and top_k <= 0:
            raise ValueError(f"top_k must be > 0, got {top_k}")
        threshold = self.score_threshold if score_threshold is None else score_threshold
        docs = _deduplicate_documents(documents)
        scores = self._encoder.predict(
            [(query, d.content or "") for d in docs],
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
            quantized=self.quantized,
            top_k=self.top_k,
            batch_size=self.batch_size,
            scale_score=self.scale_score,
            score_threshold=self.score_threshold,
            threads=self.threads,
        )

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> OnnxRanker:
        return default_from_dict(cls, data)
