"""Labelled queries (text + positive document ids) from BEIR qrels or a JSONL file."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from hardneg_haystack.errors import DataError
from hardneg_haystack.ingest.jsonl import iter_jsonl, utf8_lines


@dataclass(frozen=True)
class LabelledQuery:
    """A query and the ids of the documents judged relevant to it."""

    id: str
    text: str
    positive_ids: tuple[str, ...] = field(default_factory=tuple)


def read_qrels(path: str | Path, *, min_score: int = 1) -> dict[str, dict[str, int]]:
    """``{query_id: {doc_id: score}}`` from a BEIR qrels TSV (header ``query-id corpus-id score``)."""
    path = Path(path)
    if not path.is_file():
        raise DataError(f"{path}: qrels file not found")
    qrels: dict[str, dict[str, int]] = {}
    for lineno, row in enumerate(csv.reader(utf8_lines(path), delimiter="\t"), start=1):
        if not row or (lineno == 1 and row[0] in ("query-id", "query_id", "qid")):
            continue
        if len(row) < 3:
            raise DataError(f"{path}:{lineno}: expected 3 tab-separated fields (query-id, corpus-id, score)")
        try:
            score = int(float(row[2]))
        except ValueError as exc:
            raise DataError(f"{path}:{lineno}: score {row[2]!r} is not a number") from exc
        if score >= min_score:
            qrels.setdefault(row[0], {})[row[1]] = score
    return qrels


def load_beir_queries(folder: str | Path, split: str) -> list[LabelledQuery]:
    """Queries of one qrels split (``qrels/<split>.tsv``) of a BEIR folder, with their positives."""
    folder = Path(folder)
    qrels_path = folder / "qrels" / f"{split}.tsv"
    if not qrels_path.is_file():
        available = sorted(p.stem for p in (folder / "qrels").glob("*.tsv")) if (folder / "qrels").is_dir() else []
        raise DataError(f"{qrels_path}: qrels split {split!r} not found (available: {available or 'none'})")
    qrels = read_qrels(qrels_path)
    texts = {str(obj.get("_id")): str(obj.get("text", "")) for _, obj in iter_jsonl(folder / "queries.jsonl")}
    out = []
    for qid, rel in qrels.items():
        if qid not in texts:
            raise DataError(f"{qrels_path}: query id {qid!r} is not in {folder / 'queries.jsonl'}")
        out.append(LabelledQuery(qid, texts[qid], tuple(rel)))
    return out


def load_queries_jsonl(path: str | Path) -> list[LabelledQuery]:
    """Queries from JSONL rows ``{"id", "text", "positive_ids": [...]}`` (``_id``/``query`` also accepted)."""
    out, seen = [], set()
    for lineno, obj in iter_jsonl(path):
        qid = obj.get("id", obj.get("_id"))
        text = obj.get("text", obj.get("query"))
        positives = obj.get("positive_ids", obj.get("positives"))
        for name, value in (("id", qid), ("text", text), ("positive_ids", positives)):
            if value in (None, "", []):
                raise DataError(f"{path}:{lineno}: missing field {name!r}")
        if not isinstance(positives, list):
            raise DataError(f"{path}:{lineno}: field 'positive_ids' must be a list of document ids")
        if str(qid) in seen:
            raise DataError(f"{path}:{lineno}: duplicate query id {qid!r}")
        seen.add(str(qid))
        out.append(LabelledQuery(str(qid), str(text), tuple(str(p) for p in positives)))
    return out
