"""``python -m skbce demo``: the estimators on the bundled real data, in a minute.

Three short sections, each fitting skbce estimators on a bundled data set and
printing what a scientist would look at first:

1. the hurdle model of the bioChemists article counts: the coefficients of both
   parts with standard errors, the log-likelihood against a plain Poisson GLM,
   and the number of zeros each model predicts;
2. multi-label logistic regression on the yeast gene functions, with per-label
   decision thresholds tuned on out-of-fold scores: micro and macro F1 on the
   test split, at 0.5 and tuned;
3. a rare binary outcome (students with 5 or more articles), whose F1-optimal
   threshold sits far below 0.5.

When matplotlib is installed the figures are written as PNG files into a new
folder; they are drawn on ``matplotlib.figure.Figure`` objects, without pyplot,
so no window opens and no global state changes.
"""

import textwrap
import time
from datetime import datetime
from pathlib import Path

import numpy as np
from scipy.stats import poisson

# The rare outcome of section 3: at least this many articles.
_PROLIFIC = 5
_DPI = 110


def _rule(title):
    print(f"\n{title}\n{'-' * len(title)}")


def _say(text, indent=""):
    """Print a paragraph wrapped to 79 columns."""
    print(
        textwrap.fill(
            text,
            79,
            initial_indent=indent,
            subsequent_indent=indent,
            break_on_hyphens=False,
        )
    )


def _coef_columns(tables):
    """One column of ``coef (std_err)`` strings per table, on the union of terms."""
    terms = []
    for table in tables.values():
        terms += [term for term in table.index if term not in terms]
    columns = {
        name: [
            f"{table.loc[term, 'coef']:7.3f} ({table.loc[term, 'std_err']:.3f})"
            if term in table.index
            else ""
            for term in terms
        ]
        for name, table in tables.items()
    }
    return terms, columns


def _poisson_glm(X, y):
    """A plain Poisson GLM (maximum likelihood): its means and log-likelihood."""
    from sklearn.linear_model import PoissonRegressor

    glm = PoissonRegressor(alpha=0, solver="newton-cholesky", tol=1e-10).fit(X, y)
    mean = glm.predict(X)
    return mean, float(poisson.logpmf(y, mean).sum()), X.shape[1] + 1


def _hurdle_section():
    """Section 1: hurdle models of the bioChemists counts. Returns plot data."""
    from . import HurdleRegressor
    from .datasets import load_biochemists

    X, y = load_biochemists(return_X_y=True, as_frame=True)
    y = y.to_numpy()
    _rule(f"1. Hurdle model: articles of {len(y)} biochemistry PhD students")
    _say(
        "P(art > 0) is a logistic (BCE) model, art given art > 0 a zero-truncated "
        "count model (pscl's hurdle). Coefficient (standard error):"
    )
    print()
    fits = {
        "Poisson": HurdleRegressor(count_model="poisson").fit(X, y),
        "negbin": HurdleRegressor(count_model="negbin").fit(X, y),
    }
    summaries = {name: model.summary() for name, model in fits.items()}
    terms, columns = _coef_columns(
        {
            "zero part": summaries["negbin"].zero,
            "count part, Poisson": summaries["Poisson"].count,
            "count part, negbin": summaries["negbin"].count,
        }
    )
    print(f"  {'term':<12s}" + "".join(f"{name:>22s}" for name in columns))
    for i, term in enumerate(terms):
        print(f"  {term:<12s}" + "".join(f"{col[i]:>22s}" for col in columns.values()))
    print("  (the zero part is the same in both hurdle fits; it models P(art > 0))\n")

    glm_mean, glm_loglik, glm_df = _poisson_glm(X.to_numpy(), y)
    max_count = int(y.max())
    pmfs = {"Poisson GLM": poisson.pmf(np.arange(max_count + 1), glm_mean[:, None])}
    rows = [("Poisson GLM", glm_loglik, glm_df, float(np.exp(-glm_mean).sum()))]
    for name, model in fits.items():
        stats = summaries[name].stats
        label = f"hurdle, {name}"
        pmfs[label] = model.predict_pmf(X, max_count=max_count)
        zeros = model.predict_zero_proba(X).sum()
        rows.append((label, stats["loglik"], int(stats["df"]), zeros))
    observed_zeros = int(np.sum(y == 0))
    print(
        f"  {'model':<18s}{'log-lik':>10s}{'params':>8s}{'AIC':>9s}"
        f"{'zeros predicted':>17s}"
    )
    for label, loglik, df, zeros in rows:
        print(
            f"  {label:<18s}{loglik:10.2f}{df:8d}{2 * df - 2 * loglik:9.1f}"
            f"{zeros:17.1f}"
        )
    print(f"  {'observed':<18s}{'':27s}{observed_zeros:17d}")
    _say(
        "The Poisson GLM misses a third of the zeros; the logistic hurdle predicts "
        "their number exactly (the score equation of its intercept), and the "
        f"negative binomial count part (theta = {fits['negbin'].theta_:.2f}) fits "
        "the overdispersed positive counts best (highest log-likelihood, lowest "
        "AIC).",
        indent="  ",
    )
    return y, pmfs


