"""Fitting on a dask cluster against the in-memory fit, in one run.

Data: ``--rows`` x ``--features`` float32 (2,000,000 x 100 by default, 800 MB) in
chunks of ``--chunk`` rows (100,000), generated *on the workers* chunk by chunk
from a seed (:func:`make_chunk`), never on the client. Targets: ``--labels``
(20) binary labels from a planted linear model for the multi-label classifier,
and hurdle counts (zeros from one planted logit, positive counts from a planted
Poisson) for :class:`skbce.HurdleRegressor`.

The cluster part runs first on a ``LocalCluster(n_workers=2,
threads_per_worker=1)``: the fit from dask arrays, timed, and the peak resident
set size (``ru_maxrss``) of this client process, compared with the size of X.
The in-memory reference fit then runs in a *subprocess* that builds the same
chunks with NumPy (so the client's peak RSS is not inflated by it), and the
relative objective gap between the two fits is printed.

Both fits of a model use the same settings; the multi-label classifier runs with
``tol=1e-6``: with its default ``tol=1e-4`` two fits that differ only in the
order of their floating-point sums both stop as converged at points whose
objectives differ by a few 1e-8 (relative), which says nothing about the
backend. The multi-label objective (summed BCE plus penalty) of both fits is
evaluated in float64 in the reference process; the hurdle's is its
log-likelihood.

Targets: client peak RSS below half of X's size, gap <= 1e-8.
Run with ``python benchmarks/bench_dask.py [--quick]`` (``--quick``: 200,000 rows).
"""

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run from a checkout

from skbce import HurdleRegressor  # noqa: E402

try:  # the multi-label classifier (issue 3) may not be merged yet
    from skbce import MultiLabelLogisticClassifier
except ImportError:  # pragma: no cover
    MultiLabelLogisticClassifier = None


def make_chunk(seed, index, n_rows, n_features, n_labels):
    """Rows of chunk ``index``: X (float32), labels (n, L) and hurdle counts (n,)."""
    planted = np.random.default_rng(seed)
    coef = planted.normal(scale=2 / np.sqrt(n_features), size=(n_features, n_labels))
    zero_coef = planted.normal(scale=1 / np.sqrt(n_features), size=n_features)
    count_coef = planted.normal(scale=0.5 / np.sqrt(n_features), size=n_features)
    rng = np.random.default_rng([seed, index])
    X = rng.standard_normal((n_rows, n_features), dtype=np.float32)
    logits = X @ coef.astype(np.float32)
    labels = (rng.random(logits.shape) < 1 / (1 + np.exp(-logits))).astype(np.float32)
    crossed = rng.random(n_rows) < 1 / (1 + np.exp(-(X @ zero_coef)))
    counts = 1 + rng.poisson(np.exp(0.5 + X @ count_coef))
    return X, labels, np.where(crossed, counts, 0).astype(np.float64)


def _dask_chunk(part, seed, n_features, n_labels, block_info=None):
    location = block_info[None]["chunk-location"][0]
    n_rows = block_info[None]["chunk-shape"][0]
    return make_chunk(seed, location, n_rows, n_features, n_labels)[part]


