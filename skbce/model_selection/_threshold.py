"""Classifiers that tune their decision thresholds on held-out scores.

The class structure follows scikit-learn's
``sklearn/model_selection/_classification_threshold.py``: a base class owns the
public ``fit`` (target checks, then the subclass's ``_fit``), the delegation of
``predict_proba``/``decision_function`` and the tags; the per-fold work lives in
module-level helpers run through ``Parallel``. The search itself is the exact
sweep of :mod:`skbce.metrics`, for all labels at once.
"""

import functools
import warnings
from numbers import Integral, Real

import numpy as np
from sklearn.base import (
    BaseEstimator,
    ClassifierMixin,
    MetaEstimatorMixin,
    clone,
)
from sklearn.exceptions import NotFittedError, UndefinedMetricWarning
from sklearn.model_selection import ShuffleSplit, StratifiedShuffleSplit, check_cv
from sklearn.utils import column_or_1d, get_tags, indexable
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import type_of_target
from sklearn.utils.validation import check_is_fitted

from ..metrics._threshold import (
    ConstrainedObjective,
    _check_combination,
    _check_grid,
    _check_no_missing_labels,
    _curves,
    _decision_thresholds,
    _LabelNames,
    _rescaled_weights,
    _resolve_objective,
    _search_table,
    _select,
    optimal_threshold,
)
from ..utils._dask import (
    any_dask,
    check_dask_rows,
    check_row_chunks,
    is_dask_collection,
    map_rows,
)
from ..utils._sklearn_compat import (
    HasMethods,
    Interval,
    RealNotInt,
    StrOptions,
    _fit_context,
    _num_samples,
)
from ..utils._validation import AtomicSetParamsMixin, check_no_label_sets
from ._held_out import (
    HeldOutMetaEstimatorMixin,
    check_prefit_labels,
    check_weights_and_groups,
    label_names,
)

__all__ = ["OptimalThresholdClassifier"]

# The cut a response method uses when nothing is tuned.
_DEFAULT_CUT = {"predict_proba": 0.5, "decision_function": 0.0}


def _estimator_has(attr):
    """Check the fitted ``estimator_`` if present, else the unfitted ``estimator``."""

    def check(self):
        estimator = getattr(self, "estimator_", self.estimator)
        getattr(estimator, attr)
        return True

    return check


def _response_method(estimator, response_method):
    """The method giving scores: the requested one or the first available."""
    methods = (
        ["predict_proba", "decision_function"]
        if response_method == "auto"
        else [response_method]
    )
    for method in methods:
        if hasattr(estimator, method):
            return method
    raise ValueError(
        f"{type(estimator).__name__} has no {' or '.join(methods)} method: the "
        "threshold of a classifier is tuned on its scores, so wrap a classifier "
        "that outputs probabilities or decision values."
    )


def _dask_rows(X):
    """A dask X as a dask array of whole rows with known row chunks."""
    if not is_dask_collection(X):
        raise ValueError(
            "Some inputs are dask collections but X is not; pass X as a dask "
            "array or DataFrame too (or compute the other inputs)."
        )
    if hasattr(X, "to_dask_array"):
        X = X.to_dask_array(lengths=True)
    check_row_chunks(X, "X")
    return X.rechunk({1: -1}) if X.numblocks[1] != 1 else X


