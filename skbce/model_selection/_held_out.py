"""Held-out scores: what the meta-estimators that learn from them share.

:class:`~skbce.OptimalThresholdClassifier` (decision thresholds) and
:class:`~skbce.calibration.TemperatureScaledClassifier` (temperatures) both fit
clones of a classifier on the training part of each split, score the test part
and learn their own parameters from the pooled held-out scores. This module
holds, in one place, what they share:

- :func:`check_weights_and_groups` and :class:`HeldOutMetaEstimatorMixin`:
  the same ``fit`` parameters
  (``sample_weight``, ``groups`` and the inner estimator's own), routed the same
  way, with or without scikit-learn's metadata routing;
- :func:`held_out_scores`: the loop over the splits (in parallel), and the
  pooling of the held-out scores;
- :func:`label_names`: the names of the labels of a multi-label target.

Pooling. Every pair (row, split) whose row is in the split's test part is one
held-out observation, scored by the model fitted on that split's training
part. Rows in no test part are not used (a ``ShuffleSplit`` or a single
``(train, test)`` pair); a row in several test parts (overlapping folds) is
used once per split, each time with the score of that split's model. For a
single split the held-out observations are the test rows scored by the model
fitted on the training rows: the result of ``cv="prefit"`` with that model on
the test rows. For a partition of the rows (K-fold) every row is used once.
"""

import warnings
from dataclasses import dataclass

import numpy as np
from sklearn import get_config
from sklearn.base import clone
from sklearn.utils import check_consistent_length, column_or_1d
from sklearn.utils.metadata_routing import (
    MetadataRouter,
    MethodMapping,
    process_routing,
)
from sklearn.utils.parallel import Parallel, delayed
from sklearn.utils.validation import has_fit_parameter

from ..utils._sklearn_compat import (
    _check_method_params,
    _check_sample_weight,
    _num_samples,
    _safe_indexing,
)


def check_weights_and_groups(X, sample_weight, groups):
    """Validated ``sample_weight`` (non-negative) and ``groups`` (1-D), or None."""
    if sample_weight is not None:
        sample_weight = _check_sample_weight(sample_weight, X, ensure_non_negative=True)
    if groups is not None:
        groups = column_or_1d(groups)
        check_consistent_length(X, groups)
    return sample_weight, groups


class HeldOutMetaEstimatorMixin:
    """``fit`` parameters of a meta-estimator learning from held-out scores.

    The class has the parameters ``estimator`` (the classifier to fit), ``cv``
    (its splitter, used for routing ``groups``) and ``n_jobs``. ``sample_weight`` goes
    to the inner fits when the estimator takes it, ``groups`` to the
    splitter's ``split``; with ``sklearn.set_config(enable_metadata_routing=True)``
    both, and any other fit parameter, follow the requests set on the
    estimator and the splitter.
    """

    def _routed_params(self, sample_weight, groups, params):
        """Parameters of ``estimator.fit`` and of ``cv.split``."""
        if get_config()["enable_metadata_routing"]:
            routed = process_routing(
                self, "fit", sample_weight=sample_weight, groups=groups, **params
            )
            return routed.estimator.fit, routed.splitter.split
        fit_params = dict(params)
        if sample_weight is not None:
            if has_fit_parameter(self.estimator, "sample_weight"):
                fit_params["sample_weight"] = sample_weight
            else:
                warnings.warn(
                    f"{type(self.estimator).__name__}.fit does not accept "
                    "sample_weight: the weights are only used in the "
                    f"{type(self).__name__}'s own objective. Enable metadata "
                    "routing to route them (e.g. into a Pipeline).",
                    UserWarning,
                    stacklevel=4,
                )
        return fit_params, {} if groups is None else {"groups": groups}

    def _held_out_scores(self, X, y, cv, routed_params, score, targets):
        """:func:`held_out_scores` of ``self.estimator``, checked against ``targets``.

        ``routed_params`` is the pair returned by :meth:`_routed_params`;
        ``targets`` (one row per row of ``X``, one column per label) must get
        one score per label (:func:`check_scores_fit_labels`).
        """
        fit_params, split_params = routed_params
        held_out = held_out_scores(
            self.estimator,
            X,
            y,
            cv,
            fit_params=fit_params,
            split_params=split_params,
            score=score,
            n_jobs=self.n_jobs,
        )
        check_scores_fit_labels(
            held_out.scores, targets[held_out.rows], prefit=cv == "prefit"
        )
        return held_out

    def get_metadata_routing(self):
        """Get metadata routing of this object.

        See scikit-learn's user guide on metadata routing for how the routing
        mechanism works.

        Returns
        -------
        routing : MetadataRouter
            A :class:`~sklearn.utils.metadata_routing.MetadataRouter`
            encapsulating routing information.
        """
        return (
            MetadataRouter(owner=self)
            .add_self_request(self)
            .add(
                estimator=self.estimator,
                method_mapping=MethodMapping().add(caller="fit", callee="fit"),
            )
            .add(
                splitter=self.cv,
                method_mapping=MethodMapping().add(caller="fit", callee="split"),
            )
        )


