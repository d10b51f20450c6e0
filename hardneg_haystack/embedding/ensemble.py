"""The ensemble itself: loads its members, embeds text through the cache, fuses the results.

Components (:mod:`hardneg_haystack.components.embedders`) are thin shells over :class:`Ensemble`.
"""

from __future__ import annotations

import atexit
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np

from hardneg_haystack.embedding.cache import EmbeddingCache
from hardneg_haystack.embedding.fusion import FusionMethod, check_dimensions, fuse_vectors, fused_dimension
from hardneg_haystack.embedding.models import load_sentence_transformer, resolve_model
from hardneg_haystack.embedding.precision import Precision, autocast, use_bf16
from hardneg_haystack.errors import ConfigError

logger = logging.getLogger(__name__)

Role = Literal["query", "document"]

DEFAULT_MEMBERS: tuple[dict[str, Any], ...] = (
    {"model": "minilm", "weight": 1.0},
    {"model": "sre", "weight": 1.0},
    {"model": "static", "weight": 1.0},
)


WEIGHT_SUFFIXES = (".safetensors", ".bin", ".pt", ".pth", ".npy", ".onnx")


def weights_stamp(folder: str | Path) -> str:
    """Size and modification time of a model folder's weight files, hashed: a model saved again in the same
    folder (``hardneg tune-dense`` writes its best epoch there) gets new cache keys, never stale vectors."""
    import hashlib

    files = sorted(f for f in Path(folder).rglob("*") if f.suffix in WEIGHT_SUFFIXES and f.is_file())
    stamp = [(str(f.relative_to(folder)), f.stat().st_size, f.stat().st_mtime_ns) for f in files]
    return hashlib.sha256(repr(stamp).encode()).hexdigest()[:12]


