"""Fit time and log-likelihood of ZeroInflatedRegressor against statsmodels.

Data: the RAND Health Insurance Experiment (``statsmodels.datasets.randhie``,
shipped with statsmodels: 20,190 rows, 9 covariates, target ``mdvis``, 31% zeros)
and the same rows tiled to 400,000. Both parts use every covariate.

- zero-inflated Poisson: skbce ``ZeroInflatedRegressor()`` against statsmodels
  ``ZeroInflatedPoisson``;
- zero-inflated negative binomial (NB2): ``ZeroInflatedRegressor(
  count_model="negbin")`` against ``ZeroInflatedNegativeBinomialP`` (p=2).

statsmodels runs as its documentation suggests for an accurate fit: Newton's
method (``method="newton"``, ``maxiter=100``) from its own start values (zeros
for the inflation part, the count model fitted alone by Nelder-Mead). Whether it
converged is printed with its log-likelihood. Its maximum, which skbce's fit
must reach, is checked once on the 20k rows with statsmodels' BFGS then Newton
(``--reference``). Times are the best of a few repeats for skbce and one run
for statsmodels at 400k rows (several minutes each), with BLAS limited to
``--threads`` threads (1 by default) for both libraries, in one run so that
the ratios are comparable on a shared machine; the load average is printed.

Run with ``python benchmarks/bench_count.py [--quick] [--reference]``.
"""

import os
import sys
import warnings
from pathlib import Path

import statsmodels.api as sm
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout

from bench_hurdle import best_time, parse_arguments, randhie_sizes  # noqa: E402

from skbce import ZeroInflatedRegressor  # noqa: E402

MODELS = {
    "ZIP": ("poisson", sm.ZeroInflatedPoisson),
    "ZINB": ("negbin", sm.ZeroInflatedNegativeBinomialP),
}


def skbce_fit(count_model):
    def fit(X, y):
        model = ZeroInflatedRegressor(count_model=count_model).fit(X, y)
        return model.loglik_, True

    return fit


def statsmodels_fit(model_class):
    def fit(X, y):
        Xc = sm.add_constant(X, has_constant="add")
        result = model_class(y, Xc, exog_infl=Xc).fit(
            disp=0, method="newton", maxiter=100
        )
        return result.llf, bool(result.mle_retvals["converged"])

    return fit


def statsmodels_maximum(model_class, X, y):
    """statsmodels' maximum: BFGS to convergence, then Newton from there."""
    Xc = sm.add_constant(X, has_constant="add")
    model = model_class(y, Xc, exog_infl=Xc)
    start = model.fit(disp=0, method="bfgs", maxiter=5000, gtol=1e-8)
    result = model.fit(start_params=start.params, disp=0, method="newton")
    return result.llf, bool(result.mle_retvals["converged"])


def main():
    parser = parse_arguments(__doc__.splitlines()[0])
    parser.add_argument(
        "--reference",
        action="store_true",
        help="also statsmodels' maximum on the 20k rows (BFGS, then Newton)",
    )
    args = parser.parse_args()
    sizes = randhie_sizes(args.quick)
    X, y = sizes[0][1:]
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    header = (
        f"{'data':>12} {'n':>8} {'model':>5} {'skbce s':>9} {'statsm. s':>9} "
        f"{'speed-up':>9} {'loglik skbce':>17} {'loglik statsm.':>17} "
        f"{'statsm. converged':>17}"
    )
    print(header)
    print("-" * len(header))
    for data_name, X_, y_ in sizes:
        big = len(y_) > 100_000
        for name, (count_model, model_class) in MODELS.items():
            with warnings.catch_warnings(), threadpool_limits(args.threads):
                warnings.simplefilter("ignore")
                t_ours, (ll_ours, _) = best_time(
                    skbce_fit(count_model), X_, y_, 2 if big else 5
                )
                t_sm, (ll_sm, converged) = best_time(
                    statsmodels_fit(model_class), X_, y_, 1
                )
            print(
                f"{data_name:>12} {len(y_):>8} {name:>5} {t_ours:>9.3f} "
                f"{t_sm:>9.2f} {t_sm / t_ours:>8.1f}x {ll_ours:>17.6f} "
                f"{ll_sm:>17.6f} {str(converged):>17}",
                flush=True,
            )
    if args.reference:
        print()
        print("statsmodels' maximum on randhie (BFGS to convergence, then Newton):")
        with warnings.catch_warnings(), threadpool_limits(args.threads):
            warnings.simplefilter("ignore")
            for name, (count_model, model_class) in MODELS.items():
                ll_max, converged = statsmodels_maximum(model_class, X, y)
                ll_ours, _ = skbce_fit(count_model)(X, y)
                print(
                    f"{name:>5}: statsmodels {ll_max:.6f} (converged {converged}), "
                    f"skbce {ll_ours:.6f}, rel. diff "
                    f"{(ll_ours - ll_max) / abs(ll_max):.1e}"
                )
    print(f"load average {os.getloadavg()[0]:.2f} at the end")


if __name__ == "__main__":
    main()
