"""The shipped query pipelines served with Hayhooks: one wrapper per pipeline, started on loopback, asked over
HTTP; on an embedded work folder (every wrapper, through `hardneg serve` in a child process) and on an OpenSearch
work folder over the emulator (BM25 and BM25 + re-ranker, Hayhooks' app in a thread)."""

from __future__ import annotations

import ipaddress
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import httpx
import pytest

from hardneg_haystack.components.indexing import index_documents
from hardneg_haystack.components.serving import QUERY_PIPELINES, WRAPPERS_DIR, prepare_pipelines_dir, shipped_yaml
from hardneg_haystack.errors import ConfigError
from hardneg_haystack.index.stores import StoreConfig
from hardneg_haystack.ingest import load_documents

ROOT = Path(__file__).parents[1]
DOC_IDS = {"it-1", "it-2", "it-3", "hr-1", "hr-2", "pr-1", "pr-2", "pr-3"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for_pipelines(url: str, names: list[str], alive: object = None, timeout: float = 180.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if callable(alive) and not alive():
            pytest.fail("the server stopped before it answered")
        try:
            status = httpx.get(f"{url}/status", timeout=5)
            if status.status_code == 200 and sorted(status.json()["pipelines"]) == sorted(names):
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    pytest.fail(f"Hayhooks did not serve {names} within {timeout:.0f} s")


def test_wrappers_folder_has_one_wrapper_per_shipped_query_pipeline(monkeypatch: pytest.MonkeyPatch) -> None:
    from haystack.telemetry import _telemetry

    folders = sorted(p.name for p in WRAPPERS_DIR.iterdir() if (p / "pipeline_wrapper.py").is_file())
    assert folders == sorted(QUERY_PIPELINES)
    for name in folders:
        text = (WRAPPERS_DIR / name / "pipeline_wrapper.py").read_text()
        assert f'pipeline_name = "{name}"' in text
        assert shipped_yaml(name, "memory").is_file() and shipped_yaml(name, "opensearch").is_file()
    assert shipped_yaml("bm25_rerank", "opensearch").parent.name == "opensearch"
    assert shipped_yaml("bm25_rerank", "memory").parent.name == "pipelines"
    assert shipped_yaml("bm25", "memory").parent.name == "opensearch"  # the only BM25-alone YAML: bound, it works
    with pytest.raises(ConfigError, match="unknown query pipeline 'ab'"):
        shipped_yaml("ab", "memory")

    # a wrapper without a work folder refuses to set up, and leaves Haystack's telemetry off unless asked for
    from hardneg_haystack.components.serving import QueryPipelineWrapper

    class Wrapper(QueryPipelineWrapper):
        pipeline_name = "bm25"

    monkeypatch.delenv("HARDNEG_WORK_DIR", raising=False)
    monkeypatch.delenv("HAYSTACK_TELEMETRY_ENABLED", raising=False)
    monkeypatch.setattr(_telemetry, "telemetry", object())  # as Haystack sets it up when the variable is unset
    with pytest.raises(ConfigError, match="set HARDNEG_WORK_DIR"):
        Wrapper().setup()
    assert _telemetry.telemetry is None and os.environ["HAYSTACK_TELEMETRY_ENABLED"] == "False"
    on = object()
    monkeypatch.setenv("HAYSTACK_TELEMETRY_ENABLED", "true")  # asked for: left alone
    monkeypatch.setattr(_telemetry, "telemetry", on)
    with pytest.raises(ConfigError):
        Wrapper().setup()
    assert _telemetry.telemetry is on


def test_hardneg_serve_runs_every_wrapper_with_hayhooks_on_loopback(
    beir_dir: Path, tiny_members: list[dict], tiny_models: dict[str, str], tmp_path: Path
) -> None:
    work = tmp_path / "mem"
    index_documents(load_documents(beir_dir), work_dir=work, members=tiny_members)
    port = _free_port()
    scratch = tmp_path / "tmp"  # the server's temp directory: its wrappers folder must be gone after a SIGTERM
    scratch.mkdir()
    env = dict(os.environ, PYTHONPATH=str(ROOT), XDG_CACHE_HOME=str(tmp_path / "cache"), TMPDIR=str(scratch))
    cmd = [sys.executable, "-m", "hardneg_haystack.cli", "serve", "-w", str(work), "--port", str(port)]
    cmd += ["--ranker-model", tiny_models["bert16"]]
    log = (tmp_path / "serve.log").open("w+")
    proc = subprocess.Popen(cmd, cwd=tmp_path, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_for_pipelines(url, list(QUERY_PIPELINES), alive=lambda: proc.poll() is None)
        for name in QUERY_PIPELINES:
            resp = httpx.post(f"{url}/{name}/run", json={"query": "reset vpn token", "top_k": 3}, timeout=60)
            assert resp.status_code == 200, (name, resp.text)
            ids = [d["id"] for d in resp.json()["result"]]
            assert 1 <= len(ids) <= 3 and set(ids) <= DOC_IDS, (name, ids)
            if name == "bm25":
                assert ids[0] == "it-1"
        full = httpx.post(f"{url}/bm25_rerank/run", json={"query": "api rate limit error"}, timeout=60).json()
        docs = full["result"]
        assert "pr-3" in [d["id"] for d in docs] and {"id", "score", "content", "meta"} <= set(docs[0])
        assert httpx.post(f"{url}/bm25/run", json={"query": "vpn", "top_k": 0}).status_code == 422
        assert httpx.post(f"{url}/bm25/run", json={"top_k": 2}).status_code == 422
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.seek(0)
        output = log.read()
        log.close()
    assert f"with Hayhooks on http://127.0.0.1:{port}" in output, output[-3000:]
    assert proc.returncode == 128 + signal.SIGTERM, output[-3000:]  # stopped by SystemExit, not killed
    assert [p.name for p in scratch.iterdir() if p.name.startswith("hardneg-hayhooks-")] == []


@pytest.fixture
def os_work(opensearch_url: str, index_name: str, beir_dir: Path, tiny_members: list[dict], tmp_path: Path) -> Path:
    work = tmp_path / "os"
    cfg = StoreConfig(url=opensearch_url, index=index_name)
    index_documents(load_documents(beir_dir), work_dir=work, store_config=cfg, members=tiny_members)
    return work


@pytest.fixture
def loopback_only(monkeypatch: pytest.MonkeyPatch, opensearch_url: str) -> Iterator[list[object]]:
    """Every outgoing connection of this process must go to loopback (or to OPENSEARCH_URL's host)."""
    allowed = {urlparse(opensearch_url).hostname, "localhost"}
    refused: list[object] = []
    connect = socket.socket.connect

    def guarded(sock: socket.socket, address: object) -> object:
        host = address[0] if isinstance(address, tuple) else None
        if host is not None and host not in allowed:
            try:
                local = ipaddress.ip_address(host).is_loopback
            except ValueError:
                local = False
            if not local:
                refused.append(address)
                raise ConnectionRefusedError(f"test: no network beyond loopback ({address})")
        return connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)
    yield refused


def test_hayhooks_serves_the_bm25_wrappers_on_an_opensearch_work_folder(
    monkeypatch: pytest.MonkeyPatch, os_work: Path, tiny_models: dict[str, str], tmp_path: Path,
    loopback_only: list[object],
) -> None:  # fmt: skip
    import uvicorn
    from hayhooks.server.app import create_app
    from hayhooks.server.pipelines.registry import registry
    from hayhooks.server.utils.module_loader import unload_pipeline_modules
    from hayhooks.settings import StartupDeployStrategy, settings

    names = ["bm25", "bm25_rerank"]
    monkeypatch.setenv("HARDNEG_WORK_DIR", str(os_work))
    monkeypatch.setenv("HARDNEG_RANKER_MODEL", tiny_models["bert16"])
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(settings, "pipelines_dir", str(prepare_pipelines_dir(names, tmp_path / "hayhooks")))
    monkeypatch.setattr(settings, "startup_deploy_strategy", StartupDeployStrategy.SEQUENTIAL)  # as `hardneg serve`
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(), host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_for_pipelines(url, names, alive=thread.is_alive)
        bm25 = registry.get("bm25").pipeline
        assert type(bm25.get_component("retriever")).__name__ == "OpenSearchBM25Retriever"
        resp = httpx.post(f"{url}/bm25/run", json={"query": "parental leave"}, timeout=30)
        assert resp.status_code == 200, resp.text
        assert resp.json()["result"][0]["id"] == "hr-1"
        resp = httpx.post(f"{url}/bm25_rerank/run", json={"query": "api rate limit error", "top_k": 4}, timeout=60)
        assert resp.status_code == 200, resp.text
        ids = [d["id"] for d in resp.json()["result"]]
        assert "pr-3" in ids and len(ids) <= 4 and set(ids) <= DOC_IDS
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        for name in names:
            registry.remove(name)
            unload_pipeline_modules(name)
    assert loopback_only == []
