"""The objective of a classifier against its decision threshold."""

from numbers import Integral

import numpy as np
from sklearn.utils.multiclass import type_of_target
from sklearn.utils.validation import check_is_fitted

from ..metrics import ConstrainedObjective, optimal_threshold, threshold_curve
from ..model_selection import OptimalThresholdClassifier
from ..model_selection._held_out import label_names
from ..model_selection._threshold import _positive_scores, _response_method
from ..utils._dask import materialize
from ._base import check_matplotlib_support, new_subplots

_OBJECTIVE_LABELS = {
    "f1": "F1",
    "dice": "Dice",
    "fbeta": "F-beta",
    "matthews_corrcoef": "MCC",
    "youden": "Youden's J",
    "cost": "minus mean cost",
}
_MAX_COLUMNS = 4
_SIGNIFICANT_DIGITS = 3


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


def _select_labels(label, names):
    """Positions of the labels to draw: all for None, else the given ones.

    ``label`` is a label name (an entry of ``names``), a position, or a list of
    them; names are matched first, so that integer names mean themselves.
    """
    names = list(names)
    if label is None:
        return list(range(len(names)))
    is_one = isinstance(label, (str, Integral)) or np.isscalar(label)
    positions = []
    for item in [label] if is_one else list(label):
        by_name = [j for j, known in enumerate(names) if known == item]
        if by_name:
            positions.append(by_name[0])
        elif (
            isinstance(item, Integral)
            and not isinstance(item, bool)
            and 0 <= item < len(names)
        ):
            positions.append(int(item))
        else:
            shown = [n.item() if isinstance(n, np.generic) else n for n in names]
            raise ValueError(
                f"label must be None, a label name (one of {shown}), an integer "
                f"position in [0, {len(names)}) or a list of them; got {item!r}."
            )
    return positions


def _value_at(thresholds, values, threshold):
    """The curve's value at a decision threshold (positive where score >= it).

    ``thresholds`` decrease; the decisions at ``threshold`` are those of the
    lowest candidate that is still ``>= threshold``.
    """
    above = np.flatnonzero(thresholds >= threshold)
    return values[above[-1]] if above.size else values[0]


def _fixed_decimals(values):
    """A formatter showing all ``values`` with the same number of decimals.

    Enough decimals for three significant digits of the largest finite value:
    thresholds 0.135 and 0.070 (not 0.135 and 0.07), or 12.4 and 3.0.
    """
    finite = np.abs(np.asarray(values, dtype=np.float64))
    finite = finite[np.isfinite(finite) & (finite > 0)]
    largest = finite.max() if finite.size else 1.0
    decimals = max(0, _SIGNIFICANT_DIGITS - 1 - int(np.floor(np.log10(largest))))
    return lambda value: f"{value:.{decimals}f}"


