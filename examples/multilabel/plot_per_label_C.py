"""
===================================================
One C per label: cross-validated, along one path
===================================================

Each label of a multi-label logistic model is its own penalised problem, so it
can have its own regularisation: a frequent label with many positives can
afford a weak penalty (a large C), a rare one needs a strong penalty (a small
C) not to overfit its few positives. ``GridSearchCV`` over
:class:`skbce.MultiLabelLogisticClassifier` gives one C for all labels;
:class:`skbce.MultiLabelLogisticClassifierCV` chooses one per label, by the
held-out binary cross-entropy (BCE) of each label, walking the path of Cs once
per fold for all labels together.

This example compares the two on the yeast gene functions and the Enron
e-mail categories: the held-out BCE and, after tuning a decision threshold per
label for F1 with :class:`skbce.OptimalThresholdClassifier`, the macro-F1 on a
test split; and it plots the C each label chose against its frequency.
"""

# %%
# Data: a dense and a sparse multi-label set
# ------------------------------------------
# yeast comes with a train/test split; enron (the labels with at least five
# positives) is split with :class:`~skbce.model_selection.MultiLabelStratifiedKFold`,
# so that every label keeps its share of positives in the test set.
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import NullFormatter
from sklearn.metrics import f1_score, log_loss
from sklearn.model_selection import GridSearchCV
from sklearn.preprocessing import StandardScaler

from skbce import (
    MultiLabelLogisticClassifier,
    MultiLabelLogisticClassifierCV,
    OptimalThresholdClassifier,
)
from skbce.datasets import load_enron, load_yeast
from skbce.metrics import bce_scorer
from skbce.model_selection import MultiLabelStratifiedKFold


def yeast():
    X_train, Y_train = load_yeast(subset="train", return_X_y=True)
    X_test, Y_test = load_yeast(subset="test", return_X_y=True)
    scaler = StandardScaler().fit(X_train)
    return scaler.transform(X_train), Y_train, scaler.transform(X_test), Y_test


def enron():
    X, Y = load_enron(return_X_y=True)
    Y = Y[:, Y.sum(axis=0) >= 5]
    train, test = next(MultiLabelStratifiedKFold(4).split(X, Y))
    return X[train], Y[train], X[test], Y[test]


data = {"yeast": yeast(), "enron": enron()}
for name, (X_train, Y_train, _, _) in data.items():
    print(f"{name}: {X_train.shape[0]} training rows, {Y_train.shape[1]} labels")

# %%
# Per-label C against one C
# -------------------------
# The same grid of Cs and the same five stratified folds for both. The scorer
# of the grid search is :data:`skbce.metrics.bce_scorer`, the mean over labels
# of each label's BCE: ``scoring="neg_log_loss"`` would read the probabilities
# of all labels as one distribution over classes (and warn that they do not
# sum to one). Each model's decision thresholds are then tuned for F1 on its
# out-of-fold probabilities, at its chosen C.
Cs = np.logspace(-3, 2, 11)


def label_bce(Y, P):
    """Each label's held-out BCE (log_loss of its column)."""
    return np.array(
        [log_loss(Y[:, k], P[:, k], labels=[0, 1]) for k in range(len(P.T))]
    )


results = {}
for name, (X_train, Y_train, X_test, Y_test) in data.items():
    folds = list(MultiLabelStratifiedKFold(5).split(X_train, Y_train))
    per_label = MultiLabelLogisticClassifierCV(Cs=Cs, cv=folds).fit(X_train, Y_train)
    search = GridSearchCV(
        MultiLabelLogisticClassifier(), {"C": Cs}, scoring=bce_scorer, cv=folds
    ).fit(X_train, Y_train)
    models = {"per-label C": per_label.C_, "one C": search.best_params_["C"]}
    results[name] = {"models": models}
    for label, C in models.items():
        model = MultiLabelLogisticClassifier(C=C)
        tuned = OptimalThresholdClassifier(model, cv=folds).fit(X_train, Y_train)
        proba = tuned.predict_proba(X_test)
        bce = label_bce(Y_test, proba)
        f1 = f1_score(Y_test, tuned.predict(X_test), average="macro", zero_division=0)
        results[name][label] = bce
        print(
            f"{name:6s} {label:12s} held-out BCE {bce.mean():.4f}   "
            f"macro-F1 after threshold tuning {f1:.4f}"
        )
    print(f"{name:6s} the grid search's one C: {search.best_params_['C']:.3g}")

# %%
# Per-label C lowers the held-out BCE, the criterion it selects on, on both
# data sets, if by little on average: many labels pick the C of the grid
# search. Macro-F1 after threshold tuning is another
# criterion: the C of lowest BCE need not be the C of best thresholded F1, and
# the F1 of a label with a handful of test positives moves by a lot with one
# prediction, so it may go either way (on enron it is lower in this run).
#
# Which C each label chose
# ------------------------
# Top: the C each label chose against its frequency in the training data,
# with the single grid-searched C as a line. Bottom: each label's held-out
# BCE with its own C minus with the single C (below zero: its own C is
# better). The choices spread over three orders of magnitude on enron, with
# no simple rule in the label's frequency: the best penalty depends on how
# well the features separate the label, not only on its number of positives.
# Per label the held-out difference is noisy (a choice made on four folds of
# few positives), but it is negative where the choice departs most from the
# single C on the frequent labels.
fig, axes = plt.subplots(2, 2, figsize=(10, 7), sharex="col", layout="constrained")
for column, (name, (_, Y_train, _, _)) in enumerate(data.items()):
    frequency = Y_train.mean(axis=0)
    result = results[name]
    top, bottom = axes[:, column]
    top.scatter(frequency, result["models"]["per-label C"], alpha=0.7)
    top.axhline(result["models"]["one C"], color="C1", label="one C (GridSearchCV)")
    top.set(xscale="log", yscale="log", title=name, ylabel="chosen C per label")
    top.set_yticks(Cs[::2], [f"{C:g}" for C in Cs[::2]])
    top.yaxis.set_minor_formatter(NullFormatter())
    top.legend(loc="upper right")  # the points sit low: C <= 1
    gain = result["per-label C"] - result["one C"]
    bottom.scatter(frequency, gain, alpha=0.7, color="C2")
    bottom.axhline(0, color="gray", lw=0.8)
    bottom.set(
        xscale="log",
        xlabel="label frequency (training)",
        ylabel="held-out BCE: own C - one C",
    )
    bottom.xaxis.set_minor_formatter(NullFormatter())
plt.show()
