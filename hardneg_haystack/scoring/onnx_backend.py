"""A fine-tuned cross-encoder exported to ONNX (fp32, and int8 by dynamic quantisation), run with onnxruntime.

sentence-transformers' own ONNX backend needs ``optimum-onnx``, whose releases pin ``transformers < 4.58``
and so cannot be installed beside sentence-transformers 6. This module needs only ``onnxruntime`` (extra
``onnx``): the model is exported with ``torch.onnx.export`` and quantised with onnxruntime's
``quantize_dynamic``; :class:`OnnxCrossEncoder` tokenises exactly as ``CrossEncoder.predict`` does
(pairs, ``longest_first`` truncation at the model's ``max_seq_length``, batches sorted by length) and
applies the same sigmoid, so its scores match the torch model's.

    >>> from hardneg_haystack.scoring.onnx_backend import export_onnx, OnnxCrossEncoder  # doctest: +SKIP
    >>> files = export_onnx("runs/ranker/model")          # writes onnx/model.onnx and onnx/model_qint8.onnx
    >>> ce = OnnxCrossEncoder("runs/ranker/model", quantized=True)
    >>> ce.predict([("what causes scurvy", "Vitamin C deficiency causes scurvy.")])
    array([0.93], dtype=float32)
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from hardneg_haystack.errors import ConfigError, ModelLoadError
from hardneg_haystack.scoring.pair_batches import score_in_batches

ONNX_DIR = "onnx"
FP32_FILE = "model.onnx"
INT8_FILE = "model_qint8.onnx"
INFO_FILE = "hardneg_onnx.json"

logger = logging.getLogger(__name__)


@contextlib.contextmanager
def _root_advice_hidden() -> Iterator[None]:
    """Raise the root logger to ERROR for the call unless it is at INFO or below (``-v``): a library's advice
    logged on the root logger is not our output."""
    root = logging.getLogger()
    level = root.level
    if root.getEffectiveLevel() > logging.INFO:
        root.setLevel(logging.ERROR)
    try:
        yield
    finally:
        root.setLevel(level)


def export_onnx(
    model_dir: str | Path, *, quantize: bool = True, opset: int = 17, per_channel: bool = True
) -> dict[str, Path]:
    """Export the cross-encoder in ``model_dir`` to ``model_dir/onnx/`` (and its int8 form with ``quantize``).

    :param model_dir: A folder saved by ``CrossEncoder.save_pretrained`` (``hardneg train`` writes one).
    :param quantize: Also write ``model_qint8.onnx`` (int8 weights, dynamic activation quantisation).
    :param opset: ONNX opset of the export.
    :param per_channel: Quantise the weights per output channel (one scale per column; the default: on SciFact
        per tensor lost 1.99 nDCG@10 points, per channel +0.06 at the same speed) instead of per tensor.
    :returns: ``{"fp32": path, "int8": path}`` (``int8`` only with ``quantize``).
    """
    import torch

    from hardneg_haystack.embedding.models import load_cross_encoder, use_eager_attention

    _require("onnx", "onnxruntime")
    model_dir = Path(model_dir)
    ce = load_cross_encoder(str(model_dir), device="cpu")
    hf = ce.model
    if hf is None:
        raise ModelLoadError(f"{model_dir}: the cross-encoder has no transformers model to export")
    hf = hf.eval()
    attention = use_eager_attention(hf)  # the fused attention's export: a third of int8's time in guards
    tokenizer = ce.tokenizer
    out_dir = model_dir / ONNX_DIR
    out_dir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".export-", dir=out_dir))  # nothing in out_dir changes until all is written
    sample = tokenizer(["a query", "another"], ["a document text", "x"], padding=True, return_tensors="pt")
    names = [n for n in ("input_ids", "attention_mask", "token_type_ids") if n in sample]
    axes = {n: {0: "batch", 1: "sequence"} for n in names} | {"logits": {0: "batch"}}

    class _Logits(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = hf

        def forward(self, *args: torch.Tensor) -> torch.Tensor:
            return self.model(**dict(zip(names, args, strict=True))).logits

    fp32 = work / FP32_FILE
    with torch.inference_mode():
        torch.onnx.export(
            _Logits(),
            tuple(sample[n] for n in names),
            str(fp32),
            input_names=names,
            output_names=["logits"],
            dynamic_axes=axes,
            opset_version=opset,
            dynamo=False,
        )
    info = {
        "inputs": names,
        "max_length": int(ce.max_seq_length),
        "activation": "sigmoid" if isinstance(ce.activation_fn, torch.nn.Sigmoid) else "identity",
        "int8": ("per-channel" if per_channel else "per-tensor") if quantize else None,
        "attention": attention,
    }
    try:
        if quantize:
            from onnxruntime.quantization import QuantType, quantize_dynamic

            with _root_advice_hidden():  # onnxruntime's "consider pre-processing" goes to the root logger
                quantize_dynamic(str(fp32), str(work / INT8_FILE), weight_type=QuantType.QInt8, per_channel=per_channel)
        (work / INFO_FILE).write_text(json.dumps(info, indent=2), encoding="utf-8")
        (out_dir / INFO_FILE).unlink(missing_ok=True)  # no moment where the info describes files not yet moved
        for name in (FP32_FILE, INT8_FILE):
            if (work / name).is_file():
                os.replace(work / name, out_dir / name)
            else:
                (out_dir / name).unlink(missing_ok=True)  # an int8 file from an earlier export is not this one's
        os.replace(work / INFO_FILE, out_dir / INFO_FILE)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    files = {"fp32": out_dir / FP32_FILE}
    if quantize:
        files["int8"] = out_dir / INT8_FILE
    return files


def _export_info(onnx_dir: Path, *, quantized: bool) -> dict | None:
    """``hardneg_onnx.json`` of an export that holds the file a backend needs; None when either is missing."""
    if not (onnx_dir / (INT8_FILE if quantized else FP32_FILE)).is_file():
        return None
    try:
        return json.loads((onnx_dir / INFO_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _is_current(info: dict, *, quantized: bool) -> bool:
    return "attention" in info and (not quantized or bool(info.get("int8")))


def has_export(model_dir: str | Path, *, quantized: bool) -> bool:
    """Whether ``model_dir/onnx/`` holds the file a backend needs (current or stale)."""
    return _export_info(Path(model_dir) / ONNX_DIR, quantized=quantized) is not None


def export_is_current(model_dir: str | Path, *, quantized: bool) -> bool:
    """Whether ``model_dir/onnx/`` holds the file a backend needs, exported by this version's rule (eager
    attention); an export written before that rule (no ``"attention"`` in ``hardneg_onnx.json``) is stale."""
    info = _export_info(Path(model_dir) / ONNX_DIR, quantized=quantized)
    return info is not None and _is_current(info, quantized=quantized)


def ensure_export(model_dir: str | Path, *, quantized: bool) -> None:
    """Export ``model_dir`` (:func:`export_onnx`, fp32 and int8) unless its current export is already there; a
    stale export (before eager attention, up to 1.7x slower) is replaced with the same int8 scales, with a log
    line, or kept with a warning when it cannot be re-exported (nothing in ``onnx/`` changes then).

    :raises ConfigError: when there is no export and the folder cannot be written.
    """
    onnx_dir = Path(model_dir) / ONNX_DIR
    info = _export_info(onnx_dir, quantized=quantized)
    if info is not None and _is_current(info, quantized=quantized):
        return
    stale = info is not None
    per_channel = True  # a new export's default; a re-export keeps the user's choice of int8 scales
    if stale:
        logger.info("re-exporting %s: its ONNX export predates eager attention (slower)", model_dir)
        per_channel = info.get("int8") != "per-tensor"
    else:  # the user asked for an ONNX backend: say where the export goes
        logger.warning("exporting %s to ONNX (fp32 and int8) into %s", model_dir, onnx_dir)
    try:
        export_onnx(model_dir, quantize=True, per_channel=per_channel)  # both files, so neither is left behind
    except Exception as exc:
        if stale:  # export_onnx changes nothing in onnx/ until every file is written
            logger.warning("cannot re-export %s (%s); scoring with its older, slower ONNX export", model_dir, exc)
            return
        if isinstance(exc, OSError):
            raise ConfigError(
                f"cannot write the ONNX export into {onnx_dir} ({exc.strerror or exc}): copy the model folder "
                "somewhere writable, or run `hardneg export-onnx --model <folder>` once where it can be written, "
                "or use --backend torch"
            ) from exc
        raise


def _require(*modules: str) -> None:
    import importlib.util

    missing = [m for m in modules if importlib.util.find_spec(m) is None]
    if missing:
        raise ConfigError(f"the ONNX backend needs {', '.join(missing)}: pip install 'hardneg-haystack[onnx]'")


class OnnxCrossEncoder:
    """A cross-encoder exported by :func:`export_onnx`, with ``CrossEncoder.predict``'s interface and scores.

    :param model_dir: The model folder (its tokenizer) holding ``onnx/``.
    :param quantized: Run ``model_qint8.onnx`` instead of ``model.onnx``.
    :param threads: onnxruntime intra-op threads (``None``: onnxruntime's default, one per core).
    """

    def __init__(self, model_dir: str | Path, *, quantized: bool = False, threads: int | None = None) -> None:
        _require("onnxruntime")
        import onnxruntime as ort
        from transformers import AutoTokenizer

        self.model_dir = Path(model_dir)
        onnx_dir = self.model_dir / ONNX_DIR
        path = onnx_dir / (INT8_FILE if quantized else FP32_FILE)
        if not path.is_file() or not (onnx_dir / INFO_FILE).is_file():
            raise ConfigError(
                f"{path} not found: export the model first (`hardneg export-onnx --model {self.model_dir}`)"
            )
        info = json.loads((onnx_dir / INFO_FILE).read_text(encoding="utf-8"))
        self.inputs: list[str] = info["inputs"]
        self.max_length: int = info["max_length"]
        self.sigmoid = info["activation"] == "sigmoid"
        options = ort.SessionOptions()
        if threads is not None:
            options.intra_op_num_threads = threads
        self.session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        self.tokenizer = AutoTokenizer.from_pretrained(str(self.model_dir))
        self.quantized = quantized

    def predict(
        self, pairs: Sequence[Sequence[str]], *, batch_size: int | None = 32, apply_activation: bool = True
    ) -> np.ndarray:
        """Scores of ``(query, document)`` pairs, in input order: the model's sigmoid applied as the torch
        ``CrossEncoder.predict`` does, or raw logits with ``apply_activation=False``. Pairs run longest
        first in batches of ``batch_size`` (None: one batch), each padded to its own longest pair."""

        def forward(enc: Any) -> np.ndarray:
            feeds = {n: enc[n].astype(np.int64) for n in self.inputs}
            return self.session.run(None, feeds)[0].reshape(len(enc["input_ids"]), -1)[:, 0]

        return score_in_batches(
            pairs, self, forward, batch_size=batch_size, apply_activation=apply_activation, tensors="np"
        )
