"""Tests of the exact threshold search in skbce.metrics."""

import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.exceptions import UndefinedMetricWarning
from sklearn.metrics import (
    accuracy_score,
    balanced_accuracy_score,
    confusion_matrix,
    f1_score,
    fbeta_score,
    matthews_corrcoef,
    precision_recall_curve,
    precision_score,
    recall_score,
)

from skbce.losses import dice_coefficient
from skbce.metrics import constrained, optimal_threshold, threshold_curve
from skbce.metrics._threshold import (
    _exact_candidates,
    _micro_coordinate_ascent,
    _resolve_objective,
    _samples_coordinate_ascent,
)


def _specificity(y, p, sample_weight):
    tn, fp, _, _ = confusion_matrix(y, p, sample_weight=sample_weight).ravel()
    return tn / (tn + fp) if tn + fp > 0 else 0.0


def _cost(y, p, sample_weight):
    # fp_cost=1, fn_cost=3, per unit of weight
    _, fp, fn, _ = confusion_matrix(
        y, p, labels=[0, 1], sample_weight=sample_weight
    ).ravel()
    return -(fp + 3 * fn) / np.sum(sample_weight)


# Independent references: scikit-learn's metrics on the 0/1 decisions.
_REFERENCES = {
    "f1": lambda y, p, w: f1_score(y, p, sample_weight=w, zero_division=0),
    "dice": lambda y, p, w: f1_score(y, p, sample_weight=w, zero_division=0),
    "fbeta": lambda y, p, w: fbeta_score(
        y, p, beta=2.0, sample_weight=w, zero_division=0
    ),
    "precision": lambda y, p, w: precision_score(
        y, p, sample_weight=w, zero_division=0
    ),
    "recall": lambda y, p, w: recall_score(y, p, sample_weight=w, zero_division=0),
    "specificity": _specificity,
    "youden": lambda y, p, w: (
        recall_score(y, p, sample_weight=w) + _specificity(y, p, w) - 1
    ),
    "balanced_accuracy": lambda y, p, w: balanced_accuracy_score(y, p, sample_weight=w),
    "accuracy": lambda y, p, w: accuracy_score(y, p, sample_weight=w),
    "matthews_corrcoef": lambda y, p, w: matthews_corrcoef(y, p, sample_weight=w),
    "cost": lambda y, p, w: _cost(
        y, p, np.ones(len(y)) if w is None else np.asarray(w)
    ),
}


def _tied_problem(rng, n=60, n_levels=7):
    """Scores on a coarse grid (many ties) and labels correlated with them."""
    y_score = rng.integers(0, n_levels, size=n) / n_levels
    y_true = (rng.random(n) < 0.2 + 0.6 * y_score).astype(int)
    y_true[:2] = [0, 1]  # both classes present
    return y_true, y_score


def _brute_force(y_true, y_score, metric, sample_weight=None, candidates=None):
    """Best value of ``metric`` over every threshold (all distinct scores, +inf)."""
    if candidates is None:
        candidates = np.append(np.unique(y_score), np.inf)
    return max(
        metric(y_true, (y_score >= t).astype(int), sample_weight) for t in candidates
    )


@pytest.mark.parametrize("objective", sorted(_REFERENCES))
@pytest.mark.parametrize("weighted", [False, True])
def test_optimal_threshold_matches_brute_force(objective, weighted, rng):
    """Check that the exact sweep finds the best of all thresholds, with ties."""
    for _ in range(5):
        y_true, y_score = _tied_problem(rng)
        weight = rng.integers(0, 4, size=y_true.size) + 0.5 if weighted else None
        threshold, score = optimal_threshold(
            y_true,
            y_score,
            objective=objective,
            beta=2.0,
            fn_cost=3.0,
            sample_weight=weight,
        )
        metric = _REFERENCES[objective]
        expected = _brute_force(y_true, y_score, metric, weight)
        assert score == pytest.approx(expected, rel=1e-12, abs=1e-12)
        # the returned threshold itself makes the optimal decisions
        decisions = (y_score >= threshold).astype(int)
        assert metric(y_true, decisions, weight) == pytest.approx(expected, abs=1e-12)


def test_optimal_threshold_threshold_lies_between_scores():
    """Check that the threshold is halfway between the last positive and next score."""
    threshold, _ = optimal_threshold([0, 1, 1, 0], [0.1, 0.8, 0.6, 0.2])
    assert threshold == pytest.approx(0.4)
    # everything positive: the lowest score; nothing positive: +inf
    assert optimal_threshold([1, 1], [0.3, 0.9])[0] == 0.3
    assert optimal_threshold([0, 1], [0.3, 0.9], objective="specificity")[0] == np.inf


