"""Exact search of decision thresholds on classifier scores.

A decision threshold ``t`` turns scores into decisions (positive when
``score >= t``). Every thresholded objective (F1, cost, Youden's J, ...) is a
function of the four confusion counts, and those counts only change when ``t``
crosses an observed score. So the exact optimum is found by sorting the scores once
and sweeping every *distinct* score as a candidate, with cumulative counts of
positives and negatives: O(n log n), ties handled by evaluating only at the ends
of runs of equal scores.

The sweep is split in steps that a chunked (dask) two-pass search can reuse:

1. :func:`_sort_columns` sorts the scores of every label (one ``argsort``);
2. :func:`_cumulative_counts` turns sorted positive/negative weights into the
   weighted true- and false-positive counts at every cut, from given offsets;
3. :func:`_objective_values` evaluates an objective on count arrays of any shape;
4. :func:`_best_candidates` picks, per label, the best admissible cut.

Everything works on 2-D arrays of shape (n_candidates, n_labels), so all labels
are searched at once; a binary problem is a single column.
"""

import warnings
from dataclasses import dataclass
from numbers import Integral, Real

import numpy as np
import pandas as pd
from sklearn.exceptions import UndefinedMetricWarning
from sklearn.utils import Bunch, check_array, check_consistent_length, column_or_1d

from ..utils._dask import any_dask
from ..utils._sklearn_compat import (
    Interval,
    StrOptions,
    _check_sample_weight,
    validate_params,
)
from ..utils._validation import check_no_label_sets

__all__ = [
    "ConstrainedObjective",
    "constrained",
    "optimal_threshold",
    "threshold_curve",
]

_FLOAT_DTYPES = (np.float64, np.float32)
_MAX_COORDINATE_PASSES = 100

# Scores that do not depend on a threshold: they judge the ranking or the
# probabilities themselves, so there is nothing to tune.
_NON_THRESHOLDED = ("auc", "log_loss", "brier", "average_precision", "d2_")


# ---------------------------------------------------------------------------
# Objectives: element-wise functions of the confusion counts
# ---------------------------------------------------------------------------


# Each named objective takes the true and false positives ``tp``, ``fp`` at the
# candidates and the totals of positives and negatives ``pos``, ``neg``
# (broadcastable), so that ``fn = pos - tp`` and ``tn = neg - fp`` are only
# formed where needed: the objective is evaluated at every distinct score and its
# few array passes are a large part of the search time.


def _safe_ratio(numerator, denominator, zero_division):
    """``numerator / denominator`` with ``zero_division`` where the denominator is 0.

    Never divides by zero: besides the values, a 0/0 would leave the processor's
    invalid-operation flag set, which NumPy later reports from unrelated code.
    """
    if np.min(denominator) > 0:  # the common case: one pass
        return np.true_divide(numerator, denominator)
    shape = np.broadcast_shapes(np.shape(numerator), np.shape(denominator))
    out = np.full(shape, float(zero_division))
    np.divide(numerator, denominator, out=out, where=denominator > 0)
    return out[()] if out.ndim == 0 else out


def _fbeta(tp, fp, pos, neg, *, beta, zero_division, **_):
    # (1 + b^2) tp / ((1 + b^2) tp + b^2 fn + fp) = (1 + b^2) tp / (tp + fp + b^2 pos)
    beta2 = beta * beta
    denominator = tp + fp
    denominator = denominator + beta2 * pos if beta2 != 1 else denominator + pos
    return _safe_ratio((1 + beta2) * tp, denominator, zero_division)


def _f1(tp, fp, pos, neg, *, zero_division, **_):
    return _fbeta(tp, fp, pos, neg, beta=1.0, zero_division=zero_division)


def _precision(tp, fp, pos, neg, *, zero_division, **_):
    return _safe_ratio(tp, tp + fp, zero_division)


def _recall(tp, fp, pos, neg, *, zero_division, **_):
    return _safe_ratio(tp, np.broadcast_to(pos, np.shape(tp)), zero_division)


def _specificity(tp, fp, pos, neg, *, zero_division, **_):
    return _safe_ratio(neg - fp, np.broadcast_to(neg, np.shape(fp)), zero_division)


def _youden(tp, fp, pos, neg, *, zero_division, **_):
    return _recall(tp, fp, pos, neg, zero_division=zero_division) - _safe_ratio(
        fp, np.broadcast_to(neg, np.shape(fp)), 1 - zero_division
    )


def _balanced_accuracy(tp, fp, pos, neg, *, zero_division, **_):
    # As scikit-learn's balanced_accuracy_score: the mean recall over the classes
    # present, which is (1 + Youden's J) / 2 when both are.
    has_pos, has_neg = np.asarray(pos) > 0, np.asarray(neg) > 0
    recall = _recall(tp, fp, pos, neg, zero_division=0.0)
    specificity = _specificity(tp, fp, pos, neg, zero_division=0.0)
    n_classes = np.broadcast_to(has_pos.astype(int) + has_neg, np.shape(recall))
    return _safe_ratio(recall * has_pos + specificity * has_neg, n_classes, 0.0)


def _accuracy(tp, fp, pos, neg, *, zero_division, **_):
    correct = tp + (neg - fp)
    return _safe_ratio(correct, np.broadcast_to(pos + neg, np.shape(correct)), 0.0)


def _shares(tp, fp, pos, neg):
    """The counts as shares of the total weight, floats in [0, 1].

    Integer counts (unit weights) would overflow in the products of the MCC (int32
    from n of about 46 000, int64 from a few 10^9 pooled elements), and float
    counts overflow there from about 1e77; shares of the total cannot. A total of
    zero (all weights zero) leaves the zero counts as they are.
    """
    total = np.asarray(pos + neg, dtype=np.float64)
    scale = 1.0 / np.where(total > 0, total, 1.0)
    return tp * scale, fp * scale, pos * scale, neg * scale


def _matthews(tp, fp, pos, neg, *, zero_division, **_):
    tp, fp, pos, neg = _shares(tp, fp, pos, neg)
    fn, tn = pos - tp, neg - fp
    # one square root per factor: their product cannot underflow either
    denominator = np.sqrt(tp + fp) * np.sqrt(pos) * np.sqrt(neg) * np.sqrt(tn + fn)
    mcc = _safe_ratio(tp * tn - fp * fn, denominator, 0.0)
    # rounding can leave |MCC| a few ulps above 1 at a perfect (anti-)correlation
    return np.clip(mcc, -1.0, 1.0)


def _negative_cost(tp, fp, pos, neg, *, fp_cost, fn_cost, **_):
    tp, fp, pos, neg = _shares(tp, fp, pos, neg)
    # -(fp_cost * FP + fn_cost * FN) / n, from shares: in [-max cost, 0]
    return -(fp_cost * fp + fn_cost * (pos - tp))


# name -> element-wise function; "dice" is the F1 score under its segmentation name
_OBJECTIVES = {
    "f1": _f1,
    "dice": _f1,
    "fbeta": _fbeta,
    "precision": _precision,
    "recall": _recall,
    "specificity": _specificity,
    "youden": _youden,
    "balanced_accuracy": _balanced_accuracy,
    "accuracy": _accuracy,
    "matthews_corrcoef": _matthews,
    "cost": _negative_cost,
}

