"""Benchmark: MultiLabelLogisticClassifier vs one LogisticRegression per label.

Real data first: the sparse multi-label text sets of ``../shared/data`` (enron,
OHSUMED-F: binary bag-of-words features, uneven column norms, rare labels), then
two synthetic sets, labelled as such (dense Gaussian features; random sparse
rows normalised to unit norm), which are far better conditioned than real data.

For each data set and each of two settings,

- ``tol=1e-6``: both estimators at the same gradient tolerance (C=1);
- ``defaults``: ``MultiLabelLogisticClassifier()`` and
  ``OneVsRestClassifier(LogisticRegression())`` as a user gets them,

it prints the fit time of skbce, of ``OneVsRestClassifier(LogisticRegression())``
(sequential and with ``n_jobs=-1``) and their ratios, in the same run (the best
of ``--repeat`` interleaved wall times: the machine is shared), the relative
gap between the summed objectives (skbce minus OvR over OvR: negative means
skbce's is lower), skbce's passes over the data (products with X, counted in
products with all labels' columns) and OvR's L-BFGS iterations. When the
``liblinear-multicore`` package is installed (``pip install .[bench]``, which
compiles it) it also times LIBLINEAR per label, its primal Newton method (``-s
0``) and, on the sparse sets, its dual coordinate descent (``-s 7``), with
``-B -1``, so no intercept on either side (skbce is then fitted with
``fit_intercept=False``), at about the same distance from the optimum.

Run from the repository root::

    python benchmarks/bench_multilabel.py                  # everything
    python benchmarks/bench_multilabel.py --only enron     # one data set
    python benchmarks/bench_multilabel.py --skip-ovr       # skbce only
    python benchmarks/bench_multilabel.py --grid-search    # GridSearchCV n_jobs

It ends with ``GridSearchCV(MultiLabelLogisticClassifier(), {"C": [0.1, 1.0]},
cv=KFold(3))`` on OHSUMED-F with ``n_jobs=1`` and ``n_jobs=2``.
"""

import argparse
import os
import sys
import time
import warnings
from pathlib import Path

import numpy as np
from scipy import sparse
from scipy.special import expit
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier
from threadpoolctl import threadpool_info

# Run from a source checkout without installing: the repository root first.
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from skbce import MultiLabelLogisticClassifier  # noqa: E402
from skbce.datasets._arff import read_multilabel_arff  # noqa: E402
from skbce.linear_model import _row_passes  # noqa: E402
from skbce.losses import binary_cross_entropy  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
C = 1.0


# ---------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------


def real_data(name):
    X, Y, _, _ = read_multilabel_arff(DATA / f"{name}.arff")
    return X, Y.astype(np.int64)


def dense_data(rng, n=100_000, d=200, n_labels=50):
    """Synthetic: standard normal features, labels from a known logistic model."""
    X = rng.standard_normal((n, d))
    W = rng.standard_normal((n_labels, d)) * (2 / np.sqrt(d))
    b = rng.uniform(-3, 1, n_labels)
    Y = (rng.random((n, n_labels)) < expit(X @ W.T + b)).astype(np.int64)
    return X, Y


def sparse_data(rng, n=7_500, d=2_000, n_labels=150, density=0.01):
    """Synthetic: tf-idf-like rows of unit norm; rare, heavy-tailed labels."""
    X = sparse.random(
        n,
        d,
        density=density,
        format="csr",
        random_state=rng,
        data_rvs=lambda size: rng.lognormal(0, 0.5, size),
    )
    norms = np.sqrt(np.asarray(X.multiply(X).sum(axis=1))).ravel()
    X = sparse.csr_matrix(X.multiply(1 / np.maximum(norms, 1e-12)[:, None]))
    freq = np.clip(0.1 * np.arange(1, n_labels + 1) ** -0.8, 0.002, 0.1)
    W = sparse.random(
        n_labels,
        d,
        density=0.05,
        random_state=rng,
        data_rvs=lambda size: rng.normal(0, 8, size),
    ).toarray()
    noisy = np.asarray(X @ W.T) + rng.logistic(size=(n, n_labels))
    counts = np.round(freq * n).astype(int)
    Y = np.zeros((n, n_labels), dtype=np.int64)
    for k in range(n_labels):
        Y[np.argpartition(-noisy[:, k], counts[k])[: counts[k]], k] = 1
    return X, Y


