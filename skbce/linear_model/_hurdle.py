"""Hurdle count regression: a binary part for y > 0 and a zero-truncated count part.

The hurdle log-likelihood of one observation with success probability
``p = P(y > 0)`` and a zero-truncated count density ``f_+`` is::

    log L = log(1 - p)                 if y = 0
    log L = log(p) + log f_+(y)        if y > 0

The two parts share no parameter, so they are fitted separately and exactly: the
binary part on every row (target ``y > 0``), the count part on the positive rows.
The built-in parts are linear models (:class:`~._linear_loss.LinearModelLoss` of
a loss of :mod:`skbce._loss.loss`) fitted by the Newton driver of
:mod:`._newton_solver`; either part can instead be any scikit-learn classifier
(with ``predict_proba``) or regressor.
"""

import functools
import warnings
from dataclasses import dataclass
from numbers import Integral, Real

import numpy as np
import pandas as pd
from scipy.special import xlogy
from scipy.stats import norm
from sklearn.base import BaseEstimator, RegressorMixin, clone
from sklearn.exceptions import ConvergenceWarning, UndefinedMetricWarning
from sklearn.utils.validation import (
    check_array,
    check_is_fitted,
    has_fit_parameter,
    validate_data,
)

from .._loss._link import BINARY_LINKS
from .._loss.loss import COUNT_LOSSES, BinaryLoss
from ..utils._dask import (
    any_dask,
    check_dask_rows,
    check_dask_X,
    is_dask_collection,
    map_rows,
)
from ..utils._sklearn_compat import (
    HasMethods,
    Interval,
    StrOptions,
    _check_sample_weight,
    _fit_context,
)
from ..utils._validation import (
    AtomicSetParamsMixin,
    positions_by_name,
    restored_on_error,
)
from ._linear_loss import LinearModelLoss
from ._newton_solver import NewtonCholeskySolver
from ._row_passes import InMemoryRowPass, dask_row_pass


def _check_numeric_target(y):
    """Refuse a target that is not made of numbers, before it reaches NumPy."""
    values = np.asarray(y)
    if values.dtype.kind in "biufc":  # complex: refused by validate_data
        return
    if values.dtype.kind == "O":
        try:
            values.astype(np.float64)
            return
        except (TypeError, ValueError):
            pass
    raise ValueError(
        "HurdleRegressor requires y to hold non-negative counts (numbers); got "
        f"values of dtype {values.dtype} that are not numbers. Encode the target "
        "as numbers, e.g. with pandas.to_numeric(y)."
    )


class NoZerosWarning(UserWarning):
    """Warning raised when a hurdle model is fitted on a target without zeros.

    Without zeros the binary hurdle part has nothing to learn: the fit sets
    P(y = 0) to 0 and fits the zero-truncated count part alone.

    See Also
    --------
    HurdleRegressor : The estimator that raises it.

    Examples
    --------
    >>> import warnings
    >>> import numpy as np
    >>> from skbce import HurdleRegressor
    >>> from skbce.linear_model import NoZerosWarning
    >>> X = np.arange(10.0).reshape(-1, 1)
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     model = HurdleRegressor().fit(X, np.arange(1, 11))
    >>> any(issubclass(w.category, NoZerosWarning) for w in caught)
    True
    """


class HurdleSummary:
    """Coefficient tables and fit statistics of a fitted :class:`HurdleRegressor`.

    Returned by :meth:`HurdleRegressor.summary`; its ``repr`` prints the two
    parts as R's ``summary(pscl::hurdle(...))`` does, the count part first.

    Parameters
    ----------
    zero : pandas.DataFrame or None
        The table of the binary part (see ``zero`` below).
    count : pandas.DataFrame or None
        The table of the count part (see ``count`` below).
    stats : pandas.Series
        The fit statistics (see ``stats`` below).
    zero_link : str
        Link of the built-in binary part, or the class name of a custom
        classifier, named in the printed header.
    count_model : str
        Count distribution of the built-in count part, or the class name of a
        custom regressor, named in the printed header.
    notes : sequence of str, default=()
        Why some statistics are NaN (see ``notes`` below).

    Attributes
    ----------
    zero : pandas.DataFrame or None
        The binary part, which models P(y > 0): columns ``coef``, ``std_err``,
        ``z`` and ``p_value``, one row per term. None for a custom classifier
        or when ``y`` had no zeros.
    count : pandas.DataFrame or None
        The zero-truncated count part (log mean; ``Log(theta)`` last for the
        negative binomial). None for a custom regressor.
    stats : pandas.Series
        ``loglik``, ``df`` (number of estimated parameters), ``aic``, ``bic``,
        ``n_obs`` (sum of sample weights) and, for the negative binomial, ``theta``.
        ``df``, ``aic`` and ``bic`` are NaN unless both parts are built-in
        likelihood models: a custom part has no parameter count, and its
        in-sample fit would make the criteria incomparable.
    notes : tuple of str
        One sentence per statistic that is NaN, saying why; printed last.

    See Also
    --------
    HurdleRegressor.summary : Builds it from a fitted model.

    Examples
    --------
    >>> from skbce import HurdleRegressor
    >>> from skbce.datasets import load_biochemists
    >>> X, y = load_biochemists(return_X_y=True, as_frame=True)
    >>> summary = HurdleRegressor().fit(X, y).summary()
    >>> list(summary.count.columns)
    ['coef', 'std_err', 'z', 'p_value']
    >>> round(float(summary.stats["loglik"]), 2)
    -1605.31
    """

    def __init__(self, zero, count, stats, zero_link, count_model, notes=()):
        self.zero = zero
        self.count = count
        self.stats = stats
        self._zero_link = zero_link
        self._count_model = count_model
        self.notes = tuple(notes)

    def __repr__(self):
        def table(frame, missing):
            if frame is None:
                return f"  ({missing}: no coefficient table)"
            return frame.to_string(float_format=lambda v: f"{v:.6g}")

        if self._count_model in COUNT_LOSSES:
            count_header = f"zero-truncated {self._count_model}, log link"
        else:
            count_header = f"custom regressor {self._count_model}, models E[y | y > 0]"
        if self._zero_link in BINARY_LINKS:
            zero_header = f"binomial, {self._zero_link} link"
            zero_missing = "y has no zeros: P(y = 0) is 0, nothing to estimate"
        else:
            zero_header = f"custom classifier {self._zero_link}"
            zero_missing = "not a built-in part"
        lines = [
            f"Count model ({count_header}):",
            table(self.count, "not a built-in part"),
            "",
            f"Zero hurdle model ({zero_header}, models P(y > 0)):",
            table(self.zero, zero_missing),
            "",
            self.stats.to_string(float_format=lambda v: f"{v:.6g}"),
            *(f"Note: {note}" for note in self.notes),
        ]
        return "\n".join(lines)


