"""Document stores: the embedded default (Haystack's in-memory store, with BM25 postings, persisted in a work
folder: :class:`~hardneg_haystack.index.memory_store.IndexedInMemoryDocumentStore`) or OpenSearch.

    >>> store = open_store(StoreConfig(url="memory", work_dir="runs/kb"), embedding_dim=448)  # doctest: +SKIP
    >>> store = open_store(StoreConfig(url="http://localhost:9200", index="kb"), embedding_dim=448)  # doctest: +SKIP

Credentials for OpenSearch come only from Secrets (environment variables OPENSEARCH_USERNAME and
OPENSEARCH_PASSWORD by default); they are never logged.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlparse

from haystack import Document
from haystack.document_stores.in_memory import InMemoryDocumentStore
from haystack.document_stores.types import DuplicatePolicy

from hardneg_haystack.errors import ConfigError, DamagedFileError, StoreError
from hardneg_haystack.index.memory_store import IndexedInMemoryDocumentStore, read_saved_store

logger = logging.getLogger(__name__)

SpaceType = Literal["innerproduct", "cosinesimil", "l2"]
STORE_FILE = "store.json"


@dataclass
class StoreConfig:
    """Where documents live.

    :param url: ``"memory"`` (embedded default) or an OpenSearch URL such as ``http://localhost:9200``.
    :param index: Index name (OpenSearch) or in-memory index label.
    :param work_dir: Folder where the embedded store is persisted (``store.json``).
    :param space_type: knn space; ``innerproduct`` matches the ensemble fusion (dot = weighted cosine).
    :param engine: knn engine (``faiss`` or ``lucene``).
    :param analyzer: OpenSearch analyzer of the ``content`` field (``english`` stems).
    :param verify_certs: Verify TLS certificates (``None``: ``OPENSEARCH_VERIFY_CERTS``, default true).
    :param timeout: Request timeout in seconds.
    :param shards: OpenSearch primary shards of a new index (``None``: the cluster's default, 1).
    :param replicas: Replicas of each shard of a new index (``None``: the cluster's default, 1; 0 on one node).
    :param hnsw_m: HNSW graph degree ``m`` of the knn field (``None``: the engine's default, 16).
    :param ef_construction: HNSW ``ef_construction`` (``None``: the engine's default, 100).
    :param ef_search: HNSW ``ef_search`` at query time, ``index.knn.algo_param.ef_search`` (``None``: default 100).
    :param bulk_refresh_off: Switch the index's refresh off while ``hardneg index`` writes (``refresh_interval
        -1``), then restore it and refresh once: OpenSearch's advice for bulk loads.

    The index settings apply when the index is created; an existing index keeps its own.
    """

    url: str = "memory"
    index: str = "hardneg"
    work_dir: str | None = None
    space_type: SpaceType = "innerproduct"
    engine: str = "faiss"
    analyzer: str = "english"
    verify_certs: bool | None = None
    timeout: int = 30
    max_retries: int = 3
    shards: int | None = None
    replicas: int | None = None
    hnsw_m: int | None = None
    ef_construction: int | None = None
    ef_search: int | None = None
    bulk_refresh_off: bool = True

    def __post_init__(self) -> None:
        for name in ("shards", "hnsw_m", "ef_construction", "ef_search"):
            value = getattr(self, name)
            if value is not None and int(value) < 1:
                raise ConfigError(f"store {name}: must be at least 1, got {value}")
        if self.replicas is not None and int(self.replicas) < 0:
            raise ConfigError(f"store replicas: must be 0 or more, got {self.replicas}")

    def index_settings(self) -> dict[str, Any]:
        """The settings a new OpenSearch index is created with (knn on, and the shard, replica and ``ef_search``
        values given)."""
        settings: dict[str, Any] = {"index.knn": True}
        if self.shards is not None:
            settings["number_of_shards"] = int(self.shards)
        if self.replicas is not None:
            settings["number_of_replicas"] = int(self.replicas)
        if self.ef_search is not None:
            settings["index.knn.algo_param.ef_search"] = int(self.ef_search)
        return settings

    @property
    def is_memory(self) -> bool:
        return self.url in ("memory", "", None)

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def opensearch_mappings(
    embedding_dim: int,
    *,
    space_type: str = "innerproduct",
    engine: str = "faiss",
    analyzer: str = "english",
    hnsw_m: int | None = None,
    ef_construction: int | None = None,
) -> dict[str, Any]:
    """Explicit index mappings: analysed ``content``, a knn ``embedding`` field (HNSW; ``m`` and
    ``ef_construction`` when given), keyword meta strings."""
    method: dict[str, Any] = {"name": "hnsw", "space_type": space_type, "engine": engine}
    parameters = {k: int(v) for k, v in (("m", hnsw_m), ("ef_construction", ef_construction)) if v is not None}
    if parameters:
        method["parameters"] = parameters
    return {
        "properties": {
            "content": {"type": "text", "analyzer": analyzer},
            "embedding": {"type": "knn_vector", "dimension": int(embedding_dim), "method": method},
            "parent_id": {"type": "keyword"},
            "title": {"type": "text", "analyzer": analyzer},
        },
        "dynamic_templates": [{"strings": {"match_mapping_type": "string", "mapping": {"type": "keyword"}}}],
    }


def open_store(config: StoreConfig, *, embedding_dim: int | None = None) -> Any:
    """Open (and for OpenSearch, check) the store described by ``config``.

    The embedded store is reloaded from ``work_dir/store.json`` when it exists, so a later command needs
    no re-embedding. For OpenSearch the cluster is contacted once: an unreachable host, refused
    credentials, or an existing index whose embedding dimension or space type differs from the
    ensemble raise :class:`StoreError` before anything is written.
    """
    if config.is_memory:
        store = IndexedInMemoryDocumentStore(
            embedding_similarity_function="dot_product", index=config.index, shared=False
        )
        path = _memory_path(config)
        if path is not None and path.is_file():
            try:  # the documents only: a file saved by Haystack's own store class loads as well
                documents = read_saved_store(path)[1]
            except Exception as exc:  # noqa: BLE001 - any parse failure means the same thing to the user
                raise DamagedFileError(
                    path,
                    f"{path} is damaged ({exc.__class__.__name__}: {str(exc)[:120]}); re-index the folder to rebuild "
                    f"it: `hardneg index --work-dir {config.work_dir} --data <your corpus>`",
                ) from exc
            store.write_documents(documents, policy=DuplicatePolicy.OVERWRITE)
        return store
    return _open_opensearch(config, embedding_dim)


def _memory_path(config: StoreConfig) -> Path | None:
    return Path(config.work_dir) / STORE_FILE if config.work_dir else None


def persist_store(store: Any, config: StoreConfig) -> None:
    """Save the embedded store to ``work_dir`` (OpenSearch persists by itself)."""
    path = _memory_path(config)
    if config.is_memory and path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp.json")
        store.save_to_disk(str(tmp))
        tmp.replace(path)  # atomic: an interrupted save never corrupts the previous store


def _open_opensearch(config: StoreConfig, embedding_dim: int | None) -> Any:
    from haystack_integrations.document_stores.opensearch import OpenSearchDocumentStore

    parsed = urlparse(config.url)
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise ConfigError(f"store url {config.url!r}: expected 'memory' or an http(s)://host:port OpenSearch URL")
    if embedding_dim is None:
        embedding_dim = _existing_dimension(config)
    store = OpenSearchDocumentStore(
        hosts=config.url,
        index=config.index,
        embedding_dim=embedding_dim,
        mappings=opensearch_mappings(
            embedding_dim,
            space_type=config.space_type,
            engine=config.engine,
            analyzer=config.analyzer,
            hnsw_m=config.hnsw_m,
            ef_construction=config.ef_construction,
        ),
        settings=config.index_settings(),
        **connection_options(config),
    )
    _check_opensearch(store, config, embedding_dim)
    return store


def connection_options(config: StoreConfig) -> dict[str, Any]:
    """TLS, timeout and retry options shared by the store and our own client. TLS comes from the URL scheme
    and the environment only: ``OPENSEARCH_VERIFY_CERTS`` (``false`` for a laptop's self-signed demo
    certificates; default true) and ``OPENSEARCH_CA_CERTS`` (a CA bundle path)."""
    verify = config.verify_certs
    if verify is None:
        verify = os.environ.get("OPENSEARCH_VERIFY_CERTS", "true").strip().lower() not in ("0", "false", "no", "off")
    options: dict[str, Any] = {
        "use_ssl": urlparse(config.url).scheme == "https",
        "verify_certs": verify,
        "timeout": config.timeout,
        "max_retries": config.max_retries,
        "retry_on_timeout": True,
    }
    if os.environ.get("OPENSEARCH_CA_CERTS"):
        options["ca_certs"] = os.environ["OPENSEARCH_CA_CERTS"]
    if not verify:
        options["ssl_show_warn"] = False
    return options


def opensearch_client(config: StoreConfig) -> Any:
    """An opensearch-py client for ``config.url``: credentials from the Secrets, TLS as :func:`connection_options`."""
    from haystack.utils import Secret
    from opensearchpy import OpenSearch

    user = Secret.from_env_var("OPENSEARCH_USERNAME", strict=False).resolve_value()
    password = Secret.from_env_var("OPENSEARCH_PASSWORD", strict=False).resolve_value()
    auth = (user, password) if user and password else None
    return OpenSearch(hosts=config.url, http_auth=auth, **connection_options(config))


def opensearch_handle(store: Any) -> tuple[Any, str]:
    """``(client, index name)`` of a connected OpenSearchDocumentStore (its index is created with its mappings
    if missing). Haystack's store exposes neither publicly: this is the one place that reads its private
    ``_client``/``_index``/``_ensure_initialized``."""
    store._ensure_initialized()
    return store._client, store._index


def _existing_dimension(config: StoreConfig) -> int:
    client = opensearch_client(config)
    try:
        mapping = client.indices.get_mapping(index=config.index)
    except Exception as exc:  # noqa: BLE001
        raise StoreError(
            f"OpenSearch index {config.index!r} at {_host(config)} cannot be read ({exc.__class__.__name__}); "
            "index documents first or give the ensemble's dimension"
        ) from exc
    props = next(iter(mapping.values()))["mappings"].get("properties", {})
    return int(props["embedding"]["dimension"])


def _host(config: StoreConfig) -> str:
    parsed = urlparse(config.url)
    return f"{parsed.hostname}:{parsed.port or (443 if parsed.scheme == 'https' else 9200)}"


def _check_opensearch(store: Any, config: StoreConfig, embedding_dim: int) -> None:
    from opensearchpy.exceptions import AuthenticationException, AuthorizationException, ConnectionError

    try:
        client, _ = opensearch_handle(store)  # creates the index with our mappings if it does not exist
        mapping = client.indices.get_mapping(index=config.index)
    except (AuthenticationException, AuthorizationException) as exc:
        raise StoreError(
            f"OpenSearch at {_host(config)} refused the credentials (set OPENSEARCH_USERNAME/OPENSEARCH_PASSWORD)"
        ) from exc
    except ConnectionError as exc:
        raise StoreError(f"OpenSearch at {_host(config)} is unreachable: is the cluster running?") from exc
    props = next(iter(mapping.values()))["mappings"].get("properties", {})
    emb = props.get("embedding", {})
    have_dim = emb.get("dimension")
    have_space = (emb.get("method") or {}).get("space_type", config.space_type)
    if have_dim is not None and int(have_dim) != int(embedding_dim):
        raise StoreError(
            f"OpenSearch index {config.index!r} at {_host(config)} stores {have_dim}-d embeddings but the ensemble "
            f"makes {embedding_dim}-d ones: use another index name or delete the index"
        )
    if have_space != config.space_type:
        raise StoreError(
            f"OpenSearch index {config.index!r} at {_host(config)} uses space_type {have_space!r}, "
            f"expected {config.space_type!r}"
        )


def write_documents(store: Any, documents: list[Document], *, batch_size: int = 500) -> int:
    """Write (overwrite by id, so re-writing a corpus never duplicates it) in bounded batches.

    :raises StoreError: naming the ids of a batch the store did not accept.
    """
    written = 0
    for start in range(0, len(documents), batch_size):
        batch = documents[start : start + batch_size]
        try:
            written += store.write_documents(batch, policy=DuplicatePolicy.OVERWRITE)
        except Exception as exc:  # noqa: BLE001
            ids = [d.id for d in batch]
            raise StoreError(
                f"writing documents {ids[:5]}{'...' if len(ids) > 5 else ''} failed: {exc}; "
                f"{written} documents before them were written"
            ) from exc
    return written


@contextmanager
def bulk_loading(store: Any, config: StoreConfig) -> Iterator[None]:
    """Around a bulk write to OpenSearch: the index's refresh switched off (``refresh_interval: -1``), then its
    own interval restored and the index refreshed once, so every written document is searchable when the
    block ends. The embedded store, or ``config.bulk_refresh_off`` false: nothing changes."""
    if isinstance(store, InMemoryDocumentStore) or not config.bulk_refresh_off:
        yield
        return
    client, index = opensearch_handle(store)
    settings = client.indices.get_settings(index=index)
    before = next(iter(settings.values()), {}).get("settings", {}).get("index", {}).get("refresh_interval")
    client.indices.put_settings(index=index, body={"index": {"refresh_interval": "-1"}})
    try:
        yield
    finally:
        client.indices.put_settings(index=index, body={"index": {"refresh_interval": before}})  # None: default
        client.indices.refresh(index=index)


def iter_all_documents(store: Any, *, batch_size: int = 1000) -> Iterator[Document]:
    """Every document with its embedding: a full scan (no 10,000-hit cap on OpenSearch)."""
    if isinstance(store, InMemoryDocumentStore):
        yield from store.filter_documents()
        return
    client, index = opensearch_handle(store)
    for hit in scan_hits(client, index, batch_size=batch_size):
        src = dict(hit["_source"])
        src.setdefault("id", hit["_id"])
        yield Document.from_dict(src)


def scan_hits(client: Any, index: str, *, batch_size: int = 1000, keep_alive: str = "5m") -> Iterator[dict[str, Any]]:
    """Every hit of ``index``, ``batch_size`` per request: a point in time and ``search_after`` pages sorted by
    ``_id`` (one consistent view of the index, no scroll context held between pages; OpenSearch 2.4+), or a
    scroll where the cluster cannot open a point in time."""
    from opensearchpy.exceptions import NotFoundError, RequestError, TransportError

    try:
        pit = client.create_pit(index=index, params={"keep_alive": keep_alive})["pit_id"]
    except (NotFoundError, RequestError, TransportError, KeyError) as exc:  # no PIT API here: scroll instead
        logger.info("point in time refused on %s (%s): scanning with a scroll", index, exc.__class__.__name__)
        from opensearchpy.helpers import scan

        yield from scan(client, index=index, query={"query": {"match_all": {}}}, size=batch_size, preserve_order=False)
        return
    after: list[Any] | None = None
    try:
        while True:
            body: dict[str, Any] = {
                "size": batch_size,
                "query": {"match_all": {}},
                "pit": {"id": pit, "keep_alive": keep_alive},
                "sort": [{"_id": "asc"}],
            }
            if after is not None:
                body["search_after"] = after
            hits = client.search(body=body)["hits"]["hits"]
            yield from hits
            if len(hits) < batch_size:
                return
            after = hits[-1]["sort"]
    finally:
        try:
            client.delete_pit(body={"pit_id": [pit]})
        except TransportError as exc:  # it expires after keep_alive anyway
            logger.info("closing the point in time failed (%s); it expires after %s", exc, keep_alive)


def random_score_ids(store: Any, *, exclude_ids: Sequence[str], size: int, seed: int) -> list[str]:
    """``size`` document ids drawn by OpenSearch's seeded ``random_score`` (the same seed on the same index
    draws the same ids), none of them in ``exclude_ids``: random negatives drawn by the store itself."""
    if isinstance(store, InMemoryDocumentStore):
        raise ConfigError("random_score sampling needs an OpenSearch store (the embedded store samples its scan)")
    client, index = opensearch_handle(store)
    query = {
        "function_score": {
            "query": {"bool": {"must_not": [{"ids": {"values": list(exclude_ids)}}]}},
            "functions": [{"random_score": {"seed": int(seed), "field": "_seq_no"}}],
            "boost_mode": "replace",
        }
    }
    res = client.search(index=index, body={"size": size, "_source": False, "query": query})
    return [hit["_id"] for hit in res["hits"]["hits"]]
