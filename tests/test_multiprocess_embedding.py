"""Embedding on several processes (sentence-transformers' multi-process pool): the same vectors as one process,
the same cache and index, nothing about the processes recorded in the index (issue 29 item 2)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from hardneg_haystack.components.indexing import index_documents
from hardneg_haystack.embedding.ensemble import Ensemble
from hardneg_haystack.errors import ConfigError
from hardneg_haystack.index.workdir import open_work_dir
from hardneg_haystack.ingest import load_documents

TEXTS = [f"document {i}: how to reset the vpn token, parental leave days and the office printer" for i in range(37)]


def test_two_cpu_processes_encode_what_one_process_encodes(tiny_members: list[dict]) -> None:
    one = Ensemble(tiny_members, progress_bar=False)
    two = Ensemble(tiny_members, progress_bar=False, devices=["cpu", "cpu"])
    try:
        expected = one.encode(TEXTS, "document")
        got = two.encode(TEXTS, "document")
        assert len(two._pools) == len(tiny_members)  # one pool per member, each of two processes
        assert all(len(pool["processes"]) == 2 for pool in two._pools.values())
        assert got.shape == expected.shape
        np.testing.assert_allclose(got, expected, atol=1e-5)
        np.testing.assert_allclose(two.encode(TEXTS[:3], "query"), one.encode(TEXTS[:3], "query"), atol=1e-5)
    finally:
        two.close()
    assert two._pools == {}
    assert two.to_dict()["devices"] == ["cpu", "cpu"] and "devices" not in one.to_dict()


def test_one_device_is_refused_with_the_option_to_use() -> None:
    with pytest.raises(ConfigError, match="two or more"):
        Ensemble(["minilm"], devices=["cuda:0"])


def test_indexing_on_two_processes_gives_the_index_and_cache_of_one(
    beir_dir: Path, tiny_members: list[dict], tmp_path: Path
) -> None:
    docs = load_documents(beir_dir)
    index_documents(docs, work_dir=tmp_path / "one", members=tiny_members)
    two = index_documents(docs, work_dir=tmp_path / "two", members=tiny_members, devices=["cpu", "cpu"])
    assert two.cache_misses > 0
    vectors = {}
    for name in ("one", "two"):
        store, _, manifest = open_work_dir(tmp_path / name)
        vectors[name] = {d.id: np.asarray(d.embedding) for d in store.filter_documents()}
        assert "devices" not in manifest["ensemble"]  # how a run embedded, not what the index is
    assert vectors["one"].keys() == vectors["two"].keys()
    for doc_id, vec in vectors["one"].items():
        np.testing.assert_allclose(vectors["two"][doc_id], vec, atol=1e-5)
    manifests = [json.loads((tmp_path / n / "index.json").read_text()) for n in ("one", "two")]
    assert manifests[0]["ensemble"] == manifests[1]["ensemble"]
    # the cache the two processes wrote serves a later one-process run: nothing is embedded again
    again = index_documents(docs, work_dir=tmp_path / "two", members=tiny_members)
    assert again.cache_misses == 0 and again.cache_hits == two.cache_misses
