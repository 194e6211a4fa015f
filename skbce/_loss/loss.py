"""The loss interface: per-row losses of raw predictions, with their derivatives.

Every linear model of skbce minimises a weighted sum of one of these losses over
rows, plus an L2 penalty (see :mod:`skbce.linear_model._linear_loss`); the solvers
of :mod:`skbce.linear_model._newton_solver` see only the sums. In the spirit of
scikit-learn's ``sklearn._loss.loss.BaseLoss``, a loss is the negative
log-likelihood of a target ``y`` given *raw predictions* (linear predictors), with
its inverse link as an object (``loss.link``), and is fused with that link in its
kernels so that no probability is ever formed where it would round (the kernels
live in :mod:`._binary`, :mod:`._link` and :mod:`._count`).

Shapes
------
A loss has ``n_raw`` linear predictors per row (1 for every loss here; the
zero-inflated mixture of a later model has 2) and ``n_extra`` parameters shared
by all rows (the log-dispersion ``log(theta)`` of a negative binomial). Its
derivatives are taken with respect to the ``q = n_raw + n_extra`` free quantities
of a row:

- ``q == 1``: ``raw`` may have any shape (e.g. ``(n_rows, n_labels)`` for
  independent labels: every element is its own row); ``loss``, ``gradient`` and
  ``hessian`` have the shape of ``raw``;
- ``q > 1``: ``raw`` has shape ``(n_rows,)`` (or ``(n_rows, n_raw)``),
  ``gradient`` shape ``(n_rows, q)`` and ``hessian`` shape ``(n_rows, q, q)``
  (symmetric).

Targets go through :meth:`BaseLoss.prepare_target` once per fit (label smoothing,
distinct counts), and the kernels then take the prepared target.
"""

import numpy as np
from scipy.special import expit

from . import _binary, _count
from ._link import BINARY_LINKS


class LogLink:
    """The log link of the count models: ``mean = exp(raw)``."""

    name = "log"

    def link(self, mean):
        """The raw prediction of a mean."""
        return np.log(mean)

    def inverse(self, raw):
        """The mean of a raw prediction."""
        return np.exp(raw)


class BaseLoss:
    """A per-row negative log-likelihood of raw predictions (see module docstring).

    Subclasses implement :meth:`derivatives` (the loss and, up to ``order``,
    its first and second derivatives); :meth:`loss`, :meth:`loss_gradient` and
    :meth:`loss_gradient_hessian` name its three orders.
    """

    n_raw = 1
    n_extra = 0
    link = None

    @property
    def n_free(self):
        """Free quantities per row: linear predictors plus shared parameters."""
        return self.n_raw + self.n_extra

    def prepare_target(self, y):
        """The target in the form the kernels take (once per fit)."""
        return y

    def loss(self, y, raw, extra=()):
        """Per-row loss."""
        return self.derivatives(y, raw, extra, 0)

    def loss_gradient(self, y, raw, extra=()):
        """Per-row loss and gradient (see the module docstring for shapes)."""
        return self.derivatives(y, raw, extra, 1)

    def loss_gradient_hessian(self, y, raw, extra=()):
        """Per-row loss, gradient and Hessian (see the module docstring)."""
        return self.derivatives(y, raw, extra, 2)

    def derivatives(self, y, raw, extra, order):
        """The loss (``order=0``), with its gradient (1) and Hessian (2)."""
        raise NotImplementedError


class BinaryLoss(BaseLoss):
    """Binary cross-entropy of a 0/1 (or soft, in [0, 1]) target.

    ``y log F(raw) + (1 - y) log(1 - F(raw))`` with sign flipped, for the
    inverse link F of ``link`` ("logit": the sigmoid, "probit": the normal
    CDF, "cloglog": ``1 - exp(-exp(raw))``).

    Parameters
    ----------
    link : {"logit", "probit", "cloglog"}, default="logit"
    pos_weight : float or ndarray, default=None
        Weight of the positive term (logit link only); an array broadcasts
        against ``raw`` (one weight per label: shape ``(n_labels,)``).
    label_smoothing : float, default=0.0
        :meth:`prepare_target` moves targets towards 1/2:
        ``y (1 - label_smoothing) + label_smoothing / 2``.
    """

    def __init__(self, link="logit", pos_weight=None, label_smoothing=0.0):
        if pos_weight is not None and link != "logit":
            raise ValueError("pos_weight is implemented for the logit link only.")
        self.link = BINARY_LINKS[link]
        self.pos_weight = pos_weight
        self.label_smoothing = label_smoothing

    def prepare_target(self, y):
        if not self.label_smoothing:
            return y
        return y * (1 - self.label_smoothing) + self.label_smoothing / 2

    def derivatives(self, y, raw, extra=(), order=0):
        if self.link.name != "logit":
            return self.link.derivatives(y, raw, order)
        if order == 0:
            return _binary.loss(y, raw, self.pos_weight)
        if order == 1:
            return _binary.loss_gradient(y, raw, self.pos_weight)
        return _binary.loss_gradient_hessian(y, raw, self.pos_weight)


