"""Fine-tune one ensemble member as a bi-encoder on mined (query, positive, hard negative) tuples.

The fused system's three signals (BM25, the dense ensemble, the warm-started cross-encoder) are all label-free
until the re-rankers' short fine-tune; fitted on SciFact's test queries themselves, the fusion weights give
that cross-encoder no share (docs/RESULTS.md section 13k): the labels are the one knowledge the system lacks.
The mined negatives serve the retriever as well as the re-ranker: sentence-transformers'
(Cached)MultipleNegativesRankingLoss on (query, positive, mined negatives) plus in-batch negatives, one epoch at a
time, each epoch judged by a caller's validation (the ensemble's dense nDCG@10 on held-out queries); the best
epoch is kept, epoch 0 (the member as it was) included, so a tune that does not help changes nothing.

Example:
    >>> cfg = DenseTuneConfig(epochs=2)
    >>> rows = [{"anchor": "reset vpn token", "positive": "To reset a VPN token ...", "negative_0": "Passwords ..."}]
    >>> res = tune_member("minilm", rows, "runs/dense", cfg, evaluate=lambda model: 0.5)  # doctest: +SKIP
    >>> res.best_epoch, res.curve  # doctest: +SKIP
    (0, [0.5, 0.5, 0.5])
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from hardneg_haystack.errors import ConfigError
from hardneg_haystack.training.distributed import is_main_process, world_size

RESULT_FILE = "dense_tune.json"


@dataclass
class DenseTuneConfig:
    """How the dense member is tuned (chosen on SciFact VALIDATION queries: docs/RESULTS.md section 13k).

    :param epochs: Epochs at most; the best epoch on validation is kept (0: the member unchanged). SciFact's
        validation still rose at 5 (docs/RESULTS.md section 13k); 3 keeps one tune per negative source inside the
        experiment's 90-minute budget on 2 CPU cores.
    :param learning_rate: AdamW learning rate (constant after a warm-up of 10 % of the first epoch).
    :param batch_size: Queries per batch; every other query's positive and negatives are in-batch negatives.
    :param negatives: Mined negatives per query (the miner's hardest first).
    :param max_length: Tokens the member reads (queries and passages).
    :param miners: In ``hardneg experiment``: the negative sources to tune one member each on, with these same
        settings (the comparison of negative sources where the labels pay); the one best on validation is
        kept and served. None: every miner of the experiment but ``mix`` when its first source alone fills
        ``negatives`` (the tune would repeat that source's).
    :param candidates: Judge each epoch on the validation queries' candidates (BM25's and the dense top
        ``candidates`` of each, and their positives) instead of the whole corpus: an epoch's validation embeds
        that pool only. None: the whole corpus.
    :param mini_batch_size: Passages embedded at once inside a batch (sentence-transformers'
        CachedMultipleNegativesRankingLoss: the same loss and gradients with the memory of a mini-batch; one
        step of 32 x 3 texts at 256 tokens peaks at 2.1 GB instead of 7.5 GB, 12 % slower); None: the plain loss
        (which a static model2vec member always uses).
    :param seed: Seed of the data order.
    :param precision: ``auto`` (bf16 where the hardware has it), ``bf16`` or ``fp32``.
    """

    epochs: int = 3
    learning_rate: float = 2e-5
    batch_size: int = 32
    negatives: int = 1
    max_length: int = 256
    miners: list[str] | None = None
    candidates: int | None = 30
    mini_batch_size: int | None = 8
    seed: int = 42
    precision: str = "auto"

    def __post_init__(self) -> None:
        for name in ("epochs", "batch_size", "negatives", "max_length"):
            if getattr(self, name) < 1:
                raise ConfigError(f"dense.{name} must be >= 1, got {getattr(self, name)}")
        if self.candidates is not None and self.candidates < 1:
            raise ConfigError(f"dense.candidates must be >= 1 (or null: the whole corpus), got {self.candidates}")
        if self.miners is not None and not self.miners:
            raise ConfigError("dense.miners: name at least one negative source (or null: every miner)")
        if self.mini_batch_size is not None and self.mini_batch_size < 1:
            raise ConfigError(f"dense.mini_batch_size must be >= 1 (or null), got {self.mini_batch_size}")
        if not self.learning_rate > 0:
            raise ConfigError(f"dense.learning_rate must be > 0, got {self.learning_rate}")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class DenseTuneResult:
    model_dir: Path | None  # None: epoch 0 was best, nothing saved
    best_epoch: int
    curve: list[float]  # validation score after each epoch, epoch 0 first
    train_pairs: int
    seconds: float
    judging_seconds: float = 0.0  # of ``seconds``, spent judging epochs on validation

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["model_dir"] = str(self.model_dir) if self.model_dir else None
        return out


def training_rows(ntuples: Sequence[dict[str, Any]], negatives: int, exclude: set[str]) -> list[dict[str, str]]:
    """``anchor``/``positive``/``negative_i`` rows from a miner's ntuples (queries in ``exclude`` left out;
    a tuple with fewer negatives than asked is skipped: every row needs the same columns)."""
    rows = []
    for t in ntuples:
        if t["query_id"] in exclude or len(t["negatives"]) < negatives:
            continue
        rows.append({"anchor": t["query"], "positive": t["positive"],
                     **{f"negative_{i}": t["negatives"][i] for i in range(negatives)}})  # fmt: skip
    return rows


def tune_member(
    model: str,
    rows: list[dict[str, str]],
    out: str | Path,
    config: DenseTuneConfig,
    *,
    evaluate: Callable[[Any], float],
    on_epoch: Callable[[int, float], None] | None = None,
) -> DenseTuneResult:
    """Tune the sentence-transformers ``model`` on ``rows`` for up to ``config.epochs`` epochs; after each
    epoch (and before the first) ``evaluate(model) -> score`` judges it; the best epoch is saved to
    ``out/model`` (nothing when epoch 0 wins) and the result to ``out/dense_tune.json``.

    Under ``torchrun`` / ``accelerate launch`` (:mod:`hardneg_haystack.training.distributed`) each process trains
    on its share of every epoch's batches (DistributedDataParallel: gloo on CPU, nccl on GPUs) and judges the
    same synchronised model; only the main process writes the model and the result."""
    import torch
    from datasets import Dataset
    from sentence_transformers import SentenceTransformerTrainer
    from sentence_transformers.sentence_transformer import losses
    from sentence_transformers.sentence_transformer.modules import StaticEmbedding
    from sentence_transformers.sentence_transformer.training_args import SentenceTransformerTrainingArguments
    from transformers import PrinterCallback

    from hardneg_haystack.embedding.models import load_sentence_transformer
    from hardneg_haystack.scoring.precision import use_bf16

    if not rows:
        raise ConfigError("no training tuples to tune the dense member on (did the miner find negatives?)")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(config.seed)
    st = load_sentence_transformer(model)
    with contextlib.suppress(AttributeError):  # a static (model2vec) member has no length to set
        st.max_seq_length = config.max_length
    start = time.perf_counter()
    judging = 0.0

    def judge() -> float:
        nonlocal judging
        began = time.perf_counter()
        score = float(evaluate(st))
        judging += time.perf_counter() - began
        return score

    curve = [judge()]
    if on_epoch:
        on_epoch(0, curve[0])
    best = 0
    data = Dataset.from_list(rows)
    # the trainer's model card samples "widget examples" behind a tqdm bar of its own on every init: not ours to show
    st.model_card_data.set_widget_examples = lambda dataset: None
    static = isinstance(st[0], StaticEmbedding)  # no activations to cache, and no mini-batches to cut
    # under a launcher every process's passages are every query's in-batch negatives, as in one process's batch
    gather = world_size() > 1
    loss = (
        losses.MultipleNegativesRankingLoss(st, gather_across_devices=gather)
        if config.mini_batch_size is None or static
        else losses.CachedMultipleNegativesRankingLoss(
            st, mini_batch_size=config.mini_batch_size, gather_across_devices=gather
        )
    )
    bf16 = use_bf16(config.precision)
    for epoch in range(1, config.epochs + 1):
        args = SentenceTransformerTrainingArguments(
            output_dir=str(out / "trainer"),
            num_train_epochs=1,
            per_device_train_batch_size=config.batch_size,
            learning_rate=config.learning_rate,
            warmup_steps=0.1 if epoch == 1 else 0,
            lr_scheduler_type="constant_with_warmup",
            bf16=bf16,
            use_cpu=not torch.cuda.is_available(),  # bf16 autocast on CPU needs it
            dataloader_pin_memory=False,
            save_strategy="no",
            report_to=[],
            batch_sampler="no_duplicates",
            seed=config.seed + epoch,
            disable_tqdm=True,
        )
        trainer = SentenceTransformerTrainer(model=st, args=args, train_dataset=data, loss=loss)
        trainer.remove_callback(PrinterCallback)  # our output is ours
        trainer.train()
        score = judge()
        curve.append(score)
        if on_epoch:
            on_epoch(epoch, score)
        if score > curve[best]:
            best = epoch
            if is_main_process():  # under a launcher every process holds the same model; one writes it
                st.save(str(out / "model"))
    result = DenseTuneResult(
        out / "model" if best else None, best, curve, len(rows), round(time.perf_counter() - start, 2),
        round(judging, 2),
    )  # fmt: skip
    if is_main_process():
        saved = {"config": config.to_dict(), **result.to_dict(), "processes": world_size()}
        (out / RESULT_FILE).write_text(json.dumps(saved, indent=2))
    return result
