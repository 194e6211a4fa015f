"""Tests of skbce.calibration: the exact temperature solve, the meta-estimator, ECE."""

import numpy as np
import pandas as pd
import pytest
import sklearn
from scipy.optimize import brentq, minimize_scalar
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.datasets import make_classification
from sklearn.exceptions import NotFittedError
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold, KFold, ShuffleSplit, cross_validate
from sklearn.multiclass import OneVsRestClassifier
from sklearn.multioutput import MultiOutputClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skbce.calibration import TemperatureScaledClassifier, expected_calibration_error
from skbce.calibration._temperature import _fit_temperature, _logit
from skbce.datasets import load_yeast
from skbce.losses import binary_cross_entropy, binary_cross_entropy_gradient, sigmoid


def _overconfident_logits(rng, n_samples=400, n_labels=4, inflation=3.0):
    """Logits ``inflation`` times the true ones, and labels drawn from the truth."""
    true_logits = rng.normal(scale=1.5, size=(n_samples, n_labels))
    y = (rng.uniform(size=true_logits.shape) < sigmoid(true_logits)).astype(float)
    return inflation * true_logits, y


def _temperature_by_root_finding(logits, y):
    """The stationary point of the summed BCE in T, by Brent's method on its slope.

    d/dT sum_i l(y_i, z_i / T) = -sum_i l'(y_i, z_i / T) z_i / T**2; the zero of
    the bracketed slope is found to machine precision, independently of the
    Newton solve under test.
    """

    def slope(temperature):
        gradient = binary_cross_entropy_gradient(
            y, logits / temperature, reduction="sum"
        )
        return -(gradient * logits).sum() / temperature**2

    return brentq(slope, 1e-2, 1e2, xtol=1e-15, rtol=4 * np.finfo(float).eps)


def _yeast_model(**params):
    base = make_pipeline(StandardScaler(), LogisticRegression(C=100, max_iter=2000))
    return TemperatureScaledClassifier(OneVsRestClassifier(base), **params)


@pytest.fixture(scope="module")
def yeast_fit():
    """A weakly regularised (over-confident) model on yeast, calibrated by 3-fold CV."""
    X, Y = load_yeast(subset="train", return_X_y=True)
    return _yeast_model(cv=3).fit(X, Y)


def test_fit_temperature_matches_root_finding(global_random_seed):
    """Check each label's temperature against Brent's method to 1e-8 and beyond."""
    rng = np.random.default_rng(global_random_seed)
    logits, y = _overconfident_logits(rng)
    temperature, n_iter = _fit_temperature(logits, y)
    assert n_iter < 20
    for k in range(y.shape[1]):
        expected = _temperature_by_root_finding(logits[:, k], y[:, k])
        assert temperature[k] == pytest.approx(expected, rel=1e-10)
        # The loss minimiser found by scipy agrees as far as a loss comparison can.
        result = minimize_scalar(
            lambda t, k=k: binary_cross_entropy(y[:, k], logits[:, k], temperature=t),
            bounds=(1e-2, 1e2),
            method="bounded",
            options={"xatol": 1e-12},
        )
        assert temperature[k] == pytest.approx(result.x, rel=1e-6)
    # The over-confident logits were inflated three-fold.
    np.testing.assert_allclose(temperature, 3.0, rtol=0.3)


def test_fit_temperature_shared_matches_root_finding(global_random_seed):
    """Check that one shared temperature minimises the loss summed over labels."""
    rng = np.random.default_rng(global_random_seed)
    logits, y = _overconfident_logits(rng)
    logits[:, 0] *= 3  # labels with different optimal temperatures
    temperature, _ = _fit_temperature(logits, y, shared=True)
    assert temperature.shape == (1,)
    expected = _temperature_by_root_finding(logits.ravel(), y.ravel())
    assert temperature[0] == pytest.approx(expected, rel=1e-10)


