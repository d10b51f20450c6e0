"""A catalogue of bad inputs to every command (issue 16): each exits 2 with one line naming the problem, no
traceback, and leaves what was already written unchanged."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hardneg_haystack.cli import app


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory, tiny_models: dict[str, str]) -> Path:
    """A folder with an index, a mining output and a collection of broken input files."""
    from conftest import DOCS, QUERIES  # the tests folder is on sys.path under pytest

    from hardneg_haystack.components.indexing import index_documents
    from hardneg_haystack.ingest import load_documents

    root = tmp_path_factory.mktemp("catalogue")
    beir = root / "beir"
    (beir / "qrels").mkdir(parents=True)
    (beir / "corpus.jsonl").write_text(
        "".join(json.dumps({"_id": d, "title": t, "text": x}) + "\n" for d, t, x in DOCS)
    )
    (beir / "queries.jsonl").write_text("".join(json.dumps({"_id": q, "text": t}) + "\n" for q, t, _, _ in QUERIES))
    for split in ("train", "test"):
        rows = [f"{q}\t{p}\t1" for q, _, ps, s in QUERIES if s == split for p in ps]
        (beir / "qrels" / f"{split}.tsv").write_text("query-id\tcorpus-id\tscore\n" + "\n".join(rows) + "\n")
    index_documents(load_documents(beir), work_dir=root / "base", members=[{"model": tiny_models["static8"]}])
    files = {
        "badline.jsonl": '{"_id": "a", "text": "x"}\n{broken\n',
        "empty.jsonl": "",
        "list.yaml": "- a\n- b\n",
        "unknown_field.yaml": "bogus_field: 1\n",
        "bad_loss.yaml": "train: {loss: hinge}\n",
        "bad_miner.yaml": "miners: [ensemble, hardest]\n",
        "malformed.yaml": "components:\n  ranker: [unclosed\n",
        "untrusted.yaml": "components:\n  x:\n    type: os.system\n    init_parameters: {}\nconnections: []\n",
        "triplets_missing_field.jsonl": json.dumps({"query": "q", "positive": "p"}) + "\n",
        "queries_missing_text.jsonl": json.dumps({"_id": "q1"}) + "\n",
    }
    for name, text in files.items():
        (root / name).write_text(text)
    (root / "latin1.jsonl").write_bytes(b'{"_id": "a", "text": "caf\xe9"}\n')
    (root / "damaged").mkdir()
    (root / "damaged" / "index.json").write_text("{torn")
    shutil.copytree(root / "base", root / "damaged_store")
    (root / "damaged_store" / "store.json").write_text("[]]")
    return root


CASES: list[tuple[str, list[str], str]] = [
    ("index without a source", ["index", "-w", "x1"], "exactly one of --data or --urls"),
    ("index missing corpus", ["index", "--data", "nope.jsonl", "-w", "x"], "nope.jsonl"),
    ("index empty corpus", ["index", "--data", "empty.jsonl", "-w", "x"], "no documents"),
    ("index malformed JSONL line", ["index", "--data", "badline.jsonl", "-w", "x"], "badline.jsonl:2"),
    ("index non-UTF-8 corpus", ["index", "--data", "latin1.jsonl", "-w", "x"], "latin1.jsonl:1: not UTF-8"),
    ("index bad fusion", ["index", "--data", "beir", "-w", "x", "--fusion", "bogus", "--member", "S8"], "'bogus'"),
    (
        "index weights vs members",
        ["index", "--data", "beir", "-w", "x", "--member", "S8", "--weight", "1", "--weight", "2"],
        "--weight given 2 times",
    ),  # fmt: skip
    ("index missing model", ["index", "--data", "beir", "-w", "x", "--member", "no/such/model"], "does not exist"),
    ("index other ensemble", ["index", "--data", "beir", "-w", "base", "--member", "B16"], "--rebuild"),
    (
        "index unreachable store",
        ["index", "--data", "beir", "-w", "x", "--store", "ftp://x", "--member", "S8"],
        "expected 'memory' or an http(s)",
    ),  # fmt: skip
    ("search no index", ["search", "-w", "nowhere", "q"], "no index here"),
    ("search damaged index.json", ["search", "-w", "damaged", "q"], "index.json is damaged"),
    ("search damaged store.json", ["search", "-w", "damaged_store", "q"], "store.json is damaged"),
    ("search bad top-k", ["search", "-w", "base", "q", "--top-k", "abc"], "Invalid value for '--top-k'"),
    ("mine unknown miner", ["mine", "--data", "beir", "-w", "base", "--miner", "bogus", "--out", "m"], "'bogus'"),
    ("mine unknown split", ["mine", "--data", "beir", "-w", "base", "--split", "nosuch", "--out", "m"], "'nosuch'"),
    ("mine missing queries", ["mine", "--data", "nope.jsonl", "-w", "base", "--out", "m"], "nope.jsonl"),
    (
        "mine queries without text",
        ["mine", "--data", "queries_missing_text.jsonl", "-w", "base", "--out", "m"],
        "queries_missing_text.jsonl",
    ),  # fmt: skip
    ("mix bad spec", ["mix", "--source", "bad"], "FOLDER=N"),
    ("mix missing folder", ["mix", "--source", "nofolder=2"], "not a mining output folder"),
    ("train missing data", ["train", "--mined", "nope", "--out", "r"], "no training data"),
    ("train row missing field", ["train", "--mined", "triplets_missing_field.jsonl", "--out", "r"], "row 1 lacks"),
    ("train bad loss", ["train", "--mined", "triplets_missing_field.jsonl", "--loss", "bogus"], "unknown loss"),
    ("train bad precision", ["train", "--mined", "x.jsonl", "--precision", "bogus"], "unknown precision"),
    ("experiment missing config", ["experiment", "--data", "beir", "--config", "nope.yaml"], "nope.yaml"),
    ("experiment config not a mapping", ["experiment", "--data", "beir", "--config", "list.yaml"], "mapping"),
    ("experiment unknown field", ["experiment", "--data", "beir", "--config", "unknown_field.yaml"], "bogus_field"),
    (
        "experiment bad train value",
        ["experiment", "--data", "beir", "--config", "bad_loss.yaml"],
        "bad_loss.yaml: unknown loss 'hinge'",
    ),
    (
        "experiment --quick bad miner",
        ["experiment", "--data", "beir", "--config", "bad_miner.yaml", "--quick"],
        "bad_miner.yaml: unknown miner(s) 'hardest'",
    ),  # fmt: skip
    ("experiment malformed YAML", ["experiment", "--data", "beir", "--config", "malformed.yaml"], "line 3"),
    ("swap-ranker missing YAML", ["swap-ranker", "nope.yaml", "--model", "x"], "not found"),
    ("swap-ranker malformed YAML", ["swap-ranker", "malformed.yaml", "--model", "x"], "line 3"),
    ("swap-ranker untrusted YAML", ["swap-ranker", "untrusted.yaml", "--model", "x"], "allowlist"),
    ("ab serve untrusted YAML", ["ab", "serve", "--pipeline", "untrusted.yaml"], "allowlist"),
    ("ab report no log", ["ab", "report", "--events", "nope.jsonl"], "no event log"),
    ("ab offline bad arm", ["ab", "offline", "--data", "beir", "--arm", "bad"], "NAME=MODEL"),
    ("ab simulate missing queries", ["ab", "simulate", "--data", "nope.jsonl"], "nope.jsonl"),
    ("fit-weights no index", ["fit-weights", "--data", "beir", "-w", "nowhere"], "no index here"),
    ("eval-rerank no index", ["eval-rerank", "--data", "beir", "-w", "nowhere", "--model", "a=b"], "no index here"),
    ("eval-dense missing split", ["eval-dense", "--data", "nope", "-w", "base"], "qrels split 'test' not found"),
    ("export-onnx missing model", ["export-onnx", "--model", "nope"], "'nope'"),
    ("warm-start no index", ["warm-start", "-w", "nowhere"], "no index here"),
    ("tune-dense no index", ["tune-dense", "-w", "nowhere", "--mined", "m", "--data", "beir"], "no index here"),
    ("tune-dense not mined", ["tune-dense", "-w", "base", "--mined", "beir", "--data", "beir"], "not a mining output"),
]


def _snapshot(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.rglob("*")
            if p.is_file()}  # fmt: skip


@pytest.mark.parametrize(("args", "needle"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_is_one_clear_line_and_changes_nothing(
    ws: Path, tiny_models: dict[str, str], monkeypatch: pytest.MonkeyPatch, args: list[str], needle: str
) -> None:
    monkeypatch.chdir(ws)
    aliases = {"S8": tiny_models["static8"], "B16": tiny_models["bert16"]}
    before = _snapshot(ws)
    res = CliRunner().invoke(app, [aliases.get(a, a) for a in args])
    out = res.output
    _record(args, needle, res.exit_code, out, res.exception, _snapshot(ws) == before)
    assert res.exit_code == 2, out
    assert "Traceback" not in out and (res.exception is None or isinstance(res.exception, SystemExit)), out
    assert needle in out, out
    errors = [line for line in out.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "Usage:" not in out, out  # one line, click's usage errors too (no usage box)
    assert _snapshot(ws) == before  # nothing already written changed (and nothing new was left behind)


def grade(
    args: list[str], exit_code: int, out: str, exception: BaseException | None, needle: str, unchanged: bool
) -> str:
    """GOOD: exit 2, our one ``error:`` line naming the problem (the case's needle: file, line, value or flag;
    for a config value, the --config file too), no traceback, nothing changed. WEAK: a clean refusal (exit 2,
    no traceback, nothing changed) whose message misses what it should name, or click's usage box instead of
    our line. BAD: another exit code, a traceback, or something already written changed."""
    clean = "Traceback" not in out and (exception is None or isinstance(exception, SystemExit))
    if exit_code != 2 or not clean or not unchanged:
        return "BAD"
    errors = [line for line in out.splitlines() if line.startswith("error:")]
    config = args[args.index("--config") + 1] if "--config" in args else None
    named = needle in out and (config is None or (len(errors) == 1 and config in errors[0]))
    return "GOOD" if len(errors) == 1 and named else "WEAK"


def _record(args: list[str], needle: str, code: int, out: str, exc: BaseException | None, unchanged: bool) -> None:
    """With HARDNEG_CATALOGUE_TABLE=<file>: one JSON line per case (the grade and the message) for docs/RESULTS.md."""
    target = os.environ.get("HARDNEG_CATALOGUE_TABLE")
    if not target:
        return
    name = next(c[0] for c in CASES if c[1] == args and c[2] == needle)
    message = next((line for line in out.splitlines() if line.startswith("error:")), out.strip().splitlines()[-1:])
    row = {"case": name, "grade": grade(args, code, out, exc, needle, unchanged), "exit": code, "message": message}
    with open(target, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(row) + "\n")


def test_catalogue_is_at_least_forty_cases() -> None:
    assert len(CASES) >= 40
