"""Tests of the zero-truncated count kernels and the binary links of the hurdle."""

import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy import stats
from scipy.special import expit, ndtr

from skbce._loss import _binary, _count
from skbce._loss._link import BINARY_LINKS

# ---------------------------------------------------------------------------
# Stable building blocks
# ---------------------------------------------------------------------------


def test_log1mexp_matches_series_and_direct_formula_over_whole_range():
    """Check that log1mexp is accurate from a = 1e-300 to 1e6 against exact forms."""
    tiny = np.array([1e-300, 1e-100, 1e-12, 1e-8])
    # log(1 - exp(-a)) = log(a) - a/2 + a^2/24 + O(a^4), exact in double here.
    assert_allclose(
        _count.log1mexp(tiny), np.log(tiny) - tiny / 2 + tiny**2 / 24, rtol=1e-15
    )
    middle = np.array([0.05, 0.5, np.log(2), 0.7, 1.0])
    assert_allclose(_count.log1mexp(middle), np.log(1 - np.exp(-middle)), rtol=1e-13)
    large = np.array([20.0, 40.0, 100.0, 700.0])
    # log1p(-e) = -e - e^2/2 - e^3/3 - ... with e = exp(-a) <= 2e-9.
    e = np.exp(-large)
    assert_allclose(_count.log1mexp(large), -e - e**2 / 2, rtol=1e-15)
    assert _count.log1mexp(1e6) == 0.0


@pytest.mark.parametrize("a", [1e-12, 1e-6, 0.01, 0.0999, 0.1001, 0.5, 3.0, 50.0])
def test_r_and_one_minus_r_match_their_series(a):
    """Check r = a/expm1(a) and 1 - r against their Taylor series and each other."""
    r, one_minus_r = _count._r_and_one_minus_r(np.array([a]))
    if a < 1e-3:
        # r = 1 - a/2 + a^2/12 - a^4/720: the series is exact in double here.
        assert_allclose(one_minus_r, a / 2 - a**2 / 12 + a**4 / 720, rtol=1e-14)
    assert_allclose(r, a / np.expm1(a), rtol=1e-15)
    assert_allclose(r + one_minus_r, 1.0, rtol=1e-15)
    assert np.all(one_minus_r > 0)


@pytest.mark.parametrize("x", [1e-10, 1e-4, 0.0999, 0.1001, 1.0, 1e6])
def test_log1p_minus_ratio_matches_series(x):
    """Check f(x) = log1p(x) - x/(1+x) against its series (small x) and directly."""
    value = _count._log1p_minus_ratio(np.array([x]))
    if x < 1e-3:
        expected = x**2 / 2 - 2 * x**3 / 3 + 3 * x**4 / 4 - 4 * x**5 / 5
        assert_allclose(value, expected, rtol=1e-12)
    else:
        assert_allclose(value, np.log1p(x) - x / (1 + x), rtol=1e-13)


# ---------------------------------------------------------------------------
# Zero-truncated Poisson
# ---------------------------------------------------------------------------


def test_ztpoisson_loglik_equals_scipy_truncated_pmf():
    """Check the ZT Poisson log-likelihood against scipy's Poisson pmf / (1 - P0)."""
    y = np.array([1, 2, 3, 7, 20, 1])
    mu = np.array([0.3, 1.0, 2.5, 6.0, 15.0, 40.0])
    expected = stats.poisson.logpmf(y, mu) - np.log(-np.expm1(-mu))
    assert_allclose(_count.ztpoisson_loglik(y, np.log(mu)), expected, rtol=1e-13)


