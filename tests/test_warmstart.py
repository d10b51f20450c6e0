import json
from pathlib import Path

import numpy as np
import pytest

from hardneg_haystack.errors import ConfigError
from hardneg_haystack.mining.corpus import Corpus
from hardneg_haystack.training.pseudo_queries import make_pseudo_queries, split_title
from hardneg_haystack.training.warmstart import WarmStartConfig, teacher_lists

TEXTS = [
    "Reset your VPN token\nOpen the self-service portal. Choose reset token for the VPN. "
    "Scan the new code with your phone. The old token stops working at once.",
    "Parental leave\nStaff get sixteen weeks of parental leave. Managers approve the dates. "
    "Apply through the HR portal before the leave starts.",
    "Printer setup\nInstall the office printer from the software centre. Pick the floor printer. "
    "Print a test page to check the driver.",
    "no title here, one long line: staff who lose a badge at the office ask the portal for a new token",
]


def test_split_title() -> None:
    assert split_title("Title\nBody text.") == ("Title", "Body text.")
    assert split_title("only one line") == ("", "only one line")
    assert split_title("Title\n   ") == ("", "Title")


def test_pseudo_queries_kinds_are_faithful_and_seeded() -> None:
    first_round = make_pseudo_queries(TEXTS, n=4, seed=3)
    assert sorted(q.source for q in first_round) == [0, 1, 2, 3]  # every entry once before any twice
    queries = make_pseudo_queries(TEXTS, n=10, seed=3)
    assert len(queries) == 10 and len({(q.source, q.text) for q in queries}) == 10  # revisits, never repeats
    assert queries == make_pseudo_queries(TEXTS, n=10, seed=3)
    for q in queries:
        source = TEXTS[q.source]
        if q.kind == "title":
            assert source.startswith(q.text + "\n") and q.text not in q.passage
        elif q.kind == "sentence":
            assert q.text in source and q.text not in q.passage  # cut out of the passage the model sees
        else:
            assert q.kind == "keywords" and q.passage == source
            assert all(w in source.lower() for w in q.text.split())
    titles = make_pseudo_queries(TEXTS, n=10, seed=1, kinds=["title"])
    assert {q.kind for q in titles} == {"title"} and len(titles) == 3  # the untitled entry yields none
    with pytest.raises(ValueError, match="kinds"):
        make_pseudo_queries(TEXTS, n=2, kinds=["questions"])


def _corpus() -> Corpus:
    ids = ["a#0", "a#1", "b", "c", "d", "e"]
    parents = ["a", "a", "b", "c", "d", "e"]
    return Corpus(ids=ids, parent_ids=parents, contents=[f"text {i}" for i in ids], embeddings=None)


def test_teacher_lists_put_the_source_first_and_follow_the_teacher() -> None:
    from hardneg_haystack.training.pseudo_queries import PseudoQuery

    corpus = _corpus()
    pq = PseudoQuery("query", 0, "sentence", "passage without the sentence")
    bm25 = [[(0, 9.0), (1, 8.0), (2, 5.0), (3, 1.0)]]  # the source's own chunk (1) must be left out
    dense = np.array([[0.9, 0.8, 0.7, 0.1, 0.0, 0.5]])
    cfg = WarmStartConfig(pool=4, list_size=4, hard=2, teacher_weight=0.5, temperature=0.5, bm25_text=False)
    (row,) = teacher_lists([pq], corpus, bm25, dense, cfg)
    assert row["docs"][0] == "passage without the sentence" and row["source"] == "a#0"
    assert "text a#1" not in row["docs"] and len(row["docs"]) == 4
    assert row["docs"][1:3] == ["text b", "text e"]  # teacher's best two: b (both signals), e (dense 0.5)
    labels = row["labels"]
    assert labels[0] == pytest.approx(1 / 0.5) and all(v <= labels[0] for v in labels)
    assert labels[1] >= labels[2] >= 0


def test_teacher_lists_of_a_real_query_follow_the_teacher_alone() -> None:
    from hardneg_haystack.training.pseudo_queries import PseudoQuery
    from hardneg_haystack.training.warmstart import QUERY_KIND

    corpus = _corpus()
    real = PseudoQuery("how do I reset a token", -1, QUERY_KIND, "")
    bm25 = [[(0, 9.0), (1, 8.0), (2, 5.0), (3, 1.0)]]
    dense = np.array([[0.9, 0.8, 0.7, 0.1, 0.0, 0.5]])
    cfg = WarmStartConfig(pool=4, list_size=4, hard=2, teacher_weight=0.5, temperature=0.5, bm25_text=True)
    (row,) = teacher_lists([real], corpus, bm25, dense, cfg)
    assert row["source"] is None and row["kind"] == QUERY_KIND and len(row["docs"]) == 4
    assert row["docs"][0].endswith("text a#0")  # no source passage: the teacher's best (both signals) leads
    assert row["docs"][0].startswith("100 [SEP] ")  # BM25's best, tagged like every candidate
    assert row["labels"][0] == max(row["labels"]) == pytest.approx(1 / 0.5)  # its min-max top, not a label


