"""Tests of HurdleRegressor against statsmodels on bioChemists, and its API."""

import warnings

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from _references import averaged_slope
from numpy.testing import assert_allclose
from sklearn.base import clone
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.exceptions import (
    ConvergenceWarning,
    NotFittedError,
    UndefinedMetricWarning,
)
from sklearn.linear_model import LogisticRegression, PoissonRegressor
from sklearn.model_selection import GridSearchCV, KFold, cross_validate
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from statsmodels.discrete.truncated_model import (
    TruncatedLFNegativeBinomialP,
    TruncatedLFPoisson,
)
from statsmodels.stats.sandwich_covariance import cov_white_simple

from skbce import HurdleRegressor
from skbce.datasets import load_biochemists
from skbce.linear_model._hurdle import NoZerosWarning

ZERO_FEATURES = ["fem", "mar", "kid5", "ment"]
COUNT_FEATURES = ["fem", "kid5", "phd", "ment"]


@pytest.fixture(scope="module")
def biochemists():
    return load_biochemists(return_X_y=True, as_frame=True)


def _statsmodels_reference(X, y, count_model):
    """Logit on y > 0 plus the statsmodels zero-truncated count model."""
    positive = (y > 0).to_numpy()
    Xz = sm.add_constant(X[ZERO_FEATURES])
    Xc = sm.add_constant(X[COUNT_FEATURES])
    zero = sm.Logit(positive.astype(float), Xz).fit(disp=0, method="newton", tol=1e-12)
    model_class = {
        "poisson": TruncatedLFPoisson,
        "negbin": TruncatedLFNegativeBinomialP,
    }[count_model]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        count = model_class(y[positive], Xc[positive]).fit(
            disp=0, method="newton", maxiter=100
        )
    assert zero.mle_retvals["converged"] and count.mle_retvals["converged"]
    return zero, count, Xz, Xc


@pytest.fixture(scope="module", params=["poisson", "negbin"])
def fitted_pair(request, biochemists):
    X, y = biochemists
    model = HurdleRegressor(
        count_model=request.param,
        zero_features=ZERO_FEATURES,
        count_features=COUNT_FEATURES,
    ).fit(X, y)
    return model, _statsmodels_reference(X, y, request.param), request.param


# ---------------------------------------------------------------------------
# Against statsmodels on bioChemists
# ---------------------------------------------------------------------------


def test_hurdle_regressor_coefficients_match_statsmodels(fitted_pair):
    """Check both parts' coefficients (and NB alpha) against statsmodels to 1e-5."""
    model, (zero, count, _, _), count_model = fitted_pair
    assert_allclose(model.zero_intercept_, zero.params["const"], atol=1e-6)
    assert_allclose(model.zero_coef_, zero.params[ZERO_FEATURES], atol=1e-6)
    assert_allclose(model.count_intercept_, count.params["const"], atol=1e-6)
    assert_allclose(model.count_coef_, count.params[COUNT_FEATURES], atol=1e-6)
    if count_model == "negbin":
        assert_allclose(1 / model.theta_, count.params["alpha"], rtol=1e-5)
    else:
        assert model.theta_ is None


def test_hurdle_regressor_loglik_matches_statsmodels(fitted_pair):
    """Check that loglik_ is the sum of the statsmodels Logit and truncated llf."""
    model, (zero, count, _, _), _ = fitted_pair
    assert_allclose(model.loglik_, zero.llf + count.llf, rtol=1e-10)
    stats = model.summary().stats
    assert_allclose(stats["aic"], zero.aic + count.aic, rtol=1e-10)
    assert stats["df"] == len(zero.params) + len(count.params)


def test_hurdle_regressor_standard_errors_match_statsmodels(fitted_pair):
    """Check the analytic-Hessian standard errors against statsmodels' bse."""
    model, (zero, count, _, _), count_model = fitted_pair
    summary = model.summary()
    zero_table = summary.zero.loc[["(Intercept)", *ZERO_FEATURES]]
    assert_allclose(zero_table["std_err"], zero.bse.to_numpy(), rtol=1e-6)
    assert_allclose(zero_table["z"], zero.tvalues.to_numpy(), rtol=1e-6)
    assert_allclose(zero_table["p_value"], zero.pvalues.to_numpy(), rtol=1e-5)
    count_table = summary.count.loc[["(Intercept)", *COUNT_FEATURES]]
    # statsmodels' truncated models use a numerical Hessian: agree to ~1e-5.
    assert_allclose(count_table["std_err"], count.bse.iloc[:5].to_numpy(), rtol=1e-4)
    if count_model == "negbin":
        # Delta method: se(alpha) = alpha * se(log theta), alpha = 1 / theta.
        se_alpha = summary.count.loc["Log(theta)", "std_err"] / model.theta_
        assert_allclose(se_alpha, count.bse["alpha"], rtol=1e-4)


