"""Fine-tune a cross-encoder re-ranker on mined (query, positive, negatives) with CrossEncoderTrainer.

Everything users need to trust a run: validation held out by query, re-ranking metrics during training,
the best checkpoint kept, early stopping, fixed seeds, resume after an interruption, a training-curve PNG,
and a model folder with a model card that ``SentenceTransformersSimilarityRanker(model=...)`` loads as is.
"""

from __future__ import annotations

import json
import logging
import math
import shutil
import time
from collections.abc import Callable, Collection, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

from hardneg_haystack.errors import ConfigError, DataError
from hardneg_haystack.scoring.precision import Precision
from hardneg_haystack.training.data import (
    Group,
    group_rows,
    load_rows,
    split_by_query,
    tag_with_bm25,
    to_list_dataset,
    to_ntuple_dataset,
    to_pair_dataset,
    validation_samples,
)
from hardneg_haystack.training.distributed import is_main_process
from hardneg_haystack.training.fingerprint import check_resumable, fingerprint, write_run
from hardneg_haystack.training.judgements import Judgements, samples_digest
from hardneg_haystack.training.model_info import reads_bm25, write_training_info
from hardneg_haystack.training.teacher import TeacherFn

logger = logging.getLogger(__name__)

LossName = Literal["triplet", "mnrl", "bce", "listnet"]
MODEL_DIR = "model"
CHECKPOINTS = "checkpoints"
METRIC = "validation_ndcg@10"


@dataclass
class TrainConfig:
    """Hyperparameters of one training run (stored in the model card and ``hardneg.json``).

    :param base_model: Hugging Face id, local folder or packaged alias; a bi-encoder checkpoint gets a fresh
        one-label head (offline: ``minilm``, the packaged all-MiniLM-L6-v2 weights).
    :param loss: ``mnrl`` (MultipleNegativesRankingLoss, the default: best validation and test re-ranker on
        SciFact among the three, docs/RESULTS.md section 5a), ``triplet`` (our hinge loss, the paper's) or
        ``bce`` (BinaryCrossEntropyLoss).
    :param margin: Margin of the triplet loss.
    :param temperature: ``listnet``: the labels are divided by it (lower: the list's order matters more).
    :param num_negatives: Negatives per (query, positive) used in training (default: all mined).
    :param validation_share: Share of the queries held out for validation (never trained on).
    :param eval_steps: Evaluate (and checkpoint) every this many steps (default: ``evals_per_epoch`` times an
        epoch, else 4 times per run).
    :param evals_per_epoch: Evaluate this many times an epoch (``eval_steps`` wins when both are set): with
        early stopping, a run of several epochs stops soon after validation stops rising.
    :param early_stopping_patience: Stop after this many evaluations without improvement (0: never).
    :param max_steps: Optimiser steps (overrides ``epochs`` when > 0).
    :param bm25_text: The model reads each document's BM25 score as text (:mod:`hardneg_haystack.scoring.bm25_text`;
        training needs the index, ``store=``); recorded in ``hardneg.json`` so every scorer adds it too.
    :param attention_dropout: Dropout on the attention probabilities while training (``None``: the base model's
        own attention, 0.1 dropout for BERT, PyTorch's fused kernel). A number (0, the default) trains with that
        dropout on eager attention: with dropout, a 256-token step is about 2.4x slower; with the fused kernel's
        backward, a 128-token step about 1.3x slower on these CPUs (benchmarks/train_speed.py, docs/RESULTS.md
        section 13d).
    :param precision: ``bf16`` (autocast: about 2x faster training and 3.6x faster scoring on CPUs with
        AVX512-BF16 or AMX, benchmarks/train_speed.py), ``fp32``, or ``auto`` (bf16 where the hardware has it).
    """

    base_model: str = "minilm"
    loss: LossName = "mnrl"
    margin: float = 1.0
    temperature: float = 0.1
    epochs: float = 1.0
    learning_rate: float = 5e-5
    batch_size: int = 8
    max_length: int = 256
    num_negatives: int | None = None
    warmup_ratio: float = 0.1
    validation_share: float = 0.1
    eval_steps: int | None = None
    evals_per_epoch: float | None = None
    early_stopping_patience: int = 3
    seed: int = 42
    max_steps: int = -1
    precision: Precision = "auto"
    bm25_text: bool = False
    attention_dropout: float | None = 0.0

    def __post_init__(self) -> None:
        if self.loss not in ("triplet", "mnrl", "bce", "listnet"):
            raise ConfigError(f"unknown loss {self.loss!r}: triplet, mnrl, bce or listnet")
        if not self.temperature > 0:
            raise ConfigError(f"temperature must be > 0, got {self.temperature}")
        if self.batch_size < 1 or self.epochs <= 0 or self.learning_rate <= 0:
            raise ConfigError("batch_size, epochs and learning_rate must be positive")
        if self.precision not in ("auto", "bf16", "fp32"):
            raise ConfigError(f"unknown precision {self.precision!r}: auto, bf16 or fp32")
        if self.evals_per_epoch is not None and not self.evals_per_epoch > 0:
            raise ConfigError(f"evals_per_epoch must be > 0, got {self.evals_per_epoch}")
        if self.attention_dropout is not None and not 0 <= self.attention_dropout < 1:
            raise ConfigError(f"attention_dropout must be in [0, 1), got {self.attention_dropout}")


