"""Tests of MultiLabelStratifiedKFold against the package iterative-stratification
(the reference implementation of Sechidis et al.'s algorithm) and of the
stratification it promises."""

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from scipy import sparse
from sklearn.model_selection import KFold, cross_validate

from skbce import MultiLabelLogisticClassifier
from skbce.datasets import load_enron, load_yeast
from skbce.model_selection import MultiLabelStratifiedKFold

iterstrat = pytest.importorskip(
    "iterstrat.ml_stratifiers",
    reason="the reference package iterative-stratification is not installed",
)


def _random_labels(seed, n=300, n_labels=12):
    rng = np.random.default_rng(seed)
    frequencies = rng.uniform(0.01, 0.5, n_labels)
    return (rng.random((n, n_labels)) < frequencies).astype(int)


DATA = {
    "yeast": lambda: load_yeast(return_X_y=True)[1],
    "enron": lambda: load_enron(return_X_y=True)[1],
    "random": lambda: _random_labels(0),
}


def _test_folds(cv, Y):
    return [test for _, test in cv.split(np.zeros((Y.shape[0], 1)), Y)]


@pytest.mark.filterwarnings("ignore:The least populated label")
@pytest.mark.parametrize("data", DATA)
@pytest.mark.parametrize("n_splits", [3, 5])
@pytest.mark.parametrize("seed", [0, 7])
def test_shuffled_folds_are_those_of_iterative_stratification(data, n_splits, seed):
    """Check that shuffle=True gives, for the same seed, exactly the folds of
    iterstrat's MultilabelStratifiedKFold (same rows, same random ties)."""
    Y = DATA[data]()
    reference = iterstrat.MultilabelStratifiedKFold(
        n_splits, shuffle=True, random_state=seed
    )
    ours = MultiLabelStratifiedKFold(n_splits, shuffle=True, random_state=seed)
    for expected, got in zip(_test_folds(reference, Y), _test_folds(ours, Y)):
        assert_array_equal(got, expected)


class _FirstTie(np.random.RandomState):
    """A generator whose every choice is the first candidate."""

    def choice(self, a, *args, **kwargs):
        return 0


@pytest.mark.filterwarnings("ignore:The least populated label")
@pytest.mark.parametrize("data", DATA)
def test_unshuffled_folds_are_iterative_stratification_with_first_ties(data):
    """Check that shuffle=False is the reference algorithm with every tie
    broken to the first label or fold (no randomness at all)."""
    Y = DATA[data]()
    folds = iterstrat.IterativeStratification(
        np.asarray(Y, dtype=bool), np.asarray([1 / 5] * 5), _FirstTie(0)
    )
    for fold, test in enumerate(_test_folds(MultiLabelStratifiedKFold(5), Y)):
        assert_array_equal(test, np.flatnonzero(folds == fold))


def test_folds_partition_the_rows_with_about_equal_sizes():
    """Check that the test folds partition the rows, training rows being the
    rest, with sizes within 5% of n / k (the algorithm trades exact sizes for
    the labels' shares)."""
    Y = load_yeast(return_X_y=True)[1]
    seen = np.zeros(Y.shape[0], dtype=int)
    for train, test in MultiLabelStratifiedKFold(5).split(Y, Y):
        seen[test] += 1
        assert_array_equal(np.sort(np.concatenate([train, test])), np.arange(len(Y)))
        assert abs(len(test) - len(Y) / 5) <= 0.05 * len(Y) / 5
    assert (seen == 1).all()


