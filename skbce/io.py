"""Safe persistence of fitted skbce estimators with :mod:`skops.io`.

A pickle file runs arbitrary code when it is loaded: never unpickle a model file
from a source you do not trust. :mod:`skops.io` stores an estimator as data and,
when loading, only builds the types it is told to trust (NumPy, SciPy and
scikit-learn types are trusted by default). :func:`trusted_types` lists the types
a fitted skbce estimator can hold beyond those defaults, so that :func:`load` (or
``skops.io.load(file, trusted=trusted_types())``) restores any fitted skbce
estimator and still refuses every other unknown type.

skops is an optional dependency: from a checkout of the repository,
``python -m pip install ".[io]"`` (or ``python -m pip install skops``).
"""

import importlib
import inspect
import pkgutil

__all__ = ["dump", "load", "trusted_types"]


def _skops_io():
    try:
        import skops.io
    except ImportError as exc:  # pragma: no cover - skops is in the test extra
        raise ImportError(
            "skbce.io needs skops; install it with `python -m pip install skops`, "
            'or with skbce\'s extra: `python -m pip install ".[io]"` in the root '
            "of the skbce repository."
        ) from exc
    return skops.io


def _type_name(cls):
    """The name skops gives a type: its module and its name."""
    return f"{cls.__module__}.{cls.__name__}"


def _skbce_classes():
    """Every class defined in a module of skbce, private modules included.

    Found by walking the package, so that a new class (such as the object a
    solver keeps for ``partial_fit``) is trusted as soon as it exists, under
    whatever name it has. The command line module (``__main__``) is not
    imported; a module that cannot be imported (a missing optional
    dependency) defines no class a loadable model could hold.
    """
    import skbce

    modules = [skbce]
    for info in pkgutil.walk_packages(skbce.__path__, prefix="skbce."):
        if info.name.rsplit(".", 1)[-1] == "__main__":
            continue
        try:
            modules.append(importlib.import_module(info.name))
        except ImportError:  # pragma: no cover - optional dependencies
            continue
    return {
        cls
        for module in modules
        for _, cls in inspect.getmembers(module, inspect.isclass)
        if cls.__module__ == module.__name__
    }


def _sparse_container_classes():
    """SciPy's sparse matrix and array classes.

    skops restores them with :func:`scipy.sparse.load_npz`, which reads plain
    arrays (``allow_pickle=False``): they hold data, never code.
    """
    import scipy.sparse

    bases = (scipy.sparse.spmatrix, scipy.sparse.sparray)
    return {
        cls
        for cls in vars(scipy.sparse).values()
        if isinstance(cls, type) and issubclass(cls, bases)
    }


def trusted_types():
    """List the types to trust when loading a fitted skbce estimator.

    The rule is derived, not a hand-kept list: every class defined in skbce
    (estimators, the parameter objects they hold such as the
    :class:`~skbce.metrics.ConstrainedObjective` of an
    :class:`~skbce.OptimalThresholdClassifier`, and the internal objects a
    fitted model keeps, such as the online solver state after ``partial_fit``),
    SciPy's sparse matrix and array classes (an adjacency matrix of a
    :class:`~skbce.graph.GraphPropagator`; skops restores them as plain
    arrays), and ``numpy.dtype`` (a fitted
    :class:`~skbce.MultiLabelLogisticClassifier` keeps the dtype of its labels).
    None of them runs code when built from a file. Any other type in a file (a
    custom part of a :class:`~skbce.HurdleRegressor`, say) is refused until you
    inspect and trust that type yourself.

    Returns
    -------
    types : list of str
        Sorted type names as :func:`skops.io.get_untrusted_types` reports them,
        e.g. ``"skbce.linear_model._hurdle.HurdleRegressor"``.

    See Also
    --------
    load : Load a file trusting these types.
    skops.io.get_untrusted_types : The types a file needs beyond the defaults.

    Examples
    --------
    >>> from skbce.io import trusted_types
    >>> "skbce.linear_model._hurdle.HurdleRegressor" in trusted_types()
    True
    >>> "scipy.sparse._csr.csr_array" in trusted_types()
    True
    """
    classes = _skbce_classes() | _sparse_container_classes()
    return sorted({_type_name(cls) for cls in classes} | {"numpy.dtype"})


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
    """Load a skops file, trusting the types of :func:`trusted_types` only.

    Every file :func:`dump` writes for a skbce estimator (after ``fit`` or
    ``partial_fit``, with sparse parameters, inside a scikit-learn pipeline)
    loads. Any other type in the file raises an
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
    trusted_types : The types trusted here.

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
