"""Tests of the command line: ``python -m skbce demo`` against direct computations
(statsmodels for the count models, scikit-learn's metrics for the F1 scores), its
figures, its behaviour without matplotlib, and ``info`` / ``--help``."""

import contextlib
import io
import re
import sys
import warnings

import numpy as np
import pytest
import statsmodels.api as sm
from numpy.testing import assert_allclose
from sklearn.metrics import f1_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from statsmodels.discrete.truncated_model import TruncatedLFPoisson

import skbce
from skbce import MultiLabelLogisticClassifier, OptimalThresholdClassifier, _demo
from skbce.__main__ import main
from skbce.datasets import load_biochemists, load_yeast

FIGURES = [
    "rootogram_biochemists.png",
    "thresholds_yeast.png",
    "threshold_prolific.png",
]


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory):
    """The printed report, exit code and figure folder of one demo run."""
    folder = tmp_path_factory.mktemp("demo") / "figures"
    report = io.StringIO()
    with contextlib.redirect_stdout(report):
        code = main(["demo", "--out", str(folder)])
    return report.getvalue(), code, folder


def _numbers(report, row_label):
    """The numbers on the report line that starts with ``row_label``."""
    for line in report.splitlines():
        if line.strip().startswith(row_label):
            rest = line.strip()[len(row_label) :]
            return [float(v) for v in re.findall(r"-?\d+\.?\d*", rest)]
    raise AssertionError(f"no line starting with {row_label!r} in the report")


@pytest.fixture(scope="module")
def biochemists():
    X, y = load_biochemists(return_X_y=True, as_frame=True)
    return X, y.to_numpy()


def test_demo_exits_zero_and_names_its_folder(demo_run):
    """Check the exit code, the three sections, the printed folder and the
    report saved there, the same text as printed."""
    report, code, folder = demo_run
    assert code == 0
    for title in ("1. Hurdle model", "2. Multi-label", "3. A rare outcome"):
        assert title in report
    assert f"written to {folder.resolve()}" in report
    assert (folder / "report.txt").read_text(encoding="utf-8") == report


def test_demo_hurdle_coefficients_match_statsmodels(demo_run, biochemists):
    """Check the printed coefficients and standard errors against statsmodels."""
    report, _, _ = demo_run
    X, y = biochemists
    positive = y > 0
    Xc = sm.add_constant(X)
    logit = sm.Logit(positive.astype(float), Xc).fit(disp=0, method="newton")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        count = TruncatedLFPoisson(y[positive], Xc[positive]).fit(
            disp=0, method="newton", maxiter=100
        )
    for term, sm_term in [("(Intercept)", "const"), *((c, c) for c in X.columns)]:
        # zero part coef (se), Poisson count coef (se), negbin coef (se)
        values = _numbers(report, term)
        assert_allclose(
            values[:2], [logit.params[sm_term], logit.bse[sm_term]], atol=6e-4
        )
        assert_allclose(
            values[2:4], [count.params[sm_term], count.bse[sm_term]], atol=6e-4
        )


def test_demo_hurdle_fit_statistics_match_direct_computation(demo_run, biochemists):
    """Check log-likelihoods, AIC and predicted zeros against statsmodels."""
    report, _, _ = demo_run
    X, y = biochemists
    Xc = sm.add_constant(X)
    glm = sm.GLM(y, Xc, family=sm.families.Poisson()).fit()
    loglik, df, aic, zeros = _numbers(report, "Poisson GLM")
    assert_allclose([loglik, aic], [glm.llf, glm.aic], atol=0.06)
    assert df == 6
    assert_allclose(zeros, np.exp(-glm.mu).sum(), atol=0.06)

    positive = y > 0
    logit = sm.Logit(positive.astype(float), Xc).fit(disp=0, method="newton")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        count = TruncatedLFPoisson(y[positive], Xc[positive]).fit(
            disp=0, method="newton", maxiter=100
        )
    loglik, df, aic, zeros = _numbers(report, "hurdle, Poisson")
    assert_allclose(loglik, logit.llf + count.llf, atol=6e-3)
    assert df == 12
    assert_allclose(aic, 2 * 12 - 2 * (logit.llf + count.llf), atol=0.06)
    # the logistic hurdle's intercept equation: predicted zeros = observed zeros
    assert_allclose(zeros, np.sum(y == 0), atol=0.06)
    assert _numbers(report, "observed") == [np.sum(y == 0)]
    # the negative binomial count part fits best
    assert _numbers(report, "hurdle, negbin")[0] > loglik


