"""Model selection: classifiers that tune their decision thresholds."""

from ._split import MultiLabelStratifiedKFold
from ._threshold import OptimalThresholdClassifier

__all__ = ["MultiLabelStratifiedKFold", "OptimalThresholdClassifier"]
