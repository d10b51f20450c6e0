"""The experiment's one config: what to index, which miners, how to train, how to evaluate.

A YAML file holds any subset of these fields (``train:`` holds :class:`~hardneg_haystack.training.TrainConfig`
fields); ``--quick`` fills in :data:`QUICK` wherever the file says nothing (the file's own fields win).
Everything is checked, on the merged config, before any work starts.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from hardneg_haystack.errors import ConfigError
from hardneg_haystack.training.cross_encoder import TrainConfig
from hardneg_haystack.training.dense_tune import DenseTuneConfig
from hardneg_haystack.training.warmstart import WarmStartConfig

MINERS = ("random", "bm25", "ensemble", "single", "mix")
METRICS = (
    "mrr@1",
    "mrr@3",
    "mrr@10",
    "precision@1",
    "precision@3",
    "precision@5",
    "precision@10",
    "ndcg@10",
    "recall@10",
    "recall@100",
)


#: The fine-tune from the warm start (docs/RESULTS.md sections 13l-13q): ListNet on label-informed lists (each
#: positive labelled 1, the miner's negatives scored by BM25 + the served dense member:
#: :mod:`hardneg_haystack.training.teacher`), the warm start's own loss, at a low learning rate, for up to three
#: epochs over the training queries, judged twice an epoch and stopped after THREE judgements without a gain over
#: the best so far, the start included. Three, not two (RESULTS 13q, SciFact validation curves): the ensemble
#: negatives' fine-tune first dips below its start (0.738 -> 0.735 -> 0.728) and then climbs to 0.765 at step
#: 230, the run significantly above its warm start on test; patience 2 stopped it at step 92 and kept the start.
#: The random negatives' fine-tune, which never beats its start, stops at step 141 of 279. The best validation
#: checkpoint (step 0 included) is kept. A fifth of the training queries validate (SciFact: 161).
FINE_TUNE: dict[str, Any] = {
    "loss": "listnet",
    "max_length": 128,
    "learning_rate": 7e-5,
    "epochs": 3.0,
    "eval_steps": None,
    "evals_per_epoch": 2.0,
    "early_stopping_patience": 3,
    "validation_share": 0.2,
}

#: The dense tune of the experiment: two epochs at 128 tokens per negative source (docs/RESULTS.md 13n: a
#: SciFact run with three sources, three epochs and 256 tokens does not fit 90 minutes on 2 CPU cores), at a
#: learning rate six times sentence-transformers' 2e-5, chosen on the 161 SciFact validation queries for this
#: short budget (RESULTS 13r, ensemble negatives, dense nDCG@10 after epochs 1 / 2: 2e-5 0.698 / 0.716,
#: 6e-5 0.726 / 0.749, 1.2e-4 0.750 / 0.786, 2.5e-4 0.742 / 0.751).
DENSE_TUNE: dict[str, Any] = {"epochs": 2, "max_length": 128, "learning_rate": 1.2e-4}

#: The warm start of the experiment: 1,200 pseudo-queries (plus the training queries' texts) instead of the
#: library's 2,000, to fit the 90-minute budget on 2 CPU cores (docs/RESULTS.md 13s: SciFact validation
#: 0.7357 with 2,000 in runs/sf33, and the figure of this run in the section).
WARM_START: dict[str, Any] = {"queries": 1200}

#: The negative sources compared by default: the paper's three (``single`` and our ``mix`` are one name away).
DEFAULT_MINERS = ("random", "bm25", "ensemble")

#: the OpenSearch index settings an experiment may set (fields of :class:`~hardneg_haystack.index.stores.StoreConfig`)
STORE_SETTINGS = frozenset({"shards", "replicas", "hnsw_m", "ef_construction", "ef_search", "bulk_refresh_off"})


@dataclass
class ExperimentConfig:
    """One experiment: index with the ensemble -> mine with each miner -> train one re-ranker per miner with
    identical hyperparameters -> evaluate every system on held-out queries.

    :param members: Ensemble members (aliases, folders or hub ids); None: the packaged default ensemble.
    :param fit_weights: Fit member weights on the training queries before mining (no re-embedding).
    :param max_words: Split documents longer than this many words into chunks (0: never).
    :param miners: Negative sources, each training its own re-ranker: ``random``, ``bm25``, ``ensemble``
        (clusters + ensemble similarity), ``single`` (the same miner on the best member's slice alone) and
        ``mix`` (per query, negatives from several of those sources, as set by ``mix``).
    :param mix: Negatives per source for the ``mix`` miner (default 2 ensemble + 2 random: hard negatives
        alone hurt small-data cross-encoders in the design probe, random ones keep the easy cases covered).
    :param num_negatives: Negatives per training query.
    :param max_train_queries: Use at most this many training queries: a seeded random sample (not the first
        ones: a qrels file sorted by source would give a one-source training set), the same for every miner.
    :param max_test_queries: Evaluate on at most this many test queries, sampled the same way (None: all).
    :param train: Hyperparameters shared by every re-ranker (their ``base_model`` is the warm start's output
        when there is one).
    :param warm_start: The label-free warm start on the corpus every re-ranker starts from
        (:class:`~hardneg_haystack.training.warmstart.WarmStartConfig`; ``null``: start from ``train.base_model``).
    :param dense: Tune the ensemble's best member as a bi-encoder on the ``dense.miner``'s negatives
        (:class:`~hardneg_haystack.training.dense_tune.DenseTuneConfig`; the best epoch on the validation
        queries is kept, the index's vectors are rewritten with it after the evaluation, and the ``dense
        (tuned)`` rows and every fused system use it; ``null``: the ensemble stays as indexed).
    :param candidates: BM25 depths each re-ranker re-orders (ranks below keep their BM25 order); the
        shallowest validates training, the deepest feeds the fused system.
    :param fuse_over: The fused systems' candidates: ``union`` (BM25's and the served dense member's top
        ``candidates[-1]`` each, as ``bm25 + dense`` retrieves them; SciFact validation 0.822 vs 0.796 over BM25's
        top 50, docs/RESULTS.md 13s) or ``bm25`` (BM25's top ``candidates[-1]``, the earlier releases').
    :param depth: Ranking depth of every run (Recall@100 needs 100).
    :param long_threshold: A query counts as "long" when one of its positives has more words than this.
    :param train_split: qrels split whose queries are mined and trained on.
    :param test_split: qrels split whose queries are evaluated (must not share queries with ``train_split``).
    :param bootstrap: Resamples of the confidence intervals (95 %).
    :param permutations: Permutations of each paired randomization test.
    :param alpha: Significance level after the Holm correction.
    :param seed: Seed of mining, training and the statistics.
    :param bm25_text: Every cross-encoder (warm start and fine-tunes) reads each candidate's BM25 score as
        text (:mod:`hardneg_haystack.scoring.bm25_text`); sets ``train.bm25_text`` and ``warm_start.bm25_text``.
    :param embed_precision: How the ensemble embeds the corpus and the queries: ``auto`` (bf16 autocast where the
        hardware has it: SciFact's index in about half the time, docs/RESULTS.md 13s), ``bf16`` or ``fp32``.
    :param store: Where the run's index lives: ``memory`` (embedded, in the run folder) or an OpenSearch URL
        (``http(s)://host:9200``; credentials from ``OPENSEARCH_USERNAME``/``OPENSEARCH_PASSWORD``).
    :param index: Index name (OpenSearch).
    :param store_settings: OpenSearch settings of the run's new index: any of ``shards``, ``replicas``,
        ``hnsw_m``, ``ef_construction``, ``ef_search``, ``bulk_refresh_off``
        (:class:`~hardneg_haystack.index.stores.StoreConfig`).
    """

    members: list[Any] | None = None
    fit_weights: bool = True
    max_words: int = 300
    miners: list[str] = field(default_factory=lambda: list(DEFAULT_MINERS))
    num_negatives: int = 4
    mix: dict[str, int] = field(default_factory=lambda: {"ensemble": 2, "random": 2})
    max_train_queries: int | None = None
    max_test_queries: int | None = None
    train: TrainConfig = field(default_factory=lambda: TrainConfig(**FINE_TUNE))
    warm_start: WarmStartConfig | None = field(default_factory=lambda: WarmStartConfig(**WARM_START))
    dense: DenseTuneConfig | None = field(default_factory=lambda: DenseTuneConfig(**DENSE_TUNE))
    candidates: list[int] = field(default_factory=lambda: [20, 30])
    fuse_over: str = "union"
    depth: int = 100
    long_threshold: int = 300
    train_split: str = "train"
    test_split: str = "test"
    bootstrap: int = 1000
    permutations: int = 2000
    alpha: float = 0.05
    seed: int = 42
    bm25_text: bool = True
    embed_precision: str = "auto"
    store: str = "memory"
    index: str = "hardneg"
    store_settings: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        unknown = sorted(set(self.store_settings) - STORE_SETTINGS)
        if unknown:
            raise ConfigError(
                f"store_settings: unknown {', '.join(unknown)}; known: {', '.join(sorted(STORE_SETTINGS))}"
            )
        if isinstance(self.train, dict):  # a config file's `train:` overrides the experiment's fine-tune defaults
            self.train = TrainConfig(**{**FINE_TUNE, **_known(TrainConfig, self.train, "train")})
        if isinstance(self.warm_start, dict):
            ws = dict(self.warm_start)
            if isinstance(ws.get("train"), dict):
                ws["train"] = _known(TrainConfig, ws["train"], "warm_start.train")
            self.warm_start = WarmStartConfig(**{**WARM_START, **_known(WarmStartConfig, ws, "warm_start")})
        if isinstance(self.dense, dict):
            self.dense = DenseTuneConfig(**{**DENSE_TUNE, **_known(DenseTuneConfig, self.dense, "dense")})
        self.train = replace(self.train, bm25_text=self.bm25_text)
        if self.warm_start is not None:
            self.warm_start = replace(self.warm_start, bm25_text=self.bm25_text)
        if isinstance(self.candidates, int):
            self.candidates = [self.candidates]
        self.candidates = sorted({int(c) for c in self.candidates})
        unknown = [m for m in self.miners if m not in MINERS]
        if unknown:
            raise ConfigError(f"unknown miner(s) {', '.join(map(repr, unknown))}: choose from {', '.join(MINERS)}")
        if not self.miners:
            raise ConfigError("miners: name at least one negative source")
        bad_mix = [m for m in self.mix if m not in MINERS or m == "mix"]
        if "mix" in self.miners and (bad_mix or not self.mix or any(n < 1 for n in self.mix.values())):
            raise ConfigError(f"mix: give positive counts per source miner ({', '.join(MINERS[:4])}), got {self.mix}")
        if self.dense is not None:
            bad_dense = [m for m in self.dense.miners or [] if m not in MINERS]
            if bad_dense:
                raise ConfigError(f"dense.miners: unknown miner(s) {bad_dense}: choose from {', '.join(MINERS)}")
        if self.train_split == self.test_split:
            raise ConfigError(f"train_split and test_split are both {self.train_split!r}: evaluate on held-out queries")
        for name in ("num_negatives", "depth", "bootstrap", "permutations"):
            if getattr(self, name) < 1:
                raise ConfigError(f"{name} must be >= 1, got {getattr(self, name)}")
        if not self.candidates or self.candidates[0] < 1:
            raise ConfigError(f"candidates must be depths >= 1, got {self.candidates}")
        if self.candidates[-1] > self.depth:
            raise ConfigError(f"candidates ({self.candidates[-1]}) cannot exceed depth ({self.depth})")
        if self.max_train_queries is not None and self.max_train_queries < 2:
            raise ConfigError("max_train_queries must be >= 2 (one query is held out for validation)")
        if self.max_test_queries is not None and self.max_test_queries < 1:
            raise ConfigError("max_test_queries must be >= 1")
        if self.fuse_over not in ("union", "bm25"):
            raise ConfigError(f"fuse_over must be union or bm25, got {self.fuse_over!r}")
        if self.embed_precision not in ("auto", "bf16", "fp32"):
            raise ConfigError(f"embed_precision must be auto, bf16 or fp32, got {self.embed_precision!r}")
        if not 0 < self.alpha < 1:
            raise ConfigError(f"alpha must be in (0, 1), got {self.alpha}")

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, where: str = "config") -> ExperimentConfig:
        return cls(**_known(cls, data, where))

    @classmethod
    def load(cls, path: str | Path | None = None, *, quick: bool = False) -> ExperimentConfig:
        """The defaults, overridden by the quick profile, then by a YAML file: the file's fields always win."""
        import yaml

        data: dict[str, Any] = {}
        if path is not None:
            path = Path(path)
            if not path.is_file():
                raise ConfigError(f"{path}: no such config file")
            try:
                data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            except yaml.YAMLError as exc:
                from hardneg_haystack.errors import yaml_problem

                raise ConfigError(f"{path}: {yaml_problem(exc)}") from exc
            if not isinstance(data, dict):
                raise ConfigError(f"{path}: expected a mapping of config fields")
        if quick:
            data = with_quick(data)
        try:
            return cls.from_dict(data, where=str(path or "config"))  # validated as merged
        except ConfigError as exc:
            if path is None or str(exc).startswith(str(path)):
                raise
            raise ConfigError(f"{path}: {exc}") from exc  # a bad value says which file it is in

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def with_train(self, **changes: Any) -> ExperimentConfig:
        return replace(self, train=replace(self.train, **changes))


#: ``--quick``: minutes on 2 CPU cores (the demo on the packaged sample corpus; the budget is 10 minutes with the
#: install on a 2-core AMD EPYC). Each cut measured first (docs/RESULTS.md 13m): every dense source's best
#: validation epoch was the first of two; the fine-tunes moved by at most 0.007 on 19 validation queries.
QUICK: dict[str, Any] = {
    "miners": ["random", "bm25", "ensemble"],
    "candidates": [10, 20],
    "bootstrap": 500,
    "permutations": 1000,
    "train": {"batch_size": 8, "epochs": 1.0, "eval_steps": 3},
    "warm_start": {"queries": 300},
    "dense": {"epochs": 1, "max_length": 128},
}


def with_quick(data: dict[str, Any]) -> dict[str, Any]:
    """``data`` (a config file's fields) over the quick profile: every field the user wrote wins, also inside
    ``train`` and ``warm_start``; ``warm_start: null`` keeps the warm start off (pure)."""
    merged = {k: v for k, v in QUICK.items() if k not in ("train", "warm_start")}
    merged.update({k: v for k, v in data.items() if k not in ("train", "warm_start")})
    merged["train"] = {**QUICK["train"], **(data.get("train") or {})}
    if "warm_start" in data and data["warm_start"] is None:
        merged["warm_start"] = None
    else:
        merged["warm_start"] = {**QUICK["warm_start"], **(data.get("warm_start") or {})}
    return merged


def _known(cls: type, data: dict[str, Any], where: str) -> dict[str, Any]:
    names = {f.name for f in fields(cls)}
    unknown = sorted(set(data) - names)
    if unknown:
        raise ConfigError(f"{where}: unknown field(s) {', '.join(unknown)} (known: {', '.join(sorted(names))})")
    return dict(data)
