"""Element-wise binary cross-entropy kernels on logits (raw predictions).

These kernels do no validation: :mod:`skbce.losses` and the estimators validate
their inputs once and then call them in inner loops. Every kernel keeps the
floating dtype of ``raw`` (float32 stays float32).

Notation: ``raw`` is the logit z, ``y`` the (possibly smoothed) target in [0, 1],
``pos_weight`` the weight w of the positive term, so that the loss of one element is

    l(y, z) = w * y * softplus(-z) + (1 - y) * softplus(z)
            = -(w * y * log(sigmoid(z)) + (1 - y) * log(1 - sigmoid(z))),

its derivative with respect to z is ``(w*y + 1 - y) * sigmoid(z) - w*y`` (which is
the familiar ``p - y`` for w = 1) and its second derivative is
``(w*y + 1 - y) * sigmoid(z) * (1 - sigmoid(z))``.

Both softplus terms are computed from ``t = log1p(exp(-|z|))``:
softplus(z) = max(z, 0) + t and softplus(-z) = max(-z, 0) + t. Each is a sum of
non-negative numbers, so no cancellation occurs and no exponential overflows,
whatever the magnitude of z.
"""

import numpy as np


def _exp_neg_abs(raw):
    """Return exp(-|raw|), in (0, 1], the one exponential every kernel needs."""
    return np.exp(-np.abs(raw))


def _sigmoid_from(raw, e):
    """sigmoid(raw) given e = exp(-|raw|), exact in both tails."""
    inv = 1 / (1 + e)
    return np.where(raw >= 0, inv, e * inv)


def _positive_factor(y, pos_weight):
    """Return (w*y, w*y + 1 - y): the positive-term weight and the curvature factor."""
    if pos_weight is None:
        return y, None
    wy = pos_weight * y
    return wy, wy + (1 - y)


def loss(y, raw, pos_weight=None):
    """Element-wise BCE of logits ``raw`` against targets ``y``."""
    t = np.log1p(_exp_neg_abs(raw))
    wy, _ = _positive_factor(y, pos_weight)
    return wy * (np.maximum(-raw, 0) + t) + (1 - y) * (np.maximum(raw, 0) + t)


def loss_gradient(y, raw, pos_weight=None):
    """Element-wise BCE and its derivative with respect to ``raw``, sharing one exp."""
    e = _exp_neg_abs(raw)
    t = np.log1p(e)
    p = _sigmoid_from(raw, e)
    wy, c = _positive_factor(y, pos_weight)
    value = wy * (np.maximum(-raw, 0) + t) + (1 - y) * (np.maximum(raw, 0) + t)
    gradient = p - y if c is None else c * p - wy
    return value, gradient


def gradient_hessian(y, raw, pos_weight=None):
    """First and second derivatives of the element-wise BCE with respect to ``raw``.

    The second derivative is computed as e / (1 + e)**2 with e = exp(-|z|), which
    stays accurate (and strictly positive until it underflows) for large |z|, where
    ``p * (1 - p)`` would round to zero.
    """
    e = _exp_neg_abs(raw)
    inv = 1 / (1 + e)
    p = np.where(raw >= 0, inv, e * inv)
    hessian = e * inv * inv
    wy, c = _positive_factor(y, pos_weight)
    if c is None:
        return p - y, hessian
    return c * p - wy, c * hessian
