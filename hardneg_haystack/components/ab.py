"""ABRanker: serve two or more rankers side by side in one query pipeline (sticky split or interleaving)."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import replace
from typing import Any, Literal

import numpy as np
from haystack import Document, component, default_from_dict, default_to_dict
from haystack.utils.misc import _deduplicate_documents  # what SentenceTransformersSimilarityRanker uses

from hardneg_haystack.ab.assign import assign_arm, normalise_split, unit_fraction
from hardneg_haystack.ab.interleave import team_draft
from hardneg_haystack.components.rankers import fold_to_parents
from hardneg_haystack.ranking.score_fusion import blend
from hardneg_haystack.scoring.bm25_text import with_bm25_all
from hardneg_haystack.scoring.rerank_backends import SERVING_BATCH_SIZE
from hardneg_haystack.training.model_info import reads_bm25

Mode = Literal["split", "interleave"]


@component
class ABRanker:
    """
    Re-ranks the first stage's documents with one of several arms, chosen per user or session.

    An arm is a cross-encoder (``{"model": <folder, hub id or alias>}``, optionally blended with the first-stage
    score: ``"blend": 0.4`` or ``"blend": "stored"`` for the weight trained with the model) or ``None``: the
    first stage's own order (e.g. BM25 alone). In ``split`` mode a stable hash of ``unit_id`` picks the arm
    (the same id always gets the same arm; ``split`` sets the traffic shares). In ``interleave`` mode two
    arms rank every request and team-draft interleaving merges their lists; ``attribution`` names the arm
    that contributed each position, so a click credits it.

    ### Usage example

    ```python
    from haystack import Pipeline
    from haystack.components.retrievers.in_memory import InMemoryBM25Retriever
    from hardneg_haystack.components.ab import ABRanker

    pipe = Pipeline()
    pipe.add_component("retriever", InMemoryBM25Retriever(document_store=store, top_k=20))
    pipe.add_component("ab", ABRanker(arms={"bm25": None, "tuned": {"model": "runs/ranker/model"}}, top_k=10))
    pipe.connect("retriever.documents", "ab.documents")
    out = pipe.run({"retriever": {"query": q}, "ab": {"query": q, "unit_id": "user-42"}})
    out["ab"]["arm"], [d.id for d in out["ab"]["documents"]]
    ```
    """

    def __init__(
        self,
        *,
        arms: dict[str, dict[str, Any] | None],
        mode: Mode = "split",
        split: list[float] | None = None,
        salt: str = "",
        top_k: int = 10,
        batch_size: int | None = SERVING_BATCH_SIZE,
        device: str | None = None,
        backend: str = "auto",
    ) -> None:
        """
        :param arms: Arm name -> ``{"model": ..., "blend": weight | "stored" | None}`` or ``None`` (first stage).
        :param mode: ``split`` (one arm per unit id) or ``interleave`` (team-draft of exactly two arms).
        :param split: Traffic share per arm, in the order of ``arms`` (default: equal). Ignored when interleaving.
        :param salt: Changes every assignment at once (start a new experiment on the same users).
        :param top_k: Documents returned.
        :param batch_size: Pairs per forward pass, length-sorted (default 16, the fastest per pair measured
            on CPU: :data:`~hardneg_haystack.scoring.rerank_backends.SERVING_BATCH_SIZE`; None: one batch).
        :param device: Unused (kept so older YAML loads); the backends run on the CPU.
        :param backend: ``auto`` (the measured default,
            :func:`~hardneg_haystack.scoring.rerank_backends.default_backend`), ``torch``, ``torch-bf16``,
            ``torch-amp``, ``onnx`` or ``onnx-int8``.
        """
        from hardneg_haystack.scoring.rerank_backends import resolve_backend

        resolve_backend(backend)  # fail at construction on an unknown name
        if mode not in ("split", "interleave"):
            raise ValueError(f"mode must be 'split' or 'interleave', got {mode!r}")
        if mode == "interleave" and len(arms) != 2:
            raise ValueError(f"interleaving needs exactly two arms, got {len(arms)}: {list(arms)}")
        for name, spec in arms.items():
            if spec is not None and not spec.get("model"):
                raise ValueError(f"arm {name!r}: give {{'model': <folder, hub id or alias>}} or null (first stage)")
        self.arms, self.mode, self.split, self.salt = dict(arms), mode, split, salt
        self.shares = normalise_split(list(arms), split)
        self.top_k, self.batch_size, self.device, self.backend = top_k, batch_size, device, backend
        self._scorers: dict[str, Any] = {}
        self._reads_bm25 = {name: spec is not None and reads_bm25(spec["model"]) for name, spec in self.arms.items()}
        #: replaces :meth:`score_now` (the A/B server's micro-batcher: requests arriving together, one batch)
        self.score_hook: Callable[[str, list[tuple[str, str]]], np.ndarray] | None = None

    def warm_up(self) -> None:
        """Load every arm's cross-encoder once (idempotent), on ``backend``."""
        from hardneg_haystack.embedding.models import resolve_model
        from hardneg_haystack.scoring.rerank_backends import load_scorer

        for name, spec in self.arms.items():
            if spec is None or name in self._scorers:
                continue
            self._scorers[name] = load_scorer(resolve_model(spec["model"]).source, self.backend)

    def score_now(self, arm: str, pairs: list[tuple[str, str]]) -> np.ndarray:
        """``arm``'s raw scores (logits) of ``pairs``, in one length-sorted batch."""
        self.warm_up()
        return self._scorers[arm].predict(pairs, batch_size=self.batch_size, apply_activation=False)

    def _blend_weight(self, name: str) -> float | None:
        spec = self.arms[name] or {}
        weight = spec.get("blend")
        if weight == "stored":
            from hardneg_haystack.training.model_info import read_training_info

            weight = read_training_info(spec["model"]).get("blend_weight")
        return None if weight is None else float(weight)

    def rank(self, arm: str, query: str, documents: list[Document]) -> list[Document]:
        """``documents`` in ``arm``'s order, one per parent document (chunks folded by their best score, as the
        evaluation folds them: :func:`~hardneg_haystack.components.rankers.fold_to_parents`)."""
        return fold_to_parents(self._rank_pieces(arm, query, documents))

    def _rank_pieces(self, arm: str, query: str, documents: list[Document]) -> list[Document]:
        first = sorted(documents, key=lambda d: -(d.score or 0.0))
        if self.arms[arm] is None or not documents:
            return first
        docs = _deduplicate_documents(documents)
        texts = [d.content or "" for d in docs]
        if self._reads_bm25[arm]:  # the arm's model reads the first stage's BM25 score as text
            texts = with_bm25_all(texts, [d.score or 0.0 for d in docs])
        scores = (self.score_hook or self.score_now)(arm, [(query, t) for t in texts])
        ranked = sorted(
            (replace(d, score=float(s)) for d, s in zip(docs, scores, strict=True)), key=lambda d: -(d.score or 0.0)
        )
        weight = self._blend_weight(arm)
        if weight is None:
            return ranked
        by_id = {d.id: d.score or 0.0 for d in documents}
        mixed = blend([by_id[d.id] for d in ranked], [d.score or 0.0 for d in ranked], weight)
        scored = [replace(d, score=float(s)) for d, s in zip(ranked, mixed, strict=True)]
        return sorted(scored, key=lambda d: -(d.score or 0.0))

    @component.output_types(documents=list[Document], arm=str, attribution=list[str])
    def run(self, query: str, documents: list[Document], unit_id: str, top_k: int | None = None) -> dict[str, Any]:
        """
        :param query: The user's query.
        :param documents: The first stage's documents (with scores).
        :param unit_id: The user or session id that fixes the arm.
        :returns: ``documents`` in the served order, ``arm`` (the arm's name, or ``"interleave"``) and
            ``attribution`` (the arm that contributed each position).
        """
        k = top_k or self.top_k
        names = list(self.arms)
        if self.mode == "split":
            arm = assign_arm(unit_id, names, self.split, salt=self.salt)
            docs = self.rank(arm, query, documents)[:k]
            return {"documents": docs, "arm": arm, "attribution": [arm] * len(docs)}
        a, b = (self.rank(n, query, documents) for n in names)
        rng = random.Random(unit_fraction(f"{unit_id}\x1f{query}", self.salt))
        ids, teams = team_draft([d.id for d in a], [d.id for d in b], k=k, rng=rng, names=(names[0], names[1]))
        by_id = {d.id: d for d in a + b}
        return {"documents": [by_id[i] for i in ids], "arm": "interleave", "attribution": teams}

    def to_dict(self) -> dict[str, Any]:
        return default_to_dict(
            self,
            arms=self.arms,
            mode=self.mode,
            split=self.split,
            salt=self.salt,
            top_k=self.top_k,
            batch_size=self.batch_size,
            device=self.device,
            backend=self.backend,
        )

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ABRanker:
        return default_from_dict(cls, data)
