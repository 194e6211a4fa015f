"""Tests of RootogramDisplay: the plotted bars and curve against frequencies
computed independently from a Poisson GLM fitted by scikit-learn."""

import sys

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy.stats import poisson
from sklearn.linear_model import PoissonRegressor

from skbce.datasets import load_biochemists
from skbce.display import RootogramDisplay


class PoissonPMF:
    """A fitted PoissonRegressor exposing the ``predict_pmf`` of a count model."""

    def __init__(self, regressor):
        self.regressor = regressor

    def predict_pmf(self, X, max_count=None):
        mean = self.regressor.predict(X)
        return poisson.pmf(np.arange(max_count + 1), mean[:, None])


@pytest.fixture(scope="module")
def poisson_fit():
    """bioChemists, a Poisson GLM fitted to it and its predicted means."""
    X, y = load_biochemists(return_X_y=True)
    regressor = PoissonRegressor(alpha=0, solver="newton-cholesky").fit(X, y)
    return X, y, PoissonPMF(regressor), regressor.predict(X)


def _reference_frequencies(y, mean, max_count):
    """Observed and expected frequencies of 0..max_count, one count at a time."""
    observed = np.array([np.sum(y == k) for k in range(max_count + 1)], dtype=float)
    expected = np.array([poisson.pmf(k, mean).sum() for k in range(max_count + 1)])
    return observed, expected


def _bar_geometry(display):
    """Centres, bottoms and heights of the drawn bars."""
    patches = display.bars_.patches
    centres = np.array([p.get_x() + p.get_width() / 2 for p in patches])
    bottoms = np.array([p.get_y() for p in patches])
    heights = np.array([p.get_height() for p in patches])
    return centres, bottoms, heights


def _make_display(constructor_name, poisson_fit, **kwargs):
    X, y, model, _ = poisson_fit
    if constructor_name == "from_estimator":
        return RootogramDisplay.from_estimator(model, X, y, **kwargs)
    max_count = kwargs.pop("max_count", int(y.max()))
    pmf = model.predict_pmf(X, max_count=max_count)
    return RootogramDisplay.from_predictions(y, pmf, **kwargs)


@pytest.mark.parametrize("constructor_name", ["from_estimator", "from_predictions"])
@pytest.mark.parametrize("style", ["hanging", "standing", "suspended"])
def test_rootogram_display_plots_poisson_frequencies(
    pyplot, poisson_fit, constructor_name, style
):
    """Check that the bars and the curve are the square roots of the frequencies."""
    _, y, _, mean = poisson_fit
    display = _make_display(constructor_name, poisson_fit, style=style)
    observed, expected = _reference_frequencies(y, mean, int(y.max()))

    assert_allclose(display.observed_frequency, observed)
    assert_allclose(display.expected_frequency, expected, rtol=1e-10)
    centres, bottoms, heights = _bar_geometry(display)
    assert_allclose(centres, np.arange(y.max() + 1))
    assert_allclose(display.line_.get_xdata(), np.arange(y.max() + 1))
    assert_allclose(display.line_.get_ydata(), np.sqrt(expected), rtol=1e-10)
    root_obs, root_exp = np.sqrt(observed), np.sqrt(expected)
    if style == "hanging":
        assert_allclose(bottoms, root_exp - root_obs, rtol=1e-10)
        assert_allclose(heights, root_obs)
        assert_allclose(bottoms + heights, display.line_.get_ydata(), rtol=1e-10)
    elif style == "standing":
        assert_allclose(bottoms, 0)
        assert_allclose(heights, root_obs)
    else:
        assert_allclose(bottoms, 0)
        assert_allclose(heights, root_exp - root_obs, rtol=1e-10)
    assert_allclose(display.reference_line_.get_ydata(), [0, 0])


def test_rootogram_display_poisson_underpredicts_zeros(pyplot, poisson_fit):
    """Check that the Poisson fit's zero bar hangs below the zero line."""
    display = _make_display("from_estimator", poisson_fit)
    _, bottoms, _ = _bar_geometry(display)
    # 275 zeros are observed where the Poisson model expects about 191: the
    # classic excess of zeros of bioChemists that motivates the hurdle model.
    assert display.observed_frequency[0] == 275
    assert 185 < display.expected_frequency[0] < 200
    assert bottoms[0] < 0