def test_fit_temperature_stops_at_the_bounds():
    """Check separating scores get the lowest T and uninformative ones the highest."""
    y = np.array([0.0, 0.0, 1.0, 1.0] * 10)
    separating = 2 * y - 1
    uninformative = np.zeros_like(y) + np.tile([1.0, -1.0], 20)  # unrelated to y
    logits = np.column_stack([separating, uninformative])
    temperature, _ = _fit_temperature(
        logits, np.column_stack([y, y]), bounds=(0.1, 50.0)
    )
    np.testing.assert_allclose(temperature, [0.1, 50.0])


def test_temperature_scaled_classifier_reduces_heldout_bce_on_yeast(yeast_fit):
    """Check the out-of-fold BCE and ECE fall on every label whose T differs from 1."""
    model = yeast_fit
    assert model.temperature_.shape == (14,)
    moved = np.abs(model.temperature_ - 1) > 1e-3
    assert moved.all()
    assert (model.temperature_ > 1).all()  # weakly regularised: over-confident
    assert (model.bce_after_[moved] < model.bce_before_[moved]).all()
    assert model.ece_after_.mean() < model.ece_before_.mean()
    # On the separate test subset the summed loss falls too.
    X_test, Y_test = load_yeast(subset="test", return_X_y=True)
    raw = model.estimator_.decision_function(X_test)
    calibrated = model.decision_function(X_test)
    np.testing.assert_allclose(calibrated, raw / model.temperature_)
    assert binary_cross_entropy(Y_test, calibrated) < binary_cross_entropy(Y_test, raw)


def test_temperature_scaled_classifier_keeps_rankings_and_decisions(yeast_fit):
    """Check that every threshold selects a top set of the uncalibrated ranking."""
    model = yeast_fit
    X_test, _ = load_yeast(subset="test", return_X_y=True)
    raw = model.estimator_.decision_function(X_test)
    proba = model.predict_proba(X_test)
    order = np.argsort(raw, axis=0, kind="stable")
    # Calibrated probabilities are non-decreasing along each label's raw ranking,
    # so a threshold on them cuts that ranking at one place.
    assert (np.diff(np.take_along_axis(proba, order, axis=0), axis=0) >= 0).all()
    np.testing.assert_array_equal(model.predict(X_test), (raw > 0).astype(int))
    np.testing.assert_array_equal(
        model.predict(X_test), model.estimator_.predict(X_test)
    )


def test_temperature_scaled_classifier_prefit_binary_matches_solver(global_random_seed):
    """Check cv='prefit' learns T from the estimator's logits on the given data."""
    X, y = make_classification(
        n_samples=600, n_features=30, n_informative=5, random_state=global_random_seed
    )
    fitted = LogisticRegression(C=1e4, max_iter=5000).fit(X[:300], y[:300])
    model = TemperatureScaledClassifier(fitted, cv="prefit").fit(X[300:], y[300:])
    assert model.estimator_ is fitted
    logits = fitted.decision_function(X[300:])
    expected = _temperature_by_root_finding(logits, y[300:].astype(float))
    assert isinstance(model.temperature_, float)
    assert model.temperature_ == pytest.approx(expected, rel=1e-10)
    assert model.temperature_ > 1
    assert model.bce_after_ < model.bce_before_
    proba = model.predict_proba(X[300:])
    np.testing.assert_allclose(proba.sum(axis=1), 1)
    np.testing.assert_allclose(proba[:, 1], sigmoid(logits / model.temperature_))
    np.testing.assert_allclose(np.exp(model.predict_log_proba(X[300:])), proba)
    np.testing.assert_array_equal(model.predict(X[300:]), fitted.predict(X[300:]))


def test_temperature_scaled_classifier_out_of_fold_logits(global_random_seed):
    """Check the CV path fits T on the out-of-fold logits and refits on all data."""
    X, y = make_classification(
        n_samples=300, flip_y=0.1, random_state=global_random_seed
    )
    y = np.where(y == 1, "spam", "ham")
    cv = KFold(4, shuffle=True, random_state=0)
    base = LogisticRegression(C=1e3, max_iter=5000)
    model = TemperatureScaledClassifier(base, cv=cv).fit(X, y)
    logits = np.empty(len(y))
    for train, test in cv.split(X, y):
        logits[test] = clone(base).fit(X[train], y[train]).decision_function(X[test])
    expected = _temperature_by_root_finding(logits, (y == "spam").astype(float))
    assert model.temperature_ == pytest.approx(expected, rel=1e-10)
    np.testing.assert_array_equal(model.classes_, ["ham", "spam"])
    refit = clone(base).fit(X, y)
    np.testing.assert_allclose(
        model.decision_function(X), refit.decision_function(X) / model.temperature_
    )


