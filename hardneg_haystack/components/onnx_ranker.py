"""OnnxRanker: the fine-tuned cross-encoder on onnxruntime, a drop-in for SentenceTransformersSimilarityRanker."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from haystack import component, default_from_dict, default_to_dict

from hardneg_haystack.components.backend_ranker import BackendRanker


@component
class OnnxRanker(BackendRanker):
    """
    :class:`BackendRanker` pinned to the ONNX backends: ``quantized`` picks int8 (``onnx/model_qint8.onnx``)
    over fp32. Kept for pipelines that name it; new pipelines can use ``BackendRanker(backend="onnx-int8")``.

    Same sockets as Haystack's ``SentenceTransformersSimilarityRanker`` (``query``, ``documents``, ``top_k``,
    ``scale_score``, ``score_threshold`` -> ``documents``), so ``hardneg swap-ranker --backend onnx-int8``
    can put it in a pipeline's ranker slot without touching any connection.

    Usage example:
    ```python
    from hardneg_haystack.components.onnx_ranker import OnnxRanker
    from hardneg_haystack.scoring.onnx_backend import export_onnx

    export_onnx("runs/ranker/model")  # once: writes runs/ranker/model/onnx/
    ranker = OnnxRanker(model="runs/ranker/model", quantized=True, top_k=10)
    ranker.run(query="how do I reset my VPN token?", documents=docs)["documents"]
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
        # explicit base call: Haystack's @component rebuilds the class, which zero-argument super() cannot follow
        BackendRanker.__init__(
            self,
            model=model,
            backend="onnx-int8" if quantized else "onnx",
            top_k=top_k,
            batch_size=batch_size,
            scale_score=scale_score,
            score_threshold=score_threshold,
            threads=threads,
        )
        self.quantized = quantized

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