# ---------------------------------------------------------------------------
# Measures
# ---------------------------------------------------------------------------


def per_label_objective(X, Y, coef, intercept):
    """Each label's user-facing objective: sum_i BCE + ||w_k||^2 / (2C), (L,)."""
    raw = np.asarray(X @ coef.T) + intercept
    bce = binary_cross_entropy(Y, raw, reduction="none").sum(axis=0)
    return bce + (coef**2).sum(axis=1) / (2 * C)


def objective(X, Y, coef, intercept):
    """Summed user-facing objective over the labels."""
    return float(per_label_objective(X, Y, coef, intercept).sum())


def interleaved_times(fits, repeat):
    """Best wall time of each fit over ``repeat`` rounds, the fits alternating."""
    best = dict.fromkeys(fits, np.inf)
    results = {}
    for _ in range(repeat):
        for key, fit in fits.items():
            start = time.perf_counter()
            results[key] = fit()
            best[key] = min(best[key], time.perf_counter() - start)
    return best, results


class PassCounter:
    """Counts skbce's products with X, in products with all labels' columns.

    Wraps the in-memory row pass: each kernel call is worth the products with X
    it makes (:data:`PRODUCTS`), times the share of the labels it covers.
    """

    PRODUCTS = {
        "point_kernel": 2,  # X @ W and X.T @ G
        "step_kernel": 1,  # X.T @ G (the logits move by the direction's)
        "direction_kernel": 1,  # X @ P
        "hessian_product_kernel": 2,  # X @ V and X.T @ (H * XV)
    }

    def __init__(self, n_labels):
        self.n_labels = n_labels
        self.passes = 0.0

    def __enter__(self):
        rows = _row_passes.InMemoryRowPass
        self._original = {
            name: getattr(rows, name) for name in ("reduce", "map", "apply")
        }
        for name, method in self._original.items():
            setattr(rows, name, self._counted(method))
        return self

    def _counted(self, method):
        def counted(rows, kernel, *states, **params):
            products = self.PRODUCTS.get(kernel.__name__, 0)
            if products:
                columns = params.get("columns")
                width = rows.block["Y"].shape[1] if columns is None else len(columns)
                self.passes += products * width / self.n_labels
            return method(rows, kernel, *states, **params)

        return counted

    def __exit__(self, *exc):
        for name, method in self._original.items():
            setattr(_row_passes.InMemoryRowPass, name, method)


def liblinear_fit(problem_X, Y, solver, eps):
    """LIBLINEAR per label, no bias, C=1; coef (L, d).

    ``solver``: LIBLINEAR's ``-s``, 0 for its primal trust-region Newton
    method, 7 for its dual coordinate descent (Yu, Huang and Lin, 2011).
    ``problem_X``: a LIBLINEAR problem holding X, built once (its conversion
    is not timed); each label sets its targets. ``eps`` is LIBLINEAR's
    stopping tolerance (for ``-s 0`` relative to the gradient norm at zero).
    """
    from liblinear.liblinearutil import parameter, train

    options = parameter(f"-s {solver} -B -1 -c {C} -e {eps} -q")
    coef = np.empty((Y.shape[1], problem_X.n))
    for k in range(Y.shape[1]):
        for i, value in enumerate(2.0 * Y[:, k] - 1):
            problem_X.y[i] = value
        model = train(problem_X, options)
        w = np.array(model.get_decfun()[0])
        # LIBLINEAR orders classes as they appear: flip if -1 came first.
        coef[k] = w if model.get_labels()[0] == 1 else -w
    return coef


