"""Sticky arm assignment: a stable hash of a user or session id picks the arm (pure, no state)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence


def unit_fraction(unit_id: str, salt: str = "") -> float:
    """A stable number in [0, 1) for ``unit_id`` (SHA-256, so it is the same in every process and Python)."""
    digest = hashlib.sha256(f"{salt}\x1f{unit_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def normalise_split(arms: Sequence[str], split: Sequence[float] | None) -> list[float]:
    """Traffic shares per arm summing to 1 (default: equal)."""
    if not arms:
        raise ValueError("an A/B test needs at least one arm")
    if split is None:
        return [1 / len(arms)] * len(arms)
    if len(split) != len(arms) or any(s < 0 for s in split) or sum(split) <= 0:
        raise ValueError(f"split {list(split)} must give a non-negative share to each of the arms {list(arms)}")
    total = float(sum(split))
    return [s / total for s in split]


def assign_arm(unit_id: str, arms: Sequence[str], split: Sequence[float] | None = None, *, salt: str = "") -> str:
    """The arm of ``unit_id``: the same id always gets the same arm for the same arms, split and salt.

    >>> assign_arm("user-42", ["A", "B"]) == assign_arm("user-42", ["A", "B"])
    True
    """
    if not unit_id:
        raise ValueError("assignment needs a non-empty user or session id")
    shares = normalise_split(arms, split)
    u = unit_fraction(unit_id, salt)
    cumulative = 0.0
    for arm, share in zip(arms, shares, strict=True):
        cumulative += share
        if u < cumulative:
            return arm
    return arms[-1]