# Rates a constraint can bound from below.
_RATES = {"precision": _precision, "recall": _recall, "specificity": _specificity}


@dataclass(frozen=True)
class ConstrainedObjective:
    """An objective maximized subject to lower bounds on precision, recall, specificity.

    Build it with :func:`constrained`, and pass it wherever an ``objective`` is
    accepted. Among the thresholds that meet every bound, the one that maximizes
    ``objective`` is chosen.

    Parameters
    ----------
    objective : str or callable
        The objective to maximize: a name of the objective registry or a
        callable on ``(tp, fp, fn, tn)`` arrays.
    precision : float in [0, 1] or None, default=None
        Lower bound on precision, or None for no bound.
    recall : float in [0, 1] or None, default=None
        Lower bound on recall, or None for no bound.
    specificity : float in [0, 1] or None, default=None
        Lower bound on specificity, or None for no bound.

    See Also
    --------
    constrained : The function that builds it.
    optimal_threshold : The search that uses it.

    Examples
    --------
    >>> from skbce.metrics import constrained
    >>> constrained("recall", precision=0.9).bounds
    {'precision': 0.9}
    """

    objective: object
    precision: float | None = None
    recall: float | None = None
    specificity: float | None = None

    def __post_init__(self):
        if isinstance(self.objective, ConstrainedObjective):
            raise ValueError(
                "constrained() takes a plain objective; put all bounds in one call, "
                "e.g. constrained('f1', precision=0.8, recall=0.5)."
            )
        _check_objective_name(self.objective)
        if not self.bounds:
            raise ValueError(
                "constrained() needs at least one bound: precision=, recall= or "
                "specificity=, each a number in [0, 1]."
            )
        for rate, bound in self.bounds.items():
            if (
                not isinstance(bound, Real)
                or isinstance(bound, bool)
                or not 0 <= bound <= 1
            ):
                raise ValueError(
                    f"The {rate} bound of constrained() must be a number in [0, 1]; "
                    f"got {bound!r}."
                )

    @property
    def bounds(self):
        """Dict of the given lower bounds, ``{rate: bound}``."""
        return {
            rate: bound for rate in _RATES if (bound := getattr(self, rate)) is not None
        }

    def _slack(self, tp, fp, pos, neg, *, zero_division):
        """Smallest margin ``rate - bound`` over the bounds: feasible where >= 0."""
        return np.min(
            [
                _RATES[rate](tp, fp, pos, neg, zero_division=zero_division) - bound
                for rate, bound in self.bounds.items()
            ],
            axis=0,
        )

    def __repr__(self):
        bounds = ", ".join(f"{rate}={bound!r}" for rate, bound in self.bounds.items())
        return f"constrained({self.objective!r}, {bounds})"


def constrained(objective, *, precision=None, recall=None, specificity=None):
    """Maximize an objective subject to lower bounds on precision, recall, specificity.

    ``constrained("recall", precision=0.9)`` is the threshold with the highest
    recall among those reaching a precision of at least 0.9; ``constrained(
    "precision", recall=0.8)`` the one with the highest precision at a recall of at
    least 0.8. Bounds combine (all must hold) and any objective accepted by
    :func:`optimal_threshold` can be constrained. When no threshold satisfies the
    bounds, the search warns and returns the threshold closest to feasibility (the
    largest smallest margin ``rate - bound``).

    Parameters
    ----------
    objective : str or callable
        The objective to maximize, a name accepted by :func:`optimal_threshold`
        or a callable on ``(tp, fp, fn, tn)``.
    precision : float in [0, 1], default=None
        Lower bound on the precision ``tp / (tp + fp)``.
    recall : float in [0, 1], default=None
        Lower bound on the recall ``tp / (tp + fn)``.
    specificity : float in [0, 1], default=None
        Lower bound on the specificity ``tn / (tn + fp)``.

    Returns
    -------
    objective : ConstrainedObjective
        An immutable objective to pass as ``objective=`` to
        :func:`optimal_threshold`, :func:`threshold_curve` or
        :class:`skbce.OptimalThresholdClassifier`.

    See Also
    --------
    optimal_threshold : The exact threshold search.

    Examples
    --------
    >>> from skbce.metrics import constrained, optimal_threshold
    >>> y_true = [0, 0, 1, 0, 1, 1, 1]
    >>> y_score = [0.1, 0.2, 0.3, 0.4, 0.6, 0.7, 0.9]
    >>> objective = constrained("recall", precision=0.8)
    >>> objective
    constrained('recall', precision=0.8)
    >>> threshold, recall = optimal_threshold(y_true, y_score, objective=objective)
    >>> round(float(threshold), 3), float(recall)
    (0.25, 1.0)
    """
    return ConstrainedObjective(
        objective, precision=precision, recall=recall, specificity=specificity
    )


def _check_objective_name(objective):
    """Raise a clear error for objective names that do not exist or do not apply."""
    if callable(objective) or isinstance(objective, ConstrainedObjective):
        return
    if not isinstance(objective, str):
        raise TypeError(
            "objective must be a name, a callable on (tp, fp, fn, tn) or "
            f"constrained(...); got {objective!r}."
        )
    if objective in _OBJECTIVES:
        return
    if any(part in objective for part in _NON_THRESHOLDED):
        raise ValueError(
            f"objective={objective!r} does not depend on a decision threshold: it "
            "scores the ranking or the probabilities themselves, so there is no "
            "threshold to tune. Use a thresholded objective such as 'f1', 'fbeta', "
            "'cost' or 'youden'."
        )
    raise ValueError(
        f"Unknown objective {objective!r}. Use one of {sorted(_OBJECTIVES)}, "
        "constrained(...) or a callable on (tp, fp, fn, tn)."
    )


@dataclass(frozen=True)
class _Objective:
    """A resolved objective: element-wise ``score`` and, if constrained, ``slack``."""

    function: object
    options: dict
    constraint: ConstrainedObjective | None = None

    def score(self, tp, fp, pos, neg):
        """The objective at counts ``tp``, ``fp`` with totals ``pos``, ``neg``."""
        if isinstance(self.function, str):
            return _OBJECTIVES[self.function](tp, fp, pos, neg, **self.options)
        tp, fp = np.asarray(tp, dtype=np.float64), np.asarray(fp, dtype=np.float64)
        fn, tn = pos - tp, neg - fp
        values = np.array(self.function(tp, fp, fn, tn), dtype=np.float64)
        if values.shape != np.shape(tp):
            raise ValueError(
                "A callable objective must be element-wise: called on (tp, fp, fn, "
                f"tn) arrays of shape {np.shape(tp)} it returned shape {values.shape}."
            )
        undefined = np.isnan(values)
        if undefined.any():
            # a NaN has no place in a maximum: refuse it rather than guess
            at = np.unravel_index(np.argmax(undefined), values.shape)
            counts = ", ".join(
                f"{name}={np.broadcast_to(count, values.shape)[at]:.6g}"
                for name, count in zip(("tp", "fp", "fn", "tn"), (tp, fp, fn, tn))
            )
            raise ValueError(
                "The callable objective returned NaN (e.g. at "
                f"{counts}); it must return a number for every confusion count. "
                "Define the undefined cases, such as a 0/0 ratio, explicitly (as "
                "zero_division does for the named objectives), e.g. with "
                "np.divide(a, b, out=np.zeros_like(a), where=b > 0)."
            )
        return values

    def slack(self, tp, fp, pos, neg):
        """Smallest margin of the constraint's bounds, or None when unconstrained."""
        if self.constraint is None:
            return None
        return self.constraint._slack(
            tp, fp, pos, neg, zero_division=self.options["zero_division"]
        )


