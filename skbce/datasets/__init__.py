"""Real data sets bundled with skbce (no download at run time)."""

from ._base import load_biochemists, load_enron, load_yeast

__all__ = ["load_biochemists", "load_enron", "load_yeast"]
