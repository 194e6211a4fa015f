"""Temperature scaling of binary and multi-label classifiers, one temperature per label.

The calibrated probability of label k is ``sigmoid(z_k / T_k)``, where ``z_k`` is the
logit the wrapped classifier gives and ``T_k > 0`` minimises the binary
cross-entropy of out-of-fold logits. Dividing by a positive number keeps the order
of the scores of each label, so rankings (ROC AUC, average precision) and any
threshold tuned on the calibrated scores carry over.

The solve is exact: writing ``beta = 1 / T``, the loss

    f(beta) = sum_i l(y_i, beta * z_i)

is convex in ``beta`` (a convex function of a linear map), with

    f'(beta)  = sum_i z_i * l'(y_i, beta * z_i),
    f''(beta) = sum_i z_i**2 * l''(y_i, beta * z_i) >= 0,

from the BCE kernels of :mod:`skbce._loss._binary`. All labels are solved at once
by the Newton driver shared by every linear model
(:class:`~skbce.linear_model._linear_loss.PerLabelScaleLoss` with
:class:`~skbce.linear_model._newton_solver.NewtonCholeskySolver`). The optimum
over the allowed temperatures is attained at a bound when ``f'`` has no root
inside, which its sign at the bounds tells (scores that separate the classes
push T to its lower bound, scores unrelated to the labels to its upper bound).
"""

import functools
import warnings
from numbers import Integral, Real

import numpy as np
from scipy.special import expit, log_expit
from sklearn.base import (
    BaseEstimator,
    ClassifierMixin,
    MetaEstimatorMixin,
    check_is_fitted,
    clone,
)
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import check_cv
from sklearn.utils import check_array, get_tags, indexable
from sklearn.utils.multiclass import check_classification_targets, type_of_target
from sklearn.utils.validation import column_or_1d, validate_data

from .._loss import _binary
from ..linear_model._linear_loss import PerLabelScaleLoss
from ..linear_model._newton_solver import NewtonCholeskySolver
from ..metrics._threshold import _check_no_missing_labels, _rescaled_weights
from ..model_selection._held_out import (
    HeldOutMetaEstimatorMixin,
    check_prefit_labels,
    check_weights_and_groups,
    label_names,
)
from ..utils._sklearn_compat import (
    HasMethods,
    StrOptions,
    _fit_context,
)
from ..utils._validation import (
    AtomicSetParamsMixin,
    check_no_label_sets,
    unchanged_on_error,
)
from ._metrics import expected_calibration_error


def _fit_temperature(
    logits,
    y,
    *,
    sample_weight=None,
    shared=False,
    bounds=(1e-2, 1e2),
    max_iter=100,
):
    """Temperatures minimising the (weighted) summed BCE of ``logits / T``, per column.

    Parameters
    ----------
    logits : ndarray of shape (n_samples, n_labels), float64
    y : ndarray of the same shape, 0/1 (or soft targets in [0, 1])
    sample_weight : ndarray of shape (n_samples,) or None
        Weight of each row's loss.
    shared : bool
        One temperature for all columns (their losses summed) instead of one each.
    bounds : (float, float)
        The allowed temperatures, 0 < low < high.
    max_iter : int
        Newton iterations before a ConvergenceWarning.

    Returns
    -------
    temperature : ndarray of shape (n_labels,) or (1,) when ``shared``
    n_iter : int

    Notes
    -----
    The loss is convex in ``beta = 1 / T`` (the logits are scaled linearly):
    a positive slope at the lowest allowed beta puts the optimum at that bound,
    a negative one at the highest beta at the other; the others are found by
    Newton's method (:class:`PerLabelScaleLoss` with the shared driver).
    """
    n_samples, n_labels = logits.shape
    weights = np.ones(n_samples) if sample_weight is None else sample_weight
    if shared:
        logits, y = logits.reshape(-1, 1), y.reshape(-1, 1)
        weights = np.repeat(weights, n_labels)
    n_params = logits.shape[1]
    objective = PerLabelScaleLoss(logits, y, weights / weights.sum())
    low, high = 1 / bounds[1], 1 / bounds[0]
    at_low = objective.point(np.full((n_params, 1), low), 1).gradient[:, 0] > 0
    at_high = objective.point(np.full((n_params, 1), high), 1).gradient[:, 0] < 0
    beta = np.where(at_low, low, np.where(at_high, high, 1.0))
    n_iter = 0
    inside = ~(at_low | at_high)
    if inside.any():
        keep = objective.restrict(None, inside)[0] if not inside.all() else objective
        result = NewtonCholeskySolver(tol=1e-12, max_iter=max_iter).solve(
            keep, np.clip(1.0, low, high) * np.ones((int(inside.sum()), 1))
        )
        if not result.converged.all():
            warnings.warn(
                f"The temperature solve did not converge in {max_iter} iterations.",
                ConvergenceWarning,
                stacklevel=3,
            )
        beta[inside] = np.clip(result.coef[:, 0], low, high)
        n_iter = int(result.n_iter.max())
    return 1 / beta, n_iter