def test_optimal_threshold_zero_weights_equal_dropping_rows(rng):
    """Check that zero sample weights give the result of dropping those rows."""
    y_true, y_score = _tied_problem(rng, n=80)
    weight = rng.integers(0, 3, size=y_true.size).astype(float)
    weight[:2] = 1
    kept = weight > 0
    for objective in ["f1", "youden", "cost"]:
        weighted = optimal_threshold(
            y_true, y_score, objective=objective, sample_weight=weight
        )[1]
        dropped = optimal_threshold(
            y_true[kept], y_score[kept], objective=objective, sample_weight=weight[kept]
        )[1]
        repeated = optimal_threshold(
            np.repeat(y_true, weight.astype(int)),
            np.repeat(y_score, weight.astype(int)),
            objective=objective,
        )[1]
        assert weighted == pytest.approx(dropped, rel=1e-12)
        assert weighted == pytest.approx(repeated, rel=1e-12)


def test_threshold_curve_matches_precision_recall_curve(rng):
    """Check that the curve's precision and recall equal scikit-learn's."""
    y_true, y_score = _tied_problem(rng, n=200, n_levels=30)
    weight = rng.random(y_true.size)
    curve = threshold_curve(y_true, y_score, sample_weight=weight)
    precision, recall, thresholds = precision_recall_curve(
        y_true, y_score, sample_weight=weight
    )
    # scikit-learn: increasing thresholds, plus the final (precision=1, recall=0)
    np.testing.assert_allclose(curve.thresholds[1:][::-1], thresholds)
    np.testing.assert_allclose(curve.precision[1:][::-1], precision[:-1])
    np.testing.assert_allclose(curve.recall[1:][::-1], recall[:-1])
    p, r = curve.precision[1:], curve.recall[1:]
    np.testing.assert_allclose(curve.objective[1:], 2 * p * r / (p + r))
    assert curve.objective[0] == 0 and curve.thresholds[0] == np.inf


def test_dice_per_element_is_f1(rng):
    """Check that the "dice" objective is the F1 score, value for value."""
    y_true, y_score = _tied_problem(rng, n=300, n_levels=40)
    weight = rng.random(y_true.size)
    dice = threshold_curve(y_true, y_score, objective="dice", sample_weight=weight)
    f1 = threshold_curve(y_true, y_score, objective="f1", sample_weight=weight)
    np.testing.assert_array_equal(dice.objective, f1.objective)
    assert optimal_threshold(
        y_true, y_score, objective="dice", sample_weight=weight
    ) == optimal_threshold(y_true, y_score, objective="f1", sample_weight=weight)


@pytest.mark.parametrize("zero_division", [0.0, 1.0])
def test_optimal_threshold_groups_mean_dice_matches_brute_force(zero_division, rng):
    """Check that groups= maximizes the mean Dice over groups (images) exactly."""
    n_images, n_pixels = 6, 40
    y_score = rng.integers(0, 15, size=(n_images, n_pixels)) / 15
    y_true = (rng.random((n_images, n_pixels)) < y_score**2).astype(int)
    y_true[0] = 0  # an empty mask
    groups = np.repeat(np.arange(n_images), n_pixels)
    threshold, score = optimal_threshold(
        y_true.ravel(),
        y_score.ravel(),
        objective="dice",
        groups=groups,
        zero_division=zero_division,
    )

    def mean_dice(t):
        return dice_coefficient(
            y_true, (y_score >= t).astype(int), axis=1, zero_division=zero_division
        ).mean()

    expected = max(mean_dice(t) for t in np.append(np.unique(y_score), np.inf))
    assert score == pytest.approx(expected, rel=1e-12)
    assert mean_dice(threshold) == pytest.approx(expected, rel=1e-12)


def test_optimal_threshold_multilabel_macro_is_per_label(rng):
    """Check that "macro" tunes each label on its own and averages the scores."""
    Y = np.column_stack([_tied_problem(rng, n=100)[0] for _ in range(4)])
    S = np.clip(Y * 0.3 + rng.random(Y.shape), 0, 1).round(2)
    thresholds, score = optimal_threshold(Y, S, average="macro")
    per_label = [optimal_threshold(Y[:, j], S[:, j]) for j in range(4)]
    np.testing.assert_array_equal(thresholds, [t for t, _ in per_label])
    assert score == pytest.approx(np.mean([s for _, s in per_label]))
    assert score == pytest.approx(f1_score(Y, S >= thresholds, average="macro"))


