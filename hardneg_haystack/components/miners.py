"""Haystack components for mining: ClusterHardNegativeMiner and the BM25 / random baselines.

All three read the SAME document store (one full scan, no re-embedding) and return one format:
``result`` (:class:`~hardneg_haystack.mining.result.MiningResult`), ``triplets`` (JSONL-ready rows),
``possible_positives`` and ``stats``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from haystack import component, default_from_dict, default_to_dict
from haystack.core.serialization import component_from_dict, component_to_dict, import_class_by_name

from hardneg_haystack.components.embedders import EnsembleTextEmbedder
from hardneg_haystack.ingest.queries import LabelledQuery
from hardneg_haystack.mining.baselines import Analyzer, mine_bm25, mine_random
from hardneg_haystack.mining.clustering import ClusterMethod, PoolMode
from hardneg_haystack.mining.corpus import Corpus, load_corpus
from hardneg_haystack.mining.factory import check_sampler, mine_with_ensemble, result_of
from hardneg_haystack.mining.result import MinedQuery, MiningResult
from hardneg_haystack.mining.selection import Sampling, SelectionConfig

RandomSampler = Literal["scan", "random_score"]

OUTPUTS = {
    "result": MiningResult,
    "triplets": list[dict[str, Any]],
    "possible_positives": list[dict[str, Any]],
    "stats": dict[str, Any],
}


def with_store_and_embedder(data: dict[str, Any]) -> dict[str, Any]:
    """A component's serialised dict with its ``document_store`` (and ``text_embedder``, if any) rebuilt."""
    data = {**data, "init_parameters": dict(data["init_parameters"])}
    params = data["init_parameters"]
    store = params["document_store"]
    params["document_store"] = import_class_by_name(store["type"]).from_dict(store)
    if isinstance(params.get("text_embedder"), dict):
        params["text_embedder"] = component_from_dict(EnsembleTextEmbedder, params["text_embedder"], "text_embedder")
    return data


def as_queries(queries: Sequence[LabelledQuery | dict[str, Any]]) -> list[LabelledQuery]:
    out = []
    for q in queries:
        if isinstance(q, LabelledQuery):
            out.append(q)
        else:
            out.append(LabelledQuery(str(q["id"]), str(q["text"]), tuple(str(p) for p in q["positive_ids"])))
    return out


class _MinerBase:
    """Shared init (store + selection), corpus scan and serialisation of the miners."""

    miner_name = "base"

    def __init__(
        self,
        *,
        document_store: Any,
        num_negatives: int = 4,
        sampling: Sampling = "top",
        range_min: int = 0,
        range_max: int = 50,
        seed: int = 42,
        on_missing_positive: str = "skip",
    ) -> None:
        self.document_store = document_store
        self.num_negatives = num_negatives
        self.sampling = sampling
        self.range_min = range_min
        self.range_max = range_max
        self.seed = seed
        self.on_missing_positive = on_missing_positive
        self._corpus: Corpus | None = None

    def _selection(self, **extra: Any) -> SelectionConfig:
        return SelectionConfig(
            num_negatives=self.num_negatives,
            sampling=self.sampling,
            range_min=self.range_min,
            range_max=self.range_max,
            seed=self.seed,
            **extra,
        )

    def corpus(self, *, need_embeddings: bool = True) -> Corpus:
        """The scanned store, read once per component (call ``refresh()`` after the store changes)."""
        if self._corpus is None or (need_embeddings and self._corpus.embeddings is None):
            self._corpus = load_corpus(self.document_store, need_embeddings=need_embeddings)
        return self._corpus

    def refresh(self) -> None:
        self._corpus = None

    def _finish(self, mined: list[MinedQuery], corpus: Corpus, extra: dict[str, Any] | None = None) -> dict[str, Any]:
        return self._outputs(result_of(self.miner_name, mined, corpus, self.num_negatives, extra))

    @staticmethod
    def _outputs(result: MiningResult) -> dict[str, Any]:
        return {
            "result": result,
            "triplets": result.triplets(),
            "possible_positives": result.possible_positives(),
            "stats": result.stats(),
        }

    def _params(self) -> dict[str, Any]:
        return {
            "document_store": self.document_store.to_dict(),
            "num_negatives": self.num_negatives,
            "sampling": self.sampling,
            "range_min": self.range_min,
            "range_max": self.range_max,
            "seed": self.seed,
            "on_missing_positive": self.on_missing_positive,
        }

    def to_dict(self) -> dict[str, Any]:
        return default_to_dict(self, **self._params())

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Any:
        return default_from_dict(cls, with_store_and_embedder(data))


