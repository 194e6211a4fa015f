"""Benchmark: per-label C by cross-validation, one path for all labels vs OvR.

On yeast (standardised), enron (the labels with at least 5 positives) and
OHSUMED-F (from ``../shared/data``, skipped when absent), with the same grid of
``Cs``, the same folds (``MultiLabelStratifiedKFold(5)``, given as a list) and
the same ``tol`` for everyone (scikit-learn's default, 1e-4), it times

- ``MultiLabelLogisticClassifierCV``: all labels along one warm-started path per
  fold, folds in parallel (``n_jobs`` default) and on one thread (``n_jobs=1``);
- ``OneVsRestClassifier(LogisticRegressionCV(scoring="neg_log_loss"))``: one
  ``LogisticRegressionCV`` per label (L-BFGS, sequential), the per-label route
  scikit-learn offers;
- ``GridSearchCV(MultiLabelLogisticClassifier(), {"C": Cs},
  scoring=bce_scorer)``: one C for all labels;

and compares the choices: the labels for which both CV estimators chose the
same C, and for the others the gap between the mean held-out scores of the
two choices (on skbce's scores and on scikit-learn's), i.e. whether the
choices differ only by a tie within the solvers' tolerance. It also prints the
mean held-out BCE of the per-label choices against the single grid-searched C,
and the work of the two paths (without the refits): products of a fold's rows
with a label's coefficients, per label, for skbce's Newton-CG (counted as
``bench_multilabel.py`` counts passes) and for scikit-learn's L-BFGS (two per
iteration), and the time each spends per product.

Run from the repository root (OvR takes minutes on enron and OHSUMED-F)::

    python benchmarks/bench_multilabel_cv.py
    python benchmarks/bench_multilabel_cv.py --only enron --skip-ovr
"""

import argparse
import os
import sys
import time
import warnings
from pathlib import Path

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegressionCV
from sklearn.model_selection import GridSearchCV
from sklearn.multiclass import OneVsRestClassifier
from sklearn.preprocessing import StandardScaler

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench_multilabel import PassCounter  # noqa: E402

from skbce import (  # noqa: E402
    MultiLabelLogisticClassifier,
    MultiLabelLogisticClassifierCV,
)
from skbce.datasets import load_enron, load_yeast  # noqa: E402
from skbce.datasets._arff import read_multilabel_arff  # noqa: E402
from skbce.metrics import bce_scorer  # noqa: E402
from skbce.model_selection import MultiLabelStratifiedKFold  # noqa: E402

DATA = ROOT.parent / "shared" / "data"


def load(name):
    if name == "yeast":
        X, Y = load_yeast(return_X_y=True)
        return StandardScaler().fit_transform(X), Y
    if name == "enron":
        X, Y = load_enron(return_X_y=True)
    else:
        X, Y, _, _ = read_multilabel_arff(DATA / f"{name}.arff")
    Y = Y[:, Y.sum(axis=0) >= 5].astype(np.int64)
    return X, Y


def logistic_regression_cv(**params):
    """LogisticRegressionCV with the L2 penalty and its current attributes."""
    import inspect

    arguments = inspect.signature(LogisticRegressionCV).parameters
    if "l1_ratios" in arguments:
        params["l1_ratios"] = (0.0,)
    if "use_legacy_attributes" in arguments:
        params["use_legacy_attributes"] = False
    return LogisticRegressionCV(scoring="neg_log_loss", **params)


def ovr_scores(ovr, n_folds):
    """Held-out scores (n_folds, n_Cs, L) of the estimators of an OvR."""
    scores = []
    for estimator in ovr.estimators_:
        label = estimator.scores_
        if isinstance(label, dict):
            label = next(iter(label.values()))
        scores.append(np.asarray(label).reshape(n_folds, -1))
    return np.stack(scores, axis=-1)


def timed(fit):
    start = time.perf_counter()
    result = fit()
    return result, time.perf_counter() - start


def load_average():
    return f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs"