def _resolve_objective(objective, *, beta, fp_cost, fn_cost, zero_division):
    _check_objective_name(objective)
    options = dict(
        beta=beta, fp_cost=fp_cost, fn_cost=fn_cost, zero_division=zero_division
    )
    if isinstance(objective, ConstrainedObjective):
        return _Objective(objective.objective, options, objective)
    return _Objective(objective, options)


# ---------------------------------------------------------------------------
# The sweep: sort, cumulative counts, objective values, best candidate
# ---------------------------------------------------------------------------


@dataclass
class _CandidateCounts:
    """Weighted confusion counts at every candidate threshold of every label.

    Row ``k`` of the (n_candidates, n_labels) arrays holds, per label, the counts
    when the samples scoring ``>= thresholds[k]`` are predicted positive. Row 0 is
    the threshold ``+inf`` (nothing positive). ``is_cut`` is False on rows inside a
    run of tied scores, which are not reachable by any threshold.
    """

    thresholds: np.ndarray
    tp: np.ndarray
    fp: np.ndarray
    is_cut: np.ndarray
    n_pos: np.ndarray
    n_neg: np.ndarray
    exact: bool = True
    order: np.ndarray | None = None

    def counts(self):
        """The arguments of the objectives: ``(tp, fp, n_pos, n_neg)``."""
        return self.tp, self.fp, self.n_pos, self.n_neg


def _sort_columns(y_true, y_score, sample_weight):
    """Sort every label's scores in decreasing order, with its weights.

    Returns the candidate thresholds of shape (n_samples + 1, n_labels): ``+inf``
    then the sorted scores; the weights of positives and of negatives in that
    order (``None`` for unit weights, then the positives are a boolean array);
    and the sorting order. The order within ties does not matter: tied rows are
    never cut apart.
    """
    n, n_labels = y_score.shape
    order = np.argsort(y_score, axis=0)[::-1]
    thresholds = np.empty((n + 1, n_labels), dtype=y_score.dtype)
    thresholds[0] = np.inf
    if n_labels == 1:  # plain indexing gathers faster than take_along_axis
        np.take(y_score[:, 0], order[:, 0], out=thresholds[1:, 0])
        sorted_true = y_true[order[:, 0]]
    else:
        thresholds[1:] = np.take_along_axis(y_score, order, axis=0)
        sorted_true = np.take_along_axis(y_true, order, axis=0)
    if sample_weight is None:
        return thresholds, sorted_true, None, order
    sorted_weight = sample_weight[order]
    pos_weight = np.where(sorted_true, sorted_weight, 0.0)
    return thresholds, pos_weight, sorted_weight - pos_weight, order


def _cumulative_counts(pos_weight, neg_weight, tp_offset=0, fp_offset=0):
    """True and false positives after each of the sorted samples, from offsets.

    Row 0 is the state before the first sample (the offsets: the counts of the
    samples scoring above this block, zero for a full sweep), row ``k`` the state
    after ``k`` samples. ``neg_weight=None`` means unit weights (then
    ``pos_weight`` is boolean and ``fp = k - tp``). A two-pass search (per-chunk
    histograms, then an exact sweep inside the winning bins) passes the counts
    above a bin as offsets.
    """
    n, n_labels = pos_weight.shape
    if neg_weight is not None:
        dtype = np.float64
    else:  # unit weights: integer counts, int32 (cheaper) while the objectives'
        # sums of two counts (tp + fp + n_pos in F1: up to 2 n) fit
        dtype = np.int32 if 2 * n < np.iinfo(np.int32).max else np.int64
    tp = np.empty((n + 1, n_labels), dtype=dtype)
    tp[0] = 0
    np.cumsum(pos_weight, axis=0, dtype=dtype, out=tp[1:])
    if neg_weight is None:
        fp = np.arange(n + 1, dtype=dtype)[:, None] - tp
    else:
        fp = np.empty((n + 1, n_labels), dtype=dtype)
        fp[0] = 0
        np.cumsum(neg_weight, axis=0, dtype=dtype, out=fp[1:])
    if not np.all(np.equal(tp_offset, 0)):
        tp += tp_offset
    if not np.all(np.equal(fp_offset, 0)):
        fp += fp_offset
    return tp, fp


def _tie_ends(sorted_score):
    """Rows of the cumulative counts a threshold can reach: ends of tie runs."""
    n, n_labels = sorted_score.shape
    is_cut = np.empty((n + 1, n_labels), dtype=bool)
    is_cut[0] = True
    is_cut[-1] = True
    np.not_equal(sorted_score[:-1], sorted_score[1:], out=is_cut[1:-1])
    return is_cut


def _exact_candidates(y_true, y_score, sample_weight):
    """Counts at every distinct score of every label, after a first row ``+inf``."""
    thresholds, pos_weight, neg_weight, order = _sort_columns(
        y_true, y_score, sample_weight
    )
    tp, fp = _cumulative_counts(pos_weight, neg_weight)
    candidates = _CandidateCounts(
        thresholds,
        tp,
        fp,
        _tie_ends(thresholds[1:]),
        tp[-1].copy(),
        fp[-1].copy(),
        order=order,
    )
    return candidates, order


def _rows_at(candidates, thresholds):
    """Per label, the row of the table holding the counts at each threshold.

    ``thresholds`` has shape (m,) (shared) or (m, n_labels). The row is the last
    one whose threshold is ``>=`` the given one; in an exact table that is exactly
    the counts of the samples scoring ``>= t``.
    """
    n_labels = candidates.thresholds.shape[1]
    thresholds = np.asarray(thresholds)
    if thresholds.ndim == 1:
        thresholds = np.repeat(thresholds[:, None], n_labels, axis=1)
    rows = np.column_stack(
        [
            np.searchsorted(
                -candidates.thresholds[:, j], -thresholds[:, j], side="right"
            )
            - 1
            for j in range(n_labels)
        ]
    )
    return np.maximum(rows, 0)


def _take_rows(candidates, rows, thresholds):
    """The sub-table of the given rows (one column of rows per label)."""
    labels = np.arange(rows.shape[1])
    return _CandidateCounts(
        thresholds,
        candidates.tp[rows, labels],
        candidates.fp[rows, labels],
        candidates.is_cut[rows, labels],
        candidates.n_pos,
        candidates.n_neg,
        exact=False,
    )