def _positive_scores(estimator, X, method, multilabel, pos_label=None):
    """Scores of the positive class, shape (n_samples, n_labels).

    Handles binary outputs (probabilities of shape (n, 2) or decision values of
    shape (n,)) and the two multi-label conventions: an (n, n_labels) array, or a
    list with one (n, n_classes) probability array per label (as
    ``MultiOutputClassifier`` and forests return). For a binary target the
    scores are those of ``pos_label`` (by default the second class, as
    scikit-learn's): its probability, or the decision function with the sign
    that makes larger values mean ``pos_label``.
    """
    scores = getattr(estimator, method)(X)
    if isinstance(scores, list):
        columns = []
        for classes, proba in zip(estimator.classes_, scores):
            positive = np.flatnonzero(np.asarray(classes) == 1)
            columns.append(
                proba[:, positive[0]] if positive.size else np.zeros(len(proba))
            )
        return np.column_stack(columns)
    scores = np.asarray(scores)
    if multilabel:
        return scores
    if scores.ndim == 2 and scores.shape[1] != 2:
        raise ValueError(
            f"{type(estimator).__name__}.{method} gives {scores.shape[1]} scores "
            "per sample, but y is binary: a binary target needs a classifier "
            "fitted on its two classes (or pass the 0/1 indicator matrix of a "
            "multi-label target)."
        )
    is_second = pos_label is None or np.asarray(estimator.classes_)[1] == pos_label
    if scores.ndim == 2:
        scores = scores[:, 1 if is_second else 0]
    elif not is_second:  # decision values are those of the second class
        scores = -scores
    return scores[:, None]


def _fold_objectives(objective, curves, y_true, y_score, sample_weight, groups, folds):
    """Objective of each fold at the thresholds of each label's pooled curve.

    Returns one array of shape (n_folds, n_thresholds) per label; NaN where a
    fold's validation part has no positives of the label.
    """
    n_folds = folds.max() + 1
    results = []
    for j, curve in enumerate(curves):
        per_fold = np.full((n_folds, curve.thresholds.size), np.nan)
        for k in range(n_folds):
            rows = folds == k
            if not y_true[rows, j].any():
                continue
            _, values = _search_table(
                y_true[rows, j][:, None],
                y_score[rows, j][:, None],
                None if sample_weight is None else sample_weight[rows],
                objective,
                groups=None if groups is None else groups[rows],
                grid=curve.thresholds,
            )
            per_fold[k] = values[:, 0]
        results.append(per_fold)
    return results


def _warn_missing_positives(y_true, folds, average, names):
    """Warn about labels without positives in some (or every) validation fold."""
    has_positives = np.stack(
        [y_true[folds == k].any(axis=0) for k in range(folds.max() + 1)]
    )
    if has_positives.all():
        return
    some = np.flatnonzero(~has_positives.all(axis=0))
    never = np.flatnonzero(~has_positives.any(axis=0))
    message = (
        f"Some validation fold has no positive sample of {names(some)}: the "
        "per-fold objective is NaN there and the threshold is chosen on the "
        "pooled held-out scores."
    )
    if never.size and average == "macro":
        message += (
            f" No validation fold has a positive sample of {names(never)}: the "
            "threshold falls back to the default cut (0.5 for probabilities, 0 "
            "for decision values)."
        )
    warnings.warn(message, UndefinedMetricWarning, stacklevel=5)


def _tune_thresholds(
    objective,
    y_true,
    y_score,
    sample_weight,
    groups,
    *,
    folds,
    grid,
    average,
    default_cut,
    names,
):
    """Exact search on pooled held-out scores, with the per-fold curves.

    Returns the thresholds (one per label), the best score and one curve dict per
    label. With ``average="macro"``, a label without any held-out positive (of
    positive weight) gets ``default_cut``: its search has no positive to find.
    Warnings name the labels by ``names`` (a
    :class:`~skbce.metrics._threshold._LabelNames`).
    """
    _warn_missing_positives(y_true, folds, average, names)
    sample_weight = _rescaled_weights(sample_weight)
    candidates, values = _search_table(
        y_true,
        y_score,
        sample_weight,
        objective,
        groups=groups,
        grid=_check_grid(grid, y_score),
    )
    rows, best_score = _select(
        objective, candidates, values, average, y_true, sample_weight, names
    )
    best = _decision_thresholds(candidates, rows).astype(np.float64)
    if average == "macro":
        best[candidates.n_pos <= 0] = default_cut  # no (weighted) positive

    curves = _curves(candidates, values, zero_division=0.0)
    fold_values = _fold_objectives(
        objective, curves, y_true, y_score, sample_weight, groups, folds
    )
    results = [
        {**curve, "fold_objective": per_fold}
        for curve, per_fold in zip(curves, fold_values)
    ]
    return best, best_score, results


