"""
=====================================================================
Screening for a rare disease: F1-optimal and cost-based thresholds
=====================================================================

A screening test combines a few blood markers into a probability of disease.
The disease is rare (1% of the screened population), so even a good model
rarely gives anyone a probability above one half: cutting at 0.5 flags almost
nobody and misses almost every case. The threshold has to be chosen for what
the screen is for:

- the **F1-optimal** threshold balances missed cases against false alarms
  among the flagged; for a calibrated model it equals half the best F1, far
  below 0.5 when the disease is rare;
- the **cost-based** threshold weighs the consequences: if missing a case
  costs 50 times as much as a false alarm (a follow-up test), the optimal rule
  flags everyone whose probability exceeds :math:`1 / (1 + 50) \\approx 0.02`.

Both thresholds are tuned on out-of-fold scores of the training cohort with
:class:`skbce.OptimalThresholdClassifier` and judged on a separate cohort. The
data are simulated.
"""

# %%
# Two cohorts of 10,000 people; four markers shift slightly with the disease.
import matplotlib.pyplot as plt
import numpy as np
from sklearn.metrics import confusion_matrix

from skbce import MultiLabelLogisticClassifier, OptimalThresholdClassifier
from skbce.display import ThresholdCurveDisplay

rng = np.random.default_rng(0)
shift = np.array([1.0, 0.8, 0.5, 0.0])  # the last marker is noise


def cohort(n, prevalence=0.01):
    disease = (rng.random(n) < prevalence).astype(int)
    markers = rng.normal(size=(n, shift.size)) + np.outer(disease, shift)
    return markers, disease


X_train, y_train = cohort(10_000)
X_test, y_test = cohort(10_000)
print(f"cases: {y_train.sum()} in training, {y_test.sum()} in test")

# %%
# The model and the two tuned thresholds. ``fn_cost=50, fp_cost=1`` makes the
# objective minus the mean cost per person screened.
model = MultiLabelLogisticClassifier().fit(X_train, y_train)
f1_tuned = OptimalThresholdClassifier(model, objective="f1").fit(X_train, y_train)
cost_tuned = OptimalThresholdClassifier(
    model, objective="cost", fp_cost=1, fn_cost=50
).fit(X_train, y_train)
print(f"F1-optimal threshold:   {f1_tuned.best_threshold_:.3f}")
print(f"cost-based threshold:   {cost_tuned.best_threshold_:.3f} (Elkan: {1 / 51:.3f})")

# %%
# On the test cohort: what each rule flags, finds and costs.
proba = model.predict_proba(X_test)[:, 1]
rules = {
    "cut at 0.5": 0.5,
    "F1-optimal": f1_tuned.best_threshold_,
    "cost-based": cost_tuned.best_threshold_,
}
print(f"{'rule':12s}{'flagged':>9s}{'cases found':>13s}{'F1':>7s}{'cost/1000':>11s}")
for name, threshold in rules.items():
    tn, fp, fn, tp = confusion_matrix(y_test, proba >= threshold).ravel()
    f1 = 2 * tp / (2 * tp + fp + fn)
    cost = (fp + 50 * fn) / len(y_test) * 1000
    print(f"{name:12s}{tp + fp:9d}{f'{tp} of {tp + fn}':>13s}{f1:7.3f}{cost:11.1f}")

# %%
# The two objectives against the threshold on the test cohort, with the
# thresholds tuned on the training cohort marked. Both optima sit far below 0.5,
# the cost optimum lower still: a missed case is so expensive that the screen
# accepts many false alarms.
fig, (ax_f1, ax_cost) = plt.subplots(2, 1, figsize=(8, 6.5), layout="constrained")
ThresholdCurveDisplay.from_estimator(
    f1_tuned, X_test, y_test, name="test cohort", ax=ax_f1
)
ThresholdCurveDisplay.from_estimator(
    cost_tuned,
    X_test,
    y_test,
    name="test cohort",
    ax=ax_cost,
    show_precision_recall=False,
)
for ax in (ax_f1, ax_cost):
    ax.axvline(0.5, color="0.5", linestyle=":", linewidth=1)
    ax.set_xlim(0, 0.6)
ax_f1.set_title("F1 (higher is better)")
ax_cost.set_title("minus the cost per person (higher is better)")
plt.show()