def _decision_thresholds(candidates, rows):
    """The thresholds to apply for the chosen rows (one per label).

    On an exact table, row ``k`` predicts the samples scoring at least
    ``thresholds[k]`` and none scoring ``thresholds[k + 1]`` (the next lower
    distinct score); the threshold returned lies halfway between the two. It
    makes the same decisions on the searched scores as the score itself and does
    not flip a decision when a score moves by rounding noise. The last row (all
    positive) keeps the lowest score, row 0 keeps ``+inf``; a grid keeps its
    values.
    """
    labels = np.arange(rows.size)
    chosen = candidates.thresholds[rows, labels]
    if not candidates.exact:
        return chosen
    n_rows = candidates.thresholds.shape[0]
    below = candidates.thresholds[np.minimum(rows + 1, n_rows - 1), labels]
    with np.errstate(over="ignore", invalid="ignore"):
        middle = chosen / 2 + below / 2
    # keep the score itself where the midpoint is not strictly between the two
    # (adjacent floats, the last row, the +inf row)
    inside = (middle > below) & (middle < chosen)
    return np.where(inside, middle, chosen)


def _objective_values(objective, candidates):
    """Objective at every candidate; ``-inf`` on rows no threshold can reach."""
    values = objective.score(*candidates.counts())
    np.copyto(values, -np.inf, where=~candidates.is_cut)
    return values


def _best_candidates(objective, candidates, values):
    """Row of the best admissible candidate per label, and whether it is feasible.

    On ties of the objective the highest threshold (first row) wins. Constrained
    objectives only admit feasible rows; where a label has none, its row is the
    one closest to feasibility (largest smallest margin rate - bound) and its
    ``feasible`` entry is False: the callers warn, naming what they searched.
    """
    n_labels = values.shape[1]
    slack = objective.slack(*candidates.counts())
    if slack is None:
        return np.argmax(values, axis=0), np.ones(n_labels, dtype=bool)
    slack[~candidates.is_cut] = -np.inf
    feasible = slack >= 0
    any_feasible = feasible.any(axis=0)
    admissible = np.where(feasible, values, -np.inf)
    rows = np.where(
        any_feasible, np.argmax(admissible, axis=0), np.argmax(slack, axis=0)
    )
    return rows, any_feasible


@dataclass(frozen=True)
class _LabelNames:
    """How warnings and errors name the columns of a search.

    ``names`` holds one name per column (the label names of a multi-label
    target, e.g. a DataFrame's columns; None for column positions); for a binary
    target ``positive`` is the positive class, which names its single column.
    """

    names: tuple | None = None
    positive: object = None

    def __call__(self, positions):
        """Text naming the columns at ``positions``."""
        if self.positive is not None:
            return f"the positive class {_plain(self.positive)!r}"
        positions = np.atleast_1d(positions)
        if self.names is None:
            return f"label(s) {positions.tolist()}"
        return f"label(s) {[_plain(self.names[i]) for i in positions]}"


def _plain(value):
    """A NumPy scalar as the Python value it holds, for messages."""
    return value.item() if isinstance(value, np.generic) else value


def _warn_infeasible(objective, where, stacklevel, note=""):
    warnings.warn(
        f"No threshold satisfies {objective.constraint!r} for {where}; using the "
        "threshold closest to satisfying it (largest smallest margin rate - "
        f"bound).{note}",
        UndefinedMetricWarning,
        stacklevel=stacklevel + 1,
    )


def _group_mean_values(
    objective, y_true, sample_weight, groups, order, group_weight=None
):
    """Objective averaged over groups (e.g. mean Dice per image) at every row.

    Walking down the sorted scores, sample ``i`` only changes the counts of its
    own group, so the mean over groups moves by ``(f(after) - f(before)) /
    n_groups``; a cumulative sum of these increments gives the exact curve in
    O(n log n). ``group_weight`` (indexed by the sorted unique groups) turns the
    mean into a weighted mean.
    """
    n, n_labels = y_true.shape
    _, groups = np.unique(groups, return_inverse=True)
    n_groups = groups.max() + 1
    if group_weight is None:
        group_weight = np.ones(n_groups)
    weight = np.ones(n) if sample_weight is None else sample_weight
    values = np.empty((n + 1, n_labels))
    for j in range(n_labels):
        rows = order[:, j]
        pos = np.where(y_true[rows, j], weight[rows], 0.0)
        neg = weight[rows] - pos
        group = groups[rows]
        n_pos = np.bincount(group, weights=pos, minlength=n_groups)
        n_neg = np.bincount(group, weights=neg, minlength=n_groups)
        tp_after = _within_group_cumsum(pos, group)
        fp_after = _within_group_cumsum(neg, group)
        tp_before, fp_before = tp_after - pos, fp_after - neg
        p, q = n_pos[group], n_neg[group]
        after = objective.score(tp_after, fp_after, p, q)
        before = objective.score(tp_before, fp_before, p, q)
        zeros = np.zeros(n_groups)
        values[0, j] = group_weight @ objective.score(zeros, zeros, n_pos, n_neg)
        np.cumsum((after - before) * group_weight[group], out=values[1:, j])
        values[1:, j] += values[0, j]
    return values / group_weight.sum()


def _within_group_cumsum(values, group):
    """Running sum of ``values`` within each group, in the given order."""
    by_group = np.argsort(group, kind="stable")
    total = np.cumsum(values[by_group])
    sizes = np.bincount(group)
    starts = np.concatenate(([0], np.cumsum(sizes)[:-1]))
    before_start = np.concatenate(([0.0], total))[starts]
    out = np.empty_like(total)
    out[by_group] = total - np.repeat(before_start, sizes)
    return out


def _point_rank(objective, tp, fp, n_pos, n_neg):
    """Rank of a point: ``(True, objective)`` if feasible, else ``(False, slack)``.

    Ranks compare as tuples: every feasible point above every infeasible one,
    feasible points by their objective, infeasible ones by how close they are.
    """
    tp, fp = np.atleast_1d(tp), np.atleast_1d(fp)
    slack = objective.slack(tp, fp, n_pos, n_neg)
    if slack is None or slack[0] >= 0:
        return True, float(objective.score(tp, fp, n_pos, n_neg)[0])
    return False, float(slack[0])


