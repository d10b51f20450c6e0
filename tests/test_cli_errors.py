"""The CLI under bad input: one clear line on stderr, a non-zero exit, no traceback unless --debug (issue 16)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hardneg_haystack import cli
from hardneg_haystack.cli.errors import describe

runner = CliRunner()


def _run(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(cli.app, [str(a) for a in args])


def _one_clear_line(result, *needles: str, code: int = 2) -> str:  # type: ignore[no-untyped-def]
    out = result.output
    assert result.exit_code == code, out
    assert "Traceback" not in out
    lines = [line for line in out.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("error:")]
    assert len(errors) == 1, out
    for needle in needles:
        assert needle in errors[0], errors[0]
    return errors[0]


@pytest.fixture
def yamls(tmp_path: Path) -> dict[str, Path]:
    files = {
        "malformed": "components:\n  ranker: [unclosed\n",
        "untrusted": "components:\n  x:\n    type: os.system\n    init_parameters: {}\nconnections: []\n",
        "unknown": "components:\n  x:\n    type: haystack.components.nonexist.Foo\n    init_parameters: {}\n",
    }
    out = {}
    for name, text in files.items():
        out[name] = tmp_path / f"{name}.yaml"
        out[name].write_text(text)
    return out


def test_malformed_pipeline_yaml_is_one_line_naming_file_and_line(yamls: dict[str, Path]) -> None:
    _one_clear_line(_run("swap-ranker", yamls["malformed"], "--model", "x"), "malformed.yaml", "line 3")


def test_untrusted_pipeline_module_is_refused_in_one_line(yamls: dict[str, Path]) -> None:
    _one_clear_line(_run("swap-ranker", yamls["untrusted"], "--model", "x"), "untrusted.yaml", "'os'", "allowlist")
    _one_clear_line(_run("ab", "serve", "--pipeline", yamls["untrusted"]), "untrusted.yaml", "allowlist")
    _one_clear_line(_run("swap-ranker", yamls["unknown"], "--model", "x"), "unknown.yaml", "nonexist")


def test_malformed_experiment_config_names_file_and_line(tmp_path: Path, yamls: dict[str, Path]) -> None:
    res = _run("experiment", "--data", tmp_path, "--config", yamls["malformed"], "--out", tmp_path / "x")
    _one_clear_line(res, "malformed.yaml", "not valid YAML at line 3")


def test_bad_files_and_folders_are_named(tmp_path: Path) -> None:
    _one_clear_line(_run("index", "--data", tmp_path / "nope.jsonl", "-w", tmp_path / "w"), "nope.jsonl")
    _one_clear_line(_run("search", "-w", tmp_path / "nowhere", "q"), "index.json", "hardneg index")
    (tmp_path / "dmg").mkdir()
    (tmp_path / "dmg" / "index.json").write_text("{not json")
    _one_clear_line(_run("search", "-w", tmp_path / "dmg", "q"), "index.json is damaged", "hardneg index")
    _one_clear_line(_run("train", "--mined", tmp_path / "nope", "--out", tmp_path / "r"), "no training data")


def test_bad_config_value_is_named(tmp_path: Path) -> None:
    cfg = tmp_path / "exp.yaml"
    cfg.write_text("miners: [ensemble, hardest]\n")
    _one_clear_line(_run("experiment", "--data", tmp_path, "--config", cfg, "--out", tmp_path / "x"), "'hardest'")
    bad = _run("train", "--mined", tmp_path, "--out", tmp_path / "r", "--evals-per-epoch", "0")
    _one_clear_line(bad, "evals_per_epoch must be > 0")
    assert not (tmp_path / "r").exists()


def test_unexpected_error_is_one_line_unless_debug(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom() -> list:
        raise RuntimeError("kaput")

    monkeypatch.setattr("hardneg_haystack.embedding.models.list_packaged_models", boom)
    _one_clear_line(_run("models"), "unexpected RuntimeError: kaput", "--debug", code=1)
    monkeypatch.setitem(cli._debug, "on", False)
    res = _run("--debug", "models")
    assert res.exit_code != 0 and isinstance(res.exception, RuntimeError)  # the real exception, traceback and all


def test_describe_names_files_and_positions() -> None:
    assert describe(FileNotFoundError(2, "No such file or directory", "a/b.jsonl")) == (
        "a/b.jsonl: No such file or directory",
        True,
    )
    try:
        json.loads('{"a": }')
    except json.JSONDecodeError as exc:
        assert describe(exc)[0].startswith("invalid JSON at line 1, column 7")
    assert describe(KeyError("x"))[1] is False


def test_unreachable_opensearch_prints_one_line_not_retry_tracebacks(
    tmp_path: Path, beir_dir: Path, tiny_models: dict[str, str]
) -> None:
    """Measured before: 178 lines of urllib3 retry tracebacks before the message."""
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[1]))
    args = [sys.executable, "-m", "hardneg_haystack.cli", "index", "--data", str(beir_dir), "-w", str(tmp_path / "w")]
    args += ["--store", "http://127.0.0.1:9", "--member", tiny_models["static8"]]
    proc = subprocess.run(args, capture_output=True, text=True, env=env, timeout=300)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 2, out
    assert "Traceback" not in out and "unreachable" in out
    assert len([line for line in out.splitlines() if line.strip() and "indexing" not in line]) == 1, out


def test_mining_zero_negatives_is_an_error_that_says_why(
    beir_dir: Path, tiny_members: list[dict], tmp_path: Path
) -> None:
    from hardneg_haystack.components.indexing import index_documents
    from hardneg_haystack.ingest import load_documents

    work = tmp_path / "w"
    index_documents(load_documents(beir_dir)[:1], work_dir=work, members=tiny_members)  # positives not indexed
    out = tmp_path / "mined"
    res = _run("mine", "--data", beir_dir, "-w", work, "--out", out, "--miner", "bm25")
    _one_clear_line(res, "mined 0 negatives for 2 queries", "positive missing from store", "qrels")
    assert not out.exists()  # nothing written to train on


def test_cli_turns_haystack_telemetry_off_unless_opted_in(monkeypatch: pytest.MonkeyPatch) -> None:
    import haystack.telemetry._telemetry as haystack_telemetry

    sentinel = object()
    monkeypatch.setattr(haystack_telemetry, "telemetry", sentinel)
    monkeypatch.setenv("HAYSTACK_TELEMETRY_ENABLED", "true")  # the user's explicit opt-in is kept
    assert _run("models").exit_code == 0 and haystack_telemetry.telemetry is sentinel
    monkeypatch.delenv("HAYSTACK_TELEMETRY_ENABLED")
    assert _run("models").exit_code == 0 and haystack_telemetry.telemetry is None
    assert os.environ["HAYSTACK_TELEMETRY_ENABLED"] == "False"
