from pathlib import Path

import numpy as np
import pytest
from haystack import Document, Pipeline

from hardneg_haystack import EnsembleEmbedder, EnsembleTextEmbedder
from hardneg_haystack.components.pipelines import load_pipeline
from hardneg_haystack.embedding.models import load_sentence_transformer
from hardneg_haystack.errors import ConfigError


def test_document_embedder_keeps_ids_and_fuses_exactly(tiny_models: dict[str, str], tiny_members: list[dict]) -> None:
    docs = [Document(id="d1", content="reset vpn token"), Document(id="d2", content="parental leave policy")]
    emb = EnsembleEmbedder(members=tiny_members, progress_bar=False)
    out = emb.run(documents=docs)["documents"]
    assert [d.id for d in out] == ["d1", "d2"]
    assert len(out[0].embedding) == 16 + 24 + 8
    q = EnsembleTextEmbedder(members=tiny_members, progress_bar=False).run(text="vpn token")["embedding"]
    assert all(type(x) is float for x in q)
    # the dot product of fused vectors equals the weighted mean of member cosines
    expected = 0.0
    for m in tiny_members:
        model = load_sentence_transformer(m["model"])
        a, b = model.encode(["vpn token", "reset vpn token"], normalize_embeddings=True)
        expected += m["weight"] * float(a @ b)
    assert float(np.dot(q, out[0].embedding)) == pytest.approx(expected, abs=1e-5)


def test_warm_up_is_idempotent(tiny_members: list[dict]) -> None:
    emb = EnsembleEmbedder(members=tiny_members, progress_bar=False)
    emb.warm_up()
    first = emb.ensemble.members[0]._model
    emb.warm_up()
    assert emb.ensemble.members[0]._model is first


def test_to_dict_from_dict_round_trip(tiny_members: list[dict]) -> None:
    emb = EnsembleEmbedder(members=tiny_members, fusion="concat", batch_size=4, progress_bar=False)
    data = emb.to_dict()
    assert data["type"] == "hardneg_haystack.components.embedders.EnsembleEmbedder"
    again = EnsembleEmbedder.from_dict(data)
    assert again.to_dict() == data


def test_yaml_round_trip_under_the_allowlist(tiny_members: list[dict]) -> None:
    pipe = Pipeline()
    pipe.add_component("text_embedder", EnsembleTextEmbedder(members=tiny_members, progress_bar=False))
    text = pipe.dumps()
    assert "hardneg_haystack.components.embedders.EnsembleTextEmbedder" in text
    loaded = load_pipeline(text)
    out = loaded.run({"text_embedder": {"text": "vpn"}})
    assert len(out["text_embedder"]["embedding"]) == 48
    with pytest.raises(Exception, match="allowlist"):
        Pipeline.loads(text)  # without our loader, Haystack refuses our module


def test_cache_hits_on_second_run(tiny_members: list[dict], tmp_path) -> None:  # type: ignore[no-untyped-def]
    docs = [Document(id=f"d{i}", content=f"vpn token {i}") for i in range(5)]
    first = EnsembleEmbedder(members=tiny_members, cache_dir=tmp_path, progress_bar=False)
    a = first.run(documents=docs)["documents"]
    assert first.ensemble.cache.misses == 15 and first.ensemble.cache.hits == 0
    second = EnsembleEmbedder(members=tiny_members, cache_dir=tmp_path, progress_bar=False)
    b = second.run(documents=docs)["documents"]
    assert second.ensemble.cache.hits == 15 and second.ensemble.cache.misses == 0
    np.testing.assert_allclose([d.embedding for d in a], [d.embedding for d in b], atol=1e-7)


def test_query_and_document_prefixes_change_the_embedding(tiny_models: dict[str, str]) -> None:
    plain = EnsembleTextEmbedder(members=[tiny_models["bert16"]], progress_bar=False).run(text="vpn")["embedding"]
    pref = EnsembleTextEmbedder(
        members=[{"model": tiny_models["bert16"], "query_prefix": "query: "}], progress_bar=False
    ).run(text="vpn")["embedding"]
    assert not np.allclose(plain, pref)


def test_haystack_embedder_pair_as_a_member(tiny_models: dict[str, str]) -> None:
    from haystack_integrations.components.embedders.sentence_transformers import (
        SentenceTransformersDocumentEmbedder,
        SentenceTransformersTextEmbedder,
    )

    pair = {
        "text_embedder": SentenceTransformersTextEmbedder(model=tiny_models["bert24"], progress_bar=False),
        "document_embedder": SentenceTransformersDocumentEmbedder(model=tiny_models["bert24"], progress_bar=False),
        "weight": 0.5,
    }
    emb = EnsembleEmbedder(members=[{"model": tiny_models["bert16"], "weight": 0.5}, pair], progress_bar=False)
    out = emb.run(documents=[Document(id="x", content="vpn token")])["documents"]
    assert len(out[0].embedding) == 40
    again = EnsembleEmbedder.from_dict(emb.to_dict())
    np.testing.assert_allclose(
        again.run(documents=[Document(id="x", content="vpn token")])["documents"][0].embedding,
        out[0].embedding,
        atol=1e-6,
    )


