"""Hostile and wrong inputs to every public estimator and function of skbce.

Each case gets the exception type a scikit-learn user expects, with a message
naming the offending argument (and the fix, where there is one). The table of
docs/user_guide/reliability.rst lists these cases; keep the two in step.
"""

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.utils._param_validation import InvalidParameterError

from skbce import (
    GraphPropagator,
    HurdleRegressor,
    MultiLabelLogisticClassifier,
    OptimalThresholdClassifier,
    TemperatureScaledClassifier,
)
from skbce.losses import binary_cross_entropy, dice_coefficient, sigmoid
from skbce.metrics import constrained, optimal_threshold, threshold_curve

RNG = np.random.default_rng(0)
X = RNG.normal(size=(40, 3))
FRAME = pd.DataFrame(X, columns=["a", "b", "c"])
COUNTS = RNG.poisson(1.5, size=40)
COUNTS[:2] = [0, 3]
LABELS = (X[:, 0] + RNG.normal(size=40) > 0).astype(int)
LABEL_SETS = [{"x", "y"}] * 20 + [{"z"}] * 20
SCORES = RNG.uniform(size=40)


def _with(array, row, column, value):
    array = np.array(array, dtype=object if isinstance(value, str) else float)
    array[row, column] = value
    return array


def _hurdle():
    return HurdleRegressor()


def _threshold():
    return OptimalThresholdClassifier(LogisticRegression(), cv=3)


def _temperature():
    return TemperatureScaledClassifier(LogisticRegression(), cv=3)


def _multilabel():
    return MultiLabelLogisticClassifier()


CLASSIFIERS = [
    pytest.param(_multilabel, id="MultiLabelLogisticClassifier"),
    pytest.param(_threshold, id="OptimalThresholdClassifier"),
    pytest.param(_temperature, id="TemperatureScaledClassifier"),
]
SUPERVISED = [pytest.param(_hurdle, COUNTS, id="HurdleRegressor")] + [
    pytest.param(param.values[0], LABELS, id=param.id) for param in CLASSIFIERS
]


# ---------------------------------------------------------------------------
# Every supervised estimator
# ---------------------------------------------------------------------------

X_CASES = [
    pytest.param(_with(X, 0, 0, np.nan), "Input X contains NaN", id="nan"),
    pytest.param(_with(X, 0, 0, np.inf), "Input X contains infinity", id="inf"),
    pytest.param(
        _with(X, 0, 0, "high"), "could not convert string to float", id="string"
    ),
]


@pytest.mark.parametrize("make, y", SUPERVISED)
@pytest.mark.parametrize("bad_X, message", X_CASES)
def test_estimators_reject_bad_values_in_X(make, y, bad_X, message):
    """Check that NaN, infinity and strings in X raise a ValueError at fit."""
    with pytest.raises(ValueError, match=message):
        make().fit(bad_X, y)


@pytest.mark.parametrize("make, y", SUPERVISED)
def test_estimators_reject_empty_and_mismatched_input(make, y):
    """Check that empty data and X/y of different lengths raise ValueError."""
    with pytest.raises(ValueError, match="0 sample"):
        make().fit(X[:0], y[:0])
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        make().fit(X, y[:-1])


@pytest.mark.parametrize("make, y", SUPERVISED)
def test_estimators_reject_1d_X_with_reshape_hint(make, y):
    """Check that a 1-D X raises a ValueError that says how to reshape it."""
    with pytest.raises(ValueError, match=r"reshape\(-1, 1\)"):
        make().fit(X[:, 0], y)


@pytest.mark.parametrize("make, y", SUPERVISED)
def test_estimators_predict_before_fit_raises_not_fitted(make, y):
    """Check that predicting with an unfitted estimator raises NotFittedError."""
    with pytest.raises(NotFittedError, match="not fitted yet"):
        make().predict(X)


@pytest.mark.parametrize("make, y", SUPERVISED)
def test_estimators_reject_wrong_feature_count_at_predict(make, y):
    """Check that predict on a different number of features raises ValueError."""
    model = make().fit(X, y)
    with pytest.raises(ValueError, match="X has 2 features, but .* expecting 3"):
        model.predict(X[:, :2])


