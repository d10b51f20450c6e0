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
    from hardneg_haystack.models import load_cross_encoder

    folder = tmp_path_factory.mktemp("ce") / "model"
    load_cross_encoder(tiny_models["bert16"], max_length=32).save_pretrained(str(folder))
    return folder


def test_exported_model_scores_like_torch(cross_encoder_dir: Path) -> None:
    from hardneg_haystack.models import load_cross_encoder
    from hardneg_haystack.onnx_backend import OnnxCrossEncoder, export_onnx

    files = export_onnx(cross_encoder_dir)
    assert files["fp32"].is_file() and files["int8"].is_file()
    torch_scores = load_cross_encoder(str(cross_encoder_dir), device="cpu").predict(PAIRS, batch_size=2)
    onnx_scores = OnnxCrossEncoder(cross_encoder_dir).predict(PAIRS, batch_size=2)  # padded batches
    np.testing.assert_allclose(onnx_scores, torch_scores, atol=1e-5)
    int8 = OnnxCrossEncoder(cross_encoder_dir, quantized=True).predict(PAIRS, batch_size=3)
    assert int8.shape == (len(PAIRS),) and np.all((int8 > 0) & (int8 < 1))
    assert OnnxCrossEncoder(cross_encoder_dir).predict([]).shape == (0,)


def test_missing_export_is_named(tmp_path: Path) -> None:
    from hardneg_haystack.errors import ConfigError
    from hardneg_haystack.onnx_backend import OnnxCrossEncoder

    with pytest.raises(ConfigError, match="export-onnx"):
        OnnxCrossEncoder(tmp_path)
