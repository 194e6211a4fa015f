"""Linear models built on binary cross-entropy and count likelihoods."""

from ._hurdle import HurdleRegressor, HurdleSummary, NoZerosWarning
from ._multilabel import MultiLabelLogisticClassifier
from ._multilabel_cv import MultiLabelLogisticClassifierCV
from ._zero_inflated import (
    InflationNotIdentifiedWarning,
    ZeroInflatedRegressor,
    ZeroInflatedSummary,
)

__all__ = [
    "HurdleRegressor",
    "HurdleSummary",
    "InflationNotIdentifiedWarning",
    "MultiLabelLogisticClassifier",
    "MultiLabelLogisticClassifierCV",
    "NoZerosWarning",
    "ZeroInflatedRegressor",
    "ZeroInflatedSummary",
]