@pytest.mark.parametrize("make, y", SUPERVISED)
def test_estimators_reject_reordered_and_unknown_columns(make, y):
    """Check that reordered or renamed DataFrame columns at predict raise."""
    model = make().fit(FRAME, y)
    with pytest.raises(ValueError, match="same order as they were in fit"):
        model.predict(FRAME[["b", "a", "c"]])
    with pytest.raises(ValueError, match="unseen at fit time:\n- z"):
        model.predict(FRAME.rename(columns={"a": "z"}))


@pytest.mark.parametrize("make, y", SUPERVISED)
def test_estimators_reject_unknown_parameter_names(make, y):
    """Check that set_params with an unknown name raises, naming the name."""
    with pytest.raises(ValueError, match=r"Invalid parameter\(s\) \['nonsense'\]"):
        make().set_params(nonsense=1)


@pytest.mark.parametrize("make, y", SUPERVISED)
def test_estimators_reject_invalid_parameter_values(make, y):
    """Check that an invalid parameter value raises InvalidParameterError at fit."""
    name = {"HurdleRegressor": "alpha", "MultiLabelLogisticClassifier": "C"}.get(
        type(make()).__name__, "cv"
    )
    with pytest.raises(InvalidParameterError, match=f"The '{name}' parameter"):
        make().set_params(**{name: -1.0}).fit(X, y)


# ---------------------------------------------------------------------------
# Classifiers: targets
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("make", CLASSIFIERS)
def test_classifiers_reject_label_sets_with_binarizer_hint(make):
    """Check that labels given as a list of sets say how to binarize them.

    Bug found by the sweep: the error was scikit-learn's "Unknown label type"
    (or NumPy's "inhomogeneous shape" for ragged lists) without the fix.
    """
    for labels in (LABEL_SETS, [["x", "y"]] * 20 + [["z"]] * 20):
        with pytest.raises(ValueError, match="MultiLabelBinarizer"):
            make().fit(X, labels)


@pytest.mark.parametrize("make", CLASSIFIERS)
def test_classifiers_reject_non_binary_indicator_values(make):
    """Check that a 2-D target with values other than 0/1 raises ValueError."""
    Y = np.column_stack([LABELS, 2 * LABELS])
    with pytest.raises(ValueError, match="(?i)multi-?label|indicator|0/1"):
        make().fit(X, Y)


@pytest.mark.parametrize("make", CLASSIFIERS)
def test_classifiers_reject_a_single_class(make):
    """Check that a target with one class raises a ValueError saying so."""
    with pytest.raises(ValueError, match="one class|1 class"):
        make().fit(X, np.ones(40, dtype=int))


@pytest.mark.parametrize("make", CLASSIFIERS)
def test_classifiers_reject_multiclass_targets(make):
    """Check that a multiclass target raises, pointing to the supported types."""
    with pytest.raises(ValueError, match="(?i)only binary classification"):
        make().fit(X, np.arange(40) % 3)


@pytest.mark.parametrize("make", CLASSIFIERS)
def test_classifiers_reject_nan_in_y(make):
    """Check that NaN in y raises a ValueError naming y."""
    y = LABELS.astype(float)
    y[0] = np.nan
    with pytest.raises(ValueError, match="Input y contains NaN"):
        make().fit(X, y)


@pytest.mark.parametrize("make", [_multilabel, _threshold])
def test_classifiers_reject_negative_sample_weight(make):
    """Check that negative sample weights raise ValueError.

    Bug found by the sweep: OptimalThresholdClassifier did not check the sign of
    the weights, so a negative weight reached the objective and overflowed
    instead of raising.
    """
    with pytest.raises(ValueError, match="Negative values in data passed to"):
        make().fit(X, LABELS, sample_weight=-np.ones(40))


# ---------------------------------------------------------------------------
# HurdleRegressor: counts and column selection
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "y, message",
    [
        pytest.param(-COUNTS - 1, "non-negative counts y", id="negative"),
        pytest.param(np.zeros(40), "needs some positive counts", id="all-zero"),
        pytest.param(
            np.array(["3"] * 20 + ["many"] * 20),
            "y to hold non-negative counts \\(numbers\\)",
            id="strings",
        ),
        pytest.param(
            LABEL_SETS, "y to hold non-negative counts \\(numbers\\)", id="sets"
        ),
    ],
)
def test_hurdle_rejects_bad_counts(y, message):
    """Check that negative, all-zero and non-numeric counts raise ValueError.

    Bug found by the sweep: a string or set target raised a NumPy
    UFuncTypeError or a TypeError instead of a ValueError naming y.
    """
    with pytest.raises(ValueError, match=message):
        HurdleRegressor().fit(X, y)


