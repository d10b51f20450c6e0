"""Warm start: teach the cross-encoder relevance on the indexed corpus itself, before any label is used.

A cross-encoder started from bi-encoder weights has a fresh scoring head; the few labelled queries of a
company's search are not enough to train it (docs/RESULTS.md section 13). The corpus is plentiful, so:

1. cut pseudo-queries out of the corpus (titles, sentences, keywords:
   :mod:`~hardneg_haystack.training.pseudo_queries`), and add any real query texts the caller has (a query
   log; never their labels): these have no source passage, the teacher alone orders their candidates;
2. for each, gather candidates from the SAME index: BM25 top ``pool`` and ensemble top ``pool``;
3. score the candidates with the teacher, BM25 and the dense ensemble blended (min-max per query, dense share
   ``teacher_weight``); the passage the query was cut from is the top label;
4. distil: ListNet (sentence-transformers' ``ListNetLoss``) between the cross-encoder's scores and the
   teacher's, softened by ``temperature``, over the source passage, the teacher's ``hard`` best candidates
   and random ones from the pool.

The model is trained once per index and cached in its folder (``warmstart.json`` records the config and
the corpus it was trained on; a later call with the same inputs returns it at once); an interrupted run
resumes from its last checkpoint. Every miner's re-ranker then starts from this model with the same steps,
so only the negatives differ.

Example:
    >>> from hardneg_haystack.components.indexing import open_index
    >>> from hardneg_haystack.mining.corpus import load_corpus
    >>> from hardneg_haystack.training.warmstart import WarmStartConfig, warm_start
    >>> store, embedder, _ = open_index("runs/demo/index")  # doctest: +SKIP
    >>> res = warm_start(load_corpus(store), store, embedder.ensemble, "runs/demo/warmstart")  # doctest: +SKIP
    >>> res.model_dir, res.lists  # doctest: +SKIP
    (PosixPath('runs/demo/warmstart/model'), 800)
"""

from __future__ import annotations

import hashlib
import json
import logging
import random
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from hardneg_haystack.errors import ConfigError, DataError
from hardneg_haystack.mining.corpus import Corpus
from hardneg_haystack.ranking.score_fusion import blend, union_candidates
from hardneg_haystack.scoring.bm25_text import with_bm25_all
from hardneg_haystack.training.cross_encoder import CHECKPOINTS, MODEL_DIR, TrainConfig, write_training_curve
from hardneg_haystack.training.distributed import is_main_process
from hardneg_haystack.training.judgements import Judgements
from hardneg_haystack.training.model_info import write_training_info
from hardneg_haystack.training.pseudo_queries import KINDS, PseudoQuery, make_pseudo_queries

logger = logging.getLogger(__name__)

INFO = "warmstart.json"
LISTS = "lists.jsonl"
QUERY_KIND = "query"  # a real query text given by the caller, not cut from the corpus


def _default_train() -> TrainConfig:
    """One epoch, judged at its middle and its end (the better one is kept; each judgement of SciFact's 161
    validation queries costs 35 s on 2 CPU cores, and the curves rise to the end: docs/RESULTS.md 13r)."""
    return TrainConfig(learning_rate=7e-5, batch_size=4, max_length=128, early_stopping_patience=0, evals_per_epoch=2.0)


