"""Numeric precision of models: bf16 autocast where the hardware has it (training, scoring and embedding).

On CPUs with AVX512-BF16 or AMX, bf16 autocast scores (query, document) pairs about 3.6x faster and trains
about 2x faster than fp32 (``python benchmarks/train_speed.py``); elsewhere bf16 is emulated and slow, so
``auto`` keeps fp32 there.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator
from pathlib import Path
from typing import Literal

Precision = Literal["auto", "bf16", "fp32"]


@functools.cache
def cpu_has_bf16() -> bool:
    """True when the CPU flags include native bf16 arithmetic (avx512_bf16 or amx_bf16)."""
    try:
        flags = Path("/proc/cpuinfo").read_text()
    except OSError:
        return False
    return "avx512_bf16" in flags or "amx_bf16" in flags


def use_bf16(precision: str, device: str | None = None) -> bool:
    """Whether ``precision`` means bf16 on ``device`` (None: CUDA when available, else CPU)."""
    if precision == "fp32":
        return False
    if precision == "bf16":
        return True
    if _is_cuda(device):
        import torch

        return bool(torch.cuda.is_bf16_supported())
    return cpu_has_bf16()


def _is_cuda(device: str | None) -> bool:
    if device is None:
        import torch

        return torch.cuda.is_available()
    return str(device).startswith("cuda")


@contextlib.contextmanager
def autocast(precision: str, device: str | None = None) -> Iterator[None]:
    """``torch.autocast`` to bf16 when :func:`use_bf16` says so, else nothing."""
    if not use_bf16(precision, device):
        yield
        return
    import torch

    with torch.autocast("cuda" if _is_cuda(device) else "cpu", dtype=torch.bfloat16):
        yield
