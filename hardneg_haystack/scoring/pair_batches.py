"""Batches of (query, document) pairs for a cross-encoder: longest first, so each batch pads little; and the
tokenise-score loop over them that every backend runs with its own model.

Shared by every scoring backend (:mod:`hardneg_haystack.scoring.rerank_backends`,
:mod:`hardneg_haystack.scoring.onnx_backend`), below both so that neither imports the other for it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np


def sorted_batches(pairs: Sequence[Sequence[str]], batch_size: int | None) -> list[np.ndarray]:
    """Indices of ``pairs`` longest first, cut into batches (``None``: one batch), so each batch pads little."""
    order = np.argsort([-(len(q) + len(d)) for q, d in pairs], kind="stable")
    size = batch_size or max(1, len(order))
    return [order[i : i + size] for i in range(0, len(order), size)]


def score_in_batches(
    pairs: Sequence[Sequence[str]],
    backend: Any,
    forward: Callable[[Any], np.ndarray],
    *,
    batch_size: int | None,
    apply_activation: bool = True,
    tensors: str = "pt",
) -> np.ndarray:
    """Scores of ``pairs`` in input order: each batch of :func:`sorted_batches` tokenised together by
    ``backend.tokenizer`` (padded to its own longest pair, truncated at ``backend.max_length`` as ``CrossEncoder``
    does, ``tensors`` ``pt`` or ``np``), passed to ``forward`` (the backend's model: encodings -> one logit per
    pair) and squashed by a sigmoid when ``backend.sigmoid`` and ``apply_activation``."""
    out = np.empty(len(pairs), dtype=np.float32)
    for idx in sorted_batches(pairs, batch_size) if len(pairs) else []:
        enc = backend.tokenizer(
            [pairs[i][0] for i in idx],
            [pairs[i][1] for i in idx],
            padding=True,
            truncation="longest_first",
            max_length=backend.max_length,
            return_tensors=tensors,
        )
        logits = forward(enc)
        out[idx] = 1.0 / (1.0 + np.exp(-logits)) if backend.sigmoid and apply_activation else logits
    return out
