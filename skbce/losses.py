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
]

_FLOAT_DTYPES = (np.float64, np.float32)


def _as_float_array(x, name, ensure_2d=False):
    """Validate ``x`` as a finite 1-D or 2-D float array, keeping float32."""
    _validation.check_no_label_sets(x, name)
    x = check_array(
        x,
        dtype=_FLOAT_DTYPES,
        ensure_2d=ensure_2d,
        ensure_all_finite=True,
        input_name=name,
    )
    if x.ndim > 2:
        raise ValueError(f"{name} must be 1-D or 2-D; got an array of shape {x.shape}.")
    return x


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
    the floating dtype of ``scores``.
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
                "sample_weight must be 1-D with one weight per sample (row); got "
                f"shape {sample_weight.shape}."
            )
        check_consistent_length(scores, sample_weight)
        if (sample_weight < 0).any():
            raise ValueError(
                "sample_weight must be non-negative; got negative weights."
            )
    return y_true, scores, sample_weight


def _validate_bce_inputs(
    y_true, logits, sample_weight, pos_weight, label_smoothing, temperature
):
    """Validate the inputs shared by the BCE value and gradient functions.

    Returns the logits divided by the temperature, the smoothed targets, the sample
    weights (or None) and the positive weights (or None), all in the logits' dtype.
    """
    y_true, logits, sample_weight = _validate_targets_and_scores(
        y_true, logits, "logits", sample_weight
    )
    dtype = logits.dtype
    if pos_weight is not None:
        pos_weight = _as_float_array(np.atleast_1d(pos_weight), "pos_weight")
        pos_weight = pos_weight.astype(dtype, copy=False)
        n_labels = logits.shape[1] if logits.ndim == 2 else 1
        if pos_weight.ndim != 1 or pos_weight.shape[0] not in (1, n_labels):
            raise ValueError(
                "pos_weight must be a scalar or hold one weight per label "
                f"({n_labels}); got shape {pos_weight.shape}."
            )
        if (pos_weight < 0).any():
            raise ValueError("pos_weight must be non-negative.")
        if logits.ndim == 1 or pos_weight.shape[0] == 1:
            pos_weight = pos_weight[0]
    if label_smoothing:
        y_true = y_true * (1 - label_smoothing) + label_smoothing / 2
    if temperature != 1:
        logits = logits / dtype.type(temperature)
    return logits, y_true, sample_weight, pos_weight


