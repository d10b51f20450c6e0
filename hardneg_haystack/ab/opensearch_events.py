"""The A/B event log in an OpenSearch index: an append-only sink beside the JSONL one, read by the report.

Each event is created once under its own ``event_id`` (``op_type: create``): a batch retried after a partial
failure never duplicates an event, and nothing is ever updated or deleted. Credentials and TLS come from
the same environment as the document store (``OPENSEARCH_USERNAME``/``OPENSEARCH_PASSWORD`` Secrets,
``OPENSEARCH_VERIFY_CERTS``, ``OPENSEARCH_CA_CERTS``).

    >>> sink = OpenSearchEventSink(url="http://localhost:9200", index="hardneg-ab-events")  # doctest: +SKIP
    >>> log = EventLog("runs/ab/events.jsonl", sinks=[sink])  # doctest: +SKIP
    >>> events = read_index_events("http://localhost:9200", "hardneg-ab-events")  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from hardneg_haystack.errors import StoreError
from hardneg_haystack.index.stores import StoreConfig, opensearch_client

DEFAULT_INDEX = "hardneg-ab-events"

EVENT_MAPPINGS: dict[str, Any] = {
    "properties": {
        "type": {"type": "keyword"},
        "event_id": {"type": "keyword"},
        "request_id": {"type": "keyword"},
        "arm": {"type": "keyword"},
        "query": {"type": "text"},
        "unit_id": {"type": "keyword"},
        "documents": {"type": "keyword"},
        "attribution": {"type": "keyword"},
        "document_id": {"type": "keyword"},
        "position": {"type": "integer"},
        "ts": {"type": "double"},
    }
}


def _open(url: str, index: str, *, create: bool) -> Any:
    from opensearchpy.exceptions import (
        AuthenticationException,
        AuthorizationException,
        ConnectionError,
        RequestError,
    )

    config = StoreConfig(url=url, index=index)
    client = opensearch_client(config)
    try:
        if not client.indices.exists(index=index):
            if not create:
                raise StoreError(f"OpenSearch at {url} has no event index {index!r} (start `hardneg ab serve` first)")
            try:
                client.indices.create(index=index, body={"mappings": EVENT_MAPPINGS})
            except RequestError as exc:  # another server created it meanwhile
                if "already_exists" not in str(exc):
                    raise
    except (AuthenticationException, AuthorizationException) as exc:
        raise StoreError(f"OpenSearch at {url} refused the credentials (OPENSEARCH_USERNAME/PASSWORD)") from exc
    except ConnectionError as exc:
        raise StoreError(f"OpenSearch at {url} is unreachable: is the cluster running?") from exc
    return client


def _scan(client: Any, index: str, query: dict[str, Any]) -> list[dict[str, Any]]:
    from opensearchpy.helpers import scan

    client.indices.refresh(index=index)
    events = [hit["_source"] for hit in scan(client, index=index, query={"query": query}, preserve_order=False)]
    return sorted(events, key=lambda e: (e.get("ts", 0.0), e.get("type") != "impression"))


class OpenSearchEventSink:
    """Append-only event index (created with explicit mappings when missing)."""

    def __init__(self, *, url: str, index: str = DEFAULT_INDEX) -> None:
        self.url, self.index = url, index
        self.client = _open(url, index, create=True)

    def existing(self) -> Iterable[dict[str, Any]]:
        return _scan(self.client, self.index, {"term": {"type": "impression"}})

    def append(self, events: list[dict[str, Any]]) -> None:
        from opensearchpy.helpers import bulk

        actions = [{"_op_type": "create", "_index": self.index, "_id": e["event_id"], "_source": e} for e in events]
        _, errors = bulk(self.client, actions, raise_on_error=False, raise_on_exception=True)
        failed = [e for e in errors if next(iter(e.values())).get("status") != 409]  # 409: written by a retried batch
        if failed:
            raise StoreError(f"{len(failed)} of {len(events)} events were refused by {self.index!r}: {failed[:1]}")

    def close(self) -> None:
        self.client.indices.refresh(index=self.index)

    def __repr__(self) -> str:
        return f"OpenSearchEventSink({self.url!r}, index={self.index!r})"


def read_index_events(url: str, index: str = DEFAULT_INDEX) -> list[dict[str, Any]]:
    """Every event of an event index, oldest first (what :func:`~hardneg_haystack.ab.report.ab_report` reads)."""
    return _scan(_open(url, index, create=False), index, {"match_all": {}})
