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
lambda(t) = phi(t) / Phi(t); lambda and the loss curvature lambda(t) (t + lambda(t)),
with t = +-raw, come from the asymptotic series of the Mills ratio for t < -40,
where the direct forms cancel. The cloglog link, p = 1 - exp(-exp(raw)), is the
binary model of a Poisson count censored at zero; it shares ``log1mexp`` and
r(mu) = mu / expm1(mu) with the zero-truncated Poisson kernel.
"""

import numpy as np
from scipy.special import log_ndtr, logit, ndtri

from . import _binary
from ._count import _r_and_one_minus_r, log1mexp

_LOG_SQRT_2PI = 0.5 * np.log(2 * np.pi)
_MILLS_ASYMPTOTIC_BELOW = -40.0


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

    Below t = -40 both come from the asymptotic series of the Mills ratio,
    lambda(t) = -t / S with S = 1 - 1/t^2 + 3/t^4 - 15/t^6 + ... (truncated past
    double precision): there ``phi / Phi`` loses digits to the cancellation of
    t^2 / 2 against log Phi(t), and t + lambda(t) cancels.
    """
    tail = t < _MILLS_ASYMPTOTIC_BELOW
    with np.errstate(over="ignore"):
        lam = np.exp(-0.5 * t * t - _LOG_SQRT_2PI - log_ndtr(t))
    u = 1 / np.where(tail, t, _MILLS_ASYMPTOTIC_BELOW) ** 2
    one_minus_s = u * (1 - u * (3 - u * (15 - u * (105 - u * (945 - u * 10395)))))
    s = 1 - one_minus_s
    lam = np.where(tail, -t / s, lam)
    t_plus_lam = np.where(tail, -t * one_minus_s / s, t + lam)
    return lam, lam * t_plus_lam


class ProbitLink:
    """Standard normal F: loss = -y log Phi(raw) - (1 - y) log Phi(-raw)."""

    name = "probit"

    def derivatives(self, y, raw, order=2):
        value = -(y * log_ndtr(raw) + (1 - y) * log_ndtr(-raw))
        if order == 0:
            return value
        lam_pos, curv_pos = _mills_curvature(raw)
        lam_neg, curv_neg = _mills_curvature(-raw)
        gradient = (1 - y) * lam_neg - y * lam_pos
        if order == 1:
            return value, gradient
        return value, gradient, y * curv_pos + (1 - y) * curv_neg

    def log_proba(self, raw):
        return log_ndtr(-raw), log_ndtr(raw)

    def link(self, p):
        return ndtri(p)


class CloglogLink:
    """Complementary log-log F: p = 1 - exp(-mu), mu = exp(raw).

    loss = -y log1mexp(mu) + (1 - y) mu, gradient = -y r + (1 - y) mu and
    curvature y r (mu - (1 - r)) + (1 - y) mu, with r = mu / expm1(mu);
    mu - (1 - r) = mu exp(mu) / expm1(mu) - 1 >= 0 loses at most one bit.
    """

    name = "cloglog"

    def derivatives(self, y, raw, order=2):
        mu = np.exp(raw)
        value = (1 - y) * mu - y * log1mexp(mu)
        if order == 0:
            return value
        r, one_minus_r = _r_and_one_minus_r(mu)
        gradient = (1 - y) * mu - y * r
        if order == 1:
            return value, gradient
        return value, gradient, y * r * (mu - one_minus_r) + (1 - y) * mu

    def log_proba(self, raw):
        mu = np.exp(raw)
        return -mu, log1mexp(mu)

    def link(self, p):
        return np.log(-np.log1p(-p))


BINARY_LINKS = {"logit": LogitLink(), "probit": ProbitLink(), "cloglog": CloglogLink()}