@dataclass
class HeldOut:
    """The pooled held-out observations of a cross-validation.

    Attributes
    ----------
    rows : ndarray of shape (n_observations,)
        The row of ``X`` of each observation.
    splits : ndarray of shape (n_observations,)
        The split (0, 1, ...) whose model scored it.
    scores : ndarray of shape (n_observations, ...)
        The scores, stacked in the order of the splits.
    estimators : list
        The model of each split (``estimator`` itself for ``cv="prefit"``).
    """

    rows: np.ndarray
    splits: np.ndarray
    scores: np.ndarray
    estimators: list

    def take(self, values):
        """``values`` (one per row of X, or None) at the observations' rows."""
        return None if values is None else np.asarray(values)[self.rows]

    def groups(self, groups):
        """The group of each observation, or None.

        A group held out by several splits (overlapping folds) is one group per
        split: each is scored by another model, as the rows are.
        """
        if groups is None:
            return None
        groups = np.asarray(groups)[self.rows]
        if np.unique(self.rows).size == self.rows.size:
            return groups
        _, group_codes = np.unique(groups, return_inverse=True)
        pairs = np.column_stack([self.splits, group_codes.ravel()])
        return np.unique(pairs, axis=0, return_inverse=True)[1].ravel()


def _fit_and_score(estimator, X, y, *, train, test, fit_params, score):
    """Fit ``estimator`` on ``train`` (None: prefit), then ``score`` it on ``test``."""
    if train is not None:
        estimator.fit(
            _safe_indexing(X, train),
            _safe_indexing(y, train),
            **_check_method_params(X, fit_params, indices=train),
        )
    return estimator, np.asarray(score(estimator, _safe_indexing(X, test)))


def held_out_scores(estimator, X, y, cv, *, fit_params, split_params, score, n_jobs):
    """Fit a clone of ``estimator`` per split and pool the scores of the test parts.

    Parameters
    ----------
    estimator : estimator instance
        The classifier; fitted already for ``cv="prefit"``.
    X, y : array-like
        The data, indexable.
    cv : cross-validation splitter or "prefit"
        The splitter (``cv.split(X, y, **split_params)``), or ``"prefit"``: one
        "split" holding out every row, scored by ``estimator`` itself.
    fit_params, split_params : dict
        Parameters of ``estimator.fit`` (indexed like the rows) and of
        ``cv.split``.
    score : callable
        ``score(fitted_estimator, X_test)`` gives the scores of the test rows.
    n_jobs : int or None
        Number of splits fitted in parallel.

    Returns
    -------
    held_out : HeldOut
        The observations, their scores and the models of the splits.
    """
    if cv == "prefit":
        splits = [(None, np.arange(_num_samples(X)))]
    else:
        splits = list(cv.split(X, y, **split_params))
    fitted = Parallel(n_jobs=n_jobs)(
        delayed(_fit_and_score)(
            estimator if train is None else clone(estimator),
            X,
            y,
            train=train,
            test=test,
            fit_params=fit_params,
            score=score,
        )
        for train, test in splits
    )
    tests = [np.asarray(test, dtype=np.intp) for _, test in splits]
    return HeldOut(
        rows=np.concatenate(tests),
        splits=np.repeat(np.arange(len(tests)), [t.size for t in tests]),
        scores=np.concatenate([scores for _, scores in fitted]),
        estimators=[model for model, _ in fitted],
    )


def check_scores_fit_labels(scores, y, prefit):
    """Refuse held-out scores that do not hold one score per label of ``y``.

    ``scores`` and ``y`` have one row per held-out observation; a prefit (or
    fold) estimator fitted on another number of labels would else be matched
    with the wrong columns, or fail deep inside the search.
    """
    if np.shape(scores)[1:] != np.shape(y)[1:]:
        n_scores = np.shape(scores)[1] if np.ndim(scores) > 1 else 1
        n_labels = np.shape(y)[1] if np.ndim(y) > 1 else 1
        raise ValueError(
            f"The {'prefit ' if prefit else ''}estimator gives {n_scores} score(s) "
            f"per sample but y has {n_labels} label column(s): it must be fitted "
            "on, and score, every label of y."
        )


def check_prefit_labels(estimator, y, columns, multilabel):
    """Refuse a prefit ``estimator`` fitted on other classes or labels than ``y``'s.

    For a binary ``y`` its two classes must be the estimator's ``classes_``; for
    a multi-label ``y`` (``columns``: a DataFrame's columns, or None) its labels
    must be the estimator's (see :func:`label_names`).
    """
    if multilabel:
        label_names(columns, estimator, np.shape(y)[1])
        return
    classes = np.unique(y)
    fitted = np.asarray(getattr(estimator, "classes_", None))
    if not np.array_equal(fitted, classes):
        raise ValueError(
            f"y holds the classes {classes.tolist()} but the prefit estimator was "
            f"fitted on {fitted.tolist()}; use data with the estimator's classes."
        )


def label_names(columns, estimator, n_labels):
    """The names of the labels of a multi-label target, one per column of y.

    ``columns`` are the columns of a DataFrame y (None otherwise): they are the
    names when given; else the ``classes_`` of the fitted
    ``estimator`` when they name its ``n_labels`` labels (as
    :class:`~skbce.MultiLabelLogisticClassifier` fitted on a DataFrame does);
    else the positions ``0, ..., n_labels - 1``. A DataFrame whose columns are
    not the labels the estimator was fitted on (renamed, or in another order) is
    refused: each label would be judged on another label's data.
    """
    inner = getattr(estimator, "classes_", None)
    if isinstance(inner, list) or inner is None:  # one array of classes per label
        inner = None
    else:
        inner = np.asarray(inner)
        positions = np.arange(n_labels)
        if inner.shape != (n_labels,) or np.array_equal(inner, positions):
            inner = None
    if columns is None:
        return np.arange(n_labels) if inner is None else inner
    columns = np.asarray(columns)
    if inner is not None and not np.array_equal(inner, columns):
        raise ValueError(
            f"The label columns of y {columns.tolist()} are not the labels "
            f"{inner.tolist()} the estimator was fitted on, in that order. "
            "Select and order the columns of y as they were, e.g. y[labels]."
        )
    return columns
