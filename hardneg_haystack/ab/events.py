"""The A/B event log: impressions and clicks, appended as JSONL by a background writer.

Requests never wait for the disk: events go to a queue and a writer thread appends them and flushes the
file every ``flush_seconds`` (default 1 s), so a killed server loses at most the last second; ``close()``
(a clean stop) writes everything. A click must name a request id this log has seen (also across restarts:
the ids already in the file are read back on open), a document that request showed, and its position. A
click is counted once per (request, document): the same click sent again is acknowledged and not logged.
"""

from __future__ import annotations

import json
import queue
import threading
import time
import uuid
from pathlib import Path
from typing import Any

from hardneg_haystack.errors import DataError


class UnknownRequestError(DataError):
    """A click names a request id that was never served (or a document it did not show)."""


class EventLog:
    """Append-only JSONL of ``impression`` and ``click`` events.

    Usage:
        >>> log = EventLog("runs/ab/events.jsonl")  # doctest: +SKIP
        >>> rid = log.impression(arm="B", query="vpn", unit_id="u1", documents=["d1", "d2"])  # doctest: +SKIP
        >>> log.click(rid, document_id="d2", position=1)  # doctest: +SKIP
        >>> log.close()  # doctest: +SKIP
    """

    def __init__(self, path: str | Path, *, flush_seconds: float = 1.0) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.flush_seconds = flush_seconds
        self._shown: dict[str, list[str]] = {}
        self._clicked: set[tuple[str, str]] = set()
        self._lock = threading.Lock()
        if self.path.is_file():
            for event in read_events(self.path):
                if event.get("type") == "impression":
                    self._shown[event["request_id"]] = list(event["documents"])
                elif event.get("type") == "click":
                    self._clicked.add((event.get("request_id"), event.get("document_id")))
        self._queue: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self._file = self.path.open("a", encoding="utf-8")
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
            raise RuntimeError(f"{self.path}: the event log is closed")
        event["ts"] = time.time()
        self._queue.put(event)

    def _write_loop(self) -> None:
        last_flush = time.monotonic()
        while True:
            try:
                event = self._queue.get(timeout=self.flush_seconds)
            except queue.Empty:
                pass
            else:
                if event is None:
                    self._queue.task_done()
                    break
                self._file.write(json.dumps(event) + "\n")
                self._queue.task_done()
            if time.monotonic() - last_flush >= self.flush_seconds:
                self._file.flush()
                last_flush = time.monotonic()
        self._file.flush()

    def flush(self) -> None:
        """Block until every event queued so far is on disk (for tests and reports)."""
        self._queue.join()
        self._file.flush()

    def close(self) -> None:
        """Write every queued event and close the file (idempotent)."""
        if self._closed:
            return
        self._closed = True
        self._queue.put(None)
        self._thread.join()
        self._file.close()

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
