"""``hardneg experiment``: the paper's comparison end to end, resumable step by step.

index -> fit ensemble weights -> warm start -> mine with each miner -> train one re-ranker per miner
(identical hyperparameters and seeds) -> tune the dense member on mined negatives -> evaluate every system
on held-out queries -> write the tuned member into the index -> report. Each finished step is
recorded in ``<out>/state.json`` with its time; running again skips finished steps (training also resumes
from its last checkpoint inside an unfinished step).

Example:
    >>> from hardneg_haystack.experiment import ExperimentConfig, run_experiment
    >>> from hardneg_haystack.ingest.sample import sample_corpus_path
    >>> results = run_experiment(sample_corpus_path(), "runs/exp", ExperimentConfig.load(quick=True))  # doctest: +SKIP
    >>> results["systems"]["bm25"]["metrics"]["ndcg@10"]  # doctest: +SKIP
"""

from __future__ import annotations

import json
import logging
import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hardneg_haystack.components.indexing import index_documents, open_index
from hardneg_haystack.components.pipelines import build_bm25_pipeline, build_fused_pipeline, build_hybrid_pipeline
from hardneg_haystack.embedding.ensemble import Ensemble
from hardneg_haystack.errors import ConfigError, DataError
from hardneg_haystack.evaluation.crossfit import cross_fitted_run, folds
from hardneg_haystack.evaluation.first_stage import FirstStage, fit_hybrid_weight
from hardneg_haystack.evaluation.rerank import fit_fused_weights, fused_run, model_scores, reorder_run
from hardneg_haystack.evaluation.runs import qrels_of
from hardneg_haystack.experiment.config import ExperimentConfig
from hardneg_haystack.experiment.report import build_results, write_report
from hardneg_haystack.index.stores import StoreConfig
from hardneg_haystack.index.workdir import apply_weights, open_work_dir, read_manifest, replace_member
from hardneg_haystack.ingest import load_beir_queries, load_documents, load_queries_jsonl
from hardneg_haystack.ingest.queries import LabelledQuery
from hardneg_haystack.mining.corpus import load_corpus
from hardneg_haystack.mining.factory import mine_negatives
from hardneg_haystack.mining.mix import mix_results
from hardneg_haystack.mining.result import MiningResult
from hardneg_haystack.mining.weights import fit_member_weights
from hardneg_haystack.ranking.metrics import evaluate_run
from hardneg_haystack.training import train_cross_encoder
from hardneg_haystack.training.judgements import Judgements
from hardneg_haystack.training.model_info import update_training_info
from hardneg_haystack.training.teacher import label_teacher
from hardneg_haystack.training.validation import rerank_samples
from hardneg_haystack.training.warmstart import QUERY_KIND, warm_start
from hardneg_haystack.workflows.tune_dense import NothingToTune, tune_dense

logger = logging.getLogger(__name__)

STATE = "state.json"
PIPELINE = "pipeline.yaml"  # the recommended system, ready to load
JUDGEMENTS = "judgements.json"  # validation results by weights (training.judgements)


@dataclass
class ExperimentData:
    """Documents and the two query sets, checked before any work starts."""

    source: Path
    train: list[LabelledQuery]
    test: list[LabelledQuery]
    documents: list[Any] = field(default_factory=list)

    @classmethod
    def load(
        cls,
        data: str | Path,
        config: ExperimentConfig,
        *,
        train_queries: str | Path | None = None,
        test_queries: str | Path | None = None,
    ) -> ExperimentData:

        source = Path(data)
        beir = source.is_dir() and (source / "qrels").is_dir()
        if not beir and (train_queries is None or test_queries is None):
            raise ConfigError(
                f"{source}: not a BEIR folder (no qrels/): give --train-queries and --test-queries JSONL files"
            )
        train = load_queries_jsonl(train_queries) if train_queries else load_beir_queries(source, config.train_split)
        test = load_queries_jsonl(test_queries) if test_queries else load_beir_queries(source, config.test_split)
        if not train or not test:
            raise DataError(f"{source}: {'training' if not train else 'test'} queries are empty")
        overlap = sorted({q.id for q in train} & {q.id for q in test})
        if overlap:
            raise DataError(
                f"{source}: {len(overlap)} test query ids also appear in the training queries "
                f"(e.g. {overlap[:5]}): the evaluation must be on held-out queries"
            )
        test_texts = {q.text.strip().lower() for q in test}
        leaked = [q for q in train if q.text.strip().lower() in test_texts]
        if leaked:  # same text under another id (BEIR SciFact has 2): never train on a test query
            logger.warning(
                "%d training queries have the same text as a test query (e.g. %s): left out of training",
                len(leaked),
                [q.id for q in leaked[:5]],
            )
            train = [q for q in train if q.text.strip().lower() not in test_texts]
        train = sample_queries(train, config.max_train_queries, config.seed)
        test = sample_queries(test, config.max_test_queries, config.seed)
        return cls(source, train, test)