@pytest.mark.parametrize("mu", [1e-12, 1e-8, 1e-3, 1.0, 1e3, 1e6])
def test_ztpoisson_is_finite_and_exact_across_mu(mu):
    """Check the ZT Poisson likelihood, mean and derivatives from mu=1e-12 to 1e6."""
    raw = np.log(np.array([mu]))
    ones = np.ones(1)
    loglik, d1, d2 = _count.ztpoisson_derivatives(ones, raw)
    mean = _count.ztpoisson_mean(raw)
    assert np.all(np.isfinite([loglik, d1, d2, mean]))
    if mu <= 1e-3:
        # P(y = 1 | y > 0) = 1 - mu/2 + mu^2/12 ..., E[y | y > 0] = 1 + mu/2 + ...
        assert_allclose(np.exp(loglik), 1 - mu / 2 + mu**2 / 12, rtol=1e-12)
        assert_allclose(mean, 1 + mu / 2 + mu**2 / 12, rtol=1e-12)
        # -d2l is the truncated variance, m (1 - r) ~ mu / 2.
        assert_allclose(-d2, mu / 2 + mu**2 / 6, rtol=1e-8)
    else:
        y = np.array([round(mu) or 1])
        expected = stats.poisson.logpmf(y, mu) - np.log(-np.expm1(-mu))
        assert_allclose(_count.ztpoisson_loglik(y, raw), expected, rtol=1e-12)
        assert_allclose(mean, mu / -np.expm1(-mu), rtol=1e-14)


def test_ztpoisson_counts_up_to_a_million():
    """Check the ZT Poisson likelihood for counts up to 1e6 against scipy."""
    y = np.array([1e3, 1e5, 1e6])
    assert_allclose(
        _count.ztpoisson_loglik(y, np.log(y)), stats.poisson.logpmf(y, y), rtol=1e-12
    )


def _central_difference(func, x, h=1e-6):
    return (func(x + h) - func(x - h)) / (2 * h)


def test_ztpoisson_derivatives_match_finite_differences():
    """Check the ZT Poisson gradient and Hessian in eta by central differences."""
    y = np.array([1.0, 2.0, 5.0, 1.0, 3.0, 17.0, 2.5])
    raw = np.array([-3.0, 0.2, 1.5, -2.0, 2.0, 3.0, 0.7])
    _, d1, d2 = _count.ztpoisson_derivatives(y, raw)
    assert_allclose(
        d1, _central_difference(lambda r: _count.ztpoisson_loglik(y, r), raw), atol=1e-7
    )
    assert_allclose(
        d2,
        _central_difference(lambda r: _count.ztpoisson_derivatives(y, r)[1], raw),
        atol=1e-7,
    )


# ---------------------------------------------------------------------------
# Zero-truncated negative binomial
# ---------------------------------------------------------------------------


def test_ztnb_loglik_equals_scipy_truncated_pmf():
    """Check the ZT NB2 log-likelihood against scipy's nbinom (n=theta)."""
    y = np.array([1, 2, 3, 7, 20, 1])
    mu = np.array([0.3, 1.0, 2.5, 6.0, 15.0, 40.0])
    theta = 1.7
    p = theta / (theta + mu)
    expected = stats.nbinom.logpmf(y, theta, p) - np.log1p(-(p**theta))
    assert_allclose(
        _count.ztnb_loglik(y, np.log(mu), np.log(theta)), expected, rtol=1e-12
    )
    assert_allclose(
        _count.nb_logpmf(np.zeros(6), np.log(mu), np.log(theta)),
        stats.nbinom.logpmf(0, theta, p),
        rtol=1e-12,
    )


