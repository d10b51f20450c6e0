"""A triplet margin (hinge) loss for cross-encoders, in sentence-transformers' loss format.

sentence-transformers ships ranking losses for cross-encoders (BCE, MNRL, RankNet, LambdaLoss, ...) but no
triplet loss; the paper (arXiv 2411.02404) trains its re-ranker with one, so we provide it.
"""

from __future__ import annotations

from collections.abc import Iterator

import torch
from sentence_transformers.cross_encoder.losses import MultipleNegativesRankingLoss
from sentence_transformers.cross_encoder.model import CrossEncoder
from sentence_transformers.util import batch_to_device, fullname
from torch import Tensor, nn


class TripletMarginLoss(nn.Module):
    def __init__(self, model: CrossEncoder, margin: float = 1.0, activation_fn: nn.Module | None = None) -> None:
        """
        Triplet margin (hinge) loss for a cross-encoder ``s(query, document)``:

        ::

            L = mean over queries b of  mean over negatives i of  max(0, m - s(q_b, p_b) + s(q_b, n_bi))

        averaged over each query's ``n`` negatives, then over the batch. A triplet contributes nothing once its
        positive outscores the negative by the margin, so training concentrates on the pairs still ranked
        wrongly (or too close): the behaviour the paper wants from hard negatives.

        Args:
            model: A CrossEncoder with one output label.
            margin: The margin ``m`` on the scores (raw logits unless ``activation_fn`` is given). Default 1.0.
            activation_fn: Applied to the logits before the margin (e.g. ``nn.Sigmoid()``, then use a margin
                below 1 such as 0.3). Default: none, the margin is on logits.

        Inputs:
            +-------------------------------------------------+--------+-------------------------------+
            | Inputs                                          | Labels | Number of Model Output Labels |
            +=================================================+========+===============================+
            | (query, positive, negative) triplets            | none   | 1                             |
            +-------------------------------------------------+--------+-------------------------------+
            | (query, positive, negative_1, ..., negative_n)  | none   | 1                             |
            +-------------------------------------------------+--------+-------------------------------+

        Example:
            ::

                from datasets import Dataset
                from sentence_transformers.cross_encoder import CrossEncoder, CrossEncoderTrainer
                from hardneg_haystack.training.losses import TripletMarginLoss

                model = CrossEncoder("minilm-folder", num_labels=1)
                data = Dataset.from_dict({
                    "query": ["how do I reset the VPN token?"],
                    "positive": ["Reset your VPN token from the self-service portal."],
                    "negative": ["The VPN gateway in Dublin is faster for European staff."],
                })
                trainer = CrossEncoderTrainer(model=model, train_dataset=data, loss=TripletMarginLoss(model))
                trainer.train()
        """
        super().__init__()
        if not isinstance(model, CrossEncoder):
            raise ValueError(f"{self.__class__.__name__} expects a CrossEncoder, got {type(model).__name__}")
        if model.num_labels != 1:
            raise ValueError(f"{self.__class__.__name__} expects a model with 1 output label, got {model.num_labels}")
        if margin < 0:
            raise ValueError(f"margin must be >= 0, got {margin}")
        self.model = model
        self.margin = margin
        self.activation_fn = activation_fn

    def score(
        self, queries: list[str], documents: list[str], prompt: str | None = None, task: str | None = None
    ) -> Tensor:
        inputs = self.model.preprocess(list(zip(queries, documents, strict=True)), prompt=prompt, task=task)
        logits = self.model(batch_to_device(inputs, self.model.device))["scores"].squeeze(1)
        return self.activation_fn(logits) if self.activation_fn is not None else logits

    def forward(
        self, inputs: list[list[str]], labels: Tensor | None = None, prompt: str | None = None, task: str | None = None
    ) -> Tensor:
        if len(inputs) < 3:
            raise ValueError(
                f"{self.__class__.__name__} needs (query, positive, negative_1, ...) columns, got {len(inputs)}"
            )
        queries, positives, negatives = inputs[0], inputs[1], inputs[2:]
        pos = self.score(queries, positives, prompt, task)
        neg = torch.stack([self.score(queries, column, prompt, task) for column in negatives], dim=1)  # (batch, n)
        return hinge(pos, neg, self.margin)

    def get_config_dict(self) -> dict[str, float | str | None]:
        return {
            "margin": self.margin,
            "activation_fn": fullname(self.activation_fn) if self.activation_fn is not None else None,
        }

    @property
    def citation(self) -> str:
        return (
            "@article{hardneg-ensemble-2024, title={An Ensemble Approach for Hard Negative Mining}, "
            "journal={arXiv preprint arXiv:2411.02404}, year={2024}}"
        )


class HardNegativesRankingLoss(MultipleNegativesRankingLoss):
    """sentence-transformers' MultipleNegativesRankingLoss over each query's own (positive, hard negatives)
    only: no in-batch negatives. Used when the documents carry query-specific text (BM25's score,
    :mod:`hardneg_haystack.scoring.bm25_text`), which another query's passages would show wrongly."""

    def get_in_batch_negatives(self, anchors: list[str], candidates: list[list[str]]) -> Iterator[list[str]]:
        return iter(())


def hinge(positive: Tensor, negatives: Tensor, margin: float) -> Tensor:
    """``mean_b mean_i max(0, margin - positive[b] + negatives[b, i])`` (the pure math, separately testable)."""
    return torch.relu(margin - positive.unsqueeze(1) + negatives).mean()