#: fields a run folder's saved config may predate, with what such a run did: the embedded store, no dense tuning
LEGACY_FIELDS: dict[str, Any] = {
    "store": "memory", "index": "hardneg", "dense": None, "store_settings": {}, "embed_precision": "fp32",
    "fuse_over": "bm25",
}  # fmt: skip


#: fields of ``train`` a saved config may predate, with what such a run did
LEGACY_TRAIN_FIELDS: dict[str, Any] = {"evals_per_epoch": None}


def saved_config(state: dict[str, Any]) -> dict[str, Any] | None:
    """The config a run folder's ``state.json`` was run with, fields it predates filled in as it ran."""
    saved = state.get("config")
    if saved is None:
        return None
    filled = {**LEGACY_FIELDS, **saved}
    if isinstance(filled.get("train"), dict):
        filled["train"] = {**LEGACY_TRAIN_FIELDS, **filled["train"]}
    return filled


def store_fusion_weights(model_dir: str | Path, weights: dict[str, float], candidates: dict[str, Any]) -> None:
    """Record the fitted fusion weights in the model's ``hardneg.json`` (read by ``ScoreFuser(model=...)``), with
    the candidates they were fitted over (``{"over": "union" | "bm25", "top_k": k}``): the pipeline that serves
    them should hand the fuser the same ones (``build_fused_pipeline(union=..., candidates=k)``)."""

    update_training_info(model_dir, fusion_weights=weights, fusion_candidates=candidates)


def sample_queries(queries: list[LabelledQuery], n: int | None, seed: int) -> list[LabelledQuery]:
    """A seeded random sample of ``n`` queries, kept in their file order (all of them when n is None)."""
    if n is None or n >= len(queries):
        return queries
    import random

    keep = set(random.Random(seed).sample(range(len(queries)), n))
    return [q for i, q in enumerate(queries) if i in keep]