@dataclass
class TrainResult:
    model_dir: Path
    metrics: dict[str, float]
    best_step: int | None
    steps: int
    train_queries: int
    validation_queries: int
    history: list[dict[str, Any]] = field(default_factory=list)
    blend_weight: float | None = None


def train_cross_encoder(
    data: str | Path | Sequence[dict[str, Any]] | Any,
    output_dir: str | Path,
    config: TrainConfig | None = None,
    *,
    validation: list[dict[str, Any]] | Callable[[list[Group]], list[dict[str, Any]]] | None = None,
    validation_ids: Collection[str] | None = None,
    data_description: str = "",
    resume: bool = True,
    device: str | None = None,
    step_progress: Callable[[int], Callable[[int], None]] | None = None,
    store: Any = None,
    teacher: TeacherFn | None = None,
    judgements: Judgements | None = None,
) -> TrainResult:
    """Train a re-ranker on mined data and write ``output_dir/model`` (plus checkpoints, curve, history).

    :param data: A ``hardneg mine`` output folder, a triplets/ntuples JSONL file, rows, or a Dataset.
    :param validation: Evaluator samples (``query``, ``positive`` and ``negative`` or ``documents`` lists;
        optional ``scores``: first-stage scores aligned with ``documents``, used to fit the blend weight), or a
        function building them from the held-out groups (:func:`~hardneg_haystack.training.validation.bm25_validation`:
        re-rank the store's BM25 top-k, the real task). Default: the held-out queries' positives and mined negatives.
    :param validation_ids: Hold out exactly these query ids (instead of ``validation_share`` of the queries), so
        several runs share one validation set.
    :param data_description: Free text for the model card (data set, miner).
    :param resume: Continue from the last checkpoint in ``output_dir/checkpoints`` when there is one and it
        belongs to this run (same data and config, ``run.json``); checkpoints of another run raise
        :class:`~hardneg_haystack.errors.ConfigError`. ``False`` discards the old checkpoints.
    :param step_progress: Given the total number of steps, returns a callable advanced by 1 per step.
    :param store: The index the rows were mined from; needed by ``config.bm25_text`` (BM25 scores of the pairs).
    :param teacher: ``loss="listnet"``: labels the negatives of each training list
        (:func:`~hardneg_haystack.training.teacher.label_teacher`; rows must carry ``negative_ids``).
    :param judgements: Validation results already scored (:class:`~hardneg_haystack.training.judgements.Judgements`;
        ``hardneg experiment`` shares one between the warm start and every fine-tune, which all start from the same
        weights): a model's weights are never judged twice on the same samples.
    """
    from transformers import set_seed

    from hardneg_haystack.embedding.models import load_cross_encoder

    config = config or TrainConfig()
    out = Path(output_dir)
    out.mkdir(parents=True, exist_ok=True)
    set_seed(config.seed)
    where = str(data) if isinstance(data, (str, Path)) else "training data"
    groups = group_rows(load_rows(data), where=where)
    if not groups:
        raise DataError(f"{where}: no training rows")
    if teacher is not None and config.loss != "listnet":
        raise ConfigError(f"a teacher labels listnet lists: loss is {config.loss!r}")
    if config.bm25_text:
        groups = tag_with_bm25(groups, _bm25_lookup(store))
    elif reads_bm25(config.base_model):
        raise ConfigError(
            f"{config.base_model} was trained to read BM25's score as text: train it with bm25_text=True "
            "(CLI: --bm25-text and -w), or start from another model"
        )
    if validation_ids is not None:
        held = set(validation_ids)
        train_groups = [g for g in groups if g.query_id not in held]
        val_groups = [g for g in groups if g.query_id in held]
    else:
        train_groups, val_groups = split_by_query(groups, config.validation_share, config.seed)
    if not train_groups:
        raise DataError(f"{where}: no training queries left after holding out the validation queries")
    checkpoint = _last_checkpoint(out / CHECKPOINTS) if resume else None
    fp = fingerprint(config, train_groups, val_groups)
    check_resumable(out, fp, checkpoint)  # only this run's own checkpoints are continued
    if checkpoint:
        logger.info("resuming from %s", checkpoint)
    elif (out / CHECKPOINTS).is_dir() and is_main_process():  # --no-resume: old checkpoints must not mix in
        shutil.rmtree(out / CHECKPOINTS)
    if is_main_process():
        write_run(out, fp)
    if callable(validation):
        samples = validation(val_groups)
    else:
        samples = validation if validation is not None else validation_samples(val_groups)
    set_seed(config.seed)  # a fresh scoring head is drawn from the seed: reloading the start gives the same model
    model = load_cross_encoder(config.base_model, max_length=config.max_length, device=device)
    set_training_attention(model, config.attention_dropout)
    scores = _teacher_scores(teacher, train_groups, where) if config.loss == "listnet" else None
    loss, dataset, sampler = _loss_and_dataset(model, train_groups, config, scores)
    trainer = build_trainer(
        model, dataset, loss, config, out, samples=samples, sampler=sampler, device=device,
        step_progress=step_progress, judgements=judgements,
    )  # fmt: skip
    fitted = fit(trainer, model, checkpoint=checkpoint)
    history, metrics, evaluator = fitted.history, fitted.metrics, trainer.evaluator
    best_step = _best_step(trainer.state.best_model_checkpoint)
    start = start_metric(history)
    if start is not None and start > metrics.get(METRIC, float("-inf")) + 1e-9:
        # no step beat the model we started from on validation: keep the start (step 0 is a checkpoint too)
        logger.info("validation %.4f at step 0 beats every later checkpoint: keeping the base model", start)
        set_seed(config.seed)
        model = load_cross_encoder(config.base_model, max_length=config.max_length, device=device)
        metrics = dict(evaluator(model))  # type: ignore[misc]
        best_step = 0
    model_dir = out / MODEL_DIR
    if is_main_process():  # under a launcher every process holds the same model; one writes it
        model.save(str(model_dir))
    blend_weight = _fit_blend(model, samples, config.precision)
    result = TrainResult(
        model_dir=model_dir,
        metrics={k: float(v) for k, v in metrics.items()},
        best_step=best_step,
        steps=fitted.steps,
        train_queries=len({g.query_id for g in train_groups}),
        validation_queries=len(samples or []),
        history=history,
        blend_weight=blend_weight,
    )
    if is_main_process():
        (out / "history.json").write_text(json.dumps(history, indent=2))
        write_training_curve(history, out / "training_curve.png")
        write_model_card(model_dir, config, result, data_description, len(dataset))
    return result