def test_hurdle_regressor_probabilities_match_statsmodels(fitted_pair, biochemists):
    """Check P(y = 0), the truncated mean and the pmf against statsmodels."""
    X, _ = biochemists
    model, (zero, count, Xz, Xc), _ = fitted_pair
    p_positive = zero.predict(Xz).to_numpy()
    assert_allclose(model.predict_zero_proba(X), 1 - p_positive, rtol=1e-8)
    truncated_mean = count.predict(Xc, which="mean").to_numpy()
    assert_allclose(model.predict_truncated_mean(X), truncated_mean, rtol=1e-6)
    assert_allclose(model.predict(X), p_positive * truncated_mean, rtol=1e-6)
    pmf = model.predict_pmf(X, max_count=6)
    truncated_pmf = np.asarray(
        count.predict(Xc, which="prob", y_values=np.arange(1, 7))
    )
    assert_allclose(pmf[:, 0], 1 - p_positive, rtol=1e-8)
    assert_allclose(pmf[:, 1:], p_positive[:, None] * truncated_pmf, rtol=1e-6)


def test_hurdle_regressor_negbin_on_all_features_matches_statsmodels(biochemists):
    """Check the NB hurdle on all features (pscl's example) against statsmodels."""
    X, y = biochemists
    model = HurdleRegressor(count_model="negbin").fit(X, y)
    positive = y > 0
    Xc = sm.add_constant(X)
    reference = TruncatedLFNegativeBinomialP(y[positive], Xc[positive]).fit(
        disp=0, method="newton", maxiter=100
    )
    assert_allclose(
        np.r_[model.count_intercept_, model.count_coef_],
        reference.params.iloc[:-1],
        atol=1e-6,
    )
    log_theta = model.summary().count.loc["Log(theta)", "coef"]
    assert_allclose(log_theta, -np.log(reference.params["alpha"]), rtol=1e-6)


# ---------------------------------------------------------------------------
# Parts, features, weights, offsets
# ---------------------------------------------------------------------------


def test_hurdle_regressor_custom_classifier_matches_logit_part(biochemists):
    """Check that an unpenalised LogisticRegression zero part equals the logit."""
    X, y = biochemists
    builtin = HurdleRegressor().fit(X, y)
    custom = HurdleRegressor(
        zero_model=make_pipeline(
            StandardScaler(), LogisticRegression(C=np.inf, tol=1e-12, max_iter=1000)
        )
    ).fit(X, y)
    assert custom.zero_model_ is not None and not hasattr(custom, "zero_coef_")
    assert_allclose(
        custom.predict_zero_proba(X), builtin.predict_zero_proba(X), rtol=1e-6
    )
    assert_allclose(custom.loglik_, builtin.loglik_, rtol=1e-9)
    assert custom.summary().zero is None
    assert_allclose(custom.predict_pmf(X, 4), builtin.predict_pmf(X, 4), rtol=1e-6)


def test_hurdle_regressor_custom_regressor_models_truncated_mean(biochemists):
    """Check that a custom count regressor is fitted on y > 0 and predicts its mean."""
    X, y = biochemists
    model = HurdleRegressor(count_model=PoissonRegressor(alpha=0.0, tol=1e-10))
    model.fit(X, y)
    positive = y > 0
    reference = PoissonRegressor(alpha=0.0, tol=1e-10).fit(X[positive], y[positive])
    assert_allclose(model.predict_truncated_mean(X), reference.predict(X), rtol=1e-8)
    p_positive = 1 - model.predict_zero_proba(X)
    assert_allclose(model.predict(X), p_positive * reference.predict(X), rtol=1e-8)
    assert np.isnan(model.loglik_) and model.summary().count is None
    with pytest.raises(ValueError, match="count_model is a custom regressor"):
        model.predict_pmf(X)
    with pytest.raises(ValueError, match="offset is only supported"):
        clone(model).fit(X, y, offset=np.zeros(len(y)))


def test_hurdle_regressor_feature_indices_equal_names(biochemists):
    """Check that integer indices select the same columns as names."""
    X, y = biochemists
    by_name = HurdleRegressor(zero_features=["ment"], count_features=["fem", "ment"])
    by_index = HurdleRegressor(zero_features=[4], count_features=[0, -1])
    by_name.fit(X, y)
    by_index.fit(X.to_numpy(), y.to_numpy())
    assert_allclose(by_name.zero_coef_, by_index.zero_coef_, rtol=1e-12)
    assert_allclose(by_name.count_coef_, by_index.count_coef_, rtol=1e-12)
    assert list(by_name.summary().count.index) == ["(Intercept)", "fem", "ment"]
    assert list(by_index.summary().count.index) == ["(Intercept)", "x0", "x4"]


def test_hurdle_regressor_intercept_only_zero_part(biochemists):
    """Check that zero_features=[] fits the constant P(y > 0) of the sample."""
    X, y = biochemists
    model = HurdleRegressor(zero_features=[]).fit(X, y)
    assert model.zero_coef_.shape == (0,)
    assert_allclose(model.predict_zero_proba(X), np.mean(y == 0), rtol=1e-10)