class Experiment:
    """Runs and resumes the steps of one experiment in ``out``."""

    def __init__(
        self,
        data: ExperimentData,
        out: str | Path,
        config: ExperimentConfig,
        *,
        on_step: Callable[[str], None] | None = None,
        progress: Callable[[str, int], Callable[[int], None]] | None = None,
    ) -> None:
        self.data, self.config = data, config
        self.out = Path(out)
        self.out.mkdir(parents=True, exist_ok=True)
        self.on_step = on_step or (lambda name: logger.info("step %s", name))
        self.progress = progress or (lambda description, total: lambda n: None)
        self.state: dict[str, Any] = self._read_state()
        self._open: tuple[Any, Any, Any] | None = None

    # ---- state ------------------------------------------------------------------------------------------
    def _read_state(self) -> dict[str, Any]:
        path = self.out / STATE
        state = json.loads(path.read_text()) if path.is_file() else {"steps": {}}
        saved = saved_config(state)
        current = self.config.to_dict()
        if saved is not None and saved != current:
            changed = sorted(k for k in {*saved, *current} if saved.get(k) != current.get(k))
            raise ConfigError(
                f"{self.out} holds a run with a different config (fields: {', '.join(changed)}): "
                "use a new --out folder, or delete the folder to start over"
            )
        state["config"] = self.config.to_dict()
        return state

    def _save_state(self) -> None:
        (self.out / STATE).write_text(json.dumps(self.state, indent=2))

    def done(self, step: str) -> bool:
        return step in self.state["steps"]

    def _step(self, name: str, fn: Callable[[], dict[str, Any] | None]) -> dict[str, Any]:
        if self.done(name):
            return self.state["steps"][name]
        self.on_step(name)
        start = time.perf_counter()
        info = fn() or {}
        info["seconds"] = round(time.perf_counter() - start, 2)
        self.state["steps"][name] = info
        self._save_state()
        return info

    # ---- steps ------------------------------------------------------------------------------------------
    @property
    def index_dir(self) -> Path:
        return self.out / "index"

    def opened(self) -> tuple[Any, Any, Any]:
        """``(store, ensemble, corpus with embeddings)``: the store is opened and scanned once, not per
        step (re-opened after a step that rewrites the vectors)."""
        if self._open is None:
            store, ensemble, _ = open_work_dir(self.index_dir)
            self._open = (store, ensemble, load_corpus(store))
        return self._open

    def index(self) -> dict[str, Any]:
        def run() -> dict[str, Any]:

            docs = load_documents(self.data.source)
            res = index_documents(
                docs,
                work_dir=self.index_dir,
                store_config=StoreConfig(
                    url=self.config.store,
                    index=self.config.index,
                    work_dir=str(self.index_dir),
                    **self.config.store_settings,
                ),
                members=self.config.members,
                max_words=self.config.max_words,
                progress=self.progress("indexing", len(docs)),
                precision=self.config.embed_precision,
            )
            self._open = None
            return {"documents": res.documents, "entries": res.written, "dimension": res.dimension}

        return self._step("index", run)

    def weights(self) -> dict[str, Any]:
        def run() -> dict[str, Any]:

            fit = fit_member_weights(self.index_dir, self.data.train, min_weight=0.1)
            member_scores = {label: fit.scores[label] for label in fit.labels}
            if self.config.fit_weights:
                apply_weights(self.index_dir, fit.weights)
                self._open = None
            return {
                "fit": fit.to_dict(),
                "applied": self.config.fit_weights,
                "best_member": max(member_scores, key=lambda k: member_scores[k]),
            }

        return self._step("weights", run)

    @property
    def validation_ids(self) -> list[str]:
        """Training queries held out from every re-ranker's training (the same for all): they validate
        training, pick checkpoints and fit the fused system's weights. Never test queries."""
        import random

        ids = sorted({q.id for q in self.data.train})
        share = self.config.train.validation_share
        n = max(1, round(len(ids) * share)) if share > 0 and len(ids) >= 2 else 0
        random.Random(self.config.seed).shuffle(ids)
        return sorted(ids[:n])

    @property
    def validation_queries(self) -> list[LabelledQuery]:
        held = set(self.validation_ids)
        return [q for q in self.data.train if q.id in held]

    def validation_samples(self, bm25_text: bool) -> list[dict[str, Any]]:
        """The validation queries' BM25 top ``candidates[0]`` as re-ranking samples: what the warm start and every
        fine-tune are judged on."""
        store, _, corpus = self.opened()
        return rerank_samples(
            store, self.validation_queries, k=self.config.candidates[0], corpus=corpus, bm25_text=bm25_text
        )

    @property
    def judgements(self) -> Judgements:
        """Validation judgements shared by the warm start and the fine-tunes (``<out>/judgements.json``)."""
        return Judgements(self.out / JUDGEMENTS)

    def warm_start(self) -> dict[str, Any]:
        def run() -> dict[str, Any]:

            cfg = self.config.warm_start
            assert cfg is not None
            samples = self.validation_samples(cfg.bm25_text)
            store, ensemble, corpus = self.opened()
            held = set(self.validation_ids)  # their texts stay unseen: they validate
            texts = [q.text for q in self.data.train if q.id not in held] if cfg.query_texts else []
            res = warm_start(
                corpus,
                store,
                ensemble,
                self.out / "warmstart",
                cfg,
                validation=samples,
                query_texts=texts,
                judgements=self.judgements,
                progress=self.progress("warm start: pseudo-queries and teacher lists", cfg.queries + len(texts)),
                step_progress=lambda total: self.progress("warm start: training", total),
            )
            return {
                "model": str(res.model_dir),
                "lists": res.lists,
                "query_texts": res.kinds.get(QUERY_KIND, len(texts)),  # lists made: duplicate texts count once
                "steps": res.steps,
                "validation_metrics": res.metrics,
                "seconds_by_stage": res.seconds,
            }

        return self._step("warmstart", run)

    def mine(self, miner: str) -> dict[str, Any]:
        if miner == "mix":
            for source in self.config.mix:
                self.mine(source)

        def run() -> dict[str, Any]:

            if miner == "mix":
                parts = [(MiningResult.read(self.out / "mined" / s), n) for s, n in self.config.mix.items()]
                result = mix_results(parts)
                result.write(self.out / "mined" / miner)
                return {"stats": result.stats(), "hardness": self._hardness(result)}
            store, ensemble, _ = self.opened()
            common = {"store": store, "ensemble": ensemble, "num_negatives": self.config.num_negatives,
                      "seed": self.config.seed}  # fmt: skip
            member = self.state["steps"]["weights"]["best_member"] if miner == "single" else None
            start = time.perf_counter()
            name = "ensemble" if miner in ("ensemble", "single") else miner if miner == "bm25" else "random"
            result = mine_negatives(name, queries=self.data.train, member=member, **common)
            result.extra_stats["seconds"] = round(time.perf_counter() - start, 2)
            result.write(self.out / "mined" / miner)
            return {"stats": result.stats(), "hardness": self._hardness(result)}

        return self._step(f"mine:{miner}", run)

    def _hardness(self, result: Any) -> list[float]:
        """Every negative's fused ensemble similarity to its query: one yardstick for all miners."""
        _, ensemble, corpus = self.opened()
        queries = [q for q in result.queries if q.negatives]
        if not queries:
            return []
        qv = ensemble.encode([q.query for q in queries], role="query")
        sims = [
            float(qv[i] @ corpus.embeddings[corpus.index[nid]])  # type: ignore[index]
            for i, q in enumerate(queries)
            for nid, _ in q.negatives
            if nid in corpus.index
        ]
        return [round(s, 4) for s in sims]

    def train(self, miner: str) -> dict[str, Any]:
        def run() -> dict[str, Any]:
            from dataclasses import replace

            store = self.opened()[0]
            config = replace(self.config.train, seed=self.config.seed)
            if self.config.warm_start is not None:
                config = replace(config, base_model=self.state["steps"]["warmstart"]["model"])
            res = train_cross_encoder(
                self.out / "mined" / miner,
                self.out / "rankers" / miner,
                config,
                teacher=self.teacher() if config.loss == "listnet" else None,
                # judged on the same samples as the warm start, whichever queries the miner found negatives for
                validation=lambda _groups: self.validation_samples(config.bm25_text),
                validation_ids=self.validation_ids,
                judgements=self.judgements,
                store=store,
                data_description=f"{self.data.source.name} training queries, {miner} negatives",
                step_progress=lambda total: self.progress(f"training the {miner} re-ranker", total),
            )
            return {
                "model": str(res.model_dir),
                "steps": res.steps,
                "best_step": res.best_step,
                "train_queries": res.train_queries,
                "validation_queries": res.validation_queries,
                "validation_metrics": res.metrics,
                "blend_weight": res.blend_weight,
            }

        return self._step(f"train:{miner}", run)

    @property
    def dense_sources(self) -> list[str]:
        """The negative sources a dense member is tuned on: ``dense.miners``, by default every miner but ``mix``
        unless the dense tune takes more negatives per query than the mix's first source gives (with
        ``dense.negatives: 1`` a mix's negative is its first source's: the tune would repeat that one)."""
        cfg = self.config
        assert cfg.dense is not None
        if cfg.dense.miners:
            return list(cfg.dense.miners)
        first = next(iter(cfg.mix.values()), 0)
        return [m for m in cfg.miners if m != "mix" or cfg.dense.negatives > first]

    def dense_tune(self, miner: str) -> dict[str, Any]:
        """Tune the ensemble's best member on ``miner``'s negatives; its best epoch on validation is kept."""
        assert self.config.dense is not None
        cfg = self.config.dense
        self.mine(miner)

        def run() -> dict[str, Any]:
            store, ens, corpus = self.opened()
            best = self.state["steps"]["weights"]["best_member"]  # the member the weights step measured best
            member = best if best in [m.label for m in ens.members] else ens.members[0].label
            tick = self.progress(f"tuning the dense member {member} on {miner} negatives", cfg.epochs + 1)
            try:
                outcome = tune_dense(
                    store=store, ensemble=ens, corpus=corpus, validation=self.validation_queries,
                    ntuples=MiningResult.read(self.out / "mined" / miner).ntuples(), out=self.out / "dense" / miner,
                    config=cfg, member=member,
                    depth=self.config.depth, on_epoch=lambda _e, _s: tick(1), judgements=self.judgements,
                )  # fmt: skip
            except NothingToTune as exc:  # nothing to learn from: the ensemble stays as indexed, the run goes on
                logger.warning("dense member not tuned on the %s negatives: %s", miner, exc)
                return {"skipped": str(exc), "model": None}
            res = outcome.result
            return {
                "member": outcome.member,
                "position": outcome.position,
                "model": str(res.model_dir) if res.model_dir else None,
                "best_epoch": res.best_epoch,
                "validation_ndcg@10": [round(x, 4) for x in res.curve],
                "validation_queries": len(self.validation_queries),
                "train_tuples": res.train_pairs,
            }

        return self._step(f"dense:{miner}", run)

    def dense(self) -> dict[str, Any]:
        """Tune one dense member per negative source, then keep the one best on validation (what is served)."""
        for miner in self.dense_sources:
            self.dense_tune(miner)

        def run() -> dict[str, Any]:
            tuned = {m: self.state["steps"][f"dense:{m}"] for m in self.dense_sources}
            kept = {m: t for m, t in tuned.items() if t.get("model")}
            scores = {m: max(t["validation_ndcg@10"]) for m, t in kept.items()}
            if not kept:
                return {"miner": None, "model": None, "validation_ndcg@10": scores}
            best = max(scores, key=lambda m: scores[m])  # ties: the first source listed
            return {"miner": best, **kept[best], "by_source": scores}

        return self._step("dense", run)

    def tuned_ensemble(self, miner: str | None = None) -> Any:
        """The ensemble with the member tuned on ``miner``'s negatives in its place (default: the one kept);
        None when that tune kept no model."""
        info = self.state["steps"].get(f"dense:{miner}" if miner else "dense") or {}
        if not info.get("model"):
            return None

        spec = read_manifest(self.index_dir)["ensemble"]
        spec["members"][info["position"]]["model"] = info["model"]
        return Ensemble(**dict(spec, progress_bar=False))

    def served_corpus(self) -> tuple[Any, Any]:
        """``(ensemble, corpus)`` the fused systems and the re-rankers' teacher use: the tuned member in place
        when the dense step kept one (its corpus vectors through the embedding cache), else the index as is."""
        from dataclasses import replace

        _, ens, corpus = self.opened()
        tuned = self.tuned_ensemble() if self.config.dense is not None else None
        if tuned is None:
            return ens, corpus
        return tuned, replace(corpus, embeddings=tuned.encode(corpus.contents, "document"))

    def teacher(self) -> Any:
        """The fine-tune's label-informed teacher (:mod:`hardneg_haystack.training.teacher`): BM25 + the served
        dense, blended with the weight fitted on the validation queries."""

        store = self.opened()[0]
        ens, corpus = self.served_corpus()
        if "teacher" not in self.state:
            val = self.validation_queries
            first = FirstStage.compute(
                corpus, store, val, ens.encode([q.text for q in val], "query"), self.config.depth * 3
            )
            self.state["teacher"] = {"dense_weight": fit_hybrid_weight(first, self.config.depth)[0]}
            self._save_state()
        return label_teacher(corpus, store, ens, weight=self.state["teacher"]["dense_weight"])

    def apply_dense(self) -> dict[str, Any]:
        """Rewrite the index's vectors with the tuned member (after the evaluation, which also reports the
        ensemble as indexed): the folder then serves what the fused system was measured with."""

        def run() -> dict[str, Any]:

            info = self.state["steps"]["dense"]
            if not info.get("model"):
                return {"applied": False}
            written = replace_member(self.index_dir, info["position"], info["model"])
            self._open = None
            return {"applied": True, "documents": written}

        return self._step("dense:apply", run)

    def rankers(self) -> dict[str, str]:
        """The re-rankers to evaluate: ``{name: model folder}`` (the warm start too, when there is one)."""
        out = {}
        if self.config.warm_start is not None:
            out["warm-start"] = self.state["steps"]["warmstart"]["model"]
        for miner in self.config.miners:
            out[miner] = self.state["steps"][f"train:{miner}"]["model"]
        return out

    def same_model(self, name: str) -> str:
        """The ranker whose weights ``name`` has: a fine-tune whose best checkpoint was step 0 kept the warm
        start (the trainer saved the start unchanged)."""
        kept = name != "warm-start" and self.config.warm_start is not None
        return "warm-start" if kept and self.state["steps"][f"train:{name}"].get("best_step") == 0 else name

    def evaluate(self) -> dict[str, Any]:
        runs_path = self.out / "runs.json"

        def run() -> dict[str, Any]:

            cfg = self.config
            if (self.state["steps"].get("dense:apply") or {}).get("applied"):
                raise ConfigError(
                    f"{self.out}: its index already holds the tuned dense member, so the ensemble as indexed cannot "
                    "be evaluated again: run the experiment in a new --out folder"
                )
            store, ens, corpus = self.opened()
            pool = cfg.depth * 3
            held = set(self.validation_ids)
            fit_queries = [q for q in self.data.train if q.id not in held]
            train_first = FirstStage.compute(
                corpus, store, fit_queries, ens.encode([q.text for q in fit_queries], "query"), pool
            )
            hybrid_w, _ = fit_hybrid_weight(train_first, cfg.depth)
            del train_first
            val = self.validation_queries
            val_first = FirstStage.compute(corpus, store, val, ens.encode([q.text for q in val], "query"), pool)
            first = FirstStage.compute(
                corpus, store, self.data.test, ens.encode([q.text for q in self.data.test], "query"), pool
            )
            runs = {
                "bm25": first.bm25_run(cfg.depth),
                "dense": first.dense_run(cfg.depth),
                runs_name(hybrid_w): first.hybrid_run(hybrid_w, cfg.depth),
            }
            fuse_val, fuse_first, tuned_w = val_first, first, {}
            # a system with weights fitted on validation is also judged on folds its fit never saw (cross-fitted)
            val_crossfit: dict[str, dict[str, dict[str, float]]] = {}
            # the systems a user could deploy, judged on validation (per document, as the report): the choice
            val_runs = {
                "bm25": val_first.bm25_run(cfg.depth),
                runs_name(hybrid_w): val_first.hybrid_run(hybrid_w, cfg.depth),
            }
            for source in self.dense_sources if cfg.dense is not None else []:
                tuned = self.tuned_ensemble(source)
                if tuned is None:  # no epoch beat the member as indexed: its rows would repeat "dense"
                    continue
                docs = tuned.encode(corpus.contents, "document")
                tv = FirstStage(corpus, val, val_first.bm25, tuned.encode([q.text for q in val], "query") @ docs.T)
                tt = FirstStage(
                    corpus, first.queries, first.bm25, tuned.encode([q.text for q in first.queries], "query") @ docs.T
                )
                tuned_w[source], _ = fit_hybrid_weight(tv, cfg.depth)  # its training queries are in-sample
                runs[f"dense (tuned on {source})"] = tt.dense_run(cfg.depth)
                runs[f"bm25 + dense (tuned on {source})"] = tt.hybrid_run(tuned_w[source], cfg.depth)
                if source == self.state["steps"]["dense"]["miner"]:  # the fused systems use the member served
                    fuse_val, fuse_first = tv, tt
                    name = f"bm25 + dense (tuned on {source})"
                    val_runs = {"bm25": val_runs["bm25"], name: tv.hybrid_run(tuned_w[source], cfg.depth)}
                    val_crossfit[name] = cross_fitted_run(
                        len(val),
                        lambda rows, tv=tv: fit_hybrid_weight(tv.subset(rows), cfg.depth)[0],
                        lambda w, rows, tv=tv: tv.subset(rows).hybrid_run(w, cfg.depth),
                        seed=cfg.seed,
                    )
            deepest, union = cfg.candidates[-1], cfg.fuse_over == "union"

            def _fused_run(stage: FirstStage, ce: list, weights: tuple[float, ...]) -> dict[str, dict[str, float]]:
                return fused_run(stage, ce, weights, deepest, cfg.depth, union=union)

            timings, fusion = {}, {}
            scored: dict[str, tuple[list, list]] = {}  # a fine-tune that kept the warm start is not scored twice
            for name, path in self.rankers().items():
                same = self.same_model(name)
                start = time.perf_counter()
                if same in scored:
                    ce_val, ce = scored[same]
                else:
                    tick = self.progress(f"re-ranking with the {name} re-ranker", len(val) + len(first.queries))
                    # the fused systems' candidates (with union, BM25's top `deepest` first: the re-ranker's rows
                    # below re-order that head)
                    ce_val, ce = model_scores(
                        path, [fuse_val, fuse_first], deepest, max_length=cfg.train.max_length,
                        precision=cfg.train.precision, progress=tick, union=union,
                    )  # fmt: skip
                    scored[same] = (ce_val, ce)
                timings[name] = round(time.perf_counter() - start, 2)
                for k in cfg.candidates:
                    runs[f"rerank[{name}] top-{k}"] = reorder_run(first, ce, k, cfg.depth)
                weights, val_ndcg = fit_fused_weights(fuse_val, ce_val, deepest, union=union)
                fusion[name] = {
                    "weights": dict(zip(("bm25", "dense", "cross-encoder"), weights, strict=True)),
                    "validation_ndcg@10": val_ndcg,
                }
                store_fusion_weights(path, fusion[name]["weights"], {"over": cfg.fuse_over, "top_k": deepest})
                runs[f"fused[{name}]"] = _fused_run(fuse_first, ce, weights)
                val_runs[f"fused[{name}]"] = _fused_run(fuse_val, ce_val, weights)
                val_crossfit[f"fused[{name}]"] = cross_fitted_run(
                    len(val),
                    lambda rows, ce_val=ce_val: fit_fused_weights(
                        fuse_val.subset(rows), [ce_val[r] for r in rows], deepest, union=union
                    )[0],
                    lambda w, rows, ce_val=ce_val: _fused_run(fuse_val.subset(rows), [ce_val[r] for r in rows], w),
                    seed=cfg.seed,
                )
            runs_path.write_text(json.dumps(runs))
            fitted = {name: mean_ndcg(val, run) for name, run in val_runs.items()}
            # the choice reads each system's cross-fitted score (BM25 and the untuned hybrid fit nothing here)
            validation = {name: mean_ndcg(val, val_crossfit.get(name, run)) for name, run in val_runs.items()}
            return {
                "hybrid_weight": hybrid_w,
                "tuned_hybrid_weights": tuned_w,
                "fusion": fusion,
                "rerank_seconds": timings,
                "validation_queries": len(val),
                "systems": list(runs),
                "validation_ndcg@10": validation,
                "validation_fitted_ndcg@10": fitted,
                "crossfit_folds": len(folds(len(val), seed=cfg.seed)),
                "recommended": recommend(validation),
            }

        info = self._step("evaluate", run)
        if not runs_path.is_file():  # state survived but the runs file did not: redo
            del self.state["steps"]["evaluate"]
            return self.evaluate()
        return info

    def deploy(self) -> dict[str, Any]:
        """Write every system the validation queries chose among (``evaluate``'s ``validation_ndcg@10``: BM25,
        BM25 + dense, each fused system) as a ready query pipeline over the run's index (after ``dense:apply``:
        the member served), ``<out>/pipelines/<system>.yaml``, and the recommended one also as
        ``<out>/pipeline.yaml``."""

        def run() -> dict[str, Any]:

            ev = self.state["steps"]["evaluate"]
            written: dict[str, str] = {}
            for name in ev["validation_ndcg@10"]:
                path = self.out / "pipelines" / f"{pipeline_slug(name)}.yaml"
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(self._system_yaml(name, path, *open_index(self.index_dir)[:2]))  # own components
                written[name] = str(path)
            rec = ev["recommended"]
            (self.out / PIPELINE).write_text(
                self._system_yaml(rec, self.out / PIPELINE, *open_index(self.index_dir)[:2])
            )
            return {"system": rec, "pipeline": str(self.out / PIPELINE), "pipelines": written}

        return self._step("deploy", run)

    def _system_yaml(self, name: str, path: Path, store: Any, embedder: Any) -> str:
        """The query pipeline of the evaluated system ``name``, dumped with a header that says how to load it."""

        ev = self.state["steps"]["evaluate"]
        depth, deepest = self.config.depth, self.config.candidates[-1]
        if name == "bm25":
            pipe, how = build_bm25_pipeline(store=store, candidates=depth), "BM25 alone"
        elif name.startswith("bm25 + dense"):
            kept = (self.state["steps"].get("dense") or {}).get("miner")
            weight = ev["tuned_hybrid_weights"][kept] if kept else ev["hybrid_weight"]
            pipe = build_hybrid_pipeline(store=store, text_embedder=embedder, dense_weight=weight, candidates=depth)
            how = f"BM25 + dense (dense weight {weight:g}), no cross-encoder"
        else:
            ranker, union = name[len("fused[") : -1], self.config.fuse_over == "union"
            pipe = build_fused_pipeline(
                store=store, ranker_model=self.rankers()[ranker], text_embedder=embedder, candidates=deepest,
                union=union,
            )  # fmt: skip
            first = f"BM25 + dense top {deepest} each" if union else f"BM25 top {deepest}"
            how = f"{first} -> the {ranker} re-ranker -> BM25 + dense + cross-encoder fused"
        chosen = "the system" if name == ev["recommended"] else "not the system"
        header = (
            f"# {name} ({how}): {chosen} the {ev['validation_queries']} validation queries recommend,\n"
            f"# validation nDCG@10 {ev['validation_ndcg@10'][name]:.4f}; written by `hardneg experiment`.\n"
            f"# Models inside the run folder are named relative to this file, so the folder can move.\n"
            f"# Load it bound to the run's index:\n"
            f"#   from hardneg_haystack.components.pipelines import load_query_pipeline\n"
            f"#   pipe = load_query_pipeline('{path}', work_dir='{self.index_dir}')\n"
        )
        from haystack.marshal import YamlMarshaller

        data = pipe.to_dict()
        run = self.out.resolve()
        for spec in data["components"].values():
            params = spec.get("init_parameters") or {}
            model = params.get("model")
            if isinstance(model, str) and Path(model).exists() and Path(model).resolve().is_relative_to(run):
                params["model"] = os.path.relpath(Path(model).resolve(), path.parent.resolve())
        return header + YamlMarshaller().marshal(data)

    def run(self) -> dict[str, Any]:

        self.index()
        self.weights()
        if self.config.warm_start is not None:
            self.warm_start()
        for miner in self.config.miners:
            self.mine(miner)
        if self.config.dense is not None:  # first: the re-rankers' teacher uses the tuned member
            self.dense()
        for miner in self.config.miners:
            self.train(miner)
        self.evaluate()
        if self.config.dense is not None:
            self.apply_dense()
        self.deploy()
        self.on_step("report")
        runs = json.loads((self.out / "runs.json").read_text())
        results = build_results(self, runs)
        write_report(self.out, results)
        return results


