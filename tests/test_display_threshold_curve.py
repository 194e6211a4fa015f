"""Tests of ThresholdCurveDisplay: the plotted curves against scikit-learn's
metrics evaluated at every plotted threshold, and the marked thresholds against
the exact search and OptimalThresholdClassifier."""

import sys

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.datasets import make_classification, make_multilabel_classification
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score, precision_score, recall_score
from sklearn.model_selection import train_test_split
from sklearn.multiclass import OneVsRestClassifier

from skbce import OptimalThresholdClassifier
from skbce.display import ThresholdCurveDisplay


@pytest.fixture(scope="module")
def binary_split():
    """An imbalanced binary problem, split in train and test."""
    X, y = make_classification(
        n_samples=600, n_features=6, weights=[0.85], class_sep=0.7, random_state=0
    )
    return train_test_split(X, y, random_state=0, stratify=y)


@pytest.fixture(scope="module")
def multilabel_split():
    """A 3-label problem, split in train and test."""
    X, Y = make_multilabel_classification(
        n_samples=500, n_features=8, n_classes=3, n_labels=1, random_state=0
    )
    return train_test_split(X, Y, random_state=0)


def _metrics_at(y_true, y_score, thresholds, metric):
    """``metric`` of the decisions ``y_score >= t`` at every threshold, one by one."""
    return np.array(
        [metric(y_true, y_score >= t, zero_division=0.0) for t in thresholds]
    )


def _check_panel(display, j, y_true, y_score):
    """Check the three curves of panel j against scikit-learn's metrics."""
    x = display.objective_lines_[j].get_xdata()
    assert_array_equal(x, np.unique(y_score)[::-1])  # every distinct score
    assert display.objective_lines_[j].get_drawstyle() == "steps-post"
    for lines, metric in (
        (display.objective_lines_, f1_score),
        (display.precision_lines_, precision_score),
        (display.recall_lines_, recall_score),
    ):
        assert_allclose(lines[j].get_ydata(), _metrics_at(y_true, y_score, x, metric))


def _brute_force_best_f1(y_true, y_score):
    """The best F1 over every distinct score as a threshold."""
    return _metrics_at(y_true, y_score, np.unique(y_score), f1_score).max()


def test_threshold_curve_display_from_predictions_binary(pyplot, rng):
    """Check the plotted F1, precision, recall and the marked optimum."""
    y_true = rng.integers(0, 2, size=200)
    y_score = np.round(rng.random(200) * 0.5 + 0.3 * y_true, 2)  # with ties
    display = ThresholdCurveDisplay.from_predictions(y_true, y_score)

    _check_panel(display, 0, y_true, y_score)
    assert np.isinf(display.thresholds[0][0])  # kept in the data, not drawn
    (best,) = display.best_threshold
    assert_allclose(
        f1_score(y_true, y_score >= best), _brute_force_best_f1(y_true, y_score)
    )
    assert_allclose(display.threshold_lines_[0].get_xdata(), [best, best])
    assert display.ax_.get_ylabel() == "F1, precision, recall"
    assert display.ax_.get_xlabel() == "threshold"


def test_threshold_curve_display_from_estimator_binary(pyplot, binary_split):
    """Check that a plain classifier is drawn as from_predictions on its scores."""
    X_train, X_test, y_train, y_test = binary_split
    model = LogisticRegression().fit(X_train, y_train)
    display = ThresholdCurveDisplay.from_estimator(model, X_test, y_test)
    proba = model.predict_proba(X_test)[:, 1]
    _check_panel(display, 0, y_test, proba)
    reference = ThresholdCurveDisplay.from_predictions(y_test, proba)
    assert_allclose(display.best_threshold, reference.best_threshold)
    assert display.name == "LogisticRegression"
    assert display.objective_lines_[0].get_label() == "F1 (LogisticRegression)"
    assert display.ax_.get_ylabel() == "F1, precision, recall"


def test_threshold_curve_display_from_estimator_decision_function(pyplot, binary_split):
    """Check that response_method selects the decision function as the score."""
    X_train, X_test, y_train, y_test = binary_split
    model = LogisticRegression().fit(X_train, y_train)
    display = ThresholdCurveDisplay.from_estimator(
        model, X_test, y_test, response_method="decision_function"
    )
    _check_panel(display, 0, y_test, model.decision_function(X_test))


