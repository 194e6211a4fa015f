"""skbce: scikit-learn compatible estimators built on binary cross-entropy.

The public estimators are importable from the top level; the loss functions live in
:mod:`skbce.losses` and the bundled data sets in :mod:`skbce.datasets`.
"""

from .calibration import TemperatureScaledClassifier
from .graph import GraphPropagator
from .linear_model import (
    HurdleRegressor,
    MultiLabelLogisticClassifier,
    MultiLabelLogisticClassifierCV,
    ZeroInflatedRegressor,
)
from .model_selection import OptimalThresholdClassifier

__version__ = "0.1.0.dev0"

__all__ = [
    "GraphPropagator",
    "HurdleRegressor",
    "MultiLabelLogisticClassifier",
    "MultiLabelLogisticClassifierCV",
    "OptimalThresholdClassifier",
    "TemperatureScaledClassifier",
    "ZeroInflatedRegressor",
    "__version__",
]