def run(name, args):
    X, Y = load(name)
    Cs = np.logspace(-4, 4, args.n_Cs)
    folds = list(MultiLabelStratifiedKFold(5).split(X, Y))
    n, d = X.shape
    L = Y.shape[1]
    print(
        f"=== {name}: {n} x {d}, {L} labels (positives "
        f"{Y.sum(axis=0).min()}..{Y.sum(axis=0).max()}), {len(Cs)} Cs, "
        f"5 folds, tol={args.tol}; {load_average()}"
    )
    params = {"Cs": Cs, "cv": folds, "tol": args.tol}
    ours, t_ours = timed(lambda: MultiLabelLogisticClassifierCV(**params).fit(X, Y))
    _, t_ours1 = timed(
        lambda: MultiLabelLogisticClassifierCV(n_jobs=1, **params).fit(X, Y)
    )
    print(f"  skbce MultiLabelLogisticClassifierCV            {t_ours:8.2f} s")
    print(f"  skbce MultiLabelLogisticClassifierCV(n_jobs=1)  {t_ours1:8.2f} s")
    with PassCounter(L) as counter:
        path_only = MultiLabelLogisticClassifierCV(n_jobs=1, refit=False, **params)
        _, t_path = timed(lambda: path_only.fit(X, Y))
    products = counter.passes * L
    grid, t_grid = timed(
        lambda: GridSearchCV(
            MultiLabelLogisticClassifier(tol=args.tol),
            {"C": list(Cs)},
            cv=folds,
            scoring=bce_scorer,
        ).fit(X, Y)
    )
    print(
        f"  GridSearchCV(MultiLabelLogisticClassifier)      {t_grid:8.2f} s   "
        f"one C = {grid.best_params_['C']:.3g}"
    )
    mean = ours.scores_.mean(axis=0)  # (n_Cs, L): minus each label's BCE
    single = int(np.flatnonzero(Cs == grid.best_params_["C"])[0])
    print(
        f"  mean held-out BCE: per-label C {-mean.max(axis=0).mean():.5f}, "
        f"one C {-mean[single].mean():.5f}"
    )
    print(
        "  chosen C per label: "
        + ", ".join(
            f"{C:.3g} x{count}"
            for C, count in zip(*np.unique(ours.C_, return_counts=True))
        )
    )
    if args.skip_ovr:
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ovr, t_ovr = timed(
            lambda: OneVsRestClassifier(
                logistic_regression_cv(Cs=Cs, cv=folds, tol=args.tol)
            ).fit(X, Y)
        )
    reference_C = np.array([estimator.C_ for estimator in ovr.estimators_]).ravel()
    print(f"  OvR(LogisticRegressionCV(neg_log_loss))        {t_ovr:8.2f} s")
    print(
        f"  speed-up vs OvR: {t_ovr / t_ours:.1f}x (n_jobs default), "
        f"{t_ovr / t_ours1:.1f}x (n_jobs=1)   [{load_average()}]"
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ovr_path, t_ovr_path = timed(
            lambda: OneVsRestClassifier(
                logistic_regression_cv(Cs=Cs, cv=folds, tol=args.tol, refit=False)
            ).fit(X, Y)
        )
    ovr_products = 2 * sum(int(np.sum(e.n_iter_)) for e in ovr_path.estimators_)
    print(
        f"  paths without refit: products per label skbce {products / L:.0f}, "
        f"OvR's L-BFGS {ovr_products / L:.0f}; time per product skbce "
        f"{1e6 * t_path / products:.0f} us (n_jobs=1, counted), "
        f"OvR {1e6 * t_ovr_path / ovr_products:.0f} us"
    )
    same = ours.C_ == reference_C
    reference_mean = ovr_scores(ovr, len(folds)).mean(axis=0)
    gaps_ours, gaps_ref = [], []
    for k in np.flatnonzero(~same):
        i, j = np.searchsorted(Cs, [ours.C_[k], reference_C[k]])
        gaps_ours.append(abs(mean[i, k] - mean[j, k]))
        gaps_ref.append(abs(reference_mean[i, k] - reference_mean[j, k]))
    print(f"  same C for {int(same.sum())}/{L} labels", end="")
    if gaps_ours:
        print(
            f"; the others differ by mean-score gaps up to {max(gaps_ours):.1e} "
            f"(skbce's scores) and {max(gaps_ref):.1e} (scikit-learn's)",
            end="",
        )
    # At the chosen C the held-out scores agree to the solvers' tolerance; at
    # C near 1e4 the objective is so flat that two solutions within tol=1e-4
    # can score very differently.
    chosen = np.searchsorted(Cs, ours.C_)
    labels = np.arange(L)
    gap = np.abs(mean[chosen, labels] - reference_mean[chosen, labels]).max()
    print(f"; mean held-out scores at the chosen C differ by up to {gap:.1e}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=["yeast", "enron", "OHSUMED-F"])
    parser.add_argument("--skip-ovr", action="store_true", help="skip the slow OvR")
    parser.add_argument("--n-Cs", type=int, default=8, help="size of the C grid")
    parser.add_argument("--tol", type=float, default=1e-4)
    args = parser.parse_args(argv)
    names = [args.only] if args.only else ["yeast", "enron", "OHSUMED-F"]
    for name in names:
        if name == "OHSUMED-F" and not (DATA / "OHSUMED-F.arff").exists():
            print(f"=== {name}: skipped, {DATA / 'OHSUMED-F.arff'} is absent")
            continue
        run(name, args)


if __name__ == "__main__":
    main()
