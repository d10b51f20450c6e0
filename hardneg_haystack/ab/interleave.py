"""Team-draft interleaving (Radlinski, Kurup and Joachims, CIKM 2008) and its click credit (pure).

Two rankers take turns, like captains picking teams: whichever has contributed fewer documents picks next
(a coin flip on ties), taking its best document not yet shown. Each position remembers the ranker that
contributed it; a click credits that ranker. Over many requests, the ranker credited with more clicks wins.

Example:
    >>> import random
    >>> docs, teams = team_draft(["a", "b", "c"], ["b", "d", "a"], k=4, rng=random.Random(0))
    >>> sorted(docs) == ["a", "b", "c", "d"] and len(teams) == 4
    True
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence


def team_draft(
    first: Sequence[str], second: Sequence[str], *, k: int, rng: random.Random, names: tuple[str, str] = ("A", "B")
) -> tuple[list[str], list[str]]:
    """Merge two rankings into at most ``k`` distinct ids; returns ``(ids, contributing ranker per position)``."""
    merged: list[str] = []
    teams: list[str] = []
    seen: set[str] = set()
    picks = {names[0]: 0, names[1]: 0}
    lists = {names[0]: list(first), names[1]: list(second)}
    cursor = {names[0]: 0, names[1]: 0}

    def next_of(name: str) -> str | None:
        items = lists[name]
        while cursor[name] < len(items) and items[cursor[name]] in seen:
            cursor[name] += 1
        return items[cursor[name]] if cursor[name] < len(items) else None

    while len(merged) < k:
        a, b = next_of(names[0]), next_of(names[1])
        if a is None and b is None:
            break
        if a is None or b is None:
            turn = names[1] if a is None else names[0]
        elif picks[names[0]] != picks[names[1]]:
            turn = names[0] if picks[names[0]] < picks[names[1]] else names[1]
        else:
            turn = names[0] if rng.random() < 0.5 else names[1]
        doc = next_of(turn)
        assert doc is not None
        merged.append(doc)
        teams.append(turn)
        seen.add(doc)
        picks[turn] += 1
    return merged, teams


def credit(teams: Sequence[str], clicked_positions: Iterable[int]) -> dict[str, int]:
    """Clicks credited to each ranker (positions are 0-based indices into ``teams``)."""
    out = dict.fromkeys(dict.fromkeys(teams), 0)
    for p in clicked_positions:
        if not 0 <= p < len(teams):
            raise ValueError(f"click position {p} is outside the {len(teams)} interleaved results")
        out[teams[p]] += 1
    return out


def outcome(credits: dict[str, int], names: tuple[str, str]) -> str:
    """``names[0]``, ``names[1]`` or ``"tie"`` for one request."""
    a, b = credits.get(names[0], 0), credits.get(names[1], 0)
    return names[0] if a > b else names[1] if b > a else "tie"