def _reduce_weights(logits, sample_weight, reduction):
    """Per-element multipliers that turn element losses into the requested reduction.

    Returns None (no weighting) or an array broadcastable against ``logits``.
    """
    weights = None
    if sample_weight is not None:
        weights = sample_weight if logits.ndim == 1 else sample_weight[:, None]
    if reduction != "mean":
        return weights
    n_labels = 1 if logits.ndim == 1 else logits.shape[1]
    total = logits.shape[0] if sample_weight is None else sample_weight.sum()
    total = total * n_labels
    if total <= 0:
        raise ValueError(
            "sample_weight sums to zero: the weighted mean is undefined. Give at "
            "least one sample a positive weight or use reduction='sum'."
        )
    norm = logits.dtype.type(1 / total)
    return norm if weights is None else weights * norm


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
    r"""Binary cross-entropy of logits, for binary (1-D) or multi-label (2-D) targets.

    Each element contributes

    .. math::

        \ell(y, z) = -\left(w\, \tilde y \log \sigma(z / T)
                     + (1 - \tilde y) \log(1 - \sigma(z / T))\right),
        \qquad \tilde y = y (1 - \varepsilon) + \varepsilon / 2,

    with ``w = pos_weight``, ``T = temperature`` and ``ε = label_smoothing``. The
    element losses are multiplied by the weight of their sample (row) and reduced.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,) or (n_samples, n_labels)
        Targets in [0, 1]: 0/1 labels or soft targets.
    logits : array-like of the same shape as ``y_true``
        Raw scores z; the predicted probability is ``sigmoid(z / T)``.
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative weight of each sample (row).
    pos_weight : float or array-like of shape (n_labels,), default=None
        Weight of the positive term, one for all labels or one per label
        (as ``pos_weight`` in PyTorch's ``BCEWithLogitsLoss``). None means 1.
    label_smoothing : float in [0, 1), default=0.0
        Targets are moved towards 1/2: ``y (1 - ε) + ε / 2``.
    temperature : float > 0, default=1.0
        Logits are divided by it before the sigmoid.
    reduction : {"mean", "sum", "none"}, default="mean"
        ``"mean"``: the sample-weighted average over all elements (total weighted
        loss divided by ``sum(sample_weight) * n_labels``, as
        :func:`sklearn.metrics.log_loss` averages); ``"sum"``: the weighted total;
        ``"none"``: the weighted element losses, shaped like ``logits``.

    Returns
    -------
    loss : float or ndarray
        A float for "mean" and "sum", an array for "none"; in the dtype of
        ``logits`` (float32 or float64).

    See Also
    --------
    binary_cross_entropy_gradient : Its first and second derivatives.
    sklearn.metrics.log_loss : The same mean loss, from clipped probabilities.

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
    weights = _reduce_weights(logits, sample_weight, reduction)
    if weights is not None:
        values = values * weights
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
    of each element's weighted loss).

    Parameters
    ----------
    y_true : array-like of shape (n_samples,) or (n_samples, n_labels)
        Targets in [0, 1]: 0/1 labels or soft targets.
    logits : array-like of the same shape as ``y_true``
        Raw scores z, the variables of the derivatives.
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative weight of each sample (row).
    pos_weight : float or array-like of shape (n_labels,), default=None
        Weight of the positive term, one for all labels or one per label.
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
    scale = logits.dtype.type(1 / temperature)
    gradient = gradient * (scale if weights is None else weights * scale)
    if not return_hessian:
        return gradient
    hessian = hessian * (scale**2 if weights is None else weights * scale**2)
    return gradient, hessian


def _validate_overlap_inputs(y_true, y_pred, pred_name, sample_weight):
    """Validate targets, predictions and row weights of the Dice measures.

    The row weights come back broadcastable against ``y_pred``.
    """
    y_true, y_pred, sample_weight = _validate_targets_and_scores(
        y_true, y_pred, pred_name, sample_weight
    )
    if sample_weight is not None and y_pred.ndim == 2:
        sample_weight = sample_weight[:, None]
    return y_true, y_pred, sample_weight


def _overlap_sums(y_true, y_pred, sample_weight, axis):
    """Weighted sums of y*p, y and p along ``axis`` (None: over all elements)."""
    if sample_weight is not None:
        y_true_w = y_true * sample_weight
        y_pred_w = y_pred * sample_weight
    else:
        y_true_w, y_pred_w = y_true, y_pred
    if axis is not None and y_true.ndim == 1:
        axis = None
    return (
        (y_true_w * y_pred).sum(axis=axis),
        y_true_w.sum(axis=axis),
        y_pred_w.sum(axis=axis),
    )


_AXIS_OPTIONS = [Options(Integral, {0, 1}), None]


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
    y_true : array-like of shape (n_samples,) or (n_samples, n_labels)
        0/1 ground truth (e.g. one row per image, one column per pixel).
    y_pred : array-like of the same shape
        0/1 predictions.
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative weight of each row.
    axis : {None, 0, 1}, default=None
        None pools all elements into one coefficient; 1 gives one coefficient per
        row (per image, as segmentation papers average), 0 one per column
        (per label).
    zero_division : float in [0, 1], default=1.0
        Value returned where there are no positives in truth and prediction
        (an empty mask predicted empty is a perfect match).

    Returns
    -------
    dice : float or ndarray
        A float when ``axis`` is None, otherwise one value per row or column.

    See Also
    --------
    soft_dice_loss : The differentiable version on logits.
    sklearn.metrics.f1_score : The same number for 1-D binary inputs.

    Examples
    --------
    >>> from skbce.losses import dice_coefficient
    >>> dice_coefficient([1, 1, 0, 0], [1, 0, 1, 0])
    0.5
    >>> dice_coefficient([[1, 0], [0, 0]], [[1, 0], [0, 0]], axis=1)
    array([1., 1.])
    """
    y_true, y_pred, sample_weight = _validate_overlap_inputs(
        y_true, y_pred, "y_pred", sample_weight
    )
    if not np.isin(y_pred, (0, 1)).all():
        raise ValueError(
            "y_pred must hold 0/1 predictions; threshold probabilities first, or "
            "use soft_dice_loss for scores."
        )
    intersection, n_true, n_pred = _overlap_sums(y_true, y_pred, sample_weight, axis)
    denominator = n_true + n_pred
    with np.errstate(invalid="ignore", divide="ignore"):
        dice = np.where(denominator > 0, 2 * intersection / denominator, zero_division)
    return float(dice) if dice.ndim == 0 else dice


@validate_params(
    {
        "y_true": ["array-like"],
        "logits": ["array-like"],
        "sample_weight": ["array-like", None],
        "axis": _AXIS_OPTIONS,
        "smooth": [Interval(Real, 0, None, closed="left")],
    },
    prefer_skip_nested_validation=True,
)
def soft_dice_loss(y_true, logits, *, sample_weight=None, axis=None, smooth=1.0):
    r"""Soft Dice loss of logits: :math:`1 - (2\sum y p + s) / (\sum y + \sum p + s)`.

    The probabilities :math:`p = \sigma(z)` replace the hard predictions of the
    Dice coefficient, which makes the loss differentiable; the smoothing constant
    :math:`s` keeps it defined for empty masks.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,) or (n_samples, n_labels)
        Targets in [0, 1].
    logits : array-like of the same shape
        Raw scores; probabilities are ``sigmoid(logits)``.
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative weight of each row.
    axis : {None, 0, 1}, default=None
        None pools all elements; 1 gives one loss per row (image), 0 one per column.
    smooth : float >= 0, default=1.0
        Additive smoothing in numerator and denominator.

    Returns
    -------
    loss : float or ndarray
        In [0, 1]; a float when ``axis`` is None.

    See Also
    --------
    dice_coefficient : The hard coefficient on 0/1 predictions.
    binary_cross_entropy : The per-element loss it is often combined with.

    Examples
    --------
    >>> import numpy as np
    >>> from skbce.losses import soft_dice_loss
    >>> y = np.array([1, 0, 0, 0])
    >>> round(soft_dice_loss(y, np.array([10.0, -10.0, -10.0, -10.0]), smooth=0), 4)
    0.0001
    """
    y_true, logits, sample_weight = _validate_overlap_inputs(
        y_true, logits, "logits", sample_weight
    )
    proba = expit(logits)
    intersection, n_true, n_pred = _overlap_sums(y_true, proba, sample_weight, axis)
    denominator = n_true + n_pred + smooth
    with np.errstate(invalid="ignore", divide="ignore"):
        dice = np.where(denominator > 0, (2 * intersection + smooth) / denominator, 1.0)
    loss = 1 - dice
    return float(loss) if loss.ndim == 0 else loss


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
    scale = logits.dtype.type(1 / temperature)
    if weights is not None:
        values = values * weights
        scale = weights * scale
    gradient = gradient * scale
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
