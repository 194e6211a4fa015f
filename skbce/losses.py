"""Numerically stable binary cross-entropy (BCE) on logits, overlap and GAN losses.

Every function here takes *logits* (raw scores z, with probability
``sigmoid(z)``), never clipped probabilities, so results stay finite and exact for
logits of any magnitude. float32 inputs give float32 outputs; other numeric inputs
are computed in float64.

The estimators of skbce call the private kernels of ``skbce._loss`` directly after
validating their inputs once; the functions below validate every call.
"""

from numbers import Integral, Real

import numpy as np
from scipy.special import expit, log_expit
from sklearn.utils import check_array, check_consistent_length

from ._loss import _binary
from .utils import _validation
from .utils._sklearn_compat import Interval, Options, StrOptions, validate_params

__all__ = [
    "binary_cross_entropy",
    "binary_cross_entropy_gradient",
    "dice_coefficient",
    "discriminator_loss",
    "generator_loss",
    "log_sigmoid",
    "sigmoid",
    "soft_dice_loss",
    "soft_dice_loss_gradient",
]

_FLOAT_DTYPES = (np.float64, np.float32)


def _as_float_array(x, name, ensure_2d=False):
    """Validate ``x`` as a finite float array of at least one dimension.

    float32 is kept, other dtypes become float64. Any number of dimensions is
    accepted: the first axis indexes samples (rows, images), the others the
    elements of one sample (labels, pixels).
    """
    _validation.check_no_label_sets(x, name)
    return check_array(
        x,
        dtype=_FLOAT_DTYPES,
        ensure_2d=ensure_2d,
        allow_nd=True,
        ensure_all_finite=True,
        input_name=name,
    )


def _per_sample(sample_weight, ndim):
    """Row weights of shape (n_samples,) reshaped to broadcast over ``ndim`` axes."""
    return sample_weight.reshape(sample_weight.shape + (1,) * (ndim - 1))


def _weighted(values, weights):
    """``values * weights``, where a zero weight gives 0 even for an infinite value.

    A sample of weight zero is a sample left out, as in scikit-learn, so it
    contributes 0 to a loss or a gradient that overflows to inf for it.
    """
    if weights is None:
        return values
    with np.errstate(invalid="ignore"):
        product = values * weights
    if np.ndim(weights) == 0:
        return product
    return np.where(weights == 0, 0, product)


def _divided_by_temperature(values, temperature, power=1):
    """``values / temperature**power`` in float64, cast back to their dtype.

    The division is done once per power, in float64: a temperature below
    float32's range (or any tiny one) keeps a zero zero and turns a huge
    quotient into +-inf (the limit the kernels handle), never 0 * inf = NaN.
    """
    if temperature == 1:
        return values
    quotient = values.astype(np.float64, copy=True)
    with np.errstate(over="ignore"):
        for _ in range(power):
            quotient /= temperature
        return quotient.astype(values.dtype, copy=False)


@validate_params({"x": ["array-like", Real]}, prefer_skip_nested_validation=True)
def sigmoid(x):
    """Logistic sigmoid ``1 / (1 + exp(-x))``, without overflow for any ``x``.

    The inverse of the logit: it turns the logits every loss of this module takes
    into probabilities. It is :func:`scipy.special.expit` on a validated array.

    Parameters
    ----------
    x : array-like or float
        Logits. NaN propagates; infinities give exactly 0 or 1.

    Returns
    -------
    p : ndarray or float
        Probabilities in [0, 1], of the dtype of ``x`` when it is float32 or
        float64, else float64.

    See Also
    --------
    log_sigmoid : The logarithm of the sigmoid, exact in both tails.

    Examples
    --------
    >>> import numpy as np
    >>> from skbce.losses import sigmoid
    >>> sigmoid(np.array([-1e4, 0.0, 1e4]))
    array([0. , 0.5, 1. ])
    >>> sigmoid(np.array([1.0], dtype=np.float32)).dtype
    dtype('float32')
    """
    return expit(_float_input(x))


@validate_params({"x": ["array-like", Real]}, prefer_skip_nested_validation=True)
def log_sigmoid(x):
    """Logarithm of the sigmoid, ``-log(1 + exp(-x))``, exact in both tails.

    For large negative ``x`` the result is ``x`` itself (not ``-inf``), and for
    large positive ``x`` it is ``-exp(-x)`` (not 0 by cancellation).

    Parameters
    ----------
    x : array-like or float
        Logits.

    Returns
    -------
    log_p : ndarray or float
        ``log(sigmoid(x))``, of the dtype of ``x`` when it is float32 or float64,
        else float64.

    See Also
    --------
    sigmoid : The logistic function itself.

    Examples
    --------
    >>> import numpy as np
    >>> from skbce.losses import log_sigmoid
    >>> log_sigmoid(np.array([-1e4, 0.0, 40.0]))
    array([-1.00000000e+04, -6.93147181e-01, -4.24835426e-18])
    """
    return log_expit(_float_input(x))


