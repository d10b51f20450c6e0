"""CorpusWarmStart: the label-free warm start of the cross-encoder on an indexed store, as a component."""

from __future__ import annotations

from dataclasses import asdict, fields
from typing import Any

from haystack import component, default_from_dict, default_to_dict

from hardneg_haystack.components.embedders import EnsembleTextEmbedder
from hardneg_haystack.components.miners import as_queries, with_store_and_embedder
from hardneg_haystack.ingest.queries import LabelledQuery
from hardneg_haystack.training.warmstart import WarmStartConfig, warm_start


@component
class CorpusWarmStart:
    """
    Teaches a cross-encoder relevance on the store's own documents before any labelled query is used:
    pseudo-queries cut from the documents, candidates from the store's BM25 and ensemble vectors, the
    BM25 + dense blend as teacher (ListNet distillation). Trained once per store and settings, cached in
    ``output_dir``; give its ``model_path`` to :class:`~hardneg_haystack.components.trainer.TripletTrainer`
    as ``base_model`` so every miner's re-ranker starts from it.

    ### Usage example

    ```python
    from hardneg_haystack.components.warm_start import CorpusWarmStart
    from hardneg_haystack.components.indexing import open_index

    store, text_embedder, _ = open_index("runs/demo/index")
    warm = CorpusWarmStart(document_store=store, text_embedder=text_embedder, output_dir="runs/warmstart")
    out = warm.run()
    print(out["model_path"], out["lists"], out["metrics"])
    ```
    """

    def __init__(
        self, *, document_store: Any, text_embedder: EnsembleTextEmbedder, output_dir: str, **config: Any
    ) -> None:
        """
        :param document_store: The indexed store (documents and their ensemble embeddings).
        :param text_embedder: The ensemble's query embedder (the index's own, from ``open_index``).
        :param output_dir: Where the model (``model/``), the training lists and checkpoints go.
        :param config: Any :class:`~hardneg_haystack.training.warmstart.WarmStartConfig` field: ``queries``,
            ``kinds``, ``pool``, ``list_size``, ``hard``, ``teacher_weight``, ``temperature``, ``seed``,
            ``train`` (a dict of :class:`~hardneg_haystack.training.cross_encoder.TrainConfig` fields).
        """
        known = {f.name for f in fields(WarmStartConfig)}
        unknown = sorted(set(config) - known)
        if unknown:
            raise TypeError(f"CorpusWarmStart got unknown parameter(s) {unknown}; known: {sorted(known)}")
        self.document_store = document_store
        self.text_embedder = text_embedder
        self.output_dir = output_dir
        self.config = WarmStartConfig(**config)

    def warm_up(self) -> None:
        self.text_embedder.warm_up()

    @component.output_types(model_path=str, lists=int, steps=int, cached=bool, metrics=dict[str, float])
    def run(self, validation_queries: list[LabelledQuery] | None = None) -> dict[str, Any]:
        """
        :param validation_queries: Labelled queries to report re-ranking quality on (their BM25 top-20); they
            pick the best checkpoint, they are never trained on.
        :returns: ``model_path`` (the warm-started cross-encoder), ``lists`` (training lists), ``steps``,
            ``cached`` (True when an earlier run with the same store and settings was reused), ``metrics``.
        """
        from hardneg_haystack.mining.corpus import load_corpus
        from hardneg_haystack.training.validation import rerank_samples

        self.warm_up()
        corpus = load_corpus(self.document_store)
        samples = (
            rerank_samples(
                self.document_store, as_queries(validation_queries), corpus=corpus, bm25_text=self.config.bm25_text
            )
            if validation_queries
            else None
        )
        res = warm_start(
            corpus, self.document_store, self.text_embedder.ensemble, self.output_dir, self.config, validation=samples
        )
        return {
            "model_path": str(res.model_dir),
            "lists": res.lists,
            "steps": res.steps,
            "cached": res.cached,
            "metrics": res.metrics,
        }

    def to_dict(self) -> dict[str, Any]:
        return default_to_dict(
            self,
            document_store=self.document_store.to_dict(),
            text_embedder=self.text_embedder.to_dict(),
            output_dir=self.output_dir,
            **asdict(self.config),
        )

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CorpusWarmStart:
        return default_from_dict(cls, with_store_and_embedder(data))
