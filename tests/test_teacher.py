"""The fine-tune's label-informed teacher: blended BM25 + dense scores, min-max over the query's pool."""

import numpy as np

from hardneg_haystack.ranking.score_fusion import minmax
from hardneg_haystack.training.teacher import teacher_scores


def test_teacher_scores_by_hand() -> None:
    bm25 = np.array([9.0, 1.0, 5.0, 0.0])
    dense = np.array([0.9, 0.2, 0.1, 0.5])
    # pool 2: BM25's top {0, 2}, dense's top {0, 3}, plus the documents' entries {1, 2, 3}: every entry
    pool = [0, 1, 2, 3]
    expected = 0.5 * minmax(dense[pool]) + 0.5 * minmax(bm25[pool])
    got = teacher_scores(bm25, dense, [[1], [2, 3], [0]], weight=0.5, pool=2)
    assert np.allclose(got, [expected[1], max(expected[2], expected[3]), expected[0]])  # a document = its best chunk
    assert got[2] == 1.0  # the entry best on both signals


def test_teacher_pool_sets_the_range_and_weight_picks_the_signal() -> None:
    rng = np.random.default_rng(0)
    bm25, dense = rng.random(100) * 10, rng.random(100)
    far = int(np.argmin(bm25 + dense))
    small = teacher_scores(bm25, dense, [[far]], weight=0.5, pool=1)[0]
    # with a pool of 1 the range is [far's blend, the two tops]: a bigger pool can only widen the range below far
    assert 0.0 <= small <= teacher_scores(bm25, dense, [[far]], weight=0.5, pool=100)[0] + 1e-12
    only_dense = teacher_scores(bm25, dense, [[int(np.argmax(dense))]], weight=1.0, pool=100)[0]
    only_bm25 = teacher_scores(bm25, dense, [[int(np.argmax(dense))]], weight=0.0, pool=100)[0]
    assert only_dense == 1.0 and only_bm25 < 1.0
