"""Batches of (query, document) pairs for a cross-encoder: longest first, so each batch pads little.

Shared by every scoring backend (:mod:`hardneg_haystack.scoring.rerank_backends`,
:mod:`hardneg_haystack.scoring.onnx_backend`), below both so that neither imports the other for it.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def sorted_batches(pairs: Sequence[Sequence[str]], batch_size: int | None) -> list[np.ndarray]:
    """Indices of ``pairs`` longest first, cut into batches (``None``: one batch), so each batch pads little."""
    order = np.argsort([-(len(q) + len(d)) for q, d in pairs], kind="stable")
    size = batch_size or max(1, len(order))
    return [order[i : i + size] for i in range(0, len(order), size)]
