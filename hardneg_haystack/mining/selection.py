"""Pure negative selection: the false-negative guard, the rank window, sampling and de-duplication."""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

Sampling = Literal["top", "random"]


@dataclass
class SelectionConfig:
    """How negatives are chosen from a ranked candidate list.

    :param num_negatives: Negatives per query.
    :param sampling: ``top`` takes the best-ranked; ``random`` samples uniformly inside the window.
    :param range_min: Skip this many of the best-ranked candidates (after the guard).
    :param range_max: Consider candidates up to this rank (exclusive).
    :param relative_margin: A candidate scoring above ``relative_margin x`` the positive's score is a
        possible positive, not a negative (NV-Retriever's TopK-PercPos; ``None`` disables).
    :param absolute_cap: A candidate scoring above this is a possible positive (``None`` disables).
    :param seed: Sampling is deterministic for a given seed and query id, whatever the query order.
    """

    num_negatives: int = 4
    sampling: Sampling = "top"
    range_min: int = 0
    range_max: int = 50
    relative_margin: float | None = 0.95
    absolute_cap: float | None = None
    seed: int = 42

    def __post_init__(self) -> None:
        from hardneg_haystack.errors import ConfigError

        if self.num_negatives < 1:
            raise ConfigError(f"num_negatives must be >= 1, got {self.num_negatives}")
        if not 0 <= self.range_min < self.range_max:
            raise ConfigError(f"need 0 <= range_min < range_max, got {self.range_min}, {self.range_max}")
        if self.sampling not in ("top", "random"):
            raise ConfigError(f"sampling must be 'top' or 'random', got {self.sampling!r}")


@dataclass
class Selection:
    negatives: list[tuple[int, float]] = field(default_factory=list)  # (candidate index, score)
    possible_positives: list[tuple[int, float]] = field(default_factory=list)
    n_candidates: int = 0


def query_rng(seed: int, query_id: str) -> np.random.Generator:
    return np.random.default_rng([seed, zlib.crc32(query_id.encode())])


def content_key(text: str | None) -> str:
    return hashlib.blake2b(" ".join((text or "").lower().split()).encode(), digest_size=12).hexdigest()


def select_negatives(
    candidates: Sequence[int],
    scores: np.ndarray,
    *,
    positive_score: float | None,
    config: SelectionConfig,
    query_id: str,
    dedupe_keys: Sequence[Sequence[str]] | None = None,
) -> Selection:
    """Choose negatives among ``candidates`` (indices, with their ``scores``; positives already removed).

    Candidates flagged by the guard go to ``possible_positives``; the rest are ranked by score, cut to the
    rank window, de-duplicated by ``dedupe_keys`` (per candidate, e.g. its content hash and parent id: a
    candidate sharing any key with a kept one is skipped) and sampled.
    """
    scores = np.asarray(scores, dtype=np.float64)
    order = np.argsort(-scores, kind="stable")
    out = Selection(n_candidates=len(candidates))
    limit = np.inf
    if positive_score is not None and config.relative_margin is not None:
        limit = config.relative_margin * positive_score
    if config.absolute_cap is not None:
        limit = min(limit, config.absolute_cap)
    kept: list[int] = []
    seen: set[str] = set()
    for pos in order:
        s = float(scores[pos])
        if s > limit:
            out.possible_positives.append((int(candidates[pos]), s))
            continue
        if dedupe_keys is not None:
            keys = dedupe_keys[pos]
            if any(k in seen for k in keys):
                continue
            seen.update(keys)
        kept.append(int(pos))
        if len(kept) >= config.range_max:
            break
    window = kept[config.range_min : config.range_max]
    if config.sampling == "random" and len(window) > config.num_negatives:
        rng = query_rng(config.seed, query_id)
        picked = sorted(rng.choice(len(window), size=config.num_negatives, replace=False))
        window = [window[i] for i in picked]
    out.negatives = [(int(candidates[p]), float(scores[p])) for p in window[: config.num_negatives]]
    return out
