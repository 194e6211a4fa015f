"""Tests of skbce.utils.discovery."""

import inspect

import pytest
from sklearn.base import BaseEstimator

import skbce
import skbce.display
from skbce.utils.discovery import all_displays, all_estimators, all_functions


def test_all_estimators_are_exported_at_the_top_level():
    """Check that every estimator defined in skbce is in skbce.__all__."""
    exported = {
        name
        for name in skbce.__all__
        if inspect.isclass(obj := getattr(skbce, name))
        and issubclass(obj, BaseEstimator)
    }
    assert {name for name, _ in all_estimators()} == exported


def test_all_displays_are_exported_from_skbce_display():
    """Check that every display is importable from skbce.display."""
    assert {name for name, _ in all_displays()} <= set(skbce.display.__all__)
    assert ("RootogramDisplay", skbce.display.RootogramDisplay) in all_displays()


def test_all_functions_finds_only_public_skbce_functions():
    """Check that the functions found are public and defined in skbce."""
    functions = all_functions()
    assert functions == sorted(functions, key=lambda item: item[0])
    for name, function in functions:
        assert not name.startswith("_")
        assert function.__module__.startswith("skbce.")
    names = {name for name, _ in functions}
    assert {"binary_cross_entropy", "load_biochemists", "all_functions"} <= names
    # Imported helpers (scikit-learn's check_array in skbce.losses) are not ours.
    assert "check_array" not in names


def test_all_estimators_rejects_unknown_type_filter():
    """Check that an unknown type_filter raises a ValueError naming the options."""
    with pytest.raises(ValueError, match="type_filter must be None or one or"):
        all_estimators(type_filter="classifer")
    with pytest.raises(ValueError, match="type_filter must be None or one or"):
        all_estimators(type_filter=["regressor", "ranker"])