def _float_input(x):
    """Cast to a float ndarray, keeping float32 and float64, otherwise float64."""
    x = np.asarray(x)
    if x.dtype not in _FLOAT_DTYPES:
        x = x.astype(np.float64)
    return x


def _validate_targets_and_scores(y_true, scores, scores_name, sample_weight):
    """Validate targets in [0, 1], scores of the same shape and 1-D row weights.

    Returns ``y_true``, ``scores`` and ``sample_weight`` (or None), finite and in
    the floating dtype of ``scores``; the weights are shaped to broadcast over
    the axes of ``scores``.
    """
    scores = _as_float_array(scores, scores_name)
    dtype = scores.dtype
    y_true = _as_float_array(y_true, "y_true").astype(dtype, copy=False)
    if y_true.shape != scores.shape:
        raise ValueError(
            f"y_true and {scores_name} must have the same shape; got "
            f"{y_true.shape} and {scores.shape}."
        )
    if y_true.min() < 0 or y_true.max() > 1:
        raise ValueError(
            "y_true must hold targets in [0, 1] (0/1 labels or probabilities); got "
            f"values in [{y_true.min():g}, {y_true.max():g}]."
        )
    if sample_weight is not None:
        sample_weight = _as_float_array(sample_weight, "sample_weight").astype(
            dtype, copy=False
        )
        if sample_weight.ndim != 1:
            raise ValueError(
                "sample_weight must be 1-D with one weight per sample (the first "
                f"axis of {scores_name}); got shape {sample_weight.shape}."
            )
        check_consistent_length(scores, sample_weight)
        if (sample_weight < 0).any():
            raise ValueError(
                "sample_weight must be non-negative; got negative weights."
            )
        sample_weight = _per_sample(sample_weight, scores.ndim)
    return y_true, scores, sample_weight


def _validate_pos_weight(pos_weight, logits):
    """``pos_weight`` as a scalar or an array broadcast over one sample's axes."""
    if pos_weight is None:
        return None
    dtype = logits.dtype
    pos_weight = np.asarray(pos_weight, dtype=np.float64)
    if pos_weight.ndim:
        pos_weight = _as_float_array(pos_weight, "pos_weight")
    if pos_weight.size == 1:
        pos_weight = pos_weight.reshape(())
    else:
        sample_shape = logits.shape[1:]
        try:
            broadcast = np.broadcast_shapes(pos_weight.shape, sample_shape)
        except ValueError:
            broadcast = None
        if broadcast != sample_shape:
            raise ValueError(
                "pos_weight must be a scalar or hold one weight per label, "
                "broadcastable to the shape of one sample "
                f"{sample_shape} (for 2-D logits: shape (n_labels,)); got shape "
                f"{pos_weight.shape}."
            )
    if not (pos_weight >= 0).all():
        raise ValueError("pos_weight must be non-negative.")
    if not (pos_weight <= np.finfo(dtype).max).all():
        raise ValueError(
            f"pos_weight must be finite in the dtype of the logits ({dtype}); got "
            f"a weight up to {pos_weight.max():g}. Pass float64 logits for such "
            "weights."
        )
    pos_weight = pos_weight.astype(dtype)
    return pos_weight[()] if pos_weight.ndim == 0 else pos_weight


def _validate_bce_inputs(
    y_true, logits, sample_weight, pos_weight, label_smoothing, temperature
):
    """Validate the inputs shared by the BCE value and gradient functions.

    Returns the logits divided by the temperature, the smoothed targets, the sample
    weights (or None, shaped to broadcast over the logits) and the positive
    weights (or None), all in the logits' dtype.
    """
    y_true, logits, sample_weight = _validate_targets_and_scores(
        y_true, logits, "logits", sample_weight
    )
    pos_weight = _validate_pos_weight(pos_weight, logits)
    if label_smoothing:
        y_true = y_true * (1 - label_smoothing) + label_smoothing / 2
    logits = _divided_by_temperature(logits, temperature)
    return logits, y_true, sample_weight, pos_weight


def _reduce_weights(logits, sample_weight, reduction):
    """Per-element multipliers that turn element losses into the requested reduction.

    Returns None (no weighting) or an array broadcastable against ``logits``
    (``sample_weight`` already shaped so).
    """
    if reduction != "mean":
        return sample_weight
    n_elements = logits.size // logits.shape[0] if logits.shape[0] else 0
    total = logits.shape[0] if sample_weight is None else sample_weight.sum()
    total = total * n_elements
    if total <= 0:
        raise ValueError(
            "sample_weight sums to zero: the weighted mean is undefined. Give at "
            "least one sample a positive weight or use reduction='sum'."
        )
    norm = logits.dtype.type(1 / total)
    return norm if sample_weight is None else sample_weight * norm


