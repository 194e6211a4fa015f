"""Metrics on classifier scores: the exact search of decision thresholds."""

from ._bce_scorer import bce_scorer
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
    "optimal_threshold",
    "threshold_curve",
]
