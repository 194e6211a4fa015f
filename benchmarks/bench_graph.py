"""Time GraphPropagator on a million-edge graph against one sparse product.

Run from the repository root: ``python benchmarks/bench_graph.py``. The anchor
is a single scipy CSR @ dense product of the same adjacency and features; a
propagation over K hops performs K such products (plus normalising the graph,
validating the input and gathering the rows), so its ratio to the anchor should
stay near K.
"""

import sys
import time
from pathlib import Path

import numpy as np
import scipy.sparse as sp

# Run from a checkout without installing skbce: the repository root goes first.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from skbce.graph import GraphPropagator  # noqa: E402

N_NODES = 200_000
N_EDGES = 1_000_000
N_FEATURES = 16
REPEATS = 5


def best_time(func):
    """Best wall time of ``REPEATS`` calls (the least disturbed by other load)."""
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times)


def main():
    rng = np.random.default_rng(0)
    rows = rng.integers(0, N_NODES, size=N_EDGES)
    cols = rng.integers(0, N_NODES, size=N_EDGES)
    adjacency = sp.csr_array((np.ones(N_EDGES), (rows, cols)), shape=(N_NODES, N_NODES))
    features = rng.normal(size=(N_NODES, N_FEATURES))
    nodes = np.arange(N_NODES)[:, None]
    print(
        f"graph: {N_NODES} nodes, {adjacency.nnz} edges, {N_FEATURES} features, "
        f"best of {REPEATS}"
    )

    anchor = best_time(lambda: adjacency @ features)
    print(f"anchor: one scipy CSR @ dense product       {anchor:8.4f} s")
    for n_hops in (1, 2, 3):
        propagator = GraphPropagator(adjacency, features, n_hops=n_hops)
        elapsed = best_time(lambda p=propagator: p.fit_transform(nodes))
        print(
            f"GraphPropagator n_hops={n_hops}, fit_transform     {elapsed:8.4f} s"
            f"  ratio {elapsed / anchor:5.1f}"
        )
    fitted = GraphPropagator(adjacency, features, n_hops=2).fit(nodes)
    test_nodes = nodes[: N_NODES // 5]
    elapsed = best_time(lambda: fitted.transform(test_nodes))
    print(
        f"GraphPropagator n_hops=2, transform 20% of nodes {elapsed:6.4f} s"
        f"  ratio {elapsed / anchor:5.1f}"
    )


if __name__ == "__main__":
    main()