def test_threshold_curve_display_tuned_classifier_held_out_curve(pyplot, binary_split):
    """Check that without X, y a tuned classifier shows cv_results_ and its cut."""
    X_train, _, y_train, _ = binary_split
    tuned = OptimalThresholdClassifier(LogisticRegression(), cv=3).fit(X_train, y_train)
    display = ThresholdCurveDisplay.from_estimator(tuned)
    curve = tuned.cv_results_
    for key in ("thresholds", "objective", "precision", "recall"):
        assert_allclose(getattr(display, key)[0], curve[key])
    finite = np.isfinite(curve["thresholds"])
    assert_allclose(display.objective_lines_[0].get_ydata(), curve["objective"][finite])
    assert_allclose(
        display.threshold_lines_[0].get_xdata(), [tuned.best_threshold_] * 2
    )
    # the marked threshold is the maximum of the drawn curve
    at_best = curve["thresholds"] >= tuned.best_threshold_
    assert_allclose(curve["objective"][at_best][-1], curve["objective"].max())
    label = display.objective_lines_[0].get_label()
    assert label == "F1 (OptimalThresholdClassifier)"


def test_threshold_curve_display_tuned_classifier_on_test_data(pyplot, binary_split):
    """Check that with X, y a tuned classifier marks its own cut on their curve."""
    X_train, X_test, y_train, y_test = binary_split
    tuned = OptimalThresholdClassifier(
        LogisticRegression(), objective="cost", fn_cost=5, cv=3
    ).fit(X_train, y_train)
    display = ThresholdCurveDisplay.from_estimator(tuned, X_test, y_test)
    proba = tuned.predict_proba(X_test)[:, 1]
    x = display.objective_lines_[0].get_xdata()
    assert_array_equal(x, np.unique(proba)[::-1])
    fp = np.array([np.sum((proba >= t) & (y_test == 0)) for t in x])
    fn = np.array([np.sum((proba < t) & (y_test == 1)) for t in x])
    assert_allclose(display.objective_lines_[0].get_ydata(), -(fp + 5 * fn) / 150)
    assert_allclose(display.best_threshold, [tuned.best_threshold_])
    assert display.ax_.get_ylabel() == "minus mean cost, precision, recall"


def test_threshold_curve_display_multilabel_panels(pyplot, multilabel_split, rng):
    """Check one panel per label, each with its own curves and optimum."""
    _, _, _, Y = multilabel_split
    scores = np.clip(0.4 * Y + rng.random(Y.shape), 0, 1)
    display = ThresholdCurveDisplay.from_predictions(Y, scores)
    assert display.ax_.shape == (3,)
    assert len({ax.get_position().bounds for ax in display.ax_}) == 3
    for j in range(3):
        _check_panel(display, j, Y[:, j], scores[:, j])
        best = display.best_threshold[j]
        assert display.ax_[j].get_title() == f"label {j}, threshold {best:.3g}"
        assert_allclose(
            f1_score(Y[:, j], scores[:, j] >= best),
            _brute_force_best_f1(Y[:, j], scores[:, j]),
        )

    single = ThresholdCurveDisplay.from_predictions(Y, scores, label=2)
    assert_allclose(single.objective[0], display.objective[2])
    assert single.ax_.get_title() == "label 2"
    pair = ThresholdCurveDisplay.from_predictions(Y, scores, label=[2, 0])
    assert [ax.get_title()[:7] for ax in pair.ax_] == ["label 2", "label 0"]
    assert_allclose(pair.best_threshold, display.best_threshold[[2, 0]])


def test_threshold_curve_display_multilabel_tuned_classifier(pyplot, multilabel_split):
    """Check the panels of a multi-label tuned classifier and a selected label."""
    X_train, X_test, Y_train, Y_test = multilabel_split
    tuned = OptimalThresholdClassifier(
        OneVsRestClassifier(LogisticRegression()), cv=3
    ).fit(X_train, Y_train)
    display = ThresholdCurveDisplay.from_estimator(tuned)
    assert len(display.objective_lines_) == 3
    for j in range(3):
        assert_allclose(display.objective[j], tuned.cv_results_[j]["objective"])
    assert_allclose(display.best_threshold, tuned.best_threshold_)

    on_test = ThresholdCurveDisplay.from_estimator(tuned, X_test, Y_test, label=1)
    _check_panel(on_test, 0, Y_test[:, 1], tuned.predict_proba(X_test)[:, 1])
    assert_allclose(on_test.best_threshold, tuned.best_threshold_[[1]])


def test_threshold_curve_display_plot_on_given_axes(pyplot):
    """Check plot on given axes, with and without the precision/recall curves."""
    thresholds = [np.array([np.inf, 0.8, 0.4]), np.array([np.inf, 0.9, 0.2])]
    objective = [np.array([0.0, 0.5, 0.7]), np.array([0.0, 0.6, 0.4])]
    display = ThresholdCurveDisplay(
        thresholds, objective, best_threshold=[0.6, np.inf], objective_name="F1"
    )
    figure, axes = pyplot.subplots(1, 2)
    assert display.plot(ax=axes, show_precision_recall=True) is display
    assert display.figure_ is figure and list(display.ax_) == list(axes)
    assert display.precision_lines_ == [] and display.recall_lines_ == []
    assert len(display.threshold_lines_) == 1  # none drawn at +inf
    assert_allclose(display.objective_lines_[1].get_xdata(), [0.9, 0.2])
    # several panels share one legend; each title names the panel's threshold
    assert display.threshold_lines_[0].get_label() == "chosen threshold"
    assert axes[1].get_legend() is None
    assert axes[0].get_ylabel() == "F1" and axes[1].get_ylabel() == ""


