"""Tests of ZeroInflatedRegressor against statsmodels, scipy and pscl's figures."""

import warnings

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from _references import averaged_slope
from numpy.testing import assert_allclose
from scipy import optimize, stats
from scipy.special import expit, ndtr
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.model_selection import GridSearchCV, KFold, cross_validate
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from statsmodels.stats.sandwich_covariance import cov_cluster, cov_white_simple
from statsmodels.tools.numdiff import approx_fprime

from skbce import ZeroInflatedRegressor
from skbce.datasets import load_biochemists
from skbce.linear_model import (
    InflationNotIdentifiedWarning,
    NoZerosWarning,
    ZeroInflatedSummary,
)
from skbce.metrics import count_log_likelihood_scorer

STATSMODELS = {
    "poisson": sm.ZeroInflatedPoisson,
    "negbin": sm.ZeroInflatedNegativeBinomialP,
}


@pytest.fixture(scope="module")
def biochemists():
    return load_biochemists(return_X_y=True, as_frame=True)


def _groups(X):
    """Clusters of bioChemists rows: number of young children by marriage."""
    return (X["kid5"].to_numpy() * 10 + X["mar"].to_numpy()).astype(int)


def _statsmodels_fit(X, y, count_model, **fit_kwargs):
    """statsmodels' ZI model fitted to convergence: BFGS from statsmodels' own
    start values (its default Newton from there fails on bioChemists, see
    test_zero_inflated_converges_where_statsmodels_newton_does_not), then
    Newton to polish."""
    Xc = sm.add_constant(X)
    model = STATSMODELS[count_model](y, Xc, exog_infl=Xc)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        start = model.fit(disp=0, method="bfgs", maxiter=2000, gtol=1e-8)
        result = model.fit(
            start_params=start.params, disp=0, method="newton", maxiter=50, **fit_kwargs
        )
    assert result.mle_retvals["converged"]
    return result


@pytest.fixture(scope="module", params=["poisson", "negbin"])
def fitted_pair(request, biochemists):
    X, y = biochemists
    model = ZeroInflatedRegressor(count_model=request.param).fit(X, y)
    return model, _statsmodels_fit(X, y, request.param), request.param


def _ordered_params(model):
    """skbce's parameters in statsmodels' order: inflation (intercept first),
    count (intercept first), then alpha = 1 / theta."""
    params = [
        [model.inflation_intercept_],
        model.inflation_coef_,
        [model.count_intercept_],
        model.count_coef_,
    ]
    if model.theta_ is not None:
        params.append([1 / model.theta_])
    return np.concatenate(params)


# ---------------------------------------------------------------------------
# Against statsmodels and pscl on bioChemists
# ---------------------------------------------------------------------------


def test_zero_inflated_matches_statsmodels_converged_fit(fitted_pair):
    """Check coefficients (1e-4), theta and the log-likelihood against
    statsmodels' converged ZIP and ZINB fits on bioChemists."""
    model, reference, _ = fitted_pair
    assert_allclose(_ordered_params(model), reference.params.to_numpy(), atol=1e-4)
    assert model.loglik_ >= reference.llf - 1e-6 * abs(reference.llf)
    assert_allclose(model.loglik_, reference.llf, rtol=1e-10)
    assert_allclose(model.summary().stats["aic"], reference.aic, rtol=1e-10)


def test_zero_inflated_matches_pscl_published_loglik(biochemists):
    """Check the log-likelihoods pscl's documentation reports for bioChemists:
    zeroinfl(art ~ ., dist = "negbin") -1549.991 and dist = "poisson" -1604.773
    (Zeileis, Kleiber and Jackman 2008, with theta = 2.6548 for the former)."""
    X, y = biochemists
    zinb = ZeroInflatedRegressor(count_model="negbin").fit(X, y)
    zip_ = ZeroInflatedRegressor().fit(X, y)
    assert round(zinb.loglik_, 3) == -1549.991
    assert round(zinb.theta_, 4) == 2.6548
    assert round(zip_.loglik_, 3) == -1604.773


