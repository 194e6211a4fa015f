"""Benchmark: MultiLabelLogisticClassifier vs one LogisticRegression per label.

Prints, in one run and for two data sets,

(a) dense, n=100_000, d=200, L=50, labels drawn from a known logistic model;
(b) sparse CSR, n=7_500, d=2_000, density 1%, L=150 labels with heavy-tailed
    frequencies between 0.2% and 10% (like text tags),

the fit time of skbce and of ``OneVsRestClassifier(LogisticRegression(C=1,
tol=1e-6))`` (sequential and with ``n_jobs=-1``), their ratio, the relative gap
between the summed objectives (skbce minus OvR, divided by OvR: negative means
skbce is lower) and the peak memory allocated by each fit (tracemalloc, in the
main process, so not for ``n_jobs=-1``).

Run from the repository root::

    python benchmarks/bench_multilabel.py            # both data sets, a few minutes
    python benchmarks/bench_multilabel.py --skip-ovr # skbce only (profiling)
    python benchmarks/bench_multilabel.py --blas-threads 1  # on a loaded machine

It also prints what one product with all labels' columns costs in matrix-vector
products: ``L`` over that ratio bounds the gain per pass over the data of solving
the labels together, whatever the solver.
"""

import argparse
import os
import sys
import time
import tracemalloc
import warnings
from pathlib import Path

import numpy as np
from scipy import sparse
from scipy.special import expit
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier
from threadpoolctl import threadpool_info, threadpool_limits

# Run from a source checkout without installing: the repository root first.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from skbce import MultiLabelLogisticClassifier  # noqa: E402
from skbce.losses import binary_cross_entropy  # noqa: E402

C = 1.0
TOL = 1e-6  # the same gradient tolerance for both


def dense_data(rng, n=100_000, d=200, n_labels=50):
    """Standard normal features, labels from a known logistic model."""
    X = rng.standard_normal((n, d))
    W = rng.standard_normal((n_labels, d)) * (2 / np.sqrt(d))
    b = rng.uniform(-3, 1, n_labels)
    Y = (rng.random((n, n_labels)) < expit(X @ W.T + b)).astype(np.int64)
    return X, Y


def sparse_data(rng, n=7_500, d=2_000, n_labels=150, density=0.01):
    """tf-idf-like sparse features; rare, heavy-tailed label frequencies."""
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
    # Frequencies from 10% down to 0.2%, Zipf-like (heavy tail of rare labels).
    freq = 0.1 * np.arange(1, n_labels + 1) ** -0.8
    freq = np.clip(freq, 0.002, 0.1)
    W = sparse.random(
        n_labels,
        d,
        density=0.05,
        random_state=rng,
        data_rvs=lambda size: rng.normal(0, 8, size),
    ).toarray()
    # Label k is on for the round(freq_k * n) rows with the largest logit plus
    # logistic noise: a logistic model whose frequencies are exact.
    noisy = np.asarray(X @ W.T) + rng.logistic(size=(n, n_labels))
    counts = np.round(freq * n).astype(int)
    Y = np.zeros((n, n_labels), dtype=np.int64)
    for k in range(n_labels):
        Y[np.argpartition(-noisy[:, k], counts[k])[: counts[k]], k] = 1
    return X, Y


def objective(X, Y, coef, intercept):
    """Summed user-facing objective: sum_i BCE + ||w_k||^2 / (2C) over labels."""
    raw = np.asarray(X @ coef.T) + intercept
    bce = binary_cross_entropy(Y, raw, reduction="sum")
    return float(bce + (coef**2).sum() / (2 * C))


def timed(fit):
    """Wall time and tracemalloc peak (MiB) of ``fit()``, and its result."""
    tracemalloc.start()
    start = time.perf_counter()
    result = fit()
    seconds = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return seconds, peak, result


def untraced_time(fit, repeat=2):
    """Best wall time of ``repeat`` calls of ``fit()`` (the machine is shared),
    and the result of the last call."""
    best = np.inf
    for _ in range(repeat):
        start = time.perf_counter()
        result = fit()
        best = min(best, time.perf_counter() - start)
    return best, result


def interleaved_times(fits, repeat=2):
    """Best wall time of each fit over ``repeat`` rounds, the fits alternating.

    Returns the times and the fitted results of the last round.
    """
    best = dict.fromkeys(fits, np.inf)
    results = {}
    for _ in range(repeat):
        for key, fit in fits.items():
            start = time.perf_counter()
            results[key] = fit()
            best[key] = min(best[key], time.perf_counter() - start)
    return best, results


