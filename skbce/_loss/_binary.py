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
softplus(z) = max(z, 0) + t and softplus(-z) = max(-z, 0) + t, so that

    l(y, z) = c * t + (c * max(z, 0) - w*y*z),       c = w*y + 1 - y,

whose second term is ``(1 - y) * z`` for z > 0 and ``w*y*(-z)`` for z < 0: a sum
of non-negative numbers (for binary y the difference is exact), so no
cancellation occurs and no exponential overflows, whatever the magnitude of z.
The sigmoid is ``exp(min(z, 0)) / (1 + exp(-|z|))``, exact in both tails.

The kernels are inner loops of the solvers: each makes its few passes in place
over new arrays of the broadcast shape (or arrays the caller reuses), without
temporaries.
"""

import numpy as np


def _neg_abs(y, raw, pos_weight, out=None):
    """``-|raw|`` in a new array (or ``out``) of the broadcast shape of the arguments.

    In the floating dtype of ``raw`` (float64 for other dtypes); every kernel
    then works in place on arrays of this shape and dtype.
    """
    raw = np.asarray(raw)
    if out is None:
        dtype = raw.dtype if raw.dtype.kind == "f" else np.dtype(np.float64)
        shape = np.broadcast_shapes(np.shape(y), raw.shape, np.shape(pos_weight))
        out = np.empty(shape, dtype)
    np.abs(raw, out=out)
    return np.negative(out, out=out)


def _result(array):
    """The array, or its scalar when 0-d (as NumPy's ufuncs return)."""
    return array[()] if array.ndim == 0 else array


def _positive_factor(y, pos_weight):
    """Return (w*y, w*y + 1 - y): the positive-term weight and the curvature factor."""
    if pos_weight is None:
        return y, None
    wy = pos_weight * y
    return wy, wy + (1 - y)


def _loss_from(y, raw, t, wy, c, scratch=None):
    """The loss ``c * t + z * (c * [z > 0] - w*y)`` in place of ``t``.

    ``z * (c * [z > 0] - w*y)`` is ``c * max(z, 0) - w*y*z``, the non-negative
    second term, built in ``scratch`` (a new array when None).
    """
    linear = np.greater(raw, 0, out=np.empty_like(t) if scratch is None else scratch)
    if c is not None:
        linear *= c
        t *= c
    linear -= wy
    linear *= raw
    t += linear
    return t


def loss(y, raw, pos_weight=None):
    """Element-wise BCE of logits ``raw`` against targets ``y``."""
    t = _neg_abs(y, raw, pos_weight)
    np.exp(t, out=t)
    np.log1p(t, out=t)
    wy, c = _positive_factor(y, pos_weight)
    return _result(_loss_from(y, raw, t, wy, c))


def _sigmoid_parts(y, raw, pos_weight, out=(None, None, None)):
    """``e = exp(-|z|)``, ``inv = 1 / (1 + e)`` and ``p = sigmoid(z)``.

    In new arrays, or in the arrays ``out = (e, inv, p)`` (of the broadcast shape
    and floating dtype) where not None.
    """
    e_out, inv_out, p_out = out
    e = _neg_abs(y, raw, pos_weight, out=e_out)
    p = np.minimum(raw, 0, out=np.empty_like(e) if p_out is None else p_out)
    np.exp(e, out=e)
    np.exp(p, out=p)  # exp(min(z, 0)): 1 for z >= 0, e for z < 0
    inv = np.add(e, 1, out=np.empty_like(e) if inv_out is None else inv_out)
    np.reciprocal(inv, out=inv)
    p *= inv
    return e, inv, p


def _gradient_from(y, p, wy, c):
    """The derivative ``c * p - w*y`` in place of ``p``."""
    if c is not None:
        p *= c
    p -= wy
    return p


def loss_gradient(y, raw, pos_weight=None):
    """Element-wise BCE and its derivative with respect to ``raw``, sharing one exp."""
    e, _, p = _sigmoid_parts(y, raw, pos_weight)
    wy, c = _positive_factor(y, pos_weight)
    value = _loss_from(y, raw, np.log1p(e, out=e), wy, c)
    return _result(value), _result(_gradient_from(y, p, wy, c))


def gradient_hessian(y, raw, pos_weight=None):
    """First and second derivatives of the element-wise BCE with respect to ``raw``.

    The second derivative is computed as e / (1 + e)**2 with e = exp(-|z|), which
    stays accurate (and strictly positive until it underflows) for large |z|, where
    ``p * (1 - p)`` would round to zero.
    """
    hessian, inv, p = _sigmoid_parts(y, raw, pos_weight)
    hessian *= inv
    hessian *= inv
    wy, c = _positive_factor(y, pos_weight)
    if c is not None:
        hessian *= c
    return _result(_gradient_from(y, p, wy, c)), _result(hessian)


def loss_gradient_hessian(y, raw, pos_weight=None, out=None):
    """Element-wise BCE and its first and second derivatives, sharing one exp.

    The same values as :func:`loss` and :func:`gradient_hessian`, in one pass
    over four new arrays, or over ``out = (loss, gradient, hessian, scratch)``
    (arrays of the broadcast shape and floating dtype, reused by the caller).
    """
    value, gradient, hessian, scratch = (None,) * 4 if out is None else out
    e, inv, p = _sigmoid_parts(y, raw, pos_weight, out=(hessian, scratch, gradient))
    wy, c = _positive_factor(y, pos_weight)
    value = np.log1p(e, out=value)
    hessian = np.multiply(e, inv, out=e)
    hessian *= inv
    if c is not None:
        hessian *= c
    value = _loss_from(y, raw, value, wy, c, scratch=inv)
    gradient = _gradient_from(y, p, wy, c)
    return _result(value), _result(gradient), _result(hessian)
