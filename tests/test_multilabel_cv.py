"""Tests of MultiLabelLogisticClassifierCV against scikit-learn's
LogisticRegressionCV, label by label, and against selections made by hand."""

import copy
import inspect
import warnings

import numpy as np
import pytest
import sklearn
from numpy.testing import assert_allclose, assert_array_equal
from scipy import sparse
from sklearn.exceptions import (
    ConvergenceWarning,
    NotFittedError,
    UnsetMetadataPassedError,
)
from sklearn.linear_model import LogisticRegressionCV
from sklearn.metrics import log_loss, roc_auc_score
from sklearn.model_selection import GroupKFold, KFold, StratifiedKFold
from sklearn.preprocessing import StandardScaler

from skbce import MultiLabelLogisticClassifier, MultiLabelLogisticClassifierCV
from skbce.datasets import load_enron, load_yeast
from skbce.metrics import bce_scorer
from skbce.model_selection import MultiLabelStratifiedKFold

TIGHT = {"tol": 1e-8, "max_iter": 500}


def _logistic_regression_cv(**params):
    """LogisticRegressionCV with the L2 penalty and its current attributes."""
    arguments = inspect.signature(LogisticRegressionCV).parameters
    if "l1_ratios" in arguments:
        params["l1_ratios"] = (0.0,)
    if "use_legacy_attributes" in arguments:
        params["use_legacy_attributes"] = False
    return LogisticRegressionCV(scoring="neg_log_loss", **params)


def _reference_scores(reference, n_folds):
    """LogisticRegressionCV's held-out scores (n_folds, n_Cs), any version."""
    scores = reference.scores_
    if isinstance(scores, dict):
        scores = next(iter(scores.values()))
    return np.asarray(scores).reshape(n_folds, -1)


def _assert_same_choice(C, reference_C, mean_scores, Cs):
    """C equals the reference's choice, or ties with it within 1e-6 of the
    mean CV score."""
    if C != reference_C:
        chosen = mean_scores[np.flatnonzero(Cs == C)[0]]
        other = mean_scores[np.flatnonzero(Cs == reference_C)[0]]
        assert abs(chosen - other) <= 1e-6, (C, reference_C, chosen, other)


def _check_against_logistic_regression_cv(X, Y, Cs, labels, sample_weight=None):
    folds = list(MultiLabelStratifiedKFold(3).split(X, Y))
    model = MultiLabelLogisticClassifierCV(Cs=Cs, cv=folds, **TIGHT).fit(
        X, Y, sample_weight=sample_weight
    )
    assert_array_equal(model.Cs_, np.sort(Cs))
    assert model.scores_.shape == (3, len(Cs), Y.shape[1])
    mean_scores = model.scores_.mean(axis=0)
    for k in labels:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            reference = _logistic_regression_cv(
                Cs=Cs, cv=folds, solver="lbfgs", tol=1e-8, max_iter=2000
            ).fit(X, Y[:, k], sample_weight=sample_weight)
        assert_allclose(
            model.scores_[:, :, k], _reference_scores(reference, 3), atol=1e-4
        )
        _assert_same_choice(model.C_[k], reference.C_, mean_scores[:, k], model.Cs_)
        assert_allclose(model.coef_[k], reference.coef_[0], atol=1e-4)
        assert_allclose(model.intercept_[k], reference.intercept_[0], atol=1e-4)
    return model


