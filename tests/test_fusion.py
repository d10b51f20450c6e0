import numpy as np
import pytest

from hardneg_haystack.embedding.fusion import fuse_vectors, fused_dimension, reweight, split_members
from hardneg_haystack.errors import ConfigError


def _cos(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    a = a / np.linalg.norm(a, axis=1, keepdims=True)
    b = b / np.linalg.norm(b, axis=1, keepdims=True)
    return a @ b.T


def test_weighted_fusion_is_exact_weighted_mean_of_member_cosines() -> None:
    rng = np.random.default_rng(0)
    dims, weights = [5, 7, 3], [0.5, 0.3, 0.2]
    q = [rng.normal(size=(4, d)) for d in dims]
    d = [rng.normal(size=(6, d)) for d in dims]
    fused = fuse_vectors(q, weights) @ fuse_vectors(d, weights).T
    expected = sum(w * _cos(qi, di) for w, qi, di in zip(weights, q, d, strict=True))
    assert fused.shape == (4, 6)
    np.testing.assert_allclose(fused, expected, atol=1e-6)


def test_weights_are_normalised_to_sum_one() -> None:
    rng = np.random.default_rng(1)
    a = [rng.normal(size=(2, 3)), rng.normal(size=(2, 4))]
    np.testing.assert_allclose(fuse_vectors(a, [2, 6]), fuse_vectors(a, [0.25, 0.75]), atol=1e-7)
    # a fused vector has unit norm when all members are non-zero
    np.testing.assert_allclose(np.linalg.norm(fuse_vectors(a, [2, 6]), axis=1), 1.0, atol=1e-6)


def test_mean_fusion_needs_equal_dimensions() -> None:
    with pytest.raises(ConfigError, match="equal dimension"):
        fuse_vectors([np.ones((1, 3)), np.ones((1, 4))], [1, 1], "mean")
    out = fuse_vectors([np.array([[1.0, 0.0]]), np.array([[0.0, 2.0]])], [1, 1], "mean")
    np.testing.assert_allclose(out, [[0.5, 0.5]])


def test_concat_and_dimensions() -> None:
    assert fused_dimension([384, 64], "weighted") == 448
    assert fused_dimension([384, 384], "mean") == 384
    out = fuse_vectors([np.array([[3.0, 4.0]]), np.array([[2.0]])], [0.9, 0.1], "concat")
    np.testing.assert_allclose(out, [[0.6, 0.8, 1.0]])


def test_split_and_reweight_recover_members() -> None:
    rng = np.random.default_rng(2)
    members = [rng.normal(size=(3, 4)), rng.normal(size=(3, 2))]
    fused = fuse_vectors(members, [0.7, 0.3])
    parts = split_members(fused, [4, 2], [0.7, 0.3])
    for part, m in zip(parts, members, strict=True):
        np.testing.assert_allclose(part, m / np.linalg.norm(m, axis=1, keepdims=True), atol=1e-6)
    np.testing.assert_allclose(
        reweight(fused, [4, 2], [0.7, 0.3], [0.2, 0.8]), fuse_vectors(members, [0.2, 0.8]), atol=1e-6
    )


@pytest.mark.parametrize("weights", [[-1, 1], [0, 0], [float("nan"), 1]])
def test_bad_weights_are_refused(weights: list[float]) -> None:
    with pytest.raises(ConfigError):
        fuse_vectors([np.ones((1, 2)), np.ones((1, 2))], weights)


def test_unknown_fusion_is_refused() -> None:
    with pytest.raises(ConfigError, match="unknown fusion"):
        fuse_vectors([np.ones((1, 2))], [1], "median")  # type: ignore[arg-type]


# ---- fusing ranking signals (BM25, dense, cross-encoder) --------------------------------------------------------


def test_score_fusion_math_and_fit() -> None:
    from hardneg_haystack.ranking.score_fusion import fit_fusion_weights, fuse, simplex_grid

    assert fuse([[3.0, 1.0], [0.2, 0.9], [5.0, -1.0]], [0.2, 0.3, 0.5]).round(2).tolist() == [0.7, 0.3]
    grid = simplex_grid(3, 0.5)
    assert sorted(grid) == sorted([(0, 0, 1), (0, 0.5, 0.5), (0, 1, 0), (0.5, 0, 0.5), (0.5, 0.5, 0), (1, 0, 0)])
    assert all(abs(sum(w) - 1) < 1e-9 for w in simplex_grid(3, 0.1)) and len(simplex_grid(3, 0.1)) == 66
    # only signal 1 ranks the relevant (middle) candidate first: the fit leans on it
    samples = [([[2.0, 0.0, 1.0], [0.0, 3.0, 1.0], [1.0, 0.0, 2.0]], [False, True, False]) for _ in range(3)]
    weights, score = fit_fusion_weights(samples, step=0.25)
    assert weights[1] >= 0.75 and score == 1.0
    with pytest.raises(ValueError, match="same candidates"):
        fuse([[1.0, 2.0], [1.0]], [0.5, 0.5])
    with pytest.raises(ValueError, match=">= 0"):
        fuse([[1.0], [1.0]], [1.5, -0.5])


def test_score_fuser_component(tmp_path) -> None:
    import json

    from haystack import Document

    from hardneg_haystack import ScoreFuser

    first = [
        Document(id="a", content="a", score=9.0, embedding=[1.0, 0.0]),
        Document(id="b", content="b", score=1.0, embedding=[0.0, 1.0]),
    ]
    ranked = [Document(id="b", content="b", score=0.2), Document(id="a", content="a", score=0.1)]
    query = [0.0, 1.0]
    order = lambda fuser: [d.id for d in fuser.run(ranked, first, query)["documents"]]  # noqa: E731
    assert order(ScoreFuser(weights={"bm25": 1.0})) == ["a", "b"]
    assert order(ScoreFuser(weights={"dense": 1.0})) == ["b", "a"]
    assert order(ScoreFuser(weights={"cross-encoder": 1.0})) == ["b", "a"]
    out = ScoreFuser(weights={"bm25": 0.6, "dense": 0.2, "cross-encoder": 0.2}).run(ranked, first, query)
    top = out["documents"][0]
    assert top.id == "a" and top.meta["bm25_score"] == 9.0 and top.meta["dense_score"] == 0.0
    model = tmp_path / "model"
    model.mkdir()
    (model / "hardneg.json").write_text(json.dumps({"fusion_weights": {"bm25": 0.0, "dense": 1.0, "cross-encoder": 0}}))
    fuser = ScoreFuser(model=str(model))
    assert fuser.weights["dense"] == 1.0 and order(fuser) == ["b", "a"]
    assert ScoreFuser.from_dict(fuser.to_dict()).weights == fuser.weights
    with pytest.raises(ValueError, match="non-negative"):
        ScoreFuser(weights={"bm25": -1.0, "dense": 2.0})
    with pytest.raises(ValueError, match="non-negative"):
        ScoreFuser(weights={"colbert": 1.0})
