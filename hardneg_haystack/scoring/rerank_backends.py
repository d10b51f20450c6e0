"""Serving backends of a fine-tuned cross-encoder: one ``predict(pairs) -> scores`` over four runtimes.

=============  ==============================================================================================
backend        what scores the pairs
=============  ==============================================================================================
``torch``      the transformers model in fp32 (``CrossEncoder.predict``'s numbers)
``torch-bf16`` the same model with its weights cast to bf16 (AMX / AVX512-BF16 matmuls; no per-call
               autocast copies of the weights), traced and frozen with TorchScript so oneDNN may fuse
               the linear layers with their bias and activation (under load, on par with eager bf16:
               1,033 vs 981 ms per top-20, 12 queries interleaved; not re-measured on an idle machine)
``torch-amp``  ``CrossEncoder.predict`` under bf16 autocast where the device has native bf16 (fp32 elsewhere),
               32 pairs per batch: exactly how ``hardneg experiment`` scores
               (:func:`hardneg_haystack.scoring.precision.pair_scorer`), so the fused pipelines it writes serve the
               numbers its report measured
``onnx``       onnxruntime, fp32 export (:mod:`hardneg_haystack.scoring.onnx_backend`)
``onnx-int8``  onnxruntime, dynamically quantised int8 export (weights per output channel)
=============  ==============================================================================================

Every backend but ``torch-amp`` tokenises a query's candidates as one batch sorted by length and padded only to its
longest pair (never to ``max_length``), truncating pairs at the model's ``max_length`` as ``CrossEncoder`` does.
:func:`default_backend` is the measured choice (``python benchmarks/serving_latency.py``;
docs/RESULTS.md §15-16): ``onnx-int8`` (the fastest within 0.5 nDCG@10 points of torch fp32), else ``torch-bf16``
where onnxruntime is missing and the CPU has native bf16, else ``torch``.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal, Protocol

import numpy as np

from hardneg_haystack.errors import ConfigError
from hardneg_haystack.scoring.pair_batches import score_in_batches

Backend = Literal["torch", "torch-bf16", "torch-amp", "onnx", "onnx-int8"]
BACKENDS: tuple[str, ...] = ("torch", "torch-bf16", "torch-amp", "onnx", "onnx-int8")
#: Pairs per forward pass of ``torch-amp``: the batch the experiment's evaluation scores with.
MEASURED_BATCH_SIZE = 32
#: Pairs per forward pass when serving. Measured per pair on 2 cores (6-layer MiniLM, onnx-int8, 128 tokens):
#: 4.5 ms from 4 to 20 pairs, 5.2 at 32, 5.6 at 40, 6.3 at 64 (the attention scores outgrow the caches), so
#: larger lists and micro-batched requests run in length-sorted chunks of 16.
SERVING_BATCH_SIZE = 16


class PairScorer(Protocol):
    def predict(
        self, pairs: Sequence[Sequence[str]], *, batch_size: int | None = None, apply_activation: bool = True
    ) -> np.ndarray: ...


def default_backend() -> Backend:
    """The fastest backend within 0.5 nDCG@10 points of torch fp32 (measured: docs/RESULTS.md §15-16):
    ``onnx-int8``; without onnxruntime, ``torch-bf16`` on CPUs with native bf16, else ``torch``."""
    import importlib.util

    from hardneg_haystack.scoring.precision import cpu_has_bf16

    if importlib.util.find_spec("onnxruntime") is not None:
        return "onnx-int8"
    return "torch-bf16" if cpu_has_bf16() else "torch"


def backend_for(model: str | Path, backend: str | None) -> Backend:
    """The backend that scores ``model``: ``backend`` checked, or for None/``auto`` :func:`default_backend` when
    it can run without writing anything; an ONNX default falls back to ``torch-bf16`` (native bf16) or ``torch``
    when ``model`` has no ONNX export (a hub id, or a folder ``hardneg export-onnx`` has not exported: ``auto``
    never writes into a model folder). An explicit ``onnx``/``onnx-int8`` exports the folder when needed."""
    chosen = resolve_backend(backend)
    if backend in (None, "auto") and chosen.startswith("onnx"):
        from hardneg_haystack.scoring.onnx_backend import has_export

        if not (Path(model).is_dir() and has_export(model, quantized=chosen == "onnx-int8")):
            from hardneg_haystack.scoring.precision import cpu_has_bf16

            return "torch-bf16" if cpu_has_bf16() else "torch"
    return chosen


def resolve_backend(backend: str | None) -> Backend:
    """``None`` or ``"auto"``: :func:`default_backend`; otherwise checked against :data:`BACKENDS`."""
    if backend in (None, "auto"):
        return default_backend()
    if backend not in BACKENDS:
        raise ConfigError(f"unknown ranker backend {backend!r}: auto, {', '.join(BACKENDS)}")
    return backend  # type: ignore[return-value]


def cpu_threads() -> int:
    """Cores this process may run on (the container's share, not the host's count)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def configure_torch_threads(threads: int | None = None) -> int:
    """One intra-op thread per available core (``threads`` to override); returns the number set."""
    import torch

    n = threads or cpu_threads()
    if torch.get_num_threads() != n:
        torch.set_num_threads(n)
    return n


