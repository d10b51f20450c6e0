"""Every command that takes a work folder, walked on an OpenSearch work folder over the wire (the osmem-server
emulator; a real cluster when OPENSEARCH_URL is set). The only step the emulator cannot run is `hardneg
search` (a knn query): there it must fail with one clear error line; on a real cluster it answers."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).parents[1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_every_work_folder_command_on_an_opensearch_work_folder(
    monkeypatch: pytest.MonkeyPatch, opensearch_url: str, index_name: str, beir_dir: Path,
    tiny_models: dict[str, str], tmp_path: Path,
) -> None:  # fmt: skip
    import httpx
    from typer.testing import CliRunner

    from hardneg_haystack.ab.opensearch_events import read_index_events
    from hardneg_haystack.cli import app
    from hardneg_haystack.components.pipelines import load_query_pipeline

    monkeypatch.chdir(tmp_path)
    runner = CliRunner()

    def ok(*args: str) -> str:
        result = runner.invoke(app, [str(a) for a in args])
        assert result.exit_code == 0, f"hardneg {' '.join(map(str, args))}\n{result.output}\n{result.exception!r}"
        return result.output

    data, work = str(beir_dir), "os"
    members = ["--member", tiny_models["bert16"], "--member", tiny_models["static8"]]
    out = ok("index", "--data", data, "--store", opensearch_url, "--index", index_name, "-w", work, *members)
    assert "indexed 8 documents as 8 store entries (24-d)" in out.replace("\n", " ")
    assert json.loads(Path(work, "index.json").read_text())["store"]["url"] == opensearch_url

    searched = runner.invoke(app, ["search", "vpn token", "-w", work])
    if os.environ.get("OPENSEARCH_URL"):  # a real cluster answers the knn query
        assert searched.exit_code == 0 and "it-" in searched.output, searched.output
    else:  # the emulator refuses it: one clear line, no traceback
        assert searched.exit_code == 2 and "Traceback" not in searched.output
        assert searched.output.startswith("error: `hardneg search` runs a knn query and OpenSearch refused it")
        # the served route answers 503 with JSON naming the cause, not a 500 with the client's raw exception
        from fastapi import HTTPException

        from hardneg_haystack.hayhooks_pipelines.embedding.pipeline_wrapper import PipelineWrapper

        monkeypatch.setenv("HARDNEG_WORK_DIR", work)
        wrapper = PipelineWrapper()
        wrapper.setup()
        with pytest.raises(HTTPException) as refused:
            wrapper.run_api("vpn token")
        assert refused.value.status_code == 503
        assert str(refused.value.detail).startswith("embedding: OpenSearch refused the request")

    ok("eval-dense", "--data", data, "-w", work, "--split", "test")
    for miner in ("ensemble", "bm25", "random", "st"):
        # st: the tiny random models score every pair alike, so the peer's margin guard is turned off
        extra = {"ensemble": ["--n-clusters", "2"], "st": ["--member", "0", "--relative-margin", "100"]}.get(miner, [])
        ok(
            "mine",
            "--data",
            data,
            "-w",
            work,
            "--miner",
            miner,
            "--num-negatives",
            "2",
            "--out",
            f"mined/{miner}",
            *extra,
        )
        stats = json.loads(Path("mined", miner, "stats.json").read_text())
        assert stats["queries"] == 2 and Path("mined", miner, "triplets.jsonl").is_file(), (miner, stats)
        assert Path("mined", miner, "triplets.jsonl").read_text().strip(), miner
    ok("mine", "--data", data, "-w", work, "--miner", "random", "--sampler", "random_score", "--out", "mined/rs")
    ok("fit-weights", "--data", data, "-w", work, "--apply")  # rewrites the stored vectors in the index
    ok("warm-start", "-w", work, "--out", "ws", "--queries", "6", "--base-model", tiny_models["bert16"],
       "--max-steps", "1", "--max-length", "32")  # fmt: skip
    ranker = Path("runs/demo/rankers/ensemble")  # where `make demo` leaves the A/B pipeline's tuned arm
    ok("train", "--mined", "mined/ensemble", "-w", work, "--out", ranker, "--base-model", "ws/model",
       "--max-steps", "2", "--batch-size", "2", "--max-length", "32", "--validation-share", "0.5")  # fmt: skip
    assert (ranker / "model" / "hardneg.json").is_file()
    out = ok("eval-rerank", "--data", data, "-w", work, "--model", f"tuned={ranker / 'model'}", "--candidates", "4")
    assert "tuned + bm25" in out
    ok("ab", "offline", "--data", data, "-w", work, "--arm", "bm25=bm25", "--arm", f"tuned={ranker / 'model'}",
       "--candidates", "4")  # fmt: skip

    ok("swap-ranker", ROOT / "pipelines/opensearch/query_bm25_rerank.yaml", "--model", ranker / "model",
       "--out", "my_pipeline.yaml")  # fmt: skip
    pipe = load_query_pipeline("my_pipeline.yaml", work_dir=work)
    q = "parental leave days"
    assert pipe.run({"retriever": {"query": q}, "ranker": {"query": q}})["maxp"]["documents"]

    config = {
        "members": [{"model": tiny_models["bert16"]}], "miners": ["random"], "num_negatives": 2,
        "candidates": [2], "depth": 8, "bootstrap": 20, "permutations": 20, "warm_start": None,
        "train": {"base_model": tiny_models["bert16"], "max_steps": 1, "batch_size": 2, "max_length": 32,
                  "validation_share": 0.5, "early_stopping_patience": 0},
    }  # fmt: skip
    Path("exp.yaml").write_text(yaml.safe_dump(config))
    ok("experiment", "--data", data, "--out", "exp", "--config", "exp.yaml", "--store", opensearch_url,
       "--index", f"{index_name}-exp")  # fmt: skip
    assert json.loads(Path("exp/index/index.json").read_text())["store"]["index"] == f"{index_name}-exp"
    results = json.loads(Path("exp/results.json").read_text())
    assert any(name.startswith("rerank[random]") for name in results["systems"])
    # issue 30: the BM25 pipeline the experiment wrote, run on the cluster, gives the report's per-query figures
    from hardneg_haystack.ingest import load_beir_queries
    from hardneg_haystack.ranking.metrics import per_query

    bm25 = load_query_pipeline("exp/pipelines/bm25.yaml", work_dir="exp/index")
    test = load_beir_queries(data, "test")
    served = {}
    for query in test:
        docs = bm25.run({"retriever": {"query": query.text}})["maxp"]["documents"]
        served[query.id] = {d.id: float(d.score) for d in docs}
    got = per_query({q.id: dict.fromkeys(q.positive_ids, 1) for q in test}, served, ("ndcg@10",))["ndcg@10"]
    assert got == pytest.approx(results["systems"]["bm25"]["per_query"]["ndcg@10"], abs=1e-6)

    # the reproduction of issue 14: the CLI server with its default pipeline on the OpenSearch work folder
    port = _free_port()
    env = dict(os.environ, PYTHONPATH=str(ROOT), HF_HUB_OFFLINE="1", HAYSTACK_TELEMETRY_ENABLED="False")
    events_index = f"{index_name}-ab"
    cmd = [sys.executable, "-m", "hardneg_haystack.cli", "ab", "serve", "--pipeline",
           ROOT / "pipelines/query_ab.yaml", "--work-dir", work, "--events", "ab/events.jsonl",
           "--events-index", events_index, "--port", port]  # fmt: skip
    server = subprocess.Popen([str(c) for c in cmd], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(240):
            try:
                if httpx.get(f"{url}/health").status_code == 200:
                    break
            except httpx.HTTPError:
                assert server.poll() is None, server.stdout.read().decode() if server.stdout else ""
                time.sleep(0.25)
        arms = set()
        for user in ("u1", "u2", "u3", "u4", "u5", "u6"):
            resp = httpx.post(f"{url}/search", json={"query": "reset VPN token", "user_id": user}, timeout=60)
            assert resp.status_code == 200, resp.text
            body = resp.json()
            arms.add(body["arm"])
            click = {"request_id": body["request_id"], "document_id": body["documents"][0]["id"], "position": 0}
            assert httpx.post(f"{url}/feedback", json=click).status_code == 200
        assert arms == {"bm25", "tuned"}
    finally:
        server.send_signal(signal.SIGTERM)  # a clean stop
        server.wait(timeout=30)
    assert server.returncode == 128 + signal.SIGTERM  # stopped through SystemExit, not killed by the signal
    events = [json.loads(line) for line in Path("ab/events.jsonl").read_text().splitlines()]
    assert sum(e["type"] == "impression" for e in events) == 6 and sum(e["type"] == "click" for e in events) == 6
    assert len(read_index_events(opensearch_url, events_index)) == 12
    out = ok("ab", "report", "--events-index", events_index, "--store", opensearch_url)
    assert "6 requests, 6 clicks" in out
