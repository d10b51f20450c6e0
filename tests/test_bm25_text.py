"""BM25's score as text (Askari et al. 2023): one tag format, applied the same way in training and scoring."""

from pathlib import Path

import numpy as np
import pytest

from hardneg_haystack.errors import DataError
from hardneg_haystack.mining.corpus import Corpus
from hardneg_haystack.scoring.bm25_text import SEP, bm25_tag, bm25_tags, with_bm25
from hardneg_haystack.training.data import group_rows, tag_with_bm25


def test_tag_is_a_clipped_percentage_of_the_best_score() -> None:
    assert bm25_tag(5.0, 10.0) == "50"
    assert bm25_tag(12.0, 10.0) == "100"  # above the best (another list's best): clipped
    assert bm25_tag(0.0, 10.0) == bm25_tag(-1.0, 10.0) == bm25_tag(3.0, 0.0) == "0"
    assert bm25_tags([8.0, 2.0, 0.0]) == ["100", "25", "0"]
    assert with_bm25("text", 1.0, 4.0) == f"25{SEP}text"


def test_groups_are_tagged_by_id_and_refused_without_ids() -> None:
    rows = [
        {
            "query_id": "q",
            "query": "vpn",
            "positive_id": "p",
            "positive": "P",
            "negative_ids": ["n1", "n2"],
            "negatives": ["N1", "N2"],
        },
    ]
    table = {"p": 6.0, "n1": 3.0, "n2": 0.0}
    (g,) = tag_with_bm25(group_rows(rows), lambda q, ids: ([table[i] for i in ids], 6.0))
    assert g.positive == f"100{SEP}P" and g.negatives == [f"50{SEP}N1", f"0{SEP}N2"]
    no_ids = [{"query": "vpn", "positive": "P", "negatives": ["N1"]}]
    with pytest.raises(DataError, match="negative_ids"):
        tag_with_bm25(group_rows(no_ids), lambda q, ids: ([0.0] * len(ids), 1.0))


def test_in_batch_negatives_are_off_for_query_specific_text(tiny_models: dict[str, str]) -> None:
    from hardneg_haystack.embedding.models import load_cross_encoder
    from hardneg_haystack.training.losses import HardNegativesRankingLoss

    loss = HardNegativesRankingLoss(load_cross_encoder(tiny_models["bert16"]))
    assert list(loss.get_in_batch_negatives(["a", "b"], [["x", "y"], ["u", "v"]])) == []
    value = loss([["a", "b"], ["x", "y"], ["u", "v"]], None)
    assert value.ndim == 0 and float(value.detach()) > 0


def test_evaluation_shows_each_candidate_its_tag() -> None:
    from hardneg_haystack.evaluation.first_stage import FirstStage
    from hardneg_haystack.evaluation.rerank import cross_encoder_scores
    from hardneg_haystack.ingest.queries import LabelledQuery

    corpus = Corpus(ids=["a", "b"], parent_ids=["a", "b"], contents=["A", "B"], embeddings=None)
    first = FirstStage(corpus, [LabelledQuery("q", "query", ("a",))], [[(1, 8.0), (0, 2.0)]], np.zeros((1, 0)))
    seen: list[tuple[str, str]] = []

    def scorer(pairs: list[tuple[str, str]]) -> list[float]:
        seen.extend(pairs)
        return [0.0] * len(pairs)

    cross_encoder_scores(first, scorer, 2, bm25_text=True)
    assert seen == [("query", f"100{SEP}B"), ("query", f"25{SEP}A")]
    seen.clear()
    cross_encoder_scores(first, scorer, 2)
    assert seen == [("query", "B"), ("query", "A")]


def test_teacher_lists_tag_every_document() -> None:
    from hardneg_haystack.training.pseudo_queries import PseudoQuery
    from hardneg_haystack.training.warmstart import WarmStartConfig, teacher_lists

    corpus = Corpus(ids=["a", "b", "c"], parent_ids=["a", "b", "c"], contents=["A", "B", "C"], embeddings=None)
    pq = PseudoQuery("q", 0, "keywords", "A")
    cfg = WarmStartConfig(pool=3, list_size=3, hard=2, bm25_text=True)
    full = [np.array([10.0, 5.0, 1.0])]
    (row,) = teacher_lists([pq], corpus, [[(0, 10.0), (1, 5.0)]], np.array([[0.9, 0.5, 0.8]]), cfg, full)
    assert row["docs"][0] == f"100{SEP}A"
    assert sorted(row["docs"][1:]) == [f"10{SEP}C", f"50{SEP}B"]  # c is dense-only: its score from the full row


def test_validation_samples_tag_positives_like_the_documents(tmp_path: Path, beir_dir: Path, tiny_members) -> None:
    from hardneg_haystack.components.indexing import index_documents, open_index
    from hardneg_haystack.ingest import load_beir_queries, load_documents
    from hardneg_haystack.training.validation import rerank_samples

    work = tmp_path / "index"
    index_documents(load_documents(beir_dir), work_dir=work, members=tiny_members, max_words=300)
    store = open_index(work)[0]
    queries = load_beir_queries(beir_dir, "train")
    plain = rerank_samples(store, queries, k=5)
    tagged = rerank_samples(store, queries, k=5, bm25_text=True)
    assert len(plain) == len(tagged) > 0
    for p, t in zip(plain, tagged, strict=True):
        assert [d.split(SEP, 1)[1] for d in t["documents"]] == p["documents"]
        assert t["documents"][0].startswith(f"100{SEP}")
        for pos in t["positive"]:  # a positive in the list has the very same text as its list entry
            if pos.split(SEP, 1)[1] in p["documents"]:
                assert pos in t["documents"]


