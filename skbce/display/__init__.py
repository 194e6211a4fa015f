"""Plots of fitted models, in scikit-learn's display style.

Each display is built with ``from_estimator`` or ``from_predictions``, stores the
numbers it shows and draws them with ``plot(ax=...)``. matplotlib is an optional
dependency, imported only when a display is drawn.
"""

from ._rootogram import RootogramDisplay
from ._threshold_curve import ThresholdCurveDisplay

__all__ = ["RootogramDisplay", "ThresholdCurveDisplay"]
