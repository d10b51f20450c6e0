"""A/B testing: sticky assignment, team-draft interleaving, the event log, reports, and the served loop."""

import json
import random
import socket
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
from haystack import Document, Pipeline

from hardneg_haystack.ab.assign import assign_arm
from hardneg_haystack.ab.clicks import ClickModel
from hardneg_haystack.ab.events import EventLog, UnknownRequestError, read_events
from hardneg_haystack.ab.interleave import credit, outcome, team_draft
from hardneg_haystack.ab.report import ab_report, wilson, write_ab_plot
from hardneg_haystack.components.ab import ABRanker
from hardneg_haystack.components.pipelines import load_pipeline

ROOT = Path(__file__).parents[1]


def test_assignment_is_sticky_and_follows_the_split() -> None:
    ids = [f"user-{i}" for i in range(20000)]
    arms = [assign_arm(u, ["A", "B"], [0.7, 0.3]) for u in ids]
    assert arms == [assign_arm(u, ["A", "B"], [0.7, 0.3]) for u in ids]  # same id, same arm
    share = Counter(arms)["A"] / len(ids)
    assert abs(share - 0.7) < 0.015
    three = Counter(assign_arm(u, ["A", "B", "C"]) for u in ids)
    assert all(abs(n / len(ids) - 1 / 3) < 0.015 for n in three.values())
    assert sum(assign_arm(u, ["A", "B"], salt="v2") != assign_arm(u, ["A", "B"]) for u in ids[:2000]) > 600
    with pytest.raises(ValueError, match="user or session id"):
        assign_arm("", ["A", "B"])
    with pytest.raises(ValueError, match="split"):
        assign_arm("u", ["A", "B"], [1.0])


def test_team_draft_interleaving_properties() -> None:
    rng = random.Random(1)
    for trial in range(200):
        pool = [f"d{i}" for i in range(12)]
        a = rng.sample(pool, 8)
        b = rng.sample(pool, 8)
        ids, teams = team_draft(a, b, k=10, rng=random.Random(trial))
        assert len(ids) == len(set(ids)) == len(teams) == min(10, len(set(a) | set(b)))  # no duplicates, none lost
        assert a[0] in ids[:2] and b[0] in ids[:2]  # each ranker's top result is shown first or second
        counts = Counter(teams)
        if len(ids) == 10 and min(len(set(a) - set(ids)), len(set(b) - set(ids))) > 0:
            assert abs(counts["A"] - counts["B"]) <= 1  # balanced teams while both lists have documents left
        for doc, team in zip(ids, teams, strict=True):  # credit goes to a ranker that ranked the document
            assert doc in (a if team == "A" else b)
    ids, teams = team_draft(["x", "y"], ["x", "y"], k=5, rng=random.Random(0))
    assert ids == ["x", "y"] and sorted(teams) == ["A", "B"]
    assert credit(["A", "B", "A"], [0, 2]) == {"A": 2, "B": 0}
    assert outcome({"A": 1, "B": 1}, ("A", "B")) == "tie"
    with pytest.raises(ValueError, match="outside"):
        credit(["A"], [3])