def _loss_scale(loglik, first=None, second=None):
    """Kernel results on the log-likelihood scale, as the loss interface's.

    ``first`` and ``second`` are the kernels' tuples of derivatives in
    ``(eta, tau)`` (``(l_eta, l_tau)`` and ``(l_ee, l_et, l_tt)``), or single
    arrays (one free quantity); returns the loss and the gradient ``(n, q)`` and
    Hessian ``(n, q, q)`` for q = 2, the arrays themselves for q = 1.
    """
    if first is None:
        return -loglik
    if not isinstance(first, tuple):
        if second is None:
            return -loglik, -first
        return -loglik, -first, -second
    gradient = -np.stack(first, axis=-1)
    if second is None:
        return -loglik, gradient
    h_ee, h_et, h_tt = second
    hessian = -np.stack(
        [np.stack([h_ee, h_et], axis=-1), np.stack([h_et, h_tt], axis=-1)], axis=-2
    )
    return -loglik, gradient, hessian


class _CountLoss(BaseLoss):
    """A count distribution with log link (``mean = exp(raw)``).

    Subclasses name their kernels of :mod:`._count`: ``_loglik(y, raw,
    *extra)`` and ``_derivatives(y, raw, *extra, order)``.
    """

    link = LogLink()

    def prepare_target(self, y):
        return _count.count_target(y)

    def derivatives(self, y, raw, extra=(), order=0):
        extra = tuple(extra[: self.n_extra])
        if order == 0:
            return -self._loglik(y, raw, *extra)
        return _loss_scale(*self._derivatives(y, raw, *extra, order))

    def loglik(self, y, raw, extra=()):
        """Per-row log-likelihood."""
        return -self.derivatives(y, raw, extra, 0)


class _TruncatedCountLoss(_CountLoss):
    """A zero-truncated count distribution (for y > 0), with its mean.

    Subclasses also name ``_mean(raw, *extra)`` and
    ``_mean_derivative(raw, *extra)``.
    """

    def truncated_mean(self, raw, extra=(), order=0):
        """E[y | y > 0] and, for ``order=1``, its derivative in ``raw``."""
        extra = tuple(extra[: self.n_extra])
        mean = self._mean(raw, *extra)
        if order == 0:
            return mean
        return mean, self._mean_derivative(raw, *extra)


class ZeroTruncatedPoissonLoss(_TruncatedCountLoss):
    """Zero-truncated Poisson with log link: the count part of a hurdle model."""

    _loglik = staticmethod(_count.ztpoisson_loglik)
    _derivatives = staticmethod(_count.ztpoisson_derivatives)
    _mean = staticmethod(_count.ztpoisson_mean)
    _mean_derivative = staticmethod(_count.ztpoisson_mean_derivative)


class ZeroTruncatedNegativeBinomialLoss(_TruncatedCountLoss):
    """Zero-truncated NB2 with log link; its extra parameter is ``log(theta)``."""

    n_extra = 1
    _loglik = staticmethod(_count.ztnb_loglik)
    _derivatives = staticmethod(_count.ztnb_derivatives)
    _mean = staticmethod(_count.ztnb_mean)
    _mean_derivative = staticmethod(_count.ztnb_mean_derivative)


class _FullCountLoss(_CountLoss):
    """A count distribution over every count, ``y = 0`` included.

    ``truncated`` is its zero-truncated counterpart (for E[y | y > 0]);
    subclasses also name ``_log_p0(raw, *extra)`` and
    ``_log_p0_derivative(raw, *extra)``.
    """

    def log_p0(self, raw, extra=(), order=0):
        """log P(y = 0) and, for ``order=1``, its derivative in ``raw``."""
        extra = tuple(extra[: self.n_extra])
        log_p0 = self._log_p0(raw, *extra)
        if order == 0:
            return log_p0
        return log_p0, self._log_p0_derivative(raw, *extra)

    def expectation(self, raw, extra, part, order=0):
        """``P(y > 0)`` (``part="zero"``), ``E[y | y > 0]`` ("count") or
        ``E[y]`` ("mean") and, for ``order=1``, its derivative in ``raw``
        (shape ``raw.shape + (1,)``)."""
        if part == "count":
            value, derivative = self.truncated.truncated_mean(raw, extra, 1)
        elif part == "zero":
            log_p0, d_log_p0 = self.log_p0(raw, extra, 1)
            value = -np.expm1(log_p0)
            derivative = -np.exp(log_p0) * d_log_p0
        else:
            value = derivative = np.exp(raw)
        return value if order == 0 else (value, derivative[..., None])