def test_hurdle_regressor_sample_weight_equals_row_repetition(biochemists, rng):
    """Check that integer sample weights equal repeating rows, for both counts."""
    X, y = biochemists
    weights = rng.integers(0, 4, size=len(y))
    X_rep, y_rep = X.loc[X.index.repeat(weights)], y.loc[y.index.repeat(weights)]
    for count_model in ["poisson", "negbin"]:
        weighted = HurdleRegressor(count_model=count_model).fit(X, y, weights)
        repeated = HurdleRegressor(count_model=count_model).fit(X_rep, y_rep)
        assert_allclose(weighted.zero_coef_, repeated.zero_coef_, rtol=1e-7)
        assert_allclose(weighted.count_coef_, repeated.count_coef_, rtol=1e-7)
        assert_allclose(weighted.loglik_, repeated.loglik_, rtol=1e-10)
        assert_allclose(
            weighted.summary().count["std_err"],
            repeated.summary().count["std_err"],
            rtol=1e-6,
        )


def test_hurdle_regressor_sample_weight_scale_and_row_order_invariance(
    biochemists, rng
):
    """Check that scaling weights or permuting rows leaves the fit unchanged."""
    X, y = biochemists
    weights = rng.uniform(0.5, 2.0, size=len(y))
    base = HurdleRegressor(count_model="negbin", alpha=0.01).fit(X, y, weights)
    scaled = HurdleRegressor(count_model="negbin", alpha=0.01).fit(X, y, 7 * weights)
    order = rng.permutation(len(y))
    permuted = HurdleRegressor(count_model="negbin", alpha=0.01).fit(
        X.iloc[order], y.iloc[order], weights[order]
    )
    for other in (scaled, permuted):
        assert_allclose(other.count_coef_, base.count_coef_, rtol=1e-8)
        assert_allclose(other.zero_coef_, base.zero_coef_, rtol=1e-8)
        assert_allclose(other.theta_, base.theta_, rtol=1e-8)


def test_hurdle_regressor_offset_shifts_the_count_linear_predictor(biochemists):
    """Check that an offset of c * x_j lowers that coefficient by exactly c."""
    X, y = biochemists
    plain = HurdleRegressor(count_model="negbin").fit(X, y)
    offset = 0.01 * X["ment"].to_numpy()
    with_offset = HurdleRegressor(count_model="negbin").fit(X, y, offset=offset)
    expected = plain.count_coef_.copy()
    expected[4] -= 0.01
    assert_allclose(with_offset.count_coef_, expected, atol=1e-7)
    assert_allclose(with_offset.loglik_, plain.loglik_, rtol=1e-12)
    assert_allclose(with_offset.predict(X, offset=offset), plain.predict(X), rtol=1e-7)
    # An exposure of e doubles... the untruncated mean: log(2) on the raw scale.
    doubled = with_offset.predict_truncated_mean(X, offset=offset + np.log(2))
    assert np.all(doubled > with_offset.predict_truncated_mean(X, offset=offset))


def test_hurdle_regressor_pmf_sums_to_one_and_default_max_count(biochemists):
    """Check the pmf rows sum to 1 on a wide support and default to max(y)."""
    X, y = biochemists
    model = HurdleRegressor(count_model="negbin", zero_model="probit").fit(X, y)
    pmf = model.predict_pmf(X.iloc[:20], max_count=400)
    assert_allclose(pmf.sum(axis=1), 1.0, rtol=1e-10)
    mean = pmf @ np.arange(401)
    assert_allclose(mean, model.predict(X.iloc[:20]), rtol=1e-8)
    assert model.predict_pmf(X.iloc[:3]).shape == (3, y.max() + 1)
    assert model.predict_pmf(X.iloc[:3], max_count=0).shape == (3, 1)


def test_hurdle_regressor_non_integer_counts_are_a_quasi_likelihood(biochemists):
    """Check that non-integer y is accepted and matches statsmodels' quasi-fit."""
    X, y = biochemists
    y_frac = y * 0.5
    model = HurdleRegressor(zero_features=[], count_features=["ment"]).fit(X, y_frac)
    positive = y_frac > 0
    reference = TruncatedLFPoisson(
        y_frac[positive], sm.add_constant(X.loc[positive, ["ment"]])
    ).fit(disp=0, method="newton")
    assert_allclose(
        [model.count_intercept_, *model.count_coef_], reference.params, atol=1e-6
    )


def test_hurdle_regressor_score_of_a_constant_target_is_finite(biochemists):
    """Check scikit-learn's force_finite rule for a fold without variation.

    The case of issue 14 (#11): a fold of zeros only has no deviance to
    explain, and D² was NaN; as r2_score(force_finite=True) it is 0.0 for
    imperfect predictions. One sample: NaN with an UndefinedMetricWarning, as
    scikit-learn's D² and R² functions.
    """
    X, y = biochemists
    model = HurdleRegressor().fit(X, y)
    zeros = (y == 0).to_numpy()
    assert model.score(X[zeros], y[zeros]) == 0.0
    constant = y == 1
    assert model.score(X[constant], y[constant]) == 0.0
    with pytest.warns(UndefinedMetricWarning, match="less than two samples"):
        assert np.isnan(model.score(X.iloc[:1], y.iloc[:1]))


