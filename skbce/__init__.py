"""skbce: scikit-learn compatible estimators built on binary cross-entropy.

The public estimators are importable from the top level; the loss functions live in
:mod:`skbce.losses` and the bundled data sets in :mod:`skbce.datasets`.
"""

__version__ = "0.1.0.dev0"

from .model_selection import OptimalThresholdClassifier

__all__ = ["OptimalThresholdClassifier", "__version__"]
