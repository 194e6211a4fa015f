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
        fitted["multilabel"] = lambda: MultiLabelLogisticClassifier()
    return fitted


def objective(name, model):
    """The fitted objective value compared between the two fits."""
    if name == "hurdle":
        return -model.loglik_
    return float(np.sum(model.objective_))  # per-label objectives


def fit(name, X, Y, y):
    model = models()[name]()
    start = time.perf_counter()
    model.fit(X, Y if name == "multilabel" else y)
    return time.perf_counter() - start, objective(name, model)


def reference(args):
    """The in-memory fits (run in a subprocess); print their results as JSON."""
    X, Y, y = memory_data(args)
    result = {name: fit(name, X, Y, y) for name in models()}
    result["rss"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
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
            command, capture_output=True, check=True, text=True
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
    for name, (seconds, value) in distributed.items():
        ref_seconds, ref_value = memory[name]
        gap = abs(value - ref_value) / abs(ref_value)
        print(
            f"{name:<12}{seconds:>14.2f}{ref_seconds:>16.2f}"
            f"{seconds / ref_seconds:>8.2f}{gap:>16.2e}"
        )


if __name__ == "__main__":
    main()
