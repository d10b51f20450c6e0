"""On-disk embedding cache keyed by (model key, text), so re-indexing an unchanged corpus is cheap.

A single SQLite file; values are float32 blobs. Safe to interrupt: every batch is committed, so a
crashed indexing run resumes with what it had already embedded.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Sequence
from pathlib import Path

import numpy as np


def _key(model_key: str, text: str) -> bytes:
    return hashlib.blake2b(f"{model_key}\x00{text}".encode(), digest_size=20).digest()


class EmbeddingCache:
    """Persistent (model key, text) -> vector map.

    >>> cache = EmbeddingCache(":memory:")
    >>> cache.put("m", ["hi"], np.ones((1, 2), dtype=np.float32))
    >>> cache.get("m", ["hi", "new"])[1]
    [1]
    """

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(self.path, check_same_thread=False)
        self._conn.execute("CREATE TABLE IF NOT EXISTS emb (k BLOB PRIMARY KEY, dim INTEGER, v BLOB)")
        self._conn.commit()
        self.hits = 0
        self.misses = 0

    def get(self, model_key: str, texts: Sequence[str]) -> tuple[dict[int, np.ndarray], list[int]]:
        """Return ``({index: vector}, [indices missing])`` for ``texts``."""
        keys = [_key(model_key, t) for t in texts]
        found: dict[bytes, np.ndarray] = {}
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for k, _dim, v in self._conn.execute(f"SELECT k, dim, v FROM emb WHERE k IN ({marks})", chunk):
                found[k] = np.frombuffer(v, dtype=np.float32)
        hits = {i: found[k] for i, k in enumerate(keys) if k in found}
        missing = [i for i, k in enumerate(keys) if k not in found]
        self.hits += len(hits)
        self.misses += len(missing)
        return hits, missing

    def put(self, model_key: str, texts: Sequence[str], vectors: np.ndarray) -> None:
        vectors = np.asarray(vectors, dtype=np.float32)
        rows = [(_key(model_key, t), int(v.shape[0]), v.tobytes()) for t, v in zip(texts, vectors, strict=True)]
        self._conn.executemany("INSERT OR REPLACE INTO emb (k, dim, v) VALUES (?, ?, ?)", rows)
        self._conn.commit()

    def __len__(self) -> int:
        return int(self._conn.execute("SELECT COUNT(*) FROM emb").fetchone()[0])

    def close(self) -> None:
        self._conn.close()
