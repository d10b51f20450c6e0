"""Pure clustering of document embeddings (scikit-learn), and the candidate pools built from clusters."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np

from hardneg_haystack.errors import ConfigError

ClusterMethod = Literal["auto", "kmeans", "minibatch", "gmm", "agglomerative"]
PoolMode = Literal["query", "positives", "both", "nearest"]
MINIBATCH_ABOVE = 50_000


def default_n_clusters(n_docs: int) -> int:
    """sqrt(N), at least 2 and at most N: 72 clusters for SciFact's 5,183 abstracts, 316 for 100k."""
    return max(1, min(n_docs, max(2, round(math.sqrt(n_docs)))))


@dataclass
class Clustering:
    labels: np.ndarray  # (N,) cluster of each document
    centroids: np.ndarray  # (k, d) mean embedding of each cluster, in the original space
    method: str
    pca_components: int | None = None

    @property
    def n_clusters(self) -> int:
        return int(self.centroids.shape[0])

    def sizes(self) -> np.ndarray:
        return np.bincount(self.labels, minlength=self.n_clusters)

    def members(self) -> list[np.ndarray]:
        order = np.argsort(self.labels, kind="stable")
        bounds = np.cumsum(self.sizes())[:-1]
        return np.split(order, bounds)

    def nearest(self, vectors: np.ndarray, m: int = 1) -> np.ndarray:
        """The ``m`` clusters whose centroids score highest (dot product) for each vector: ``(n, m)``."""
        sims = np.atleast_2d(vectors) @ self.centroids.T
        m = min(m, self.n_clusters)
        idx = np.argpartition(-sims, m - 1, axis=1)[:, :m]
        order = np.take_along_axis(sims, idx, axis=1).argsort(axis=1)[:, ::-1]
        return np.take_along_axis(idx, order, axis=1)


def cluster_embeddings(
    embeddings: np.ndarray,
    *,
    n_clusters: int | None = None,
    method: ClusterMethod = "auto",
    pca_variance: float | None = None,
    seed: int = 0,
) -> Clustering:
    """Cluster documents. ``auto`` is K-means below 50,000 documents and MiniBatchKMeans above.

    :param n_clusters: k; default :func:`default_n_clusters`; clipped to the number of documents.
    :param pca_variance: keep this share of variance (e.g. 0.9) with PCA before clustering.
    """
    x = np.asarray(embeddings, dtype=np.float32)
    n = x.shape[0]
    if n == 0:
        raise ConfigError("cannot cluster an empty corpus: the store holds no embedded documents")
    k = default_n_clusters(n) if n_clusters is None else int(n_clusters)
    if k < 1:
        raise ConfigError(f"n_clusters must be >= 1, got {k}")
    k = min(k, n)
    if method == "auto":
        method = "minibatch" if n > MINIBATCH_ABOVE else "kmeans"
    feats, n_comp = x, None
    if pca_variance is not None:
        if not 0 < pca_variance <= 1:
            raise ConfigError(f"pca_variance must be in (0, 1], got {pca_variance}")
        from sklearn.decomposition import PCA

        if pca_variance < 1 and min(x.shape) > 1:
            pca = PCA(n_components=pca_variance, svd_solver="full", random_state=seed)
            feats = pca.fit_transform(x).astype(np.float32)
            n_comp = int(pca.n_components_)
    if k == 1:
        labels = np.zeros(n, dtype=np.int64)
    elif method == "kmeans":
        from sklearn.cluster import KMeans

        labels = KMeans(n_clusters=k, n_init=1, random_state=seed).fit_predict(feats)
    elif method == "minibatch":
        from sklearn.cluster import MiniBatchKMeans

        labels = MiniBatchKMeans(n_clusters=k, n_init=1, random_state=seed, batch_size=4096).fit_predict(feats)
    elif method == "gmm":
        from sklearn.mixture import GaussianMixture

        labels = GaussianMixture(n_components=k, covariance_type="diag", random_state=seed).fit_predict(feats)
    elif method == "agglomerative":
        if n > 20_000:
            raise ConfigError(f"agglomerative clustering needs O(N^2) memory; {n} documents is too many")
        from sklearn.cluster import AgglomerativeClustering

        labels = AgglomerativeClustering(n_clusters=k, linkage="ward").fit_predict(feats)
    else:
        raise ConfigError(f"unknown clustering method {method!r}: auto, kmeans, minibatch, gmm or agglomerative")
    labels = _compact(np.asarray(labels, dtype=np.int64))
    centroids = np.zeros((labels.max() + 1, x.shape[1]), dtype=np.float32)
    np.add.at(centroids, labels, x)
    centroids /= np.bincount(labels)[:, None]
    return Clustering(labels=labels, centroids=centroids, method=method, pca_components=n_comp)


def _compact(labels: np.ndarray) -> np.ndarray:
    """Renumber labels 0..k-1 so empty clusters (possible with GMM) disappear."""
    _, inverse = np.unique(labels, return_inverse=True)
    return inverse.astype(np.int64)


def pool_clusters(query_clusters: np.ndarray, positive_clusters: set[int], mode: PoolMode) -> set[int]:
    """Clusters whose documents are candidates: the query's (``query_clusters`` are its nearest, best
    first), the positives', both, or the m nearest (``nearest``)."""
    if mode == "query":
        return {int(query_clusters[0])}
    if mode == "positives":
        return set(positive_clusters) or {int(query_clusters[0])}
    if mode == "both":
        return {int(query_clusters[0]), *positive_clusters}
    if mode == "nearest":
        return {int(c) for c in query_clusters}
    raise ConfigError(f"unknown pool mode {mode!r}: query, positives, both or nearest")