@component
class ClusterHardNegativeMiner(_MinerBase):
    """
    Mines hard negatives with the ensemble and clustering (arXiv 2411.02404), with a false-negative guard.

    The store's documents (and their ensemble embeddings, never recomputed) are clustered; a query's
    candidates are the documents of its cluster and its positives' clusters (``pool``); candidates are
    ranked by ensemble similarity; those scoring above ``relative_margin`` x the positive's score (or
    above ``absolute_cap``) are returned as ``possible_positives``, never as negatives. Positives, and
    chunks whose parent is a positive, are excluded.

    ### Usage example

    ```python
    from hardneg_haystack import ClusterHardNegativeMiner, EnsembleTextEmbedder
    from hardneg_haystack.components.indexing import open_index
    from hardneg_haystack.ingest import load_beir_queries

    store, text_embedder, _ = open_index("runs/demo")
    miner = ClusterHardNegativeMiner(document_store=store, text_embedder=text_embedder, num_negatives=4)
    out = miner.run(queries=load_beir_queries("data/kb", "train"))
    print(out["stats"]["negatives_per_query_mean"], len(out["triplets"]))
    ```
    """

    miner_name = "ensemble"

    def __init__(
        self,
        *,
        document_store: Any,
        text_embedder: EnsembleTextEmbedder,
        n_clusters: int | None = None,
        clustering: ClusterMethod = "auto",
        pca_variance: float | None = None,
        pool: PoolMode = "both",
        n_nearest_clusters: int = 3,
        num_negatives: int = 4,
        sampling: Sampling = "top",
        range_min: int = 0,
        range_max: int = 50,
        relative_margin: float | None = 0.95,
        absolute_cap: float | None = None,
        seed: int = 42,
        on_missing_positive: str = "skip",
        member: str | int | None = None,
    ) -> None:
        """
        :param document_store: The store holding the documents and their ensemble embeddings.
        :param text_embedder: The EnsembleTextEmbedder that embedded the documents (same members/weights).
        :param n_clusters: k; default sqrt(number of documents).
        :param clustering: ``auto`` (K-means; MiniBatchKMeans above 50k docs), ``kmeans``, ``minibatch``,
            ``gmm`` or ``agglomerative``.
        :param pca_variance: Keep this share of variance with PCA before clustering (``None``: no PCA).
        :param pool: Candidate clusters: ``query``, ``positives``, ``both`` or ``nearest`` (the
            ``n_nearest_clusters`` clusters nearest the query).
        :param num_negatives: Negatives per query.
        :param sampling: ``top`` or ``random`` inside the rank window.
        :param range_min: First rank of the window (skips the very hardest).
        :param range_max: End of the window.
        :param relative_margin: Guard: candidates above this share of the positive's score are possible positives.
        :param absolute_cap: Guard: candidates above this score are possible positives.
        :param seed: Seed of clustering and sampling.
        :param on_missing_positive: ``skip`` (counted in stats) or ``error`` for a positive absent from the store.
        :param member: Single-model mode: mine with one ensemble member only (its label or position), read
            from its slice of the stored vectors (nothing re-embedded). The ablation "best single member",
            and the configuration compared with sentence-transformers' ``mine_hard_negatives``.
        """
        _MinerBase.__init__(
            self,
            document_store=document_store,
            num_negatives=num_negatives,
            sampling=sampling,
            range_min=range_min,
            range_max=range_max,
            seed=seed,
            on_missing_positive=on_missing_positive,
        )
        self.text_embedder = text_embedder
        self.n_clusters = n_clusters
        self.clustering = clustering
        self.pca_variance = pca_variance
        self.pool = pool
        self.n_nearest_clusters = n_nearest_clusters
        self.relative_margin = relative_margin
        self.absolute_cap = absolute_cap
        self.member = member

    def warm_up(self) -> None:
        self.text_embedder.warm_up()

    @component.output_types(**OUTPUTS)
    def run(self, queries: list[LabelledQuery]) -> dict[str, Any]:
        """
        :param queries: Training queries with their positive ids (LabelledQuery or dicts with id, text,
            positive_ids).
        :returns: ``result``, ``triplets``, ``possible_positives`` and ``stats``.
        """
        qs = as_queries(queries)
        corpus = self.corpus()
        self.warm_up()
        result = mine_with_ensemble(
            corpus,
            self.text_embedder.ensemble,
            qs,
            selection=self._selection(relative_margin=self.relative_margin, absolute_cap=self.absolute_cap),
            n_clusters=self.n_clusters,
            clustering=self.clustering,
            pca_variance=self.pca_variance,
            pool=self.pool,
            n_nearest_clusters=self.n_nearest_clusters,
            on_missing_positive=self.on_missing_positive,
            member=self.member,
        )
        return self._outputs(result)

    def to_dict(self) -> dict[str, Any]:
        return default_to_dict(
            self,
            **self._params(),
            member=self.member,
            text_embedder=component_to_dict(self.text_embedder, "text_embedder")
            | {"type": "hardneg_haystack.components.embedders.EnsembleTextEmbedder"},
            n_clusters=self.n_clusters,
            clustering=self.clustering,
            pca_variance=self.pca_variance,
            pool=self.pool,
            n_nearest_clusters=self.n_nearest_clusters,
            relative_margin=self.relative_margin,
            absolute_cap=self.absolute_cap,
        )


