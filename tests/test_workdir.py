"""Work folders: self-contained and relocatable, re-indexed to exactly the corpus, never mixing two ensembles,
and every damaged file named with its cure (issue 16, items 1, 2, 3 and 8)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from hardneg_haystack.components.indexing import apply_weights, index_documents, open_index
from hardneg_haystack.embedding.cache import EmbeddingCache
from hardneg_haystack.errors import ConfigError, DamagedFileError
from hardneg_haystack.index.stores import iter_all_documents
from hardneg_haystack.index.workdir import (
    ensemble_conflict,
    localize,
    open_work_dir,
    portable,
    read_manifest,
    replace_member,
)
from hardneg_haystack.ingest import load_documents


@pytest.fixture
def indexed(beir_dir: Path, tiny_members: list[dict], tmp_path: Path) -> Path:
    work = tmp_path / "base"
    index_documents(load_documents(beir_dir), work_dir=work, members=tiny_members)
    return work


def _ids(work: Path) -> set[str]:
    store, _, _ = open_index(work)
    return {d.id for d in iter_all_documents(store)}


# ---- item 1: relocatable ----------------------------------------------------------------------------------
def test_manifest_stores_no_paths_and_reads_back_into_its_own_folder(indexed: Path, tmp_path: Path) -> None:
    raw = json.loads((indexed / "index.json").read_text())
    assert raw["store"]["work_dir"] is None and raw["ensemble"]["cache_dir"] is None
    moved = tmp_path / "elsewhere" / "moved"
    shutil.move(str(indexed), moved)
    manifest = read_manifest(moved)
    assert manifest["store"]["work_dir"] == str(moved)
    assert manifest["ensemble"]["cache_dir"] == str(moved / "cache")
    assert len(_ids(moved)) == 8


def test_legacy_manifest_with_paths_from_another_directory_reads_its_own_folder(indexed: Path) -> None:
    raw = json.loads((indexed / "index.json").read_text())
    raw.pop("format")
    raw["store"]["work_dir"], raw["ensemble"]["cache_dir"] = "base", "base/cache"  # as a 0.x CLI wrote them
    (indexed / "index.json").write_text(json.dumps(raw))
    assert len(_ids(indexed)) == 8


def test_relative_work_dir_opens_from_any_current_directory(
    beir_dir: Path, tiny_members: list[dict], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    index_documents(load_documents(beir_dir), work_dir=Path("rel"), members=tiny_members)
    (tmp_path / "other").mkdir()
    monkeypatch.chdir(tmp_path / "other")
    assert len(_ids(tmp_path / "rel")) == 8
    assert not (tmp_path / "other" / "rel").exists()  # nothing re-created under the new current directory


def test_relative_member_folder_is_recorded_for_any_cwd_and_searches_from_elsewhere(
    beir_dir: Path, tiny_models: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`hardneg index --member models/static8/...` used to record the folder as typed: searching from another
    directory then looked the model up on the hub and failed (issue 16)."""
    from typer.testing import CliRunner

    from hardneg_haystack.cli import app

    project = tmp_path / "project"
    shutil.copytree(tiny_models["static8"], project / "models" / "static8")
    monkeypatch.chdir(project)
    runner = CliRunner()
    res = runner.invoke(app, ["index", "--data", str(beir_dir), "-w", "work", "--member", "models/static8"])
    assert res.exit_code == 0, res.output
    (member,) = json.loads((project / "work" / "index.json").read_text())["ensemble"]["members"]
    assert member["model"] == "../models/static8"  # beside the folder: relative to it, the pair moves together
    assert read_manifest(project / "work")["ensemble"]["members"][0]["model"] == str(project / "models" / "static8")
    again = runner.invoke(app, ["index", "--data", str(beir_dir), "-w", "work", "--member", "models/static8"])
    assert again.exit_code == 0, again.output  # the same ensemble spelled as before: no conflict
    (tmp_path / "other").mkdir()
    monkeypatch.chdir(tmp_path / "other")
    found = runner.invoke(app, ["search", "-w", str(project / "work"), "vpn token"])
    assert found.exit_code == 0 and "it-1" in found.output, found.output
    assert len(_ids(project / "work")) == 8


