"""``bce_scorer``: the negative mean per-label binary cross-entropy of
``predict_proba``, for binary and multi-label targets.

scikit-learn's ``"neg_log_loss"`` reads an ``(n, L)`` matrix of per-label
probabilities as one distribution over ``L`` classes: on a multi-label target it
warns that the rows do not sum to one, renormalises them and scores something
else than the labels' BCE. This scorer scores each label's column on its own
and averages over the labels.
"""

import numpy as np
from scipy import sparse
from scipy.special import xlogy

from ..utils._sklearn_compat import _BaseScorer


def label_log_loss(Y, P, sample_weight=None):
    """The sample-weighted mean BCE of each label, ``(n_labels,)``.

    Probabilities are clipped to ``[eps, 1 - eps]`` (``eps`` of their dtype),
    as scikit-learn's ``log_loss`` clips them, so that one column equals
    ``log_loss`` of that label.

    Parameters
    ----------
    Y : ndarray of shape (n_samples, n_labels)
        0/1 targets.
    P : ndarray of shape (n_samples, n_labels)
        Probabilities that the labels are on.
    sample_weight : ndarray of shape (n_samples,), default=None
    """
    P = np.asarray(P)
    if P.dtype.kind != "f":
        P = P.astype(np.float64)
    eps = np.finfo(P.dtype).eps
    Y = np.asarray(Y, dtype=P.dtype)
    losses = -(
        xlogy(Y, np.clip(P, eps, 1 - eps)) + xlogy(1 - Y, np.clip(1 - P, eps, 1 - eps))
    )
    return np.average(losses, axis=0, weights=sample_weight)


def mean_label_log_loss(y_true, y_proba, *, sample_weight=None):
    """Mean over the labels of each label's weighted mean BCE.

    Parameters
    ----------
    y_true : ndarray of shape (n_samples, n_labels)
        0/1 targets.
    y_proba : ndarray of shape (n_samples, n_labels)
        Probabilities that the labels are on.
    sample_weight : array-like of shape (n_samples,), default=None
    """
    weights = None if sample_weight is None else np.asarray(sample_weight)
    return float(label_log_loss(y_true, y_proba, weights).mean())


def _positive_probabilities(estimator, proba, n_labels):
    """The (n, L) probabilities that the labels are on, from ``predict_proba``
    of a multi-label classifier: an (n, L) array, or a list of L (n, k)
    arrays (MultiOutputClassifier, forests), one per label with its classes."""
    if isinstance(proba, list):
        classes = getattr(estimator, "classes_", [None] * len(proba))
        columns = []
        for label_proba, label_classes in zip(proba, classes):
            label_proba = np.asarray(label_proba)
            known = [] if label_classes is None else list(label_classes)
            if 1 in known:
                columns.append(label_proba[:, known.index(1)])
            elif known:  # a label never on in training: probability 0
                columns.append(np.zeros(label_proba.shape[0]))
            else:
                columns.append(label_proba[:, -1])
        proba = np.column_stack(columns)
    proba = np.asarray(proba)
    if proba.ndim != 2 or proba.shape[1] != n_labels:
        raise ValueError(
            f"bce_scorer needs one probability per label: y has {n_labels} label "
            f"columns but {type(estimator).__name__}.predict_proba returned shape "
            f"{proba.shape}."
        )
    return proba


class _BCEScorer(_BaseScorer):
    """Negative mean per-label BCE of ``predict_proba``; see :data:`bce_scorer`.

    The probabilities are read according to the *target* (a 2-D indicator
    ``y``: one column per label; a 1-D ``y``: the column of the estimator's
    positive class ``classes_[1]``), not to the estimator's ``classes_`` as
    scikit-learn's scorers do, which mistake a two-label model for a binary one.
    """

    def __init__(self):
        super().__init__(
            mean_label_log_loss, sign=-1, kwargs={}, response_method="predict_proba"
        )

    def __repr__(self):
        return "bce_scorer"

    def _score(self, method_caller, estimator, X, y_true, **kwargs):
        y_true = y_true.toarray() if sparse.issparse(y_true) else np.asarray(y_true)
        proba = estimator.predict_proba(X)
        if y_true.ndim == 2:
            Y = y_true
            P = _positive_probabilities(estimator, proba, y_true.shape[1])
        else:
            classes = np.asarray(estimator.classes_)
            proba = np.asarray(proba)
            if classes.size != 2 or proba.ndim != 2 or proba.shape[1] != 2:
                raise ValueError(
                    "bce_scorer scores a 1-D y with a binary classifier (two "
                    f"classes_, predict_proba of shape (n, 2)); "
                    f"{type(estimator).__name__} has classes_ {classes.tolist()}. "
                    "For a multiclass target use 'neg_log_loss'."
                )
            Y = (y_true == classes[1])[:, None]
            P = proba[:, 1:]
        return self._sign * self._score_func(Y, P, **kwargs)


bce_scorer = _BCEScorer()
bce_scorer.__doc__ = """Negative mean per-label binary cross-entropy of predict_proba.

A scorer (call it as ``bce_scorer(estimator, X, y, sample_weight=None)``, or
pass it as ``scoring=bce_scorer``) for binary and multi-label classifiers:
:math:`-\\frac{1}{L}\\sum_k \\frac{\\sum_i s_i\\, \\ell(y_{ik}, p_{ik})}{\\sum_i s_i}`
with :math:`\\ell(y, p) = -y \\log p - (1 - y) \\log(1 - p)`, the probabilities
clipped to ``[eps, 1 - eps]`` as scikit-learn's ``log_loss`` clips them. Greater
is better (0 is perfect). For a binary target it equals ``"neg_log_loss"``;
for a multi-label target, where ``"neg_log_loss"`` reads the ``(n, L)``
probabilities as one distribution over ``L`` classes (and warns "The y_prob
values do not sum to one"), it scores every label's column on its own.

The probabilities are read according to ``y``: a 2-D 0/1 indicator ``y`` takes
one probability per label (an ``(n, L)`` array, or the list of per-label
``(n, 2)`` arrays of ``MultiOutputClassifier`` and forests); a 1-D ``y`` takes
the probability of the estimator's positive class ``classes_[1]``.

``sample_weight`` weighs the rows; with metadata routing enabled, request it
with ``bce_scorer.set_score_request(sample_weight=True)`` (that sets the request
on the shared object: copy it first with ``copy.deepcopy`` to keep the module's
scorer as it is).

Read more in the :ref:`User Guide <multilabel_cv>`.

Examples
--------
>>> from sklearn.model_selection import GridSearchCV
>>> from skbce import MultiLabelLogisticClassifier
>>> from skbce.datasets import load_yeast
>>> from skbce.metrics import bce_scorer
>>> X, Y = load_yeast(return_X_y=True)
>>> search = GridSearchCV(
...     MultiLabelLogisticClassifier(), {"C": [0.01, 1.0]}, scoring=bce_scorer
... ).fit(X, Y)
>>> search.best_params_
{'C': 1.0}
>>> round(float(search.best_score_), 3)
-0.447
"""
