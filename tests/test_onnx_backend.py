"""The ONNX backend of the re-ranker: export, int8 quantisation, and scores matching the torch model."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("onnxruntime")

PAIRS = [
    ("reset vpn token", "how to reset the vpn token on a laptop"),
    ("disk full alert", "the disk is full"),
    ("reset vpn token", "a long document " * 40),  # truncated at the model's max length
    ("printer jam", "printer"),
    ("database failover", "failover of the primary database to the replica in another region"),
]


@pytest.fixture(scope="module")
def cross_encoder_dir(tiny_models: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Path:
    from hardneg_haystack.embedding.models import load_cross_encoder

    folder = tmp_path_factory.mktemp("ce") / "model"
    load_cross_encoder(tiny_models["bert16"], max_length=32).save_pretrained(str(folder))
    return folder


def test_exported_model_scores_like_torch(cross_encoder_dir: Path) -> None:
    import json

    from hardneg_haystack.embedding.models import load_cross_encoder
    from hardneg_haystack.scoring.onnx_backend import OnnxCrossEncoder, export_onnx

    files = export_onnx(cross_encoder_dir)
    assert files["fp32"].is_file() and files["int8"].is_file()
    info = json.loads((cross_encoder_dir / "onnx" / "hardneg_onnx.json").read_text())
    assert info["int8"] == "per-channel"  # the default: per tensor lost 2 nDCG@10 points on SciFact
    torch_scores = load_cross_encoder(str(cross_encoder_dir), device="cpu").predict(PAIRS, batch_size=2)
    onnx_scores = OnnxCrossEncoder(cross_encoder_dir).predict(PAIRS, batch_size=2)  # padded batches
    np.testing.assert_allclose(onnx_scores, torch_scores, atol=1e-5)
    int8 = OnnxCrossEncoder(cross_encoder_dir, quantized=True).predict(PAIRS, batch_size=3)
    assert int8.shape == (len(PAIRS),) and np.all((int8 > 0) & (int8 < 1))
    assert OnnxCrossEncoder(cross_encoder_dir).predict([]).shape == (0,)


def test_export_runs_eager_attention_and_replaces_a_stale_export(cross_encoder_dir: Path) -> None:
    import json

    import onnx

    from hardneg_haystack.scoring.onnx_backend import ensure_export, export_is_current, export_onnx

    export_onnx(cross_encoder_dir)
    info_path = cross_encoder_dir / "onnx" / "hardneg_onnx.json"
    assert json.loads(info_path.read_text())["attention"] == "eager"
    ops = {n.op_type for n in onnx.load(str(cross_encoder_dir / "onnx" / "model.onnx")).graph.node}
    assert "IsNaN" not in ops  # the fused-attention export's guard: a third of the int8 model's time
    assert export_is_current(cross_encoder_dir, quantized=True)
    info = json.loads(info_path.read_text())
    del info["attention"]  # an export written before the rule
    info_path.write_text(json.dumps(info))
    assert not export_is_current(cross_encoder_dir, quantized=True)
    int8 = cross_encoder_dir / "onnx" / "model_qint8.onnx"
    int8.write_bytes(b"an older int8 export")
    ensure_export(cross_encoder_dir, quantized=False)  # the fp32 backend asked first: both files are redone
    assert export_is_current(cross_encoder_dir, quantized=True) and int8.read_bytes() != b"an older int8 export"
    assert not list((cross_encoder_dir / "onnx").glob(".export-*"))  # the work folder is gone
    export_onnx(cross_encoder_dir, quantize=False)  # fp32 only: an int8 file of another export is not kept
    assert not int8.exists() and not export_is_current(cross_encoder_dir, quantized=True)
    ensure_export(cross_encoder_dir, quantized=True)
    assert export_is_current(cross_encoder_dir, quantized=True)
    stamp = info_path.stat().st_mtime_ns
    ensure_export(cross_encoder_dir, quantized=True)  # current: left alone
    assert info_path.stat().st_mtime_ns == stamp


def test_an_unwritable_folder_keeps_a_stale_export_or_says_what_to_do(
    cross_encoder_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import json
    import shutil

    import hardneg_haystack.scoring.onnx_backend as ob
    from hardneg_haystack.errors import ConfigError

    def read_only(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    folder = tmp_path / "model"
    shutil.copytree(cross_encoder_dir, folder, ignore=shutil.ignore_patterns("onnx"))
    monkeypatch.setattr(ob, "export_onnx", read_only)
    with pytest.raises(ConfigError, match="cannot write the ONNX export.*Permission denied.*--backend torch"):
        ob.ensure_export(folder, quantized=True)
    monkeypatch.undo()
    ob.export_onnx(folder)
    info = folder / "onnx" / "hardneg_onnx.json"
    info.write_text(json.dumps({k: v for k, v in json.loads(info.read_text()).items() if k != "attention"}))
    monkeypatch.setattr(ob, "export_onnx", read_only)
    ob.ensure_export(folder, quantized=True)  # stale but usable: kept, with a warning
    assert ob.OnnxCrossEncoder(folder, quantized=True).predict(PAIRS[:2]).shape == (2,)


def test_missing_export_is_named(tmp_path: Path) -> None:
    from hardneg_haystack.errors import ConfigError
    from hardneg_haystack.scoring.onnx_backend import OnnxCrossEncoder

    with pytest.raises(ConfigError, match="export-onnx"):
        OnnxCrossEncoder(tmp_path)


def test_onnx_ranker_orders_like_the_torch_ranker(cross_encoder_dir: Path) -> None:
    from haystack import Document
    from haystack_integrations.components.rankers.sentence_transformers import SentenceTransformersSimilarityRanker

    from hardneg_haystack import OnnxRanker
    from hardneg_haystack.scoring.onnx_backend import export_onnx

    export_onnx(cross_encoder_dir, quantize=False)
    docs = [Document(id=str(i), content=d) for i, (_, d) in enumerate(PAIRS)]
    docs.append(Document(id="0", content=PAIRS[0][1], score=9.0))  # a duplicate id is scored once
    torch_ranker = SentenceTransformersSimilarityRanker(model=str(cross_encoder_dir), top_k=3)
    torch_ranker.warm_up()
    expected = torch_ranker.run(query="reset vpn token", documents=docs)["documents"]
    ranker = OnnxRanker(model=cross_encoder_dir, top_k=3)
    got = ranker.run(query="reset vpn token", documents=docs)["documents"]
    assert [d.id for d in got] == [d.id for d in expected]
    assert [d.score for d in got] == pytest.approx([d.score for d in expected], abs=1e-5)
    logits = ranker.run(query="reset vpn token", documents=docs, scale_score=False, top_k=10)["documents"]
    assert len(logits) == len(PAIRS)  # the duplicate id was dropped
    sigmoid = {d.id: 1 / (1 + np.exp(-d.score)) for d in logits}
    assert [sigmoid[d.id] for d in got] == pytest.approx([d.score for d in got], abs=1e-6)
    assert ranker.run(query="q", documents=[])["documents"] == []
    again = OnnxRanker.from_dict(ranker.to_dict())
    assert again.to_dict() == ranker.to_dict()
    with pytest.raises(ValueError, match="top_k"):
        OnnxRanker(model=cross_encoder_dir, top_k=0)


def test_swap_to_the_int8_backend_keeps_the_pipeline(cross_encoder_dir: Path, tmp_path: Path) -> None:
    import shutil

    from hardneg_haystack import OnnxRanker
    from hardneg_haystack.components.pipelines import load_pipeline
    from hardneg_haystack.components.swap import swap_ranker
    from hardneg_haystack.errors import ConfigError

    model = tmp_path / "model"
    shutil.copytree(cross_encoder_dir, model, ignore=shutil.ignore_patterns("onnx"))  # not exported yet
    yaml = Path(__file__).parents[1] / "pipelines" / "query_bm25_rerank.yaml"
    before = load_pipeline(yaml).to_dict()
    swapped = swap_ranker(yaml, model, backend="onnx-int8")
    ranker = swapped.get_component("ranker")
    assert isinstance(ranker, OnnxRanker) and ranker.quantized
    assert (model / "onnx" / "model_qint8.onnx").is_file()  # exported on the way
    after = swapped.to_dict()
    assert after["components"]["ranker"]["init_parameters"]["top_k"] == before["components"]["ranker"][
        "init_parameters"
    ].get("top_k", 10)
    key = lambda c: (c["sender"], c["receiver"])  # noqa: E731
    assert sorted(after["connections"], key=key) == sorted(before["connections"], key=key)
    assert load_pipeline(swapped.dumps()).to_dict()["components"] == after["components"]  # YAML round trip
    with pytest.raises(ConfigError, match="backend"):
        swap_ranker(yaml, model, backend="tensorrt")  # type: ignore[arg-type]


def test_auto_backend_never_writes_into_the_model_folder(cross_encoder_dir: Path, tmp_path: Path) -> None:
    """Issue 30 item 3: `swap-ranker` with the default backend leaves an unexported model folder as it is (a
    torch ranker, and a note naming `hardneg export-onnx`); once exported, auto picks the ONNX export."""
    import shutil

    from typer.testing import CliRunner

    from hardneg_haystack import OnnxRanker
    from hardneg_haystack.cli import app
    from hardneg_haystack.components.swap import swap_ranker
    from hardneg_haystack.scoring.onnx_backend import export_onnx

    model = tmp_path / "model"
    shutil.copytree(cross_encoder_dir, model, ignore=shutil.ignore_patterns("onnx"))
    before = sorted(p.relative_to(model) for p in model.rglob("*"))
    yaml = Path(__file__).parents[1] / "pipelines" / "query_bm25_rerank.yaml"
    res = CliRunner().invoke(app, ["swap-ranker", str(yaml), "--model", str(model), "--out", str(tmp_path / "p.yaml")])
    assert res.exit_code == 0, res.output
    assert sorted(p.relative_to(model) for p in model.rglob("*")) == before  # nothing written into the folder
    assert "OnnxRanker" not in (tmp_path / "p.yaml").read_text()
    assert "hardneg export-onnx" in res.output and "pre-processing" not in res.output
    export_onnx(model)
    assert isinstance(swap_ranker(yaml, model).get_component("ranker"), OnnxRanker)
