"""Numeric precision of cross-encoder scoring: the pair scorer every evaluation uses, under bf16 autocast where
the hardware has it (the primitives live in :mod:`hardneg_haystack.embedding.precision` and are re-exported here)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from hardneg_haystack.embedding.precision import Precision, autocast, cpu_has_bf16, use_bf16

__all__ = ["Precision", "autocast", "cpu_has_bf16", "pair_scorer", "use_bf16"]


def pair_scorer(
    model: Any, *, precision: str = "auto", batch_size: int = 32, activation: bool = True
) -> Callable[[Sequence[tuple[str, str]]], list[float]]:
    """``pairs -> scores`` for a CrossEncoder: autocast per ``precision``, pairs sorted by length (then text) so
    each batch pads little and the same pairs in any order are scored alike, scores returned in the input order;
    ``activation`` False returns the raw logits instead of the model's own activation (sigmoid for a one-label
    head)."""
    kwargs: dict[str, Any] = {}
    if not activation:
        import torch

        kwargs["activation_fn"] = torch.nn.Identity()

    def score(pairs: Sequence[tuple[str, str]]) -> list[float]:
        if not pairs:
            return []
        # by length, then by text: the same pairs in any order form the same batches, so a pipeline that receives
        # its candidates in another order than the evaluation scores them exactly alike (bf16 kernels can round a
        # pair differently in another batch)
        order = sorted(range(len(pairs)), key=lambda i: (len(pairs[i][0]) + len(pairs[i][1]), pairs[i][0], pairs[i][1]))
        with autocast(precision, str(getattr(model, "device", "cpu"))):
            scores = model.predict([pairs[i] for i in order], batch_size=batch_size, show_progress_bar=False, **kwargs)
        out = [0.0] * len(pairs)
        for rank, i in enumerate(order):
            out[i] = float(scores[rank])
        return out

    return score
