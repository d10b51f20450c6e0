"""How fast does the CLI answer ``--help``? ``hardneg --help`` and ``hardneg <command> --help``, each in a fresh
process, with the heavy libraries each one imported.

The target (issue 30): ``hardneg --help`` under 1 s on 2 cores, and no ``--help`` that imports torch,
transformers or Haystack. Each command runs ``--repeats`` times in a new interpreter (the console script's own
start-up included); the median wall time is reported.

    python benchmarks/cli_startup.py --repeats 5

Writes ``benchmarks/results/cli_startup.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

from _bench import environment, print_environment, print_table, spread, target, write_results

HEAVY = ("torch", "transformers", "haystack", "sentence_transformers", "sklearn", "onnxruntime")
COMMANDS = (
    (),
    ("models",),
    ("index",),
    ("search",),
    ("mine",),
    ("train",),
    ("tune-dense",),
    ("swap-ranker",),
    ("serve",),
    ("experiment",),
    ("demo",),
    ("ab",),
)
#: Runs the console script's entry point and prints which heavy modules the process loaded.
PROBE = (
    "import json, sys\n"
    "from hardneg_haystack.cli import app\n"
    "try:\n"
    "    app(sys.argv[1:], prog_name='hardneg')\n"
    "except SystemExit:\n"
    "    pass\n"
    f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]), file=sys.stderr)\n"
)


def wall(args: tuple[str, ...]) -> float:
    """Seconds of ``hardneg <args> --help`` in a new process (the installed console script)."""
    script = os.path.join(os.path.dirname(sys.executable), "hardneg")
    start = time.perf_counter()
    subprocess.run([script, *args, "--help"], check=True, capture_output=True)
    return time.perf_counter() - start


def heavy_imports(args: tuple[str, ...]) -> list[str]:
    done = subprocess.run([sys.executable, "-c", PROBE, *args, "--help"], capture_output=True, text=True, check=True)
    return json.loads(done.stderr.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=5)
    args = ap.parse_args()
    env = environment()
    print_environment(env)
    rows = []
    for cmd in COMMANDS:
        times = [wall(cmd) for _ in range(args.repeats)]
        rows.append(
            {
                "command": " ".join(("hardneg", *cmd, "--help")),
                **{f"s_{k}": v for k, v in spread(times).items() if k in ("median", "min", "max")},
                "heavy imports": ", ".join(heavy_imports(cmd)) or "none",
            }
        )
    print_table(rows, "--help, fresh process each time (seconds)")
    slowest = max(r["s_median"] for r in rows)
    targets = [
        target("hardneg --help (median)", rows[0]["s_median"], 1.0, unit=" s"),
        target("slowest `hardneg <cmd> --help` (median)", slowest, 1.0, unit=" s"),
    ]
    print_table(targets, "targets")
    write_results("cli_startup", {"environment": env, "repeats": args.repeats, "rows": rows, "targets": targets})


if __name__ == "__main__":
    main()
