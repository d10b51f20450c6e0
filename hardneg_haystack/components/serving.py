"""Serve the shipped query pipelines with Hayhooks, one thin wrapper per pipeline.

Hayhooks (``pip install hardneg-haystack[serve]``) serves a folder of pipeline wrappers: each sub-folder holds a
``pipeline_wrapper.py`` whose ``PipelineWrapper`` builds its pipeline in ``setup()`` and answers
``POST /<name>/run`` with ``run_api()``. Ours are in :data:`WRAPPERS_DIR` (``hardneg_haystack/hayhooks_pipelines``):
each names one shipped YAML, and :class:`QueryPipelineWrapper` loads it bound to the work folder in
``HARDNEG_WORK_DIR`` (:func:`~hardneg_haystack.components.pipelines.load_query_pipeline`: the folder's store, the
retriever class that matches it, the index's own query ensemble). ``HARDNEG_RANKER_MODEL`` puts a fine-tuned re-ranker
into the pipelines that have one (:func:`~hardneg_haystack.components.swap.swap_ranker`).

    HARDNEG_WORK_DIR=runs/kb HARDNEG_RANKER_MODEL=runs/ranker/model HAYHOOKS_STARTUP_DEPLOY_STRATEGY=sequential \\
        hayhooks run --pipelines-dir hardneg_haystack/hayhooks_pipelines      # or: hardneg serve -w runs/kb
    curl -X POST localhost:1416/bm25_rerank/run -H 'content-type: application/json' -d '{"query": "reset VPN"}'

The A/B server stays our own (``hardneg ab serve``): a Hayhooks wrapper answers its ``run`` route only, while an
A/B test also needs ``/feedback`` writing to the same event log as ``/search``.
"""

from __future__ import annotations

import math
import os
import shutil
import signal
import sys
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any, ClassVar

from hayhooks import BasePipelineWrapper
from haystack import Document, Pipeline
from pydantic import Field

from hardneg_haystack.components.telemetry import disable_unless_opted_in
from hardneg_haystack.errors import ConfigError, opensearch_problem

WORK_DIR_ENV = "HARDNEG_WORK_DIR"
RANKER_ENV = "HARDNEG_RANKER_MODEL"
PIPELINES_ENV = "HARDNEG_PIPELINES_DIR"
#: the Hayhooks pipelines folder: one sub-folder (one wrapper) per entry of QUERY_PIPELINES
WRAPPERS_DIR = Path(__file__).parent.parent / "hayhooks_pipelines"

#: wrapper (and route) name -> the shipped YAML it serves, from pipelines/ or pipelines/opensearch/
QUERY_PIPELINES: dict[str, str] = {
    "bm25": "query_bm25.yaml",
    "bm25_rerank": "query_bm25_rerank.yaml",
    "embedding": "query_embedding.yaml",
    "hybrid": "query_hybrid.yaml",
    "hybrid_rerank": "query_hybrid_rerank.yaml",
    "fused": "query_fused.yaml",
}


def pipelines_root() -> Path:
    """The shipped ``pipelines/`` folder: ``HARDNEG_PIPELINES_DIR``, else the one beside the package (a source
    checkout), else ``./pipelines``."""
    if os.environ.get(PIPELINES_ENV):
        return Path(os.environ[PIPELINES_ENV])
    beside = Path(__file__).resolve().parents[2] / "pipelines"
    return beside if beside.is_dir() else Path("pipelines")


def shipped_yaml(name: str, store_kind: str) -> Path:
    """The YAML of wrapper ``name`` for a store of ``store_kind``: the OpenSearch version for an OpenSearch work
    folder when one ships, else the embedded one (and the other way round). Binding makes either work."""
    if name not in QUERY_PIPELINES:
        raise ConfigError(f"unknown query pipeline {name!r}: choose from {', '.join(QUERY_PIPELINES)}")
    root = pipelines_root()
    file = QUERY_PIPELINES[name]
    order = [root / "opensearch" / file, root / file]
    if store_kind == "memory":
        order.reverse()
    for path in order:
        if path.is_file():
            return path
    raise ConfigError(f"{file} not found under {root} (set {PIPELINES_ENV} to the shipped pipelines/ folder)")


