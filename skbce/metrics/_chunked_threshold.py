"""Exact threshold search on dask scores, without a global sort.

The in-memory search (:mod:`._threshold`) sorts every score. For scores spread
over the row chunks of a cluster this module finds *the same* thresholds in
three passes over the chunks, moving only small arrays to the client:

1. per-chunk minimum and maximum score of every label;
2. per-chunk histograms on ``n_bins`` equal-width bins between them: the weight
   of the positives and of the negatives in each bin, and the largest and
   smallest score of each bin. Binning is monotone in the score, so equal scores
   share a bin and the bins, taken from the top, partition the sorted scores.
   The end of every bin is therefore an exact candidate, with counts known from
   the histograms alone: the counts above the bin plus the bin's own.
3. The objectives searched here never decrease with the true positives nor
   increase with the false positives, so inside a bin the objective is at most
   its value at (``tp`` above + positives of the bin, ``fp`` above). Only bins
   whose bound reaches the best candidate known after pass 2 can hold the
   optimum (for a constrained objective the rates bound the constraint's slack
   in the same way); their rows, and only theirs, are gathered and swept
   exactly with :func:`._threshold._cumulative_counts`, offset by the counts
   above the bin.

Each label's candidates (+inf, the exact cuts of the swept bins and the ends of
the other bins, in decreasing order) form a table with the layout of the
in-memory one, so choosing the row (highest threshold on ties, constraints) and
placing the decision threshold halfway to the next lower score reuse the
in-memory steps unchanged.
"""

import functools

import numpy as np

from ..utils._dask import check_dask_rows, dask_map, is_dask_collection, persist_blocks
from ._threshold import (
    _best_candidates,
    _CandidateCounts,
    _cumulative_counts,
    _decision_thresholds,
    _LabelNames,
    _objective_values,
    _positive_truth,
    _resolve_objective,
    _tie_ends,
    _warn_infeasible,
    _warn_no_positives,
    _weight_scale,
)

# Objectives non-decreasing in tp and non-increasing in fp (bounded per bin).
_MONOTONE = {
    "f1",
    "dice",
    "fbeta",
    "precision",
    "recall",
    "specificity",
    "youden",
    "balanced_accuracy",
    "accuracy",
    "cost",
}
_N_BINS = 2048


def _as_2d(block, weight_scale=1.0):
    """A chunk's labels and scores as 2-D arrays, its weights times ``weight_scale``.

    ``weight_scale`` is the power of two that brings the largest weight of all
    chunks into [0.5, 1) (see :func:`._threshold._weight_scale`): exact, and no
    sum of weights can overflow.
    """
    y_true, y_score, sample_weight = block
    if y_score.ndim == 1:
        y_true, y_score = y_true[:, None], y_score[:, None]
    if sample_weight is None:
        sample_weight = np.ones(y_score.shape[0])
    else:
        sample_weight = np.asarray(sample_weight, dtype=np.float64) * weight_scale
    return y_true, y_score, sample_weight


def _block_range(pos_label, block):
    """Per label the smallest and largest score of a chunk, and its largest weight."""
    y_true, y_score, sample_weight = _as_2d(block)
    _positive_truth(y_true, pos_label)  # validates the labels of the chunk
    return (
        y_score.min(axis=0, initial=np.inf),
        y_score.max(axis=0, initial=-np.inf),
        np.max(sample_weight, initial=0.0),
    )


def _bin_index(score, low, high, n_bins):
    """Bin of every score, monotone (non-decreasing) in the score."""
    with np.errstate(invalid="ignore", divide="ignore"):
        scale = np.where(high > low, n_bins / (high - low), 0.0)
        index = np.floor((score - low) * scale)
    return np.clip(index, 0, n_bins - 1).astype(np.intp)


def _block_histogram(pos_label, low, high, n_bins, weight_scale, block):
    y_true, y_score, sample_weight = _as_2d(block, weight_scale)
    truth = _positive_truth(y_true, pos_label)
    n_labels = y_score.shape[1]
    pos = np.zeros((n_bins, n_labels))
    neg = np.zeros((n_bins, n_labels))
    top = np.full((n_bins, n_labels), -np.inf)
    bottom = np.full((n_bins, n_labels), np.inf)
    for j in range(n_labels):
        index = _bin_index(y_score[:, j], low[j], high[j], n_bins)
        weight_pos = np.where(truth[:, j], sample_weight, 0.0)
        pos[:, j] = np.bincount(index, weight_pos, minlength=n_bins)
        neg[:, j] = np.bincount(index, sample_weight - weight_pos, minlength=n_bins)
        np.maximum.at(top[:, j], index, y_score[:, j])
        np.minimum.at(bottom[:, j], index, y_score[:, j])
    return pos, neg, top, bottom


