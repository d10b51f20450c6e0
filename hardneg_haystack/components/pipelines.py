"""Load and build Haystack pipelines that use our components, under Haystack 3's deserialization allowlist.

One-liner for users::

    from hardneg_haystack.components.pipelines import load_pipeline
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

from hardneg_haystack.components.binding import CONTENT_QUERY, bind_document_store
from hardneg_haystack.components.embedders import EnsembleEmbedder, EnsembleTextEmbedder
from hardneg_haystack.errors import ConfigError
from hardneg_haystack.ingest.split import LongDocumentSplitter

ALLOWED_MODULES = ["hardneg_haystack"]


def load_pipeline(source: str | Path, *, allowed_modules: Sequence[str] = ()) -> Pipeline:
    """Load a pipeline from a YAML file (or YAML text), allowing ``hardneg_haystack`` components.

    From a file, a component's relative ``model`` path that exists beside the file (``../rankers/bm25/model``
    in a run folder's ``pipelines/``) is read from there, so a run folder's pipelines move with it; any other
    ``model`` is passed on as written (a path from the working directory, an alias or a hub id)."""
    text = str(source)
    allowed = [*ALLOWED_MODULES, *allowed_modules]
    if "\n" not in text:
        path = Path(text)
        if not path.is_file():
            raise ConfigError(f"{path}: pipeline YAML not found")
        text = path.read_text(encoding="utf-8")
        data = _models_beside(text, path.parent)
        if data is not None:
            return Pipeline.from_dict(data, allowed_modules=allowed)
    return Pipeline.loads(text, allowed_modules=allowed)


def _models_beside(text: str, folder: Path) -> dict[str, Any] | None:
    """The pipeline's data with each relative ``model`` that exists under ``folder`` made absolute; None when
    no model is found there (the text then loads as it is, with Haystack's own errors)."""
    import yaml

    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        return None
    components = data.get("components") if isinstance(data, dict) else None
    changed = False
    for spec in (components or {}).values():
        params = spec.get("init_parameters") if isinstance(spec, dict) else None
        model = params.get("model") if isinstance(params, dict) else None
        if isinstance(model, str) and model and not Path(model).is_absolute() and (folder / model).exists():
            params["model"] = str((folder / model).resolve())
            changed = True
    return data if changed else None


def build_preprocessing_pipeline(*, max_words: int = 300, split_overlap: int = 30) -> Pipeline:
    """clean -> split long documents: the entries ``hardneg index`` embeds, without embedding them."""
    pipe = Pipeline()
    pipe.add_component("cleaner", DocumentCleaner(remove_empty_lines=True, remove_extra_whitespaces=True, keep_id=True))
    pipe.add_component("splitter", LongDocumentSplitter(max_words=max_words, split_overlap=split_overlap))
    pipe.connect("cleaner.documents", "splitter.documents")
    return pipe


def build_indexing_pipeline(
    *, store: Any, embedder: EnsembleEmbedder, max_words: int = 300, split_overlap: int = 30
) -> Pipeline:
    """clean -> split long documents -> EnsembleEmbedder -> DocumentWriter (overwrite by id)."""
    pipe = build_preprocessing_pipeline(max_words=max_words, split_overlap=split_overlap)
    pipe.add_component("embedder", embedder)
    pipe.add_component("writer", DocumentWriter(document_store=store, policy=DuplicatePolicy.OVERWRITE))
    pipe.connect("splitter.documents", "embedder.documents")
    pipe.connect("embedder.documents", "writer.documents")
    return pipe


def embedding_retriever_for(store: Any, *, top_k: int = 10, return_embedding: bool = False) -> Any:
    """The store's own embedding retriever (in-memory dot product, or OpenSearch knn; there the store's own
    ``return_embedding`` decides whether documents come back with their vectors)."""
    if isinstance(store, InMemoryDocumentStore):
        from haystack.components.retrievers.in_memory import InMemoryEmbeddingRetriever

        return InMemoryEmbeddingRetriever(document_store=store, top_k=top_k, return_embedding=return_embedding)
    from haystack_integrations.components.retrievers.opensearch import OpenSearchEmbeddingRetriever

    return OpenSearchEmbeddingRetriever(document_store=store, top_k=top_k)


def build_query_pipeline(*, store: Any, text_embedder: EnsembleTextEmbedder, top_k: int = 10) -> Pipeline:
    """EnsembleTextEmbedder -> the store's embedding retriever."""
    pipe = Pipeline()
    pipe.add_component("text_embedder", text_embedder)
    pipe.add_component("retriever", embedding_retriever_for(store, top_k=top_k))
    pipe.connect("text_embedder.embedding", "retriever.query_embedding")
    return pipe


def load_query_pipeline(source: str | Path, *, work_dir: str | Path | None = None) -> Pipeline:
    """A query pipeline from YAML, bound to an indexed work folder when one is given: every component that
    reads a store gets the folder's store (a retriever is rebuilt as the class that matches it:
    :func:`~hardneg_haystack.components.binding.bind_document_store`), and every ``EnsembleTextEmbedder`` the
    index's own ensemble (its members and fitted weights), so queries are embedded exactly as the documents were.
    Without ``work_dir`` the YAML's own store is used as written (an OpenSearch store: its hosts, index and
    credentials Secrets)."""
    pipe = load_pipeline(source)
    if work_dir is None:
        return pipe
    from hardneg_haystack.index.workdir import open_work_dir

    store, ensemble, _ = open_work_dir(work_dir)
    bind_document_store(pipe, store)
    for _, comp in pipe.walk():
        if isinstance(comp, EnsembleTextEmbedder):
            comp.ensemble = ensemble
    return pipe


def bm25_retriever_for(store: Any, *, top_k: int = 10) -> Any:
    """BM25 as the experiment measures it: on the embedded store our
    :class:`~hardneg_haystack.components.retrievers.AnalyzedBM25Retriever` (stemmed, rank-bm25), on OpenSearch the
    store's retriever over ``content`` only (the index's ``english`` analyzer)."""
    if isinstance(store, InMemoryDocumentStore):
        from hardneg_haystack.components.retrievers import AnalyzedBM25Retriever

        return AnalyzedBM25Retriever(document_store=store, top_k=top_k)
    from haystack_integrations.components.retrievers.opensearch import OpenSearchBM25Retriever

    return OpenSearchBM25Retriever(document_store=store, top_k=top_k, custom_query=CONTENT_QUERY)


def build_rerank_pipeline(
    *,
    store: Any,
    ranker_model: str,
    text_embedder: EnsembleTextEmbedder | None = None,
    candidates: int = 20,
    top_k: int = 10,
    blend_weight: float | None = None,
) -> Pipeline:
    """BM25 (or BM25 + ensemble embedding retrieval joined, when ``text_embedder`` is given) -> cross-encoder
    ranker -> ScoreBlender (first-stage score blended in) -> MaxPAggregator (one result per parent document).

    Run with ``{"retriever": {"query": q}, "ranker": {"query": q}}`` (plus ``{"text_embedder": {"text": q}}``
    for the hybrid form).
    """
    from haystack.components.joiners import DocumentJoiner

    from hardneg_haystack.components.rankers import MaxPAggregator, ScoreBlender

    pipe = Pipeline()
    pipe.add_component("retriever", bm25_retriever_for(store, top_k=candidates))
    first_stage = "retriever.documents"
    if text_embedder is not None:
        pipe.add_component("text_embedder", text_embedder)
        pipe.add_component("embedding_retriever", embedding_retriever_for(store, top_k=candidates))
        pipe.add_component("joiner", DocumentJoiner(join_mode="distribution_based_rank_fusion"))
        pipe.connect("text_embedder.embedding", "embedding_retriever.query_embedding")
        pipe.connect("retriever.documents", "joiner.documents")
        pipe.connect("embedding_retriever.documents", "joiner.documents")
        first_stage = "joiner.documents"
    pipe.add_component("ranker", cross_encoder_ranker(ranker_model, top_k=2 * candidates))
    model_dir = ranker_model if Path(ranker_model).is_dir() else None
    pipe.add_component("blender", ScoreBlender(weight=blend_weight, model=model_dir, top_k=None))
    pipe.add_component("maxp", MaxPAggregator(top_k=top_k))
    pipe.connect(first_stage, "ranker.documents")
    if text_embedder is not None and getattr(pipe.get_component("ranker"), "reads_bm25_score", False):
        pipe.connect("retriever.documents", "ranker.bm25_documents")  # tags from BM25, not the joiner's scores
    pipe.connect(first_stage, "blender.first_stage_documents")
    pipe.connect("ranker.documents", "blender.documents")
    pipe.connect("blender.documents", "maxp.documents")
    return pipe


def build_fused_pipeline(
    *,
    store: Any,
    ranker_model: str,
    text_embedder: EnsembleTextEmbedder,
    candidates: int = 100,
    top_k: int = 10,
    union: bool = False,
) -> Pipeline:
    """The system users deploy: candidates -> cross-encoder ranker (``torch-amp``: scored as the experiment
    measured it) -> ScoreFuser (BM25, dense ensemble similarity and cross-encoder, with the weights stored with
    the model) -> MaxPAggregator. The candidates are BM25's top ``candidates``, or with ``union`` the union of
    BM25's and the embedding retriever's top ``candidates`` each (the ``bm25 + dense`` hybrid's candidates; a
    document BM25 did not return reads BM25 score 0, for the ranker and the fuser).
    Run with ``{"retriever": {"query": q}, "ranker": {"query": q}, "text_embedder": {"text": q}}``.
    """
    from hardneg_haystack.components.rankers import ScoreFuser

    pipe = Pipeline()
    ranker = cross_encoder_ranker(ranker_model, top_k=2 * candidates if union else candidates, measured=True)
    pipe.add_component("ranker", ranker)
    model_dir = ranker_model if Path(ranker_model).is_dir() else None
    _fuse_bm25_with(pipe, store, text_embedder, ScoreFuser(model=model_dir, top_k=None), candidates, top_k)
    first_stage = _join_dense(pipe, store, candidates) if union else "retriever.documents"
    pipe.connect(first_stage, "ranker.documents")
    if union and getattr(ranker, "reads_bm25_score", False):
        pipe.connect("retriever.documents", "ranker.bm25_documents")  # tags from BM25, not the joiner's scores
    pipe.connect("ranker.documents", "fuser.documents")
    return pipe


def _join_dense(pipe: Pipeline, store: Any, candidates: int) -> str:
    """Add the store's embedding retriever (top ``candidates``, with embeddings) beside the BM25 retriever and a
    joiner of the two: BM25's documents first in BM25's order, then the embedding retriever's others in its order
    (``sort_by_score=False``: the experiment's candidate order, so a re-ranker scores the same batches); returns
    the joiner's output socket."""
    from haystack.components.joiners import DocumentJoiner

    pipe.add_component("embedding_retriever", embedding_retriever_for(store, top_k=candidates, return_embedding=True))
    pipe.add_component("joiner", DocumentJoiner(join_mode="concatenate", sort_by_score=False))
    pipe.connect("text_embedder.embedding", "embedding_retriever.query_embedding")
    pipe.connect("retriever.documents", "joiner.documents")
    pipe.connect("embedding_retriever.documents", "joiner.documents")
    return "joiner.documents"


def _fuse_bm25_with(
    pipe: Pipeline, store: Any, text_embedder: EnsembleTextEmbedder, fuser: Any, candidates: int, top_k: int
) -> None:
    """What the hybrid and fused pipelines share: the store's BM25 top ``candidates`` as the first stage the
    ``fuser`` (a ScoreFuser) reads BM25's scores from, the query embedding for its dense similarity, and
    MaxPAggregator after it. The caller connects ``fuser.documents``, the candidates it fuses."""
    from hardneg_haystack.components.rankers import MaxPAggregator

    pipe.add_component("text_embedder", text_embedder)
    pipe.add_component("retriever", bm25_retriever_for(store, top_k=candidates))
    pipe.add_component("fuser", fuser)
    pipe.add_component("maxp", MaxPAggregator(top_k=top_k))
    pipe.connect("retriever.documents", "fuser.first_stage_documents")
    pipe.connect("text_embedder.embedding", "fuser.query_embedding")
    pipe.connect("fuser.documents", "maxp.documents")


def build_bm25_pipeline(*, store: Any, candidates: int = 100, top_k: int = 10) -> Pipeline:
    """The store's BM25 top ``candidates`` -> MaxPAggregator (one result per parent document), as the experiment
    measures ``bm25``. Run with ``{"retriever": {"query": q}}``."""
    from hardneg_haystack.components.rankers import MaxPAggregator

    pipe = Pipeline()
    pipe.add_component("retriever", bm25_retriever_for(store, top_k=candidates))
    pipe.add_component("maxp", MaxPAggregator(top_k=top_k))
    pipe.connect("retriever.documents", "maxp.documents")
    return pipe


def build_hybrid_pipeline(
    *, store: Any, text_embedder: EnsembleTextEmbedder, dense_weight: float, candidates: int = 100, top_k: int = 10
) -> Pipeline:
    """BM25 + dense without a cross-encoder, as ``hardneg experiment`` measures ``bm25 + dense``: the union of
    BM25's and the embedding retriever's top ``candidates``, each signal min-max normalised over it (a document
    BM25 did not return scores 0 there), blended ``dense_weight`` : ``1 - dense_weight`` by
    :class:`~hardneg_haystack.components.rankers.ScoreFuser` -> MaxPAggregator.
    Run with ``{"retriever": {"query": q}, "text_embedder": {"text": q}}``."""
    from hardneg_haystack.components.rankers import ScoreFuser

    pipe = Pipeline()
    weights = {"bm25": 1.0 - dense_weight, "dense": dense_weight, "cross-encoder": 0.0}
    _fuse_bm25_with(pipe, store, text_embedder, ScoreFuser(weights=weights, top_k=None), candidates, top_k)
    pipe.connect(_join_dense(pipe, store, candidates), "fuser.documents")
    return pipe


def cross_encoder_ranker(model: str, *, top_k: int, measured: bool = False) -> Any:
    """The ranker of ``model``. ``measured``: our
    :class:`~hardneg_haystack.components.backend_ranker.BackendRanker` on the ``torch-amp`` backend, the model's
    own activation: the scores ``hardneg experiment`` evaluates and fits its fusion weights on (bf16 autocast where
    the CPU has it, 32 pairs per batch). Otherwise logits (no sigmoid) from Haystack's
    ``SentenceTransformersSimilarityRanker``, or from a torch ``BackendRanker`` for a model that reads BM25's score
    as text (``hardneg.json``), which Haystack's ranker cannot show it."""
    from hardneg_haystack.components.backend_ranker import BackendRanker
    from hardneg_haystack.scoring.rerank_backends import MEASURED_BATCH_SIZE
    from hardneg_haystack.training.model_info import reads_bm25

    if measured:
        return BackendRanker(model=model, backend="torch-amp", top_k=top_k, batch_size=MEASURED_BATCH_SIZE)
    if reads_bm25(model):
        return BackendRanker(model=model, backend="torch", top_k=top_k, scale_score=False)
    from haystack_integrations.components.rankers.sentence_transformers import SentenceTransformersSimilarityRanker

    return SentenceTransformersSimilarityRanker(model=model, top_k=top_k, scale_score=False)
