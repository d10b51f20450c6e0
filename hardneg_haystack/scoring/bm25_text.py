"""BM25's score as text for the cross-encoder to read (Askari et al., "Injecting the BM25 Score as Text
Improves BERT-Based Re-rankers", ECIR 2023).

A cross-encoder reads ``query [SEP] passage`` and must rediscover term statistics from scratch; given the
first stage's BM25 score as a number in its input it can keep what BM25 gets right and learn the rest. The
score is normalised per query (``round(100 * score / best)``, ``best`` the query's top BM25 score, so it is
the same on any store's BM25 scale) and put in front of the passage, where truncation never cuts it::

    [CLS] query [SEP] 73 [SEP] passage [SEP]

The same text is built everywhere the model is trained, evaluated or served (this module), so a model
trained with it is always scored with it (its ``hardneg.json`` says ``"bm25_text": true``).

Example:
    >>> with_bm25("Aspirin lowers the risk of stroke.", 7.3, 10.0)
    '73 [SEP] Aspirin lowers the risk of stroke.'
    >>> bm25_tags([12.0, 6.0, 0.0])
    ['100', '50', '0']
    >>> with_bm25_all(["A", "B"], [8.0, 2.0])
    ['100 [SEP] A', '25 [SEP] B']
"""

from __future__ import annotations

from collections.abc import Sequence

SEP = " [SEP] "


def bm25_tag(score: float, best: float) -> str:
    """``score`` as a whole percentage of the query's best BM25 score ``best``, clipped to [0, 100]."""
    if best <= 0 or score <= 0:
        return "0"
    return str(round(100 * min(score / best, 1.0)))


def bm25_tags(scores: Sequence[float], best: float | None = None) -> list[str]:
    """Tags of one query's candidates; ``best`` defaults to the highest of ``scores``."""
    top = max(scores, default=0.0) if best is None else best
    return [bm25_tag(s, top) for s in scores]


def with_bm25(passage: str, score: float, best: float) -> str:
    """``passage`` with its BM25 tag in front (see the module docstring)."""
    return f"{bm25_tag(score, best)}{SEP}{passage}"


def with_bm25_all(passages: Sequence[str], scores: Sequence[float], best: float | None = None) -> list[str]:
    """One query's ``passages`` with their tags; ``best`` defaults to the highest of ``scores``."""
    return [f"{tag}{SEP}{p}" for p, tag in zip(passages, bm25_tags(scores, best), strict=True)]
