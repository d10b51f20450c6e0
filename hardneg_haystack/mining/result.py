"""One output format for every miner: per-query results, JSONL triplets, n-tuples, HF datasets, stats."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

TRIPLET_FIELDS = ("query_id", "query", "positive_id", "positive", "negative_id", "negative", "negative_score", "miner")


@dataclass
class MinedQuery:
    query_id: str
    query: str
    positive_ids: list[str]
    negatives: list[tuple[str, float | None]] = field(default_factory=list)  # (doc id, score or None)
    possible_positives: list[tuple[str, float]] = field(default_factory=list)
    n_candidates: int = 0
    skipped: str | None = None  # why the query produced nothing (missing positive, ...)


@dataclass
class MiningResult:
    miner: str
    queries: list[MinedQuery]
    contents: dict[str, str]  # doc id -> text, for every id referenced
    num_negatives: int
    extra_stats: dict[str, Any] = field(default_factory=dict)

    def triplets(self) -> list[dict[str, Any]]:
        """One row per (query, positive, negative)."""
        rows = []
        for q in self.queries:
            for pid in q.positive_ids:
                if pid not in self.contents:
                    continue
                for nid, score in q.negatives:
                    rows.append(
                        dict(
                            zip(
                                TRIPLET_FIELDS,
                                (
                                    q.query_id,
                                    q.query,
                                    pid,
                                    self.contents[pid],
                                    nid,
                                    self.contents[nid],
                                    _round(score),
                                    self.miner,
                                ),
                                strict=True,
                            )
                        )
                    )
        return rows

    def ntuples(self) -> list[dict[str, Any]]:
        """One row per (query, positive) with all its negatives."""
        rows = []
        for q in self.queries:
            if not q.negatives:
                continue
            for pid in q.positive_ids:
                if pid not in self.contents:
                    continue
                rows.append(
                    {
                        "query_id": q.query_id,
                        "query": q.query,
                        "positive_id": pid,
                        "positive": self.contents[pid],
                        "negative_ids": [n for n, _ in q.negatives],
                        "negatives": [self.contents[n] for n, _ in q.negatives],
                        "negative_scores": [_round(s) for _, s in q.negatives],
                        "miner": self.miner,
                    }
                )
        return rows

    def possible_positives(self) -> list[dict[str, Any]]:
        return [
            {
                "query_id": q.query_id,
                "query": q.query,
                "doc_id": d,
                "text": self.contents.get(d, ""),
                "score": s,
                "miner": self.miner,
            }
            for q in self.queries
            for d, s in q.possible_positives
        ]

    def stats(self) -> dict[str, Any]:
        counts = np.array([len(q.negatives) for q in self.queries if q.skipped is None] or [0])
        scores = np.array([s for q in self.queries for _, s in q.negatives if s is not None] or [np.nan])
        cands = sum(q.n_candidates for q in self.queries)
        flagged = sum(len(q.possible_positives) for q in self.queries)
        return {
            "miner": self.miner,
            "num_negatives": self.num_negatives,
            "queries": len(self.queries),
            "skipped": {r: sum(q.skipped == r for q in self.queries) for r in {q.skipped for q in self.queries} if r},
            "negatives_per_query_mean": float(counts.mean()),
            "queries_with_too_few_negatives": int(
                sum(len(q.negatives) < self.num_negatives for q in self.queries if q.skipped is None)
            ),
            "negative_score": _describe(scores),
            "candidates": int(cands),
            "possible_positives": int(flagged),
            "possible_positive_share": float(flagged / cands) if cands else 0.0,
            **self.extra_stats,
        }

    def empty_reason(self) -> str | None:
        """Why this result holds no training row at all, in words (None: it holds some)."""
        if self.triplets():
            return None
        if not self.queries:
            return "no labelled queries to mine for (check the queries file and the qrels split)"
        reasons = {r: sum(q.skipped == r for q in self.queries) for r in {q.skipped for q in self.queries} if r}
        why = ", ".join(f"{n} {r.replace('_', ' ')}" for r, n in sorted(reasons.items()))
        hint = (
            "; do the qrels' document ids match the indexed corpus?"
            if "positive_missing_from_store" in reasons
            else "; is the index much smaller than the rank window (--range-min/--range-max)?"
        )
        return f"mined 0 negatives for {len(self.queries)} queries" + (f" ({why})" if why else "") + hint

    def write(self, out_dir: str | Path) -> dict[str, Path]:
        """Write ``triplets.jsonl``, ``ntuples.jsonl``, ``possible_positives.jsonl`` and ``stats.json``."""
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        paths = {
            "triplets": _write_jsonl(out / "triplets.jsonl", self.triplets()),
            "ntuples": _write_jsonl(out / "ntuples.jsonl", self.ntuples()),
            "possible_positives": _write_jsonl(out / "possible_positives.jsonl", self.possible_positives()),
        }
        (out / "stats.json").write_text(json.dumps(self.stats(), indent=2))
        (out / "mined.json").write_text(json.dumps([asdict(q) for q in self.queries]))
        paths["stats"] = out / "stats.json"
        return paths

    @classmethod
    def read(cls, out_dir: str | Path) -> MiningResult:
        """Load a result written by :meth:`write` (``mined.json``, ``stats.json``, texts from ``ntuples.jsonl``)."""
        from hardneg_haystack.errors import DataError
        from hardneg_haystack.ingest.jsonl import iter_jsonl

        out = Path(out_dir)
        for name in ("mined.json", "stats.json", "ntuples.jsonl"):
            if not (out / name).is_file():
                raise DataError(f"{out}: not a mining output folder ({name} is missing; run `hardneg mine`)")
        stats = json.loads((out / "stats.json").read_text())
        queries = []
        for q in json.loads((out / "mined.json").read_text()):
            q["negatives"] = [tuple(x) for x in q["negatives"]]
            q["possible_positives"] = [tuple(x) for x in q["possible_positives"]]
            queries.append(MinedQuery(**q))
        contents: dict[str, str] = {}
        for _, row in iter_jsonl(out / "ntuples.jsonl"):
            contents[row["positive_id"]] = row["positive"]
            contents.update(zip(row["negative_ids"], row["negatives"], strict=True))
        if (out / "possible_positives.jsonl").is_file():
            for _, row in iter_jsonl(out / "possible_positives.jsonl"):
                contents[row["doc_id"]] = row["text"]
        extra = {k: v for k, v in stats.items() if k in ("seconds", "clustering", "single_model", "sources")}
        return cls(stats["miner"], queries, contents, int(stats.get("num_negatives", 0)), extra)

    def to_dataset(self, form: str = "ntuple") -> Any:
        """A Hugging Face Dataset with sentence-transformers' column layout:
        ``(query, positive, negative)`` for ``triplet``, ``(query, positive, negative_1..n)`` for ``ntuple``."""
        from datasets import Dataset

        if form == "triplet":
            rows = self.triplets()
            return Dataset.from_dict({k: [r[k] for r in rows] for k in ("query", "positive", "negative")})
        rows = [r for r in self.ntuples() if len(r["negatives"]) == self.num_negatives]
        data: dict[str, list[str]] = {"query": [r["query"] for r in rows], "positive": [r["positive"] for r in rows]}
        for i in range(self.num_negatives):
            data[f"negative_{i + 1}"] = [r["negatives"][i] for r in rows]
        return Dataset.from_dict(data)


def _round(score: float | None) -> float | None:
    return None if score is None else round(float(score), 6)


def _describe(x: np.ndarray) -> dict[str, float]:
    if np.isnan(x).all():
        return {}
    return {
        k: float(v)
        for k, v in zip(("min", "p25", "median", "p75", "max"), np.nanpercentile(x, [0, 25, 50, 75, 100]), strict=True)
    } | {"mean": float(np.nanmean(x))}


def _write_jsonl(path: Path, rows: Iterable[dict[str, Any]]) -> Path:
    tmp = path.with_suffix(".jsonl.tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    tmp.replace(path)
    return path
