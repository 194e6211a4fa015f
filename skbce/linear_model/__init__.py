"""Linear models built on binary cross-entropy and count likelihoods."""

from ._hurdle import HurdleRegressor

__all__ = ["HurdleRegressor"]