def test_temperature_scaled_classifier_from_predict_proba(global_random_seed):
    """Check the logits of a predict_proba-only multi-label model and a shared T."""
    rng = np.random.default_rng(global_random_seed)
    X = rng.normal(size=(400, 8))
    Y = (X[:, :3] + rng.normal(size=(400, 3)) > 0).astype(int)
    fitted = MultiOutputClassifier(LogisticRegression(C=1e4)).fit(X[:200], Y[:200])
    proba = np.column_stack([p[:, 1] for p in fitted.predict_proba(X[200:])])
    logits = _logit(proba)
    per_label = TemperatureScaledClassifier(fitted, cv="prefit").fit(X[200:], Y[200:])
    shared = TemperatureScaledClassifier(fitted, cv="prefit", per_label=False)
    shared.fit(X[200:], Y[200:])
    for k in range(3):
        expected = _temperature_by_root_finding(logits[:, k], Y[200:, k].astype(float))
        assert per_label.temperature_[k] == pytest.approx(expected, rel=1e-10)
    expected = _temperature_by_root_finding(logits.ravel(), Y[200:].ravel() * 1.0)
    assert shared.temperature_ == pytest.approx(expected, rel=1e-10)
    assert per_label.predict_proba(X[200:]).shape == (200, 3)


def test_logit_clips_only_probabilities_zero_and_one():
    """Check that only 0 and 1 are clipped, to logits of about +-36."""
    logits = _logit(np.array([0.0, 0.25, 0.5, 1.0]))
    np.testing.assert_allclose(logits[1:3], [np.log(1 / 3), 0.0])
    assert -37 < logits[0] < -36 and 36 < logits[3] < 37


class _PredictOnlyClassifier(ClassifierMixin, BaseEstimator):
    def fit(self, X, y):
        return self

    def predict(self, X):
        return np.zeros(len(X))


@pytest.mark.parametrize(
    "params, message",
    [
        (dict(temperature_bounds=(0.0, 10.0)), "temperature_bounds must be two"),
        (dict(temperature_bounds=(-1.0, 10.0)), "temperature_bounds must be two"),
        (dict(temperature_bounds=(5.0, 1.0)), "temperature_bounds must be two"),
        (dict(temperature_bounds=(1.0,)), "temperature_bounds must be two"),
        (dict(cv="once"), "'cv' parameter"),
        (dict(per_label="yes"), "'per_label' parameter"),
    ],
)
def test_temperature_scaled_classifier_bad_parameters(params, message):
    """Check that invalid parameters raise a ValueError naming them."""
    X, y = make_classification(n_samples=50, random_state=0)
    model = TemperatureScaledClassifier(LogisticRegression(), **params)
    with pytest.raises(ValueError, match=message):
        model.fit(X, y)


def test_temperature_scaled_classifier_bad_estimator_and_target():
    """Check the errors for an estimator without scores and unsupported targets."""
    X, y = make_classification(
        n_samples=60, n_classes=3, n_informative=4, random_state=0
    )
    with pytest.raises(ValueError, match="'estimator' parameter"):
        TemperatureScaledClassifier(_PredictOnlyClassifier()).fit(X, y > 0)
    with pytest.raises(ValueError, match="Only binary classification is supported"):
        TemperatureScaledClassifier(LogisticRegression()).fit(X, y)
    with pytest.raises(ValueError, match="has no predict_proba method"):
        TemperatureScaledClassifier(
            OneVsRestClassifier(_SVCLike()), response_method="predict_proba"
        ).fit(X, y > 0)
    fitted = LogisticRegression().fit(X, y > 0)
    with pytest.raises(ValueError, match="prefit estimator was fitted on"):
        TemperatureScaledClassifier(fitted, cv="prefit").fit(X, np.where(y > 0, 2, 1))
    multilabel = OneVsRestClassifier(LogisticRegression()).fit(X, np.eye(3)[y])
    with pytest.raises(ValueError, match=r"gives 3 score\(s\) per sample but y has 2"):
        TemperatureScaledClassifier(multilabel, cv="prefit").fit(X, np.eye(3)[y][:, :2])
    with pytest.raises(NotFittedError, match="When cv='prefit'"):
        TemperatureScaledClassifier(LogisticRegression(), cv="prefit").fit(X, y > 0)
    with pytest.raises(NotFittedError):
        TemperatureScaledClassifier(LogisticRegression()).predict(X)