def _statsmodels_covariance(result, cov_type, groups):
    """statsmodels' covariance of ``cov_type`` from its own pieces: its analytic
    per-row scores, and the Hessian as the central-difference Jacobian of its
    analytic score. (statsmodels' analytic ZIP Hessian is wrong: its standard
    errors of the inflation intercept on bioChemists are 0.474 where the
    Jacobian of its own score, the second differences of its own loglike and
    pscl all give 0.509.)"""
    model, params = result.model, result.params.to_numpy()
    hessian = approx_fprime(params, model.score, centered=True)
    hessian_inv = np.linalg.inv(0.5 * (hessian + hessian.T))
    scores = model.score_obs(params)
    if cov_type == "nonrobust":
        return -hessian_inv
    if cov_type == "HC0":
        return cov_white_simple((scores, hessian_inv), use_correction=False)
    return cov_cluster((scores, hessian_inv), groups)


@pytest.mark.parametrize("cov_type", ["nonrobust", "HC0", "cluster"])
def test_zero_inflated_standard_errors_match_statsmodels(fitted_pair, cov_type):
    """Check model-based, HC0 and cluster-robust standard errors of every
    parameter against statsmodels' sandwich formulas on its own scores and
    Hessian, at the same optimum (1e-5 relative)."""
    model, reference, count_model = fitted_pair
    X, y = load_biochemists(return_X_y=True, as_frame=True)
    groups = _groups(X)
    kwargs = {"groups": groups} if cov_type == "cluster" else {}
    robust = clone(model).set_params(cov_type=cov_type).fit(X, y, **kwargs)
    expected = np.sqrt(np.diag(_statsmodels_covariance(reference, cov_type, groups)))
    summary = robust.summary()
    ours = np.concatenate(
        [
            summary.inflation.loc[["(Intercept)", *X.columns], "std_err"],
            summary.count.loc[["(Intercept)", *X.columns], "std_err"],
        ]
    )
    assert_allclose(ours, expected[: ours.size], rtol=1e-5)
    if count_model == "negbin":  # se(alpha) = alpha * se(log theta), alpha = 1/theta
        se_alpha = summary.count.loc["Log(theta)", "std_err"] / robust.theta_
        assert_allclose(se_alpha, expected[-1], rtol=1e-5)
    if count_model == "negbin" and cov_type != "nonrobust":
        # statsmodels' own robust fit (its ZINB Hessian is numerical) agrees
        # to the accuracy of that numerical Hessian: 7e-4 on the inflation
        # intercept with statsmodels 0.15 (2e-8 for the inverse of a centered
        # difference of its analytic score, as the reference above).
        own = _statsmodels_fit(
            X, y, count_model, cov_type=cov_type, cov_kwds=kwargs or None
        )
        assert_allclose(ours, own.bse.to_numpy()[: ours.size], rtol=1e-3)
    named = {"nonrobust": "inverse Hessian", "HC0": "(HC0)", "cluster": "(CRV1)"}
    assert "Standard errors: " in repr(summary) and named[cov_type] in repr(summary)


def test_zero_inflated_hc1_is_hc0_times_n_over_n_minus_k(biochemists):
    """Check HC1 = HC0 * n / (n - k) with n rows and k parameters of the joint
    likelihood (statsmodels' discrete models give HC0 for "HC1", issue 7798)."""
    X, y = biochemists
    hc0 = ZeroInflatedRegressor(cov_type="HC0").fit(X, y).cov_params()
    hc1 = ZeroInflatedRegressor(cov_type="HC1").fit(X, y).cov_params()
    n, k = len(y), hc0.shape[0]
    assert_allclose(hc1.to_numpy(), hc0.to_numpy() * n / (n - k), rtol=1e-12)


def test_zero_inflated_predictions_match_statsmodels(fitted_pair, biochemists):
    """Check the mean, P(y = 0), P(structural zero) and the pmf."""
    X, _ = biochemists
    model, reference, _ = fitted_pair
    Xc = sm.add_constant(X)
    kwargs = {"exog": Xc, "exog_infl": Xc}
    assert_allclose(model.predict(X), reference.predict(**kwargs), rtol=1e-6)
    # statsmodels' "prob-main" is 1 - pi: it carries an absolute error of
    # 1e-16, skbce's pi a relative one.
    assert_allclose(
        model.predict_inflation_proba(X),
        1 - reference.predict(which="prob-main", **kwargs),
        rtol=1e-6,
        atol=1e-15,
    )
    pmf = np.asarray(reference.predict(which="prob", y_values=np.arange(8), **kwargs))
    assert_allclose(model.predict_pmf(X, max_count=7), pmf, rtol=1e-6, atol=1e-12)
    assert_allclose(model.predict_zero_proba(X), pmf[:, 0], rtol=1e-6)