def test_hurdle_rejects_bad_column_selections_and_weights():
    """Check that unknown columns, names without a frame and bad weights raise."""
    with pytest.raises(ValueError, match=r"unknown feature name\(s\) \['z'\]"):
        HurdleRegressor(zero_features=["z"]).fit(FRAME, COUNTS)
    with pytest.raises(ValueError, match="X has no feature names"):
        HurdleRegressor(count_features=["a"]).fit(X, COUNTS)
    with pytest.raises(ValueError, match="index out of range"):
        HurdleRegressor(count_features=[5]).fit(X, COUNTS)
    with pytest.raises(ValueError, match="Negative values in data passed to"):
        HurdleRegressor().fit(X, COUNTS, sample_weight=-np.ones(40))
    with pytest.raises(ValueError, match=r"offset must have shape \(40,\)"):
        HurdleRegressor().fit(X, COUNTS, offset=np.zeros(3))


def test_hurdle_rejects_sparse_input_with_toarray_hint():
    """Check that sparse X raises a TypeError that says to densify it."""
    with pytest.raises(TypeError, match=r"toarray\(\)"):
        HurdleRegressor().fit(sp.csr_array(X), COUNTS)


def test_hurdle_predict_pmf_rejects_bad_max_count():
    """Check that a negative or non-integer max_count raises ValueError."""
    model = HurdleRegressor().fit(X, COUNTS)
    for max_count in (-1, 2.5):
        with pytest.raises(ValueError, match="max_count must be a non-negative int"):
            model.predict_pmf(X, max_count=max_count)


# ---------------------------------------------------------------------------
# GraphPropagator
# ---------------------------------------------------------------------------

PATH = sp.csr_array(np.eye(5, k=1) + np.eye(5, k=-1))
NODE_FEATURES = RNG.normal(size=(5, 2))


@pytest.mark.parametrize(
    "propagator, X_nodes, error, message",
    [
        pytest.param(
            GraphPropagator(PATH, NODE_FEATURES),
            [[0], [7]],
            ValueError,
            r"must lie in \[0, 4\]",
            id="index-out-of-range",
        ),
        pytest.param(
            GraphPropagator(PATH, NODE_FEATURES),
            [[0.5]],
            ValueError,
            "integer node indices",
            id="non-integer-index",
        ),
        pytest.param(
            GraphPropagator(PATH, NODE_FEATURES),
            [[0, 1]],
            ValueError,
            "one column of node indices",
            id="two-columns",
        ),
        pytest.param(
            GraphPropagator(np.ones((5, 4))),
            np.ones((5, 1)),
            ValueError,
            "adjacency must be a square",
            id="non-square",
        ),
        pytest.param(
            GraphPropagator(-PATH),
            np.ones((5, 1)),
            ValueError,
            "non-negative edge weights",
            id="negative-weight",
        ),
        pytest.param(
            GraphPropagator(PATH, NODE_FEATURES[:3]),
            [[0]],
            ValueError,
            "one row per node of the graph",
            id="features-rows",
        ),
        pytest.param(
            GraphPropagator(PATH),
            np.ones((3, 1)),
            ValueError,
            "one row per node",
            id="X-rows",
        ),
        pytest.param(
            GraphPropagator(PATH),
            np.full((5, 1), np.nan),
            ValueError,
            "Input X contains NaN",
            id="nan",
        ),
    ],
)
def test_graph_propagator_rejects_bad_graphs_and_nodes(
    propagator, X_nodes, error, message
):
    """Check that bad graphs, features and node indices raise clear errors."""
    with pytest.raises(error, match=message):
        propagator.fit(X_nodes)


# ---------------------------------------------------------------------------
# Functions: losses and the threshold search
# ---------------------------------------------------------------------------

Y01 = np.array([0, 1, 1, 0])
Z = np.array([-1.0, 2.0, 0.5, 0.0])


