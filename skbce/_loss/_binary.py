"""Element-wise binary cross-entropy kernels on logits (raw predictions).

These kernels do no validation: :mod:`skbce.losses` and the estimators validate
their inputs once and then call them in inner loops. Every kernel keeps the
floating dtype of ``raw`` (float32 stays float32).

Notation: ``raw`` is the logit z, ``y`` the (possibly smoothed) target in [0, 1],
``pos_weight`` the weight w of the positive term (1 when None). With the weights
of the two terms, ``u = 1 - y`` and ``v = w * y``, and ``p = sigmoid(z)``,
``q = sigmoid(-z) = 1 - p``, the loss of one element and its first two
derivatives in z are

    l(y, z)   = v * softplus(-z) + u * softplus(z)
              = -(w * y * log(p) + (1 - y) * log(q)),
    l'(y, z)  = u * p - v * q           (the familiar p - y for w = 1),
    l''(y, z) = c * p * q,              c = u + v = w * y + 1 - y.

All three come from one exponential, ``e = exp(-|z|)``, and two signed weights:

- ``t = log1p(e)`` gives ``softplus(+-z) = max(+-z, 0) + t``, so that
  ``l = c * t + z * k`` with ``k = u`` where ``z >= 0`` and ``k = -v`` where
  ``z < 0``: a sum of two non-negative terms, accurate to a few ulps for logits
  of any magnitude, without overflow;
- ``r = e / (1 + e)`` is the smaller of p and q (q where ``z >= 0``, p where
  ``z < 0``), so that ``l' = k - sign(z) * c * r`` (that is ``u - c q`` or
  ``c p - v``, whichever has no cancellation but the one at the root of l',
  which the exact function of a float z has too: the error is a few ulps of
  ``u p + v q``) and ``l'' = c * r * (1 - r)``, with ``1 - r >= 1/2`` exact
  to an ulp.

The weight ``k`` is *selected* (``1 - y`` or ``-w * y``), never recovered as a
difference: ``(w*y + 1 - y) - w*y`` loses every digit of ``1 - y`` once
``w * y`` dwarfs it (a large ``pos_weight`` with a soft target), and ``p - 1``
every digit of ``-q`` once p rounds to 1. ``sign(z)`` is the sign bit, so that
``z = -0.0`` is consistently on the negative side.

Accuracy is relative to the result (the gradient: to ``u p + v q``) wherever
``exp(-|z|)`` is a normal number, i.e. for ``|z| < 708`` in float64; beyond, the
tail factor is subnormal and its product with a weight ``w > 1`` keeps the
absolute accuracy of a subnormal number. Infinite logits (a logit divided by a
tiny temperature overflows to one) give the limits: the loss 0 or +inf, the
gradient ``u`` or ``-v``, the Hessian 0.

The kernels are inner loops of the solvers: each makes its few passes in place
over new arrays of the broadcast shape (or arrays the caller reuses), branch-free
(masked operations on random signs are an order of magnitude slower than plain
ones), with one temporary for ``c`` when ``pos_weight`` is given.
"""

import numpy as np


def _shape_and_dtype(y, raw, pos_weight):
    """The broadcast shape of the arguments and the floating dtype of ``raw``.

    float64 when ``raw`` is not a floating array.
    """
    raw = np.asarray(raw)
    dtype = raw.dtype if raw.dtype.kind == "f" else np.dtype(np.float64)
    shape = np.broadcast_shapes(np.shape(y), raw.shape, np.shape(pos_weight))
    return shape, dtype


def _result(array):
    """The array, or its scalar when 0-d (as NumPy's ufuncs return)."""
    return array[()] if array.ndim == 0 else array


def _exp_minus_abs(raw, out):
    """``e = exp(-|z|)`` in ``out``."""
    np.abs(raw, out=out)
    np.negative(out, out=out)
    return np.exp(out, out=out)


def _smaller_sigmoid(e, out):
    """``r = e / (1 + e)``, the smaller of sigmoid(z) and sigmoid(-z), in ``out``."""
    np.add(e, 1, out=out)
    return np.divide(e, out, out=out)


def _signed_weights(y, raw, pos_weight, k, scratch):
    """The weight ``k`` (``1 - y`` where z >= +0, ``-w * y`` where z <= -0) in ``k``.

    Returns ``c = w * y + 1 - y`` in a new array, or None when ``pos_weight``
    is None (c = 1). ``scratch`` is overwritten. Branch-free: with the sign bit
    ``n`` (1.0 for z <= -0) and ``s = 1 - n``, ``k = (s - y) * (s + n * w)``,
    where each factor selects exactly (``1 - y`` or ``-y``; 1 or w).
    """
    np.signbit(raw, out=k)  # n
    if pos_weight is not None:
        selected = np.multiply(k, pos_weight, out=scratch)  # n * w
    np.subtract(1, k, out=k)  # s
    if pos_weight is None:
        k -= y
        return None
    selected += k
    k -= y
    k *= selected
    c = np.subtract(1, y, out=np.empty_like(k))
    c += np.multiply(pos_weight, y, out=scratch)
    return c


