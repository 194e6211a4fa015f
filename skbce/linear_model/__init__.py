"""Linear models built on binary cross-entropy and count likelihoods."""

from ._hurdle import HurdleRegressor, HurdleSummary, NoZerosWarning
from ._multilabel import MultiLabelLogisticClassifier

__all__ = [
    "HurdleRegressor",
    "HurdleSummary",
    "MultiLabelLogisticClassifier",
    "NoZerosWarning",
]