def _bm25_lookup(store: Any) -> Callable[[str, list[str]], tuple[list[float], float]]:
    """``(query, document ids) -> (BM25 scores, best score)`` over ``store`` (the miners' BM25)."""
    if store is None:
        raise ConfigError("bm25_text: training needs the index the rows were mined from (store=...)")
    from hardneg_haystack.mining.baselines import Bm25Scorer
    from hardneg_haystack.mining.corpus import load_corpus

    corpus = load_corpus(store, need_embeddings=False)
    scorer = Bm25Scorer(corpus, store)

    def lookup(query: str, ids: list[str]) -> tuple[list[float], float]:
        entries = [corpus.positive_indices((i,)) for i in ids]  # a document id stands for its best chunk
        missing = [i for i, e in zip(ids, entries, strict=True) if not e]
        if missing:
            raise DataError(f"bm25_text: document {missing[0]!r} is not in the index the rows are scored against")
        flat = sorted({j for e in entries for j in e})
        scores, best = scorer.scores_of(query, flat)
        by_entry = dict(zip(flat, scores, strict=True))
        return [max(by_entry[j] for j in e) for e in entries], best

    return lookup


def _teacher_scores(teacher: TeacherFn | None, groups: list[Group], where: str) -> list[list[float]]:
    """Teacher scores of every group's negatives (all 0 without a teacher: the positive alone is relevant)."""
    if teacher is None:
        return [[0.0] * len(g.negatives) for g in groups]
    named = all(len(g.negative_ids) == len(g.negatives) and None not in g.negative_ids for g in groups)
    if not named:
        raise DataError(
            f"{where}: a teacher needs the id of every negative (negative_ids: a `hardneg mine` folder has them)"
        )
    return teacher([g.query for g in groups], [[str(i) for i in g.negative_ids] for g in groups])