def test_hurdle_regressor_cross_validate_on_sorted_rows_is_finite(biochemists):
    """Check cross_validate with unshuffled folds on the rows sorted by art.

    The first of 5 contiguous folds holds zeros only: its D² is 0.0, not NaN
    (the others are poor, as contiguous folds of sorted rows extrapolate).
    """
    X, y = biochemists
    assert (np.diff(y.to_numpy()) >= 0).all(), "the bundled rows are sorted by art"
    scores = cross_validate(HurdleRegressor(), X, y, cv=5)["test_score"]
    assert np.isfinite(scores).all() and scores[0] == 0.0
    shuffled = KFold(5, shuffle=True, random_state=0)
    assert (
        cross_validate(HurdleRegressor(), X, y, cv=shuffled)["test_score"] > 0
    ).all()


def test_hurdle_regressor_score_is_poisson_d2(biochemists):
    """Check that score is the Poisson D² of predict, as PoissonRegressor's."""
    X, y = biochemists
    model = HurdleRegressor().fit(X, y)
    from sklearn.metrics import d2_tweedie_score

    expected = d2_tweedie_score(y, model.predict(X), power=1)
    assert_allclose(model.score(X, y), expected, rtol=1e-12)
    # The hurdle explains more deviance than the constant-mean model.
    assert model.score(X, y) > 0


# ---------------------------------------------------------------------------
# Bad input and degenerate targets
# ---------------------------------------------------------------------------


def test_hurdle_regressor_rejects_negative_y(biochemists):
    """Check that negative counts raise a ValueError naming y."""
    X, y = biochemists
    with pytest.raises(ValueError, match="non-negative counts y"):
        HurdleRegressor().fit(X, y - 1)


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_hurdle_regressor_rejects_nan_inf(biochemists, bad):
    """Check that NaN or inf in X, y, sample_weight or offset raises a ValueError."""
    X, y = biochemists
    X_bad = X.astype(float)
    X_bad.iloc[3, 2] = bad
    with pytest.raises(ValueError, match="Input X contains"):
        HurdleRegressor().fit(X_bad, y)
    y_bad = y.astype(float).copy()
    y_bad.iloc[3] = bad
    with pytest.raises(ValueError, match="Input y contains"):
        HurdleRegressor().fit(X, y_bad)
    vector = np.ones(len(y))
    vector[3] = bad
    with pytest.raises(ValueError, match="contains"):
        HurdleRegressor().fit(X, y, sample_weight=vector)
    with pytest.raises(ValueError, match="contains"):
        HurdleRegressor().fit(X, y, offset=vector)


def test_hurdle_regressor_rejects_all_zero_y(biochemists):
    """Check that a target without positive counts raises a clear error."""
    X, y = biochemists
    with pytest.raises(ValueError, match="count part cannot be fitted"):
        HurdleRegressor().fit(X, 0 * y)
    weights = (y == 0).astype(float)  # positives all have weight 0
    with pytest.raises(ValueError, match="count part cannot be fitted"):
        HurdleRegressor().fit(X, y, sample_weight=weights)


@pytest.mark.parametrize("zero_model", ["logit", LogisticRegression()])
def test_hurdle_regressor_no_zeros_warns_and_fits_count_part(biochemists, zero_model):
    """Check that y without zeros warns, sets P(y=0)=0 and fits the count part."""
    X, y = biochemists
    positive = y > 0
    X_pos, y_pos = X[positive], y[positive]
    with pytest.warns(NoZerosWarning, match="y has no zeros"):
        model = HurdleRegressor(zero_model=zero_model).fit(X_pos, y_pos)
    assert_allclose(model.predict_zero_proba(X), 0.0)
    reference = HurdleRegressor().fit(X, y)
    assert_allclose(model.count_coef_, reference.count_coef_, rtol=1e-10)
    assert_allclose(model.predict(X), model.predict_truncated_mean(X))
    assert_allclose(
        model.loglik_, reference.summary().stats["loglik"] - _zero_loglik(reference)
    )
    assert model.summary().zero is None


def _zero_loglik(model):
    return model._zero.loglik


def test_hurdle_regressor_rejects_unknown_feature_names(biochemists):
    """Check that unknown names in zero_features/count_features raise ValueError."""
    X, y = biochemists
    with pytest.raises(ValueError, match=r"zero_features has unknown .*'mentor'"):
        HurdleRegressor(zero_features=["ment", "mentor"]).fit(X, y)
    with pytest.raises(ValueError, match=r"count_features has unknown .*'age'"):
        HurdleRegressor(count_features=["age"]).fit(X, y)
    with pytest.raises(ValueError, match="X has no feature names"):
        HurdleRegressor(count_features=["ment"]).fit(X.to_numpy(), y)
    with pytest.raises(ValueError, match="out of range"):
        HurdleRegressor(count_features=[5]).fit(X, y)
    with pytest.raises(ValueError, match="one kind only"):
        HurdleRegressor(count_features=["ment", 1]).fit(X, y)
    with pytest.raises(ValueError, match="one kind only"):
        HurdleRegressor(zero_features=[True, 1, 0, 0, 0]).fit(X, y)