class _SVCLike(ClassifierMixin, BaseEstimator):
    """A classifier with a decision function and no probabilities."""

    def fit(self, X, y):
        self.classes_ = np.unique(y)
        return self

    def decision_function(self, X):
        return X[:, 0]


def test_temperature_scaled_classifier_failed_refit_keeps_model(yeast_fit):
    """Check that a fit refused for bad parameters leaves the fitted model intact."""
    model = clone(yeast_fit).fit(*make_classification(n_samples=80, random_state=0))
    temperature = model.temperature_
    model.set_params(temperature_bounds=(2.0, 1.0))
    with pytest.raises(ValueError, match="temperature_bounds"):
        model.fit(*make_classification(n_samples=80, random_state=1))
    assert model.temperature_ == temperature


def test_expected_calibration_error_matches_bin_loop(global_random_seed):
    """Check the vectorised ECE against a loop over bins, label by label."""
    rng = np.random.default_rng(global_random_seed)
    proba = rng.uniform(size=(500, 3))
    proba[:5] = [0.0, 1.0, 0.5]  # the edges of the bins
    y = (rng.uniform(size=proba.shape) < proba**2).astype(int)
    n_bins = 10
    ece = expected_calibration_error(y, proba, n_bins=n_bins)
    for k in range(3):
        edges = np.linspace(0, 1, n_bins + 1)
        expected = 0.0
        for b in range(n_bins):
            upper = (
                proba[:, k] <= edges[b + 1]
                if b == n_bins - 1
                else (proba[:, k] < edges[b + 1])
            )
            in_bin = (proba[:, k] >= edges[b]) & upper
            if in_bin.any():
                gap = y[in_bin, k].mean() - proba[in_bin, k].mean()
                expected += in_bin.mean() * abs(gap)
        assert ece[k] == pytest.approx(expected, abs=1e-12)
        assert expected_calibration_error(y[:, k], proba[:, k], n_bins=n_bins) == (
            pytest.approx(expected, abs=1e-12)
        )


def test_expected_calibration_error_bad_input():
    """Check that scores, non-binary labels and mismatched shapes are refused."""
    with pytest.raises(ValueError, match="y_prob must hold probabilities"):
        expected_calibration_error([0, 1], [-2.0, 3.0])
    with pytest.raises(ValueError, match="y_true must hold 0/1 labels"):
        expected_calibration_error([0, 2], [0.2, 0.3])
    with pytest.raises(ValueError, match="same shape"):
        expected_calibration_error([[0, 1]], [0.2, 0.3])
    with pytest.raises(ValueError, match="'n_bins' parameter"):
        expected_calibration_error([0, 1], [0.2, 0.3], n_bins=0)


def _pooled_reference(base, X, y, splits, weight=None):
    """The temperature by root finding on the held-out logits of every split.

    Each (row, split) with the row in the split's test part is one observation,
    scored by the model of the split's training rows; weights by integer
    repetition, an independent way of weighting.
    """
    logits, truth, repeats = [], [], []
    for train, test in splits:
        kwargs = {} if weight is None else {"sample_weight": weight[train]}
        fitted = clone(base).fit(X[train], y[train], **kwargs)
        logits.append(fitted.decision_function(X[test]))
        truth.append(y[test])
        repeats.append(np.ones(len(test), int) if weight is None else weight[test])
    repeats = np.concatenate(repeats).astype(int)
    logits = np.repeat(np.concatenate(logits), repeats)
    truth = np.repeat(np.concatenate(truth), repeats).astype(float)
    return _temperature_by_root_finding(logits, truth)