def _micro_coordinate_ascent(objective, candidates, start_rows):
    """Exact coordinate ascent on the pooled (micro) objective over labels.

    Each step sets one label's threshold to the best of its candidates with the
    counts of the other labels fixed (for a constrained objective: the best
    feasible one, else the one closest to feasibility), and accepts it only if
    its rank (:func:`_point_rank`) is strictly higher; passes repeat until no
    threshold changes. The ascent thus moves from infeasible to feasible points
    and never leaves the feasible ones.

    Returns the final rows and the rank at the start and after every accepted
    step, a strictly increasing sequence.
    """
    tp, fp = candidates.tp, candidates.fp
    n_pos, n_neg = candidates.n_pos.sum(), candidates.n_neg.sum()
    labels = np.arange(tp.shape[1])
    rows = np.array(start_rows)
    tp_total = tp[rows, labels].sum()
    fp_total = fp[rows, labels].sum()
    history = [_point_rank(objective, tp_total, fp_total, n_pos, n_neg)]
    for _ in range(_MAX_COORDINATE_PASSES):
        changed = False
        for j in labels:
            pooled = _CandidateCounts(
                candidates.thresholds[:, [j]],
                (tp_total - tp[rows[j], j] + tp[:, j])[:, None],
                (fp_total - fp[rows[j], j] + fp[:, j])[:, None],
                candidates.is_cut[:, [j]],
                n_pos,
                n_neg,
            )
            values = _objective_values(objective, pooled)
            best = int(_best_candidates(objective, pooled, values)[0][0])
            rank = _point_rank(
                objective, pooled.tp[best, 0], pooled.fp[best, 0], n_pos, n_neg
            )
            if best != rows[j] and rank > history[-1]:
                rows[j] = best
                tp_total, fp_total = pooled.tp[best, 0], pooled.fp[best, 0]
                history.append(rank)
                changed = True
        if not changed:
            break
    return rows, history


def _best_global_rows(objective, candidates):
    """Per label, the rows of the best single threshold shared by all labels."""
    global_thresholds = np.unique(candidates.thresholds[candidates.is_cut])[::-1]
    rows = _rows_at(candidates, global_thresholds)
    labels = np.arange(rows.shape[1])
    pooled = _CandidateCounts(
        global_thresholds[:, None],
        candidates.tp[rows, labels].sum(axis=1, keepdims=True),
        candidates.fp[rows, labels].sum(axis=1, keepdims=True),
        np.ones((global_thresholds.size, 1), dtype=bool),
        candidates.n_pos.sum(),
        candidates.n_neg.sum(),
    )
    values = _objective_values(objective, pooled)
    best = int(_best_candidates(objective, pooled, values)[0][0])
    return rows[best]


def _bound_margin_rows(rate, bound, candidates):
    """Per label, the row maximizing its share of one bound's pooled margin.

    A lower bound on a pooled rate is a linear inequality in the pooled counts:
    ``(1 - b) TP - b FP >= 0`` (precision), ``TP - b P >= 0`` (recall) and
    ``(1 - b) N - FP >= 0`` (specificity). Its left side is a sum over labels,
    so each label maximizing its own term maximizes the margin: the bound can
    be met by some thresholds exactly when it is met by these. Ties go to the
    lowest threshold, which predicts something positive where that matters
    (a precision of 0/0).
    """
    tp, fp = candidates.tp.astype(np.float64), candidates.fp.astype(np.float64)
    margin = {
        "precision": (1 - bound) * tp - bound * fp,
        "recall": tp,
        "specificity": -fp,
    }[rate]
    margin[~candidates.is_cut] = -np.inf
    return margin.shape[0] - 1 - np.argmax(margin[::-1], axis=0)


def _micro_rows(objective, candidates):
    """The rows of the micro search and the rank they reach.

    The ascent starts from the best shared threshold; a constrained objective
    also starts from the maximizers of each bound's margin
    (:func:`_bound_margin_rows`), which meet that bound whenever any thresholds
    do. The best final rank wins.
    """
    starts = [_best_global_rows(objective, candidates)]
    if objective.constraint is not None:
        starts += [
            _bound_margin_rows(rate, bound, candidates)
            for rate, bound in objective.constraint.bounds.items()
        ]
    best_rows, best_rank = None, None
    for start in starts:
        rows, history = _micro_coordinate_ascent(objective, candidates, start)
        if best_rank is None or history[-1] > best_rank:
            best_rows, best_rank = rows, history[-1]
    return best_rows, best_rank


def _best_global_rows_samples(objective, candidates, y_true, sample_weight):
    """Rows of the best single threshold for the "samples" average.

    Flattened, every (sample, label) pair is one element and every sample a
    group: the samples average is then the group mean of the objective, which
    the exact group sweep evaluates at every threshold.
    """
    n, n_labels = y_true.shape
    y_flat = y_true.reshape(-1, 1)
    # the scores in sample order, from the table's sorted rows
    scores = np.empty(y_true.shape, dtype=candidates.thresholds.dtype)
    np.put_along_axis(scores, candidates.order, candidates.thresholds[1:], axis=0)
    flat, order = _exact_candidates(y_flat, scores.reshape(-1, 1), None)
    values = _group_mean_values(
        objective,
        y_flat,
        None,
        np.repeat(np.arange(n), n_labels),
        order,
        group_weight=sample_weight,
    )
    values[~flat.is_cut] = -np.inf
    best = flat.thresholds[np.argmax(values[:, 0]), 0]
    return _rows_at(candidates, np.array([best]))[0]


def _samples_coordinate_ascent(objective, candidates, y_true, sample_weight, start):
    """Exact coordinate ascent on the "samples" average of the objective.

    For one label at a time, with the decisions of the other labels fixed, each
    sample's objective over its labels only changes when its own score for that
    label crosses the threshold; a cumulative sum of these changes, in the
    label's sorted order, gives the exact average at every candidate. A label's
    threshold moves only on strict improvement, until a pass changes nothing.

    Returns the final rows and the average objective at the start and after every
    accepted step (never decreasing).
    """
    n, n_labels = y_true.shape
    order = candidates.order
    weight = np.ones(n) if sample_weight is None else sample_weight
    total_weight = weight.sum()
    n_pos = y_true.sum(axis=1)
    n_neg = n_labels - n_pos
    rows = np.array(start)
    decided = np.zeros((n, n_labels), dtype=bool)
    for j in range(n_labels):
        decided[order[: rows[j], j], j] = True
    tp = (decided & y_true).sum(axis=1)
    fp = (decided & ~y_true).sum(axis=1)
    history = [float(weight @ objective.score(tp, fp, n_pos, n_neg) / total_weight)]
    for _ in range(_MAX_COORDINATE_PASSES):
        changed = False
        for j in range(n_labels):
            positive = y_true[:, j]
            tp_rest = tp - (decided[:, j] & positive)
            fp_rest = fp - (decided[:, j] & ~positive)
            base = objective.score(tp_rest, fp_rest, n_pos, n_neg)
            flip = objective.score(
                tp_rest + positive, fp_rest + ~positive, n_pos, n_neg
            )
            curve = np.empty(n + 1)
            curve[0] = weight @ base
            np.cumsum((weight * (flip - base))[order[:, j]], out=curve[1:])
            curve[1:] += curve[0]
            curve /= total_weight
            curve[~candidates.is_cut[:, j]] = -np.inf
            best = int(np.argmax(curve))
            if best != rows[j] and curve[best] > curve[rows[j]]:
                rows[j] = best
                decided[:, j] = False
                decided[order[:best, j], j] = True
                tp = tp_rest + (decided[:, j] & positive)
                fp = fp_rest + (decided[:, j] & ~positive)
                history.append(float(curve[best]))
                changed = True
        if not changed:
            break
    return rows, history