@pytest.mark.parametrize("as_array", [False, True])
def test_hurdle_regressor_boolean_mask_selects_like_indices(biochemists, as_array):
    """Check that a boolean mask (list or array) selects the columns it marks.

    The case of issue 16: [True, False, ...] was refused as "not a mix".
    """
    X, y = biochemists
    mask = [True, False, False, False, True]
    zero_mask = np.array(mask) if as_array else mask
    count_mask = np.array(mask[::-1]) if as_array else mask[::-1]
    by_mask = HurdleRegressor(zero_features=zero_mask, count_features=count_mask)
    by_index = HurdleRegressor(zero_features=[0, 4], count_features=[0, 4])
    by_mask.fit(X, y)
    by_index.fit(X, y)
    assert_allclose(by_mask.zero_coef_, by_index.zero_coef_, rtol=1e-12)
    assert_allclose(by_mask.count_coef_, by_index.count_coef_, rtol=1e-12)
    assert list(by_mask.summary().zero.index) == ["(Intercept)", "fem", "ment"]
    with pytest.raises(ValueError, match=r"one entry per column of X \(5\); got 2"):
        HurdleRegressor(zero_features=[True, False]).fit(X, y)


@pytest.mark.parametrize("param", ["zero_features", "count_features"])
@pytest.mark.parametrize("empty", [[], [False] * 5])
def test_hurdle_regressor_refuses_a_part_without_parameters(biochemists, param, empty):
    """Check that no column and no intercept is refused, not fitted at P = 1/2.

    The case of issue 16: zero_features=[] with fit_intercept=False silently
    fixed P(y > 0) at 0.5. A failed fit leaves the fitted model unchanged.
    """
    X, y = biochemists
    model = HurdleRegressor(fit_intercept=False).fit(X, y)
    coef = model.zero_coef_.copy()
    with pytest.raises(ValueError, match=f"{param} selects no column and fit_inter"):
        model.set_params(**{param: empty}).fit(X, y)
    assert_allclose(model.zero_coef_, coef, rtol=0)
    # With an intercept the empty selection is an intercept-only part.
    HurdleRegressor(fit_intercept=True, **{param: empty}).fit(X, y)


def test_hurdle_regressor_rejects_bad_offset_and_max_count(biochemists):
    """Check the errors for a mis-shaped offset and a negative max_count."""
    X, y = biochemists
    with pytest.raises(ValueError, match=r"offset must have shape \(915,\)"):
        HurdleRegressor().fit(X, y, offset=np.zeros(10))
    model = HurdleRegressor().fit(X, y)
    with pytest.raises(ValueError, match="offset must have shape"):
        model.predict(X, offset=np.zeros(3))
    with pytest.raises(ValueError, match="max_count must be a non-negative int"):
        model.predict_pmf(X, max_count=-1)
    with pytest.raises(ValueError, match="max_count must be a non-negative int"):
        model.predict_pmf(X, max_count=2.5)


def test_hurdle_regressor_rejects_weights_for_parts_without_them(biochemists):
    """Check the error when a custom part cannot take the sample weights."""
    X, y = biochemists
    model = HurdleRegressor(
        zero_model=make_pipeline(StandardScaler(), LogisticRegression())
    )
    with pytest.raises(ValueError, match="zero_model=Pipeline does not accept"):
        model.fit(X, y, sample_weight=np.ones(len(y)))
    model.fit(X, y)  # without weights the pipeline is fine


def test_hurdle_regressor_not_fitted_errors(biochemists):
    """Check that prediction and summary before fit raise NotFittedError."""
    X, _ = biochemists
    for method in ("predict", "predict_zero_proba", "predict_pmf"):
        with pytest.raises(NotFittedError):
            getattr(HurdleRegressor(), method)(X)
    with pytest.raises(NotFittedError):
        HurdleRegressor().summary()


def test_hurdle_regressor_failed_fit_leaves_model_unchanged(biochemists):
    """Check that a failing fit or set_params keeps the fitted state intact."""
    X, y = biochemists
    model = HurdleRegressor(count_model="negbin").fit(X, y)
    before = {k: v for k, v in vars(model).items() if k.endswith("_")}
    with pytest.raises(ValueError, match="unknown feature name"):
        model.set_params(count_features=["nope"]).fit(X.iloc[:100], y.iloc[:100])
    with pytest.raises(ValueError, match="non-negative counts"):
        model.set_params(count_features=None).fit(X, y - 5)
    with pytest.raises(ValueError, match="Invalid parameter"):
        model.set_params(alpha=3.0, nonsense=1)
    assert model.alpha == 0.0
    # Predictions follow the fitted parts, not parameters changed since the fit.
    pmf = model.predict_pmf(X, max_count=5)
    model.set_params(count_model="poisson", zero_model="probit")
    assert_allclose(model.predict_pmf(X, max_count=5), pmf, rtol=0)
    after = {k: v for k, v in vars(model).items() if k.endswith("_")}
    assert before.keys() == after.keys()
    for key, value in before.items():
        if isinstance(value, np.ndarray):
            np.testing.assert_array_equal(after[key], value)
        else:
            assert after[key] == value


def test_hurdle_regressor_warns_on_non_convergence(biochemists):
    """Check that max_iter=1 gives a ConvergenceWarning naming the part."""
    X, y = biochemists
    with pytest.warns(ConvergenceWarning) as record:
        HurdleRegressor(max_iter=1).fit(X, y)
    messages = [str(w.message) for w in record]
    assert any(m.startswith("zero part did not converge") for m in messages)
    assert any(m.startswith("count part did not converge") for m in messages)


