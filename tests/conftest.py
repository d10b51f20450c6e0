"""Shared fixtures: tiny models built on the fly (no downloads), temporary data, an OpenSearch URL."""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HAYSTACK_TELEMETRY_ENABLED", "False")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

WORDS = """
the a an of to in on for and or is are my how do i can what when why with after get reset vpn
password token phone laptop printer wifi network leave parental sick vacation days policy sync file
conflict copy cloud storage quota invoice billing account login error code mfa email calendar badge
office travel expense refund api key rate limit backup restore share folder mobile app install
update windows macos linux manager approval payroll salary holiday benefits health insurance
onboarding training security
""".split()  # noqa: SIM905


def _vocab() -> dict[str, int]:
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    return {w: i for i, w in enumerate(specials + sorted(set(WORDS)))}


def build_tiny_bert(folder: Path, *, hidden: int, seed: int, layers: int = 1) -> Path:
    import torch
    from sentence_transformers import SentenceTransformer
    from transformers import BertConfig, BertModel, BertTokenizerFast

    torch.manual_seed(seed)
    vocab = _vocab()
    raw = folder / "raw"
    cfg = BertConfig(
        vocab_size=len(vocab),
        hidden_size=hidden,
        num_hidden_layers=layers,
        num_attention_heads=2,
        intermediate_size=hidden * 2,
        max_position_embeddings=128,
    )
    BertModel(cfg).save_pretrained(raw)
    BertTokenizerFast(vocab=vocab, do_lower_case=True).save_pretrained(raw)
    model = SentenceTransformer(str(raw), device="cpu")
    out = folder / "st"
    model.save(str(out))
    return out


def build_tiny_static(folder: Path, *, dim: int, seed: int) -> Path:
    import torch
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import StaticEmbedding
    from transformers import BertTokenizerFast

    torch.manual_seed(seed)
    tok = BertTokenizerFast(vocab=_vocab(), do_lower_case=True)
    model = SentenceTransformer(modules=[StaticEmbedding(tok, embedding_dim=dim)], device="cpu")
    model.save(str(folder))
    return folder


@pytest.fixture(scope="session")
def tiny_models(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Three tiny bi-encoders of different dimensions: bert16, bert24 and a static 8-d model."""
    root = tmp_path_factory.mktemp("tiny_models")
    return {
        "bert16": str(build_tiny_bert(root / "bert16", hidden=16, seed=1)),
        "bert24": str(build_tiny_bert(root / "bert24", hidden=24, seed=2)),
        "static8": str(build_tiny_static(root / "static8", dim=8, seed=3)),
    }


@pytest.fixture
def tiny_members(tiny_models: dict[str, str]) -> list[dict]:
    return [
        {"model": tiny_models["bert16"], "weight": 0.5},
        {"model": tiny_models["bert24"], "weight": 0.3},
        {"model": tiny_models["static8"], "weight": 0.2},
    ]


DOCS = [
    ("it-1", "Reset your VPN token", "How to reset the vpn token after you get a new phone."),
    ("it-2", "VPN login error", "The vpn login error code means the mfa token is wrong."),
    ("it-3", "Printer on the network", "Install the office printer on windows and macos."),
    ("hr-1", "Parental leave", "Parental leave policy: how many days and manager approval."),
    ("hr-2", "Sick leave", "Sick leave days and health insurance benefits."),
    ("pr-1", "Sync conflict copy", "Why the cloud sync makes a conflict copy of a file."),
    ("pr-2", "Storage quota", "Cloud storage quota and billing for your account."),
    ("pr-3", "API rate limit", "The api key rate limit and error code for the cloud app."),
]
QUERIES = [
    ("q1", "how do i reset my vpn token on a new phone", ["it-1"], "train"),
    ("q2", "parental leave days", ["hr-1"], "train"),
    ("q3", "sync conflict copy of my file", ["pr-1"], "test"),
    ("q4", "api rate limit error", ["pr-3"], "test"),
]


@pytest.fixture
def beir_dir(tmp_path: Path) -> Path:
    """A tiny BEIR folder (corpus.jsonl, queries.jsonl, qrels/train.tsv, qrels/test.tsv)."""
    folder = tmp_path / "beir"
    (folder / "qrels").mkdir(parents=True)
    with (folder / "corpus.jsonl").open("w") as fh:
        for doc_id, title, text in DOCS:
            fh.write(json.dumps({"_id": doc_id, "title": title, "text": text}) + "\n")
    with (folder / "queries.jsonl").open("w") as fh:
        for qid, text, _, _ in QUERIES:
            fh.write(json.dumps({"_id": qid, "text": text}) + "\n")
    for split in ("train", "test"):
        rows = ["query-id\tcorpus-id\tscore"] + [
            f"{qid}\t{pos}\t1" for qid, _, positives, s in QUERIES if s == split for pos in positives
        ]
        (folder / "qrels" / f"{split}.tsv").write_text("\n".join(rows) + "\n")
    return folder


@pytest.fixture
def opensearch_url(request: pytest.FixtureRequest) -> str:
    """A real cluster when OPENSEARCH_URL is set; otherwise a fresh osmem-server clone (started here)."""
    url = os.environ.get("OPENSEARCH_URL")
    if url:
        return url
    return request.getfixturevalue("osmem_url")


@pytest.fixture
def index_name() -> str:
    return f"test-{uuid.uuid4().hex[:10]}"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.environ.get("OPENSEARCH_URL"):
        return
    skip = pytest.mark.skip(reason="knn queries need a real OpenSearch (set OPENSEARCH_URL); osmem refuses them")
    for item in items:
        if "knn" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def tiny_index(tmp_path: Path, beir_dir: Path, tiny_members: list[dict]) -> Path:
    """The sample BEIR folder indexed with the tiny members (embedded store)."""
    from hardneg_haystack.components.indexing import index_documents
    from hardneg_haystack.ingest import load_documents

    work = tmp_path / "index"
    index_documents(load_documents(beir_dir), work_dir=work, members=tiny_members, max_words=300)
    return work
