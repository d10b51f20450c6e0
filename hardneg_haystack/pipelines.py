"""Load and build Haystack pipelines that use our components, under Haystack 3's deserialization allowlist.

One-liner for users::

    from hardneg_haystack.pipelines import load_pipeline
    pipe = load_pipeline("pipelines/query_embedding.yaml")

We allow our own module for that call (``allowed_modules=["hardneg_haystack"]``); the allowlist is
never switched off.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from haystack import Pipeline
from haystack.components.preprocessors import DocumentCleaner
from haystack.components.writers import DocumentWriter
from haystack.document_stores.in_memory import InMemoryDocumentStore
from haystack.document_stores.types import DuplicatePolicy

from hardneg_haystack.components.embedders import EnsembleEmbedder, EnsembleTextEmbedder
from hardneg_haystack.errors import ConfigError
from hardneg_haystack.ingest.split import LongDocumentSplitter

ALLOWED_MODULES = ["hardneg_haystack"]


def load_pipeline(source: str | Path, *, allowed_modules: Sequence[str] = ()) -> Pipeline:
    """Load a pipeline from a YAML file (or YAML text), allowing ``hardneg_haystack`` components."""
    text = str(source)
    if "\n" not in text:
        path = Path(text)
        if not path.is_file():
            raise ConfigError(f"{path}: pipeline YAML not found")
        text = path.read_text(encoding="utf-8")
    return Pipeline.loads(text, allowed_modules=[*ALLOWED_MODULES, *allowed_modules])


def build_indexing_pipeline(
    *, store: Any, embedder: EnsembleEmbedder, max_words: int = 300, split_overlap: int = 30
) -> Pipeline:
    """clean -> split long documents -> EnsembleEmbedder -> DocumentWriter (overwrite by id)."""
    pipe = Pipeline()
    pipe.add_component("cleaner", DocumentCleaner(remove_empty_lines=True, remove_extra_whitespaces=True, keep_id=True))
    pipe.add_component("splitter", LongDocumentSplitter(max_words=max_words, split_overlap=split_overlap))
    pipe.add_component("embedder", embedder)
    pipe.add_component("writer", DocumentWriter(document_store=store, policy=DuplicatePolicy.OVERWRITE))
    pipe.connect("cleaner.documents", "splitter.documents")
    pipe.connect("splitter.documents", "embedder.documents")
    pipe.connect("embedder.documents", "writer.documents")
    return pipe


def embedding_retriever_for(store: Any, *, top_k: int = 10) -> Any:
    """The store's own embedding retriever (in-memory dot product, or OpenSearch knn)."""
    if isinstance(store, InMemoryDocumentStore):
        from haystack.components.retrievers.in_memory import InMemoryEmbeddingRetriever

        return InMemoryEmbeddingRetriever(document_store=store, top_k=top_k)
    from haystack_integrations.components.retrievers.opensearch import OpenSearchEmbeddingRetriever

    return OpenSearchEmbeddingRetriever(document_store=store, top_k=top_k)


def build_query_pipeline(*, store: Any, text_embedder: EnsembleTextEmbedder, top_k: int = 10) -> Pipeline:
    """EnsembleTextEmbedder -> the store's embedding retriever."""
    pipe = Pipeline()
    pipe.add_component("text_embedder", text_embedder)
    pipe.add_component("retriever", embedding_retriever_for(store, top_k=top_k))
    pipe.connect("text_embedder.embedding", "retriever.query_embedding")
    return pipe
