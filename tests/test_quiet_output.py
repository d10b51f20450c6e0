"""Issue 16, quiet output: real `hardneg train` / `warm-start` runs (subprocesses, so that what transformers
writes through its own handler to the real stderr is seen) print our lines and bars, no library chatter; -v
shows the libraries' logs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

CHATTER = ("LOAD REPORT", "newly initialized", "{'loss'", "{'train_runtime'", "Loading weights", "it/s]", "Warning")


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory, tiny_models: dict[str, str]) -> Path:
    """An indexed work folder, its BEIR folder and a triplets file."""
    from conftest import DOCS, QUERIES

    from hardneg_haystack.components.indexing import index_documents
    from hardneg_haystack.ingest import load_documents

    root = tmp_path_factory.mktemp("quiet")
    beir = root / "beir"
    (beir / "qrels").mkdir(parents=True)
    (beir / "corpus.jsonl").write_text(
        "".join(json.dumps({"_id": d, "title": t, "text": x}) + "\n" for d, t, x in DOCS)
    )
    (beir / "queries.jsonl").write_text("".join(json.dumps({"_id": q, "text": t}) + "\n" for q, t, _, _ in QUERIES))
    rows = [f"{q}\t{p}\t1" for q, _, ps, _ in QUERIES for p in ps]
    (beir / "qrels" / "test.tsv").write_text("query-id\tcorpus-id\tscore\n" + "\n".join(rows) + "\n")
    index_documents(load_documents(beir), work_dir=root / "index", members=[{"model": tiny_models["static8"]}])
    texts = {d: f"{t}\n{x}" for d, t, x in DOCS}
    with (root / "triplets.jsonl").open("w") as fh:
        for _, query, positives, _ in QUERIES:
            for neg in [d for d in texts if d not in positives][:2]:
                fh.write(json.dumps({"query": query, "positive": texts[positives[0]], "negative": texts[neg]}) + "\n")
    return root


def _hardneg(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(Path.cwd()), os.environ.get("PYTHONPATH", "")])}
    env.pop("HARDNEG_DEBUG", None)
    return subprocess.run(
        [sys.executable, "-c", "from hardneg_haystack.cli import app; app()", *map(str, args)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def _no_chatter(res: subprocess.CompletedProcess[str]) -> str:
    out = res.stdout + res.stderr
    assert res.returncode == 0, out
    leaked = [c for c in CHATTER if c in out]
    assert not leaked, f"library output leaked {leaked}:\n{out}"
    return out


def test_train_and_warm_start_print_our_lines_only(work: Path, tiny_models: dict[str, str]) -> None:
    base = ["--base-model", tiny_models["bert16"], "--max-steps", "2"]
    trained = _no_chatter(
        _hardneg(
            "train", "--mined", "triplets.jsonl", "--out", "r", "-w", "index", "--batch-size", "4", *base, cwd=work
        )
    )
    assert "re-ranker trained: 2 steps" in trained and "None" not in trained
    warm = _no_chatter(
        _hardneg(
            "warm-start",
            "-w",
            "index",
            "--out",
            "ws",
            "--queries",
            "6",
            "--data",
            "beir",
            "--split",
            "test",
            *base,
            cwd=work,
        )
    )
    assert "warm start: 2 steps on 6 lists" in warm and "validation_ndcg@10" in warm
    assert len(warm.strip().splitlines()) <= 12, warm  # a bar or two, one summary line, the metrics


def test_verbose_shows_the_libraries_logs(work: Path, tiny_models: dict[str, str]) -> None:
    res = _hardneg(
        "-v", "train", "--mined", "triplets.jsonl", "--out", "rv", "--base-model", tiny_models["bert16"],
        "--max-steps", "1", cwd=work,
    )  # fmt: skip
    out = res.stdout + res.stderr
    assert res.returncode == 0, out
    assert "LOAD REPORT" in out and "newly initialized" in out  # the tiny bi-encoder has no classifier head
    assert "INFO sentence_transformers" in out
