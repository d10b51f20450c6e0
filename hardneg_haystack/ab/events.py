"""The A/B event log: impressions and clicks, appended by a background writer to JSONL and/or an index.

Requests never wait for the disk: events go to a queue and a writer thread appends them to every sink (a
JSONL file, an OpenSearch index) every ``flush_seconds`` (default 1 s), so a killed server loses at most the
last second; ``close()`` (a clean stop) writes everything. A click must name a request id this log has seen
(also across restarts: the ids already in the first sink are read back on open), a document that request
showed, and its position. A click is counted once per (request, document): the same click sent again is
acknowledged and not logged.
"""

from __future__ import annotations

import json
import logging
import queue
import threading
import time
import uuid
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Protocol

from hardneg_haystack.errors import DataError, StoreError

logger = logging.getLogger(__name__)


_TICK = object()  # no event within flush_seconds: write what is pending


class UnknownRequestError(DataError):
    """A click names a request id that was never served (or a document it did not show)."""


class EventSink(Protocol):
    """Where events are appended: a JSONL file (:class:`JsonlSink`) or an OpenSearch index
    (:class:`~hardneg_haystack.ab.opensearch_events.OpenSearchEventSink`)."""

    def existing(self) -> Iterable[dict[str, Any]]:
        """The events already stored (read once, when the log opens)."""
        ...

    def append(self, events: list[dict[str, Any]]) -> None:
        """Append ``events`` durably; raise to have the same events retried at the next flush."""
        ...

    def close(self) -> None: ...