@dataclass
class WarmStartConfig:
    """How the warm start is made (stored in ``warmstart.json``; a change retrains).

    :param queries: Pseudo-queries (one per sampled corpus entry; fewer on a smaller corpus).
    :param kinds: Pseudo-query kinds: ``title``, ``sentence``, ``keywords``.
    :param pool: Candidates per pseudo-query: BM25 top ``pool`` and ensemble top ``pool`` of the index.
    :param list_size: Documents per training list: the source passage and ``list_size - 1`` candidates.
    :param hard: How many of those candidates are the teacher's best (the rest: random from the pool).
    :param teacher_weight: Dense share of the teacher (BM25 gets the rest); set it to the hybrid weight
        fitted on labelled queries when there are some.
    :param temperature: Softens the teacher's scores (in [0, 1] per query) into the ListNet target.
    :param bm25_text: Show the cross-encoder each passage's BM25 score as text
        (:mod:`hardneg_haystack.scoring.bm25_text`).
    :param query_texts: In ``hardneg experiment``: the training queries' texts (not their labels; never the
        held-out validation queries nor the test queries) join the pseudo-queries (SciFact, 100 validation
        queries: 0.738 nDCG@10 alone on BM25's top 20 with them vs 0.696 without, docs/RESULTS.md §13g).
    :param train: Optimiser settings (``batch_size`` counts lists; ``base_model`` is where it starts).
    """

    queries: int = 2000
    kinds: list[str] = field(default_factory=lambda: list(KINDS))
    pool: int = 30
    list_size: int = 8
    hard: int = 4
    teacher_weight: float = 0.5
    temperature: float = 0.1
    seed: int = 42
    bm25_text: bool = True
    query_texts: bool = True
    train: TrainConfig = field(default_factory=_default_train)

    def __post_init__(self) -> None:
        if isinstance(self.train, dict):
            self.train = TrainConfig(**{**asdict(_default_train()), **self.train})
        if self.queries < 1 or self.pool < 1:
            raise ConfigError("warm start: queries and pool must be >= 1")
        if not self.list_size >= 2 or not 0 <= self.hard < self.list_size:
            raise ConfigError("warm start: list_size must be >= 2 and hard in [0, list_size)")
        if not 0 <= self.teacher_weight <= 1 or self.temperature <= 0:
            raise ConfigError("warm start: teacher_weight in [0, 1] and temperature > 0")
        bad = [k for k in self.kinds if k not in KINDS]
        if bad or not self.kinds:
            raise ConfigError(f"warm start: kinds must be among {', '.join(KINDS)}, got {self.kinds}")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class WarmStartResult:
    model_dir: Path
    lists: int
    steps: int
    cached: bool
    metrics: dict[str, float] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    #: lists per kind of query (``title``, ``sentence``, ``keywords``, ``query``: a real query text)
    kinds: dict[str, int] = field(default_factory=dict)


def corpus_fingerprint(corpus: Corpus) -> str:
    h = hashlib.sha256()
    for i, c in zip(corpus.ids, corpus.contents, strict=True):
        h.update(i.encode())
        h.update(hashlib.sha256(c.encode()).digest())
    return h.hexdigest()[:16]


def teacher_lists(
    pseudo: Sequence[PseudoQuery],
    corpus: Corpus,
    bm25: Sequence[Sequence[tuple[int, float]]],
    dense: np.ndarray,
    config: WarmStartConfig,
    bm25_all: Sequence[np.ndarray] | None = None,
) -> list[dict[str, Any]]:
    """One training list per pseudo-query (pure: no models). ``bm25[i]`` is the BM25 top list of query i
    as ``(corpus index, score)``; ``dense[i]`` its dot products with every corpus entry; ``bm25_all[i]``, when
    given, its BM25 score of every corpus entry (else entries below ``bm25[i]`` count 0), used by
    ``config.bm25_text``.

    Each list: the source passage first (label 1, above every candidate), then candidates from the union
    of BM25 and dense tops, other chunks of the source's document left out; labels are the teacher's
    min-max blended scores divided by the temperature. A real query (``source`` < 0) has no source passage:
    its list is ``list_size`` candidates, ordered by the teacher alone."""
    rng = random.Random(config.seed)
    out = []
    for qi, pq in enumerate(pseudo):
        row = dense[qi]
        union, bm = union_candidates(bm25[qi], row, config.pool)
        real = pq.source < 0
        parent = None if real else corpus.parent_ids[pq.source]
        idx = [i for i in union if corpus.parent_ids[i] != parent]
        if not idx:
            continue
        teacher = blend([bm.get(i, 0.0) for i in idx], [float(row[i]) for i in idx], config.teacher_weight)
        ranked = [idx[j] for j in np.argsort(-teacher, kind="stable")]
        score = dict(zip(idx, teacher.tolist(), strict=True))
        chosen = ranked[: config.hard]
        rest = ranked[config.hard :]
        chosen += rng.sample(rest, min(len(rest), config.list_size - int(not real) - len(chosen)))
        labels = ([] if real else [1.0]) + [min(score[i], 1.0) for i in chosen]
        docs = ([] if real else [pq.passage]) + [corpus.contents[i] for i in chosen]
        if len(docs) < 2:
            continue
        if config.bm25_text:
            full = bm25_all[qi] if bm25_all is not None else None
            best = max(bm.values(), default=0.0)
            shown = chosen if real else [pq.source, *chosen]
            raw = [float(full[i]) if full is not None else bm.get(i, 0.0) for i in shown]
            docs = with_bm25_all(docs, raw, best)
        out.append(
            {
                "query": pq.text,
                "kind": pq.kind,
                "source": None if real else corpus.ids[pq.source],
                "docs": docs,
                "labels": [round(v / config.temperature, 4) for v in labels],
            }
        )
    return out


