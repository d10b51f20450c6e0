"""One miner selection: a miner's name and options in, a :class:`~hardneg_haystack.mining.result.MiningResult` out.

``hardneg mine``, the experiment runner and the Haystack miner components all mine through these functions,
so the same name, store, ensemble, queries and seed give the same negatives whichever door they came in by.
Nothing here is a Haystack component: the store and the :class:`~hardneg_haystack.embedding.ensemble.Ensemble` are
passed as they are (see :func:`hardneg_haystack.index.workdir.open_work_dir`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

import numpy as np

from hardneg_haystack.errors import ConfigError, HardnegError
from hardneg_haystack.ingest.queries import LabelledQuery
from hardneg_haystack.mining.corpus import Corpus
from hardneg_haystack.mining.result import MinedQuery, MiningResult
from hardneg_haystack.mining.selection import SelectionConfig

#: The miners :func:`mine_negatives` knows, as ``hardneg mine --miner`` spells them.
MINERS = ("ensemble", "bm25", "random", "st")
RANDOM_SAMPLERS = ("scan", "random_score")


def member_ref(member: str | int | None) -> str | int | None:
    """A ``--member`` value: a position (``"0"`` -> 0) or a member's label."""
    return int(member) if isinstance(member, str) and member.isdigit() else member


def member_index(ensemble: Any, member: str | int | None) -> int:
    """The position of ``member`` (a position or a label) in ``ensemble``.

    :raises ConfigError: no such member (the message lists the members)."""
    members = ensemble.members
    labels = [m.label for m in members]
    if isinstance(member, int) and 0 <= member < len(members):
        return member
    if member in labels:
        return labels.index(member)
    raise ConfigError(f"member {member!r} is not in the ensemble (members: {', '.join(labels)})")


def ensemble_vectors(
    corpus: Corpus, ensemble: Any, texts: list[str], member: str | int | None = None
) -> tuple[Corpus, np.ndarray]:
    """Corpus and query vectors of the ensemble, or of one member (single-model mode: its slice of the stored
    vectors, nothing re-embedded)."""
    from hardneg_haystack.embedding.fusion import split_members

    if member is None:
        return corpus, ensemble.encode(texts, role="query")
    i = member_index(ensemble, member)
    if ensemble.fusion == "mean":
        raise ConfigError("single-model mode needs fusion 'weighted' or 'concat' (mean cannot be split)")
    assert corpus.embeddings is not None
    docs = split_members(corpus.embeddings, ensemble.dimensions, ensemble.weights, ensemble.fusion)[i]
    if not np.any(docs):
        raise ConfigError(f"member {member!r} is stored with weight 0: its vectors are gone")
    single = dataclasses.replace(corpus, embeddings=docs)
    return single, ensemble.encode_members(texts, role="query")[i]


def result_of(
    name: str, mined: list[MinedQuery], corpus: Corpus, num_negatives: int, extra: dict[str, Any] | None = None
) -> MiningResult:
    """The mined queries as a :class:`MiningResult`, with the text of every id they name."""
    ids = {d for q in mined for d, _ in (*q.negatives, *q.possible_positives)} | {
        p for q in mined for p in q.positive_ids
    }
    contents = {}
    for d in ids:
        if d in corpus.index:
            contents[d] = corpus.contents[corpus.index[d]]
        elif d in corpus.by_parent:  # a chunked positive: its text is its chunks joined
            contents[d] = " ".join(corpus.contents[i] for i in corpus.by_parent[d])
    return MiningResult(name, mined, contents, num_negatives, extra or {})


def mine_with_ensemble(
    corpus: Corpus,
    ensemble: Any,
    queries: Sequence[LabelledQuery],
    *,
    selection: SelectionConfig,
    n_clusters: int | None = None,
    clustering: str = "auto",
    pca_variance: float | None = None,
    pool: str = "both",
    n_nearest_clusters: int = 3,
    on_missing_positive: str = "skip",
    member: str | int | None = None,
) -> MiningResult:
    """The ensemble (clustering) miner over a scanned corpus with its embeddings."""
    from hardneg_haystack.mining.cluster_miner import mine_clusters

    qs = list(queries)
    ensemble.warm_up()
    corpus, q_emb = ensemble_vectors(corpus, ensemble, [q.text for q in qs], member)
    mined, extra = mine_clusters(
        corpus,
        qs,
        q_emb,
        selection=selection,
        n_clusters=n_clusters,
        method=clustering,  # type: ignore[arg-type]
        pca_variance=pca_variance,
        pool=pool,  # type: ignore[arg-type]
        n_nearest_clusters=n_nearest_clusters,
        on_missing_positive=on_missing_positive,
    )
    if member is not None:
        extra["single_model"] = ensemble.members[member_index(ensemble, member)].label
    return result_of("ensemble", mined, corpus, selection.num_negatives, extra)