def test_choices_and_refits_match_logistic_regression_cv_on_yeast():
    """Check that every yeast label gets LogisticRegressionCV's C, scores and
    refitted coefficients (standardised features, the same folds)."""
    X, Y = load_yeast(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    Cs = np.array([1e-3, 3e-3, 1e-2, 3e-2])
    model = _check_against_logistic_regression_cv(X, Y, Cs, range(Y.shape[1]))
    # the grid straddles the choices: the test compares real selections
    assert np.unique(model.C_).size >= 2


def test_choices_and_refits_match_logistic_regression_cv_on_enron():
    """Check the same on enron's labels with at least 5 positives (the bundled
    copy; sparse binary features), LogisticRegressionCV run on seven of them
    from the rarest to the most frequent."""
    X, Y = load_enron(return_X_y=True)
    Y = Y[:, Y.sum(axis=0) >= 5]
    by_frequency = np.argsort(Y.sum(axis=0), kind="stable")
    labels = by_frequency[np.linspace(0, Y.shape[1] - 1, 7).astype(int)]
    Cs = np.array([3e-3, 3e-2, 3e-1])
    model = _check_against_logistic_regression_cv(X, Y, Cs, labels)
    assert np.unique(model.C_[labels]).size >= 2


def test_weighted_choices_match_logistic_regression_cv():
    """Check that sample weights enter the fits and the held-out scores as in
    LogisticRegressionCV (which scores with the fold's weights)."""
    X, Y = load_yeast(return_X_y=True)
    X = StandardScaler().fit_transform(X)[:600]
    Y = Y[:600, :5]
    sample_weight = np.random.default_rng(0).uniform(0, 3, X.shape[0])
    Cs = np.array([1e-3, 1e-2, 1e-1])
    _check_against_logistic_regression_cv(X, Y, Cs, range(5), sample_weight)


def test_refit_is_the_classifier_at_the_chosen_C():
    """Check that the refitted model is MultiLabelLogisticClassifier(C=C_)
    fitted on the same data, bit for bit, and predicts alike."""
    X, Y = load_yeast(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    model = MultiLabelLogisticClassifierCV(Cs=[1e-3, 1e-2, 1e-1], cv=3).fit(X, Y)
    single = MultiLabelLogisticClassifier(C=model.C_).fit(X, Y)
    assert_array_equal(model.coef_, single.coef_)
    assert_array_equal(model.intercept_, single.intercept_)
    for method in ("predict", "predict_proba", "predict_log_proba"):
        assert_array_equal(getattr(model, method)(X), getattr(single, method)(X))


def _by_hand_scores(X, Y, C, folds, metric):
    """Held-out scores of every label at one C, each fold fitted cold."""
    scores = []
    for train, test in folds:
        fold_model = MultiLabelLogisticClassifier(C=C, **TIGHT).fit(X[train], Y[train])
        proba = fold_model.predict_proba(X[test])
        scores.append([metric(Y[test, k], proba[:, k]) for k in range(Y.shape[1])])
    return np.array(scores)


@pytest.mark.parametrize(
    "scoring, metric",
    [
        (None, lambda y, p: -log_loss(y, p, labels=[0, 1])),
        ("neg_log_loss", lambda y, p: -log_loss(y, p, labels=[0, 1])),
        ("roc_auc", roc_auc_score),
        (bce_scorer, lambda y, p: -log_loss(y, p, labels=[0, 1])),
    ],
)
def test_path_scores_equal_cold_fits_scored_by_hand(scoring, metric):
    """Check that the warm-started path gives each label, at each C, the
    held-out score of a cold fit at that C scored by the metric by hand."""
    X, Y = load_yeast(return_X_y=True)
    X = StandardScaler().fit_transform(X)[:500]
    Y = Y[:500, :4]
    folds = list(KFold(3).split(X))
    Cs = [1e-2, 1.0]
    model = MultiLabelLogisticClassifierCV(
        Cs=Cs, cv=folds, scoring=scoring, **TIGHT
    ).fit(X, Y)
    for i, C in enumerate(Cs):
        assert_allclose(
            model.scores_[:, i, :],
            _by_hand_scores(X, Y, C, folds, metric),
            rtol=1e-6,
            atol=1e-7,
        )


def test_each_label_keeps_the_C_of_its_best_mean_score_ties_to_smaller():
    """Check the per-label choice from scores_: the largest mean score, the
    smallest C among equal ones (a constant label scores alike at every C)."""
    X, Y = load_yeast(return_X_y=True)
    X = StandardScaler().fit_transform(X)[:400]
    Y = np.column_stack([Y[:400, :3], np.zeros(400, dtype=int)])
    with pytest.warns(UserWarning, match="constant"):
        model = MultiLabelLogisticClassifierCV(Cs=[10.0, 1e-3, 1e-1], cv=3).fit(X, Y)
    assert_array_equal(model.Cs_, [1e-3, 1e-1, 10.0])
    mean = model.scores_.mean(axis=0)
    for k in range(4):
        best = mean[:, k].max()
        assert model.C_[k] == model.Cs_[np.flatnonzero(mean[:, k] == best)[0]]
    assert np.ptp(model.scores_[:, :, 3], axis=1).max() == 0  # the constant label
    assert model.C_[3] == 1e-3


def test_refit_false_averages_the_folds_best_coefficients_as_sklearn():
    """Check refit=False against LogisticRegressionCV(refit=False): the mean of
    the folds' coefficients at each fold's best C, and the mean of those Cs."""
    X, Y = load_yeast(return_X_y=True)
    X = StandardScaler().fit_transform(X)[:600]
    Y = Y[:600, :3]
    folds = list(MultiLabelStratifiedKFold(3).split(X, Y))
    Cs = np.array([1e-3, 1e-2, 1e-1])
    model = MultiLabelLogisticClassifierCV(Cs=Cs, cv=folds, refit=False, **TIGHT).fit(
        X, Y
    )
    for k in range(3):
        reference = _logistic_regression_cv(
            Cs=Cs, cv=folds, refit=False, solver="newton-cholesky", tol=1e-10
        ).fit(X, Y[:, k])
        assert_allclose(model.C_[k], reference.C_, rtol=1e-12)
        assert_allclose(model.coef_[k], reference.coef_[0], atol=1e-5)
        assert_allclose(model.intercept_[k], reference.intercept_[0], atol=1e-5)


def test_binary_target_has_the_shapes_of_logistic_regression_cv():
    """Check a 1-D target of strings: one label, LogisticRegressionCV's C_,
    coef_ and intercept_ shapes, its choice and the classes' order."""
    X, Y = load_yeast(return_X_y=True)
    X = StandardScaler().fit_transform(X)[:600]
    y = np.where(Y[:600, 0] == 1, "on", "off")
    Cs = np.array([1e-3, 1e-2, 1e-1, 1.0])
    model = MultiLabelLogisticClassifierCV(Cs=Cs, cv=3, **TIGHT).fit(X, y)
    reference = _logistic_regression_cv(
        Cs=Cs, cv=3, solver="newton-cholesky", tol=1e-10
    ).fit(X, y)
    assert model.C_.shape == (1,) and model.coef_.shape == (1, X.shape[1])
    assert model.intercept_.shape == (1,) and model.scores_.shape == (3, 4, 1)
    assert_array_equal(model.classes_, ["off", "on"])
    assert_allclose(model.scores_[:, :, 0], _reference_scores(reference, 3), atol=1e-6)
    _assert_same_choice(
        model.C_[0], reference.C_, model.scores_[:, :, 0].mean(0), model.Cs_
    )
    assert_allclose(model.coef_, reference.coef_, atol=1e-5)
    assert_array_equal(model.predict(X), reference.predict(X))


def test_default_folds_are_stratified_per_label_or_per_class():
    """Check that cv=None is 5 folds of MultiLabelStratifiedKFold for a
    multi-label target, of StratifiedKFold for a binary one, and an int k
    the same with k folds."""
    X, Y = load_yeast(return_X_y=True)
    X = StandardScaler().fit_transform(X)[:500]
    Y = Y[:500, :3]
    params = {"Cs": [1e-2, 1.0]}
    default = MultiLabelLogisticClassifierCV(**params).fit(X, Y)
    explicit = MultiLabelLogisticClassifierCV(
        cv=MultiLabelStratifiedKFold(5), **params
    ).fit(X, Y)
    assert_array_equal(default.scores_, explicit.scores_)
    three = MultiLabelLogisticClassifierCV(cv=3, **params).fit(X, Y)
    explicit = MultiLabelLogisticClassifierCV(
        cv=MultiLabelStratifiedKFold(3), **params
    ).fit(X, Y)
    assert_array_equal(three.scores_, explicit.scores_)
    binary = MultiLabelLogisticClassifierCV(**params).fit(X, Y[:, 0])
    explicit = MultiLabelLogisticClassifierCV(cv=StratifiedKFold(5), **params).fit(
        X, Y[:, 0]
    )
    assert_array_equal(binary.scores_, explicit.scores_)


def test_Cs_int_is_logistic_regression_cv_grid():
    """Check that an int Cs is LogisticRegressionCV's log grid from 1e-4 to 1e4."""
    X, Y = load_yeast(return_X_y=True)
    X = StandardScaler().fit_transform(X)[:300]
    model = MultiLabelLogisticClassifierCV(Cs=4, cv=2).fit(X, Y[:300, :2])
    assert_allclose(model.Cs_, np.logspace(-4, 4, 4))


def test_groups_reach_a_group_splitter():
    """Check that groups split the folds: the result is that of the folds of
    GroupKFold given as a list."""
    X, Y = load_yeast(return_X_y=True)
    X = StandardScaler().fit_transform(X)[:400]
    Y = Y[:400, :3]
    groups = np.arange(400) % 7
    params = {"Cs": [1e-2, 1.0]}
    grouped = MultiLabelLogisticClassifierCV(cv=GroupKFold(3), **params).fit(
        X, Y, groups=groups
    )
    folds = list(GroupKFold(3).split(X, Y, groups))
    listed = MultiLabelLogisticClassifierCV(cv=folds, **params).fit(X, Y)
    assert_array_equal(grouped.scores_, listed.scores_)


def test_metadata_routing_of_sample_weight_and_groups():
    """Check routing: sample_weight to the fit and to a scorer that requests
    it (as without routing), groups to the splitter, and the error when the
    scorer's request is not set."""
    X, Y = load_yeast(return_X_y=True)
    X = StandardScaler().fit_transform(X)[:400]
    Y = Y[:400, :3]
    groups = np.arange(400) % 7
    sample_weight = np.random.default_rng(0).uniform(0, 2, 400)
    params = {"Cs": [1e-2, 1.0], "cv": GroupKFold(3)}
    plain = MultiLabelLogisticClassifierCV(**params).fit(
        X, Y, sample_weight=sample_weight, groups=groups
    )
    with sklearn.config_context(enable_metadata_routing=True):
        scorer = copy.deepcopy(bce_scorer).set_score_request(sample_weight=True)
        routed = (
            MultiLabelLogisticClassifierCV(scoring=scorer, **params)
            .set_fit_request(sample_weight=True)
            .fit(X, Y, sample_weight=sample_weight, groups=groups)
        )
        with pytest.raises(UnsetMetadataPassedError, match="sample_weight"):
            MultiLabelLogisticClassifierCV(**params).set_fit_request(
                sample_weight=True
            ).fit(X, Y, sample_weight=sample_weight, groups=groups)
    assert_allclose(routed.scores_, plain.scores_, rtol=1e-12)
    assert_array_equal(routed.C_, plain.C_)


def test_params_without_routing_are_refused():
    """Check that fit parameters other than sample_weight and groups need
    metadata routing, as in LogisticRegressionCV."""
    X, Y = load_yeast(return_X_y=True)
    with pytest.raises(ValueError, match="enable_metadata_routing"):
        MultiLabelLogisticClassifierCV(Cs=[1.0], cv=2).fit(X, Y, extra=1)


def test_n_jobs_gives_the_same_model():
    """Check that folds on two threads give the scores of one thread bit for
    bit, and the refit (labels in two groups) the same coefficients bit for
    bit (enron, CSR)."""
    X, Y = load_enron(return_X_y=True)
    Y = Y[:, Y.sum(axis=0) >= 20]
    params = {"Cs": [1e-2, 1e-1, 1.0], "cv": 3, **TIGHT}
    one = MultiLabelLogisticClassifierCV(n_jobs=1, **params).fit(X, Y)
    two = MultiLabelLogisticClassifierCV(n_jobs=2, **params).fit(X, Y)
    assert_array_equal(two.scores_, one.scores_)
    assert_array_equal(two.coef_, one.coef_)


def test_n_jobs_gives_the_same_model_on_dense_data():
    """Check that on dense data large enough for BLAS's threads, whose products
    round differently with their number of threads, folds on two threads give
    the scores of one thread bit for bit, and the refit (labels in two
    groups) its coefficients."""
    from scipy.special import expit

    rng = np.random.default_rng(0)
    X = rng.standard_normal((40_000, 150))
    logits = X @ (0.2 * rng.standard_normal((150, 5))) - 1
    Y = (rng.random(logits.shape) < expit(logits)).astype(int)
    params = {"Cs": [1e-2, 1.0], "cv": 3, **TIGHT}
    one = MultiLabelLogisticClassifierCV(n_jobs=1, **params).fit(X, Y)
    two = MultiLabelLogisticClassifierCV(n_jobs=2, **params).fit(X, Y)
    assert_array_equal(two.scores_, one.scores_)
    assert_allclose(two.coef_, one.coef_, rtol=1e-9, atol=1e-12)


def test_sparse_and_float32_inputs_give_the_model_of_dense_float64():
    """Check that CSR input gives the choices, scores and coefficients of the
    dense input, and float32 input those to float32's precision."""
    X, Y = load_yeast(return_X_y=True)
    X = StandardScaler().fit_transform(X)[:600]
    X = X * (np.abs(X) > 0.7)
    Y = Y[:600, :4]
    params = {"Cs": [1e-3, 1e-2, 1e-1], "cv": 3}
    dense = MultiLabelLogisticClassifierCV(**params, **TIGHT).fit(X, Y)
    csr = MultiLabelLogisticClassifierCV(**params, **TIGHT).fit(sparse.csr_matrix(X), Y)
    assert_array_equal(csr.C_, dense.C_)
    assert_allclose(csr.scores_, dense.scores_, rtol=1e-9)
    assert_allclose(csr.coef_, dense.coef_, rtol=1e-7, atol=1e-9)
    single = MultiLabelLogisticClassifierCV(**params, tol=1e-6).fit(
        X.astype(np.float32), Y
    )
    assert single.coef_.dtype == np.float32
    assert_array_equal(single.C_, dense.C_)
    assert_allclose(single.scores_, dense.scores_, atol=1e-5)
    assert_allclose(single.coef_, dense.coef_, atol=1e-4)


def test_label_names_and_per_label_pos_weight():
    """Check DataFrame label names as classes_, pos_weight keyed by name, and
    that the held-out scores ignore pos_weight (each fold fitted with it)."""
    pd = pytest.importorskip("pandas")
    X, Y = load_yeast(return_X_y=True, as_frame=True)
    X, Y = X.iloc[:400], Y.iloc[:400, :3]
    X = pd.DataFrame(StandardScaler().fit_transform(X), columns=X.columns)
    folds = list(KFold(3).split(X))
    model = MultiLabelLogisticClassifierCV(
        Cs=[0.1], cv=folds, pos_weight={"Class2": 3.0}, **TIGHT
    ).fit(X, Y)
    assert_array_equal(model.classes_, Y.columns)
    assert_allclose(model.pos_weight_, [1.0, 3.0, 1.0])
    for index, (train, test) in enumerate(folds):
        fold_model = MultiLabelLogisticClassifier(
            C=0.1, pos_weight=[1.0, 3.0, 1.0], **TIGHT
        ).fit(X.iloc[train], Y.iloc[train])
        proba = fold_model.predict_proba(X.iloc[test])
        expected = [
            -log_loss(Y.iloc[test, k], proba[:, k], labels=[0, 1]) for k in range(3)
        ]
        assert_allclose(model.scores_[index, 0], expected, rtol=1e-6)


def test_path_convergence_warning_names_labels_and_Cs():
    """Check that a path that does not converge warns once, naming the labels
    and the values of C."""
    X, Y = load_yeast(return_X_y=True)
    with pytest.warns(ConvergenceWarning, match=r"path for labels \[.*\] at C in"):
        MultiLabelLogisticClassifierCV(Cs=[1e2], cv=2, max_iter=1).fit(X, Y[:, :2])


@pytest.mark.parametrize(
    "Cs, match",
    [([], "non-empty"), ([1.0, -1.0], "positive"), ([[1.0]], "1-D")],
)
def test_bad_Cs_are_refused_and_leave_the_model_unchanged(Cs, match):
    """Check a clear error for a bad grid, after which a fitted model is as it
    was."""
    X, Y = load_yeast(return_X_y=True)
    X, Y = X[:200], Y[:200, :2]
    model = MultiLabelLogisticClassifierCV(Cs=[1.0], cv=2).fit(X, Y)
    coef = model.coef_
    model.set_params(Cs=Cs)
    with pytest.raises(ValueError, match=match):
        model.fit(X, Y)
    assert model.coef_ is coef and model.Cs_.tolist() == [1.0]


def test_dask_input_is_refused_with_a_clear_error():
    """Check that dask collections get an error saying to compute them."""
    da = pytest.importorskip("dask.array")
    X, Y = load_yeast(return_X_y=True)
    with pytest.raises(ValueError, match="compute"):
        MultiLabelLogisticClassifierCV().fit(da.from_array(X), Y)


def test_unfitted_model_raises_not_fitted():
    """Check that predicting before fit raises NotFittedError."""
    with pytest.raises(NotFittedError):
        MultiLabelLogisticClassifierCV().predict(np.zeros((2, 3)))


def test_sparse_target_is_a_multilabel_indicator():
    """Check that a sparse indicator y is the dense one."""
    X, Y = load_yeast(return_X_y=True)
    X, Y = X[:300], Y[:300, :3]
    params = {"Cs": [1e-2, 1.0], "cv": 3}
    dense = MultiLabelLogisticClassifierCV(**params).fit(X, Y)
    csr = MultiLabelLogisticClassifierCV(**params).fit(X, sparse.csr_matrix(Y))
    assert_array_equal(dense.scores_, csr.scores_)