def test_threshold_curve_display_legend_names_value_at_threshold(pyplot):
    """Check that one panel's legend names the curve's value at its threshold."""
    display = ThresholdCurveDisplay(
        [np.inf, 0.8, 0.4], [0.0, 0.5, 0.7], best_threshold=0.6, objective_name="F1"
    ).plot()
    # 0.6 predicts the scores >= 0.8 positive: the value at 0.8
    assert display.threshold_lines_[0].get_label() == "threshold 0.6 (F1 0.5)"


@pytest.mark.parametrize(
    "kwargs, err_msg",
    [
        ({"label": 3}, r"label must be None, an integer in \[0, 3\)"),
        ({"label": [0, -1]}, "label must be None"),
        ({"objective": "roc_auc"}, "does not depend on a decision threshold"),
    ],
)
def test_threshold_curve_display_from_predictions_rejects_bad_input(
    pyplot, kwargs, err_msg
):
    """Check the errors of from_predictions on bad labels and objectives."""
    Y = np.array([[0, 1, 1], [1, 0, 1], [1, 1, 0]])
    with pytest.raises(ValueError, match=err_msg):
        ThresholdCurveDisplay.from_predictions(Y, Y * 0.5 + 0.1, **kwargs)


def test_threshold_curve_display_rejects_label_of_binary_target(pyplot):
    """Check that selecting a label of a binary target raises."""
    with pytest.raises(ValueError, match="this one is binary"):
        ThresholdCurveDisplay.from_predictions([0, 1, 1], [0.1, 0.5, 0.9], label=0)


def test_threshold_curve_display_from_estimator_rejects_bad_input(pyplot, binary_split):
    """Check the errors of from_estimator without data or on an unfitted model."""
    X_train, X_test, y_train, _ = binary_split
    model = LogisticRegression().fit(X_train, y_train)
    with pytest.raises(ValueError, match="Pass both X and y"):
        ThresholdCurveDisplay.from_estimator(model)
    with pytest.raises(ValueError, match="Pass both X and y"):
        ThresholdCurveDisplay.from_estimator(model, X_test)
    with pytest.raises(NotFittedError, match="not fitted"):
        ThresholdCurveDisplay.from_estimator(LogisticRegression(), X_test, y_train)


@pytest.mark.parametrize(
    "kwargs, err_msg",
    [
        ({"objective": [[0.0, 1.0]]}, "same length in each panel"),
        ({"best_threshold": [0.1, 0.2]}, "one threshold per panel"),
        ({"labels": ["a", "b"]}, "one title per panel"),
        ({"objective": [[0.0, 1.0, 0.5], [0.0]]}, "holds 2 curve"),
    ],
)
def test_threshold_curve_display_plot_rejects_bad_data(pyplot, kwargs, err_msg):
    """Check that plot rejects curves and marks that do not fit together."""
    arguments = {"thresholds": [np.inf, 0.5, 0.1], "objective": [0.0, 0.5, 0.4]}
    display = ThresholdCurveDisplay(**{**arguments, **kwargs})
    with pytest.raises(ValueError, match=err_msg):
        display.plot()


def test_threshold_curve_display_rejects_wrong_number_of_axes(pyplot):
    """Check that plot needs one Axes per panel."""
    display = ThresholdCurveDisplay([[np.inf, 0.5], [np.inf, 0.4]], [[0, 1], [0, 1]])
    _, axes = pyplot.subplots(1, 3)
    with pytest.raises(ValueError, match=r"one Axes per panel \(2\); got 3"):
        display.plot(ax=axes)
    with pytest.raises(ValueError, match=r"one Axes per panel \(1\); got 2"):
        ThresholdCurveDisplay([np.inf, 0.5], [0, 1]).plot(ax=axes[:2])
    # a single Axes in a sequence is accepted
    single = ThresholdCurveDisplay([np.inf, 0.5], [0, 1]).plot(ax=[axes[2]])
    assert single.ax_ is axes[2]


def test_threshold_curve_display_requires_matplotlib(monkeypatch):
    """Check that a missing matplotlib raises an ImportError naming the method."""
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(ImportError, match="from_predictions requires matplotlib"):
        ThresholdCurveDisplay.from_predictions([0, 1], [0.2, 0.8])
