"""Tests of load_enron: the bundled copy is MEKA's enron.arff of ../shared/data."""

from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from scipy import sparse

from skbce.datasets import load_enron
from skbce.datasets._arff import read_multilabel_arff

RAW = Path(__file__).resolve().parents[2] / "shared" / "data" / "enron.arff"


@pytest.mark.skipif(not RAW.exists(), reason=f"needs the raw file {RAW}")
def test_load_enron_equals_the_raw_file():
    """Check that the bundled data are the raw ARFF file's, entry for entry,
    with its feature and label names in its order."""
    X_raw, Y_raw, features, labels = read_multilabel_arff(RAW)
    bunch = load_enron()
    assert (bunch.data != X_raw).nnz == 0
    assert_array_equal(bunch.target, Y_raw)
    assert bunch.feature_names == list(features)
    assert bunch.target_names == list(labels)


def test_load_enron_shapes_and_description():
    """Check the shapes, the sparse binary features and the label counts the
    description states."""
    bunch = load_enron()
    X, Y = bunch.data, bunch.target
    assert sparse.issparse(X) and X.format == "csr" and X.dtype == np.float64
    assert X.shape == (1702, 1001) and Y.shape == (1702, 53)
    assert_array_equal(np.unique(X.data), [1.0])
    assert round(X.nnz / np.prod(X.shape), 3) == 0.084
    counts = Y.sum(axis=0)
    assert counts.min() == 1 and counts.max() == 913
    assert (counts >= 5).sum() == 49
    assert "Klimt" in bunch.DESCR and "MEKA" in bunch.DESCR


def test_load_enron_as_frame_matches_the_arrays():
    """Check that as_frame gives the same values, with the names as columns."""
    X, Y = load_enron(return_X_y=True)
    frames = load_enron(as_frame=True)
    assert_array_equal(frames.data.to_numpy(), X.toarray())
    assert_array_equal(frames.target.to_numpy(), Y)
    assert list(frames.target.columns) == frames.target_names
    assert frames.frame.shape == (1702, 1001 + 53)