def _scipy_zero_inflated_loglik(params, X, y, count_model, link):
    """The mixture log-likelihood from scipy.stats pmfs (an independent form)."""
    d = X.shape[1] + 1
    design = np.column_stack([X, np.ones(len(X))])
    pi = {"logit": expit, "probit": ndtr, "cloglog": lambda t: -np.expm1(-np.exp(t))}[
        link
    ](design @ params[:d])
    mu = np.exp(design @ params[d : 2 * d])
    if count_model == "poisson":
        pmf = stats.poisson.pmf(y, mu)
    else:
        theta = np.exp(params[-1])
        pmf = stats.nbinom.pmf(y, theta, theta / (theta + mu))
    return np.sum(np.log(np.where(y == 0, pi, 0) + (1 - pi) * pmf))


@pytest.mark.parametrize("link", ["probit", "cloglog"])
def test_zero_inflated_other_links_reach_the_maximum_of_an_independent_loglik(
    link, biochemists
):
    """Check probit and cloglog inflation (cloglog is not in statsmodels): BFGS
    on the likelihood written with scipy's pmfs, from the GLM start values,
    finds no higher value and the same coefficients."""
    X, y = biochemists
    model = ZeroInflatedRegressor(inflation_link=link).fit(X, y)
    ours = np.concatenate(
        [
            model.inflation_coef_,
            [model.inflation_intercept_],
            model.count_coef_,
            [model.count_intercept_],
        ]
    )
    args = (X.to_numpy(float), y.to_numpy(float), "poisson", link)
    assert_allclose(model.loglik_, _scipy_zero_inflated_loglik(ours, *args), rtol=1e-12)
    start = np.zeros_like(ours)
    start[5] = -1.0  # a few structural zeros
    start[11] = np.log(y.mean())
    found = optimize.minimize(
        lambda p: -_scipy_zero_inflated_loglik(p, *args),
        start,
        method="BFGS",
        options={"gtol": 1e-6, "maxiter": 2000},
    )
    assert model.loglik_ >= -found.fun - 1e-6 * abs(found.fun)
    assert_allclose(ours, found.x, atol=2e-3)


def test_zero_inflated_converges_where_statsmodels_newton_does_not(biochemists):
    """Check the case of statsmodels issue 9156 and statsmodels' own default
    Newton on bioChemists: statsmodels stops without converging (or at NaN),
    skbce converges to the maximum that brute-force BFGS confirms."""
    X, y = biochemists
    Xc = sm.add_constant(X)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        failed = sm.ZeroInflatedNegativeBinomialP(y, Xc, exog_infl=Xc).fit(
            disp=0, method="newton", maxiter=100
        )
    model = ZeroInflatedRegressor(count_model="negbin").fit(X, y)
    assert not np.isfinite(failed.llf) or not failed.mle_retvals["converged"]
    assert model.n_iter_ < 100

    # statsmodels issue 9156: intercept-only ZINB of NB(10, 0.5) counts with
    # half of them replaced by zeros, 100 rows.
    rng = np.random.default_rng(1)
    counts = stats.nbinom.rvs(10, 0.5, size=100, random_state=rng)
    counts[rng.random(100) < 0.5] = 0
    ones = np.ones((100, 1))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sm_fit = sm.ZeroInflatedNegativeBinomialP(counts, ones).fit(
            disp=0, method="newton", maxiter=100
        )
    ours = ZeroInflatedRegressor(
        count_model="negbin", count_features=[], inflation_features=[]
    ).fit(ones, counts)
    params = np.array([ours.inflation_intercept_, ours.count_intercept_])

    def loglik(p):
        pi, mu, theta = expit(p[0]), np.exp(p[1]), np.exp(p[2])
        pmf = stats.nbinom.pmf(counts, theta, theta / (theta + mu))
        return np.sum(np.log(np.where(counts == 0, pi, 0) + (1 - pi) * pmf))

    best = max(
        (
            optimize.minimize(
                lambda p: -loglik(p),
                start,
                method="Nelder-Mead",
                options={"xatol": 1e-10, "fatol": 1e-12, "maxiter": 20000},
            )
            for start in ([0.0, 1.0, 0.0], [-1.0, 2.0, 2.0], [1.0, 2.5, 3.0])
        ),
        key=lambda r: -r.fun,
    )
    assert not (sm_fit.mle_retvals["converged"] and np.isfinite(sm_fit.llf)) or (
        sm_fit.llf < -best.fun - 1e-3
    )
    assert_allclose(ours.loglik_, -best.fun, rtol=1e-9)
    assert_allclose(np.append(params, np.log(ours.theta_)), best.x, atol=1e-4)