def _loss_from(y, raw, pos_weight, t, k, c, scratch):
    """The loss ``c * t + z * k`` in place of ``t = log1p(exp(-|z|))``.

    A loss beyond the float range is +inf, silently (as the value it is).
    """
    with np.errstate(over="ignore", invalid="ignore"):
        if c is not None:
            t *= c
        t += np.multiply(raw, k, out=scratch)
        if not np.isfinite(t.sum()):  # rare: maybe infinite logits (NaN stays)
            _infinite_logit_limits(t, y, raw, pos_weight)
    return t


def _infinite_logit_limits(value, y, raw, pos_weight):
    """Set the loss at infinite logits to its limit instead of ``0 * inf``.

    At ``z = +inf`` the loss is ``(1 - y) * inf``: +inf, or 0 when ``y = 1``;
    at ``z = -inf`` it is ``w * y * inf``.
    """
    shape = value.shape
    raw = np.broadcast_to(raw, shape)
    y = np.broadcast_to(y, shape)
    weight = np.broadcast_to(1 if pos_weight is None else pos_weight, shape)
    up, down = raw == np.inf, raw == -np.inf
    value[up] = np.where(1 - y[up] > 0, np.inf, 0.0)
    value[down] = np.where(weight[down] * y[down] > 0, np.inf, 0.0)


def _hessian_from(r, c, out):
    """The second derivative ``c * r * (1 - r)`` in ``out``."""
    np.subtract(1, r, out=out)
    out *= r
    if c is not None:
        out *= c
    return out


def _gradient_from(raw, k, r, c):
    """The derivative ``k - sign(z) * c * r`` in place of ``k`` (``r`` overwritten)."""
    if c is not None:
        r *= c
    np.copysign(r, raw, out=r)
    k -= r
    return k


def loss(y, raw, pos_weight=None):
    """Element-wise BCE of logits ``raw`` against targets ``y``."""
    shape, dtype = _shape_and_dtype(y, raw, pos_weight)
    t, k, scratch = (np.empty(shape, dtype) for _ in range(3))
    np.log1p(_exp_minus_abs(raw, t), out=t)
    c = _signed_weights(y, raw, pos_weight, k, scratch)
    return _result(_loss_from(y, raw, pos_weight, t, k, c, scratch))


def loss_gradient(y, raw, pos_weight=None):
    """Element-wise BCE and its derivative with respect to ``raw``, sharing one exp."""
    shape, dtype = _shape_and_dtype(y, raw, pos_weight)
    t, k, r, scratch = (np.empty(shape, dtype) for _ in range(4))
    _smaller_sigmoid(_exp_minus_abs(raw, t), out=r)
    np.log1p(t, out=t)
    c = _signed_weights(y, raw, pos_weight, k, scratch)
    value = _loss_from(y, raw, pos_weight, t, k, c, scratch)
    return _result(value), _result(_gradient_from(raw, k, r, c))


def gradient_hessian(y, raw, pos_weight=None):
    """First and second derivatives of the element-wise BCE with respect to ``raw``.

    The second derivative is ``c r (1 - r)`` with ``r = e / (1 + e)`` and
    ``e = exp(-|z|)``, which stays accurate (and strictly positive until it
    underflows) for large |z|, where ``p * (1 - p)`` would round to zero.
    """
    shape, dtype = _shape_and_dtype(y, raw, pos_weight)
    hessian, k, r = (np.empty(shape, dtype) for _ in range(3))
    _smaller_sigmoid(_exp_minus_abs(raw, hessian), out=r)
    c = _signed_weights(y, raw, pos_weight, k, scratch=hessian)
    hessian = _hessian_from(r, c, out=hessian)
    return _result(_gradient_from(raw, k, r, c)), _result(hessian)


def loss_gradient_hessian(y, raw, pos_weight=None, out=None):
    """Element-wise BCE and its first and second derivatives, sharing one exp.

    The same values as :func:`loss` and :func:`gradient_hessian`, in one pass
    over four new arrays, or over ``out = (loss, gradient, hessian, scratch)``
    (arrays of the broadcast shape and floating dtype, reused by the caller).
    """
    shape, dtype = _shape_and_dtype(y, raw, pos_weight)
    value, gradient, hessian, scratch = (
        np.empty(shape, dtype) if array is None else array
        for array in ((None,) * 4 if out is None else out)
    )
    r = _smaller_sigmoid(_exp_minus_abs(raw, value), out=scratch)
    t = np.log1p(value, out=value)
    c = _signed_weights(y, raw, pos_weight, gradient, scratch=hessian)
    value = _loss_from(y, raw, pos_weight, t, gradient, c, scratch=hessian)
    hessian = _hessian_from(r, c, out=hessian)
    gradient = _gradient_from(raw, gradient, r, c)
    return _result(value), _result(gradient), _result(hessian)
