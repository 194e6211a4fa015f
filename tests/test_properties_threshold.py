"""Property-based tests of the exact threshold search of skbce.metrics.

Random scores with ties, duplicated rows, extreme magnitudes and one sample, with
and without weights: the search must find the brute-force optimum over every
threshold, and be invariant to row order, weight scale and weight-as-repetition.
Every objective, at n from 1 to 1e5 and weights from 1e-300 to 1e300 with zeros,
stays in its range and equals scikit-learn's metric at the returned threshold;
micro-averaged bounds are met whenever brute force finds thresholds meeting them.
"""

import itertools
import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.exceptions import UndefinedMetricWarning
from sklearn.metrics import (
    accuracy_score,
    balanced_accuracy_score,
    f1_score,
    fbeta_score,
    matthews_corrcoef,
    precision_score,
    recall_score,
)

from skbce.metrics import constrained, optimal_threshold, threshold_curve

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


# ---------------------------------------------------------------------------
# Every objective against scikit-learn, at any n and any weight scale
# ---------------------------------------------------------------------------


def _specificity(y, p, w):
    return recall_score(1 - y, 1 - p, sample_weight=w, zero_division=0.0)


def _negative_cost(y, p, w):
    w = np.ones(len(y)) if w is None else w
    return -(w @ ((p == 1) & (y == 0)) + 3.0 * (w @ ((p == 0) & (y == 1)))) / w.sum()


# The independent reference of each named objective (fbeta with beta=2, cost with
# fp_cost=1, fn_cost=3: OPTIONS) and its known range.
OPTIONS = {"beta": 2.0, "fn_cost": 3.0}
OBJECTIVES = {
    "f1": (lambda y, p, w: f1_score(y, p, sample_weight=w, zero_division=0), 0, 1),
    "fbeta": (
        lambda y, p, w: fbeta_score(y, p, beta=2, sample_weight=w, zero_division=0),
        0,
        1,
    ),
    "precision": (
        lambda y, p, w: precision_score(y, p, sample_weight=w, zero_division=0),
        0,
        1,
    ),
    "recall": (
        lambda y, p, w: recall_score(y, p, sample_weight=w, zero_division=0),
        0,
        1,
    ),
    "specificity": (_specificity, 0, 1),
    "youden": (
        lambda y, p, w: (
            recall_score(y, p, sample_weight=w, zero_division=0)
            + _specificity(y, p, w)
            - 1
        ),
        -1,
        1,
    ),
    "balanced_accuracy": (
        lambda y, p, w: balanced_accuracy_score(y, p, sample_weight=w),
        0,
        1,
    ),
    "accuracy": (lambda y, p, w: accuracy_score(y, p, sample_weight=w), 0, 1),
    "matthews_corrcoef": (
        lambda y, p, w: matthews_corrcoef(y, p, sample_weight=w),
        -1,
        1,
    ),
    "cost": (_negative_cost, -3, 0),
}


@st.composite
def large_problems(draw):
    """n from 1 to 1e5, scores with ties, weights of any scale with zeros."""
    n = int(draw(st.sampled_from([1, 2, 3, 10, 100, 1_000, 10_000, 100_000])))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    levels = draw(st.sampled_from([2, 50, None]))  # None: (almost) no ties
    y_score = rng.random(n)
    if levels is not None:
        y_score = np.floor(y_score * levels) / levels
    y_true = (rng.random(n) < 0.2 + 0.6 * y_score).astype(int)
    scale = draw(st.sampled_from([None, 1e-300, 1e-8, 1.0, 1e8, 1e77, 1e300]))
    weight = None
    if scale is not None:
        weight = scale * rng.integers(0, 4, size=n)  # zeros included
        if not weight.any():
            weight[0] = scale
    return y_true, y_score, weight


