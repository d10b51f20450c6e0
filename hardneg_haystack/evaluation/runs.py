"""Runs and their folding to parent documents: the one MaxP of the package (pure Python).

A run is ``{query_id: {doc_id: score}}`` (ranx's shape). Documents split into chunks at indexing keep their
parent's id; evaluation is per parent document, each scored by its best chunk (MaxP). Every MaxP in the
package goes through :func:`best_per_parent`: the evaluation runs here, the dense member evaluation, and the
``MaxPAggregator`` query-pipeline component.

    >>> parents = {"a#0": "a", "a#1": "a", "b": "b"}
    >>> fold_maxp({"a#0": 0.2, "a#1": 0.9, "b": 0.5}, parents.__getitem__)
    {'a': 0.9, 'b': 0.5}
    >>> rank_scores([4, 2, 0])
    {4: 3.0, 2: 2.0, 0: 1.0}
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from hardneg_haystack.mining.corpus import Corpus

Run = dict[str, dict[str, float]]
"""``{query_id: {doc_id: score}}``."""

K = TypeVar("K")


def best_per_parent(scores: Mapping[K, float], parent_of: Callable[[K], str]) -> dict[str, tuple[K, float]]:
    """``{parent: (best key, its score)}`` in order of each parent's first appearance.

    ``parent_of(key)`` names a key's parent. A later key replaces the held one only with a strictly higher
    score, so ties keep the earlier key.
    """
    best: dict[str, tuple[K, float]] = {}
    for key, score in scores.items():
        parent = parent_of(key)
        held = best.get(parent)
        if held is None or score > held[1]:
            best[parent] = (key, score)
    return best


def fold_maxp(scores: Mapping[K, float], parent_of: Callable[[K], str], depth: int | None = None) -> dict[str, float]:
    """``{parent: best score}`` best first (a stable sort: ties keep first-appearance order), the ``depth``
    best parents (None: all)."""
    out = {parent: float(score) for parent, (_, score) in best_per_parent(scores, parent_of).items()}
    ranked = sorted(out.items(), key=lambda x: -x[1])
    return dict(ranked if depth is None else ranked[:depth])


def maxp(scores: Mapping[int, float], corpus: Corpus, depth: int) -> dict[str, float]:
    """Fold ``{corpus index: score}`` to ``{parent id: best score}``, keep the ``depth`` best parents."""
    return fold_maxp(scores, corpus.parent_ids.__getitem__, depth)


def rank_scores(order: Sequence[int]) -> dict[int, float]:
    """Scores that reproduce ``order`` (best first): ``n, n-1, ..., 1``."""
    n = len(order)
    return {i: float(n - r) for r, i in enumerate(order)}


def qrels_of(queries: Sequence[object]) -> dict[str, dict[str, int]]:
    """Binary qrels ``{query_id: {positive_id: 1}}`` of labelled queries (``.id``, ``.positive_ids``)."""
    return {q.id: dict.fromkeys(q.positive_ids, 1) for q in queries}  # type: ignore[attr-defined]
