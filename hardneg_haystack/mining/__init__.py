"""Hard-negative mining: clustering, selection and the baselines (pure cores), shared output format."""

from hardneg_haystack.mining.baselines import mine_bm25, mine_random
from hardneg_haystack.mining.cluster_miner import mine_clusters
from hardneg_haystack.mining.clustering import cluster_embeddings, default_n_clusters
from hardneg_haystack.mining.corpus import Corpus, load_corpus
from hardneg_haystack.mining.result import MinedQuery, MiningResult
from hardneg_haystack.mining.selection import SelectionConfig, select_negatives

__all__ = [
    "Corpus",
    "MinedQuery",
    "MiningResult",
    "SelectionConfig",
    "cluster_embeddings",
    "default_n_clusters",
    "load_corpus",
    "mine_bm25",
    "mine_clusters",
    "mine_random",
    "select_negatives",
]
