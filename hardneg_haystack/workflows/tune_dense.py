"""Tune one ensemble member on mined negatives, judged each epoch by what the index would serve with it.

The one orchestration of ``hardneg tune-dense`` and the experiment's ``dense:<miner>`` steps: choose the member,
turn a miner's ntuples into training rows (the validation queries left out), validate every epoch with
:func:`~hardneg_haystack.evaluation.dense.member_validator` and train with
:func:`~hardneg_haystack.training.dense_tune.tune_member`. Writing the kept member into an index is
:func:`~hardneg_haystack.index.workdir.replace_member`, a separate step (the experiment evaluates first).

Example::

    store, ensemble, _ = open_work_dir("runs/index")
    outcome = tune_dense(
        store=store, ensemble=ensemble, corpus=load_corpus(store),
        ntuples=MiningResult.read("runs/mined").ntuples(), validation=load_beir_queries("data", "dev"),
        out="runs/dense", config=DenseTuneConfig(epochs=2),
    )
    print(outcome.member, outcome.result.curve)   # e.g. minilm [0.654, 0.698, 0.716]
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from hardneg_haystack.embedding.precision import use_bf16
from hardneg_haystack.errors import ConfigError, DataError
from hardneg_haystack.evaluation.dense import member_validator
from hardneg_haystack.training.dense_tune import DenseTuneConfig, DenseTuneResult, training_rows, tune_member
from hardneg_haystack.training.judgements import Judgements, samples_digest
from hardneg_haystack.training.warmstart import corpus_fingerprint


class NothingToTune(DataError):
    """The member cannot be tuned (a Haystack embedder pair) or the miner left no usable tuple."""


@dataclass
class DenseTuneOutcome:
    member: str  # the tuned member's label
    position: int  # its place in the ensemble
    rows: int  # training rows (query, positive, negatives)
    result: DenseTuneResult


def choose_member(ensemble: Any, member: str | None = None) -> int:
    """The position of ``member`` (a member's label) in ``ensemble``; None: the heaviest member (after a weight
    fit, the one that retrieves best alone).

    :raises ConfigError: ``member`` is not in the ensemble.
    :raises NothingToTune: the chosen member is a Haystack embedder pair, not a trainable model.
    """
    names = [m.label for m in ensemble.members]
    if member is None:
        position = max(range(len(names)), key=lambda i: ensemble.members[i].weight)
    elif member in names:
        position = names.index(member)
    else:
        raise ConfigError(f"member {member!r}: the ensemble's members are {', '.join(names)}")
    if ensemble.members[position].model is None:
        raise NothingToTune(f"member {names[position]!r} is a Haystack embedder pair, not a trainable model")
    return position


def tune_dense(
    *,
    store: Any,
    ensemble: Any,
    corpus: Any,
    ntuples: Sequence[dict[str, Any]],
    validation: Sequence[Any],
    out: str | Path,
    config: DenseTuneConfig,
    member: str | None = None,
    depth: int = 100,
    mined_from: str | None = None,
    validation_from: str | None = None,
    on_epoch: Callable[[int, float], None] | None = None,
    judgements: Judgements | None = None,
) -> DenseTuneOutcome:
    """Tune ``member`` (:func:`choose_member`) of the indexed ``ensemble`` on ``ntuples`` (a miner's output,
    ``config.negatives`` negatives per row, the ``validation`` queries left out) for up to ``config.epochs``
    epochs; each epoch, and the member as indexed, is judged by the ensemble's dense nDCG@10 (top ``depth``) on
    ``validation`` with the tuned member in place; the best is saved under ``out/model`` (nothing when the member
    as indexed wins) and described in ``out/dense_tune.json``. ``mined_from`` / ``validation_from``: where the
    tuples and the validation queries come from (paths), named in the message when no tuple is left.
    ``judgements``: validation results remembered by the weights judged
    (:class:`~hardneg_haystack.training.judgements.Judgements`): tunes of one member on several negative sources
    judge the member as indexed once.

    :raises NothingToTune: the member cannot be trained, or no tuple has enough negatives outside ``validation``.
    """
    position = choose_member(ensemble, member)
    rows = training_rows(ntuples, config.negatives, {q.id for q in validation})
    if not rows:
        raise NothingToTune(
            f"{mined_from + ': ' if mined_from else ''}no tuple with {config.negatives} negatives outside the "
            f"{len(validation)} validation queries{' of ' + validation_from if validation_from else ''} "
            "(validate on other queries than those mined)"
        )
    validate = member_validator(
        corpus, ensemble, position, validation, depth=depth, store=store, candidates=config.candidates,
        precision=config.precision,
    )  # fmt: skip
    model = str(ensemble.members[position].model)
    judged = judgements or Judgements()
    what = samples_digest([_validation_setting(corpus, ensemble, position, validation, depth, config.candidates)])

    def judge(st: Any) -> float:
        return judged.judge(st, what, config.precision, lambda: {"ndcg@10": validate(st)})["ndcg@10"]

    result = tune_member(model, rows, out, config, evaluate=judge, on_epoch=on_epoch)
    return DenseTuneOutcome(ensemble.members[position].label, position, len(rows), result)


def _validation_setting(
    corpus: Any, ensemble: Any, position: int, validation: Sequence[Any], depth: int, candidates: int | None
) -> dict[str, Any]:
    """What a member's validation score depends on besides its weights: the index (entries and vectors), the
    ensemble's other members and weights, the queries and the retrieval depth."""
    vectors = hashlib.sha256(memoryview(np.ascontiguousarray(corpus.embeddings))).hexdigest()  # no copy
    return {
        "corpus": corpus_fingerprint(corpus), "vectors": vectors, "position": position, "depth": depth,
        "candidates": candidates, "members": [str(m.label) for m in ensemble.members],
        "weights": [float(w) for w in ensemble.weights], "fusion": str(ensemble.fusion),
        "embedded_in": "bf16" if use_bf16(ensemble.precision, ensemble.device) else "fp32",  # the other members'
        "queries": [[q.id, q.text, sorted(q.positive_ids)] for q in validation],
    }  # fmt: skip