@given(large_problems(), st.sampled_from(sorted(OBJECTIVES)))
def test_optimal_threshold_properties_objectives_match_sklearn(problem, objective):
    """Check every objective: in its range, scikit-learn's value at the threshold.

    At n up to 1e5 and weights from 1e-300 to 1e300 (with zeros); the reference
    gets the weights divided by the largest (scale-free, as every objective is;
    scikit-learn itself overflows near 1e300). No other threshold (a sample of
    the distinct scores) does better.
    """
    y_true, y_score, weight = problem
    reference, low, high = OBJECTIVES[objective]
    threshold, score = _search(
        y_true, y_score, objective=objective, sample_weight=weight, **OPTIONS
    )
    assert low <= score <= high
    w = None if weight is None else weight / weight.max()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UndefinedMetricWarning)
        expected = reference(y_true, (y_score >= threshold).astype(int), w)
        assert score == pytest.approx(expected, rel=1e-9, abs=1e-12)
        others = np.unique(y_score)
        others = others[:: max(1, others.size // 20)]
        for other in np.append(others, np.inf):
            value = reference(y_true, (y_score >= other).astype(int), w)
            assert value <= score + 1e-9 * max(1.0, abs(score))


@given(large_problems())
def test_threshold_curve_properties_objectives_in_range(problem):
    """Check that every objective's curve stays in its known range, everywhere."""
    y_true, y_score, weight = problem
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UndefinedMetricWarning)
        for objective, (_, low, high) in OBJECTIVES.items():
            curve = threshold_curve(
                y_true, y_score, objective=objective, sample_weight=weight, **OPTIONS
            )
            assert np.all((curve.objective >= low) & (curve.objective <= high))


# ---------------------------------------------------------------------------
# Micro-averaged bounds: feasible whenever some thresholds are
# ---------------------------------------------------------------------------


@st.composite
def small_multilabel(draw):
    n = draw(st.integers(2, 6))
    n_labels = draw(st.integers(2, 3))
    y_true = draw(arrays(np.int64, (n, n_labels), elements=st.integers(0, 1)))
    y_score = draw(
        arrays(np.float64, (n, n_labels), elements=st.integers(0, 5).map(float))
    )
    weight = draw(arrays(np.float64, (n,), elements=st.sampled_from([0.0, 1.0, 2.5])))
    if not weight.any():
        weight[0] = 1.0
    return y_true, y_score, weight


def _pooled_rates(y_true, decisions, weight):
    w = weight[:, None]
    tp, fp = (w * (decisions & y_true)).sum(), (w * (decisions & ~y_true)).sum()
    pos, neg = (w * y_true).sum(), (w * ~y_true).sum()
    return {
        "precision": tp / (tp + fp) if tp + fp > 0 else 0.0,
        "recall": tp / pos if pos > 0 else 0.0,
        "specificity": (neg - fp) / neg if neg > 0 else 0.0,
    }


@given(
    small_multilabel(),
    st.sampled_from(["precision", "recall", "specificity"]),
    st.floats(0.05, 0.95),
    st.sampled_from(["f1", "recall", "precision", "accuracy"]),
)
def test_optimal_threshold_properties_micro_bound_met_when_possible(
    problem, rate, bound, objective
):
    """Check micro + one bound against brute force over every threshold vector.

    When some thresholds meet the bound the search returns such thresholds
    (issue 14, item 4: it returned infeasible ones); otherwise it warns.
    """
    y_true, y_score, weight = problem
    truth = y_true.astype(bool)
    candidates = [np.append(np.unique(column), np.inf) for column in y_score.T]
    feasible = any(
        _pooled_rates(truth, y_score >= np.array(t), weight)[rate] >= bound
        for t in itertools.product(*candidates)
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", UndefinedMetricWarning)
        thresholds, _ = optimal_threshold(
            y_true,
            y_score,
            average="micro",
            objective=constrained(objective, **{rate: bound}),
            sample_weight=weight,
        )
    infeasible_warned = any("No threshold satisfies" in str(w.message) for w in caught)
    achieved = _pooled_rates(truth, y_score >= thresholds, weight)[rate]
    assert infeasible_warned == (not feasible)
    if feasible:
        assert achieved >= bound - 1e-12
