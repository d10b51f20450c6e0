"""Bounds on what one request may ask of the A/B server, so a hostile or broken client cannot exhaust memory.

- Request bodies above :data:`MAX_BODY_BYTES` are answered 413 before they are read (411 without a size).
- Queries above :data:`MAX_QUERY_CHARS` are answered 422 (the model says how long the query was).
- Accepted queries are cut to :data:`QUERY_READ_CHARS` before the pipeline runs: the embedders and the
  cross-encoder read at most a few hundred tokens of a query anyway, so the rest would only cost memory.
"""

from __future__ import annotations

from typing import Any

MAX_BODY_BYTES = 64 * 1024
MAX_QUERY_CHARS = 8192
#: about 256 word pieces: more than any member or ranker reads of a query (their pairs hold 128-512 tokens)
QUERY_READ_CHARS = 1024


def clip_query(query: str, limit: int = QUERY_READ_CHARS) -> tuple[str, bool]:
    """``(query cut to what the models read, whether it was cut)``; cuts at a space when one is near."""
    if len(query) <= limit:
        return query, False
    cut = query[:limit]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit * 0.8 else cut), True


def body_too_large(content_length: str | None, limit: int = MAX_BODY_BYTES) -> str | None:
    """The 413 message for a declared body size over ``limit`` (None: within it, or not declared)."""
    if content_length is None or not content_length.strip().isdigit():
        return None
    size = int(content_length)
    if size <= limit:
        return None
    return f"request body is {size} bytes; the limit is {limit} bytes"


def install_body_limit(app: Any, limit: int = MAX_BODY_BYTES) -> None:
    """Answer 413 (JSON ``detail``) to a body declared over ``limit`` bytes, and 411 to a POST that declares
    no size (a chunked body could be any size; every HTTP client sends Content-Length for JSON)."""
    from fastapi import Request
    from fastapi.responses import JSONResponse

    @app.middleware("http")
    async def _limit_body(request: Request, call_next: Any) -> Any:
        if request.method in ("POST", "PUT", "PATCH"):
            declared = request.headers.get("content-length")
            if declared is None:
                return JSONResponse(status_code=411, content={"detail": "send a Content-Length header"})
            message = body_too_large(declared, limit)
            if message is not None:
                return JSONResponse(status_code=413, content={"detail": message})
        return await call_next(request)


#: Characters of a rejected value echoed back in a 422 (the rest is replaced by a count).
ECHO_CHARS = 80


def clip_echo(value: Any, limit: int = ECHO_CHARS) -> Any:
    """``value`` as a 422 may echo it: a long string cut to ``limit`` characters with the count of the rest."""
    if isinstance(value, str) and len(value) > limit:
        return f"{value[:limit]}... ({len(value) - limit} more characters)"
    return value


def install_short_validation_errors(app: Any) -> None:
    """Answer 422 as FastAPI does (``detail``: one entry per problem), but never echo a long input back whole:
    a 9,000-character query comes back as its first :data:`ECHO_CHARS` characters and a count."""
    from fastapi import Request
    from fastapi.encoders import jsonable_encoder
    from fastapi.exceptions import RequestValidationError
    from fastapi.responses import JSONResponse

    @app.exception_handler(RequestValidationError)
    async def _short_422(request: Request, exc: RequestValidationError) -> Any:
        errors = [
            {**e, "input": clip_echo(e["input"])} if isinstance(e, dict) and "input" in e else e for e in exc.errors()
        ]
        return JSONResponse(status_code=422, content={"detail": jsonable_encoder(errors)})
