"""Multi-label stratified K-fold: iterative stratification (Sechidis et al., 2011).

A fold of a multi-label data set is stratified when each label has about the
same share of its positives in every fold. Stratifying on the label *sets*
(the powerset) fails as soon as most sets are unique; iterative stratification
deals the rows out label by label instead, rarest label first, so that the rare
labels, which a random split most easily leaves without positives in a fold,
are spread first, while each fold's size is kept to its share.
"""

import warnings
from numbers import Integral

import numpy as np
from scipy import sparse
from sklearn.model_selection import BaseCrossValidator
from sklearn.utils import check_random_state, indexable

from ..utils._sklearn_compat import _num_samples


def _first(candidates, rng):
    """One of the indices ``candidates`` (ascending): a random one with a
    generator, else the first."""
    if candidates.size == 1 or rng is None:
        return candidates[0]
    return candidates[rng.choice(candidates.size)]


def iterative_stratification(Y, n_splits, rng=None):
    """The test fold (0 .. n_splits - 1) of each row of the 0/1 matrix ``Y``.

    Sechidis, Tsoumakas and Vlahavas's algorithm 1: each fold wants ``n / k``
    rows and, per label, ``n_l / k`` of its ``n_l`` positives. Repeatedly take
    the label with the fewest positives among the rows not yet dealt (ties:
    random, or the first label without ``rng``) and deal each of its rows, in
    order, to the fold that still wants the most positives of that label (ties:
    the fold that wants the most rows; then random, or the first); a dealt
    row's labels reduce the wants of its fold. Rows without any label left are
    dealt last, each to the fold that wants the most rows. With a generator the
    ties are broken by ``rng.choice`` exactly as the package
    ``iterative-stratification`` breaks them.

    Parameters
    ----------
    Y : ndarray of shape (n_samples, n_labels)
        0/1 (or bool) indicator matrix.
    n_splits : int
    rng : numpy.random.RandomState, default=None
        Breaks ties at random; None breaks them to the first candidate.

    Returns
    -------
    folds : ndarray of shape (n_samples,)
    """
    Y = np.asarray(Y, dtype=bool)
    n_samples = Y.shape[0]
    share = np.asarray([1 / n_splits] * n_splits)
    wanted_rows = share * n_samples
    wanted_positives = np.outer(share, Y.sum(axis=0))
    folds = np.zeros(n_samples, dtype=int)
    pending = np.ones(n_samples, dtype=bool)
    while pending.any():
        counts = Y[pending].sum(axis=0)
        if counts.sum() == 0:
            for row in np.flatnonzero(pending):
                fold = _first(np.flatnonzero(wanted_rows == wanted_rows.max()), rng)
                folds[row] = fold
                wanted_rows[fold] -= 1
            break
        rarest = counts[counts > 0].min()
        label = _first(np.flatnonzero(counts == rarest), rng)
        for row in np.flatnonzero(Y[:, label] & pending):
            column = wanted_positives[:, label]
            candidates = np.flatnonzero(column == column.max())
            if candidates.size > 1:
                rows_wanted = wanted_rows[candidates]
                candidates = candidates[rows_wanted == rows_wanted.max()]
            fold = _first(candidates, rng)
            folds[row] = fold
            pending[row] = False
            wanted_positives[fold, Y[row]] -= 1
            wanted_rows[fold] -= 1
    return folds


