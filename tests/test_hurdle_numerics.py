"""Numerical edge cases of the hurdle model.

mu near 0 and very large, theta -> infinity (the negative binomial must agree
with the Poisson model), very few positive counts, separable zeros and extreme
feature scales. References are closed forms (intercept-only maximum likelihood
estimates) and the Poisson fit itself.
"""

import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn.exceptions import ConvergenceWarning

from skbce import HurdleRegressor
from skbce._loss import _count

RNG = np.random.default_rng(3)
N = 400
X = RNG.normal(size=(N, 2))


def _strict(model, X, y, **kwargs):
    """Fit with every warning turned into an error."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return model.fit(X, y, **kwargs)


@pytest.mark.parametrize("count_model", ["poisson", "negbin"])
def test_hurdle_counts_of_a_million_match_closed_form(count_model):
    """Check that counts near 1e6 fit the intercept-only MLE log(mean) exactly.

    Bug found by the sweep: with count_model="negbin", theta grows without bound
    on such (Poisson) counts and the Hessian of the NB kernel overflowed to NaN
    (theta**2 and theta**3 in intermediate products), so the fit crashed with
    "array must not contain infs or NaNs".
    """
    y = RNG.poisson(1e6, N) * (RNG.random(N) > 0.3)
    model = HurdleRegressor(
        count_model=count_model, zero_features=[], count_features=[]
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        # Known limit: the line search of the negbin fit can stop on the
        # objective's rounding noise (terms of size 1e7) with a gradient just
        # above tol=1e-8; the estimate is exact all the same.
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X, y)
    # mu of 1e6 makes the truncation negligible: the MLE of log(mu) is log(mean).
    assert_allclose(model.count_intercept_, np.log(y[y > 0].mean()), rtol=1e-12)
    assert_allclose(model.predict(X[:3]), y.mean(), rtol=1e-10)


def test_hurdle_negbin_counts_of_a_million_with_features_is_finite():
    """Check that a negbin fit with features on counts near 1e6 stays finite."""
    y = RNG.poisson(1e6 * np.exp(0.01 * X[:, 0])) * (RNG.random(N) > 0.3)
    with warnings.catch_warnings():
        # Newton's line search is limited by the objective's rounding noise
        # (terms of size 1e7) before the gradient falls below tol=1e-8.
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("error", RuntimeWarning)
        model = HurdleRegressor(count_model="negbin").fit(X, y)
        poisson = HurdleRegressor().fit(X, y)
    assert np.isfinite(model.predict(X)).all()
    assert_allclose(model.predict(X), poisson.predict(X), rtol=1e-5)


@pytest.mark.parametrize("count_model", ["poisson", "negbin"])
def test_hurdle_mu_near_zero_gives_truncated_mean_one(count_model):
    """Check that all positive counts equal to 1 give E[y | y > 0] -> 1, finite.

    The maximum likelihood mu of the count part is 0 (on the boundary): the fit
    must still return finite predictions, with truncated means at 1.
    """
    y = (RNG.random(N) > 0.5).astype(int)
    model = _strict(HurdleRegressor(count_model=count_model), X, y)
    assert model.count_intercept_ < -10
    assert_allclose(model.predict_truncated_mean(X), 1.0, rtol=1e-6)
    # The hurdle mean is then P(y > 0), the logistic part's probability.
    assert_allclose(model.predict(X), 1 - model.predict_zero_proba(X), rtol=1e-6)
    pmf = model.predict_pmf(X, max_count=3)
    assert np.isfinite(pmf).all()
    assert_allclose(pmf.sum(axis=1), 1.0, rtol=1e-6)


def test_hurdle_negbin_tends_to_poisson_as_theta_grows():
    """Check that on underdispersed counts (theta_MLE = inf) NB equals Poisson."""
    mean = 1 / (1 + np.exp(-X[:, 0]))
    y = (1 + RNG.binomial(3, mean)) * (RNG.random(N) > 0.4)
    poisson = _strict(HurdleRegressor(), X, y)
    negbin = _strict(HurdleRegressor(count_model="negbin"), X, y)
    assert negbin.theta_ > 1e6
    assert_allclose(negbin.count_coef_, poisson.count_coef_, atol=1e-6)
    assert_allclose(negbin.count_intercept_, poisson.count_intercept_, atol=1e-6)
    assert_allclose(negbin.loglik_, poisson.loglik_, atol=1e-4)
    assert_allclose(negbin.predict_pmf(X[:5]), poisson.predict_pmf(X[:5]), atol=1e-6)


@pytest.mark.parametrize("log_theta", [30.0, 100.0, 300.0, 700.0])
def test_ztnb_kernel_equals_ztpoisson_at_huge_theta(log_theta):
    """Check that the NB kernel is finite and Poisson at theta up to exp(700).

    Regression test of the overflow of the NB Hessian for theta above ~1e102.
    """
    y = np.array([1.0, 2.0, 5.0, 40.0, 1e6])
    raw = np.log(np.array([0.01, 1.0, 3.0, 30.0, 1e6]))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loglik, first, second = _count.ztnb_derivatives(y, raw, log_theta)
    poisson, d_poisson, dd_poisson = _count.ztpoisson_derivatives(y, raw)
    for values in (loglik, *first, *second):
        assert np.isfinite(values).all()
    # Up to (y - mu)^2 / (2 theta) and the rounding of terms of size 1e7.
    assert_allclose(loglik, poisson, rtol=1e-9, atol=1e-6)
    assert_allclose(first[0], d_poisson, rtol=1e-7, atol=1e-9)
    assert_allclose(second[0], dd_poisson, rtol=1e-7)
    # The theta derivatives vanish in the limit.
    assert_allclose(first[1], 0.0, atol=1e-3)
    assert_allclose(second[1:], 0.0, atol=1e-3)


@pytest.mark.parametrize("count_model", ["poisson", "negbin"])
@pytest.mark.parametrize("positives", [[1], [1, 4], [2, 2, 7]])
def test_hurdle_very_few_positive_counts(count_model, positives):
    """Check that one to three positive counts give the closed-form zero part."""
    y = np.zeros(N, dtype=int)
    y[: len(positives)] = positives
    model = HurdleRegressor(
        count_model=count_model, zero_features=[], count_features=[]
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        model.fit(X, y)
    # Intercept-only logit: P(y = 0) is the share of zeros.
    assert_allclose(model.predict_zero_proba(X[:2]), 1 - len(positives) / N)
    assert np.isfinite(model.predict(X)).all()
    assert np.isfinite(model.predict_pmf(X[:2])).all()


def test_hurdle_warns_when_unpenalised_zeros_are_separable():
    """Check that separable zeros warn with alpha=0 and stay finite with alpha>0.

    Bug found by the sweep: with alpha=0 and zeros separated by a feature, the
    zero part returned huge coefficients (500+) silently.
    """
    y = np.where(X[:, 0] > 0, RNG.poisson(3, N) + 1, 0)
    with pytest.warns(ConvergenceWarning, match="separate the zero counts"):
        HurdleRegressor().fit(X, y)
    penalised = _strict(HurdleRegressor(alpha=1e-2), X, y)
    assert np.all(np.abs(penalised.zero_coef_) < 10)
    # Non-separable zeros do not warn.
    noisy = y * (RNG.random(N) > 0.2)
    noisy[X[:, 0] < -1] = 1
    _strict(HurdleRegressor(), X, noisy)


def test_hurdle_more_features_than_samples_warns_unpenalised():
    """Check that p > n warns without a penalty and fits finite with one."""
    X_wide = RNG.normal(size=(10, 30))
    y = np.array([0, 1, 2, 0, 3, 1, 0, 5, 2, 1])
    with pytest.warns(ConvergenceWarning, match="separate the zero counts"):
        HurdleRegressor().fit(X_wide, y)
    model = _strict(HurdleRegressor(alpha=0.1), X_wide, y)
    assert np.isfinite(model.predict(X_wide)).all()


@pytest.mark.parametrize("scale", [1e-30, 1e30])
@pytest.mark.parametrize("count_model", ["poisson", "negbin"])
def test_hurdle_feature_scale_predicts_as_unscaled(scale, count_model):
    """Check that features at 1e-30 or 1e30 fit as unscaled ones, without warning.

    Bug found by the sweep: Newton's method stopped on max|gradient| <= tol, an
    absolute test; with features at 1e-30 every gradient entry is tiny at the
    start, so the fit silently stopped at the intercept-only start (a wrong
    answer), and at 1e30 it never reached the tolerance. The stopping rule is
    now the scale-free Newton decrement, with a Jacobi-scaled Newton system.
    """
    y = RNG.poisson(np.exp(0.3 * X[:, 0] - 0.4 * X[:, 1])) * (X[:, 1] < 1)
    reference = _strict(HurdleRegressor(count_model=count_model), X, y)
    scaled = _strict(HurdleRegressor(count_model=count_model), X * scale, y)
    assert_allclose(scaled.predict(X * scale), reference.predict(X), rtol=1e-6)
    assert_allclose(scaled.count_coef_ * scale, reference.count_coef_, rtol=1e-6)
    assert_allclose(scaled.zero_coef_ * scale, reference.zero_coef_, rtol=1e-6)


def test_hurdle_separation_warning_over_dask_chunks():
    """Check that the separation check also runs over the chunks of dask input."""
    da = pytest.importorskip("dask.array")
    y = np.where(X[:, 0] > 0, RNG.poisson(3, N) + 1, 0)
    with pytest.warns(ConvergenceWarning, match="separate the zero counts"):
        HurdleRegressor().fit(
            da.from_array(X, chunks=(100, 2)), da.from_array(y, chunks=100)
        )
