"""EnsembleEmbedder (documents) and EnsembleTextEmbedder (query text): Haystack shells over Ensemble."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from haystack import Document, component, default_from_dict, default_to_dict

from hardneg_haystack.embedding.ensemble import DEFAULT_MEMBERS, Ensemble, EnsembleMember
from hardneg_haystack.embedding.fusion import FusionMethod
from hardneg_haystack.embedding.precision import Precision


class _EnsembleComponentBase:
    """Shared init, warm_up and serialisation of the two ensemble embedders."""

    def __init__(
        self,
        *,
        members: list[dict[str, Any] | EnsembleMember | str] | None = None,
        fusion: FusionMethod = "weighted",
        cache_dir: str | Path | None = None,
        batch_size: int = 32,
        device: str | None = None,
        trust_remote_code: bool = False,
        progress_bar: bool = True,
        devices: list[str] | None = None,
        precision: Precision = "fp32",
    ) -> None:
        """
        :param members: The ensemble's models. Each is a model reference (packaged alias such as
            ``"minilm"``, local folder or Hugging Face id) or a dict with ``model``, ``weight``,
            ``query_prefix``, ``document_prefix``, ``max_seq_length``; or a Haystack embedder pair
            (``text_embedder`` + ``document_embedder``). Default: the three packaged models, equal weights.
        :param fusion: ``"weighted"`` (exact weighted mean of member cosines; any dimensions),
            ``"mean"`` (element-wise mean; equal dimensions only) or ``"concat"``.
        :param cache_dir: Folder of the on-disk embedding cache; ``None`` disables caching.
        :param batch_size: Texts per forward pass.
        :param device: Torch device string (``"cpu"``, ``"cuda"``); ``None`` picks automatically.
        :param trust_remote_code: Allow models with custom code (off unless asked).
        :param progress_bar: Show a progress bar while embedding.
        :param devices: Encode on these devices in parallel, one process each (sentence-transformers'
            multi-process pool), e.g. ``["cuda:0", "cuda:1"]`` or ``["cpu", "cpu"]``; the same vectors as one
            process. ``None``: one process on ``device``.
        :param precision: ``fp32``, ``bf16`` (autocast) or ``auto`` (bf16 where the hardware has it: about 1.8x
            faster on such CPUs, vectors within bf16 rounding of fp32's). An index records it, and the query side
            of a pipeline bound to the index embeds the same way; bf16 vectors have cache keys of their own.
        """
        self.ensemble = Ensemble(
            members if members is not None else list(DEFAULT_MEMBERS),
            fusion=fusion,
            cache_dir=cache_dir,
            batch_size=batch_size,
            device=device,
            trust_remote_code=trust_remote_code,
            progress_bar=progress_bar,
            devices=devices,
            precision=precision,
        )

    def warm_up(self) -> None:
        """Load every member once; later calls return at once."""
        self.ensemble.warm_up()

    def to_dict(self) -> dict[str, Any]:
        return default_to_dict(self, **self.ensemble.to_dict())

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Any:
        return default_from_dict(cls, data)


@component
class EnsembleEmbedder(_EnsembleComponentBase):
    """
    Embeds documents with an ensemble of embedding models and stores one fused vector per document.

    The dot product of two fused vectors is the weighted mean of the members' cosine similarities, so
    any dot-product store (InMemory, OpenSearch knn with inner product) retrieves by the ensemble.
    Document ids are kept (the embedding is set with ``dataclasses.replace``).

    ### Usage example

    ```python
    from haystack import Document
    from hardneg_haystack import EnsembleEmbedder

    embedder = EnsembleEmbedder(members=[{"model": "minilm", "weight": 0.7}, {"model": "static", "weight": 0.3}])
    docs = embedder.run(documents=[Document(content="Reset your VPN token in the self-service portal.")])
    print(len(docs["documents"][0].embedding))  # 448 = 384 + 64
    ```
    """

    @component.output_types(documents=list[Document])
    def run(self, documents: list[Document]) -> dict[str, list[Document]]:
        """
        Embed the documents' content.

        :param documents: Documents to embed; ``content`` must be text.
        :returns: ``documents``: the same documents (same ids) with ``embedding`` set.
        """
        if not isinstance(documents, list) or (documents and not isinstance(documents[0], Document)):
            raise TypeError("EnsembleEmbedder expects a list of Documents; use EnsembleTextEmbedder for a string")
        self.warm_up()
        vectors = self.ensemble.encode([d.content or "" for d in documents], role="document")
        return {"documents": [replace(d, embedding=v.tolist()) for d, v in zip(documents, vectors, strict=True)]}


@component
class EnsembleTextEmbedder(_EnsembleComponentBase):
    """
    Embeds a query string with the same ensemble as :class:`EnsembleEmbedder`.

    ### Usage example

    ```python
    from hardneg_haystack import EnsembleTextEmbedder

    embedder = EnsembleTextEmbedder(members=["minilm", "static"])
    print(len(embedder.run(text="How do I reset my VPN token?")["embedding"]))  # 448
    ```
    """

    @component.output_types(embedding=list[float])
    def run(self, text: str) -> dict[str, list[float]]:
        """
        Embed one query.

        :param text: The query text.
        :returns: ``embedding``: the fused vector as a list of Python floats.
        """
        if not isinstance(text, str):
            raise TypeError("EnsembleTextEmbedder expects a string; use EnsembleEmbedder for Documents")
        self.warm_up()
        return {"embedding": [float(x) for x in self.ensemble.encode([text], role="query")[0]]}
