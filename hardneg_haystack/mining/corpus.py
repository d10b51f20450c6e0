"""One full scan of a store into arrays every miner shares (so nothing is embedded or scanned twice)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from haystack import Document

from hardneg_haystack.errors import DataError
from hardneg_haystack.index.stores import iter_all_documents
from hardneg_haystack.mining.selection import content_key


@dataclass
class Corpus:
    ids: list[str]
    parent_ids: list[str]
    contents: list[str]
    embeddings: np.ndarray | None  # (N, D) float32, None when the store holds no embeddings
    doc_lengths: list[int] | None = None  # words in each entry's PARENT document (meta doc_length)
    index: dict[str, int] = field(init=False)
    by_parent: dict[str, list[int]] = field(init=False)
    dedupe_keys: list[tuple[str, str]] = field(init=False)

    def __post_init__(self) -> None:
        self.index = {d: i for i, d in enumerate(self.ids)}
        self.by_parent = {}
        for i, p in enumerate(self.parent_ids):
            self.by_parent.setdefault(p, []).append(i)
        self.dedupe_keys = [
            (f"c:{content_key(c)}", f"p:{p}") for c, p in zip(self.contents, self.parent_ids, strict=True)
        ]

    def __len__(self) -> int:
        return len(self.ids)

    def positive_indices(self, positive_ids: tuple[str, ...]) -> list[int]:
        """Store entries that are a positive or a chunk of one."""
        out: list[int] = []
        for pid in positive_ids:
            if pid in self.by_parent:
                out.extend(self.by_parent[pid])
            elif pid in self.index:
                out.extend(self.by_parent.get(self.parent_ids[self.index[pid]], [self.index[pid]]))
        return sorted(set(out))


def load_corpus(store: Any, *, need_embeddings: bool = True) -> Corpus:
    """Scan every document of ``store`` (no 10,000-document cap), sorted by id for determinism."""
    return corpus_from_documents(iter_all_documents(store), need_embeddings=need_embeddings)


def corpus_from_documents(documents: Iterable[Document], *, need_embeddings: bool = True) -> Corpus:
    """The arrays the miners share, from documents already in hand (sorted by id for determinism)."""
    docs = sorted(documents, key=lambda d: d.id)
    if not docs:
        raise DataError("the document store is empty: index documents first (`hardneg index`)")
    emb = None
    if need_embeddings:
        missing = [d.id for d in docs if d.embedding is None]
        if missing:
            raise DataError(f"{len(missing)} documents have no embedding (first: {missing[:3]}): re-run indexing")
        emb = np.asarray([d.embedding for d in docs], dtype=np.float32)
    return Corpus(
        ids=[d.id for d in docs],
        parent_ids=[str(d.meta.get("parent_id", d.id)) for d in docs],
        contents=[d.content or "" for d in docs],
        embeddings=emb,
        doc_lengths=[int(d.meta.get("doc_length", len((d.content or "").split()))) for d in docs],
    )
