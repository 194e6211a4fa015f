"""Checks of the documentation sources in ``docs/`` that need no Sphinx build:
the API reference lists every public name, and the examples written in the
pages (``>>>`` blocks) run and print what the pages say."""

import doctest
import io
import re
from importlib import import_module
from pathlib import Path

import pytest

from skbce.utils.discovery import _public_modules

DOCS = Path(__file__).resolve().parents[1] / "docs"
# Folders written by the build, not sources.
GENERATED = {"_build", "_templates", "auto_examples", "generated"}

pytestmark = pytest.mark.skipif(not DOCS.is_dir(), reason="no docs/ folder")


def _autosummary_entries(text):
    """``module.name`` of every entry of the autosummary lists of an rst page.

    Only directives at the start of a line count, so the indented examples
    inside rst comments are not read.
    """
    entries, module, in_list = [], None, False
    for line in text.splitlines():
        if match := re.match(r"\.\. currentmodule:: (\S+)", line):
            module, in_list = match.group(1), False
        elif line.startswith(".. autosummary::"):
            in_list = True
        elif in_list and line and not line.startswith(" "):
            in_list = False
        elif in_list and (match := re.fullmatch(r"   (\w+)", line)):
            entries.append(f"{module}.{match.group(1)}")
    return entries


def _public_api():
    """Dotted path -> object of the classes and functions of every public __all__."""
    api = {}
    for module in _public_modules():
        for name in getattr(module, "__all__", []):
            obj = getattr(module, name)
            if callable(obj):
                api[f"{module.__name__}.{name}"] = obj
    return api


def test_api_reference_lists_every_public_name():
    """Check that docs/api.rst documents every name of every public __all__."""
    entries = _autosummary_entries((DOCS / "api.rst").read_text(encoding="utf-8"))
    documented = []
    for entry in entries:
        module, name = entry.rsplit(".", 1)
        documented.append(getattr(import_module(module), name))
    missing = sorted(
        path
        for path, obj in _public_api().items()
        if not any(obj is doc for doc in documented)
    )
    assert not missing, f"add to docs/api.rst: {missing}"
    assert len(entries) == len(set(entries)), "docs/api.rst lists a name twice"


def test_autosummary_entries_skip_comments():
    """Check that the api.rst parser reads directives, not commented examples."""
    text = (
        ".. currentmodule:: skbce.losses\n\n.. autosummary::\n   :toctree: x/\n\n"
        "   sigmoid\n\n.. A comment\n\n   .. autosummary::\n\n      load_yeast\n"
    )
    assert _autosummary_entries(text) == ["skbce.losses.sigmoid"]


PAGES_WITH_EXAMPLES = sorted(
    path
    for path in DOCS.rglob("*.rst")
    if not GENERATED.intersection(path.relative_to(DOCS).parts)
    and ">>>" in path.read_text(encoding="utf-8")
)


@pytest.mark.parametrize(
    "page", PAGES_WITH_EXAMPLES, ids=lambda p: str(p.relative_to(DOCS))
)
def test_rst_page_examples_run(page):
    """Check that the ``>>>`` examples of a documentation page give their output."""
    text = page.read_text(encoding="utf-8")
    test = doctest.DocTestParser().get_doctest(text, {}, page.name, str(page), 0)
    report = io.StringIO()
    runner = doctest.DocTestRunner(
        optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    )
    runner.run(test, out=report.write)
    assert runner.failures == 0, report.getvalue()
