"""sentence-transformers' ``util.mine_hard_negatives`` on our corpus and queries, written in our format.

The peer of :class:`~hardneg_haystack.components.miners.ClusterHardNegativeMiner` in single-model mode: the
same store, the same labelled queries, the same model and rank window, so the two can be compared side by
side (negatives, possible positives, time). sentence-transformers returns texts; they are mapped back to
store ids (the first id in sorted order when several documents share a text).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any, Literal

from hardneg_haystack.errors import DataError
from hardneg_haystack.ingest.queries import LabelledQuery
from hardneg_haystack.mining.cluster_miner import resolve_positives
from hardneg_haystack.mining.corpus import Corpus
from hardneg_haystack.mining.result import MinedQuery, MiningResult


def mine_with_sentence_transformers(
    corpus: Corpus,
    queries: Sequence[LabelledQuery],
    model: Any,
    *,
    num_negatives: int = 4,
    range_min: int = 0,
    range_max: int = 50,
    sampling: Literal["top", "random"] = "top",
    relative_margin: float | None = 0.05,
    query_prompt: str | None = None,
    corpus_prompt: str | None = None,
    batch_size: int = 32,
    seed: int = 42,
    verbose: bool = False,
) -> MiningResult:
    """Run ``sentence_transformers.util.mine_hard_negatives`` and return a :class:`MiningResult`.

    :param corpus: The scanned store (:func:`~hardneg_haystack.mining.corpus.load_corpus`, embeddings not
        needed: the peer embeds the corpus itself).
    :param queries: Labelled queries; one (query, positive) pair per positive is passed to the peer. A chunked
        positive is passed as its chunks joined, and its chunks are never returned as negatives.
    :param model: A loaded ``SentenceTransformer``.
    :param relative_margin: The peer's own guard: a negative must score at most ``(1 - relative_margin)`` x the
        positive's score (0.05 matches our ``relative_margin=0.95``); ``None`` turns it off.
    :param query_prompt: Prefix for queries (the ensemble member's ``query_prefix``).
    :param corpus_prompt: Prefix for documents (the member's ``document_prefix``).
    :returns: The result under miner name ``sentence-transformers``, with ``extra_stats["seconds"]``.

    Example::

        from hardneg_haystack.components.indexing import open_index
        from hardneg_haystack.ingest import load_beir_queries
        from hardneg_haystack.mining import load_corpus
        from hardneg_haystack.mining.peer import mine_with_sentence_transformers
        from hardneg_haystack.embedding.models import load_sentence_transformer

        store, _, _ = open_index("runs/demo")
        result = mine_with_sentence_transformers(
            load_corpus(store, need_embeddings=False),
            load_beir_queries("data/kb", "train"),
            load_sentence_transformer("minilm"),
        )
        print(result.stats()["negatives_per_query_mean"])
    """
    import torch
    from datasets import Dataset
    from sentence_transformers.util import mine_hard_negatives

    kept: list[tuple[MinedQuery, list[int]]] = []
    anchors, positives = [], []
    mined: list[MinedQuery] = []
    for query in queries:
        mq = MinedQuery(query.id, query.text, list(query.positive_ids))
        mined.append(mq)
        resolved = resolve_positives(corpus, query, "skip")
        if resolved is None:
            mq.skipped = "positive_missing_from_store"
            continue
        mq.positive_ids, excluded = resolved
        kept.append((mq, excluded))
        for pid in mq.positive_ids:
            anchors.append(query.text)
            positives.append(_text(corpus, pid))
    if not anchors:
        raise DataError("no query has a positive in the store: nothing to mine")
    # our corpus minus nothing: the peer removes each row's own positive text itself
    texts = list(corpus.contents)
    first_id: dict[str, str] = {}
    for doc_id, text in zip(corpus.ids, texts, strict=True):
        first_id.setdefault(text, doc_id)

    torch.manual_seed(seed)
    start = time.perf_counter()
    dataset = mine_hard_negatives(
        Dataset.from_dict({"anchor": anchors, "positive": positives}),
        model,
        corpus=texts,
        range_min=range_min,
        range_max=range_max,
        relative_margin=relative_margin,
        num_negatives=num_negatives,
        sampling_strategy=sampling,
        output_format="n-tuple",
        output_scores=True,
        query_prompt=query_prompt,
        corpus_prompt=corpus_prompt,
        batch_size=batch_size,
        verbose=verbose,
    )
    seconds = time.perf_counter() - start

    rows: dict[str, list[tuple[list[str], list[float]]]] = {}
    neg_cols = [c for c in dataset.column_names if c.startswith("negative_")]
    for row in dataset:
        negs = [row[c] for c in neg_cols]
        rows.setdefault(row["anchor"], []).append((negs, row["scores"][1:]))
    for mq, excluded in kept:
        excluded_ids = {corpus.ids[i] for i in excluded}
        seen: set[str] = set()
        for negs, scores in rows.get(mq.query, []):
            for text, score in zip(negs, scores, strict=True):
                doc_id = first_id.get(text)
                if doc_id is None or doc_id in seen or doc_id in excluded_ids:
                    continue
                seen.add(doc_id)
                mq.negatives.append((doc_id, float(score)))
        mq.negatives = mq.negatives[:num_negatives]
        mq.n_candidates = range_max - range_min
    contents = {d: _text(corpus, d) for mq in mined for d in (*mq.positive_ids, *(n for n, _ in mq.negatives))}
    contents = {d: t for d, t in contents.items() if t}
    return MiningResult("sentence-transformers", mined, contents, num_negatives, {"seconds": round(seconds, 2)})


def _text(corpus: Corpus, doc_id: str) -> str:
    if doc_id in corpus.index:
        return corpus.contents[corpus.index[doc_id]]
    return " ".join(corpus.contents[i] for i in corpus.by_parent.get(doc_id, []))
