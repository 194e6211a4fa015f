"""skbce: scikit-learn compatible estimators built on binary cross-entropy.

The public estimators are importable from the top level; the loss functions live in
:mod:`skbce.losses` and the bundled data sets in :mod:`skbce.datasets`.
"""

from .linear_model import MultiLabelLogisticClassifier

__version__ = "0.1.0.dev0"

__all__ = ["MultiLabelLogisticClassifier", "__version__"]
