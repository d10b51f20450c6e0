"""Print side-by-side examples from two mining output folders (query, positive, first negative of each).

Run:  python benchmarks/mining_examples.py /tmp/scifact_mine/ensemble /tmp/scifact_mine/bm25 --n 10
(Prints to the terminal only: the examples quote the corpus, which must not be committed.)
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path


def _load(folder: Path) -> dict[str, dict]:
    rows = (json.loads(line) for line in (folder / "ntuples.jsonl").open(encoding="utf-8"))
    out: dict[str, dict] = {}
    for row in rows:
        out.setdefault(row["query_id"], row)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("first", type=Path)
    ap.add_argument("second", type=Path)
    ap.add_argument("--n", type=int, default=10)
    ap.add_argument("--width", type=int, default=160)
    args = ap.parse_args()
    a, b = _load(args.first), _load(args.second)
    common = [q for q in a if q in b]
    step = max(1, len(common) // args.n)

    def cut(text: str) -> str:
        text = " ".join(text.split())
        return text if len(text) <= args.width else text[: args.width] + "..."

    for qid in common[::step][: args.n]:
        ra, rb = a[qid], b[qid]
        print(f"\n[{qid}] {ra['query']}")
        print(f"  positive: {cut(ra['positive'])}")
        print(f"  {ra['miner']} negative ({ra['negative_scores'][0]:.3f}): {cut(ra['negatives'][0])}")
        print(f"  {rb['miner']} negative ({rb['negative_scores'][0] or 0:.3f}): {cut(rb['negatives'][0])}")


if __name__ == "__main__":
    main()
