"""Tests of MultiLabelLogisticClassifier against independent references."""

import warnings

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from scipy import sparse
from scipy.optimize import minimize
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, KFold, cross_validate
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skbce import MultiLabelLogisticClassifier
from skbce.datasets import load_enron
from skbce.losses import binary_cross_entropy, binary_cross_entropy_gradient

TIGHT = {"tol": 1e-10, "max_iter": 200}


def _multilabel_data(rng, n=300, d=6, n_labels=4, sparse_X=False):
    X = rng.standard_normal((n, d))
    W = rng.standard_normal((n_labels, d))
    b = rng.uniform(-2, 0.5, n_labels)
    Y = (rng.random((n, n_labels)) < 1 / (1 + np.exp(-(X @ W.T + b)))).astype(int)
    if sparse_X:
        X = sparse.csr_matrix(X * (rng.random((n, d)) < 0.5))
    return X, Y


def _reference(X, y, sample_weight=None, **params):
    """scikit-learn's LogisticRegression to high precision (Newton-Cholesky)."""
    reference = LogisticRegression(solver="newton-cholesky", tol=1e-12, **params)
    return reference.fit(X, y, sample_weight=sample_weight)


def _assert_matches_reference(clf, references, atol=1e-7):
    coef = np.vstack([r.coef_ for r in references])
    intercept = np.hstack([r.intercept_ for r in references])
    assert_allclose(clf.coef_, coef, rtol=1e-6, atol=atol)
    assert_allclose(clf.intercept_, intercept, rtol=1e-6, atol=atol)


@pytest.mark.parametrize("sparse_X", [False, True])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("solver", ["newton-cg", "lbfgs"])
def test_multilabel_matches_logistic_regression_per_label(
    rng, sparse_X, fit_intercept, solver
):
    """Check that each label's fit is scikit-learn's LogisticRegression on it."""
    X, Y = _multilabel_data(rng, sparse_X=sparse_X)
    sample_weight = rng.uniform(0, 3, X.shape[0])
    # L-BFGS stalls at gradients of ~1e-8 (rounding in its line search).
    tol = 1e-10 if solver == "newton-cg" else 1e-7
    clf = MultiLabelLogisticClassifier(
        C=0.7, fit_intercept=fit_intercept, solver=solver, tol=tol, max_iter=500
    ).fit(X, Y, sample_weight=sample_weight)
    references = [
        _reference(X, Y[:, k], sample_weight, C=0.7, fit_intercept=fit_intercept)
        for k in range(Y.shape[1])
    ]
    _assert_matches_reference(clf, references, atol=1e-7 if tol < 1e-8 else 1e-6)
    assert clf.predict_proba(X).shape == Y.shape
    assert_array_equal(clf.classes_, np.arange(Y.shape[1]))


def test_multilabel_many_rows_match_logistic_regression(rng):
    """Check the path for many rows per coefficient (warm start from a row
    sample, Gram preconditioner) against LogisticRegression."""
    X, Y = _multilabel_data(rng, n=3000, d=3, n_labels=3)
    clf = MultiLabelLogisticClassifier(C=0.3, **TIGHT).fit(X, Y)
    references = [_reference(X, Y[:, k], C=0.3) for k in range(Y.shape[1])]
    _assert_matches_reference(clf, references)


def _record_solver_threads(monkeypatch):
    """Record the thread in which each group of labels is solved."""
    import threading

    from skbce.linear_model import _multilabel

    threads = []
    solve = _multilabel.NewtonCGSolver.solve

    def recording_solve(self, objective, coef):
        threads.append((threading.get_ident(), coef.shape[0]))
        return solve(self, objective, coef)

    monkeypatch.setattr(_multilabel.NewtonCGSolver, "solve", recording_solve)
    return threads


