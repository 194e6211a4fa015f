"""The rootogram of a count model (Kleiber & Zeileis, 2016)."""

from numbers import Integral

import numpy as np
from sklearn.utils import check_array, check_consistent_length, column_or_1d

from ..utils._sklearn_compat import _check_sample_weight
from ._base import check_matplotlib_support, get_axes

_STYLES = ("hanging", "standing", "suspended")


def _pmf_method(estimator, X):
    """The ``predict_pmf`` giving the count probabilities of ``X``, and its input.

    A Pipeline hides the methods of its last step other than scikit-learn's:
    its other steps transform ``X``, and the last step's ``predict_pmf`` is
    used on the result.
    """
    if callable(getattr(estimator, "predict_pmf", None)):
        return estimator.predict_pmf, X
    steps = getattr(estimator, "steps", None)
    if steps and callable(getattr(steps[-1][1], "predict_pmf", None)):
        return steps[-1][1].predict_pmf, estimator[:-1].transform(X)
    last = f" nor has its last step {type(steps[-1][1]).__name__}" if steps else ""
    raise ValueError(
        f"{type(estimator).__name__} has no predict_pmf method{last}; the "
        "rootogram needs a count model that predicts the probability of each "
        "count (or a Pipeline ending in one). Use from_predictions with "
        "probabilities you compute."
    )


def _check_counts(y_true):
    """Validate ``y_true`` as a 1-D array of non-negative integer counts."""
    y_true = column_or_1d(
        check_array(y_true, ensure_2d=False, dtype="numeric", input_name="y_true")
    )
    if (y_true < 0).any() or (y_true != np.floor(y_true)).any():
        raise ValueError(
            "y_true must hold non-negative integer counts; got values such as "
            f"{y_true[(y_true < 0) | (y_true != np.floor(y_true))][0].item()!r}."
        )
    return y_true


def _count_frequencies(y_true, y_pmf, sample_weight=None):
    """Observed and expected (weighted) frequencies of the counts 0..K.

    The expected frequency of count k is the sum over samples of the predicted
    probability of k; samples whose observed count exceeds K are not counted in
    the observed frequencies (the plot shows the counts 0..K only).
    """
    y_true = _check_counts(y_true)
    y_pmf = check_array(y_pmf, dtype=np.float64, input_name="y_pmf")
    check_consistent_length(y_true, y_pmf, sample_weight)
    if (y_pmf < 0).any() or (y_pmf.sum(axis=1) > 1 + 1e-8).any():
        raise ValueError(
            "y_pmf must hold, in row i, the predicted probabilities of the counts "
            "0, 1, ..., K for sample i: non-negative values summing to at most 1."
        )
    sample_weight = _check_sample_weight(sample_weight, y_true)
    n_counts = y_pmf.shape[1]
    shown = y_true < n_counts
    observed = np.bincount(
        y_true[shown].astype(np.intp), weights=sample_weight[shown], minlength=n_counts
    )
    expected = sample_weight @ y_pmf
    return observed, expected