def test_hurdle_regressor_negbin_tends_to_poisson_without_overdispersion(rng):
    """Check that on Poisson data theta_ grows large and NB matches the Poisson fit."""
    X = rng.normal(size=(3000, 2))
    y = rng.poisson(np.exp(0.3 + X @ [0.4, -0.2]))
    poisson = HurdleRegressor().fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        negbin = HurdleRegressor(count_model="negbin").fit(X, y)
    # Either a finite theta with a (slightly) better fit, or theta -> infinity.
    assert negbin.loglik_ >= poisson.loglik_ - 1e-8 * abs(poisson.loglik_)
    if negbin.theta_ > 1e4:
        assert_allclose(negbin.count_coef_, poisson.count_coef_, atol=1e-3)


# ---------------------------------------------------------------------------
# scikit-learn integration and the summary
# ---------------------------------------------------------------------------


def test_hurdle_regressor_in_pipeline_gridsearch_cross_validate(biochemists):
    """Check Pipeline, GridSearchCV and cross_validate with fit parameters."""
    X, y = biochemists
    cv = KFold(3, shuffle=True, random_state=0)  # the data are sorted by y
    pipe = make_pipeline(StandardScaler(), HurdleRegressor(count_model="negbin"))
    search = GridSearchCV(
        pipe,
        {
            "hurdleregressor__alpha": [0.0, 0.1],
            "hurdleregressor__zero_model": ["logit", "cloglog"],
        },
        cv=cv,
    ).fit(X.to_numpy(), y)
    assert set(search.cv_results_["params"][0]) == {
        "hurdleregressor__alpha",
        "hurdleregressor__zero_model",
    }
    assert np.all(np.isfinite(search.cv_results_["mean_test_score"]))
    result = cross_validate(
        HurdleRegressor(),
        X,
        y,
        cv=cv,
        params={"sample_weight": np.ones(len(y)), "offset": np.zeros(len(y))},
    )
    assert result["test_score"].shape == (3,)
    assert np.all(result["test_score"] > 0)


def test_hurdle_regressor_information_criteria_need_likelihood_parts(biochemists):
    """Check that AIC and BIC are NaN, and said why, with a custom part.

    The case of issue 14 (#10): an in-sample HistGradientBoostingClassifier
    zero part gave an AIC "better" than the logit hurdle's, counting the count
    part's parameters only, under a "HistGradientBoostingClassifier link".
    """
    X, y = biochemists
    builtin = HurdleRegressor().fit(X, y).summary()
    assert np.isfinite(builtin.stats[["df", "aic", "bic"]]).all()
    assert builtin.notes == ()
    boosted = HurdleRegressor(zero_model=HistGradientBoostingClassifier(max_iter=10))
    boosted.fit(X, y)
    summary = boosted.summary()
    assert np.isnan(summary.stats[["df", "aic", "bic"]]).all()
    assert np.isfinite(summary.stats["loglik"])
    text = repr(summary)
    assert "HistGradientBoostingClassifier link" not in text
    assert "custom classifier HistGradientBoostingClassifier" in text
    assert "aic and bic are NaN" in text and "not a likelihood model" in text
    regressor = HurdleRegressor(count_model=PoissonRegressor()).fit(X, y)
    text = repr(regressor.summary())
    assert "custom regressor PoissonRegressor" in text
    assert "zero-truncated PoissonRegressor" not in text
    assert "models the mean E[y | y > 0] only" in text
    assert np.isnan(regressor.summary().stats[["loglik", "df", "aic", "bic"]]).all()


def test_hurdle_regressor_summary_reads_like_pscl(biochemists):
    """Check the summary tables, their row order and the printed text."""
    X, y = biochemists
    model = HurdleRegressor(count_model="negbin").fit(X, y)
    summary = model.summary()
    assert list(summary.count.index) == [
        "(Intercept)",
        "fem",
        "mar",
        "kid5",
        "phd",
        "ment",
        "Log(theta)",
    ]
    assert list(summary.zero.columns) == ["coef", "std_err", "z", "p_value"]
    assert_allclose(summary.zero.loc["ment", "coef"], model.zero_coef_[4])
    assert_allclose(summary.stats["theta"], model.theta_)
    text = repr(summary)
    assert "models P(y > 0)" in text and "Log(theta)" in text
    assert isinstance(summary.stats, pd.Series)


@pytest.mark.parametrize("count_model", ["poisson", "negbin"])
def test_hurdle_fit_does_not_depend_on_blas_threads(count_model):
    """Check that 1 and 2 BLAS threads give the same fit up to round-off, on
    data whose Hessian products (20000 x 40) BLAS splits over its threads."""
    from threadpoolctl import threadpool_limits

    rng = np.random.default_rng(0)
    X = rng.normal(scale=0.2, size=(20_000, 40))
    y = rng.poisson(np.exp(0.5 + X[:, 0])) * (rng.uniform(size=20_000) < 0.6)
    fits = []
    for threads in (1, 2):
        with threadpool_limits(limits=threads, user_api="blas"):
            fits.append(HurdleRegressor(count_model=count_model).fit(X, y))
    for name in ("zero_coef_", "count_coef_"):
        assert_allclose(getattr(fits[0], name), getattr(fits[1], name), rtol=1e-9)
    assert_allclose(fits[0].loglik_, fits[1].loglik_, rtol=1e-12)


