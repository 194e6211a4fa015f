"""Sphinx configuration of the skbce documentation.

Build it with ``make -C docs html`` (warnings are errors and the gallery is
executed). The build is offline: intersphinx links to the Python, NumPy, SciPy,
scikit-learn, pandas and matplotlib docs are made only when the environment
variable ``SKBCE_DOCS_INTERSPHINX=1`` is set (their inventories are downloaded);
without it, references to those projects are rendered as plain code.
"""

import os
import sys
from pathlib import Path

# Document the checkout this file belongs to, not an installed copy.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import skbce

project = "skbce"
author = "The skbce developers"
copyright = "The skbce developers, BSD-3-Clause"
release = skbce.__version__
version = ".".join(release.split(".")[:2])

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]

templates_path = ["_templates"]
exclude_patterns = ["_build", "**.ipynb_checkpoints"]
root_doc = "index"
default_role = "literal"

# -- API reference: autosummary pages from the numpydoc docstrings -------------
autosummary_generate = True
autodoc_typehints = "none"
autodoc_default_options = {"members": True, "inherited-members": False}
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False


def _skip_foreign_members(app, what, name, obj, skip, options):
    """Document only what skbce defines, not the members inherited from
    scikit-learn (their docstrings link to scikit-learn's own pages)."""
    function = getattr(obj, "__func__", obj)
    module = getattr(function, "__module__", None)
    if what == "class" and module is not None and not module.startswith("skbce"):
        return True
    return skip


# -- Gallery -------------------------------------------------------------------
sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    # The order of the sections; a new examples/<topic>/ folder (with its
    # README.txt) is picked up at the "*" without touching this file.
    "subsection_order": [
        "../examples/thresholds",
        "../examples/multilabel",
        "../examples/hurdle",
        "../examples/losses",
        "*",
    ],
    "within_subsection_order": "FileNameSortKey",
    "filename_pattern": "/plot_",
    "doc_module": ("skbce",),
    "reference_url": {"skbce": None},
    "backreferences_dir": "modules/generated",
    "remove_config_comments": True,
    "download_all_examples": False,
    "show_memory": False,
    "image_scrapers": ("matplotlib",),
}
# Examples run headless.
os.environ.setdefault("MPLBACKEND", "Agg")

# -- Cross-references to other projects (online builds only) ------------------
if os.environ.get("SKBCE_DOCS_INTERSPHINX") == "1":
    extensions.append("sphinx.ext.intersphinx")
    intersphinx_mapping = {
        "python": ("https://docs.python.org/3", None),
        "numpy": ("https://numpy.org/doc/stable", None),
        "scipy": ("https://docs.scipy.org/doc/scipy", None),
        "sklearn": ("https://scikit-learn.org/stable", None),
        "pandas": ("https://pandas.pydata.org/docs", None),
        "matplotlib": ("https://matplotlib.org/stable", None),
    }

# -- HTML ----------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = f"skbce {release}"
html_theme_options = {
    "navigation_with_keys": False,
    "show_prev_next": False,
    "secondary_sidebar_items": ["page-toc"],
}
html_sidebars = {"index": [], "getting_started": [], "performance": []}
html_static_path = []
html_show_sourcelink = False


def setup(app):
    app.connect("autodoc-skip-member", _skip_foreign_members)