def _block_rows_in_bins(pos_label, low, high, n_bins, weight_scale, selected, block):
    """Per label, (scores, positive weights, negative weights) in selected bins."""
    y_true, y_score, sample_weight = _as_2d(block, weight_scale)
    truth = _positive_truth(y_true, pos_label)
    rows = []
    for j in range(y_score.shape[1]):
        index = _bin_index(y_score[:, j], low[j], high[j], n_bins)
        keep = selected[index, j]
        weight_pos = np.where(truth[keep, j], sample_weight[keep], 0.0)
        rows.append((y_score[keep, j], weight_pos, sample_weight[keep] - weight_pos))
    return rows


def _validate_dask_scores(y_true, y_score, sample_weight):
    if not is_dask_collection(y_score):
        raise ValueError(
            "y_true or sample_weight is a dask collection but y_score is not; "
            "pass y_score as a dask array too (or compute the others)."
        )
    ndim = getattr(y_score, "ndim", 1)
    y_score = check_dask_rows(y_score, y_score, "y_score", dtype=None, ndim=ndim)
    if y_score.dtype not in (np.float32, np.float64):
        y_score = y_score.astype(np.float64)
    y_true = check_dask_rows(y_true, y_score, "y_true", dtype=None, ndim=ndim)
    if sample_weight is not None:
        sample_weight = check_dask_rows(sample_weight, y_score, "sample_weight")
    if y_score.shape[0] == 0:
        raise ValueError("y_true is empty: a threshold needs at least one sample.")
    blocks = persist_blocks(
        y_true, y_score, sample_weight, names=("y_true", "y_score", "sample_weight")
    )
    return blocks, ndim, y_score.dtype


def _label_table(scores, pos_weight, neg_weight, bins, swept):
    """The candidate table of one label from its bins and its gathered rows.

    ``bins`` holds per bin (decreasing scores) the positive and negative weights,
    the top and bottom scores; ``swept`` says which bins' rows were gathered.
    """
    pos, neg, top, bottom = bins
    order = np.argsort(scores, kind="stable")[::-1]
    scores, pos_weight, neg_weight = scores[order], pos_weight[order], neg_weight[order]
    tp_above = np.concatenate([[0.0], np.cumsum(pos)[:-1]])
    fp_above = np.concatenate([[0.0], np.cumsum(neg)[:-1]])
    thresholds, tp, fp, is_cut = [np.array([np.inf])], [[0.0]], [[0.0]], [[True]]
    start = 0
    for b in range(pos.size):
        if pos[b] + neg[b] == 0:
            continue
        if swept[b]:  # the exact sweep of the bin's sorted rows
            stop = start + int(np.count_nonzero(scores[start:] >= bottom[b]))
            bin_scores = scores[start:stop]
            bin_tp, bin_fp = _cumulative_counts(
                pos_weight[start:stop, None],
                neg_weight[start:stop, None],
                tp_above[b],
                fp_above[b],
            )
            cuts = _tie_ends(bin_scores[:, None])[1:, 0]
            cuts[-1] = True  # the next bin scores strictly lower
            thresholds.append(bin_scores)
            tp.append(bin_tp[1:, 0])
            fp.append(bin_fp[1:, 0])
            is_cut.append(cuts)
            start = stop
        else:  # its top score (not a cut) and its end (a cut)
            thresholds.append([top[b], bottom[b]])
            tp.append([tp_above[b], tp_above[b] + pos[b]])
            fp.append([fp_above[b], fp_above[b] + neg[b]])
            is_cut.append([False, True])
    column = [np.concatenate(part)[:, None] for part in (thresholds, tp, fp, is_cut)]
    return _CandidateCounts(
        column[0].astype(scores.dtype),
        column[1],
        column[2],
        column[3].astype(bool),
        np.array([pos.sum()]),
        np.array([neg.sum()]),
    )


