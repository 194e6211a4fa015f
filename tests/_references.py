"""Independent high-precision references for the loss tests (mpmath, 400 bits).

They evaluate the textbook formulas on the exact values of the float inputs, in
arbitrary precision and with mpmath's unbounded exponent range, and round once at
the end: no cancellation, overflow or underflow on the way.
"""

import mpmath as mp
import numpy as np

PRECISION = 400  # bits


def to_float(value):
    """Round an mpmath number to float64 (+-inf beyond the largest float)."""
    if abs(value) >= mp.mpf(2) ** 1024:
        return float(mp.sign(value)) * np.inf
    return float(value)


def softplus(x):
    """log(1 + exp(x)) of an mpf, exact for any magnitude."""
    return max(x, 0) + mp.log1p(mp.exp(-abs(x)))


def bce_element(y, z, pos_weight=1.0):
    """``(loss, gradient, hessian, gradient_scale)`` of one BCE element.

    loss = w y softplus(-z) + (1 - y) softplus(z), its first and second
    derivatives in z, and ``gradient_scale = (1 - y) p + w y q``, the sum of the
    magnitudes of the gradient's two terms (the scale its rounding error is
    relative to), all as mpf.
    """
    with mp.workprec(PRECISION):
        y, z, w = mp.mpf(float(y)), mp.mpf(float(z)), mp.mpf(float(pos_weight))
        u, v = 1 - y, w * y
        p, q = 1 / (1 + mp.exp(-z)), 1 / (1 + mp.exp(z))
        loss = v * softplus(-z) + u * softplus(z)
        return loss, u * p - v * q, (u + v) * p * q, u * p + v * q


def _probit_lower_tail(x):
    """``(log Phi(-x), lambda(-x), -x + lambda(-x))`` for x >= 1e8 (Mills series)."""
    u = 1 / (x * x)
    terms = [mp.mpf(1)]
    for n in range(1, 12):
        terms.append(-terms[-1] * (2 * n - 1) * u)
    s = mp.fsum(terms)
    log_phi = -x * x / 2 - mp.log(mp.sqrt(2 * mp.pi)) + mp.log(s / x)
    return log_phi, x / s, -x * mp.fsum(terms[1:]) / s


def binary_link_element(link, y, raw):
    """``(loss, gradient, hessian)`` of a hurdle binary link at raw, y in {0, 1}.

    The loss is -log F(raw) for y = 1 and -log(1 - F(raw)) for y = 0, with the
    logistic, standard normal or complementary log-log F.
    """
    with mp.workprec(PRECISION):
        r = mp.mpf(float(raw))
        if link == "logit":
            t = r if y else -r  # the loss is softplus(-t)
            p, q = 1 / (1 + mp.exp(-t)), 1 / (1 + mp.exp(t))
            return softplus(-t), (-q if y else q), p * q
        if link == "probit":
            t = r if y else -r  # the loss is -log Phi(t)
            if t <= -1e8:
                log_phi, lam, t_plus_lam = _probit_lower_tail(-t)
            elif t >= 1e8:
                upper = mp.exp(_probit_lower_tail(t)[0])  # Phi(-t)
                log_phi, lam = mp.log1p(-upper), mp.npdf(t) / (1 - upper)
                t_plus_lam = t + lam
            else:
                phi = mp.ncdf(t)
                log_phi = mp.log(phi) if t < 0 else mp.log1p(-mp.ncdf(-t))
                lam = mp.npdf(t) / phi
                t_plus_lam = t + lam
            return -log_phi, (-lam if y else lam), lam * t_plus_lam
        if r > 1000:  # mu > e^1000: the y = 1 terms are below exp(-mu)
            return (0, 0, 0) if y else (mp.inf, mp.inf, mp.inf)
        mu = mp.exp(r)
        if not y:
            return mu, mu, mu
        ratio = mu / mp.expm1(mu)
        loss = -mp.log(-mp.expm1(-mu)) if mu < 1 else -mp.log1p(-mp.exp(-mu))
        return loss, -ratio, ratio * (mu - 1 + ratio)


def averaged_slope(predict, X, feature, h=1e-5):
    """The average over the rows of a DataFrame ``X`` of the central difference
    of ``predict`` in the column ``feature``: the numerical average marginal
    effect."""
    plus, minus = X.copy(), X.copy()
    plus[feature] = plus[feature] + h
    minus[feature] = minus[feature] - h
    return float(
        np.mean((np.asarray(predict(plus)) - np.asarray(predict(minus))) / (2 * h))
    )
