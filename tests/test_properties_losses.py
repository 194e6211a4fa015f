"""Property-based tests of skbce.losses (hypothesis; profile set in conftest.py).

Random shapes (one sample, one label, wide), float32/float64/int/bool inputs and
logits up to +-1e4: the losses must stay finite, exact where a closed form is
known, and obey the invariances of a weighted mean. The differential tests at
the end compare every element with mpmath across the scales of issue 14.
"""

import mpmath as mp
import numpy as np
from _references import bce_element, binary_link_element, to_float
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from numpy.testing import assert_allclose, assert_array_equal

from skbce._loss._link import BINARY_LINKS
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


# ---------------------------------------------------------------------------
# Differential tests against mpmath, across the scales where BCE lost digits
# (issue 14): logits from 1e-300 to 1e300 in magnitude, pos_weight from 1e-290
# to 1e300, soft targets, sample weights from 1e-8 to 1e8 and zero weights,
# temperatures from 1e-3 to 1e3.
# ---------------------------------------------------------------------------

_TINY = np.finfo(np.float64).tiny


def _powers_of_ten(low, high):
    return st.floats(low, high).map(lambda exponent: 10.0**exponent)


_SIGNS = st.sampled_from([-1.0, 1.0])
EXTREME_LOGITS = st.one_of(
    st.sampled_from([0.0, -0.0]),
    st.floats(-60, 60),
    st.tuples(_SIGNS, _powers_of_ten(-300, 300)).map(lambda pair: pair[0] * pair[1]),
)
# Soft targets down to 1e-8, so that w * y stays a normal number (the kernels'
# stated range: a subnormal w * y has fewer digits than the result asks for).
SOFT_TARGETS = st.one_of(
    st.sampled_from([0.0, 1.0]), st.floats(1e-8, 1), st.floats(1 - 1e-8, 1)
)
SAMPLE_WEIGHTS = st.one_of(st.just(0.0), _powers_of_ten(-8, 8))


@st.composite
def scaled_bce_cases(draw):
    """Targets, logits, row weights (one positive), pos_weight and temperature."""
    shape = (draw(st.integers(1, 6)), draw(st.integers(1, 3)))
    logits = draw(arrays(np.float64, shape, elements=EXTREME_LOGITS))
    y = draw(arrays(np.float64, shape, elements=SOFT_TARGETS))
    weights = draw(arrays(np.float64, shape[:1], elements=SAMPLE_WEIGHTS))
    weights[draw(st.integers(0, shape[0] - 1))] = draw(_powers_of_ten(-8, 8))
    pos_weight = draw(
        st.one_of(
            st.none(),
            _powers_of_ten(-290, 300),
            arrays(np.float64, shape[1:], elements=_powers_of_ten(-290, 300)),
        )
    )
    temperature = draw(st.one_of(st.just(1.0), _powers_of_ten(-3, 3)))
    return y, logits, weights, pos_weight, temperature


def _assert_element_matches(got, exact, scale, atol):
    """|got - exact| <= 1e-12 * scale + atol, or the infinity ``exact`` rounds to.

    ``exact`` is the weighted reference; ``scale`` bounds the rounding error
    (the value itself, or the size of the gradient's two terms); an element
    whose unweighted value overflows is +-inf before it is weighted.
    """
    expected = to_float(exact)
    if not np.isfinite(expected) or not np.isfinite(to_float(scale)):
        assert got == expected or (np.isinf(got) and np.sign(got) == np.sign(exact))
    else:
        assert abs(mp.mpf(float(got)) - exact) <= 1e-12 * abs(scale) + atol, (
            got,
            expected,
        )


@given(scaled_bce_cases())
def test_bce_properties_match_mpmath_at_every_scale(case):
    """Check loss, gradient and Hessian of every element, and the reductions.

    Each element against mpmath at the float quotient z / T: relative error
    below 1e-12 (the gradient's relative to (1 - y) p + w y q), a zero weight
    giving exactly 0; the sum and mean against the exact weighted totals.
    """
    y, logits, weights, pos_weight, temperature = case
    kwargs = dict(sample_weight=weights, pos_weight=pos_weight, temperature=temperature)
    with np.errstate(over="ignore"):
        scaled = logits / temperature
    values = binary_cross_entropy(y, logits, reduction="none", **kwargs)
    grad, hess = binary_cross_entropy_gradient(
        y, logits, reduction="none", return_hessian=True, **kwargs
    )
    w_pos = np.broadcast_to(1.0 if pos_weight is None else pos_weight, y.shape)
    totals = []
    for (i, j), z in np.ndenumerate(scaled):
        weight = mp.mpf(weights[i])
        t = mp.mpf(temperature)
        loss, gradient, hessian, gradient_scale = bce_element(y[i, j], z, w_pos[i, j])
        atol = _TINY * max(1.0, w_pos[i, j]) * weights[i] / temperature**2
        if weight == 0:
            assert values[i, j] == grad[i, j] == hess[i, j] == 0
            continue
        _assert_element_matches(values[i, j], loss * weight, loss * weight, atol)
        _assert_element_matches(
            grad[i, j], gradient * weight / t, gradient_scale * weight / t, atol
        )
        _assert_element_matches(
            hess[i, j], hessian * weight / t**2, hessian * weight / t**2, atol
        )
        totals.append(loss * weight)
    exact_sum = mp.fsum(totals)
    exact_mean = exact_sum / (mp.fsum(mp.mpf(w) for w in weights) * y.shape[1])
    for reduction, exact in (("sum", exact_sum), ("mean", exact_mean)):
        got = binary_cross_entropy(y, logits, reduction=reduction, **kwargs)
        _assert_element_matches(got, exact, exact, _TINY)


@given(
    st.sampled_from(["logit", "probit", "cloglog"]),
    arrays(np.float64, st.integers(1, 8), elements=EXTREME_LOGITS),
    arrays(np.float64, st.integers(1, 8), elements=st.sampled_from([0.0, 1.0])),
)
def test_binary_link_properties_match_mpmath_at_every_scale(link, raw, y):
    """Check the hurdle's binary links (loss, gradient, curvature) on any raw.

    Against mpmath: relative error below 1e-12 (the probit curvature, whose
    direct form loses about t**2 ulps up to |t| = 40, below 1e-11), the limits
    where the exact value leaves the float range, and never NaN.
    """
    n = min(raw.size, y.size)
    raw, y = raw[:n], y[:n]
    results = BINARY_LINKS[link].derivatives(y, raw)
    for k, (yk, rk) in enumerate(zip(y, raw)):
        reference = binary_link_element(link, yk, rk)
        for order, (got, exact) in enumerate(zip(results, reference)):
            rtol = 1e-11 if (link, order) == ("probit", 2) else 1e-12
            expected = to_float(exact)
            assert not np.isnan(got[k])
            if not np.isfinite(expected):
                assert got[k] == expected
            else:
                assert abs(mp.mpf(float(got[k])) - exact) <= rtol * abs(exact) + _TINY