@dataclass
class EnsembleMember:
    """One model of the ensemble.

    Either ``model`` (any sentence-transformers-loadable reference, static model2vec models included)
    or a Haystack embedder pair: ``text_embedder`` (run(text=...) -> embedding) and
    ``document_embedder`` (run(documents=...) -> documents), e.g. the Cohere or Jina integrations.
    """

    model: str | None = None
    weight: float = 1.0
    query_prefix: str = ""
    document_prefix: str = ""
    max_seq_length: int | None = None
    name: str | None = None
    text_embedder: Any = None
    document_embedder: Any = None
    _model: Any = field(default=None, init=False, repr=False, compare=False)
    _dim: int | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        pair = (self.text_embedder is not None, self.document_embedder is not None)
        if self.model is None and pair != (True, True):
            raise ConfigError("ensemble member: give `model`, or both `text_embedder` and `document_embedder`")
        if self.model is not None and any(pair):
            raise ConfigError(f"ensemble member {self.model!r}: give `model` or an embedder pair, not both")
        if not self.weight >= 0:
            raise ConfigError(f"ensemble member {self.label!r}: weight must be >= 0, got {self.weight}")

    @property
    def label(self) -> str:
        if self.name:
            return self.name
        if self.model is not None:
            return self.model
        return type(self.document_embedder).__name__

    def cache_key(self, role: Role) -> str:
        prefix = self.query_prefix if role == "query" else self.document_prefix
        if self.model is not None:
            resolved = resolve_model(self.model)
            base = resolved.source
            if resolved.alias is None and resolved.format != "hub":  # a local folder may be retrained in place
                base += f"|weights={weights_stamp(resolved.source)}"
        else:
            from haystack.core.serialization import component_to_dict

            emb = self.text_embedder if role == "query" else self.document_embedder
            base = repr(component_to_dict(emb, "member"))
        return f"{base}|len={self.max_seq_length}|prefix={prefix}|role={role if self.model is None else ''}"

    # --- loading and encoding -------------------------------------------------------------------
    def warm_up(self, *, device: str | None, trust_remote_code: bool) -> None:
        if self.model is not None:
            if self._model is None:
                self._model = load_sentence_transformer(
                    self.model, device=device, trust_remote_code=trust_remote_code, max_seq_length=self.max_seq_length
                )
                self._dim = int(self._model.get_embedding_dimension())
            return
        for emb in (self.text_embedder, self.document_embedder):
            if hasattr(emb, "warm_up"):
                emb.warm_up()

    @property
    def sentence_transformer(self) -> Any:
        """The loaded SentenceTransformer (members given as Haystack embedder pairs have none)."""
        if self.model is None:
            raise ConfigError(
                f"ensemble member {self.label!r} is a Haystack embedder pair, not a sentence-transformers model"
            )
        if self._model is None:
            raise ConfigError(f"ensemble member {self.label!r} is not loaded yet: call warm_up()")
        return self._model

    def encode(
        self, texts: Sequence[str], role: Role, *, batch_size: int, progress_bar: bool, pool: Any = None
    ) -> np.ndarray:
        """L2-normalised embeddings of ``texts``; ``pool``: a sentence-transformers multi-process pool of this
        member's model (:meth:`start_pool`) spreads them over its processes."""
        prefix = self.query_prefix if role == "query" else self.document_prefix
        texts = [prefix + t for t in texts]
        if self.model is not None:
            return np.asarray(
                self._model.encode(
                    texts,
                    batch_size=batch_size,
                    show_progress_bar=progress_bar,
                    convert_to_numpy=True,
                    normalize_embeddings=True,
                    **({"pool": pool} if pool is not None else {}),
                ),
                dtype=np.float32,
            )
        if role == "query":
            vecs = [self.text_embedder.run(text=t)["embedding"] for t in texts]
        else:
            from haystack import Document

            docs = self.document_embedder.run(documents=[Document(content=t) for t in texts])["documents"]
            vecs = [d.embedding for d in docs]
        return np.asarray(vecs, dtype=np.float32)

    @property
    def dimension(self) -> int:
        if self._dim is None:
            if self.model is not None:
                raise ConfigError(f"ensemble member {self.label!r} is not loaded yet: call warm_up()")
            self._dim = int(self.encode(["dimension probe"], "query", batch_size=1, progress_bar=False).shape[1])
        return self._dim

    # --- serialisation --------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"weight": self.weight}
        if self.model is not None:
            out["model"] = self.model
        else:
            from haystack.core.serialization import component_to_dict, generate_qualified_class_name

            for key in ("text_embedder", "document_embedder"):
                comp = getattr(self, key)
                out[key] = {"type": generate_qualified_class_name(type(comp)), **component_to_dict(comp, key)}
        for key in ("query_prefix", "document_prefix"):
            if getattr(self, key):
                out[key] = getattr(self, key)
        if self.max_seq_length is not None:
            out["max_seq_length"] = self.max_seq_length
        if self.name:
            out["name"] = self.name
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any] | EnsembleMember | str) -> EnsembleMember:
        if isinstance(data, EnsembleMember):
            return data
        if isinstance(data, str):
            return cls(model=data)
        data = dict(data)
        unknown = set(data) - {
            "model",
            "weight",
            "query_prefix",
            "document_prefix",
            "max_seq_length",
            "name",
            "text_embedder",
            "document_embedder",
        }
        if unknown:
            raise ConfigError(f"ensemble member: unknown field(s) {sorted(unknown)}")
        for key in ("text_embedder", "document_embedder"):
            if isinstance(data.get(key), dict):
                from haystack.core.serialization import component_from_dict, import_class_by_name

                spec = data[key]
                data[key] = component_from_dict(import_class_by_name(spec["type"]), spec, key)
        return cls(**data)


def local_model_path(reference: str) -> str:
    """An existing local model folder as an absolute path (a packaged alias or a hub id as given).

    A work folder records its members; a folder given relative to where the command ran (``models/bert/st``)
    must be recorded absolute, or the work folder breaks when opened from another directory.
    """
    from hardneg_haystack.embedding.models import PACKAGED_MODELS

    if reference in PACKAGED_MODELS:
        return reference
    folder = Path(reference).expanduser()
    return str(folder.resolve()) if folder.is_dir() else reference


