"""Calibration of binary and multi-label classifiers by temperature scaling."""

from ._metrics import expected_calibration_error
from ._temperature import TemperatureScaledClassifier

__all__ = ["TemperatureScaledClassifier", "expected_calibration_error"]