def test_fit_weights_apply_on_a_copy_never_touches_the_original(indexed: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(indexed, copy)
    before = {p.name: p.read_bytes() for p in (indexed / "store.json", indexed / "index.json")}
    apply_weights(copy, [0.6, 0.3, 0.1])
    assert {p.name: p.read_bytes() for p in (indexed / "store.json", indexed / "index.json")} == before
    assert (copy / "store.json").read_bytes() != before["store.json"]
    assert read_manifest(copy)["ensemble"]["members"][0]["weight"] == pytest.approx(0.6)


def test_localize_and_portable_are_inverse_on_paths() -> None:
    manifest = {"store": {"work_dir": "a/b"}, "ensemble": {"cache_dir": "a/b/cache"}}
    assert portable(manifest)["store"]["work_dir"] is None and manifest["store"]["work_dir"] == "a/b"
    assert localize(portable(manifest), "/x/y")["ensemble"]["cache_dir"] == "/x/y/cache"


# ---- item 2: one ensemble per folder ----------------------------------------------------------------------
def test_reindex_with_another_ensemble_is_refused_before_writing(
    indexed: Path, beir_dir: Path, tiny_models: dict[str, str]
) -> None:
    before = (indexed / "store.json").read_bytes(), (indexed / "index.json").read_bytes()
    other = [{"model": tiny_models["bert24"]}]
    with pytest.raises(ConfigError) as err:
        index_documents(load_documents(beir_dir), work_dir=indexed, members=other)
    msg = str(err.value)
    assert tiny_models["bert16"] in msg and tiny_models["bert24"] in msg and "--rebuild" in msg
    assert ((indexed / "store.json").read_bytes(), (indexed / "index.json").read_bytes()) == before
    res = index_documents(load_documents(beir_dir), work_dir=indexed, members=other, rebuild=True)
    assert res.rebuilt and res.dimension == 24
    store, _, manifest = open_index(indexed)
    assert manifest["dimension"] == 24 and {len(d.embedding) for d in iter_all_documents(store)} == {24}


def test_reindex_after_fitted_weights_needs_the_same_weights(
    indexed: Path, beir_dir: Path, tiny_members: list[dict]
) -> None:
    apply_weights(indexed, [0.6, 0.3, 0.1])
    with pytest.raises(ConfigError, match="--weight 0.6 --weight 0.3 --weight 0.1"):
        index_documents(load_documents(beir_dir), work_dir=indexed, members=tiny_members)
    same = [dict(m, weight=w) for m, w in zip(tiny_members, [6, 3, 1], strict=True)]
    assert index_documents(load_documents(beir_dir), work_dir=indexed, members=same).cache_misses == 0


def test_ensemble_conflict_is_none_for_the_same_models_spelled_differently(tiny_models: dict[str, str]) -> None:
    path = tiny_models["bert16"]
    a = {"members": [{"model": path, "weight": 1.0}], "fusion": "weighted"}
    b = {"members": [{"model": path + "/", "weight": 2.0}], "fusion": "weighted"}
    assert ensemble_conflict(a, b) is None
    assert "concat" in (ensemble_conflict(a, dict(b, fusion="concat")) or "")


# ---- item 3: the store equals the corpus ------------------------------------------------------------------
def test_reindex_with_a_smaller_corpus_removes_the_documents_left_out(
    indexed: Path, beir_dir: Path, tiny_members: list[dict], tmp_path: Path
) -> None:
    docs = load_documents(beir_dir)
    kept = docs[:3]
    res = index_documents(kept, work_dir=indexed, members=tiny_members)
    assert res.removed == 5 and res.cache_misses == 0
    assert _ids(indexed) == {d.id for d in kept}
    assert read_manifest(indexed)["documents"] == 3


# ---- item 8: damaged files --------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["index.json", "store.json"])
def test_damaged_file_is_named_with_its_cure_and_reindexing_repairs_it(
    indexed: Path, beir_dir: Path, tiny_members: list[dict], name: str
) -> None:
    (indexed / name).write_text('{"ensemble": [1, 2')  # torn write
    with pytest.raises(DamagedFileError) as err:
        open_index(indexed)
    assert str(indexed / name) in str(err.value) and "hardneg index --work-dir" in str(err.value)
    res = index_documents(load_documents(beir_dir), work_dir=indexed, members=tiny_members)
    assert res.cache_misses == 0  # the cache survived: nothing re-embedded
    assert len(_ids(indexed)) == 8


def test_damaged_embedding_cache_is_discarded_and_rebuilt(
    indexed: Path, beir_dir: Path, tiny_members: list[dict]
) -> None:
    cache = indexed / "cache" / "embeddings.sqlite"
    cache.write_bytes(b"this is not a database" * 100)
    res = index_documents(load_documents(beir_dir), work_dir=indexed, members=tiny_members)
    assert res.cache_hits == 0 and res.cache_misses == 24  # never trusted: every vector re-embedded
    assert (indexed / "cache" / "embeddings.sqlite.damaged").is_file()
    assert len(EmbeddingCache(cache)) == 24


def test_cached_vector_of_the_wrong_size_counts_as_missing(tmp_path: Path) -> None:
    cache = EmbeddingCache(tmp_path / "c.sqlite")
    cache.put("m", ["a", "b"], np.ones((2, 4), dtype=np.float32))
    cache.put("m", ["c"], np.full((1, 4), np.nan, dtype=np.float32))
    hits, missing = cache.get("m", ["a", "b", "c"], dim=4)
    assert sorted(hits) == [0, 1] and missing == [2]
    hits, missing = cache.get("m", ["a"], dim=8)
    assert hits == {} and missing == [0]


# ---- swapping one member for a tuned model ------------------------------------------------------------------
def test_replace_member_rewrites_only_that_members_part_and_names_it(
    indexed: Path, tiny_models: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from conftest import build_tiny_bert

    from hardneg_haystack.embedding.fusion import split_members
    from hardneg_haystack.embedding.models import load_sentence_transformer
    from hardneg_haystack.index.workdir import open_work_dir, replace_member

    tuned = build_tiny_bert(tmp_path / "tuned16", hidden=16, seed=9)
    manifest = read_manifest(indexed)
    weights, dims = [m["weight"] for m in manifest["ensemble"]["members"]], manifest["member_dimensions"]
    store, _, _ = open_index(indexed)
    before = {d.id: np.asarray(d.embedding) for d in iter_all_documents(store)}
    contents = {d.id: d.content for d in iter_all_documents(store)}

    monkeypatch.chdir(tuned.parent)
    assert replace_member(indexed, 0, Path(tuned.name)) == len(before)  # a relative folder is recorded absolute

    store, ens, manifest = open_work_dir(indexed)
    assert manifest["ensemble"]["members"][0]["model"] == str(tuned.resolve())
    assert ens.members[0].model == str(tuned.resolve())  # queries are embedded by the tuned model too
    after = {d.id: np.asarray(d.embedding) for d in iter_all_documents(store)}
    ids = sorted(before)
    old = split_members(np.stack([before[i] for i in ids]), dims, weights)
    new = split_members(np.stack([after[i] for i in ids]), dims, weights)
    np.testing.assert_allclose(new[1], old[1], atol=1e-5)  # the other members are untouched
    np.testing.assert_allclose(new[2], old[2], atol=1e-5)
    expected = load_sentence_transformer(str(tuned)).encode([contents[i] for i in ids], normalize_embeddings=True)
    np.testing.assert_allclose(new[0], expected, atol=1e-4)
    assert not np.allclose(new[0], old[0], atol=1e-3)


def test_replace_member_of_another_size_is_refused_before_writing(indexed: Path, tiny_models: dict[str, str]) -> None:
    from hardneg_haystack.index.workdir import replace_member

    before = {p.name: p.read_bytes() for p in (indexed / "store.json", indexed / "index.json")}
    with pytest.raises(ConfigError, match="24 dimensions where member 0 has 16"):
        replace_member(indexed, 0, tiny_models["bert24"])
    with pytest.raises(ConfigError, match="member position 5"):
        replace_member(indexed, 5, tiny_models["bert16"])
    assert {p.name: p.read_bytes() for p in (indexed / "store.json", indexed / "index.json")} == before


def test_a_member_model_beside_the_folder_is_recorded_relative_and_moves_with_the_run(
    indexed: Path, tiny_models: dict[str, str], tmp_path: Path
) -> None:
    """A run folder (`<run>/index` + `<run>/dense/model`, as `hardneg experiment` leaves it) moved as a whole
    embeds queries with its own copy of the tuned member; the original can be deleted."""
    run = tmp_path / "run"
    shutil.copytree(indexed, run / "index")
    shutil.copytree(tiny_models["bert16"], run / "dense" / "model")
    replace_member(run / "index", 0, run / "dense" / "model")
    on_disk = json.loads((run / "index" / "index.json").read_text())
    assert on_disk["ensemble"]["members"][0]["model"] == "../dense/model"
    elsewhere = tmp_path / "moved"
    shutil.move(run, elsewhere)
    members = read_manifest(elsewhere / "index")["ensemble"]["members"]
    assert members[0]["model"] == str((elsewhere / "dense" / "model").resolve())
    assert on_disk["ensemble"]["members"][1]["model"] == tiny_models["bert24"]  # outside the run: absolute
    from typer.testing import CliRunner

    from hardneg_haystack.cli import app

    _, ens, _ = open_work_dir(elsewhere / "index")
    assert ens.encode(["vpn token"], "query").shape[1] == read_manifest(elsewhere / "index")["dimension"]
    found = CliRunner().invoke(app, ["search", "-w", str(elsewhere / "index"), "vpn token"])
    assert found.exit_code == 0 and "it-1" in found.output, found.output
