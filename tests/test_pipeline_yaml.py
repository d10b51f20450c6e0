"""The shipped pipelines/*.yaml are hand-written (only what differs from the defaults, with comments), and each
loads into exactly the pipeline that the machine dump it replaced loaded into. The dumps are frozen under
tests/data/pipeline_dumps/ (test fixtures, not shipped).

The hand-written files list their components in the dumps' order (by name; query_fused.yaml was already
hand-written, in flow order): the order of ``to_dict()["connections"]`` follows the order components are added,
so listing them in flow order would give the same pipeline but not an equal ``to_dict()``."""

from __future__ import annotations

from pathlib import Path

import pytest

from hardneg_haystack.components.pipelines import load_pipeline

ROOT = Path(__file__).parents[1]
DUMPS = Path(__file__).parent / "data" / "pipeline_dumps"
NAMES = [
    "indexing.yaml",
    "mining.yaml",
    "query_ab.yaml",
    "query_bm25_rerank.yaml",
    "query_embedding.yaml",
    "query_fused.yaml",
    "query_hybrid_rerank.yaml",
]
SHIPPED = sorted((ROOT / "pipelines").glob("*.yaml")) + sorted((ROOT / "pipelines" / "opensearch").glob("*.yaml"))


def test_every_dump_has_a_shipped_file() -> None:
    assert sorted(p.name for p in DUMPS.glob("*.yaml")) == sorted(NAMES)
    assert set(NAMES) <= {p.name for p in (ROOT / "pipelines").glob("*.yaml")}


@pytest.mark.parametrize("name", NAMES)
def test_hand_written_yaml_loads_into_the_dumped_pipeline(name: str) -> None:
    new = load_pipeline((ROOT / "pipelines" / name).read_text(encoding="utf-8"))
    old = load_pipeline((DUMPS / name).read_text(encoding="utf-8"))
    assert new.to_dict() == old.to_dict()
    # and the serialized forms agree too (what swap-ranker and `hardneg` write back out)
    assert new.dumps() == old.dumps()


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: str(p.relative_to(ROOT)))
def test_shipped_yaml_is_hand_written(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    for token in ("&id", "*id", "!!python"):
        assert token not in text, f"{path.name}: {token!r} (a PyYAML dump artefact)"
    long = [i for i, line in enumerate(text.splitlines(), 1) if len(line) > 120]
    assert not long, f"{path.name}: lines over 120 characters: {long}"
    assert text.startswith("#"), f"{path.name}: no header comment"