def _loss_and_dataset(
    model: Any, groups: list[Group], config: TrainConfig, scores: list[list[float]] | None = None
) -> tuple[Any, Any, Any]:
    from sentence_transformers.base.sampler import BatchSamplers
    from sentence_transformers.cross_encoder.losses import (
        BinaryCrossEntropyLoss,
        ListNetLoss,
        MultipleNegativesRankingLoss,
    )

    from hardneg_haystack.training.losses import HardNegativesRankingLoss, TripletMarginLoss

    if config.loss == "listnet":
        assert scores is not None
        dataset = to_list_dataset(groups, scores, config.num_negatives, config.temperature)
        return ListNetLoss(model, mini_batch_size=32), dataset, BatchSamplers.BATCH_SAMPLER
    if config.loss == "bce":
        return BinaryCrossEntropyLoss(model), to_pair_dataset(groups, config.num_negatives), BatchSamplers.BATCH_SAMPLER
    dataset = to_ntuple_dataset(groups, config.num_negatives)
    if config.loss == "triplet":
        return TripletMarginLoss(model, margin=config.margin), dataset, BatchSamplers.BATCH_SAMPLER
    if config.bm25_text:  # another query's passage carries that query's BM25 tag: no in-batch negatives
        return HardNegativesRankingLoss(model), dataset, BatchSamplers.NO_DUPLICATES
    return MultipleNegativesRankingLoss(model), dataset, BatchSamplers.NO_DUPLICATES