def build_lists(
    corpus: Corpus,
    store: Any,
    ensemble: Any,
    config: WarmStartConfig,
    *,
    chunk: int = 256,
    progress: Callable[[int], None] | None = None,
    query_texts: Sequence[str] = (),
) -> list[dict[str, Any]]:
    """Pseudo-queries (and ``query_texts``), their BM25 and dense candidates from the index, and the teacher's
    lists."""
    from hardneg_haystack.mining.baselines import Bm25Scorer

    if corpus.embeddings is None:
        raise DataError("the warm start needs the index's embeddings: load the corpus with embeddings")
    pseudo = make_pseudo_queries(corpus.contents, n=config.queries, seed=config.seed, kinds=config.kinds)
    pseudo += [PseudoQuery(t, -1, QUERY_KIND, "") for t in dict.fromkeys(query_texts) if t.strip()]
    if not pseudo:
        raise DataError("the corpus yields no pseudo-queries (no titles, sentences or keywords)")
    scorer = Bm25Scorer(corpus, store)
    lists: list[dict[str, Any]] = []
    for begin in range(0, len(pseudo), chunk):
        part = pseudo[begin : begin + chunk]
        qv = ensemble.encode([p.text for p in part], role="query")
        bm25, full = [], []
        for p in part:
            idx, scores = scorer.top(p.text, config.pool)
            bm25.append(sorted(zip(idx.tolist(), scores.tolist(), strict=True), key=lambda x: -x[1]))
            full.append(scorer.all_scores(p.text) if config.bm25_text else None)
        all_known = config.bm25_text and all(f is not None for f in full)
        lists += teacher_lists(part, corpus, bm25, qv @ corpus.embeddings.T, config, full if all_known else None)
        if progress is not None:
            progress(len(part))
    return lists