def test_micro_coordinate_ascent_never_decreases(rng):
    """Check that micro ascent only climbs, from at least the best global threshold."""
    Y = (rng.random((150, 5)) < [0.05, 0.1, 0.3, 0.5, 0.2]).astype(int)
    S = np.clip(Y * rng.uniform(0.05, 0.6, 5) + rng.random(Y.shape), 0, 2).round(2)
    thresholds, score = optimal_threshold(Y, S, average="micro")

    def micro_f1(t):
        return f1_score(Y, (S >= t).astype(int), average="micro", zero_division=0)

    best_global = max(micro_f1(t) for t in np.append(np.unique(S), np.inf))
    assert score == pytest.approx(micro_f1(thresholds), rel=1e-12)
    assert score >= best_global - 1e-12

    objective = _resolve_objective(
        "f1", beta=1.0, fp_cost=1.0, fn_cost=1.0, zero_division=0.0
    )
    candidates, _ = _exact_candidates(Y == 1, S, None)
    start = np.zeros(5, dtype=int)  # a poor start: nothing positive
    rows, history = _micro_coordinate_ascent(objective, candidates, start)
    feasible, values = zip(*history)  # unconstrained: every point is feasible
    assert all(feasible)
    assert np.all(np.diff(values) > 0)
    # at the end no single label can improve the pooled objective
    final = candidates.thresholds[rows, np.arange(5)]
    assert micro_f1(final) == pytest.approx(values[-1], rel=1e-12)
    for j in range(5):
        for t in np.append(np.unique(S[:, j]), np.inf):
            trial = final.copy()
            trial[j] = t
            assert micro_f1(trial) <= values[-1] + 1e-12


@pytest.mark.parametrize("weighted", [False, True])
def test_samples_coordinate_ascent_never_decreases(weighted, rng):
    """Check "samples": the value is sklearn's, climbs, beats any shared threshold."""
    Y = (rng.random((120, 4)) < [0.1, 0.3, 0.5, 0.2]).astype(int)
    S = np.clip(Y * rng.uniform(0.1, 0.6, 4) + rng.random(Y.shape), 0, 2).round(2)
    weight = rng.random(120) if weighted else None
    thresholds, score = optimal_threshold(Y, S, average="samples", sample_weight=weight)

    def samples_f1(t):
        return f1_score(
            Y,
            (S >= t).astype(int),
            average="samples",
            sample_weight=weight,
            zero_division=0,
        )

    assert score == pytest.approx(samples_f1(thresholds), rel=1e-12)
    best_global = max(samples_f1(t) for t in np.append(np.unique(S), np.inf))
    assert score >= best_global - 1e-12

    objective = _resolve_objective(
        "f1", beta=1.0, fp_cost=1.0, fn_cost=1.0, zero_division=0.0
    )
    candidates, _ = _exact_candidates(Y == 1, S, None)
    start = np.zeros(4, dtype=int)
    rows, history = _samples_coordinate_ascent(
        objective, candidates, Y == 1, weight, start
    )
    assert np.all(np.diff(history) > 0)
    final = candidates.thresholds[rows, np.arange(4)]
    assert history[-1] == pytest.approx(samples_f1(final), rel=1e-12)
    for j in range(4):
        for t in np.append(np.unique(S[:, j]), np.inf):
            trial = final.copy()
            trial[j] = t
            assert samples_f1(trial) <= history[-1] + 1e-12


def test_optimal_threshold_micro_equals_binary_for_one_label(rng):
    """Check that micro averaging of a single label is the binary search."""
    y_true, y_score = _tied_problem(rng)
    micro = optimal_threshold(y_true[:, None], y_score[:, None], average="micro")
    binary = optimal_threshold(y_true, y_score)
    assert micro[0][0] == binary[0] and micro[1] == binary[1]


def test_optimal_threshold_callable_objective_matches_name(rng):
    """Check that a callable on (tp, fp, fn, tn) gives the named objective's result."""
    y_true, y_score = _tied_problem(rng)

    def f1(tp, fp, fn, tn):
        return np.where(tp > 0, 2 * tp / np.maximum(2 * tp + fp + fn, 1), 0.0)

    assert optimal_threshold(y_true, y_score, objective=f1) == pytest.approx(
        optimal_threshold(y_true, y_score, objective="f1")
    )


