"""Linear models built on binary cross-entropy and count likelihoods."""

from ._hurdle import HurdleRegressor, HurdleSummary, NoZerosWarning

__all__ = ["HurdleRegressor", "HurdleSummary", "NoZerosWarning"]
