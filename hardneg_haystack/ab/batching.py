"""Micro-batching of the A/B server's re-ranker calls: requests that arrive together are scored in one batch.

Each request's thread hands its ``(query, document)`` pairs to :meth:`MicroBatcher.score` and waits. One
worker thread takes the first waiting call, then collects more for at most ``max_wait_s`` (and no longer
once every request the server holds has joined, so a lone request does not wait), scores each arm's pairs
in one call and hands every request its own slice. The model runs on one thread of control, so concurrent
requests no longer split the cores between them.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

Pairs = list[tuple[str, str]]
ScoreFn = Callable[[str, Pairs], np.ndarray]


@dataclass
class _Call:
    key: str
    pairs: Pairs
    done: threading.Event = field(default_factory=threading.Event)
    result: np.ndarray | None = None
    error: BaseException | None = None


class MicroBatcher:
    """Score calls from many threads in shared batches.

    :param score: ``(arm, pairs) -> scores`` (e.g. :meth:`ABRanker.score_now`).
    :param max_wait_s: The longest the first call of a batch waits for others.
    :param max_pairs: Stop collecting once a batch holds this many pairs.
    :param expected: How many calls may still join (e.g. the requests the server holds); the collection
        stops when the batch has that many. None: always wait ``max_wait_s``.
    """

    def __init__(
        self,
        score: ScoreFn,
        *,
        max_wait_s: float = 0.008,
        max_pairs: int = 256,
        expected: Callable[[], int] | None = None,
    ) -> None:
        self._score, self.max_wait_s, self.max_pairs, self._expected = score, max_wait_s, max_pairs, expected
        self._queue: queue.Queue[_Call | None] = queue.Queue()
        self._lock = threading.Lock()
        self.batches = 0
        self.calls = 0
        self.largest = 0
        self.scoring = 0  # calls in the batch being scored now
        self._thread = threading.Thread(target=self._loop, name="micro-batcher", daemon=True)
        self._thread.start()

    def score(self, key: str, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        """``key``'s scores of ``pairs``, computed in a batch with whatever calls arrive alongside."""
        call = _Call(key, list(pairs))
        self._queue.put(call)
        call.done.wait()
        if call.error is not None:
            raise call.error
        assert call.result is not None
        return call.result

    def stats(self) -> dict[str, Any]:
        """Calls waiting, calls being scored, batches so far, calls per batch (mean, largest)."""
        with self._lock:
            return {
                "waiting": self._queue.qsize(),
                "scoring": self.scoring,
                "batches": self.batches,
                "calls": self.calls,
                "mean_calls_per_batch": round(self.calls / self.batches, 2) if self.batches else 0.0,
                "largest_batch": self.largest,
                "max_wait_ms": self.max_wait_s * 1000,
            }

    def close(self) -> None:
        self._queue.put(None)
        self._thread.join(timeout=5)

    def _collect(self, first: _Call) -> list[_Call]:
        batch, pairs = [first], len(first.pairs)
        deadline = time.monotonic() + self.max_wait_s
        while pairs < self.max_pairs:
            if self._expected is not None and len(batch) >= self._expected():
                break
            left = deadline - time.monotonic()
            try:
                call = self._queue.get(timeout=left) if left > 0 else self._queue.get_nowait()
            except queue.Empty:
                break
            if call is None:  # closing: finish this batch, then stop
                self._queue.put(None)
                break
            batch.append(call)
            pairs += len(call.pairs)
        return batch

    def _loop(self) -> None:
        while True:
            first = self._queue.get()
            if first is None:
                return
            batch = self._collect(first)
            with self._lock:
                self.batches += 1
                self.calls += len(batch)
                self.largest = max(self.largest, len(batch))
                self.scoring = len(batch)
            for key in dict.fromkeys(c.key for c in batch):
                group = [c for c in batch if c.key == key]
                try:
                    scores = np.asarray(self._score(key, [p for c in group for p in c.pairs]))
                    start = 0
                    for c in group:
                        c.result = scores[start : start + len(c.pairs)]
                        start += len(c.pairs)
                except BaseException as exc:  # noqa: BLE001 - handed to every waiting request
                    for c in group:
                        c.error = exc
                for c in group:
                    c.done.set()
            with self._lock:
                self.scoring = 0