@pytest.mark.parametrize("shape", ["single split", "shuffle split", "overlapping"])
def test_temperature_scaled_classifier_cv_not_partitioning_rows(shape):
    """Check splits that do not partition the rows (uninitialised memory before).

    The temperature is fitted on the held-out (row, split) observations only;
    the same input gives the same temperature, and a single split the one of
    cv="prefit" with the model of its training rows on its test rows.
    """
    rng = np.random.default_rng(0)
    X = rng.normal(size=(400, 20))
    y = (X[:, 0] + rng.normal(size=400) > 0).astype(int)
    base = LogisticRegression(C=100)
    if shape == "single split":
        splits = [(np.arange(120, 400), np.arange(120))]
    elif shape == "shuffle split":
        splits = list(ShuffleSplit(1, test_size=0.3, random_state=0).split(X))
    else:
        tests = [rng.choice(400, 150, replace=False) for _ in range(3)]
        splits = [(np.setdiff1d(np.arange(400), t), t) for t in tests]
    temperatures = {
        TemperatureScaledClassifier(base, cv=splits).fit(X, y).temperature_
        for _ in range(3)
    }
    assert len(temperatures) == 1
    (temperature,) = temperatures
    assert temperature == pytest.approx(
        _pooled_reference(base, X, y, splits), rel=1e-10
    )
    if shape != "overlapping":
        train, test = splits[0]
        prefit = TemperatureScaledClassifier(
            clone(base).fit(X[train], y[train]), cv="prefit"
        ).fit(X[test], y[test])
        assert temperature == pytest.approx(prefit.temperature_, rel=1e-12)


def test_temperature_scaled_classifier_sample_weight():
    """Check sample_weight: in the inner fits and the loss, as repeated rows."""
    rng = np.random.default_rng(1)
    X = rng.normal(size=(300, 10))
    y = (X[:, 0] + rng.normal(size=300) > 0).astype(int)
    weight = rng.integers(0, 4, size=300)
    base = LogisticRegression(C=100)
    splits = list(KFold(3, shuffle=True, random_state=0).split(X))
    model = TemperatureScaledClassifier(base, cv=splits).fit(
        X, y, sample_weight=weight.astype(float)
    )
    assert model.temperature_ == pytest.approx(
        _pooled_reference(base, X, y, splits, weight), rel=1e-8
    )
    refit = clone(base).fit(X, y, sample_weight=weight)
    np.testing.assert_allclose(model.estimator_.coef_, refit.coef_)
    # prefit: integer weights are repeated rows, in the ECE too
    fitted = clone(base).fit(X[:150], y[:150])
    weighted = TemperatureScaledClassifier(fitted, cv="prefit").fit(
        X[150:], y[150:], sample_weight=weight[150:]
    )
    rows = np.repeat(np.arange(150, 300), weight[150:])
    repeated = TemperatureScaledClassifier(fitted, cv="prefit").fit(X[rows], y[rows])
    for name in ("temperature_", "bce_before_", "bce_after_", "ece_after_"):
        assert getattr(weighted, name) == pytest.approx(
            getattr(repeated, name), rel=1e-9
        )


