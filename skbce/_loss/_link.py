"""Binary-response kernels for the zero (hurdle) part: logit, probit, cloglog links.

Each link is an object with the same three methods, on the *loss* scale (negative
log-likelihood) of a 0/1 target ``y`` ("the count crossed the hurdle", y > 0)
whose success probability is ``p = F(raw)``:

- ``derivatives(y, raw, order)``: per-row loss and, for ``order >= 1``, its first
  and (``order == 2``) second derivative in ``raw``;
- ``log_proba(raw)``: ``(log(1 - p), log(p))``, exact in both tails;
- ``link(p)``: the inverse of F, used to start the intercept at the null model.

The logit link reuses the BCE kernels of :mod:`skbce._loss._binary`. The probit
link works with ``log_ndtr`` and the inverse Mills ratio
lambda(t) = phi(t) / Phi(t) = sqrt(2 / pi) / erfcx(-t / sqrt(2)); the loss
curvature lambda(t) (t + lambda(t)), with t = +-raw, comes from the asymptotic
series of the Mills ratio for t < -40, where t + lambda(t) cancels. The cloglog
link, p = 1 - exp(-exp(raw)), is the binary model of a Poisson count censored at
zero; it shares ``log1mexp`` and
r(mu) = mu / expm1(mu) with the zero-truncated Poisson kernel, and takes
log(1 - exp(-mu)) = raw - mu / 2 below raw = -20, where mu = exp(raw) becomes
subnormal and then 0.

Every kernel is exact at any finite raw and gives the limits at +-inf: a term
whose weight (y or 1 - y) is 0 contributes 0 even where its factor overflows,
so a 0/1 target never meets ``0 * inf``.
"""

import numpy as np
from scipy.special import erfcx, log_ndtr, logit, ndtri

from . import _binary
from ._count import _r_and_one_minus_r, log1mexp

_SQRT_2_OVER_PI = np.sqrt(2 / np.pi)
_MILLS_ASYMPTOTIC_BELOW = -40.0
_CLOGLOG_SERIES_BELOW = -20.0
_MAX_FLOAT = np.finfo(np.float64).max


def _times(weight, term):
    """``weight * term``, 0 where the weight is 0 (even if the term is infinite)."""
    with np.errstate(invalid="ignore"):
        return np.where(weight == 0, 0.0, weight * term)


class LogitLink:
    """Logistic F: the binary cross-entropy of :mod:`skbce._loss._binary`."""

    name = "logit"

    def derivatives(self, y, raw, order=2):
        if order == 0:
            return _binary.loss(y, raw)
        value, gradient = _binary.loss_gradient(y, raw)
        if order == 1:
            return value, gradient
        return value, gradient, _binary.gradient_hessian(y, raw)[1]

    def log_proba(self, raw):
        return -np.logaddexp(0, raw), -np.logaddexp(0, -raw)

    def link(self, p):
        return logit(p)


def _mills_curvature(t):
    """Return lambda(t) and lambda(t) * (t + lambda(t)), lambda = phi / Phi.

    lambda(t) = sqrt(2 / pi) / erfcx(-t / sqrt(2)) is exact to a few ulps for
    every t (0 beyond t = 38, where phi underflows, and -t as t -> -inf); the
    curvature is then exact to about ulp * t^2 above t = -40. Below, both come
    from the asymptotic series of the Mills ratio,
    lambda(t) = -t / S with S = 1 - u P(u), u = 1/t^2, P = 1 - 3u + 15u^2 - ...
    (truncated past double precision): there ``phi / Phi`` loses digits to the
    cancellation of t^2 / 2 against log Phi(t), and t + lambda(t) cancels. The
    series gives t + lambda = (-1/t) P / S and the curvature P / S^2 directly,
    which stay exact where t^2 overflows (the curvature tends to 1 as t -> -inf).
    """
    tail = t < _MILLS_ASYMPTOTIC_BELOW
    t_tail = np.where(tail, t, _MILLS_ASYMPTOTIC_BELOW)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        lam = _SQRT_2_OVER_PI / erfcx(-t / np.sqrt(2))
        curvature = np.where(lam == 0, 0.0, lam * (t + lam))
        u = 1 / np.square(t_tail)
    poly = 1 - u * (3 - u * (15 - u * (105 - u * (945 - u * 10395))))
    s = 1 - u * poly
    return np.where(tail, -t_tail / s, lam), np.where(tail, poly / s**2, curvature)


class ProbitLink:
    """Standard normal F: loss = -y log Phi(raw) - (1 - y) log Phi(-raw)."""

    name = "probit"

    def derivatives(self, y, raw, order=2):
        value = -(_times(y, log_ndtr(raw)) + _times(1 - y, log_ndtr(-raw)))
        if order == 0:
            return value
        lam_pos, curv_pos = _mills_curvature(raw)
        lam_neg, curv_neg = _mills_curvature(-raw)
        gradient = _times(1 - y, lam_neg) - _times(y, lam_pos)
        if order == 1:
            return value, gradient
        return value, gradient, y * curv_pos + (1 - y) * curv_neg

    def log_proba(self, raw):
        return log_ndtr(-raw), log_ndtr(raw)

    def link(self, p):
        return ndtri(p)


def _log1mexp_of_exp(raw, mu):
    """log(1 - exp(-mu)) for mu = exp(raw), exact for every raw.

    Below raw = -20 it is ``raw - mu / 2`` (the next term, mu^2 / 24, is below
    1e-19 there), which stays exact where mu is subnormal or 0.
    """
    series = raw < _CLOGLOG_SERIES_BELOW
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(series, raw - mu / 2, log1mexp(np.where(series, 1.0, mu)))


class CloglogLink:
    """Complementary log-log F: p = 1 - exp(-mu), mu = exp(raw).

    loss = -y log1mexp(mu) + (1 - y) mu, gradient = -y r + (1 - y) mu and
    curvature y r (mu - (1 - r)) + (1 - y) mu, with r = mu / expm1(mu);
    mu - (1 - r) = mu exp(mu) / expm1(mu) - 1 >= 0 loses at most one bit.
    """

    name = "cloglog"

    def derivatives(self, y, raw, order=2):
        with np.errstate(over="ignore"):
            mu = np.exp(raw)
        value = _times(1 - y, mu) - _times(y, _log1mexp_of_exp(raw, mu))
        if order == 0:
            return value
        # r = 0 and 1 - r = 1 where mu overflows (also at mu = inf).
        r, one_minus_r = _r_and_one_minus_r(np.minimum(mu, _MAX_FLOAT))
        gradient = _times(1 - y, mu) - y * r
        if order == 1:
            return value, gradient
        # r (mu - (1 - r)) is 0 where r is, whatever mu.
        with np.errstate(invalid="ignore"):
            curvature = np.where(r > 0, r * (mu - one_minus_r), 0.0)
        return value, gradient, y * curvature + _times(1 - y, mu)

    def log_proba(self, raw):
        with np.errstate(over="ignore"):
            mu = np.exp(raw)
        return -mu, _log1mexp_of_exp(raw, mu)

    def link(self, p):
        return np.log(-np.log1p(-p))


BINARY_LINKS = {"logit": LogitLink(), "probit": ProbitLink(), "cloglog": CloglogLink()}