def test_optimal_threshold_callable_must_be_elementwise():
    """Check that a callable returning the wrong shape gets a clear error."""
    with pytest.raises(ValueError, match="must be element-wise"):
        optimal_threshold([0, 1, 1], [0.1, 0.5, 0.7], objective=lambda *c: 1.0)


@pytest.mark.parametrize(
    "objective, rate, bound",
    [("recall", "precision", 0.75), ("precision", "recall", 0.6)],
)
def test_constrained_matches_brute_force(objective, rate, bound, rng):
    """Check max recall s.t. precision >= x (and the converse) against brute force."""
    scorers = {
        "precision": lambda y, p: precision_score(y, p, zero_division=0),
        "recall": lambda y, p: recall_score(y, p, zero_division=0),
    }
    y_true, y_score = _tied_problem(rng, n=120, n_levels=25)
    threshold, score = optimal_threshold(
        y_true, y_score, objective=constrained(objective, **{rate: bound})
    )
    feasible = [
        scorers[objective](y_true, y_score >= t)
        for t in np.append(np.unique(y_score), np.inf)
        if scorers[rate](y_true, y_score >= t) >= bound
    ]
    assert score == pytest.approx(max(feasible))
    assert scorers[rate](y_true, y_score >= threshold) >= bound


def test_constrained_infeasible_warns_and_falls_back():
    """Check that unreachable bounds warn and return the closest threshold."""
    y_true = [0, 1, 0, 1, 1, 0]
    y_score = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6]
    with pytest.warns(UndefinedMetricWarning, match="No threshold satisfies"):
        threshold, _ = optimal_threshold(
            y_true, y_score, objective=constrained("recall", precision=1.0)
        )
    # the best precision (2/3) predicts the scores >= 0.4, and not 0.3
    assert threshold == pytest.approx(0.35)


@pytest.mark.parametrize("bound", [-0.1, 1.5, "high"])
def test_constrained_rejects_bounds_outside_unit_interval(bound):
    """Check that constraint values outside [0, 1] raise a clear error."""
    with pytest.raises(ValueError, match=r"precision bound .* must be a number in"):
        constrained("recall", precision=bound)


def test_constrained_requires_a_bound_and_a_known_objective():
    """Check that constrained() without bounds or with a bad name raises."""
    with pytest.raises(ValueError, match="needs at least one bound"):
        constrained("recall")
    with pytest.raises(ValueError, match="Unknown objective 'recal'"):
        constrained("recal", precision=0.5)


@pytest.mark.parametrize("name", ["roc_auc", "log_loss", "neg_log_loss", "brier"])
def test_optimal_threshold_refuses_non_thresholded_metrics(name):
    """Check that ranking and probability metrics are refused with a reason."""
    with pytest.raises(ValueError, match="does not depend on a decision threshold"):
        optimal_threshold([0, 1], [0.2, 0.8], objective=name)


def test_optimal_threshold_unknown_objective():
    """Check that a misspelt objective lists the valid names."""
    with pytest.raises(ValueError, match="Unknown objective 'f2'.*'fbeta'"):
        optimal_threshold([0, 1], [0.2, 0.8], objective="f2")


def test_optimal_threshold_grid_is_a_restriction(rng):
    """Check that a grid search equals brute force over the grid, below exact."""
    y_true, y_score = _tied_problem(rng, n=200, n_levels=50)
    grid = np.linspace(0, 1, 11)
    threshold, score = optimal_threshold(y_true, y_score, thresholds=grid)
    metric = _REFERENCES["f1"]
    assert threshold in grid
    assert score == pytest.approx(
        _brute_force(y_true, y_score, metric, candidates=grid)
    )
    assert score <= optimal_threshold(y_true, y_score)[1]
    _, score_int = optimal_threshold(y_true, y_score, thresholds=20)
    assert score_int <= optimal_threshold(y_true, y_score)[1]


def test_optimal_threshold_string_labels_with_pos_label():
    """Check that string labels work with pos_label and fail clearly without."""
    y_true = np.array(["no", "yes", "yes", "no"])
    y_score = [0.1, 0.8, 0.6, 0.2]
    threshold, score = optimal_threshold(y_true, y_score, pos_label="yes")
    assert score == 1.0 and 0.2 < threshold <= 0.6
    with pytest.raises(ValueError, match="pass pos_label="):
        optimal_threshold(y_true, y_score)