def _check_2d(X):
    """Refuse 1-D (or 3-D) input before handing ``X`` to the estimator unchanged."""
    ndim = X.ndim if hasattr(X, "ndim") else np.asarray(X).ndim
    if ndim != 2:
        raise ValueError(
            f"Expected a 2-D X of shape (n_samples, n_features); got {ndim} "
            "dimension(s). Reshape your data with X.reshape(-1, 1) for a single "
            "feature or X.reshape(1, -1) for a single sample."
        )


def _logit(proba):
    """Logit of probabilities, clipped to [eps, 1 - eps] where the logit is infinite."""
    eps = np.finfo(proba.dtype).eps
    proba = np.clip(proba, eps, 1 - eps)
    return np.log(proba) - np.log1p(-proba)


def _response_logits(estimator, X, response_method, multilabel):
    """Logits of a fitted classifier: its decision function, or logit(predict_proba).

    Returns an array of shape (n_samples,) for a binary target and
    (n_samples, n_labels) for a multi-label one, in float64.
    """
    if response_method == "auto":
        has_decision = hasattr(estimator, "decision_function")
        response_method = "decision_function" if has_decision else "predict_proba"
    if response_method == "decision_function":
        scores = np.asarray(estimator.decision_function(X), dtype=np.float64)
        return scores if multilabel else scores.reshape(-1)
    proba = estimator.predict_proba(X)
    if isinstance(proba, list):  # one (n_samples, 2) array per label
        proba = np.column_stack([p[:, 1] for p in proba])
    proba = np.asarray(proba, dtype=np.float64)
    if not multilabel:
        proba = proba[:, 1]
    return _logit(proba)


def _per_label_bce(y, logits, sample_weight):
    """(Weighted) mean BCE of each label (column)."""
    return np.average(_binary.loss(y, logits), axis=0, weights=sample_weight)


