"""What every benchmark shares: the machine and library versions, a timer that also tracks peak memory,
repetition statistics, a plain-text table and the JSON file under benchmarks/results/."""

from __future__ import annotations

import json
import os
import platform
import statistics
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from haystack import Document

    from hardneg_haystack.ingest.queries import LabelledQuery

RESULTS = Path(__file__).parent / "results"
PACKAGES = (
    "hardneg-haystack",
    "haystack-ai",
    "sentence-transformers",
    "transformers",
    "torch",
    "scikit-learn",
    "numpy",
    "onnxruntime",
    "opensearch-haystack",
)


def corpus_entries(data: Path, max_docs: int | None, queries: list[LabelledQuery]) -> list[Document]:
    """The documents cleaned and split as ``hardneg index`` does (no embedding). With ``max_docs``, a
    seeded sample that keeps every positive of ``queries``."""
    import random

    from hardneg_haystack.components.pipelines import build_preprocessing_pipeline
    from hardneg_haystack.ingest import load_documents

    docs = load_documents(data)
    if max_docs is not None and max_docs < len(docs):
        positives = {p for q in queries for p in q.positive_ids}
        keep = [d for d in docs if d.id in positives][:max_docs]
        rest = [d for d in docs if d.id not in positives]
        keep += random.Random(0).sample(rest, max(0, max_docs - len(keep)))
        docs = keep
    return build_preprocessing_pipeline().run({"cleaner": {"documents": docs}})["splitter"]["documents"]


def environment() -> dict[str, Any]:
    """The machine and the versions of the libraries a figure depends on."""
    import torch

    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return {
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "cpus": os.cpu_count(),
        "torch_threads": torch.get_num_threads(),
        "python": platform.python_version(),
        "versions": versions,
        # settings that change a timing: the tokenizer's own thread pool, OpenMP's thread count
        "env": {k: os.environ.get(k) for k in ("TOKENIZERS_PARALLELISM", "OMP_NUM_THREADS")},
    }


def print_environment(env: dict[str, Any]) -> None:
    print(f"machine: {env['platform']} ({env['processor']}), {env['cpus']} CPUs, torch threads {env['torch_threads']}")
    print("versions: " + ", ".join(f"{k} {v}" for k, v in env["versions"].items() if v))


@dataclass
class Measurement:
    seconds: float
    peak_mb: float  # peak resident memory above the level when the stage started
    value: Any = None


def measure(fn: Callable[[], Any], *, interval: float = 0.01) -> Measurement:
    """Run ``fn``, timing it and sampling the process's resident memory in a background thread."""
    import psutil

    proc = psutil.Process()
    start_rss = proc.memory_info().rss
    peak = start_rss
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, proc.memory_info().rss)
            done.wait(interval)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    start = time.perf_counter()
    try:
        value = fn()
    finally:
        seconds = time.perf_counter() - start
        done.set()
        thread.join()
    peak = max(peak, proc.memory_info().rss)
    return Measurement(seconds, (peak - start_rss) / 2**20, value)


def spread(values: Sequence[float]) -> dict[str, float]:
    """Median, min, max and the relative spread ((max - min) / median) of repeated timings."""
    med = statistics.median(values)
    return {
        "median": round(med, 2),
        "min": round(min(values), 2),
        "max": round(max(values), 2),
        "spread": round((max(values) - min(values)) / med, 3) if med else 0.0,
        "n": len(values),
    }


def print_table(rows: Sequence[dict[str, Any]], title: str | None = None) -> None:
    """Rows of dicts as an aligned text table (every key of any row, in order of first appearance)."""
    if not rows:
        return
    cols = list(dict.fromkeys(k for r in rows for k in r))
    cells = [[_fmt(r.get(c)) for c in cols] for r in rows]
    widths = [max(len(c), *(len(row[i]) for row in cells)) for i, c in enumerate(cols)]
    if title:
        print(f"\n{title}")
    print(" | ".join(c.ljust(w) for c, w in zip(cols, widths, strict=True)))
    print("-+-".join("-" * w for w in widths))
    for row in cells:
        print(" | ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)))


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.3f}" if abs(value) < 10 else f"{value:.1f}"
    return "" if value is None else str(value)


def write_results(name: str, payload: dict[str, Any], out: Path | None = None) -> Path:
    """Write ``payload`` (with the environment) to benchmarks/results/<name>.json, or ``out``."""
    path = out or RESULTS / f"{name}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"benchmark": name, **payload}, indent=2) + "\n")
    print(f"\nwrote {path}")
    return path


def target(name: str, figure: float, limit: float, *, lower_is_better: bool = True, unit: str = "") -> dict:
    """One row of the targets table: met when the figure is on the right side of the limit."""
    met = figure <= limit if lower_is_better else figure >= limit
    sign = "<=" if lower_is_better else ">="
    return {"target": name, "figure": f"{figure:.3g}{unit}", "goal": f"{sign} {limit:g}{unit}", "met": met}


def exponent(ns: Sequence[int], values: Sequence[float | None]) -> float | None:
    """Slope of log(value) on log(n): 1 is linear, 2 quadratic (sizes without a positive figure left out)."""
    pts = [(x, y) for x, y in zip(ns, values, strict=True) if y is not None and y > 0]
    if len(pts) < 2:
        return None
    x, y = np.log([p[0] for p in pts]), np.log([p[1] for p in pts])
    return round(float(np.polyfit(x, y, 1)[0]), 2)


def run_in_fresh_process(cmd: list[str], what: str) -> dict[str, Any]:
    """Run a benchmark's one-size worker (``cmd``) in a fresh process, so its memory figures are its own, and
    return the JSON it printed on its ``RESULT`` line; exit with its stderr when it failed."""
    import subprocess
    import sys

    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    line = next((x for x in proc.stdout.splitlines() if x.startswith("RESULT ")), None)
    if proc.returncode != 0 or line is None:
        sys.exit(f"{what} failed (exit {proc.returncode}):\n{proc.stderr[-3000:]}")
    return json.loads(line[len("RESULT ") :])
