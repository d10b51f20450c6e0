"""TripletTrainer: fine-tune a cross-encoder re-ranker on mined triplets, as a Haystack component."""

from __future__ import annotations

from dataclasses import asdict, fields
from typing import Any

from haystack import component, default_from_dict, default_to_dict

from hardneg_haystack.mining.result import MiningResult
from hardneg_haystack.training.cross_encoder import TrainConfig, train_cross_encoder


@component
class TripletTrainer:
    """
    Fine-tunes a cross-encoder on (query, positive, negatives) from any miner and writes a model folder.

    Built on sentence-transformers' ``CrossEncoderTrainer``: validation held out by query, nDCG@10/MRR@10
    during training, best checkpoint kept, early stopping, fixed seeds, resume after an interruption. The
    output folder loads unchanged in ``SentenceTransformersSimilarityRanker(model=...)``.

    ### Usage example

    ```python
    from hardneg_haystack import ClusterHardNegativeMiner, TripletTrainer

    miner = ClusterHardNegativeMiner(document_store=store, text_embedder=text_embedder)
    trainer = TripletTrainer(output_dir="runs/ranker", base_model="minilm", loss="mnrl", epochs=1)
    triplets = miner.run(queries=train_queries)["triplets"]
    out = trainer.run(triplets=triplets)
    print(out["model_path"], out["metrics"]["validation_ndcg@10"])
    ```
    """

    def __init__(
        self,
        *,
        output_dir: str,
        resume: bool = True,
        device: str | None = None,
        document_store: Any = None,
        **config: Any,
    ) -> None:
        """
        :param output_dir: Run folder: ``model/`` (the trained re-ranker), ``checkpoints/``, ``history.json``,
            ``training_curve.png``.
        :param resume: Continue from the last checkpoint in ``output_dir`` when one exists.
        :param device: ``cpu``, ``cuda``... (None: automatic).
        :param document_store: The index the rows were mined from (needed by ``bm25_text``).
        :param config: Any :class:`~hardneg_haystack.training.cross_encoder.TrainConfig` field: ``base_model``,
            ``loss`` (``mnrl`` | ``triplet`` | ``bce``), ``margin``, ``epochs``, ``learning_rate``,
            ``batch_size``, ``max_length``, ``num_negatives``, ``validation_share``, ``eval_steps``,
            ``early_stopping_patience``, ``seed``, ``max_steps``, ``bm25_text``.
        """
        known = {f.name for f in fields(TrainConfig)}
        unknown = sorted(set(config) - known)
        if unknown:
            raise TypeError(f"TripletTrainer got unknown parameter(s) {unknown}; known: {sorted(known)}")
        self.config = TrainConfig(**config)
        self.output_dir = output_dir
        self.resume = resume
        self.device = device
        self.document_store = document_store

    @component.output_types(model_path=str, metrics=dict[str, float], blend_weight=float | None)
    def run(self, triplets: list[dict[str, Any]] | None = None, result: MiningResult | None = None) -> dict[str, Any]:
        """
        :param triplets: Rows in the miners' triplet or n-tuple format.
        :param result: Or a miner's ``result`` output.
        :returns: ``model_path`` (the model folder), validation ``metrics``, and the fitted ``blend_weight``.
        """
        if (triplets is None) == (result is None):
            raise ValueError("TripletTrainer.run needs exactly one of `triplets` or `result`")
        rows = triplets if triplets is not None else result.ntuples()  # type: ignore[union-attr]
        miner = result.miner if result is not None else ",".join(sorted({str(r.get("miner", "?")) for r in rows}))
        out = train_cross_encoder(
            rows,
            self.output_dir,
            self.config,
            data_description=f"negatives mined by: {miner}",
            resume=self.resume,
            device=self.device,
            store=self.document_store,
        )
        return {"model_path": str(out.model_dir), "metrics": out.metrics, "blend_weight": out.blend_weight}

    def to_dict(self) -> dict[str, Any]:
        store = {"document_store": self.document_store.to_dict()} if self.document_store is not None else {}
        return default_to_dict(
            self, output_dir=self.output_dir, resume=self.resume, device=self.device, **store, **asdict(self.config)
        )

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TripletTrainer:
        if data.get("init_parameters", {}).get("document_store") is not None:
            from hardneg_haystack.components.miners import with_store_and_embedder

            data = with_store_and_embedder(data)
        return default_from_dict(cls, data)
