"""A work folder's manifest (``index.json``): written relocatable, read with clear errors, checked on re-index.

A work folder is self-contained: the embedded store (``store.json``) and the embedding cache (``cache/``)
always live inside it, so the manifest records no path to them. Whatever an older manifest recorded
(``work_dir``/``cache_dir`` as typed on the command line, relative to where the command ran) is ignored on
read and replaced by the folder's actual location: a copied or moved folder reads and writes only itself.
A member model kept next to the folder (``hardneg experiment``'s tuned member, ``<run>/dense/model``, beside
``<run>/index``) is recorded relative to the folder (``../dense/model``), so a run folder moved or copied as a
whole embeds queries with its own copy.
"""

from __future__ import annotations

import json
import os
from dataclasses import replace
from pathlib import Path
from typing import Any

from hardneg_haystack.embedding.models import model_identity
from hardneg_haystack.errors import ConfigError, DamagedFileError

MANIFEST = "index.json"
CACHE_DIR = "cache"
#: 2: no paths stored (the folder is where index.json is); 1 (no field): paths as given on the command line
MANIFEST_FORMAT = 2
_REQUIRED = ("ensemble", "dimension", "member_dimensions", "store")


def reindex_hint(work_dir: str | Path) -> str:
    return f"re-index the folder to rebuild it: `hardneg index --work-dir {work_dir} --data <your corpus>`"


def read_manifest(work_dir: str | Path) -> dict[str, Any]:
    """The folder's manifest, with its store and cache paths pointing into ``work_dir`` itself.

    :raises ConfigError: no manifest here.
    :raises DamagedFileError: the manifest is not readable JSON or lacks a field (names the file and the cure).
    """
    path = Path(work_dir) / MANIFEST
    if not path.is_file():
        raise ConfigError(f"{path}: no index here; run `hardneg index --work-dir {work_dir}` first")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise DamagedFileError(path, f"{path} is damaged (not valid JSON: {exc}); {reindex_hint(work_dir)}") from exc
    missing = [k for k in _REQUIRED if not isinstance(manifest, dict) or k not in manifest]
    if missing:
        raise DamagedFileError(path, f"{path} is damaged (missing {', '.join(missing)}); {reindex_hint(work_dir)}")
    return localize(manifest, work_dir)


def localize(manifest: dict[str, Any], work_dir: str | Path) -> dict[str, Any]:
    """``manifest`` with the embedded store and the cache inside ``work_dir`` and member models recorded relative
    to it resolved (pure; returns a copy)."""
    out = json.loads(json.dumps(manifest))
    out["store"]["work_dir"] = str(Path(work_dir))
    out["ensemble"]["cache_dir"] = str(Path(work_dir) / CACHE_DIR)
    for member in out["ensemble"].get("members", []):
        model = member.get("model")
        if isinstance(model, str) and model.startswith(("./", "../")):  # never a hub id or an alias
            member["model"] = os.path.normpath(Path(work_dir).absolute() / model)
    return out


def portable(manifest: dict[str, Any], work_dir: str | Path | None = None) -> dict[str, Any]:
    """``manifest`` as written to disk: no store or cache path, and a member model folder inside ``work_dir``'s
    parent (the run folder) relative to ``work_dir`` (pure; returns a copy)."""
    out = json.loads(json.dumps(manifest))
    out["format"] = MANIFEST_FORMAT
    out["store"]["work_dir"] = None
    out["ensemble"]["cache_dir"] = None
    if work_dir is not None:
        here = Path(work_dir).resolve()
        for member in out["ensemble"].get("members", []):
            model = member.get("model")
            folder = Path(model).resolve() if isinstance(model, str) and Path(model).is_dir() else None
            if folder is not None and folder.is_relative_to(here.parent):
                rel = os.path.relpath(folder, here)
                member["model"] = rel if rel.startswith("..") else f"./{rel}"
    return out


def write_manifest(work_dir: str | Path, manifest: dict[str, Any]) -> Path:
    """Write ``index.json`` atomically (an interrupted write leaves the previous one)."""
    path = Path(work_dir) / MANIFEST
    tmp = path.with_suffix(".tmp.json")
    tmp.write_text(json.dumps(portable(manifest, work_dir), indent=2), encoding="utf-8")
    tmp.replace(path)
    return path


