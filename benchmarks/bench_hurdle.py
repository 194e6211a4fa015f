"""Fit time and log-likelihood of HurdleRegressor against statsmodels, in one run.

Data: the RAND Health Insurance Experiment (``statsmodels.datasets.randhie``,
shipped with statsmodels: 20,190 rows, 9 covariates, target ``mdvis``, 31% zeros)
and the same rows tiled to 400,000.

Two comparisons, each on the same likelihood:

- Poisson hurdle with a logit zero part (pscl's default): skbce
  ``HurdleRegressor()`` against statsmodels ``Logit`` on ``y > 0`` plus
  ``TruncatedLFPoisson`` on the positive rows (statsmodels has no logit hurdle).
- Negative binomial hurdle: statsmodels ``HurdleCountModel(dist="negbin")``, whose
  zero part is a Poisson censored at zero, i.e. a binary model of ``y > 0`` with
  the complementary log-log link, against skbce
  ``HurdleRegressor(zero_model="cloglog", count_model="negbin")``.

statsmodels is run with ``method="newton"`` (its most accurate solver; the
default BFGS with ``maxiter=35`` stops before convergence on these data) and
``maxiter=100``. Times are the best of a few repeats, with BLAS limited to
``--threads`` threads (1 by default) for both libraries.
Run with ``python benchmarks/bench_hurdle.py [--quick]``.
"""

import argparse
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import statsmodels.api as sm
from statsmodels.discrete.truncated_model import HurdleCountModel, TruncatedLFPoisson
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout

from skbce import HurdleRegressor  # noqa: E402


def best_time(fit, X, y, repeat):
    """Smallest wall time of ``repeat`` calls of ``fit(X, y)``, and its result."""
    best, result = np.inf, None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fit(X, y)
        best = min(best, time.perf_counter() - start)
    return best, result


def statsmodels_logit_truncated_poisson(X, y):
    Xc = sm.add_constant(X, has_constant="add")
    positive = y > 0
    zero = sm.Logit(positive.astype(float), Xc).fit(
        disp=0, method="newton", maxiter=100
    )
    count = TruncatedLFPoisson(y[positive], Xc[positive]).fit(
        disp=0, method="newton", maxiter=100
    )
    return zero.llf + count.llf


def statsmodels_negbin_hurdle(X, y):
    Xc = sm.add_constant(X, has_constant="add")
    model = HurdleCountModel(y, Xc, dist="negbin")
    return model.fit(disp=0, method="newton", maxiter=100).llf


def skbce_fit(**params):
    def fit(X, y):
        return HurdleRegressor(**params).fit(X, y).loglik_

    return fit


CASES = [
    (
        "poisson (logit zero)",
        skbce_fit(),
        statsmodels_logit_truncated_poisson,
        "Logit + TruncatedLFPoisson",
    ),
    (
        "negbin (cloglog zero)",
        skbce_fit(zero_model="cloglog", count_model="negbin"),
        statsmodels_negbin_hurdle,
        'HurdleCountModel(dist="negbin")',
    ),
]


def parse_arguments(description):
    """``--quick`` (the 20k rows only) and ``--threads`` (BLAS threads)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument(
        "--quick", action="store_true", help="only the 20k-row data set"
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=1,
        help="BLAS threads for both libraries (default 1: steadier on a shared box)",
    )
    return parser


def randhie_sizes(quick, n_big=400_000):
    """``(name, X, y)`` of randhie (target mdvis) and, unless ``quick``, its
    rows tiled to ``n_big``."""
    data = sm.datasets.randhie.load_pandas().data
    y = data["mdvis"].to_numpy(dtype=float)
    X = data.drop(columns="mdvis").to_numpy(dtype=float)
    reps = int(np.ceil(n_big / len(y)))
    sizes = [("randhie", X, y)]
    if not quick:
        sizes.append(
            ("randhie x20", np.tile(X, (reps, 1))[:n_big], np.tile(y, reps)[:n_big])
        )
    return sizes


def main():
    args = parse_arguments(__doc__.splitlines()[0]).parse_args()
    sizes = randhie_sizes(args.quick)
    header = (
        f"{'data':>12} {'n':>8} {'model':>22} {'skbce s':>9} {'statsm. s':>9} "
        f"{'speed-up':>9} {'loglik skbce':>17} {'loglik statsm.':>17} {'rel. diff':>10}"
    )
    print(header)
    print("-" * len(header))
    for data_name, X_, y_ in sizes:
        big = len(y_) > 100_000
        for name, ours, theirs, _ in CASES:
            with warnings.catch_warnings(), threadpool_limits(args.threads):
                warnings.simplefilter("ignore")
                t_ours, ll_ours = best_time(ours, X_, y_, 3 if big else 7)
                t_sm, ll_sm = best_time(theirs, X_, y_, 1 if big else 2)
            rel = (ll_ours - ll_sm) / abs(ll_sm)
            print(
                f"{data_name:>12} {len(y_):>8} {name:>22} {t_ours:>9.4f} {t_sm:>9.3f} "
                f"{t_sm / t_ours:>8.1f}x {ll_ours:>17.6f} {ll_sm:>17.6f} {rel:>10.1e}"
            )
    print()
    print("statsmodels anchors: " + "; ".join(f"{c[0]}: {c[3]}" for c in CASES))
    print("rel. diff = (loglik skbce - loglik statsmodels) / |loglik statsmodels|")


if __name__ == "__main__":
    main()