class BaseThresholdClassifier(
    AtomicSetParamsMixin, ClassifierMixin, MetaEstimatorMixin, BaseEstimator
):
    """Base class of classifiers that set their decision thresholds.

    It validates the target in ``fit`` (binary or multi-label indicator) before
    calling the subclass's ``_fit``, delegates ``predict_proba``,
    ``predict_log_proba`` and ``decision_function`` to the fitted estimator and
    sets the tags. Subclasses implement ``_fit`` and set ``estimator_``,
    ``best_threshold_`` and ``response_method_``.

    Parameters
    ----------
    estimator : estimator instance
        The classifier whose decision thresholds are set.

    response_method : {"auto", "predict_proba", "decision_function"}, \
            default="auto"
        The method of ``estimator`` giving the scores that are thresholded;
        ``"auto"`` tries ``predict_proba`` then ``decision_function``.
    """

    _parameter_constraints: dict = {
        "estimator": [
            HasMethods(["fit", "predict_proba"]),
            HasMethods(["fit", "decision_function"]),
        ],
        "response_method": [StrOptions({"auto", "predict_proba", "decision_function"})],
    }

    def __init__(self, estimator, *, response_method="auto"):
        self.estimator = estimator
        self.response_method = response_method

    @_fit_context(
        # the inner estimator is validated by its own fit
        prefer_skip_nested_validation=False
    )
    def fit(self, X, y, sample_weight=None, groups=None, **params):
        """Fit the classifier and set its decision thresholds.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data, as accepted by ``estimator``.

        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            Binary labels (any two values) or a 0/1 multi-label indicator matrix.

        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights, used by the inner fits and by the objective.

        groups : array-like of shape (n_samples,), default=None
            Group of each sample, e.g. the image each pixel belongs to. The
            objective is then averaged over groups (each group counts once: the
            mean Dice per image that segmentation papers report) instead of
            pooled over all samples, and the groups are passed to the splitter,
            so that a group splitter such as
            :class:`~sklearn.model_selection.GroupKFold` keeps every group within
            one fold. Only with ``average="macro"`` and unconstrained
            objectives.

        **params : dict
            Other parameters of ``estimator.fit`` (routed with
            ``sklearn.set_config(enable_metadata_routing=True)``).

        Returns
        -------
        self : object
            The fitted classifier.
        """
        if any_dask(X, y, sample_weight):
            self._fit_dask(X, y, sample_weight, groups, **params)
            return self
        check_no_label_sets(y)
        if y is not None:
            _check_no_missing_labels(y, "y")
        X, y = indexable(X, y)
        if _num_samples(X) == 0:
            raise ValueError("Found array with 0 sample(s); fit needs samples.")
        y_type = type_of_target(y, input_name="y", raise_unknown=True)
        if y_type not in ("binary", "multilabel-indicator"):
            raise ValueError(
                "Only binary classification is supported, and multi-label "
                f"classification (a 0/1 indicator matrix); y is {y_type!r}. For a "
                "multiclass target tune one threshold per class on its one-vs-rest "
                "indicator matrix."
            )
        if y_type == "binary":
            y = column_or_1d(y, warn=True)
            if np.unique(y).size < 2:
                raise ValueError(
                    "y has 1 class: a decision threshold separates two classes."
                )
        sample_weight, groups = check_weights_and_groups(X, sample_weight, groups)
        self._fit(X, y, sample_weight, groups, **params)
        # No stale input description from an earlier fit on other data.
        self.__dict__.pop("n_features_in_", None)
        self.__dict__.pop("feature_names_in_", None)
        if hasattr(self.estimator_, "n_features_in_"):
            self.n_features_in_ = self.estimator_.n_features_in_
        if hasattr(self.estimator_, "feature_names_in_"):
            self.feature_names_in_ = self.estimator_.feature_names_in_
        return self

    def _fit_dask(self, X, y, sample_weight, groups, **params):
        raise ValueError(
            f"{type(self).__name__} does not fit on dask collections; compute "
            "them first (.compute())."
        )

    def _on_rows(self, method, X, n_columns=None, dtype=np.float64):
        """``method(X)``, chunk by chunk and lazily when X is a dask array."""
        if not is_dask_collection(X):
            return method(X)
        X = _dask_rows(X)
        return map_rows(method, X, n_columns=n_columns, dtype=dtype)

    @property
    def _multilabel(self):
        return np.ndim(self.best_threshold_) == 1

    def _scores(self, X):
        """Positive scores of the fitted estimator, shape (n_samples, n_labels).

        For a binary target, the scores of the positive class ``pos_label``.
        """
        check_is_fitted(self, "estimator_")
        return _positive_scores(
            self.estimator_,
            X,
            self.response_method_,
            self._multilabel,
            None if self._multilabel else self._positive_class,
        )

    def predict(self, X):
        """Predict with the tuned thresholds: positive where score >= threshold.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The samples, as accepted by ``estimator``.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,) or (n_samples, n_labels)
            Class labels for binary problems, a 0/1 indicator matrix for
            multi-label ones.
        """
        if is_dask_collection(X):
            check_is_fitted(self, "estimator_")
            n_labels = np.size(self.best_threshold_) if self._multilabel else None
            dtype = np.int64 if self._multilabel else self.classes_.dtype
            return self._on_rows(self.predict, X, n_labels, dtype)
        positive = self._scores(X) >= np.atleast_1d(self.best_threshold_)
        if self._multilabel:
            return positive.astype(np.int64)
        is_positive_class = self.classes_ == self._positive_class
        return np.where(
            positive[:, 0],
            self.classes_[is_positive_class][0],
            self.classes_[~is_positive_class][0],
        )

    @available_if(_estimator_has("predict_proba"))
    def predict_proba(self, X):
        """Class probabilities of the fitted estimator (unchanged by the thresholds).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The samples, as accepted by ``estimator``.

        Returns
        -------
        proba : ndarray or list of ndarray
            The output of ``estimator_.predict_proba``.
        """
        check_is_fitted(self, "estimator_")
        return self._on_rows(self.estimator_.predict_proba, X, len(self.classes_))

    @available_if(_estimator_has("predict_log_proba"))
    def predict_log_proba(self, X):
        """Log class probabilities of the fitted estimator.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The samples, as accepted by ``estimator``.

        Returns
        -------
        log_proba : ndarray or list of ndarray
            The output of ``estimator_.predict_log_proba``.
        """
        check_is_fitted(self, "estimator_")
        return self._on_rows(self.estimator_.predict_log_proba, X, len(self.classes_))

    @available_if(_estimator_has("decision_function"))
    def decision_function(self, X):
        """Decision function of the fitted estimator (unchanged by the thresholds).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The samples, as accepted by ``estimator``.

        Returns
        -------
        scores : ndarray
            The output of ``estimator_.decision_function``.
        """
        check_is_fitted(self, "estimator_")
        n_columns = len(self.classes_) if self._multilabel else None
        return self._on_rows(self.estimator_.decision_function, X, n_columns)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        inner = get_tags(self.estimator)
        tags.classifier_tags.multi_class = False
        # multi-label exactly when the wrapped classifier is
        tags.classifier_tags.multi_label = inner.classifier_tags.multi_label
        tags.input_tags.sparse = inner.input_tags.sparse
        return tags


