"""What a training run is: its config and its data, hashed, so a run folder resumes only its own run.

``run.json`` in the run folder holds the fingerprint; a later ``train`` into the same folder resumes its
checkpoints only when the new fingerprint is the same, and otherwise says which part differs.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

from hardneg_haystack.embedding.models import model_identity
from hardneg_haystack.errors import ConfigError, DamagedFileError
from hardneg_haystack.training.data import Group

RUN_FILE = "run.json"
#: how long a run goes on may change between resumes (extend a run with more steps); what it learns, from
#: what and how, may not
RESUMABLE_CHANGES = frozenset({"max_steps", "epochs", "eval_steps", "evals_per_epoch", "early_stopping_patience"})


def _digest(obj: Any) -> str:
    return hashlib.sha256(json.dumps(obj, sort_keys=True, default=str).encode()).hexdigest()[:16]


def fingerprint(config: Any, train_groups: list[Group], validation_groups: list[Group]) -> dict[str, Any]:
    """``{"config": {...}, "data": hash, "validation": hash}`` of one run (pure apart from resolving the
    base model's folder)."""
    cfg = {k: v for k, v in asdict(config).items() if k not in RESUMABLE_CHANGES}
    cfg["base_model"] = model_identity(str(cfg["base_model"]))
    return {
        "config": cfg,
        "data": _digest([asdict(g) for g in train_groups]),
        "validation": _digest(sorted(g.query_id for g in validation_groups)),
    }


def differences(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """What differs between two fingerprints, in words (empty: the same run)."""
    out = []
    old_cfg, new_cfg = old.get("config", {}), new.get("config", {})
    changed = sorted(k for k in set(old_cfg) | set(new_cfg) if old_cfg.get(k) != new_cfg.get(k))
    out += [f"{k}: {old_cfg.get(k)!r} -> {new_cfg.get(k)!r}" for k in changed]
    if old.get("data") != new.get("data"):
        out.append("the training data (queries, positives or negatives)")
    if old.get("validation") != new.get("validation"):
        out.append("the validation queries")
    return out


def read_run(folder: Path) -> dict[str, Any] | None:
    path = folder / RUN_FILE
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise DamagedFileError(
            path, f"{path} is damaged ({exc}); train into a new --out folder, or pass --no-resume to start afresh"
        ) from exc
    return data if isinstance(data, dict) else None


def write_run(folder: Path, fp: dict[str, Any]) -> None:
    tmp = folder / (RUN_FILE + ".tmp")
    tmp.write_text(json.dumps(fp, indent=2, default=str), encoding="utf-8")
    tmp.replace(folder / RUN_FILE)


def check_resumable(folder: Path, fp: dict[str, Any], checkpoint: str | None) -> None:
    """Refuse to resume ``checkpoint`` (in ``folder``) for a run whose fingerprint is not ``fp``."""
    if checkpoint is None:
        return
    previous = read_run(folder)
    if previous is None:
        why = f"it has no {RUN_FILE} saying which data and config made them (an older version wrote it)"
    else:
        diff = differences(previous, fp)
        if not diff:
            return
        why = "they belong to another run; differences: " + "; ".join(diff)
    raise ConfigError(
        f"{folder} holds training checkpoints ({Path(checkpoint).name}) that this run cannot continue: {why}. "
        "Train into another --out folder, or pass --no-resume to discard them and start afresh"
    )