@pytest.mark.filterwarnings("ignore:The least populated label")
def test_every_label_keeps_its_share_of_positives_better_than_kfold():
    """Check the point of the splitter on enron: every label with at least 5
    positives has a positive in each of 5 test folds, and no fold's positives
    of any label deviate from the label's share by a row or more, where
    shuffled K-fold misses some labels entirely and deviates by many rows."""
    Y = load_enron(return_X_y=True)[1]
    share = Y.sum(axis=0) / 5
    common = Y.sum(axis=0) >= 5

    def positives(cv):
        return np.array([Y[test].sum(axis=0) for test in _test_folds(cv, Y)])

    ours = positives(MultiLabelStratifiedKFold(5))
    assert (ours[:, common] > 0).all()
    assert np.abs(ours - share).max() < 1
    kfold = positives(KFold(5, shuffle=True, random_state=0))
    assert (kfold[:, common] == 0).any()
    assert np.abs(kfold - share).max() > 5


def test_sparse_indicator_gives_the_folds_of_the_dense_one():
    """Check that a sparse y is split as its dense form."""
    Y = _random_labels(1)
    cv = MultiLabelStratifiedKFold(4)
    for dense, csr in zip(_test_folds(cv, Y), _test_folds(cv, sparse.csr_matrix(Y))):
        assert_array_equal(dense, csr)


def test_same_seed_same_folds_other_seed_other_folds():
    """Check determinism: an int seed gives the same folds every time, a
    different seed different folds."""
    Y = _random_labels(2)
    first = _test_folds(MultiLabelStratifiedKFold(5, shuffle=True, random_state=3), Y)
    again = _test_folds(MultiLabelStratifiedKFold(5, shuffle=True, random_state=3), Y)
    other = _test_folds(MultiLabelStratifiedKFold(5, shuffle=True, random_state=4), Y)
    for a, b in zip(first, again):
        assert_array_equal(a, b)
    assert any(not np.array_equal(a, b) for a, b in zip(first, other))


def test_rare_label_warns_like_stratified_kfold():
    """Check the warning for a label with fewer positives than folds."""
    Y = _random_labels(3)
    Y[:, 0] = 0
    Y[:2, 0] = 1
    with pytest.warns(UserWarning, match="only 2 positives.*n_splits=5"):
        _test_folds(MultiLabelStratifiedKFold(5), Y)


@pytest.mark.parametrize(
    "y, match",
    [
        (np.array([0, 1, 0, 1, 1, 0]), "2-D 0/1 indicator"),
        (np.array([[0, 2], [1, 0], [1, 1], [0, 1], [1, 0], [0, 0]]), "other than"),
        (None, "needs the targets"),
    ],
)
def test_bad_targets_get_a_clear_error(y, match):
    """Check the errors for a 1-D y, a non-indicator y and no y."""
    with pytest.raises(ValueError, match=match):
        list(MultiLabelStratifiedKFold(2).split(np.zeros((6, 1)), y))


@pytest.mark.parametrize(
    "params, error, match",
    [
        ({"n_splits": 1}, ValueError, "at least 2"),
        ({"n_splits": 2.5}, ValueError, "at least 2"),
        ({"shuffle": "yes"}, TypeError, "True or False"),
        ({"random_state": 0}, ValueError, "shuffle is False"),
    ],
)
def test_bad_parameters_get_a_clear_error(params, error, match):
    """Check the errors of the constructor, as scikit-learn's KFold's."""
    with pytest.raises(error, match=match):
        MultiLabelStratifiedKFold(**params)


def test_more_folds_than_rows_is_refused():
    """Check that n_splits above the number of rows is refused."""
    with pytest.raises(ValueError, match="n_splits=5 greater"):
        list(MultiLabelStratifiedKFold(5).split(np.zeros((3, 1)), np.eye(3)))


def test_splitter_drives_cross_validate():
    """Check that cross_validate takes the splitter, with its n_splits folds,
    and that its repr and get_n_splits are scikit-learn's."""
    X, Y = load_yeast(return_X_y=True)
    cv = MultiLabelStratifiedKFold(3)
    results = cross_validate(MultiLabelLogisticClassifier(C=0.1), X, Y, cv=cv)
    assert len(results["test_score"]) == cv.get_n_splits() == 3
    assert repr(cv) == (
        "MultiLabelStratifiedKFold(n_splits=3, random_state=None, shuffle=False)"
    )
