"""The objective of a classifier against its decision threshold."""

from numbers import Integral

import numpy as np
from sklearn.utils.multiclass import type_of_target
from sklearn.utils.validation import check_is_fitted

from ..metrics import ConstrainedObjective, optimal_threshold, threshold_curve
from ..model_selection import OptimalThresholdClassifier
from ..model_selection._threshold import _positive_scores, _response_method
from ._base import check_matplotlib_support, get_axes

_OBJECTIVE_LABELS = {
    "f1": "F1",
    "dice": "Dice",
    "fbeta": "F-beta",
    "matthews_corrcoef": "MCC",
    "youden": "Youden's J",
    "cost": "minus mean cost",
}
_MAX_COLUMNS = 4


def _objective_label(objective):
    """Axis label of an objective: its usual name."""
    if isinstance(objective, ConstrainedObjective):
        return _objective_label(objective.objective)
    if callable(objective):
        return getattr(objective, "__name__", "objective")
    return _OBJECTIVE_LABELS.get(objective, objective.replace("_", " "))


def _as_list(values, name, n_panels=None):
    """A 1-D array or a list of 1-D arrays as a list of float arrays."""
    if values is None:
        return None
    if isinstance(values, (list, tuple)) and values and np.ndim(values[0]) == 1:
        arrays = [np.asarray(v, dtype=np.float64) for v in values]
    else:
        arrays = [np.asarray(values, dtype=np.float64)]
    if any(a.ndim != 1 for a in arrays):
        raise ValueError(
            f"{name} must be a 1-D array (one label) or a list of 1-D arrays (one "
            "per label)."
        )
    if n_panels is not None and len(arrays) != n_panels:
        raise ValueError(
            f"{name} holds {len(arrays)} curve(s) but thresholds holds {n_panels}."
        )
    return arrays


def _select_labels(label, n_labels):
    """Indices of the labels to show: all for None, else the given ones."""
    if label is None:
        return list(range(n_labels))
    selected = [label] if isinstance(label, Integral) else list(label)
    for j in selected:
        if not isinstance(j, Integral) or isinstance(j, bool) or not 0 <= j < n_labels:
            raise ValueError(
                f"label must be None, an integer in [0, {n_labels}) or a list of "
                f"such integers (the columns of a multi-label y); got {label!r}."
            )
    return selected


def _value_at(thresholds, values, threshold):
    """The curve's value at a decision threshold (positive where score >= it).

    ``thresholds`` decrease; the decisions at ``threshold`` are those of the
    lowest candidate that is still ``>= threshold``.
    """
    above = np.flatnonzero(thresholds >= threshold)
    return values[above[-1]] if above.size else values[0]