# ---------------------------------------------------------------------------
# Likelihood pieces, inference and marginal effects
# ---------------------------------------------------------------------------


def test_zero_inflated_loglik_samples_sum_to_loglik(biochemists, rng):
    """Check that the weighted per-row log-likelihoods sum to loglik_, with
    sample weights and an offset, and equal log predict_pmf at y."""
    X, y = biochemists
    weights = rng.integers(1, 4, size=len(y)).astype(float)
    offset = rng.normal(scale=0.1, size=len(y))
    model = ZeroInflatedRegressor(count_model="negbin").fit(
        X, y, sample_weight=weights, offset=offset
    )
    samples = model.loglik_samples(X, y, offset=offset)
    assert_allclose(weights @ samples, model.loglik_, rtol=1e-12)
    pmf = model.predict_pmf(X, offset=offset)
    assert_allclose(samples, np.log(pmf[np.arange(len(y)), y]), rtol=1e-10)


def test_zero_inflated_cov_params_and_conf_int(biochemists):
    """Check cov_params against the summary's standard errors, and conf_int
    against statsmodels' Wald intervals of the ZINB fit."""
    X, y = biochemists
    model = ZeroInflatedRegressor(count_model="negbin").fit(X, y)
    cov = model.cov_params()
    assert list(cov.index.get_level_values("part").unique()) == ["inflation", "count"]
    assert_allclose(
        np.sqrt(np.diag(cov.loc["count", "count"])),
        model.summary().count.loc[cov.loc["count"].index, "std_err"],
        rtol=1e-12,
    )
    reference = _statsmodels_fit(X, y, "negbin")
    intervals = model.conf_int(alpha=0.1)
    ours = np.concatenate(
        [
            intervals.loc["inflation"].loc[["(Intercept)", *X.columns]].to_numpy(),
            intervals.loc["count"].loc[["(Intercept)", *X.columns]].to_numpy(),
        ]
    )
    expected = reference.conf_int(alpha=0.1).to_numpy()[:-1]  # alpha last
    # statsmodels' ZINB Hessian is numerical: its errors agree to ~3e-4
    # (statsmodels 0.15).
    half = (expected[:, 1] - expected[:, 0]) / 2
    assert_allclose(ours.mean(axis=1), expected.mean(axis=1), atol=1e-6)
    assert_allclose((ours[:, 1] - ours[:, 0]) / 2, half, rtol=1e-3)


@pytest.mark.parametrize("part", ["mean", "zero", "count"])
@pytest.mark.parametrize("count_model", ["poisson", "negbin"])
def test_zero_inflated_marginal_effects_are_derivatives_of_predictions(
    part, count_model, biochemists
):
    """Check dydx against central differences of the averaged predictions
    (E[y], P(y > 0) = 1 - P(y = 0), E[y | y > 0]), a feature used by both parts
    getting its total effect, and finite delta-method errors."""
    X, y = biochemists
    model = ZeroInflatedRegressor(
        count_model=count_model,
        inflation_features=["kid5", "ment"],
        count_features=["fem", "kid5", "phd", "ment"],
        cov_type="HC0",
    ).fit(X, y)
    effects = model.average_marginal_effects(X, part=part)
    assert list(effects.index) == ["fem", "kid5", "phd", "ment"]

    def prediction(frame):
        if part == "mean":
            return model.predict(frame)
        zero = model.predict_zero_proba(frame)
        return 1 - zero if part == "zero" else model.predict(frame) / (1 - zero)

    for feature in effects.index:
        numeric = averaged_slope(prediction, X, feature)
        assert_allclose(effects.loc[feature, "dydx"], numeric, rtol=1e-6, atol=1e-10)
    assert np.all(np.isfinite(effects["std_err"])) and np.all(effects["std_err"] > 0)
    half = effects["ci_high"] - effects["dydx"]
    assert_allclose(half, stats.norm.isf(0.025) * effects["std_err"], rtol=1e-12)


def test_zero_inflated_summary_reads_like_pscl(biochemists):
    """Check the printed summary: count part first, inflation part, statistics
    and the kind of standard errors."""
    X, y = biochemists
    model = ZeroInflatedRegressor(count_model="negbin", cov_type="HC1").fit(X, y)
    summary = model.summary()
    assert isinstance(summary, ZeroInflatedSummary)
    text = repr(summary)
    assert text.index("Count model (negbin") < text.index("Zero-inflation model")
    assert "Log(theta)" in text and "(HC1)" in text
    assert summary.stats["df"] == 13
    assert_allclose(summary.stats["theta"], model.theta_)