def _bins_to_sweep(objective, pos, neg, top, bottom):
    """Per label (column), the bins that can hold a better candidate than known."""
    n_pos, n_neg = pos.sum(axis=0), neg.sum(axis=0)
    tp_end, fp_end = np.cumsum(pos, axis=0), np.cumsum(neg, axis=0)
    fp_above = fp_end - neg
    occupied = (pos + neg) > 0

    def score(tp, fp):
        return objective.score(tp, fp, n_pos, n_neg)

    # Known exact candidates: +inf (nothing positive) and the end of every bin.
    known = np.where(occupied, score(tp_end, fp_end), -np.inf)
    bound = score(tp_end, fp_above)
    # A bin whose scores are all equal has one cut, its end: nothing to sweep.
    candidates = occupied & (top > bottom)
    slack_end = objective.slack(tp_end, fp_end, n_pos, n_neg)
    zero = np.zeros_like(n_pos)
    if slack_end is None:
        best = np.maximum(known.max(axis=0), score(zero, zero))
        return candidates & (bound >= best - _slack(best))
    slack_zero = objective.slack(zero, zero, n_pos, n_neg)
    slack_bound = objective.slack(tp_end, fp_above, n_pos, n_neg)
    feasible_known = np.where(occupied & (slack_end >= 0), known, -np.inf)
    best = np.maximum(
        feasible_known.max(axis=0),
        np.where(slack_zero >= 0, score(zero, zero), -np.inf),
    )
    can_be_better = (slack_bound >= 0) & (bound >= best - _slack(best))
    # Without a feasible candidate the closest to feasibility is wanted.
    best_slack = np.maximum(
        np.where(occupied, slack_end, -np.inf).max(axis=0), slack_zero
    )
    none_feasible = ~np.isfinite(best)
    closer = none_feasible & (slack_bound >= best_slack - _slack(best_slack))
    return candidates & (can_be_better | closer)


def _slack(value):
    """Room for rounding when comparing a bound with a value (bounds are exact)."""
    return 1e-12 * np.where(np.isfinite(value), np.abs(value), 0.0)


def chunked_optimal_threshold(
    y_true,
    y_score,
    *,
    objective,
    average,
    groups,
    thresholds,
    sample_weight,
    pos_label,
    n_bins=_N_BINS,
    **objective_options,
):
    """:func:`~skbce.metrics.optimal_threshold` on dask scores (see the module).

    ``objective_options`` are ``beta``, ``fp_cost``, ``fn_cost`` and
    ``zero_division``.
    """
    resolved = _resolve_objective(objective, **objective_options)
    if not (isinstance(resolved.function, str) and resolved.function in _MONOTONE):
        raise ValueError(
            f"On dask scores the exact search supports the objectives "
            f"{sorted(_MONOTONE)} and constrained(...) versions of them, which "
            f"never decrease with true positives nor increase with false positives; "
            f"got {objective!r}. Compute the scores (y_score.compute()) for other "
            "objectives."
        )
    if average != "macro" or groups is not None or thresholds is not None:
        raise ValueError(
            "On dask scores the search is exact and per label: use "
            "average='macro', groups=None and thresholds=None, or compute the "
            "scores first."
        )
    blocks, ndim, dtype = _validate_dask_scores(y_true, y_score, sample_weight)
    ranges = dask_map(functools.partial(_block_range, pos_label), blocks)
    low = np.min([r[0] for r in ranges], axis=0)
    high = np.max([r[1] for r in ranges], axis=0)
    if not (np.all(np.isfinite(low)) and np.all(np.isfinite(high))):
        raise ValueError("Input y_score contains NaN or infinity.")
    weight_scale = _weight_scale(max(r[2] for r in ranges))
    histograms = dask_map(
        functools.partial(_block_histogram, pos_label, low, high, n_bins, weight_scale),
        blocks,
    )
    pos = sum(h[0] for h in histograms)[::-1]  # bins in decreasing scores
    neg = sum(h[1] for h in histograms)[::-1]
    top = np.max([h[2] for h in histograms], axis=0)[::-1]
    bottom = np.min([h[3] for h in histograms], axis=0)[::-1]
    swept = _bins_to_sweep(resolved, pos, neg, top, bottom)
    gathered = dask_map(
        functools.partial(
            _block_rows_in_bins,
            pos_label,
            low,
            high,
            n_bins,
            weight_scale,
            swept[::-1],
        ),
        blocks,
    )
    n_labels = pos.shape[1]
    best, scores = np.empty(n_labels), np.empty(n_labels)
    infeasible = np.zeros(n_labels, dtype=bool)
    for j in range(n_labels):
        rows = [np.concatenate(part) for part in zip(*(g[j] for g in gathered))]
        table = _label_table(
            *rows,
            (pos[:, j], neg[:, j], top[:, j], bottom[:, j]),
            swept[:, j],
        )
        values = _objective_values(resolved, table)
        row, feasible = _best_candidates(resolved, table, values)
        infeasible[j] = not feasible[0]
        best[j] = _decision_thresholds(table, row)[0]
        scores[j] = values[row[0], 0]
    names = _LabelNames(positive=pos_label if pos_label is not None else 1)
    if ndim == 2:
        columns = getattr(y_true, "columns", None)
        names = _LabelNames(None if columns is None else tuple(columns))
    if infeasible.any():
        _warn_infeasible(resolved, names(np.flatnonzero(infeasible)), stacklevel=3)
    _warn_no_positives(pos.sum(axis=0), names, stacklevel=4)
    best = best.astype(dtype)
    return (best[0] if ndim == 1 else best), float(scores.mean())
