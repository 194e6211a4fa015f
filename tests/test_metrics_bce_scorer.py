"""Tests of skbce.metrics.bce_scorer against scikit-learn's log_loss, label by
label, and of its use in model selection."""

import copy
import doctest
import pickle
import warnings

import numpy as np
import pytest
import sklearn
from numpy.testing import assert_allclose
from sklearn.ensemble import RandomForestClassifier
from sklearn.exceptions import UnsetMetadataPassedError
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import get_scorer, log_loss
from sklearn.model_selection import GridSearchCV, KFold, cross_validate
from sklearn.multiclass import OneVsRestClassifier
from sklearn.multioutput import MultiOutputClassifier
from sklearn.preprocessing import StandardScaler

from skbce import MultiLabelLogisticClassifier
from skbce.datasets import load_yeast
from skbce.metrics import bce_scorer


@pytest.fixture(scope="module")
def yeast():
    X, Y = load_yeast(return_X_y=True)
    return StandardScaler().fit_transform(X)[:500], Y[:500, :5]


def _by_hand(Y, P, sample_weight=None):
    """Minus the mean over labels of scikit-learn's log_loss of each column."""
    return -np.mean(
        [
            log_loss(Y[:, k], P[:, k], sample_weight=sample_weight, labels=[0, 1])
            for k in range(Y.shape[1])
        ]
    )


@pytest.mark.parametrize("weighted", [False, True])
def test_multilabel_score_is_the_mean_of_each_labels_log_loss(yeast, weighted):
    """Check the multi-label score: minus the mean over labels of log_loss of
    each label's column, with sample weights."""
    X, Y = yeast
    sample_weight = np.random.default_rng(0).uniform(0, 2, len(X)) if weighted else None
    model = MultiLabelLogisticClassifier().fit(X, Y)
    assert_allclose(
        bce_scorer(model, X, Y, sample_weight=sample_weight),
        _by_hand(Y, model.predict_proba(X), sample_weight),
        rtol=1e-12,
    )


def test_two_labels_are_two_labels_not_a_binary_target(yeast):
    """Check a two-label model, whose classes_ [0, 1] make scikit-learn's
    scorers take its predict_proba for a binary one (they keep column 1):
    bce_scorer scores both labels."""
    X, Y = yeast
    model = MultiLabelLogisticClassifier().fit(X, Y[:, :2])
    expected = _by_hand(Y[:, :2], model.predict_proba(X))
    assert_allclose(bce_scorer(model, X, Y[:, :2]), expected, rtol=1e-12)
    assert not np.isclose(get_scorer("neg_log_loss")(model, X, Y[:, :2]), expected)


def test_binary_score_is_neg_log_loss_with_string_classes(yeast):
    """Check a binary target of strings: the score of "neg_log_loss", with
    sample weights, the positive class being classes_[1]."""
    X, Y = yeast
    y = np.where(Y[:, 0] == 1, "yes", "no")
    sample_weight = np.random.default_rng(1).uniform(0, 2, len(X))
    model = LogisticRegression().fit(X, y)
    assert_allclose(
        bce_scorer(model, X, y, sample_weight=sample_weight),
        get_scorer("neg_log_loss")(model, X, y, sample_weight=sample_weight),
        rtol=1e-12,
    )
    # a held-out set of one class is scored, as log_loss with both labels
    negatives = y == "no"
    assert_allclose(
        bce_scorer(model, X[negatives], y[negatives]),
        -log_loss(
            y[negatives], model.predict_proba(X[negatives]), labels=model.classes_
        ),
        rtol=1e-12,
    )


@pytest.mark.parametrize(
    "make", [OneVsRestClassifier, MultiOutputClassifier], ids=["ovr", "multioutput"]
)
def test_other_multilabel_classifiers(yeast, make):
    """Check OneVsRestClassifier's (n, L) probabilities and
    MultiOutputClassifier's list of (n, 2) arrays."""
    X, Y = yeast
    model = make(LogisticRegression()).fit(X, Y)
    proba = model.predict_proba(X)
    if isinstance(proba, list):
        proba = np.column_stack([p[:, 1] for p in proba])
    assert_allclose(bce_scorer(model, X, Y), _by_hand(Y, proba), rtol=1e-12)