# ---------------------------------------------------------------------------
# Scikit-learn API, dask-free: pipelines, model search, displays
# ---------------------------------------------------------------------------


def test_zero_inflated_gridsearch_picks_negbin_by_heldout_likelihood(biochemists):
    """Check that GridSearchCV with the held-out log-likelihood picks the
    negative binomial on bioChemists, inside a pipeline."""
    X, y = biochemists
    search = GridSearchCV(
        make_pipeline(StandardScaler(), ZeroInflatedRegressor()),
        {"zeroinflatedregressor__count_model": ["poisson", "negbin"]},
        scoring=count_log_likelihood_scorer,
        cv=KFold(5, shuffle=True, random_state=0),
    ).fit(X, y)
    assert search.best_params_ == {"zeroinflatedregressor__count_model": "negbin"}
    scores = search.cv_results_["mean_test_score"]
    assert scores[1] > scores[0]
    results = cross_validate(
        ZeroInflatedRegressor(count_model="negbin"),
        X,
        y,
        cv=KFold(3, shuffle=True, random_state=0),
    )
    assert np.all(np.isfinite(results["test_score"]))


def test_zero_inflated_rootogram_display_from_estimator(biochemists, pyplot):
    """Check that RootogramDisplay.from_estimator draws the expected
    frequencies of the fitted pmf."""
    from skbce.display import RootogramDisplay

    X, y = biochemists
    model = ZeroInflatedRegressor(count_model="negbin").fit(X, y)
    display = RootogramDisplay.from_estimator(model, X, y)
    pmf = model.predict_pmf(X, max_count=int(y.max()))
    assert_allclose(display.expected_frequency, pmf.sum(axis=0), rtol=1e-12)
    assert display.name == "ZeroInflatedRegressor"


def test_zero_inflated_sample_weight_equals_row_repetition(biochemists, rng):
    """Check that integer sample weights equal repeated rows (coefficients,
    loglik and robust standard errors)."""
    X, y = biochemists
    weights = rng.integers(0, 3, size=len(y))
    kwargs = dict(count_model="negbin", cov_type="HC1")
    weighted = ZeroInflatedRegressor(**kwargs).fit(X, y, sample_weight=weights)
    repeated = ZeroInflatedRegressor(**kwargs).fit(
        X.loc[X.index.repeat(weights)], y.loc[y.index.repeat(weights)]
    )
    assert_allclose(_ordered_params(weighted), _ordered_params(repeated), atol=1e-7)
    assert_allclose(weighted.loglik_, repeated.loglik_, rtol=1e-10)
    assert_allclose(weighted.cov_params(), repeated.cov_params(), rtol=1e-5)


def test_zero_inflated_offset_is_an_exposure(biochemists):
    """Check that an offset log(t) with t constant moves the count intercept by
    log(t) only, and that predictions take the same offset."""
    X, y = biochemists
    base = ZeroInflatedRegressor().fit(X, y)
    offset = np.full(len(y), np.log(2.0))
    shifted = ZeroInflatedRegressor().fit(X, y, offset=offset)
    assert_allclose(shifted.count_intercept_, base.count_intercept_ - np.log(2.0))
    assert_allclose(shifted.count_coef_, base.count_coef_, atol=1e-8)
    assert_allclose(shifted.predict(X, offset=offset), base.predict(X), rtol=1e-8)


# ---------------------------------------------------------------------------
# Bad input and degenerate data
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "y, error, message",
    [
        pytest.param(-np.ones(50), ValueError, "non-negative counts y", id="negative"),
        pytest.param(
            np.zeros(50), ValueError, "needs some positive counts", id="all-0"
        ),
        pytest.param(
            np.array(["1"] * 25 + ["many"] * 25),
            ValueError,
            r"y to hold non-negative counts \(numbers\)",
            id="strings",
        ),
    ],
)
def test_zero_inflated_rejects_bad_counts(y, error, message, rng):
    """Check the hurdle's clear errors for negative, all-zero and non-numeric y."""
    with pytest.raises(error, match=message):
        ZeroInflatedRegressor().fit(rng.normal(size=(50, 2)), y)


