"""Metrics on classifier scores: the exact search of decision thresholds."""

from ._bce_scorer import bce_scorer
from ._count_likelihood import count_log_likelihood_scorer
from ._threshold import (
    ConstrainedObjective,
    constrained,
    optimal_threshold,
    threshold_curve,
)

__all__ = [
    "ConstrainedObjective",
    "bce_scorer",
    "constrained",
    "count_log_likelihood_scorer",
    "optimal_threshold",
    "threshold_curve",
]