def dask_data(args):
    """X, labels and counts as dask arrays computed on the workers."""
    import dask.array as da

    row_chunks = (args.chunk,) * (args.rows // args.chunk)
    kwargs = dict(seed=args.seed, n_features=args.features, n_labels=args.labels)
    X = da.map_blocks(
        _dask_chunk,
        0,
        chunks=(row_chunks, (args.features,)),
        dtype=np.float32,
        **kwargs,
    )
    Y = da.map_blocks(
        _dask_chunk,
        1,
        chunks=(row_chunks, (args.labels,)),
        dtype=np.float32,
        **kwargs,
    )
    y = da.map_blocks(_dask_chunk, 2, chunks=(row_chunks,), dtype=np.float64, **kwargs)
    return X, Y, y


def memory_data(args):
    """The same rows in memory."""
    parts = [
        make_chunk(args.seed, i, args.chunk, args.features, args.labels)
        for i in range(args.rows // args.chunk)
    ]
    return [np.concatenate(p) for p in zip(*parts)]


def models():
    fitted = {"hurdle": lambda: HurdleRegressor(alpha=1e-4)}
    if MultiLabelLogisticClassifier is not None:
        fitted["multilabel"] = lambda: MultiLabelLogisticClassifier(tol=1e-6)
    return fitted


def fit(name, X, Y, y):
    """Fit one model; return the time and what its objective is computed from."""
    model = models()[name]()
    start = time.perf_counter()
    model.fit(X, Y if name == "multilabel" else y)
    seconds = time.perf_counter() - start
    if name == "hurdle":  # the negative log-likelihood, summed on the workers
        return seconds, [-model.loglik_]
    return seconds, [model.coef_.tolist(), model.intercept_.tolist(), model.C]


def multilabel_objective(X, Y, coef, intercept, C):
    """Summed BCE plus ||w_k||^2 / (2 C) over the labels, in float64."""
    from skbce.losses import binary_cross_entropy

    coef = np.asarray(coef)
    total = 0.0
    for start in range(0, X.shape[0], 100_000):  # in row blocks: bounded memory
        rows = slice(start, start + 100_000)
        raw = X[rows] @ coef.T + np.asarray(intercept)
        total += binary_cross_entropy(Y[rows], raw, reduction="sum")
    return total + np.sum(coef**2) / (2 * C)


def reference(args):
    """The in-memory fits (run in a subprocess); print the results as JSON.

    The multi-label objective of both fits (the coefficients of the dask fit
    are read from stdin) is evaluated here, on the same in-memory rows.
    """
    distributed = json.loads(sys.stdin.read())
    X, Y, y = memory_data(args)
    result = {}
    for name in models():
        seconds, values = fit(name, X, Y, y)
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        if name == "multilabel":
            values = [
                multilabel_objective(X, Y, *values),
                multilabel_objective(X, Y, *distributed[name][1]),
            ]
        result[name] = (seconds, values)
    result["rss"] = rss
    print(json.dumps(result))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2_000_000)
    parser.add_argument("--features", type=int, default=100)
    parser.add_argument("--labels", type=int, default=20)
    parser.add_argument("--chunk", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--reference", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.quick:
        args.rows, args.chunk = 200_000, 20_000
    if args.reference:
        return reference(args)

    import dask
    from distributed import Client, LocalCluster

    x_bytes = args.rows * args.features * 4
    print(
        f"X: {args.rows:,} x {args.features} float32 ({x_bytes / 2**20:,.0f} MiB) "
        f"in chunks of {args.chunk:,} rows; {args.labels} labels"
    )
    distributed = {}
    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, dashboard_address=None
        ) as cluster,
        Client(cluster),
    ):
        X, Y, y = dask_data(args)
        X, Y, y = dask.persist(X, Y, y)  # generated on the workers
        for name in models():
            distributed[name] = fit(name, X, Y, y)
        client_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    command = (
        [sys.executable, __file__, "--reference"]
        + [f"--{k}={getattr(args, k)}" for k in ("rows", "features", "labels", "chunk")]
        + [f"--seed={args.seed}"]
    )
    memory = json.loads(
        subprocess.run(
            command,
            input=json.dumps(distributed),
            capture_output=True,
            check=True,
            text=True,
        ).stdout.splitlines()[-1]
    )
    print(
        f"client peak RSS: {client_rss / 2**20:,.0f} MiB = "
        f"{client_rss / x_bytes:.2f} x size of X (target < 0.5); in-memory "
        f"process peak RSS: {memory['rss'] / 2**20:,.0f} MiB"
    )
    print(
        f"{'estimator':<12}{'dask fit (s)':>14}{'memory fit (s)':>16}"
        f"{'ratio':>8}{'objective gap':>16}"
    )
    for name, (seconds, _) in distributed.items():
        ref_seconds, values = memory[name]
        if name == "hurdle":
            ref_value, value = values[0], distributed[name][1][0]
        else:
            ref_value, value = values
        gap = abs(value - ref_value) / abs(ref_value)
        print(
            f"{name:<12}{seconds:>14.2f}{ref_seconds:>16.2f}"
            f"{seconds / ref_seconds:>8.2f}{gap:>16.2e}"
        )


if __name__ == "__main__":
    main()