def _select(
    objective,
    candidates,
    values,
    average,
    y_true=None,
    sample_weight=None,
    label_names=_LabelNames(),
):
    """Best row per label and the averaged objective there.

    ``"samples"`` needs the exact table and the 2-D boolean ``y_true``. Warns,
    naming the labels by ``label_names``, where a constraint cannot be met.
    """
    labels = np.arange(candidates.tp.shape[1])
    if average == "micro" and labels.size > 1:
        rows, (feasible, _) = _micro_rows(objective, candidates)
        if not feasible:
            # One bound is met by some thresholds exactly when the search meets
            # it (see _bound_margin_rows); several pooled bounds at once make a
            # knapsack-type problem, NP-hard with weights, the search can miss.
            several = len(objective.constraint.bounds) > 1
            _warn_infeasible(
                objective,
                "the counts pooled over all labels (micro)",
                stacklevel=4,
                note=" With several bounds under average='micro' the search is not "
                "guaranteed to find thresholds meeting them all even if some do."
                if several
                else "",
            )
        tp = candidates.tp[rows, labels].sum()
        fp = candidates.fp[rows, labels].sum()
        score = objective.score(
            np.atleast_1d(tp),
            np.atleast_1d(fp),
            candidates.n_pos.sum(),
            candidates.n_neg.sum(),
        )
        return rows, float(score[0])
    if average == "samples":
        start = _best_global_rows_samples(objective, candidates, y_true, sample_weight)
        rows, history = _samples_coordinate_ascent(
            objective, candidates, y_true, sample_weight, start
        )
        return rows, history[-1]
    rows, feasible = _best_candidates(objective, candidates, values)
    if not feasible.all():
        _warn_infeasible(objective, label_names(np.flatnonzero(~feasible)), 4)
    return rows, float(values[rows, labels].mean())


def _search_table(y_true, y_score, sample_weight, objective, groups=None, grid=None):
    """The candidate table and the objective on it, for validated 2-D inputs.

    ``grid`` is None (exact) or an array of thresholds of shape (m,) or
    (m, n_labels), in decreasing order.
    """
    candidates, order = _exact_candidates(y_true, y_score, sample_weight)
    if groups is None:
        values = None
    else:
        values = _group_mean_values(objective, y_true, sample_weight, groups, order)
        values[~candidates.is_cut] = -np.inf
    if grid is not None:
        rows = _rows_at(candidates, grid)
        grid = np.asarray(grid, dtype=y_score.dtype)
        if grid.ndim == 1:
            grid = np.repeat(grid[:, None], rows.shape[1], axis=1)
        candidates = _take_rows(candidates, rows, grid)
        candidates.is_cut[:] = True
        if values is not None:
            values = values[rows, np.arange(rows.shape[1])]
    if values is None:
        values = _objective_values(objective, candidates)
    return candidates, values


# ---------------------------------------------------------------------------
# Validation and the public functions
# ---------------------------------------------------------------------------


def _check_no_missing_labels(y, name):
    """Refuse labels holding missing values (NaN, None or pandas' NA).

    A pandas nullable column (``"boolean"``, ``"Int64"``, ``"string"``) keeps
    its NA through ``np.asarray`` as an object or a NaN, which no comparison can
    turn into a class: a missing label is a row to drop or to impute first.
    """
    is_missing = getattr(y, "isna", None)  # pandas Series, DataFrame, arrays
    if callable(is_missing):
        missing = np.asarray(is_missing()).any()
    else:
        values = np.asarray(y)
        missing = values.dtype.kind in "fcOU" and np.asarray(pd.isna(values)).any()
    if missing:
        raise ValueError(
            f"Input {name} contains NaN or missing values (pandas NA): every "
            f"sample needs a class. Drop those rows (e.g. where {name}.notna()) "
            "or impute the labels first."
        )


def _default_pos_label(classes, name="y_true"):
    """scikit-learn's positive class when none is given: 1 (True) or an error.

    For labels in {0, 1}, {-1, 1} or booleans the positive class is 1 (True);
    for any other labels (strings, {1, 2}, ...) it is ambiguous, and the caller
    must name it with ``pos_label``.
    """
    classes = np.asarray(classes)
    values = set(classes.tolist())
    if values <= {0, 1} or values <= {-1, 1}:
        return True if classes.dtype == bool else 1
    shown = [_plain(c) for c in classes[:5]]
    raise ValueError(
        f"{name} takes values other than 0/1, -1/1 or booleans (e.g. {shown}), "
        "so which class is positive is ambiguous; pass pos_label= to name it, "
        f"e.g. pos_label={shown[-1]!r}."
    )


def _positive_truth(y_true, pos_label):
    """Boolean array of the positives of ``y_true`` (0/1, -1/1, bool or pos_label)."""
    if pos_label is not None:
        return y_true == pos_label
    if y_true.dtype == bool:
        return y_true
    is_one = y_true == 1
    if not ((y_true == 0) | is_one).all() and not ((y_true == -1) | is_one).all():
        _default_pos_label(np.unique(y_true))  # raises, naming the labels
    return is_one


def _weight_scale(largest):
    """The power of two that brings the largest weight into [0.5, 1) (1 for 0).

    Every objective depends on the weights only through ratios of weighted
    counts, so their scale does not matter; with the largest weight at most 1
    no sum of weights can overflow (weights of 1e300 would). Multiplying by a
    power of two is exact: the counts, and so every result, are those of the
    given weights, unless a weight falls below the smallest normal float, far
    below any difference the sums can resolve.
    """
    return float(np.ldexp(1.0, -np.frexp(largest)[1])) if largest > 0 else 1.0


def _rescaled_weights(sample_weight):
    """The weights rescaled by :func:`_weight_scale` of the largest (or None)."""
    if sample_weight is None:
        return None
    return sample_weight * _weight_scale(np.max(sample_weight, initial=0.0))


def _validate_inputs(y_true, y_score, sample_weight, pos_label):
    """2-D boolean truth, 2-D float scores, rescaled weights (or None), names.

    The names of the columns (:class:`_LabelNames`) are a DataFrame's columns
    for a 2-D ``y_true``, or the positive class for a 1-D one.
    """
    y_score = check_array(
        y_score, dtype=_FLOAT_DTYPES, ensure_2d=False, input_name="y_score"
    )
    check_no_label_sets(y_true, "y_true")
    _check_no_missing_labels(y_true, "y_true")
    columns = getattr(y_true, "columns", None)
    y_true = np.asarray(y_true)
    if y_true.ndim not in (1, 2) or y_true.shape != y_score.shape:
        raise ValueError(
            "y_true and y_score must have the same shape, (n_samples,) or "
            f"(n_samples, n_labels); got {y_true.shape} and {y_score.shape}."
        )
    check_consistent_length(y_true, y_score, sample_weight)
    if y_true.size == 0:
        raise ValueError("y_true is empty: a threshold needs at least one sample.")
    if y_true.ndim == 1:
        default = True if y_true.dtype == bool else 1
        names = _LabelNames(positive=default if pos_label is None else pos_label)
    else:
        names = _LabelNames(None if columns is None else tuple(columns))
    y_true = _positive_truth(y_true, pos_label)
    if sample_weight is not None:
        sample_weight = _check_sample_weight(
            sample_weight, y_score, dtype=np.float64, ensure_non_negative=True
        )
        sample_weight = _rescaled_weights(sample_weight)
    if y_score.ndim == 1:
        y_true, y_score = y_true[:, None], y_score[:, None]
    return y_true, y_score, sample_weight, names


