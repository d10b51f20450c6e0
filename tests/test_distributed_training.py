"""Training on two processes with torchrun (gloo on CPU): the documented launch of `hardneg train` runs, each
process trains on its share of the batches, one process writes the model, and the model loads and scores
(issue 29 item 3)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
from conftest import build_tiny_bert

from hardneg_haystack.embedding.models import load_cross_encoder
from hardneg_haystack.training.model_info import read_training_info

TOPICS = ["vpn", "printer", "payroll", "quota", "calendar", "badge", "invoice", "backup", "wifi", "laptop"]


def _rows(n: int = 40) -> list[dict]:
    return [
        {
            "query_id": f"q{i}",
            "query": f"how do i fix my {TOPICS[i % 10]} case {i}",
            "positive_id": f"p{i}",
            "positive": f"{TOPICS[i % 10]} policy for the {TOPICS[i % 10]} case {i}",
            "negative_ids": [f"n{i}-{j}" for j in range(3)],
            "negatives": [f"holiday travel note {i} {j}" for j in range(3)],
        }
        for i in range(n)
    ]


def test_torchrun_two_cpu_processes_train_a_model_that_loads_and_scores(tmp_path: Path) -> None:
    base = build_tiny_bert(tmp_path / "bert", hidden=16, seed=1).parent / "raw"  # a bare encoder: fresh head
    mined = tmp_path / "ntuples.jsonl"
    mined.write_text("".join(json.dumps(r) + "\n" for r in _rows()))
    out = tmp_path / "ranker"
    cmd = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", "2",
           "-m", "hardneg_haystack.cli", "train", "--mined", str(mined), "--out", str(out),
           "--base-model", str(base), "--loss", "listnet", "--epochs", "2", "--batch-size", "4",
           "--max-length", "32", "--learning-rate", "1e-3", "--validation-share", "0.25", "--precision", "fp32",
           "--no-bm25-text"]  # fmt: skip
    env = {**os.environ, "OMP_NUM_THREADS": "1", "CUDA_VISIBLE_DEVICES": ""}
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=600, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-3000:]
    info = read_training_info(out / "model")
    # 30 training queries, batch 4 per process, 2 processes: 3 full steps an epoch (one process alone: 8)
    assert info["steps"] == 6
    assert (out / "history.json").is_file() and (out / "run.json").is_file()
    model = load_cross_encoder(str(out / "model"), max_length=32)
    scores = model.predict([("how do i fix my vpn", "vpn policy for the vpn"), ("how do i fix my vpn", "holiday")])
    assert np.isfinite(scores).all()


def test_torchrun_two_cpu_processes_tune_the_dense_member(
    beir_dir: Path, tiny_members: list[dict], tmp_path: Path
) -> None:
    """`hardneg tune-dense` under torchrun: both processes train and judge the same synchronised member, one
    writes the model and dense_tune.json, one reports; the tuned member loads and embeds."""
    from hardneg_haystack.components.indexing import index_documents
    from hardneg_haystack.embedding.models import load_sentence_transformer
    from hardneg_haystack.ingest import load_documents
    from hardneg_haystack.mining.result import MinedQuery, MiningResult

    work = tmp_path / "index"
    index_documents(load_documents(beir_dir), work_dir=work, members=tiny_members)
    mined = tmp_path / "mined"  # 40 tuples: each of the two processes gets batches of its own
    MiningResult(
        "random",
        [MinedQuery(r["query_id"], r["query"], [r["positive_id"]], [(n, None) for n in r["negative_ids"]])
         for r in _rows()],
        {**{r["positive_id"]: r["positive"] for r in _rows()},
         **{n: t for r in _rows() for n, t in zip(r["negative_ids"], r["negatives"], strict=True)}},
        3,
    ).write(mined)  # fmt: skip
    out = tmp_path / "dense"
    cmd = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", "2",
           "-m", "hardneg_haystack.cli", "tune-dense", "--mined", str(mined), "-w", str(work),
           "--data", str(beir_dir), "--split", "test", "--epochs", "2", "--batch-size", "2", "--max-length", "16",
           "--learning-rate", "1e-2", "--precision", "fp32", "--out", str(out)]  # fmt: skip
    env = {**os.environ, "OMP_NUM_THREADS": "1", "CUDA_VISIBLE_DEVICES": ""}
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=600, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.count("validation nDCG@10 (dense)") == 1, proc.stdout  # one process reports
    saved = json.loads((out / "dense_tune.json").read_text())
    assert saved["processes"] == 2 and len(saved["curve"]) == 3
    if saved["model_dir"]:  # an epoch beat the member as indexed: the main process saved it
        vecs = load_sentence_transformer(saved["model_dir"]).encode(["how do i reset my vpn token"])
        assert np.isfinite(vecs).all()