def _yeast_section():
    """Section 2: multi-label classifier and tuned thresholds. Returns the model."""
    from sklearn.metrics import f1_score
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from . import MultiLabelLogisticClassifier, OptimalThresholdClassifier
    from .datasets import load_yeast

    # DataFrames: the label names (Class1 ... Class14) stay with the models
    X_train, Y_train = load_yeast(subset="train", return_X_y=True, as_frame=True)
    X_test, Y_test = load_yeast(subset="test", return_X_y=True, as_frame=True)
    prevalence = Y_train.mean(axis=0)
    _rule("2. Multi-label logistic regression: 14 gene functions of yeast")
    _say(
        f"{X_train.shape[0]} training and {X_test.shape[0]} test genes, "
        f"{X_train.shape[1]} features, {Y_train.shape[1]} labels (prevalence "
        f"{prevalence.min():.1%} to {prevalence.max():.1%}). One sigmoid per "
        "label, all fitted together; per-label decision thresholds tuned on 5-fold "
        "out-of-fold scores of the training split only."
    )
    print()
    model = make_pipeline(StandardScaler(), MultiLabelLogisticClassifier(C=0.1))
    model.fit(X_train, Y_train)
    tuned = {
        average: OptimalThresholdClassifier(model, average=average, cv=5).fit(
            X_train, Y_train
        )
        for average in ("macro", "micro")
    }
    predictions = {
        "cut at 0.5": model.predict(X_test),
        "tuned for macro-F1": tuned["macro"].predict(X_test),
        "tuned for micro-F1": tuned["micro"].predict(X_test),
    }
    print(f"  {'test split':<20s}{'micro-F1':>10s}{'macro-F1':>10s}")
    for name, Y_pred in predictions.items():
        print(
            f"  {name:<20s}{f1_score(Y_test, Y_pred, average='micro'):10.3f}"
            f"{f1_score(Y_test, Y_pred, average='macro'):10.3f}"
        )
    thresholds = tuned["macro"].best_threshold_
    _say(
        f"Per-label thresholds (macro): {thresholds.min():.2f} to "
        f"{thresholds.max():.2f}, median {np.median(thresholds):.2f}; the rarest "
        f"label's is {thresholds[np.argmin(prevalence)]:.3f}.",
        indent="  ",
    )
    return tuned["macro"], X_test, Y_test


def _binary_section():
    """Section 3: a rare binary outcome. Returns the tuned model and test data."""
    from sklearn.metrics import f1_score, precision_score, recall_score
    from sklearn.model_selection import train_test_split
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from . import MultiLabelLogisticClassifier, OptimalThresholdClassifier
    from .datasets import load_biochemists

    X, articles = load_biochemists(return_X_y=True)
    y = (articles >= _PROLIFIC).astype(int)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.5, stratify=y, random_state=0
    )
    _rule(f"3. A rare outcome: which students publish {_PROLIFIC} or more articles?")
    _say(
        f"{y.sum()} of {len(y)} students ({y.mean():.1%}). Logistic regression on "
        "the same 5 features, fitted on a stratified half; the F1-optimal "
        "threshold is tuned on its 5-fold out-of-fold scores and judged on the "
        "other half."
    )
    print()
    model = make_pipeline(StandardScaler(), MultiLabelLogisticClassifier())
    model.fit(X_train, y_train)
    tuned = OptimalThresholdClassifier(model, cv=5).fit(X_train, y_train)
    proba = tuned.predict_proba(X_test)[:, 1]
    print(f"  {'threshold':>10s}{'F1':>8s}{'precision':>11s}{'recall':>8s}  (test)")
    for threshold in (0.5, tuned.best_threshold_):
        y_pred = proba >= threshold
        scores = [
            metric(y_test, y_pred, zero_division=0.0)
            for metric in (f1_score, precision_score, recall_score)
        ]
        print(f"  {threshold:10.3f}{scores[0]:8.3f}{scores[1]:11.3f}{scores[2]:8.3f}")
    _say(
        f"At 0.5 the model flags {np.sum(proba >= 0.5)} students "
        f"({np.sum((proba >= 0.5) & (y_test == 1))} of the {y_test.sum()} prolific "
        "ones): a rare outcome rarely gets a probability above one half. The "
        "F1-optimal threshold trades precision for the recall F1 rewards.",
        indent="  ",
    )
    return tuned, X_test, y_test


