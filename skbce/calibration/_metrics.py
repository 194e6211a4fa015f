"""Calibration measures of predicted probabilities."""

from numbers import Integral

import numpy as np
from sklearn.utils import check_array

from ..metrics._threshold import _rescaled_weights
from ..utils._sklearn_compat import Interval, _check_sample_weight, validate_params


@validate_params(
    {
        "y_true": ["array-like"],
        "y_prob": ["array-like"],
        "n_bins": [Interval(Integral, 1, None, closed="left")],
        "sample_weight": ["array-like", None],
    },
    prefer_skip_nested_validation=True,
)
def expected_calibration_error(y_true, y_prob, *, n_bins=15, sample_weight=None):
    r"""Expected calibration error (ECE) of binary or multi-label probabilities.

    The probabilities of each label are put into ``n_bins`` equal-width bins of
    [0, 1]; the ECE is the average gap between the frequency of positives and the
    mean predicted probability in a bin, weighted by the share of samples in it:

    .. math::

        \mathrm{ECE} = \sum_{b=1}^{B} \frac{n_b}{n}
        \left| \bar y_b - \bar p_b \right|
        = \frac{1}{n} \sum_{b=1}^{B}
        \Big| \sum_{i \in b} (y_i - p_i) \Big|.

    It is 0 for a perfectly calibrated model (in every bin, as many positives as
    predicted) and at most 1. Fifteen bins is the choice of Guo et al. (2017).
    With ``sample_weight``, :math:`n_b / n` and the bin means are weighted: a
    weight of 2 counts as the sample twice.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,) or (n_samples, n_labels)
        0/1 labels.
    y_prob : array-like of the same shape as ``y_true``
        Predicted probabilities of the positive class (of each label), in [0, 1].
    n_bins : int, default=15
        Number of equal-width bins of [0, 1]; a probability of exactly 1 falls in
        the last bin.
    sample_weight : array-like of shape (n_samples,), default=None
        Sample weights (non-negative, not all zero); None weighs each sample 1.

    Returns
    -------
    ece : float or ndarray of shape (n_labels,)
        A float for 1-D input, one value per label (column) for 2-D input.

    See Also
    --------
    sklearn.calibration.calibration_curve : The per-bin frequencies and means.
    skbce.calibration.TemperatureScaledClassifier : Reduces it by rescaling logits.

    References
    ----------
    .. [1] C. Guo, G. Pleiss, Y. Sun and K. Q. Weinberger, "On Calibration of
       Modern Neural Networks", ICML 2017.

    Examples
    --------
    >>> from skbce.calibration import expected_calibration_error
    >>> expected_calibration_error([0, 1, 1, 0], [0.1, 0.9, 0.8, 0.3], n_bins=2)
    0.175
    """
    y_prob = check_array(y_prob, ensure_2d=False, dtype=np.float64, input_name="y_prob")
    y_true = check_array(y_true, ensure_2d=False, dtype=np.float64, input_name="y_true")
    if y_true.shape != y_prob.shape or y_prob.ndim > 2:
        raise ValueError(
            "y_true and y_prob must have the same shape, 1-D or 2-D; got "
            f"{y_true.shape} and {y_prob.shape}."
        )
    if not np.isin(y_true, (0, 1)).all():
        raise ValueError("y_true must hold 0/1 labels.")
    if y_prob.min() < 0 or y_prob.max() > 1:
        raise ValueError(
            "y_prob must hold probabilities in [0, 1]; got values in "
            f"[{y_prob.min():g}, {y_prob.max():g}]. Pass sigmoid(logits) for scores."
        )
    one_dim = y_prob.ndim == 1
    y_true, y_prob = np.atleast_2d(y_true.T).T, np.atleast_2d(y_prob.T).T
    n_samples, n_labels = y_prob.shape
    if sample_weight is None:
        sample_weight, total = np.ones(n_samples), n_samples
    else:
        sample_weight = _check_sample_weight(
            sample_weight, y_prob, ensure_non_negative=True
        )
        sample_weight = _rescaled_weights(sample_weight)  # no overflow in the sums
        total = sample_weight.sum()
    # One bincount over all labels: the bin of label k is offset by k * n_bins.
    bins = np.minimum((y_prob * n_bins).astype(np.intp), n_bins - 1)
    bins += n_bins * np.arange(n_labels)
    size = n_bins * n_labels
    gap = np.bincount(
        bins.ravel(),
        weights=((y_true - y_prob) * sample_weight[:, None]).ravel(),
        minlength=size,
    )
    ece = np.abs(gap.reshape(n_labels, n_bins)).sum(axis=1) / total
    return float(ece[0]) if one_dim else ece