class TorchScorer:
    """The cross-encoder on torch, fp32 or with bf16 weights; scores in input order.

    :param model: A cross-encoder folder, hub id or alias (``hardneg train``'s ``model/``).
    :param bf16: Cast the weights to bf16 (fast on CPUs with AMX or AVX512-BF16; emulated and slow elsewhere).
    :param threads: torch intra-op threads (None: one per available core).
    :param max_length: Tokens per pair (None: the model's own).
    :param freeze: Trace and freeze the model with TorchScript (``torch.jit.optimize_for_inference``); None:
        with ``bf16``. The eager model is kept when tracing fails.
    """

    def __init__(
        self,
        model: str | Path,
        *,
        bf16: bool = False,
        threads: int | None = None,
        max_length: int | None = None,
        freeze: bool | None = None,
    ) -> None:
        import torch

        from hardneg_haystack.embedding.models import load_cross_encoder

        configure_torch_threads(threads)
        ce = load_cross_encoder(str(model), device="cpu", max_length=max_length)
        if ce.model is None:
            raise ConfigError(f"{model}: the cross-encoder has no transformers model")
        self.model = ce.model.eval()
        if bf16:
            self.model = self.model.to(torch.bfloat16)
        self.tokenizer = ce.tokenizer
        self.max_length = int(ce.max_seq_length or 512)
        self.sigmoid = isinstance(ce.activation_fn, torch.nn.Sigmoid)
        self.bf16 = bf16
        self._forward: Any = lambda enc: self.model(**enc).logits
        self.frozen = False
        if bf16 if freeze is None else freeze:
            self._freeze()

    def _freeze(self) -> None:
        """Trace the model on a padded example batch (so the attention mask stays an input) and freeze it."""
        import logging
        import warnings

        import torch

        example = self.tokenizer(
            ["a query", "a longer query about the example"],
            ["a document", "a longer document " * 8],
            padding=True,
            truncation="longest_first",
            max_length=self.max_length,
            return_tensors="pt",
        )
        names = [n for n in ("input_ids", "attention_mask", "token_type_ids") if n in example]
        model = self.model

        class _Logits(torch.nn.Module):
            def __init__(self) -> None:
                super().__init__()
                self.model = model

            def forward(self, *args: torch.Tensor) -> torch.Tensor:
                return self.model(**dict(zip(names, args, strict=True)), return_dict=False)[0]

        for p in model.parameters():
            p.requires_grad_(False)
        try:
            with torch.no_grad(), warnings.catch_warnings():
                warnings.simplefilter("ignore")  # tracer warnings about shape-dependent Python branches
                traced = torch.jit.trace(_Logits().eval(), tuple(example[n] for n in names), check_trace=False)
                frozen = torch.jit.optimize_for_inference(torch.jit.freeze(traced))
        except Exception as exc:  # noqa: BLE001 - the eager model still works
            logging.getLogger(__name__).warning("TorchScript freeze failed (%s); scoring with the eager model", exc)
            return
        self._forward = lambda enc: frozen(*(enc[n] for n in names))
        self.frozen = True

    def predict(
        self, pairs: Sequence[Sequence[str]], *, batch_size: int | None = None, apply_activation: bool = True
    ) -> np.ndarray:
        import torch

        def forward(enc: Any) -> np.ndarray:
            with torch.inference_mode():
                return self._forward(enc).float()[:, 0].numpy()

        return score_in_batches(pairs, self, forward, batch_size=batch_size, apply_activation=apply_activation)


class AmpScorer:
    """The cross-encoder as ``hardneg experiment`` scores it: ``CrossEncoder.predict`` under
    :func:`hardneg_haystack.scoring.precision.autocast` (``auto``: bf16 where the device has native bf16), pairs sorted
    by length in batches of :data:`MEASURED_BATCH_SIZE`. Slower than ``torch-bf16`` or ONNX; its point is that
    its scores are the measured ones.

    :param model: A cross-encoder folder, hub id or alias.
    :param threads: torch intra-op threads (None: one per available core).
    """

    def __init__(self, model: str | Path, *, threads: int | None = None) -> None:
        from hardneg_haystack.embedding.models import load_cross_encoder

        configure_torch_threads(threads)
        self.model = load_cross_encoder(str(model))

    def predict(
        self, pairs: Sequence[Sequence[str]], *, batch_size: int | None = None, apply_activation: bool = True
    ) -> np.ndarray:
        from hardneg_haystack.scoring.precision import pair_scorer

        score = pair_scorer(
            self.model, precision="auto", batch_size=batch_size or MEASURED_BATCH_SIZE, activation=apply_activation
        )
        return np.asarray(score([(str(q), str(d)) for q, d in pairs]), dtype=np.float64)


def load_scorer(model: str | Path, backend: str | None = None, *, threads: int | None = None) -> PairScorer:
    """A :class:`PairScorer` for ``model`` on ``backend`` (:func:`backend_for`: ``auto`` never writes an ONNX
    export; an explicit ``onnx``/``onnx-int8`` exports the folder first when it has none, with a log line)."""
    chosen = backend_for(model, backend)
    if chosen == "torch-amp":
        return AmpScorer(model, threads=threads)
    if chosen.startswith("torch"):
        return TorchScorer(model, bf16=chosen == "torch-bf16", threads=threads)
    return _onnx_scorer(model, chosen == "onnx-int8", threads)


def _onnx_scorer(model: str | Path, quantized: bool, threads: int | None) -> Any:
    from hardneg_haystack.scoring.onnx_backend import OnnxCrossEncoder, ensure_export

    folder = Path(model)
    if not folder.is_dir():
        raise ConfigError(f"the onnx backends need a local model folder, got {str(model)!r}")
    ensure_export(folder, quantized=quantized)
    return OnnxCrossEncoder(folder, quantized=quantized, threads=threads or cpu_threads())
