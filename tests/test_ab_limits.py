"""The A/B server under bad input: bounded bodies and queries, idempotent feedback, an honest report (issue 16,
items 6 and 7)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from haystack import Document, Pipeline
from haystack.components.retrievers.in_memory import InMemoryBM25Retriever
from haystack.document_stores.in_memory import InMemoryDocumentStore
from typer.testing import CliRunner

from hardneg_haystack.ab.events import EventLog, read_events
from hardneg_haystack.ab.limits import MAX_BODY_BYTES, MAX_QUERY_CHARS, QUERY_READ_CHARS, clip_query
from hardneg_haystack.ab.report import ab_report
from hardneg_haystack.components.ab import ABRanker
from hardneg_haystack.components.ab_server import create_app


@pytest.fixture
def client(tmp_path: Path):  # type: ignore[no-untyped-def]
    store = InMemoryDocumentStore(shared=False)
    store.write_documents([Document(id=f"d{i}", content=f"vpn token reset step {i}") for i in range(5)])
    pipe = Pipeline()
    pipe.add_component("retriever", InMemoryBM25Retriever(document_store=store, top_k=5))
    pipe.add_component("ab", ABRanker(arms={"a": None, "b": None}, top_k=3))
    pipe.connect("retriever.documents", "ab.documents")
    log = EventLog(tmp_path / "events.jsonl", flush_seconds=0.05)
    with TestClient(create_app(pipe, log)) as c:
        c.events = log  # type: ignore[attr-defined]
        yield c


def test_oversized_body_is_413_with_a_json_message(client: TestClient) -> None:
    resp = client.post("/search", json={"query": "vpn " * 300_000, "user_id": "u"})  # ~1.2 MB: once an OOM
    assert resp.status_code == 413
    assert f"the limit is {MAX_BODY_BYTES} bytes" in resp.json()["detail"]


def test_overlong_query_is_422_and_a_long_one_is_cut_to_what_models_read(client: TestClient) -> None:
    resp = client.post("/search", json={"query": "x" * (MAX_QUERY_CHARS + 1), "user_id": "u"})
    assert resp.status_code == 422 and "at most 8192 characters" in json.dumps(resp.json())
    assert len(resp.content) < 1000 and "more characters" in resp.text  # the query is not echoed back whole
    long = client.post("/search", json={"query": "vpn token " * 500, "user_id": "u"})
    assert long.status_code == 200 and long.json()["query_truncated_to"] <= QUERY_READ_CHARS
    client.events.flush()  # type: ignore[attr-defined]
    assert max(len(e.get("query", "")) for e in read_events(client.events.path)) <= QUERY_READ_CHARS  # type: ignore[attr-defined]
    short = client.post("/search", json={"query": "vpn token", "user_id": "u"}).json()
    assert "query_truncated_to" not in short


def test_clip_query_cuts_at_a_space_near_the_limit() -> None:
    assert clip_query("short") == ("short", False)
    text, cut = clip_query("word " * 300, limit=100)
    assert cut and len(text) <= 100 and text.endswith("word")


def test_feedback_is_idempotent_per_request_and_document(client: TestClient, tmp_path: Path) -> None:
    r = client.post("/search", json={"query": "vpn token", "user_id": "u"}).json()
    doc = r["documents"][0]["id"]
    fb = {"request_id": r["request_id"], "document_id": doc, "position": 0}
    assert client.post("/feedback", json=fb).json() == {"ok": True, "duplicate": False}
    assert client.post("/feedback", json=fb).json() == {"ok": True, "duplicate": True}
    client.events.close()  # type: ignore[attr-defined]
    path = tmp_path / "events.jsonl"
    assert sum(e["type"] == "click" for e in read_events(path)) == 1
    with EventLog(path) as again:  # also across a restart
        assert again.click(r["request_id"], document_id=doc, position=0) is False


def test_report_counts_a_click_once_and_says_which_lines_it_skipped(tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    imp = {"type": "impression", "request_id": "r1", "arm": "a", "query": "q", "unit_id": "u", "documents": ["d"]}
    click = {"type": "click", "request_id": "r1", "document_id": "d", "position": 0}
    imp2 = dict(imp, request_id="r2")
    lines = [json.dumps(imp), json.dumps(click), "garbage in the middle", json.dumps(click), "[1, 2]", json.dumps(imp2)]
    path.write_text("\n".join(lines) + "\n")
    rep = ab_report(path)
    assert rep["requests"] == 2 and rep["clicks"] == 1 and rep["duplicate_clicks"] == 1
    assert rep["skipped_lines"] == 2 and rep["skipped_line_numbers"] == [3, 5]
    from hardneg_haystack.cli import app

    out = CliRunner().invoke(app, ["ab", "report", "--events", str(path)]).output
    assert "skipped 2 unreadable line(s)" in out and "line 3, 5" in out
