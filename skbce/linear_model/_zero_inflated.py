"""Zero-inflated count regression: a mixture of structural zeros and a count model.

With ``pi = P(structural zero) = F(x_z @ gamma)`` (binary link F) and a Poisson
or negative binomial count pmf ``f(y; mu)``, ``mu = exp(x_c @ beta + offset)``::

    P(y = 0) = pi + (1 - pi) f(0; mu),     P(y = k) = (1 - pi) f(k; mu), k > 0.

Unlike the hurdle, the two parts share the zeros, so they are fitted jointly:
start values from the count GLM and the binary GLM of ``y == 0`` (pscl's), then
Newton's method on the joint likelihood (:class:`~skbce._loss.loss.ZeroInflatedLoss`
in a :class:`~._linear_loss.LinearModelLoss` with two linear predictors, solved by
the :class:`~._newton_solver.NewtonCholeskySolver` every linear model uses).
"""

import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.validation import check_is_fitted

from .._loss._link import BINARY_LINKS
from .._loss.loss import FULL_COUNT_LOSSES, BinaryLoss, ZeroInflatedLoss
from ..utils._sklearn_compat import StrOptions, _fit_context
from ..utils._validation import restored_on_error
from . import _row_kernels as kernels
from ._count_inference import FittedPart, LikelihoodFit, inverse
from ._count_model import (
    CountModelSummary,
    CountRegressor,
    NoZerosWarning,
    make_block,
    on_rows,
    poisson_moment_sums,
)

__all__ = [
    "InflationNotIdentifiedWarning",
    "ZeroInflatedRegressor",
    "ZeroInflatedSummary",
]

# The inflation part is reported as not identified when the fitted
# probabilities of a structural zero are saturated (0 or 1) at almost every row:
# sum_i w_i pi_i (1 - pi_i), the binomial information it has, below this.
_NOT_IDENTIFIED_BELOW = 1.0


class InflationNotIdentifiedWarning(UserWarning):
    """Warning raised when a zero-inflated model's inflation part is not identified.

    When the count distribution alone explains the zeros, the maximum
    likelihood probability of a structural zero is 0 (the inflation intercept
    is -infinity), or, with features, 0 or 1 at every row (infinite
    coefficients): the fitted inflation coefficients then only say where
    Newton's method stopped, and their standard errors are meaningless. The fit
    warns when ``sum_i w_i pi_i (1 - pi_i)``, the binomial information left to
    the inflation part, is below 1.

    See Also
    --------
    ZeroInflatedRegressor : The estimator that raises it.

    Examples
    --------
    >>> import warnings
    >>> import numpy as np
    >>> from skbce import ZeroInflatedRegressor
    >>> from skbce.linear_model import InflationNotIdentifiedWarning
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(500, 1))
    >>> y = rng.poisson(np.exp(0.5 + 0.3 * X[:, 0]))  # no excess zeros
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     model = ZeroInflatedRegressor().fit(X, y)
    >>> any(issubclass(w.category, InflationNotIdentifiedWarning) for w in caught)
    True
    """