def _poisson_log_p0(raw):
    return -np.exp(raw)


class PoissonLoss(_FullCountLoss):
    """Poisson with log link, the full log-pmf: the count part of a
    zero-inflated model."""

    truncated = ZeroTruncatedPoissonLoss()
    _loglik = staticmethod(_count.poisson_loglik)
    _derivatives = staticmethod(_count.poisson_derivatives)
    _log_p0 = staticmethod(_poisson_log_p0)
    _log_p0_derivative = staticmethod(_poisson_log_p0)


class NegativeBinomialLoss(_FullCountLoss):
    """NB2 with log link, the full log-pmf; extra parameter ``log(theta)``."""

    n_extra = 1
    truncated = ZeroTruncatedNegativeBinomialLoss()
    _loglik = staticmethod(_count.nb_logpmf)
    _derivatives = staticmethod(_count.nb_derivatives)
    _log_p0 = staticmethod(_count.nb_log_p0)
    _log_p0_derivative = staticmethod(_count.nb_p0_derivative)


COUNT_LOSSES = {
    "poisson": ZeroTruncatedPoissonLoss,
    "negbin": ZeroTruncatedNegativeBinomialLoss,
}
FULL_COUNT_LOSSES = {"poisson": PoissonLoss, "negbin": NegativeBinomialLoss}


# ---------------------------------------------------------------------------
# Two linear predictors: the hurdle and the zero-inflated mixture
# ---------------------------------------------------------------------------


def _log_cdf(link, raw, order):
    """``(log F, log(1 - F))`` of a binary link at ``raw`` with, up to
    ``order``, their first and second derivatives: each a list of arrays."""
    ones = np.ones_like(raw)
    terms = []
    for target in (ones, 0 * ones):
        result = link.derivatives(target, raw, order)
        result = (result,) if order == 0 else result
        terms.append([-term for term in result])
    return terms


def _as_rows(array, q):
    """A derivative ``(n,)`` or ``(n, q)`` as ``(n, q)`` (Hessians as (n, q, q))."""
    array = np.asarray(array)
    return array[..., None] if q == 1 else array


def _count_derivatives(count, y, raw, extra, order):
    """A count loss's log-likelihood, gradient ``(..., q)`` and Hessian
    ``(..., q, q)`` (log-likelihood scale) up to ``order``."""
    result = count.derivatives(y, raw, extra, order)
    if order == 0:
        return [-result]
    q = count.n_free
    out = [-result[0], -_as_rows(result[1], q)]
    if order == 2:
        hessian = result[2]
        out.append(-(hessian[..., None, None] if q == 1 else hessian))
    return out


