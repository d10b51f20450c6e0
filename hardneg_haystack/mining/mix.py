"""Mixing negative sources per query (for example 2 ensemble-hard + 2 random negatives).

Training on hard negatives alone can give a worse re-ranker than random negatives (the SciFact probe in
DESIGN.md: nDCG@10 0.41 vs 0.60), so the library lets each query's negatives come from several miners in
chosen proportions, and the experiment measures which mix works.
"""

from __future__ import annotations

from collections.abc import Sequence

from hardneg_haystack.errors import ConfigError
from hardneg_haystack.mining.result import MinedQuery, MiningResult


def mix_results(sources: Sequence[tuple[MiningResult, int]], *, name: str | None = None) -> MiningResult:
    """Combine several miners' results into one: per query, the first ``n`` negatives of each source in turn.

    A document already taken (by id) is skipped and the source's next negative is used instead; when a source
    runs out, the remaining sources fill the gap in order, so every query gets ``sum(n)`` negatives whenever
    the sources hold that many distinct documents. Possible positives flagged by any source are kept, and a
    document flagged by one source is never used as a negative from another. Each negative remembers its
    source in ``extra_stats["sources"]`` counts.

    :param sources: ``(result, n)`` pairs, mined for the same queries (matched by query id).
    :param name: Miner name of the mix (default ``"ensemble2+random2"`` style).
    """
    if not sources:
        raise ConfigError("mix_results needs at least one (result, n) source")
    if any(n < 0 for _, n in sources):
        raise ConfigError("negative counts in a mix must be >= 0")
    total = sum(n for _, n in sources)
    name = name or "+".join(f"{r.miner}{n}" for r, n in sources)
    by_query = [{q.query_id: q for q in r.queries} for r, _ in sources]
    base = sources[0][0]
    contents: dict[str, str] = {}
    for r, _ in sources:
        contents.update(r.contents)
    counts = {r.miner: 0 for r, _ in sources}
    mixed: list[MinedQuery] = []
    for q0 in base.queries:
        per_source = [m.get(q0.query_id) for m in by_query]
        missing = [sources[i][0].miner for i, q in enumerate(per_source) if q is None]
        if missing:
            raise ConfigError(f"query {q0.query_id!r} was not mined by {', '.join(missing)}: mine the same queries")
        out = MinedQuery(q0.query_id, q0.query, list(q0.positive_ids))
        flagged = {d: s for q in per_source for d, s in q.possible_positives}  # type: ignore[union-attr]
        out.possible_positives = sorted(flagged.items(), key=lambda x: -x[1])
        out.n_candidates = sum(q.n_candidates for q in per_source)  # type: ignore[union-attr]
        skipped = [q.skipped for q in per_source if q.skipped]  # type: ignore[union-attr]
        if skipped:
            out.skipped = skipped[0]
            mixed.append(out)
            continue
        taken: set[str] = set(flagged) | set(q0.positive_ids)
        queues = [list(q.negatives) for q in per_source]  # type: ignore[union-attr]
        short = 0
        for i, (r, n) in enumerate(sources):
            got = _take(queues[i], n, taken, out.negatives)
            counts[r.miner] += got
            short += n - got
        for i, (r, _) in enumerate(sources):
            if short <= 0:
                break
            got = _take(queues[i], short, taken, out.negatives)
            counts[r.miner] += got
            short -= got
        mixed.append(out)
    return MiningResult(name, mixed, contents, total, {"sources": counts})


def _take(queue: list, want: int, taken: set[str], into: list) -> int:
    """Move up to ``want`` not-yet-taken negatives from the front of ``queue`` into ``into``."""
    got = 0
    while got < want and queue:
        doc_id, score = queue.pop(0)
        if doc_id in taken:
            continue
        taken.add(doc_id)
        into.append((doc_id, score))
        got += 1
    return got


def parse_mix(spec: str) -> list[tuple[str, int]]:
    """``"ensemble=2,random=2"`` -> ``[("ensemble", 2), ("random", 2)]`` (clear errors for bad specs)."""
    out = []
    for part in spec.split(","):
        name, _, count = part.strip().partition("=")
        if not name or not count.strip().isdigit():
            raise ConfigError(f"bad mix entry {part!r}: write source=count, e.g. 'ensemble=2,random=2'")
        out.append((name.strip(), int(count)))
    return out


def parse_source(spec: str) -> tuple[str, int]:
    """``"runs/mined/ensemble=2"`` -> ``("runs/mined/ensemble", 2)``: a mining output folder and how many of its
    negatives to take per query (``hardneg mix --source``; the folder may itself hold ``=``)."""
    folder, sep, count = spec.rpartition("=")
    if not sep or not count.isdigit():
        raise ConfigError(f"--source {spec!r}: write FOLDER=N, e.g. runs/mined/ensemble=2")
    return folder, int(count)
