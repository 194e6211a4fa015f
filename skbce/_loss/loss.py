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

    def loss_gradient_hessian_into(self, y, raw, out):
        """:meth:`loss_gradient_hessian` of the logit link into reused arrays.

        ``out = (loss, gradient, hessian, scratch)``: arrays of the shape and
        dtype of ``raw``, for the inner loops of the multi-label solver.
        """
        return _binary.loss_gradient_hessian(y, raw, self.pos_weight, out=out)


class ZeroTruncatedPoissonLoss(BaseLoss):
    """Zero-truncated Poisson with log link: the count part of a hurdle model."""

    link = LogLink()

    def prepare_target(self, y):
        return _count.count_target(y)

    def derivatives(self, y, raw, extra=(), order=0):
        if order == 0:
            return -_count.ztpoisson_loglik(y, raw)
        result = _count.ztpoisson_derivatives(y, raw, order)
        return tuple(-term for term in result)

    def loglik(self, y, raw, extra=()):
        """Per-row log-likelihood (for y > 0)."""
        return _count.ztpoisson_loglik(y, raw)

    def truncated_mean(self, raw, extra=()):
        """E[y | y > 0]."""
        return _count.ztpoisson_mean(raw)


class ZeroTruncatedNegativeBinomialLoss(BaseLoss):
    """Zero-truncated NB2 with log link; its extra parameter is ``log(theta)``."""

    n_extra = 1
    link = LogLink()

    def prepare_target(self, y):
        return _count.count_target(y)

    def derivatives(self, y, raw, extra=(), order=0):
        log_theta = extra[0]
        if order == 0:
            return -_count.ztnb_loglik(y, raw, log_theta)
        loglik, first, *second = _count.ztnb_derivatives(y, raw, log_theta, order)
        gradient = -np.stack(first, axis=-1)
        if order == 1:
            return -loglik, gradient
        (h_ee, h_et, h_tt) = second[0]
        hessian = -np.stack(
            [np.stack([h_ee, h_et], axis=-1), np.stack([h_et, h_tt], axis=-1)],
            axis=-2,
        )
        return -loglik, gradient, hessian

    def loglik(self, y, raw, extra):
        """Per-row log-likelihood (for y > 0)."""
        return _count.ztnb_loglik(y, raw, extra[0])

    def truncated_mean(self, raw, extra):
        """E[y | y > 0]."""
        return _count.ztnb_mean(raw, extra[0])


COUNT_LOSSES = {
    "poisson": ZeroTruncatedPoissonLoss,
    "negbin": ZeroTruncatedNegativeBinomialLoss,
}