class ZeroInflatedSummary(CountModelSummary):
    """Coefficient tables and fit statistics of a :class:`ZeroInflatedRegressor`.

    Returned by :meth:`ZeroInflatedRegressor.summary`; its ``repr`` prints the
    count part, then the inflation part, as R's ``summary(pscl::zeroinfl(...))``
    does, and says which standard errors it shows.

    Parameters
    ----------
    inflation : pandas.DataFrame or None
        The table of the inflation part (see ``inflation`` below).
    count : pandas.DataFrame
        The table of the count part (see ``count`` below).
    stats : pandas.Series
        The fit statistics (see ``stats`` below).
    inflation_link : str
        Link of the inflation part, named in the printed header.
    count_model : str
        Count distribution, named in the printed header.
    cov_type : {"nonrobust", "HC0", "HC1", "cluster"}, default="nonrobust"
        The kind of the standard errors in the tables.

    Attributes
    ----------
    inflation : pandas.DataFrame or None
        The inflation part, which models P(structural zero): columns ``coef``,
        ``std_err``, ``z`` and ``p_value``, one row per term. None when ``y``
        had no zeros.
    count : pandas.DataFrame
        The count part (log mean; ``Log(theta)`` last for the negative
        binomial).
    stats : pandas.Series
        ``loglik``, ``df`` (number of estimated parameters), ``aic``, ``bic``,
        ``n_obs`` (sum of sample weights) and, for the negative binomial,
        ``theta``.
    cov_type : str
        The kind of the standard errors.
    notes : tuple of str
        Remarks printed last.

    See Also
    --------
    ZeroInflatedRegressor.summary : Builds it from a fitted model.

    Examples
    --------
    >>> from skbce import ZeroInflatedRegressor
    >>> from skbce.datasets import load_biochemists
    >>> X, y = load_biochemists(return_X_y=True, as_frame=True)
    >>> summary = ZeroInflatedRegressor(count_model="negbin").fit(X, y).summary()
    >>> summary.inflation.round(3).loc[["(Intercept)", "ment"]]
                  coef  std_err      z  p_value
    term
    (Intercept) -0.192    1.323 -0.145    0.885
    ment        -0.882    0.316 -2.790    0.005
    >>> round(float(summary.stats["loglik"]), 3)
    -1549.991
    """

    def __init__(
        self, inflation, count, stats, inflation_link, count_model, cov_type="nonrobust"
    ):
        self.inflation = inflation
        self.count = count
        super().__init__(
            [
                (f"Count model ({count_model}, log link)", count, ""),
                (
                    f"Zero-inflation model (binomial, {inflation_link} link, models "
                    "P(structural zero))",
                    inflation,
                    "y has no zeros: P(structural zero) is 0, nothing to estimate",
                ),
            ],
            stats,
            cov_type=cov_type,
        )


def _count_glm_block(block, columns):
    """The count GLM's block (start values): its columns, offset (n, 1)."""
    offset = block["offset"]
    return make_block(
        block["X"][:, columns],
        block["y"],
        block["w"],
        None if offset is None else offset[:, None],
    )


def _zero_glm_block(block, columns):
    """The binary GLM of ``y == 0`` (start values of the inflation part)."""
    return make_block(
        block["X"][:, columns], (block["y"] == 0).astype(np.float64), block["w"], None
    )


def _mixture_block(block):
    """The joint model's block: the offset on the count predictor, (n, 2)."""
    offset = block["offset"]
    if offset is not None:
        offset = np.column_stack([np.zeros_like(offset), offset])
    return {**block, "offset": offset}


def _inflation_spread(block, coef, intercept, columns, link):
    """``sum_i w_i pi_i (1 - pi_i)`` over a block, pi = P(structural zero)."""
    raw = block["X"][:, columns] @ coef + intercept
    log_not, log_pi = BINARY_LINKS[link].log_proba(raw)
    return float(block["w"] @ np.exp(log_not + log_pi))


