"""Persistence of fitted skbce estimators: skops (trusted types) and pickle.

Every public estimator (found by ``all_estimators``, so a new one must be added
here) is saved in every fitted state a user reaches: after ``fit``, after
``partial_fit`` (also after ``fit`` then ``partial_fit``), with sparse
parameters and sparse data. After the round trip every fitted attribute must be
bit-identical, every output method must give identical results, and a model
that learns online must continue learning exactly as the original does.
"""

import pickle

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from numpy.testing import assert_array_equal
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skbce import (
    GraphPropagator,
    HurdleRegressor,
    MultiLabelLogisticClassifier,
    MultiLabelLogisticClassifierCV,
    OptimalThresholdClassifier,
    TemperatureScaledClassifier,
    ZeroInflatedRegressor,
)
from skbce.datasets import load_biochemists, load_yeast
from skbce.metrics import constrained
from skbce.utils.discovery import all_estimators

sio = pytest.importorskip("skops.io")
from skops.io.exceptions import UntrustedTypesFoundException  # noqa: E402

from skbce.io import dump, load, trusted_types  # noqa: E402

_OUTPUT_METHODS = (
    "predict",
    "predict_proba",
    "decision_function",
    "predict_zero_proba",
    "predict_truncated_mean",
    "predict_pmf",
    "transform",
)


def _data():
    X_count, y_count = load_biochemists(return_X_y=True, as_frame=True)
    X, y = make_classification(n_samples=200, n_features=6, random_state=0)
    X_labels, Y_labels = load_yeast(return_X_y=True, as_frame=True)
    X_labels, Y_labels = X_labels.iloc[:300], Y_labels.iloc[:300]
    y_partial = y.copy()
    y_partial[::3] = -1
    rng = np.random.default_rng(0)
    adjacency = sp.random_array((200, 200), density=0.03, random_state=0)
    adjacency = (adjacency + adjacency.T).tocsr()
    return {
        "counts": (X_count, y_count),
        "binary": (X, y),
        "labels": (X_labels, Y_labels),
        "partial": (X, y_partial),
        "adjacency": adjacency,
        "node_features": rng.normal(size=(200, 3)),
    }


def _partial_fit(model, X, Y, batches=3):
    """``partial_fit`` over consecutive row batches."""
    for rows in np.array_split(np.arange(len(X)), batches):
        model.partial_fit(_rows(X, rows), _rows(Y, rows))
    return model


def _rows(data, rows):
    return data.iloc[rows] if isinstance(data, pd.DataFrame | pd.Series) else data[rows]


def _fitted_states():
    """``(id, fitted estimator, X)`` for every estimator in every fitted state."""
    data = _data()
    X_count, y_count = data["counts"]
    X, y = data["binary"]
    X_labels, Y_labels = data["labels"]
    adjacency, node_features = data["adjacency"], data["node_features"]
    nodes = np.arange(200).reshape(-1, 1)
    X_sparse = sp.csr_array(np.where(np.abs(X) > 1, X, 0))
    states = [
        ("multilabel-fit", MultiLabelLogisticClassifier().fit(X_labels, Y_labels)),
        ("multilabel-binary-fit", MultiLabelLogisticClassifier().fit(X, y)),
        ("multilabel-sparse-X-fit", MultiLabelLogisticClassifier().fit(X_sparse, y)),
        (
            "multilabel-partial_fit",
            _partial_fit(MultiLabelLogisticClassifier(), X_labels, Y_labels),
        ),
        (
            "multilabel-fit-then-partial_fit",
            _partial_fit(
                MultiLabelLogisticClassifier().fit(X_labels, Y_labels),
                X_labels,
                Y_labels,
                batches=2,
            ),
        ),
        (
            "multilabel-cv-fit",
            MultiLabelLogisticClassifierCV(Cs=[0.1, 1.0], cv=3).fit(X_labels, Y_labels),
        ),
        (
            "multilabel-cv-binary-refit-false-fit",
            MultiLabelLogisticClassifierCV(Cs=[0.1, 1.0], cv=3, refit=False).fit(X, y),
        ),
        (
            "multilabel-lbfgs-fit",
            MultiLabelLogisticClassifier(solver="lbfgs").fit(X_labels, Y_labels),
        ),
        (
            "hurdle-negbin-fit",
            HurdleRegressor(count_model="negbin").fit(X_count, y_count),
        ),
        (
            "hurdle-custom-classifier-fit",
            HurdleRegressor(zero_model=LogisticRegression()).fit(X_count, y_count),
        ),
        (
            "zero-inflated-negbin-fit",
            ZeroInflatedRegressor(count_model="negbin").fit(X_count, y_count),
        ),
        (
            "hurdle-features-fit",
            HurdleRegressor(
                zero_model="cloglog", zero_features=[True, False, False, False, True]
            ).fit(X_count, y_count),
        ),
        ("threshold-fit", OptimalThresholdClassifier(LogisticRegression()).fit(X, y)),
        (
            "threshold-constrained-fit",
            OptimalThresholdClassifier(
                LogisticRegression(), objective=constrained("recall", precision=0.8)
            ).fit(X, y),
        ),
        (
            "threshold-multilabel-fit",
            OptimalThresholdClassifier(
                make_pipeline(StandardScaler(), MultiLabelLogisticClassifier())
            ).fit(X_labels, Y_labels),
        ),
        (
            "temperature-fit",
            TemperatureScaledClassifier(LogisticRegression()).fit(X, y),
        ),
        ("graph-no-adjacency-fit", GraphPropagator().fit(*data["partial"])),
        (
            "graph-csr_array-fit",
            GraphPropagator(sp.csr_array(adjacency), node_features).fit(nodes),
        ),
        (
            "graph-csr_matrix-fit",
            GraphPropagator(sp.csr_matrix(adjacency), node_features).fit(nodes),
        ),
        (
            "graph-coo_array-fit",
            GraphPropagator(sp.coo_array(adjacency), node_features).fit(nodes),
        ),
        (
            "graph-dense-adjacency-fit",
            GraphPropagator(adjacency.toarray(), node_features, hops="last").fit(nodes),
        ),
    ]
    inputs = {
        "multilabel-binary-fit": X,
        "multilabel-sparse-X-fit": X_sparse,
        "multilabel-cv-binary-refit-false-fit": X,
        "threshold-fit": X,
        "threshold-constrained-fit": X,
        "temperature-fit": X,
        "graph-no-adjacency-fit": X,
    }
    return [
        (
            name,
            model,
            inputs.get(
                name,
                X_count
                if isinstance(model, HurdleRegressor | ZeroInflatedRegressor)
                else nodes
                if isinstance(model, GraphPropagator)
                else X_labels,
            ),
        )
        for name, model in states
    ]


