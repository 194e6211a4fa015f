"""Loaders of the data sets shipped in ``skbce/datasets/data``.

Files are read with :mod:`importlib.resources`, so the loaders work from an
installed wheel; nothing is downloaded.
"""

import gzip
from importlib import resources

import numpy as np
import pandas as pd
from sklearn.utils import Bunch

from ..utils._sklearn_compat import StrOptions, validate_params
from ._arff import parse_multilabel_arff

_DATA = "skbce.datasets.data"
_DESCR = "skbce.datasets.descr"


def _read_csv(name):
    with resources.files(_DATA).joinpath(name).open("rb") as f:
        return pd.read_csv(f, compression="gzip")


def _read_descr(name):
    return resources.files(_DESCR).joinpath(name).read_text(encoding="utf-8")


def _bunch(frame, feature_names, target_names, descr, return_X_y, as_frame):
    """Build the scikit-learn style return value from one DataFrame."""
    X = frame[feature_names]
    y = frame[target_names[0]] if len(target_names) == 1 else frame[target_names]
    if not as_frame:
        X, y = X.to_numpy(), y.to_numpy()
        frame = None
    return _result(X, y, frame, feature_names, target_names, descr, return_X_y)


def _result(X, y, frame, feature_names, target_names, descr, return_X_y):
    """Return ``(X, y)`` or the Bunch that holds them with their description."""
    if return_X_y:
        return X, y
    return Bunch(
        data=X,
        target=y,
        frame=frame,
        feature_names=list(feature_names),
        target_names=list(target_names),
        DESCR=descr,
    )


@validate_params(
    {"return_X_y": ["boolean"], "as_frame": ["boolean"]},
    prefer_skip_nested_validation=True,
)
def load_biochemists(*, return_X_y=False, as_frame=False):
    """Load the bioChemists article counts (count regression, 30% zeros).

    Articles published in the last three years of their PhD by 915 biochemistry
    graduate students (Long, 1990), the example data set of R's ``pscl::hurdle``.
    The two binary factors are coded 0/1 as R's model matrix codes them:
    ``fem`` = 1 for women, ``mar`` = 1 for married.

    The rows are in the order of the source, **sorted by the target** ``art``
    (the 275 zeros first): cross-validate with shuffled folds, e.g.
    ``KFold(5, shuffle=True, random_state=0)``, since contiguous folds such as
    ``cv=5`` put only zeros in the first test fold.

    =================  ==========================================
    Samples            915
    Features           5 (fem, mar, kid5, phd, ment)
    Target             art, a count from 0 to 19 (275 zeros)
    =================  ==========================================

    Parameters
    ----------
    return_X_y : bool, default=False
        Return ``(data, target)`` instead of a Bunch.
    as_frame : bool, default=False
        Return pandas objects (a DataFrame of features, a Series target and the
        whole ``frame``) instead of NumPy arrays.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        With ``data``, ``target``, ``frame`` (None unless ``as_frame``),
        ``feature_names``, ``target_names`` and ``DESCR``.
    (data, target) : tuple
        When ``return_X_y`` is True.

    See Also
    --------
    load_yeast : The multi-label data set.

    Examples
    --------
    >>> from skbce.datasets import load_biochemists
    >>> X, y = load_biochemists(return_X_y=True, as_frame=True)
    >>> X.shape, int((y == 0).sum())
    ((915, 5), 275)
    >>> list(X.columns)
    ['fem', 'mar', 'kid5', 'phd', 'ment']
    >>> bool(y.is_monotonic_increasing)  # sorted by art: shuffle the folds
    True
    """
    frame = _read_csv("biochemists.csv.gz")
    frame["fem"] = (frame["fem"] == "Women").astype(np.int64)
    frame["mar"] = (frame["mar"] == "Married").astype(np.int64)
    frame = frame[["fem", "mar", "kid5", "phd", "ment", "art"]]
    features = ["fem", "mar", "kid5", "phd", "ment"]
    return _bunch(
        frame, features, ["art"], _read_descr("biochemists.rst"), return_X_y, as_frame
    )


