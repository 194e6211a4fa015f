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
    log NB(y; mu, theta) = N(y, theta) + y * (eta - log1p(mu / theta)) + log P0,
    N(y, theta) = lgamma(y + theta) - lgamma(theta) - lgamma(y + 1) - y log(theta).

N is O(y^2 / theta): it is taken from ``betaln`` for small theta and from
Stirling's series for large theta, so it carries no cancellation error of size
eps * theta * log(theta) and the NB likelihood tends smoothly to the Poisson one
as theta -> infinity (the same is done for the digamma and trigamma differences
of the derivatives, see :func:`ztnb_derivatives`).

Terms that depend on y and theta only are evaluated once per distinct count when
``y`` is passed as a :class:`CountTarget` (see :func:`count_target`).

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

from contextlib import nullcontext
from typing import NamedTuple

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


def _where_small(x, series, direct):
    """``direct(x)`` with the entries below the cut-off replaced by ``series``.

    The series is evaluated on the (usually few) small entries only.
    """
    out = np.array(direct(x), dtype=float)
    small = x < _SERIES_CUTOFF
    if np.any(small):
        out[small] = series(x[small])
    return out


def _expm1_minus_x_over_expm1(a):
    """(expm1(a) - a) / expm1(a) for 0 <= a < cut-off, by Horner's rule."""
    s = a / 13
    for k in range(12, 2, -1):
        s = a / k * (1 + s)
    with np.errstate(invalid="ignore"):
        return np.where(a > 0, a * a / 2 * (1 + s) / np.expm1(a), 0.0)


def _r_and_one_minus_r(a):
    """Return r = a / expm1(a) and 1 - r, both with full relative accuracy.

    r is the limit 1 at a = 0 and decays as a * exp(-a); 1 - r ~ a / 2 for
    small a. ``expm1`` overflows to inf for a > 709, which gives r = 0 exactly.
    """
    a = np.asarray(a, dtype=float)
    with np.errstate(over="ignore", invalid="ignore"):
        r = np.where(a > 0, a / np.expm1(a), 1.0)
    one_minus_r = _where_small(a, _expm1_minus_x_over_expm1, lambda _: 1 - r)
    return r, one_minus_r


# ---------------------------------------------------------------------------
# Counts evaluated once per distinct value
# ---------------------------------------------------------------------------


class CountTarget(NamedTuple):
    """A count vector with its distinct values, made by :func:`count_target`.

    Terms that depend on y (and theta) only, such as ``lgamma(y + 1)`` or
    ``trigamma(y + theta)``, are evaluated on the few distinct counts and
    gathered back, which makes the special functions nearly free. Every kernel
    accepts a plain array or a ``CountTarget`` for ``y``.
    """

    values: np.ndarray
    unique: np.ndarray
    inverse: np.ndarray


def count_target(y):
    """Wrap ``y`` as a :class:`CountTarget` when it repeats values, else return it."""
    y = np.asarray(y)
    unique, inverse = np.unique(y, return_inverse=True)
    if 4 * unique.size > y.size:
        return y
    return CountTarget(y, unique, inverse.reshape(y.shape))


def _values(y):
    return y.values if isinstance(y, CountTarget) else y


def _per_count(func, y, *args):
    """``func(y, *args)`` (a tuple of arrays), evaluated per distinct count."""
    if not isinstance(y, CountTarget):
        return func(y, *args)
    return tuple(term[y.inverse] for term in func(y.unique, *args))


# ---------------------------------------------------------------------------
# Zero-truncated Poisson
# ---------------------------------------------------------------------------


def _lgamma1p(y):
    return (gammaln(y + 1),)


def ztpoisson_loglik(y, raw):
    """Element-wise zero-truncated Poisson log-likelihood at eta = ``raw``."""
    (lgamma_y1,) = _per_count(_lgamma1p, y)
    y = _values(y)
    mu = np.exp(raw)
    return y * raw - mu - lgamma_y1 - log1mexp(mu)


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
    loglik = ztpoisson_loglik(y, raw)
    y = _values(y)
    mu = np.exp(raw)
    r, one_minus_r = _r_and_one_minus_r(mu)
    mean = mu + r
    if order == 1:
        return loglik, y - mean
    return loglik, y - mean, -mean * one_minus_r


