"""On-disk embedding cache keyed by (model key, text), so re-indexing an unchanged corpus is cheap.

A single SQLite file; values are float32 blobs. Safe to interrupt: every batch is committed, so a
crashed indexing run resumes with what it had already embedded. A cache file that fails SQLite's check is
never trusted: it is moved aside (``embeddings.sqlite.damaged``) with a warning and rebuilt from scratch,
and a stored vector whose size does not match the model is treated as missing and re-embedded.
"""

from __future__ import annotations

import hashlib
import logging
import sqlite3
from collections.abc import Sequence
from pathlib import Path

import numpy as np

logger = logging.getLogger(__name__)


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
        #: where a damaged cache file was moved before this one was started afresh (None: it was sound)
        self.discarded: Path | None = None
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        try:
            self._conn = self._open()
        except sqlite3.DatabaseError as exc:
            self.discarded = Path(self.path).with_name(Path(self.path).name + ".damaged")
            logger.warning(
                "embedding cache %s is damaged (%s): moved to %s and rebuilt (its vectors are re-embedded)",
                self.path, exc, self.discarded,
            )  # fmt: skip
            Path(self.path).replace(self.discarded)
            self._conn = self._open()
        self.hits = 0
        self.misses = 0

    def _open(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, check_same_thread=False)
        try:
            conn.execute("CREATE TABLE IF NOT EXISTS emb (k BLOB PRIMARY KEY, dim INTEGER, v BLOB)")
            conn.commit()
            (verdict,) = conn.execute("PRAGMA quick_check").fetchone()
            if verdict != "ok":
                raise sqlite3.DatabaseError(f"integrity check: {verdict}")
        except sqlite3.DatabaseError:
            conn.close()
            raise
        return conn

    def get(
        self, model_key: str, texts: Sequence[str], *, dim: int | None = None
    ) -> tuple[dict[int, np.ndarray], list[int]]:
        """Return ``({index: vector}, [indices missing])`` for ``texts``; a stored vector that is not a
        ``dim``-vector of finite floats counts as missing."""
        keys = [_key(model_key, t) for t in texts]
        found: dict[bytes, np.ndarray] = {}
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for k, _dim, v in self._conn.execute(f"SELECT k, dim, v FROM emb WHERE k IN ({marks})", chunk):
                vec = _vector(v, dim)
                if vec is not None:
                    found[k] = vec
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


def _vector(blob: object, dim: int | None) -> np.ndarray | None:
    """A stored blob as a float32 vector, or None when it is not one of ``dim`` finite values."""
    if not isinstance(blob, bytes) or len(blob) % 4 or not blob:
        return None
    vec = np.frombuffer(blob, dtype=np.float32)
    if (dim is not None and vec.shape[0] != dim) or not np.isfinite(vec).all():
        return None
    return vec
