"""Model selection: classifiers that tune their decision thresholds."""

from ._threshold import BaseThresholdClassifier, OptimalThresholdClassifier

__all__ = ["BaseThresholdClassifier", "OptimalThresholdClassifier"]
