"""Serve an A/B query pipeline over HTTP (FastAPI + uvicorn) with an impression/click log.

Endpoints:

- ``POST /search`` ``{"query", "user_id", "top_k"?}`` -> ``{"request_id", "arm", "documents": [{"id", "score",
  "content"}], "attribution"}``; the impression is logged before the response leaves. Bodies over 64 KiB get
  413, queries over 8,192 characters 422, and a long query is cut to what the models read
  (``query_truncated_to`` says so; :mod:`hardneg_haystack.ab.limits`).
- ``POST /feedback`` ``{"request_id", "document_id", "position"}`` -> ``{"ok": true, "duplicate": bool}``
  (idempotent: a repeated click is acknowledged, not counted); 404 for an unknown request id, 422 for a
  document that request did not show at that position.
- ``GET /health``: the arms, and what the server holds now: ``in_flight`` (requests admitted and not yet
  answered), ``max_in_flight`` and the micro-batcher's counters (``batching``).

Concurrency: the re-ranker calls of requests that arrive together are scored in one batch
(:mod:`hardneg_haystack.ab.batching`, a bounded wait of ``batch_wait_ms``); at most ``max_in_flight``
requests are held, and one more is answered 503 with ``Retry-After`` at once instead of queueing behind them.

Hayhooks serves a pipeline's ``run`` well, but an A/B test also needs the feedback endpoint and one event log
shared by both routes with a clean-shutdown flush; a small FastAPI app (the framework Hayhooks is built on)
does that directly.
"""

from __future__ import annotations

import math
import time
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from hardneg_haystack.ab.batching import MicroBatcher
from hardneg_haystack.ab.events import EventLog, UnknownRequestError
from hardneg_haystack.ab.limits import (
    MAX_QUERY_CHARS,
    clip_query,
    install_body_limit,
    install_short_validation_errors,
)
from hardneg_haystack.components.ab import ABRanker
from hardneg_haystack.errors import ConfigError
from hardneg_haystack.index.memory_store import warm_up_stores


class SearchRequest(BaseModel):
    query: str = Field(min_length=1, max_length=MAX_QUERY_CHARS)
    user_id: str = Field(min_length=1)
    top_k: int | None = Field(default=None, ge=1, le=1000)


class Feedback(BaseModel):
    request_id: str
    document_id: str
    position: int = Field(ge=0)


def find_ab_component(pipeline: Any) -> str:
    names = [name for name, comp in pipeline.walk() if isinstance(comp, ABRanker)]
    if len(names) != 1:
        raise ConfigError(f"the pipeline needs exactly one ABRanker component, found {len(names)}: {names}")
    return names[0]


def search(pipeline: Any, ab_name: str, query: str, user_id: str, top_k: int | None = None) -> dict[str, Any]:
    """Run the pipeline for one request: the query goes to every component that takes one."""
    data: dict[str, dict[str, Any]] = {}
    for name, sockets in pipeline.inputs().items():
        if "query" in sockets:
            data.setdefault(name, {})["query"] = query
    data.setdefault(ab_name, {})["unit_id"] = user_id
    if top_k:
        data[ab_name]["top_k"] = top_k
    return pipeline.run(data)[ab_name]


MAX_IN_FLIGHT = 32
BATCH_WAIT_MS = 8.0


class Admission:
    """Requests held by the server (admitted, not yet answered), bounded; touched only on the event loop."""

    def __init__(self, limit: int) -> None:
        if limit < 1:
            raise ValueError(f"max_in_flight must be >= 1, got {limit}")
        self.limit, self.held, self.rejected = limit, 0, 0
        self._seconds = 0.0  # recent mean time to answer, for Retry-After

    def retry_after(self) -> int:
        """Seconds until a slot is likely free: the held requests' share of the recent answer time."""
        return max(1, math.ceil(self._seconds * self.held / max(1, self.limit)))

    def done(self, seconds: float) -> None:
        self.held -= 1
        self._seconds = seconds if self._seconds == 0 else 0.9 * self._seconds + 0.1 * seconds


