"""Offline A/B: two arms over a labelled query set, per query, with a paired significance test.

An arm is ``bm25`` (the store's BM25 order) or a cross-encoder re-ranking BM25's top ``candidates``
(optionally blended with BM25). The evaluation is :mod:`hardneg_haystack.evaluation`'s, the experiment's:
same candidates and re-ranking convention (BM25's tail kept below), pairs scored through ``pair_scorer``,
MaxP per document, ranx metrics, Fisher randomization test.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from hardneg_haystack.evaluation.first_stage import FirstStage
from hardneg_haystack.evaluation.rerank import METRICS, model_scorer, model_scores, rerank_runs
from hardneg_haystack.evaluation.runs import qrels_of
from hardneg_haystack.evaluation.significance import compare_family
from hardneg_haystack.ingest.queries import LabelledQuery
from hardneg_haystack.ranking.metrics import per_query

OFFLINE_METRICS = METRICS


def offline_ab(
    work_dir: str | Path,
    queries: Sequence[LabelledQuery],
    arms: dict[str, str | None],
    *,
    candidates: int = 20,
    depth: int = 100,
    blend: dict[str, float] | None = None,
    max_length: int | None = None,
    precision: str = "auto",
    seed: int = 42,
) -> dict[str, Any]:
    """``arms``: name -> model reference, or None for BM25 alone. Returns metrics per arm and the test of the
    second arm against the first on every metric."""
    from hardneg_haystack.index.workdir import open_work_store
    from hardneg_haystack.mining.corpus import load_corpus

    model_scorer(None, precision=precision)  # check it before any work
    if len(arms) != 2:
        raise ValueError(f"offline A/B compares exactly two arms, got {list(arms)}")
    store = open_work_store(work_dir)[0]
    corpus = load_corpus(store, need_embeddings=False)
    first = FirstStage.bm25_only(corpus, store, queries, depth * 3)
    runs = {}
    for name, model_ref in arms.items():
        if model_ref is None:
            runs[name] = first.bm25_run(depth)
            continue
        [ce] = model_scores(model_ref, [first], candidates, max_length=max_length, precision=precision)
        weight = (blend or {}).get(name)
        alone, mixed = rerank_runs(
            first, ce, candidates=candidates, depth=depth, weight=1.0 if weight is None else weight
        )
        runs[name] = alone if weight is None else mixed
    qrels = qrels_of(queries)
    per = {name: per_query(qrels, run, OFFLINE_METRICS) for name, run in runs.items()}
    a, b = list(arms)
    ids = sorted(qrels)
    rows = compare_family("offline", [(b, a)], per, ids, OFFLINE_METRICS, seed=seed)
    tests = {r["metric"]: {"delta": r["delta"], "p_value": r["p_value"]} for r in rows}
    return {
        "queries": len(ids),
        "arms": {name: {m: float(np.mean(list(per[name][m].values()))) for m in OFFLINE_METRICS} for name in arms},
        "tests": tests,
        "baseline": a,
        "treatment": b,
    }


def parse_arms(specs: list[str]) -> dict[str, str | None]:
    """``["bm25=bm25", "ft=runs/ranker/model"]`` -> ``{"bm25": None, "ft": "runs/ranker/model"}``: the arms of
    ``hardneg ab offline --arm`` (NAME=MODEL, or NAME=bm25 for BM25 alone)."""
    from hardneg_haystack.errors import HardnegError

    arms: dict[str, str | None] = {}
    for spec in specs:
        name, sep, ref = spec.partition("=")
        if not sep or not ref:
            raise HardnegError(f"--arm {spec!r}: write NAME=MODEL or NAME=bm25")
        arms[name] = None if ref == "bm25" else ref
    return arms


def parse_blend(specs: list[str] | None) -> dict[str, float]:
    """``["ft=0.6"]`` -> ``{"ft": 0.6}`` (``hardneg ab offline --blend NAME=WEIGHT``)."""
    return {k: float(v) for k, _, v in (b.partition("=") for b in specs or [])}
