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
(with ``predict_proba``) or regressor. What the count models share (checks,
column selection, pmf, score, inference) lives in :mod:`._count_model` and
:mod:`._count_inference`.
"""

import warnings

import numpy as np
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.validation import check_is_fitted, has_fit_parameter

from .._loss._link import BINARY_LINKS
from .._loss.loss import COUNT_LOSSES, BinaryLoss, HurdleLoss
from ..utils._sklearn_compat import HasMethods, StrOptions, _fit_context
from ..utils._validation import restored_on_error
from . import _row_kernels as kernels
from ._count_inference import FittedPart, LikelihoodFit
from ._count_model import (
    CountModelSummary,
    CountRegressor,
    NoZerosWarning,
    bread_of,
    make_block,
    on_rows,
    poisson_moment_sums,
)

__all__ = ["HurdleRegressor", "HurdleSummary", "NoZerosWarning"]


class HurdleSummary(CountModelSummary):
    """Coefficient tables and fit statistics of a fitted :class:`HurdleRegressor`.

    Returned by :meth:`HurdleRegressor.summary`; its ``repr`` prints the two
    parts as R's ``summary(pscl::hurdle(...))`` does, the count part first, and
    says which standard errors it shows.

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
    cov_type : {"nonrobust", "HC0", "HC1", "cluster"}, default="nonrobust"
        The kind of the standard errors in the tables.

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
    cov_type : str
        The kind of the standard errors.
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

    def __init__(
        self, zero, count, stats, zero_link, count_model, notes=(), cov_type="nonrobust"
    ):
        self.zero = zero
        self.count = count
        if count_model in COUNT_LOSSES:
            count_header = f"zero-truncated {count_model}, log link"
        else:
            count_header = f"custom regressor {count_model}, models E[y | y > 0]"
        if zero_link in BINARY_LINKS:
            zero_header = f"binomial, {zero_link} link"
            zero_missing = "y has no zeros: P(y = 0) is 0, nothing to estimate"
        else:
            zero_header = f"custom classifier {zero_link}"
            zero_missing = "not a built-in part"
        super().__init__(
            [
                (f"Count model ({count_header})", count, "not a built-in part"),
                (
                    f"Zero hurdle model ({zero_header}, models P(y > 0))",
                    zero,
                    zero_missing,
                ),
            ],
            stats,
            cov_type=cov_type,
            notes=notes,
        )


def _zero_part_block(block, columns):
    """The binary part's block: its columns, target ``y > 0``, no offset."""
    return make_block(
        block["X"][:, columns], (block["y"] > 0).astype(np.float64), block["w"], None
    )


