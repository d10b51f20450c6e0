"""Fine-tuning cross-encoder re-rankers on mined negatives (losses, data, trainer)."""

from hardneg_haystack.training.cross_encoder import TrainConfig, TrainResult, train_cross_encoder
from hardneg_haystack.training.losses import TripletMarginLoss
from hardneg_haystack.training.model_info import read_training_info

__all__ = ["TrainConfig", "TrainResult", "TripletMarginLoss", "read_training_info", "train_cross_encoder"]
