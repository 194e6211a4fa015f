"""Persistence of fitted skbce estimators: skops (trusted types) and pickle."""

import pickle

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression

from skbce import (
    GraphPropagator,
    HurdleRegressor,
    MultiLabelLogisticClassifier,
    OptimalThresholdClassifier,
    TemperatureScaledClassifier,
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
    "predict_pmf",
    "transform",
)


def _fitted_estimators():
    """One fitted instance of every public estimator (and a few variants), with X."""
    X_count, y_count = load_biochemists(return_X_y=True, as_frame=True)
    X, y = make_classification(n_samples=200, n_features=6, random_state=0)
    y_partial = y.copy()
    y_partial[::3] = -1
    X_labels, Y_labels = load_yeast(return_X_y=True, as_frame=True)
    fitted = [
        (MultiLabelLogisticClassifier().fit(X_labels, Y_labels), X_labels),
        (MultiLabelLogisticClassifier().fit(X, y), X),
        (HurdleRegressor(count_model="negbin").fit(X_count, y_count), X_count),
        (
            HurdleRegressor(zero_model=LogisticRegression()).fit(X_count, y_count),
            X_count,
        ),
        (OptimalThresholdClassifier(LogisticRegression()).fit(X, y), X),
        (
            OptimalThresholdClassifier(
                LogisticRegression(), objective=constrained("recall", precision=0.8)
            ).fit(X, y),
            X,
        ),
        (TemperatureScaledClassifier(LogisticRegression()).fit(X, y), X),
        (GraphPropagator().fit(X, y_partial), X),
    ]
    covered = {type(est) for est, _ in fitted}
    assert covered == {cls for _, cls in all_estimators()}, "add the new estimator"
    return fitted


FITTED = _fitted_estimators()
IDS = [type(est).__name__ for est, _ in FITTED]


def _outputs(estimator, X):
    return {
        name: getattr(estimator, name)(X)
        for name in _OUTPUT_METHODS
        if hasattr(estimator, name)
    }


def _assert_same_outputs(loaded, estimator, X):
    expected = _outputs(estimator, X)
    got = _outputs(loaded, X)
    assert got.keys() == expected.keys()
    for name in expected:
        assert_array_equal(got[name], expected[name], err_msg=name)


@pytest.mark.parametrize("estimator, X", FITTED, ids=IDS)
def test_trusted_types_cover_fitted_estimators(estimator, X):
    """Check that a fitted estimator needs no type beyond trusted_types()."""
    untrusted = sio.get_untrusted_types(data=sio.dumps(estimator))
    assert untrusted, "skops trusts skbce types by default: the test is moot"
    assert set(untrusted) <= set(trusted_types())


@pytest.mark.parametrize("estimator, X", FITTED, ids=IDS)
def test_skops_round_trip_gives_identical_predictions(estimator, X, tmp_path):
    """Check that dump/load and skops.io with trusted_types() keep predictions."""
    path = tmp_path / "model.skops"
    dump(estimator, path)
    _assert_same_outputs(load(path), estimator, X)
    loaded = sio.loads(sio.dumps(estimator), trusted=trusted_types())
    _assert_same_outputs(loaded, estimator, X)


@pytest.mark.parametrize("estimator, X", FITTED, ids=IDS)
def test_pickle_round_trip_gives_identical_predictions(estimator, X):
    """Check that pickling a fitted estimator keeps its predictions."""
    loaded = pickle.loads(pickle.dumps(estimator))
    _assert_same_outputs(loaded, estimator, X)


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
