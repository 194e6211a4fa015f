"""Differential property tests of the meta-estimators that learn from held-out
scores: OptimalThresholdClassifier and TemperatureScaledClassifier.

Across label encodings (int, bool, -1/1, strings with ``pos_label``, pandas
nullable ``Int64`` and ``boolean``), sample weights of any scale with zeros, and
CV shapes (K-fold partitions, a single split, a shuffle split leaving rows out,
overlapping test parts), each estimator must equal an independent reference:
the same inner fits done by hand, their held-out (row, split) scores pooled,
then the exact threshold search or a root finder on the temperature's slope.
"""

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.optimize import brentq
from scipy.special import expit
from sklearn.exceptions import UndefinedMetricWarning
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import KFold, ShuffleSplit

from skbce import OptimalThresholdClassifier, TemperatureScaledClassifier
from skbce.metrics import optimal_threshold

# How each encoding writes the 0/1 target, and the pos_label it needs.
ENCODINGS = {
    "int": (lambda y: y, None),
    "bool": (lambda y: y.astype(bool), None),
    "minus_one": (lambda y: 2 * y - 1, None),
    # the positive class sorts second ("yes" > "no") or first ("case" < "control")
    "string": (lambda y: np.where(y == 1, "yes", "no"), "yes"),
    "string_first": (lambda y: np.where(y == 1, "case", "control"), "case"),
    "Int64": (lambda y: pd.Series(y, dtype="Int64"), None),
    "boolean": (lambda y: pd.Series(y.astype(bool), dtype="boolean"), None),
}


def _splits(shape, n, rng):
    """(train, test) index pairs of the given shape."""
    rows = np.arange(n)
    if shape == "kfold":
        return list(KFold(3, shuffle=True, random_state=0).split(rows))
    if shape == "single":
        test = rng.choice(n, n // 3, replace=False)
        return [(np.setdiff1d(rows, test), test)]
    if shape == "shuffle":
        return list(ShuffleSplit(2, test_size=0.3, random_state=0).split(rows))
    tests = [rng.choice(n, n // 2, replace=False) for _ in range(3)]  # overlapping
    return [(np.setdiff1d(rows, test), test) for test in tests]


@st.composite
def held_out_problems(draw):
    """Binary data, an encoding of its labels, a CV shape and weights."""
    n = draw(st.integers(40, 160))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    X = rng.normal(size=(n, 3))
    y = (X[:, 0] + rng.normal(scale=1.5, size=n) > 0.8).astype(int)
    y[:2] = [0, 1]
    splits = _splits(
        draw(st.sampled_from(["kfold", "single", "shuffle", "overlap"])), n, rng
    )
    # both classes in every training part, so that every inner fit is binary
    for train, _ in splits:
        if np.unique(y[train]).size < 2:
            y[train[:2]] = [0, 1]
    scale = draw(st.sampled_from([None, 1e-8, 1.0, 1e8]))
    weight = None
    if scale is not None:
        weight = scale * rng.integers(0, 4, size=n).astype(float)  # zeros too
        weight[y == 1] = np.maximum(weight[y == 1], scale)  # weighted positives
    encoding = draw(st.sampled_from(sorted(ENCODINGS)))
    return X, y, splits, weight, encoding


def _held_out(X, labels, y, splits, weight, score):
    """Hand-made pooling: the (row, split) scores, 0/1 truth and weights.

    The models are fitted on the encoded ``labels`` (as NumPy values) and
    ``score(model, X_test)`` scores the class that ``y == 1`` encodes.
    """
    labels = np.asarray(labels)
    scores, truth, weights = [], [], []
    for train, test in splits:
        kwargs = {} if weight is None else {"sample_weight": weight[train]}
        fitted = LogisticRegression(solver="newton-cholesky").fit(
            X[train], labels[train], **kwargs
        )
        scores.append(score(fitted, X[test]))
        truth.append(y[test])
        weights.append(None if weight is None else weight[test])
    weights = None if weight is None else np.concatenate(weights)
    return np.concatenate(scores), np.concatenate(truth), weights


@given(held_out_problems())
def test_optimal_threshold_classifier_properties_equal_pooled_search(problem):
    """Check thresholds, score and predictions against the hand-made pooling."""
    X, y, splits, weight, encoding = problem
    encode, pos_label = ENCODINGS[encoding]
    labels = encode(y)
    model = OptimalThresholdClassifier(
        LogisticRegression(solver="newton-cholesky"), cv=splits, pos_label=pos_label
    )
    positive = np.asarray(labels)[y == 1][0]

    def positive_proba(fitted, X_test):
        return fitted.predict_proba(X_test)[:, list(fitted.classes_).index(positive)]

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UndefinedMetricWarning)
        model.fit(X, labels, sample_weight=weight)
        scores, truth, weights = _held_out(X, labels, y, splits, weight, positive_proba)
        threshold, score = optimal_threshold(truth, scores, sample_weight=weights)
    if not truth.any():  # documented: no held-out positive, the default cut
        threshold = 0.5
    assert model.best_threshold_ == pytest.approx(threshold, rel=1e-12, abs=1e-300)
    assert model.best_score_ == pytest.approx(score, rel=1e-12)
    assert 0 <= model.best_score_ <= 1
    predicted = model.predict(X)
    own = model.predict_proba(X)[:, list(model.classes_).index(positive)]
    np.testing.assert_array_equal(predicted == positive, own >= threshold)


def _temperature_reference(logits, truth, weights, bounds=(1e-2, 1e2)):
    """The temperature minimising the weighted BCE, by Brent's method on its slope.

    d/dT sum_i w_i l(y_i, z_i / T) = -sum_i w_i (sigmoid(z_i / T) - y_i) z_i / T^2;
    at a bound when the slope does not change sign inside.
    """
    weights = np.ones_like(logits) if weights is None else weights

    def slope(temperature):
        residual = expit(logits / temperature) - truth
        return -(weights * residual * logits).sum() / temperature**2

    low, high = bounds
    if slope(low) > 0:
        return low
    if slope(high) < 0:
        return high
    return brentq(slope, low, high, xtol=1e-14, rtol=4 * np.finfo(float).eps)


@given(held_out_problems())
def test_temperature_scaled_classifier_properties_equal_pooled_root(problem):
    """Check the temperature against a root finder on the hand-pooled logits."""
    X, y, splits, weight, encoding = problem
    encode, _ = ENCODINGS[encoding]
    labels = encode(y)
    model = TemperatureScaledClassifier(
        LogisticRegression(solver="newton-cholesky"), cv=splits
    )
    model.fit(X, labels, sample_weight=weight)
    logits, truth, weights = _held_out(
        X, labels, y, splits, weight, lambda m, X_: m.decision_function(X_)
    )
    # the logit is that of the second class, which encodes 1 unless the
    # positive name sorts first
    if np.asarray(labels)[y == 1][0] == model.classes_[0]:
        truth = 1 - truth
    expected = _temperature_reference(logits, truth, weights)
    assert model.temperature_ == pytest.approx(expected, rel=1e-8)
    assert model.bce_after_ <= model.bce_before_ + 1e-12