def _record_solver_blas_threads(monkeypatch):
    """Record the most threads any BLAS library is allowed while each group of
    labels is solved."""
    from threadpoolctl import threadpool_info

    from skbce.linear_model import _multilabel

    blas = []
    solve = _multilabel.NewtonCGSolver.solve

    def recording_solve(self, objective, coef):
        blas.append(
            max(i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas")
        )
        return solve(self, objective, coef)

    monkeypatch.setattr(_multilabel.NewtonCGSolver, "solve", recording_solve)
    return blas


@pytest.mark.parametrize("sparse_X", [False, True])
def test_multilabel_n_jobs_solves_groups_on_threads_with_the_same_result(
    rng, monkeypatch, sparse_X
):
    """Check that n_jobs=2 solves two groups of labels on two threads other than
    the caller's, with per-label C and pos_weight, BLAS on as many threads as
    with n_jobs=1 (its products round differently with their number of
    threads: OpenBLAS splits the sum of X.T @ R among them at this shape), and
    gives the coefficients of n_jobs=1 (tol=1e-8; bit for bit on sparse X, to
    1e-9 on dense X, where the last label of a group iterating alone goes
    through BLAS's matrix-vector product) and of LogisticRegression per
    label."""
    import threading

    threads = _record_solver_threads(monkeypatch)
    blas = _record_solver_blas_threads(monkeypatch)
    n_labels = 10
    # Products of 2**24 multiply-adds or more: large enough for threads.
    X, Y = _multilabel_data(rng, n=30_000, d=64, n_labels=n_labels, sparse_X=sparse_X)
    C = rng.uniform(0.05, 2, n_labels)
    pos_weight = rng.uniform(0.5, 3, n_labels)
    params = dict(C=C, pos_weight=pos_weight, tol=1e-8, max_iter=500)
    one = MultiLabelLogisticClassifier(n_jobs=1, **params).fit(X, Y)
    assert threads == [(threading.get_ident(), n_labels)]
    threads.clear()
    blas_one = blas.copy()
    blas.clear()
    two = MultiLabelLogisticClassifier(n_jobs=2, **params).fit(X, Y)
    assert sorted(size for _, size in threads) == [5, 5]
    assert len({ident for ident, _ in threads} - {threading.get_ident()}) == 2
    assert blas == blas_one * 2
    if sparse_X:
        assert_array_equal(two.coef_, one.coef_)
        assert_array_equal(two.intercept_, one.intercept_)
    assert_allclose(two.coef_, one.coef_, rtol=1e-9, atol=1e-12)
    assert_allclose(two.intercept_, one.intercept_, rtol=1e-9, atol=1e-12)
    assert_array_equal(two.n_iter_, one.n_iter_)
    X_reference = X.toarray() if sparse_X else X
    references = [
        _reference(X_reference, Y[:, k], C=C[k], class_weight={1: pos_weight[k]})
        for k in range(n_labels)
    ]
    _assert_matches_reference(two, references, atol=1e-6)


@pytest.mark.parametrize("sparse_X", [False, True])
def test_multilabel_small_products_are_solved_on_the_calling_thread(
    rng, monkeypatch, sparse_X
):
    """Check that a problem whose products are below 2**24 multiply-adds (dense)
    or 2**22 stored elements times labels (sparse) is solved in one group on
    the calling thread, even with n_jobs=2, and one just above on two."""
    import threading

    threads = _record_solver_threads(monkeypatch)
    for n, expected in [(1000, 1), (36_000, 2)]:
        X, Y = _multilabel_data(rng, n=n, d=40, n_labels=12, sparse_X=sparse_X)
        MultiLabelLogisticClassifier(n_jobs=2).fit(X, Y)
        idents = {ident for ident, _ in threads}
        assert len(idents) == expected
        assert (threading.get_ident() in idents) == (expected == 1)
        threads.clear()


def test_multilabel_n_jobs_gives_bitwise_the_same_fit_on_real_sparse_data(
    monkeypatch,
):
    """Check that on enron (sparse, ill-conditioned: rounding differences grow
    to 1e-5 in the coefficients at tol=1e-8) n_jobs=2 solves two groups on two
    threads and gives exactly the coefficients and iterations of n_jobs=1."""
    threads = _record_solver_threads(monkeypatch)
    X, Y = load_enron(return_X_y=True)
    one = MultiLabelLogisticClassifier(n_jobs=1, tol=1e-8).fit(X, Y)
    threads.clear()
    two = MultiLabelLogisticClassifier(n_jobs=2, tol=1e-8).fit(X, Y)
    assert len({ident for ident, _ in threads}) == 2
    assert_array_equal(two.coef_, one.coef_)
    assert_array_equal(two.intercept_, one.intercept_)
    assert_array_equal(two.n_iter_, one.n_iter_)


def test_multilabel_defaults_reach_one_vs_rest_objective_on_enron(monkeypatch):
    """Check that at both estimators' defaults (tol=1e-4) the summed objective
    on enron (nearly separable rare labels) is no higher than that of
    OneVsRestClassifier(LogisticRegression()), and that stopping on the
    gradient alone (without the Newton decrement) was not enough."""
    from sklearn.multiclass import OneVsRestClassifier

    X, Y = load_enron(return_X_y=True)

    def objective(coef, intercept):
        logits = np.asarray(X @ coef.T) + intercept
        return binary_cross_entropy(Y, logits, reduction="sum") + 0.5 * (coef**2).sum()

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ovr = OneVsRestClassifier(LogisticRegression()).fit(X, Y)
    ovr_value = objective(
        np.vstack([e.coef_ for e in ovr.estimators_]),
        np.array([e.intercept_[0] for e in ovr.estimators_]),
    )
    ours = MultiLabelLogisticClassifier().fit(X, Y)
    assert objective(ours.coef_, ours.intercept_) <= ovr_value

    solver = MultiLabelLogisticClassifier._solver
    monkeypatch.setattr(
        MultiLabelLogisticClassifier,
        "_solver",
        lambda self, dtype, decrement=True: solver(self, dtype, decrement=False),
    )
    gradient_only = MultiLabelLogisticClassifier().fit(X, Y)
    assert objective(gradient_only.coef_, gradient_only.intercept_) > ovr_value


def test_multilabel_default_n_jobs_follows_threadpool_and_joblib_limits(
    rng, monkeypatch
):
    """Check that a default fit starts no thread under threadpool_limits(1) nor
    inside a joblib worker, and that BLAS is limited as before after a fit."""
    import threading

    from joblib import Parallel, delayed
    from threadpoolctl import threadpool_info, threadpool_limits

    threads = _record_solver_threads(monkeypatch)
    # Products above 2**24 multiply-adds: a fit may start threads.
    X, Y = _multilabel_data(rng, n=36_000, d=40, n_labels=12)
    before = [info["num_threads"] for info in threadpool_info()]
    with threadpool_limits(1):
        MultiLabelLogisticClassifier().fit(X, Y)
    assert threads == [(threading.get_ident(), 12)]
    assert [info["num_threads"] for info in threadpool_info()] == before
    threads.clear()

    def fit_in_worker():
        MultiLabelLogisticClassifier().fit(X, Y)
        return threading.get_ident()

    workers = Parallel(n_jobs=2, backend="threading")(
        delayed(fit_in_worker)() for _ in range(2)
    )
    assert sorted(ident for ident, _ in threads) == sorted(workers)
    MultiLabelLogisticClassifier(n_jobs=2).fit(X, Y)
    assert [info["num_threads"] for info in threadpool_info()] == before


def test_multilabel_per_label_C_and_pos_weight_match_class_weight(rng):
    """Check that per-label C and pos_weight equal LogisticRegression's C and
    class_weight={0: 1, 1: w}, label by label."""
    X, Y = _multilabel_data(rng)
    C = np.array([0.1, 1.0, 10.0, 0.5])
    pos_weight = np.array([1.0, 3.0, 0.5, 7.0])
    clf = MultiLabelLogisticClassifier(C=C, pos_weight=pos_weight, **TIGHT).fit(X, Y)
    references = [
        _reference(X, Y[:, k], C=C[k], class_weight={0: 1, 1: pos_weight[k]})
        for k in range(Y.shape[1])
    ]
    _assert_matches_reference(clf, references)
    assert_allclose(clf.pos_weight_, pos_weight)


def test_multilabel_balanced_pos_weight_is_negative_to_positive_ratio(rng):
    """Check that pos_weight='balanced' weights each label by its weighted
    negative/positive ratio, i.e. LogisticRegression with that class_weight."""
    X, Y = _multilabel_data(rng)
    sample_weight = rng.uniform(0.5, 2, X.shape[0])
    clf = MultiLabelLogisticClassifier(pos_weight="balanced", **TIGHT).fit(
        X, Y, sample_weight=sample_weight
    )
    positive = sample_weight @ Y
    ratio = (sample_weight.sum() - positive) / positive
    assert_allclose(clf.pos_weight_, ratio)
    references = [
        _reference(X, Y[:, k], sample_weight, class_weight={0: 1, 1: ratio[k]})
        for k in range(Y.shape[1])
    ]
    _assert_matches_reference(clf, references)


@pytest.mark.parametrize("sparse_X", [False, True])
def test_multilabel_binary_target_matches_logistic_regression(rng, sparse_X):
    """Check that a 1-D target of any two classes is LogisticRegression's model,
    with its output shapes."""
    X, Y = _multilabel_data(rng, sparse_X=sparse_X)
    y = np.where(Y[:, 0] == 1, "yes", "no")
    clf = MultiLabelLogisticClassifier(C=2.0, **TIGHT).fit(X, y)
    reference = _reference(X, y, C=2.0)
    _assert_matches_reference(clf, [reference])
    assert_array_equal(clf.classes_, ["no", "yes"])
    assert clf.coef_.shape == (1, X.shape[1])
    assert clf.decision_function(X).shape == (X.shape[0],)
    assert_allclose(clf.predict_proba(X), reference.predict_proba(X), rtol=1e-6)
    assert_allclose(clf.predict_log_proba(X), reference.predict_log_proba(X), rtol=1e-6)
    assert_array_equal(clf.predict(X), reference.predict(X))


def test_multilabel_objective_with_smoothing_and_pos_weight_is_minimised(rng):
    """Check that the fit minimises sum BCE + ||w||^2 / (2C) exactly as
    skbce.losses defines the BCE with label smoothing and pos_weight."""
    X, Y = _multilabel_data(rng, n=200, d=4, n_labels=3)
    sample_weight = rng.uniform(0.5, 2, X.shape[0])
    C, smoothing = 0.8, 0.2
    pos_weight = np.array([2.0, 0.5, 1.5])
    clf = MultiLabelLogisticClassifier(
        C=C, pos_weight=pos_weight, label_smoothing=smoothing, **TIGHT
    ).fit(X, Y, sample_weight=sample_weight)
    d = X.shape[1]
    options = {"sample_weight": sample_weight, "label_smoothing": smoothing}
    for k in range(Y.shape[1]):
        options["pos_weight"] = pos_weight[k]

        def objective(w, k=k):
            raw = X @ w[:d] + w[d]
            value = binary_cross_entropy(Y[:, k], raw, reduction="sum", **options)
            grad = binary_cross_entropy_gradient(
                Y[:, k], raw, reduction="sum", **options
            )
            value += w[:d] @ w[:d] / (2 * C)
            return value, np.append(X.T @ grad + w[:d] / C, grad.sum())

        result = minimize(
            objective, np.zeros(d + 1), jac=True, method="BFGS", tol=1e-12
        )
        assert_allclose(clf.coef_[k], result.x[:d], rtol=1e-5, atol=1e-6)
        assert_allclose(clf.intercept_[k], result.x[d], rtol=1e-5, atol=1e-6)


def test_multilabel_label_smoothing_changes_the_fit(rng):
    """Check that smoothing shrinks the logits towards 0 (targets towards 1/2)."""
    X, Y = _multilabel_data(rng)
    plain = MultiLabelLogisticClassifier().fit(X, Y)
    smooth = MultiLabelLogisticClassifier(label_smoothing=0.5).fit(X, Y)
    assert np.abs(smooth.decision_function(X)).mean() < (
        np.abs(plain.decision_function(X)).mean()
    )


def test_multilabel_float32_is_kept_and_close_to_float64(rng):
    """Check that float32 data give float32 outputs close to the float64 fit."""
    X, Y = _multilabel_data(rng)
    clf64 = MultiLabelLogisticClassifier().fit(X, Y)
    clf32 = MultiLabelLogisticClassifier().fit(X.astype(np.float32), Y)
    assert clf32.coef_.dtype == np.float32
    assert clf32.intercept_.dtype == np.float32
    X32 = X.astype(np.float32)
    assert clf32.decision_function(X32).dtype == np.float32
    assert clf32.predict_proba(X32).dtype == np.float32
    assert_allclose(clf32.coef_, clf64.coef_, rtol=1e-3, atol=1e-3)


@pytest.mark.parametrize("constant", [0, 1])
def test_multilabel_constant_label_warns_and_leaves_others_unchanged(rng, constant):
    """Check that a constant label predicts its constant, with a warning, and
    the other labels get the same fit as without it."""
    X, Y = _multilabel_data(rng)
    Y_constant = Y.copy()
    Y_constant[:, 1] = constant
    with pytest.warns(UserWarning, match=r"Labels \[1\] are constant"):
        clf = MultiLabelLogisticClassifier().fit(X, Y_constant)
    others = MultiLabelLogisticClassifier().fit(X, Y[:, [0, 2, 3]])
    assert_allclose(clf.coef_[[0, 2, 3]], others.coef_)
    assert_array_equal(clf.predict(X)[:, 1], constant)
    assert_array_equal(clf.coef_[1], 0)
    proba = clf.predict_proba(X)[:, 1]
    assert np.all((proba > 0) & (proba < 1))


def test_multilabel_integer_sample_weight_equals_repeated_rows(rng):
    """Check that integer sample weights give the fit on repeated rows."""
    X, Y = _multilabel_data(rng, n=100)
    weights = rng.integers(0, 4, X.shape[0])
    weighted = MultiLabelLogisticClassifier(**TIGHT).fit(X, Y, sample_weight=weights)
    repeated = MultiLabelLogisticClassifier(**TIGHT).fit(
        np.repeat(X, weights, axis=0), np.repeat(Y, weights, axis=0)
    )
    assert_allclose(weighted.coef_, repeated.coef_, rtol=1e-7, atol=1e-9)
    assert_allclose(weighted.intercept_, repeated.intercept_, rtol=1e-7, atol=1e-9)


def test_multilabel_row_order_does_not_matter(rng):
    """Check that permuting the rows gives the same model."""
    X, Y = _multilabel_data(rng)
    order = rng.permutation(X.shape[0])
    a = MultiLabelLogisticClassifier(**TIGHT).fit(X, Y)
    b = MultiLabelLogisticClassifier(**TIGHT).fit(X[order], Y[order])
    assert_allclose(a.coef_, b.coef_, rtol=1e-8, atol=1e-10)


def test_multilabel_separable_data_give_finite_coefficients():
    """Check that perfectly separable labels get finite coefficients under L2."""
    X = np.linspace(-1, 1, 40)[:, None]
    Y = np.column_stack([X[:, 0] > 0, X[:, 0] > 0.5]).astype(int)
    clf = MultiLabelLogisticClassifier(C=1e4).fit(X, Y)
    assert np.all(np.isfinite(clf.coef_))
    assert_array_equal(clf.predict(X), Y)


def test_multilabel_convergence_warning_names_labels(rng):
    """Check that the ConvergenceWarning names the labels that did not converge."""
    X, Y = _multilabel_data(rng)
    Y = pd.DataFrame(Y, columns=["a", "b", "c", "d"])
    with pytest.warns(ConvergenceWarning, match=r"labels \['a', 'b', 'c', 'd'\]"):
        MultiLabelLogisticClassifier(max_iter=1, tol=1e-12).fit(X, Y)


def test_multilabel_pandas_feature_and_label_names(rng):
    """Check that DataFrame inputs keep feature names and label names."""
    X, Y = _multilabel_data(rng)
    X = pd.DataFrame(X, columns=[f"x{j}" for j in range(X.shape[1])])
    Y = pd.DataFrame(Y, columns=["cat", "dog", "fish", "bird"])
    clf = MultiLabelLogisticClassifier().fit(X, Y)
    assert_array_equal(clf.feature_names_in_, X.columns)
    assert_array_equal(clf.classes_, Y.columns)
    assert clf.predict(X).shape == Y.shape


def test_multilabel_warm_start_starts_from_previous_solution(rng):
    """Check that warm_start refits from the previous coefficients in no step."""
    X, Y = _multilabel_data(rng)
    clf = MultiLabelLogisticClassifier(warm_start=True, **TIGHT).fit(X, Y)
    coef = clf.coef_.copy()
    clf.fit(X, Y)
    assert_array_equal(clf.n_iter_, 0)
    assert_allclose(clf.coef_, coef)


def test_multilabel_partial_fit_converges_to_batch_solution(rng):
    """Check that repeated passes of two-sample batches approach the batch fit of
    the concatenated stream, and that one pass is already close to fit."""
    X, Y = _multilabel_data(rng, n=200, d=3, n_labels=2)
    clf = MultiLabelLogisticClassifier(C=1.0)
    errors = []
    for n_pass in range(1, 9):
        for start in range(0, X.shape[0], 2):
            clf.partial_fit(X[start : start + 2], Y[start : start + 2])
        # The stream so far is the data repeated n_pass times: weights n_pass.
        batch = MultiLabelLogisticClassifier(C=1.0, **TIGHT).fit(
            X, Y, sample_weight=np.full(X.shape[0], n_pass)
        )
        coef = np.hstack([clf.coef_, clf.intercept_[:, None]])
        reference = np.hstack([batch.coef_, batch.intercept_[:, None]])
        errors.append(np.abs(coef - reference).max() / np.abs(reference).max())
    assert errors[0] < 0.1
    assert np.all(np.diff(errors) < 0)
    assert errors[-1] < errors[0] / 4
    assert clf.n_samples_seen_ == 8 * X.shape[0]


def test_multilabel_partial_fit_learns_from_first_samples():
    """Check that one positive and one negative sample already give a finite
    model that separates them, and a further sample moves it."""
    clf = MultiLabelLogisticClassifier()
    clf.partial_fit([[1.0, 0.0]], ["ok"], classes=["broken", "ok"])
    clf.partial_fit([[-1.0, 0.5]], ["broken"])
    assert np.all(np.isfinite(clf.coef_)) and np.isfinite(clf.intercept_).all()
    assert_array_equal(clf.predict([[1.0, 0.0], [-1.0, 0.5]]), ["ok", "broken"])
    before = clf.coef_.copy()
    clf.partial_fit([[0.5, 0.5]], ["ok"])
    assert not np.allclose(clf.coef_, before)


def test_multilabel_partial_fit_requires_classes_for_binary_target():
    """Check that the first partial_fit with a 1-D y asks for classes."""
    with pytest.raises(ValueError, match="classes must be passed on the first call"):
        MultiLabelLogisticClassifier().partial_fit([[1.0]], [1])


def test_multilabel_predictions_are_consistent(rng):
    """Check that predict, predict_proba, predict_log_proba and
    decision_function agree."""
    X, Y = _multilabel_data(rng)
    clf = MultiLabelLogisticClassifier().fit(X, Y.astype(bool))
    proba = clf.predict_proba(X)
    assert_allclose(np.log(proba), clf.predict_log_proba(X), rtol=1e-12)
    assert_allclose(proba, 1 / (1 + np.exp(-clf.decision_function(X))))
    assert_array_equal(clf.predict(X), proba > 0.5)
    assert clf.predict(X).dtype == bool


def _bad_inputs():
    X = np.random.default_rng(0).standard_normal((20, 3))
    Y = np.tile([[0, 1], [1, 0]], (10, 1))
    X_nan, X_inf = X.copy(), X.copy()
    X_nan[0, 0], X_inf[0, 0] = np.nan, np.inf
    return [
        ({}, X_nan, Y, None, "Input X contains NaN"),
        ({}, X_inf, Y, None, "Input X contains infinity"),
        ({}, X, np.arange(20) % 3, None, "Only binary classification is supported"),
        ({}, X, Y * 2, None, "indicator matrix of 0/1"),
        ({}, X, np.linspace(0, 1, 20), None, "Unknown label type"),
        ({}, X[:10], Y, None, "inconsistent numbers of samples"),
        ({}, X, Y, -np.ones(20), "Negative values in data passed to `sample_weight`"),
        ({"label_smoothing": 1.0}, X, Y, None, "'label_smoothing' parameter"),
        ({"C": [1.0, 2.0, 3.0]}, X, Y, None, "one value per label"),
        ({"pos_weight": [1.0, 2.0, 3.0]}, X, Y, None, "one value per label"),
        ({"C": -1.0}, X, Y, None, "'C' parameter"),
        ({"pos_weight": [1.0, 0.0]}, X, Y, None, "positive and finite"),
    ]


@pytest.mark.parametrize("params, X, Y, sample_weight, match", _bad_inputs())
def test_multilabel_bad_input_raises_clear_error(params, X, Y, sample_weight, match):
    """Check that bad inputs raise a ValueError naming the problem."""
    with pytest.raises(ValueError, match=match):
        MultiLabelLogisticClassifier(**params).fit(X, Y, sample_weight=sample_weight)


def test_multilabel_predict_checks_features_and_fitted_state(rng):
    """Check the errors of predict: unfitted model, wrong number of features."""
    X, Y = _multilabel_data(rng)
    with pytest.raises(NotFittedError):
        MultiLabelLogisticClassifier().predict(X)
    clf = MultiLabelLogisticClassifier().fit(X, Y)
    with pytest.raises(ValueError, match="features"):
        clf.predict(X[:, :3])


def test_multilabel_failed_fit_partial_fit_set_params_leave_model_unchanged(rng):
    """Check that a failed fit, partial_fit or set_params changes nothing."""
    X, Y = _multilabel_data(rng)
    clf = MultiLabelLogisticClassifier().fit(X, Y)
    state = {k: np.copy(v) for k, v in vars(clf).items() if k.endswith("_")}
    Xdf = pd.DataFrame(X[:, :3], columns=["a", "b", "c"])
    with pytest.raises(ValueError):
        clf.fit(Xdf, Y[:, :2] * 2)
    with pytest.raises(ValueError):
        clf.partial_fit(X, Y[:, :2])
    with pytest.raises(ValueError, match="Invalid parameter"):
        clf.set_params(C=5.0, bogus=1)
    assert clf.C == 1.0
    after = {k: v for k, v in vars(clf).items() if k.endswith("_")}
    assert after.keys() == state.keys()
    for key, value in state.items():
        assert_array_equal(after[key], value)


def test_multilabel_works_in_pipeline_grid_search_and_cross_validate(rng):
    """Check Pipeline, GridSearchCV and cross_validate on multi-label data: the
    search's scores are those of cross_validate on each candidate, its choice
    the best of them, and its refit model a direct fit with that C."""
    X, Y = _multilabel_data(rng)
    pipe = make_pipeline(StandardScaler(), MultiLabelLogisticClassifier())
    grid = [0.001, 1.0]
    search = GridSearchCV(
        pipe,
        {"multilabellogisticclassifier__C": grid},
        cv=KFold(3),
        scoring="roc_auc",
    ).fit(X, Y)
    means = []
    for C in grid:
        candidate = clone(pipe).set_params(multilabellogisticclassifier__C=C)
        scores = cross_validate(candidate, X, Y, cv=KFold(3), scoring="roc_auc")
        means.append(scores["test_score"].mean())
    assert_allclose(search.cv_results_["mean_test_score"], means, rtol=1e-12)
    assert (
        search.best_params_["multilabellogisticclassifier__C"]
        == grid[int(np.argmax(means))]
    )
    direct = clone(pipe).set_params(
        multilabellogisticclassifier__C=search.best_params_[
            "multilabellogisticclassifier__C"
        ]
    )
    assert_allclose(
        search.predict_proba(X), direct.fit(X, Y).predict_proba(X), rtol=1e-12
    )


def test_multilabel_is_deterministic(rng):
    """Check that two fits give bit-identical coefficients."""
    X, Y = _multilabel_data(rng, sparse_X=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        a = MultiLabelLogisticClassifier().fit(X, Y)
    b = MultiLabelLogisticClassifier().fit(X, Y)
    assert_array_equal(a.coef_, b.coef_)


def test_multilabel_scaling_sample_weight_is_scaling_C(rng):
    """Check that multiplying the sample weights by c equals multiplying C by c
    (the loss is a sum over samples, as in LogisticRegression)."""
    X, Y = _multilabel_data(rng)
    sample_weight = rng.uniform(0.5, 2, X.shape[0])
    scaled = MultiLabelLogisticClassifier(C=0.5, **TIGHT).fit(
        X, Y, sample_weight=3 * sample_weight
    )
    reference = MultiLabelLogisticClassifier(C=1.5, **TIGHT).fit(
        X, Y, sample_weight=sample_weight
    )
    assert_allclose(scaled.coef_, reference.coef_, rtol=1e-8, atol=1e-10)


def test_multilabel_partial_fit_after_fit_continues_from_fit(rng):
    """Check that partial_fit after fit weighs the new batch against the data
    fit saw: the result is close to the fit on both."""
    X, Y = _multilabel_data(rng)
    clf = MultiLabelLogisticClassifier().fit(X, Y)
    clf.partial_fit(X[:20], Y[:20])
    both = MultiLabelLogisticClassifier().fit(
        np.vstack([X, X[:20]]), np.vstack([Y, Y[:20]])
    )
    scale = np.abs(both.coef_).max()
    assert np.abs(clf.coef_ - both.coef_).max() < 0.1 * scale
    assert clf.n_samples_seen_ == X.shape[0] + 20


# ---------------------------------------------------------------------------
# Regressions (issue 14) and settings by label name (issue 16)
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("scale", [1.0, 10.0, 1e-3])
def test_multilabel_constant_label_does_not_depend_on_weight_scale(rng, scale):
    """Check that an all-ones label is constant whatever the scale of the
    weights: decided by counting rows of positive weight, not by comparing
    weighted sums (which round; issue 14, case 5)."""
    X, Y = _multilabel_data(rng, n=97, n_labels=3)
    Y[:, 0] = 1
    sw = rng.uniform(0.1, 1.0, 97) * scale
    sw[5] = 0.0
    Y[5, 0] = 0  # a zero-weight row does not count
    with pytest.warns(UserWarning, match=r"Labels \[0\] are constant"):
        clf = MultiLabelLogisticClassifier().fit(X, Y, sample_weight=sw)
    assert_array_equal(clf.coef_[0], 0.0)
    assert clf.n_iter_[0] == 0


def test_multilabel_refuses_features_whose_squares_overflow(rng):
    """Check that |X| near 1e154 (squares summed over rows overflow) is refused
    with the fix, and that 1e39 columns (beyond float32) fit to finite
    coefficients (issue 14, cases 7 and 15)."""
    X, Y = _multilabel_data(rng, n=400, d=5, n_labels=3)
    huge = X * 1e154
    with pytest.raises(ValueError, match="Scale the features"):
        MultiLabelLogisticClassifier().fit(huge, Y)
    wide = X.copy()
    wide[:, 0] *= 1e39
    clf = MultiLabelLogisticClassifier(**TIGHT).fit(wide, Y)
    assert np.isfinite(clf.coef_).all()
    # At scale 1e39 the feature's penalty vanishes: the reference leaves it
    # unpenalised (scipy's L-BFGS on the unscaled column).
    for k in range(3):

        def objective(params, k=k):
            raw = X @ params[:5] + params[5]
            value = np.logaddexp(0, raw) - Y[:, k] * raw
            gradient = 1 / (1 + np.exp(-raw)) - Y[:, k]
            penalty = np.r_[0.0, params[1:5], 0.0]
            return value.sum() + 0.5 * penalty @ penalty, np.r_[
                X.T @ gradient, gradient.sum()
            ] + penalty

        from scipy.optimize import minimize

        reference = minimize(
            objective, np.zeros(6), jac=True, method="L-BFGS-B", options={"gtol": 1e-12}
        ).x
        probability = 1 / (1 + np.exp(-(X @ reference[:5] + reference[5])))
        # The gradient along a 1e39 feature is known to a rounding of 1e23: the
        # fit stops where the objective no longer resolves a decrease.
        assert_allclose(clf.predict_proba(wide)[:, k], probability, atol=1e-4)


def test_multilabel_partial_fit_honours_a_new_C(rng):
    """Check that set_params(C=...) between partial_fit calls is honoured: the
    stream then approaches fit with the new C (issue 14, case 8)."""
    X, Y = _multilabel_data(rng, n=400, d=4, n_labels=2)
    batches = np.array_split(np.arange(400), 8)
    clf = MultiLabelLogisticClassifier(C=1.0)
    for rows in batches:
        clf.partial_fit(X[rows], Y[rows])
    clf.set_params(C=1e-3)
    for _ in range(5):
        for rows in batches:
            clf.partial_fit(X[rows], Y[rows])
    # fit on the concatenation of everything streamed (each row six times); the
    # stochastic Newton iterates approach it like 1 / passes
    target = MultiLabelLogisticClassifier(C=1e-3, **TIGHT).fit(
        np.vstack([X] * 6), np.vstack([Y] * 6)
    )
    assert_allclose(clf.coef_, target.coef_, rtol=0.15, atol=1e-3)
    assert (
        np.abs(clf.coef_).max()
        < 0.5 * np.abs(MultiLabelLogisticClassifier(C=1.0).fit(X, Y).coef_).max()
    )


def test_multilabel_partial_fit_refuses_a_changed_fit_intercept(rng):
    """Check that fit_intercept changed between partial_fit calls is refused,
    the model unchanged (issue 14, case 8)."""
    X, Y = _multilabel_data(rng, n=60, n_labels=2)
    clf = MultiLabelLogisticClassifier().partial_fit(X, Y)
    coef = clf.coef_.copy()
    clf.set_params(fit_intercept=False)
    with pytest.raises(ValueError, match="fit_intercept was True"):
        clf.partial_fit(X, Y)
    assert_array_equal(clf.coef_, coef)


def test_multilabel_partial_fit_refuses_reordered_label_columns(rng):
    """Check that label columns in another order (or renamed) are refused with
    the fix, state unchanged (issue 14, case 9)."""
    pd = pytest.importorskip("pandas")
    X, Y = _multilabel_data(rng, n=60, n_labels=3)
    frame = pd.DataFrame(Y, columns=["a", "b", "c"])
    clf = MultiLabelLogisticClassifier().partial_fit(X, frame)
    coef = clf.coef_.copy()
    for columns in (["b", "a", "c"], ["a", "b", "z"]):
        with pytest.raises(ValueError, match=r"y\[model.classes_\]"):
            clf.partial_fit(X, frame.rename(columns=dict(zip("abc", columns)))[columns])
        assert_array_equal(clf.coef_, coef)
    clf.partial_fit(X, frame)  # the same columns are fine
    fitted = MultiLabelLogisticClassifier().fit(X, frame)
    with pytest.raises(ValueError, match="differ from those"):
        fitted.partial_fit(X, frame[["c", "b", "a"]])


def test_multilabel_per_label_settings_by_name(rng):
    """Check C and pos_weight given as dicts or Series keyed by label names,
    aligned by name in any order, and unknown names refused (issue 16)."""
    pd = pytest.importorskip("pandas")
    X, Y = _multilabel_data(rng, n=200, n_labels=3)
    frame = pd.DataFrame(Y, columns=["a", "b", "c"])
    by_position = MultiLabelLogisticClassifier(
        C=[1.0, 0.1, 1.0], pos_weight=[1.0, 1.0, 50.0]
    ).fit(X, frame)
    by_dict = MultiLabelLogisticClassifier(C={"b": 0.1}, pos_weight={"c": 50}).fit(
        X, frame
    )
    by_series = MultiLabelLogisticClassifier(
        C=pd.Series([1.0, 1.0, 0.1], index=["c", "a", "b"]),
        pos_weight=pd.Series([50.0, 1.0, 1.0], index=["c", "b", "a"]),
    ).fit(X, frame)
    for other in (by_dict, by_series):
        assert_allclose(other.coef_, by_position.coef_)
        assert_allclose(other.pos_weight_, [1.0, 1.0, 50.0])
    with pytest.raises(ValueError, match=r"names labels \['z'\]"):
        MultiLabelLogisticClassifier(pos_weight={"z": 2.0}).fit(X, frame)
    with pytest.raises(ValueError, match=r"names labels \[0, 1, 2\]"):
        MultiLabelLogisticClassifier(C=pd.Series([1.0, 2.0, 3.0])).fit(X, frame)


def test_multilabel_dask_refuses_a_two_valued_continuous_target(rng):
    """Check that a dask fit refuses a 1-D y of two non-integer values, as the
    in-memory fit does (issue 14, case 16)."""
    da = pytest.importorskip("dask.array")
    X, _ = _multilabel_data(rng, n=40)
    y = np.where(rng.random(40) < 0.5, 0.25, 0.5)
    with pytest.raises(ValueError, match="continuous"):
        MultiLabelLogisticClassifier().fit(X, y)
    with pytest.raises(ValueError, match="continuous"):
        MultiLabelLogisticClassifier().fit(
            da.from_array(X, chunks=(10, -1)), da.from_array(y, chunks=10)
        )


def test_multilabel_small_products_run_blas_on_one_thread(rng, monkeypatch):
    """Check that a fit whose products are small runs BLAS on one thread while
    it solves (OpenBLAS's threads slow small products) and restores BLAS."""
    from threadpoolctl import threadpool_info

    seen = _record_solver_blas_threads(monkeypatch)
    before = [info["num_threads"] for info in threadpool_info()]
    X, Y = _multilabel_data(rng, n=300, d=10, n_labels=3)
    MultiLabelLogisticClassifier(n_jobs=1).fit(X, Y)
    assert seen == [1]
    assert [info["num_threads"] for info in threadpool_info()] == before
