"""The indexing job: load -> clean -> split -> embed with the ensemble -> write, resumable and persisted.

The work folder holds the embedded store (``store.json``), the embedding cache and ``index.json``, a
manifest naming the ensemble and store, so ``hardneg search`` (and the miners) reopen the same index
without re-embedding anything. The folder is self-contained (no path is stored; see
:mod:`hardneg_haystack.index.workdir`), and re-indexing it leaves the store equal to the corpus given: documents
no longer in it are deleted, and an ensemble other than the folder's is refused unless ``rebuild=True``.
"""

from __future__ import annotations

import logging
import shutil
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from haystack import Document

from hardneg_haystack.components.embedders import EnsembleEmbedder, EnsembleTextEmbedder
from hardneg_haystack.components.pipelines import build_indexing_pipeline
from hardneg_haystack.errors import ConfigError, DamagedFileError, HardnegError
from hardneg_haystack.index.stores import STORE_FILE, StoreConfig, bulk_loading, open_store, persist_store
from hardneg_haystack.index.workdir import (
    CACHE_DIR,
    MANIFEST,
    apply_weights,
    ensemble_conflict,
    open_work_store,
    read_manifest,
    write_manifest,
)

logger = logging.getLogger(__name__)

__all__ = ["MANIFEST", "IndexResult", "apply_weights", "index_documents", "open_index", "read_manifest"]


@dataclass
class IndexResult:
    documents: int
    written: int
    seconds: float
    cache_hits: int
    cache_misses: int
    dimension: int
    removed: int = 0
    rebuilt: bool = False


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
    rebuild: bool = False,
    devices: list[str] | None = None,
    precision: str = "fp32",
) -> IndexResult:
    """Embed and write ``documents`` in batches. The embedding cache commits every block, so an interrupted
    run resumes without re-embedding; the embedded store is saved at the end and at most every
    ``persist_every_s`` seconds on the way (each save rewrites the whole store file). Writing the same
    corpus again overwrites by id, never duplicates, and documents of an earlier run that are not in
    ``documents`` are deleted at the end: the store holds exactly this corpus.

    :param devices: Embed on these devices in parallel, one process each (``["cuda:0", "cuda:1"]``,
        ``["cpu", "cpu"]``): the same vectors and cache as one process; not recorded in ``index.json``.
    :param precision: ``fp32``, ``bf16`` or ``auto`` (bf16 autocast where the hardware has it): how the members
        embed, recorded in ``index.json`` (other vectors: re-indexing a folder in another precision needs
        ``rebuild``), and how queries are embedded against the index.
    :param rebuild: Empty the store first. Without it, a folder indexed with another ensemble (other
        models, prefixes, fusion or weights) is refused before anything is written.
    :raises ConfigError: the folder holds another ensemble's vectors and ``rebuild`` is off.
    """
    work_dir = Path(work_dir)
    created = not work_dir.exists()
    work_dir.mkdir(parents=True, exist_ok=True)
    try:
        return _index(documents, work_dir, store_config, members, fusion, max_words, split_overlap, batch_docs,
                      progress, persist_every_s, rebuild, devices, precision)  # fmt: skip
    except HardnegError:
        if created and _nothing_indexed(work_dir):  # refused before any work was done: leave no trace
            shutil.rmtree(work_dir, ignore_errors=True)
        raise


def _nothing_indexed(work_dir: Path) -> bool:
    """True when a folder holds no manifest, no store and no cached embedding (nothing worth keeping)."""
    if (work_dir / MANIFEST).exists() or (work_dir / STORE_FILE).exists():
        return False
    cache = work_dir / CACHE_DIR / "embeddings.sqlite"
    if not cache.exists():
        return True
    from hardneg_haystack.embedding.cache import EmbeddingCache

    probe = EmbeddingCache(cache)
    try:
        return len(probe) == 0
    finally:
        probe.close()


