"""Tests of ThresholdCurveDisplay: the plotted curves against scikit-learn's
metrics evaluated at every plotted threshold, and the marked thresholds against
the exact search and OptimalThresholdClassifier."""

import sys

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import clone
from sklearn.datasets import make_classification, make_multilabel_classification
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score, precision_score, recall_score
from sklearn.model_selection import train_test_split
from sklearn.multiclass import OneVsRestClassifier

from skbce import MultiLabelLogisticClassifier, OptimalThresholdClassifier
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
    shown = []
    for j in range(3):
        _check_panel(display, j, Y[:, j], scores[:, j])
        best = display.best_threshold[j]
        title, threshold = display.ax_[j].get_title().split(", threshold ")
        assert title == f"label {j}"
        assert float(threshold) == pytest.approx(best, abs=5e-4)
        shown.append(threshold)
        assert_allclose(
            f1_score(Y[:, j], scores[:, j] >= best),
            _brute_force_best_f1(Y[:, j], scores[:, j]),
        )

    # the same number of decimals in every title (three for thresholds in [0, 1])
    assert {len(t.split(".")[1]) for t in shown} == {3}
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
    # several panels share one figure legend; each title names the threshold
    assert display.threshold_lines_[0].get_label() == "chosen threshold"
    assert axes[0].get_legend() is None and axes[1].get_legend() is None
    assert display.legend_ in figure.legends
    assert axes[0].get_ylabel() == "F1" and axes[1].get_ylabel() == ""


def test_threshold_curve_display_legend_names_value_at_threshold(pyplot):
    """Check that one panel's legend names the curve's value at its threshold."""
    display = ThresholdCurveDisplay(
        [np.inf, 0.8, 0.4], [0.0, 0.5, 0.7], best_threshold=0.6, objective_name="F1"
    ).plot()
    # 0.6 predicts the scores >= 0.8 positive: the value at 0.8
    assert display.threshold_lines_[0].get_label() == "threshold 0.600 (F1 0.500)"