def open_work_store(work_dir: str | Path) -> tuple[Any, dict[str, Any]]:
    """Reopen an indexed work folder's store: ``(store, manifest)``; nothing is re-embedded."""
    from hardneg_haystack.index.stores import StoreConfig, open_store

    manifest = read_manifest(work_dir)
    store = open_store(StoreConfig(**manifest["store"]), embedding_dim=manifest["dimension"])
    return store, manifest


def open_work_dir(work_dir: str | Path, *, progress_bar: bool = False) -> tuple[Any, Any, dict[str, Any]]:
    """Reopen an indexed work folder: ``(store, Ensemble, manifest)``, the ensemble that embedded the store
    (its members and fitted weights; models load on first use). No Haystack component: the library's own
    layers use this; :func:`hardneg_haystack.components.indexing.open_index` wraps the ensemble in a text embedder."""
    from hardneg_haystack.embedding.ensemble import Ensemble

    store, manifest = open_work_store(work_dir)
    return store, Ensemble(**dict(manifest["ensemble"], progress_bar=progress_bar)), manifest


def apply_weights(work_dir: str | Path, weights: list[float], *, batch_size: int = 1000) -> int:
    """Re-fuse every stored vector under new member weights and record them in the manifest.

    Nothing is re-embedded: each member's part is recovered from the fused vector (``fusion.reweight``).
    Returns the number of documents rewritten.
    """
    import numpy as np

    from hardneg_haystack.embedding.fusion import reweight
    from hardneg_haystack.index.stores import StoreConfig, iter_all_documents, persist_store, write_documents

    store, manifest = open_work_store(work_dir)
    ens = manifest["ensemble"]
    if ens["fusion"] != "weighted":
        raise ConfigError("re-weighting needs fusion 'weighted'")
    old = [m["weight"] for m in ens["members"]]
    if len(weights) != len(old):
        raise ConfigError(f"{len(weights)} weights for {len(old)} ensemble members")
    docs = [d for d in iter_all_documents(store) if d.embedding is not None]
    if not docs:
        return 0
    vecs = reweight(
        np.asarray([d.embedding for d in docs], dtype=np.float32), manifest["member_dimensions"], old, weights
    )
    write_documents(
        store, [replace(d, embedding=v.tolist()) for d, v in zip(docs, vecs, strict=True)], batch_size=batch_size
    )
    persist_store(store, StoreConfig(**manifest["store"]))  # read_manifest points it into this folder
    total = float(sum(weights))
    for member, w in zip(ens["members"], weights, strict=True):
        member["weight"] = float(w) / total
    write_manifest(work_dir, manifest)
    return len(docs)


def replace_member(work_dir: str | Path, position: int, model: str | Path, *, batch_size: int = 1000) -> int:
    """Swap the ensemble member at ``position`` for ``model`` (e.g. one tuned by ``hardneg experiment``):
    every stored vector is re-fused with that member's part embedded by ``model`` (through the folder's embedding
    cache; the other members' parts are recovered from the stored vectors, nothing else is embedded), and the
    manifest names the new model, so queries are embedded the same way. Returns the number of documents rewritten."""
    import numpy as np

    from hardneg_haystack.embedding.ensemble import Ensemble
    from hardneg_haystack.embedding.fusion import fuse_vectors, split_members
    from hardneg_haystack.index.stores import StoreConfig, iter_all_documents, persist_store, write_documents

    store, manifest = open_work_store(work_dir)
    ens = manifest["ensemble"]
    if ens["fusion"] == "mean":
        raise ConfigError("replacing one member needs fusion 'weighted' or 'concat'")
    if not 0 <= position < len(ens["members"]):
        raise ConfigError(f"member position {position}: the ensemble has {len(ens['members'])} members")
    docs = [d for d in iter_all_documents(store) if d.embedding is not None]
    weights = [m["weight"] for m in ens["members"]]
    folder = Path(model).expanduser()
    ens["members"][position]["model"] = str(folder.resolve()) if folder.is_dir() else str(model)  # any cwd
    cached = Ensemble(**dict(ens, members=[ens["members"][position]], progress_bar=False))
    if docs:
        stored = np.asarray([d.embedding for d in docs], dtype=np.float32)
        parts = split_members(stored, manifest["member_dimensions"], weights, ens["fusion"])
        new = cached.encode_members([d.content or "" for d in docs], "document")[0]
        if new.shape[1] != parts[position].shape[1]:
            raise ConfigError(
                f"{model}: embeds in {new.shape[1]} dimensions where member {position} has {parts[position].shape[1]}"
            )
        parts[position] = new
        vecs = fuse_vectors(parts, weights, ens["fusion"])
        write_documents(
            store, [replace(d, embedding=v.tolist()) for d, v in zip(docs, vecs, strict=True)], batch_size=batch_size
        )
        persist_store(store, StoreConfig(**manifest["store"]))
    write_manifest(work_dir, manifest)
    return len(docs)


