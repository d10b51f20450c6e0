import json
from pathlib import Path

import numpy as np
import pytest
from haystack import Document
from haystack.document_stores.in_memory import InMemoryDocumentStore

from hardneg_haystack import BM25NegativeMiner, ClusterHardNegativeMiner, EnsembleTextEmbedder, RandomNegativeMiner
from hardneg_haystack.components.indexing import index_documents, open_index
from hardneg_haystack.errors import ConfigError, DataError
from hardneg_haystack.ingest import LabelledQuery, load_beir_queries, load_documents
from hardneg_haystack.mining import SelectionConfig, cluster_embeddings, default_n_clusters, select_negatives
from hardneg_haystack.mining.corpus import load_corpus


@pytest.fixture
def indexed(beir_dir: Path, tiny_members: list[dict], tmp_path: Path):  # type: ignore[no-untyped-def]
    docs = load_documents(beir_dir)
    # a near-duplicate of it-1 (should be flagged as a possible positive) and a long document split in chunks
    docs.append(Document(id="it-1-copy", content=docs[0].content + " again"))
    docs.append(Document(id="long", content=" ".join(["vpn token reset phone"] * 120)))
    index_documents(docs, work_dir=tmp_path / "w", members=tiny_members, max_words=100, split_overlap=0)
    store, embedder, _ = open_index(tmp_path / "w")
    return store, embedder, load_beir_queries(beir_dir, "train") + load_beir_queries(beir_dir, "test")


def test_default_k_scales_with_corpus() -> None:
    assert default_n_clusters(5183) == 72
    assert default_n_clusters(100_000) == 316
    assert default_n_clusters(3) == 2


def test_guard_moves_near_duplicates_to_possible_positives() -> None:
    cfg = SelectionConfig(num_negatives=2, relative_margin=0.95)
    sel = select_negatives(
        [10, 11, 12, 13], np.array([0.99, 0.5, 0.7, 0.2]), positive_score=1.0, config=cfg, query_id="q"
    )
    assert sel.possible_positives == [(10, 0.99)]
    assert sel.negatives == [(12, 0.7), (11, 0.5)]
    capped = select_negatives(
        [10, 11],
        np.array([0.8, 0.5]),
        positive_score=None,
        config=SelectionConfig(num_negatives=2, absolute_cap=0.75),
        query_id="q",
    )
    assert capped.possible_positives == [(10, 0.8)] and capped.negatives == [(11, 0.5)]


def test_rank_window_random_sampling_is_deterministic_and_dedupes() -> None:
    cfg = SelectionConfig(num_negatives=3, sampling="random", range_min=1, range_max=8, seed=5, relative_margin=None)
    scores = np.linspace(1, 0, 10)
    keys = [("a",), ("a",)] + [(str(i),) for i in range(8)]  # the first two share a key: one is dropped
    a = select_negatives(list(range(10)), scores, positive_score=None, config=cfg, query_id="q1", dedupe_keys=keys)
    b = select_negatives(list(range(10)), scores, positive_score=None, config=cfg, query_id="q1", dedupe_keys=keys)
    assert a.negatives == b.negatives and len(a.negatives) == 3
    assert all(i not in (0, 1) for i, _ in a.negatives)  # rank 0 skipped by range_min, 1 a duplicate
    with pytest.raises(ConfigError):
        SelectionConfig(range_min=5, range_max=5)


def test_clustering_methods_and_k_larger_than_corpus() -> None:
    x = np.random.default_rng(0).normal(size=(30, 6)).astype(np.float32)
    for method in ("kmeans", "minibatch", "gmm", "agglomerative"):
        c = cluster_embeddings(x, n_clusters=4, method=method)
        assert c.labels.shape == (30,) and c.sizes().sum() == 30 and (c.sizes() > 0).all()
    assert cluster_embeddings(x, n_clusters=100).n_clusters <= 30
    assert cluster_embeddings(x, n_clusters=5, pca_variance=0.8).pca_components < 6
    with pytest.raises(ConfigError, match="empty corpus"):
        cluster_embeddings(np.zeros((0, 4)))


def test_cluster_miner_end_to_end(indexed) -> None:  # type: ignore[no-untyped-def]
    store, embedder, queries = indexed
    miner = ClusterHardNegativeMiner(
        document_store=store, text_embedder=embedder, n_clusters=2, num_negatives=3, relative_margin=0.95, seed=1
    )
    out = miner.run(queries=queries)
    corpus = load_corpus(store)
    all_ids = set(corpus.ids)
    q1 = next(q for q in out["result"].queries if q.query_id == "q1")
    for q in out["result"].queries:
        neg_ids = {n for n, _ in q.negatives}
        assert neg_ids <= all_ids  # every negative exists in the store
        assert not neg_ids & set(q.positive_ids)  # positives are never negatives
        assert len({corpus.parent_ids[corpus.index[n]] for n in neg_ids}) == len(neg_ids)  # one chunk per parent
    # the near-duplicate of q1's positive is a possible positive, not a negative
    assert "it-1-copy" in {d for d, _ in q1.possible_positives}
    assert "it-1-copy" not in {d for d, _ in q1.negatives}
    assert {r["query_id"] for r in out["possible_positives"]} >= {"q1"}
    row = out["triplets"][0]
    assert set(row) == {
        "query_id",
        "query",
        "positive_id",
        "positive",
        "negative_id",
        "negative",
        "negative_score",
        "miner",
    }
    assert out["stats"]["clustering"]["n_clusters"] == 2
    again = ClusterHardNegativeMiner(
        document_store=store, text_embedder=embedder, n_clusters=2, num_negatives=3, seed=1
    ).run(queries=queries)
    assert again["triplets"] == out["triplets"]  # deterministic for a seed


