"""Swap the re-ranker of a running Haystack pipeline, every other component and connection unchanged."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

from haystack import Pipeline
from haystack.core.serialization import component_from_dict, component_to_dict

from hardneg_haystack.errors import ConfigError

Backend = Literal["auto", "torch", "torch-bf16", "torch-amp", "onnx", "onnx-int8"]


def find_ranker(pipeline: Pipeline, name: str | None = None) -> str:
    """The name of the pipeline's ranker: ``name`` if given, else the one component whose class is a *Ranker."""
    if name is not None:
        if name not in dict(pipeline.walk()):
            raise ConfigError(f"the pipeline has no component {name!r}")
        return name
    rankers = [n for n, c in pipeline.walk() if type(c).__name__.endswith("Ranker")]
    if len(rankers) != 1:
        found = ", ".join(rankers) or "none"
        raise ConfigError(f"cannot tell which ranker to replace (rankers found: {found}); pass its name")
    return rankers[0]


def swap_ranker(
    pipeline: Pipeline | str | Path,
    model: str | Path,
    *,
    name: str | None = None,
    update_blender: bool = True,
    allowed_modules: Sequence[str] = (),
    backend: Backend = "auto",
) -> Pipeline:
    """Return the pipeline with its ranker's model replaced by ``model`` (a folder, hub id or alias).

    ``backend="auto"`` (the default) is the measured fastest backend within 0.5 nDCG@10 points of torch fp32
    (:func:`~hardneg_haystack.scoring.rerank_backends.default_backend`: ``onnx-int8``, per-channel int8 weights)
    when the model folder has an ONNX export (``hardneg export-onnx``); otherwise ``torch-bf16`` where the CPU has
    native bf16, else ``torch``: ``auto`` never writes into the model folder; a ranker on ``torch-amp`` (a fused
    pipeline ``hardneg experiment`` wrote: its weights were fitted on those scores) keeps it. An explicit
    ``onnx``/``onnx-int8`` exports the folder first when it has no export (logged).
    ``torch`` keeps the ranker's own class (e.g. ``SentenceTransformersSimilarityRanker``, fp32).
    ``torch-bf16`` and ``torch-amp`` (the experiment's own scoring: bf16 autocast where the CPU has it) make it a
    :class:`~hardneg_haystack.components.backend_ranker.BackendRanker`;
    ``onnx`` and ``onnx-int8`` an :class:`~hardneg_haystack.components.onnx_ranker.OnnxRanker` on ``model`` (a
    local folder; exported to ONNX first when it has no ``onnx/``). Both keep the old ranker's ``top_k``,
    ``scale_score`` and ``score_threshold`` and score a query's candidates in one length-sorted batch.

    The ranker is rebuilt from its own serialised parameters with only ``model`` changed; the other
    components are the same objects (a store keeps its documents) and every connection is restored. A
    :class:`~hardneg_haystack.components.rankers.ScoreBlender` in the pipeline takes the model's stored blend
    weight (when it has one) unless ``update_blender`` is False. A YAML path (or text) is loaded first.
    """
    from hardneg_haystack.components.backend_ranker import BackendRanker
    from hardneg_haystack.components.pipelines import load_pipeline
    from hardneg_haystack.components.rankers import ScoreBlender
    from hardneg_haystack.embedding.models import resolve_model
    from hardneg_haystack.scoring.rerank_backends import MEASURED_BATCH_SIZE, SERVING_BATCH_SIZE, backend_for
    from hardneg_haystack.training.model_info import read_training_info, reads_bm25

    if not isinstance(pipeline, Pipeline):
        pipeline = load_pipeline(pipeline, allowed_modules=allowed_modules)
    target = find_ranker(pipeline, name)
    old = pipeline.get_component(target)
    spec = component_to_dict(old, target)
    params = spec.setdefault("init_parameters", {})
    if "model" not in params:
        raise ConfigError(f"component {target!r} ({type(old).__name__}) has no `model` parameter to replace")
    resolved = resolve_model(str(model))
    params["model"] = resolved.source
    chosen = backend_for(resolved.source, backend)  # auto: ONNX only where an export exists (nothing written)
    if backend == "auto" and isinstance(old, BackendRanker) and old.backend == "torch-amp":
        chosen = "torch-amp"  # a fused pipeline's weights were fitted on these scores: keep the measured scoring
    if chosen == "torch" and not reads_bm25(resolved.source):
        new = component_from_dict(type(old), spec, target)
    elif chosen in ("torch", "torch-bf16", "torch-amp"):  # torch: a model reading BM25's score needs our ranker
        new = BackendRanker(
            model=resolved.source,
            backend=chosen,
            top_k=params.get("top_k", 10),
            batch_size=params.get("batch_size")
            or (MEASURED_BATCH_SIZE if chosen == "torch-amp" else SERVING_BATCH_SIZE),
            scale_score=params.get("scale_score", True),
            score_threshold=params.get("score_threshold"),
        )
    else:
        new = _onnx_ranker(resolved.source, chosen, params)
    connections = [(c["sender"], c["receiver"]) for c in pipeline.to_dict()["connections"] if target in _ends(c)]
    pipeline.remove_component(target)
    pipeline.add_component(target, new)
    for sender, receiver in connections:
        pipeline.connect(sender, receiver)
    if getattr(new, "reads_bm25_score", False):
        _feed_bm25_scores(pipeline, target)
    stored = read_training_info(resolved.source).get("blend_weight") if Path(resolved.source).is_dir() else None
    if update_blender and stored is not None:
        for _, comp in pipeline.walk():
            if isinstance(comp, ScoreBlender):
                comp.use_model(resolved.source, float(stored))
    return pipeline


def _feed_bm25_scores(pipeline: Pipeline, ranker: str) -> None:
    """A ranker whose model reads BM25's score needs BM25's scores: when its documents come from elsewhere (a
    joiner), connect the pipeline's one BM25 retriever to its ``bm25_documents``."""
    senders = [
        c["sender"].split(".")[0] for c in pipeline.to_dict()["connections"] if c["receiver"] == f"{ranker}.documents"
    ]
    bm25 = [n for n, c in pipeline.walk() if "BM25Retriever" in type(c).__name__]
    if len(bm25) == 1 and bm25[0] not in senders:
        pipeline.connect(f"{bm25[0]}.documents", f"{ranker}.bm25_documents")


def _onnx_ranker(model: str, backend: str, params: dict[str, Any]) -> Any:
    from hardneg_haystack.components.onnx_ranker import OnnxRanker
    from hardneg_haystack.scoring.onnx_backend import ensure_export
    from hardneg_haystack.scoring.rerank_backends import SERVING_BATCH_SIZE

    if backend not in ("onnx", "onnx-int8"):
        raise ConfigError(f"unknown ranker backend {backend!r}: auto, torch, torch-bf16, torch-amp, onnx or onnx-int8")
    if not Path(model).is_dir():
        raise ConfigError(f"the {backend} backend needs a local model folder, got {model!r}")
    quantized = backend == "onnx-int8"
    ensure_export(model, quantized=quantized)
    return OnnxRanker(
        model=model,
        quantized=quantized,
        batch_size=SERVING_BATCH_SIZE,  # length-sorted chunks of 16 pairs: the fastest per pair on CPU
        top_k=params.get("top_k", 10),
        scale_score=params.get("scale_score", True),
        score_threshold=params.get("score_threshold"),
    )


def _ends(connection: dict[str, Any]) -> tuple[str, str]:
    return connection["sender"].split(".", 1)[0], connection["receiver"].split(".", 1)[0]