_BCE_PARAMS = {
    "y_true": ["array-like"],
    "logits": ["array-like"],
    "sample_weight": ["array-like", None],
    "pos_weight": ["array-like", Interval(Real, 0, None, closed="left"), None],
    "label_smoothing": [Interval(Real, 0, 1, closed="left")],
    "temperature": [Interval(Real, 0, None, closed="neither")],
    "reduction": [StrOptions({"mean", "sum", "none"})],
}


@validate_params(_BCE_PARAMS, prefer_skip_nested_validation=True)
def binary_cross_entropy(
    y_true,
    logits,
    *,
    sample_weight=None,
    pos_weight=None,
    label_smoothing=0.0,
    temperature=1.0,
    reduction="mean",
):
    r"""Binary cross-entropy of logits, for binary, multi-label or N-D targets.

    Each element contributes

    .. math::

        \ell(y, z) = -\left(w\, \tilde y \log \sigma(z / T)
                     + (1 - \tilde y) \log(1 - \sigma(z / T))\right),
        \qquad \tilde y = y (1 - \varepsilon) + \varepsilon / 2,

    with ``w = pos_weight``, ``T = temperature`` and ``ε = label_smoothing``. The
    element losses are multiplied by the weight of their sample and reduced. The
    first axis indexes samples (rows, images); the others, however many, the
    elements of one sample (labels, pixels): an (n_samples, height, width) batch
    of masks is reduced exactly as its (n_samples, height * width) reshape.

    Every element is accurate to about 1e-12 relative for logits of any
    magnitude, any ``pos_weight`` and any target in [0, 1] (see Notes).

    Parameters
    ----------
    y_true : array-like of shape (n_samples,) or (n_samples, d1, ...)
        Targets in [0, 1]: 0/1 labels or soft targets.
    logits : array-like of the same shape as ``y_true``
        Raw scores z; the predicted probability is ``sigmoid(z / T)``.
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative weight of each sample (row or image). A sample of weight
        0 contributes 0, as if it were left out.
    pos_weight : float or array-like, default=None
        Weight of the positive term: one for all elements, or an array
        broadcastable to the shape of one sample, ``logits.shape[1:]`` (for
        2-D logits, one weight per label, shape (n_labels,)), as ``pos_weight``
        in PyTorch's ``BCEWithLogitsLoss``. None means 1.
    label_smoothing : float in [0, 1), default=0.0
        Targets are moved towards 1/2: ``y (1 - ε) + ε / 2``.
    temperature : float > 0, default=1.0
        Logits are divided by it before the sigmoid.
    reduction : {"mean", "sum", "none"}, default="mean"
        ``"mean"``: the sample-weighted average over all elements (total weighted
        loss divided by ``sum(sample_weight)`` times the number of elements of
        one sample, as :func:`sklearn.metrics.log_loss` averages); ``"sum"``:
        the weighted total; ``"none"``: the weighted element losses, shaped
        like ``logits``.

    Returns
    -------
    loss : float or ndarray
        A float for "mean" and "sum", an array for "none"; in the dtype of
        ``logits`` (float32 or float64).

    See Also
    --------
    binary_cross_entropy_gradient : Its first and second derivatives.
    sklearn.metrics.log_loss : The same mean loss, from clipped probabilities.

    Notes
    -----
    With ``u = 1 - y`` and ``v = w y`` the element loss is
    ``v softplus(-z) + u softplus(z)``, computed as two non-negative terms from
    one ``exp(-|z|)``: never as a difference such as ``(w y + 1 - y) - w y``,
    which loses every digit of ``1 - y`` once ``w y`` dwarfs it. The accuracy
    is about 1e-12 relative wherever ``w y`` is 0 or a normal number and
    ``exp(-|z / T|)`` does not underflow (``|z / T| < 708``); beyond, a term keeps
    the absolute accuracy of the smallest normal number. ``z / T`` is formed
    in float64: where it overflows, the loss is its limit, 0 for a 0/1
    target on the right side and +inf otherwise (``temperature=1e-310``
    gives 0, not NaN, for a right logit). An element loss beyond the float
    range is +inf before its sample weight multiplies it.

    Examples
    --------
    >>> import numpy as np
    >>> from skbce.losses import binary_cross_entropy
    >>> y = np.array([1, 0, 1])
    >>> z = np.array([2.0, -1.0, 1e4])
    >>> round(float(binary_cross_entropy(y, z)), 6)
    0.14673
    >>> binary_cross_entropy(y, z, reduction="none")
    array([0.12692801, 0.31326169, 0.        ])
    """
    logits, y_true, sample_weight, pos_weight = _validate_bce_inputs(
        y_true, logits, sample_weight, pos_weight, label_smoothing, temperature
    )
    values = _binary.loss(y_true, logits, pos_weight)
    values = _weighted(values, _reduce_weights(logits, sample_weight, reduction))
    if reduction == "none":
        return values
    return values.sum(dtype=logits.dtype)


