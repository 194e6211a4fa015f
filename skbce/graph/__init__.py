"""Graph feature propagation for node classification."""

from ._propagation import GraphPropagator

__all__ = ["GraphPropagator"]
