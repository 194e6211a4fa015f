"""Tests of skbce.inference: likelihood-ratio and Vuong tests, information
criteria, against hand computations and statsmodels."""

import numpy as np
import pytest
import statsmodels.api as sm
from numpy.testing import assert_allclose
from scipy import stats
from sklearn.linear_model import LogisticRegression

from skbce import HurdleRegressor, ZeroInflatedRegressor
from skbce.datasets import load_biochemists
from skbce.inference import (
    LikelihoodRatioTestResult,
    VuongTestResult,
    information_criteria,
    likelihood_ratio_test,
    vuong_test,
)
from skbce.linear_model import NoZerosWarning


@pytest.fixture(scope="module")
def biochemists():
    return load_biochemists(return_X_y=True, as_frame=True)


@pytest.fixture(scope="module")
def models(biochemists):
    X, y = biochemists
    return {
        "ZINB": ZeroInflatedRegressor(count_model="negbin").fit(X, y),
        "hurdle NB": HurdleRegressor(count_model="negbin").fit(X, y),
        "ZIP": ZeroInflatedRegressor().fit(X, y),
        "hurdle P": HurdleRegressor().fit(X, y),
    }


def test_likelihood_ratio_test_matches_statsmodels_logit(biochemists):
    """Check the statistic, df and p-value on the zero parts of two nested
    hurdles against statsmodels' Logit llr of the same nested fits (the count
    parts are identical, so they cancel)."""
    X, y = biochemists
    small = HurdleRegressor(zero_features=["ment"]).fit(X, y)
    large = HurdleRegressor().fit(X, y)
    result = likelihood_ratio_test(small, large, X, y)
    positive = (y > 0).astype(float)
    full = sm.Logit(positive, sm.add_constant(X)).fit(disp=0, method="newton")
    restricted = sm.Logit(positive, sm.add_constant(X[["ment"]])).fit(
        disp=0, method="newton"
    )
    expected = 2 * (full.llf - restricted.llf)
    assert_allclose(result.statistic, expected, rtol=1e-8)
    assert result.df == 4
    assert_allclose(result.p_value, stats.chi2.sf(expected, 4), rtol=1e-7)
    assert_allclose(result.loglik_full, large.loglik_, rtol=1e-12)
    statistic, p_value = result
    assert (statistic, p_value) == (result.statistic, result.p_value)
    assert isinstance(result, LikelihoodRatioTestResult)


def test_likelihood_ratio_test_weights_and_errors(biochemists, rng):
    """Check frequency weights (the weighted sum of loglik_samples is loglik_),
    and the errors for a model with fewer parameters passed as full and for a
    custom part."""
    X, y = biochemists
    weights = rng.integers(1, 4, size=len(y)).astype(float)
    small = HurdleRegressor().fit(X, y, sample_weight=weights)
    large = HurdleRegressor(count_model="negbin").fit(X, y, sample_weight=weights)
    result = likelihood_ratio_test(small, large, X, y, sample_weight=weights)
    assert_allclose(result.statistic, 2 * (large.loglik_ - small.loglik_), rtol=1e-10)
    assert result.df == 1
    with pytest.raises(ValueError, match="full must have more parameters"):
        likelihood_ratio_test(large, small, X, y)
    custom = HurdleRegressor(zero_model=LogisticRegression(max_iter=1000)).fit(X, y)
    with pytest.raises(ValueError, match="no counted parameters"):
        likelihood_ratio_test(custom, large, X, y)
    with pytest.raises(TypeError, match="loglik_samples"):
        likelihood_ratio_test(LogisticRegression().fit(X, y > 0), large, X, y)


def test_vuong_test_equals_the_hand_computation(biochemists, models):
    """Check pscl's three statistics and one-sided p-values against the formula
    evaluated on the models' per-row log-likelihoods."""
    X, y = biochemists
    a, b = models["ZIP"], models["hurdle NB"]
    result = vuong_test(a, b, X, y)
    m = a.loglik_samples(X, y) - b.loglik_samples(X, y)
    n, s = len(m), np.std(m, ddof=1)
    k_a, k_b = 12, 13  # parameters, log(theta) included
    raw = m.sum() / (s * np.sqrt(n))
    aic = (m.sum() - (k_a - k_b)) / (s * np.sqrt(n))
    bic = (m.sum() - (k_a - k_b) * np.log(n) / 2) / (s * np.sqrt(n))
    assert_allclose(
        [result.statistic, result.statistic_aic, result.statistic_bic],
        [raw, aic, bic],
        rtol=1e-12,
    )
    assert_allclose(
        [result.p_value, result.p_value_aic, result.p_value_bic],
        stats.norm.sf(np.abs([raw, aic, bic])),
        rtol=1e-12,
    )
    assert raw < 0  # the hurdle NB is closer than the ZIP
    assert list(result.table()["preferred"]) == ["model B"] * 3
    statistic, p_value = result
    assert statistic == raw and isinstance(result, VuongTestResult)
    assert result.n_obs == len(y)


def test_vuong_test_is_antisymmetric_and_drops_impossible_rows(biochemists, models):
    """Check that swapping the models flips the statistics, and that a row one
    model gives probability 0 is dropped with a warning, as pscl does."""
    X, y = biochemists
    zinb, hnb = models["ZINB"], models["hurdle NB"]
    forward, backward = vuong_test(zinb, hnb, X, y), vuong_test(hnb, zinb, X, y)
    assert_allclose(forward.statistic, -backward.statistic, rtol=1e-12)
    assert_allclose(forward.p_value, backward.p_value, rtol=1e-12)
    positive = y > 0
    with pytest.warns(NoZerosWarning):  # P(y = 0) = 0
        no_zeros = HurdleRegressor().fit(X[positive], y[positive])
    with pytest.warns(UserWarning, match="dropped, as pscl::vuong does"):
        result = vuong_test(no_zeros, models["hurdle P"], X, y)
    assert result.n_obs == positive.sum()


def test_information_criteria_tabulate_the_summaries(models):
    """Check the table against each model's summary statistics, sorted by AIC,
    and the refusal of models fitted on different data."""
    table = information_criteria(models)
    assert list(table.index) == ["ZINB", "hurdle NB", "ZIP", "hurdle P"]
    for name, model in models.items():
        stats_ = model.summary().stats
        for column in ("loglik", "df", "aic", "bic", "n_obs"):
            assert_allclose(table.loc[name, column], stats_[column], rtol=1e-12)
    assert_allclose(table.loc["ZINB", "aic"], -2 * -1549.991 + 2 * 13, atol=2e-3)
    listed = information_criteria(list(models.values()))
    assert list(listed.index)[0] == "ZeroInflatedRegressor 0"
    X, y = load_biochemists(return_X_y=True, as_frame=True)
    half = HurdleRegressor().fit(X.iloc[:400], y.iloc[:400])
    with pytest.raises(ValueError, match="different numbers of observations"):
        information_criteria({"full": models["ZIP"], "half": half})
