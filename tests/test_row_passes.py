"""Tests of the row passes: the same operations in memory and on dask chunks."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from skbce.linear_model._row_passes import InMemoryRowPass, add_in_order, dask_row_pass


@pytest.fixture(autouse=True)
def _synchronous_dask():
    dask = pytest.importorskip("dask")
    with dask.config.set(scheduler="synchronous"):
        yield


def _block(X, y):
    return {"X": X, "y": y}


def _rows(backend, X, y, chunk=7):
    if backend == "memory":
        return InMemoryRowPass(_block(X, y))
    import dask.array as da

    return dask_row_pass(
        _block,
        da.from_array(X, chunks=(chunk, -1)),
        da.from_array(y, chunks=chunk),
        names=("X", "y"),
    )


def _sums(block, scale):
    return scale * block["X"].sum(axis=0), float(block["y"].sum())


def _logits(block, coef):
    return block["X"] @ coef


def _logits_and_sum(block, coef):
    raw = block["X"] @ coef
    return raw, raw.sum(axis=0)


def _shifted(block, state, shift):
    return float((state + shift).sum())


def _doubled(state):
    return 2 * state


def _first_rows(block, count):
    return {"X": block["X"][:count], "y": block["y"][:count]}


@pytest.mark.parametrize("backend", ["memory", "dask"])
def test_row_pass_operations_agree_with_whole_array_answers(rng, backend):
    """Check reduce, gather, map, apply, map_state and derive against the
    answers computed on the whole arrays (sums over chunks add up)."""
    X = rng.normal(size=(30, 3))
    y = rng.normal(size=30)
    rows = _rows(backend, X, y)
    coef = rng.normal(size=(3, 2))
    column_sums, total = rows.reduce(_sums, scale=2.0)
    assert_allclose(column_sums, 2 * X.sum(axis=0))
    assert total == pytest.approx(y.sum())
    gathered = rows.gather(_sums, scale=1.0)
    assert len(gathered) == (1 if backend == "memory" else 5)
    state, sums = rows.map(_logits_and_sum, coef=coef)
    assert_allclose(sums, (X @ coef).sum(axis=0))
    applied = rows.apply(_logits, coef=coef)
    doubled = rows.map_state(_doubled, applied)
    assert rows.reduce(_shifted, doubled, shift=1.0) == pytest.approx(
        (2 * X @ coef + 1).sum()
    )
    assert rows.reduce(_shifted, state, shift=0.0) == pytest.approx((X @ coef).sum())
    derived = rows.derive(_first_rows, count=2)  # two rows of every block
    if backend == "memory":
        expected = X[:2].sum(axis=0)
    else:
        expected = sum(X[start : start + 2].sum(axis=0) for start in range(0, 30, 7))
    assert_allclose(derived.reduce(_sums, scale=1.0)[0], expected)


def test_add_in_order_sums_tuples_item_by_item():
    """Check that reductions (scalars, arrays, tuples of them) add up in order."""
    total = add_in_order([(1.0, np.ones(2)), (2.0, np.arange(2.0)), (3.0, np.ones(2))])
    assert total[0] == 6.0
    assert_allclose(total[1], [2.0, 3.0])
