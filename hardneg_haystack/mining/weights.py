"""Ensemble weights fitted on training queries, and each member's contribution (pure numpy).

An equal-weight ensemble can retrieve worse than its best member when some members are weak (SciFact:
0.573 vs 0.624 nDCG@10 in the design probe). :func:`fit_weights` searches the weight simplex for the
weights that rank the training positives highest (MRR@k of the first positive, ties broken by recall@k),
reports every member alone, the equal-weight and fitted ensembles, and each member's leave-one-out
contribution, and warns about members that drag the ensemble down.

Member embeddings come from the stored fused vectors (:func:`hardneg_haystack.embedding.fusion.split_members`), so
fitting embeds only the queries.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from hardneg_haystack.ranking.metrics import mrr_recall_at_k
from hardneg_haystack.ranking.score_fusion import simplex_grid

logger = logging.getLogger(__name__)


@dataclass
class WeightFit:
    labels: list[str]
    weights: list[float]
    scores: dict[str, float]  # system name -> objective (MRR@k)
    recall: dict[str, float]
    contribution: dict[str, float]  # fitted objective minus objective without the member
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return dict(self.__dict__)


def fit_weights(
    member_queries: Sequence[np.ndarray],
    member_docs: Sequence[np.ndarray],
    positives: Sequence[Sequence[int]],
    *,
    labels: Sequence[str] | None = None,
    k: int = 10,
    step: float | None = None,
    max_docs: int = 20_000,
    min_weight: float = 0.0,
    seed: int = 0,
) -> WeightFit:
    """Fit member weights on training queries.

    :param member_queries: Per member, L2-normalised query embeddings (``q x d_i``).
    :param member_docs: Per member, L2-normalised document embeddings (``N x d_i``).
    :param positives: Per query, indices of its positive documents.
    :param k: Cut-off of the objective (MRR@k).
    :param step: Grid step on the simplex (default 0.1 up to 4 members, 0.2 beyond).
    :param min_weight: Every member keeps at least this weight (a member stored at weight 0 cannot be
        re-weighted later without re-embedding).
    :param max_docs: Score against all positives plus a random sample of this many documents, so memory
        stays ``q x max_docs`` whatever the corpus size.
    """
    n_members = len(member_queries)
    labels = list(labels or [f"member{i}" for i in range(n_members)])
    keep = [i for i, p in enumerate(positives) if len(p)]
    n_docs = member_docs[0].shape[0]
    pos_all = sorted({j for i in keep for j in positives[i]})
    if n_docs > max_docs:
        rng = np.random.default_rng(seed)
        sample = np.union1d(rng.choice(n_docs, size=max_docs, replace=False), pos_all)
    else:
        sample = np.arange(n_docs)
    where = {int(d): c for c, d in enumerate(sample)}
    mask = np.zeros((len(keep), len(sample)), dtype=bool)
    for r, i in enumerate(keep):
        mask[r, [where[j] for j in positives[i]]] = True
    sims = [
        np.asarray(q[keep] @ d[sample].T, dtype=np.float32) for q, d in zip(member_queries, member_docs, strict=True)
    ]

    def score(w: np.ndarray) -> tuple[float, float]:
        return mrr_recall_at_k(sum(wi * s for wi, s in zip(w, sims, strict=True) if wi), mask, k)

    scores, recall = {}, {}
    for i, label in enumerate(labels):
        scores[label], recall[label] = score(np.eye(n_members)[i])
    equal = np.full(n_members, 1 / n_members)
    scores["equal"], recall["equal"] = score(equal)
    grid = np.array(simplex_grid(n_members, step or (0.1 if n_members <= 4 else 0.2)), dtype=np.float64)
    grid = grid[(grid >= min_weight - 1e-9).all(axis=1)]
    if not len(grid):
        from hardneg_haystack.errors import ConfigError

        raise ConfigError(f"min_weight {min_weight} leaves no weights on the grid for {n_members} members")
    results = [score(w) for w in grid]
    best = max(range(len(grid)), key=lambda i: results[i])
    weights = grid[best]
    scores["fitted"], recall["fitted"] = results[best]
    contribution = {}
    for i, label in enumerate(labels):
        if weights[i] == 0 or n_members == 1:
            contribution[label] = 0.0
            continue
        w = weights.copy()
        w[i] = 0
        if w.sum() == 0:  # the member carried all the weight: compare with the others at equal weight
            w = np.where(np.arange(n_members) == i, 0.0, 1.0)
        contribution[label] = scores["fitted"] - score(w / w.sum())[0]
    warnings = []
    best_member = max(labels, key=lambda lab: scores[lab])
    if scores["equal"] < scores[best_member]:
        warnings.append(
            f"the equal-weight ensemble (MRR@{k} {scores['equal']:.3f}) ranks below its best member "
            f"{best_member!r} ({scores[best_member]:.3f}): weak members drag it down; use the fitted weights"
        )
    if scores["fitted"] < scores[best_member]:
        warnings.append(
            f"the fitted ensemble (MRR@{k} {scores['fitted']:.3f}) still ranks below {best_member!r} alone "
            f"({scores[best_member]:.3f}) with every member kept at >= {min_weight}: mine with that member alone "
            "(single-model mode) or lower the floor"
        )
    for label in labels:
        if contribution[label] < 0:
            warnings.append(
                f"member {label!r} drags the ensemble down: without it MRR@{k} rises by {-contribution[label]:.3f}"
            )
    for i, label in enumerate(labels):
        if weights[i] == 0:
            warnings.append(f"member {label!r} gets weight 0: it adds nothing the others do not (drop it to save time)")
    for w in warnings:
        logger.warning(w)
    return WeightFit(labels, [float(x) for x in weights], scores, recall, contribution, warnings)


def fit_member_weights(
    work_dir: str | Path, queries: list, *, k: int = 10, step: float | None = None, min_weight: float = 0.0
) -> WeightFit:
    """Fit ensemble weights on labelled (training) queries against an indexed work folder.

    Chunked documents count through their parent: any chunk of a positive is a positive.
    """
    from hardneg_haystack.embedding.fusion import split_members
    from hardneg_haystack.index.workdir import open_work_dir
    from hardneg_haystack.mining.corpus import load_corpus

    store, ens, manifest = open_work_dir(work_dir)
    corpus = load_corpus(store)
    member_docs = split_members(corpus.embeddings, manifest["member_dimensions"], ens.weights, ens.fusion)
    member_queries = ens.encode_members([q.text for q in queries], role="query")
    positives = [corpus.positive_indices(q.positive_ids) for q in queries]
    return fit_weights(
        member_queries,
        member_docs,
        positives,
        labels=[m.label for m in ens.members],
        k=k,
        step=step,
        min_weight=min_weight,
    )