class TemperatureScaledClassifier(
    HeldOutMetaEstimatorMixin,
    AtomicSetParamsMixin,
    MetaEstimatorMixin,
    ClassifierMixin,
    BaseEstimator,
):
    """Calibrate a binary or multi-label classifier by per-label temperature scaling.

    The logits ``z_k`` of the wrapped classifier (its ``decision_function``, or the
    logit of its ``predict_proba``) are divided by a temperature ``T_k > 0`` per
    label, learnt by minimising the binary cross-entropy of out-of-fold logits; the
    calibrated probability is ``sigmoid(z_k / T_k)``. A model that is
    over-confident gets ``T_k > 1`` (its probabilities move towards 1/2), an
    under-confident one ``T_k < 1``. Dividing by a positive number keeps the order
    of each label's scores, so rankings and the decisions at 1/2 are unchanged, and
    a threshold tuned after calibration still selects the same samples.

    scikit-learn's :class:`~sklearn.calibration.CalibratedClassifierCV` calibrates
    binary and multiclass classifiers; this one calibrates each label of a
    multi-label classifier by its own temperature (or all by one).

    Read more in the :ref:`User Guide <calibration>`.

    Parameters
    ----------
    estimator : estimator object
        A binary or multi-label classifier with ``fit`` and ``decision_function``
        or ``predict_proba``. For multi-label targets, e.g. a
        :class:`~sklearn.multiclass.OneVsRestClassifier` or a
        :class:`~sklearn.multioutput.MultiOutputClassifier`.

    cv : int, cross-validation generator, iterable or "prefit", default=5
        How the held-out logits the temperatures are learnt from are made:

        - an int: the number of folds of a (stratified for binary targets)
          K-fold; the estimator is then refit on all the data;
        - a cross-validation generator or an iterable of (train, test) splits.
          Each test row is scored by the model fitted on its split's training
          rows; rows in no test part are not used, and a row in several test
          parts (e.g. ``ShuffleSplit`` with several splits) counts once per
          split. A single ``[(train, test)]`` split gives the temperature that
          ``"prefit"`` gives with the model of ``train`` on the ``test`` rows;
        - ``"prefit"``: ``estimator`` is already fitted and the data passed to
          ``fit`` are a held-out calibration set (not the data it was fitted on).
          Model selection (``cross_validate``, ``GridSearchCV``) clones the
          estimator, unfitted, so a bare fitted model fails there: wrap it in
          :class:`~sklearn.frozen.FrozenEstimator`, which clones as itself,
          fitted (see the :ref:`User Guide <calibration>`).

    per_label : bool, default=True
        Learn one temperature per label; ``False`` learns one shared by all labels
        (their losses summed). Irrelevant for binary targets.

    response_method : {"auto", "decision_function", "predict_proba"}, default="auto"
        The scores to take logits of; ``"auto"`` prefers ``decision_function``.
        Probabilities of exactly 0 or 1 have no finite logit and are clipped to
        ``[eps, 1 - eps]`` (logits of about +-36), the only clipping done.

    temperature_bounds : tuple of two floats, default=(0.01, 100.0)
        The range ``(low, high)`` of allowed temperatures, ``0 < low < high``.
        The optimum is exact inside it; when scores separate the classes of a
        label (the loss keeps falling as T falls) or are unrelated to them (it
        keeps falling as T grows) the temperature stops at a bound.

    n_jobs : int, default=None
        Number of folds fitted in parallel. ``None`` means 1 unless in a
        :obj:`joblib.parallel_backend` context.

    Attributes
    ----------
    estimator_ : estimator object
        The classifier refit on all the data (``estimator`` itself when
        ``cv="prefit"``).

    classes_ : ndarray
        The two classes for a binary target. For a multi-label target the label
        names: the columns of a DataFrame ``y``, else the ``classes_`` of the
        fitted estimator when they name the labels (as
        :class:`~skbce.MultiLabelLogisticClassifier` fitted on a DataFrame
        does), else ``0, ..., n_labels - 1``.

    temperature_ : float or ndarray of shape (n_labels,)
        The learnt temperature: a float for a binary target or a shared
        temperature, one per label otherwise.

    bce_before_, bce_after_ : float or ndarray of shape (n_labels,)
        Mean (sample-weighted) binary cross-entropy of the held-out scores of
        each label, before and after scaling: the calibration gain. They are
        measured on the same held-out scores the temperature is fitted to, one
        parameter per label,
        so the gain is slightly optimistic; measure it on a test set with
        :func:`~skbce.losses.binary_cross_entropy` for an unbiased figure.

    ece_before_, ece_after_ : float or ndarray of shape (n_labels,)
        Expected calibration error (:func:`expected_calibration_error`, 15 bins)
        of the out-of-fold probabilities, before and after scaling.

    n_iter_ : int
        Newton iterations of the temperature solve.

    n_features_in_ : int
        Number of features seen during ``fit``.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of the features seen during ``fit``, when they are all strings.

    See Also
    --------
    sklearn.calibration.CalibratedClassifierCV : Sigmoid, isotonic and temperature
        calibration of binary and multiclass classifiers.
    expected_calibration_error : The calibration measure reported.

    References
    ----------
    .. [1] C. Guo, G. Pleiss, Y. Sun and K. Q. Weinberger, "On Calibration of
       Modern Neural Networks", ICML 2017.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from sklearn.linear_model import LogisticRegression
    >>> from skbce.calibration import TemperatureScaledClassifier
    >>> X, y = make_classification(n_samples=300, n_features=40, random_state=0)
    >>> model = TemperatureScaledClassifier(LogisticRegression(C=100)).fit(X, y)
    >>> bool(model.temperature_ > 1)  # the weakly regularised model is over-confident
    True
    >>> bool(model.bce_after_ < model.bce_before_)
    True
    >>> model.predict_proba(X[:2]).shape
    (2, 2)
    """

    _parameter_constraints = {
        "estimator": [
            HasMethods(["fit", "decision_function"]),
            HasMethods(["fit", "predict_proba"]),
        ],
        "cv": ["cv_object", StrOptions({"prefit"})],
        "per_label": ["boolean"],
        "response_method": [StrOptions({"auto", "decision_function", "predict_proba"})],
        "temperature_bounds": [tuple],
        "n_jobs": [Integral, None],
    }

    def __init__(
        self,
        estimator,
        *,
        cv=5,
        per_label=True,
        response_method="auto",
        temperature_bounds=(0.01, 100.0),
        n_jobs=None,
    ):
        self.estimator = estimator
        self.cv = cv
        self.per_label = per_label
        self.response_method = response_method
        self.temperature_bounds = temperature_bounds
        self.n_jobs = n_jobs

    def _check_temperature_bounds(self):
        bounds = self.temperature_bounds
        valid = (
            len(bounds) == 2
            and all(isinstance(b, Real) and np.isfinite(b) for b in bounds)
            and 0 < bounds[0] < bounds[1]
        )
        if not valid:
            raise ValueError(
                "temperature_bounds must be two finite positive temperatures "
                f"(low, high) with low < high; got {bounds!r}."
            )
        return float(bounds[0]), float(bounds[1])

    def _check_response_method(self):
        method = self.response_method
        if method != "auto" and not hasattr(self.estimator, method):
            raise ValueError(
                f"response_method={method!r} but {type(self.estimator).__name__} "
                f"has no {method} method; use response_method='auto'."
            )

    @_fit_context(
        # The estimator's parameters are validated by its own fit.
        prefer_skip_nested_validation=False
    )
    @unchanged_on_error
    def fit(self, X, y, sample_weight=None, groups=None, **params):
        """Fit the classifier and learn the temperatures from held-out logits.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data, passed unchanged to the estimator (with
            ``cv="prefit"``: the held-out calibration set).
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            Binary labels, or a 0/1 indicator matrix of multi-label targets (a
            DataFrame's columns become the label names, ``classes_``).
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights, used by the inner fits (when ``estimator.fit``
            takes them) and by the weighted cross-entropy the temperatures
            minimise.
        groups : array-like of shape (n_samples,), default=None
            Group of each sample, passed to the splitter, so that a group
            splitter such as :class:`~sklearn.model_selection.GroupKFold`
            keeps every group within one fold.
        **params : dict
            Other parameters of ``estimator.fit`` (routed with
            ``sklearn.set_config(enable_metadata_routing=True)``, as are
            ``sample_weight`` and ``groups``).

        Returns
        -------
        self : object
            The fitted calibrated classifier.
        """
        bounds = self._check_temperature_bounds()
        self._check_response_method()
        if y is None:
            raise ValueError(
                f"{type(self).__name__} requires y to be passed, but the target y "
                "is None."
            )
        check_no_label_sets(y)
        _check_no_missing_labels(y, "y")
        X, y = indexable(X, y)
        _check_2d(X)
        validate_data(self, X, skip_check_array=True)
        y_columns = getattr(y, "columns", None)
        y = check_array(y, ensure_2d=False, dtype=None, input_name="y")
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        check_classification_targets(y)
        target_type = type_of_target(y, input_name="y")
        if target_type not in ("binary", "multilabel-indicator"):
            raise ValueError(
                "Only binary classification is supported. The type of the target "
                f"is {target_type}. TemperatureScaledClassifier calibrates binary "
                "and multi-label (indicator matrix) targets; for multiclass targets "
                "use sklearn.calibration.CalibratedClassifierCV(method='temperature')."
            )
        multilabel = target_type == "multilabel-indicator"
        if multilabel:
            y01 = y.astype(np.float64)
        else:
            classes = np.unique(y)
            if classes.size != 2:
                raise ValueError(
                    "y must hold both classes of a binary target to calibrate; got "
                    f"one class only: {classes.tolist()}."
                )
            y01 = (y == classes[1]).astype(np.float64)
        sample_weight, groups = check_weights_and_groups(X, sample_weight, groups)
        routed_params = self._routed_params(sample_weight, groups, params)
        prefit = self.cv == "prefit"
        if prefit:
            check_is_fitted(
                self.estimator,
                msg="When cv='prefit', `estimator` must be fitted; got an unfitted "
                "%(name)s.",
            )
            check_prefit_labels(self.estimator, y, y_columns, multilabel)
            cv = "prefit"
        else:
            cv = check_cv(self.cv, y, classifier=True)
        logits_of = functools.partial(
            _response_logits,
            response_method=self.response_method,
            multilabel=multilabel,
        )
        held_out = self._held_out_scores(X, y, cv, routed_params, logits_of, y01)
        y_held_out = y01[held_out.rows]
        weight = _rescaled_weights(held_out.take(sample_weight))
        if weight is not None and not weight.sum() > 0:
            raise ValueError(
                "sample_weight is zero on every held-out row: there is nothing to "
                "calibrate on."
            )
        estimator = (
            self.estimator
            if prefit
            else clone(self.estimator).fit(X, y, **routed_params[0])
        )
        if multilabel:
            classes = label_names(y_columns, estimator, y.shape[1])

        logits_2d = held_out.scores.reshape(len(y_held_out), -1)
        y_2d = y_held_out.reshape(len(y_held_out), -1)
        temperature, n_iter = _fit_temperature(
            logits_2d,
            y_2d,
            sample_weight=weight,
            shared=not self.per_label or not multilabel,
            bounds=bounds,
        )
        scaled = logits_2d / temperature

        def per_target(values):
            return values if multilabel else float(values[0])

        def ece(logits):
            return expected_calibration_error(y_2d, expit(logits), sample_weight=weight)

        self.estimator_ = estimator
        self.classes_ = classes
        self.temperature_ = (
            float(temperature[0]) if temperature.size == 1 else temperature
        )
        self.bce_before_ = per_target(_per_label_bce(y_2d, logits_2d, weight))
        self.bce_after_ = per_target(_per_label_bce(y_2d, scaled, weight))
        self.ece_before_ = per_target(ece(logits_2d))
        self.ece_after_ = per_target(ece(scaled))
        self.n_iter_ = n_iter
        self._multilabel = multilabel
        # The scores the temperatures were fitted on, whatever set_params does.
        self._response_method = self.response_method
        return self

    def decision_function(self, X):
        """Calibrated logits: the estimator's logits divided by the temperatures.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input data.

        Returns
        -------
        logits : ndarray of shape (n_samples,) or (n_samples, n_labels)
            The logit of the positive class (of each label).
        """
        check_is_fitted(self)
        _check_2d(X)
        validate_data(self, X, skip_check_array=True, reset=False)
        logits = _response_logits(
            self.estimator_, X, self._response_method, self._multilabel
        )
        return logits / self.temperature_

    def predict_proba(self, X):
        """Calibrated probabilities.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input data.

        Returns
        -------
        proba : ndarray of shape (n_samples, 2) or (n_samples, n_labels)
            For a binary target the probabilities of ``classes_`` (columns sum to
            one); for a multi-label target the probability of each label.
        """
        return self._of_calibrated_logits(X, expit)

    def _of_calibrated_logits(self, X, function):
        """``function`` (sigmoid or log-sigmoid) of each label's calibrated logit.

        For a binary target, of both classes: ``function(-z)`` and ``function(z)``.
        """
        logits = self.decision_function(X)
        if self._multilabel:
            return function(logits)
        return np.column_stack([function(-logits), function(logits)])

    def predict_log_proba(self, X):
        """Logarithm of the calibrated probabilities, exact in both tails.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input data.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, 2) or (n_samples, n_labels)
            The logarithm of :meth:`predict_proba`.
        """
        return self._of_calibrated_logits(X, log_expit)

    def predict(self, X):
        """Predicted labels: the positive class where the calibrated probability > 1/2.

        Temperature scaling keeps the sign of the logits, so these are the
        decisions of the estimator's scores at 1/2 (logit 0).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input data.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,) or (n_samples, n_labels)
            Class labels, or the 0/1 indicator matrix of the labels.
        """
        positive = self.decision_function(X) > 0
        if self._multilabel:
            return positive.astype(np.int64)
        return self.classes_[positive.astype(np.intp)]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        inner = get_tags(self.estimator)
        tags.classifier_tags.multi_class = False
        tags.classifier_tags.multi_label = inner.classifier_tags.multi_label
        tags.input_tags.sparse = inner.input_tags.sparse
        tags.input_tags.allow_nan = inner.input_tags.allow_nan
        return tags