def ztpoisson_mean_derivative(raw):
    """d E[y | y > 0] / d eta = m (1 - r(mu)) of a Poisson(exp(raw))."""
    mu = np.exp(raw)
    r, one_minus_r = _r_and_one_minus_r(mu)
    return (mu + r) * one_minus_r


# ---------------------------------------------------------------------------
# Untruncated Poisson (the count part of a zero-inflated model)
# ---------------------------------------------------------------------------


def poisson_loglik(y, raw):
    """Element-wise Poisson log-pmf at eta = ``raw`` (``y`` may be 0)."""
    (lgamma_y1,) = _per_count(_lgamma1p, y)
    y = _values(y)
    return y * raw - np.exp(raw) - lgamma_y1


def poisson_derivatives(y, raw, order=2):
    """Poisson log-pmf and its derivatives in eta: ``(l, y - mu, -mu)``."""
    loglik = poisson_loglik(y, raw)
    mu = np.exp(raw)
    if order == 1:
        return loglik, _values(y) - mu
    return loglik, _values(y) - mu, -mu


# ---------------------------------------------------------------------------
# Negative binomial (NB2), untruncated pieces and zero truncation
# ---------------------------------------------------------------------------


def nb_log_p0(raw, log_theta):
    """log P(y = 0) = -theta * log1p(mu / theta) of an NB2(mu = exp(raw), theta)."""
    theta = np.exp(log_theta)
    return -theta * np.log1p(np.exp(raw - log_theta))


# Above this theta the digamma/trigamma differences come from the asymptotic
# series (Bernoulli terms to B_8: truncation error below 1e-16 relative).
_THETA_ASYMPTOTIC_ABOVE = 100.0
_BERNOULLI = ((2, 1 / 6), (4, -1 / 30), (6, 1 / 42), (8, -1 / 30))


# Above this theta, lgamma(y + theta) - lgamma(theta) comes from Stirling's series
# (terms to B_8: truncation error below 2e-15 absolute).
_THETA_STIRLING_ABOVE = 20.0


def _theta(log_theta):
    """theta = exp(log_theta), 0 or inf (quietly) where it is not representable."""
    with np.errstate(over="ignore"):
        return np.exp(log_theta)


def _quiet_unless_representable(theta):
    """The error state for NB terms at ``theta``: a theta that underflowed to 0
    or overflowed (a trial step of a line search far from the optimum) gives
    non-finite values, which the line search refuses, without warnings."""
    if np.all((theta > 0) & np.isfinite(theta)):
        return nullcontext()
    return np.errstate(all="ignore")