def test_backend_ranker_shows_tags_from_the_retrievers_scores(tmp_path: Path, tiny_models: dict[str, str]) -> None:
    import json

    from haystack import Document

    from hardneg_haystack import BackendRanker
    from hardneg_haystack.components.swap import swap_ranker
    from hardneg_haystack.embedding.models import load_cross_encoder

    folder = tmp_path / "model"
    load_cross_encoder(tiny_models["bert16"], max_length=32).save_pretrained(str(folder))
    plain = BackendRanker(model=folder, backend="torch")
    (folder / "hardneg.json").write_text(json.dumps({"config": {"bm25_text": True}}))
    ranker = BackendRanker(model=folder, backend="torch")
    assert ranker.reads_bm25_score and not plain.reads_bm25_score
    assert BackendRanker.from_dict(ranker.to_dict()).reads_bm25_score

    seen: list[tuple[str, str]] = []

    class Capture:
        def predict(self, pairs, batch_size=None, apply_activation=True):  # noqa: ANN001, ANN202
            seen.extend(pairs)
            return np.arange(len(pairs), dtype=float)

    ranker._scorer = Capture()  # type: ignore[assignment]
    docs = [Document(id="a", content="A", score=4.0), Document(id="b", content="B", score=8.0)]
    out = ranker.run(query="q", documents=docs)["documents"]
    assert seen == [("q", f"50{SEP}A"), ("q", f"100{SEP}B")]
    assert [d.content for d in out] == ["B", "A"]  # the documents themselves are returned untouched
    yaml = Path(__file__).parents[1] / "pipelines" / "query_bm25_rerank.yaml"
    swapped = swap_ranker(yaml, folder, backend="torch").get_component("ranker")
    assert isinstance(swapped, BackendRanker) and swapped.reads_bm25_score  # not the ranker that cannot show tags


def test_triplet_trainer_keeps_its_store_for_bm25_text(tmp_path: Path) -> None:
    from haystack.document_stores.in_memory import InMemoryDocumentStore

    from hardneg_haystack import TripletTrainer
    from hardneg_haystack.errors import ConfigError

    trainer = TripletTrainer(output_dir=str(tmp_path), document_store=InMemoryDocumentStore(), bm25_text=True)
    back = TripletTrainer.from_dict(trainer.to_dict())
    assert isinstance(back.document_store, InMemoryDocumentStore) and back.config.bm25_text
    assert "document_store" not in TripletTrainer(output_dir=str(tmp_path)).to_dict()["init_parameters"]
    rows = [{"query": "q", "positive": "P", "positive_id": "p", "negatives": ["N"], "negative_ids": ["n"]}]
    with pytest.raises(ConfigError, match="store"):
        TripletTrainer(output_dir=str(tmp_path / "x"), bm25_text=True).run(triplets=rows)


def test_hybrid_pipelines_feed_the_ranker_bm25_scores(tmp_path: Path, tiny_models: dict[str, str]) -> None:
    import json

    from haystack import Document

    from hardneg_haystack import BackendRanker
    from hardneg_haystack.components.swap import swap_ranker
    from hardneg_haystack.embedding.models import load_cross_encoder

    folder = tmp_path / "model"
    load_cross_encoder(tiny_models["bert16"], max_length=32).save_pretrained(str(folder))
    (folder / "hardneg.json").write_text(json.dumps({"config": {"bm25_text": True}}))
    yaml = Path(__file__).parents[1] / "pipelines" / "query_hybrid_rerank.yaml"
    pipe = swap_ranker(yaml, folder, backend="torch")
    feeds = {(c["sender"], c["receiver"]) for c in pipe.to_dict()["connections"]}
    assert ("retriever.documents", "ranker.bm25_documents") in feeds  # not the joiner's fused scores
    plain = swap_ranker(Path(__file__).parents[1] / "pipelines" / "query_bm25_rerank.yaml", folder, backend="torch")
    assert not any(
        r.endswith("bm25_documents") for _, r in ((c["sender"], c["receiver"]) for c in plain.to_dict()["connections"])
    )  # there the documents carry BM25's scores already

    seen: list[tuple[str, str]] = []

    class Capture:
        def predict(self, pairs, batch_size=None, apply_activation=True):  # noqa: ANN001, ANN202
            seen.extend(pairs)
            return np.zeros(len(pairs))

    ranker = BackendRanker(model=folder, backend="torch")
    ranker._scorer = Capture()  # type: ignore[assignment]
    joined = [Document(id="a", content="A", score=0.9), Document(id="d", content="D", score=0.8)]
    ranker.run(query="q", documents=joined, bm25_documents=[Document(id="a", content="A", score=6.0)])
    assert seen == [("q", f"100{SEP}A"), ("q", f"0{SEP}D")]  # the dense-only candidate: BM25 did not return it