def liblinear_comparison(X, Y, args):
    """LIBLINEAR per label and skbce, both without intercept, at about the same
    distance from the optimum: LIBLINEAR's primal ``-s 0 -e 1e-4`` and skbce's
    ``tol=1e-6`` both end about 3e-8 above it on the real sets, LIBLINEAR's dual
    coordinate descent ``-s 7 -e 1e-2`` (sparse sets only) within 1e-6 (the
    gaps to an optimum found at ``tol=1e-10`` are printed)."""
    from liblinear.liblinearutil import problem

    problem_X = problem(2.0 * Y[:, 0] - 1, sparse.csr_matrix(X))
    liblinear = {"LIBLINEAR -s 0 -e 1e-4": (0, 1e-4)}
    if sparse.issparse(X):  # on the dense set about 23 s per label
        liblinear["LIBLINEAR -s 7 -e 1e-2"] = (7, 1e-2)
    fits = {
        key: lambda solver=solver, eps=eps: liblinear_fit(problem_X, Y, solver, eps)
        for key, (solver, eps) in liblinear.items()
    }
    fits["skbce"] = lambda: (
        MultiLabelLogisticClassifier(C=C, fit_intercept=False, tol=1e-6, max_iter=1000)
        .fit(X, Y)
        .coef_
    )
    times, results = interleaved_times(fits, args.repeat)
    zeros = np.zeros(Y.shape[1])
    optimum = MultiLabelLogisticClassifier(
        C=C, fit_intercept=False, tol=1e-10, max_iter=1000
    ).fit(X, Y)
    best = objective(X, Y, optimum.coef_, zeros)
    gaps = {
        key: (objective(X, Y, coef, zeros) - best) / best
        for key, coef in results.items()
    }
    print(
        f"no intercept, -B -1 (gap to the optimum): skbce tol=1e-6 "
        f"{times['skbce']:.3f} s ({gaps['skbce']:.1e})"
    )
    for key in liblinear:
        print(
            f"  {key} {times[key]:.3f} s ({gaps[key]:.1e}): "
            f"{times[key] / times['skbce']:.1f} x skbce's time"
        )


