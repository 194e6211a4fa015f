"""
============================================================
Per-label F1-optimal thresholds on the yeast gene functions
============================================================

A multi-label classifier trained with binary cross-entropy outputs one
probability per label; cutting every label at 0.5 ignores that most of the 14
functional classes of the yeast data are rare, and F1 rewards finding them.
:class:`skbce.OptimalThresholdClassifier` picks, on out-of-fold scores of the
training split, the exact threshold of each label that maximizes its F1
("macro"), or the thresholds that jointly maximize the pooled F1 ("micro").
Both are then judged on MULAN's held-out test split.
"""

# %%
# The data: MULAN's standard train/test split of 2417 genes x 103 features,
# 14 functional classes, as DataFrames: the label names (``Class1`` ...
# ``Class14``) stay with the models, in their ``classes_`` and warnings.
import matplotlib.pyplot as plt
import numpy as np
from sklearn.metrics import f1_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skbce import MultiLabelLogisticClassifier, OptimalThresholdClassifier
from skbce.datasets import load_yeast

X_train, Y_train = load_yeast(subset="train", return_X_y=True, as_frame=True)
X_test, Y_test = load_yeast(subset="test", return_X_y=True, as_frame=True)
print(f"train {X_train.shape}, test {X_test.shape}, labels {Y_train.shape[1]}")
print("label prevalence:", Y_train.mean(axis=0).round(2).to_dict())

# %%
# One logistic (BCE) output per label, all labels fitted together, cut at 0.5.
model = make_pipeline(StandardScaler(), MultiLabelLogisticClassifier(C=0.1))
model.fit(X_train, Y_train)
Y_05 = model.predict(X_test)

# %%
# Tuned thresholds, from 5-fold out-of-fold scores on the training split only.
macro = OptimalThresholdClassifier(model, objective="f1", average="macro", cv=5)
micro = OptimalThresholdClassifier(model, objective="f1", average="micro", cv=5)
macro.fit(X_train, Y_train)
micro.fit(X_train, Y_train)

results = {
    "cut at 0.5": Y_05,
    "tuned, macro": macro.predict(X_test),
    "tuned, micro": micro.predict(X_test),
}
print(f"{'':14s} {'macro-F1':>9s} {'micro-F1':>9s}   (test split)")
for name, Y_pred in results.items():
    print(
        f"{name:14s} {f1_score(Y_test, Y_pred, average='macro'):9.3f} "
        f"{f1_score(Y_test, Y_pred, average='micro'):9.3f}"
    )

# %%
# The thresholds per label: mostly far below 0.5. At the optimum of a calibrated
# model, the F1-optimal threshold is half the best F1 reached. Micro averaging
# may switch a label off entirely (threshold ``+inf``, drawn at 1): predicting
# nothing for a hopeless rare label can raise the pooled F1.
print("never predicted under micro:", micro.classes_[np.isinf(micro.best_threshold_)])
fig, ax = plt.subplots(figsize=(7, 3.5), layout="constrained")
labels = np.arange(len(macro.classes_))
ax.bar(labels - 0.2, macro.best_threshold_, width=0.4, label="macro")
ax.bar(
    labels + 0.2,
    np.minimum(micro.best_threshold_, 1),
    width=0.4,
    label="micro (never predicted: drawn at 1)",
)
ax.axhline(0.5, color="black", linestyle="--", linewidth=1, label="0.5")
ax.set_xticks(labels, macro.classes_, rotation=60)
ax.set_ylabel("decision threshold")
ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1), fontsize="small")

# %%
# The held-out F1 curve behind one threshold (the rarest label), from
# ``cv_results_``: pooled over the five folds, and fold by fold. The pooled
# curve is what the search maximizes; the folds show how much it varies.
rare = int(np.argmin(Y_train.mean(axis=0)))
name = macro.classes_[rare]
curve = macro.cv_results_[rare]
thresholds = curve["thresholds"][1:]  # without +inf, nothing positive
fig, ax = plt.subplots(figsize=(7, 3.5), layout="constrained")
for k, fold in enumerate(curve["fold_objective"]):
    ax.plot(
        thresholds,
        fold[1:],
        drawstyle="steps-post",
        color="0.6",
        linewidth=0.8,
        label="each fold" if k == 0 else None,
    )
ax.plot(thresholds, curve["objective"][1:], drawstyle="steps-post", label="pooled")
ax.axvline(
    macro.best_threshold_[rare],
    color="black",
    linestyle="--",
    label=f"chosen threshold {macro.best_threshold_[rare]:.3f}",
)
ax.set_xlim(0, 0.1)
ax.set(xlabel="threshold", ylabel="out-of-fold F1")
ax.set_title(f"{name}: prevalence {Y_train[name].mean():.1%}")
ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1), fontsize="small")
plt.show()
