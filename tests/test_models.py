import pytest

from hardneg_haystack.embedding.models import PACKAGED_MODELS, load_sentence_transformer, resolve_model
from hardneg_haystack.errors import ModelLoadError


def test_alias_resolves_to_packaged_folder() -> None:
    resolved = resolve_model("minilm")
    assert resolved.alias == "minilm"
    assert resolved.is_local
    assert resolved.source.endswith("model")


def test_static_alias_is_model2vec() -> None:
    assert resolve_model("static").format == "model2vec"


def test_local_folder_and_hub_id(tiny_models: dict[str, str]) -> None:
    assert resolve_model(tiny_models["bert16"]).format == "sentence-transformers"
    hub = resolve_model("BAAI/bge-small-en-v1.5")
    assert hub.format == "hub" and hub.source == "BAAI/bge-small-en-v1.5"


def test_unknown_alias_names_the_alias_and_the_known_ones() -> None:
    with pytest.raises(ModelLoadError, match=r"unknown model alias 'minilmm'.*minilm"):
        resolve_model("minilmm")


def test_missing_folder_is_named() -> None:
    with pytest.raises(ModelLoadError, match="does not exist"):
        resolve_model("./no/such/model")


def test_unloadable_hub_model_says_how_to_get_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(ModelLoadError, match=r"(?s)nobody-here/missing-model.*hf download"):
        load_sentence_transformer("nobody-here/missing-model")


def test_alias_whose_package_is_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    from dataclasses import replace

    monkeypatch.setitem(PACKAGED_MODELS, "sre", replace(PACKAGED_MODELS["sre"], module="not_installed_pkg_xyz"))
    with pytest.raises(ModelLoadError, match="pip install sre-embedding-model"):
        resolve_model("sre")


def test_trust_remote_code_is_off_by_default(tiny_models: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    import sentence_transformers

    seen = {}
    original = sentence_transformers.SentenceTransformer.__init__

    def spy(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        seen.update(kwargs)
        original(self, *args, **kwargs)

    monkeypatch.setattr(sentence_transformers.SentenceTransformer, "__init__", spy)
    load_sentence_transformer(tiny_models["bert16"])
    assert seen["trust_remote_code"] is False
