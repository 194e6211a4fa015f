"""Per-observation zero-truncated count log-likelihoods on the log-mean scale.

These kernels do no validation; the estimators validate once and call them in
their inner loops. Each takes the linear predictor ``raw`` = eta = log(mu) of the
*untruncated* distribution (offsets already added) and returns arrays of the shape
of ``y``. Only observations with ``y > 0`` belong to a zero-truncated likelihood,
but the kernels are defined for any ``y >= 0`` (non-integer ``y`` gives the usual
quasi-likelihood, as in scikit-learn's :class:`~sklearn.linear_model.PoissonRegressor`).

Zero-truncated Poisson, mu = exp(eta)::

    l(y; mu) = y * eta - mu - lgamma(y + 1) - log(1 - exp(-mu))

Zero-truncated NB2 with size theta (variance mu + mu**2 / theta, theta = 1/alpha of
statsmodels' NB2, pscl's ``theta``), parameterised by tau = log(theta)::

    l(y; mu, theta) = log NB(y; mu, theta) - log(1 - P0),
    log P0 = -theta * log1p(mu / theta),
    log NB(y; mu, theta) = -betaln(y + 1, theta) - log(y + theta)
                           + y * log(mu / (theta + mu)) + log P0.

The ``betaln`` form equals ``lgamma(y + theta) - lgamma(theta) - lgamma(y + 1)``
but does not lose digits to cancellation when theta is large, so the NB
likelihood tends to the Poisson one as theta -> infinity.

Numerics. The truncation term ``log(1 - exp(-a))`` (a = mu for Poisson, a = -log P0
for NB) is :func:`log1mexp` (Mächler, "Accurately computing log(1 - exp(-|a|))",
2012): exact for a from 1e-300 to +inf, so mu from 1e-12 to 1e6 and beyond. Every
derivative is written through

    r(a) = a / expm1(a)          and          1 - r(a),

(the latter by a series for small a, where ``1 - r`` would cancel), so no formula
subtracts nearly equal numbers or divides 0 by 0 at either end.

Derivatives are with respect to the log-likelihood ``l`` (not the loss); the
estimators minimise ``-l``. For the NB kernel the free parameters are (eta, tau)
with tau = log(theta), which keeps theta positive without constraints and is the
scale on which pscl reports ``Log(theta)`` and its standard error.
"""

import numpy as np
from scipy.special import betaln, digamma, gammaln, polygamma

# Below this argument, 1 - a / expm1(a) and log1p(x) - x / (1 + x) are summed from
# their Taylor series (truncated past double precision); above it the direct
# differences lose at most a few ulps.
_SERIES_CUTOFF = 0.1


def log1mexp(a):
    """Return log(1 - exp(-a)) for a > 0, accurate over the whole range.

    Mächler's rule: ``log(-expm1(-a))`` for a <= log(2) and ``log1p(-exp(-a))``
    above. Gives log(a) for tiny a and -exp(-a) (then 0) for large a.
    """
    a = np.asarray(a)
    with np.errstate(divide="ignore"):
        small = a <= np.log(2)
        return np.where(
            small, np.log(-np.expm1(-np.where(small, a, 1.0))), np.log1p(-np.exp(-a))
        )


def _r_and_one_minus_r(a):
    """Return r = a / expm1(a) and 1 - r, both with full relative accuracy.

    r is the limit 1 at a = 0 and decays as a * exp(-a); 1 - r ~ a / 2 for
    small a. ``expm1`` overflows to inf for a > 709, which gives r = 0 exactly.
    """
    a = np.asarray(a, dtype=float)
    with np.errstate(over="ignore"):
        em1 = np.expm1(a)
    small = a < _SERIES_CUTOFF
    safe_em1 = np.where(a > 0, em1, 1.0)
    r = np.where(a > 0, a / safe_em1, 1.0)
    # expm1(a) - a = a^2/2! + a^3/3! + ... (Horner form), then divide by expm1(a).
    s = a / 13
    for k in range(12, 2, -1):
        s = a / k * (1 + s)
    series = np.where(a > 0, a * a / 2 * (1 + s) / safe_em1, 0.0)
    one_minus_r = np.where(small, series, 1 - r)
    return r, one_minus_r


# ---------------------------------------------------------------------------
# Zero-truncated Poisson
# ---------------------------------------------------------------------------


def ztpoisson_loglik(y, raw):
    """Element-wise zero-truncated Poisson log-likelihood at eta = ``raw``."""
    mu = np.exp(raw)
    return y * raw - mu - gammaln(y + 1) - log1mexp(mu)


def ztpoisson_mean(raw):
    """E[y | y > 0] = mu / (1 - exp(-mu)) = mu + r(mu) of a Poisson(exp(raw))."""
    mu = np.exp(raw)
    r, _ = _r_and_one_minus_r(mu)
    return mu + r


def ztpoisson_derivatives(y, raw, order=2):
    """Log-likelihood and its first (and second) derivatives in eta.

    Returns ``(l, dl, d2l)`` (``d2l`` only if ``order == 2``), with
    ``dl = y - m`` (m the truncated mean) and ``d2l = -m * (1 - r(mu))``,
    minus the variance of the truncated distribution, always < 0.
    """
    mu = np.exp(raw)
    loglik = y * raw - mu - gammaln(y + 1) - log1mexp(mu)
    r, one_minus_r = _r_and_one_minus_r(mu)
    mean = mu + r
    if order == 1:
        return loglik, y - mean
    return loglik, y - mean, -mean * one_minus_r