def runs_name(hybrid_weight: float) -> str:
    """The report's name of BM25 + the dense ensemble as indexed, blended with ``hybrid_weight``."""
    return f"bm25 + dense (w={hybrid_weight:g})"


def mean_ndcg(queries: list[LabelledQuery], run: dict[str, dict[str, float]]) -> float:
    """Mean nDCG@10 of ``run`` over ``queries`` (ranx, per parent document, as every figure of the report)."""

    qrels = qrels_of(queries)
    return round(evaluate_run(qrels, run, ("ndcg@10",))["ndcg@10"], 6) if qrels else 0.0


def pipeline_slug(system: str) -> str:
    """A file name for a system of the report: ``bm25``, ``bm25+dense``, ``fused-<miner>``."""
    if system.startswith("bm25 + dense"):
        return "bm25+dense"
    if system.startswith("fused[") and system.endswith("]"):
        return "fused-" + re.sub(r"[^A-Za-z0-9_.-]+", "_", system[len("fused[") : -1])
    return re.sub(r"[^A-Za-z0-9_.+-]+", "_", system)


def recommend(validation: dict[str, float]) -> str:
    """The system to deploy: the best on validation; on a tie the simpler one (listed first: BM25, then
    BM25 + dense, then the fused systems), so a cross-encoder is only served when it earns its cost."""
    return max(validation, key=lambda name: (validation[name], -list(validation).index(name)))


def run_experiment(
    data: str | Path,
    out: str | Path,
    config: ExperimentConfig | None = None,
    *,
    train_queries: str | Path | None = None,
    test_queries: str | Path | None = None,
    on_step: Callable[[str], None] | None = None,
    progress: Callable[[str, int], Callable[[int], None]] | None = None,
) -> dict[str, Any]:
    """Run (or resume) an experiment and return ``results.json``'s content; see the module docstring."""
    config = config or ExperimentConfig()
    exp_data = ExperimentData.load(data, config, train_queries=train_queries, test_queries=test_queries)
    return Experiment(exp_data, out, config, on_step=on_step, progress=progress).run()
