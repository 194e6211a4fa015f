"""Safe persistence of fitted skbce estimators with :mod:`skops.io`.

A pickle file runs arbitrary code when it is loaded: never unpickle a model file
from a source you do not trust. :mod:`skops.io` stores an estimator as data and,
when loading, only builds the types it is told to trust (NumPy, SciPy and
scikit-learn types are trusted by default). :func:`trusted_types` lists skbce's
own types, so that :func:`load` (or ``skops.io.load(file,
trusted=trusted_types())``) restores any fitted skbce estimator and still
refuses every other unknown type.

skops is an optional dependency: ``pip install skbce[io]``.
"""

__all__ = ["dump", "load", "trusted_types"]


def _skops_io():
    try:
        import skops.io
    except ImportError as exc:  # pragma: no cover - skops is in the test extra
        raise ImportError(
            "skbce.io needs skops; install it with `pip install skbce[io]` "
            "(or `pip install skops`)."
        ) from exc
    return skops.io


def trusted_types():
    """List the skbce types to trust when loading a fitted skbce estimator.

    These are the fully qualified names of every public skbce estimator, of
    the parameter objects an estimator can hold (such as the
    :class:`~skbce.metrics.ConstrainedObjective` of an
    :class:`~skbce.OptimalThresholdClassifier`), as :func:`skops.io.get_untrusted_types`
    reports them, and ``numpy.dtype`` (a fitted
    :class:`~skbce.MultiLabelLogisticClassifier` keeps the dtype of its
    labels), which skops does not trust by default but which runs no code.
    Fitted skbce estimators need no other non-default type; a
    file that asks for one more (a custom part of a
    :class:`~skbce.HurdleRegressor`, say) is refused until you inspect and
    trust that type yourself.

    Returns
    -------
    types : list of str
        Sorted type names, e.g. ``"skbce.linear_model._hurdle.HurdleRegressor"``.

    See Also
    --------
    load : Load a file trusting these types.
    skops.io.get_untrusted_types : The types a file needs beyond the defaults.

    Examples
    --------
    >>> from skbce.io import trusted_types
    >>> "skbce.linear_model._hurdle.HurdleRegressor" in trusted_types()
    True
    """
    from .metrics import ConstrainedObjective
    from .utils.discovery import all_estimators

    classes = [cls for _, cls in all_estimators()] + [ConstrainedObjective]
    names = [f"{cls.__module__}.{cls.__qualname__}" for cls in classes]
    return sorted(names + ["numpy.dtype"])


def dump(estimator, file):
    """Save an estimator to a skops file (no code runs when it is loaded).

    A thin wrapper of :func:`skops.io.dump`.

    Parameters
    ----------
    estimator : object
        The (fitted) estimator, e.g. a pipeline ending in a skbce estimator.
    file : str, path or file-like
        Where to write; the conventional suffix is ``.skops``.

    See Also
    --------
    load : Load the file back.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from skbce import HurdleRegressor
    >>> from skbce.datasets import load_biochemists
    >>> from skbce.io import dump, load
    >>> X, y = load_biochemists(return_X_y=True)
    >>> model = HurdleRegressor().fit(X, y)
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = pathlib.Path(folder) / "hurdle.skops"
    ...     dump(model, path)
    ...     loaded = load(path)
    >>> bool((loaded.predict(X) == model.predict(X)).all())
    True
    """
    _skops_io().dump(estimator, file)


def load(file, trusted=None):
    """Load a skops file, trusting skbce's types and the defaults of skops only.

    Any other type in the file raises an
    :class:`~skops.io.exceptions.UntrustedTypesFoundException` before anything
    is built: inspect the file with :func:`skops.io.get_untrusted_types` and
    pass the types you have checked in ``trusted``.

    Parameters
    ----------
    file : str, path or file-like
        A file written by :func:`dump` or :func:`skops.io.dump`.
    trusted : list of str, default=None
        Further type names to trust, in addition to :func:`trusted_types`.

    Returns
    -------
    estimator : object
        The loaded estimator.

    See Also
    --------
    dump : Save an estimator.
    trusted_types : The skbce types trusted here.

    Examples
    --------
    >>> import io
    >>> import skops.io
    >>> from skbce import HurdleRegressor
    >>> from skbce.io import load
    >>> buffer = io.BytesIO(skops.io.dumps(HurdleRegressor(count_model="negbin")))
    >>> load(buffer)
    HurdleRegressor(count_model='negbin')
    """
    trusted = trusted_types() + list(trusted or [])
    if hasattr(file, "read"):
        return _skops_io().loads(file.read(), trusted=trusted)
    return _skops_io().load(file, trusted=trusted)