def test_mean_fusion_with_mismatched_dimensions_is_refused(tiny_models: dict[str, str]) -> None:
    emb = EnsembleEmbedder(members=[tiny_models["bert16"], tiny_models["static8"]], fusion="mean", progress_bar=False)
    with pytest.raises(ConfigError, match=r"equal dimension.*\[16, 8\]"):
        emb.warm_up()


def test_unknown_member_field_is_named() -> None:
    with pytest.raises(ConfigError, match="wieght"):
        EnsembleEmbedder(members=[{"model": "minilm", "wieght": 1}])


def test_wrong_input_types() -> None:
    with pytest.raises(TypeError):
        EnsembleEmbedder(members=["minilm"]).run(documents="text")  # type: ignore[arg-type]


def test_a_member_folder_saved_again_gets_new_cache_keys(tmp_path: Path) -> None:
    """A model retrained in place (`hardneg tune-dense` saves its best epoch to one folder) must not be served
    the vectors cached for its previous weights."""
    import os

    from conftest import build_tiny_bert

    from hardneg_haystack.embedding.ensemble import EnsembleMember

    folder = build_tiny_bert(tmp_path / "m", hidden=16, seed=1)
    member = EnsembleMember(model=str(folder))
    key = member.cache_key("document")
    assert member.cache_key("document") == key  # unchanged weights: the same key (the cache is reused)
    weights = next(f for f in folder.rglob("*.safetensors"))
    os.utime(weights, ns=(weights.stat().st_atime_ns, weights.stat().st_mtime_ns + 1_000_000_000))
    assert member.cache_key("document") != key
    assert EnsembleMember(model="minilm").cache_key("query").count("|weights=") == 0  # packaged: fixed weights


def test_bf16_embedding_is_close_to_fp32_cached_apart_and_recorded(
    tiny_members: list[dict], tmp_path: Path, beir_dir: Path
) -> None:
    """bf16 autocast embeds within bf16 rounding of fp32, under cache keys of its own; the precision travels in
    to_dict and in an index's manifest, and the query embedder of an index opened again embeds the same way."""
    from hardneg_haystack.components.indexing import index_documents, open_index
    from hardneg_haystack.ingest import load_documents

    docs = [Document(id=f"d{i}", content=f"reset the vpn token of laptop {i}") for i in range(4)]
    fp32 = EnsembleEmbedder(members=tiny_members, cache_dir=tmp_path / "c", progress_bar=False)
    bf16 = EnsembleEmbedder(members=tiny_members, cache_dir=tmp_path / "c", progress_bar=False, precision="bf16")
    a = np.asarray([d.embedding for d in fp32.run(documents=docs)["documents"]])
    b = np.asarray([d.embedding for d in bf16.run(documents=docs)["documents"]])
    assert bf16.ensemble.cache.hits == 0  # the fp32 vectors are not served as bf16 ones
    assert not np.array_equal(a, b) and np.allclose(a, b, atol=0.05)  # bf16 rounding, nothing more
    assert np.min(np.sum(a * b, axis=1) / np.linalg.norm(a, axis=1) / np.linalg.norm(b, axis=1)) > 0.99
    assert (
        bf16.to_dict()["init_parameters"]["precision"] == "bf16"
        and "precision" not in fp32.to_dict()["init_parameters"]
    )
    assert EnsembleEmbedder.from_dict(bf16.to_dict()).ensemble.precision == "bf16"
    with pytest.raises(ConfigError, match="precision"):
        EnsembleEmbedder(members=tiny_members, precision="fp16")  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="several devices"):
        EnsembleEmbedder(members=tiny_members, precision="bf16", devices=["cpu", "cpu"])

    index_documents(load_documents(beir_dir), work_dir=tmp_path / "i", members=tiny_members, precision="bf16")
    _, text_embedder = open_index(tmp_path / "i")[:2]
    assert text_embedder.ensemble.precision == "bf16"
    with pytest.raises(ConfigError, match="embedded in bf16"):  # other vectors in the same folder: --rebuild
        index_documents(load_documents(beir_dir), work_dir=tmp_path / "i", members=tiny_members)
