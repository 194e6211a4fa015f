"""scikit-learn's estimator checks over the single registry of skbce estimators.

Every public estimator is listed once in ``ESTIMATORS`` (with the constructor
arguments its checks need); ``test_registry_lists_every_public_estimator`` fails
when a new public estimator is not added here.
"""

import inspect

from sklearn.base import BaseEstimator
from sklearn.linear_model import LogisticRegression, RidgeClassifier
from sklearn.utils.estimator_checks import parametrize_with_checks

import skbce
from skbce import (
    GraphPropagator,
    HurdleRegressor,
    MultiLabelLogisticClassifier,
    OptimalThresholdClassifier,
    TemperatureScaledClassifier,
    ZeroInflatedRegressor,
)

ESTIMATORS = [
    GraphPropagator(),
    # A small L2 penalty: the checks fit 30 features on 15 rows, where the
    # unpenalised maximum likelihood estimate is not unique (without it,
    # check_sample_weight_equivalence_on_dense_data compares two of the optima).
    HurdleRegressor(alpha=1e-2),
    HurdleRegressor(count_model="negbin", alpha=1e-2),
    MultiLabelLogisticClassifier(),
    OptimalThresholdClassifier(RidgeClassifier(), cv=3),
    TemperatureScaledClassifier(LogisticRegression()),
    # The same penalty, for the same reason: at alpha=0 only
    # check_sample_weight_equivalence_on_dense_data fails, on the predictions at
    # the rows of weight 0, which a non-unique optimum leaves undetermined.
    ZeroInflatedRegressor(alpha=1e-2),
    ZeroInflatedRegressor(count_model="negbin", alpha=1e-2),
]


def _public_estimator_classes():
    return {
        obj
        for name in skbce.__all__
        if inspect.isclass(obj := getattr(skbce, name))
        and issubclass(obj, BaseEstimator)
    }


def test_registry_lists_every_public_estimator():
    """Check that every estimator exported by skbce is in the registry."""
    assert {type(est) for est in ESTIMATORS} == _public_estimator_classes()


@parametrize_with_checks(ESTIMATORS)
def test_sklearn_compatible_estimator(estimator, check):
    """Run one scikit-learn estimator check, with no expected failures."""
    check(estimator)
