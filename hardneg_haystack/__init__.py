"""hardneg-haystack: ensemble hard-negative mining and cross-encoder fine-tuning for Haystack."""

from hardneg_haystack.components.backend_ranker import BackendRanker
from hardneg_haystack.components.embedders import EnsembleEmbedder, EnsembleTextEmbedder
from hardneg_haystack.components.miners import BM25NegativeMiner, ClusterHardNegativeMiner, RandomNegativeMiner
from hardneg_haystack.components.onnx_ranker import OnnxRanker
from hardneg_haystack.components.rankers import MaxPAggregator, ScoreBlender, ScoreFuser
from hardneg_haystack.components.retrievers import AnalyzedBM25Retriever
from hardneg_haystack.components.trainer import TripletTrainer
from hardneg_haystack.components.warm_start import CorpusWarmStart
from hardneg_haystack.ensemble import Ensemble, EnsembleMember

__all__ = [
    "AnalyzedBM25Retriever",
    "BackendRanker",
    "BM25NegativeMiner",
    "ClusterHardNegativeMiner",
    "CorpusWarmStart",
    "Ensemble",
    "EnsembleEmbedder",
    "EnsembleMember",
    "EnsembleTextEmbedder",
    "MaxPAggregator",
    "OnnxRanker",
    "RandomNegativeMiner",
    "ScoreBlender",
    "ScoreFuser",
    "TripletTrainer",
]
__version__ = "0.1.0"