@component
class BM25NegativeMiner(_MinerBase):
    """
    BM25 negatives from the same store: the best BM25 matches (document text only) that are not positives.

    ``analyzer="english"`` (default) stems with Snowball: on the embedded store it scores with rank-bm25
    over stemmed tokens (Haystack's in-memory BM25 cannot stem); on OpenSearch the index's ``english``
    analyzer does it. ``"plain"`` lowercases only; ``"store"`` uses the store's own BM25.

    ### Usage example

    ```python
    miner = BM25NegativeMiner(document_store=store, num_negatives=4)
    triplets = miner.run(queries=queries)["triplets"]
    ```
    """

    miner_name = "bm25"

    def __init__(self, *, document_store: Any, analyzer: Analyzer = "english", **kwargs: Any) -> None:
        """
        :param document_store: The store to mine.
        :param analyzer: ``english`` (stemmed), ``plain`` or ``store``.
        :param kwargs: num_negatives, sampling, range_min, range_max, seed, on_missing_positive.
        """
        _MinerBase.__init__(self, document_store=document_store, **kwargs)
        self.analyzer = analyzer

    @component.output_types(**OUTPUTS)
    def run(self, queries: list[LabelledQuery]) -> dict[str, Any]:
        """:param queries: Training queries with positives. :returns: see ClusterHardNegativeMiner."""
        corpus = self.corpus(need_embeddings=False)
        mined = mine_bm25(
            corpus,
            self.document_store,
            as_queries(queries),
            selection=self._selection(relative_margin=None),
            analyzer=self.analyzer,
            on_missing_positive=self.on_missing_positive,
        )
        return self._finish(mined, corpus, {"analyzer": self.analyzer})

    def to_dict(self) -> dict[str, Any]:
        return default_to_dict(self, **self._params(), analyzer=self.analyzer)


@component
class RandomNegativeMiner(_MinerBase):
    """
    Random negatives from the same store: uniform over documents that are not positives, seeded per query.

    ### Usage example

    ```python
    miner = RandomNegativeMiner(document_store=store, num_negatives=4, seed=7)
    triplets = miner.run(queries=queries)["triplets"]
    ```
    """

    miner_name = "random"

    def __init__(self, *, document_store: Any, sampler: RandomSampler = "scan", **kwargs: Any) -> None:
        """
        :param document_store: The store to draw from.
        :param sampler: ``scan`` samples the scanned store with numpy (the same negatives on every store for
            a seed); ``random_score`` has OpenSearch draw them with a seeded ``random_score`` query
            (OpenSearch only; reproducible on the same index).
        :param kwargs: num_negatives, seed, on_missing_positive (sampling and the window do not apply).
        """
        check_sampler(sampler, document_store)
        _MinerBase.__init__(self, document_store=document_store, **kwargs)
        self.sampler = sampler

    @component.output_types(**OUTPUTS)
    def run(self, queries: list[LabelledQuery]) -> dict[str, Any]:
        """:param queries: Training queries with positives. :returns: see ClusterHardNegativeMiner."""
        corpus = self.corpus(need_embeddings=False)
        mined = mine_random(
            corpus,
            as_queries(queries),
            selection=self._selection(relative_margin=None),
            on_missing_positive=self.on_missing_positive,
            store=self.document_store if self.sampler == "random_score" else None,
        )
        return self._finish(mined, corpus, {"sampler": self.sampler})

    def to_dict(self) -> dict[str, Any]:
        return default_to_dict(self, **self._params(), sampler=self.sampler)
