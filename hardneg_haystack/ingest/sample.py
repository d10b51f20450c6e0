"""The packaged sample corpus: a fictional company knowledge base (IT help desk, HR policy, product docs)."""

from __future__ import annotations

from pathlib import Path

SAMPLE_DIR = Path(__file__).parent.parent / "sample_data" / "kb"


def sample_corpus_path() -> Path:
    """The BEIR-format folder (corpus.jsonl, queries.jsonl, qrels/) with an ``html/`` intranet export."""
    return SAMPLE_DIR