def test_temperature_scaled_classifier_groups_and_routing():
    """Check groups reach a GroupKFold, and metadata routing of the weights."""
    rng = np.random.default_rng(2)
    X = rng.normal(size=(240, 5))
    y = (X[:, 0] + rng.normal(size=240) > 0).astype(int)
    groups = np.repeat(np.arange(12), 20)
    base = LogisticRegression(C=100)
    model = TemperatureScaledClassifier(base, cv=GroupKFold(4)).fit(X, y, groups=groups)
    splits = list(GroupKFold(4).split(X, y, groups))
    assert model.temperature_ == pytest.approx(
        _pooled_reference(base, X, y, splits), rel=1e-10
    )
    with pytest.raises(ValueError, match="groups"):
        TemperatureScaledClassifier(base, cv=GroupKFold(4)).fit(X, y)
    weight = rng.integers(1, 3, size=240).astype(float)
    with sklearn.config_context(enable_metadata_routing=True):
        inner = make_pipeline(
            StandardScaler().set_fit_request(sample_weight=False),
            LogisticRegression(C=100).set_fit_request(sample_weight=True),
        )
        routed = TemperatureScaledClassifier(inner, cv=3).set_fit_request(
            sample_weight=True
        )
        routed.fit(X, y, sample_weight=weight)
        reference = clone(inner).fit(X, y, sample_weight=weight)
    np.testing.assert_allclose(
        routed.estimator_[-1].coef_, reference[-1].coef_, rtol=1e-6
    )
    with pytest.warns(UserWarning, match="Pipeline.fit does not accept"):
        TemperatureScaledClassifier(make_pipeline(StandardScaler(), base)).fit(
            X, y, sample_weight=weight
        )


def test_temperature_scaled_classifier_keeps_label_names():
    """Check that classes_ are the label names of a DataFrame y or of the model."""
    from skbce import MultiLabelLogisticClassifier

    X, Y = load_yeast(subset="train", return_X_y=True)
    X, Y = X[:400], Y[:400, :3]
    names = ["Class1", "Class2", "Class3"]
    frame = pd.DataFrame(Y, columns=names)
    model = TemperatureScaledClassifier(MultiLabelLogisticClassifier(), cv=3)
    np.testing.assert_array_equal(model.fit(X, frame).classes_, names)
    fitted = MultiLabelLogisticClassifier().fit(X, frame)
    prefit = TemperatureScaledClassifier(fitted, cv="prefit").fit(X, Y)
    np.testing.assert_array_equal(prefit.classes_, names)
    with pytest.raises(ValueError, match="are not the labels"):
        TemperatureScaledClassifier(fitted, cv="prefit").fit(X, frame[names[::-1]])
    binary = TemperatureScaledClassifier(LogisticRegression(), cv=3)
    np.testing.assert_array_equal(binary.fit(X, Y[:, 0]).classes_, [0, 1])


def test_temperature_scaled_classifier_frozen_estimator_in_cross_validate():
    """Check the pattern for a fitted model in cross_validate: FrozenEstimator."""
    X, y = make_classification(n_samples=400, n_features=10, random_state=0)
    fitted = LogisticRegression(C=100).fit(X[:200], y[:200])
    with pytest.raises(NotFittedError, match="must be fitted"):
        cross_validate(
            TemperatureScaledClassifier(fitted, cv="prefit"),
            X[200:],
            y[200:],
            cv=3,
            error_score="raise",
        )
    folds = list(KFold(3).split(X[200:]))
    results = cross_validate(
        TemperatureScaledClassifier(FrozenEstimator(fitted), cv="prefit"),
        X[200:],
        y[200:],
        cv=folds,
        scoring="neg_log_loss",
        return_estimator=True,
    )
    logits = fitted.decision_function(X[200:])
    for (train, _), calibrated in zip(folds, results["estimator"]):
        expected = _temperature_by_root_finding(
            logits[train], y[200:][train].astype(float)
        )
        assert calibrated.temperature_ == pytest.approx(expected, rel=1e-10)


def test_expected_calibration_error_sample_weight_is_repetition(global_random_seed):
    """Check that integer weights in the ECE equal repeated rows."""
    rng = np.random.default_rng(global_random_seed)
    proba = rng.uniform(size=(200, 2))
    y = (rng.uniform(size=proba.shape) < proba).astype(int)
    weight = rng.integers(0, 4, size=200)
    rows = np.repeat(np.arange(200), weight)
    np.testing.assert_allclose(
        expected_calibration_error(y, proba, sample_weight=weight * 1e300),
        expected_calibration_error(y[rows], proba[rows]),
        rtol=1e-12,
    )
    with pytest.raises(ValueError, match="at least one non-zero"):
        expected_calibration_error(y, proba, sample_weight=np.zeros(200))