def _json_value(value: Any) -> bool:
    if isinstance(value, float):
        return math.isfinite(value)
    return value is None or isinstance(value, str | int | bool)


def document_json(doc: Document) -> dict[str, Any]:
    """A result document as JSON: id, score, content and its scalar meta fields (no embedding)."""
    meta = {k: v for k, v in (doc.meta or {}).items() if _json_value(v)}
    score = doc.score if doc.score is None or math.isfinite(doc.score) else None
    return {"id": doc.id, "score": score, "content": doc.content, "meta": meta}


def use_ranker(pipeline: Pipeline, model: str) -> Pipeline:
    """Put the re-ranker ``model`` into ``pipeline`` (ranker and ScoreBlender weight by ``swap_ranker``; a
    ``ScoreFuser`` without explicit weights then reads the model's stored fusion weights). A pipeline without a
    ranker is returned unchanged."""
    from hardneg_haystack.components.binding import replace_component
    from hardneg_haystack.components.rankers import ScoreFuser
    from hardneg_haystack.components.swap import swap_ranker
    from hardneg_haystack.embedding.models import resolve_model

    if not any(type(c).__name__.endswith("Ranker") for _, c in pipeline.walk()):
        return pipeline
    swap_ranker(pipeline, model)
    source = resolve_model(model).source
    for name, comp in list(pipeline.walk()):
        if isinstance(comp, ScoreFuser) and comp.weights_from_model:
            replace_component(pipeline, name, ScoreFuser(model=source, top_k=comp.top_k))
    return pipeline


class QueryService:
    """One shipped query pipeline bound to an indexed work folder, asked with a query string alone: the query
    goes to every input socket named ``query`` (retrievers, rankers) or ``text`` (the ensemble text embedder)
    that no connection feeds, and the documents of the pipeline's last component come back."""

    def __init__(self, name: str, work_dir: str | Path, *, ranker_model: str | None = None) -> None:
        from hardneg_haystack.components.indexing import read_manifest
        from hardneg_haystack.components.pipelines import load_query_pipeline
        from hardneg_haystack.index.memory_store import warm_up_stores
        from hardneg_haystack.index.stores import StoreConfig

        kind = "memory" if StoreConfig(**read_manifest(work_dir)["store"]).is_memory else "opensearch"
        self.name = name
        self.source = shipped_yaml(name, kind)
        self.pipeline = load_query_pipeline(self.source, work_dir=work_dir)
        if ranker_model:
            use_ranker(self.pipeline, ranker_model)
        warm_up_stores(self.pipeline)  # the embedded store's BM25 postings, before the first request
        self.query_inputs = {
            comp: [socket for socket in ("query", "text") if socket in sockets]
            for comp, sockets in self.pipeline.inputs().items()
            if "query" in sockets or "text" in sockets
        }
        graph = self.pipeline.graph
        leaves = [n for n in graph.nodes if graph.out_degree(n) == 0]
        if len(leaves) != 1:
            raise ConfigError(f"{self.source}: expected one last component, found {', '.join(sorted(leaves))}")
        self.output = leaves[0]

    def search(self, query: str, top_k: int | None = None) -> list[dict[str, Any]]:
        """The ranked documents for ``query`` as JSON (at most ``top_k``, else as many as the pipeline returns).

        :raises StoreRefusal: when the store cannot answer (unreachable, or it refused the query: e.g. knn on a
            cluster without the k-NN plugin), with a one-line message naming the cause.
        """
        data = {comp: dict.fromkeys(sockets, query) for comp, sockets in self.query_inputs.items()}
        try:
            docs = self.pipeline.run(data)[self.output]["documents"]
        except Exception as exc:
            refusal = store_refusal(exc)
            if refusal is None:
                raise
            raise StoreRefusal(f"{self.name}: {refusal}") from exc
        return [document_json(d) for d in docs[:top_k]]


class StoreRefusal(ConfigError):
    """The store could not answer a query (the route answers 503 with this message)."""


def store_refusal(exc: BaseException) -> str | None:
    """One line naming why the store could not answer, when ``exc`` (or what caused it) is the store's error."""
    seen: BaseException | None = exc
    while seen is not None:
        if msg := opensearch_problem(seen):
            return msg
        seen = seen.__cause__ or seen.__context__
    return None