def _new_folder(out):
    """The figures' folder: ``out`` (created if needed) or a new one here."""
    if out is not None:
        folder = Path(out)
        folder.mkdir(parents=True, exist_ok=True)
        return folder
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    for suffix in ("", *(f"-{i}" for i in range(2, 100))):
        folder = Path(f"skbce-demo-{stamp}{suffix}")
        try:
            folder.mkdir()
            return folder
        except FileExistsError:
            continue
    raise FileExistsError(f"Could not create a new folder skbce-demo-{stamp}-*.")


def _write_figures(folder, counts, thresholds_yeast, threshold_binary):
    """Draw the three figures and save them as PNG files in ``folder``."""
    from matplotlib.figure import Figure

    from .display import RootogramDisplay, ThresholdCurveDisplay

    y, pmfs = counts
    figure = Figure(figsize=(4 * len(pmfs), 3.6), layout="constrained")
    axes = figure.subplots(1, len(pmfs), sharey=True)
    for ax, (name, pmf) in zip(axes, pmfs.items()):
        RootogramDisplay.from_predictions(y, pmf, name=name, ax=ax)
        ax.set_title(name)
    figure.suptitle("bioChemists articles: hanging rootograms")
    files = {"rootogram_biochemists.png": figure}

    tuned, X_test, Y_test = thresholds_yeast
    figure = Figure(figsize=(13, 10), layout="constrained")
    axes = figure.subplots(4, 4, sharey=True).ravel()
    for ax in axes[Y_test.shape[1] :]:
        ax.set_visible(False)
    ThresholdCurveDisplay.from_estimator(
        tuned, X_test, Y_test, name="test", ax=axes[: Y_test.shape[1]]
    )
    figure.suptitle(
        "yeast, test split: F1, precision and recall per label; dashed: threshold "
        "tuned on out-of-fold training scores"
    )
    files["thresholds_yeast.png"] = figure

    tuned, X_test, y_test = threshold_binary
    figure = Figure(figsize=(8, 4), layout="constrained")
    ax = figure.subplots()
    display = ThresholdCurveDisplay.from_estimator(
        tuned, X_test, y_test, name="test", ax=ax
    )
    ax.axvline(0.5, color="0.5", linestyle=":", linewidth=1, label="cut at 0.5")
    display.legend_.remove()  # redrawn with the 0.5 line, outside the axes
    ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1), fontsize="small")
    ax.set_title(f"bioChemists: {_PROLIFIC}+ articles (test half)")
    files["threshold_prolific.png"] = figure

    for filename, figure in files.items():
        figure.savefig(folder / filename, dpi=_DPI)
    return list(files)


_CAPTIONS = {
    "rootogram_biochemists.png": "rootograms: Poisson GLM vs the two hurdle fits",
    "thresholds_yeast.png": "F1/precision/recall vs threshold, 14 yeast labels",
    "threshold_prolific.png": "the same for the rare binary outcome",
}


def run_demo(out=None):
    """Fit the estimators on the bundled data, print the report, save figures.

    Parameters
    ----------
    out : str or path, default=None
        Folder for the PNG figures, created if missing. None creates a new
        ``skbce-demo-<timestamp>`` folder in the current directory.

    Returns
    -------
    exit_code : int
        0.
    """
    start = time.perf_counter()
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        has_matplotlib = False
    else:
        has_matplotlib = True
    print("skbce demo: estimators built on binary cross-entropy, on real data")
    print("=" * 66)
    counts = _hurdle_section()
    thresholds_yeast = _yeast_section()
    threshold_binary = _binary_section()

    _rule("Figures")
    if has_matplotlib:
        folder = _new_folder(out)
        for filename in _write_figures(
            folder, counts, thresholds_yeast, threshold_binary
        ):
            print(f"  {filename:<28s}{_CAPTIONS[filename]}")
        print(f"written to {folder.resolve()}")
    else:
        _say(
            "matplotlib is not installed, so no figures were written. Install it "
            "(python -m pip install matplotlib, or python -m pip install "
            '".[plot]" in the root of the skbce repository) and run the demo '
            "again to get the rootograms and threshold curves as PNG files."
        )
    print(f"\nDone in {time.perf_counter() - start:.1f} s.")
    return 0
