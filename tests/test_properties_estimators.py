"""Property-based tests of the skbce estimators (hypothesis; profile in conftest.py).

Random shapes (one feature, more features than samples), dtypes (float32/64,
int, bool, pandas object columns), constant columns and duplicated rows: outputs
must be finite, probabilities in [0, 1] and consistent across the prediction
methods, and the fits invariant to row order, to the scale of the sample weights
and to integer weights written as repeated rows.
"""

import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from numpy.testing import assert_allclose, assert_array_equal
from scipy.special import expit
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier
from sklearn.tree import DecisionTreeClassifier

from skbce import (
    GraphPropagator,
    HurdleRegressor,
    MultiLabelLogisticClassifier,
    OptimalThresholdClassifier,
    TemperatureScaledClassifier,
    ZeroInflatedRegressor,
)
from skbce.linear_model import InflationNotIdentifiedWarning, NoZerosWarning


@st.composite
def feature_matrices(draw, min_rows=2, max_rows=30, max_features=5):
    """A feature matrix with constant columns and duplicated rows now and then."""
    n_samples = draw(st.integers(min_rows, max_rows))
    n_features = draw(st.integers(1, max_features))
    dtype = draw(st.sampled_from([np.float64, np.float32, np.int64, np.bool_]))
    if dtype == np.bool_:
        X = draw(arrays(np.bool_, (n_samples, n_features)))
    else:
        X = draw(
            arrays(
                np.float64,
                (n_samples, n_features),
                elements=st.floats(-3, 3, allow_nan=False, width=32),
            )
        ).astype(dtype)
    if draw(st.booleans()):  # a constant column
        X[:, draw(st.integers(0, n_features - 1))] = X[0, 0]
    if n_samples > 2 and draw(st.booleans()):  # duplicated rows
        X[n_samples // 2 :] = X[: n_samples - n_samples // 2]
    return X


def _permutation(data, n):
    return np.array(data.draw(st.permutations(range(n)), label="permutation"))


def _fit_quietly(estimator, *args, **kwargs):
    """Fit, ignoring the convergence and no-zeros warnings of degenerate draws."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", NoZerosWarning)
        warnings.simplefilter("ignore", InflationNotIdentifiedWarning)
        return estimator.fit(*args, **kwargs)


# ---------------------------------------------------------------------------
# HurdleRegressor
# ---------------------------------------------------------------------------


@st.composite
def hurdle_data(draw):
    X = draw(feature_matrices())
    y = draw(arrays(np.int64, X.shape[0], elements=st.integers(0, 30)))
    assume(y.max() > 0)
    weights = draw(arrays(np.int64, X.shape[0], elements=st.integers(1, 3)))
    count_model = draw(st.sampled_from(["poisson", "negbin"]))
    return X, y, weights, count_model


def _hurdle(count_model):
    # A small L2 penalty: the draws include p > n and separable zeros.
    return HurdleRegressor(count_model=count_model, alpha=0.1, tol=1e-10)


def _hurdle_outputs(model, X):
    return (
        model.predict(X),
        model.predict_zero_proba(X),
        model.predict_pmf(X, max_count=5),
    )


@given(hurdle_data())
def test_hurdle_properties_outputs_finite_and_consistent(case):
    """Check that hurdle predictions are finite probabilities and agree."""
    X, y, weights, count_model = case
    model = _fit_quietly(_hurdle(count_model), X, y, sample_weight=weights)
    mean, p_zero, pmf = _hurdle_outputs(model, X)
    for values in (mean, p_zero, pmf):
        assert np.isfinite(values).all()
    assert (mean >= 0).all()
    assert ((p_zero >= 0) & (p_zero <= 1)).all()
    assert ((pmf >= 0) & (pmf <= 1)).all()
    assert (pmf.sum(axis=1) <= 1 + 1e-12).all()
    assert_allclose(pmf[:, 0], p_zero, rtol=1e-12)
    assert_allclose(
        mean, (1 - p_zero) * model.predict_truncated_mean(X), rtol=1e-10, atol=1e-300
    )


@given(hurdle_data(), st.data())
def test_hurdle_properties_row_permutation_and_weights(case, data):
    """Check that row order, weight scale and weights-as-repetition change nothing."""
    X, y, weights, count_model = case
    rows = _permutation(data, len(y))
    scale = data.draw(st.sampled_from([1e-3, 0.5, 10.0, 1e3]), label="scale")
    reference = _fit_quietly(_hurdle(count_model), X, y, sample_weight=weights)
    variants = [
        _fit_quietly(
            _hurdle(count_model), X[rows], y[rows], sample_weight=weights[rows]
        ),
        _fit_quietly(_hurdle(count_model), X, y, sample_weight=weights * scale),
        _fit_quietly(
            _hurdle(count_model), np.repeat(X, weights, axis=0), np.repeat(y, weights)
        ),
    ]
    expected = _hurdle_outputs(reference, X)
    for model in variants:
        for result, value in zip(_hurdle_outputs(model, X), expected):
            assert_allclose(result, value, rtol=1e-6, atol=1e-9)


def _zero_inflated(count_model):
    return ZeroInflatedRegressor(count_model=count_model, alpha=0.1, tol=1e-10)


def _zero_inflated_outputs(model, X):
    return (
        model.predict(X),
        model.predict_zero_proba(X),
        model.predict_inflation_proba(X),
        model.predict_pmf(X, max_count=5),
    )


@given(hurdle_data(), st.data())
def test_zero_inflated_properties_finite_consistent_and_invariant(case, data):
    """Check that zero-inflated predictions are finite probabilities that agree
    (P(y = 0) >= pi, pmf[:, 0] = P(y = 0)), that the weighted per-row
    log-likelihoods sum to loglik_, and that row order and weights written as
    repeated rows change nothing."""
    X, y, weights, count_model = case
    model = _fit_quietly(_zero_inflated(count_model), X, y, sample_weight=weights)
    mean, p_zero, pi, pmf = _zero_inflated_outputs(model, X)
    for values in (mean, p_zero, pi, pmf):
        assert np.isfinite(values).all()
    assert (mean >= 0).all() and ((pi >= 0) & (pi <= 1)).all()
    assert (p_zero >= pi * (1 - 1e-12)).all() and (p_zero <= 1).all()
    assert (pmf.sum(axis=1) <= 1 + 1e-12).all()
    assert_allclose(pmf[:, 0], p_zero, rtol=1e-12)
    assert_allclose(weights @ model.loglik_samples(X, y), model.loglik_, rtol=1e-9)
    rows = _permutation(data, len(y))
    variants = [
        _fit_quietly(
            _zero_inflated(count_model), X[rows], y[rows], sample_weight=weights[rows]
        ),
        _fit_quietly(
            _zero_inflated(count_model),
            np.repeat(X, weights, axis=0),
            np.repeat(y, weights),
        ),
    ]
    expected = _zero_inflated_outputs(model, X)
    for variant in variants:
        for result, value in zip(_zero_inflated_outputs(variant, X), expected):
            assert_allclose(result, value, rtol=1e-6, atol=1e-9)


@given(hurdle_data())
def test_hurdle_properties_object_columns_equal_numeric(case):
    """Check that pandas object columns holding numbers fit as the numbers do."""
    X, y, _, count_model = case
    frame = pd.DataFrame(X.astype(np.float64)).astype(object)
    frame.columns = [f"x{i}" for i in range(X.shape[1])]
    numeric = _fit_quietly(_hurdle(count_model), X.astype(np.float64), y)
    from_objects = _fit_quietly(_hurdle(count_model), frame, y)
    assert_array_equal(from_objects.predict(frame), numeric.predict(X))


# ---------------------------------------------------------------------------
# OptimalThresholdClassifier
# ---------------------------------------------------------------------------


@st.composite
def binary_data(draw, min_per_class=3):
    X = draw(feature_matrices(min_rows=2 * min_per_class))
    y = draw(arrays(np.int64, X.shape[0], elements=st.integers(0, 1)))
    # Both classes in every fold of a 3-fold stratified split.
    y[:min_per_class], y[min_per_class : 2 * min_per_class] = 0, 1
    return X, y


@given(binary_data(), st.sampled_from([False, True]))
def test_optimal_threshold_classifier_properties_consistent(case, sparse_input):
    """Check that predict is the thresholded probability, in [0, 1], rows sum to 1."""
    X, y = case
    X = X.astype(np.float64)
    if sparse_input:
        X = sp.csr_array(X)
    model = _fit_quietly(OptimalThresholdClassifier(LogisticRegression(), cv=3), X, y)
    proba = model.predict_proba(X)
    assert np.isfinite(proba).all() and ((proba >= 0) & (proba <= 1)).all()
    assert_allclose(proba.sum(axis=1), 1.0)
    assert_array_equal(
        model.predict(X), model.classes_[(proba[:, 1] >= model.best_threshold_) * 1]
    )
    # decision_function ranks as predict_proba does.
    order = np.argsort(model.decision_function(X), kind="stable")
    assert (np.diff(proba[order, 1]) >= -1e-15).all()


@given(binary_data(), st.data())
def test_optimal_threshold_classifier_properties_prefit_invariances(case, data):
    """Check that on a prefit model the threshold ignores row order and weight scale.

    The prefit model is a tree, whose scores are exact leaf frequencies: equal
    rows score equal whatever batch they are in (float32 BLAS products of a
    linear model may differ in the last bit between batches, which turns ties
    into distinct scores and changes the search legitimately).
    """
    X, y = case
    estimator = DecisionTreeClassifier(max_depth=3, random_state=0).fit(X, y)
    weights = data.draw(
        arrays(np.int64, len(y), elements=st.integers(1, 3)), label="weights"
    )
    rows = _permutation(data, len(y))

    def tuned(X, y, sample_weight):
        model = OptimalThresholdClassifier(estimator, cv="prefit", refit=False)
        return model.fit(X, y, sample_weight=sample_weight)

    reference = tuned(X, y, weights)
    for model in (
        tuned(X[rows], y[rows], weights[rows]),
        tuned(X, y, weights * 1e3),
        tuned(np.repeat(X, weights, axis=0), np.repeat(y, weights), None),
    ):
        assert_allclose(model.best_score_, reference.best_score_, rtol=1e-10)
        assert_array_equal(model.predict(X), reference.predict(X))


# ---------------------------------------------------------------------------
# TemperatureScaledClassifier
# ---------------------------------------------------------------------------


@given(binary_data())
def test_temperature_scaled_classifier_properties_consistent(case):
    """Check that proba = sigmoid(decision), in [0, 1], and predict = decision > 0."""
    X, y = case
    model = _fit_quietly(TemperatureScaledClassifier(LogisticRegression(), cv=3), X, y)
    logits = model.decision_function(X)
    proba = model.predict_proba(X)
    assert np.isfinite(logits).all()
    assert ((proba >= 0) & (proba <= 1)).all()
    assert_allclose(proba[:, 1], expit(logits), rtol=1e-12)
    assert_allclose(np.exp(model.predict_log_proba(X)), proba, rtol=1e-12)
    assert_array_equal(model.predict(X), model.classes_[(logits > 0) * 1])


@st.composite
def multilabel_data(draw):
    X = draw(feature_matrices(min_rows=8))
    n_labels = draw(st.integers(2, 4))
    Y = draw(arrays(np.int64, (X.shape[0], n_labels), elements=st.integers(0, 1)))
    # Both values of every label in each part of KFold(3), so in every fold.
    for part in np.array_split(np.arange(X.shape[0]), 3):
        Y[part[0]], Y[part[1]] = 1, 0
    return X.astype(np.float64), Y


@given(multilabel_data(), st.data())
def test_temperature_scaled_classifier_properties_label_permutation(case, data):
    """Check that permuting the labels of Y permutes temperatures and outputs."""
    X, Y = case
    labels = _permutation(data, Y.shape[1])

    def calibrated(Y):
        model = TemperatureScaledClassifier(
            OneVsRestClassifier(LogisticRegression()), cv=3
        )
        return _fit_quietly(model, X, Y)

    reference, permuted = calibrated(Y), calibrated(Y[:, labels])
    assert_allclose(permuted.temperature_, reference.temperature_[labels], rtol=1e-9)
    proba = reference.predict_proba(X)
    assert ((proba >= 0) & (proba <= 1)).all()
    assert_allclose(permuted.predict_proba(X), proba[:, labels], rtol=1e-9)
    assert_array_equal(permuted.predict(X), reference.predict(X)[:, labels])


# ---------------------------------------------------------------------------
# GraphPropagator
# ---------------------------------------------------------------------------


@st.composite
def graphs(draw):
    n_nodes = draw(st.integers(1, 12))
    weights = st.sampled_from([0.0, 0.0, 1.0, 1e-30, 1e30, 0.5])
    adjacency = draw(arrays(np.float64, (n_nodes, n_nodes), elements=weights))
    features = draw(feature_matrices(min_rows=n_nodes, max_rows=n_nodes))
    return adjacency, features.astype(np.float64)


@given(
    graphs(),
    st.data(),
    st.sampled_from(["symmetric", "row"]),
    st.booleans(),
)
def test_graph_propagator_properties_node_permutation(
    case, data, normalization, self_loops
):
    """Check that relabelling the nodes relabels the output rows, all finite."""
    adjacency, features = case
    nodes = _permutation(data, len(features))
    settings = dict(n_hops=2, normalization=normalization, self_loops=self_loops)
    output = GraphPropagator(adjacency, **settings).fit_transform(features)
    relabelled = GraphPropagator(
        sp.csr_array(adjacency[np.ix_(nodes, nodes)]), **settings
    ).fit_transform(features[nodes])
    assert np.isfinite(output).all()
    assert_allclose(relabelled, output[nodes], rtol=1e-10, atol=1e-12)
    # Node-index mode: any subset of nodes, in any order, gives those rows.
    by_index = GraphPropagator(adjacency, features, **settings)
    assert_allclose(
        by_index.fit_transform(nodes[:, None]), output[nodes], rtol=1e-12, atol=0
    )


# ---------------------------------------------------------------------------
# MultiLabelLogisticClassifier
# ---------------------------------------------------------------------------


@st.composite
def indicator_data(draw):
    """Features, a 0/1 indicator matrix with both values per label, and weights."""
    X = draw(feature_matrices(min_rows=4))
    n_labels = draw(st.integers(1, 4))
    Y = draw(arrays(np.int64, (X.shape[0], n_labels), elements=st.integers(0, 1)))
    Y[0], Y[1] = 0, 1
    weights = draw(arrays(np.int64, X.shape[0], elements=st.integers(1, 3)))
    if draw(st.booleans()):  # perfectly separable labels: sign of a feature
        X = X.astype(np.float64)
        Y = (X[:, :1] > np.median(X[:, 0])) * np.ones((1, n_labels), dtype=np.int64)
        assume(0 < Y[:, 0].sum() < len(Y))
    return X, Y, weights


def _multilabel_fit(X, Y, C=1.0, **kwargs):
    model = MultiLabelLogisticClassifier(C=C, tol=1e-10, max_iter=500)
    return _fit_quietly(model, X, Y, **kwargs)


@given(indicator_data())
def test_multilabel_properties_finite_and_consistent(case):
    """Check that outputs are finite and proba, decision and predict agree.

    Perfectly separable labels get finite coefficients under the L2 penalty.
    """
    X, Y, weights = case
    model = _multilabel_fit(X, Y, sample_weight=weights)
    assert np.isfinite(model.coef_).all() and np.isfinite(model.intercept_).all()
    logits = model.decision_function(X)
    proba = model.predict_proba(X)
    assert np.isfinite(logits).all()
    assert ((proba >= 0) & (proba <= 1)).all()
    assert_allclose(
        proba, expit(logits), rtol=1e-5 if proba.dtype == np.float32 else 1e-12
    )
    assert_array_equal(model.predict(X), (logits > 0).astype(int))


@given(indicator_data(), st.sampled_from(["csr", "csc"]))
def test_multilabel_properties_sparse_equals_dense(case, sparse_format):
    """Check that CSR and CSC input fit and predict as the dense array does."""
    X, Y, weights = case
    X = X.astype(np.float64)
    X_sparse = sp.csr_array(X) if sparse_format == "csr" else sp.csc_array(X)
    dense = _multilabel_fit(X, Y, sample_weight=weights)
    sparse = _multilabel_fit(X_sparse, Y, sample_weight=weights)
    assert_allclose(
        sparse.predict_proba(X_sparse), dense.predict_proba(X), rtol=1e-6, atol=1e-9
    )


@given(indicator_data(), st.data())
def test_multilabel_properties_invariances(case, data):
    """Check row order, weight scale, repetition and label order invariances.

    C multiplies the summed loss (scikit-learn's convention), so scaling every
    weight by k is the same as multiplying C by k, rather than a no-op.
    """
    X, Y, weights = case
    X = X.astype(np.float64)
    rows = _permutation(data, len(Y))
    labels = _permutation(data, Y.shape[1])
    reference = _multilabel_fit(X, Y, sample_weight=weights)
    expected = reference.predict_proba(X)
    for model in (
        _multilabel_fit(X[rows], Y[rows], sample_weight=weights[rows]),
        _multilabel_fit(X, Y, C=1e-3, sample_weight=weights * 1e3),
        _multilabel_fit(np.repeat(X, weights, axis=0), np.repeat(Y, weights, axis=0)),
    ):
        assert_allclose(model.predict_proba(X), expected, rtol=1e-6, atol=1e-9)
    permuted = _multilabel_fit(X, Y[:, labels], sample_weight=weights)
    assert_allclose(permuted.coef_, reference.coef_[labels], rtol=1e-6, atol=1e-8)
    assert_allclose(
        permuted.predict_proba(X), expected[:, labels], rtol=1e-6, atol=1e-9
    )


@given(
    st.integers(30, 80),
    st.integers(1, 4),
    st.integers(1, 3),
    st.integers(-8, 8),
    st.sampled_from([-300, -30, -3, 0, 3, 30, 150, 300]),
    st.sampled_from([np.int64, np.bool_, "Int64"]),
    st.booleans(),
    st.integers(0, 2**16),
)
def test_multilabel_properties_match_logistic_regression_across_scales(
    n, d, n_labels, weight_exponent, feature_exponent, label_type, sparse_X, seed
):
    """Check the multi-label classifier against LogisticRegression per label
    across weight scales 1e-8..1e8 (with zero weights), feature scales
    1e-300..1e300 and label types (int, bool, pandas nullable Int64).

    Features scaled by s are the unscaled problem with C s**2 (the penalty on
    the coefficients of the unscaled features), which LogisticRegression solves
    reliably for s from 1e-3 to 1e150; features too large for their squares to
    be summed (1e300) are refused with the fix; for s <= 1e-30 the features
    cannot move the logits under the penalty (by 1e-60) and the model is the
    intercept-only one, the weighted prevalence (issue 14). At least 30 rows
    for at most 5 parameters: random labels are then not separable (where the
    nearly unpenalised optimum of s >= 1e30 would be at infinity).
    """
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    Y = (rng.random((n, n_labels)) < 0.4).astype(int)
    Y[0], Y[1] = 1, 0  # both values in every label
    weights = rng.uniform(0.5, 2.0, n) * 10.0**weight_exponent
    weights[rng.random(n) < 0.2] = 0.0
    weights[:2] = 10.0**weight_exponent
    scale = 10.0**feature_exponent
    targets = pd.DataFrame(Y).astype(label_type)
    X_fit = sp.csr_array(X * scale) if sparse_X else X * scale
    clf = MultiLabelLogisticClassifier(C=1.0, tol=1e-10, max_iter=300)
    if feature_exponent == 300:
        with pytest.raises(ValueError, match="Scale the features"):
            clf.fit(X_fit, targets, sample_weight=weights)
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # constant labels
        warnings.simplefilter("ignore", ConvergenceWarning)  # tol below rounding
        proba = clf.fit(X_fit, targets, sample_weight=weights).predict_proba(X_fit)
    present = weights > 0
    for k in range(n_labels):
        if Y[present, k].min() == Y[present, k].max():
            continue  # a constant label: the add-half intercept, tested elsewhere
        if feature_exponent <= -30:
            prevalence = weights @ Y[:, k] / weights.sum()
            assert_allclose(proba[:, k], prevalence, rtol=1e-6)
            continue
        reference = LogisticRegression(
            C=scale**2, tol=1e-12, max_iter=10_000, solver="newton-cholesky"
        ).fit(X, Y[:, k], sample_weight=weights)
        assert_allclose(
            proba[:, k], reference.predict_proba(X)[:, 1], rtol=1e-5, atol=1e-7
        )