# ---------------------------------------------------------------------------
# Row-block passes of the fit (mapped over one block in memory, over row
# chunks for dask inputs; see skbce.utils._dask)
# ---------------------------------------------------------------------------


@dataclass
class _TargetStats:
    """Summaries of the target and the weights, added up over row blocks."""

    min_y: float
    max_y: float  # among rows with positive weight
    n_positive: int  # rows with y > 0 and positive weight
    n_zero: int  # rows with y == 0 and positive weight
    weight_sum: float
    positive_weight: float  # sum of the weights of the rows with y > 0
    min_weight: float

    @classmethod
    def of_block(cls, block):
        y, sample_weight = block["y"], block["w"]
        present = sample_weight > 0
        positive = y > 0
        return cls(
            float(y.min()) if y.size else np.inf,
            float(y[present].max()) if present.any() else -np.inf,
            int(np.count_nonzero(positive & present)),
            int(np.count_nonzero((y == 0) & present)),
            float(sample_weight.sum()),
            float(sample_weight @ positive),
            float(sample_weight.min()) if y.size else np.inf,
        )

    @classmethod
    def reduce(cls, parts):
        parts = list(parts)
        return cls(
            min(p.min_y for p in parts),
            max(p.max_y for p in parts),
            sum(p.n_positive for p in parts),
            sum(p.n_zero for p in parts),
            sum(p.weight_sum for p in parts),
            sum(p.positive_weight for p in parts),
            min(p.min_weight for p in parts),
        )


def _block(X, y, sample_weight, offset):
    """A block of rows of the model (see :mod:`._row_kernels`)."""
    return {"X": X, "y": y, "w": sample_weight, "offset": offset}


def _zero_part_block(block, columns):
    """The binary part's block: its columns, target ``y > 0``, no offset."""
    return _block(
        block["X"][:, columns], (block["y"] > 0).astype(np.float64), block["w"], None
    )


def _count_part_block(block, columns):
    """The count part's block: its columns of the rows with y > 0 (and weight)."""
    offset = block["offset"]
    rows = (block["y"] > 0) & (block["w"] > 0)
    return _block(
        block["X"][rows][:, columns],
        block["y"][rows],
        block["w"][rows],
        None if offset is None else offset[rows, None],
    )


def _class_score_extremes(block, coef, intercept):
    """``(lowest score of a positive count, highest score of a zero)`` of a block."""
    X, crossed, sample_weight = block["X"], block["y"], block["w"]
    raw = X @ coef + intercept
    present = sample_weight > 0
    return (
        np.min(raw[present & (crossed == 1)], initial=np.inf),
        np.max(raw[present & (crossed == 0)], initial=-np.inf),
    )


def _count_exposure_sums(block):
    """``[sum w * y, sum w * exposure]`` of a count-part block."""
    y, sample_weight, offset = block["y"], block["w"], block["offset"]
    exposure = np.ones_like(y) if offset is None else np.exp(offset[:, 0])
    return np.array([sample_weight @ y, sample_weight @ exposure])


def _poisson_moment_sums(block, params, fit_intercept):
    """``[sum w ((y - mu)**2 - mu), sum w mu**2]`` at Poisson ``params``."""
    X, y, sample_weight, offset = block["X"], block["y"], block["w"], block["offset"]
    n_features = X.shape[1]
    raw = X @ params[:n_features]
    if fit_intercept:
        raw = raw + params[n_features]
    if offset is not None:
        raw = raw + offset[:, 0]
    mu = np.exp(raw)
    return np.array([sample_weight @ ((y - mu) ** 2 - mu), sample_weight @ mu**2])


def _on_rows(func, X, *row_args, n_columns=None):
    """``func(X, *row_args)``, lazily chunk by chunk when X is a dask array."""
    if is_dask_collection(X):
        return map_rows(func, X, *row_args, n_columns=n_columns)
    return func(X, *row_args)


# ---------------------------------------------------------------------------
# The estimator
# ---------------------------------------------------------------------------


