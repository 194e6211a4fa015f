"""Install commands in the README, the docs and the messages of the code.

skbce is not on PyPI: every ``pip install`` it suggests must work from a
checkout of the repository (``python -m pip install ".[extra]"``, or a
third-party package by name), the README's first command must install what the
demo needs, the CI must run the README's test command, and the getting-started
page must list every extra of ``pyproject.toml``.
"""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# The display's message belongs to the displays' own change (issue 16); it is
# checked there.
NOT_CHECKED_HERE = {ROOT / "skbce" / "display" / "_base.py"}

pytestmark = pytest.mark.skipif(
    not (ROOT / "README.md").is_file(), reason="needs the source checkout"
)


def _sources():
    """README, docs sources, package code and examples."""
    files = [ROOT / "README.md"]
    files += [
        path
        for path in (ROOT / "docs").rglob("*.rst")
        if not {"_build", "auto_examples", "generated"} & set(path.parts)
    ]
    files += sorted((ROOT / "skbce").rglob("*.py"))
    files += sorted((ROOT / "examples").rglob("*.py"))
    return [path for path in files if path not in NOT_CHECKED_HERE]


def _text(path):
    """The prose of a file: for Python, its string literals (messages, docs),
    with the implicit concatenations of the source joined."""
    source = path.read_text(encoding="utf-8")
    if path.suffix != ".py":
        return source
    return "\n".join(
        node.value
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    )


def _install_targets(text):
    """What each ``pip install`` in a text installs (its first non-option word)."""
    text = " ".join(text.split())
    for match in re.finditer(r"pip install((?: -[-\w]+(?:=\S+)?)*) (\S+)", text):
        target = match.group(2).lstrip("`'\"")
        # Trailing quotes and punctuation, but not the "." of "install .".
        yield target if target == "." else target.rstrip("`'\".,;:)")


def test_every_install_hint_works_from_a_checkout():
    """Check that no hint installs skbce from a package index.

    ``pip install skbce`` or ``"skbce[plot]"`` fail with "No matching
    distribution": the hints install the checkout (``.`` with extras) or a
    third-party package by name.
    """
    found = 0
    for path in _sources():
        for target in _install_targets(_text(path)):
            found += 1
            assert not target.lower().startswith("skbce"), (path, target)
            assert target.startswith(".") or re.fullmatch(
                r"[a-z][\w-]*(==\S+)?", target
            )
    assert found >= 8  # the README, the guides, the demo and skbce.io


def test_readme_quick_start_installs_the_demo_needs_and_ci_runs_its_tests():
    """Check the README's first command and that .ci/run runs its test command."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = re.findall(r"```bash\n(.*?)\n```", readme, flags=re.S)
    assert commands[0] == 'python -m pip install ".[plot]" && python -m skbce demo'
    test_command = next(command for command in commands if "pytest" in command)
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert test_command in ci


def test_getting_started_lists_every_extra():
    """Check that the extras table names every optional dependency group."""
    tomllib = pytest.importorskip("tomllib")
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    extras = set(project["project"]["optional-dependencies"])
    page = (ROOT / "docs" / "getting_started.rst").read_text(encoding="utf-8")
    listed = set(re.findall(r"^``(\w+)``\s", page, flags=re.M))
    assert extras == listed
