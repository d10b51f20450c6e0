"""The CLI package: its spec parsers, its command list, and a few commands' argument handling (fast, tiny models)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer.main
from typer.testing import CliRunner

from hardneg_haystack.ab.offline import parse_arms, parse_blend
from hardneg_haystack.cli import app
from hardneg_haystack.errors import ConfigError, HardnegError
from hardneg_haystack.evaluation.rerank import parse_models
from hardneg_haystack.mining.factory import MINERS, member_ref
from hardneg_haystack.mining.mix import parse_source

runner = CliRunner()


def _run(*args: object):  # type: ignore[no-untyped-def]
    return runner.invoke(app, [str(a) for a in args])


def test_mix_source_spec() -> None:
    assert parse_source("runs/mined/ensemble=2") == ("runs/mined/ensemble", 2)
    assert parse_source("runs/a=b/random=3") == ("runs/a=b/random", 3)  # the last '=' splits
    for bad in ("runs/mined/ensemble", "runs/mined/ensemble=two", "x=-1"):
        with pytest.raises(ConfigError, match="write FOLDER=N"):
            parse_source(bad)


def test_eval_rerank_model_spec() -> None:
    assert parse_models(["ft=runs/ranker/model", "runs/other/", "minilm"]) == {
        "ft": "runs/ranker/model",
        "other": "runs/other/",
        "minilm": "minilm",
    }


def test_ab_offline_arm_and_blend_specs() -> None:
    assert parse_arms(["base=bm25", "ft=runs/ranker/model"]) == {"base": None, "ft": "runs/ranker/model"}
    for bad in ("ft", "ft="):
        with pytest.raises(HardnegError, match="write NAME=MODEL or NAME=bm25"):
            parse_arms([bad])
    assert parse_blend(["ft=0.6"]) == {"ft": 0.6}
    assert parse_blend(None) == {}


def test_member_ref() -> None:
    assert member_ref("1") == 1
    assert member_ref("bert16") == "bert16"
    assert member_ref(None) is None
    assert member_ref(2) == 2


def test_every_command_is_registered_in_order() -> None:
    group = typer.main.get_command(app)
    assert list(group.list_commands(None)) == [  # type: ignore[arg-type]
        "models", "index", "search", "eval-dense", "fit-weights", "mine", "mix", "train", "warm-start", "distil",
        "tune-dense", "swap-ranker", "export-onnx", "eval-rerank", "experiment", "demo", "serve", "ab",
    ]  # fmt: skip
    ab = group.get_command(None, "ab")  # type: ignore[arg-type]
    assert list(ab.list_commands(None)) == ["serve", "simulate", "load", "report", "offline"]  # type: ignore[union-attr]


def test_bad_specs_are_one_line_errors(tmp_path: Path) -> None:
    res = _run("mix", "--source", "runs/mined/ensemble", "--out", tmp_path / "mix")
    assert res.exit_code == 2, res.output
    assert "--source 'runs/mined/ensemble': write FOLDER=N" in res.output
    res = _run("ab", "offline", "--data", tmp_path, "--arm", "ft")
    assert res.exit_code == 2, res.output
    assert "--arm 'ft': write NAME=MODEL or NAME=bm25" in res.output


@pytest.fixture
def indexed(beir_dir: Path, tiny_members: list[dict], tmp_path: Path) -> Path:
    from hardneg_haystack.components.indexing import index_documents
    from hardneg_haystack.ingest import load_documents

    work = tmp_path / "index"
    index_documents(load_documents(beir_dir), work_dir=work, members=tiny_members)
    return work


def test_mine_checks_the_miner_and_its_sampler(indexed: Path, beir_dir: Path, tmp_path: Path) -> None:
    res = _run("mine", "--data", beir_dir, "-w", indexed, "--miner", "nope", "--out", tmp_path / "m")
    assert res.exit_code == 2, res.output
    assert "unknown miner 'nope': ensemble, bm25, random or st" in res.output
    res = _run("mine", "--data", beir_dir, "-w", indexed, "--miner", "random", "--sampler", "dice")
    assert res.exit_code == 2, res.output
    assert "sampler must be 'scan' or 'random_score'" in res.output
    assert set(MINERS) == {"ensemble", "bm25", "random", "st"}


def test_mine_then_mix_through_the_cli(indexed: Path, beir_dir: Path, tmp_path: Path) -> None:
    for miner in ("bm25", "random"):
        res = _run("mine", "--data", beir_dir, "-w", indexed, "--miner", miner, "--num-negatives", 2,
                   "--out", tmp_path / miner)  # fmt: skip
        assert res.exit_code == 0, res.output
        assert (tmp_path / miner / "triplets.jsonl").is_file()
        assert json.loads((tmp_path / miner / "stats.json").read_text())["miner"] == miner
    res = _run("mix", "--source", f"{tmp_path / 'bm25'}=1", "--source", f"{tmp_path / 'random'}=1",
               "--out", tmp_path / "mix")  # fmt: skip
    assert res.exit_code == 0, res.output
    assert "negatives per query" in res.output
    assert (tmp_path / "mix" / "triplets.jsonl").is_file()


def test_mine_with_one_member_by_position(indexed: Path, beir_dir: Path, tmp_path: Path) -> None:
    res = _run("mine", "--data", beir_dir, "-w", indexed, "--member", "0", "--num-negatives", 2,
               "--out", tmp_path / "single")  # fmt: skip
    # "0" is the first member (a position): accepted, mined (this tiny corpus may leave no negative after the guard)
    assert "is not in the ensemble" not in res.output
    assert res.exit_code == 0 or "mined 0 negatives" in res.output, res.output
    res = _run("mine", "--data", beir_dir, "-w", indexed, "--member", "nobody", "--out", tmp_path / "x")
    assert res.exit_code == 2, res.output
    assert "member 'nobody' is not in the ensemble" in res.output


def test_tune_dense_validates_each_epoch_and_applies_only_a_better_member(
    indexed: Path, beir_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    res = _run("mine", "--data", beir_dir, "-w", indexed, "--miner", "random", "--num-negatives", 1,
               "--out", tmp_path / "mined")  # fmt: skip
    assert res.exit_code == 0, res.output
    before = json.loads((indexed / "index.json").read_text())["ensemble"]["members"]
    common = ("--mined", tmp_path / "mined", "-w", indexed, "--epochs", 1, "--batch-size", 2, "--max-length", 16,
              "--precision", "fp32", "--out", tmp_path / "dense")  # fmt: skip
    res = _run("tune-dense", *common, "--data", beir_dir, "--split", "test", "--member", "nobody")
    assert res.exit_code == 2 and "member 'nobody': the ensemble's members are" in res.output, res.output
    res = _run("tune-dense", *common, "--data", beir_dir, "--split", "train")  # validating on the mined queries
    assert res.exit_code == 2 and "validation queries of" in res.output, res.output

    res = _run("tune-dense", *common, "--data", beir_dir, "--split", "test")  # real validation, no --apply
    assert res.exit_code == 0 and "validation nDCG@10" in res.output, res.output
    assert json.loads((indexed / "index.json").read_text())["ensemble"]["members"] == before

    from hardneg_haystack.workflows import tune_dense

    real = tune_dense.member_validator

    def improving(*args: object, **kwargs: object) -> object:
        validate, calls = real(*args, **kwargs), []  # type: ignore[arg-type]
        return lambda model: (calls.append(validate(model)), len(calls))[1]  # the real score runs; later is better

    monkeypatch.setattr(tune_dense, "member_validator", improving)

    class Unremembered(tune_dense.Judgements):  # each call counts, even for weights judged before
        def judge(self, model, samples_key, precision, score):  # type: ignore[no-untyped-def]
            return score()

    monkeypatch.setattr(tune_dense, "Judgements", Unremembered)
    res = _run("tune-dense", *common, "--data", beir_dir, "--split", "test", "--apply")
    assert res.exit_code == 0, res.output
    saved = json.loads((tmp_path / "dense" / "dense_tune.json").read_text())
    assert saved["curve"] == [1, 2] and saved["best_epoch"] == 1 and "index rewritten" in res.output
    after = json.loads((indexed / "index.json").read_text())["ensemble"]["members"]
    heaviest = max(range(len(before)), key=lambda i: before[i]["weight"])
    assert after[heaviest]["model"] == "../dense/model"  # relative to the index folder: the two move together
    assert (indexed / after[heaviest]["model"]).resolve() == Path(saved["model_dir"]).resolve()
    assert [m for i, m in enumerate(after) if i != heaviest] == [m for i, m in enumerate(before) if i != heaviest]


def test_train_listnet_labels_negatives_with_the_index_teacher(
    indexed: Path, beir_dir: Path, tiny_models: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    res = _run("mine", "--data", beir_dir, "-w", indexed, "--miner", "random", "--num-negatives", 2,
               "--out", tmp_path / "mined")  # fmt: skip
    assert res.exit_code == 0, res.output
    from hardneg_haystack.training import teacher as teacher_module

    real, asked = teacher_module.label_teacher, []

    def spy(*args: object, **kwargs: object) -> object:
        asked.append(kwargs["weight"])
        score = real(*args, **kwargs)  # type: ignore[arg-type]
        return lambda queries, ids: (labels := score(queries, ids), asked.append(labels))[0]

    monkeypatch.setattr(teacher_module, "label_teacher", spy)
    common = ("train", "--mined", tmp_path / "mined", "--base-model", tiny_models["bert16"], "--loss", "listnet",
              "--max-steps", 2, "--batch-size", 2, "--max-length", 16, "--precision", "fp32")  # fmt: skip
    res = _run(*common, "-w", indexed, "--teacher-weight", 0.3, "--out", tmp_path / "ranker")
    assert res.exit_code == 0, res.output
    weight, labels = asked
    assert weight == 0.3 and labels and all(0 <= x <= 1 for row in labels for x in row)  # type: ignore[union-attr]
    res = _run(*common, "-w", indexed, "--teacher-weight", 2, "--out", tmp_path / "r2")
    assert res.exit_code == 2 and "--teacher-weight must be in [0, 1]" in res.output, res.output


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (("search", "--top-k", "-5", "vpn"), "--top-k"),
        (("ab", "serve", "--port", "70000"), "--port"),
        (("mine", "--num-negatives", "0", "--out", "x"), "--num-negatives"),
        (("tune-dense", "--epochs", "0"), "--epochs"),
    ],
)
def test_out_of_range_values_exit_2_before_anything_loads(tmp_path: Path, args: tuple[str, ...], option: str) -> None:
    """A count below its minimum is a usage error (exit 2, the option named), caught before any model or store
    is opened: the work folder given does not even exist."""
    res = _run(*args, "--work-dir", tmp_path / "nowhere") if args[0] in ("search", "mine") else _run(*args)
    assert res.exit_code == 2, res.output
    assert f"Invalid value for '{option}'" in res.output, res.output
    assert "greater than or equal to" in res.output or "less than or equal to" in res.output
    assert not (tmp_path / "nowhere").exists()


@pytest.mark.parametrize("command", [(), ("experiment",), ("swap-ranker",), ("serve",)])
def test_help_loads_no_heavy_library(command: tuple[str, ...]) -> None:
    """Issue 30 item 5: `hardneg [cmd] --help` answers without importing torch, transformers or Haystack (the
    time is measured by benchmarks/cli_startup.py), with no `<bool>` beside a flag."""
    import subprocess
    import sys

    probe = (
        "import sys\nfrom hardneg_haystack.cli import app\ntry:\n    app(sys.argv[1:], prog_name='hardneg')\n"
        "except SystemExit:\n    pass\n"
        "print('HEAVY', [m for m in ('torch', 'transformers', 'haystack', 'sklearn') if m in sys.modules])\n"
    )
    done = subprocess.run([sys.executable, "-c", probe, *command, "--help"], capture_output=True, text=True, check=True)
    assert "Usage: hardneg" in done.stdout and "HEAVY []" in done.stdout, done.stdout[-400:]
    assert "<bool>" not in done.stdout


@pytest.mark.parametrize("command", [("ab", "serve"), ("serve",)])
def test_a_port_in_use_is_one_line_exit_2_nothing_created(command: tuple[str, ...], tmp_path: Path) -> None:
    """Issue 30 item 4: a busy port stops a server before it loads anything or creates its event log."""
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        extra = ("--events", tmp_path / "events.jsonl") if command[0] == "ab" else ()
        res = _run(*command, "-w", tmp_path / "nowhere", "--port", port, *extra)
    assert res.exit_code == 2 and f"cannot serve on 127.0.0.1:{port}" in res.output, res.output
    assert "Traceback" not in res.output and len(res.output.strip().splitlines()) == 1
    assert not list(tmp_path.iterdir())  # no event log, no folder


def test_swap_ranker_warns_about_a_model_that_cannot_load_offline(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Issue 30 item 6: `--model ranker/nope` (no such folder, not cached, offline) is not written silently."""
    from hardneg_haystack.embedding import models

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    models._warn_if_unloadable_offline.cache_clear()
    res = _run("swap-ranker", Path(__file__).parents[1] / "pipelines" / "query_bm25_rerank.yaml", "--model",
               "ranker/nope", "--backend", "torch")  # fmt: skip
    assert res.exit_code == 0  # a hub id may still be meant: written, with a warning on stderr
    assert "'ranker/nope' is neither a folder here nor in the local Hugging Face cache" in caplog.text