def warm_start(
    corpus: Corpus,
    store: Any,
    ensemble: Any,
    output_dir: str | Path,
    config: WarmStartConfig | None = None,
    *,
    validation: list[dict[str, Any]] | None = None,
    query_texts: Sequence[str] = (),
    progress: Callable[[int], None] | None = None,
    step_progress: Callable[[int], Callable[[int], None]] | None = None,
    device: str | None = None,
    judgements: Judgements | None = None,
) -> WarmStartResult:
    """Train (or reuse) the warm-start cross-encoder in ``output_dir/model``; see the module docstring.

    :param query_texts: Real query texts (no labels) whose teacher lists join the pseudo-queries'.

    :param validation: Re-ranking samples of labelled queries (``query``, ``positive``, ``documents``), only
        to report and pick the best checkpoint; training itself uses no label.
    :param progress: Advanced by the number of pseudo-queries whose teacher lists are built.
    :param step_progress: Given the total training steps, returns a callable advanced by 1 per step.
    :param judgements: Where validation results are remembered (the fine-tunes that start from this model find
        its last judgement there).
    """
    import time

    from sentence_transformers.cross_encoder.losses import ListNetLoss
    from transformers import set_seed

    from hardneg_haystack.embedding.models import load_cross_encoder
    from hardneg_haystack.ingest.jsonl import iter_jsonl
    from hardneg_haystack.training.cross_encoder import _last_checkpoint, build_trainer, fit, set_training_attention

    config = config or WarmStartConfig()
    out = Path(output_dir)
    out.mkdir(parents=True, exist_ok=True)
    key: dict[str, Any] = {"config": config.to_dict(), "corpus": corpus_fingerprint(corpus)}
    if query_texts:
        key["query_texts"] = hashlib.sha256("\n".join(query_texts).encode()).hexdigest()[:16]
    info_path = out / INFO
    if info_path.is_file() and (out / MODEL_DIR).is_dir():
        info = json.loads(info_path.read_text())
        if {k: info[k] for k in ("config", "corpus", "query_texts") if k in info} == key:
            metrics, kinds = info.get("metrics", {}), info.get("kinds", {})
            return WarmStartResult(out / MODEL_DIR, info["lists"], info["steps"], True, metrics, kinds=kinds)
        raise ConfigError(
            f"{out} holds a warm start made with other settings or another corpus: "
            "give another folder, or delete this one to retrain"
        )
    set_seed(config.seed)
    seconds: dict[str, float] = {}
    start = time.perf_counter()
    lists_path = out / LISTS
    if lists_path.is_file():
        lists = [row for _, row in iter_jsonl(lists_path)]
    else:
        lists = build_lists(corpus, store, ensemble, config, progress=progress, query_texts=query_texts)
        if is_main_process():  # every process builds the same lists (seeded); one keeps them
            tmp = lists_path.with_suffix(".tmp")
            tmp.write_text("".join(json.dumps(r) + "\n" for r in lists))
            tmp.replace(lists_path)
    seconds["lists"] = round(time.perf_counter() - start, 2)
    if not lists:
        raise DataError("the warm start found no candidates for its pseudo-queries")
    from datasets import Dataset

    dataset = Dataset.from_dict(
        {
            "query": [r["query"] for r in lists],
            "docs": [r["docs"] for r in lists],
            "labels": [r["labels"] for r in lists],
        }
    )
    model = load_cross_encoder(config.train.base_model, max_length=config.train.max_length, device=device)
    set_training_attention(model, config.train.attention_dropout)
    loss = ListNetLoss(model, mini_batch_size=32)
    train_cfg = config.train
    trainer = build_trainer(
        model, dataset, loss, train_cfg, out, samples=validation or None, device=device, step_progress=step_progress,
        judgements=judgements, judge_start=False,  # the start is a bi-encoder with a fresh scoring head
    )  # fmt: skip
    fitted = fit(trainer, model, checkpoint=_last_checkpoint(out / CHECKPOINTS))
    seconds["train"], history, metrics = fitted.seconds, fitted.history, fitted.metrics
    steps = fitted.steps
    kinds = {k: sum(r["kind"] == k for r in lists) for k in [*config.kinds, QUERY_KIND]}
    if is_main_process():  # under a launcher every process holds the same model; one writes the run
        model.save(str(out / MODEL_DIR))
        config_info = {**asdict(train_cfg), "bm25_text": config.bm25_text}  # what every scorer must know
        write_training_info(out / MODEL_DIR, {"base_model": train_cfg.base_model, "config": config_info})
        (out / "history.json").write_text(json.dumps(history, indent=2))
        write_training_curve(history, out / "training_curve.png")
        info_path.write_text(
            json.dumps(
                {**key, "lists": len(lists), "kinds": kinds, "steps": steps, "metrics": metrics, "seconds": seconds}
            )
        )
    return WarmStartResult(out / MODEL_DIR, len(lists), steps, False, metrics, seconds, kinds)
