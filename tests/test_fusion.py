import numpy as np
import pytest

from hardneg_haystack.errors import ConfigError
from hardneg_haystack.fusion import fuse, fused_dimension, reweight, split_members


def _cos(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    a = a / np.linalg.norm(a, axis=1, keepdims=True)
    b = b / np.linalg.norm(b, axis=1, keepdims=True)
    return a @ b.T


def test_weighted_fusion_is_exact_weighted_mean_of_member_cosines() -> None:
    rng = np.random.default_rng(0)
    dims, weights = [5, 7, 3], [0.5, 0.3, 0.2]
    q = [rng.normal(size=(4, d)) for d in dims]
    d = [rng.normal(size=(6, d)) for d in dims]
    fused = fuse(q, weights) @ fuse(d, weights).T
    expected = sum(w * _cos(qi, di) for w, qi, di in zip(weights, q, d, strict=True))
    assert fused.shape == (4, 6)
    np.testing.assert_allclose(fused, expected, atol=1e-6)


def test_weights_are_normalised_to_sum_one() -> None:
    rng = np.random.default_rng(1)
    a = [rng.normal(size=(2, 3)), rng.normal(size=(2, 4))]
    np.testing.assert_allclose(fuse(a, [2, 6]), fuse(a, [0.25, 0.75]), atol=1e-7)
    # a fused vector has unit norm when all members are non-zero
    np.testing.assert_allclose(np.linalg.norm(fuse(a, [2, 6]), axis=1), 1.0, atol=1e-6)


def test_mean_fusion_needs_equal_dimensions() -> None:
    with pytest.raises(ConfigError, match="equal dimension"):
        fuse([np.ones((1, 3)), np.ones((1, 4))], [1, 1], "mean")
    out = fuse([np.array([[1.0, 0.0]]), np.array([[0.0, 2.0]])], [1, 1], "mean")
    np.testing.assert_allclose(out, [[0.5, 0.5]])


def test_concat_and_dimensions() -> None:
    assert fused_dimension([384, 64], "weighted") == 448
    assert fused_dimension([384, 384], "mean") == 384
    out = fuse([np.array([[3.0, 4.0]]), np.array([[2.0]])], [0.9, 0.1], "concat")
    np.testing.assert_allclose(out, [[0.6, 0.8, 1.0]])


def test_split_and_reweight_recover_members() -> None:
    rng = np.random.default_rng(2)
    members = [rng.normal(size=(3, 4)), rng.normal(size=(3, 2))]
    fused = fuse(members, [0.7, 0.3])
    parts = split_members(fused, [4, 2], [0.7, 0.3])
    for part, m in zip(parts, members, strict=True):
        np.testing.assert_allclose(part, m / np.linalg.norm(m, axis=1, keepdims=True), atol=1e-6)
    np.testing.assert_allclose(reweight(fused, [4, 2], [0.7, 0.3], [0.2, 0.8]), fuse(members, [0.2, 0.8]), atol=1e-6)


@pytest.mark.parametrize("weights", [[-1, 1], [0, 0], [float("nan"), 1]])
def test_bad_weights_are_refused(weights: list[float]) -> None:
    with pytest.raises(ConfigError):
        fuse([np.ones((1, 2)), np.ones((1, 2))], weights)


def test_unknown_fusion_is_refused() -> None:
    with pytest.raises(ConfigError, match="unknown fusion"):
        fuse([np.ones((1, 2))], [1], "median")  # type: ignore[arg-type]
