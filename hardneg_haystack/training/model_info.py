"""``hardneg.json``: what a model folder trained here tells every scorer of it, read and written in one place.

The trainer, the warm start and the student write it; the experiment adds the fitted fusion weights; rankers,
the evaluation, ``swap-ranker`` and the A/B arms read it (the blend weight, the fusion weights, and whether the
model reads BM25's score as text, ``config.bm25_text``). A model trained elsewhere has none and reads as ``{}``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

INFO_FILE = "hardneg.json"


def read_training_info(model_dir: str | Path) -> dict[str, Any]:
    """The ``hardneg.json`` of a model folder (empty for models trained elsewhere)."""
    path = Path(model_dir) / INFO_FILE
    return json.loads(path.read_text()) if path.is_file() else {}


def write_training_info(model_dir: str | Path, info: dict[str, Any]) -> None:
    """Write a model folder's ``hardneg.json`` (the whole of it)."""
    (Path(model_dir) / INFO_FILE).write_text(json.dumps(info, indent=2))


def update_training_info(model_dir: str | Path, **fields: Any) -> dict[str, Any]:
    """Add or replace top-level fields of a model folder's ``hardneg.json``; returns the new content."""
    info = {**read_training_info(model_dir), **fields}
    write_training_info(model_dir, info)
    return info


def reads_bm25(model_ref: str | Path) -> bool:
    """Whether a model was trained to read BM25's score as text (``hardneg.json``; a hub id: no)."""
    if not Path(model_ref).is_dir():
        return False
    return bool(read_training_info(model_ref).get("config", {}).get("bm25_text"))
