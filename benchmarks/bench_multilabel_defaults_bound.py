"""Benchmark: how fast Newton-CG could be at the defaults, whatever its stopping rule.

At both estimators' defaults the question is how much work one-vs-rest's
accuracy costs. On the real sets of ``../shared/data`` (enron, OHSUMED-F), this
script

1. fits ``OneVsRestClassifier(LogisticRegression())`` and finds each label's
   optimum (skbce at ``tol=1e-10``): one-vs-rest's distance to it per label;
2. follows skbce's Newton-CG path (``tol=1e-6``, one thread), counting each
   label's products with X (two per point, two per Hessian product: the same
   units as ``bench_multilabel.py``'s passes) and recording its objective at
   every Newton iteration;
3. prints the products per label that an *oracle* stopping rule would spend
   (each label stops at the first iteration within one-vs-rest's distance of
   its optimum), those of skbce's own rule at the defaults, and those of
   one-vs-rest's L-BFGS (two per iteration);
4. times both estimators at the defaults in the same run and prints the
   speed-up, and the speed-up skbce would have with the oracle's products (its
   time scaled by the oracle's products over its own).

Run from the repository root::

    python benchmarks/bench_multilabel_defaults_bound.py
"""

import sys
import warnings
from pathlib import Path

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_multilabel import (  # noqa: E402
    DATA,
    PassCounter,
    interleaved_times,
    per_label_objective,
    real_data,
)

from skbce import MultiLabelLogisticClassifier  # noqa: E402
from skbce.linear_model import _multilabel, _newton_solver  # noqa: E402


class RecordingNewtonCG(_newton_solver.NewtonCGSolver):
    """Newton-CG that records, at every iteration, each active label's value and
    the products with X it has used so far."""

    def setup(self, objective, coef):
        self.active = np.arange(coef.shape[0])
        self.products = np.zeros(coef.shape[0])
        self.history = []  # (labels, values, products so far)
        return super().setup(objective, coef)

    def _restrict(self, objective, point, keep):
        self.active = self.active[keep]
        return super()._restrict(objective, point, keep)

    def check_convergence(self, objective, point):
        self.products[self.active] += 2  # the point: X @ P and X.T @ G
        self.history.append((self.active, point.value, self.products.copy()))
        return super().check_convergence(objective, point)

    def _cg(self, objective, point):
        active, products = self.active, self.products
        hessian_product = objective.hessian_product

        def counted(point, V, problems):
            products[active[problems]] += 2  # X @ V and X.T @ (H * XV)
            return hessian_product(point, V, problems)

        objective.hessian_product = counted
        try:
            return super()._cg(objective, point)
        finally:
            del objective.hessian_product


def recorded_path(X, Y):
    """skbce's Newton-CG path at tol=1e-6 on one thread: its recording solver."""
    solvers = []
    make_solver = _multilabel.MultiLabelLogisticClassifier._solver

    def recording(self, dtype, decrement=True):
        solver = make_solver(self, dtype, decrement)
        recorder = RecordingNewtonCG(
            tol=solver.tol,
            max_iter=solver.max_iter,
            rounding=solver.rounding,
            cg_tol=solver.cg_tol,
            max_cg_iter=solver.max_cg_iter,
            check_decrement=solver.check_decrement,
        )
        solvers.append(recorder)
        return recorder

    _multilabel.MultiLabelLogisticClassifier._solver = recording
    try:
        MultiLabelLogisticClassifier(tol=1e-6, max_iter=1000, n_jobs=1).fit(X, Y)
    finally:
        _multilabel.MultiLabelLogisticClassifier._solver = make_solver
    (solver,) = solvers
    return solver


def run(name):
    X, Y = real_data(name)
    n_labels = Y.shape[1]
    lr = LogisticRegression()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        seconds, fitted = interleaved_times(
            {
                "skbce": lambda: MultiLabelLogisticClassifier().fit(X, Y),
                "ovr": lambda: OneVsRestClassifier(lr).fit(X, Y),
            },
            repeat=3,
        )
    ovr = fitted["ovr"]
    ovr_coef = np.vstack([e.coef_ for e in ovr.estimators_])
    ovr_intercept = np.hstack([e.intercept_ for e in ovr.estimators_])
    ovr_products = 2 * sum(int(e.n_iter_[0]) for e in ovr.estimators_)
    best = MultiLabelLogisticClassifier(tol=1e-10, max_iter=1000).fit(X, Y)
    optimum = per_label_objective(X, Y, best.coef_, best.intercept_)
    budget = per_label_objective(X, Y, ovr_coef, ovr_intercept) - optimum

    solver = recorded_path(X, Y)
    oracle = np.full(n_labels, np.nan)
    for labels, values, products in solver.history:
        # The solver's values are mean losses (per row) plus the penalty.
        excess = values * X.shape[0] - optimum[labels]
        first = np.isnan(oracle[labels]) & (excess <= budget[labels])
        oracle[labels[first]] = products[labels[first]]
    with PassCounter(n_labels) as counter:
        MultiLabelLogisticClassifier(n_jobs=1).fit(X, Y)
    rule = counter.passes * n_labels

    print(f"\n=== real: {name}: n={X.shape[0]}, d={X.shape[1]}, L={n_labels}")
    print(
        "products with X per label to reach one-vs-rest's default distance to "
        "each label's optimum:"
    )
    print(f"  oracle stop on skbce's Newton-CG path   {np.mean(oracle):6.1f}")
    print(f"  skbce's stopping rule at the defaults   {rule / n_labels:6.1f}")
    print(f"  one-vs-rest's L-BFGS (2 per iteration)  {ovr_products / n_labels:6.1f}")
    print(
        f"time per label product: skbce {1e6 * seconds['skbce'] / rule:.0f} us, "
        f"one-vs-rest {1e6 * seconds['ovr'] / ovr_products:.0f} us"
    )
    speed_up = seconds["ovr"] / seconds["skbce"]
    print(f"speed-up vs OvR at the defaults      {speed_up:5.1f} x")
    print(
        "with the oracle's products           "
        f"{speed_up * rule / np.nansum(oracle):5.1f} x"
    )


def main():
    for name in ("enron", "OHSUMED-F"):
        if not (DATA / f"{name}.arff").exists():
            print(f"\n=== real: {name}: skipped, {DATA / name}.arff not found")
            continue
        run(name)


if __name__ == "__main__":
    main()