def _check_grid(thresholds, y_score):
    """The grid in decreasing order ((m,) or (m, n_labels)), or None (exact)."""
    if thresholds is None:
        return None
    if isinstance(thresholds, Integral):
        low, high = y_score.min(axis=0), y_score.max(axis=0)
        return np.linspace(high, low, num=thresholds)
    grid = check_array(
        thresholds, ensure_2d=False, dtype=np.float64, input_name="thresholds"
    )
    if grid.ndim != 1:
        raise ValueError(f"thresholds must be 1-D; got shape {grid.shape}.")
    return np.sort(grid)[::-1]


def _warn_no_positives(n_pos, label_names, stacklevel=5):
    """Warn about the columns without positive weight, named by ``label_names``."""
    no_positives = np.asarray(n_pos) <= 0
    if no_positives.any():
        warnings.warn(
            "There are no positive samples of "
            f"{label_names(np.flatnonzero(no_positives))} in y_true: the objective has "
            "nothing to find, and the highest best-scoring threshold is returned "
            "(+inf, nothing positive, when the objective is flat).",
            UndefinedMetricWarning,
            stacklevel=stacklevel,
        )


def _check_combination(objective, average, groups, thresholds):
    """Refuse the combinations of options the search does not define."""
    if groups is not None and (objective.constraint is not None or average != "macro"):
        raise ValueError(
            "groups averages a plain objective over groups; it cannot be "
            "combined with constrained(...) or average='micro'/'samples'."
        )
    if average == "samples" and (
        objective.constraint is not None or thresholds is not None
    ):
        raise ValueError(
            "average='samples' searches every distinct score of plain objectives; "
            "it cannot be combined with constrained(...) or a thresholds grid."
        )


def _search(
    y_true,
    y_score,
    *,
    objective,
    beta,
    fp_cost,
    fn_cost,
    zero_division,
    average,
    groups,
    thresholds,
    sample_weight,
    pos_label,
):
    """Shared body of the public functions: validate, then build the table."""
    y_true, y_score, sample_weight, names = _validate_inputs(
        y_true, y_score, sample_weight, pos_label
    )
    objective = _resolve_objective(
        objective,
        beta=beta,
        fp_cost=fp_cost,
        fn_cost=fn_cost,
        zero_division=zero_division,
    )
    if groups is not None:
        groups = column_or_1d(groups)
        check_consistent_length(y_score, groups)
    _check_combination(objective, average, groups, thresholds)
    candidates, values = _search_table(
        y_true,
        y_score,
        sample_weight,
        objective,
        groups=groups,
        grid=_check_grid(thresholds, y_score),
    )
    _warn_no_positives(candidates.n_pos, names)
    return objective, candidates, values, y_true, sample_weight, names


_COMMON_PARAMS = {
    "y_true": ["array-like"],
    "y_score": ["array-like"],
    "objective": [str, callable, ConstrainedObjective],
    "beta": [Interval(Real, 0, None, closed="neither")],
    "fp_cost": [Interval(Real, 0, None, closed="left")],
    "fn_cost": [Interval(Real, 0, None, closed="left")],
    "zero_division": [Interval(Real, 0, 1, closed="both")],
    "groups": ["array-like", None],
    "thresholds": [Interval(Integral, 2, None, closed="left"), "array-like", None],
    "sample_weight": ["array-like", None],
    "pos_label": [Real, str, "boolean", None],
}


@validate_params(
    {**_COMMON_PARAMS, "average": [StrOptions({"macro", "micro", "samples"})]},
    prefer_skip_nested_validation=True,
)
def optimal_threshold(
    y_true,
    y_score,
    *,
    objective="f1",
    beta=1.0,
    fp_cost=1.0,
    fn_cost=1.0,
    zero_division=0.0,
    average="macro",
    groups=None,
    thresholds=None,
    sample_weight=None,
    pos_label=None,
):
    r"""Decision threshold(s) maximizing a thresholded objective, found exactly.

    Samples scoring ``>= threshold`` are predicted positive. The scores of each
    label are sorted once and every distinct score is a candidate (plus ``+inf``,
    nothing positive), with weighted cumulative true/false-positive counts: the
    result is the exact maximum over all thresholds, in O(n log n), with tied
    scores moving together. On ties of the objective the highest threshold wins.

    Read more in the :ref:`User Guide <threshold_tuning>`.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,) or (n_samples, n_labels)
        True labels: 0/1, -1/1 or boolean (or any labels with ``pos_label``); a
        2-D 0/1 indicator matrix for multi-label problems (a DataFrame's columns
        name the labels in warnings). Missing values (NaN, pandas' NA) are
        refused.
    y_score : array-like of the shape of ``y_true``
        Scores, larger meaning more likely positive (probabilities or decision
        function values). They must be finite. A dask array is searched on the
        cluster without a global sort, with the same result, for the objectives
        monotone in the counts (see :ref:`scaling`).
    objective : str, callable or ConstrainedObjective, default="f1"
        What to maximize, a function of the weighted confusion counts:

        - ``"f1"`` (``"dice"`` is the same number under its segmentation name),
          ``"fbeta"`` (with ``beta``), ``"precision"``, ``"recall"``,
          ``"specificity"``, ``"accuracy"``, ``"balanced_accuracy"``,
          ``"matthews_corrcoef"``;
        - ``"youden"``: Youden's J, recall + specificity - 1;
        - ``"cost"``: minus the mean cost per sample, ``-(fp_cost * FP + fn_cost *
          FN) / n``; with calibrated probabilities its optimum approaches the
          Elkan threshold ``fp_cost / (fp_cost + fn_cost)``;
        - :func:`constrained` (e.g. ``constrained("recall", precision=0.9)``);
        - a callable ``f(tp, fp, fn, tn)`` computing the objective element-wise
          on float arrays of equal shape. It must return a number for every
          count: a NaN (e.g. a 0/0) raises a ``ValueError``.

        Every named objective stays in its range for any number of samples and
        any scale of the weights. Metrics that do not depend on a threshold (ROC
        AUC, average precision, log loss, Brier score) are refused.
    beta : float > 0, default=1.0
        Weight of recall in ``"fbeta"``.
    fp_cost, fn_cost : float >= 0, default=1.0
        Costs of a false positive and of a false negative for ``"cost"``.
    zero_division : float in [0, 1], default=0.0
        Value of a ratio whose denominator is zero (e.g. the F1 score when there
        are no positives, true or predicted).
    average : {"macro", "micro", "samples"}, default="macro"
        Multi-label only. ``"macro"``: each label gets the threshold maximizing its
        own objective, and the score is the mean over labels. ``"micro"``: the
        thresholds jointly maximize the objective of the counts pooled over labels,
        by exact coordinate ascent over labels started from the best single
        threshold shared by all labels; with one :func:`constrained` bound the
        thresholds meet it whenever some do (several pooled bounds at once make
        a knapsack-type problem the search can miss). ``"samples"``: the same
        ascent on the mean over samples of each sample's objective over its
        labels (weighted by ``sample_weight``; no constraints or grids).
    groups : array-like of shape (n_samples,), default=None
        Average the objective over groups (e.g. pixels grouped by image, for the
        mean Dice per image) instead of pooling all samples; each group counts
        once. Only with ``average="macro"`` and unconstrained objectives.
    thresholds : int or array-like, default=None
        None searches exactly. An int searches that many evenly spaced thresholds
        between each label's smallest and largest score; an array searches these
        thresholds. Grids are for comparison with grid-based tuners.
    sample_weight : array-like of shape (n_samples,), default=None
        Sample weights, used in all counts.
    pos_label : int, float, bool or str, default=None
        The positive class of a 1-D ``y_true``; by default 1 (or True).

    Returns
    -------
    threshold : float or ndarray of shape (n_labels,)
        The best threshold, one per label for 2-D ``y_true``: halfway between the
        lowest score predicted positive and the next lower score, so that it makes
        the optimal decisions on ``y_score`` and is robust to rounding noise (the
        lowest score itself when everything is predicted positive; the grid value
        with ``thresholds``). ``+inf`` means that predicting nothing positive is
        best.
    score : float
        The objective at the returned threshold(s): averaged over labels for
        ``"macro"``, pooled for ``"micro"``, averaged over samples for
        ``"samples"``.

    See Also
    --------
    threshold_curve : The objective, precision and recall at every candidate.
    skbce.OptimalThresholdClassifier : Tunes the thresholds of a classifier on
        out-of-fold scores.

    Examples
    --------
    >>> from skbce.metrics import optimal_threshold
    >>> y_true = [0, 0, 1, 0, 1, 1]
    >>> y_score = [0.1, 0.3, 0.35, 0.4, 0.6, 0.8]
    >>> threshold, f1 = optimal_threshold(y_true, y_score)
    >>> round(float(threshold), 3), round(float(f1), 3)
    (0.325, 0.857)
    >>> threshold, cost = optimal_threshold(
    ...     y_true, y_score, objective="cost", fp_cost=1, fn_cost=5
    ... )
    >>> round(float(threshold), 3), round(float(cost), 3)
    (0.325, -0.167)
    """
    options = dict(
        objective=objective,
        beta=beta,
        fp_cost=fp_cost,
        fn_cost=fn_cost,
        zero_division=zero_division,
        average=average,
        groups=groups,
        thresholds=thresholds,
        sample_weight=sample_weight,
        pos_label=pos_label,
    )
    if any_dask(y_true, y_score, sample_weight):
        from ._chunked_threshold import chunked_optimal_threshold

        return chunked_optimal_threshold(y_true, y_score, **options)
    objective, candidates, values, y_true, sample_weight, names = _search(
        y_true, y_score, **options
    )
    rows, score = _select(
        objective, candidates, values, average, y_true, sample_weight, names
    )
    best = _decision_thresholds(candidates, rows)
    return (best[0] if np.ndim(y_score) == 1 else best), score