class OptimalThresholdClassifier(HeldOutMetaEstimatorMixin, BaseThresholdClassifier):
    """Classifier with exact objective-optimal thresholds, binary or per label.

    Wraps a classifier with ``predict_proba`` or ``decision_function`` and picks,
    on held-out scores, the decision threshold maximizing a thresholded
    objective (F1 by default), one per label for multi-label targets. The
    thresholds are found exactly: the out-of-fold scores of each label are sorted
    once and every distinct score is a candidate (see
    :func:`skbce.metrics.optimal_threshold`), instead of a grid.

    Read more in the :ref:`User Guide <threshold_tuning>`.

    Parameters
    ----------
    estimator : estimator instance
        The binary or multi-label classifier to tune, fitted or not (fitted for
        ``cv="prefit"``).

    objective : str, callable or ConstrainedObjective, default="f1"
        The objective to maximize: a name (``"f1"``, ``"fbeta"``, ``"cost"``,
        ``"youden"``, ...), :func:`skbce.metrics.constrained` bounds (e.g.
        ``constrained("recall", precision=0.9)``) or a callable on
        ``(tp, fp, fn, tn)``; see :func:`skbce.metrics.optimal_threshold`.

    beta : float > 0, default=1.0
        Weight of recall in ``objective="fbeta"``.

    fp_cost : float >= 0, default=1.0
        Cost of a false positive for ``objective="cost"``.

    fn_cost : float >= 0, default=1.0
        Cost of a false negative for ``objective="cost"``.

    average : {"macro", "micro", "samples"}, default="macro"
        Multi-label only. ``"macro"``: each label's threshold maximizes its own
        objective. ``"micro"``: the thresholds jointly maximize the objective of
        the counts pooled over labels (exact coordinate ascent from the best
        shared threshold). ``"samples"``: they jointly maximize the mean over
        samples of each sample's objective over its labels (same ascent).

    thresholds : int or array-like, default=None
        None searches every distinct score exactly; an int or an array restricts
        the search to a grid, for comparison with grid-based tuners.

    response_method : {"auto", "predict_proba", "decision_function"}, \
            default="auto"
        The method of ``estimator`` giving the scores; ``"auto"`` tries
        ``predict_proba`` then ``decision_function``.

    pos_label : int, float, bool or str, default=None
        Binary targets: the positive class, whose objective is tuned (its F1,
        its precision, ...) on its scores (its probability, or the decision
        function with the sign making larger values mean it). ``predict``
        returns it where that score is ``>= best_threshold_``; ``best_score_``
        and the displays refer to it. None takes scikit-learn's convention for
        numeric and boolean classes, the greater one (``classes_[1]``); string
        classes must name it, since their order says nothing about which is the
        event of interest (a ``ValueError`` otherwise). Multi-label targets:
        the positive of each indicator column is 1; leave None.

    cv : int, float, cross-validation generator, iterable or "prefit", default=5
        Where the held-out scores come from:

        - an int: that many (stratified, for binary targets) folds;
        - a float in (0, 1): one (stratified) holdout of that fraction;
        - a splitter or an iterable of (train, test) index pairs. Each test row
          is scored by the model fitted on its split's training rows; rows in
          no test part are not used, and a row in several test parts (e.g.
          ``ShuffleSplit`` with several splits) counts once per split (with
          ``groups``, a group held out by several splits counts once per
          split). A single ``[(train, test)]`` split gives the thresholds of
          ``"prefit"`` with the model of ``train`` on the ``test`` rows;
        - ``"prefit"``: ``estimator`` is already fitted and the data passed to
          ``fit`` is a separate validation set (requires ``refit=False``).
          The only choice for dask collections: the scores are computed chunk
          by chunk on the cluster and the thresholds found by the exact chunked
          search of :func:`skbce.metrics.optimal_threshold`. Model selection
          (``cross_validate``, ``GridSearchCV``) clones the estimator, unfitted,
          so a bare fitted model fails there: wrap it in
          :class:`~sklearn.frozen.FrozenEstimator`, which clones as itself,
          fitted (see the :ref:`User Guide <threshold_tuning>`).

    refit : bool, default=True
        Refit ``estimator`` on all the data once the thresholds are found. With a
        single split and ``refit=False`` the estimator fitted on the training part
        is kept.

    random_state : int, RandomState instance or None, default=None
        Randomness of the holdout split when ``cv`` is a float.

    n_jobs : int, default=None
        Number of folds fitted in parallel. ``None`` means 1 unless in a
        :obj:`joblib.parallel_backend` context.

    Attributes
    ----------
    estimator_ : estimator instance
        The fitted classifier used by ``predict``.

    best_threshold_ : float or ndarray of shape (n_labels,)
        The tuned threshold(s): samples scoring ``>=`` it are predicted positive.
        It lies halfway between the lowest held-out score predicted positive and
        the next lower score (see :func:`skbce.metrics.optimal_threshold`);
        ``+inf`` means that predicting nothing positive was best.

    best_score_ : float
        The objective at ``best_threshold_`` on the held-out scores (the mean over
        labels for ``average="macro"``, pooled for ``"micro"``, the mean over
        samples for ``"samples"``).

    cv_results_ : dict or list of dict
        The curve behind the search, for plotting: for a binary target a dict of
        arrays of equal length, ordered by decreasing threshold, with keys
        ``"thresholds"``, ``"objective"``, ``"precision"`` and ``"recall"``
        (pooled held-out scores) and ``"fold_objective"`` of shape
        (n_folds, n_thresholds) (NaN for a fold without positives). For a
        multi-label target, one such dict per label, holding that label's own
        objective (also for ``average="micro"`` or ``"samples"``, whose joint
        optimum ``best_score_`` reports). The thresholds are the distinct
        held-out scores, after ``+inf``, or the grid of ``thresholds``.
        None after a fit on dask collections, whose search keeps no curve.

    response_method_ : str
        The method of ``estimator_`` whose scores are thresholded.

    classes_ : ndarray
        The two class labels (binary). For a multi-label target the label names:
        the columns of a DataFrame ``y``, else the ``classes_`` of the fitted
        estimator when they name the labels (as
        :class:`~skbce.MultiLabelLogisticClassifier` fitted on a DataFrame
        does), else ``0, ..., n_labels - 1``. Warnings name the labels by them.

    n_features_in_ : int
        Number of features seen during ``fit``. Only defined if the
        underlying estimator exposes such an attribute when fit.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during ``fit``. Only defined if the
        underlying estimator exposes such an attribute when fit.

    See Also
    --------
    skbce.metrics.optimal_threshold : The exact search on given scores.
    sklearn.model_selection.TunedThresholdClassifierCV : The binary tuner of
        scikit-learn, on a grid of thresholds.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.metrics import f1_score
    >>> from sklearn.model_selection import train_test_split
    >>> from skbce import OptimalThresholdClassifier
    >>> X, y = make_classification(
    ...     n_samples=2_000, n_features=10, n_informative=3, weights=[0.9, 0.1],
    ...     class_sep=0.5,
    ...     random_state=2,
    ... )
    >>> X_train, X_test, y_train, y_test = train_test_split(
    ...     X, y, stratify=y, random_state=0
    ... )
    >>> model = LogisticRegression().fit(X_train, y_train)
    >>> tuned = OptimalThresholdClassifier(LogisticRegression()).fit(X_train, y_train)
    >>> print(f"{tuned.best_threshold_:.2f}")
    0.13
    >>> print(f"F1 at 0.5: {f1_score(y_test, model.predict(X_test)):.2f}")
    F1 at 0.5: 0.19
    >>> print(f"F1 tuned: {f1_score(y_test, tuned.predict(X_test)):.2f}")
    F1 tuned: 0.40
    """

    _parameter_constraints: dict = {
        **BaseThresholdClassifier._parameter_constraints,
        "objective": [str, callable, ConstrainedObjective],
        "beta": [Interval(Real, 0, None, closed="neither")],
        "fp_cost": [Interval(Real, 0, None, closed="left")],
        "fn_cost": [Interval(Real, 0, None, closed="left")],
        "average": [StrOptions({"macro", "micro", "samples"})],
        "thresholds": [Interval(Integral, 2, None, closed="left"), "array-like", None],
        "cv": [
            "cv_object",
            StrOptions({"prefit"}),
            Interval(RealNotInt, 0.0, 1.0, closed="neither"),
        ],
        "pos_label": [Real, str, "boolean", None],
        "refit": ["boolean"],
        "random_state": ["random_state"],
        "n_jobs": [Integral, None],
    }

    def __init__(
        self,
        estimator,
        *,
        objective="f1",
        beta=1.0,
        fp_cost=1.0,
        fn_cost=1.0,
        average="macro",
        thresholds=None,
        response_method="auto",
        pos_label=None,
        cv=5,
        refit=True,
        random_state=None,
        n_jobs=None,
    ):
        super().__init__(estimator=estimator, response_method=response_method)
        self.objective = objective
        self.beta = beta
        self.fp_cost = fp_cost
        self.fn_cost = fn_cost
        self.average = average
        self.thresholds = thresholds
        self.pos_label = pos_label
        self.cv = cv
        self.refit = refit
        self.random_state = random_state
        self.n_jobs = n_jobs

    def _check_cv(self, y, multilabel):
        """The splitter (or "prefit"), with scikit-learn's conflict errors."""
        if self.cv == "prefit":
            if self.refit:
                raise ValueError("When cv='prefit', refit cannot be True.")
            try:
                check_is_fitted(self.estimator)
            except NotFittedError as exc:
                raise NotFittedError(
                    "When cv='prefit', `estimator` must be fitted."
                ) from exc
            return "prefit"
        if isinstance(self.cv, Real) and 0 < self.cv < 1:
            splitter = ShuffleSplit if multilabel else StratifiedShuffleSplit
            return splitter(
                n_splits=1, test_size=self.cv, random_state=self.random_state
            )
        cv = check_cv(self.cv, y=y, classifier=True)
        if not self.refit and cv.get_n_splits() > 1:
            raise ValueError("When cv has several folds, refit cannot be False.")
        return cv

    def _binary_positive_class(self, classes):
        """The positive class of a binary target: ``pos_label``, checked.

        Without ``pos_label``, numeric (and boolean) classes take scikit-learn's
        estimator convention, the greater class (``classes_[1]``, the column
        of ``predict_proba`` and the sign of ``decision_function`` >= 0); the
        order of strings says nothing about which class is the event the
        objective scores, so they need ``pos_label``.
        """
        if self.pos_label is None:
            if classes.dtype.kind in "biuf":
                return classes[-1]
            shown = [c.item() if isinstance(c, np.generic) else c for c in classes]
            raise ValueError(
                f"y holds the classes {shown}: which one is the positive class, "
                f"the event whose {self.objective!r} objective is tuned, is "
                f"ambiguous; pass pos_label= to name it, e.g. pos_label={shown[0]!r}."
            )
        if not np.isin(self.pos_label, classes).item() or len(classes) != 2:
            raise ValueError(
                f"pos_label={self.pos_label!r} is not one of the classes of y, "
                f"{classes.tolist()}."
            )
        return classes[classes == self.pos_label][0]

    def _check_multilabel_pos_label(self):
        if self.pos_label not in (None, 1):
            raise ValueError(
                f"pos_label={self.pos_label!r} applies to binary targets; in the "
                "0/1 indicator matrix of a multi-label target the positive is 1. "
                "Leave pos_label=None."
            )

    def _fit_dask(self, X, y, sample_weight, groups, **params):
        """cv="prefit" on dask data: lazy scores, exact chunked threshold search."""
        if self.cv != "prefit" or params or groups is not None:
            raise ValueError(
                "On dask collections OptimalThresholdClassifier tunes the "
                "thresholds of a fitted estimator only: use cv='prefit' and "
                "refit=False with an estimator fitted beforehand (no fit "
                "parameters, no groups), or compute the data first."
            )
        self._check_cv(None, False)
        import dask.array as da

        method = _response_method(self.estimator, self.response_method)
        y_columns = getattr(y, "columns", None)
        X = _dask_rows(X)
        y = check_dask_rows(y, X, "y", dtype=None, ndim=getattr(y, "ndim", 1))
        multilabel = y.ndim == 2
        if multilabel:
            self._check_multilabel_pos_label()
            n_labels = y.shape[1]
            classes = label_names(y_columns, self.estimator, n_labels)
            y_true, positive = y == 1, None
        else:
            classes = np.unique(da.unique(y).compute())
            if classes.size != 2 or not np.array_equal(
                self.estimator.classes_, classes
            ):
                raise ValueError(
                    f"y must be binary with the classes of the prefit estimator "
                    f"{self.estimator.classes_}; its classes are {classes}."
                )
            positive = self._binary_positive_class(classes)
            y_true = y == positive
        scores = map_rows(
            functools.partial(
                _positive_scores,
                self.estimator,
                method=method,
                multilabel=multilabel,
                pos_label=positive,
            ),
            X,
            n_columns=len(classes) if multilabel else 1,
        )
        best, best_score = optimal_threshold(
            y_true if multilabel else y_true[:, None],
            scores,
            objective=self.objective,
            beta=self.beta,
            fp_cost=self.fp_cost,
            fn_cost=self.fn_cost,
            average=self.average,
            thresholds=self.thresholds,
            sample_weight=sample_weight,
        )
        self.classes_ = classes
        self._positive_class = positive
        self.estimator_ = self.estimator
        self.response_method_ = method
        self.best_score_ = best_score
        self.best_threshold_ = best.astype(np.float64) if multilabel else float(best[0])
        self.cv_results_ = None
        for name in ("n_features_in_", "feature_names_in_"):
            if hasattr(self.estimator, name):
                setattr(self, name, getattr(self.estimator, name))

    def _fit(self, X, y, sample_weight, groups, **params):
        objective = _resolve_objective(
            self.objective,
            beta=self.beta,
            fp_cost=self.fp_cost,
            fn_cost=self.fn_cost,
            zero_division=0.0,
        )
        _check_combination(objective, self.average, groups, self.thresholds)
        multilabel = type_of_target(y) == "multilabel-indicator"
        cv = self._check_cv(y, multilabel)
        method = _response_method(self.estimator, self.response_method)
        routed_params = self._routed_params(sample_weight, groups, params)
        fit_params = routed_params[0]
        if cv == "prefit":
            columns = getattr(y, "columns", None)
            check_prefit_labels(self.estimator, y, columns, multilabel)
        if multilabel:
            self._check_multilabel_pos_label()
            y_true, positive = np.asarray(y) == 1, None
        else:
            classes = np.unique(y)
            positive = self._binary_positive_class(classes)
            y_true = (np.asarray(y) == positive)[:, None]
        scores_of = functools.partial(
            _positive_scores, method=method, multilabel=multilabel, pos_label=positive
        )
        held_out = self._held_out_scores(X, y, cv, routed_params, scores_of, y_true)
        if cv == "prefit":
            estimator = self.estimator
        elif self.refit:
            estimator = clone(self.estimator).fit(X, y, **fit_params)
        else:
            estimator = held_out.estimators[0]
        if multilabel:
            classes = label_names(
                getattr(y, "columns", None), estimator, y_true.shape[1]
            )
            names = _LabelNames(tuple(classes))
        else:
            names = _LabelNames(positive=positive)

        best, best_score, results = _tune_thresholds(
            objective,
            y_true[held_out.rows],
            held_out.scores,
            held_out.take(sample_weight),
            held_out.groups(groups),
            folds=held_out.splits,
            grid=self.thresholds,
            average=self.average,
            default_cut=_DEFAULT_CUT[method],
            names=names,
        )
        # all computed: only now change the fitted state
        self.classes_ = classes
        self._positive_class = positive
        self.estimator_ = estimator
        self.response_method_ = method
        self.best_score_ = best_score
        if multilabel:
            self.best_threshold_, self.cv_results_ = best, results
        else:
            self.best_threshold_, self.cv_results_ = float(best[0]), results[0]
        return self