def test_warm_start_config_is_checked() -> None:
    with pytest.raises(ConfigError, match="list_size"):
        WarmStartConfig(list_size=4, hard=4)
    with pytest.raises(ConfigError, match="kinds"):
        WarmStartConfig(kinds=["nope"])
    assert WarmStartConfig(train={"learning_rate": 1e-4}).train.batch_size == 4  # defaults kept


def test_warm_start_trains_caches_and_refuses_other_settings(
    tiny_index: Path, tiny_models: dict[str, str], tmp_path: Path
) -> None:
    from hardneg_haystack.components.indexing import open_index
    from hardneg_haystack.embedding.models import load_cross_encoder
    from hardneg_haystack.mining.corpus import load_corpus
    from hardneg_haystack.training.warmstart import warm_start

    store, embedder, _ = open_index(tiny_index)
    corpus = load_corpus(store)
    cfg = WarmStartConfig(queries=8, pool=4, list_size=3, hard=1, train={"base_model": tiny_models["bert16"]})
    out = tmp_path / "ws"
    res = warm_start(corpus, store, embedder.ensemble, out, cfg)
    assert not res.cached and res.lists > 0 and res.steps > 0
    assert load_cross_encoder(str(res.model_dir)).predict([("vpn", "vpn token")]).shape == (1,)
    again = warm_start(corpus, store, embedder.ensemble, out, cfg)
    assert again.cached and again.model_dir == res.model_dir
    with pytest.raises(ConfigError, match="other settings"):
        warm_start(corpus, store, embedder.ensemble, out, WarmStartConfig(queries=7, train=cfg.train))
    with pytest.raises(ConfigError, match="other settings"):  # other query texts: another model
        warm_start(corpus, store, embedder.ensemble, out, cfg, query_texts=["reset a vpn token"])
    texts = ["reset a vpn token", "reset a vpn token"]  # a query log repeats itself: one list per distinct text
    logged = warm_start(corpus, store, embedder.ensemble, tmp_path / "q", cfg, query_texts=texts)
    info = json.loads((tmp_path / "q" / "warmstart.json").read_text())
    assert info["kinds"]["query"] == 1 and logged.lists == res.lists + 1 and logged.kinds["query"] == 1
    cached = warm_start(corpus, store, embedder.ensemble, tmp_path / "q", cfg, query_texts=texts)
    assert cached.cached and cached.kinds == logged.kinds


def test_warm_start_cli(tiny_index: Path, tiny_models: dict[str, str], beir_dir: Path, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from hardneg_haystack.cli import app

    runner = CliRunner()
    missing = runner.invoke(app, ["warm-start", "-w", str(tmp_path / "nowhere"), "--out", str(tmp_path / "x")])
    assert missing.exit_code == 2 and "error:" in missing.output and "Traceback" not in missing.output
    args = ["warm-start", "-w", str(tiny_index), "--out", str(tmp_path / "ws"), "--queries", "6"]
    args += ["--base-model", tiny_models["bert16"], "--max-steps", "2", "--data", str(beir_dir)]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    assert "2 steps" in first.output and "validation_ndcg@10" in first.output
    # the experiment's warm start: judged at the half and the end of its epoch (not 4 times, not at step 0)
    whole = runner.invoke(app, [*args[:4], str(tmp_path / "we"), "--queries", "16", *args[7:9], *args[11:]])
    assert whole.exit_code == 0, whole.output
    info = json.loads((tmp_path / "we" / "warmstart.json").read_text())
    history = json.loads((tmp_path / "we" / "history.json").read_text())
    judged = [h["step"] for h in history if any(k.endswith("ndcg@10") for k in h)]
    assert info["steps"] == 4 and judged == [2, 4], history
    again = runner.invoke(app, args)
    assert again.exit_code == 0 and "reused" in again.output
    log = tmp_path / "queries.txt"
    log.write_text("reset a vpn token\n\nparental leave weeks\n")
    logged = runner.invoke(app, [*args[:4], str(tmp_path / "wq"), *args[5:], "--query-texts", str(log)])
    assert logged.exit_code == 0, logged.output
    assert json.loads((tmp_path / "wq" / "warmstart.json").read_text())["kinds"]["query"] == 2
    bad = runner.invoke(app, [*args[:4], str(tmp_path / "wb"), *args[5:], "--query-texts", str(tmp_path / "no.txt")])
    assert bad.exit_code == 2 and "no.txt: no such file" in bad.output


def test_corpus_warm_start_component_round_trips(tiny_index: Path) -> None:
    from hardneg_haystack import CorpusWarmStart
    from hardneg_haystack.components.indexing import open_index

    store, embedder, _ = open_index(tiny_index)
    comp = CorpusWarmStart(document_store=store, text_embedder=embedder, output_dir="x", queries=7)
    again = CorpusWarmStart.from_dict(comp.to_dict())
    assert again.config == comp.config and again.output_dir == "x"
    assert again.text_embedder.ensemble.to_dict() == embedder.ensemble.to_dict()
    with pytest.raises(TypeError, match="unknown parameter"):
        CorpusWarmStart(document_store=store, text_embedder=embedder, output_dir="x", quries=7)