def _nb_norm(y, theta):
    """N = lgamma(y + theta) - lgamma(theta) - lgamma(y + 1) - y log(theta).

    Removing ``y log(theta)`` (it cancels against the ``y log(mu / (theta + mu))``
    of the pmf) leaves an O(y^2 / theta) quantity that Stirling's series gives
    to rounding accuracy for large theta, where the difference of two lgamma of
    size theta log(theta) would carry an absolute error of eps * theta log(theta)
    and make the likelihood too noisy for Newton's method near its optimum.
    """
    theta = np.asarray(theta, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        direct = -betaln(y + 1, theta) - np.log(y + theta) - y * np.log(theta)
    log1p_x = np.log1p(y / theta)
    inv = 1 / theta
    stirling = (theta + y - 0.5) * log1p_x - y - gammaln(y + 1)
    for k, b in _BERNOULLI:  # b / (k (k - 1)) * ((theta + y)**(1-k) - theta**(1-k))
        stirling = stirling + b / (k * (k - 1)) * inv ** (k - 1) * np.expm1(
            -(k - 1) * log1p_x
        )
    return (np.where(theta > _THETA_STIRLING_ABOVE, stirling, direct),)


def _nb_digammas(y, theta, order):
    """The (y, theta) terms of the NB derivatives in theta, without cancellation.

    Returns ``P0 = psi(y + theta) - psi(theta) - y / (theta + y)`` and, for
    ``order == 2``, ``P1 = psi_1(y + theta) - psi_1(theta) + y / (theta (theta + y))``.
    Both are O(y^2 / theta^2) while their terms are O(1): for theta above 100 they
    are summed from the asymptotic series of psi and psi_1, where each difference
    c (z**-k - theta**-k) is written c theta**-k expm1(-k log1p(y / theta)).
    """
    theta = np.asarray(theta, dtype=float)
    x = y / theta
    log1p_x = np.log1p(x)
    big = theta > _THETA_ASYMPTOTIC_ABOVE
    inv = 1 / theta

    def power_diff(k):  # (theta + y)**-k - theta**-k
        return inv**k * np.expm1(-k * log1p_x)

    p0 = _log1p_minus_ratio(x) - 0.5 * power_diff(1)
    for k, b in _BERNOULLI:
        p0 = p0 - b / k * power_diff(k)
    direct_p0 = digamma(y + theta) - digamma(theta) - y / (theta + y)
    p0 = np.where(big, p0, direct_p0)
    if order == 1:
        return (p0,)
    p1 = 0.5 * power_diff(2)
    for k, b in _BERNOULLI:
        p1 = p1 + b * power_diff(k + 1)
    with np.errstate(over="ignore"):  # overflows only where the series is used
        direct_p1 = (
            polygamma(1, y + theta) - polygamma(1, theta) + y / (theta * (theta + y))
        )
    return p0, np.where(big, p1, direct_p1)


def nb_logpmf(y, raw, log_theta):
    """Element-wise untruncated NB2 log-pmf (``y`` may be 0)."""
    theta = _theta(log_theta)
    with _quiet_unless_representable(theta):
        (norm,) = _per_count(_nb_norm, y, theta)
        # y log(mu / (theta + mu)) + y log(theta) = y (raw - log1p(mu / theta))
        log_mu_theta = raw - np.log1p(np.exp(raw - log_theta))
        return norm + _values(y) * log_mu_theta + nb_log_p0(raw, log_theta)


def ztnb_loglik(y, raw, log_theta):
    """Element-wise zero-truncated NB2 log-likelihood."""
    with _quiet_unless_representable(_theta(log_theta)):
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

    def series(xs):
        total = np.zeros_like(xs)
        for k in range(20, 1, -1):  # Horner: x^2 (c2 + x (c3 + x (c4 + ...)))
            total = (-1) ** k * (k - 1) / k + xs * total
        return xs * xs * total

    def direct(x):
        with np.errstate(invalid="ignore"):
            return np.log1p(x) - x / (1 + x)

    return _where_small(np.asarray(x, dtype=float), series, direct)


def ztnb_derivatives(y, raw, log_theta, order=2):
    """Log-likelihood and derivatives in (eta, tau = log theta).

    Returns ``(l, (l_eta, l_tau))`` for ``order == 1`` and
    ``(l, (l_eta, l_tau), (l_eta_eta, l_eta_tau, l_tau_tau))`` for ``order == 2``.
    ``log_theta`` broadcasts against ``raw``; it must be a scalar when ``y`` is a
    :class:`CountTarget`.

    With x = mu / theta, q = x / (1 + x), a = theta * log1p(x) = -log P0,
    s = 1 / expm1(a), r = a * s, m = mu (1 + s) the truncated mean,
    f(x) = log1p(x) - x / (1 + x), the digamma/trigamma differences
    dpsi_k = psi_k(y + theta) - psi_k(theta) and

        A = dpsi_0 - y / (theta + mu)
          = P0 + y (mu - y) / ((theta + y) (theta + mu)),
        B = dpsi_1 + y / (theta + mu)^2
          = P1 + y (theta y - 2 theta mu - mu^2) / (theta (theta + y) (theta + mu)^2),

    with P0, P1 from :func:`_nb_digammas` (both O(1 / theta^2), computed without
    cancellation, so the theta derivatives stay accurate as theta -> infinity)::

        l_eta     = (1 - q) (y - m)
        l_tau     = theta A - theta f (1 + s)
        l_eta_eta = -q (1 - q) (y - m) - (1 - q) m ((1 - r) + r theta f / a)
        l_eta_tau = q (1 - q) (y - m) + (1 - q) mu s (1 + s) theta f
        l_tau_tau = theta A + theta^2 B
                    - theta (f - q^2) (1 + s) + s (1 + s) (theta f)^2

    Every term is a product of non-cancelling factors, so the derivatives keep
    their relative accuracy for mu -> 0 (where 1 - r and f are taken from series)
    and tend to the Poisson ones as theta -> infinity.
    """
    return _nb_derivatives(y, raw, log_theta, order, truncated=True)


def nb_derivatives(y, raw, log_theta, order=2):
    """Untruncated NB2 log-pmf and its derivatives in (eta, tau = log theta).

    The formulas of :func:`ztnb_derivatives` without the truncation (s = 0,
    r = 0): ``l_eta = (1 - q) (y - mu)``, ``l_tau = theta A - theta f``,
    ``l_eta_eta = -q (1 - q) (y - mu) - (1 - q) mu``,
    ``l_eta_tau = q (1 - q) (y - mu)`` and
    ``l_tau_tau = theta A + theta^2 B - theta (f - q^2)``. At ``y = 0`` they are
    log P0 = -theta log1p(mu / theta) and its derivatives.
    """
    return _nb_derivatives(y, raw, log_theta, order, truncated=False)


def nb_p0_derivative(raw, log_theta):
    """d log P0 / d eta = -mu / (1 + mu / theta) of an NB2(exp(raw), theta)."""
    return -np.exp(raw) / (1 + np.exp(raw - log_theta))


def ztnb_mean_derivative(raw, log_theta):
    """d E[y | y > 0] / d eta = m ((1 - r) + r theta f / a) (see
    :func:`ztnb_derivatives`), every term non-negative."""
    theta = np.exp(log_theta)
    x = np.exp(raw - log_theta)
    a = theta * np.log1p(x)
    r, one_minus_r = _r_and_one_minus_r(a)
    mean = np.exp(raw) * (1 + r / a)
    return mean * (one_minus_r + r * theta * _log1p_minus_ratio(x) / a)


def _nb_derivatives(y, raw, log_theta, order, truncated):
    """:func:`ztnb_derivatives` (``truncated``) or :func:`nb_derivatives`."""
    theta = _theta(log_theta)
    with _quiet_unless_representable(theta):
        return _nb_terms(y, raw, log_theta, theta, order, truncated)


def _nb_terms(y, raw, log_theta, theta, order, truncated):
    """The terms of :func:`_nb_derivatives` at ``theta = exp(log_theta)``."""
    (norm,) = _per_count(_nb_norm, y, theta)
    p0, *p1 = _per_count(_nb_digammas, y, theta, order)
    y = _values(y)
    mu = np.exp(raw)
    x = np.exp(raw - log_theta)
    log_q = raw - np.logaddexp(raw, log_theta)
    q = np.exp(log_q)
    one_minus_q = 1 / (1 + x)
    a = theta * np.log1p(x)
    loglik = norm + y * (raw - np.log1p(x)) - a
    if truncated:
        r, one_minus_r = _r_and_one_minus_r(a)
        s = r / a
        loglik = loglik - log1mexp(a)
    else:
        s = 0.0
    f = _log1p_minus_ratio(x)
    theta_f = theta * f
    mean = mu * (1 + s)
    resid = y - mean
    theta_y = theta + y
    theta_mu = theta + mu
    theta_a = theta * p0 + y * (mu - y) / ((theta_y / theta) * theta_mu)
    l_eta = one_minus_q * resid
    l_tau = theta_a - theta_f * (1 + s)
    if order == 1:
        return loglik, (l_eta, l_tau)
    s1 = s * (1 + s)
    if truncated:
        spread = one_minus_r + r * theta_f / a
    else:
        spread = 1.0
    l_eta_eta = -q * one_minus_q * resid - one_minus_q * mean * spread
    l_eta_tau = q * one_minus_q * resid + one_minus_q * mu * s1 * theta_f
    # theta^2 B, arranged so that no intermediate overflows for huge theta
    # (theta^2 and theta^3 overflow above 1e102; the terms themselves tend to 0).
    l_tau_tau = (
        theta_a
        + theta * (theta * p1[0])
        + y
        * ((y - 2 * mu) - mu * (mu / theta))
        / ((theta_y / theta) * theta_mu)
        * (theta / theta_mu)
        - (theta_f - theta * q * q) * (1 + s)
        + s1 * theta_f**2
    )
    return loglik, (l_eta, l_tau), (l_eta_eta, l_eta_tau, l_tau_tau)
