"""Metrics on classifier scores: the exact search of decision thresholds."""

from ._threshold import (
    ConstrainedObjective,
    constrained,
    optimal_threshold,
    threshold_curve,
)

__all__ = [
    "ConstrainedObjective",
    "constrained",
    "optimal_threshold",
    "threshold_curve",
]
