"""The held-out log-likelihood of a count model, as a scikit-learn scorer."""

import numpy as np
from sklearn.pipeline import Pipeline

__all__ = ["count_log_likelihood_scorer"]


def _final_model_and_X(estimator, X):
    """The model that has ``loglik_samples`` and its input: a pipeline's last
    step gets X transformed by the steps before it."""
    if hasattr(estimator, "loglik_samples"):
        return estimator, X
    if isinstance(estimator, Pipeline):
        final = estimator[-1]
        if hasattr(final, "loglik_samples"):
            return final, estimator[:-1].transform(X)
    raise TypeError(
        "count_log_likelihood_scorer needs a fitted count model with "
        "loglik_samples (HurdleRegressor, ZeroInflatedRegressor), or a pipeline "
        f"ending in one; got {type(estimator).__name__}."
    )


def count_log_likelihood_scorer(estimator, X, y, sample_weight=None):
    """Mean log-likelihood of observed counts under a fitted count model.

    ``sum_i w_i log P(y_i | x_i) / sum_i w_i`` from the model's
    ``loglik_samples``: higher is better, so it can be given as ``scoring`` to
    :class:`~sklearn.model_selection.GridSearchCV` or
    :func:`~sklearn.model_selection.cross_validate` to choose the count
    distribution, the links and the features by their held-out likelihood
    (which, unlike D² of the mean, tells distributions with the same mean
    apart). A count the model gives probability 0 scores ``-inf``.

    Parameters
    ----------
    estimator : fitted count model or Pipeline
        A :class:`~skbce.HurdleRegressor`, :class:`~skbce.ZeroInflatedRegressor`
        or a pipeline whose last step is one.
    X : {array-like, DataFrame} of shape (n_samples, n_features)
        Held-out samples.
    y : array-like of shape (n_samples,)
        Their observed counts.
    sample_weight : array-like of shape (n_samples,), default=None
        Weights of the rows in the mean.

    Returns
    -------
    score : float
        Mean log-likelihood per (weighted) observation.

    See Also
    --------
    skbce.inference.vuong_test : A test of two models' likelihoods.

    Examples
    --------
    >>> from sklearn.model_selection import GridSearchCV, KFold
    >>> from skbce import HurdleRegressor
    >>> from skbce.datasets import load_biochemists
    >>> from skbce.metrics import count_log_likelihood_scorer
    >>> X, y = load_biochemists(return_X_y=True, as_frame=True)
    >>> search = GridSearchCV(
    ...     HurdleRegressor(),
    ...     {"count_model": ["poisson", "negbin"]},
    ...     scoring=count_log_likelihood_scorer,
    ...     cv=KFold(5, shuffle=True, random_state=0),
    ... ).fit(X, y)
    >>> search.best_params_
    {'count_model': 'negbin'}
    """
    model, X = _final_model_and_X(estimator, X)
    loglik = np.asarray(model.loglik_samples(X, y), dtype=float)
    weights = None if sample_weight is None else np.asarray(sample_weight, float)
    return float(np.average(loglik, weights=weights))