class RootogramDisplay:
    r"""Rootogram of a count model: observed vs expected frequency of each count.

    The rootogram (Kleiber & Zeileis, 2016) is the standard check of the fit of
    a count regression (Poisson, negative binomial, hurdle): for each count
    :math:`k = 0, \ldots, K` it compares the observed frequency
    :math:`O_k = \sum_i w_i [y_i = k]` with the expected frequency
    :math:`E_k = \sum_i w_i P(Y_i = k \mid x_i)` under the fitted model. Both are
    drawn on the square-root scale, which stabilises their variance so that
    deviations at rare large counts are visible next to the frequent small ones.

    In the default *hanging* style, :math:`\sqrt{E_k}` is a curve and each
    count is a bar of height :math:`\sqrt{O_k}` hanging from it: a bar that
    ends below the zero line means the model under-predicts that count, a bar
    that stops above it means it over-predicts it.

    It is recommended to create a display with :meth:`from_estimator` or
    :meth:`from_predictions`. All parameters are stored as attributes.

    Parameters
    ----------
    observed_frequency : ndarray of shape (n_counts,)
        Observed (sample-weighted) number of samples with count 0, 1, ...,
        ``n_counts - 1``.
    expected_frequency : ndarray of shape (n_counts,)
        Expected number of samples with each count under the model: the sum over
        samples of the predicted probabilities.
    name : str, default=None
        Name of the model, shown in the legend. None shows no name.

    Attributes
    ----------
    bars_ : matplotlib BarContainer
        The bars of the observed frequencies (on the square-root scale).
    line_ : matplotlib Line2D
        The curve of the square roots of the expected frequencies.
    reference_line_ : matplotlib Line2D
        The horizontal line at zero.
    ax_ : matplotlib Axes
        Axes with the rootogram.
    figure_ : matplotlib Figure
        Figure containing the rootogram.

    See Also
    --------
    sklearn.metrics.PredictionErrorDisplay : Residual plots of a regressor.

    References
    ----------
    .. [1] Kleiber, C. and Zeileis, A. (2016). Visualizing count data regressions
       using rootograms. *The American Statistician*, 70(3), 296-303.

    Examples
    --------
    >>> import numpy as np
    >>> from scipy.stats import poisson
    >>> from sklearn.linear_model import PoissonRegressor
    >>> from skbce.datasets import load_biochemists
    >>> from skbce.display import RootogramDisplay
    >>> X, y = load_biochemists(return_X_y=True)
    >>> poisson_glm = PoissonRegressor(alpha=0, solver="newton-cholesky").fit(X, y)
    >>> mean = poisson_glm.predict(X)
    >>> pmf = poisson.pmf(np.arange(8), mean[:, None])  # P(y_i = k), k = 0..7
    >>> display = RootogramDisplay.from_predictions(y, pmf, name="Poisson")
    >>> display.observed_frequency[:3]
    array([275., 246., 178.])
    >>> display.expected_frequency[:3].round(1)
    array([191.4, 283.5, 221.5])
    """

    def __init__(self, observed_frequency, expected_frequency, *, name=None):
        self.observed_frequency = observed_frequency
        self.expected_frequency = expected_frequency
        self.name = name

    def plot(
        self, ax=None, *, name=None, style="hanging", bar_kwargs=None, line_kwargs=None
    ):
        r"""Draw the rootogram.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw on. None creates a new figure and axes.
        name : str, default=None
            Name of the model in the legend; None uses the ``name`` attribute.
        style : {"hanging", "standing", "suspended"}, default="hanging"
            "hanging": bars of height :math:`\sqrt{O_k}` hang from the expected
            curve, so their bottoms :math:`\sqrt{E_k} - \sqrt{O_k}` are the
            deviations, read against the zero line. "standing": the bars stand on
            zero, as in a histogram. "suspended": bars of the deviations
            :math:`\sqrt{E_k} - \sqrt{O_k}` stand on zero. The expected curve is
            drawn in all styles.
        bar_kwargs : dict, default=None
            Keyword arguments of :meth:`matplotlib.axes.Axes.bar`, overriding the
            defaults.
        line_kwargs : dict, default=None
            Keyword arguments of :meth:`matplotlib.axes.Axes.plot` for the expected
            curve, overriding the defaults.

        Returns
        -------
        display : RootogramDisplay
            The display itself, with the artists in ``bars_``, ``line_`` and
            ``reference_line_``.
        """
        if style not in _STYLES:
            raise ValueError(f"style must be one of {_STYLES}; got {style!r}.")
        observed = np.asarray(self.observed_frequency, dtype=np.float64)
        expected = np.asarray(self.expected_frequency, dtype=np.float64)
        if observed.ndim != 1 or observed.shape != expected.shape:
            raise ValueError(
                "observed_frequency and expected_frequency must be 1-D arrays of "
                f"the same length; got shapes {observed.shape} and {expected.shape}."
            )
        ax, figure = get_axes(ax, f"{type(self).__name__}.plot")
        name = self.name if name is None else name

        counts = np.arange(observed.shape[0])
        root_observed, root_expected = np.sqrt(observed), np.sqrt(expected)
        if style == "hanging":
            bottom, height = root_expected - root_observed, root_observed
        elif style == "standing":
            bottom, height = np.zeros_like(root_observed), root_observed
        else:
            bottom, height = np.zeros_like(root_observed), root_expected - root_observed
        bar_label = "Observed" if style != "suspended" else "Expected - observed"
        bar_kwargs = {
            "width": 0.9,
            "color": "0.8",
            "edgecolor": "0.35",
            "label": bar_label,
            **(bar_kwargs or {}),
        }
        line_kwargs = {
            "color": "C3",
            "marker": "o",
            "markersize": 4,
            "label": "Expected" if name is None else f"Expected ({name})",
            **(line_kwargs or {}),
        }
        self.bars_ = ax.bar(counts, height, bottom=bottom, **bar_kwargs)
        if style != "standing":
            # Bars stick the axis to their ends (matplotlib's sticky edges), so
            # the deepest hanging bar would touch the lower edge: only a
            # histogram's bars should stand on the axis.
            for bar in self.bars_:
                bar.sticky_edges.y.clear()
        (self.line_,) = ax.plot(counts, root_expected, **line_kwargs)
        self.reference_line_ = ax.axhline(0.0, color="black", linewidth=0.8)

        from matplotlib.ticker import MaxNLocator

        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set(xlabel="Count", ylabel="sqrt(Frequency)")
        ax.legend(loc="upper right")
        self.ax_, self.figure_ = ax, figure
        return self

    @classmethod
    def from_predictions(
        cls,
        y_true,
        y_pmf,
        *,
        sample_weight=None,
        name=None,
        style="hanging",
        ax=None,
    ):
        """Plot the rootogram from observed counts and predicted probabilities.

        Parameters
        ----------
        y_true : array-like of shape (n_samples,)
            Observed counts (non-negative integers). Counts above ``K`` (the last
            column of ``y_pmf``) are not shown.
        y_pmf : array-like of shape (n_samples, K + 1)
            ``y_pmf[i, k]`` is the predicted probability that sample ``i`` has
            count ``k``, for ``k = 0, ..., K`` (for example the output of a count
            model's ``predict_pmf``). Rows sum to at most 1.
        sample_weight : array-like of shape (n_samples,), default=None
            Weight of each sample in both frequencies.
        name : str, default=None
            Name of the model in the legend.
        style : {"hanging", "standing", "suspended"}, default="hanging"
            How the bars are drawn; see :meth:`plot`.
        ax : matplotlib Axes, default=None
            Axes to draw on. None creates a new figure and axes.

        Returns
        -------
        display : RootogramDisplay
            The drawn display, holding the frequencies it shows.

        See Also
        --------
        RootogramDisplay.from_estimator : Rootogram of a fitted count model.
        """
        check_matplotlib_support(f"{cls.__name__}.from_predictions")
        observed, expected = _count_frequencies(y_true, y_pmf, sample_weight)
        display = cls(observed, expected, name=name)
        return display.plot(ax=ax, style=style)

    @classmethod
    def from_estimator(
        cls,
        estimator,
        X,
        y,
        *,
        max_count=None,
        offset=None,
        sample_weight=None,
        name=None,
        style="hanging",
        ax=None,
    ):
        """Plot the rootogram of a fitted count model on data ``X``, ``y``.

        Parameters
        ----------
        estimator : estimator instance
            A fitted count model with a ``predict_pmf(X, max_count=K)`` method
            returning the probabilities of the counts 0..K, such as
            :class:`skbce.HurdleRegressor`, or a fitted
            :class:`~sklearn.pipeline.Pipeline` ending in one: its other steps
            transform ``X``, the last one gives the probabilities.
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input values.
        y : array-like of shape (n_samples,)
            Observed counts.
        max_count : int, default=None
            Largest count shown, K. None uses the largest count in ``y``.
        offset : array-like of shape (n_samples,), default=None
            Offset of each sample (``np.log(exposure)`` for a rate model),
            passed to ``predict_pmf``: a model fitted with an offset predicts
            the counts of each sample's exposure only with it.
        sample_weight : array-like of shape (n_samples,), default=None
            Weight of each sample in both frequencies.
        name : str, default=None
            Name of the model in the legend. None uses the estimator's class name.
        style : {"hanging", "standing", "suspended"}, default="hanging"
            How the bars are drawn; see :meth:`plot`.
        ax : matplotlib Axes, default=None
            Axes to draw on. None creates a new figure and axes.

        Returns
        -------
        display : RootogramDisplay
            The drawn display, holding the frequencies it shows.

        See Also
        --------
        RootogramDisplay.from_predictions : Rootogram from predicted
            probabilities.
        """
        check_matplotlib_support(f"{cls.__name__}.from_estimator")
        predict_pmf, X = _pmf_method(estimator, X)
        y = _check_counts(y)
        check_consistent_length(X, y)
        if max_count is None:
            max_count = int(y.max())
        elif (
            isinstance(max_count, bool)
            or not isinstance(max_count, Integral)
            or max_count < 0
        ):
            raise ValueError(
                f"max_count must be a non-negative integer or None; got {max_count!r}."
            )
        offset_kwargs = {} if offset is None else {"offset": offset}
        y_pmf = predict_pmf(X, max_count=max_count, **offset_kwargs)
        if np.shape(y_pmf) != (y.shape[0], max_count + 1):
            raise ValueError(
                f"{type(estimator).__name__}.predict_pmf(X, max_count={max_count}) "
                f"must return an array of shape ({y.shape[0]}, {max_count + 1}); "
                f"got shape {np.shape(y_pmf)}."
            )
        name = type(estimator).__name__ if name is None else name
        return cls.from_predictions(
            y, y_pmf, sample_weight=sample_weight, name=name, style=style, ax=ax
        )