def build_trainer(
    model: Any,
    dataset: Any,
    loss: Any,
    config: TrainConfig,
    out: Path,
    *,
    samples: list[dict[str, Any]] | None,
    sampler: Any = None,
    device: str | None = None,
    step_progress: Callable[[int], Callable[[int], None]] | None = None,
    judgements: Judgements | None = None,
    judge_start: bool = True,
) -> Any:
    """A CrossEncoderTrainer with our conventions: validation on ``samples`` (also at step 0 when ``judge_start``,
    so the curve starts from the base model), checkpoints every evaluation, the best one kept, early stopping,
    seeds. Every validation pass goes through ``judgements`` (a fresh in-memory one by default): weights already
    judged on these samples are not scored again.

    ``step_progress(total_steps)`` returns a function the trainer calls with 1 after every optimiser step
    (a progress bar's advance)."""
    import torch
    from sentence_transformers.base.sampler import BatchSamplers
    from sentence_transformers.cross_encoder import CrossEncoderTrainer, CrossEncoderTrainingArguments
    from sentence_transformers.cross_encoder.evaluation import CrossEncoderRerankingEvaluator
    from transformers import PrinterCallback

    from hardneg_haystack.scoring.precision import use_bf16

    steps_per_epoch = max(1, math.ceil(len(dataset) / config.batch_size))
    total_steps = config.max_steps if config.max_steps > 0 else math.ceil(steps_per_epoch * config.epochs)
    eval_steps = config.eval_steps or max(
        1, math.ceil(steps_per_epoch / config.evals_per_epoch) if config.evals_per_epoch else total_steps // 4
    )
    evaluator = (
        _autocast_evaluator(CrossEncoderRerankingEvaluator, config.precision, judgements or Judgements(), samples)(
            samples, at_k=10, name="validation", write_csv=False, batch_size=32
        )
        if samples
        else None
    )
    args = CrossEncoderTrainingArguments(
        output_dir=str(out / CHECKPOINTS),
        num_train_epochs=config.epochs,
        max_steps=config.max_steps,
        per_device_train_batch_size=config.batch_size,
        learning_rate=config.learning_rate,
        warmup_steps=int(config.warmup_ratio * total_steps),
        seed=config.seed,
        data_seed=config.seed,
        batch_sampler=sampler or BatchSamplers.BATCH_SAMPLER,
        eval_strategy="steps" if evaluator else "no",
        eval_steps=eval_steps,
        eval_on_start=evaluator is not None and judge_start,
        save_strategy="steps",
        save_steps=eval_steps,
        save_total_limit=2,
        load_best_model_at_end=evaluator is not None,
        metric_for_best_model=f"eval_{METRIC}" if evaluator else None,
        greater_is_better=True,
        logging_steps=max(1, min(eval_steps, 10)),
        report_to="none",
        use_cpu=device == "cpu" or (device is None and not torch.cuda.is_available()),  # bf16 on CPU needs it
        bf16=use_bf16(config.precision, device),
        dataloader_drop_last=False,
        disable_tqdm=True,
        # under torchrun / accelerate launch: the losses score a list in several forward passes, which DDP
        # accepts only with a static graph (gloo on CPU, nccl on GPU, as the launcher's environment says)
        ddp_static_graph=True,
        ddp_find_unused_parameters=False,
    )
    callbacks = []
    if evaluator is not None and config.early_stopping_patience > 0:
        callbacks.append(_patience_callback(config.early_stopping_patience))
    trainer = CrossEncoderTrainer(
        model=model, args=args, train_dataset=dataset, loss=loss, evaluator=evaluator, callbacks=callbacks
    )
    trainer.remove_callback(PrinterCallback)  # metrics go to history.json and the curve, not to stdout
    if step_progress is not None:
        trainer.add_callback(_step_progress_callback(step_progress(total_steps)))
    return trainer


def _autocast_evaluator(cls: type, precision: str, judgements: Judgements, samples: Any) -> type:
    """``cls`` (a sentence-transformers evaluator) scoring under the training's autocast, as the experiment's
    evaluation scores (:func:`~hardneg_haystack.scoring.precision.pair_scorer`): bf16 validation passes are about 3x
    cheaper on CPUs with bf16, and each one judges the model as it will be used. Weights ``judgements`` has
    already seen on these ``samples`` are answered from it."""
    from hardneg_haystack.scoring.precision import autocast

    samples_key = samples_digest(samples)

    def call(self: Any, model: Any, *args: Any, **kwargs: Any) -> Any:
        def score() -> dict[str, float]:
            with autocast(precision, str(getattr(model, "device", "cpu"))):
                return cls.__call__(self, model, *args, **kwargs)

        return judgements.judge(model, samples_key, precision, score)

    return type(f"Autocast{cls.__name__}", (cls,), {"__call__": call})