@pytest.mark.parametrize(
    "kwargs, err_msg",
    [
        ({"label": 3}, r"a label name \(one of \[0, 1, 2\]\), an integer position"),
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


@pytest.fixture(scope="module")
def named_multilabel():
    """Three named labels, a tuned MultiLabelLogisticClassifier and test data."""
    X, Y = make_multilabel_classification(
        n_samples=500, n_features=8, n_classes=3, n_labels=1, random_state=0
    )
    Y = pd.DataFrame(Y, columns=["Class1", "Class2", "Class14"])
    X_train, X_test, Y_train, Y_test = train_test_split(X, Y, random_state=0)
    tuned = OptimalThresholdClassifier(MultiLabelLogisticClassifier(), cv=3)
    return tuned.fit(X_train, Y_train), X_test, Y_test


def test_threshold_curve_display_label_names(pyplot, named_multilabel):
    """Check label names: selected by name, panel titles (issue 16)."""
    tuned, X_test, Y_test = named_multilabel
    display = ThresholdCurveDisplay.from_estimator(tuned, label=["Class14", "Class1"])
    titles = [ax.get_title().split(",")[0] for ax in display.ax_]
    assert titles == ["Class14", "Class1"]
    assert_allclose(display.objective[0], tuned.cv_results_[2]["objective"])
    assert_allclose(display.best_threshold, tuned.best_threshold_[[2, 0]])
    # a single name, on test data: the curve of that label's scores
    one = ThresholdCurveDisplay.from_estimator(tuned, X_test, Y_test, label="Class2")
    assert one.ax_.get_title() == "Class2"
    _check_panel(one, 0, Y_test["Class2"].to_numpy(), tuned.predict_proba(X_test)[:, 1])
    # from_predictions takes the names of a DataFrame y_true
    scores = tuned.predict_proba(X_test)
    direct = ThresholdCurveDisplay.from_predictions(Y_test, scores, label="Class14")
    assert direct.ax_.get_title() == "Class14"
    _check_panel(direct, 0, Y_test["Class14"].to_numpy(), scores[:, 2])
    # a plain classifier fitted on a DataFrame: its classes_ name the panels
    plain = ThresholdCurveDisplay.from_estimator(
        tuned.estimator_, X_test, Y_test.to_numpy(), label=["Class2"]
    )
    assert plain.ax_.get_title().startswith("Class2")
    with pytest.raises(ValueError, match=r"a label name \(one of \['Class1'"):
        ThresholdCurveDisplay.from_estimator(tuned, label="Class3")


@pytest.mark.parametrize("average", ["micro", "samples"])
def test_threshold_curve_display_joint_average_says_what_is_marked(
    pyplot, named_multilabel, average
):
    """Check that micro/samples thresholds are said to be joint, not per-curve."""
    tuned, X_test, Y_test = named_multilabel
    joint = clone(tuned).set_params(average=average)
    joint.fit(X_test, Y_test)
    display = ThresholdCurveDisplay.from_estimator(joint)
    label = display.threshold_lines_[0].get_label()
    assert f"jointly maximizing the {average}-averaged F1" in label
    assert label in [t.get_text() for t in display.legend_.get_texts()]
    macro = ThresholdCurveDisplay.from_estimator(tuned)
    assert macro.threshold_lines_[0].get_label() == "chosen threshold"


def test_threshold_curve_display_styling_kwargs(pyplot, binary_split):
    """Check that the *_kwargs reach matplotlib and override the defaults."""
    X_train, X_test, y_train, y_test = binary_split
    model = LogisticRegression().fit(X_train, y_train)
    display = ThresholdCurveDisplay.from_estimator(
        model,
        X_test,
        y_test,
        objective_kwargs={"color": "tab:purple", "linewidth": 3},
        precision_kwargs={"color": "0.2", "linestyle": ":"},
        recall_kwargs={"alpha": 0.3, "label": "sensitivity"},
        threshold_kwargs={"color": "tab:red", "linestyle": "-."},
    )
    objective_line = display.objective_lines_[0]
    assert objective_line.get_color() == "tab:purple"
    assert objective_line.get_linewidth() == 3
    assert objective_line.get_drawstyle() == "steps-post"  # a default kept
    assert display.precision_lines_[0].get_color() == "0.2"
    assert display.precision_lines_[0].get_linestyle() == ":"
    assert display.recall_lines_[0].get_alpha() == 0.3
    assert display.recall_lines_[0].get_label() == "sensitivity"
    assert display.threshold_lines_[0].get_color() == "tab:red"
    assert display.threshold_lines_[0].get_linestyle() == "-."


def _overlaps(extent, other):
    return extent.overlaps(other) and extent.intersection(extent, other).width > 0


@pytest.mark.parametrize("n_labels", [1, 3])
def test_threshold_curve_display_legend_covers_no_curve(pyplot, n_labels, rng):
    """Check that the legend lies outside every panel (it covered curves)."""
    Y = rng.integers(0, 2, size=(300, n_labels))
    scores = np.clip(0.4 * Y + rng.random(Y.shape), 0, 1)
    if n_labels == 1:
        Y, scores = Y[:, 0], scores[:, 0]
    display = ThresholdCurveDisplay.from_predictions(Y, scores)
    display.figure_.canvas.draw()
    renderer = display.figure_.canvas.get_renderer()
    legend = display.legend_.get_window_extent(renderer)
    for ax in np.atleast_1d(display.ax_):
        panel = ax.get_window_extent(renderer)
        assert not _overlaps(legend, panel)


def test_threshold_curve_display_tuned_pos_label(pyplot, binary_split):
    """Check that a tuned positive class is the one drawn, and named."""
    X_train, X_test, y_train, y_test = binary_split
    labels_train = np.where(y_train == 1, "disease", "healthy")
    labels_test = np.where(y_test == 1, "disease", "healthy")
    tuned = OptimalThresholdClassifier(
        LogisticRegression(), pos_label="disease", cv=3
    ).fit(X_train, labels_train)
    display = ThresholdCurveDisplay.from_estimator(tuned, X_test, labels_test)
    disease = tuned.predict_proba(X_test)[:, 0]  # "disease" is classes_[0]
    _check_panel(display, 0, labels_test == "disease", disease)
    assert display.ax_.get_ylabel() == "F1 of 'disease', precision, recall"
    with pytest.raises(ValueError, match="is not the positive class"):
        ThresholdCurveDisplay.from_estimator(tuned, pos_label="healthy")
    # a plain classifier: pos_label picks the scores and the truth
    plain = ThresholdCurveDisplay.from_estimator(
        tuned.estimator_, X_test, labels_test, pos_label="disease"
    )
    _check_panel(plain, 0, labels_test == "disease", disease)


def test_threshold_curve_display_dask_fitted_classifier(pyplot):
    """Check a classifier tuned on dask collections (TypeError before)."""
    da = pytest.importorskip("dask.array")
    X, y = make_classification(n_samples=1000, n_features=6, random_state=0)
    fitted = LogisticRegression().fit(X[:400], y[:400])
    tuned = OptimalThresholdClassifier(fitted, cv="prefit", refit=False).fit(
        da.from_array(X[400:], chunks=(150, 6)), da.from_array(y[400:], chunks=150)
    )
    with pytest.raises(ValueError, match="fitted on dask collections"):
        ThresholdCurveDisplay.from_estimator(tuned)
    display = ThresholdCurveDisplay.from_estimator(
        tuned, da.from_array(X[400:], chunks=(150, 6)), da.from_array(y[400:])
    )
    _check_panel(display, 0, y[400:], fitted.predict_proba(X[400:])[:, 1])
    assert_allclose(display.best_threshold, [tuned.best_threshold_])
