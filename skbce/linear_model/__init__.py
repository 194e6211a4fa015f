"""Linear models built on binary cross-entropy and count likelihoods."""

from ._hurdle import HurdleRegressor, HurdleSummary, NoZerosWarning
from ._multilabel import MultiLabelLogisticClassifier
from ._multilabel_cv import MultiLabelLogisticClassifierCV

__all__ = [
    "HurdleRegressor",
    "HurdleSummary",
    "MultiLabelLogisticClassifier",
    "MultiLabelLogisticClassifierCV",
    "NoZerosWarning",
]
