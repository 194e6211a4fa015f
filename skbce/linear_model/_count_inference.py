"""Inference for the count models: covariances, coefficient tables, marginal effects.

A fitted count model (:class:`~skbce.HurdleRegressor`,
:class:`~skbce.ZeroInflatedRegressor`) hands its built-in likelihood parts to
this module as a :class:`LikelihoodFit`: one loss of :mod:`skbce._loss.loss`
with one linear predictor per part (:class:`~skbce._loss.loss.HurdleLoss` or
:class:`~skbce._loss.loss.ZeroInflatedLoss`), the fitted parameters and the
inverse Hessian. Everything that reads rows (per-row scores for the sandwich,
per-row log-likelihoods, the slopes of the marginal effects) is a kernel of
:mod:`._row_kernels` run by a row pass, in memory or on dask; no derivative is
written here a second time.

Covariances (``cov_type``), with ``H`` the Hessian of the summed weighted
negative log-likelihood (plus the penalty) and ``s_i`` the per-row scores:

- ``"nonrobust"``: ``H^-1``;
- ``"HC0"``: ``H^-1 (sum_i w_i s_i s_i') H^-1`` (Huber-White);
- ``"HC1"``: HC0 times ``n / (n - k)``;
- ``"cluster"``: ``H^-1 (sum_g S_g S_g') H^-1`` with the cluster score sums
  ``S_g``, times ``G / (G - 1) * (n - 1) / (n - k)`` (statsmodels' default
  small-sample correction of ``cov_type="cluster"``, Stata's CRV1),

with ``n`` the number of observations (sum of the frequency weights), ``k``
the number of parameters and ``G`` the number of clusters *of each part*: a
hurdle's parts are separate likelihoods, so each diagonal block is what
statsmodels gives for that part fitted alone (its count part on the positive
counts), and the covariance between the parts is scaled by the geometric mean
of their two factors (which keeps the matrix positive semi-definite).
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import norm

from . import _row_kernels as kernels

COV_TYPES = ("nonrobust", "HC0", "HC1", "cluster")

COV_DESCRIPTIONS = {
    "nonrobust": "model-based (inverse Hessian)",
    "HC0": "heteroscedasticity-robust sandwich (HC0)",
    "HC1": "heteroscedasticity-robust sandwich with n / (n - k) correction (HC1)",
    "cluster": "cluster-robust sandwich, G / (G - 1) (n - 1) / (n - k) (CRV1)",
}


@dataclass
class FittedPart:
    """One part of a fitted count model (the binary, inflation or count part).

    ``params`` holds the coefficients, then the intercept (if fitted), then the
    loss's extra parameters (``log(theta)`` of a negative binomial); None for
    a custom scikit-learn part (``estimator``) or a degenerate one. ``hessian``
    is the Hessian of the part's summed weighted negative log-likelihood (plus
    penalty) at ``params`` (None when the part is fitted jointly with another).
    """

    name: str
    columns: np.ndarray
    fit_intercept: bool = True
    params: np.ndarray = None
    terms: list = None
    hessian: np.ndarray = None
    n_iter: int = 0
    loglik: float = None
    estimator: object = None
    degenerate: bool = False

    @property
    def n_coef(self):
        return len(self.columns)

    @property
    def coef(self):
        return self.params[: self.n_coef].copy()

    @property
    def intercept(self):
        return float(self.params[self.n_coef]) if self.fit_intercept else 0.0

    @property
    def extra(self):
        return self.params[self.n_coef + self.fit_intercept :]

    @property
    def predictor(self):
        """``(columns, fit_intercept)`` of this part's linear predictor."""
        return (self.columns, self.fit_intercept)


@dataclass
class LikelihoodFit:
    """The built-in likelihood parts of a fitted count model, jointly.

    ``loss`` has one raw prediction per part of ``parts`` (in that order, named
    by ``part_names``, e.g. ``["zero", "count"]``); the parameters are the
    parts' ``params``, concatenated; ``offset_index`` is the raw prediction the
    offset enters (the count part's), or None. ``cov`` is their covariance of
    type ``cov_type``.
    """

    loss: object
    parts: list
    part_names: list
    offset_index: int = None
    cov: np.ndarray = None
    cov_type: str = "nonrobust"

    @property
    def params(self):
        return np.concatenate([part.params for part in self.parts])

    @property
    def slices(self):
        ends = np.cumsum([part.params.size for part in self.parts])
        return [
            slice(end - part.params.size, end) for part, end in zip(self.parts, ends)
        ]

    @property
    def predictors(self):
        return [part.predictor for part in self.parts]

    def raw_offset(self, offset):
        """The offset ``(n,)`` as an offset of every raw prediction ``(n, n_raw)``."""
        if offset is None or self.offset_index is None:
            return None
        raw_offset = np.zeros((offset.shape[0], self.loss.n_raw))
        raw_offset[:, self.offset_index] = offset
        return raw_offset

    def index(self):
        """The (part, term) MultiIndex of the parameters."""
        return pd.MultiIndex.from_tuples(
            [
                (name, term)
                for name, part in zip(self.part_names, self.parts)
                for term in part.terms
            ],
            names=["part", "term"],
        )

    def coefficient_slopes(self, params, n_features):
        """Per raw prediction, the coefficients of every feature (0 where the
        part does not use it), (n_raw, n_features), at ``params``."""
        slopes = np.zeros((len(self.parts), n_features))
        for k, (part, part_slice) in enumerate(zip(self.parts, self.slices)):
            slopes[k, part.columns] = params[part_slice][: part.n_coef]
        return slopes