class MultiLabelStratifiedKFold(BaseCrossValidator):
    """K-fold cross-validation stratified on every label of a multi-label target.

    Iterative stratification (Sechidis, Tsoumakas and Vlahavas, 2011): the
    rows are dealt to the folds label by label, rarest label first, each row to
    the fold that still lacks the most positives of that label, so that every
    label keeps about its share of positives in every fold, rare labels
    included (a label with at least ``n_splits`` positives gets a positive in
    every test fold whenever the algorithm can place them so), while the folds
    keep about equal sizes. The folds are those of the package
    ``iterative-stratification`` (``MultilabelStratifiedKFold``) for the same
    ``random_state`` when ``shuffle=True``.

    This is the default splitter of
    :class:`~skbce.MultiLabelLogisticClassifierCV` for a multi-label target.

    Read more in the :ref:`User Guide <multilabel_cv>`.

    Parameters
    ----------
    n_splits : int, default=5
        Number of folds, at least 2.

    shuffle : bool, default=False
        Whether to shuffle the rows before dealing them and to break ties at
        random. When False the folds depend only on the order of the rows and
        ties go to the first label or fold.

    random_state : int, RandomState instance or None, default=None
        Seeds the shuffle and the ties when ``shuffle=True``; must be None
        otherwise (as for :class:`~sklearn.model_selection.KFold`).

    See Also
    --------
    sklearn.model_selection.StratifiedKFold : Stratified folds of a binary or
        multiclass target.

    Examples
    --------
    >>> import numpy as np
    >>> from skbce.model_selection import MultiLabelStratifiedKFold
    >>> Y = np.array([[1, 0], [1, 0], [0, 1], [0, 1], [1, 1], [0, 0]])
    >>> cv = MultiLabelStratifiedKFold(n_splits=2)
    >>> for train, test in cv.split(np.zeros((6, 1)), Y):
    ...     print(test, Y[test].sum(axis=0))
    [0 3 4] [2 2]
    [1 2 5] [1 1]
    """

    def __init__(self, n_splits=5, *, shuffle=False, random_state=None):
        if not isinstance(n_splits, Integral) or n_splits < 2:
            raise ValueError(
                f"n_splits must be an integer of at least 2; got {n_splits!r}."
            )
        if not isinstance(shuffle, bool):
            raise TypeError(f"shuffle must be True or False; got {shuffle!r}.")
        if not shuffle and random_state is not None:
            raise ValueError(
                "Setting a random_state has no effect since shuffle is False. "
                "Leave random_state at None, or set shuffle=True."
            )
        self.n_splits = int(n_splits)
        self.shuffle = shuffle
        self.random_state = random_state

    def get_n_splits(self, X=None, y=None, groups=None):
        """The number of folds, ``n_splits``.

        Parameters
        ----------
        X, y, groups : object
            Ignored, present for API compatibility.

        Returns
        -------
        n_splits : int
            The number of folds.
        """
        return self.n_splits

    def split(self, X, y, groups=None):
        """Generate the indices of the training and test rows of each fold.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data (only its number of rows is used).

        y : array-like or sparse matrix of shape (n_samples, n_labels)
            The 0/1 indicator matrix of the labels.

        groups : object
            Ignored, present for API compatibility.

        Yields
        ------
        train : ndarray
            The indices of the training rows of the fold.

        test : ndarray
            The indices of its test rows.
        """
        X, y = indexable(X, y)
        n_samples = _num_samples(X)
        if self.n_splits > n_samples:
            raise ValueError(
                f"Cannot have number of splits n_splits={self.n_splits} greater "
                f"than the number of samples: n_samples={n_samples}."
            )
        yield from super().split(X, y)

    def _iter_test_masks(self, X=None, y=None, groups=None):
        Y = _indicator(y)
        fewest = int(Y.sum(axis=0).min(initial=self.n_splits))
        if fewest < self.n_splits:
            warnings.warn(
                f"The least populated label in y has only {fewest} positives, "
                f"which is less than n_splits={self.n_splits}: some test folds "
                "have no positive of it.",
                UserWarning,
                stacklevel=4,
            )
        order = np.arange(Y.shape[0])
        rng = None
        if self.shuffle:
            rng = check_random_state(self.random_state)
            rng.shuffle(order)
        folds = np.empty(Y.shape[0], dtype=int)
        folds[order] = iterative_stratification(Y[order], self.n_splits, rng)
        for fold in range(self.n_splits):
            yield folds == fold


def _indicator(y):
    """The 0/1 matrix of a multi-label target, or a clear error."""
    if y is None:
        raise ValueError(
            "MultiLabelStratifiedKFold needs the targets: pass y, the 0/1 "
            "indicator matrix of the labels, to split."
        )
    Y = y.toarray() if sparse.issparse(y) else np.asarray(y)
    if Y.ndim != 2 or not np.isin(Y, [0, 1]).all():
        raise ValueError(
            "MultiLabelStratifiedKFold stratifies a 2-D 0/1 indicator matrix y "
            f"(one column per label); got an array of shape {Y.shape}"
            + ("" if Y.ndim != 2 else " with values other than 0 and 1")
            + ". For a binary or multiclass y use "
            "sklearn.model_selection.StratifiedKFold."
        )
    return Y.astype(bool)
