"""The indexing job: load -> clean -> split -> embed with the ensemble -> write, resumable and persisted.

The work folder holds the embedded store (``store.json``), the embedding cache and ``index.json``, a
manifest naming the ensemble and store, so ``hardneg search`` (and the miners) reopen the same index
without re-embedding anything.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from haystack import Document

from hardneg_haystack.components.embedders import EnsembleEmbedder, EnsembleTextEmbedder
from hardneg_haystack.errors import ConfigError
from hardneg_haystack.pipelines import build_indexing_pipeline
from hardneg_haystack.stores import StoreConfig, open_store, persist_store

logger = logging.getLogger(__name__)

MANIFEST = "index.json"


@dataclass
class IndexResult:
    documents: int
    written: int
    seconds: float
    cache_hits: int
    cache_misses: int
    dimension: int


def index_documents(
    documents: list[Document],
    *,
    work_dir: str | Path,
    store_config: StoreConfig | None = None,
    members: list[Any] | None = None,
    fusion: str = "weighted",
    max_words: int = 300,
    split_overlap: int = 30,
    batch_docs: int = 1000,
    progress: Any = None,
    persist_every_s: float = 60.0,
) -> IndexResult:
    """Embed and write ``documents`` in batches. The embedding cache commits every block, so an interrupted
    run resumes without re-embedding; the embedded store is saved at the end and at most every
    ``persist_every_s`` seconds on the way (each save rewrites the whole store file). Writing the same
    corpus again overwrites by id, never duplicates."""
    work_dir = Path(work_dir)
    work_dir.mkdir(parents=True, exist_ok=True)
    config = store_config or StoreConfig(work_dir=str(work_dir))
    if config.is_memory and config.work_dir is None:
        config.work_dir = str(work_dir)
    embedder = EnsembleEmbedder(members=members, fusion=fusion, cache_dir=work_dir / "cache", progress_bar=False)
    embedder.warm_up()
    ens = embedder.ensemble
    store = open_store(config, embedding_dim=ens.dimension)
    pipe = build_indexing_pipeline(store=store, embedder=embedder, max_words=max_words, split_overlap=split_overlap)
    start = last_save = time.perf_counter()
    written = 0
    for begin in range(0, len(documents), batch_docs):
        batch = documents[begin : begin + batch_docs]
        out = pipe.run({"cleaner": {"documents": batch}})
        written += out["writer"]["documents_written"]
        if begin + batch_docs >= len(documents) or time.perf_counter() - last_save >= persist_every_s:
            persist_store(store, config)
            last_save = time.perf_counter()
        if progress is not None:
            progress(len(batch))
    seconds = time.perf_counter() - start
    cache = ens.cache
    manifest = {
        "ensemble": ens.to_dict() | {"cache_dir": str(work_dir / "cache")},
        "dimension": ens.dimension,
        "member_dimensions": ens.dimensions,
        "store": config.to_dict(),
        "documents": len(documents),
        "split": {"max_words": max_words, "split_overlap": split_overlap},
    }
    (work_dir / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return IndexResult(
        documents=len(documents),
        written=written,
        seconds=seconds,
        cache_hits=cache.hits if cache else 0,
        cache_misses=cache.misses if cache else 0,
        dimension=ens.dimension,
    )


def apply_weights(work_dir: str | Path, weights: list[float], *, batch_size: int = 1000) -> int:
    """Re-fuse every stored vector under new member weights and record them in the manifest.

    Nothing is re-embedded: each member's part is recovered from the fused vector (``fusion.reweight``).
    Returns the number of documents rewritten.
    """
    from dataclasses import replace

    import numpy as np

    from hardneg_haystack.fusion import reweight
    from hardneg_haystack.stores import iter_all_documents, write_documents

    store, embedder, manifest = open_index(work_dir)
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
    persist_store(store, StoreConfig(**manifest["store"]))
    total = float(sum(weights))
    for member, w in zip(ens["members"], weights, strict=True):
        member["weight"] = float(w) / total
    (Path(work_dir) / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return len(docs)


def read_manifest(work_dir: str | Path) -> dict[str, Any]:
    path = Path(work_dir) / MANIFEST
    if not path.is_file():
        raise ConfigError(f"{path}: no index here; run `hardneg index --work-dir {work_dir}` first")
    return json.loads(path.read_text(encoding="utf-8"))


def open_index(work_dir: str | Path, *, progress_bar: bool = False) -> tuple[Any, EnsembleTextEmbedder, dict[str, Any]]:
    """Reopen an indexed work folder: ``(store, text embedder, manifest)``; nothing is re-embedded."""
    manifest = read_manifest(work_dir)
    config = StoreConfig(**manifest["store"])
    store = open_store(config, embedding_dim=manifest["dimension"])
    params = dict(manifest["ensemble"], progress_bar=progress_bar)
    embedder = EnsembleTextEmbedder(**params)
    return store, embedder, manifest
