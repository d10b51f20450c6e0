"""The label-informed teacher of the fine-tune: the labels first, then BM25 + dense blended.

A fine-tune that only says "the positive beats these negatives" (MNRL, triplet) moved nothing away from the warm
start (docs/RESULTS.md section 13k: every fine-tune kept step 0). The warm start learned its teacher's order of
BM25 + dense candidates; the fine-tune keeps that language and adds what the warm start never saw, the labels:
each training list is a query's positive and its mined negatives, the positive labelled 1 and every negative
labelled with the teacher's blended score (BM25 and the dense ensemble, the TUNED one when the dense step kept a
tuned member, min-max normalised over the query's candidate pool, so a negative that the teacher rates as highly as
a positive is not pushed far down: the soft form of the TopK-PercPos guard). ListNet then distils these lists.

:func:`teacher_scores` is the pure maths; :func:`label_teacher` binds it to a corpus, its BM25 and the ensemble.

Example:
    >>> import numpy as np
    >>> bm25 = np.array([9.0, 1.0, 5.0, 0.0])
    >>> dense = np.array([0.9, 0.2, 0.1, 0.5])
    >>> [round(x, 3) for x in teacher_scores(bm25, dense, [[1], [2, 3]], weight=0.5, pool=2)]
    [0.062, 0.278]
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from hardneg_haystack.mining.baselines import Bm25Scorer
from hardneg_haystack.ranking.score_fusion import blend

#: ``(query texts, per query the ids of its documents) -> per query, a score per document in [0, 1]``
TeacherFn = Callable[[Sequence[str], Sequence[Sequence[str]]], list[list[float]]]


def teacher_scores(
    bm25: np.ndarray, dense: np.ndarray, documents: Sequence[Sequence[int]], *, weight: float, pool: int = 30
) -> list[float]:
    """Teacher score of each document for one query (pure numpy).

    :param bm25: The query's BM25 score of every corpus entry.
    :param dense: The query's dense score (dot product) of every corpus entry.
    :param documents: Per document, its corpus entries (a document split into chunks has several; it scores as
        its best chunk, as the evaluation folds chunks).
    :param weight: Dense share of the blend (BM25 gets the rest).
    :param pool: The min-max range is the union of BM25's and the dense top ``pool`` plus the documents
        themselves: the candidates the query competes with, as in the warm start's lists.
    """
    n = len(bm25)
    k = min(pool, n)
    wanted = sorted({i for entries in documents for i in entries})
    idx = np.unique(
        np.concatenate(
            [np.argpartition(-bm25, k - 1)[:k], np.argpartition(-dense, k - 1)[:k], np.asarray(wanted, dtype=np.int64)]
        )
    )
    blended = dict(zip(idx.tolist(), blend(bm25[idx], dense[idx], weight).tolist(), strict=True))
    return [max((blended[i] for i in entries), default=0.0) for entries in documents]


def label_teacher(corpus: Any, store: Any, ensemble: Any, *, weight: float, pool: int = 30) -> TeacherFn:
    """A :data:`TeacherFn` over ``corpus`` (its embeddings must be the vectors of ``ensemble``, the tuned one when
    there is one) and BM25 from ``store`` (the miners' BM25; on a store whose BM25 only returns a top list, entries
    below its top 1,000 count 0). Documents are named by id; a parent document's id stands for its chunks."""
    scorer = Bm25Scorer(corpus, store)
    vectors = corpus.embeddings

    def score(queries: Sequence[str], document_ids: Sequence[Sequence[str]]) -> list[list[float]]:
        dense = ensemble.encode(list(queries), role="query") @ vectors.T if queries else np.zeros((0, len(corpus)))
        out = []
        for query, row, ids in zip(queries, dense, document_ids, strict=True):
            docs = [corpus.positive_indices((i,)) for i in ids]  # a document id stands for its chunks
            full = scorer.all_scores(query)
            if full is None:
                idx, found = scorer.top(query, 1000)
                full = np.zeros(len(corpus))
                full[idx] = found
            out.append(teacher_scores(np.asarray(full, dtype=np.float64), row, docs, weight=weight, pool=pool))
        return out

    return score