@validate_params(_COMMON_PARAMS, prefer_skip_nested_validation=True)
def threshold_curve(
    y_true,
    y_score,
    *,
    objective="f1",
    beta=1.0,
    fp_cost=1.0,
    fn_cost=1.0,
    zero_division=0.0,
    groups=None,
    thresholds=None,
    sample_weight=None,
    pos_label=None,
):
    """Objective, precision and recall at every candidate threshold.

    The curve the exact search of :func:`optimal_threshold` maximizes: one point
    per distinct score (decreasing), preceded by ``+inf`` (nothing positive), or one
    point per grid threshold when ``thresholds`` is given. It is the data behind
    threshold plots.

    Read more in the :ref:`User Guide <threshold_tuning>`.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,) or (n_samples, n_labels)
        True labels, as in :func:`optimal_threshold`.
    y_score : array-like of the shape of ``y_true``
        Scores, larger meaning more likely positive.
    objective : str, callable or ConstrainedObjective, default="f1"
        The objective, as in :func:`optimal_threshold`. For a constrained
        objective the curve holds the objective itself; the bounds only restrict
        which point is selected.
    beta : float > 0, default=1.0
        Weight of recall in ``"fbeta"``.
    fp_cost, fn_cost : float >= 0, default=1.0
        Costs of a false positive and of a false negative for ``"cost"``.
    zero_division : float in [0, 1], default=0.0
        Value of a ratio with a zero denominator, in the objective and in the
        precision and recall arrays.
    groups : array-like of shape (n_samples,), default=None
        Average the objective over groups, as in :func:`optimal_threshold`;
        precision and recall stay pooled over all samples.
    thresholds : int or array-like, default=None
        None for every distinct score, else a grid as in
        :func:`optimal_threshold`.
    sample_weight : array-like of shape (n_samples,), default=None
        Sample weights.
    pos_label : int, float, bool or str, default=None
        The positive class of a 1-D ``y_true``; by default 1 (or True).

    Returns
    -------
    curve : Bunch or list of Bunch
        For 1-D ``y_true`` a :class:`~sklearn.utils.Bunch` of four 1-D arrays of
        equal length, ordered by decreasing threshold: ``thresholds``,
        ``objective``, ``precision`` and ``recall``. For 2-D ``y_true``, a list
        with one such Bunch per label.

    See Also
    --------
    optimal_threshold : The threshold maximizing the objective.

    Examples
    --------
    >>> from skbce.metrics import threshold_curve
    >>> curve = threshold_curve([0, 0, 1, 1], [0.1, 0.4, 0.4, 0.8])
    >>> curve.thresholds
    array([inf, 0.8, 0.4, 0.1])
    >>> curve.objective.round(3)
    array([0.   , 0.667, 0.8  , 0.667])
    >>> curve.precision.round(3)
    array([0.   , 1.   , 0.667, 0.5  ])
    >>> curve.recall
    array([0. , 0.5, 1. , 1. ])
    """
    _, candidates, values, *_ = _search(
        y_true,
        y_score,
        objective=objective,
        beta=beta,
        fp_cost=fp_cost,
        fn_cost=fn_cost,
        zero_division=zero_division,
        average="macro",
        groups=groups,
        thresholds=thresholds,
        sample_weight=sample_weight,
        pos_label=pos_label,
    )
    curves = _curves(candidates, values, zero_division)
    return curves[0] if np.ndim(y_score) == 1 else curves


def _curves(candidates, values, zero_division):
    """One Bunch per label with the reachable rows of the candidate table."""
    tp, fp, n_pos, n_neg = candidates.counts()
    precision = _precision(tp, fp, n_pos, n_neg, zero_division=zero_division)
    recall = _recall(tp, fp, n_pos, n_neg, zero_division=zero_division)
    curves = []
    for j in range(tp.shape[1]):
        cut = candidates.is_cut[:, j]
        curves.append(
            Bunch(
                thresholds=candidates.thresholds[cut, j],
                objective=values[cut, j],
                precision=precision[cut, j],
                recall=recall[cut, j],
            )
        )
    return curves