def test_demo_yeast_f1_match_direct_computation(demo_run):
    """Check the printed test F1 scores at 0.5 and tuned against scikit-learn."""
    report, _, _ = demo_run
    X_train, Y_train = load_yeast(subset="train", return_X_y=True)
    X_test, Y_test = load_yeast(subset="test", return_X_y=True)
    model = make_pipeline(StandardScaler(), MultiLabelLogisticClassifier(C=0.1))
    rows = {"cut at 0.5": model.fit(X_train, Y_train)}
    for average in ("macro", "micro"):
        rows[f"tuned for {average}-F1"] = OptimalThresholdClassifier(
            model, average=average, cv=5
        ).fit(X_train, Y_train)
    for row, fitted in rows.items():
        Y_pred = fitted.predict(X_test)
        expected = [f1_score(Y_test, Y_pred, average=a) for a in ("micro", "macro")]
        assert_allclose(_numbers(report, row), expected, atol=6e-4)
    micro_05, macro_05 = _numbers(report, "cut at 0.5")
    assert _numbers(report, "tuned for macro-F1")[1] > macro_05 + 0.05
    assert _numbers(report, "tuned for micro-F1")[0] > micro_05


def test_demo_binary_threshold_far_below_half(demo_run, biochemists):
    """Check the rare-outcome threshold and its test F1 against scikit-learn."""
    report, _, _ = demo_run
    X, articles = biochemists
    y = (articles >= 5).astype(int)
    X_train, X_test, y_train, y_test = train_test_split(
        X.to_numpy(), y, test_size=0.5, stratify=y, random_state=0
    )
    model = make_pipeline(StandardScaler(), MultiLabelLogisticClassifier())
    tuned = OptimalThresholdClassifier(model, cv=5).fit(X_train, y_train)
    proba = tuned.predict_proba(X_test)[:, 1]
    at_half = _numbers(report, "0.500")
    assert_allclose(at_half[0], f1_score(y_test, proba >= 0.5), atol=6e-4)
    threshold = tuned.best_threshold_
    printed = _numbers(report, f"{threshold:.3f}")
    assert_allclose(printed[0], f1_score(y_test, proba >= threshold), atol=6e-4)
    assert threshold < 0.25
    assert printed[0] > at_half[0] + 0.1


@pytest.mark.parametrize("filename", FIGURES)
def test_demo_writes_non_trivial_png_figures(demo_run, filename):
    """Check that each figure is a PNG image with real content."""
    matplotlib_image = pytest.importorskip("matplotlib.image")
    _, _, folder = demo_run
    path = folder / filename
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    image = matplotlib_image.imread(path)
    assert image.shape[0] >= 300 and image.shape[1] >= 500
    pixels = image[..., :3].reshape(-1, 3)
    assert (pixels.std(axis=0) > 0.05).all()  # not a blank canvas
    assert len(np.unique(pixels.round(2), axis=0)) > 20  # lines, bars, text


def _stub_sections(monkeypatch):
    """Replace the fitting sections by no-ops, to test the figure handling."""
    for section in ("_hurdle_section", "_yeast_section", "_binary_section"):
        monkeypatch.setattr(_demo, section, lambda: None)


def test_demo_without_matplotlib_says_so(monkeypatch, tmp_path, capsys):
    """Check the message and that only the report is written when matplotlib is
    missing."""
    _stub_sections(monkeypatch)
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    folder = tmp_path / "figures"
    assert main(["demo", "--out", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "matplotlib is not installed, so no figures were written" in out
    # An install command that works from a checkout (skbce is not on PyPI).
    words = " ".join(out.split())
    assert "python -m pip install matplotlib" in words
    assert 'python -m pip install ".[plot]" in the root of the skbce' in words
    assert "skbce[" not in words
    assert [path.name for path in folder.iterdir()] == ["report.txt"]


def test_demo_default_folder_is_new(monkeypatch, tmp_path, capsys):
    """Check that without --out each run writes into a new skbce-demo-* folder."""
    _stub_sections(monkeypatch)
    monkeypatch.setattr(_demo, "_write_figures", lambda folder, *data: [])
    monkeypatch.chdir(tmp_path)
    assert main(["demo"]) == 0
    assert main(["demo"]) == 0
    folders = sorted(tmp_path.glob("skbce-demo-*"))
    assert len(folders) == 2 and all(folder.is_dir() for folder in folders)
    out = capsys.readouterr().out
    for folder in folders:
        assert f"written to {folder.resolve()}" in out


def test_info_prints_versions(capsys):
    """Check that info prints the versions of skbce and its stack."""
    assert main(["info"]) == 0
    out = capsys.readouterr().out
    assert re.search(rf"^skbce\s+{re.escape(skbce.__version__)}$", out, re.M)
    assert re.search(rf"^numpy\s+{re.escape(np.__version__)}$", out, re.M)
    assert re.search(r"^matplotlib\s+\S+", out, re.M)


def test_help_lists_subcommands(capsys):
    """Check that --help lists the subcommands, and a command is required."""
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert re.search(r"^\s+demo\s+fit the estimators", out, re.M)
    assert re.search(r"^\s+info\s+print the versions", out, re.M)
    with pytest.raises(SystemExit) as exit_info:
        main([])
    assert exit_info.value.code == 2
    assert "required" in capsys.readouterr().err