def test_rootogram_display_frequencies_sum_to_n_samples(pyplot, poisson_fit):
    """Check that with a large max_count both frequencies sum to n_samples."""
    _, y, _, _ = poisson_fit
    display = _make_display("from_estimator", poisson_fit, max_count=60)
    assert display.observed_frequency.sum() == y.shape[0]
    assert_allclose(display.expected_frequency.sum(), y.shape[0], rtol=1e-10)


@pytest.mark.parametrize("constructor_name", ["from_estimator", "from_predictions"])
def test_rootogram_display_max_count_drops_larger_counts(
    pyplot, poisson_fit, constructor_name
):
    """Check that counts above max_count are left out of the plot."""
    _, y, _, mean = poisson_fit
    display = _make_display(constructor_name, poisson_fit, max_count=4)
    observed, expected = _reference_frequencies(y, mean, 4)
    assert len(display.bars_.patches) == 5
    assert_allclose(display.observed_frequency, observed)
    assert_allclose(display.expected_frequency, expected, rtol=1e-10)
    assert display.observed_frequency.sum() == np.sum(y <= 4)


@pytest.mark.parametrize("constructor_name", ["from_estimator", "from_predictions"])
def test_rootogram_display_sample_weight_equals_repeated_rows(
    pyplot, poisson_fit, constructor_name, rng
):
    """Check that integer sample weights give the frequencies of repeated rows."""
    X, y, model, _ = poisson_fit
    weights = rng.integers(0, 4, size=y.shape[0])
    repeated = np.repeat(np.arange(y.shape[0]), weights)
    kwargs = {"max_count": 10}
    if constructor_name == "from_estimator":
        weighted = RootogramDisplay.from_estimator(
            model, X, y, sample_weight=weights, **kwargs
        )
        reference = RootogramDisplay.from_estimator(
            model, X[repeated], y[repeated], **kwargs
        )
    else:
        pmf = model.predict_pmf(X, **kwargs)
        weighted = RootogramDisplay.from_predictions(y, pmf, sample_weight=weights)
        reference = RootogramDisplay.from_predictions(y[repeated], pmf[repeated])
    assert_allclose(weighted.observed_frequency, reference.observed_frequency)
    assert_allclose(weighted.expected_frequency, reference.expected_frequency)


def test_rootogram_display_plot_uses_given_axes_and_name(pyplot):
    """Check that plot draws on the given axes and labels the legend."""
    figure, ax = pyplot.subplots()
    display = RootogramDisplay([4.0, 1.0], [3.0, 2.0], name="Hurdle")
    assert display.plot(ax=ax) is display
    assert display.ax_ is ax and display.figure_ is figure
    labels = [text.get_text() for text in ax.get_legend().get_texts()]
    assert labels == ["Expected (Hurdle)", "Observed"]
    assert ax.get_xlabel() == "Count" and ax.get_ylabel() == "sqrt(Frequency)"
    display.plot(ax=ax, name="Other")
    assert display.line_.get_label() == "Expected (Other)"


def test_rootogram_display_from_estimator_names_the_estimator(pyplot, poisson_fit):
    """Check that from_estimator names the curve after the estimator's class."""
    display = _make_display("from_estimator", poisson_fit, max_count=3)
    assert display.name == "PoissonPMF"
    assert display.line_.get_label() == "Expected (PoissonPMF)"


@pytest.mark.parametrize(
    "y_true, y_pmf, err_msg",
    [
        ([0, -1], [[0.5, 0.5], [0.5, 0.5]], "non-negative integer counts"),
        ([0, 1.5], [[0.5, 0.5], [0.5, 0.5]], "non-negative integer counts"),
        ([0, 1], [[0.5, 0.6], [0.5, 0.5]], "summing to at most 1"),
        ([0, 1], [[-0.1, 0.5], [0.5, 0.5]], "non-negative values"),
        ([0, 1, 1], [[0.5, 0.5], [0.5, 0.5]], "inconsistent numbers of samples"),
    ],
)
def test_rootogram_display_from_predictions_rejects_bad_input(
    pyplot, y_true, y_pmf, err_msg
):
    """Check that invalid counts or probabilities raise a clear ValueError."""
    with pytest.raises(ValueError, match=err_msg):
        RootogramDisplay.from_predictions(y_true, y_pmf)


