"""A bounded loopback load test: a fixed number of /search requests at a fixed concurrency, then it stops.

Reports p50/p95 latency, the error rate (503 answers of a full server also counted as ``rejected``), and
(given the server's event log) checks that every answered request's impression reached the log.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from hardneg_haystack.ab.events import read_events


async def _run(url: str, queries: Sequence[str], requests: int, concurrency: int, timeout: float) -> dict[str, Any]:
    import httpx

    latencies: list[float] = []
    request_ids: list[str] = []
    errors = rejected = 0
    gate = asyncio.Semaphore(concurrency)
    async with httpx.AsyncClient(base_url=url.rstrip("/"), timeout=timeout) as client:

        async def one(i: int) -> None:
            nonlocal errors, rejected
            async with gate:
                start = time.perf_counter()
                status, body = None, None
                try:
                    resp = await client.post(
                        "/search", json={"query": queries[i % len(queries)], "user_id": f"load-{i % 97}"}
                    )
                    status, body = resp.status_code, resp.json() if resp.status_code == 200 else None
                except httpx.HTTPError:
                    pass
                latencies.append(time.perf_counter() - start)
                if body is not None:
                    request_ids.append(body["request_id"])
                else:
                    errors += 1
                    rejected += status == 503

        start = time.perf_counter()
        await asyncio.gather(*(one(i) for i in range(requests)))
        wall = time.perf_counter() - start
    lat = np.asarray(latencies) * 1000
    return {
        "requests": requests,
        "concurrency": concurrency,
        "errors": errors,
        "rejected": rejected,
        "error_rate": errors / requests if requests else 0.0,
        "p50_ms": float(np.percentile(lat, 50)) if lat.size else float("nan"),
        "p95_ms": float(np.percentile(lat, 95)) if lat.size else float("nan"),
        "throughput_rps": requests / wall if wall > 0 else float("nan"),
        "request_ids": request_ids,
    }


def load_test(
    url: str,
    queries: Sequence[str],
    *,
    requests: int = 200,
    concurrency: int = 8,
    timeout: float = 60.0,
    event_log: str | Path | None = None,
    log_wait: float = 2.0,
) -> dict[str, Any]:
    """Run the load test; with ``event_log`` (the server's), count the answered requests missing from it."""
    if requests < 1 or concurrency < 1 or not queries:
        raise ValueError("a load test needs requests >= 1, concurrency >= 1 and at least one query")
    out = asyncio.run(_run(url, list(queries), requests, concurrency, timeout))
    ids = out.pop("request_ids")
    if event_log is not None:
        time.sleep(log_wait)  # the writer flushes every second
        logged = {e["request_id"] for e in read_events(event_log) if e.get("type") == "impression"}
        out["impressions_missing_from_log"] = sum(i not in logged for i in ids)
    return out
