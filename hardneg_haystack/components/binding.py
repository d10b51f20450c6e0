"""Bind a pipeline to a document store: every retriever gets the class that matches the store.

A YAML pipeline names its store by parameters, and a retriever class only works on its own store
(``InMemoryBM25Retriever`` calls ``bm25_retrieval``, which an ``OpenSearchDocumentStore`` does not have).
Binding a pipeline to the store of a work folder therefore rebuilds each retriever for that store:

- ``AnalyzedBM25Retriever`` (ours: the experiment's stemmed BM25 on the embedded store) or
  ``InMemoryBM25Retriever`` -> ``OpenSearchBM25Retriever`` (a ``match`` on ``content`` only, the query the BM25
  miner uses, not the default ``multi_match`` over every field; the index's ``english`` analyzer stems) ->
  ``AnalyzedBM25Retriever`` (``InMemoryBM25Retriever`` when it has filters, which ours cannot apply);
- ``InMemoryEmbeddingRetriever`` <-> ``OpenSearchEmbeddingRetriever``;
- a retriever of the store's own kind is rebuilt with the same parameters on the new store;
- store-agnostic components (``DocumentWriter``, our miners and warm start) simply get the store;
- any other component that holds a store of another kind is refused with a :class:`ConfigError` naming it.

A retriever is never left bound to a store of another kind.
"""

from __future__ import annotations

from typing import Any, Literal

from haystack import Pipeline
from haystack.core.serialization import component_from_dict, component_to_dict, import_class_by_name
from haystack.document_stores.in_memory import InMemoryDocumentStore
from haystack.document_stores.types import FilterPolicy

from hardneg_haystack.errors import ConfigError

StoreKind = Literal["memory", "opensearch"]

#: OpenSearch BM25 over the analysed ``content`` field only (a meta keyword can never match).
CONTENT_QUERY: dict[str, Any] = {"query": {"match": {"content": {"query": "$query"}}}}
#: the same with the retriever's filters (used when the retriever being moved has filters)
CONTENT_QUERY_FILTERED: dict[str, Any] = {
    "query": {"bool": {"must": [{"match": {"content": {"query": "$query"}}}], "filter": "$filters"}}
}

_MEMORY_BM25 = "haystack.components.retrievers.in_memory.bm25_retriever.InMemoryBM25Retriever"
_MEMORY_EMB = "haystack.components.retrievers.in_memory.embedding_retriever.InMemoryEmbeddingRetriever"
_ANALYZED_BM25 = "hardneg_haystack.components.retrievers.AnalyzedBM25Retriever"
_OS_BM25 = "haystack_integrations.components.retrievers.opensearch.bm25_retriever.OpenSearchBM25Retriever"
_OS_EMB = "haystack_integrations.components.retrievers.opensearch.embedding_retriever.OpenSearchEmbeddingRetriever"
#: retriever class -> (what it retrieves by, the store kind it needs)
RETRIEVERS: dict[str, tuple[str, StoreKind]] = {
    _MEMORY_BM25: ("bm25", "memory"),
    _ANALYZED_BM25: ("bm25", "memory"),
    _MEMORY_EMB: ("embedding", "memory"),
    _OS_BM25: ("bm25", "opensearch"),
    _OS_EMB: ("embedding", "opensearch"),
}
_TARGET = {(kind, store): path for path, (kind, store) in RETRIEVERS.items()}
#: components that read or write any document store through the DocumentStore protocol only
_AGNOSTIC_PREFIXES = ("hardneg_haystack.", "haystack.components.writers.")


def store_kind(store: Any) -> StoreKind:
    """``memory`` or ``opensearch``; any other store is refused (name the store this project supports)."""
    if isinstance(store, InMemoryDocumentStore):
        return "memory"
    from haystack_integrations.document_stores.opensearch import OpenSearchDocumentStore

    if isinstance(store, OpenSearchDocumentStore):
        return "opensearch"
    raise ConfigError(
        f"document store {type(store).__name__} is not supported: use InMemoryDocumentStore or OpenSearchDocumentStore"
    )


def _class_path(obj: Any) -> str:
    return f"{type(obj).__module__}.{type(obj).__name__}"


def _held_store(comp: Any) -> Any:
    for attr in ("document_store", "_document_store"):
        store = getattr(comp, attr, None)
        if store is not None and hasattr(store, "filter_documents"):
            return store
    return None


