"""Validation judgements remembered by the weights they judged: a model is never scored twice on the same samples.

A fine-tune judges its start at step 0; the trainer judges its best checkpoint again when training ends; a
fine-tune that keeps its start judges the reloaded start once more; and in ``hardneg experiment`` every
miner's fine-tune starts from the same warm start on the same validation queries. Scoring is deterministic,
so each of those repeats returns what the first call returned (35 s per judgement of 161 SciFact queries on
2 CPU cores). :class:`Judgements` keys each result by a digest of the model's weights, its ``max_length``, the
precision and the samples, and answers repeats from memory, and across runs from a JSON file when given one.

    judgements = Judgements(Path("runs/x/judgements.json"))
    key = samples_digest(samples)
    metrics = judgements.judge(model, key, "auto", lambda: evaluator(model))  # scored once, then remembered

Scoring the same weights again gives the same metrics up to floating-point order (the attention kernel, batch
composition): the remembered ones are the first scoring's. Keys name the precision actually used (``auto``
resolved on the model's device) and the device type, so a run folder resumed on other hardware scores again;
:data:`VERSION` changes when what a judgement holds changes.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

#: Part of every key: a file written by code that judged differently is not read as this code's judgements.
VERSION = 1


def weights_digest(model: Any) -> str:
    """A digest of every parameter and buffer of ``model`` (a CrossEncoder or a torch module): names, dtypes,
    shapes and bytes. About 0.2 s for a 22M-parameter model on CPU."""
    import torch

    inner = model if isinstance(model, torch.nn.Module) else model.model
    h = hashlib.sha256()
    for name, tensor in sorted(inner.state_dict().items()):
        t = tensor.detach().cpu().contiguous().reshape(-1)
        h.update(f"{name}|{t.dtype}|{tuple(tensor.shape)}|".encode())
        h.update(t.view(torch.uint8).numpy().tobytes())
    return h.hexdigest()[:32]


def samples_digest(samples: list[Any]) -> str:
    """A digest of validation samples (JSON-serialisable), whatever their order: the metrics are means over
    samples, so the same samples in another order are the same judgement."""
    each = sorted(hashlib.sha256(json.dumps(s, sort_keys=True, default=str).encode()).hexdigest() for s in samples)
    return hashlib.sha256("".join(each).encode()).hexdigest()[:32]


class Judgements:
    """Metrics of (weights, max_length, precision, samples), remembered; optionally kept in a JSON file.

    A damaged or unreadable file is a cache miss, never an error: the judgement is simply scored again."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self.memory: dict[str, dict[str, float]] = {}
        self.hits = 0
        if path is not None and path.is_file():
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
                self.memory = data if isinstance(data, dict) else {}
            except (OSError, ValueError):
                logger.warning("%s is unreadable: validation judgements are scored again", path)

    def key(self, model: Any, samples_key: str, precision: str) -> str:
        from hardneg_haystack.embedding.precision import use_bf16

        device = str(getattr(model, "device", "cpu"))
        used = "bf16" if use_bf16(precision, device) else "fp32"  # "auto" means what this hardware does
        length = getattr(model, "max_seq_length", None) or getattr(model, "max_length", None)
        kind = device.split(":")[0]
        return f"v{VERSION}:{weights_digest(model)}:{length}:{used}:{kind}:{samples_key}"

    def judge(
        self, model: Any, samples_key: str, precision: str, score: Callable[[], dict[str, float]]
    ) -> dict[str, float]:
        """``score()``'s metrics for ``model`` on the samples ``samples_key`` names, scored only the first time."""
        key = self.key(model, samples_key, precision)
        if key in self.memory:
            self.hits += 1
            return dict(self.memory[key])
        metrics = {k: float(v) for k, v in score().items()}
        self.memory[key] = metrics
        if self.path is not None:
            from hardneg_haystack.training.distributed import is_main_process

            if is_main_process():
                self.path.parent.mkdir(parents=True, exist_ok=True)
                tmp = self.path.with_suffix(".tmp")
                tmp.write_text(json.dumps(self.memory), encoding="utf-8")
                tmp.replace(self.path)
        return dict(metrics)