def anchored_members(members: Sequence[dict[str, Any] | EnsembleMember | str] | None) -> list[Any] | None:
    """``members`` with every local model folder made absolute (see :func:`local_model_path`); pure."""
    from dataclasses import replace

    if members is None:
        return None
    out: list[Any] = []
    for member in members:
        if isinstance(member, str):
            out.append(local_model_path(member))
        elif isinstance(member, EnsembleMember) and member.model is not None:
            out.append(replace(member, model=local_model_path(member.model)))
        elif isinstance(member, dict) and isinstance(member.get("model"), str):
            out.append({**member, "model": local_model_path(member["model"])})
        else:
            out.append(member)
    return out


class Ensemble:
    """Several embedding models behaving as one (see :mod:`hardneg_haystack.embedding.fusion` for the math).

    >>> ens = Ensemble([{"model": "minilm", "weight": 0.7}, {"model": "static", "weight": 0.3}])  # doctest: +SKIP
    >>> ens.warm_up(); ens.encode(["reset my VPN token"], role="query").shape  # doctest: +SKIP
    (1, 448)
    """

    def __init__(
        self,
        members: Sequence[dict[str, Any] | EnsembleMember | str] | None = None,
        *,
        fusion: FusionMethod = "weighted",
        cache_dir: str | Path | None = None,
        batch_size: int = 32,
        device: str | None = None,
        trust_remote_code: bool = False,
        progress_bar: bool = True,
        devices: Sequence[str] | None = None,
        precision: Precision = "fp32",
    ) -> None:
        """See :class:`hardneg_haystack.EnsembleEmbedder` for the parameters. ``devices``: encode on these
        devices in parallel, one process each (sentence-transformers' multi-process pool), e.g.
        ``["cuda:0", "cuda:1"]`` or ``["cpu", "cpu"]``; the pools start on the first encode and stop at
        :meth:`close` (or when the process exits). How a process encodes, not what: the vectors, the cache and
        the index are those of one process."""
        specs = list(members) if members is not None else list(DEFAULT_MEMBERS)
        if not specs:
            raise ConfigError("an ensemble needs at least one member")
        self.members = [EnsembleMember.from_dict(m) for m in specs]
        check_dimensions([1] * len(self.members), fusion)  # validates the name early
        self.fusion: FusionMethod = fusion
        self.cache_dir = str(cache_dir) if cache_dir is not None else None
        self.batch_size = batch_size
        self.device = device
        self.trust_remote_code = trust_remote_code
        self.progress_bar = progress_bar
        self.devices = list(devices) if devices else None
        if self.devices is not None and len(self.devices) < 2:
            raise ConfigError(f"devices: give two or more to encode in parallel, got {self.devices} (one: use device)")
        if precision not in ("auto", "bf16", "fp32"):
            raise ConfigError(f"precision must be auto, bf16 or fp32, got {precision!r}")
        if self.devices is not None and precision != "fp32":
            raise ConfigError("precision: bf16 autocast runs in this process; encode on several devices in fp32")
        self.precision: Precision = precision
        self._cache: EmbeddingCache | None = None
        self._warm = False
        self._pools: dict[int, Any] = {}

    @property
    def weights(self) -> list[float]:
        return [m.weight for m in self.members]

    def warm_up(self) -> None:
        if self._warm:
            return
        for member in self.members:
            member.warm_up(device=self.device, trust_remote_code=self.trust_remote_code)
        check_dimensions(self.dimensions, self.fusion)
        if self.cache_dir is not None and self._cache is None:
            self._cache = EmbeddingCache(Path(self.cache_dir) / "embeddings.sqlite")
        self._warm = True

    @property
    def dimensions(self) -> list[int]:
        return [m.dimension for m in self.members]

    @property
    def dimension(self) -> int:
        return fused_dimension(self.dimensions, self.fusion)

    @property
    def cache(self) -> EmbeddingCache | None:
        return self._cache

    def _pool(self, member: EnsembleMember) -> Any:
        """The member's multi-process pool when ``devices`` asks for one (members that are Haystack embedder
        pairs encode in this process)."""
        if self.devices is None or member.model is None:
            return None
        if id(member) not in self._pools:
            if not self._pools:
                atexit.register(self.close)
            self._pools[id(member)] = member.sentence_transformer.start_multi_process_pool(self.devices)
        return self._pools[id(member)]

    def close(self) -> None:
        """Stop the multi-process pools (idempotent); encoding later starts them again."""
        from sentence_transformers import SentenceTransformer

        pools, self._pools = self._pools, {}
        for pool in pools.values():
            SentenceTransformer.stop_multi_process_pool(pool)

    def _bf16(self, member: EnsembleMember) -> bool:
        """Whether ``member`` embeds under bf16 autocast (sentence-transformers members only)."""
        return member.model is not None and use_bf16(self.precision, self.device)

    def _encode(self, member: EnsembleMember, texts: Sequence[str], role: Role) -> np.ndarray:
        with autocast(self.precision if self._bf16(member) else "fp32", self.device):
            return member.encode(
                texts, role, batch_size=self.batch_size, progress_bar=self.progress_bar, pool=self._pool(member)
            )

    def encode_members(self, texts: Sequence[str], role: Role) -> list[np.ndarray]:
        """Each member's L2-normalised embeddings of ``texts`` (cached when a cache folder is set)."""
        self.warm_up()
        out = []
        for member in self.members:
            if self._cache is None:
                out.append(self._encode(member, texts, role))
                continue
            key = member.cache_key(role) + ("|bf16" if self._bf16(member) else "")  # other vectors, other keys
            hits, missing = self._cache.get(key, texts, dim=member.dimension)
            mat = np.zeros((len(texts), member.dimension), dtype=np.float32)
            for i, v in hits.items():
                mat[i] = v
            if missing:
                logger.info("member %s: embedding %d texts (%d cached)", member.label, len(missing), len(hits))
                step = max(self.batch_size * 32, 256)
                for start in range(0, len(missing), step):  # commit per block: an interrupted run resumes
                    idx = missing[start : start + step]
                    vecs = self._encode(member, [texts[i] for i in idx], role)
                    self._cache.put(key, [texts[i] for i in idx], vecs)
                    mat[idx] = vecs
            out.append(mat)
        return out

    def encode(self, texts: Sequence[str], role: Role) -> np.ndarray:
        """Fused ensemble embeddings (``len(texts) x dimension``, float32)."""
        if not len(texts):
            self.warm_up()
            return np.zeros((0, self.dimension), dtype=np.float32)
        return fuse_vectors(self.encode_members(texts, role), self.weights, self.fusion)

    def recorded(self) -> dict[str, Any]:
        """What an index records of the ensemble that embedded it: :meth:`to_dict` without ``devices`` (how a
        process encodes, not what), the precision as used here (``auto`` resolved: the index's vectors are bf16
        or fp32 ones, whatever the machine that opens it later has)."""
        out = {k: v for k, v in self.to_dict().items() if k not in ("devices", "precision")}
        return {**out, "precision": "bf16"} if use_bf16(self.precision, self.device) else out

    def to_dict(self) -> dict[str, Any]:
        return {
            "members": [m.to_dict() for m in self.members],
            "fusion": self.fusion,
            "cache_dir": self.cache_dir,
            "batch_size": self.batch_size,
            "device": self.device,
            "trust_remote_code": self.trust_remote_code,
            "progress_bar": self.progress_bar,
            **({"devices": self.devices} if self.devices else {}),  # absent unless set: older YAML and manifests
            **({"precision": self.precision} if self.precision != "fp32" else {}),
        }
