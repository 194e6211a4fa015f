"""skbce on a real dask cluster: distributed fits, thresholds and model search."""

import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.datasets import make_classification
from sklearn.exceptions import UndefinedMetricWarning
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, KFold, cross_validate
from sklearn.pipeline import make_pipeline

from skbce import (
    GraphPropagator,
    HurdleRegressor,
    MultiLabelLogisticClassifier,
    OptimalThresholdClassifier,
    TemperatureScaledClassifier,
    ZeroInflatedRegressor,
)
from skbce.datasets import load_biochemists
from skbce.metrics import constrained, optimal_threshold

da = pytest.importorskip("dask.array")
distributed = pytest.importorskip("distributed")
joblib = pytest.importorskip("joblib")


@pytest.fixture(scope="module")
def client():
    """A distributed client on a LocalCluster of 2 worker processes."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        cluster = distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
        )
        with cluster, distributed.Client(cluster) as dask_client:
            yield dask_client


def _relative_gap(a, b):
    return abs(a - b) / max(abs(a), abs(b))


@pytest.fixture(scope="module")
def counts():
    X, y = load_biochemists(return_X_y=True)
    return X, y.astype(np.float64)


@pytest.mark.parametrize("count_model", ["poisson", "negbin"])
def test_hurdle_regressor_dask_fit_equals_in_memory_fit(client, counts, count_model):
    """Check that a fit on dask row chunks reaches the in-memory optimum."""
    X, y = counts
    rng = np.random.default_rng(0)
    weights = rng.integers(1, 4, size=len(y)).astype(float)
    offset = rng.normal(scale=0.1, size=len(y))
    kwargs = dict(count_model=count_model, alpha=0.01, zero_features=[0, 3, 4])
    ref = HurdleRegressor(**kwargs).fit(X, y, sample_weight=weights, offset=offset)
    model = HurdleRegressor(**kwargs).fit(
        da.from_array(X, chunks=(200, 2)),
        da.from_array(y, chunks=150),  # misaligned with X: rechunked to X's
        sample_weight=da.from_array(weights, chunks=200),
        offset=offset,  # in memory: chunked like X
    )
    assert _relative_gap(model.loglik_, ref.loglik_) <= 1e-8
    assert_allclose(model.count_coef_, ref.count_coef_, rtol=1e-6, atol=1e-8)
    assert_allclose(model.zero_coef_, ref.zero_coef_, rtol=1e-6, atol=1e-8)
    assert model.max_count_ == ref.max_count_
    assert model._n_obs == ref._n_obs

    X_test = da.from_array(X[:300], chunks=(70, 5))
    offset_test = da.from_array(offset[:300], chunks=70)
    pred = model.predict(X_test, offset=offset_test)
    assert isinstance(pred, da.Array) and pred.chunks == ((70, 70, 70, 70, 20),)
    assert_allclose(pred.compute(), ref.predict(X[:300], offset=offset[:300]))
    pmf = model.predict_pmf(X_test, max_count=4, offset=offset_test)
    assert isinstance(pmf, da.Array) and pmf.shape == (300, 5)
    assert_allclose(
        pmf.compute(), ref.predict_pmf(X[:300], max_count=4, offset=offset[:300])
    )
    assert_allclose(
        model.predict_zero_proba(X_test).compute(), ref.predict_zero_proba(X[:300])
    )


@pytest.mark.parametrize("estimator", ["hurdle", "zero-inflated"])
def test_count_models_dask_inference_equals_in_memory(client, counts, estimator):
    """Check that a dask fit with weights, an offset and clusters gives the
    in-memory cluster-robust covariance, per-row log-likelihoods (lazily) and
    average marginal effects."""
    X, y = counts
    rng = np.random.default_rng(0)
    weights = rng.integers(1, 4, size=len(y)).astype(float)
    offset = rng.normal(scale=0.1, size=len(y))
    groups = (X[:, 2] * 10 + X[:, 1]).astype(int)
    cls = HurdleRegressor if estimator == "hurdle" else ZeroInflatedRegressor
    kwargs = dict(count_model="negbin", cov_type="cluster")
    ref = cls(**kwargs).fit(X, y, sample_weight=weights, offset=offset, groups=groups)
    model = cls(**kwargs).fit(
        da.from_array(X, chunks=(200, 5)),
        da.from_array(y, chunks=200),
        sample_weight=da.from_array(weights, chunks=200),
        offset=offset,
        groups=da.from_array(groups, chunks=150),
    )
    assert _relative_gap(model.loglik_, ref.loglik_) <= 1e-8
    assert_allclose(model.cov_params(), ref.cov_params(), rtol=1e-6)
    X_dask = da.from_array(X, chunks=(300, 5))
    samples = model.loglik_samples(X_dask, da.from_array(y, chunks=300), offset=offset)
    assert isinstance(samples, da.Array)
    assert_allclose(samples.compute() @ weights, ref.loglik_, rtol=1e-8)
    assert_allclose(
        model.average_marginal_effects(X_dask, offset=offset),
        ref.average_marginal_effects(X, offset=offset),
        rtol=1e-6,
    )


def test_hurdle_regressor_dask_dataframe_keeps_feature_names(client):
    """Check that a dask DataFrame fit records and checks the feature names."""
    dd = pytest.importorskip("dask.dataframe")
    X, y = load_biochemists(return_X_y=True, as_frame=True)
    ref = HurdleRegressor(zero_features=["ment", "phd"]).fit(X, y)
    model = HurdleRegressor(zero_features=["ment", "phd"]).fit(
        dd.from_pandas(X, npartitions=3), dd.from_pandas(y, npartitions=2)
    )
    assert_array_equal(model.feature_names_in_, ref.feature_names_in_)
    assert _relative_gap(model.loglik_, ref.loglik_) <= 1e-8
    pred = model.predict(dd.from_pandas(X, npartitions=4))
    assert_allclose(pred.compute(), ref.predict(X))
    with pytest.raises(ValueError, match="feature names"):
        model.predict(dd.from_pandas(X[X.columns[::-1]], npartitions=2))


def test_hurdle_regressor_dask_refuses_bad_input(client, counts):
    """Check the errors for unknown chunk sizes, bad values and custom parts."""
    X, y = counts
    X_dask = da.from_array(X, chunks=(200, 5))
    unknown = X_dask[da.from_array(y, chunks=200) >= 0]  # boolean mask: unknown
    with pytest.raises(ValueError, match=r"unknown chunk sizes.*compute_chunk_sizes"):
        HurdleRegressor().fit(unknown, y)
    y_dask = da.from_array(y, chunks=200)
    with pytest.raises(ValueError, match=r"y has unknown chunk sizes"):
        HurdleRegressor().fit(X_dask, y_dask[y_dask >= 0])
    with pytest.raises(ValueError, match="y must have shape"):
        HurdleRegressor().fit(X_dask, da.from_array(y[:-1], chunks=100))
    with pytest.raises(ValueError, match="non-negative counts"):
        HurdleRegressor().fit(X_dask, da.from_array(y - 1, chunks=100))
    bad = X.copy()
    bad[3, 1] = np.nan
    with pytest.raises(ValueError, match="NaN or infinity"):
        HurdleRegressor().fit(da.from_array(bad, chunks=(200, 5)), y)
    with pytest.raises(ValueError, match="built-in parts"):
        HurdleRegressor(zero_model=LogisticRegression()).fit(X_dask, y)
    fitted = HurdleRegressor().fit(X, y)
    with pytest.raises(ValueError, match="features"):
        fitted.predict(X_dask[:, :3])


@pytest.mark.parametrize(
    "objective",
    ["f1", "cost", "youden", "precision", constrained("recall", precision=0.6)],
)
@pytest.mark.parametrize("weighted", [False, True])
def test_optimal_threshold_dask_scores_equal_in_memory(client, objective, weighted):
    """Check that the chunked search returns the in-memory thresholds, with ties."""
    rng = np.random.default_rng(0)
    n, n_labels = 5000, 3
    y_true = rng.integers(0, 2, size=(n, n_labels))
    # Rounded scores: many ties, some across chunk boundaries.
    y_score = np.round(rng.normal(size=(n, n_labels)) + y_true, 2)
    weight = rng.integers(1, 5, size=n).astype(float) if weighted else None
    expected = optimal_threshold(
        y_true, y_score, objective=objective, fp_cost=2.0, sample_weight=weight
    )
    got = optimal_threshold(
        da.from_array(y_true, chunks=(700, 1)),
        da.from_array(y_score, chunks=(900, 3)),
        objective=objective,
        fp_cost=2.0,
        sample_weight=None if weight is None else da.from_array(weight, chunks=900),
    )
    assert_array_equal(got[0], expected[0])
    assert got[1] == pytest.approx(expected[1], rel=1e-12)
    # 1-D scores, y_true and weights chunked differently from the scores.
    got_1d = optimal_threshold(
        da.from_array(y_true[:, 0], chunks=800),
        da.from_array(y_score[:, 0], chunks=800),
        objective=objective,
        fp_cost=2.0,
        sample_weight=None if weight is None else da.from_array(weight, chunks=800),
    )
    expected_1d = optimal_threshold(
        y_true[:, 0],
        y_score[:, 0],
        objective=objective,
        fp_cost=2.0,
        sample_weight=weight,
    )
    assert got_1d[0] == expected_1d[0]


def test_optimal_threshold_dask_infeasible_warning_names_the_label(client):
    """Check that the infeasible-constraint warning names the right label.

    Bug: the chunked search ran the choice label by label on one-column tables,
    so the warning named label [0] whichever label had no feasible threshold.
    """
    rng = np.random.default_rng(1)
    n = 2000
    y_true = rng.integers(0, 2, size=(n, 2))
    # Label 0 separable (precision 0.9 reachable), label 1 pure noise.
    y_score = np.column_stack([y_true[:, 0] + rng.normal(0, 0.1, n), rng.random(n)])
    objective = constrained("recall", precision=0.9)
    with pytest.warns(UndefinedMetricWarning, match=r"label\(s\) \[1\]"):
        expected = optimal_threshold(y_true, y_score, objective=objective)
    with pytest.warns(UndefinedMetricWarning, match=r"label\(s\) \[1\]"):
        got = optimal_threshold(
            da.from_array(y_true, chunks=(500, 2)),
            da.from_array(y_score, chunks=(500, 2)),
            objective=objective,
        )
    assert_array_equal(got[0], expected[0])


def test_optimal_threshold_dask_refuses_unsupported_searches(client):
    """Check that non-monotone objectives and grids are refused on dask scores."""
    y_true = da.from_array(np.array([0, 1, 0, 1]), chunks=2)
    y_score = da.from_array(np.array([0.1, 0.4, 0.35, 0.8]), chunks=2)
    with pytest.raises(ValueError, match="objectives"):
        optimal_threshold(y_true, y_score, objective="matthews_corrcoef")
    with pytest.raises(ValueError, match="average='macro'"):
        optimal_threshold(y_true, y_score, thresholds=10)


def _search_cases():
    X_count, y_count = load_biochemists(return_X_y=True)
    X, y = make_classification(n_samples=300, n_features=5, random_state=0)
    return [
        (HurdleRegressor(), {"alpha": [0.0, 0.1, 10.0]}, X_count, y_count),
        (MultiLabelLogisticClassifier(), {"C": [0.001, 1.0]}, X, y),
        (
            OptimalThresholdClassifier(LogisticRegression(), cv=3),
            {"objective": ["f1", "accuracy"], "estimator__C": [0.01, 1.0]},
            X,
            y,
        ),
        (
            TemperatureScaledClassifier(LogisticRegression(), cv=3),
            {"estimator__C": [0.01, 1.0]},
            X,
            y,
        ),
        (
            make_pipeline(GraphPropagator(), LogisticRegression()),
            {"logisticregression__C": [0.001, 1.0]},
            X,
            y,
        ),
    ]


@pytest.mark.parametrize(
    "estimator, grid, X, y",
    _search_cases(),
    ids=["hurdle", "multilabel", "threshold", "temperature", "graph"],
)
def test_grid_search_dask_backend_equals_default_backend(client, estimator, grid, X, y):
    """Check that GridSearchCV on the dask joblib backend finds the same model."""
    cv = KFold(3, shuffle=True, random_state=0)
    reference = GridSearchCV(estimator, grid, cv=cv).fit(X, y)
    with joblib.parallel_backend("dask"):
        search = GridSearchCV(estimator, grid, cv=cv, n_jobs=2).fit(X, y)
        scores = cross_validate(estimator, X, y, cv=cv, n_jobs=2)
    assert search.best_params_ == reference.best_params_
    assert_allclose(
        search.cv_results_["mean_test_score"],
        reference.cv_results_["mean_test_score"],
        rtol=1e-12,
    )
    assert_allclose(
        scores["test_score"],
        cross_validate(estimator, X, y, cv=cv)["test_score"],
        rtol=1e-12,
    )


@pytest.mark.parametrize("multilabel", [False, True])
def test_optimal_threshold_classifier_prefit_dask_equals_in_memory(client, multilabel):
    """Check that cv='prefit' on dask data finds the in-memory thresholds."""
    from sklearn.datasets import make_multilabel_classification
    from sklearn.multioutput import MultiOutputClassifier

    if multilabel:
        X, y = make_multilabel_classification(2000, n_classes=3, random_state=0)
        estimator = MultiOutputClassifier(LogisticRegression(max_iter=1000))
    else:
        X, y = make_classification(2000, n_features=6, random_state=0)
        y = np.where(y == 1, "yes", "no")
        estimator = LogisticRegression()
    estimator.fit(X[:800], y[:800])
    kwargs = dict(cv="prefit", refit=False, objective="f1")
    if not multilabel:
        kwargs["pos_label"] = "yes"  # string classes name their positive one
    ref = OptimalThresholdClassifier(estimator, **kwargs).fit(X[800:], y[800:])
    model = OptimalThresholdClassifier(estimator, **kwargs).fit(
        da.from_array(X[800:], chunks=(250, 4)), da.from_array(y[800:], chunks=300)
    )
    assert_array_equal(model.best_threshold_, ref.best_threshold_)
    assert model.best_score_ == pytest.approx(ref.best_score_, rel=1e-12)
    pred = model.predict(da.from_array(X, chunks=(500, -1)))
    assert isinstance(pred, da.Array)
    assert_array_equal(pred.compute(), ref.predict(X))
    with pytest.raises(ValueError, match="cv='prefit'"):
        OptimalThresholdClassifier(estimator, cv=3).fit(da.from_array(X, chunks=500), y)


def _multilabel_objective(model, X, Y):
    """The objective of fit: summed BCE plus ||w_k||^2 / (2 C) over the labels."""
    from skbce.losses import binary_cross_entropy

    raw = X @ model.coef_.T.astype(np.float64) + model.intercept_
    bce = binary_cross_entropy(Y, raw, reduction="sum")
    return bce + np.sum(model.coef_.astype(np.float64) ** 2) / (2 * model.C)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("solver", ["newton-cg", "lbfgs"])
def test_multilabel_classifier_dask_fit_equals_in_memory_fit(client, dtype, solver):
    """Check that a fit on dask row chunks reaches the in-memory objective."""
    from skbce.datasets import load_yeast

    X, Y = load_yeast(return_X_y=True)
    X, Y = np.asarray(X, dtype=dtype)[:800], np.asarray(Y)[:800]
    ref = MultiLabelLogisticClassifier(solver=solver).fit(X, Y)
    model = MultiLabelLogisticClassifier(solver=solver).fit(
        da.from_array(X, chunks=(300, 60)), da.from_array(Y, chunks=(250, 7))
    )
    assert model.coef_.dtype == dtype
    X64 = X.astype(np.float64)
    gap = _relative_gap(
        _multilabel_objective(model, X64, Y), _multilabel_objective(ref, X64, Y)
    )
    assert gap <= 1e-8
    proba = model.predict_proba(da.from_array(X, chunks=(300, -1)))
    assert isinstance(proba, da.Array) and proba.dtype == dtype
    assert_allclose(proba.compute(), ref.predict_proba(X), rtol=1e-4, atol=1e-5)
    pred = model.predict(da.from_array(X, chunks=(300, -1))).compute()
    assert pred.dtype == ref.predict(X).dtype


def test_multilabel_classifier_dask_binary_target(client):
    """Check a binary 1-D dask target: classes, coefficients and predictions."""
    X, y = make_classification(n_samples=900, n_features=5, random_state=0)
    y = np.where(y == 1, "spam", "ham")
    ref = MultiLabelLogisticClassifier().fit(X, y)
    model = MultiLabelLogisticClassifier().fit(
        da.from_array(X, chunks=200), da.from_array(y, chunks=200)
    )
    assert_array_equal(model.classes_, ref.classes_)
    assert_allclose(model.coef_, ref.coef_, rtol=1e-6, atol=1e-8)
    pred = model.predict(da.from_array(X, chunks=(250, -1)))
    assert_array_equal(pred.compute(), ref.predict(X))
    with pytest.raises(ValueError, match="multiclass"):
        MultiLabelLogisticClassifier().fit(
            da.from_array(X, chunks=200), da.from_array(np.arange(900) % 3, chunks=200)
        )