def product_cost_ratio(X, n_labels):
    """Time of one product X @ V with n_labels columns over one X @ v.

    The lockstep solver makes one such product where one-vs-rest makes
    ``n_labels`` matrix-vector products: ``n_labels / ratio`` bounds the gain per
    pass over the data.
    """
    rng = np.random.default_rng(0)
    V = rng.standard_normal((X.shape[1], n_labels))
    t_matrix, _ = untraced_time(lambda: X @ V, repeat=5)
    t_vector, _ = untraced_time(lambda: X @ V[:, 0], repeat=5)
    return t_matrix / t_vector


def run(name, X, Y, skip_ovr):
    kind = (
        f"sparse, density {X.nnz / np.prod(X.shape):.3f}"
        if sparse.issparse(X)
        else "dense"
    )
    print(
        f"\n=== {name}: n={X.shape[0]}, d={X.shape[1]}, L={Y.shape[1]}, {kind}, "
        f"label frequencies {Y.mean(0).min():.4f}..{Y.mean(0).max():.4f}"
    )
    ratio = product_cost_ratio(X, Y.shape[1])
    print(
        f"one product for all {Y.shape[1]} labels costs {ratio:.1f} matrix-vector "
        f"products: at most {Y.shape[1] / ratio:.1f}x less time per pass than OvR"
    )
    fits = {
        "skbce": lambda: MultiLabelLogisticClassifier(C=C, tol=TOL).fit(X, Y),
    }
    lr = LogisticRegression(C=C, tol=TOL)
    if not skip_ovr:
        fits["ovr"] = lambda: OneVsRestClassifier(lr).fit(X, Y)
        fits["ovr_parallel"] = lambda: OneVsRestClassifier(lr, n_jobs=-1).fit(X, Y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        # Untraced, interleaved timings (the load of a shared machine drifts),
        # then peak memory in a traced run.
        seconds, fitted = interleaved_times(fits)
        memory = {key: timed(fits[key])[1] for key in ("skbce", "ovr") if key in fits}
    skbce = fitted["skbce"]
    obj_skbce = objective(X, Y, skbce.coef_, skbce.intercept_)
    print(
        f"skbce MultiLabelLogisticClassifier  {seconds['skbce']:8.2f} s   "
        f"peak {memory['skbce']:8.1f} MiB   Newton iterations per label "
        f"{skbce.n_iter_.min()}..{skbce.n_iter_.max()}"
    )
    if skip_ovr:
        return
    ovr = fitted["ovr"]
    coef = np.vstack([e.coef_ for e in ovr.estimators_])
    intercept = np.hstack([e.intercept_ for e in ovr.estimators_])
    obj_ovr = objective(X, Y, coef, intercept)
    n_iter_ovr = [int(e.n_iter_[0]) for e in ovr.estimators_]
    print(
        f"OvR(LogisticRegression(tol=1e-6))  {seconds['ovr']:8.2f} s   "
        f"peak {memory['ovr']:8.1f} MiB   L-BFGS iterations per label "
        f"{min(n_iter_ovr)}..{max(n_iter_ovr)}"
    )
    print(f"OvR(..., n_jobs=-1)                {seconds['ovr_parallel']:8.2f} s")
    print(
        f"speed-up vs OvR                    {seconds['ovr'] / seconds['skbce']:8.1f} x"
    )
    print(
        f"speed-up vs OvR n_jobs=-1          "
        f"{seconds['ovr_parallel'] / seconds['skbce']:8.1f} x"
    )
    print(
        f"relative objective gap             {(obj_skbce - obj_ovr) / obj_ovr:+.2e}"
        f"   (objective skbce {obj_skbce:.6f}, OvR {obj_ovr:.6f})"
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-ovr", action="store_true", help="time skbce only")
    parser.add_argument("--only", choices=["dense", "sparse"], default=None)
    parser.add_argument(
        "--blas-threads",
        type=int,
        default=None,
        help="limit BLAS threads for both (e.g. 1 on a loaded machine)",
    )
    args = parser.parse_args(argv)
    with threadpool_limits(args.blas_threads):
        run_all(args)


def run_all(args):
    blas = [(i["internal_api"], i["num_threads"]) for i in threadpool_info()]
    print(
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs, "
        f"BLAS {blas}; best of 2 interleaved wall times"
    )
    rng = np.random.default_rng(0)
    if args.only in (None, "dense"):
        run("(a) dense", *dense_data(rng), args.skip_ovr)
    if args.only in (None, "sparse"):
        run("(b) sparse", *sparse_data(rng), args.skip_ovr)


if __name__ == "__main__":
    main()
