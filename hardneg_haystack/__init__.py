"""hardneg-haystack: ensemble hard-negative mining and cross-encoder fine-tuning for Haystack.

The components are importable from here (``from hardneg_haystack import EnsembleEmbedder``) but loaded on first
use (PEP 562), so ``import hardneg_haystack`` and ``hardneg --help`` do not import torch, transformers or Haystack.
Pipeline YAML names each component by its full module path (``hardneg_haystack.components.rankers.ScoreFuser``).
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "AnalyzedBM25Retriever": "hardneg_haystack.components.retrievers",
    "BackendRanker": "hardneg_haystack.components.backend_ranker",
    "BM25NegativeMiner": "hardneg_haystack.components.miners",
    "ClusterHardNegativeMiner": "hardneg_haystack.components.miners",
    "CorpusWarmStart": "hardneg_haystack.components.warm_start",
    "Ensemble": "hardneg_haystack.embedding.ensemble",
    "EnsembleEmbedder": "hardneg_haystack.components.embedders",
    "EnsembleMember": "hardneg_haystack.embedding.ensemble",
    "EnsembleTextEmbedder": "hardneg_haystack.components.embedders",
    "MaxPAggregator": "hardneg_haystack.components.rankers",
    "OnnxRanker": "hardneg_haystack.components.onnx_ranker",
    "RandomNegativeMiner": "hardneg_haystack.components.miners",
    "ScoreBlender": "hardneg_haystack.components.rankers",
    "ScoreFuser": "hardneg_haystack.components.rankers",
    "TripletTrainer": "hardneg_haystack.components.trainer",
}
__all__ = sorted(_EXPORTS)
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        value = getattr(importlib.import_module(_EXPORTS[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'hardneg_haystack' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])
