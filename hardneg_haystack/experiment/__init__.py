"""The paper's comparison end to end: ensemble vs BM25 vs random negatives, one re-ranker each."""

from hardneg_haystack.experiment.config import MINERS, ExperimentConfig
from hardneg_haystack.experiment.runner import Experiment, ExperimentData, run_experiment

__all__ = ["MINERS", "Experiment", "ExperimentConfig", "ExperimentData", "run_experiment"]