def check_sampler(sampler: str, store: Any) -> None:
    """:raises ConfigError: an unknown random sampler, or ``random_score`` on the embedded store."""
    from haystack.document_stores.in_memory import InMemoryDocumentStore

    if sampler not in RANDOM_SAMPLERS:
        raise ConfigError(f"sampler must be 'scan' or 'random_score', got {sampler!r}")
    if sampler == "random_score" and isinstance(store, InMemoryDocumentStore):
        raise ConfigError("sampler 'random_score' needs an OpenSearch store; the embedded store uses 'scan'")


def mine_with_peer(
    store: Any, ensemble: Any, queries: Sequence[LabelledQuery], member: str | int | None, **options: Any
) -> MiningResult:
    """sentence-transformers' miner with one ensemble member's model (default: the first member)."""
    from hardneg_haystack.mining.corpus import load_corpus
    from hardneg_haystack.mining.peer import mine_with_sentence_transformers

    ensemble.warm_up()
    labels = [m.label for m in ensemble.members]
    ref = member_ref(member)
    i = ref if isinstance(ref, int) else (labels.index(ref) if ref in labels else None)
    if i is None or not 0 <= i < len(labels):
        raise HardnegError(f"member {member!r} is not in the ensemble (members: {', '.join(labels)})")
    chosen = ensemble.members[i]
    rm = options.pop("relative_margin")
    return mine_with_sentence_transformers(
        load_corpus(store, need_embeddings=False),
        list(queries),
        chosen.sentence_transformer,
        relative_margin=None if rm is None else round(1 - rm, 6),
        query_prompt=chosen.query_prefix or None,
        corpus_prompt=chosen.document_prefix or None,
        **options,
    )


def mine_negatives(
    miner: str,
    *,
    store: Any,
    ensemble: Any,
    queries: Sequence[LabelledQuery],
    num_negatives: int = 4,
    sampling: str = "top",
    range_min: int = 0,
    range_max: int = 50,
    seed: int = 42,
    member: str | int | None = None,
    n_clusters: int | None = None,
    clustering: str = "auto",
    pool: str = "both",
    relative_margin: float | None = 0.95,
    sampler: str = "scan",
) -> MiningResult:
    """Mine ``queries`` with the miner named ``miner`` (one of :data:`MINERS`) from an indexed store.

    The defaults are the miner components' defaults. ``member`` (a label, or a position as text) is the
    single-model mode of the ensemble miner, and the model of ``st``; ``relative_margin`` guards the ensemble
    miner (``st`` gets it as its own margin); ``sampler`` applies to ``random`` only.

    :raises HardnegError: an unknown miner name.
    """
    from hardneg_haystack.mining.baselines import mine_bm25, mine_random
    from hardneg_haystack.mining.corpus import load_corpus

    if miner not in MINERS:
        raise HardnegError(f"unknown miner {miner!r}: ensemble, bm25, random or st")
    if miner == "st":
        return mine_with_peer(
            store,
            ensemble,
            queries,
            member,
            num_negatives=num_negatives,
            sampling=sampling,
            range_min=range_min,
            range_max=range_max,
            relative_margin=relative_margin,
            seed=seed,
        )
    if miner == "random":
        check_sampler(sampler, store)
    window = {"num_negatives": num_negatives, "sampling": sampling, "range_min": range_min, "range_max": range_max}
    if miner == "ensemble":
        selection = SelectionConfig(**window, seed=seed, relative_margin=relative_margin, absolute_cap=None)  # type: ignore[arg-type]
        return mine_with_ensemble(
            load_corpus(store),
            ensemble,
            queries,
            selection=selection,
            n_clusters=n_clusters,
            clustering=clustering,
            pool=pool,
            member=member_ref(member),
        )
    selection = SelectionConfig(**window, seed=seed, relative_margin=None)  # type: ignore[arg-type]
    corpus = load_corpus(store, need_embeddings=False)
    if miner == "bm25":
        mined = mine_bm25(corpus, store, list(queries), selection=selection, analyzer="english")
        return result_of("bm25", mined, corpus, num_negatives, {"analyzer": "english"})
    mined = mine_random(corpus, list(queries), selection=selection, store=store if sampler == "random_score" else None)
    return result_of("random", mined, corpus, num_negatives, {"sampler": sampler})
