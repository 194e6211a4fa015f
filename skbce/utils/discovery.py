"""Find the public estimators, displays and functions of skbce.

The functions walk the package as :mod:`sklearn.utils.discovery` walks
scikit-learn: every public module (no part of its dotted name starts with an
underscore, and test modules are skipped) is imported, and the public classes and
functions *defined in skbce* that it holds are collected. The common tests and the
docstring tests use them, so a new estimator, display or function is checked as
soon as it is importable from a public module.
"""

import inspect
import pkgutil
from importlib import import_module
from operator import itemgetter
from pathlib import Path

__all__ = ["all_displays", "all_estimators", "all_functions"]

_MODULES_TO_IGNORE = {"tests", "conftest"}

_TYPE_FILTERS = ("classifier", "regressor", "transformer", "cluster")


def _public_modules():
    """Import and yield every public module of skbce, the package itself first."""
    import skbce

    yield skbce
    root = str(Path(skbce.__file__).parent)
    for _, module_name, _ in pkgutil.walk_packages(path=[root], prefix="skbce."):
        parts = module_name.split(".")
        if any(part.startswith("_") or part in _MODULES_TO_IGNORE for part in parts):
            continue
        yield import_module(module_name)


def _defined_in_skbce(obj):
    module = getattr(obj, "__module__", None) or ""
    return module == "skbce" or module.startswith("skbce.")


def _public_members(predicate):
    """(name, object) pairs of the public members of all public modules, sorted."""
    members = set()
    for module in _public_modules():
        for name, obj in inspect.getmembers(module, predicate):
            if not name.startswith("_") and _defined_in_skbce(obj):
                members.add((name, obj))
    return sorted(members, key=itemgetter(0))


def _is_abstract(cls):
    return bool(getattr(cls, "__abstractmethods__", None))


def all_estimators(type_filter=None):
    """List the public estimators of skbce.

    An estimator is a public, non-abstract class defined in skbce that derives
    from :class:`sklearn.base.BaseEstimator`.

    Parameters
    ----------
    type_filter : {"classifier", "regressor", "transformer", "cluster"} or list \
            of such str, default=None
        Keep only the estimators of these kinds (the union, for a list). None
        keeps all of them.

    Returns
    -------
    estimators : list of tuple
        ``(name, class)`` pairs, sorted by name.

    See Also
    --------
    all_displays : The public display classes.
    all_functions : The public functions.

    Examples
    --------
    >>> from sklearn.base import ClassifierMixin
    >>> from skbce.utils.discovery import all_estimators
    >>> estimators = all_estimators()
    >>> all(isinstance(name, str) for name, _ in estimators)
    True
    >>> classifiers = all_estimators(type_filter="classifier")
    >>> classifiers == [e for e in estimators if issubclass(e[1], ClassifierMixin)]
    True
    """
    from sklearn.base import (
        BaseEstimator,
        ClassifierMixin,
        ClusterMixin,
        RegressorMixin,
        TransformerMixin,
    )

    mixins = dict(
        zip(
            _TYPE_FILTERS,
            (ClassifierMixin, RegressorMixin, TransformerMixin, ClusterMixin),
        )
    )
    if type_filter is None:
        kinds = []
    elif isinstance(type_filter, str):
        kinds = [type_filter]
    else:
        kinds = list(type_filter)
    unknown = [kind for kind in kinds if kind not in mixins]
    if unknown:
        raise ValueError(
            f"type_filter must be None or one or a list of {list(_TYPE_FILTERS)}; "
            f"got {type_filter!r}."
        )

    estimators = [
        (name, cls)
        for name, cls in _public_members(inspect.isclass)
        if issubclass(cls, BaseEstimator) and not _is_abstract(cls)
    ]
    if kinds:
        estimators = [
            (name, cls)
            for name, cls in estimators
            if any(issubclass(cls, mixins[kind]) for kind in kinds)
        ]
    return estimators


def all_displays():
    """List the public display classes of skbce.

    A display is a public class defined in skbce whose name ends with
    ``"Display"``.

    Returns
    -------
    displays : list of tuple
        ``(name, class)`` pairs, sorted by name.

    See Also
    --------
    all_estimators : The public estimators.
    all_functions : The public functions.

    Examples
    --------
    >>> from skbce.utils.discovery import all_displays
    >>> [name for name, _ in all_displays()]
    ['RootogramDisplay', 'ThresholdCurveDisplay']
    """
    return [
        (name, cls)
        for name, cls in _public_members(inspect.isclass)
        if name.endswith("Display")
    ]


def all_functions():
    """List the public functions of skbce.

    A public function is a function defined in skbce, whose name does not start
    with an underscore, found in a public module.

    Returns
    -------
    functions : list of tuple
        ``(name, function)`` pairs, sorted by name.

    See Also
    --------
    all_estimators : The public estimators.
    all_displays : The public display classes.

    Examples
    --------
    >>> from skbce.utils.discovery import all_functions
    >>> names = [name for name, _ in all_functions()]
    >>> "binary_cross_entropy" in names and "load_yeast" in names
    True
    """
    return _public_members(inspect.isfunction)
