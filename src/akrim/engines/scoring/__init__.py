"""Risk scoring of workplaces (issue 5): indicators, a calibrated model, a model card.

Pure Python with Polars, NumPy, SciPy and scikit-learn; no Django. The targeting app and
``akrim targeting rank`` call it: ``compute_features`` → ``train`` → ``score`` →
``model_card``.
"""

from akrim.engines.scoring.card import model_card
from akrim.engines.scoring.indicators import INDICATORS, Indicator, compute_features
from akrim.engines.scoring.model import Model, score, train

__all__ = [
    "INDICATORS",
    "Indicator",
    "Model",
    "compute_features",
    "model_card",
    "score",
    "train",
]