class ThresholdCurveDisplay:
    """The objective (and precision, recall) of a classifier against its threshold.

    A thresholded objective such as F1 is a step function of the decision
    threshold ``t`` (positive where ``score >= t``): it changes only where ``t``
    crosses an observed score. The display draws it as such a step curve, with
    the precision and recall at the same thresholds, and marks the chosen
    threshold: the optimum of the curve, or the ``best_threshold_`` of a fitted
    :class:`skbce.OptimalThresholdClassifier`. For a multi-label problem it
    draws one panel per label, or the selected labels only.

    It is recommended to create a display with :meth:`from_estimator` or
    :meth:`from_predictions`. All parameters are stored as attributes.

    Parameters
    ----------
    thresholds : ndarray of shape (n_thresholds,) or list of such arrays
        Candidate thresholds in decreasing order (a leading ``+inf``, nothing
        positive, is kept in the data but not drawn); one array per panel.
    objective : ndarray of shape (n_thresholds,) or list of such arrays
        The objective at each threshold.
    precision : ndarray of shape (n_thresholds,) or list of such arrays, \
            default=None
        Precision at each threshold. None draws no precision curve.
    recall : ndarray of shape (n_thresholds,) or list of such arrays, \
            default=None
        Recall at each threshold. None draws no recall curve.
    best_threshold : float or array-like of shape (n_panels,), default=None
        The chosen threshold of each panel, marked by a vertical line. None
        marks nothing.
    objective_name : str, default="objective"
        Name of the objective, the label of the y axis.
    labels : list of str, default=None
        Title of each panel (e.g. the label names). None shows no titles.
    name : str, default=None
        Name of the model, shown in the legend.

    Attributes
    ----------
    objective_lines_ : list of matplotlib Line2D
        The objective curve of each panel.
    precision_lines_ : list of matplotlib Line2D
        The precision curve of each panel (empty without precision).
    recall_lines_ : list of matplotlib Line2D
        The recall curve of each panel (empty without recall).
    threshold_lines_ : list of matplotlib Line2D
        The vertical line at the chosen threshold of each panel (empty without
        ``best_threshold``; no line for an infinite threshold).
    ax_ : matplotlib Axes or ndarray of Axes
        The axes of the single panel, or an array of the axes of all panels.
    figure_ : matplotlib Figure
        The figure holding the panels.

    See Also
    --------
    skbce.metrics.threshold_curve : The data of the curve.
    skbce.metrics.optimal_threshold : The threshold at its maximum.
    sklearn.metrics.PrecisionRecallDisplay : Precision against recall.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.model_selection import train_test_split
    >>> from skbce.display import ThresholdCurveDisplay
    >>> X, y = make_classification(n_samples=1000, weights=[0.9], random_state=0)
    >>> X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
    >>> model = LogisticRegression().fit(X_train, y_train)
    >>> display = ThresholdCurveDisplay.from_estimator(model, X_test, y_test)
    >>> print(f"{display.best_threshold[0]:.2f}")
    0.19
    >>> print(f"{display.objective[0].max():.2f}")
    0.91
    """

    def __init__(
        self,
        thresholds,
        objective,
        *,
        precision=None,
        recall=None,
        best_threshold=None,
        objective_name="objective",
        labels=None,
        name=None,
    ):
        self.thresholds = thresholds
        self.objective = objective
        self.precision = precision
        self.recall = recall
        self.best_threshold = best_threshold
        self.objective_name = objective_name
        self.labels = labels
        self.name = name

    def _panels(self, ax, n_panels):
        """The axes of the panels: the given ones, or a new figure."""
        if ax is None and n_panels == 1:
            ax, figure = get_axes(None, f"{type(self).__name__}.plot")
            return np.array([ax], dtype=object), figure
        if ax is None:
            check_matplotlib_support(f"{type(self).__name__}.plot")
            import matplotlib.pyplot as plt

            n_cols = min(n_panels, _MAX_COLUMNS)
            n_rows = -(-n_panels // n_cols)
            figure, axes = plt.subplots(
                n_rows,
                n_cols,
                figsize=(3.2 * n_cols, 2.6 * n_rows),
                sharey=True,
                squeeze=False,
                layout="constrained",
            )
            for extra in axes.flat[n_panels:]:
                extra.set_visible(False)
            return axes.ravel()[:n_panels], figure
        axes = np.asarray(ax, dtype=object).ravel()
        if axes.size != n_panels:
            raise ValueError(
                f"ax must hold one Axes per panel ({n_panels}); got {axes.size}."
            )
        return axes, axes[0].figure

    def plot(self, ax=None, *, name=None, show_precision_recall=True):
        """Draw the curves, one panel per label.

        Parameters
        ----------
        ax : matplotlib Axes or array-like of Axes, default=None
            Axes to draw on: one Axes for one panel, one per panel otherwise. None
            creates a new figure (a grid of panels for several labels).
        name : str, default=None
            Name of the model in the legend; None uses the ``name`` attribute.
        show_precision_recall : bool, default=True
            Whether to draw the precision and recall curves (when given) next to
            the objective.

        Returns
        -------
        display : ThresholdCurveDisplay
            The display itself, with the drawn artists.
        """
        thresholds = _as_list(self.thresholds, "thresholds")
        n_panels = len(thresholds)
        objective = _as_list(self.objective, "objective", n_panels)
        precision = _as_list(self.precision, "precision", n_panels)
        recall = _as_list(self.recall, "recall", n_panels)
        for j, t in enumerate(thresholds):
            for curve in (objective, precision, recall):
                if curve is not None and curve[j].shape != t.shape:
                    raise ValueError(
                        "thresholds, objective, precision and recall must have the "
                        f"same length in each panel; panel {j} has {t.shape[0]} "
                        f"thresholds and a curve of length {curve[j].shape[0]}."
                    )
        best = None
        if self.best_threshold is not None:
            best = np.atleast_1d(np.asarray(self.best_threshold, dtype=np.float64))
            if best.shape != (n_panels,):
                raise ValueError(
                    f"best_threshold must hold one threshold per panel ({n_panels}); "
                    f"got shape {best.shape}."
                )
        if self.labels is not None and len(self.labels) != n_panels:
            raise ValueError(
                f"labels must hold one title per panel ({n_panels}); got "
                f"{len(self.labels)}."
            )
        axes, figure = self._panels(ax, n_panels)
        name = self.name if name is None else name
        show_rates = show_precision_recall and (precision or recall) is not None
        y_label = self.objective_name
        if show_rates:
            rates = [r for r, v in (("precision", precision), ("recall", recall)) if v]
            y_label = ", ".join([y_label, *rates])

        self.objective_lines_, self.precision_lines_ = [], []
        self.recall_lines_, self.threshold_lines_ = [], []
        for j, ax_j in enumerate(axes):
            drawn = np.isfinite(thresholds[j])
            x = thresholds[j][drawn]
            (line,) = ax_j.plot(
                x,
                objective[j][drawn],
                drawstyle="steps-post",
                color="C0",
                label=self.objective_name
                if name is None
                else f"{self.objective_name} ({name})",
            )
            self.objective_lines_.append(line)
            for values, lines, color, rate in (
                (precision, self.precision_lines_, "C1", "precision"),
                (recall, self.recall_lines_, "C2", "recall"),
            ):
                if show_rates and values is not None:
                    (rate_line,) = ax_j.plot(
                        x,
                        values[j][drawn],
                        drawstyle="steps-post",
                        color=color,
                        linewidth=1,
                        alpha=0.8,
                        label=rate,
                    )
                    lines.append(rate_line)
            if best is not None and np.isfinite(best[j]):
                value = _value_at(thresholds[j], objective[j], best[j])
                self.threshold_lines_.append(
                    ax_j.axvline(
                        best[j],
                        color="black",
                        linestyle="--",
                        linewidth=1,
                        label=f"threshold {best[j]:.3g} "
                        f"({self.objective_name} {value:.3g})"
                        if n_panels == 1
                        else "chosen threshold",
                    )
                )
            ax_j.set_xlabel("threshold")
            if self.labels is not None:
                title = str(self.labels[j])
                if best is not None and n_panels > 1:
                    # one legend for all panels: each panel's threshold goes here
                    title += f", threshold {best[j]:.3g}"
                ax_j.set_title(title)
            spec = ax_j.get_subplotspec()
            if spec is None or spec.is_first_col():
                ax_j.set_ylabel(y_label)
        # One legend: the panels share the meaning of their lines.
        axes[0].legend(loc="best", fontsize="small")
        self.ax_ = axes[0] if n_panels == 1 else axes
        self.figure_ = figure
        return self

    @classmethod
    def from_predictions(
        cls,
        y_true,
        y_score,
        *,
        objective="f1",
        label=None,
        beta=1.0,
        fp_cost=1.0,
        fn_cost=1.0,
        sample_weight=None,
        pos_label=None,
        name=None,
        show_precision_recall=True,
        ax=None,
    ):
        """Plot the objective against the threshold from true labels and scores.

        The curve is :func:`skbce.metrics.threshold_curve` and the marked
        threshold :func:`skbce.metrics.optimal_threshold`, both on the given
        scores: the curve's maximum. To judge a threshold on new data, mark a
        threshold tuned on held-out data instead (see :meth:`from_estimator`).

        Parameters
        ----------
        y_true : array-like of shape (n_samples,) or (n_samples, n_labels)
            True labels: binary, or a 0/1 indicator matrix for multi-label data.
        y_score : array-like of the shape of ``y_true``
            Scores, larger meaning more likely positive.
        objective : str, callable or ConstrainedObjective, default="f1"
            The objective, as in :func:`skbce.metrics.optimal_threshold`.
        label : int, list of int or None, default=None
            Multi-label only: the column(s) of ``y_true`` to draw, one panel each.
            None draws every label.
        beta : float > 0, default=1.0
            Weight of recall in ``objective="fbeta"``.
        fp_cost : float >= 0, default=1.0
            Cost of a false positive for ``objective="cost"``.
        fn_cost : float >= 0, default=1.0
            Cost of a false negative for ``objective="cost"``.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.
        pos_label : int, float, bool or str, default=None
            The positive class of a 1-D ``y_true``; by default 1 (or True).
        name : str, default=None
            Name of the model in the legend.
        show_precision_recall : bool, default=True
            Whether to draw the precision and recall curves too.
        ax : matplotlib Axes or array-like of Axes, default=None
            Axes to draw on, one per panel. None creates a new figure.

        Returns
        -------
        display : ThresholdCurveDisplay
            The drawn display, holding the curves it shows.

        See Also
        --------
        ThresholdCurveDisplay.from_estimator : The curve of a fitted classifier.
        """
        check_matplotlib_support(f"{cls.__name__}.from_predictions")
        options = dict(
            objective=objective,
            beta=beta,
            fp_cost=fp_cost,
            fn_cost=fn_cost,
            sample_weight=sample_weight,
            pos_label=pos_label,
        )
        curves = threshold_curve(y_true, y_score, **options)
        best, _ = optimal_threshold(y_true, y_score, **options)
        return cls._from_curves(
            curves, best, label, objective, name, show_precision_recall, ax
        )

    @classmethod
    def _from_curves(
        cls, curves, best, label, objective, name, show_precision_recall, ax
    ):
        """Draw a curve (binary) or the selected ones of a list (multi-label).

        ``curves`` is a Bunch or dict of one label or a list of them, as returned
        by :func:`skbce.metrics.threshold_curve` or held in ``cv_results_``;
        ``best`` the threshold(s) to mark.
        """
        best = np.atleast_1d(np.asarray(best, dtype=np.float64))
        if isinstance(curves, list):
            selected = _select_labels(label, len(curves))
            curves, best = [curves[j] for j in selected], best[selected]
            titles = [f"label {j}" for j in selected]
        elif label is not None:
            raise ValueError(
                "label selects a column of a multi-label target; this one is binary."
            )
        else:
            curves, titles = [curves], None
        display = cls(
            [np.asarray(c["thresholds"]) for c in curves],
            [np.asarray(c["objective"]) for c in curves],
            precision=[np.asarray(c["precision"]) for c in curves],
            recall=[np.asarray(c["recall"]) for c in curves],
            best_threshold=best,
            objective_name=_objective_label(objective),
            labels=titles,
            name=name,
        )
        return display.plot(ax=ax, show_precision_recall=show_precision_recall)

    @classmethod
    def from_estimator(
        cls,
        estimator,
        X=None,
        y=None,
        *,
        objective="f1",
        label=None,
        response_method="auto",
        name=None,
        show_precision_recall=True,
        ax=None,
    ):
        """Plot the objective against the threshold of a fitted classifier.

        For a fitted :class:`skbce.OptimalThresholdClassifier` without ``X``
        and ``y``, the curve is the held-out one its search maximized
        (``cv_results_``), with its ``best_threshold_`` marked. With ``X`` and
        ``y``, the curve is computed from the classifier's scores on them (with
        its own objective for an OptimalThresholdClassifier, whose tuned
        threshold is marked: how the held-out choice fares on new data); for any
        other classifier the optimum of that curve is marked, as by
        :meth:`from_predictions`.

        Parameters
        ----------
        estimator : estimator instance
            A fitted binary or multi-label classifier with ``predict_proba`` or
            ``decision_function``, or a fitted OptimalThresholdClassifier.
        X : {array-like, sparse matrix} of shape (n_samples, n_features), \
                default=None
            Input values. Required unless ``estimator`` is an
            OptimalThresholdClassifier.
        y : array-like of shape (n_samples,) or (n_samples, n_labels), \
                default=None
            True labels of ``X``.
        objective : str, callable or ConstrainedObjective, default="f1"
            The objective, as in :func:`skbce.metrics.optimal_threshold`. Not
            used for an OptimalThresholdClassifier, which has its own.
        label : int, list of int or None, default=None
            Multi-label only: the label(s) to draw, one panel each. None draws
            every label.
        response_method : {"auto", "predict_proba", "decision_function"}, \
                default="auto"
            The method giving the scores; "auto" tries ``predict_proba`` then
            ``decision_function``. Not used for an OptimalThresholdClassifier.
        name : str, default=None
            Name of the model in the legend. None uses the estimator's class
            name.
        show_precision_recall : bool, default=True
            Whether to draw the precision and recall curves too.
        ax : matplotlib Axes or array-like of Axes, default=None
            Axes to draw on, one per panel. None creates a new figure.

        Returns
        -------
        display : ThresholdCurveDisplay
            The drawn display, holding the curves it shows.

        See Also
        --------
        ThresholdCurveDisplay.from_predictions : The curve of given scores.
        """
        check_matplotlib_support(f"{cls.__name__}.from_estimator")
        check_is_fitted(estimator)
        name = type(estimator).__name__ if name is None else name
        tuned = isinstance(estimator, OptimalThresholdClassifier)
        if (X is None) != (y is None) or (X is None and not tuned):
            raise ValueError(
                f"Pass both X and y to score a {type(estimator).__name__}; only a "
                "fitted OptimalThresholdClassifier can be drawn without them, from "
                "its held-out curve (cv_results_)."
            )
        if not tuned:
            method = _response_method(estimator, response_method)
            multilabel = type_of_target(y) == "multilabel-indicator"
            scores = _positive_scores(estimator, X, method, multilabel)
            if not multilabel:
                y = np.asarray(y) == estimator.classes_[-1]
                scores = scores[:, 0]
            return cls.from_predictions(
                y,
                scores,
                objective=objective,
                label=label,
                name=name,
                show_precision_recall=show_precision_recall,
                ax=ax,
            )

        if X is None:
            curves = estimator.cv_results_
        else:
            multilabel = estimator._multilabel
            scores = estimator._scores(X)
            if not multilabel:
                y = np.asarray(y) == estimator.classes_[1]
                scores = scores[:, 0]
            curves = threshold_curve(
                y,
                scores,
                objective=estimator.objective,
                beta=estimator.beta,
                fp_cost=estimator.fp_cost,
                fn_cost=estimator.fn_cost,
            )
        return cls._from_curves(
            curves,
            estimator.best_threshold_,
            label,
            estimator.objective,
            name,
            show_precision_recall,
            ax,
        )