def test_optimal_threshold_edge_cases():
    """Check one sample, extreme scores, float32 and one-class labels."""
    assert optimal_threshold([1], [0.3]) == (0.3, 1.0)
    threshold, score = optimal_threshold([0, 1, 1], [-1e308, 1e308, 1e308])
    assert score == 1.0 and -1e308 < threshold <= 1e308
    threshold, _ = optimal_threshold([0, 1, 1], np.array([0.1, 0.5, 0.7], np.float32))
    assert threshold.dtype == np.float32
    with pytest.warns(UndefinedMetricWarning, match="no positive samples"):
        threshold, score = optimal_threshold([0, 0, 0], [0.1, 0.5, 0.7])
    assert threshold == np.inf and score == 0.0


def test_optimal_threshold_bad_input():
    """Check the errors on mismatched shapes, non-finite scores and bad groups."""
    with pytest.raises(ValueError, match="same shape"):
        optimal_threshold([0, 1, 1], [[0.1], [0.5], [0.7]])
    with pytest.raises(ValueError, match="NaN"):
        optimal_threshold([0, 1], [0.1, np.nan])
    with pytest.raises(ValueError, match="cannot be combined"):
        optimal_threshold([0, 1], [0.1, 0.2], groups=[0, 0], average="micro")
    with pytest.raises(ValueError, match="The 'beta' parameter"):
        optimal_threshold([0, 1], [0.1, 0.2], objective="fbeta", beta=0)
    with pytest.raises(ValueError, match="The 'average' parameter"):
        optimal_threshold([0, 1], [0.1, 0.2], average="weighted")
    with pytest.raises(ValueError, match="average='samples' .* cannot be combined"):
        optimal_threshold([0, 1], [0.1, 0.2], average="samples", thresholds=5)


def test_optimal_threshold_matthews_does_not_overflow(rng):
    """Check MCC at n where int32 products overflowed (it returned 17.9).

    Unit weights give integer counts; ``(tp + fp)(tp + fn)(tn + fp)(tn + fn)``
    exceeds int32 from a few hundred rows, int64 when counts are pooled over
    labels, and float64 with weights near 1e77.
    """
    y_true = rng.integers(0, 2, size=1000)
    y_score = rng.random(1000)
    threshold, score = optimal_threshold(y_true, y_score, objective="matthews_corrcoef")
    assert -1 <= score <= 1
    assert score == pytest.approx(
        matthews_corrcoef(y_true, y_score >= threshold), rel=1e-12
    )
    some = np.append(np.sort(y_score)[::50], np.inf)  # no better threshold
    assert score >= _brute_force(
        y_true, y_score, _REFERENCES["matthews_corrcoef"], candidates=some
    )
    # weights near 1e77: the same counts up to a factor, the same MCC
    weighted = optimal_threshold(
        y_true,
        y_score,
        objective="matthews_corrcoef",
        sample_weight=np.full(1000, 3e77),
    )
    assert weighted[0] == threshold and weighted[1] == pytest.approx(score)


def test_optimal_threshold_micro_matthews_does_not_overflow(rng):
    """Check micro MCC on 240 000 pooled elements (int64 products overflowed)."""
    Y = (rng.random((24_000, 10)) < 0.5).astype(int)
    S = np.round(Y * 0.2 + rng.random(Y.shape), 2)
    thresholds, score = optimal_threshold(
        Y, S, objective="matthews_corrcoef", average="micro"
    )
    assert -1 <= score <= 1
    # micro MCC is the MCC of all (sample, label) decisions pooled
    pooled = matthews_corrcoef(Y.ravel(), (S >= thresholds).ravel())
    assert score == pytest.approx(pooled, rel=1e-10)


@pytest.mark.parametrize("scale", [1e-300, 1e-8, 1e8, 1e300])
def test_optimal_threshold_weight_scale_changes_nothing(scale, rng):
    """Check that every objective is the same at any weight scale, no overflow."""
    y_true, y_score = _tied_problem(rng, n=300, n_levels=40)
    weight = rng.integers(1, 5, size=y_true.size).astype(float)
    for objective in sorted(_REFERENCES):
        options = dict(objective=objective, beta=2.0, fn_cost=3.0)
        expected = optimal_threshold(y_true, y_score, sample_weight=weight, **options)
        scaled = optimal_threshold(
            y_true, y_score, sample_weight=weight * scale, **options
        )
        assert scaled[0] == expected[0]
        assert scaled[1] == pytest.approx(expected[1], rel=1e-12, abs=1e-15)