STATES = _fitted_states()
IDS = [name for name, _, _ in STATES]


def test_states_cover_every_estimator_and_every_way_to_fit():
    """Check that every public estimator is saved after fit and partial_fit."""
    covered = {type(model) for _, model, _ in STATES}
    assert covered == {cls for _, cls in all_estimators()}, "add the new estimator"
    for _, cls in all_estimators():
        if hasattr(cls, "partial_fit"):
            assert any(
                isinstance(model, cls) and "partial_fit" in name
                for name, model, _ in STATES
            ), f"add a partial_fit state of {cls.__name__}"


def _outputs(estimator, X):
    return {
        name: getattr(estimator, name)(X)
        for name in _OUTPUT_METHODS
        if hasattr(estimator, name)
    }


def assert_same_state(loaded, original, path="model"):
    """Assert that two objects hold the same state, floats bit for bit.

    Arrays by dtype, shape and bytes; sparse matrices by format, dtype and
    their arrays; estimators and other objects attribute by attribute.
    """
    assert type(loaded) is type(original), path
    if isinstance(original, np.ndarray):
        assert loaded.dtype == original.dtype and loaded.shape == original.shape, path
        if original.dtype == object:
            for i, (a, b) in enumerate(zip(loaded.ravel(), original.ravel())):
                assert_same_state(a, b, f"{path}[{i}]")
        else:
            assert loaded.tobytes() == original.tobytes(), path
    elif sp.issparse(original):
        assert loaded.format == original.format, path
        for part in ("data", "indices", "indptr", "row", "col", "offsets"):
            if hasattr(original, part):
                assert_same_state(getattr(loaded, part), getattr(original, part))
    elif isinstance(original, pd.DataFrame | pd.Series | pd.Index):
        assert loaded.equals(original), path
    elif isinstance(original, dict):
        assert loaded.keys() == original.keys(), path
        for key in original:
            assert_same_state(loaded[key], original[key], f"{path}[{key!r}]")
    elif isinstance(original, list | tuple):
        assert len(loaded) == len(original), path
        for i, (a, b) in enumerate(zip(loaded, original)):
            assert_same_state(a, b, f"{path}[{i}]")
    elif isinstance(original, float | np.floating):
        assert np.float64(loaded).tobytes() == np.float64(original).tobytes(), path
    elif hasattr(original, "__dict__") and not callable(original):
        assert_same_state(vars(loaded), vars(original), path)
    elif hasattr(original, "__dict__") and hasattr(original, "get_params"):
        assert_same_state(vars(loaded), vars(original), path)
    else:
        assert loaded == original, path


def test_assert_same_state_sees_one_ulp_deep_inside(tmp_path):
    """Check that the state comparison can fail: one ulp in the online state.

    A change of one ulp in the curvature partial_fit keeps, of a float
    attribute, or of a sparse matrix's data is an AssertionError.
    """
    online = next(
        model for name, model, _ in STATES if name == "multilabel-partial_fit"
    )
    graph = next(model for name, model, _ in STATES if name == "graph-csr_array-fit")
    for model, change in (
        (online, lambda m: _nudge(m._online)),
        (
            online,
            lambda m: setattr(m, "n_samples_seen_", np.nextafter(m.n_samples_seen_, 0)),
        ),
        (graph, lambda m: _nudge(m.operator_.data)),
    ):
        copy = pickle.loads(pickle.dumps(model))
        change(copy)
        with pytest.raises(AssertionError):
            assert_same_state(copy, model)