def _count_part_block(block, columns):
    """The count part's block: its columns of the rows with y > 0 (and weight)."""
    offset = block["offset"]
    rows = (block["y"] > 0) & (block["w"] > 0)
    return make_block(
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


class HurdleRegressor(CountRegressor):
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
    cov_type : {"nonrobust", "HC0", "HC1", "cluster"}, default="nonrobust"
        Covariance of the estimates behind :meth:`summary`, :meth:`cov_params`,
        :meth:`conf_int` and :meth:`average_marginal_effects`: the inverse
        Hessian ("nonrobust"), the Huber-White sandwich ("HC0"), the sandwich
        times ``n / (n - k)`` ("HC1") or the cluster-robust sandwich with the
        clusters passed as ``fit(X, y, groups=...)`` ("cluster", with
        statsmodels' default small-sample correction). Each part's block
        equals statsmodels' for that part fitted alone (``Logit`` on y > 0,
        ``TruncatedLFPoisson`` or ``TruncatedLFNegativeBinomialP`` on the
        positive counts).

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
    ZeroInflatedRegressor : The zero-inflated model, the other half of pscl.
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
    as frequency weights), or the sandwich of ``cov_type`` built on it; with
    ``alpha > 0`` the Hessian includes the penalty. statsmodels' discrete models
    give HC0 for every ``cov_type="HCx"`` (statsmodels issue 7798); skbce's
    "HC1" applies the ``n / (n - k)`` correction that statsmodels' own
    ``cov_white_simple(use_correction=True)`` defines.

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
        **CountRegressor._parameter_constraints,
        "zero_model": [
            StrOptions(set(BINARY_LINKS)),
            HasMethods(["fit", "predict_proba"]),
        ],
        "count_model": [
            StrOptions(set(COUNT_LOSSES)),
            HasMethods(["fit", "predict"]),
        ],
        "zero_features": ["array-like", None],
    }

    _FEATURE_PARAMS = {
        "zero_features": ("zero_model", "P(y > 0) at F(0)"),
        "count_features": ("count_model", "the count mean at exp(offset)"),
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
        cov_type="nonrobust",
    ):
        self.zero_model = zero_model
        self.count_model = count_model
        self.zero_features = zero_features
        self.count_features = count_features
        self.alpha = alpha
        self.fit_intercept = fit_intercept
        self.tol = tol
        self.max_iter = max_iter
        self.cov_type = cov_type

    # -- fit ---------------------------------------------------------------

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y, sample_weight=None, offset=None, groups=None):
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
        groups : array-like of shape (n_samples,), default=None
            Cluster labels for ``cov_type="cluster"`` (required then, refused
            otherwise).

        Returns
        -------
        self : HurdleRegressor
            The fitted estimator.
        """
        with restored_on_error(self):
            return self._fit(X, y, sample_weight, offset, groups)

    def _builtin_count(self):
        return isinstance(self.count_model, str)

    def _validate_dask_fit(self, X, y, sample_weight, offset):
        if not (isinstance(self.zero_model, str) and isinstance(self.count_model, str)):
            raise ValueError(
                "Dask inputs are fitted by the built-in parts only (zero_model in "
                f"{sorted(BINARY_LINKS)}, count_model in {sorted(COUNT_LOSSES)}); "
                "a custom scikit-learn part needs in-memory X. Call .compute() "
                "first, or use the built-in parts."
            )
        return super()._validate_dask_fit(X, y, sample_weight, offset)

    def _fit(self, X, y, sample_weight, offset, groups):
        user_weights = sample_weight is not None
        rows, stats, arrays, n_groups = self._validate_fit(
            X, y, sample_weight, offset, groups
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
            zero = self._fit_zero_part(zero_rows, zero_idx, stats, has_zeros)
        else:  # a custom classifier, in memory only
            X, y, sample_weight = arrays
            zero = self._fit_custom_part(
                self.zero_model,
                "zero_model",
                zero_idx,
                X[:, zero_idx],
                (y > 0).astype(np.int64),
                sample_weight,
                user_weights,
            )
        if isinstance(self.count_model, str):
            count_rows = rows.derive(_count_part_block, columns=count_idx)
            count = self._fit_count_part(count_rows, count_idx)
        else:
            X, y, sample_weight = arrays
            positive = (y > 0) & (sample_weight > 0)
            count = self._fit_custom_part(
                self.count_model,
                "count_model",
                count_idx,
                X[positive][:, count_idx],
                y[positive],
                sample_weight[positive],
                user_weights,
            )
        likelihood = self._joint_likelihood(zero, count)
        if likelihood is not None:
            n_obs = {"zero": stats.weight_sum, "count": stats.positive_weight}
            self._set_covariance(
                likelihood,
                bread_of(*(part.hessian for part in likelihood.parts)),
                rows,
                n_groups,
                [
                    (params_slice, n_obs[name], int(name == "count"))
                    for name, params_slice in zip(
                        likelihood.part_names, likelihood.slices
                    )
                ],
            )

        # Every check has passed and both parts are fitted: set the attributes.
        self._zero, self._count, self._likelihood = zero, count, likelihood
        self.zero_model_ = zero.estimator
        self.count_model_ = count.estimator
        for name in (
            "zero_coef_",
            "zero_intercept_",
            "count_coef_",
            "count_intercept_",
        ):
            self.__dict__.pop(name, None)
        if zero.params is not None:
            self.zero_coef_, self.zero_intercept_ = zero.coef, zero.intercept
        elif zero.degenerate and isinstance(self.zero_model, str):
            self.zero_coef_, self.zero_intercept_ = np.zeros(len(zero_idx)), np.inf
        if count.params is not None:
            self.count_coef_, self.count_intercept_ = count.coef, count.intercept
        self.theta_ = (
            float(np.exp(count.extra[0]))
            if count.params is not None and count.extra.size
            else None
        )
        self.n_iter_ = zero.n_iter + count.n_iter
        self.max_count_ = int(np.ceil(stats.max_y))
        self._n_obs = stats.weight_sum
        zero_loglik = zero.loglik
        if zero_loglik is None:  # a custom classifier: from its probabilities
            X, y, sample_weight = arrays
            zero_loglik = self._custom_zero_loglik(X, y, sample_weight)
        count_loglik = np.nan if count.loglik is None else count.loglik
        self.loglik_ = float(zero_loglik + count_loglik)
        return self

    def _joint_likelihood(self, zero, count):
        """The built-in parts with parameters, as one :class:`LikelihoodFit`."""
        parts, names = [], []
        if zero.params is not None:
            parts.append(zero)
            names.append("zero")
        if count.params is not None:
            parts.append(count)
            names.append("count")
        if not parts:
            return None
        loss = HurdleLoss(
            zero.name if zero.params is not None else None,
            COUNT_LOSSES[count.name]() if count.params is not None else None,
        )
        offset_index = names.index("count") if "count" in names else None
        return LikelihoodFit(loss, parts, names, offset_index=offset_index)

    def _fit_part(self, loss, rows, columns, x0, *, name, tol=None):
        """A built-in part: Newton on its own rows (its columns only)."""
        result = self._newton(
            loss,
            rows,
            [(None, self.fit_intercept)],
            len(columns),
            x0,
            name=name,
            tol=tol,
        )
        return result

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

    def _fit_custom_part(
        self, model, param, columns, X, y, sample_weight, user_weights
    ):
        """Fit a custom scikit-learn part on in-memory data."""
        estimator = clone(model)
        kwargs = self._weight_kwargs(estimator, param, sample_weight, user_weights)
        estimator.fit(X, y, **kwargs)
        return FittedPart(
            type(estimator).__name__,
            columns,
            self.fit_intercept,
            estimator=estimator,
        )

    def _fit_zero_part(self, rows, columns, stats, has_zeros):
        name = (
            self.zero_model
            if isinstance(self.zero_model, str)
            else type(self.zero_model).__name__
        )
        if not has_zeros:
            warnings.warn(
                "y has no zeros (among rows with positive sample weight): the zero "
                "hurdle is degenerate, P(y = 0) is set to 0 and only the count "
                "part is fitted.",
                NoZerosWarning,
                stacklevel=4,
            )
            return FittedPart(
                name, columns, self.fit_intercept, loglik=0.0, degenerate=True
            )
        link = BINARY_LINKS[self.zero_model]
        x0 = np.zeros(len(columns) + int(self.fit_intercept))
        if self.fit_intercept:
            x0[-1] = link.link(stats.positive_weight / stats.weight_sum)
        result = self._fit_part(
            BinaryLoss(self.zero_model), rows, columns, x0, name="zero part"
        )
        part = FittedPart(
            name,
            columns,
            self.fit_intercept,
            params=result.params,
            terms=self._terms(columns),
            hessian=result.hessian,
            n_iter=result.n_iter,
            loglik=result.loglik,
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
            _class_score_extremes, coef=part.coef, intercept=part.intercept
        )
        lowest_positive = min(low for low, _ in extremes)
        highest_zero = max(high for _, high in extremes)
        if lowest_positive > highest_zero:
            warnings.warn(
                "The features separate the zero counts from the positive ones "
                "perfectly: with alpha=0 the maximum likelihood coefficients of the "
                "zero part are infinite and the fitted ones (max |coef| = "
                f"{np.max(np.abs(part.coef), initial=0.0):.3g}) only reflect "
                "where Newton's method stopped. Set alpha > 0 (an L2 penalty) for "
                "finite coefficients, or drop the separating features.",
                ConvergenceWarning,
                stacklevel=5,
            )

    def _fit_count_part(self, rows, columns):
        n_features = len(columns)
        x0 = np.zeros(n_features + int(self.fit_intercept))
        if self.fit_intercept:
            x0[-1] = self._null_log_mean(rows)
        if self.count_model == "poisson":
            result = self._fit_part(
                COUNT_LOSSES["poisson"](), rows, columns, x0, name="count part"
            )
            n_iter = result.n_iter
        else:
            # Negative binomial: start from a rough zero-truncated Poisson fit
            # and a moment estimate of theta (ignoring the truncation).
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                start = self._fit_part(
                    COUNT_LOSSES["poisson"](),
                    rows,
                    columns,
                    x0,
                    name="count part (Poisson start)",
                    tol=max(self.tol, 1e-4),
                )
            excess, mu_squares = rows.reduce(
                poisson_moment_sums,
                params=start.params,
                fit_intercept=self.fit_intercept,
            )
            theta0 = mu_squares / excess if excess > 0 else 1e3
            x0 = np.append(start.params, np.log(np.clip(theta0, 1e-2, 1e3)))
            result = self._fit_part(
                COUNT_LOSSES["negbin"](), rows, columns, x0, name="count part"
            )
            n_iter = result.n_iter + start.n_iter
        extra = ["Log(theta)"] if self.count_model == "negbin" else []
        return FittedPart(
            self.count_model,
            columns,
            self.fit_intercept,
            params=result.params,
            terms=self._terms(columns, extra),
            hessian=result.hessian,
            n_iter=n_iter,
            loglik=result.loglik,
        )

    # -- prediction --------------------------------------------------------

    def _zero_log_proba(self, X):
        """(log P(y = 0), log P(y > 0)) for validated X."""
        if self._zero.degenerate:
            return np.full(X.shape[0], -np.inf), np.zeros(X.shape[0])
        Xz = X[:, self._zero.columns]
        if self._zero.estimator is not None:
            classes = list(self._zero.estimator.classes_)
            p = self._zero.estimator.predict_proba(Xz)[:, classes.index(1)]
            with np.errstate(divide="ignore"):
                return np.log1p(-p), np.log(p)
        raw = Xz @ self.zero_coef_ + self.zero_intercept_
        return BINARY_LINKS[self._zero.name].log_proba(raw)

    def _count_raw(self, X, offset):
        raw = X[:, self._count.columns] @ self.count_coef_ + self.count_intercept_
        return raw if offset is None else raw + offset

    def _require_distribution(self, what):
        if self.count_model_ is not None:
            raise ValueError(
                f"{what} needs a count distribution, but count_model is a custom "
                f"regressor ({type(self.count_model_).__name__}) that models only "
                "the mean E[y | y > 0]. Use count_model='poisson' or 'negbin'."
            )

    def _require_marginal_effects(self):
        check_is_fitted(self)
        custom = [
            name
            for name, part in (("zero_model", self._zero), ("count_model", self._count))
            if part.estimator is not None
        ]
        if custom:
            raise ValueError(
                f"average_marginal_effects needs the built-in parts; {custom[0]} is "
                "a custom scikit-learn estimator, whose derivatives are unknown."
            )

    def _count_loss(self):
        return COUNT_LOSSES[self._count.name]()

    def _truncated_mean(self, X, offset):
        if self.count_model_ is not None:
            return np.asarray(
                self.count_model_.predict(X[:, self._count.columns]), float
            )
        return self._count_loss().truncated_mean(
            self._count_raw(X, offset), self._count.extra
        )

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
        return on_rows(self._truncated_mean, X, offset)

    def _mean(self, X, offset):
        _, log_p_positive = self._zero_log_proba(X)
        return np.exp(log_p_positive) * self._truncated_mean(X, offset)

    def _zero_proba(self, X, offset=None):
        log_p_zero, _ = self._zero_log_proba(X)
        return np.exp(log_p_zero)

    def _pmf(self, X, offset, *, max_count):
        log_p_zero, log_p_positive = self._zero_log_proba(X)
        counts = np.arange(1, max_count + 1, dtype=np.float64)
        raw = self._count_raw(X, offset)[:, None]
        log_trunc = self._count_loss().loglik(counts[None, :], raw, self._count.extra)
        pmf = np.empty((X.shape[0], max_count + 1))
        pmf[:, 0] = np.exp(log_p_zero)
        pmf[:, 1:] = np.exp(log_p_positive[:, None] + log_trunc)
        return pmf

    def _loglik_rows(self, X, y, offset):
        """log P(y | x) per row: the built-in parts' joint loss plus the
        probabilities of a custom or degenerate zero part."""
        fit = self._likelihood
        loglik = np.zeros(X.shape[0])
        if fit is not None:
            block = {
                "X": X,
                "y": fit.loss.prepare_target(y),
                "offset": fit.raw_offset(offset),
            }
            loglik = -kernels.glm_row_loss_kernel(
                block, fit.params, fit.loss, fit.predictors
            )
        if fit is None or "zero" not in fit.part_names:
            log_p_zero, log_p_positive = self._zero_log_proba(X)
            loglik = loglik + np.where(y > 0, log_p_positive, log_p_zero)
        return loglik

    # -- inference ---------------------------------------------------------

    def _custom_zero_loglik(self, X, y, sample_weight):
        """Weighted log-likelihood of a custom classifier's probabilities."""
        log_p_zero, log_p_positive = self._zero_log_proba(X)
        value = np.where(y > 0, log_p_positive, log_p_zero)
        return float(sample_weight @ np.where(sample_weight > 0, value, 0.0))

    def summary(self):
        """Coefficient tables with standard errors and the fit statistics.

        The analogue of pscl's ``summary(hurdle(...))``: one table per built-in
        part with the estimate, its standard error (of ``cov_type``: the
        inverse of the analytic Hessian of the weighted negative
        log-likelihood by default, or a sandwich), the Wald statistic ``z``
        and its two-sided p-value, plus the log-likelihood, the number of
        parameters, AIC and BIC. The information criteria need both parts to
        be built-in likelihood models: with a custom classifier or regressor,
        ``df``, ``aic`` and ``bic`` are NaN and the summary's ``notes`` say why.

        Returns
        -------
        summary : HurdleSummary
            With the DataFrames ``zero`` (coefficients of P(y > 0); None for a
            custom classifier or a target without zeros) and ``count`` (log mean,
            then ``Log(theta)`` for the negative binomial; None for a custom
            regressor), and the Series ``stats``. Its text representation prints
            like pscl's summary and names the kind of standard errors.
        """
        check_is_fitted(self)
        tables = self._coef_tables()
        notes = []
        if self.count_model_ is not None:
            notes.append(
                f"loglik, df, aic and bic are NaN: the count part "
                f"({self._count.name}) models the mean E[y | y > 0] only, not "
                "a count distribution."
            )
        if self.zero_model_ is not None:
            notes.append(
                f"df, aic and bic are NaN: the zero part ({self._zero.name}) is "
                "not a likelihood model with counted parameters, so information "
                "criteria would not compare with other models; loglik uses its "
                "in-sample probabilities."
            )
        df = np.nan if notes else self._likelihood.params.size
        return HurdleSummary(
            tables.get("zero"),
            tables.get("count"),
            self._stats(df),
            self._zero.name,
            self._count.name,
            notes=notes,
            cov_type=self.cov_type,
        )