@validate_params(
    {
        "subset": [StrOptions({"train", "test", "all"})],
        "return_X_y": ["boolean"],
        "as_frame": ["boolean"],
    },
    prefer_skip_nested_validation=True,
)
def load_yeast(*, subset="train", return_X_y=False, as_frame=False):
    """Load the yeast gene functional classes (multi-label, 14 labels).

    MULAN's standard train/test split of the data of Elisseeff & Weston (2001):
    103 numeric features per gene (micro-array expression and phylogenetic
    profile) and 14 functional classes, about 4.2 per gene.

    =================  ==========================================
    Samples            1500 (train) + 917 (test) = 2417
    Features           103 real values (Att1 ... Att103)
    Targets            14 binary labels (Class1 ... Class14)
    =================  ==========================================

    Parameters
    ----------
    subset : {"train", "test", "all"}, default="train"
        Which part of the standard split to load ("all" stacks train, then test).
    return_X_y : bool, default=False
        Return ``(data, target)`` instead of a Bunch.
    as_frame : bool, default=False
        Return pandas DataFrames instead of NumPy arrays.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        With ``data`` (n, 103), ``target`` (n, 14) 0/1 indicator matrix, ``frame``,
        ``feature_names``, ``target_names`` and ``DESCR``.
    (data, target) : tuple
        When ``return_X_y`` is True.

    See Also
    --------
    load_enron : A sparse multi-label text data set with rare labels.
    load_biochemists : The count data set.

    Examples
    --------
    >>> from skbce.datasets import load_yeast
    >>> X, Y = load_yeast(subset="test", return_X_y=True)
    >>> X.shape, Y.shape
    ((917, 103), (917, 14))
    >>> round(float(Y.sum(axis=1).mean()), 2)
    4.25
    """
    parts = ["train", "test"] if subset == "all" else [subset]
    frame = pd.concat(
        [_read_csv(f"yeast_{p}.csv.gz") for p in parts], ignore_index=True
    )
    features = [c for c in frame.columns if c.startswith("Att")]
    labels = [c for c in frame.columns if c.startswith("Class")]
    return _bunch(
        frame, features, labels, _read_descr("yeast.rst"), return_X_y, as_frame
    )


@validate_params(
    {"return_X_y": ["boolean"], "as_frame": ["boolean"]},
    prefer_skip_nested_validation=True,
)
def load_enron(*, return_X_y=False, as_frame=False):
    """Load the Enron e-mail categories (multi-label, sparse, 53 labels).

    1702 e-mails as bags of 1001 words (binary features, 8.4% non-zero) with 53
    categories, many of them rare (one label has a single positive, four have
    fewer than five): the kind of data on which each label wants its own
    regularisation. MEKA's copy of the data of Klimt and Yang (2004).

    =================  ==========================================
    Samples            1702
    Features           1001 binary (word present), sparse
    Targets            53 binary labels, 1 to 913 positives each
    =================  ==========================================

    Parameters
    ----------
    return_X_y : bool, default=False
        Return ``(data, target)`` instead of a Bunch.
    as_frame : bool, default=False
        Return pandas DataFrames (dense, integer) instead of a SciPy CSR
        matrix of features and a NumPy indicator matrix of labels.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        With ``data`` (1702, 1001) (CSR, float64, unless ``as_frame``),
        ``target`` (1702, 53) 0/1 indicator matrix, ``frame`` (None unless
        ``as_frame``: features and labels side by side), ``feature_names``
        (the words), ``target_names`` (the label names, in the order of the
        source) and ``DESCR``.
    (data, target) : tuple
        When ``return_X_y`` is True.

    See Also
    --------
    load_yeast : A dense multi-label data set.

    Examples
    --------
    >>> from skbce.datasets import load_enron
    >>> X, Y = load_enron(return_X_y=True)
    >>> X.shape, Y.shape, X.format
    ((1702, 1001), (1702, 53), 'csr')
    >>> int((Y.sum(axis=0) >= 5).sum())  # labels with at least 5 positives
    49
    """
    with resources.files(_DATA).joinpath("enron.arff.gz").open("rb") as file:
        text = gzip.decompress(file.read()).decode("utf-8")
    X, Y, feature_names, target_names = parse_multilabel_arff(text, "enron.arff.gz")
    Y = Y.astype(np.int64)
    descr = _read_descr("enron.rst")
    if as_frame:
        frame = pd.DataFrame(
            np.hstack([X.toarray().astype(np.int64), Y]),
            columns=list(feature_names) + list(target_names),
        )
        return _bunch(frame, feature_names, target_names, descr, return_X_y, True)
    return _result(X, Y, None, feature_names, target_names, descr, return_X_y)