# ---- ensemble identity ------------------------------------------------------------------------------------
def ensemble_identity(ensemble: dict[str, Any]) -> list[Any]:
    """What makes two ensembles embed differently, weights aside: members' models, prefixes and lengths, fusion."""
    members = []
    for m in ensemble.get("members", []):
        spec = {k: v for k, v in m.items() if k not in ("weight", "name")}
        if "model" in spec:
            spec["model"] = model_identity(str(spec["model"]))
        members.append(spec)
    return [members, ensemble.get("fusion", "weighted")]


def normalized_weights(ensemble: dict[str, Any]) -> list[float]:
    weights = [float(m.get("weight", 1.0)) for m in ensemble.get("members", [])]
    total = sum(weights)
    return [w / total for w in weights] if total > 0 else weights


def describe_ensemble(ensemble: dict[str, Any], dimension: int | None = None) -> str:
    """``bert16 (0.50) + static8 (0.50), weighted fusion, 24-d``: an ensemble in one line."""
    weights = normalized_weights(ensemble)
    parts = []
    for m, w in zip(ensemble.get("members", []), weights, strict=False):
        label = m.get("name") or m.get("model") or m.get("document_embedder", {}).get("type", "embedder pair")
        parts.append(f"{label} ({w:.2f})")
    dim = f", {dimension}-d" if dimension else ""
    return f"{' + '.join(parts)}, {ensemble.get('fusion', 'weighted')} fusion{dim}"


def _embedded_in(ensemble: dict[str, Any]) -> str:
    """``bf16`` or ``fp32``: the precision an ensemble's recorded settings embed in on this machine."""
    from hardneg_haystack.embedding.precision import use_bf16

    return "bf16" if use_bf16(str(ensemble.get("precision", "fp32")), ensemble.get("device")) else "fp32"


def ensemble_conflict(
    old: dict[str, Any], new: dict[str, Any], *, old_dim: int | None = None, new_dim: int | None = None
) -> str | None:
    """Why documents embedded by ensemble ``new`` cannot join a store embedded by ``old`` (None: they can)."""
    if ensemble_identity(old) != ensemble_identity(new) or (old_dim and new_dim and old_dim != new_dim):
        return (
            f"the folder was indexed with {describe_ensemble(old, old_dim)}; this run embeds with "
            f"{describe_ensemble(new, new_dim)}"
        )
    if _embedded_in(old) != _embedded_in(new):
        return f"the folder's vectors were embedded in {_embedded_in(old)}; this run embeds in {_embedded_in(new)}"
    ow, nw = normalized_weights(old), normalized_weights(new)
    if any(abs(a - b) > 1e-6 for a, b in zip(ow, nw, strict=True)):
        flags = " ".join(f"--weight {w:.4g}" for w in ow)
        return (
            f"the folder's vectors are fused with member weights {[round(w, 4) for w in ow]} (fit-weights --apply?); "
            f"this run fuses with {[round(w, 4) for w in nw]}. Pass the same members with {flags} to keep them"
        )
    return None