def test_event_log_validates_clicks_and_survives_reopen(tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    log = EventLog(path, flush_seconds=0.05)
    rid = log.impression(arm="A", query="q", unit_id="u", documents=["d1", "d2"])
    log.click(rid, document_id="d2", position=1)
    with pytest.raises(UnknownRequestError, match="unknown request id 'nope'"):
        log.click("nope", document_id="d1", position=0)
    with pytest.raises(UnknownRequestError, match="not shown at position 0 \\(it was at position 1\\)"):
        log.click(rid, document_id="d2", position=0)

    def burst(n: int) -> None:
        for i in range(n):
            log.impression(arm="B", query=f"q{i}", unit_id=f"u{i}", documents=["d1"])

    threads = [threading.Thread(target=burst, args=(50,)) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    log.close()
    events = read_events(path)
    assert sum(e["type"] == "impression" for e in events) == 201 and sum(e["type"] == "click" for e in events) == 1
    with EventLog(path) as again:  # ids already in the file are known after a restart
        again.click(rid, document_id="d1", position=0)
    assert sum(e["type"] == "click" for e in read_events(path)) == 2
    with path.open("a") as fh:
        fh.write('{"type": "impression", "request_')  # a torn last line from a killed writer
    assert len(read_events(path)) == 203


def test_ab_report_on_a_synthetic_log(tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    rng = random.Random(0)
    with EventLog(path) as log:
        for i in range(400):
            arm = assign_arm(f"u{i}", ["A", "B"])
            rid = log.impression(arm=arm, query="q", unit_id=f"u{i}", documents=["d0", "d1", "d2"])
            if rng.random() < (0.8 if arm == "B" else 0.4):
                log.click(rid, document_id="d0", position=0)
        for i in range(300):
            rid = log.impression(
                arm="interleave", query="q", unit_id=f"v{i}", documents=["d0", "d1"], attribution=["A", "B"]
            )
            pos = 1 if rng.random() < 0.8 else 0  # B contributed position 1
            log.click(rid, document_id=f"d{pos}", position=pos)
    rep = ab_report(path)
    assert rep["arms"]["B"]["ctr"] > rep["arms"]["A"]["ctr"]
    lo, hi = rep["arms"]["B"]["ctr_ci95"]
    assert lo < rep["arms"]["B"]["ctr"] < hi
    assert rep["tests"][0]["p_mrr"] < 0.001 and "B has the higher MRR" in rep["verdict"]
    wins = rep["interleaving"]["wins"]
    assert wins["B"] > wins["A"] and rep["interleaving"]["p_value"] < 0.001
    assert write_ab_plot(rep, tmp_path / "ab.png").stat().st_size > 1000
    assert wilson(0, 10)[0] == 0.0 and wilson(10, 10)[1] == 1.0


def test_click_model_prefers_relevant_top_results() -> None:
    rng = random.Random(0)
    model = ClickModel(eta=1.0, p_relevant=1.0, p_noise=0.0)
    top = sum(bool(model.clicks(["r", "x", "y"], {"r"}, rng)) for _ in range(2000))
    low = sum(bool(model.clicks(["x", "y", "r"], {"r"}, rng)) for _ in range(2000))
    assert top == 2000 and 500 < low < 850  # examined at rank 3 with probability 1/3


def test_ab_yaml_loads_and_round_trips() -> None:
    pipe = load_pipeline(ROOT / "pipelines" / "query_ab.yaml")
    ab = pipe.get_component("ab")
    assert isinstance(ab, ABRanker) and list(ab.arms) == ["bm25", "tuned"]
    assert ABRanker.from_dict(ab.to_dict()).arms == ab.arms
    with pytest.raises(ValueError, match="exactly two arms"):
        ABRanker(arms={"a": None, "b": None, "c": None}, mode="interleave")
    with pytest.raises(ValueError, match="arm 'b'"):
        ABRanker(arms={"a": None, "b": {"blend": 0.3}})


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_served_loop_search_feedback_simulate_load_report(
    beir_dir: Path, tiny_models: dict[str, str], tiny_members: list[dict], tmp_path: Path
) -> None:
    import httpx
    import uvicorn
    from haystack.components.retrievers.in_memory import InMemoryBM25Retriever

    from hardneg_haystack.ab.load import load_test
    from hardneg_haystack.ab.simulate import simulate
    from hardneg_haystack.components.ab_server import create_app
    from hardneg_haystack.components.indexing import index_documents, open_index
    from hardneg_haystack.ingest import load_beir_queries, load_documents

    work = tmp_path / "w"
    index_documents(load_documents(beir_dir), work_dir=work, members=tiny_members)
    store = open_index(work)[0]
    pipe = Pipeline()
    pipe.add_component("retriever", InMemoryBM25Retriever(document_store=store, top_k=5))
    pipe.add_component("ab", ABRanker(arms={"bm25": None, "tuned": {"model": tiny_models["bert16"]}}, top_k=3))
    pipe.connect("retriever.documents", "ab.documents")
    events = tmp_path / "events.jsonl"
    log = EventLog(events, flush_seconds=0.2)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(pipe, log), host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                if httpx.get(f"{url}/health").status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        resp = httpx.post(f"{url}/search", json={"query": "vpn token", "user_id": "alice"}, timeout=30)
        assert resp.status_code == 200, resp.text
        r = resp.json()
        assert r["arm"] in ("bm25", "tuned") and r["request_id"] and 1 <= len(r["documents"]) <= 3
        again = httpx.post(f"{url}/search", json={"query": "parental leave", "user_id": "alice"}, timeout=30).json()
        assert again["arm"] == r["arm"]  # sticky
        first = r["documents"][0]["id"]
        ok = httpx.post(f"{url}/feedback", json={"request_id": r["request_id"], "document_id": first, "position": 0})
        assert ok.status_code == 200
        bad = httpx.post(f"{url}/feedback", json={"request_id": "missing", "document_id": first, "position": 0})
        assert bad.status_code == 404 and "unknown request id" in bad.json()["detail"]
        wrong = httpx.post(f"{url}/feedback", json={"request_id": r["request_id"], "document_id": first, "position": 1})
        assert wrong.status_code == 422
        assert httpx.post(f"{url}/search", json={"query": "", "user_id": "x"}).status_code == 422

        queries = load_beir_queries(beir_dir, "train") + load_beir_queries(beir_dir, "test")
        counts = simulate(url, queries, users=10, rounds=5, model=ClickModel(p_noise=0.0))
        assert counts["requests"] == 20 and counts["errors"] == 0 and counts["clicks"] > 0
        res = load_test(url, [q.text for q in queries], requests=40, concurrency=4, event_log=events, log_wait=0.5)
        assert res["errors"] == 0 and res["impressions_missing_from_log"] == 0
        assert res["p95_ms"] >= res["p50_ms"] > 0
    finally:
        server.should_exit = True
        thread.join(timeout=10)
    assert not thread.is_alive()
    evts = read_events(events)  # the clean stop flushed everything
    assert sum(e["type"] == "impression" for e in evts) == 2 + 20 + 40
    rep = ab_report(events)
    assert set(rep["arms"]) <= {"bm25", "tuned"} and rep["requests"] == 62
    assert json.dumps(rep)  # serialisable


def test_interleave_mode_credits_both_arms(tiny_models: dict[str, str]) -> None:
    docs = [Document(id=f"d{i}", content=f"document {i} about vpn", score=float(10 - i)) for i in range(6)]
    ab = ABRanker(arms={"bm25": None, "tuned": {"model": tiny_models["bert16"]}}, mode="interleave", top_k=4)
    out = ab.run(query="vpn", documents=docs, unit_id="u1")
    assert out["arm"] == "interleave" and len(out["documents"]) == 4
    assert set(out["attribution"]) == {"bm25", "tuned"}
    assert out["documents"][:2][0].id == "d0" or out["documents"][1].id == "d0"  # BM25's top is among the first two
    assert ab.run(query="vpn", documents=docs, unit_id="u1")["attribution"] == out["attribution"]  # deterministic


def test_offline_ab_compares_two_arms_per_query(
    beir_dir: Path, tiny_models: dict[str, str], tiny_members: list[dict], tmp_path: Path
) -> None:
    from hardneg_haystack.ab.offline import OFFLINE_METRICS, offline_ab
    from hardneg_haystack.components.indexing import index_documents
    from hardneg_haystack.ingest import load_beir_queries, load_documents

    work = tmp_path / "w"
    index_documents(load_documents(beir_dir), work_dir=work, members=tiny_members)
    queries = load_beir_queries(beir_dir, "train") + load_beir_queries(beir_dir, "test")
    same = offline_ab(work, queries, {"a": None, "b": None}, candidates=4, depth=8)
    assert same["queries"] == 4 and all(t["delta"] == 0 and t["p_value"] == 1.0 for t in same["tests"].values())
    res = offline_ab(
        work, queries, {"bm25": None, "tiny": tiny_models["bert16"]}, candidates=4, depth=8, blend={"tiny": 0.0}
    )
    assert set(res["tests"]) == set(OFFLINE_METRICS)
    assert res["arms"]["tiny"] == res["arms"]["bm25"]  # blend weight 0: the BM25 order again
    with pytest.raises(ValueError, match="exactly two arms"):
        offline_ab(work, queries, {"a": None})


def test_every_arm_answers_one_entry_per_document() -> None:
    """Issue 30 item 1: chunks of one document fold to it (its best chunk), as the evaluation folds them, in
    both modes; the folded entry names its best chunk."""
    docs = [
        Document(id="kb-0091#2", content="leave days", score=9.0, meta={"parent_id": "kb-0091"}),
        Document(id="kb-0091#3", content="leave rules", score=8.0, meta={"parent_id": "kb-0091"}),
        Document(id="kb-0051", content="parental leave", score=7.0),
        Document(id="kb-0091#1", content="leave intro", score=6.0, meta={"parent_id": "kb-0091"}),
    ]
    for mode in ("split", "interleave"):
        ab = ABRanker(arms={"bm25": None, "again": None}, mode=mode, top_k=10)
        out = ab.run(query="parental leave days", documents=docs, unit_id="u1")["documents"]
        assert [d.id for d in out] == ["kb-0091", "kb-0051"], mode
        assert out[0].meta["best_chunk_id"] == "kb-0091#2" and out[0].score == 9.0