class ZeroInflatedRegressor(CountRegressor):
    """Zero-inflated count regression: structural zeros mixed with a count model.

    A zero comes either from a "structural" source, with probability
    ``pi = F(x_z @ inflation_coef_ + inflation_intercept_)`` (logistic, probit
    or complementary log-log ``F``), or from a Poisson or negative binomial
    count with mean ``mu = exp(x_c @ count_coef_ + count_intercept_ + offset)``:
    ``P(y = 0) = pi + (1 - pi) f(0; mu)`` and ``P(y = k) = (1 - pi) f(k; mu)``.
    This is the model of R's ``pscl::zeroinfl(y ~ x | z, dist=..., link=...)``
    and statsmodels' ``ZeroInflatedPoisson`` / ``ZeroInflatedNegativeBinomialP``.

    The parts share the zeros, so they are fitted jointly by Newton's method on
    the mixture log-likelihood (analytic gradient and Hessian, log-sum-exp for
    the zeros), from the start values pscl uses: the count GLM and the binary
    GLM of ``y == 0``.

    Read more in the :ref:`User Guide <zero_inflated>`.

    Parameters
    ----------
    count_model : {"poisson", "negbin"}, default="poisson"
        The count distribution: Poisson, or NB2 (variance ``mu + mu**2 /
        theta``) with ``theta`` estimated.
    inflation_link : {"logit", "probit", "cloglog"}, default="logit"
        The link of the inflation part, which models P(structural zero).
    count_features : array-like of str, int or bool, default=None
        Columns of ``X`` used by the count part: names (``X`` a DataFrame),
        integer indices, or a boolean mask with one entry per column. ``None``
        uses every column. R's ``y ~ x | z`` puts ``x`` here.
    inflation_features : array-like of str, int or bool, default=None
        Columns of ``X`` used by the inflation part, as for
        ``count_features``; an empty selection fits an intercept-only part
        (pscl's ``y ~ x | 1``).
    alpha : float, default=0.0
        L2 penalty on the coefficients (not the intercepts, not theta) of both
        parts: the fit minimises the mean weighted negative log-likelihood plus
        ``alpha / 2 * ||coef||**2``. 0 is plain maximum likelihood.
    fit_intercept : bool, default=True
        Whether both parts have an intercept.
    tol : float, default=1e-8
        Newton's method stops when the Newton decrement of the mean loss,
        ``g @ H^-1 @ g``, is at most ``tol**2``.
    max_iter : int, default=100
        Maximum number of Newton steps of the joint fit.
    cov_type : {"nonrobust", "HC0", "HC1", "cluster"}, default="nonrobust"
        Covariance of the estimates behind :meth:`summary`, :meth:`cov_params`,
        :meth:`conf_int` and :meth:`average_marginal_effects` (see
        :class:`HurdleRegressor`); clusters are passed as
        ``fit(X, y, groups=...)``.

    Attributes
    ----------
    inflation_coef_ : ndarray of shape (n_inflation_features,)
        Coefficients of the inflation part on the scale of
        ``F^-1(P(structural zero))``, as pscl and statsmodels report them.
    inflation_intercept_ : float
        Intercept of the inflation part (0.0 if ``fit_intercept=False``;
        -inf when ``y`` had no zeros).
    count_coef_ : ndarray of shape (n_count_features,)
        Log-mean coefficients of the count part.
    count_intercept_ : float
        Intercept of the count part.
    theta_ : float or None
        The negative binomial size, pscl's ``theta`` (statsmodels reports its
        reciprocal ``alpha``); None for the Poisson.
    loglik_ : float
        Training log-likelihood (sample-weighted, every constant included;
        comparable with pscl's ``logLik`` and statsmodels' ``llf``).
    n_iter_ : int
        Newton steps of the joint fit plus those of its start values.
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
    HurdleRegressor : The hurdle model: zeros from one part only.
    sklearn.linear_model.PoissonRegressor : Poisson regression without inflation.

    Notes
    -----
    The zero-inflated likelihood is not concave: Newton's method takes the
    Cholesky step of the Hessian made positive definite (a ridge where it is
    not) with a backtracking line search, so every step decreases the loss.
    When the count distribution explains the zeros by itself, the maximum
    likelihood P(structural zero) is 0 (or, with features, 0 or 1 at every
    row): the fit then emits an :class:`InflationNotIdentifiedWarning`. A
    target without zeros emits a :class:`NoZerosWarning` and fits the count
    distribution alone; a target without positive counts raises a
    ``ValueError``.

    References
    ----------
    .. [1] Lambert, D. (1992). Zero-inflated Poisson regression, with an
       application to defects in manufacturing. Technometrics, 34(1), 1-14.
    .. [2] Zeileis, A., Kleiber, C. and Jackman, S. (2008). Regression models for
       count data in R. Journal of Statistical Software, 27(8).

    Examples
    --------
    >>> from skbce import ZeroInflatedRegressor
    >>> from skbce.datasets import load_biochemists
    >>> X, y = load_biochemists(return_X_y=True, as_frame=True)
    >>> model = ZeroInflatedRegressor(count_model="negbin").fit(X, y)
    >>> round(model.loglik_, 3), round(model.theta_, 3)
    (-1549.991, 2.655)
    >>> model.predict_inflation_proba(X.iloc[:3]).round(4)
    array([0.0003, 0.0072, 0.0068])
    >>> model.predict_pmf(X.iloc[:1], max_count=3).round(3)
    array([[0.227, 0.258, 0.202, 0.134]])
    """

    _parameter_constraints: dict = {
        **CountRegressor._parameter_constraints,
        "count_model": [StrOptions(set(FULL_COUNT_LOSSES))],
        "inflation_link": [StrOptions(set(BINARY_LINKS))],
        "inflation_features": ["array-like", None],
    }

    _FEATURE_PARAMS = {
        "inflation_features": ("inflation_link", "P(structural zero) at F(0)"),
        "count_features": ("count_model", "the count mean at exp(offset)"),
    }

    def __init__(
        self,
        *,
        count_model="poisson",
        inflation_link="logit",
        count_features=None,
        inflation_features=None,
        alpha=0.0,
        fit_intercept=True,
        tol=1e-8,
        max_iter=100,
        cov_type="nonrobust",
    ):
        self.count_model = count_model
        self.inflation_link = inflation_link
        self.count_features = count_features
        self.inflation_features = inflation_features
        self.alpha = alpha
        self.fit_intercept = fit_intercept
        self.tol = tol
        self.max_iter = max_iter
        self.cov_type = cov_type

    # -- fit ---------------------------------------------------------------

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None, offset=None, groups=None):
        """Fit the zero-inflated model by Newton's method on its likelihood.

        A failed fit leaves an already fitted model unchanged.

        Parameters
        ----------
        X : {array-like, DataFrame} of shape (n_samples, n_features)
            Features; the columns of each part are chosen by
            ``count_features`` and ``inflation_features``. A dask array or
            DataFrame is fitted chunk by chunk.
        y : array-like of shape (n_samples,)
            Non-negative counts. Non-integer values are accepted and give a
            quasi-likelihood fit, as for :class:`HurdleRegressor`.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative frequency weights: an integer weight is the same as
            repeating the row.
        offset : array-like of shape (n_samples,), default=None
            Added to the count part's linear predictor, e.g.
            ``np.log(exposure)``. Pass the same offset to the prediction
            methods.
        groups : array-like of shape (n_samples,), default=None
            Cluster labels for ``cov_type="cluster"`` (required then, refused
            otherwise).

        Returns
        -------
        self : ZeroInflatedRegressor
            The fitted estimator.
        """
        with restored_on_error(self):
            return self._fit(X, y, sample_weight, offset, groups)

    def _fit(self, X, y, sample_weight, offset, groups):
        rows, stats, _, n_groups = self._validate_fit(
            X, y, sample_weight, offset, groups
        )
        inflation_idx = self._feature_indices(
            self.inflation_features, "inflation_features"
        )
        count_idx = self._feature_indices(self.count_features, "count_features")
        if stats.n_positive == 0:
            raise ValueError(
                "ZeroInflatedRegressor needs some positive counts: every y (with a "
                "positive sample weight) is 0, so the count distribution cannot be "
                "fitted. Use a classifier for a 0/1 question or check the target."
            )
        count_loss = FULL_COUNT_LOSSES[self.count_model]()
        count_start, n_iter = self._count_start(rows, count_idx)
        extra_terms = ["Log(theta)"] if count_loss.n_extra else []
        if stats.n_zero == 0:
            warnings.warn(
                "y has no zeros (among rows with positive sample weight): the "
                "zero inflation is degenerate, P(structural zero) is set to 0 and "
                "only the count distribution is fitted.",
                NoZerosWarning,
                stacklevel=3,
            )
            result = self._newton(
                count_loss,
                rows.derive(_count_glm_block, columns=count_idx),
                [(None, self.fit_intercept)],
                len(count_idx),
                count_start,
                name="count model",
            )
            inflation = FittedPart(
                self.inflation_link,
                inflation_idx,
                self.fit_intercept,
                degenerate=True,
            )
            count = FittedPart(
                self.count_model,
                count_idx,
                self.fit_intercept,
                params=result.params,
                terms=self._terms(count_idx, extra_terms),
            )
            likelihood = LikelihoodFit(count_loss, [count], ["count"], offset_index=0)
        else:
            inflation_start, inflation_iter = self._inflation_start(
                rows, inflation_idx, stats
            )
            n_iter += inflation_iter
            loss = ZeroInflatedLoss(count_loss, self.inflation_link)
            x0 = np.concatenate([inflation_start, count_start])
            result = self._newton(
                loss,
                rows.derive(_mixture_block),
                [(inflation_idx, self.fit_intercept), (count_idx, self.fit_intercept)],
                self.n_features_in_,
                x0,
                name="zero-inflated model",
            )
            size = inflation_start.size
            inflation = FittedPart(
                self.inflation_link,
                inflation_idx,
                self.fit_intercept,
                params=result.params[:size],
                terms=self._terms(inflation_idx),
            )
            count = FittedPart(
                self.count_model,
                count_idx,
                self.fit_intercept,
                params=result.params[size:],
                terms=self._terms(count_idx, extra_terms),
            )
            likelihood = LikelihoodFit(
                loss, [inflation, count], ["inflation", "count"], offset_index=1
            )
            self._warn_if_not_identified(rows, inflation)
        n_params = result.params.size
        self._set_covariance(
            likelihood,
            inverse(result.hessian),
            rows,
            n_groups,
            [(slice(0, n_params), stats.weight_sum, 0)],
        )

        # Every check has passed and the model is fitted: set the attributes.
        self._inflation, self._count, self._likelihood = inflation, count, likelihood
        if inflation.degenerate:
            self.inflation_coef_ = np.zeros(len(inflation_idx))
            self.inflation_intercept_ = -np.inf
        else:
            self.inflation_coef_ = inflation.coef
            self.inflation_intercept_ = inflation.intercept
        self.count_coef_, self.count_intercept_ = count.coef, count.intercept
        self.theta_ = float(np.exp(count.extra[0])) if count.extra.size else None
        self.n_iter_ = n_iter + result.n_iter
        self.loglik_ = result.loglik
        self.max_count_ = int(np.ceil(stats.max_y))
        self._n_obs = stats.weight_sum
        return self

    def _count_start(self, rows, columns):
        """Start values of the count part: the Poisson GLM on every row (and a
        moment estimate of log theta for the negative binomial)."""
        glm_rows = rows.derive(_count_glm_block, columns=columns)
        x0 = np.zeros(len(columns) + int(self.fit_intercept))
        if self.fit_intercept:
            x0[-1] = self._null_log_mean(glm_rows)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            start = self._newton(
                FULL_COUNT_LOSSES["poisson"](),
                glm_rows,
                [(None, self.fit_intercept)],
                len(columns),
                x0,
                name="count start",
                tol=max(self.tol, 1e-4),
            )
        if self.count_model == "poisson":
            return start.params, start.n_iter
        excess, mu_squares = glm_rows.reduce(
            poisson_moment_sums, params=start.params, fit_intercept=self.fit_intercept
        )
        theta0 = mu_squares / excess if excess > 0 else 1e3
        return np.append(start.params, np.log(np.clip(theta0, 1e-2, 1e3))), start.n_iter

    def _inflation_start(self, rows, columns, stats):
        """Start values of the inflation part: the binary GLM of ``y == 0``."""
        glm_rows = rows.derive(_zero_glm_block, columns=columns)
        x0 = np.zeros(len(columns) + int(self.fit_intercept))
        link = BINARY_LINKS[self.inflation_link]
        if self.fit_intercept:
            x0[-1] = link.link(1 - stats.positive_weight / stats.weight_sum)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            start = self._newton(
                BinaryLoss(self.inflation_link),
                glm_rows,
                [(None, self.fit_intercept)],
                len(columns),
                x0,
                name="inflation start",
                tol=max(self.tol, 1e-4),
            )
        return start.params, start.n_iter

    def _warn_if_not_identified(self, rows, inflation):
        spread = rows.reduce(
            _inflation_spread,
            coef=inflation.coef,
            intercept=inflation.intercept,
            columns=inflation.columns,
            link=self.inflation_link,
        )
        if spread < _NOT_IDENTIFIED_BELOW:
            warnings.warn(
                "The inflation part is not identified: the fitted probability of a "
                "structural zero is 0 or 1 at (almost) every training row (the sum "
                f"of pi (1 - pi) over the rows is {spread:.2g}, below "
                f"{_NOT_IDENTIFIED_BELOW:g}). The {self.count_model} distribution "
                "explains the zeros (nearly) by itself, so the maximum likelihood "
                "inflation coefficients are infinite: the fitted ones only say where "
                "Newton's method stopped, and their standard errors are "
                "meaningless. Fit the count model alone, restrict "
                "inflation_features, add an L2 penalty (alpha), or compare with a "
                "HurdleRegressor.",
                InflationNotIdentifiedWarning,
                stacklevel=4,
            )

    # -- prediction --------------------------------------------------------

    def _raw(self, X, offset):
        """Raw predictions of the likelihood's parts, (n, 2) or (n,) alone."""
        fit = self._likelihood
        raws = [X[:, part.columns] @ part.coef + part.intercept for part in fit.parts]
        if offset is not None:
            raws[fit.offset_index] = raws[fit.offset_index] + offset
        return raws[0] if len(raws) == 1 else np.stack(raws, axis=-1)

    def _log_inflation(self, X):
        """(log(1 - pi), log pi) for validated X."""
        if self._inflation.degenerate:
            return np.zeros(X.shape[0]), np.full(X.shape[0], -np.inf)
        raw = X[:, self._inflation.columns] @ self.inflation_coef_
        return BINARY_LINKS[self.inflation_link].log_proba(
            raw + self.inflation_intercept_
        )

    def predict_inflation_proba(self, X):
        """Predict P(structural zero | x), the inflation probability ``pi``.

        Parameters
        ----------
        X : {array-like, DataFrame} of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        proba : ndarray of shape (n_samples,)
            The probability that a sample is a structural zero.
        """
        X, _ = self._validate_predict(X, None)
        return on_rows(self._inflation_proba, X)

    def _inflation_proba(self, X):
        return np.exp(self._log_inflation(X)[1])

    def _mean(self, X, offset):
        return self._likelihood.loss.expectation(
            self._raw(X, offset), self._count.extra, "mean"
        )

    def _zero_proba(self, X, offset):
        zero = np.zeros(X.shape[0])
        loss = self._likelihood.loss
        return np.exp(-loss.loss(zero, self._raw(X, offset), self._count.extra))

    def _pmf(self, X, offset, *, max_count):
        counts = np.arange(max_count + 1, dtype=np.float64)
        raw = self._raw(X, offset)[:, None, ...]
        loss = self._likelihood.loss
        return np.exp(-loss.loss(counts[None, :], raw, self._count.extra))

    def _loglik_rows(self, X, y, offset):
        fit = self._likelihood
        block = {
            "X": X,
            "y": fit.loss.prepare_target(y),
            "offset": fit.raw_offset(offset),
        }
        return -kernels.glm_row_loss_kernel(block, fit.params, fit.loss, fit.predictors)

    # -- inference ---------------------------------------------------------

    def summary(self):
        """Coefficient tables with standard errors and the fit statistics.

        The analogue of pscl's ``summary(zeroinfl(...))``: the count part
        (log mean, then ``Log(theta)`` for the negative binomial) and the
        inflation part (P(structural zero)), each with the estimate, its
        standard error of ``cov_type``, the Wald statistic and its two-sided
        p-value, plus the log-likelihood, the number of parameters, AIC and BIC.

        Returns
        -------
        summary : ZeroInflatedSummary
            With the DataFrames ``count`` and ``inflation`` (None when ``y`` had
            no zeros) and the Series ``stats``; it prints like pscl's summary.
        """
        check_is_fitted(self)
        tables = self._coef_tables()
        return ZeroInflatedSummary(
            tables.get("inflation"),
            tables["count"],
            self._stats(self._likelihood.params.size),
            self.inflation_link,
            self.count_model,
            cov_type=self.cov_type,
        )