class JsonlSink:
    """Append-only JSONL file, flushed after every batch."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._file = self.path.open("a", encoding="utf-8")

    def existing(self) -> Iterable[dict[str, Any]]:
        return read_events(self.path)

    def append(self, events: list[dict[str, Any]]) -> None:
        self._file.write("".join(json.dumps(e) + "\n" for e in events))
        self._file.flush()

    def close(self) -> None:
        self._file.close()

    def __repr__(self) -> str:
        return f"JsonlSink({str(self.path)!r})"


class EventLog:
    """Append-only log of ``impression`` and ``click`` events, written to one or more sinks.

    Usage:
        >>> log = EventLog("runs/ab/events.jsonl")  # doctest: +SKIP
        >>> rid = log.impression(arm="B", query="vpn", unit_id="u1", documents=["d1", "d2"])  # doctest: +SKIP
        >>> log.click(rid, document_id="d2", position=1)  # doctest: +SKIP
        >>> log.close()  # doctest: +SKIP

    ``EventLog("events.jsonl", sinks=[OpenSearchEventSink(url=..., index="ab-events")])`` writes both: every
    event reaches every sink. A sink that fails keeps its events and gets them again at the next flush.
    """

    def __init__(
        self, path: str | Path | None = None, *, sinks: Sequence[EventSink] = (), flush_seconds: float = 1.0
    ) -> None:
        self.path = Path(path) if path is not None else None
        self.sinks: list[EventSink] = ([JsonlSink(self.path)] if self.path is not None else []) + list(sinks)
        if not self.sinks:
            raise ValueError("an event log needs a JSONL path or at least one sink")
        self.flush_seconds = flush_seconds
        self._shown: dict[str, list[str]] = {}
        self._clicked: set[tuple[str, str]] = set()
        self._lock = threading.Lock()
        for event in self.sinks[0].existing():  # the first sink is the one read back after a restart
            if event.get("type") == "impression":
                self._shown[event["request_id"]] = list(event["documents"])
            elif event.get("type") == "click":
                self._clicked.add((event.get("request_id"), event.get("document_id")))
        self._pending: list[list[dict[str, Any]]] = [[] for _ in self.sinks]
        self._queue: queue.Queue[Any] = queue.Queue()
        self._thread = threading.Thread(target=self._write_loop, name="hardneg-event-log", daemon=True)
        self._closed = False
        self._thread.start()

    def impression(self, *, arm: str, query: str, unit_id: str, documents: list[str], **extra: Any) -> str:
        """Record what a request showed; returns its new request id."""
        request_id = uuid.uuid4().hex
        with self._lock:
            self._shown[request_id] = list(documents)
        self._put({"type": "impression", "request_id": request_id, "arm": arm, "query": query,
                   "unit_id": unit_id, "documents": list(documents), **extra})  # fmt: skip
        return request_id

    def click(self, request_id: str, *, document_id: str, position: int) -> bool:
        """Record a click; unknown request ids, documents not shown, or a wrong position are refused.

        Returns False (and logs nothing) for a click already recorded for this (request, document)."""
        with self._lock:
            shown = self._shown.get(request_id)
        if shown is None:
            raise UnknownRequestError(f"click for unknown request id {request_id!r}: no impression was logged for it")
        if not 0 <= position < len(shown) or shown[position] != document_id:
            where = shown.index(document_id) if document_id in shown else None
            raise UnknownRequestError(
                f"request {request_id!r}: document {document_id!r} was not shown at position {position}"
                + (f" (it was at position {where})" if where is not None else " (it was not shown at all)")
            )
        with self._lock:
            if (request_id, document_id) in self._clicked:
                return False
            self._clicked.add((request_id, document_id))
        self._put({"type": "click", "request_id": request_id, "document_id": document_id, "position": position})
        return True

    def _put(self, event: dict[str, Any]) -> None:
        if self._closed:
            raise RuntimeError(f"{self.sinks[0]}: the event log is closed")
        event["ts"] = time.time()
        event["event_id"] = uuid.uuid4().hex  # lets an index sink append each event exactly once
        self._queue.put(event)

    def _write_pending(self) -> None:
        for i, sink in enumerate(self.sinks):
            if not self._pending[i]:
                continue
            try:
                sink.append(self._pending[i])
            except Exception as exc:  # noqa: BLE001 - kept and retried at the next flush
                logger.warning("event sink %r failed (%s); %d events kept for the next flush", sink, exc,
                               len(self._pending[i]))  # fmt: skip
            else:
                self._pending[i] = []

    def _write_loop(self) -> None:
        last_flush = time.monotonic()
        while True:
            try:
                item = self._queue.get(timeout=self.flush_seconds)
            except queue.Empty:
                item = _TICK
            if isinstance(item, dict):
                for pending in self._pending:
                    pending.append(item)
            due = time.monotonic() - last_flush >= self.flush_seconds
            if due or item is None or isinstance(item, threading.Event):
                self._write_pending()
                last_flush = time.monotonic()
            if isinstance(item, threading.Event):
                item.set()
            if item is not _TICK:
                self._queue.task_done()
            if item is None:
                break

    def flush(self) -> None:
        """Block until every event queued so far has been handed to every sink (for tests and reports)."""
        done = threading.Event()
        self._queue.put(done)
        done.wait()

    def close(self, *, retries: int = 3) -> None:
        """Write every queued event to every sink and close them (idempotent). A clean stop loses nothing: a
        sink that still fails after ``retries`` further attempts raises :class:`StoreError` with the count."""
        if self._closed:
            return
        self._closed = True
        self._queue.put(None)
        self._thread.join()
        for _ in range(retries):
            if not any(self._pending):
                break
            time.sleep(1.0)
            self._write_pending()
        lost = {repr(sink): len(p) for sink, p in zip(self.sinks, self._pending, strict=True) if p}
        for sink in self.sinks:
            sink.close()
        if lost:
            raise StoreError(f"events not written at shutdown: {lost}")

    def __enter__(self) -> EventLog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def read_events(path: str | Path) -> list[dict[str, Any]]:
    """Every complete event of a log (a torn last line from a killed writer is skipped)."""
    return read_events_checked(path)[0]


def read_events_checked(path: str | Path) -> tuple[list[dict[str, Any]], list[int]]:
    """``(events, numbers of the lines skipped)``: lines that are not a JSON event object are skipped and
    counted, so a report can say how many and where."""
    events: list[dict[str, Any]] = []
    skipped: list[int] = []
    with Path(path).open(encoding="utf-8", errors="replace") as fh:
        for number, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                event = json.loads(line)
            except json.JSONDecodeError:
                skipped.append(number)
                continue
            if isinstance(event, dict) and event.get("type") in ("impression", "click") and event.get("request_id"):
                events.append(event)
            else:
                skipped.append(number)
    return events, skipped