class HurdleLoss(BaseLoss):
    """The hurdle model's negative log-likelihood: a binary and a truncated part.

    ``-[z log F(eta_z) + (1 - z) log(1 - F(eta_z))] - z log f_+(y; eta_c)`` with
    ``z = [y > 0]``. The two parts share no parameter (the Hessian is block
    diagonal); the model is fitted part by part, and this loss serves its joint
    quantities: per-row log-likelihoods, per-row scores of both parts (for
    sandwich covariances), the pmf and the expectations of marginal effects.

    Parameters
    ----------
    link : {"logit", "probit", "cloglog"} or None
        The binary part's link; None leaves the binary part out (a part without
        parameters: the raw predictions are those of the count part only).
    count : ZeroTruncatedPoissonLoss or ZeroTruncatedNegativeBinomialLoss or None
        The zero-truncated count part; None leaves it out.

    Raw predictions are ``(..., 2)``: ``eta_z`` then ``eta_c``; with one part
    only, they have the shape of the rows (no last axis). The extra parameters
    are the count part's.
    """

    def __init__(self, link, count):
        self.binary = None if link is None else BINARY_LINKS[link]
        self.count = count
        self.n_raw = (link is not None) + (count is not None)
        self.n_extra = 0 if count is None else count.n_extra

    def prepare_target(self, y):
        return _count.count_target(y)

    def _split(self, raw):
        raw = np.asarray(raw)
        if self.n_raw == 1:
            return (raw, None) if self.count is None else (None, raw)
        return raw[..., 0], raw[..., 1]

    def derivatives(self, y, raw, extra=(), order=0):
        eta_z, eta_c = self._split(raw)
        positive = _count._values(y) > 0
        values, gradients, hessians = [], [], []
        if self.binary is not None:
            result = self.binary.derivatives(positive.astype(float), eta_z, order)
            result = (result,) if order == 0 else result
            values.append(result[0])
            if order:
                gradients.append(result[1][..., None])
            if order == 2:
                hessians.append(result[2][..., None, None])
        if self.count is not None:
            result = _count_derivatives(self.count, y, eta_c, extra, order)
            values.append(np.where(positive, -result[0], 0.0))
            if order:
                gradients.append(np.where(positive[..., None], -result[1], 0.0))
            if order == 2:
                hessians.append(np.where(positive[..., None, None], -result[2], 0.0))
        loss = np.sum(np.broadcast_arrays(*values), axis=0)
        if order == 0:
            return loss
        gradient = np.concatenate(gradients, axis=-1)
        if order == 1:
            return loss, gradient
        q = self.n_free
        hessian = np.zeros(gradient.shape + (q,))
        start = 0
        for block in hessians:
            size = block.shape[-1]
            hessian[..., start : start + size, start : start + size] = block
            start += size
        return loss, gradient, hessian

    def expectation(self, raw, extra, part, order=0):
        """``P(y > 0)`` (``part="zero"``), ``E[y | y > 0]`` ("count") or
        ``E[y]`` ("mean") and, for ``order=1``, its derivatives in the raw
        predictions ``(..., n_raw)``; a missing part counts as P(y > 0) = 1."""
        eta_z, eta_c = self._split(raw)
        shape = np.shape(raw)[:-1] if self.n_raw == 2 else np.shape(raw)
        if self.binary is None or part == "count":
            proba, d_proba = np.ones(shape), np.zeros(shape)
        else:
            (log_p, d_log_p) = _log_cdf(self.binary, eta_z, 1)[0][:2]
            proba = np.exp(log_p)
            d_proba = proba * d_log_p
        if self.count is None or part == "zero":
            mean, d_mean = np.ones(shape), np.zeros(shape)
        else:
            mean, d_mean = self.count.truncated_mean(eta_c, extra, order=1)
        value = proba * mean
        if order == 0:
            return value
        derivatives = []
        if self.binary is not None:
            derivatives.append(d_proba * mean)
        if self.count is not None:
            derivatives.append(proba * d_mean)
        return value, np.stack(derivatives, axis=-1)