def _index(
    documents: list[Document],
    work_dir: Path,
    store_config: StoreConfig | None,
    members: list[Any] | None,
    fusion: str,
    max_words: int,
    split_overlap: int,
    batch_docs: int,
    progress: Any,
    persist_every_s: float,
    rebuild: bool,
    devices: list[str] | None = None,
    precision: str = "fp32",
) -> IndexResult:
    config = replace(store_config) if store_config is not None else StoreConfig()
    if config.is_memory:
        config.work_dir = str(work_dir)  # the embedded store lives in the folder, whatever was passed
    from hardneg_haystack.embedding.ensemble import anchored_members

    members = anchored_members(members)  # recorded in index.json: a relative folder would break from elsewhere
    embedder = EnsembleEmbedder(
        members=members, fusion=fusion, cache_dir=work_dir / CACHE_DIR, progress_bar=False, devices=devices,
        precision=precision,  # type: ignore[arg-type]
    )  # fmt: skip
    recorded = embedder.ensemble.recorded()
    rebuild = _check_previous_index(work_dir, recorded, rebuild=rebuild)
    embedder.warm_up()
    ens = embedder.ensemble
    if rebuild:
        _drop_store(config)
    try:
        store = open_store(config, embedding_dim=ens.dimension)
    except DamagedFileError as exc:  # re-indexing is the cure: start the embedded store afresh
        logger.warning("%s: starting the store afresh (re-embedding hits the cache)", exc)
        _drop_store(config)
        store = open_store(config, embedding_dim=ens.dimension)
    pipe = build_indexing_pipeline(store=store, embedder=embedder, max_words=max_words, split_overlap=split_overlap)
    start = last_save = time.perf_counter()
    written = 0
    ids: set[str] = set()
    try:
        with bulk_loading(store, config):  # OpenSearch: refresh off while writing, one refresh at the end
            for begin in range(0, len(documents), batch_docs):
                batch = documents[begin : begin + batch_docs]
                out = pipe.run({"cleaner": {"documents": batch}}, include_outputs_from={"splitter"})
                written += out["writer"]["documents_written"]
                ids.update(d.id for d in out["splitter"]["documents"])
                last = begin + batch_docs >= len(documents)
                if not last and time.perf_counter() - last_save >= persist_every_s:
                    persist_store(store, config)
                    last_save = time.perf_counter()
                if progress is not None:
                    progress(len(batch))
    finally:
        ens.close()  # the multi-process pools, when devices started any
    removed = remove_stale(store, keep=ids)
    persist_store(store, config)
    seconds = time.perf_counter() - start
    cache = ens.cache
    manifest = {
        "ensemble": ens.recorded(),
        "dimension": ens.dimension,
        "member_dimensions": ens.dimensions,
        "store": config.to_dict(),
        "documents": len(documents),
        "entries": len(ids),
        "split": {"max_words": max_words, "split_overlap": split_overlap},
    }
    write_manifest(work_dir, manifest)
    return IndexResult(
        documents=len(documents),
        written=written,
        seconds=seconds,
        cache_hits=cache.hits if cache else 0,
        cache_misses=cache.misses if cache else 0,
        dimension=ens.dimension,
        removed=removed,
        rebuilt=rebuild,
    )


def _check_previous_index(work_dir: Path, ensemble: dict[str, Any], *, rebuild: bool) -> bool:
    """Whether the store must be emptied first; refuses a different ensemble unless ``rebuild``."""
    if rebuild:
        return True
    if not (work_dir / MANIFEST).is_file():
        return False
    try:
        previous = read_manifest(work_dir)
    except DamagedFileError as exc:
        logger.warning("%s: rebuilding the index from scratch", exc)
        return True  # nothing says which ensemble made the stored vectors: do not mix with them
    conflict = ensemble_conflict(previous["ensemble"], ensemble)
    if conflict:
        raise ConfigError(
            f"{work_dir}: {conflict}. Mixing the two would corrupt the index: index into another folder, "
            "or re-embed everything with --rebuild"
        )
    return False


def _drop_store(config: StoreConfig) -> None:
    """Empty the store: remove the embedded store's file, or delete the OpenSearch index."""
    if config.is_memory:
        path = Path(config.work_dir or ".") / STORE_FILE
        path.unlink(missing_ok=True)
        return
    from hardneg_haystack.index.stores import opensearch_client

    client = opensearch_client(config)
    if client.indices.exists(index=config.index):
        client.indices.delete(index=config.index)


def stored_ids(store: Any, *, batch_size: int = 1000) -> set[str]:
    """Every document id in the store (a scan without the documents' bodies on OpenSearch)."""
    from haystack.document_stores.in_memory import InMemoryDocumentStore

    if isinstance(store, InMemoryDocumentStore):
        return {d.id for d in store.filter_documents()}
    from opensearchpy.helpers import scan

    from hardneg_haystack.index.stores import opensearch_handle

    client, index = opensearch_handle(store)
    query = {"query": {"match_all": {}}, "_source": False}
    hits = scan(client, index=index, query=query, size=batch_size)
    return {hit["_id"] for hit in hits}


def remove_stale(store: Any, *, keep: set[str]) -> int:
    """Delete every stored document whose id is not in ``keep``; returns how many were deleted."""
    stale = sorted(stored_ids(store) - keep)
    for start in range(0, len(stale), 1000):
        store.delete_documents(stale[start : start + 1000])
    if stale:
        logger.info("removed %d documents that are no longer in the corpus", len(stale))
    return len(stale)


def open_index(work_dir: str | Path, *, progress_bar: bool = False) -> tuple[Any, EnsembleTextEmbedder, dict[str, Any]]:
    """Reopen an indexed work folder: ``(store, text embedder, manifest)``; nothing is re-embedded. The
    component form of :func:`hardneg_haystack.index.workdir.open_work_dir` (which gives the bare Ensemble)."""
    store, manifest = open_work_store(work_dir)
    params = dict(manifest["ensemble"], progress_bar=progress_bar)
    embedder = EnsembleTextEmbedder(**params)
    return store, embedder, manifest
