"""Tests of skbce.metrics.count_log_likelihood_scorer."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, KFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skbce import HurdleRegressor
from skbce.datasets import load_biochemists
from skbce.metrics import count_log_likelihood_scorer


@pytest.fixture(scope="module")
def biochemists():
    return load_biochemists(return_X_y=True, as_frame=True)


def test_scorer_is_the_mean_loglik_and_reads_through_pipelines(biochemists, rng):
    """Check the (weighted) mean of loglik_samples, also for a pipeline whose
    last step is the count model (X transformed by the earlier steps)."""
    X, y = biochemists
    model = HurdleRegressor(count_model="negbin").fit(X, y)
    assert_allclose(
        count_log_likelihood_scorer(model, X, y), model.loglik_ / len(y), rtol=1e-12
    )
    weights = rng.uniform(size=len(y))
    assert_allclose(
        count_log_likelihood_scorer(model, X, y, sample_weight=weights),
        np.average(model.loglik_samples(X, y), weights=weights),
        rtol=1e-12,
    )
    pipeline = make_pipeline(StandardScaler(), HurdleRegressor()).fit(X, y)
    scaled = pipeline[0].transform(X)
    assert_allclose(
        count_log_likelihood_scorer(pipeline, X, y),
        pipeline[-1].loglik_samples(scaled, y).mean(),
        rtol=1e-12,
    )
    with pytest.raises(TypeError, match="needs a fitted count model"):
        count_log_likelihood_scorer(LogisticRegression().fit(X, y > 0), X, y)


def test_scorer_separates_distributions_d2_cannot(biochemists):
    """Check the case of issue 18: D² of the mean barely tells the Poisson and
    negative binomial hurdles apart on held-out folds (0.0841 vs 0.0842), the
    held-out log-likelihood does (-1.779 vs -1.716 per article), and
    GridSearchCV with the scorer picks the negative binomial."""
    X, y = biochemists
    cv = KFold(5, shuffle=True, random_state=0)
    d2 = {
        model: cross_val_score(HurdleRegressor(count_model=model), X, y, cv=cv).mean()
        for model in ("poisson", "negbin")
    }
    loglik = {
        model: cross_val_score(
            HurdleRegressor(count_model=model),
            X,
            y,
            cv=cv,
            scoring=count_log_likelihood_scorer,
        ).mean()
        for model in ("poisson", "negbin")
    }
    assert abs(d2["negbin"] - d2["poisson"]) < 0.005
    assert loglik["negbin"] - loglik["poisson"] > 0.05
    search = GridSearchCV(
        HurdleRegressor(),
        {"count_model": ["poisson", "negbin"], "zero_model": ["logit", "probit"]},
        scoring=count_log_likelihood_scorer,
        cv=cv,
    ).fit(X, y)
    assert search.best_params_["count_model"] == "negbin"