def test_zero_inflated_rejects_bad_offset_groups_and_selection(biochemists):
    """Check the errors for a wrong offset length, groups without
    cov_type="cluster" and the reverse, and bad column selections."""
    X, y = biochemists
    with pytest.raises(ValueError, match=r"offset must have shape \(915,\)"):
        ZeroInflatedRegressor().fit(X, y, offset=np.zeros(3))
    with pytest.raises(ValueError, match="groups is used by cov_type='cluster'"):
        ZeroInflatedRegressor().fit(X, y, groups=_groups(X))
    with pytest.raises(ValueError, match=r"fit\(X, y, groups=...\)"):
        ZeroInflatedRegressor(cov_type="cluster").fit(X, y)
    with pytest.raises(ValueError, match=r"groups must have shape \(915,\)"):
        ZeroInflatedRegressor(cov_type="cluster").fit(X, y, groups=[1, 2])
    with pytest.raises(ValueError, match="at least 2 clusters"):
        ZeroInflatedRegressor(cov_type="cluster").fit(X, y, groups=np.ones(915))
    with pytest.raises(ValueError, match=r"unknown feature name\(s\) \['z'\]"):
        ZeroInflatedRegressor(inflation_features=["z"]).fit(X, y)
    with pytest.raises(ValueError, match="selects no column and fit_intercept"):
        ZeroInflatedRegressor(inflation_features=[], fit_intercept=False).fit(X, y)
    model = ZeroInflatedRegressor().fit(X, y)
    with pytest.raises(ValueError, match=r"offset must have shape \(915,\)"):
        model.predict(X, offset=np.zeros(2))
    with pytest.raises(ValueError, match="part must be 'mean', 'zero' or 'count'"):
        model.average_marginal_effects(X, part="inflation")
    with pytest.raises(ValueError, match=r"alpha must be a float in \(0, 1\)"):
        model.conf_int(alpha=1.5)
    with pytest.raises(NotFittedError):
        ZeroInflatedRegressor().predict_inflation_proba(X)


def test_zero_inflated_failed_fit_leaves_model_unchanged(biochemists):
    """Check that a fit refused late (no positive counts) changes nothing."""
    X, y = biochemists
    model = ZeroInflatedRegressor().fit(X, y)
    before = (model.count_coef_.copy(), model.loglik_, model.cov_params().copy())
    with pytest.raises(ValueError):
        model.fit(X, np.zeros(len(y)))
    assert_allclose(model.count_coef_, before[0])
    assert model.loglik_ == before[1]
    pd.testing.assert_frame_equal(model.cov_params(), before[2])


def test_zero_inflated_without_zeros_fits_the_count_model(rng):
    """Check the NoZerosWarning and that the fit is the plain Poisson GLM
    (statsmodels) with P(structural zero) = 0."""
    X = rng.normal(size=(200, 2))
    y = rng.poisson(np.exp(1.5 + 0.3 * X[:, 0])) + 1
    with pytest.warns(NoZerosWarning):
        model = ZeroInflatedRegressor().fit(X, y)
    reference = sm.Poisson(y, sm.add_constant(X)).fit(disp=0)
    assert_allclose(model.count_coef_, reference.params[1:], rtol=1e-7)
    assert_allclose(model.loglik_, reference.llf, rtol=1e-10)
    assert model.inflation_intercept_ == -np.inf
    assert np.all(model.predict_inflation_proba(X) == 0)
    assert model.summary().inflation is None
    assert_allclose(model.predict(X), reference.predict(), rtol=1e-7)


def test_zero_inflated_warns_when_inflation_is_not_identified(rng):
    """Check the InflationNotIdentifiedWarning on Poisson data without excess
    zeros (a third of the Poisson zeros made ones), with and without inflation
    features, and none on bioChemists."""
    X = rng.normal(size=(400, 1))
    y = rng.poisson(np.exp(0.3 + 0.3 * X[:, 0]))
    y[np.flatnonzero(y == 0)[::3]] = 1  # fewer zeros than the Poisson's
    for features in (None, []):
        with pytest.warns(InflationNotIdentifiedWarning, match="not identified"):
            ZeroInflatedRegressor(inflation_features=features).fit(X, y)
    X, y = load_biochemists(return_X_y=True, as_frame=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ZeroInflatedRegressor(count_model="negbin").fit(X, y)


def test_zero_inflated_warns_on_non_convergence(biochemists):
    """Check the ConvergenceWarning when max_iter stops the joint fit."""
    X, y = biochemists
    with pytest.warns(ConvergenceWarning, match="zero-inflated model did not"):
        ZeroInflatedRegressor(count_model="negbin", max_iter=2).fit(X, y)
