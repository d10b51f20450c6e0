"""Training data for the re-ranker: mined rows -> sentence-transformers datasets, split by query."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hardneg_haystack.errors import DataError

Row = dict[str, Any]


@dataclass
class Group:
    """One (query, positive) with its negatives."""

    query_id: str
    query: str
    positive: str
    negatives: list[str] = field(default_factory=list)
    positive_id: str | None = None
    negative_ids: list[str | None] = field(default_factory=list)


def load_rows(source: str | Path | Sequence[Row] | Any) -> list[Row]:
    """Rows from a mining output folder, a triplets/ntuples JSONL file, a list of dicts, or a Dataset."""
    from hardneg_haystack.ingest.jsonl import iter_jsonl

    if isinstance(source, (str, Path)):
        path = Path(source)
        if path.is_dir():
            path = path / "ntuples.jsonl"
        if not path.is_file():
            raise DataError(f"{path}: no training data (give a `hardneg mine` folder or a triplets/ntuples JSONL)")
        return [row for _, row in iter_jsonl(path)]
    if hasattr(source, "to_list"):  # a datasets.Dataset
        return list(source.to_list())
    return list(source)


def group_rows(rows: Iterable[Row], *, where: str = "training data") -> list[Group]:
    """Group triplet rows (``negative``) or n-tuple rows (``negatives``) by (query, positive)."""
    groups: dict[tuple[str, str], Group] = {}
    for i, row in enumerate(rows, start=1):
        missing = [k for k in ("query", "positive") if not row.get(k)]
        if missing or not ("negative" in row or "negatives" in row):
            need = missing or ["negative or negatives"]
            raise DataError(f"{where}: row {i} lacks field(s) {', '.join(need)}")
        qid = str(row.get("query_id", row["query"]))
        key = (qid, row["positive"])
        group = groups.setdefault(key, Group(qid, row["query"], row["positive"], positive_id=row.get("positive_id")))
        negs = row["negatives"] if "negatives" in row else [row["negative"]]
        ids = row.get("negative_ids") or ([row["negative_id"]] if "negative_id" in row else [])
        for j, n in enumerate(negs):
            if n and n not in group.negatives:
                group.negatives.append(n)
                group.negative_ids.append(str(ids[j]) if j < len(ids) else None)
    return list(groups.values())


def tag_with_bm25(groups: list[Group], scores: Callable[[str, list[str]], tuple[list[float], float]]) -> list[Group]:
    """The groups with BM25's score as text in front of every positive and negative
    (:mod:`hardneg_haystack.scoring.bm25_text`). ``scores(query, ids)`` gives the BM25 scores of the documents ``ids``
    and the query's best score; rows must carry ``positive_id`` and ``negative_ids``."""
    from hardneg_haystack.scoring.bm25_text import with_bm25_all

    out = []
    for g in groups:
        ids = [g.positive_id, *g.negative_ids]
        if any(i is None for i in ids):
            raise DataError(
                f"query {g.query_id!r}: bm25_text needs the ids of the positive and every negative "
                "(positive_id, negative_ids: a `hardneg mine` folder has them)"
            )
        raw, best = scores(g.query, [str(i) for i in ids])
        texts = with_bm25_all([g.positive, *g.negatives], raw, best)
        out.append(Group(g.query_id, g.query, texts[0], texts[1:], g.positive_id, list(g.negative_ids)))
    return out


def split_by_query(groups: list[Group], share: float, seed: int) -> tuple[list[Group], list[Group]]:
    """Hold out ``share`` of the QUERIES (never one query on both sides)."""
    qids = sorted({g.query_id for g in groups})
    if not 0 <= share < 1:
        raise DataError(f"validation share must be in [0, 1), got {share}")
    n_val = round(len(qids) * share)
    if share > 0 and len(qids) >= 2:
        n_val = max(1, n_val)
    random.Random(seed).shuffle(qids)
    val = set(qids[:n_val])
    return [g for g in groups if g.query_id not in val], [g for g in groups if g.query_id in val]


def to_ntuple_dataset(groups: list[Group], num_negatives: int | None = None) -> Any:
    """``(query, positive, negative_1..n)``; a group short of n negatives repeats its own (none: dropped)."""
    from datasets import Dataset

    usable = [g for g in groups if g.negatives]
    if not usable:
        raise DataError("no training row has a negative")
    n = num_negatives or max(len(g.negatives) for g in usable)
    data: dict[str, list[str]] = {"query": [g.query for g in usable], "positive": [g.positive for g in usable]}
    for i in range(n):
        data[f"negative_{i + 1}"] = [g.negatives[i % len(g.negatives)] for g in usable]
    return Dataset.from_dict(data)


def to_list_dataset(
    groups: list[Group], scores: Sequence[Sequence[float]], num_negatives: int | None = None, temperature: float = 0.1
) -> Any:
    """``(query, docs, labels)`` lists for ListNet: the positive first, labelled 1, then the group's negatives
    labelled with their teacher ``scores`` (one list per group, in [0, 1], capped at 1), all divided by the
    ``temperature``. A group without negatives is dropped."""
    from datasets import Dataset

    queries, docs, labels = [], [], []
    for g, s in zip(groups, scores, strict=True):
        n = len(g.negatives) if num_negatives is None else min(num_negatives, len(g.negatives))
        if n == 0:
            continue
        queries.append(g.query)
        docs.append([g.positive, *g.negatives[:n]])
        labels.append([round(v / temperature, 4) for v in [1.0, *(min(float(x), 1.0) for x in s[:n])]])
    if not queries:
        raise DataError("no training row has a negative")
    return Dataset.from_dict({"query": queries, "docs": docs, "labels": labels})


def to_pair_dataset(groups: list[Group], num_negatives: int | None = None) -> Any:
    """``(query, document, label)`` pairs for BinaryCrossEntropyLoss: 1 for the positive, 0 per negative."""
    from datasets import Dataset

    q, d, y = [], [], []
    for g in groups:
        if not g.negatives:
            continue
        q.append(g.query), d.append(g.positive), y.append(1.0)
        for neg in g.negatives[: num_negatives or None]:
            q.append(g.query), d.append(neg), y.append(0.0)
    return Dataset.from_dict({"query": q, "document": d, "label": y})


def validation_samples(groups: list[Group]) -> list[dict[str, Any]]:
    """CrossEncoderRerankingEvaluator samples: each held-out query, its positives and its mined negatives."""
    by_query: dict[str, dict[str, Any]] = {}
    for g in groups:
        s = by_query.setdefault(g.query_id, {"query": g.query, "positive": [], "negative": []})
        if g.positive not in s["positive"]:
            s["positive"].append(g.positive)
        s["negative"].extend(n for n in g.negatives if n not in s["negative"])
    for s in by_query.values():
        s["negative"] = [n for n in s["negative"] if n not in s["positive"]]
    return [s for s in by_query.values() if s["negative"]]
