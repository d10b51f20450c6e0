"""A smaller student re-ranker: some layers of a trained cross-encoder, distilled on its own scores.

Scoring cost grows with the layers a pair passes through; a 3-layer student of a 6-layer MiniLM scores about
twice as many pairs per second (on SciFact, 2 layers learned only up to BM25's level: docs/RESULTS.md section
15c). Quality is what the distillation keeps, so the student is an option a user takes knowingly
(``hardneg distil``), never a silent default.

1. queries: pseudo-queries cut from the corpus (:mod:`~hardneg_haystack.training.pseudo_queries`), plus any
   query texts the caller has (a query log, or the training queries: their labels are not used);
2. candidates: for each, BM25's top ``pool`` from the SAME index, the lists the student will re-rank: the
   ``per_query // 2`` best and random others from the pool;
3. the teacher scores every (query, candidate) pair (with BM25's score as text when it reads it);
4. the student, the teacher cut to ``layers`` of its layers (its scoring head kept; by default spread evenly
   and ending with the last, whose output the head was trained on: the first layers alone give every pair
   of a list nearly the same [CLS] vector, std 0.0004 of a score the teacher spreads over 0.79, and the
   student cannot start to learn), learns the teacher's
   order of each query's candidates: sentence-transformers' ``ListNetLoss`` between the student's scores and
   the teacher's scores min-max normalised per list and divided by ``temperature`` (as the warm start's
   targets; ``loss="mse"``: its ``MSELoss`` on the raw scores
   instead, which on SciFact did not learn: a 2-layer student spent its capacity on each query's mean score).
   Blends and fusions normalise scores per query (min-max), so the teacher's weights still apply.

Example:
    >>> from hardneg_haystack.components.indexing import open_index
    >>> from hardneg_haystack.mining.corpus import load_corpus
    >>> from hardneg_haystack.training.student import StudentConfig, distil_student
    >>> store, _, _ = open_index("runs/demo/index")  # doctest: +SKIP
    >>> res = distil_student("runs/demo/rankers/ensemble/model", load_corpus(store, need_embeddings=False),
    ...                      store, "runs/demo/student", StudentConfig(layers=3))  # doctest: +SKIP
    >>> res.model_dir, res.pairs  # doctest: +SKIP
    (PosixPath('runs/demo/student/model'), 16000)
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from hardneg_haystack.errors import ConfigError, DataError
from hardneg_haystack.mining.corpus import Corpus
from hardneg_haystack.scoring.bm25_text import with_bm25_all
from hardneg_haystack.training.cross_encoder import MODEL_DIR, TrainConfig, write_training_curve
from hardneg_haystack.training.model_info import read_training_info, reads_bm25, write_training_info
from hardneg_haystack.training.pseudo_queries import make_pseudo_queries

PAIRS = "pairs.jsonl"
INFO = "student.json"


@dataclass
class StudentConfig:
    """How the student is made (stored in ``student.json`` and the model's ``hardneg.json``).

    :param layers: Transformer layers the student keeps.
    :param pick: Which: ``spread`` (evenly spaced, ending with the last: 2 of 6 -> layers 3 and 6) or
        ``first``.
    :param queries: Pseudo-queries cut from the corpus (added to the caller's own query texts).
    :param pool: BM25 candidates per query the pairs are drawn from.
    :param per_query: Pairs per query: the ``per_query // 2`` best of BM25 and random others from the pool.
    :param loss: ``listnet`` (the teacher's order of each query's candidates) or ``mse`` (its raw scores).
    :param temperature: Divides each list's min-max normalised teacher scores into ListNet's target logits
        (0.1: the best candidate 10 logits above the worst).
    :param learning_rate: Peak learning rate (a cut model moves far from where it starts).
    :param batch_size: Queries (lists) per optimiser step; with ``mse``, pairs.
    :param epochs: Passes over the pairs.
    :param eval_steps: Validate (and checkpoint) every this many steps (default: 4 times per run).
    :param precision: ``auto`` | ``bf16`` | ``fp32`` for the teacher's scoring and the student's training.
    """

    layers: int = 3
    pick: str = "spread"
    queries: int = 2000
    pool: int = 30
    per_query: int = 10
    loss: str = "listnet"
    temperature: float = 0.1
    learning_rate: float = 2e-4
    batch_size: int = 4
    epochs: float = 1.0
    eval_steps: int | None = None
    seed: int = 42
    precision: str = "auto"

    def __post_init__(self) -> None:
        if self.layers < 1:
            raise ConfigError(f"student: layers must be >= 1, got {self.layers}")
        if self.queries < 0 or self.pool < 1 or self.per_query < 1:
            raise ConfigError("student: queries >= 0, pool >= 1 and per_query >= 1")
        if self.pick not in ("spread", "first"):
            raise ConfigError(f"student: pick must be spread or first, got {self.pick!r}")
        if self.loss not in ("listnet", "mse"):
            raise ConfigError(f"student: loss must be listnet or mse, got {self.loss!r}")
        if self.temperature <= 0:
            raise ConfigError(f"student: temperature must be > 0, got {self.temperature:g}")


@dataclass
class StudentResult:
    model_dir: Path
    pairs: int
    steps: int
    layers: int
    teacher_layers: int
    metrics: dict[str, float] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)


def encoder_layers(model: Any) -> Any:
    """The ``ModuleList`` of transformer layers of a CrossEncoder (BERT-style models: ``<base>.encoder.layer``)."""
    inner = getattr(model, "model", model)
    base = getattr(inner, getattr(inner, "base_model_prefix", ""), None)
    layers = getattr(getattr(base, "encoder", None), "layer", None)
    if layers is None:
        raise ConfigError(
            f"cannot cut {type(inner).__name__} into a student: only BERT-style encoders (encoder.layer) are supported"
        )
    return layers


def chosen_layers(had: int, keep: int, pick: str = "spread") -> list[int]:
    """Indices of the ``keep`` layers of ``had`` a student keeps: the first ones, or spread evenly and ending
    with the last.

        >>> chosen_layers(6, 2), chosen_layers(6, 3), chosen_layers(6, 2, "first")
        ([2, 5], [1, 3, 5], [0, 1])
    """
    if pick == "first":
        return list(range(keep))
    return [round((i + 1) * had / keep) - 1 for i in range(keep)]


def cut_layers(model: Any, keep: int, pick: str = "first") -> int:
    """Keep ``keep`` transformer layers of ``model`` (in place; :func:`chosen_layers`); returns how many it had."""
    import torch

    layers = encoder_layers(model)
    had = len(layers)
    if keep >= had:
        raise ConfigError(f"student: the teacher has {had} layers, a student must keep fewer (asked {keep})")
    inner = getattr(model, "model", model)
    kept = [layers[i] for i in chosen_layers(had, keep, pick)]
    getattr(inner, inner.base_model_prefix).encoder.layer = torch.nn.ModuleList(kept)
    inner.config.num_hidden_layers = keep
    return had


def listnet_targets(scores: Sequence[float], temperature: float) -> list[float]:
    """One list's teacher scores as ListNet logits: min-max normalised to [0, 1], divided by ``temperature``.

    Any teacher's scale then gives the same sharpness (as the warm start's targets): a teacher whose logits
    spread over about one unit, read raw, gives a near-uniform target the student barely learns from.

        >>> listnet_targets([2.0, 0.0, 1.0], 0.1)
        [10.0, 0.0, 5.0]
    """
    from hardneg_haystack.ranking.score_fusion import minmax

    return [round(float(v) / temperature, 4) for v in minmax(scores)]


def pick_candidates(ranked: Sequence[int], per_query: int, rng: random.Random) -> list[int]:
    """The ``per_query // 2`` best of ``ranked`` (best first) and random others from the rest."""
    head = list(ranked[: max(1, per_query // 2)])
    rest = list(ranked[len(head) :])
    return head + rng.sample(rest, min(len(rest), per_query - len(head)))


def student_pairs(
    texts: Sequence[str],
    corpus: Corpus,
    store: Any,
    config: StudentConfig,
    *,
    bm25_text: bool,
    progress: Callable[[int], None] | None = None,
) -> list[tuple[str, str]]:
    """(query, passage) pairs from BM25's candidates of each query text; passages tagged when ``bm25_text``."""
    from hardneg_haystack.mining.baselines import Bm25Scorer

    scorer = Bm25Scorer(corpus, store)
    rng = random.Random(config.seed)
    pairs: list[tuple[str, str]] = []
    for text in texts:
        idx, scores = scorer.top(text, config.pool)
        ranked = sorted(zip(idx.tolist(), scores.tolist(), strict=True), key=lambda x: -x[1])
        if not ranked:
            continue
        score_of = dict(ranked)
        chosen = pick_candidates([i for i, _ in ranked], config.per_query, rng)
        docs = [corpus.contents[i] for i in chosen]
        if bm25_text:
            docs = with_bm25_all(docs, [score_of[i] for i in chosen], ranked[0][1])
        pairs += [(text, d) for d in docs]
        if progress is not None:
            progress(1)
    return pairs


def check_teacher(teacher: str | Path, config: StudentConfig) -> Path:
    """The teacher's folder, refused (:class:`ConfigError`) before any work when it is no model folder or has
    no more layers than the student would keep (its ``config.json``; :func:`cut_layers` checks the model)."""
    teacher_dir = Path(teacher)
    if not teacher_dir.is_dir():
        raise ConfigError(f"the teacher must be a trained model folder, got {teacher}")
    cfg = teacher_dir / "config.json"
    depth = json.loads(cfg.read_text()).get("num_hidden_layers") if cfg.is_file() else None
    if depth is not None and config.layers >= depth:
        raise ConfigError(f"student: the teacher has {depth} layers, a student must keep fewer (asked {config.layers})")
    return teacher_dir


def distil_student(
    teacher: str | Path,
    corpus: Corpus,
    store: Any,
    output_dir: str | Path,
    config: StudentConfig | None = None,
    *,
    query_texts: Sequence[str] = (),
    validation: list[dict[str, Any]] | None = None,
    progress: Callable[[int], None] | None = None,
    step_progress: Callable[[int], Callable[[int], None]] | None = None,
    device: str | None = None,
) -> StudentResult:
    """Distil ``teacher`` (a trained model folder) into ``output_dir/model``; see the module docstring.

    :param query_texts: Extra query texts (no labels needed); pseudo-queries are added to them.
    :param validation: Re-ranking samples (:func:`~hardneg_haystack.training.validation.rerank_samples`, tagged
        when the teacher reads BM25's score) to pick the best checkpoint and report on.
    :param progress: Advanced by 1 per query whose candidates are gathered.
    :param step_progress: Given the total training steps, returns a callable advanced by 1 per step.
    """
    import torch
    from datasets import Dataset
    from sentence_transformers.cross_encoder.losses import ListNetLoss, MSELoss
    from transformers import set_seed

    from hardneg_haystack.embedding.models import load_cross_encoder
    from hardneg_haystack.ingest.jsonl import iter_jsonl
    from hardneg_haystack.scoring.precision import pair_scorer
    from hardneg_haystack.training.cross_encoder import (
        CHECKPOINTS,
        _last_checkpoint,
        build_trainer,
        fit,
        set_training_attention,
    )

    config = config or StudentConfig()
    teacher_dir = check_teacher(teacher, config)
    info = read_training_info(teacher_dir)
    max_length = int(info.get("config", {}).get("max_length") or 256)
    bm25_text = reads_bm25(teacher_dir)
    out = Path(output_dir)
    out.mkdir(parents=True, exist_ok=True)
    key = {"teacher": str(teacher_dir.resolve()), "config": asdict(config), "queries": len(query_texts)}
    run_path = out / "run.json"
    if run_path.is_file() and json.loads(run_path.read_text()) != key:
        raise ConfigError(
            f"{out} holds a student made from another teacher or with other settings: "
            "give another folder, or delete this one to start afresh"
        )
    run_path.write_text(json.dumps(key, indent=2))
    seconds: dict[str, float] = {}
    set_seed(config.seed)
    pairs_path = out / PAIRS
    start = time.perf_counter()
    model = None  # the teacher, loaded once: it scores the pairs, then is cut into the student
    if pairs_path.is_file():  # a resumed run reuses the teacher's scores
        rows = [row for _, row in iter_jsonl(pairs_path)]
    else:
        pseudo = make_pseudo_queries(corpus.contents, n=config.queries, seed=config.seed) if config.queries else []
        texts = list(dict.fromkeys([*query_texts, *(p.text for p in pseudo)]))
        pairs = student_pairs(texts, corpus, store, config, bm25_text=bm25_text, progress=progress)
        if not pairs:
            raise DataError("the student found no BM25 candidates for its queries")
        model = load_cross_encoder(str(teacher_dir), max_length=max_length, device=device)
        # raw logits: a sigmoid would squash the scores the student learns; restored, so that the student
        # predicts as its teacher does
        squash, model.activation_fn = model.activation_fn, torch.nn.Identity()
        scores = pair_scorer(model, precision=config.precision)(pairs)
        model.activation_fn = squash
        rows = [{"query": q, "document": d, "score": round(s, 5)} for (q, d), s in zip(pairs, scores, strict=True)]
        tmp = pairs_path.with_suffix(".tmp")
        tmp.write_text("".join(json.dumps(r) + "\n" for r in rows))
        tmp.replace(pairs_path)
    seconds["teacher"] = round(time.perf_counter() - start, 2)
    if config.loss == "mse":
        dataset = Dataset.from_dict({k: [r[k] for r in rows] for k in ("query", "document", "score")})
    else:
        lists: dict[str, dict[str, list[Any]]] = {}
        for r in rows:
            entry = lists.setdefault(r["query"], {"docs": [], "labels": []})
            entry["docs"].append(r["document"])
            entry["labels"].append(r["score"])
        for entry in lists.values():
            entry["labels"] = listnet_targets(entry["labels"], config.temperature)
        dataset = Dataset.from_dict(
            {
                "query": list(lists),
                "docs": [v["docs"] for v in lists.values()],
                "labels": [v["labels"] for v in lists.values()],
            }
        )
    if model is None:
        model = load_cross_encoder(str(teacher_dir), max_length=max_length, device=device)
    teacher_layers = cut_layers(model, config.layers, config.pick)
    train = TrainConfig(
        base_model=str(teacher_dir),
        learning_rate=config.learning_rate,
        batch_size=config.batch_size,
        epochs=config.epochs,
        max_length=max_length,
        eval_steps=config.eval_steps,
        early_stopping_patience=0,
        seed=config.seed,
        precision=config.precision,  # type: ignore[arg-type]
        bm25_text=bm25_text,
    )
    set_training_attention(model, train.attention_dropout)
    loss = MSELoss(model) if config.loss == "mse" else ListNetLoss(model, mini_batch_size=32)
    trainer = build_trainer(
        model, dataset, loss, train, out, samples=validation or None, device=device, step_progress=step_progress
    )
    fitted = fit(trainer, model, checkpoint=_last_checkpoint(out / CHECKPOINTS))
    seconds["train"], history, metrics = fitted.seconds, fitted.history, fitted.metrics
    model_dir = out / MODEL_DIR
    model.save(str(model_dir))
    student = {
        "teacher": str(teacher_dir),
        "layers": config.layers,
        "teacher_layers": teacher_layers,
        "kept": chosen_layers(teacher_layers, config.layers, config.pick),
    }
    card = {k: v for k, v in info.items() if k in ("blend_weight", "fusion_weights")}  # the teacher's scale is kept
    write_training_info(
        model_dir,
        {
            "base_model": str(teacher_dir),
            "student": {**student, "config": asdict(config)},
            "config": {**asdict(train), "bm25_text": bm25_text},
            "validation_metrics": metrics,
            **card,
        },
    )
    (out / "history.json").write_text(json.dumps(history, indent=2))
    write_training_curve(history, out / "training_curve.png")
    steps = int(trainer.state.global_step)
    (out / INFO).write_text(json.dumps({**student, "pairs": len(rows), "steps": steps, "metrics": metrics,
                                        "seconds": seconds}, indent=2))  # fmt: skip
    return StudentResult(model_dir, len(rows), steps, config.layers, teacher_layers, metrics, seconds)