class QueryPipelineWrapper(BasePipelineWrapper):
    """The Hayhooks wrapper of one shipped query pipeline: a subclass names it in ``pipeline_name``."""

    pipeline_name: ClassVar[str]

    def setup(self) -> None:
        disable_unless_opted_in()  # Hayhooks leaves Haystack's telemetry on; we do not
        work_dir = os.environ.get(WORK_DIR_ENV)
        if not work_dir:
            raise ConfigError(f"set {WORK_DIR_ENV} to an indexed work folder (`hardneg index --work-dir ...`)")
        self.service = QueryService(self.pipeline_name, work_dir, ranker_model=os.environ.get(RANKER_ENV) or None)
        self.pipeline = self.service.pipeline

    def run_api(self, query: str, top_k: Annotated[int, Field(ge=1)] | None = None) -> list[dict[str, Any]]:
        """
        Search the indexed documents.

        :param query: The user's question or keywords.
        :param top_k: Return at most this many documents (default: as many as the pipeline returns).
        :returns: The documents, best first: id, score, content and meta.
        """
        from fastapi import HTTPException

        try:
            return self.service.search(query, top_k)
        except StoreRefusal as exc:  # JSON {"detail": ...}, not hayhooks' 500 with the client's raw exception
            raise HTTPException(status_code=503, detail=str(exc)) from exc


def prepare_pipelines_dir(names: Sequence[str], dest: str | Path) -> Path:
    """A Hayhooks pipelines folder at ``dest`` holding the wrappers ``names`` (copies from WRAPPERS_DIR)."""
    dest = Path(dest)
    for name in names:
        if name not in QUERY_PIPELINES:
            raise ConfigError(f"unknown query pipeline {name!r}: choose from {', '.join(QUERY_PIPELINES)}")
        shutil.copytree(WRAPPERS_DIR / name, dest / name, ignore=shutil.ignore_patterns("__pycache__"))
    return dest


def exit_on_sigterm() -> None:
    """Let a SIGTERM stop the process through ``SystemExit``, so ``finally`` blocks run.

    Uvicorn catches SIGTERM, shuts the server down cleanly and then raises the same signal again under the handler
    that was in place before it started: Python's default handler kills the process there, skipping every
    ``finally`` (``hardneg serve`` left its wrappers folder in the temp directory on each stop)."""
    if threading.current_thread() is threading.main_thread() and signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
        signal.signal(signal.SIGTERM, lambda signum, _frame: sys.exit(128 + signum))


def serve(
    work_dir: str | Path,
    *,
    names: Sequence[str] = tuple(QUERY_PIPELINES),
    ranker_model: str | None = None,
    host: str = "127.0.0.1",
    port: int = 1416,
) -> None:
    """Run Hayhooks on ``host:port`` (loopback by default) with the wrappers ``names`` bound to ``work_dir``:
    what ``HARDNEG_WORK_DIR=... HAYHOOKS_STARTUP_DEPLOY_STRATEGY=sequential hayhooks run --pipelines-dir <a folder
    with those wrappers>`` does. A wrapper whose setup fails is skipped by Hayhooks with a warning in the log."""
    from hardneg_haystack.components.indexing import read_manifest

    read_manifest(work_dir)  # an unindexed folder fails here, before Hayhooks skips every wrapper
    disable_unless_opted_in()  # Hayhooks leaves Haystack's telemetry on; we do not
    os.environ[WORK_DIR_ENV] = str(Path(work_dir).resolve())
    if ranker_model:
        os.environ[RANKER_ENV] = ranker_model
    from hayhooks.server.app import create_app, run_app
    from hayhooks.settings import StartupDeployStrategy, settings

    folder = tempfile.mkdtemp(prefix="hardneg-hayhooks-")
    exit_on_sigterm()
    try:
        settings.pipelines_dir = str(prepare_pipelines_dir(names, folder))
        settings.host, settings.port = host, port
        # Hayhooks' default (parallel) startup loads the wrapper modules and runs setup() in threads at once; with
        # wrappers whose setup imports and loads models, one of them failed loading its module ("dictionary
        # changed size during iteration") and was skipped. One at a time is the safe order.
        settings.startup_deploy_strategy = StartupDeployStrategy.SEQUENTIAL
        run_app(create_app(), host=host, port=port)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
