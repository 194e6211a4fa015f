"""Tests and criteria that compare fitted count models by their likelihood."""

from ._model_tests import (
    LikelihoodRatioTestResult,
    VuongTestResult,
    information_criteria,
    likelihood_ratio_test,
    vuong_test,
)

__all__ = [
    "LikelihoodRatioTestResult",
    "VuongTestResult",
    "information_criteria",
    "likelihood_ratio_test",
    "vuong_test",
]
