"""Replay labelled queries against a running A/B server and click with :class:`~.clicks.ClickModel`."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from typing import Any

from hardneg_haystack.ab.clicks import ClickModel
from hardneg_haystack.ingest.queries import LabelledQuery


def simulate(
    url: str,
    queries: Sequence[LabelledQuery],
    *,
    users: int = 50,
    rounds: int = 1,
    model: ClickModel | None = None,
    seed: int = 42,
    timeout: float = 60.0,
    progress: Callable[[int], None] | None = None,
    client: Any = None,
) -> dict[str, int]:
    """Every query ``rounds`` times, each time from a random one of ``users`` simulated users; returns counts.

    Parent documents count: a result whose id is a chunk of a relevant document (``<parent>#<n>``) is relevant.
    """
    import httpx

    model = model or ClickModel()
    rng = random.Random(seed)
    http = client or httpx.Client(base_url=url.rstrip("/"), timeout=timeout)
    counts = {"requests": 0, "clicks": 0, "errors": 0}
    try:
        for _ in range(rounds):
            for q in queries:
                user = f"sim-user-{rng.randrange(users)}"
                resp = http.post("/search", json={"query": q.text, "user_id": user})
                if resp.status_code != 200:
                    counts["errors"] += 1
                    continue
                body = resp.json()
                ids = [d["id"] for d in body["documents"]]
                relevant = {i for i in ids if i.split("#", 1)[0] in q.positive_ids or i in q.positive_ids}
                counts["requests"] += 1
                for pos in model.clicks(ids, relevant, rng):
                    fb = http.post(
                        "/feedback", json={"request_id": body["request_id"], "document_id": ids[pos], "position": pos}
                    )
                    counts["clicks" if fb.status_code == 200 else "errors"] += 1
                if progress is not None:
                    progress(1)
    finally:
        if client is None:
            http.close()
    return counts
