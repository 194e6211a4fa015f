"""Time the vectorised temperature solve against a per-label scipy loop.

Run from the repository root: ``python benchmarks/bench_temperature.py``. The
anchor solves the same problems label by label with
:func:`scipy.optimize.minimize_scalar` (bounded Brent on the loss, the usual way
to fit one temperature); skbce solves all labels at once by safeguarded Newton.
Both are timed in the same run and the largest difference of the temperatures
is printed (Brent on the loss is only accurate to about sqrt(machine epsilon)).
"""

import sys
import time
from pathlib import Path

import numpy as np
from scipy.optimize import minimize_scalar

# Run from a checkout without installing skbce: the repository root goes first.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from skbce._loss import _binary  # noqa: E402
from skbce.calibration._temperature import _fit_temperature  # noqa: E402

REPEATS = 3


def best_time(func):
    """Best wall time of ``REPEATS`` calls, and the last result."""
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - start)
    return min(times), result


def per_label_scipy(logits, y, bounds):
    """One bounded Brent minimisation of the mean BCE per label."""
    temperatures = np.empty(logits.shape[1])
    for k in range(logits.shape[1]):
        z, t = logits[:, k], y[:, k]
        result = minimize_scalar(
            lambda temperature, z=z, t=t: _binary.loss(t, z / temperature).mean(),
            bounds=bounds,
            method="bounded",
            options={"xatol": 1e-10},
        )
        temperatures[k] = result.x
    return temperatures


def main():
    rng = np.random.default_rng(0)
    bounds = (1e-2, 1e2)
    for n_samples, n_labels in [(10_000, 10), (100_000, 50)]:
        true_logits = rng.normal(scale=2, size=(n_samples, n_labels))
        y = (rng.uniform(size=true_logits.shape) < 1 / (1 + np.exp(-true_logits))) * 1.0
        logits = true_logits * rng.uniform(1, 4, size=n_labels)  # over-confident
        anchor, expected = best_time(
            lambda z=logits, t=y: per_label_scipy(z, t, bounds)
        )
        elapsed, (temperature, n_iter) = best_time(
            lambda z=logits, t=y: _fit_temperature(z, t, bounds=bounds)
        )
        print(
            f"{n_samples} samples x {n_labels} labels: scipy per label "
            f"{anchor:7.3f} s, skbce vectorised {elapsed:7.3f} s "
            f"({n_iter} Newton iterations), speed-up {anchor / elapsed:5.1f}x, "
            f"max |T - T_scipy| {np.abs(temperature - expected).max():.1e}"
        )


if __name__ == "__main__":
    main()
