"""A position-biased click model driven by qrels (pure): who clicks what in a simulated session.

A user examines position ``r`` (0-based) with probability ``1 / (r + 1) ** eta`` and clicks an examined
document with probability ``p_relevant`` when the qrels call it relevant, ``p_noise`` otherwise.
"""

from __future__ import annotations

import random
from collections.abc import Collection, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class ClickModel:
    eta: float = 1.0
    p_relevant: float = 0.9
    p_noise: float = 0.05

    def clicks(self, ranked_ids: Sequence[str], relevant: Collection[str], rng: random.Random) -> list[int]:
        """Clicked positions for one result list."""
        out = []
        for r, doc_id in enumerate(ranked_ids):
            if rng.random() >= 1.0 / (r + 1) ** self.eta:
                continue
            if rng.random() < (self.p_relevant if doc_id in relevant else self.p_noise):
                out.append(r)
        return out