class HurdleRegressor(AtomicSetParamsMixin, RegressorMixin, BaseEstimator):
    """Hurdle regression for counts: a binary part for zeros, a truncated count part.

    The binary (zero hurdle) part models whether the count crosses zero,
    ``p = P(y > 0) = F(x_z @ zero_coef_ + zero_intercept_)``, with a logistic
    (binary cross-entropy), probit or complementary log-log ``F``. The count part
    models the positive counts with a zero-truncated Poisson or negative binomial
    distribution with log link, ``mu = exp(x_c @ count_coef_ + count_intercept_ +
    offset)``. The log-likelihood is the sum of the two parts, which are fitted
    separately by Newton's method with analytic gradients and Hessians. This is
    the model of R's ``pscl::hurdle(y ~ x | z, dist=..., zero.dist="binomial")``.

    Read more in the :ref:`User Guide <hurdle>`.

    Parameters
    ----------
    zero_model : {"logit", "probit", "cloglog"} or classifier, default="logit"
        The binary part. A string selects a built-in linear model with that link
        for P(y > 0). Any scikit-learn classifier with ``predict_proba`` (a
        pipeline, gradient boosting, ...) is cloned and fitted on the target
        ``(y > 0).astype(int)``.
    count_model : {"poisson", "negbin"} or regressor, default="poisson"
        The count part. "poisson" is the zero-truncated Poisson, "negbin" the
        zero-truncated NB2 (variance ``mu + mu**2 / theta``) with ``theta``
        estimated. Any scikit-learn regressor is cloned and fitted on the rows
        with ``y > 0``; it then models E[y | y > 0] directly, so only the mean
        predictions are available (:meth:`predict_pmf`, :attr:`loglik_` and the
        count table of :meth:`summary` need a built-in part).
    zero_features : array-like of str, int or bool, default=None
        Columns of ``X`` used by the binary part: names (``X`` a DataFrame),
        integer indices, or a boolean mask with one entry per column, as
        scikit-learn's column selectors take them. ``None`` uses every column;
        an empty selection fits an intercept-only part (and is refused with
        ``fit_intercept=False``, which would leave nothing to fit). R's
        ``y ~ x | z`` puts ``z`` here.
    count_features : array-like of str, int or bool, default=None
        Columns of ``X`` used by the count part, as for ``zero_features``.
    alpha : float, default=0.0
        L2 penalty on the coefficients (not the intercepts, not theta) of the
        built-in parts; each part minimises its mean weighted negative
        log-likelihood plus ``alpha / 2 * ||coef||**2``. 0 is plain maximum
        likelihood, as in pscl and statsmodels.
    fit_intercept : bool, default=True
        Whether the built-in parts have an intercept.
    tol : float, default=1e-8
        Newton's method stops when the Newton decrement of a part's mean loss,
        ``g @ H^-1 @ g``, is at most ``tol**2`` (for standardized features about
        ``max|g| <= tol``; unlike the gradient, the decrement does not depend on
        the scale of the features).
    max_iter : int, default=100
        Maximum number of Newton steps per built-in part.

    Attributes
    ----------
    zero_coef_ : ndarray of shape (n_zero_features,)
        Coefficients of the binary part on the scale of ``F^-1(P(y > 0))``
        (positive coefficients make a positive count *more* likely, as in pscl).
        Not set for a custom classifier.
    zero_intercept_ : float
        Intercept of the binary part (0.0 if ``fit_intercept=False``; +inf when
        ``y`` had no zeros). Not set for a custom classifier.
    count_coef_ : ndarray of shape (n_count_features,)
        Log-mean coefficients of the count part. Not set for a custom regressor.
    count_intercept_ : float
        Intercept of the count part. Not set for a custom regressor.
    theta_ : float or None
        The negative binomial size, pscl's ``theta`` (the reciprocal of the NB2
        dispersion that statsmodels reports); None for other count parts.
    loglik_ : float
        Training log-likelihood of the hurdle model (sample-weighted, with every
        constant included; comparable with pscl's ``logLik`` and statsmodels'
        ``llf``). NaN when the count part is a custom regressor.
    n_iter_ : int
        Total number of Newton steps taken by the built-in parts (for
        ``count_model="negbin"``, including the Poisson fit that starts it).
    zero_model_ : classifier or None
        The fitted custom classifier (None for a built-in zero part).
    count_model_ : regressor or None
        The fitted custom regressor (None for a built-in count part).
    max_count_ : int
        The largest count seen in :meth:`fit`, the default ``max_count`` of
        :meth:`predict_pmf`.
    n_features_in_ : int
        Number of features seen during :meth:`fit`.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during :meth:`fit`. Defined only when `X`
        has feature names that are all strings.

    See Also
    --------
    sklearn.linear_model.PoissonRegressor : Poisson regression without a hurdle.
    sklearn.linear_model.LogisticRegression : The binary part on its own.

    Notes
    -----
    Direction of the zero part: the coefficients describe P(y > 0), as pscl's
    binomial zero hurdle does (glmmTMB's ``ziformula`` describes P(y = 0)
    instead), while :meth:`predict_zero_proba` returns P(y = 0).

    A target without zeros makes the binary part degenerate (its maximum
    likelihood intercept is +infinity): :meth:`fit` then emits a
    :class:`NoZerosWarning`, sets P(y = 0) to 0 and fits the count part alone.
    A target without positive counts raises a ``ValueError``.

    Standard errors in :meth:`summary` come from the inverse of the analytic
    Hessian of each part's weighted negative log-likelihood (sample weights act
    as frequency weights); with ``alpha > 0`` the Hessian includes the penalty.

    When the positive counts are not overdispersed, the negative binomial's
    maximum likelihood ``theta`` is infinite: ``theta_`` then grows very large
    (the fit stops once the Newton decrement is below ``tol**2``) and the count part is
    the Poisson one. The built-in parts compute in float64.

    References
    ----------
    .. [1] Mullahy, J. (1986). Specification and testing of some modified count
       data models. Journal of Econometrics, 33(3), 341-365.
    .. [2] Zeileis, A., Kleiber, C. and Jackman, S. (2008). Regression models for
       count data in R. Journal of Statistical Software, 27(8).

    Examples
    --------
    >>> from skbce import HurdleRegressor
    >>> from skbce.datasets import load_biochemists
    >>> X, y = load_biochemists(return_X_y=True, as_frame=True)
    >>> model = HurdleRegressor(count_model="negbin").fit(X, y)
    >>> round(model.loglik_, 1), round(model.theta_, 2)
    (-1552.6, 1.83)
    >>> model.summary().count.round(3).loc[["ment", "Log(theta)"]]
                 coef  std_err      z  p_value
    term
    ment        0.024    0.004  5.538    0.000
    Log(theta)  0.603    0.225  2.682    0.007
    >>> model.predict_zero_proba(X.iloc[:3]).round(3)
    array([0.235, 0.375, 0.366])
    >>> model.predict_pmf(X.iloc[:1], max_count=3).round(3)
    array([[0.235, 0.271, 0.193, 0.124]])
    """

    _parameter_constraints: dict = {
        "zero_model": [
            StrOptions(set(BINARY_LINKS)),
            HasMethods(["fit", "predict_proba"]),
        ],
        "count_model": [
            StrOptions(set(COUNT_LOSSES)),
            HasMethods(["fit", "predict"]),
        ],
        "zero_features": ["array-like", None],
        "count_features": ["array-like", None],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "fit_intercept": ["boolean"],
        "tol": [Interval(Real, 0, None, closed="neither")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
    }

    def __init__(
        self,
        *,
        zero_model="logit",
        count_model="poisson",
        zero_features=None,
        count_features=None,
        alpha=0.0,
        fit_intercept=True,
        tol=1e-8,
        max_iter=100,
    ):
        self.zero_model = zero_model
        self.count_model = count_model
        self.zero_features = zero_features
        self.count_features = count_features
        self.alpha = alpha
        self.fit_intercept = fit_intercept
        self.tol = tol
        self.max_iter = max_iter

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.positive_only = True
        return tags

    # -- fit ---------------------------------------------------------------

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y, sample_weight=None, offset=None):
        """Fit both parts of the hurdle model.

        A failed fit leaves an already fitted model unchanged.

        Parameters
        ----------
        X : {array-like, DataFrame} of shape (n_samples, n_features)
            Features; the columns of each part are chosen by
            ``zero_features`` and ``count_features``.
        y : array-like of shape (n_samples,)
            Non-negative counts. Non-integer values are accepted and give a
            quasi-likelihood fit, as in :class:`~sklearn.linear_model.PoissonRegressor`.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative frequency weights: an integer weight is the same as
            repeating the row.
        offset : array-like of shape (n_samples,), default=None
            Added to the linear predictor of a built-in count part, e.g.
            ``np.log(exposure)`` to model rates. Pass the same offset to the
            prediction methods.

        Returns
        -------
        self : HurdleRegressor
            The fitted estimator.
        """
        with restored_on_error(self):
            return self._fit(X, y, sample_weight, offset)

    def _fit(self, X, y, sample_weight, offset):
        user_weights = sample_weight is not None
        if any_dask(X, y, sample_weight, offset):
            rows = self._validate_dask_fit(X, y, sample_weight, offset)
        else:
            _check_numeric_target(y)
            X, y = validate_data(self, X, y, dtype=np.float64, y_numeric=True)
            sample_weight = _check_sample_weight(
                sample_weight, X, dtype=np.float64, ensure_non_negative=True
            )
            offset = self._check_offset(offset, X.shape[0])
            rows = InMemoryRowPass(_block(X, y, sample_weight, offset))
        stats = _TargetStats.reduce(rows.gather(_TargetStats.of_block))
        if stats.min_weight < 0:
            raise ValueError(
                "Negative values in sample_weight are not allowed; weights are "
                "frequency weights (>= 0)."
            )
        if stats.min_y < 0:
            raise ValueError(
                f"HurdleRegressor requires non-negative counts y; got min(y) = "
                f"{stats.min_y:g}. Shift or drop the negative targets."
            )
        zero_idx = self._feature_indices(self.zero_features, "zero_features")
        count_idx = self._feature_indices(self.count_features, "count_features")
        if stats.n_positive == 0:
            raise ValueError(
                "HurdleRegressor needs some positive counts: every y (with a "
                "positive sample weight) is 0, so the count part cannot be fitted. "
                "Use a classifier for a 0/1 question or check the target."
            )
        has_zeros = stats.n_zero > 0

        if isinstance(self.zero_model, str) or not has_zeros:
            zero_rows = rows.derive(_zero_part_block, columns=zero_idx)
            zero = self._fit_zero_part(zero_rows, len(zero_idx), stats, has_zeros)
        else:  # a custom classifier, in memory only
            zero = self._fit_custom_part(
                self.zero_model,
                "zero_model",
                X[:, zero_idx],
                (y > 0).astype(np.int64),
                sample_weight,
                user_weights,
            )
        if isinstance(self.count_model, str):
            count_rows = rows.derive(_count_part_block, columns=count_idx)
            count = self._fit_count_part(count_rows, len(count_idx))
        else:
            positive = (y > 0) & (sample_weight > 0)
            count = self._fit_custom_part(
                self.count_model,
                "count_model",
                X[positive][:, count_idx],
                y[positive],
                sample_weight[positive],
                user_weights,
            )

        for part, model, indices in (
            (zero, self.zero_model, zero_idx),
            (count, self.count_model, count_idx),
        ):
            part["name"] = model if isinstance(model, str) else type(model).__name__
            if "params" in part:
                extra = ["Log(theta)"] if "theta" in part else []
                part["terms"] = self._terms(indices, extra)

        # Every check has passed and both parts are fitted: set the attributes.
        self._zero_idx, self._count_idx = zero_idx, count_idx
        self._zero, self._count = zero, count
        self.zero_model_ = zero.get("estimator")
        self.count_model_ = count.get("estimator")
        for name in (
            "zero_coef_",
            "zero_intercept_",
            "count_coef_",
            "count_intercept_",
        ):
            self.__dict__.pop(name, None)
        if "coef" in zero:
            self.zero_coef_, self.zero_intercept_ = zero["coef"], zero["intercept"]
        if self.count_model_ is None:
            self.count_coef_, self.count_intercept_ = count["coef"], count["intercept"]
        self.theta_ = count.get("theta")
        self.n_iter_ = zero.get("n_iter", 0) + count.get("n_iter", 0)
        self.max_count_ = int(np.ceil(stats.max_y))
        self._n_obs = stats.weight_sum
        zero_loglik = zero.get("loglik")
        if zero_loglik is None:  # a custom classifier: from its probabilities
            zero_loglik = self._zero_loglik(X, y, sample_weight)
        self.loglik_ = float(zero_loglik + count.get("loglik", np.nan))
        return self

    def _validate_dask_fit(self, X, y, sample_weight, offset):
        """Chunk-wise validation of dask inputs; their row blocks and executor."""
        if not (isinstance(self.zero_model, str) and isinstance(self.count_model, str)):
            raise ValueError(
                "Dask inputs are fitted by the built-in parts only (zero_model in "
                f"{sorted(BINARY_LINKS)}, count_model in {sorted(COUNT_LOSSES)}); "
                "a custom scikit-learn part needs in-memory X. Call .compute() "
                "first, or use the built-in parts."
            )
        X = check_dask_X(self, X, reset=True, dtype=np.float64)
        y = check_dask_rows(y, X, "y")
        if sample_weight is None:
            sample_weight = y.map_blocks(np.ones_like)
        else:  # negative weights are refused with the target statistics
            sample_weight = check_dask_rows(sample_weight, X, "sample_weight")
        if offset is not None:
            offset = check_dask_rows(offset, X, "offset")
        return dask_row_pass(
            _block,
            X,
            y,
            sample_weight,
            offset,
            names=("X", "y", "sample_weight", "offset"),
        )

    def _check_offset(self, offset, n_samples):
        if offset is None:
            return None
        if isinstance(self.count_model, str):
            offset = check_array(offset, ensure_2d=False, dtype=np.float64)
            if offset.shape != (n_samples,):
                raise ValueError(
                    f"offset must have shape ({n_samples},), one value per sample; "
                    f"got shape {offset.shape}."
                )
            return offset
        raise ValueError(
            "offset is only supported by the built-in count parts "
            "(count_model='poisson' or 'negbin'); a custom regressor must take "
            "the exposure as a feature."
        )

    def _feature_indices(self, spec, param):
        """Column indices selected by ``zero_features`` / ``count_features``.

        Names (X a DataFrame), integer indices or a boolean mask of length
        ``n_features_in_``, as scikit-learn's column selectors take them.
        """
        n_features = self.n_features_in_
        if spec is None:
            return np.arange(n_features)
        items = list(np.atleast_1d(np.asarray(spec, dtype=object)))
        if items and all(isinstance(item, (bool, np.bool_)) for item in items):
            if len(items) != n_features:
                raise ValueError(
                    f"{param} as a boolean mask must have one entry per column of "
                    f"X ({n_features}); got {len(items)}."
                )
            indices = np.flatnonzero(np.asarray(items, dtype=bool))
        elif all(isinstance(item, str) for item in items) and items:
            indices = self._named_indices(items, param)
        elif all(
            isinstance(item, Integral) and not isinstance(item, (bool, np.bool_))
            for item in items
        ):
            indices = np.asarray(items, dtype=np.intp)
            if np.any((indices < -n_features) | (indices >= n_features)):
                raise ValueError(
                    f"{param} has index out of range for X with {n_features} "
                    f"columns: {spec!r}."
                )
            indices = indices % n_features if n_features else indices
        else:
            raise ValueError(
                f"{param} must select columns by name (str), by integer index or "
                f"by a boolean mask of length n_features, one kind only; got "
                f"{spec!r}."
            )
        self._check_part_has_parameters(indices, param)
        return indices

    def _named_indices(self, names, param):
        """Column indices of feature names, checked against ``feature_names_in_``."""
        known = getattr(self, "feature_names_in_", None)
        if known is None:
            raise ValueError(
                f"{param} selects columns by name, but X has no feature names. "
                "Pass X as a pandas DataFrame or select columns by integer index."
            )
        positions, unknown = positions_by_name(names, known)
        if unknown:
            raise ValueError(
                f"{param} has unknown feature name(s) {unknown}; the columns of "
                f"X are {list(known)}."
            )
        return np.array(positions, dtype=np.intp)

    def _check_part_has_parameters(self, indices, param):
        """Refuse a built-in part left with nothing to estimate.

        No column and no intercept would fix P(y > 0) at F(0) (1/2 for the logit)
        or the count mean at exp(offset), silently.
        """
        model = self.zero_model if param == "zero_features" else self.count_model
        if indices.size or self.fit_intercept or not isinstance(model, str):
            return
        if param == "zero_features":
            fixed = "P(y > 0) at F(0)"
        else:
            fixed = "the count mean at exp(offset)"
        raise ValueError(
            f"{param} selects no column and fit_intercept=False: the {model!r} "
            f"part would have no parameter and fix {fixed} instead of fitting it. "
            f"Select at least one column in {param} or set fit_intercept=True."
        )

    def _newton(self, loss, rows, n_features, x0, *, name, tol=None):
        """Fit one built-in part by Newton's method; return its fitted values."""
        objective = LinearModelLoss(
            rows, loss, [(None, self.fit_intercept)], n_features, self.alpha
        )
        tol = tol or self.tol
        result = NewtonCholeskySolver(tol=tol, max_iter=self.max_iter).solve(
            objective, x0[None]
        )
        if not result.converged[0]:
            warnings.warn(
                f"{name} did not converge within max_iter={self.max_iter} Newton "
                f"steps (tol={tol:g}, on the Newton decrement). Increase max_iter, "
                "loosen tol, scale the features or add an L2 penalty (alpha).",
                ConvergenceWarning,
                stacklevel=4,
            )
        params = result.coef[0]
        coef = params[:n_features]
        weight_sum = objective.weight_sum
        hessian = result.hessian[0] * weight_sum
        try:
            cov = np.linalg.inv(hessian)
        except np.linalg.LinAlgError:
            cov = np.full_like(hessian, np.nan)
        return {
            "coef": coef.copy(),
            "intercept": float(params[n_features]) if self.fit_intercept else 0.0,
            "params": params,
            "cov": cov,
            "n_iter": int(result.n_iter[0]),
            # The objective is the mean loss plus the penalty: undo both.
            "loglik": -(result.value[0] - 0.5 * self.alpha * (coef @ coef))
            * weight_sum,
        }

    @staticmethod
    def _weight_kwargs(estimator, param, sample_weight, user_weights):
        """``{"sample_weight": ...}`` for a custom part, if weights were given."""
        if not user_weights:
            return {}
        if not has_fit_parameter(estimator, "sample_weight"):
            raise ValueError(
                f"sample_weight was given but {param}={type(estimator).__name__} "
                "does not accept sample_weight in fit. Use an estimator that does, "
                "or a built-in part."
            )
        return {"sample_weight": sample_weight}

    def _fit_custom_part(self, model, param, X, y, sample_weight, user_weights):
        """Fit a custom scikit-learn part on in-memory data."""
        estimator = clone(model)
        kwargs = self._weight_kwargs(estimator, param, sample_weight, user_weights)
        estimator.fit(X, y, **kwargs)
        return {"estimator": estimator}

    def _fit_zero_part(self, rows, n_features, stats, has_zeros):
        if not has_zeros:
            warnings.warn(
                "y has no zeros (among rows with positive sample weight): the zero "
                "hurdle is degenerate, P(y = 0) is set to 0 and only the count "
                "part is fitted.",
                NoZerosWarning,
                stacklevel=4,
            )
            part = {"degenerate": True, "loglik": 0.0}
            if isinstance(self.zero_model, str):
                part.update(coef=np.zeros(n_features), intercept=np.inf)
            return part
        link = BINARY_LINKS[self.zero_model]
        x0 = np.zeros(n_features + int(self.fit_intercept))
        if self.fit_intercept:
            x0[-1] = link.link(stats.positive_weight / stats.weight_sum)
        part = self._newton(
            BinaryLoss(self.zero_model), rows, n_features, x0, name="zero part"
        )
        if self.alpha == 0:
            self._warn_if_separated(rows, part)
        return part

    @staticmethod
    def _warn_if_separated(rows, part):
        """Warn when the fitted zero part separates zeros from positive counts.

        Without a penalty the maximum likelihood coefficients of separable
        classes are infinite: the fitted ones only say where Newton's method
        stopped, and P(y = 0) is 0 or 1 at the training rows.
        """
        extremes = rows.gather(
            _class_score_extremes, coef=part["coef"], intercept=part["intercept"]
        )
        lowest_positive = min(low for low, _ in extremes)
        highest_zero = max(high for _, high in extremes)
        if lowest_positive > highest_zero:
            warnings.warn(
                "The features separate the zero counts from the positive ones "
                "perfectly: with alpha=0 the maximum likelihood coefficients of the "
                "zero part are infinite and the fitted ones (max |coef| = "
                f"{np.max(np.abs(part['coef']), initial=0.0):.3g}) only reflect "
                "where Newton's method stopped. Set alpha > 0 (an L2 penalty) for "
                "finite coefficients, or drop the separating features.",
                ConvergenceWarning,
                stacklevel=5,
            )

    def _fit_count_part(self, rows, n_features):
        x0 = np.zeros(n_features + int(self.fit_intercept))
        if self.fit_intercept:
            # The null model: log of the mean count per unit of exposure.
            total, exposure = rows.reduce(_count_exposure_sums)
            x0[-1] = np.log(total / exposure)
        if self.count_model == "poisson":
            return self._newton(
                COUNT_LOSSES["poisson"](), rows, n_features, x0, name="count part"
            )
        # Negative binomial: start from a rough zero-truncated Poisson fit and a
        # moment estimate of theta (ignoring the truncation).
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            start = self._newton(
                COUNT_LOSSES["poisson"](),
                rows,
                n_features,
                x0,
                name="count part (Poisson start)",
                tol=max(self.tol, 1e-4),
            )
        excess, mu_squares = rows.reduce(
            _poisson_moment_sums,
            params=start["params"],
            fit_intercept=self.fit_intercept,
        )
        theta0 = mu_squares / excess if excess > 0 else 1e3
        x0 = np.append(start["params"], np.log(np.clip(theta0, 1e-2, 1e3)))
        part = self._newton(
            COUNT_LOSSES["negbin"](), rows, n_features, x0, name="count part"
        )
        part["n_iter"] += start["n_iter"]
        part["theta"] = float(np.exp(part["params"][-1]))
        return part

    # -- prediction --------------------------------------------------------

    def _validate_predict(self, X, offset):
        check_is_fitted(self)
        if any_dask(X, offset):
            if offset is not None and self.count_model_ is not None:
                raise ValueError(
                    "offset is only supported by the built-in count parts; this "
                    "model's count part is a custom regressor."
                )
            X = check_dask_X(self, X, reset=False, dtype=np.float64)
            if offset is not None:
                offset = check_dask_rows(offset, X, "offset")
            return X, offset
        X = validate_data(self, X, reset=False, dtype=np.float64)
        if offset is not None:
            if self.count_model_ is not None:
                raise ValueError(
                    "offset is only supported by the built-in count parts; this "
                    "model's count part is a custom regressor."
                )
            offset = check_array(offset, ensure_2d=False, dtype=np.float64)
            if offset.shape != (X.shape[0],):
                raise ValueError(
                    f"offset must have shape ({X.shape[0]},), one value per sample; "
                    f"got shape {offset.shape}."
                )
        return X, offset

    def _zero_log_proba(self, X):
        """(log P(y = 0), log P(y > 0)) for validated X."""
        if self._zero.get("degenerate"):
            return np.full(X.shape[0], -np.inf), np.zeros(X.shape[0])
        Xz = X[:, self._zero_idx]
        if self.zero_model_ is not None:
            classes = list(self.zero_model_.classes_)
            p = self.zero_model_.predict_proba(Xz)[:, classes.index(1)]
            with np.errstate(divide="ignore"):
                return np.log1p(-p), np.log(p)
        raw = Xz @ self.zero_coef_ + self.zero_intercept_
        return BINARY_LINKS[self._zero["name"]].log_proba(raw)

    def _count_raw(self, X, offset):
        raw = X[:, self._count_idx] @ self.count_coef_ + self.count_intercept_
        return raw if offset is None else raw + offset

    def _require_distribution(self, what):
        if self.count_model_ is not None:
            raise ValueError(
                f"{what} needs a count distribution, but count_model is a custom "
                f"regressor ({type(self.count_model_).__name__}) that models only "
                "the mean E[y | y > 0]. Use count_model='poisson' or 'negbin'."
            )

    def _truncated_mean(self, X, offset):
        if self.count_model_ is not None:
            return np.asarray(self.count_model_.predict(X[:, self._count_idx]), float)
        loss = COUNT_LOSSES[self._count["name"]]()
        return loss.truncated_mean(self._count_raw(X, offset), self._extra())

    def _extra(self):
        return np.log([self.theta_]) if self.theta_ is not None else np.empty(0)

    def predict(self, X, offset=None):
        """Predict the mean count E[y | x] = P(y > 0 | x) * E[y | y > 0, x].

        Parameters
        ----------
        X : {array-like, DataFrame} of shape (n_samples, n_features)
            Samples.
        offset : array-like of shape (n_samples,), default=None
            Offset of the count part's linear predictor (see :meth:`fit`).

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            Predicted mean counts.
        """
        X, offset = self._validate_predict(X, offset)
        return _on_rows(self._mean, X, offset)

    def predict_zero_proba(self, X):
        """Predict P(y = 0 | x), the probability of a zero count.

        This is ``1 - F(x_z @ zero_coef_ + zero_intercept_)``: the coefficients
        of the zero part model the complementary event P(y > 0), as in pscl.

        Parameters
        ----------
        X : {array-like, DataFrame} of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        proba : ndarray of shape (n_samples,)
            P(y = 0) for each sample.
        """
        X, _ = self._validate_predict(X, None)
        return _on_rows(self._zero_proba, X)

    def predict_truncated_mean(self, X, offset=None):
        """Predict E[y | y > 0, x], the mean of the zero-truncated count part.

        For a custom ``count_model`` this is the regressor's prediction.

        Parameters
        ----------
        X : {array-like, DataFrame} of shape (n_samples, n_features)
            Samples.
        offset : array-like of shape (n_samples,), default=None
            Offset of the count part's linear predictor (see :meth:`fit`).

        Returns
        -------
        mean : ndarray of shape (n_samples,)
            Conditional mean of the positive counts.
        """
        X, offset = self._validate_predict(X, offset)
        return _on_rows(self._truncated_mean, X, offset)

    def predict_pmf(self, X, max_count=None, offset=None):
        """Predict the probabilities of the counts 0, 1, ..., ``max_count``.

        Parameters
        ----------
        X : {array-like, DataFrame} of shape (n_samples, n_features)
            Samples.
        max_count : int, default=None
            Largest count K; ``None`` uses the largest count seen in
            :meth:`fit` (:attr:`max_count_`), as pscl's ``predict(type="prob")``.
        offset : array-like of shape (n_samples,), default=None
            Offset of the count part's linear predictor (see :meth:`fit`).

        Returns
        -------
        pmf : ndarray of shape (n_samples, max_count + 1)
            ``pmf[i, k] = P(y_i = k)``. Rows sum to ``1 - P(y > max_count)``.
        """
        X, offset = self._validate_predict(X, offset)
        self._require_distribution("predict_pmf")
        if max_count is None:
            max_count = self.max_count_
        if not isinstance(max_count, Integral) or isinstance(max_count, bool):
            raise ValueError(
                f"max_count must be a non-negative int; got {max_count!r}."
            )
        if max_count < 0:
            raise ValueError(f"max_count must be a non-negative int; got {max_count}.")
        pmf = functools.partial(self._pmf, max_count=max_count)
        return _on_rows(pmf, X, offset, n_columns=max_count + 1)

    def _mean(self, X, offset):
        _, log_p_positive = self._zero_log_proba(X)
        return np.exp(log_p_positive) * self._truncated_mean(X, offset)

    def _zero_proba(self, X):
        log_p_zero, _ = self._zero_log_proba(X)
        return np.exp(log_p_zero)

    def _pmf(self, X, offset, *, max_count):
        log_p_zero, log_p_positive = self._zero_log_proba(X)
        counts = np.arange(1, max_count + 1, dtype=np.float64)
        raw = self._count_raw(X, offset)[:, None]
        loss = COUNT_LOSSES[self._count["name"]]()
        log_trunc = loss.loglik(counts[None, :], raw, self._extra())
        pmf = np.empty((X.shape[0], max_count + 1))
        pmf[:, 0] = np.exp(log_p_zero)
        pmf[:, 1:] = np.exp(log_p_positive[:, None] + log_trunc)
        return pmf

    def score(self, X, y, sample_weight=None, offset=None):
        """Return D², the fraction of Poisson deviance explained by ``predict``.

        ``D² = 1 - D(y, predict(X)) / D(y, mean(y))`` with the Poisson deviance
        ``D``, as :meth:`sklearn.linear_model.PoissonRegressor.score`. Higher is
        better; 1 is a perfect fit, 0 the constant model. It scores the predicted
        mean only, so it is available for every choice of parts.

        A constant ``y`` (such as a cross-validation fold of zeros only) has no
        deviance to explain: as :func:`sklearn.metrics.r2_score` does with
        ``force_finite=True``, D² is then 1.0 for perfect predictions and 0.0
        otherwise, instead of NaN or -inf. With fewer than two samples D² is
        not defined: NaN with an ``UndefinedMetricWarning``.

        Parameters
        ----------
        X : {array-like, DataFrame} of shape (n_samples, n_features)
            Samples.
        y : array-like of shape (n_samples,)
            True non-negative counts.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.
        offset : array-like of shape (n_samples,), default=None
            Offset of the count part's linear predictor (see :meth:`fit`).

        Returns
        -------
        score : float
            D² of the mean predictions.
        """
        y_pred = self.predict(X, offset=offset)
        y = check_array(y, ensure_2d=False, dtype=np.float64)
        if np.any(y < 0):
            raise ValueError("score requires non-negative counts y.")
        if y.shape[0] < 2:
            warnings.warn(
                "D^2 score is not well-defined with less than two samples.",
                UndefinedMetricWarning,
                stacklevel=2,
            )
            return float("nan")
        weights = _check_sample_weight(sample_weight, y[:, None], dtype=np.float64)
        y_mean = np.average(y, weights=weights)

        def deviance(mean):
            # y log(y / mean) is 0 at y = 0 (also where the mean is 0).
            with np.errstate(divide="ignore", invalid="ignore"):
                log_ratio = np.where(y > 0, xlogy(y, y / mean), 0.0)
            return weights @ (2 * (log_ratio - y + mean))

        numerator, denominator = deviance(y_pred), deviance(y_mean)
        if denominator == 0:  # a constant y: scikit-learn's force_finite
            return 1.0 if numerator == 0 else 0.0
        return float(1 - numerator / denominator)

    # -- inference ---------------------------------------------------------

    def _zero_loglik(self, X, y, sample_weight):
        """Weighted log-likelihood of a custom classifier's probabilities."""
        log_p_zero, log_p_positive = self._zero_log_proba(X)
        value = np.where(y > 0, log_p_positive, log_p_zero)
        return float(sample_weight @ np.where(sample_weight > 0, value, 0.0))

    def _terms(self, indices, extra=()):
        """Names of a built-in part's parameters, in their stored order."""
        names = getattr(self, "feature_names_in_", None)
        terms = [f"x{i}" if names is None else str(names[i]) for i in indices]
        return terms + ["(Intercept)"] * self.fit_intercept + list(extra)

    @staticmethod
    def _coef_table(part):
        """A part's coefficient table, intercept first as pscl prints it."""
        params, terms = part["params"], part["terms"]
        std_err = np.sqrt(np.diag(part["cov"]))
        with np.errstate(divide="ignore", invalid="ignore"):
            z = params / std_err
        frame = pd.DataFrame(
            {
                "coef": params,
                "std_err": std_err,
                "z": z,
                "p_value": 2 * norm.sf(abs(z)),
            },
            index=pd.Index(terms, name="term"),
        )
        first = [i for i, term in enumerate(terms) if term == "(Intercept)"][-1:]
        return frame.iloc[first + [i for i in range(len(terms)) if i not in first]]

    def summary(self):
        """Coefficient tables with standard errors and the fit statistics.

        The analogue of pscl's ``summary(hurdle(...))``: one table per built-in
        part with the estimate, its standard error (from the inverse of the
        analytic Hessian of the weighted negative log-likelihood), the Wald
        statistic ``z`` and its two-sided p-value, plus the log-likelihood, the
        number of parameters, AIC and BIC. The information criteria need both
        parts to be built-in likelihood models: with a custom classifier or
        regressor, ``df``, ``aic`` and ``bic`` are NaN and the summary's
        ``notes`` say why.

        Returns
        -------
        summary : HurdleSummary
            With the DataFrames ``zero`` (coefficients of P(y > 0); None for a
            custom classifier or a target without zeros) and ``count`` (log mean,
            then ``Log(theta)`` for the negative binomial; None for a custom
            regressor), and the Series ``stats``. Its text representation prints
            like pscl's summary.
        """
        check_is_fitted(self)
        zero = self._coef_table(self._zero) if "cov" in self._zero else None
        count = self._coef_table(self._count) if "cov" in self._count else None
        notes = []
        if self.count_model_ is not None:
            notes.append(
                f"loglik, df, aic and bic are NaN: the count part "
                f"({self._count['name']}) models the mean E[y | y > 0] only, not "
                "a count distribution."
            )
        if self.zero_model_ is not None:
            notes.append(
                f"df, aic and bic are NaN: the zero part ({self._zero['name']}) is "
                "not a likelihood model with counted parameters, so information "
                "criteria would not compare with other models; loglik uses its "
                "in-sample probabilities."
            )
        if notes:
            df = np.nan
        else:
            df = sum(
                len(part["params"])
                for part in (self._zero, self._count)
                if "params" in part
            )
        stats = {
            "loglik": self.loglik_,
            "df": df,
            "aic": -2 * self.loglik_ + 2 * df,
            "bic": -2 * self.loglik_ + np.log(self._n_obs) * df,
            "n_obs": self._n_obs,
        }
        if self.theta_ is not None:
            stats["theta"] = self.theta_
        return HurdleSummary(
            zero,
            count,
            pd.Series(stats),
            self._zero["name"],
            self._count["name"],
            notes=notes,
        )
