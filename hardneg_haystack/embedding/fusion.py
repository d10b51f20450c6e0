"""Pure math that turns several members' embeddings into one ensemble vector.

``weighted`` (the default) L2-normalises each member, scales it by ``sqrt(w_i)`` (weights summing
to 1) and concatenates. The dot product of two fused vectors is then exactly the weighted mean of
the members' cosine similarities, so one vector serves a single knn field (inner product) and any
store's dot-product retrieval, whatever the members' dimensions:

    >>> import numpy as np
    >>> a = [np.array([[3.0, 4.0]]), np.array([[1.0, 0.0, 0.0]])]
    >>> b = [np.array([[4.0, 3.0]]), np.array([[0.0, 1.0, 0.0]])]
    >>> w = [0.75, 0.25]
    >>> float(fuse_vectors(a, w) @ fuse_vectors(b, w).T)  # 0.75 * cos(a0, b0) + 0.25 * cos(a1, b1)
    0.72

``mean`` averages the normalised members element-wise (the paper's literal choice; members must have
equal dimensions) and ``concat`` concatenates the normalised members unweighted.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np

from hardneg_haystack.errors import ConfigError

FusionMethod = Literal["weighted", "mean", "concat"]
FUSION_METHODS: tuple[str, ...] = ("weighted", "mean", "concat")


def l2_normalize(x: np.ndarray) -> np.ndarray:
    """Row-wise L2 normalisation; zero rows stay zero."""
    x = np.asarray(x, dtype=np.float32)
    norms = np.linalg.norm(x, axis=-1, keepdims=True)
    return x / np.where(norms == 0, 1.0, norms)


def normalize_weights(weights: Sequence[float]) -> np.ndarray:
    """Weights as a float array summing to 1; negative or all-zero weights are refused."""
    w = np.asarray(weights, dtype=np.float64)
    if w.ndim != 1 or len(w) == 0:
        raise ConfigError("ensemble weights: need one weight per member")
    if (w < 0).any() or not np.isfinite(w).all():
        raise ConfigError(f"ensemble weights must be finite and >= 0, got {list(weights)}")
    if w.sum() == 0:
        raise ConfigError("ensemble weights sum to 0: at least one member needs a positive weight")
    return w / w.sum()


def fused_dimension(dims: Sequence[int], method: FusionMethod = "weighted") -> int:
    """Length of the fused vector for members of the given dimensions."""
    check_dimensions(dims, method)
    return dims[0] if method == "mean" else int(sum(dims))


def check_dimensions(dims: Sequence[int], method: FusionMethod) -> None:
    if method not in FUSION_METHODS:
        raise ConfigError(f"unknown fusion {method!r}; choose one of {', '.join(FUSION_METHODS)}")
    if method == "mean" and len(set(dims)) > 1:
        raise ConfigError(
            f"fusion 'mean' needs members of equal dimension, got {list(dims)}; "
            "use fusion 'weighted' (exact weighted cosine, any dimensions) instead"
        )


def fuse_vectors(
    member_embeddings: Sequence[np.ndarray], weights: Sequence[float], method: FusionMethod = "weighted"
) -> np.ndarray:
    """Fuse per-member embeddings (each ``n x d_i``) into one ``n x D`` float32 matrix."""
    if len(member_embeddings) != len(weights):
        raise ConfigError(f"{len(member_embeddings)} member embeddings but {len(weights)} weights")
    mats = [np.atleast_2d(l2_normalize(m)) for m in member_embeddings]
    check_dimensions([m.shape[1] for m in mats], method)
    if len({m.shape[0] for m in mats}) > 1:
        raise ConfigError("members returned different numbers of embeddings")
    w = normalize_weights(weights)
    if method == "weighted":
        return np.hstack([m * np.float32(np.sqrt(wi)) for m, wi in zip(mats, w, strict=True)]).astype(np.float32)
    if method == "mean":
        return sum(m * np.float32(wi) for m, wi in zip(mats, w, strict=True)).astype(np.float32)
    return np.hstack(mats).astype(np.float32)


def member_slices(dims: Sequence[int]) -> list[slice]:
    """Column slices of each member inside a ``weighted`` or ``concat`` fused vector."""
    out, start = [], 0
    for d in dims:
        out.append(slice(start, start + d))
        start += d
    return out


def split_members(
    fused: np.ndarray, dims: Sequence[int], weights: Sequence[float], method: FusionMethod = "weighted"
) -> list[np.ndarray]:
    """Recover each member's normalised embeddings from ``weighted``/``concat`` fused vectors.

    This lets weights be refitted, or one member evaluated alone, without embedding anything again.
    """
    if method == "mean":
        raise ConfigError("fusion 'mean' cannot be split back into members")
    w = normalize_weights(weights)
    fused = np.atleast_2d(np.asarray(fused, dtype=np.float32))
    parts = []
    for s, wi in zip(member_slices(dims), w, strict=True):
        part = fused[:, s]
        parts.append(part / np.float32(np.sqrt(wi)) if method == "weighted" and wi > 0 else part)
    return parts


def reweight(fused: np.ndarray, dims: Sequence[int], old: Sequence[float], new: Sequence[float]) -> np.ndarray:
    """Re-fuse ``weighted`` vectors under new weights (members with old weight 0 cannot be revived)."""
    old_w = normalize_weights(old)
    if any(o == 0 and n > 0 for o, n in zip(old_w, new, strict=True)):
        raise ConfigError("a member stored with weight 0 cannot be given a positive weight without re-embedding")
    return fuse_vectors(split_members(fused, dims, old, "weighted"), new, "weighted")