class ZeroInflatedLoss(BaseLoss):
    """The zero-inflated mixture's negative log-likelihood (pscl's ``zeroinfl``).

    With ``pi = F(eta_z)``, the probability of a structural zero (binary link
    F), and the count pmf ``f(y; eta_c)`` (log link, ``log(theta)`` as extra
    parameter for the negative binomial)::

        l = log(pi + (1 - pi) f(0))      if y = 0
        l = log(1 - pi) + log f(y)       if y > 0

    The zero term is ``logaddexp(log pi, log(1 - pi) + log f(0))``, with
    ``log pi`` and ``log(1 - pi)`` from the exact tails of the link kernels:
    no probability is formed and nothing cancels. With ``w = P(structural | y
    = 0) = expit(log pi - log(1 - pi) - log f(0))`` (0 for y > 0) and
    ``a = log pi``, ``b = log(1 - pi)``, ``c = log f(y)`` (derivatives in
    primes, ``g`` the gradient of ``c`` in ``(eta_c, log theta)``)::

        l_z = w a' + (1 - w) b',            l_c = (1 - w) g,
        l_zz = w a'' + (1 - w) b'' + w (1 - w) (a' - b')^2,
        l_zc = -w (1 - w) (a' - b') g,      l_cc = (1 - w) g' + w (1 - w) g g'.

    (The kernels return minus these: the loss, its gradient and Hessian.)

    Raw predictions have shape ``(..., 2)``: the inflation predictor ``eta_z``,
    then the count predictor ``eta_c``.

    Parameters
    ----------
    count : PoissonLoss or NegativeBinomialLoss
    link : {"logit", "probit", "cloglog"}, default="logit"
    """

    n_raw = 2

    def __init__(self, count, link="logit"):
        self.count = count
        self.binary = BINARY_LINKS[link]
        self.n_extra = count.n_extra

    def prepare_target(self, y):
        return _count.count_target(y)

    def derivatives(self, y, raw, extra=(), order=0):
        # On the loss scale throughout: A = -log pi, B = -log(1 - pi) and
        # C = -log f(y), with their derivatives, are what the link and count
        # kernels return. A row with y > 0 has the loss B + C and the separate
        # derivatives of B and C; the mixture terms are formed on the zeros only.
        raw = np.asarray(raw)
        eta_z, eta_c = raw[..., 0], raw[..., 1]
        count = self.count.derivatives(y, eta_c, extra, order)
        not_structural = self.binary.derivatives(np.zeros_like(eta_z), eta_z, order)
        if order == 0:
            count, not_structural = [count], [not_structural]
        b_c = not_structural[0] + count[0]
        shape = b_c.shape
        zeros = np.nonzero(np.broadcast_to(_count._values(y) == 0, shape))
        eta_zeros = np.broadcast_to(eta_z, shape)[zeros]
        structural = self.binary.derivatives(np.ones_like(eta_zeros), eta_zeros, order)
        if order == 0:
            structural = [structural]
        b_c_zeros = b_c[zeros]
        loss = np.array(b_c, dtype=float)
        with np.errstate(invalid="ignore"):
            loss[zeros] = -np.logaddexp(-structural[0], -b_c_zeros)
        if order == 0:
            return loss
        with np.errstate(over="ignore"):
            # w = P(structural | y = 0) = pi / (pi + (1 - pi) f(0)), 0 for y > 0
            w = expit(b_c_zeros - structural[0])
            one_minus_w = expit(structural[0] - b_c_zeros)
        q = self.n_free
        count_gradient = _as_rows(count[1], q - 1)  # G
        gradient = np.empty(shape + (q,))
        gradient[..., 0] = not_structural[1]
        gradient[..., 1:] = count_gradient
        gradient[zeros + (0,)] = (
            w * structural[1] + one_minus_w * not_structural[1][zeros]
        )
        gradient_zeros = count_gradient[zeros]
        gradient[zeros + (slice(1, None),)] = one_minus_w[:, None] * gradient_zeros
        if order == 1:
            return loss, gradient
        hessian = np.empty(gradient.shape + (q,))
        hessian[..., 0, 0] = not_structural[2]
        hessian[..., 0, 1:] = 0.0
        hessian[..., 1:, 0] = 0.0
        hessian[..., 1:, 1:] = count[2][..., None, None] if q == 2 else count[2]
        spread = w * one_minus_w
        gap = structural[1] - not_structural[1][zeros]  # A' - B' = -(a' - b')
        hessian[zeros + (0, 0)] = (
            w * structural[2] + one_minus_w * not_structural[2][zeros] - spread * gap**2
        )
        cross = (spread * gap)[:, None] * gradient_zeros
        hessian[zeros + (0, slice(1, None))] = cross
        hessian[zeros + (slice(1, None), 0)] = cross
        hessian[zeros + (slice(1, None), slice(1, None))] = one_minus_w[
            :, None, None
        ] * hessian[zeros + (slice(1, None), slice(1, None))] - spread[
            :, None, None
        ] * (gradient_zeros[:, :, None] * gradient_zeros[:, None, :])
        return loss, gradient, hessian

    def expectation(self, raw, extra, part, order=0):
        """``P(y > 0)`` (``part="zero"``), ``E[y | y > 0]`` ("count") or
        ``E[y]`` ("mean") and, for ``order=1``, its derivatives in the raw
        predictions ``(..., 2)``.

        ``P(y > 0) = (1 - pi) (1 - f(0))``, ``E[y] = (1 - pi) mu`` and
        ``E[y | y > 0]`` is the count distribution's own (structural zeros do
        not change it).
        """
        raw = np.asarray(raw)
        eta_z, eta_c = raw[..., 0], raw[..., 1]
        value, d_count = self.count.expectation(eta_c, extra, part, order=1)
        d_count = d_count[..., 0]
        if part == "count":
            d_inflation = np.zeros_like(value)
        else:
            b, db = _log_cdf(self.binary, eta_z, 1)[1]
            not_inflated = np.exp(b)  # 1 - pi
            value, d_count = not_inflated * value, not_inflated * d_count
            d_inflation = value * db
        if order == 0:
            return value
        return value, np.stack([d_inflation, d_count], axis=-1)
