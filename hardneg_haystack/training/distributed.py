"""Training on several processes with the standard launchers (``torchrun``, ``accelerate launch``).

The trainers are Hugging Face ``Trainer`` subclasses, which read the launcher's environment (``RANK``,
``WORLD_SIZE``, ``LOCAL_RANK``, ``MASTER_ADDR``) and wrap the model in DistributedDataParallel: gloo on CPU,
nccl on GPUs. Every process trains on its share of each epoch's batches and evaluates the same validation
queries; only the main process writes what a run leaves behind (the model folder, its card and
``hardneg.json``, the history and curve), so two processes never write one file::

    torchrun --nproc_per_node 2 -m hardneg_haystack.cli train --mined runs/mined/bm25 -w runs/kb \\
        --base-model runs/warmstart/model --loss listnet --out runs/ranker
"""

from __future__ import annotations

import os


def world_size() -> int:
    """How many processes the launcher started (1 without a launcher)."""
    return int(os.environ.get("WORLD_SIZE", "1"))


def is_main_process() -> bool:
    """Whether this process writes the run's files: rank 0, or the only process."""
    return int(os.environ.get("RANK", "0")) == 0