class ThresholdCurveDisplay:
    """The objective (and precision, recall) of a classifier against its threshold.

    A thresholded objective such as F1 is a step function of the decision
    threshold ``t`` (positive where ``score >= t``): it changes only where ``t``
    crosses an observed score. The display draws it as such a step curve, with
    the precision and recall at the same thresholds, and marks the chosen
    threshold: the optimum of the curve, or the ``best_threshold_`` of a fitted
    :class:`skbce.OptimalThresholdClassifier`. For a multi-label problem it
    draws one panel per label, titled with the label's name, or the selected
    labels only. The legend sits outside the panels, so that it covers no curve.

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
    threshold_name : str, default=None
        Legend entry of the threshold lines of several panels; None says
        "chosen threshold". With one panel the entry gives the threshold and
        the objective there.

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
    legend_ : matplotlib Legend
        The legend: right of the single panel, or one figure legend below
        several panels (outside them with ``layout="constrained"``, which the
        figures the display creates use).
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
        threshold_name=None,
    ):
        self.thresholds = thresholds
        self.objective = objective
        self.precision = precision
        self.recall = recall
        self.best_threshold = best_threshold
        self.objective_name = objective_name
        self.labels = labels
        self.name = name
        self.threshold_name = threshold_name

    def _panels(self, ax, n_panels):
        """The axes of the panels: the given ones, or a new figure."""
        if ax is None:
            n_cols = min(n_panels, _MAX_COLUMNS)
            n_rows = -(-n_panels // n_cols)
            single = n_panels == 1
            figure, axes = new_subplots(
                f"{type(self).__name__}.plot",
                n_rows,
                n_cols,
                figsize=(7.5, 4) if single else (3.2 * n_cols, 2.6 * n_rows + 0.5),
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

    def _check_data(self):
        """The curves as lists of arrays, one per panel, and the thresholds."""
        thresholds = _as_list(self.thresholds, "thresholds")
        n_panels = len(thresholds)
        curves = [
            _as_list(values, name, n_panels)
            for name, values in (
                ("objective", self.objective),
                ("precision", self.precision),
                ("recall", self.recall),
            )
        ]
        for j, t in enumerate(thresholds):
            for curve in curves:
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
        return thresholds, curves, best

    def plot(
        self,
        ax=None,
        *,
        name=None,
        show_precision_recall=True,
        objective_kwargs=None,
        precision_kwargs=None,
        recall_kwargs=None,
        threshold_kwargs=None,
    ):
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
        objective_kwargs : dict, default=None
            Keyword arguments of :meth:`matplotlib.axes.Axes.plot` for the
            objective curves, overriding the defaults (e.g. ``{"color": "k"}``).
        precision_kwargs : dict, default=None
            Keyword arguments of :meth:`matplotlib.axes.Axes.plot` for the
            precision curves.
        recall_kwargs : dict, default=None
            Keyword arguments of :meth:`matplotlib.axes.Axes.plot` for the
            recall curves.
        threshold_kwargs : dict, default=None
            Keyword arguments of :meth:`matplotlib.axes.Axes.axvline` for the
            lines at the chosen thresholds.

        Returns
        -------
        display : ThresholdCurveDisplay
            The display itself, with the drawn artists.
        """
        thresholds, (objective, precision, recall), best = self._check_data()
        n_panels = len(thresholds)
        axes, figure = self._panels(ax, n_panels)
        name = self.name if name is None else name
        show_rates = show_precision_recall and (precision or recall) is not None
        y_label = self.objective_name
        if show_rates:
            rates = [r for r, v in (("precision", precision), ("recall", recall)) if v]
            y_label = ", ".join([y_label, *rates])
        show_threshold = None if best is None else _fixed_decimals(best)
        show_value = _fixed_decimals(np.concatenate(objective))

        objective_kwargs = {
            "drawstyle": "steps-post",
            "color": "C0",
            "label": self.objective_name
            if name is None
            else f"{self.objective_name} ({name})",
            **(objective_kwargs or {}),
        }
        rate_kwargs = {
            "precision": {
                "drawstyle": "steps-post",
                "color": "C1",
                "linewidth": 1,
                "alpha": 0.8,
                "label": "precision",
                **(precision_kwargs or {}),
            },
            "recall": {
                "drawstyle": "steps-post",
                "color": "C2",
                "linewidth": 1,
                "alpha": 0.8,
                "label": "recall",
                **(recall_kwargs or {}),
            },
        }
        threshold_kwargs = {
            "color": "black",
            "linestyle": "--",
            "linewidth": 1,
            **(threshold_kwargs or {}),
        }

        self.objective_lines_, self.precision_lines_ = [], []
        self.recall_lines_, self.threshold_lines_ = [], []
        for j, ax_j in enumerate(axes):
            drawn = np.isfinite(thresholds[j])
            x = thresholds[j][drawn]
            (line,) = ax_j.plot(x, objective[j][drawn], **objective_kwargs)
            self.objective_lines_.append(line)
            for values, lines, rate in (
                (precision, self.precision_lines_, "precision"),
                (recall, self.recall_lines_, "recall"),
            ):
                if show_rates and values is not None:
                    (rate_line,) = ax_j.plot(x, values[j][drawn], **rate_kwargs[rate])
                    lines.append(rate_line)
            if best is not None and np.isfinite(best[j]):
                if n_panels == 1:
                    value = _value_at(thresholds[j], objective[j], best[j])
                    label = (
                        f"threshold {show_threshold(best[j])} "
                        f"({self.objective_name} {show_value(value)})"
                    )
                else:
                    label = self.threshold_name or "chosen threshold"
                self.threshold_lines_.append(
                    ax_j.axvline(best[j], **{"label": label, **threshold_kwargs})
                )
            ax_j.set_xlabel("threshold")
            if self.labels is not None:
                title = str(self.labels[j])
                if best is not None and n_panels > 1:
                    # one legend for all panels: each panel's threshold goes here
                    title += f", threshold {show_threshold(best[j])}"
                ax_j.set_title(title)
            spec = ax_j.get_subplotspec()
            if spec is None or spec.is_first_col():
                ax_j.set_ylabel(y_label)
        self.legend_ = self._legend(axes, figure)
        self.ax_ = axes[0] if n_panels == 1 else axes
        self.figure_ = figure
        return self

    def _legend(self, axes, figure):
        """One legend outside the panels: right of one panel, below several."""
        if axes.size == 1:
            return axes[0].legend(
                loc="upper left",
                bbox_to_anchor=(1.02, 1.0),
                borderaxespad=0.0,
                fontsize="small",
            )
        # the panels share the meaning of their lines: the first panel's entries
        handles, labels = axes[0].get_legend_handles_labels()
        first = self.threshold_lines_[:1]
        if first and first[0] not in handles:  # the first panel's cut is +inf
            handles.append(first[0])
            labels.append(first[0].get_label())
        return figure.legend(
            handles,
            labels,
            loc="outside lower center",
            ncols=len(handles),
            fontsize="small",
        )

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
        objective_kwargs=None,
        precision_kwargs=None,
        recall_kwargs=None,
        threshold_kwargs=None,
    ):
        """Plot the objective against the threshold from true labels and scores.

        The curve is :func:`skbce.metrics.threshold_curve` and the marked
        threshold :func:`skbce.metrics.optimal_threshold`, both on the given
        scores: the curve's maximum. To judge a threshold on new data, mark a
        threshold tuned on held-out data instead (see :meth:`from_estimator`).

        Parameters
        ----------
        y_true : array-like of shape (n_samples,) or (n_samples, n_labels)
            True labels: binary, or a 0/1 indicator matrix for multi-label data
            (a DataFrame's columns name the labels: panel titles and ``label``).
        y_score : array-like of the shape of ``y_true``
            Scores, larger meaning more likely positive.
        objective : str, callable or ConstrainedObjective, default="f1"
            The objective, as in :func:`skbce.metrics.optimal_threshold`.
        label : str, int, list of them or None, default=None
            Multi-label only: the label(s) to draw, one panel each, by name (a
            column of a DataFrame ``y_true``) or position. None draws every
            label.
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
        objective_kwargs : dict, default=None
            Keyword arguments of :meth:`matplotlib.axes.Axes.plot` for the
            objective curves.
        precision_kwargs : dict, default=None
            Keyword arguments of :meth:`matplotlib.axes.Axes.plot` for the
            precision curves.
        recall_kwargs : dict, default=None
            Keyword arguments of :meth:`matplotlib.axes.Axes.plot` for the
            recall curves.
        threshold_kwargs : dict, default=None
            Keyword arguments of :meth:`matplotlib.axes.Axes.axvline` for the
            lines at the chosen thresholds.

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
        names = getattr(y_true, "columns", None)
        return cls._from_curves(
            curves,
            best,
            label=label,
            names=None if names is None else np.asarray(names),
            objective=objective,
            name=name,
            ax=ax,
            plot_kwargs=dict(
                show_precision_recall=show_precision_recall,
                objective_kwargs=objective_kwargs,
                precision_kwargs=precision_kwargs,
                recall_kwargs=recall_kwargs,
                threshold_kwargs=threshold_kwargs,
            ),
        )

    @classmethod
    def _from_curves(
        cls,
        curves,
        best,
        *,
        label,
        names,
        objective,
        name,
        ax,
        plot_kwargs,
        objective_name=None,
        threshold_name=None,
    ):
        """Draw a curve (binary) or the selected ones of a list (multi-label).

        ``curves`` is a Bunch or dict of one label or a list of them, as returned
        by :func:`skbce.metrics.threshold_curve` or held in ``cv_results_``;
        ``best`` the threshold(s) to mark; ``names`` the label names (None: the
        panels say "label 0", ...).
        """
        best = np.atleast_1d(np.asarray(best, dtype=np.float64))
        if isinstance(curves, list):
            named = names is not None
            names = names if named else np.arange(len(curves))
            selected = _select_labels(label, names)
            curves, best = [curves[j] for j in selected], best[selected]
            titles = [str(names[j]) if named else f"label {j}" for j in selected]
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
            objective_name=objective_name or _objective_label(objective),
            labels=titles,
            name=name,
            threshold_name=threshold_name,
        )
        return display.plot(ax=ax, **plot_kwargs)

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
        pos_label=None,
        name=None,
        show_precision_recall=True,
        ax=None,
        objective_kwargs=None,
        precision_kwargs=None,
        recall_kwargs=None,
        threshold_kwargs=None,
    ):
        """Plot the objective against the threshold of a fitted classifier.

        For a fitted :class:`skbce.OptimalThresholdClassifier` without ``X``
        and ``y``, the curve is the held-out one its search maximized
        (``cv_results_``), with its ``best_threshold_`` marked. With ``X`` and
        ``y``, the curve is computed from the classifier's scores on them (with
        its own objective and positive class for an OptimalThresholdClassifier,
        whose tuned threshold is marked: how the held-out choice fares on new
        data); for any other classifier the optimum of that curve is marked, as
        by :meth:`from_predictions`.

        The panels of a multi-label classifier tuned with ``average="micro"``
        or ``"samples"`` show each label's own objective, while its thresholds
        jointly maximize the averaged one: they need not sit at the panels'
        peaks, and the legend says so.

        Parameters
        ----------
        estimator : estimator instance
            A fitted binary or multi-label classifier with ``predict_proba`` or
            ``decision_function``, or a fitted OptimalThresholdClassifier.
        X : {array-like, sparse matrix} of shape (n_samples, n_features), \
                default=None
            Input values. Required unless ``estimator`` is an
            OptimalThresholdClassifier fitted in memory (one fitted on dask
            collections keeps no held-out curve). Dask collections are computed.
        y : array-like of shape (n_samples,) or (n_samples, n_labels), \
                default=None
            True labels of ``X``.
        objective : str, callable or ConstrainedObjective, default="f1"
            The objective, as in :func:`skbce.metrics.optimal_threshold`. Not
            used for an OptimalThresholdClassifier, which has its own.
        label : str, int, list of them or None, default=None
            Multi-label only: the label(s) to draw, one panel each, by name (an
            entry of the classifier's ``classes_``, or a column of a DataFrame
            ``y``) or position. None draws every label.
        response_method : {"auto", "predict_proba", "decision_function"}, \
                default="auto"
            The method giving the scores; "auto" tries ``predict_proba`` then
            ``decision_function``. Not used for an OptimalThresholdClassifier.
        pos_label : int, float, bool or str, default=None
            Binary only: the positive class, whose objective is drawn against
            the threshold on its scores. None means ``classes_[1]`` (as in
            scikit-learn's displays), or an OptimalThresholdClassifier's own
            positive class, which another ``pos_label`` may not contradict.
        name : str, default=None
            Name of the model in the legend. None uses the estimator's class
            name.
        show_precision_recall : bool, default=True
            Whether to draw the precision and recall curves too.
        ax : matplotlib Axes or array-like of Axes, default=None
            Axes to draw on, one per panel. None creates a new figure.
        objective_kwargs : dict, default=None
            Keyword arguments of :meth:`matplotlib.axes.Axes.plot` for the
            objective curves.
        precision_kwargs : dict, default=None
            Keyword arguments of :meth:`matplotlib.axes.Axes.plot` for the
            precision curves.
        recall_kwargs : dict, default=None
            Keyword arguments of :meth:`matplotlib.axes.Axes.plot` for the
            recall curves.
        threshold_kwargs : dict, default=None
            Keyword arguments of :meth:`matplotlib.axes.Axes.axvline` for the
            lines at the chosen thresholds.

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
        columns = getattr(y, "columns", None)
        X, y = materialize(X, y)  # a display draws every point: in memory
        plot_kwargs = dict(
            show_precision_recall=show_precision_recall,
            objective_kwargs=objective_kwargs,
            precision_kwargs=precision_kwargs,
            recall_kwargs=recall_kwargs,
            threshold_kwargs=threshold_kwargs,
        )
        if tuned:
            return cls._from_tuned(
                estimator, X, y, label, pos_label, name, ax, plot_kwargs
            )
        method = _response_method(estimator, response_method)
        multilabel = type_of_target(y) == "multilabel-indicator"
        names = None
        if multilabel:
            scores = _positive_scores(estimator, X, method, True)
            names = _names_or_none(label_names(columns, estimator, scores.shape[1]))
            truth = y
        else:
            positive = estimator.classes_[-1] if pos_label is None else pos_label
            scores = _positive_scores(estimator, X, method, False, positive)[:, 0]
            truth = np.asarray(y) == positive
        best, _ = optimal_threshold(truth, scores, objective=objective)
        return cls._from_curves(
            threshold_curve(truth, scores, objective=objective),
            best,
            label=label,
            names=names,
            objective=objective,
            name=name,
            ax=ax,
            plot_kwargs=plot_kwargs,
        )

    @classmethod
    def _from_tuned(cls, estimator, X, y, label, pos_label, name, ax, plot_kwargs):
        """:meth:`from_estimator` of a fitted OptimalThresholdClassifier."""
        multilabel = estimator._multilabel
        positive = None if multilabel else estimator._positive_class
        if pos_label is not None and (multilabel or pos_label != positive):
            raise ValueError(
                f"pos_label={pos_label!r} is not the positive class the "
                f"OptimalThresholdClassifier was tuned for ({positive!r}); leave "
                "pos_label=None."
            )
        options = dict(
            objective=estimator.objective,
            beta=estimator.beta,
            fp_cost=estimator.fp_cost,
            fn_cost=estimator.fn_cost,
        )
        if X is None:
            curves = estimator.cv_results_
            if curves is None:
                raise ValueError(
                    "This OptimalThresholdClassifier was fitted on dask "
                    "collections, whose search keeps no held-out curve "
                    "(cv_results_ is None): pass X and y to draw the curve of "
                    "its scores on them."
                )
        else:
            scores = estimator._scores(X)
            truth = y if multilabel else np.asarray(y) == positive
            curves = threshold_curve(
                truth, scores if multilabel else scores[:, 0], **options
            )
        objective_name = _objective_label(estimator.objective)
        if not multilabel and not (positive is True or positive == 1):
            objective_name += f" of {_plain(positive)!r}"
        threshold_name = None
        if multilabel and estimator.average != "macro":
            threshold_name = (
                f"thresholds jointly maximizing the {estimator.average}-averaged "
                f"{_objective_label(estimator.objective)} (curves: each label's "
                "own)"
            )
        return cls._from_curves(
            curves,
            estimator.best_threshold_,
            label=label,
            names=_names_or_none(estimator.classes_) if multilabel else None,
            objective=estimator.objective,
            objective_name=objective_name,
            name=name,
            ax=ax,
            plot_kwargs=plot_kwargs,
            threshold_name=threshold_name,
        )


def _names_or_none(names):
    """Label names, or None when they are the positions 0, 1, ..."""
    names = np.asarray(names)
    return None if np.array_equal(names, np.arange(names.size)) else names


def _plain(value):
    """A NumPy scalar as the Python value it holds, for messages."""
    return value.item() if isinstance(value, np.generic) else value