@validate_params(
    {**_BCE_PARAMS, "return_hessian": ["boolean"]},
    prefer_skip_nested_validation=True,
)
def binary_cross_entropy_gradient(
    y_true,
    logits,
    *,
    sample_weight=None,
    pos_weight=None,
    label_smoothing=0.0,
    temperature=1.0,
    reduction="mean",
    return_hessian=False,
):
    r"""Gradient (and Hessian diagonal) of :func:`binary_cross_entropy` in the logits.

    For one element the derivative is the familiar :math:`(p - y)` identity,
    generalised to a positive weight :math:`w` and a temperature :math:`T`:

    .. math::

        \frac{\partial \ell}{\partial z} = \frac{(w \tilde y + 1 - \tilde y)\, p
        - w \tilde y}{T}, \qquad
        \frac{\partial^2 \ell}{\partial z^2} = \frac{(w \tilde y + 1 - \tilde y)\,
        p (1 - p)}{T^2}, \qquad p = \sigma(z / T).

    The loss is separable, so its Hessian is diagonal and returned as an array
    shaped like ``logits``. Both are multiplied by the sample weights and by the
    normalisation of ``reduction`` exactly as the loss is, so they are the
    derivatives of ``binary_cross_entropy(..., reduction=reduction)`` ("none":
    of each element's weighted loss). The gradient is computed as
    ``(1 - y) p - w y (1 - p)`` from two exact sigmoids, accurate to about
    1e-12 of the size of these two terms for any ``pos_weight`` and target;
    both derivatives are divided by ``T`` (twice for the Hessian) in float64,
    so a tiny temperature gives their limits or +-inf, never NaN.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,) or (n_samples, d1, ...)
        Targets in [0, 1]: 0/1 labels or soft targets.
    logits : array-like of the same shape as ``y_true``
        Raw scores z, the variables of the derivatives.
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative weight of each sample (row or image).
    pos_weight : float or array-like, default=None
        Weight of the positive term: one for all elements, or an array
        broadcastable to ``logits.shape[1:]`` (one per label for 2-D logits).
        None means 1.
    label_smoothing : float in [0, 1), default=0.0
        Targets are moved towards 1/2: ``y (1 - ε) + ε / 2``.
    temperature : float > 0, default=1.0
        Logits are divided by it before the sigmoid.
    reduction : {"mean", "sum", "none"}, default="mean"
        The reduction of the loss being differentiated, as in
        :func:`binary_cross_entropy`.
    return_hessian : bool, default=False
        Also return the Hessian diagonal; it shares the exponential with the
        gradient, so asking for both costs little more than the gradient alone.

    Returns
    -------
    gradient : ndarray, shaped like ``logits``
        Derivative of the reduced loss in each logit.
    hessian : ndarray, shaped like ``logits``
        Second derivative in each logit (the whole Hessian, which is diagonal).
        Only returned when ``return_hessian=True``.

    See Also
    --------
    binary_cross_entropy : The loss itself.

    Examples
    --------
    >>> import numpy as np
    >>> from skbce.losses import binary_cross_entropy_gradient, sigmoid
    >>> y = np.array([1.0, 0.0])
    >>> z = np.array([0.5, -2.0])
    >>> grad = binary_cross_entropy_gradient(y, z, reduction="sum")
    >>> np.allclose(grad, sigmoid(z) - y)
    True
    """
    logits, y_true, sample_weight, pos_weight = _validate_bce_inputs(
        y_true, logits, sample_weight, pos_weight, label_smoothing, temperature
    )
    gradient, hessian = _binary.gradient_hessian(y_true, logits, pos_weight)
    weights = _reduce_weights(logits, sample_weight, reduction)
    gradient = _weighted(_divided_by_temperature(gradient, temperature), weights)
    if not return_hessian:
        return gradient
    hessian = _divided_by_temperature(hessian, temperature, power=2)
    return gradient, _weighted(hessian, weights)


def _overlap_axes(ndim, axis):
    """The array axes that ``axis`` of the Dice measures reduces (None: all).

    ``axis=1`` reduces every axis but the first (one value per sample: a row of
    labels or an image of any number of dimensions); ``axis=0`` the first (one
    value per label or pixel position). 1-D inputs are always pooled.
    """
    if axis is None or ndim == 1:
        return None
    return 0 if axis == 0 else tuple(range(1, ndim))


