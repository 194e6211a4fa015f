"""
=====================================================================
Tipping point: special grain boundaries from the misorientation angle
=====================================================================

A grain boundary in a polycrystal is *special* (low energy, resistant to
corrosion and cracking) or *general*. The simplest descriptor is the
misorientation angle θ between the two grains: low-angle boundaries, made of
arrays of dislocations, are special, and above some angle the dislocation cores
overlap and the boundary turns general. Where is that tipping point?

With one feature, logistic regression (the BCE model) answers directly:
:math:`p(\\theta) = \\sigma(w\\,\\theta + b)` crosses one half at
:math:`\\theta^* = -b / w`. This example fits it to simulated boundaries (a
known tipping point at 15°, the Read-Shockley / Brandon limit, blurred by
measurement noise), reads off :math:`\\theta^*` and bootstraps its uncertainty.
"""

# %%
# Simulated boundaries: θ uniform over the range of cubic crystals (0° to
# 62.8°), special with a probability that falls from 1 to 0 around 15°.
import matplotlib.pyplot as plt
import numpy as np
from scipy.special import expit

from skbce import MultiLabelLogisticClassifier

rng = np.random.default_rng(0)
n_boundaries = 400
theta = rng.uniform(0, 62.8, size=n_boundaries)
true_tipping, true_width = 15.0, 2.0
special = rng.random(n_boundaries) < expit(-(theta - true_tipping) / true_width)
X = theta[:, None]
print(f"{special.sum()} special boundaries out of {n_boundaries}")

# %%
# The fit. A large ``C`` makes the L2 penalty negligible: this is the maximum
# likelihood fit, as a statistician would do it with one predictor.
model = MultiLabelLogisticClassifier(C=1e4).fit(X, special)
w, b = model.coef_[0, 0], model.intercept_[0]
tipping = -b / w
print(f"p(special) = sigmoid({w:.3f} * theta + {b:.2f})")
print(f"tipping point: p = 0.5 at theta = {tipping:.2f} deg (true {true_tipping})")

# %%
# How sure are we? Refit on bootstrap resamples of the boundaries and take the
# 2.5% and 97.5% quantiles of the tipping point.
tippings = []
for _ in range(200):
    rows = rng.integers(0, n_boundaries, size=n_boundaries)
    boot = MultiLabelLogisticClassifier(C=1e4).fit(X[rows], special[rows])
    tippings.append(-boot.intercept_[0] / boot.coef_[0, 0])
low, high = np.quantile(tippings, [0.025, 0.975])
print(f"95% bootstrap interval: [{low:.2f}, {high:.2f}] deg")

# %%
# The data (special at 1, general at 0, with a little vertical jitter), the
# fitted sigmoid and the tipping point with its interval.
grid = np.linspace(0, 62.8, 400)[:, None]
fig, ax = plt.subplots(figsize=(7, 3.8))
jitter = rng.uniform(-0.03, 0.03, size=n_boundaries)
ax.scatter(theta, special + jitter, s=8, alpha=0.5, color="0.3", label="boundaries")
ax.plot(grid, model.predict_proba(grid)[:, 1], color="C0", label="fitted p(special)")
ax.plot(
    grid,
    expit(-(grid - true_tipping) / true_width),
    color="C0",
    linestyle=":",
    label="true p(special)",
)
ax.axvspan(low, high, color="C3", alpha=0.15, label="95% bootstrap interval")
ax.axvline(tipping, color="C3", label=f"tipping point {tipping:.1f} deg")
ax.axhline(0.5, color="black", linewidth=0.8, linestyle="--")
ax.set(xlabel="misorientation angle θ (degrees)", ylabel="p(special)")
ax.legend(loc="center right", fontsize="small")
fig.tight_layout()
plt.show()
