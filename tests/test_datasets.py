"""Tests of the bundled data sets (compared with the raw files they come from)."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from skbce.datasets import load_biochemists, load_yeast

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"


def test_load_biochemists_shapes_and_coding():
    """Check the shape, the zero count and the 0/1 coding of the factors."""
    bunch = load_biochemists()
    assert bunch.data.shape == (915, 5)
    assert bunch.target.shape == (915,)
    assert (bunch.target == 0).sum() == 275
    assert bunch.target.max() == 19
    assert set(np.unique(bunch.data[:, :2])) == {0, 1}
    assert bunch.feature_names == ["fem", "mar", "kid5", "phd", "ment"]
    assert "pscl" in bunch.DESCR


def test_load_biochemists_documents_rows_sorted_by_target():
    """Check that the rows are sorted by art and that the docs say so.

    The order of the source is kept; the loader and its description tell users
    to shuffle cross-validation folds (issue 14, #11).
    """
    bunch = load_biochemists()
    assert (np.diff(bunch.target) >= 0).all()
    for text in (bunch.DESCR, load_biochemists.__doc__):
        assert "sorted by the target" in text
        assert "shuffle=True" in text


def test_load_biochemists_as_frame_matches_return_x_y():
    """Check that the frame and the arrays hold the same values."""
    bunch = load_biochemists(as_frame=True)
    X, y = load_biochemists(return_X_y=True)
    assert isinstance(bunch.frame, pd.DataFrame)
    np.testing.assert_array_equal(bunch.data.to_numpy(), X)
    np.testing.assert_array_equal(bunch.target.to_numpy(), y)


@pytest.mark.skipif(not SHARED.exists(), reason="needs the raw files in ../shared")
def test_load_biochemists_equals_raw_file():
    """Check the bundled copy against the original CSV."""
    raw = pd.read_csv(SHARED / "bioChemists.csv")
    X, y = load_biochemists(return_X_y=True)
    np.testing.assert_array_equal(y, raw["art"])
    np.testing.assert_array_equal(X[:, 0], raw["fem"] == "Women")
    np.testing.assert_array_equal(X[:, 1], raw["mar"] == "Married")
    np.testing.assert_array_equal(X[:, 2:], raw[["kid5", "phd", "ment"]])


@pytest.mark.parametrize("subset, n", [("train", 1500), ("test", 917), ("all", 2417)])
def test_load_yeast_split_sizes(subset, n):
    """Check the sizes of MULAN's standard split and the indicator target."""
    bunch = load_yeast(subset=subset)
    assert bunch.data.shape == (n, 103)
    assert bunch.target.shape == (n, 14)
    assert set(np.unique(bunch.target)) == {0, 1}
    assert len(bunch.feature_names) == 103 and len(bunch.target_names) == 14


@pytest.mark.skipif(not SHARED.exists(), reason="needs the raw files in ../shared")
@pytest.mark.parametrize("subset", ["train", "test"])
def test_load_yeast_equals_raw_file(subset):
    """Check the bundled copy (six significant digits) against the original file."""
    raw = pd.read_csv(SHARED / f"yeast-{subset}.arff", header=None).to_numpy()
    X, Y = load_yeast(subset=subset, return_X_y=True)
    np.testing.assert_allclose(X, raw[:, :103], rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(Y, raw[:, 103:])


def test_loaders_reject_unknown_subset():
    """Check that a misspelled subset names the allowed values."""
    with pytest.raises(ValueError, match="'subset' parameter of load_yeast"):
        load_yeast(subset="validation")
