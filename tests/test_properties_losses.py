"""Property-based tests of skbce.losses (hypothesis; profile set in conftest.py).

Random shapes (one sample, one label, wide), float32/float64/int/bool inputs and
logits up to +-1e4: the losses must stay finite, exact where a closed form is
known, and obey the invariances of a weighted mean.
"""

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from numpy.testing import assert_allclose, assert_array_equal

from skbce.losses import (
    binary_cross_entropy,
    binary_cross_entropy_gradient,
    log_sigmoid,
    sigmoid,
    soft_dice_loss,
)

SHAPES = st.one_of(
    st.tuples(st.integers(1, 30)),
    st.tuples(st.integers(1, 12), st.integers(1, 6)),
)
# Logits from the bulk up to +-1e4 (where exp(-|z|) underflows), with exact ties.
LOGIT_VALUES = st.one_of(
    st.floats(-1e4, 1e4, allow_nan=False, allow_infinity=False),
    st.sampled_from([-1e4, -745.0, -40.0, 0.0, 40.0, 745.0, 1e4]),
)


@st.composite
def bce_cases(draw, dtype=None):
    """Targets (0/1 or soft), logits of a dtype and row weights of one shape."""
    shape = draw(SHAPES)
    dtype = dtype or draw(st.sampled_from([np.float32, np.float64]))
    logits = draw(arrays(np.float64, shape, elements=LOGIT_VALUES)).astype(dtype)
    soft = draw(st.booleans())
    y = draw(
        arrays(
            np.float64,
            shape,
            # Soft targets on a dyadic grid, so that 1 - y is exact.
            elements=(
                st.integers(0, 64).map(lambda k: k / 64)
                if soft
                else st.sampled_from([0.0, 1.0])
            ),
        )
    )
    weights = draw(arrays(np.float64, shape[:1], elements=st.floats(0.1, 10)))
    return y, logits, weights


@given(bce_cases())
def test_bce_properties_finite_non_negative_and_dtype(case):
    """Check that BCE and its derivatives are finite, >= 0 and keep float32."""
    y, logits, weights = case
    values = binary_cross_entropy(y, logits, sample_weight=weights, reduction="none")
    gradient, hessian = binary_cross_entropy_gradient(
        y, logits, sample_weight=weights, reduction="none", return_hessian=True
    )
    for result in (values, gradient, hessian):
        assert result.dtype == logits.dtype
        assert result.shape == logits.shape
        assert np.isfinite(result).all()
    assert (values >= 0).all() and (hessian >= 0).all()
    # The gradient of the weighted element loss is w (p - y), bounded by w.
    w = weights if logits.ndim == 1 else weights[:, None]
    assert (np.abs(gradient) <= w * (1 + 1e-6)).all()


@given(bce_cases(dtype=np.float64))
def test_bce_properties_label_symmetry(case):
    """Check that BCE(y, z) = BCE(1 - y, -z), elementwise, for any logits."""
    y, logits, _ = case
    assert_allclose(
        binary_cross_entropy(y, logits, reduction="none"),
        binary_cross_entropy(1 - y, -logits, reduction="none"),
        rtol=1e-12,
        atol=1e-300,
    )


@given(bce_cases(dtype=np.float64), st.floats(1e-3, 1e3))
def test_bce_properties_mean_invariant_to_weight_scale(case, scale):
    """Check that scaling every sample weight by a constant leaves the mean alone."""
    y, logits, weights = case
    assert_allclose(
        binary_cross_entropy(y, logits, sample_weight=weights * scale),
        binary_cross_entropy(y, logits, sample_weight=weights),
        rtol=1e-10,
    )


@given(bce_cases(dtype=np.float64), st.data())
def test_bce_properties_integer_weights_equal_repetition(case, data):
    """Check that integer sample weights equal repeating the rows."""
    y, logits, _ = case
    counts = data.draw(arrays(np.int64, y.shape[:1], elements=st.integers(1, 4)))
    for reduction in ("mean", "sum"):
        assert_allclose(
            binary_cross_entropy(y, logits, sample_weight=counts, reduction=reduction),
            binary_cross_entropy(
                np.repeat(y, counts, axis=0),
                np.repeat(logits, counts, axis=0),
                reduction=reduction,
            ),
            rtol=1e-10,
        )


@given(bce_cases(dtype=np.float64), st.randoms(use_true_random=False))
def test_bce_properties_permutations(case, random):
    """Check that permuting rows or labels permutes the element losses."""
    y, logits, weights = case
    rows = np.array(random.sample(range(y.shape[0]), y.shape[0]))
    losses = binary_cross_entropy(y, logits, sample_weight=weights, reduction="none")
    permuted = binary_cross_entropy(
        y[rows], logits[rows], sample_weight=weights[rows], reduction="none"
    )
    assert_array_equal(permuted, losses[rows])
    if y.ndim == 2:
        labels = np.array(random.sample(range(y.shape[1]), y.shape[1]))
        assert_array_equal(
            binary_cross_entropy(y[:, labels], logits[:, labels], reduction="none"),
            binary_cross_entropy(y, logits, reduction="none")[:, labels],
        )


@given(arrays(np.float64, SHAPES, elements=LOGIT_VALUES))
def test_sigmoid_properties_probabilities_consistent_with_log(logits):
    """Check that sigmoid is in [0, 1], monotone, and exp(log_sigmoid) matches it."""
    proba = sigmoid(logits)
    assert ((proba >= 0) & (proba <= 1)).all()
    assert_allclose(np.exp(log_sigmoid(logits)), proba, rtol=1e-12, atol=1e-300)
    assert_allclose(sigmoid(-logits), 1 - proba, atol=1e-15)
    flat = np.sort(logits.ravel())
    assert (np.diff(sigmoid(flat)) >= 0).all()


@given(
    arrays(
        st.sampled_from([np.int64, np.bool_]),
        st.tuples(st.integers(1, 20)),
        elements=st.integers(0, 1),
    )
)
def test_bce_properties_integer_and_boolean_inputs_are_float64(labels):
    """Check that integer or boolean inputs are computed in float64, as floats."""
    as_float = labels.astype(np.float64)
    result = binary_cross_entropy(labels, labels, reduction="none")
    assert result.dtype == np.float64
    assert_array_equal(
        result, binary_cross_entropy(as_float, as_float, reduction="none")
    )


@given(bce_cases(dtype=np.float64))
def test_soft_dice_loss_properties_in_unit_interval(case):
    """Check that the soft Dice loss lies in [0, 1] for any targets and logits."""
    y, logits, weights = case
    loss = soft_dice_loss(y, logits, sample_weight=weights)
    assert 0 <= loss <= 1