def test_optimal_threshold_callable_returning_nan_is_refused(rng):
    """Check that a NaN objective value raises instead of returning +inf."""
    y_true, y_score = _tied_problem(rng)

    def precision(tp, fp, fn, tn):
        return tp / (tp + fp)  # 0/0 = NaN when nothing is predicted positive

    with (
        np.errstate(invalid="ignore"),
        pytest.raises(ValueError, match=r"returned NaN \(e.g. at tp=0, fp=0"),
    ):
        optimal_threshold(y_true, y_score, objective=precision)
    with (
        np.errstate(invalid="ignore"),
        pytest.raises(ValueError, match="returned NaN"),
    ):
        optimal_threshold(
            np.column_stack([y_true, y_true]),
            np.column_stack([y_score, y_score]),
            objective=precision,
            average="micro",
        )


@pytest.mark.parametrize(
    "y_true",
    [
        pd.array([True, False, None, True], dtype="boolean"),
        pd.Series([1, 0, None, 1], dtype="Int64"),
        pd.Series(["yes", "no", None, "yes"], dtype="string"),
        np.array([1.0, 0.0, np.nan, 1.0]),
        np.array([1, 0, None, 1], dtype=object),
    ],
)
def test_optimal_threshold_refuses_missing_labels(y_true):
    """Check that NaN or pandas NA in y_true gets a clear ValueError."""
    with pytest.raises(ValueError, match="y_true contains NaN or missing values"):
        optimal_threshold(y_true, [0.1, 0.2, 0.3, 0.4], pos_label=None)


@pytest.mark.parametrize(
    "y_true",
    [
        pd.array([True, False, False, True], dtype="boolean"),
        pd.Series([1, 0, 0, 1], dtype="Int64"),
        pd.Series([True, False, False, True]),
    ],
)
def test_optimal_threshold_nullable_labels_without_missing_values(y_true):
    """Check that pandas nullable labels without NA give the NumPy result."""
    y_score = [0.4, 0.2, 0.3, 0.1]
    assert optimal_threshold(y_true, y_score) == optimal_threshold(
        [1, 0, 0, 1], y_score
    )


def test_optimal_threshold_micro_constrained_finds_the_feasible_point():
    """Check the issue's case: micro bounds met by [0.7, inf], not [0.4, 0.3]."""
    Y = np.array([[1, 0], [0, 0], [0, 1]])
    S = np.array([[0.7, 0.9], [0.1, 0.8], [0.0, 0.3]])
    objective = constrained("recall", precision=0.8)
    with warnings.catch_warnings():
        warnings.simplefilter("error", UndefinedMetricWarning)
        thresholds, recall = optimal_threshold(
            Y, S, average="micro", objective=objective
        )
    decisions = (S >= thresholds).astype(int)
    assert precision_score(Y.ravel(), decisions.ravel()) >= 0.8
    assert recall == recall_score(Y.ravel(), decisions.ravel()) == 0.5


def test_optimal_threshold_micro_infeasible_warning_names_the_pooled_counts():
    """Check that an unreachable micro bound warns about the pooled counts."""
    Y = np.array([[1, 0], [0, 1], [0, 1]])
    S = np.array([[0.1, 0.2], [0.9, 0.1], [0.8, 0.05]])
    with pytest.warns(UndefinedMetricWarning, match="pooled over all labels") as w:
        optimal_threshold(
            Y, S, average="micro", objective=constrained("f1", precision=0.9)
        )
    assert "label(s)" not in str(w[0].message)


def test_optimal_threshold_warnings_name_dataframe_columns():
    """Check that warnings name the labels by the columns of a DataFrame y_true."""
    Y = pd.DataFrame({"Class1": [1, 0, 1], "Class2": [0, 0, 0]})
    S = np.array([[0.9, 0.1], [0.2, 0.3], [0.8, 0.4]])
    with pytest.warns(UndefinedMetricWarning, match=r"label\(s\) \['Class2'\]"):
        optimal_threshold(Y, S)
    with pytest.warns(UndefinedMetricWarning, match=r"label\(s\) \['Class2'\]"):
        optimal_threshold(Y, S, objective=constrained("recall", precision=0.9))
    with pytest.warns(UndefinedMetricWarning, match="the positive class 'yes'"):
        optimal_threshold(["no", "no"], [0.1, 0.2], pos_label="yes")
