"""
================================================================
Learning online: transcription terminators from the hairpin ΔG
================================================================

A bacterial intrinsic terminator is a GC-rich RNA hairpin followed by a run of
uridines: the more stable the hairpin (the more negative its folding free energy
ΔG), the more likely the sequence stops transcription. A lab testing candidate
sequences one at a time wants a model from the very first pair of results, a
terminator and a read-through, and a better one after every new measurement.

:meth:`skbce.MultiLabelLogisticClassifier.partial_fit` does this: each call
takes one stochastic Newton step preconditioned by the curvature of everything
seen so far, with the L2 penalty acting as a Gaussian prior, so the first
updates on one or two examples are finite and sensible. The data here are
simulated from a logistic law with a known midpoint.
"""

# %%
# Simulated measurements: ΔG in kcal/mol, terminators mostly below -12.
import matplotlib.pyplot as plt
import numpy as np
from scipy.special import expit

from skbce import MultiLabelLogisticClassifier
from skbce.losses import binary_cross_entropy

rng = np.random.default_rng(1)


def measure(n):
    """ΔG of n candidate hairpins and whether each terminates transcription."""
    delta_g = rng.uniform(-25, -2, size=n)
    terminates = rng.random(n) < expit(-(delta_g + 12) / 2)
    return delta_g[:, None], terminates.astype(int)


X_test, y_test = measure(2000)  # a large reference set, to judge the model
X_stream, y_stream = measure(200)  # the lab's results, in order

# %%
# The first pair: one terminator and one read-through.
first = [np.flatnonzero(y_stream == 1)[0], np.flatnonzero(y_stream == 0)[0]]
rest = np.setdiff1d(np.arange(len(y_stream)), first)
model = MultiLabelLogisticClassifier(C=1.0)
model.partial_fit(X_stream[first], y_stream[first], classes=[0, 1])
print("after the first pair: ΔG", X_stream[first].ravel().round(1))

# %%
# Then one new result at a time. After each update we record the held-out
# binary cross-entropy (the log loss, computed from the logits) and the
# estimated midpoint ΔG (where p = 0.5), and keep the fitted curve after a few
# milestones.
grid = np.linspace(-25, -2, 200)[:, None]
curves = {2: model.predict_proba(grid)[:, 1]}


def held_out_loss(model):
    return binary_cross_entropy(y_test, model.decision_function(X_test))


losses = [held_out_loss(model)]
for n_seen, i in enumerate(rest, start=3):
    model.partial_fit(X_stream[[i]], y_stream[[i]])
    losses.append(held_out_loss(model))
    if n_seen in (5, 20, 200):
        curves[n_seen] = model.predict_proba(grid)[:, 1]
midpoint = -model.intercept_[0] / model.coef_[0, 0]
print(f"held-out loss: {losses[0]:.3f} after 2 examples, {losses[-1]:.3f} after 200")
print(f"estimated midpoint: {midpoint:.1f} kcal/mol (true -12)")
print("first ten results:", y_stream[np.r_[first, rest[:8]]])

# %%
# One stream is noisy: a few unlucky results in a row (here read-throughs at
# strong hairpins) can make the model worse for a while. Over 10 other
# simulated labs, the median held-out loss falls as examples come in, fast
# after the first ten (the band holds the middle half of the labs).
other_labs = []
for _ in range(10):
    X_lab, y_lab = measure(200)
    order = np.r_[np.flatnonzero(y_lab == 1)[0], np.flatnonzero(y_lab == 0)[0]]
    order = np.r_[order, np.setdiff1d(np.arange(200), order)]
    lab = MultiLabelLogisticClassifier(C=1.0)
    lab.partial_fit(X_lab[order[:2]], y_lab[order[:2]], classes=[0, 1])
    lab_losses = [held_out_loss(lab)]
    for i in order[2:]:
        lab.partial_fit(X_lab[[i]], y_lab[[i]])
        lab_losses.append(held_out_loss(lab))
    other_labs.append(lab_losses)
quartiles = np.quantile(other_labs, [0.25, 0.5, 0.75], axis=0)

# %%
# The reference: the batch fit on all 200 results (what ``fit`` would give).
batch = MultiLabelLogisticClassifier(C=1.0).fit(X_stream, y_stream)
batch_loss = held_out_loss(batch)
best_loss = binary_cross_entropy(y_test, -(X_test[:, 0] + 12) / 2)

fig, (ax_curve, ax_loss) = plt.subplots(1, 2, figsize=(10, 3.8))
for n_seen, curve in curves.items():
    ax_curve.plot(grid, curve, label=f"after {n_seen} examples")
ax_curve.plot(grid, expit(-(grid + 12) / 2), "k:", label="true law")
ax_curve.set(xlabel="hairpin ΔG (kcal/mol)", ylabel="p(terminator)")
ax_curve.legend(fontsize="small")

seen = np.arange(2, 201)
ax_loss.plot(seen, losses, color="C0", alpha=0.5, label="this lab's stream")
ax_loss.plot(seen, quartiles[1], color="C0", label="median of 10 other labs")
ax_loss.fill_between(seen, quartiles[0], quartiles[2], color="C0", alpha=0.2)
ax_loss.axhline(batch_loss, color="C1", linestyle="--", label="fit on all 200")
ax_loss.axhline(best_loss, color="black", linestyle=":", label="true law")
ax_loss.set(xscale="log", xlabel="examples seen", ylabel="held-out BCE (log loss)")
ax_loss.legend(fontsize="small")
fig.tight_layout()
plt.show()