def run(name, X, Y, args, setting):
    n_labels = Y.shape[1]
    if setting == "tol=1e-6":
        skbce_params, lr_params = (
            {"tol": 1e-6, "max_iter": 1000},
            {"tol": 1e-6, "max_iter": 10_000},
        )
    else:
        skbce_params, lr_params = {}, {}
    fits = {
        "skbce": lambda: MultiLabelLogisticClassifier(C=C, **skbce_params).fit(X, Y)
    }
    lr = LogisticRegression(C=C, **lr_params)
    if not args.skip_ovr:
        fits["ovr"] = lambda: OneVsRestClassifier(lr).fit(X, Y)
        fits["ovr_parallel"] = lambda: OneVsRestClassifier(lr, n_jobs=-1).fit(X, Y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        seconds, fitted = interleaved_times(fits, args.repeat)
        with PassCounter(n_labels) as counter:
            MultiLabelLogisticClassifier(C=C, **skbce_params).fit(X, Y)
    skbce = fitted["skbce"]
    obj_skbce = objective(X, Y, skbce.coef_, skbce.intercept_)
    print(f"--- {setting}")
    print(
        f"skbce MultiLabelLogisticClassifier {seconds['skbce']:8.3f} s   "
        f"{counter.passes:6.0f} passes   Newton iterations per label "
        f"{skbce.n_iter_.min()}..{skbce.n_iter_.max()}"
    )
    if args.skip_ovr:
        return
    ovr = fitted["ovr"]
    coef = np.vstack([e.coef_ for e in ovr.estimators_])
    intercept = np.hstack([e.intercept_ for e in ovr.estimators_])
    obj_ovr = objective(X, Y, coef, intercept)
    n_iter = [int(e.n_iter_[0]) for e in ovr.estimators_]
    print(
        f"OvR(LogisticRegression())          {seconds['ovr']:8.3f} s   "
        f"L-BFGS iterations {sum(n_iter)} in all ({min(n_iter)}..{max(n_iter)} "
        "per label)"
    )
    print(f"OvR(..., n_jobs=-1)                {seconds['ovr_parallel']:8.3f} s")
    print(
        f"speed-up vs OvR                    {seconds['ovr'] / seconds['skbce']:8.1f} x"
    )
    print(
        "speed-up vs OvR n_jobs=-1          "
        f"{seconds['ovr_parallel'] / seconds['skbce']:8.1f} x"
    )
    print(
        f"relative objective gap             {(obj_skbce - obj_ovr) / obj_ovr:+.2e}"
        f"   (skbce {obj_skbce:.6f}, OvR {obj_ovr:.6f})"
    )
    if setting == "tol=1e-6" and args.liblinear:
        liblinear_comparison(X, Y, args)


def grid_search(args):
    """GridSearchCV(n_jobs=1 vs 2) over C on OHSUMED-F: joblib's workers each
    fit with one thread (the default n_jobs=None respects their limits), so the
    search runs two fits at once instead of one fit on two threads."""
    from sklearn.model_selection import GridSearchCV, KFold

    if not (DATA / "OHSUMED-F.arff").exists():
        print("\n=== GridSearchCV: skipped, OHSUMED-F.arff not found")
        return
    X, Y = real_data("OHSUMED-F")
    print(
        "\n=== GridSearchCV(MultiLabelLogisticClassifier(), {'C': [0.1, 1.0]}, "
        "cv=KFold(3)) on OHSUMED-F"
    )
    fits = {
        n_jobs: lambda n_jobs=n_jobs: GridSearchCV(
            MultiLabelLogisticClassifier(),
            {"C": [0.1, 1.0]},
            cv=KFold(3),
            n_jobs=n_jobs,
        ).fit(X, Y)
        for n_jobs in (1, 2)
    }
    seconds, _ = interleaved_times(fits, args.repeat)
    for n_jobs, time_taken in seconds.items():
        print(f"GridSearchCV(n_jobs={n_jobs})                {time_taken:8.3f} s")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-ovr", action="store_true", help="time skbce only")
    parser.add_argument(
        "--only",
        choices=["enron", "OHSUMED-F", "dense", "sparse"],
        action="append",
        help="data sets to run (repeatable; default all)",
    )
    parser.add_argument("--repeat", type=int, default=2, help="interleaved rounds")
    parser.add_argument("--setting", choices=["tol=1e-6", "defaults"], action="append")
    parser.add_argument(
        "--grid-search", action="store_true", help="only the GridSearchCV timing"
    )
    args = parser.parse_args(argv)
    try:
        import liblinear.liblinearutil  # noqa: F401

        args.liblinear = True
    except ImportError:
        args.liblinear = False
    blas = [(i["internal_api"], i["num_threads"]) for i in threadpool_info()]
    print(
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs, BLAS {blas}; "
        f"best of {args.repeat} interleaved wall times; LIBLINEAR "
        f"{'installed' if args.liblinear else 'not installed'}"
    )
    if args.grid_search:
        grid_search(args)
        return
    rng = np.random.default_rng(0)
    sets = {
        "enron": lambda: real_data("enron"),
        "OHSUMED-F": lambda: real_data("OHSUMED-F"),
        "dense": lambda: dense_data(rng),
        "sparse": lambda: sparse_data(rng),
    }
    labels = {
        "enron": "real: enron",
        "OHSUMED-F": "real: OHSUMED-F",
        "dense": "synthetic: dense Gaussian",
        "sparse": "synthetic: random sparse, unit-norm rows",
    }
    for name in args.only or list(sets):
        if name in ("enron", "OHSUMED-F") and not (DATA / f"{name}.arff").exists():
            print(f"\n=== {labels[name]}: skipped, {DATA / name}.arff not found")
            continue
        X, Y = sets[name]()
        kind = (
            f"sparse, density {X.nnz / np.prod(X.shape):.3f}"
            if sparse.issparse(X)
            else "dense"
        )
        print(
            f"\n=== {labels[name]}: n={X.shape[0]}, d={X.shape[1]}, L={Y.shape[1]}, "
            f"{kind}, label frequencies {Y.mean(0).min():.4f}..{Y.mean(0).max():.4f}"
        )
        for setting in args.setting or ["tol=1e-6", "defaults"]:
            run(name, X, Y, args, setting)
    if not args.only:
        grid_search(args)


if __name__ == "__main__":
    main()