def retriever_for_store(name: str, comp: Any, store: Any) -> Any:
    """A retriever like ``comp`` (same role, ``top_k``, filters and filter policy) for ``store``'s kind.

    :raises ConfigError: naming ``name`` when a setting has no equivalent on the target store.
    """
    path = _class_path(comp)
    role, _ = RETRIEVERS[path]
    target = store_kind(store)
    params = dict(component_to_dict(comp, name).get("init_parameters", {}))
    params.pop("document_store", None)
    target_path = path if RETRIEVERS[path][1] == target else _TARGET[(role, target)]
    if target_path == _ANALYZED_BM25 and path != target_path and params.get("filters"):
        target_path = _MEMORY_BM25  # filters: only Haystack's in-memory retriever applies them
    if target_path == path:
        kept = params
    else:
        kept = {k: params[k] for k in ("filters", "top_k", "filter_policy") if k in params}
        if role == "bm25":
            kept["scale_score"] = bool(params.get("scale_score", False))
        if path in (_MEMORY_BM25, _ANALYZED_BM25):
            kept["custom_query"] = CONTENT_QUERY_FILTERED if params.get("filters") else CONTENT_QUERY
        elif path == _OS_BM25:
            _refuse_settings(name, comp, target, {
                "fuzziness": params.get("fuzziness", 0) not in (0, "0"),
                "all_terms_must_match": bool(params.get("all_terms_must_match")),
                "custom_query": params.get("custom_query") not in (None, CONTENT_QUERY, CONTENT_QUERY_FILTERED),
            })  # fmt: skip
        elif path == _OS_EMB:
            _refuse_settings(name, comp, target, {
                "custom_query": params.get("custom_query") is not None,
                "efficient_filtering": bool(params.get("efficient_filtering")),
                "search_kwargs": bool(params.get("search_kwargs")),
            })  # fmt: skip
        if target_path == _ANALYZED_BM25:  # no filters (above): it takes top_k alone
            kept = {"top_k": kept.get("top_k", 10)}
    if isinstance(kept.get("filter_policy"), str):
        kept["filter_policy"] = FilterPolicy.from_str(kept["filter_policy"])
    return _retriever_class(target_path)(document_store=store, **kept)


def _retriever_class(path: str) -> type:
    """The class at ``path``; ours imported directly (Haystack's import refuses modules off its allowlist)."""
    if path == _ANALYZED_BM25:
        from hardneg_haystack.components.retrievers import AnalyzedBM25Retriever

        return AnalyzedBM25Retriever
    return import_class_by_name(path)


def _refuse_settings(name: str, comp: Any, target: str, used: dict[str, bool]) -> None:
    bad = [k for k, on in used.items() if on]
    if bad:
        raise ConfigError(
            f"component {name!r} ({type(comp).__name__}) sets {', '.join(bad)}, which the {target} store's "
            f"retriever cannot do: remove {'it' if len(bad) == 1 else 'them'} or bind the pipeline to an OpenSearch "
            "work folder"
        )


def replace_component(pipeline: Pipeline, name: str, new: Any) -> None:
    """Put ``new`` in place of component ``name``, every connection to and from it restored."""
    edges = [
        (sender, receiver, data["from_socket"].name, data["to_socket"].name)
        for sender, receiver, data in pipeline.graph.edges(data=True)
        if name in (sender, receiver)
    ]
    pipeline.remove_component(name)
    pipeline.add_component(name, new)
    for sender, receiver, out_socket, in_socket in edges:
        pipeline.connect(f"{sender}.{out_socket}", f"{receiver}.{in_socket}")


def bind_document_store(pipeline: Pipeline, store: Any) -> Pipeline:
    """Point every component that reads or writes a document store at ``store`` (see the module docstring).

    :raises ConfigError: naming the first component that cannot work on ``store``'s kind.
    """
    target = store_kind(store)
    for name, comp in list(pipeline.walk()):
        path = _class_path(comp)
        if path in RETRIEVERS:
            replace_component(pipeline, name, retriever_for_store(name, comp, store))
            continue
        held = _held_store(comp)
        if held is None:
            continue
        if path.startswith(_AGNOSTIC_PREFIXES) and hasattr(comp, "document_store"):
            comp.document_store = store
            continue
        try:
            held_kind = store_kind(held)
        except ConfigError:
            held_kind = None
        if held_kind != target:
            raise ConfigError(
                f"component {name!r} ({type(comp).__name__}) reads a {type(held).__name__} and has no counterpart "
                f"for the work folder's {type(store).__name__}: replace it with "
                + ("an InMemory retriever" if target == "memory" else "an OpenSearch retriever")
                + " (e.g. the pipelines in pipelines/"
                + ("" if target == "memory" else "opensearch/")
                + ")"
            )
        if target == "memory":  # an embedded store holds the documents themselves: share the object
            setattr(comp, "document_store" if hasattr(comp, "document_store") else "_document_store", store)
            continue
        data = component_to_dict(comp, name)  # OpenSearch: rebuilt from the store's connection settings
        data.setdefault("init_parameters", {})["document_store"] = store.to_dict()
        replace_component(pipeline, name, component_from_dict(type(comp), data, name))
    return pipeline