def _nudge(array):
    flat = array.reshape(-1)
    flat[0] = np.nextafter(flat[0], np.inf)


def _assert_round_trip(loaded, original, X):
    """Same fitted state, same outputs, and (online) the same next update."""
    assert_same_state(loaded, original)
    expected = _outputs(original, X)
    got = _outputs(loaded, X)
    assert got.keys() == expected.keys()
    for name in expected:
        assert_array_equal(got[name], expected[name], err_msg=name, strict=True)


@pytest.mark.parametrize("name, estimator, X", STATES, ids=IDS)
def test_skops_round_trip_keeps_state_and_outputs(name, estimator, X, tmp_path):
    """Check that dump/load (and skops with trusted_types()) restore the model.

    The case of issue 14 (#12): load refused models after partial_fit (the
    online solver's state) and GraphPropagator with a sparse adjacency.
    """
    path = tmp_path / "model.skops"
    dump(estimator, path)
    _assert_round_trip(load(path), estimator, X)
    loaded = sio.loads(sio.dumps(estimator), trusted=trusted_types())
    _assert_round_trip(loaded, estimator, X)


@pytest.mark.parametrize("name, estimator, X", STATES, ids=IDS)
def test_pickle_round_trip_keeps_state_and_outputs(name, estimator, X):
    """Check that pickling keeps every fitted attribute bit for bit and outputs."""
    _assert_round_trip(pickle.loads(pickle.dumps(estimator)), estimator, X)


def test_loaded_online_model_continues_like_the_original(tmp_path):
    """Check that partial_fit on a loaded model equals it on the original.

    The online solver's state (curvature, centre, samples seen) must round
    trip, not only the coefficients.
    """
    X_labels, Y_labels = _data()["labels"]
    first, second = np.arange(150), np.arange(150, 300)
    model = MultiLabelLogisticClassifier().partial_fit(
        X_labels.iloc[first], Y_labels.iloc[first]
    )
    path = tmp_path / "online.skops"
    dump(model, path)
    for loaded in (load(path), pickle.loads(pickle.dumps(model))):
        loaded.partial_fit(X_labels.iloc[second], Y_labels.iloc[second])
        reference = pickle.loads(pickle.dumps(model)).partial_fit(
            X_labels.iloc[second], Y_labels.iloc[second]
        )
        assert_same_state(loaded, reference)


def test_trusted_types_are_derived_from_the_package():
    """Check that the trusted names are exactly skbce's classes and data types.

    Every fitted state needs only them; each is a class defined in skbce (so
    renaming a class renames its entry), a SciPy sparse container, or
    numpy.dtype.
    """
    trusted = set(trusted_types())
    needed = set()
    for _, estimator, _ in STATES:
        needed |= set(sio.get_untrusted_types(data=sio.dumps(estimator)))
    assert needed <= trusted
    assert any(name.startswith("skbce.") for name in needed)
    assert "scipy.sparse._csr.csr_array" in needed
    for name in trusted - {"numpy.dtype"}:
        module, _, cls = name.rpartition(".")
        assert module.startswith(("skbce.", "scipy.sparse.")), name
        obj = getattr(__import__(module, fromlist=[cls]), cls)
        assert isinstance(obj, type) and obj.__module__ == module, name


class _HomeMadeRegressor(RegressorMixin, BaseEstimator):
    """A regressor type that nobody has vetted (stands for arbitrary code)."""

    def fit(self, X, y):
        self.mean_ = float(np.mean(y))
        return self

    def predict(self, X):
        return np.full(len(X), self.mean_)


def test_skops_load_refuses_untrusted_types(tmp_path):
    """Check that loading refuses a type outside trusted_types() and the defaults."""
    X, y = load_biochemists(return_X_y=True)
    model = HurdleRegressor(count_model=_HomeMadeRegressor()).fit(X, y)
    path = tmp_path / "model.skops"
    dump(model, path)
    untrusted = sio.get_untrusted_types(file=path)
    assert f"{__name__}._HomeMadeRegressor" in untrusted
    with pytest.raises(UntrustedTypesFoundException, match="Untrusted types found"):
        sio.load(path, trusted=trusted_types())
    with pytest.raises(UntrustedTypesFoundException, match="_HomeMadeRegressor"):
        load(path)
    # Without the skbce list even a plain skbce estimator is refused.
    with pytest.raises(UntrustedTypesFoundException, match="HurdleRegressor"):
        sio.load(path)
    # Trusting the inspected type explicitly loads it.
    loaded = load(path, trusted=[f"{__name__}._HomeMadeRegressor"])
    assert_array_equal(loaded.predict(X), model.predict(X))