def inverse(hessian):
    """The inverse of a Hessian, NaN if it is singular."""
    try:
        return np.linalg.inv(hessian)
    except np.linalg.LinAlgError:
        return np.full_like(hessian, np.nan)


def covariance(fit, bread, rows, cov_type, corrections, n_groups=None):
    """The covariance of ``fit.params`` for ``cov_type`` (see module docstring).

    Parameters
    ----------
    fit : LikelihoodFit
    bread : ndarray of shape (d, d)
        Inverse Hessian of the summed weighted negative log-likelihood.
    rows : InMemoryRowPass or DaskRowPass
        The training rows as blocks of the joint loss (prepared target, offset
        on the count part, ``groups`` codes for clusters).
    cov_type : {"nonrobust", "HC0", "HC1", "cluster"}
    corrections : list of (slice, float, int)
        The parameters of each likelihood (a hurdle's part, or all of a joint
        model), with its number of observations (sum of frequency weights) and
        of clusters: the small-sample factors of HC1 and cluster apply per
        likelihood.
    n_groups : int, default=None
        Number of cluster codes (``cov_type="cluster"``).
    """
    if cov_type == "nonrobust":
        return bread
    params = dict(params=fit.params, loss=fit.loss, predictors=fit.predictors)
    if cov_type == "cluster":
        sums = rows.reduce(kernels.glm_score_outer_kernel, n_groups=n_groups, **params)
        meat = sums.T @ sums
    else:
        meat = rows.reduce(kernels.glm_score_outer_kernel, **params)
    cov = bread @ meat @ bread.T
    factors = np.ones(bread.shape[0])
    for params_slice, n, clusters in corrections:
        k = factors[params_slice].size
        if cov_type == "HC1":
            factors[params_slice] = n / (n - k)
        elif cov_type == "cluster":
            factors[params_slice] = clusters / (clusters - 1) * (n - 1) / (n - k)
    scale = np.sqrt(factors)
    return 0.5 * (cov + cov.T) * np.outer(scale, scale)


def coef_table(params, cov, terms):
    """A part's coefficient table (estimate, std. error, z, two-sided p-value),
    the intercept first as pscl prints it."""
    std_err = np.sqrt(np.diag(cov))
    with np.errstate(divide="ignore", invalid="ignore"):
        z = params / std_err
    frame = pd.DataFrame(
        {"coef": params, "std_err": std_err, "z": z, "p_value": 2 * norm.sf(abs(z))},
        index=pd.Index(terms, name="term"),
    )
    first = [i for i, term in enumerate(terms) if term == "(Intercept)"][-1:]
    return frame.iloc[first + [i for i in range(len(terms)) if i not in first]]


def wald_frame(estimate, std_err, index, alpha, columns=("dydx",)):
    """Estimates with standard errors, z, p-values and a 1 - alpha interval."""
    with np.errstate(divide="ignore", invalid="ignore"):
        z = estimate / std_err
    half = norm.isf(alpha / 2) * std_err
    return pd.DataFrame(
        {
            columns[0]: estimate,
            "std_err": std_err,
            "z": z,
            "p_value": 2 * norm.sf(np.abs(z)),
            "ci_low": estimate - half,
            "ci_high": estimate + half,
        },
        index=index,
    )


def marginal_effects(fit, rows, n_features, part, n_rows):
    """Average marginal effects on an expectation and their delta-method
    covariance.

    ``dydx_j = mean_i sum_k dE_i/d eta_ik * beta_kj`` over the rows of ``rows``
    (``beta_kj`` the coefficient of feature j in predictor k): the sums over
    rows of ``dE_i/d eta_ik`` come from one kernel pass. Its Jacobian in the
    parameters is taken by central differences of this analytic function (as
    Stata's ``margins`` does), every perturbed parameter vector evaluated in
    the same pass.

    Returns ``(features, dydx, cov)``: the features used by some part, their
    effects and the covariance ``J cov(params) J'``.
    """
    params = fit.params
    d = params.size
    steps = np.cbrt(np.finfo(float).eps) * np.maximum(1.0, np.abs(params))
    stack = np.vstack([params, params + np.diag(steps), params - np.diag(steps)])
    sums = rows.reduce(
        kernels.glm_expectation_slopes_kernel,
        params=stack,
        loss=fit.loss,
        predictors=fit.predictors,
        part=part,
    )
    slopes = np.stack(
        [
            sums[r] / n_rows @ fit.coefficient_slopes(theta, n_features)
            for r, theta in enumerate(stack)
        ]
    )
    used = np.unique(np.concatenate([p.columns for p in fit.parts]))
    slopes = slopes[:, used]
    jacobian = (slopes[1 : d + 1] - slopes[d + 1 :]) / (2 * steps[:, None])
    return used, slopes[0], jacobian.T @ fit.cov @ jacobian