@pytest.mark.parametrize(
    "call, error, message",
    [
        pytest.param(
            lambda: binary_cross_entropy(Y01, [0, np.nan, 1, 2]),
            ValueError,
            "Input logits contains NaN",
            id="nan-logits",
        ),
        pytest.param(
            lambda: binary_cross_entropy(Y01, ["a"] * 4),
            ValueError,
            "could not convert string to float",
            id="string-logits",
        ),
        pytest.param(
            lambda: binary_cross_entropy([], []),
            ValueError,
            "0 sample",
            id="empty",
        ),
        pytest.param(
            lambda: binary_cross_entropy(Y01, Z[:2]),
            ValueError,
            "y_true and logits must have the same shape",
            id="mismatch",
        ),
        pytest.param(
            lambda: binary_cross_entropy([0, 2, 0, 1], Z),
            ValueError,
            r"y_true must hold targets in \[0, 1\]",
            id="target-2",
        ),
        pytest.param(
            lambda: binary_cross_entropy([{0}, {1}, {0, 1}, {1}], Z),
            ValueError,
            "MultiLabelBinarizer",
            id="label-sets",
        ),
        pytest.param(
            lambda: binary_cross_entropy(Y01, Z, sample_weight=[-1, 1, 1, 1]),
            ValueError,
            "sample_weight must be non-negative",
            id="negative-weight",
        ),
        pytest.param(
            lambda: binary_cross_entropy(Y01, Z, sample_weight=[0, 0, 0, 0]),
            ValueError,
            "sample_weight sums to zero",
            id="zero-weights",
        ),
        pytest.param(
            lambda: binary_cross_entropy(Y01, Z, reduction="avg"),
            InvalidParameterError,
            "The 'reduction' parameter",
            id="bad-reduction",
        ),
        pytest.param(
            lambda: dice_coefficient(Y01, Z),
            ValueError,
            "y_pred must hold 0/1 predictions",
            id="dice-scores",
        ),
        pytest.param(
            lambda: sigmoid(None),
            InvalidParameterError,
            "The 'x' parameter of sigmoid",
            id="sigmoid-none",
        ),
    ],
)
def test_losses_reject_hostile_input(call, error, message):
    """Check that the loss functions raise clear errors on bad input.

    Bug found by the sweep: targets given as label sets raised a bare TypeError
    from float() instead of a ValueError explaining MultiLabelBinarizer.
    """
    with pytest.raises(error, match=message):
        call()


@pytest.mark.parametrize("search", [optimal_threshold, threshold_curve])
@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        pytest.param(
            dict(y_score=[0.1, np.nan, 0.3, 0.4]),
            ValueError,
            "Input y_score contains NaN",
            id="nan-score",
        ),
        pytest.param(
            dict(y_score=["a", "b", "c", "d"]),
            ValueError,
            "could not convert string to float",
            id="string-score",
        ),
        pytest.param(dict(y_true=[], y_score=[]), ValueError, "0 sample", id="empty"),
        pytest.param(
            dict(y_score=[0.1, 0.2, 0.3]),
            ValueError,
            "y_true and y_score must have the same shape",
            id="mismatch",
        ),
        pytest.param(
            dict(y_true=["a", "b", "a", "b"]),
            ValueError,
            "pass pos_label=",
            id="string-labels",
        ),
        pytest.param(
            dict(y_true=[{0}, {1}, {0, 1}, {1}]),
            ValueError,
            "MultiLabelBinarizer",
            id="label-sets",
        ),
        pytest.param(
            dict(sample_weight=[-1, 1, 1, 1]),
            ValueError,
            "Negative values in data passed to",
            id="negative-weight",
        ),
        pytest.param(
            dict(sample_weight=[1, 1, 1]),
            ValueError,
            "inconsistent numbers of samples",
            id="weight-length",
        ),
        pytest.param(
            dict(objective="roc_auc"),
            ValueError,
            "does not depend on a decision threshold",
            id="ranking-objective",
        ),
        pytest.param(
            dict(objective="f2"),
            ValueError,
            "Unknown objective 'f2'",
            id="unknown-objective",
        ),
        pytest.param(
            dict(thresholds=[0.5, np.nan]),
            ValueError,
            "Input thresholds contains NaN",
            id="nan-grid",
        ),
    ],
)
def test_threshold_search_rejects_hostile_input(search, kwargs, error, message):
    """Check that the threshold search raises clear errors on bad input.

    Bug found by the sweep: negative sample weights were accepted silently and
    gave a meaningless threshold.
    """
    arguments = {"y_true": Y01, "y_score": [0.1, 0.4, 0.35, 0.8], **kwargs}
    with pytest.raises(error, match=message):
        search(**arguments)


