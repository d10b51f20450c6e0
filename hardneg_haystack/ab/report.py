"""What an A/B log says: per arm CTR and MRR of the first click, or interleaving wins, with tests and a verdict.

- Split traffic: per arm, requests, click-through rate (Wilson 95 % interval), MRR of the first click
  (bootstrap 95 % interval); every arm against the first: Fisher's exact test on CTR, Welch's t-test on the
  reciprocal rank of the first click.
- Interleaving: per request, the arm credited with more clicks wins; wins/ties/losses and a two-sided sign
  test (binomial) on the decided requests.

A click counts once per (request, document); lines of the log that are not events are skipped and reported
(``skipped_lines``, ``skipped_line_numbers``: the first 20).
"""

from __future__ import annotations

import math
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np

from hardneg_haystack.ab.events import read_events_checked
from hardneg_haystack.ab.interleave import credit, outcome
from hardneg_haystack.evaluation.significance import bootstrap_ci


def wilson(successes: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """Wilson score interval of a proportion."""
    if n == 0:
        return (float("nan"), float("nan"))
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return (max(0.0, centre - half), min(1.0, centre + half))


def _requests(events: list[dict[str, Any]]) -> tuple[dict[str, dict[str, Any]], int]:
    """Requests with their click positions, and how many repeated clicks (same request and document) were
    dropped: a click counts once."""
    requests: dict[str, dict[str, Any]] = {}
    for e in events:
        if e.get("type") == "impression":
            requests[e["request_id"]] = {**e, "clicks": []}
    seen: set[tuple[str, Any]] = set()
    duplicates = 0
    for e in events:
        if e.get("type") == "click" and e["request_id"] in requests:
            key = (e["request_id"], e.get("document_id", e.get("position")))
            if key in seen:
                duplicates += 1
                continue
            seen.add(key)
            requests[e["request_id"]]["clicks"].append(int(e["position"]))
    return requests, duplicates


def ab_report(log: str | Path | list[dict[str, Any]], *, alpha: float = 0.05, seed: int = 42) -> dict[str, Any]:
    """Summarise an event log (see the module docstring): a JSONL path, or the events themselves (e.g.
    :func:`~hardneg_haystack.ab.opensearch_events.read_index_events`); ``verdict`` says it in plain words."""
    from scipy.stats import binomtest, fisher_exact, ttest_ind

    if isinstance(log, list):
        events, skipped = log, []
    else:
        events, skipped = read_events_checked(log)
    requests, duplicates = _requests(events)
    log_info = {"skipped_lines": len(skipped), "skipped_line_numbers": skipped[:20], "duplicate_clicks": duplicates}
    if not requests:
        where = "the event index" if isinstance(log, list) else log
        return {"requests": 0, **log_info, "verdict": f"{where}: no impressions logged yet"}
    split = [r for r in requests.values() if r["arm"] != "interleave"]
    inter = [r for r in requests.values() if r["arm"] == "interleave"]
    out: dict[str, Any] = {
        "requests": len(requests),
        "clicks": sum(len(r["clicks"]) for r in requests.values()),
        **log_info,
    }
    verdicts = []
    if split:
        by_arm: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for r in split:
            by_arm[r["arm"]].append(r)
        arms, rr_of = {}, {}
        for arm, rs in sorted(by_arm.items()):
            clicked = sum(bool(r["clicks"]) for r in rs)
            rr = rr_of[arm] = [1.0 / (min(r["clicks"]) + 1) if r["clicks"] else 0.0 for r in rs]
            arms[arm] = {
                "requests": len(rs),
                "clicked_requests": clicked,
                "ctr": clicked / len(rs),
                "ctr_ci95": list(wilson(clicked, len(rs))),
                "mrr_first_click": float(np.mean(rr)),
                "mrr_ci95": list(bootstrap_ci(rr, seed=seed)),
            }
        names = list(arms)
        tests = []
        for other in names[1:]:
            a, b = arms[names[0]], arms[other]
            table = [
                [a["clicked_requests"], a["requests"] - a["clicked_requests"]],
                [b["clicked_requests"], b["requests"] - b["clicked_requests"]],
            ]
            p_ctr = float(fisher_exact(table)[1])
            ra, rb = rr_of[names[0]], rr_of[other]
            p_mrr = float(ttest_ind(ra, rb, equal_var=False).pvalue) if min(len(ra), len(rb)) > 1 else 1.0
            p_mrr = 1.0 if math.isnan(p_mrr) else p_mrr
            delta = b["mrr_first_click"] - a["mrr_first_click"]
            tests.append({"arm": other, "baseline": names[0], "p_ctr": p_ctr, "p_mrr": p_mrr, "mrr_delta": delta})
            if p_mrr < alpha:
                better = other if delta > 0 else names[0]
                verdicts.append(f"{better} has the higher MRR of the first click ({delta:+.3f}, p = {p_mrr:.3g}).")
            else:
                verdicts.append(
                    f"no significant MRR difference between {names[0]} and {other} ({delta:+.3f}, p = {p_mrr:.3g}); "
                    "keep collecting traffic."
                )
        out["arms"], out["tests"] = arms, tests
    if inter:
        names = tuple(dict.fromkeys(t for r in inter for t in r.get("attribution", [])))
        if len(names) == 2:
            tally = {names[0]: 0, names[1]: 0, "tie": 0}
            for r in inter:
                tally[outcome(credit(r["attribution"], r["clicks"]), names)] += 1
            decided = tally[names[0]] + tally[names[1]]
            p = float(binomtest(tally[names[1]], decided, 0.5).pvalue) if decided else 1.0
            out["interleaving"] = {"requests": len(inter), "wins": tally, "p_value": p}
            leader = names[0] if tally[names[0]] > tally[names[1]] else names[1]
            verdicts.append(
                f"interleaving: {leader} wins more requests ({tally[names[0]]} vs {tally[names[1]]}, "
                f"{tally['tie']} ties; sign test p = {p:.3g})"
                + (": a significant preference." if p < alpha else ": not significant yet.")
            )
    out["verdict"] = " ".join(verdicts)
    return out


def write_ab_plot(report: dict[str, Any], path: str | Path) -> Path:
    """CTR and MRR of the first click per arm with intervals, or interleaving wins/ties/losses."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    path = Path(path)
    panels = (["ctr", "mrr_first_click"] if "arms" in report else []) + (
        ["interleaving"] if "interleaving" in report else []
    )
    fig, axes = plt.subplots(1, max(1, len(panels)), figsize=(4.5 * max(1, len(panels)), 3.5))
    for ax, panel in zip(np.atleast_1d(axes), panels, strict=False):
        if panel == "interleaving":
            wins = report["interleaving"]["wins"]
            ax.bar(list(wins), list(wins.values()), color=["tab:blue", "tab:orange", "lightgray"])
            ax.set_title("interleaving: requests won")
            continue
        arms = report["arms"]
        ci = "ctr_ci95" if panel == "ctr" else "mrr_ci95"
        means = [arms[a][panel] for a in arms]
        # clamped at 0: a bootstrap interval need not contain the mean (e.g. every resample 1.0 +- rounding)
        err = [[max(0.0, m - arms[a][ci][0]) for a, m in zip(arms, means, strict=True)],
               [max(0.0, arms[a][ci][1] - m) for a, m in zip(arms, means, strict=True)]]  # fmt: skip
        ax.bar(list(arms), means, yerr=err, capsize=4, color="tab:blue", alpha=0.8)
        ax.set_title(panel.replace("_", " "))
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
