"""Property-based tests of the exact threshold search of skbce.metrics.

Random scores with ties, duplicated rows, extreme magnitudes and one sample, with
and without weights: the search must find the brute-force optimum over every
threshold, and be invariant to row order, weight scale and weight-as-repetition.
"""

import warnings

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.exceptions import UndefinedMetricWarning
from sklearn.metrics import f1_score

from skbce.metrics import optimal_threshold, threshold_curve

# Scores with many ties (a small grid) or spread over many orders of magnitude.
SCORE_VALUES = st.one_of(
    st.integers(-3, 3).map(float),
    st.floats(-1e30, 1e30, allow_nan=False, allow_infinity=False),
)


@st.composite
def scored_labels(draw, max_labels=1):
    """0/1 labels, finite scores and positive row weights of one shape."""
    n_samples = draw(st.integers(1, 25))
    n_labels = draw(st.integers(1, max_labels))
    shape = (n_samples,) if max_labels == 1 else (n_samples, n_labels)
    y_true = draw(arrays(np.int64, shape, elements=st.integers(0, 1)))
    y_score = draw(arrays(np.float64, shape, elements=SCORE_VALUES))
    weights = draw(arrays(np.int64, (n_samples,), elements=st.integers(1, 4))).astype(
        np.float64
    )
    return y_true, y_score, weights


def _search(*args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UndefinedMetricWarning)
        return optimal_threshold(*args, **kwargs)


def _brute_force_f1(y_true, y_score, sample_weight):
    """Best weighted F1 over every threshold, trying each distinct score and +inf."""
    best = 0.0
    for threshold in np.append(np.unique(y_score), np.inf):
        y_pred = (y_score >= threshold).astype(int)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UndefinedMetricWarning)
            value = f1_score(
                y_true, y_pred, sample_weight=sample_weight, zero_division=0.0
            )
        best = max(best, value)
    return best


@given(scored_labels())
def test_optimal_threshold_properties_matches_brute_force(case):
    """Check that the exact search reaches the brute-force best weighted F1."""
    y_true, y_score, weights = case
    threshold, score = _search(y_true, y_score, sample_weight=weights)
    best = _brute_force_f1(y_true, y_score, weights)
    assert_allclose(score, best, rtol=1e-12, atol=1e-15)
    # The returned threshold makes the optimal decisions on the scores.
    achieved = f1_score(
        y_true,
        (y_score >= threshold).astype(int),
        sample_weight=weights,
        zero_division=0.0,
    )
    assert_allclose(achieved, best, rtol=1e-12, atol=1e-15)


@given(scored_labels(max_labels=4), st.randoms(use_true_random=False))
def test_optimal_threshold_properties_row_permutation(case, random):
    """Check that shuffling the rows leaves the thresholds and score unchanged."""
    y_true, y_score, weights = case
    rows = np.array(random.sample(range(len(y_true)), len(y_true)))
    expected = _search(y_true, y_score, sample_weight=weights)
    result = _search(y_true[rows], y_score[rows], sample_weight=weights[rows])
    assert_array_equal(result[0], expected[0])
    assert_allclose(result[1], expected[1], rtol=1e-12)


@given(scored_labels(max_labels=4), st.randoms(use_true_random=False))
def test_optimal_threshold_properties_label_permutation(case, random):
    """Check that permuting the labels permutes the macro thresholds."""
    y_true, y_score, weights = case
    labels = np.array(random.sample(range(y_true.shape[1]), y_true.shape[1]))
    thresholds, score = _search(y_true, y_score, sample_weight=weights)
    permuted, permuted_score = _search(
        y_true[:, labels], y_score[:, labels], sample_weight=weights
    )
    assert_array_equal(permuted, thresholds[labels])
    assert_allclose(permuted_score, score, rtol=1e-12)


@given(scored_labels(max_labels=3), st.sampled_from([1e-3, 0.5, 7.0, 1e3]))
def test_optimal_threshold_properties_weight_scale_and_repetition(case, scale):
    """Check that scaled weights change nothing and integer weights repeat rows.

    The optimum is compared for every average. The thresholds themselves are
    compared where the counts are the same integers (repetition, "macro"): with
    non-integer weights an exact tie of the objective between two thresholds can
    be broken either way by rounding, and both are optimal.
    """
    y_true, y_score, weights = case
    for average in ("macro", "micro", "samples"):
        expected = _search(y_true, y_score, sample_weight=weights, average=average)
        scaled = _search(
            y_true, y_score, sample_weight=weights * scale, average=average
        )
        repeated = _search(
            np.repeat(y_true, weights.astype(int), axis=0),
            np.repeat(y_score, weights.astype(int), axis=0),
            average=average,
        )
        for result in (scaled, repeated):
            assert_allclose(result[1], expected[1], rtol=1e-10)
        if average == "macro":
            assert_array_equal(repeated[0], expected[0])


@given(scored_labels(), st.sampled_from(["f1", "youden", "cost", "accuracy"]))
def test_threshold_curve_properties_finite_and_ordered(case, objective):
    """Check that curves are finite where it matters, decreasing, rates in [0, 1]."""
    y_true, y_score, weights = case
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UndefinedMetricWarning)
        curve = threshold_curve(
            y_true, y_score, objective=objective, sample_weight=weights
        )
    assert curve.thresholds[0] == np.inf
    assert (np.diff(curve.thresholds) < 0).all()
    assert np.isfinite(curve.thresholds[1:]).all()
    for rate in (curve.precision, curve.recall):
        assert ((rate >= 0) & (rate <= 1)).all()
    assert np.isfinite(curve.objective).all()
    # One point per distinct score after +inf: ties move together.
    assert curve.thresholds.size == np.unique(y_score).size + 1