def _overlap_sums(y_true, y_pred, sample_weight, axes, keepdims=False):
    """Weighted sums of y*p, y and p over ``axes`` (None: over all elements)."""
    if sample_weight is not None:
        y_true_w = y_true * sample_weight
        y_pred_w = y_pred * sample_weight
    else:
        y_true_w, y_pred_w = y_true, y_pred
    return (
        (y_true_w * y_pred).sum(axis=axes, keepdims=keepdims),
        y_true_w.sum(axis=axes, keepdims=keepdims),
        y_pred_w.sum(axis=axes, keepdims=keepdims),
    )


_AXIS_OPTIONS = [Options(Integral, {0, 1}), None]

_AXIS_DOC = """axis : {None, 0, 1}, default=None
        None pools all elements into one value. 1 gives one value per sample:
        per row of a 2-D input, per image of an (n_samples, height, width[, ...])
        input, reducing every axis but the first (per-image Dice, as
        segmentation papers average). 0 gives one value per column (label) or
        per pixel position, of shape ``y_true.shape[1:]``. 1-D inputs are pooled
        whatever the axis."""


@validate_params(
    {
        "y_true": ["array-like"],
        "y_pred": ["array-like"],
        "sample_weight": ["array-like", None],
        "axis": _AXIS_OPTIONS,
        "zero_division": [Interval(Real, 0, 1, closed="both")],
    },
    prefer_skip_nested_validation=True,
)
def dice_coefficient(
    y_true, y_pred, *, sample_weight=None, axis=None, zero_division=1.0
):
    r"""Dice (Sørensen) coefficient of 0/1 predictions, :math:`2TP / (2TP + FP + FN)`.

    The Dice coefficient is the overlap measure of segmentation: for a tiny
    foreground, accuracy and BCE are dominated by the background, while Dice only
    counts the structure. On 0/1 predictions it equals the F1 score.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,) or (n_samples, d1, ...)
        0/1 ground truth: one row per sample, or one mask per image.
    y_pred : array-like of the same shape
        0/1 predictions.
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative weight of each sample (row or image).
    {axis}
    zero_division : float in [0, 1], default=1.0
        Value returned where there are no positives in truth and prediction
        (an empty mask predicted empty is a perfect match).

    Returns
    -------
    dice : float or ndarray
        A float when ``axis`` is None, otherwise one value per sample
        (``axis=1``) or per column or pixel position (``axis=0``).

    See Also
    --------
    soft_dice_loss : The differentiable version on logits.
    sklearn.metrics.f1_score : The same number for 1-D binary inputs.

    Examples
    --------
    >>> import numpy as np
    >>> from skbce.losses import dice_coefficient
    >>> dice_coefficient([1, 1, 0, 0], [1, 0, 1, 0])
    0.5
    >>> dice_coefficient([[1, 0], [0, 0]], [[1, 0], [0, 0]], axis=1)
    array([1., 1.])

    Two 2 x 2 masks, one Dice per image:

    >>> masks = np.array([[[1, 1], [0, 0]], [[0, 1], [0, 0]]])
    >>> predicted = np.array([[[1, 0], [0, 0]], [[0, 1], [0, 0]]])
    >>> dice_coefficient(masks, predicted, axis=1).round(3)
    array([0.667, 1.   ])
    """
    y_true, y_pred, sample_weight = _validate_targets_and_scores(
        y_true, y_pred, "y_pred", sample_weight
    )
    if not np.isin(y_pred, (0, 1)).all():
        raise ValueError(
            "y_pred must hold 0/1 predictions; threshold probabilities first, or "
            "use soft_dice_loss for scores."
        )
    axes = _overlap_axes(y_true.ndim, axis)
    intersection, n_true, n_pred = _overlap_sums(y_true, y_pred, sample_weight, axes)
    denominator = n_true + n_pred
    with np.errstate(invalid="ignore", divide="ignore"):
        dice = np.where(denominator > 0, 2 * intersection / denominator, zero_division)
    return float(dice) if dice.ndim == 0 else dice


_SOFT_DICE_PARAMS = {
    "y_true": ["array-like"],
    "logits": ["array-like"],
    "sample_weight": ["array-like", None],
    "axis": _AXIS_OPTIONS,
    "smooth": [Interval(Real, 0, None, closed="left")],
}


def _soft_dice_parts(y_true, logits, sample_weight, axis, smooth, keepdims=False):
    """Validated inputs, probabilities, and the numerator and denominator of Dice.

    Returns ``(y_true, logits, sample_weight, proba, numerator, denominator)``
    with ``numerator = 2 sum(w y p) + s`` and ``denominator = sum(w y) +
    sum(w p) + s`` reduced as ``axis`` says (kept as size-1 axes with
    ``keepdims``, to broadcast back).
    """
    y_true, logits, sample_weight = _validate_targets_and_scores(
        y_true, logits, "logits", sample_weight
    )
    proba = expit(logits)
    axes = _overlap_axes(y_true.ndim, axis)
    intersection, n_true, n_pred = _overlap_sums(
        y_true, proba, sample_weight, axes, keepdims=keepdims
    )
    numerator = 2 * intersection + smooth
    denominator = n_true + n_pred + smooth
    return y_true, logits, sample_weight, proba, numerator, denominator