def create_app(
    pipeline: Any, events: EventLog, *, max_in_flight: int = MAX_IN_FLIGHT, batch_wait_ms: float = BATCH_WAIT_MS
) -> Any:
    """A FastAPI app serving ``pipeline`` (which holds one :class:`ABRanker`) and logging to ``events``.

    :param max_in_flight: Requests held at once; one more gets 503 with ``Retry-After``.
    :param batch_wait_ms: The longest a re-ranker call waits for others to share its batch (0: no batching).
    """
    from fastapi import FastAPI, HTTPException
    from fastapi.concurrency import run_in_threadpool

    ab_name = find_ab_component(pipeline)
    pipeline.warm_up()
    warm_up_stores(pipeline)  # the embedded store's BM25 postings, before the first request
    admission = Admission(max_in_flight)
    comp = pipeline.get_component(ab_name)
    batcher = None
    if batch_wait_ms > 0:
        batcher = MicroBatcher(comp.score_now, max_wait_s=batch_wait_ms / 1000, expected=lambda: admission.held)
    comp.score_hook = batcher.score if batcher is not None else None  # a previous app's batcher is dropped

    @asynccontextmanager
    async def lifespan(app: FastAPI):  # type: ignore[no-untyped-def]
        yield
        if batcher is not None:
            batcher.close()
        events.close()  # clean stop: everything queued reaches the disk

    app = FastAPI(title="hardneg A/B search", lifespan=lifespan)
    install_body_limit(app)  # 413 for oversized bodies, before anything is parsed
    install_short_validation_errors(app)  # a 422 never echoes a long query back whole

    @app.get("/health")
    def health() -> dict[str, Any]:
        return {
            "status": "ok",
            "mode": comp.mode,
            "arms": list(comp.arms),
            "backend": comp.backend,
            "in_flight": admission.held,
            "max_in_flight": admission.limit,
            "rejected": admission.rejected,
            **({"batching": batcher.stats()} if batcher is not None else {}),
        }

    @app.post("/search")
    async def search_route(req: SearchRequest) -> dict[str, Any]:
        if admission.held >= admission.limit:  # the event loop is the only writer: no lock needed
            admission.rejected += 1
            raise HTTPException(
                status_code=503,
                detail=f"the server holds {admission.held} requests (its limit); retry shortly",
                headers={"Retry-After": str(admission.retry_after())},
            )
        admission.held += 1
        start = time.perf_counter()
        try:
            return await run_in_threadpool(answer, req)
        finally:
            admission.done(time.perf_counter() - start)

    def answer(req: SearchRequest) -> dict[str, Any]:
        query, clipped = clip_query(req.query)  # what the models read; the rest only costs memory
        out = search(pipeline, ab_name, query, req.user_id, req.top_k)
        ids = [d.id for d in out["documents"]]
        request_id = events.impression(
            arm=out["arm"], query=query, unit_id=req.user_id, documents=ids, attribution=out["attribution"]
        )
        return {
            "request_id": request_id,
            "arm": out["arm"],
            "attribution": out["attribution"],
            "documents": [{"id": d.id, "score": d.score, "content": d.content} for d in out["documents"]],
            **({"query_truncated_to": len(query)} if clipped else {}),
        }

    @app.post("/feedback")
    def feedback(fb: Feedback) -> dict[str, Any]:
        try:
            recorded = events.click(fb.request_id, document_id=fb.document_id, position=fb.position)
        except UnknownRequestError as exc:
            status = 404 if "unknown request id" in str(exc) else 422
            raise HTTPException(status_code=status, detail=str(exc)) from exc
        return {"ok": True, "duplicate": not recorded}  # idempotent: one click per (request, document)

    return app


def load_ab_pipeline(path: str | Path, work_dir: str | Path | None = None) -> Any:
    """A YAML A/B pipeline, bound to the store (retrievers of the store's kind) and the ensemble of an indexed
    work folder when one is given."""
    from hardneg_haystack.components.pipelines import load_query_pipeline

    pipe = load_query_pipeline(path, work_dir=work_dir)
    find_ab_component(pipe)
    return pipe