# ---------------------------------------------------------------------------
# Negative binomial (NB2), untruncated pieces and zero truncation
# ---------------------------------------------------------------------------


def nb_log_p0(raw, log_theta):
    """log P(y = 0) = -theta * log1p(mu / theta) of an NB2(mu = exp(raw), theta)."""
    theta = np.exp(log_theta)
    return -theta * np.log1p(np.exp(raw - log_theta))


def nb_logpmf(y, raw, log_theta):
    """Element-wise untruncated NB2 log-pmf (``y`` may be 0)."""
    theta = np.exp(log_theta)
    log_q = raw - np.logaddexp(raw, log_theta)  # log(mu / (theta + mu))
    return (
        -betaln(y + 1, theta)
        - np.log(y + theta)
        + y * log_q
        + nb_log_p0(raw, log_theta)
    )


def ztnb_loglik(y, raw, log_theta):
    """Element-wise zero-truncated NB2 log-likelihood."""
    return nb_logpmf(y, raw, log_theta) - log1mexp(-nb_log_p0(raw, log_theta))


def ztnb_mean(raw, log_theta):
    """E[y | y > 0] = mu / (1 - P0) of an NB2(exp(raw), exp(log_theta))."""
    mu = np.exp(raw)
    a = -nb_log_p0(raw, log_theta)
    r, _ = _r_and_one_minus_r(a)
    return mu * (1 + r / a)  # 1 / (1 - exp(-a)) = 1 + 1 / expm1(a) = 1 + r / a


def _log1p_minus_ratio(x):
    """Return f(x) = log1p(x) - x / (1 + x) >= 0, by its series for small x.

    f(x) = sum_{k >= 2} (-1)**k (k - 1) / k x**k ~ x**2 / 2 near 0, where the
    direct difference would cancel.
    """
    x = np.asarray(x, dtype=float)
    small = x < _SERIES_CUTOFF
    xs = np.where(small, x, 0.0)
    series = np.zeros_like(xs)
    for k in range(20, 1, -1):  # Horner: x^2 (c2 + x (c3 + x (c4 + ...)))
        series = (-1) ** k * (k - 1) / k + xs * series
    with np.errstate(invalid="ignore"):
        direct = np.log1p(x) - x / (1 + x)
    return np.where(small, xs * xs * series, direct)


def ztnb_derivatives(y, raw, log_theta, order=2):
    """Log-likelihood and derivatives in (eta, tau = log theta).

    Returns ``(l, (l_eta, l_tau))`` for ``order == 1`` and
    ``(l, (l_eta, l_tau), (l_eta_eta, l_eta_tau, l_tau_tau))`` for ``order == 2``.
    ``log_theta`` broadcasts against ``raw`` (a scalar in the estimator).

    With x = mu / theta, q = x / (1 + x), a = theta * log1p(x) = -log P0,
    s = 1 / expm1(a), r = a * s, m = mu (1 + s) the truncated mean,
    f(x) = log1p(x) - x / (1 + x) and the trigamma/digamma differences
    dpsi_k = psi_k(y + theta) - psi_k(theta)::

        l_eta     = (1 - q) (y - m)
        l_tau     = theta (dpsi_0 - y / (theta + mu)) - theta f (1 + s)
        l_eta_eta = -q (1 - q) (y - m) - (1 - q) m ((1 - r) + r theta f / a)
        l_eta_tau = q (1 - q) (y - m) + (1 - q) mu s (1 + s) theta f
        l_tau_tau = theta (dpsi_0 - y / (theta + mu))
                    + theta^2 (dpsi_1 + y / (theta + mu)^2)
                    - theta (f - q^2) (1 + s) + s (1 + s) (theta f)^2

    Every term is a product of non-cancelling factors, so the derivatives keep
    their relative accuracy for mu -> 0 (where 1 - r and f are taken from series)
    and tend to the Poisson ones as theta -> infinity.
    """
    theta = np.exp(log_theta)
    mu = np.exp(raw)
    x = np.exp(raw - log_theta)
    log_q = raw - np.logaddexp(raw, log_theta)
    q = np.exp(log_q)
    one_minus_q = 1 / (1 + x)
    a = theta * np.log1p(x)
    r, one_minus_r = _r_and_one_minus_r(a)
    s = r / a
    mean = mu * (1 + s)
    loglik = -betaln(y + 1, theta) - np.log(y + theta) + y * log_q - a - log1mexp(a)
    f = _log1p_minus_ratio(x)
    theta_f = theta * f
    resid = y - mean
    dpsi = digamma(y + theta) - digamma(theta)
    theta_a = theta * (dpsi - y / (theta + mu))
    l_eta = one_minus_q * resid
    l_tau = theta_a - theta_f * (1 + s)
    if order == 1:
        return loglik, (l_eta, l_tau)
    s1 = s * (1 + s)
    dpsi1 = polygamma(1, y + theta) - polygamma(1, theta)
    l_eta_eta = -q * one_minus_q * resid - one_minus_q * mean * (
        one_minus_r + r * theta_f / a
    )
    l_eta_tau = q * one_minus_q * resid + one_minus_q * mu * s1 * theta_f
    l_tau_tau = (
        theta_a
        + theta**2 * (dpsi1 + y / (theta + mu) ** 2)
        - (theta_f - theta * q * q) * (1 + s)
        + s1 * theta_f**2
    )
    return loglik, (l_eta, l_tau), (l_eta_eta, l_eta_tau, l_tau_tau)