@validate_params(_SOFT_DICE_PARAMS, prefer_skip_nested_validation=True)
def soft_dice_loss(y_true, logits, *, sample_weight=None, axis=None, smooth=1.0):
    r"""Soft Dice loss of logits: :math:`1 - (2\sum y p + s) / (\sum y + \sum p + s)`.

    The probabilities :math:`p = \sigma(z)` replace the hard predictions of the
    Dice coefficient, which makes the loss differentiable; the smoothing constant
    :math:`s` keeps it defined for empty masks. The sums run over the elements
    that ``axis`` reduces, each multiplied by its sample's weight.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,) or (n_samples, d1, ...)
        Targets in [0, 1].
    logits : array-like of the same shape
        Raw scores; probabilities are ``sigmoid(logits)``.
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative weight of each sample (row or image).
    {axis}
    smooth : float >= 0, default=1.0
        Additive smoothing in numerator and denominator.

    Returns
    -------
    loss : float or ndarray
        In [0, 1]; a float when ``axis`` is None, else one loss per sample
        (``axis=1``) or per column or pixel position (``axis=0``). A training
        loss per image is ``soft_dice_loss(..., axis=1).mean()``.

    See Also
    --------
    soft_dice_loss_gradient : Its gradient in the logits.
    dice_coefficient : The hard coefficient on 0/1 predictions.
    binary_cross_entropy : The per-element loss it is often combined with.

    Examples
    --------
    >>> import numpy as np
    >>> from skbce.losses import soft_dice_loss
    >>> y = np.array([1, 0, 0, 0])
    >>> round(soft_dice_loss(y, np.array([10.0, -10.0, -10.0, -10.0]), smooth=0), 4)
    0.0001

    A batch of two 8 x 8 masks, one loss per image:

    >>> masks = np.zeros((2, 8, 8))
    >>> masks[:, 2:5, 2:5] = 1
    >>> logits = np.where(masks == 1, 3.0, -3.0)
    >>> soft_dice_loss(masks, logits, axis=1).round(4)
    array([0.1433, 0.1433])
    """
    *_, numerator, denominator = _soft_dice_parts(
        y_true, logits, sample_weight, axis, smooth
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        dice = np.where(denominator > 0, numerator / denominator, 1.0)
    loss = 1 - dice
    return float(loss) if loss.ndim == 0 else loss


@validate_params(_SOFT_DICE_PARAMS, prefer_skip_nested_validation=True)
def soft_dice_loss_gradient(
    y_true, logits, *, sample_weight=None, axis=None, smooth=1.0
):
    r"""Gradient of :func:`soft_dice_loss` with respect to the logits.

    With :math:`N = 2\sum w y p + s` and :math:`D = \sum w y + \sum w p + s`
    over the elements that ``axis`` reduces, the loss is :math:`1 - N / D` and

    .. math::

        \frac{\partial L}{\partial z_j} = w_j\, \frac{N - 2 y_j D}{D^2}\,
        p_j (1 - p_j),

    so, unlike the BCE gradient :math:`p - y`, each element's signal depends on
    every other element of its sample through :math:`N` and :math:`D`, and it
    vanishes where the sigmoid saturates. Where the loss is defined as 0
    (``D = 0``: no smoothing, an empty mask and probabilities that underflow to
    0) the gradient is 0.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,) or (n_samples, d1, ...)
        Targets in [0, 1].
    logits : array-like of the same shape
        Raw scores, the variables of the derivative.
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative weight of each sample (row or image).
    {axis}
    smooth : float >= 0, default=1.0
        Additive smoothing in numerator and denominator.

    Returns
    -------
    gradient : ndarray, shaped like ``logits``
        For ``axis=None``, the gradient of the (scalar) loss. For ``axis`` 0 or
        1, the gradient of the sum of the returned losses: each logit enters
        exactly one of them, so this is each loss's gradient in its own logits
        (the gradient of their mean is this divided by their number). In the
        dtype of ``logits`` (float32 or float64).

    See Also
    --------
    soft_dice_loss : The loss itself.
    binary_cross_entropy_gradient : The gradient of BCE, for comparison.

    Examples
    --------
    >>> import numpy as np
    >>> from skbce.losses import soft_dice_loss, soft_dice_loss_gradient
    >>> y = np.array([1.0, 0.0, 0.0, 1.0])
    >>> z = np.array([0.5, -1.0, 2.0, -3.0])
    >>> gradient = soft_dice_loss_gradient(y, z)
    >>> step = 1e-6 * np.eye(4)
    >>> numeric = [
    ...     (soft_dice_loss(y, z + h) - soft_dice_loss(y, z - h)) / 2e-6 for h in step
    ... ]
    >>> bool(np.allclose(gradient, numeric, atol=1e-8))
    True
    """
    y_true, logits, sample_weight, proba, numerator, denominator = _soft_dice_parts(
        y_true, logits, sample_weight, axis, smooth, keepdims=True
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        gradient = (numerator - 2 * y_true * denominator) / denominator**2
    gradient = np.where(denominator > 0, gradient, 0)
    gradient = gradient * (proba * expit(-logits))
    if sample_weight is not None:
        gradient = gradient * sample_weight
    return gradient.astype(logits.dtype, copy=False)


for _function in (dice_coefficient, soft_dice_loss, soft_dice_loss_gradient):
    _function.__doc__ = _function.__doc__.replace("{axis}", _AXIS_DOC)


# Losses of the two players of a generative adversarial network (GAN). The
# discriminator D outputs logits z; D(x) = sigmoid(z / T).

_GAN_PARAMS = {
    "temperature": [Interval(Real, 0, None, closed="neither")],
    "reduction": [StrOptions({"mean", "sum", "none"})],
    "return_gradient": ["boolean"],
}


def _bce_against_constant(logits, target, temperature, reduction, name):
    """BCE of ``logits / T`` against one constant target, with its gradient in z.

    Both are reduced as :func:`binary_cross_entropy` reduces (without sample
    weights); the gradient is with respect to the raw logits, so it carries 1/T.
    """
    if np.size(logits) == 0:
        raise ValueError(f"{name} is empty: the loss needs at least one logit.")
    logits = _as_float_array(logits, name)
    logits, targets, _, _ = _validate_bce_inputs(
        np.full(logits.shape, target, dtype=logits.dtype),
        logits,
        None,
        None,
        0.0,
        temperature,
    )
    values, gradient = _binary.loss_gradient(targets, logits)
    weights = _reduce_weights(logits, None, reduction)
    values = _weighted(values, weights)
    gradient = _weighted(_divided_by_temperature(gradient, temperature), weights)
    if reduction != "none":
        values = values.sum(dtype=logits.dtype)
    return values, gradient


@validate_params(
    {
        "real_logits": ["array-like"],
        "fake_logits": ["array-like"],
        "label_smoothing": [Interval(Real, 0, 1, closed="left")],
        **_GAN_PARAMS,
    },
    prefer_skip_nested_validation=True,
)
def discriminator_loss(
    real_logits,
    fake_logits,
    *,
    label_smoothing=0.0,
    temperature=1.0,
    reduction="mean",
    return_gradient=False,
):
    r"""The discriminator's loss in a GAN: BCE of real samples as 1 and fakes as 0.

    With :math:`D = \sigma(z / T)` the discriminator's probability that a sample
    is real, the loss is

    .. math::

        L_D = -\operatorname{E}_{x}\left[(1 - \varepsilon) \log D(x)
              + \varepsilon \log(1 - D(x))\right]
              - \operatorname{E}_{z}\left[\log(1 - D(G(z)))\right],

    the binary cross-entropy of the real logits against the target
    :math:`1 - \varepsilon` plus that of the fake logits against 0. One-sided
    label smoothing (:math:`\varepsilon > 0` on the real targets only, as
    Salimans et al. (2016) recommend) stops the discriminator from pushing the
    logits of real samples to infinity; the fake targets stay 0 so that the
    optimal discriminator still tells the generator where the data are. A
    temperature :math:`T > 1` flattens the discriminator's output.

    Parameters
    ----------
    real_logits : array-like of shape (n_real,) or (n_real, n_outputs)
        The discriminator's logits on real samples.
    fake_logits : array-like of shape (n_fake,) or (n_fake, n_outputs)
        Its logits on generated samples.
    label_smoothing : float in [0, 1), default=0.0
        :math:`\varepsilon`: the real samples' target is ``1 - label_smoothing``.
    temperature : float > 0, default=1.0
        Logits are divided by it before the sigmoid.
    reduction : {"mean", "sum", "none"}, default="mean"
        ``"mean"``: the mean loss over the real samples plus the mean over the
        fakes (the two expectations above); ``"sum"``: the two sums;
        ``"none"``: the element losses of each, as a pair of arrays.
    return_gradient : bool, default=False
        Also return the gradients with respect to ``real_logits`` and
        ``fake_logits`` (of the reduced loss; for ``"none"``, of each element).

    Returns
    -------
    loss : float or tuple of two ndarrays
        A float for "mean" and "sum"; ``(real_losses, fake_losses)`` for "none".
    gradient : tuple of two ndarrays
        ``(gradient_real, gradient_fake)``, shaped like the logits; only when
        ``return_gradient=True``.

    See Also
    --------
    generator_loss : The other player's loss.
    binary_cross_entropy : The loss both are made of.

    References
    ----------
    .. [1] I. Goodfellow et al., "Generative Adversarial Nets", NeurIPS 2014.
    .. [2] T. Salimans et al., "Improved Techniques for Training GANs",
       NeurIPS 2016 (one-sided label smoothing).

    Examples
    --------
    >>> import numpy as np
    >>> from skbce.losses import discriminator_loss
    >>> real, fake = np.array([2.0, 3.0]), np.array([-1.0, 0.5])
    >>> round(float(discriminator_loss(real, fake)), 4)
    0.7314
    >>> loss, (g_real, g_fake) = discriminator_loss(real, fake, return_gradient=True)
    >>> bool((g_real < 0).all() and (g_fake > 0).all())
    True
    """
    real, g_real = _bce_against_constant(
        real_logits, 1 - label_smoothing, temperature, reduction, "real_logits"
    )
    fake, g_fake = _bce_against_constant(
        fake_logits, 0.0, temperature, reduction, "fake_logits"
    )
    loss = (real, fake) if reduction == "none" else real + fake
    return (loss, (g_real, g_fake)) if return_gradient else loss


@validate_params(
    {"fake_logits": ["array-like"], "saturating": ["boolean"], **_GAN_PARAMS},
    prefer_skip_nested_validation=True,
)
def generator_loss(
    fake_logits,
    *,
    saturating=False,
    temperature=1.0,
    reduction="mean",
    return_gradient=False,
):
    r"""The generator's loss in a GAN, saturating or non-saturating.

    With :math:`D = \sigma(z / T)` the discriminator's probability that a
    generated sample is real, the generator minimises

    .. math::

        L_G^{\text{sat}} = \operatorname{E}\left[\log(1 - D(G(z)))\right]
        \quad\text{or}\quad
        L_G^{\text{non-sat}} = -\operatorname{E}\left[\log D(G(z))\right].

    The saturating loss is the minimax game of Goodfellow et al. (2014), minus
    the discriminator's loss on the fakes. Its gradient with respect to the
    logit is :math:`-D / T`: it *vanishes* when the discriminator confidently
    rejects the fakes (:math:`D \to 0`), exactly when the generator most needs
    a signal. The non-saturating loss has the same fixed point and gradient
    :math:`-(1 - D) / T`, which tends to :math:`-1/T` there. The temperature
    divides the logits, so a :math:`T > 1` makes the discriminator less
    confident and revives the saturating gradient.

    Parameters
    ----------
    fake_logits : array-like of shape (n_fake,) or (n_fake, n_outputs)
        The discriminator's logits on generated samples.
    saturating : bool, default=False
        Use the saturating (minimax) loss instead of the non-saturating one.
    temperature : float > 0, default=1.0
        Logits are divided by it before the sigmoid.
    reduction : {"mean", "sum", "none"}, default="mean"
        The mean or the sum over the elements, or the element losses.
    return_gradient : bool, default=False
        Also return the gradient with respect to ``fake_logits``.

    Returns
    -------
    loss : float or ndarray
        A float for "mean" and "sum", an array shaped like the logits for "none".
        The saturating loss is non-positive, the non-saturating one
        non-negative.
    gradient : ndarray, shaped like ``fake_logits``
        Only when ``return_gradient=True``.

    See Also
    --------
    discriminator_loss : The other player's loss.

    References
    ----------
    .. [1] I. Goodfellow et al., "Generative Adversarial Nets", NeurIPS 2014,
       Section 3 (the non-saturating alternative).

    Examples
    --------
    >>> import numpy as np
    >>> from skbce.losses import generator_loss
    >>> confident = np.array([-10.0])  # the discriminator rejects the fake
    >>> _, saturating = generator_loss(confident, saturating=True, return_gradient=True)
    >>> _, non_saturating = generator_loss(confident, return_gradient=True)
    >>> print(f"{saturating[0]:.2e} {non_saturating[0]:.4f}")
    -4.54e-05 -1.0000
    """
    if saturating:
        # log(1 - D) = -BCE(0, z / T).
        loss, gradient = _bce_against_constant(
            fake_logits, 0.0, temperature, reduction, "fake_logits"
        )
        loss, gradient = -loss, -gradient
    else:
        # -log D = BCE(1, z / T).
        loss, gradient = _bce_against_constant(
            fake_logits, 1.0, temperature, reduction, "fake_logits"
        )
    return (loss, gradient) if return_gradient else loss
