"""Shared pytest fixtures of the skbce test suite."""

import os

import numpy as np
import pytest
from hypothesis import HealthCheck, settings

# Hypothesis profiles of the property tests (tests/test_properties_*.py): "ci",
# the default, bounds the examples so that the whole property suite runs in well
# under a minute on two cores; "dev" explores more. Select one with
# SKBCE_HYPOTHESIS_PROFILE=dev (or pytest's --hypothesis-profile=dev).
settings.register_profile(
    "ci",
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "dev",
    max_examples=500,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile(os.environ.get("SKBCE_HYPOTHESIS_PROFILE", "ci"))

# The seeds the suite runs with: one by default; set SKBCE_TESTS_GLOBAL_RANDOM_SEED
# to "all" (0..99) or to a number to explore more, as scikit-learn's variable does.
_SEED_ENV = os.environ.get("SKBCE_TESTS_GLOBAL_RANDOM_SEED", "42")
_SEEDS = list(range(100)) if _SEED_ENV == "all" else [int(_SEED_ENV)]


@pytest.fixture(params=_SEEDS)
def global_random_seed(request):
    """An integer seed for tests that draw random data."""
    return request.param


@pytest.fixture
def rng(global_random_seed):
    """A NumPy random generator seeded by ``global_random_seed``."""
    return np.random.default_rng(global_random_seed)


@pytest.fixture
def pyplot():
    """matplotlib.pyplot on the Agg backend, all figures closed before and after.

    Tests using it are skipped when matplotlib is not installed.
    """
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.close("all")
    yield plt
    plt.close("all")