def test_chunks_of_a_positive_are_never_negatives(indexed) -> None:  # type: ignore[no-untyped-def]
    store, embedder, _ = indexed
    q = [LabelledQuery("ql", "vpn token reset phone", ("long",))]
    for miner in (
        ClusterHardNegativeMiner(
            document_store=store, text_embedder=embedder, n_clusters=1, relative_margin=None, num_negatives=10
        ),
        BM25NegativeMiner(document_store=store, num_negatives=10),
        RandomNegativeMiner(document_store=store, num_negatives=10),
    ):
        mined = miner.run(queries=q)["result"].queries[0]
        assert mined.negatives, miner
        assert not any(n.startswith("long#") for n, _ in mined.negatives), miner


def test_baselines_read_the_same_store(indexed) -> None:  # type: ignore[no-untyped-def]
    store, embedder, queries = indexed
    ids = set(load_corpus(store).ids)
    bm25 = BM25NegativeMiner(document_store=store, num_negatives=2).run(queries=queries)
    rnd = RandomNegativeMiner(document_store=store, num_negatives=2, seed=3).run(queries=queries)
    assert {r["negative_id"] for r in bm25["triplets"]} <= ids
    assert {r["negative_id"] for r in rnd["triplets"]} <= ids
    assert {r["miner"] for r in bm25["triplets"]} == {"bm25"}
    # q1 is about the VPN token: BM25's hardest negative shares its words
    first = next(r for r in bm25["triplets"] if r["query_id"] == "q1")
    assert "vpn" in first["negative"].lower()
    assert (
        rnd["triplets"]
        == RandomNegativeMiner(document_store=store, num_negatives=2, seed=3).run(queries=queries)["triplets"]
    )


def test_missing_positive_is_counted_or_raised(indexed) -> None:  # type: ignore[no-untyped-def]
    store, embedder, _ = indexed
    q = [LabelledQuery("qx", "vpn", ("not-in-store",))]
    out = RandomNegativeMiner(document_store=store).run(queries=q)
    assert out["stats"]["skipped"] == {"positive_missing_from_store": 1}
    with pytest.raises(DataError, match=r"query 'qx'.*not-in-store"):
        RandomNegativeMiner(document_store=store, on_missing_positive="error").run(queries=q)


def test_too_few_candidates_are_counted(indexed) -> None:  # type: ignore[no-untyped-def]
    store, embedder, queries = indexed
    out = BM25NegativeMiner(document_store=store, num_negatives=50).run(queries=queries)
    assert out["stats"]["queries_with_too_few_negatives"] == len(queries)


def test_empty_store_is_a_clear_error(tiny_members: list[dict]) -> None:
    miner = ClusterHardNegativeMiner(
        document_store=InMemoryDocumentStore(shared=False), text_embedder=EnsembleTextEmbedder(members=tiny_members)
    )
    with pytest.raises(DataError, match="store is empty"):
        miner.run(queries=[LabelledQuery("q", "x", ("d",))])