def test_forest_with_a_label_never_on_scores_it_as_probability_zero(yeast):
    """Check a forest whose training data lacks positives of one label (its
    predict_proba for that label has one column, of class 0)."""
    X, Y = yeast
    Y = Y.copy()
    Y[:, 2] = 0
    model = RandomForestClassifier(n_estimators=5, random_state=0).fit(X, Y)
    proba = np.column_stack(
        [
            p[:, 1] if p.shape[1] == 2 else np.zeros(len(X))
            for p in model.predict_proba(X)
        ]
    )
    assert_allclose(bce_scorer(model, X, Y), _by_hand(Y, proba), rtol=1e-12)


def test_neg_log_loss_on_a_multilabel_target_warns_and_scores_another_thing(yeast):
    """Check the pitfall the docs describe: "neg_log_loss" on a multi-label
    target warns that the probabilities do not sum to one and is not the
    labels' BCE."""
    X, Y = yeast
    model = MultiLabelLogisticClassifier().fit(X, Y)
    with pytest.warns(UserWarning, match="do not sum to one"):
        wrong = get_scorer("neg_log_loss")(model, X, Y)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        right = bce_scorer(model, X, Y)
    assert not np.isclose(wrong, right, rtol=0.1)


def test_grid_search_picks_the_C_of_the_lowest_mean_per_label_bce(yeast):
    """Check GridSearchCV(scoring=bce_scorer): the C it picks has the lowest
    mean over folds of the mean per-label out-of-fold BCE computed by hand,
    unlike "neg_log_loss" on the same folds."""
    X, Y = yeast
    Cs = [1e-3, 1e-2, 1e-1, 1.0, 10.0]
    folds = list(KFold(4, shuffle=True, random_state=0).split(X))
    search = GridSearchCV(
        MultiLabelLogisticClassifier(), {"C": Cs}, scoring=bce_scorer, cv=folds
    ).fit(X, Y)
    mean_bce = []
    for C in Cs:
        fold_bce = []
        for train, test in folds:
            model = MultiLabelLogisticClassifier(C=C).fit(X[train], Y[train])
            fold_bce.append(-_by_hand(Y[test], model.predict_proba(X[test])))
        mean_bce.append(np.mean(fold_bce))
    assert search.best_params_["C"] == Cs[int(np.argmin(mean_bce))]
    assert_allclose(search.best_score_, -min(mean_bce), rtol=1e-10)


def test_cross_validate_routes_sample_weight_to_the_scorer(yeast):
    """Check metadata routing: a requested sample_weight weighs the held-out
    BCE, an unrequested one is refused."""
    X, Y = yeast
    sample_weight = np.random.default_rng(2).uniform(0, 2, len(X))
    folds = list(KFold(3).split(X))
    with sklearn.config_context(enable_metadata_routing=True):
        scorer = copy.deepcopy(bce_scorer).set_score_request(sample_weight=True)
        model = MultiLabelLogisticClassifier().set_fit_request(sample_weight=False)
        results = cross_validate(
            model,
            X,
            Y,
            cv=folds,
            scoring=scorer,
            params={"sample_weight": sample_weight},
        )
        with pytest.raises(UnsetMetadataPassedError):
            cross_validate(
                model,
                X,
                Y,
                cv=folds,
                scoring=bce_scorer,
                params={"sample_weight": sample_weight},
            )
    expected = []
    for train, test in folds:
        fitted = MultiLabelLogisticClassifier().fit(X[train], Y[train])
        expected.append(
            _by_hand(Y[test], fitted.predict_proba(X[test]), sample_weight[test])
        )
    assert_allclose(results["test_score"], expected, rtol=1e-12)


def test_wrong_shapes_get_a_clear_error(yeast):
    """Check errors: a 1-D target scored with a multiclass classifier, and
    probabilities of fewer labels than y has."""
    X, Y = yeast
    multiclass = LogisticRegression().fit(X, Y[:, 0] + Y[:, 1] * 2)
    with pytest.raises(ValueError, match="neg_log_loss"):
        bce_scorer(multiclass, X, Y[:, 0])
    two_labels = MultiLabelLogisticClassifier().fit(X, Y[:, :2])
    with pytest.raises(ValueError, match="one probability per label"):
        bce_scorer(two_labels, X, Y[:, :3])


def test_scorer_pickles_and_its_example_runs():
    """Check that the scorer survives pickling and that the Examples of its
    docstring (not collected by --doctest-modules: it is an instance) run."""
    assert repr(pickle.loads(pickle.dumps(bce_scorer))) == "bce_scorer"
    finder = doctest.DocTestFinder()
    (test,) = finder.find(bce_scorer.__doc__, "bce_scorer", globs={})
    result = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS).run(test)
    assert result.attempted > 0 and result.failed == 0