def test_constrained_rejects_bounds_outside_unit_interval():
    """Check that constrained() refuses a bound outside [0, 1] or no bound."""
    with pytest.raises(ValueError, match=r"precision bound .* in \[0, 1\]"):
        constrained("recall", precision=1.5)
    with pytest.raises(ValueError, match="needs at least one bound"):
        constrained("recall")


# ---------------------------------------------------------------------------
# MultiLabelLogisticClassifier: partial_fit and per-label parameters
# ---------------------------------------------------------------------------

Y_MULTI = np.column_stack([LABELS, 1 - LABELS, (X[:, 1] > 0).astype(int)])


@pytest.mark.parametrize(
    "second_call, message",
    [
        pytest.param(
            lambda model: model.partial_fit(X, LABELS + 5),
            r"y holds classes \[5, 6\] not in classes \[0, 1\]",
            id="unknown-classes",
        ),
        pytest.param(
            lambda model: model.partial_fit(X[:, :2], LABELS),
            "X has 2 features, but .* expecting 3",
            id="feature-count",
        ),
        pytest.param(
            lambda model: model.partial_fit(X, Y_MULTI),
            "label columns but the model was fitted with a binary target",
            id="label-count",
        ),
        pytest.param(
            lambda model: model.partial_fit(X, LABEL_SETS),
            "MultiLabelBinarizer",
            id="label-sets",
        ),
    ],
)
def test_multilabel_partial_fit_rejects_inconsistent_batches(second_call, message):
    """Check that a batch inconsistent with the first raises a clear ValueError."""
    model = MultiLabelLogisticClassifier().partial_fit(X, LABELS, classes=[0, 1])
    with pytest.raises(ValueError, match=message):
        second_call(model)


def test_multilabel_partial_fit_needs_classes_on_first_binary_call():
    """Check that a first 1-D batch without classes raises, naming classes."""
    with pytest.raises(ValueError, match="classes must be passed on the first call"):
        MultiLabelLogisticClassifier().partial_fit(X, LABELS)


def test_multilabel_rejects_per_label_parameters_of_wrong_length():
    """Check that C or pos_weight with the wrong number of labels raise."""
    with pytest.raises(ValueError, match=r"C must be .* one value per label \(3\)"):
        MultiLabelLogisticClassifier(C=[1.0, 2.0]).fit(X, Y_MULTI)
    with pytest.raises(ValueError, match=r"pos_weight must be .* per label \(3\)"):
        MultiLabelLogisticClassifier(pos_weight=[1.0, 2.0]).fit(X, Y_MULTI)


# ---------------------------------------------------------------------------
# Displays
# ---------------------------------------------------------------------------


def test_rootogram_display_rejects_bad_counts_and_lengths(pyplot):
    """Check that the rootogram refuses bad counts and X/y of different lengths.

    Bug found by the sweep: a y shorter than X was reported as a wrong shape of
    the estimator's predict_pmf output instead of a length mismatch.
    """
    from skbce.display import RootogramDisplay

    with pytest.raises(NotFittedError):
        RootogramDisplay.from_estimator(HurdleRegressor(), X, COUNTS)
    model = HurdleRegressor().fit(X, COUNTS)
    with pytest.raises(ValueError, match="non-negative integer counts; .* -1"):
        RootogramDisplay.from_estimator(model, X, np.append(COUNTS[:-1], -1))
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        RootogramDisplay.from_estimator(model, X, COUNTS[:-1])


def test_threshold_curve_display_rejects_hostile_input(pyplot):
    """Check that the threshold display validates as the threshold search does."""
    from skbce.display import ThresholdCurveDisplay

    with pytest.raises(NotFittedError):
        ThresholdCurveDisplay.from_estimator(LogisticRegression(), X, LABELS)
    with pytest.raises(ValueError, match="Input y_score contains NaN"):
        ThresholdCurveDisplay.from_predictions(LABELS, np.full(40, np.nan))
    with pytest.raises(ValueError, match="MultiLabelBinarizer"):
        ThresholdCurveDisplay.from_predictions(LABEL_SETS, SCORES)