def test_output_files_and_dataset(indexed, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    store, embedder, queries = indexed
    result = ClusterHardNegativeMiner(document_store=store, text_embedder=embedder, n_clusters=2, num_negatives=2).run(
        queries=queries
    )["result"]
    paths = result.write(tmp_path / "mined")
    rows = [json.loads(line) for line in paths["triplets"].read_text().splitlines()]
    assert rows == json.loads(json.dumps(result.triplets()))
    ds = result.to_dataset("ntuple")
    assert ds.column_names == ["query", "positive", "negative_1", "negative_2"]
    assert result.to_dataset("triplet").column_names == ["query", "positive", "negative"]


def test_miner_serialisation_round_trip(indexed) -> None:  # type: ignore[no-untyped-def]
    store, embedder, _ = indexed
    miner = ClusterHardNegativeMiner(document_store=store, text_embedder=embedder, n_clusters=3, pool="nearest")
    data = miner.to_dict()
    again = ClusterHardNegativeMiner.from_dict(data)
    assert again.to_dict() == data
    bm = BM25NegativeMiner(document_store=store, analyzer="plain", num_negatives=3)
    assert BM25NegativeMiner.from_dict(bm.to_dict()).to_dict() == bm.to_dict()


def test_single_model_mode_uses_one_member_slice(indexed) -> None:  # type: ignore[no-untyped-def]
    store, embedder, queries = indexed
    full = ClusterHardNegativeMiner(document_store=store, text_embedder=embedder, n_clusters=2, relative_margin=None)
    single = ClusterHardNegativeMiner(
        document_store=store, text_embedder=embedder, n_clusters=2, relative_margin=None, member=1
    )
    out_single = single.run(queries=queries)
    label = embedder.ensemble.members[1].label
    assert out_single["stats"]["single_model"] == label
    # scores are that member's cosine similarities: recompute one by hand
    row = out_single["triplets"][0]
    member = embedder.ensemble.members[1].sentence_transformer
    q, n = member.encode([row["query"], row["negative"]], normalize_embeddings=True)
    assert row["negative_score"] == pytest.approx(float(q @ n), abs=1e-3)
    assert out_single["triplets"] != full.run(queries=queries)["triplets"]
    with pytest.raises(ConfigError, match="not in the ensemble"):
        ClusterHardNegativeMiner(document_store=store, text_embedder=embedder, member="nope").run(queries=queries)
    restored = ClusterHardNegativeMiner.from_dict(single.to_dict())
    assert restored.member == 1


def test_peer_wrapper_writes_our_format(indexed) -> None:  # type: ignore[no-untyped-def]
    from hardneg_haystack.mining.peer import mine_with_sentence_transformers

    store, embedder, queries = indexed
    embedder.warm_up()
    corpus = load_corpus(store, need_embeddings=False)
    model = embedder.ensemble.members[0].sentence_transformer
    result = mine_with_sentence_transformers(corpus, queries, model, num_negatives=2, range_max=8, relative_margin=None)
    assert result.miner == "sentence-transformers"
    rows = result.triplets()
    assert rows and {r["miner"] for r in rows} == {"sentence-transformers"}
    for q in result.queries:
        excluded = {corpus.ids[i] for i in corpus.positive_indices(tuple(q.positive_ids))}
        assert len(q.negatives) <= 2
        assert not excluded & {n for n, _ in q.negatives}
        assert {n for n, _ in q.negatives} <= set(corpus.ids)
    assert result.extra_stats["seconds"] >= 0


def test_mix_takes_counts_per_source_and_fills_gaps(indexed, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from hardneg_haystack.mining.mix import mix_results, parse_mix
    from hardneg_haystack.mining.result import MiningResult

    store, embedder, queries = indexed
    hard = ClusterHardNegativeMiner(document_store=store, text_embedder=embedder, n_clusters=1, relative_margin=None)
    rand = RandomNegativeMiner(document_store=store, num_negatives=4, seed=3)
    r_hard, r_rand = hard.run(queries=queries)["result"], rand.run(queries=queries)["result"]
    mixed = mix_results([(r_hard, 2), (r_rand, 2)])
    assert mixed.miner == "ensemble2+random2" and mixed.num_negatives == 4
    for q, qh in zip(mixed.queries, r_hard.queries, strict=True):
        ids = [n for n, _ in q.negatives]
        assert len(ids) == len(set(ids)) == 4  # 10 documents: always enough distinct ones
        assert ids[:2] == [n for n, _ in qh.negatives][:2]
        assert not set(ids) & set(q.positive_ids)
    assert sum(mixed.stats()["sources"].values()) == 4 * len(queries)
    # a source with too few negatives is topped up by the others
    for q in r_hard.queries:
        q.negatives = q.negatives[:1]
    topped = mix_results([(r_hard, 2), (r_rand, 2)])
    assert all(len(q.negatives) == 4 for q in topped.queries)
    # round trip through the folder format
    mixed.write(tmp_path / "mix")
    back = MiningResult.read(tmp_path / "mix")
    assert back.triplets() == mixed.triplets() and back.num_negatives == 4
    assert parse_mix("ensemble=2, random=2") == [("ensemble", 2), ("random", 2)]
    with pytest.raises(ConfigError, match="source=count"):
        parse_mix("ensemble2")
    with pytest.raises(DataError, match="mined.json"):
        MiningResult.read(tmp_path)


def test_a_given_clustering_is_reused(indexed) -> None:  # type: ignore[no-untyped-def]
    from hardneg_haystack.mining.cluster_miner import mine_clusters

    store, embedder, queries = indexed
    corpus = load_corpus(store)
    q_emb = embedder.ensemble.encode([q.text for q in queries], role="query")
    cfg = SelectionConfig(num_negatives=2, seed=3)
    clustering = cluster_embeddings(corpus.embeddings, n_clusters=3, seed=3)
    own, _ = mine_clusters(corpus, queries, q_emb, selection=cfg, n_clusters=3)
    given, stats = mine_clusters(corpus, queries, q_emb, selection=cfg, clustering=clustering)
    assert [q.negatives for q in given] == [q.negatives for q in own]
    assert stats["clustering"]["n_clusters"] == 3
    # one label per document of the stored corpus and no other
    single = cluster_embeddings(corpus.embeddings, n_clusters=1)
    single.labels = single.labels[:-1]
    with pytest.raises(DataError, match="clustering covers"):
        mine_clusters(corpus, queries, q_emb, selection=cfg, clustering=single)