def test_ztnb_derivatives_match_finite_differences():
    """Check the ZT NB gradient and full (eta, log theta) Hessian by differences."""
    y = np.array([1.0, 2.0, 5.0, 1.0, 3.0, 17.0, 1.0, 2.5])
    raw = np.array([-3.0, 0.2, 1.5, -1.0, 2.0, 3.0, 5.0, 0.3])
    log_theta = np.array([0.3, -1.0, 2.0, 0.5, 4.0, 1.0, -2.0, 0.1])

    def loglik(r, t):
        return _count.ztnb_loglik(y, r, t)

    def grad(r, t):
        return _count.ztnb_derivatives(y, r, t, order=1)[1]

    _, (g_eta, g_tau), (h_ee, h_et, h_tt) = _count.ztnb_derivatives(y, raw, log_theta)
    tol = {"rtol": 1e-6, "atol": 1e-8}
    assert_allclose(
        g_eta, _central_difference(lambda r: loglik(r, log_theta), raw), **tol
    )
    assert_allclose(
        g_tau, _central_difference(lambda t: loglik(raw, t), log_theta), **tol
    )
    assert_allclose(
        h_ee, _central_difference(lambda r: grad(r, log_theta)[0], raw), **tol
    )
    assert_allclose(
        h_et, _central_difference(lambda r: grad(r, log_theta)[1], raw), **tol
    )
    assert_allclose(
        h_et, _central_difference(lambda t: grad(raw, t)[0], log_theta), **tol
    )
    assert_allclose(
        h_tt, _central_difference(lambda t: grad(raw, t)[1], log_theta), **tol
    )


@pytest.mark.parametrize("mu", [1e-12, 1e-6, 1.0, 1e3, 1e6])
def test_ztnb_is_finite_across_mu(mu):
    """Check the ZT NB likelihood, mean and derivatives from mu=1e-12 to 1e6."""
    raw = np.log(np.array([mu]))
    y = np.array([1.0])
    loglik, grads, hessians = _count.ztnb_derivatives(y, raw, np.log(2.0))
    mean = _count.ztnb_mean(raw, np.log(2.0))
    assert np.all(np.isfinite([loglik, *grads, *hessians, mean]))
    if mu <= 1e-6:
        # P(y = 1 | y > 0) -> 1 and E[y | y > 0] -> 1 as mu -> 0.
        assert_allclose(np.exp(loglik), 1.0, atol=10 * mu)
        assert_allclose(mean, 1.0, atol=10 * mu)
        # l_eta_eta -> -(truncated variance) ~ -mu (1 + 1/theta) / 2, no cancellation.
        assert_allclose(hessians[0], -mu * (1 + 1 / 2.0) / 2, rtol=1e-4)


@pytest.mark.parametrize("theta", [1e6, 1e9, 1e12])
def test_ztnb_tends_to_ztpoisson_as_theta_grows(theta):
    """Check that the ZT NB likelihood and mean tend to the ZT Poisson ones."""
    y = np.array([1.0, 2.0, 5.0, 30.0, 1.0])
    raw = np.array([-5.0, 0.2, 1.5, 3.0, 6.0])
    exact = _count.ztpoisson_loglik(y, raw)
    # The NB - Poisson gap is O(y^2 / theta + mu^2 / theta).
    scale = (y**2 + np.exp(raw) ** 2) / theta
    nb = _count.ztnb_loglik(y, raw, np.log(theta))
    assert np.all(np.abs(nb - exact) <= 5 * scale + 1e-12)
    assert_allclose(
        _count.ztnb_mean(raw, np.log(theta)), _count.ztpoisson_mean(raw), rtol=1e-5
    )


@pytest.mark.parametrize("log_theta", [-800.0, -2400.0, 800.0])
@pytest.mark.parametrize("truncated", [True, False])
def test_nb_at_unrepresentable_theta_is_not_finite_without_warnings(
    log_theta, truncated
):
    """Check that a trial log(theta) whose theta underflows to 0 or overflows
    (a line search far from the optimum) gives values the line search refuses
    (not all finite), and no RuntimeWarning."""
    y = np.array([1.0, 3.0, 1e6])
    raw = np.array([-20.0, 0.0, 5.0])
    loglik = _count.ztnb_loglik if truncated else _count.nb_logpmf
    derivatives = _count.ztnb_derivatives if truncated else _count.nb_derivatives
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        value = loglik(y, raw, log_theta)
        result = derivatives(y, raw, log_theta, 2)
    assert not np.isfinite(value).all()
    assert not np.isfinite(result[0]).all()


