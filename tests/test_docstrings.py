"""Numpydoc checks of every public name of skbce.

The public names are those the discovery utilities find (estimators, displays,
functions in public modules) together with the ``__all__`` of every public
module. Each one, and each public method that skbce defines on a public class,
must have a numpydoc docstring that parses cleanly and passes numpydoc's
validation, in particular: the documented parameters are exactly the parameters
of the signature, in order (PR01-PR03), each with a type and a description, and
the public names have an Examples section (EX01), which pytest runs with
``--doctest-modules``. The codes left out are those scikit-learn's own docstring
test leaves out.
"""

import inspect
import warnings

import pytest

from skbce.utils.discovery import (
    _public_modules,
    all_displays,
    all_estimators,
    all_functions,
)

numpydoc_validate = pytest.importorskip("numpydoc.validate")
from numpydoc.docscrape import NumpyDocString  # noqa: E402

# As scikit-learn's maint_tools/test_docstrings.py: RT02 (the Returns section may
# name the returned object), GL01 and GL02 (placement of the summary line).
IGNORED_CODES = {"RT02", "GL01", "GL02"}
# Required of the public names only, not of their methods.
TOP_LEVEL_ONLY_CODES = {"EX01", "SA01", "ES01"}


def _import_path(obj):
    return f"{obj.__module__}.{obj.__qualname__}"


def _public_objects():
    """Import path -> object of every public class and function of skbce."""
    objects = {}
    for _, obj in all_estimators() + all_displays() + all_functions():
        objects[_import_path(obj)] = obj
    for module in _public_modules():
        for name in getattr(module, "__all__", []):
            obj = getattr(module, name)
            if inspect.isclass(obj) or inspect.isfunction(obj):
                objects[_import_path(obj)] = obj
    return dict(sorted(objects.items()))


def _public_methods(cls):
    """Import paths of the public methods that skbce defines on ``cls``."""
    paths = {}
    for klass in reversed(cls.__mro__):
        if not klass.__module__.startswith("skbce"):
            continue
        for name, member in vars(klass).items():
            function = getattr(member, "__func__", member)
            if name.startswith("_") or not inspect.isfunction(function):
                continue
            paths[name] = f"{_import_path(cls)}.{name}"
    return sorted(paths.values())


PUBLIC_OBJECTS = _public_objects()
PUBLIC_METHODS = [
    path
    for obj in PUBLIC_OBJECTS.values()
    if inspect.isclass(obj)
    for path in _public_methods(obj)
]


def test_public_objects_are_found():
    """Check that the discovery finds the public API that exists today."""
    for path in (
        "skbce.losses.binary_cross_entropy",
        "skbce.datasets._base.load_yeast",
        "skbce.display._rootogram.RootogramDisplay",
        "skbce.utils.discovery.all_estimators",
    ):
        assert path in PUBLIC_OBJECTS
    assert "skbce.display._rootogram.RootogramDisplay.plot" in PUBLIC_METHODS


@pytest.mark.parametrize("module", list(_public_modules()), ids=lambda m: m.__name__)
def test_public_module_has_docstring_and_valid_all(module):
    """Check that a public module has a docstring and its __all__ names exist."""
    assert inspect.getdoc(module), f"{module.__name__} has no module docstring"
    missing = [
        name for name in getattr(module, "__all__", []) if not hasattr(module, name)
    ]
    assert not missing, f"{module.__name__}.__all__ lists missing names {missing}"


def _check_docstring(path, obj, top_level):
    docstring = inspect.getdoc(obj)
    assert docstring, f"{path} has no docstring"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        NumpyDocString(docstring)
    errors = [
        f"{code}: {message}"
        for code, message in numpydoc_validate.validate(path)["errors"]
        if code not in IGNORED_CODES and (top_level or code not in TOP_LEVEL_ONLY_CODES)
    ]
    assert not errors, f"{path}:\n" + "\n".join(errors)


@pytest.mark.parametrize("path", list(PUBLIC_OBJECTS))
def test_public_object_docstring_is_valid_numpydoc(path):
    """Check that a public class or function has a complete numpydoc docstring."""
    _check_docstring(path, PUBLIC_OBJECTS[path], top_level=True)


@pytest.mark.parametrize("path", PUBLIC_METHODS)
def test_public_method_docstring_is_valid_numpydoc(path):
    """Check that a public method documents exactly its parameters and returns."""
    class_path, name = path.rsplit(".", 1)
    cls = PUBLIC_OBJECTS[class_path]
    _check_docstring(path, getattr(cls, name), top_level=False)


@pytest.mark.parametrize("path", list(_public_objects()))
def test_public_docstring_has_no_literal_line_continuation(path):
    """Check that no public docstring keeps a backslash before a line break.

    In a raw docstring (``r\"\"\"``) a type line continued by ``\\`` keeps the
    backslash, and Sphinx then reads the next line as a block quote (a warning,
    an error of the docs build).
    """
    doc = inspect.getdoc(_public_objects()[path]) or ""
    assert "\\\n" not in doc, f"{path}: a backslash ends a line of the docstring"
