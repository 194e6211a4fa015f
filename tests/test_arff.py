"""Tests of the reader of sparse multi-label ARFF files (skbce.datasets._arff)."""

from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_array_equal

from skbce.datasets._arff import read_multilabel_arff

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"

ARFF = """@relation 'toy: -C {c}'

@attribute {first} {{0,1}}
@attribute {second} {{0,1}}
@attribute w1 numeric
@attribute 'w 2' numeric
@attribute w3 numeric

@data
{{0 1,2 1,4 1}}
{{1 1,3 1}}
{{}}
"""


def test_reader_labels_first_with_positive_c(tmp_path):
    """Check labels first (-C 2), sparse rows, an empty row and quoted names."""
    path = tmp_path / "toy.arff"
    path.write_text(ARFF.format(c=2, first="A", second="B"))
    X, Y, features, labels = read_multilabel_arff(path)
    assert labels == ["A", "B"] and features == ["w1", "w 2", "w3"]
    assert_array_equal(Y, [[1, 0], [0, 1], [0, 0]])
    assert_array_equal(X.toarray(), [[1, 0, 1], [0, 1, 0], [0, 0, 0]])


def test_reader_labels_last_with_negative_c(tmp_path):
    """Check MEKA's -C -n: the labels are the last n attributes."""
    path = tmp_path / "toy.arff"
    path.write_text(ARFF.format(c=-3, first="f1", second="f2"))
    X, Y, features, labels = read_multilabel_arff(path)
    assert features == ["f1", "f2"] and labels == ["w1", "w 2", "w3"]
    assert_array_equal(Y, [[1, 0, 1], [0, 1, 0], [0, 0, 0]])
    assert_array_equal(X.toarray(), [[1, 0], [0, 1], [0, 0]])


def test_reader_refuses_a_file_without_the_number_of_labels(tmp_path):
    """Check that a relation without -C is refused with the reason."""
    path = tmp_path / "plain.arff"
    path.write_text("@relation plain\n@attribute a numeric\n@data\n{0 1}\n")
    with pytest.raises(ValueError, match="-C n_labels"):
        read_multilabel_arff(path)


@pytest.mark.skipif(
    not (DATA / "enron.arff").exists(), reason="../shared/data/enron.arff is absent"
)
def test_reader_reads_enron_as_documented():
    """Check enron's documented shape, label count, density and rarest label."""
    X, Y, _, labels = read_multilabel_arff(DATA / "enron.arff")
    assert X.shape == (1702, 1001) and Y.shape == (1702, 53) and len(labels) == 53
    assert X.nnz / np.prod(X.shape) == pytest.approx(0.084, abs=5e-4)
    assert Y.sum(axis=0).min() == 1