class _StepProgress:
    """Advances a progress bar once per optimiser step (mixed with transformers' TrainerCallback on use)."""

    def __init__(self, advance: Callable[[int], None]) -> None:
        self.advance = advance
        self.seen = 0

    def on_step_end(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        step = int(state.global_step)
        if step > self.seen:  # a resumed run reports the steps it skipped at once
            self.advance(step - self.seen)
            self.seen = step


def set_training_attention(model: Any, p: float | None) -> int:
    """Set the dropout on attention probabilities of ``model`` (a CrossEncoder or a transformers model) to
    ``p`` for training and train with eager attention (:func:`~hardneg_haystack.embedding.models.use_eager_attention`:
    1.3x faster steps at 128 tokens on CPU than PyTorch's fused kernel, whose backward dominated); ``None``
    leaves the model's own attention (dropout and kernel, as the first release trained). Returns how many
    attention layers were changed.

    Transformers' BERT-style attention reads its ``dropout.p`` at every call and hands it to the attention
    function."""
    if p is None:
        return 0
    import torch

    from hardneg_haystack.embedding.models import use_eager_attention

    inner = getattr(model, "model", model)
    changed = 0
    for name, module in inner.named_modules():
        drop = getattr(module, "dropout", None)
        if name.endswith("attention.self") and isinstance(drop, torch.nn.Dropout):
            drop.p = p
            changed += 1
    config = getattr(inner, "config", None)
    if changed and config is not None and hasattr(config, "attention_probs_dropout_prob"):
        config.attention_probs_dropout_prob = p
    if not changed:
        logger.info("no BERT-style attention layer found: attention_dropout=%s not applied", p)
    use_eager_attention(model)
    return changed


class _Patience:
    """Stops training after ``patience`` judgements without a gain over the best so far, the start's judgement
    (step 0) included: transformers' EarlyStoppingCallback counts from the first checkpoint it saved, so a run
    that only falls from its start went on one judgement longer. Read from the log, so a resumed run counts on.
    (Mixed with transformers' TrainerCallback on use.)"""

    def __init__(self, patience: int) -> None:
        self.patience = patience

    def on_evaluate(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        values = [float(h[f"eval_{METRIC}"]) for h in state.log_history if f"eval_{METRIC}" in h]
        if values and len(values) - 1 - values.index(max(values)) >= self.patience:
            control.should_training_stop = True


def _patience_callback(patience: int) -> Any:
    from transformers import TrainerCallback  # imported on use: the CLI starts without transformers

    return type("PatienceCallback", (_Patience, TrainerCallback), {})(patience)


def _step_progress_callback(advance: Callable[[int], None]) -> Any:
    from transformers import TrainerCallback  # imported on use: the CLI starts without transformers

    return type("StepProgressCallback", (_StepProgress, TrainerCallback), {})(advance)


def start_metric(history: list[dict[str, Any]]) -> float | None:
    """Validation nDCG@10 of the starting model (the evaluation at step 0), if one was logged."""
    for h in history:
        if h.get("step") == 0 and f"eval_{METRIC}" in h:
            return float(h[f"eval_{METRIC}"])
    return None


@dataclass
class Fitted:
    """What one run of a trainer leaves: its log history, the final model's validation metrics, steps, seconds."""

    history: list[dict[str, Any]]
    metrics: dict[str, float]
    steps: int
    seconds: float


def fit(trainer: Any, model: Any, *, checkpoint: str | None) -> Fitted:
    """The one training loop of every cross-encoder run (fine-tune, warm start, student): ``trainer`` (from
    :func:`build_trainer`) trains, resuming from ``checkpoint`` when given, and ``model`` as it ends (the best
    checkpoint when the trainer loads it) is judged by the trainer's evaluator (no evaluator: no metrics)."""
    start = time.perf_counter()
    trainer.train(resume_from_checkpoint=checkpoint)
    seconds = round(time.perf_counter() - start, 2)
    evaluator = trainer.evaluator
    metrics = {k: float(v) for k, v in evaluator(model).items()} if evaluator is not None else {}
    return Fitted(list(trainer.state.log_history), metrics, int(trainer.state.global_step), seconds)


def _last_checkpoint(folder: Path) -> str | None:
    if not folder.is_dir():
        return None
    from transformers.trainer_utils import get_last_checkpoint

    return get_last_checkpoint(str(folder))


def _best_step(checkpoint: str | None) -> int | None:
    if not checkpoint:
        return None
    tail = Path(checkpoint).name.rsplit("-", 1)[-1]
    return int(tail) if tail.isdigit() else None


def _fit_blend(model: Any, samples: list[dict[str, Any]] | None, precision: str = "auto") -> float | None:
    """Blend weight on validation samples that carry first-stage ``scores`` (none: no weight), the model scoring
    as the evaluation scores it (:func:`~hardneg_haystack.scoring.precision.pair_scorer`)."""
    from hardneg_haystack.ranking.score_fusion import fit_blend_weight
    from hardneg_haystack.scoring.precision import pair_scorer

    usable = [s for s in samples or [] if "documents" in s and "scores" in s and s["documents"]]
    if not usable:
        return None
    triples, score = [], pair_scorer(model, precision=precision)
    for s in usable:
        ce = score([(s["query"], d) for d in s["documents"]])
        triples.append((s["scores"], ce, [d in s["positive"] for d in s["documents"]]))
    weight, _ = fit_blend_weight(triples)
    return weight


def write_training_curve(history: list[dict[str, Any]], path: Path) -> Path | None:
    """Training loss and validation nDCG@10 / MRR@10 against the step."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    losses = [(h["step"], h["loss"]) for h in history if "loss" in h and "step" in h]
    evals = [
        (h["step"], h.get(f"eval_{METRIC}"), h.get("eval_validation_mrr@10")) for h in history if f"eval_{METRIC}" in h
    ]
    if not losses and not evals:
        return None
    fig, ax = plt.subplots(figsize=(7, 4))
    if losses:
        ax.plot(*zip(*losses, strict=True), color="tab:blue", label="training loss")
    ax.set_xlabel("step")
    ax.set_ylabel("training loss", color="tab:blue")
    if evals:
        ax2 = ax.twinx()
        steps = [e[0] for e in evals]
        ax2.plot(steps, [e[1] for e in evals], "o-", color="tab:green", label="validation nDCG@10")
        ax2.plot(steps, [e[2] for e in evals], "s--", color="tab:orange", label="validation MRR@10")
        ax2.set_ylabel("validation metric")
        ax2.legend(loc="lower right")
    ax.set_title("cross-encoder training")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def write_model_card(
    model_dir: Path, config: TrainConfig, result: TrainResult, data_description: str, train_rows: int
) -> None:
    """README.md (human) and hardneg.json (machine: config, metrics, blend weight) in the model folder."""
    from hardneg_haystack.embedding.models import resolve_model

    info = {
        "base_model": config.base_model,
        "base_model_source": resolve_model(config.base_model).source,
        "data": data_description,
        "config": asdict(config),
        "train_rows": train_rows,
        "train_queries": result.train_queries,
        "validation_queries": result.validation_queries,
        "steps": result.steps,
        "best_step": result.best_step,
        "validation_metrics": result.metrics,
        "blend_weight": result.blend_weight,
    }
    write_training_info(model_dir, info)
    metrics = "\n".join(f"| {k} | {v:.4f} |" for k, v in sorted(result.metrics.items()))
    hyper = "\n".join(f"| {k} | {v} |" for k, v in asdict(config).items())
    card = f"""---
library_name: sentence-transformers
pipeline_tag: text-ranking
tags: [cross-encoder, reranker, hardneg-haystack]
---

# Cross-encoder re-ranker trained with hardneg-haystack

- **Base model:** `{config.base_model}` ({info["base_model_source"]})
- **Training data:** {data_description or "mined (query, positive, negatives)"}
- **Loss:** `{config.loss}`{f" (margin {config.margin})" if config.loss == "triplet" else ""}
- **Rows / queries:** {train_rows} training rows from {result.train_queries} queries; \
{result.validation_queries} validation queries held out by query
- **Steps:** {result.steps} (best checkpoint: step {result.best_step})
- **Blend weight** (cross-encoder share when blended with the first-stage score): {result.blend_weight}

## Use it in Haystack

```python
from haystack_integrations.components.rankers.sentence_transformers import SentenceTransformersSimilarityRanker

ranker = SentenceTransformersSimilarityRanker(model="{model_dir}")
```

## Validation metrics (best checkpoint)

| metric | value |
|---|---|
{metrics or "| (no validation set) | |"}

## Hyperparameters

| name | value |
|---|---|
{hyper}
"""
    (model_dir / "README.md").write_text(card)