# ---------------------------------------------------------------------------
# Inference: robust covariances, intervals, per-row likelihoods, marginal effects
# ---------------------------------------------------------------------------


def _groups(X):
    """Clusters of bioChemists rows: number of young children by marriage."""
    return (X["kid5"].to_numpy() * 10 + X["mar"].to_numpy()).astype(int)


def _statsmodels_robust(X, y, count_model, cov_type, groups):
    """statsmodels' standard errors of both parts for ``cov_type``.

    For "HC1" statsmodels' discrete models return HC0 (statsmodels issue
    7798); the reference is then its own HC1 formula, cov_white_simple with
    use_correction=True (n / (n - k)), on the same fitted results.
    """
    positive = (y > 0).to_numpy()
    Xc = sm.add_constant(X)
    sm_type = "HC0" if cov_type == "HC1" else cov_type
    model_class = {
        "poisson": TruncatedLFPoisson,
        "negbin": TruncatedLFNegativeBinomialP,
    }
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        zero = sm.Logit(positive.astype(float), Xc).fit(
            disp=0,
            method="newton",
            tol=1e-12,
            cov_type=sm_type,
            cov_kwds={"groups": groups} if cov_type == "cluster" else None,
        )
        count = model_class[count_model](y[positive], Xc[positive]).fit(
            disp=0,
            method="newton",
            maxiter=100,
            cov_type=sm_type,
            cov_kwds={"groups": groups[positive]} if cov_type == "cluster" else None,
        )
    if cov_type == "HC1":
        return [
            np.sqrt(np.diag(cov_white_simple(result, use_correction=True)))
            for result in (zero, count)
        ]
    return [zero.bse.to_numpy(), count.bse.to_numpy()]


@pytest.mark.parametrize("cov_type", ["HC0", "HC1", "cluster"])
@pytest.mark.parametrize("count_model", ["poisson", "negbin"])
def test_hurdle_regressor_robust_standard_errors_match_statsmodels(
    biochemists, count_model, cov_type
):
    """Check HC0, HC1 and cluster standard errors of both parts against
    statsmodels' Logit and truncated count models (1e-4 relative; the count
    part's reference uses numerical derivatives)."""
    X, y = biochemists
    groups = _groups(X)
    kwargs = {"groups": groups} if cov_type == "cluster" else {}
    model = HurdleRegressor(count_model=count_model, cov_type=cov_type).fit(
        X, y, **kwargs
    )
    zero_se, count_se = _statsmodels_robust(X, y, count_model, cov_type, groups)
    summary = model.summary()
    terms = ["(Intercept)", *X.columns]
    assert_allclose(summary.zero.loc[terms, "std_err"], zero_se, rtol=1e-6)
    assert_allclose(summary.count.loc[terms, "std_err"], count_se[:6], rtol=1e-4)
    if count_model == "negbin":  # se(alpha) = alpha * se(log theta)
        se_alpha = summary.count.loc["Log(theta)", "std_err"] / model.theta_
        assert_allclose(se_alpha, count_se[6], rtol=1e-4)


def test_hurdle_regressor_cov_params_joins_the_parts(biochemists):
    """Check the covariance over both parts: block diagonal for the inverse
    Hessian; for the sandwich, the parts' own blocks and between them the
    cross products of their scores, positive semi-definite."""
    X, y = biochemists
    nonrobust = HurdleRegressor().fit(X, y).cov_params()
    assert list(nonrobust.index.names) == ["part", "term"]
    assert np.all(nonrobust.loc["zero", "count"].to_numpy() == 0)
    hc0 = HurdleRegressor(cov_type="HC0").fit(X, y)
    cov = hc0.cov_params()
    assert np.abs(cov.loc["zero", "count"].to_numpy()).max() > 0
    assert np.linalg.eigvalsh(cov.to_numpy()).min() > -1e-12
    # The cross block from statsmodels' scores: H_z^-1 (sum s_z s_c') H_c^-1.
    positive = (y > 0).to_numpy()
    Xc = sm.add_constant(X)
    zero = sm.Logit(positive.astype(float), Xc)
    zero_params = np.append(hc0.zero_intercept_, hc0.zero_coef_)
    count = TruncatedLFPoisson(y[positive], Xc[positive])
    count_params = np.append(hc0.count_intercept_, hc0.count_coef_)
    scores_zero = zero.score_obs(zero_params)
    scores_count = np.zeros((len(y), 6))
    scores_count[positive] = count.score_obs(count_params)
    cross = (
        np.linalg.inv(zero.hessian(zero_params))
        @ scores_zero.T
        @ scores_count
        @ np.linalg.inv(count.hessian(count_params))
    )
    order = ["(Intercept)", *X.columns]
    assert_allclose(
        cov.loc["zero", "count"].loc[order, order].to_numpy(), cross, rtol=1e-4
    )


