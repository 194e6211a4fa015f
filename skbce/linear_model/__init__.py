"""Linear models trained on binary cross-entropy."""

from ._multilabel import MultiLabelLogisticClassifier

__all__ = ["MultiLabelLogisticClassifier"]
