"""Re-ranking evaluation with one convention, used by ``hardneg eval-rerank``, the experiment and offline A/B.

The convention: a re-ranker re-orders each query's BM25 top ``candidates``; the deeper BM25 ranks (down to
``3 x depth`` chunks) stay below them in BM25 order, and the whole list is folded to parent documents by
best chunk (MaxP) and cut at ``depth``. Pairs are scored through
:func:`hardneg_haystack.scoring.precision.pair_scorer` (bf16 autocast where the hardware has it, length-sorted
batches), so every command scores a model the same way. Metrics are ranx's
(:mod:`hardneg_haystack.ranking.metrics`).

- :func:`model_scores`: a model's scores of each query's BM25 top k (loaded and read as it was trained);
- :func:`cross_encoder_scores` + :func:`reorder_run`: score once at the deepest depth, re-order at each;
- :func:`rerank_runs`: (re-ranker alone, blended with BM25) runs from those scores;
- :func:`fused_scores` / :func:`fused_run` / :func:`fit_fused_weights`: BM25 + dense + cross-encoder fused per
  query, over BM25's candidates or the BM25 + dense union;
- :func:`evaluate_rerankers`: the rows of ``hardneg eval-rerank``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from hardneg_haystack.evaluation.first_stage import FirstStage
from hardneg_haystack.evaluation.runs import Run, maxp, qrels_of, rank_scores
from hardneg_haystack.evaluation.significance import compare_family
from hardneg_haystack.ingest.queries import LabelledQuery
from hardneg_haystack.ranking.metrics import evaluate_run, per_query
from hardneg_haystack.ranking.score_fusion import blend, fit_fusion_weights, fuse
from hardneg_haystack.scoring.bm25_text import with_bm25_all

METRICS = ("ndcg@10", "mrr@10", "precision@1", "recall@10")
"""The metrics of ``hardneg eval-rerank`` and offline A/B."""

PairScorer = Callable[[list[tuple[str, str]]], Sequence[float]]
"""``[(query, document), ...] -> scores`` (see :func:`hardneg_haystack.scoring.precision.pair_scorer`)."""


def _reordered(cands: list[tuple[int, float]], scores: np.ndarray, k: int, depth: int) -> list[int]:
    """Corpus indices of BM25's top ``k`` ordered by ``scores`` (stable), then BM25's ranks below, to 3 x depth."""
    head, tail = cands[:k], [i for i, _ in cands[k : depth * 3]]
    return [head[j][0] for j in np.argsort(-np.asarray(scores[: len(head)]), kind="stable")] + tail


def rerank_runs(
    first: FirstStage, ce: Sequence[np.ndarray], *, candidates: int, depth: int, weight: float
) -> tuple[Run, Run]:
    """(re-ranker alone, blended with BM25 at ``weight``) over each query's BM25 top ``candidates``, from the
    re-ranker's scores ``ce`` (:func:`model_scores` or :func:`cross_encoder_scores`); deeper ranks keep their BM25
    order below the re-ranked ones (:func:`reorder_run`, the experiment's path)."""
    mixed = [
        blend([s for _, s in cands[:candidates]], scores[:candidates], weight) if len(scores) else np.zeros(0)
        for cands, scores in zip(first.bm25, ce, strict=True)
    ]
    return reorder_run(first, ce, candidates, depth), reorder_run(first, mixed, candidates, depth)


def model_scores(
    model_ref: str | Path,
    stages: Sequence[FirstStage],
    k: int,
    *,
    max_length: int | None = None,
    precision: str = "auto",
    batch_size: int = 32,
    progress: Callable[[int], None] | None = None,
    union: bool = False,
) -> list[list[np.ndarray]]:
    """The cross-encoder ``model_ref`` (folder, hub id or alias) loaded once, and for each of ``stages`` its
    scores of every query's candidates (:func:`cross_encoder_scores`: BM25's top ``k``, or with ``union`` the
    BM25 + dense union), read as the model was trained: with BM25's score as text when its ``hardneg.json`` says
    so. The one path from a model to evaluated scores that the experiment, ``hardneg eval-rerank``, offline A/B
    and the benchmark probes share."""
    from hardneg_haystack.embedding.models import load_cross_encoder
    from hardneg_haystack.training.model_info import reads_bm25

    model = load_cross_encoder(str(model_ref), max_length=max_length)
    score = model_scorer(model, precision=precision, batch_size=batch_size)
    tagged = reads_bm25(model_ref)
    return [cross_encoder_scores(stage, score, k, bm25_text=tagged, progress=progress, union=union) for stage in stages]


def cross_encoder_scores(
    first: FirstStage,
    score_pairs: PairScorer,
    k: int,
    *,
    bm25_text: bool = False,
    progress: Callable[[int], None] | None = None,
    union: bool = False,
) -> list[np.ndarray]:
    """Per query, the cross-encoder's scores of its candidates (:func:`candidates_of`: BM25's top ``k``, aligned
    with ``first.bm25[q][:k]``; with ``union`` BM25's top ``k`` and then the dense top ``k``'s others, so the head
    is still BM25's). Scored once at the deepest depth; shallower re-rankings of BM25's list reuse the head of
    these lists. ``bm25_text``: the model reads each candidate's BM25 score
    (:mod:`hardneg_haystack.scoring.bm25_text`; 0 for a candidate BM25's top ``k`` does not hold)."""
    out = []
    for qi, q in enumerate(first.queries):
        texts = candidate_texts(first, qi, k, bm25_text=bm25_text, union=union)
        out.append(np.asarray(score_pairs([(q.text, t) for t in texts]), dtype=np.float64))
        if progress is not None:
            progress(1)
    return out


def candidates_of(first: FirstStage, qi: int, k: int, *, union: bool = False) -> tuple[list[int], list[float]]:
    """Query ``qi``'s candidates (corpus indices) and their BM25 scores: BM25's top ``k``; with ``union`` the
    candidates of ``bm25 + dense`` (:meth:`FirstStage.hybrid_candidates`: BM25's top ``k`` in rank order, then
    the dense top ``k``'s others, BM25 score 0), as a hybrid pipeline's joiner hands them to its ranker."""
    if union and first.dense.shape[1]:
        idx, bm, _ = first.hybrid_candidates(qi, k)
        return idx, bm
    head = first.bm25[qi][:k]
    return [i for i, _ in head], [s for _, s in head]


def candidate_texts(first: FirstStage, qi: int, k: int, *, bm25_text: bool = False, union: bool = False) -> list[str]:
    """The passages of query ``qi``'s candidates (:func:`candidates_of`) as a cross-encoder reads them: tagged
    with their BM25 score (relative to the query's best) when ``bm25_text``."""
    idx, bm = candidates_of(first, qi, k, union=union)
    texts = [first.corpus.contents[i] for i in idx]
    if bm25_text:
        cands = first.bm25[qi]
        texts = with_bm25_all(texts, bm, cands[0][1] if cands else 0.0)
    return texts


def signals(first: FirstStage, qi: int, ce: np.ndarray, k: int, *, union: bool = False) -> list[np.ndarray]:
    """``[bm25, dense, cross-encoder]`` scores of query ``qi``'s candidates (:func:`candidates_of`; the fusion's
    inputs)."""
    idx, bm = candidates_of(first, qi, k, union=union)
    dense = first.dense[qi][idx] if first.dense.shape[1] else np.zeros(len(idx))
    return [np.asarray(bm, dtype=np.float64), np.asarray(dense, dtype=np.float64), np.asarray(ce[: len(idx)])]


def reorder_run(first: FirstStage, scores: Sequence[np.ndarray], k: int, depth: int) -> Run:
    """BM25 top ``k`` re-ordered by ``scores[q][:k]``; deeper ranks keep their BM25 order below."""
    out: Run = {}
    for q, cands, s in zip(first.queries, first.bm25, scores, strict=True):
        out[q.id] = maxp(rank_scores(_reordered(cands, np.asarray(s), k, depth)), first.corpus, depth)
    return out


def fused_scores(
    first: FirstStage, ce: Sequence[np.ndarray], weights: Sequence[float], k: int, *, union: bool = False
) -> list[np.ndarray]:
    """Per query, ``weights``-fused BM25, dense and cross-encoder scores of its candidates (:func:`candidates_of`)."""
    return [fuse(signals(first, qi, ce[qi], k, union=union), weights) for qi in range(len(first.queries))]


def fused_run(
    first: FirstStage, ce: Sequence[np.ndarray], weights: Sequence[float], k: int, depth: int, *, union: bool = False
) -> Run:
    """The fused system's run: each query's candidates ordered by :func:`fused_scores`; over BM25's top ``k``
    the deeper BM25 ranks stay below (:func:`reorder_run`), over the union the candidates are the whole list
    (as the hybrid's), folded by MaxP and cut at ``depth``."""
    scores = fused_scores(first, ce, weights, k, union=union)
    if not union or not first.dense.shape[1]:
        return reorder_run(first, scores, k, depth)
    out: Run = {}
    for qi, q in enumerate(first.queries):
        idx, _ = candidates_of(first, qi, k, union=True)
        out[q.id] = maxp(dict(zip(idx, scores[qi].tolist(), strict=True)), first.corpus, depth)
    return out


def fit_fused_weights(
    validation: FirstStage, ce: Sequence[np.ndarray], k: int, *, step: float = 0.1, union: bool = False
) -> tuple[tuple[float, ...], float]:
    """(BM25, dense, cross-encoder) weights maximising nDCG@10 of the fused candidates (:func:`candidates_of`)
    on VALIDATION queries."""
    samples = []
    for qi, q in enumerate(validation.queries):
        positives = set(validation.corpus.positive_indices(q.positive_ids))
        idx, _ = candidates_of(validation, qi, k, union=union)
        if positives and any(i in positives for i in idx):
            samples.append((signals(validation, qi, ce[qi], k, union=union), [i in positives for i in idx]))
    if not samples:
        return (0.0, 0.0, 1.0), float("nan")
    return fit_fusion_weights(samples, step=step)


def model_scorer(model: Any, *, precision: str = "auto", batch_size: int = 32) -> PairScorer:
    """The pair scorer every evaluation uses for a CrossEncoder
    (:func:`hardneg_haystack.scoring.precision.pair_scorer`); ``precision`` is checked (auto, bf16 or fp32)."""
    from hardneg_haystack.errors import ConfigError
    from hardneg_haystack.scoring.precision import pair_scorer

    if precision not in ("auto", "bf16", "fp32"):
        raise ConfigError(f"unknown precision {precision!r}: auto, bf16 or fp32")
    return pair_scorer(model, precision=precision, batch_size=batch_size)


def stored_blend_weight(model_ref: str, override: float | None = None) -> float:
    """The BM25 blend weight of a model: ``override``, else the one stored with a hardneg-trained model
    folder (``hardneg.json``), else 0.5."""
    if override is None and Path(model_ref).is_dir():
        from hardneg_haystack.training.model_info import read_training_info

        override = read_training_info(model_ref).get("blend_weight")
    return 0.5 if override is None else float(override)


def evaluate_rerankers(
    store: Any,
    queries: Sequence[LabelledQuery],
    models: dict[str, str],
    *,
    candidates: int = 20,
    depth: int = 100,
    blend_weights: dict[str, float | None] | None = None,
    batch_size: int = 32,
    max_length: int | None = None,
    precision: str = "auto",
    progress: Callable[[int], None] | None = None,
) -> list[dict[str, Any]]:
    """Rows ``{system, ndcg@10, mrr@10, precision@1, recall@10, p_vs_bm25}``: ``bm25``, then per model
    ``<name>`` (alone) and ``<name> + bm25 (w=...)`` (blended with the model's stored weight, or
    ``blend_weights[name]``, default 0.5). ``p_vs_bm25``: the paired randomization test of the row's nDCG@10
    against BM25's over the same queries, Holm-corrected over the rows (None for ``bm25`` itself).

    The experiment's convention (module docstring): BM25 top ``candidates`` re-ordered, BM25's tail kept
    below, MaxP, cut at ``depth``; so a model's row equals the experiment's ``rerank[<name>] top-<candidates>``
    for the same candidates, depth, max length and precision.
    """
    from hardneg_haystack.mining.corpus import load_corpus

    model_scorer(None, precision=precision)  # check it before any work
    corpus = load_corpus(store, need_embeddings=False)
    first = FirstStage.bm25_only(corpus, store, queries, depth * 3)
    runs: dict[str, Run] = {"bm25": first.bm25_run(depth)}
    for name, ref in models.items():
        weight = stored_blend_weight(ref, (blend_weights or {}).get(name))
        [ce] = model_scores(
            ref, [first], candidates, max_length=max_length, precision=precision, batch_size=batch_size,
            progress=progress,
        )  # fmt: skip
        runs[name], runs[f"{name} + bm25 (w={weight:g})"] = rerank_runs(
            first, ce, candidates=candidates, depth=depth, weight=weight
        )
    qrels = qrels_of(queries)
    p_values = p_vs_bm25(qrels, runs)
    return [
        {"system": name, **evaluate_run(qrels, run, METRICS), "p_vs_bm25": p_values.get(name)}
        for name, run in runs.items()
    ]


def p_vs_bm25(qrels: dict[str, dict[str, int]], runs: dict[str, Run]) -> dict[str, float]:
    """Holm-adjusted p-value of each run's nDCG@10 against ``runs["bm25"]`` (paired randomization test)."""
    per = {name: per_query(qrels, run, ("ndcg@10",)) for name, run in runs.items()}
    pairs = [(name, "bm25") for name in runs if name != "bm25"]
    tests = compare_family("vs bm25", pairs, per, sorted(qrels), ("ndcg@10",))
    return {t["system"]: t["p_holm"] for t in tests}


def parse_models(specs: list[str]) -> dict[str, str]:
    """``["ft=runs/ranker/model", "runs/other"]`` -> ``{"ft": "runs/ranker/model", "other": "runs/other"}``: the
    systems of ``hardneg eval-rerank --model`` (NAME=MODEL; a bare model is named after its folder)."""
    from pathlib import Path

    models = {}
    for spec in specs:
        name, sep, ref = spec.partition("=")
        if not sep:
            name, ref = Path(spec).name or spec, spec
        models[name] = ref
    return models