def test_rootogram_display_from_estimator_rejects_bad_input(pyplot, poisson_fit):
    """Check the errors of from_estimator on unsuitable models and max_count."""
    X, y, model, _ = poisson_fit
    with pytest.raises(ValueError, match="PoissonRegressor has no predict_pmf"):
        RootogramDisplay.from_estimator(model.regressor, X, y)
    with pytest.raises(ValueError, match="max_count must be a non-negative integer"):
        RootogramDisplay.from_estimator(model, X, y, max_count=-1)

    class ShortPMF(PoissonPMF):
        def predict_pmf(self, X, max_count=None):
            return super().predict_pmf(X, max_count)[:, :-1]

    with pytest.raises(ValueError, match=r"must return an array of shape \(915, 4\)"):
        RootogramDisplay.from_estimator(ShortPMF(model.regressor), X, y, max_count=3)


def test_rootogram_display_plot_rejects_bad_style_and_shapes(pyplot):
    """Check that plot rejects an unknown style and mismatched frequencies."""
    with pytest.raises(ValueError, match="style must be one of"):
        RootogramDisplay([1.0], [1.0]).plot(style="floating")
    with pytest.raises(ValueError, match="same length"):
        RootogramDisplay([1.0, 2.0], [1.0]).plot()


def test_rootogram_display_requires_matplotlib(monkeypatch):
    """Check that a missing matplotlib raises an ImportError naming the method."""
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(ImportError, match="from_predictions requires matplotlib"):
        RootogramDisplay.from_predictions([0, 1], [[0.5, 0.5], [0.5, 0.5]])


def test_rootogram_display_requires_matplotlib_hint_works_from_a_checkout(
    monkeypatch,
):
    """Check that the install hint installs the plot extra from the source tree.

    skbce is not on the package index: `pip install "skbce[plot]"` fails.
    """
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(ImportError) as error:
        RootogramDisplay.from_predictions([0, 1], [[0.5, 0.5], [0.5, 0.5]])
    message = str(error.value)
    assert 'pip install ".[plot]"' in message and "skbce[plot]" not in message


@pytest.mark.parametrize("style", ["hanging", "suspended"])
def test_rootogram_display_bars_keep_a_margin_below(pyplot, poisson_fit, style):
    """Check that the lowest bar end does not touch the lower axis edge."""
    display = _make_display("from_estimator", poisson_fit, style=style)
    display.figure_.canvas.draw()
    _, bottoms, heights = _bar_geometry(display)
    lowest = min(bottoms.min(), (bottoms + heights).min())
    low, high = display.ax_.get_ylim()
    assert low < lowest - 0.01 * (high - low)


@pytest.fixture(scope="module")
def hurdle_with_exposure():
    """A hurdle model fitted with an offset (log exposure) and a pipeline one."""
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from skbce import HurdleRegressor

    X, y = load_biochemists(return_X_y=True)
    exposure = np.random.default_rng(0).uniform(0.5, 3.0, size=y.shape[0])
    y = np.random.default_rng(1).poisson(exposure * (1 + y))  # counts per exposure
    offset = np.log(exposure)
    hurdle = HurdleRegressor(alpha=1e-3).fit(X, y, offset=offset)
    pipeline = make_pipeline(StandardScaler(), HurdleRegressor(alpha=1e-3)).fit(X, y)
    return X, y, offset, hurdle, pipeline


def test_rootogram_display_offset_reaches_predict_pmf(pyplot, hurdle_with_exposure):
    """Check that a rate model's rootogram uses the exposure (it was dropped)."""
    X, y, offset, hurdle, _ = hurdle_with_exposure
    display = RootogramDisplay.from_estimator(hurdle, X, y, offset=offset, max_count=10)
    pmf = hurdle.predict_pmf(X, max_count=10, offset=offset)
    assert_allclose(display.expected_frequency, pmf.sum(axis=0), rtol=1e-12)
    without = hurdle.predict_pmf(X, max_count=10).sum(axis=0)
    assert not np.allclose(display.expected_frequency, without, rtol=1e-2)


def test_rootogram_display_pipeline_ending_in_a_count_model(
    pyplot, hurdle_with_exposure
):
    """Check a Pipeline whose last step is the hurdle model (an error before)."""
    X, y, _, _, pipeline = hurdle_with_exposure
    display = RootogramDisplay.from_estimator(pipeline, X, y, max_count=8)
    pmf = pipeline[-1].predict_pmf(pipeline[0].transform(X), max_count=8)
    assert_allclose(display.expected_frequency, pmf.sum(axis=0), rtol=1e-12)
    assert display.name == "Pipeline"
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    plain = make_pipeline(StandardScaler(), PoissonRegressor()).fit(X, y)
    with pytest.raises(ValueError, match="nor has its last step PoissonRegressor"):
        RootogramDisplay.from_estimator(plain, X, y)
