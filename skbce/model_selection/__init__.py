"""Model selection: classifiers that tune their decision thresholds."""

from ._threshold import OptimalThresholdClassifier

__all__ = ["OptimalThresholdClassifier"]