def test_count_target_gives_the_same_results_as_plain_counts():
    """Check that evaluating per distinct count changes no result."""
    rng = np.random.default_rng(0)
    y = rng.integers(1, 6, size=200).astype(float)
    raw = rng.normal(size=200)
    target = _count.count_target(y)
    assert isinstance(target, _count.CountTarget)
    for got, expected in zip(
        _count.ztnb_derivatives(target, raw, 0.4), _count.ztnb_derivatives(y, raw, 0.4)
    ):
        assert_allclose(got, expected, rtol=1e-15)
    for got, expected in zip(
        _count.ztpoisson_derivatives(target, raw), _count.ztpoisson_derivatives(y, raw)
    ):
        assert_allclose(got, expected, rtol=1e-15)


# ---------------------------------------------------------------------------
# Binary links of the zero part
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["logit", "probit", "cloglog"])
def test_binary_link_derivatives_match_finite_differences(name):
    """Check each link's loss gradient and curvature by central differences."""
    link = BINARY_LINKS[name]
    y = np.array([0.0, 1.0, 1.0, 0.0, 1.0, 0.0, 1.0])
    raw = np.array([-6.0, -3.0, -0.4, 0.1, 1.2, 2.0, 3.5])
    _, gradient, hessian = link.derivatives(y, raw)
    assert_allclose(
        gradient,
        _central_difference(lambda r: link.derivatives(y, r, 0), raw),
        rtol=1e-6,
        atol=1e-9,
    )
    assert_allclose(
        hessian,
        _central_difference(lambda r: link.derivatives(y, r, 1)[1], raw),
        rtol=1e-6,
        atol=1e-9,
    )
    assert np.all(hessian > 0)


@pytest.mark.parametrize(
    "name, cdf",
    [("logit", expit), ("probit", ndtr), ("cloglog", lambda r: -np.expm1(-np.exp(r)))],
)
def test_binary_link_probabilities_and_loss(name, cdf):
    """Check log_proba and the loss against the link's distribution function."""
    link = BINARY_LINKS[name]
    raw = np.array([-4.0, -1.0, 0.0, 0.5, 2.0])
    log_p0, log_p1 = link.log_proba(raw)
    assert_allclose(np.exp(log_p1), cdf(raw), rtol=1e-13)
    assert_allclose(np.exp(log_p0), 1 - cdf(raw), rtol=1e-12)
    y = np.array([0.0, 1.0, 0.0, 1.0, 1.0])
    assert_allclose(
        link.derivatives(y, raw, 0), -np.where(y == 1, log_p1, log_p0), rtol=1e-13
    )
    assert_allclose(link.link(cdf(raw)), raw, rtol=1e-12, atol=1e-12)


def test_logit_link_reuses_the_bce_kernels():
    """Check that the logit zero part is exactly the BCE kernel of _binary."""
    y = np.array([0.0, 1.0, 1.0])
    raw = np.array([-40.0, 0.3, 40.0])
    value, gradient, hessian = BINARY_LINKS["logit"].derivatives(y, raw)
    assert_allclose(value, _binary.loss(y, raw), rtol=0)
    assert_allclose(gradient, _binary.loss_gradient(y, raw)[1], rtol=0)
    assert_allclose(hessian, _binary.gradient_hessian(y, raw)[1], rtol=0)


def test_probit_curvature_is_continuous_at_the_asymptotic_switch():
    """Check the probit curvature's series branch joins the direct one smoothly."""
    link = BINARY_LINKS["probit"]
    raw = np.array([39.999, 40.001, 60.0, 1e4])  # y = 0: t = -raw enters the tail
    _, _, hessian = link.derivatives(np.zeros(4), raw)
    assert_allclose(hessian[0], hessian[1], rtol=1e-4)
    # lambda(t)(t + lambda(t)) = 1 - 1/t^2 + 6/t^4 + O(t^-6) as t -> -infinity.
    assert_allclose(hessian[2:], 1 - 1 / raw[2:] ** 2 + 6 / raw[2:] ** 4, rtol=1e-8)