def test_hurdle_regressor_conf_int_matches_statsmodels(biochemists):
    """Check the Wald intervals of the zero part against statsmodels' Logit."""
    X, y = biochemists
    model = HurdleRegressor(cov_type="HC0").fit(X, y)
    reference = sm.Logit((y > 0).astype(float), sm.add_constant(X)).fit(
        disp=0, method="newton", tol=1e-12, cov_type="HC0"
    )
    intervals = model.conf_int(alpha=0.01).loc["zero"].loc[["(Intercept)", *X.columns]]
    assert list(intervals.columns) == ["ci_low", "ci_high"]
    assert_allclose(intervals, reference.conf_int(alpha=0.01), rtol=1e-6)


def test_hurdle_regressor_loglik_samples_sum_to_loglik(biochemists, rng):
    """Check that weighted per-row log-likelihoods sum to loglik_ (with an
    offset and a custom classifier too) and equal log predict_pmf at y."""
    X, y = biochemists
    weights = rng.integers(1, 4, size=len(y)).astype(float)
    offset = rng.normal(scale=0.1, size=len(y))
    for zero_model in ("probit", LogisticRegression(max_iter=1000)):
        model = HurdleRegressor(zero_model=zero_model, count_model="negbin").fit(
            X, y, sample_weight=weights, offset=offset
        )
        samples = model.loglik_samples(X, y, offset=offset)
        assert_allclose(weights @ samples, model.loglik_, rtol=1e-12)
        pmf = model.predict_pmf(X, offset=offset)
        assert_allclose(samples, np.log(pmf[np.arange(len(y)), y]), rtol=1e-10)
    custom = HurdleRegressor(count_model=PoissonRegressor()).fit(X, y)
    with pytest.raises(ValueError, match="loglik_samples needs a count distribution"):
        custom.loglik_samples(X, y)


@pytest.mark.parametrize("part", ["mean", "zero", "count"])
@pytest.mark.parametrize("zero_model", ["logit", "cloglog"])
def test_hurdle_regressor_marginal_effects_are_derivatives_of_predictions(
    biochemists, part, zero_model
):
    """Check dydx against central differences of the averaged predictions
    (E[y], P(y > 0), E[y | y > 0]), with an offset, and the total effect of a
    feature used by both parts."""
    X, y = biochemists
    offset = np.log(1 + X["phd"].to_numpy()) / 10
    model = HurdleRegressor(
        zero_model=zero_model,
        count_model="negbin",
        zero_features=["mar", "kid5", "ment"],
        count_features=["fem", "kid5", "ment"],
    ).fit(X, y, offset=offset)
    effects = model.average_marginal_effects(X, offset=offset, part=part)
    assert list(effects.index) == ["fem", "mar", "kid5", "ment"]
    predict = {
        "mean": lambda frame: model.predict(frame, offset=offset),
        "zero": lambda frame: 1 - model.predict_zero_proba(frame),
        "count": lambda frame: model.predict_truncated_mean(frame, offset=offset),
    }[part]
    for feature in effects.index:
        numeric = averaged_slope(predict, X, feature)
        assert_allclose(effects.loc[feature, "dydx"], numeric, rtol=1e-6, atol=1e-10)
    used = {"zero": ["mar"], "count": ["fem"], "mean": []}[part]
    not_used = {"zero": ["fem"], "count": ["mar"], "mean": []}[part]
    assert np.all(effects.loc[used, "dydx"] != 0)
    assert np.all(effects.loc[not_used, ["dydx", "std_err"]].to_numpy() == 0)


@pytest.mark.parametrize("cov_type", ["nonrobust", "HC0"])
def test_hurdle_regressor_marginal_effects_match_statsmodels_margeff(
    biochemists, cov_type
):
    """Check the effects on P(y > 0) and their delta-method standard errors
    against statsmodels' Logit get_margeff (at="overall", "dydx")."""
    X, y = biochemists
    model = HurdleRegressor(cov_type=cov_type).fit(X, y)
    effects = model.average_marginal_effects(X, part="zero", alpha=0.1)
    reference = (
        sm.Logit((y > 0).astype(float), sm.add_constant(X))
        .fit(disp=0, method="newton", tol=1e-12, cov_type=cov_type)
        .get_margeff(at="overall", method="dydx")
    )
    assert_allclose(effects["dydx"], reference.margeff, rtol=1e-7)
    assert_allclose(effects["std_err"], reference.margeff_se, rtol=1e-5)
    assert_allclose(
        effects[["ci_low", "ci_high"]], reference.conf_int(alpha=0.1), rtol=1e-5
    )


def test_hurdle_regressor_marginal_effects_need_builtin_parts(biochemists):
    """Check that a custom part refuses average marginal effects clearly."""
    X, y = biochemists
    model = HurdleRegressor(zero_model=LogisticRegression(max_iter=1000)).fit(X, y)
    with pytest.raises(ValueError, match="zero_model is a custom"):
        model.average_marginal_effects(X)
    assert list(model.cov_params().index.get_level_values("part").unique()) == ["count"]
