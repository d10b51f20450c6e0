"""Integration with the packaged all-MiniLM-L6-v2 (and the YAML pipelines shipped in pipelines/)."""

from pathlib import Path

import pytest

from hardneg_haystack.components.pipelines import load_pipeline

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.integration


def test_yaml_indexing_and_query_pipelines_with_packaged_models(tmp_path: Path) -> None:
    pages = {
        "vpn.html": "<html><body><nav>Home | IT | HR</nav><article><h1>VPN token</h1><p>To reset your VPN token "
        "after replacing your phone, open the self-service portal and enrol the authenticator again.</p>"
        "</article><footer>Copyright Northwind</footer></body></html>",
        "leave.md": "# Parental leave\n\nEmployees take up to sixteen weeks of paid parental leave.",
        "printer.txt": "Add the office printer from Settings, Printers, Add device, and pick floor 3.",
    }
    for name, text in pages.items():
        (tmp_path / name).write_text(text)
    indexing = load_pipeline(ROOT / "pipelines" / "indexing.yaml")
    indexing.get_component("embedder").ensemble.cache_dir = str(tmp_path / "cache")
    indexing.get_component("embedder").ensemble.progress_bar = False
    out = indexing.run({"router": {"sources": sorted(tmp_path.glob("*.*"))}})
    assert out["writer"]["documents_written"] == 3
    query = load_pipeline(ROOT / "pipelines" / "query_embedding.yaml")  # same shared in-memory index
    hits = query.run({"text_embedder": {"text": "my new phone cannot log in to the VPN"}})["maxp"]["documents"]
    assert "VPN" in hits[0].content
    assert "Copyright" not in hits[0].content
    hits = query.run({"text_embedder": {"text": "how many weeks off after having a baby"}})["maxp"]["documents"]
    assert "parental leave" in hits[0].content

    # the mining YAML reads the same shared store: negatives are real documents, never the positive
    mining = load_pipeline(ROOT / "pipelines" / "mining.yaml")
    doc_ids = {d.id: d.content for d in indexing.get_component("writer").document_store.filter_documents()}
    vpn_id = next(i for i, c in doc_ids.items() if "VPN" in c)
    out = mining.run(
        {"miner": {"queries": [{"id": "q1", "text": "reset VPN on a new phone", "positive_ids": [vpn_id]}]}}
    )
    negatives = [r["negative_id"] for r in out["miner"]["triplets"]]
    assert negatives and vpn_id not in negatives and set(negatives) <= set(doc_ids)
