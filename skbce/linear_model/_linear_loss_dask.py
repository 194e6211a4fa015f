"""The multi-label data passes over dask row chunks (the dask backend of
:class:`~._linear_loss.InMemoryRowPass`).

:class:`DaskRowPass` has the methods of :class:`~._linear_loss.InMemoryRowPass`,
so :class:`~._linear_loss.MultiLabelLinearLoss` and the solvers of
:mod:`._multilabel_solver` run unchanged on it: one solver, two backends. Each
row chunk of X lives on a worker with its chunks of Y and of the sample weights
and with its per-row state (logits, Hessian weights, direction logits); every
method maps the same ``block_*`` kernels of :mod:`._linear_loss` over the chunks
with the active dask scheduler (see :func:`skbce.utils._dask.dask_map`) and sums
the small reductions (arrays of shape (k,), (k, p) or (p, p)) on the client.
Per-row state is updated where it lives: a method that changes it replaces the
chunk's state by a new persisted one. X and Y never travel to the client; the
row sample of :meth:`DaskRowPass.subsample` (about 64 rows per coefficient, for
the solver's starting point) does, as an in-memory backend.
"""

import contextlib
import functools

import numpy as np

from ..utils._dask import dask_map, persist_blocks
from ._linear_loss import (
    InMemoryRowPass,
    RowPassBase,
    _transpose_product,
    add_in_order,
    block_gradient_hessian,
    block_gram,
    block_hessian_product,
    block_line_loss,
    block_loss,
    block_raw,
)

# A chunk is a dict of its arrays: "X", "Y", "w" (normalised sample weights),
# "start" (its first row), and the state "raw", "hessian", "direction".


def _columns(array, index):
    return InMemoryRowPass._columns(array, index)


def _pos_weight(pos_weight, labels, dtype):
    return None if pos_weight is None else pos_weight[labels].astype(dtype, copy=False)


def _make_chunk(hessian_dtype, block):
    start, X, Y, w = block
    return {
        "X": X,
        "X_hessian": X.astype(hessian_dtype, copy=False),
        "Y": Y,
        "w": w,
        "start": start,
        "raw": np.zeros(Y.shape, X.dtype),
    }


def _set_coef(coef, labels, fit_intercept, chunk):
    raw = chunk["raw"].copy()
    raw[:, labels] = block_raw(chunk["X"], coef, fit_intercept)
    return {**chunk, "raw": raw}


def _loss(labels, pos_weight, chunk):
    return block_loss(
        _columns(chunk["Y"], labels),
        _columns(chunk["raw"], labels),
        chunk["w"],
        _pos_weight(pos_weight, labels, chunk["X"].dtype),
    )


def _gradient_hessian(labels, pos_weight, fit_intercept, chunk):
    reductions, hessian = block_gradient_hessian(
        chunk["X"],
        _columns(chunk["Y"], labels),
        _columns(chunk["raw"], labels),
        chunk["w"],
        _pos_weight(pos_weight, labels, chunk["X"].dtype),
        fit_intercept,
        hessian_out=np.empty(
            (chunk["X"].shape[0], len(labels)), chunk["X_hessian"].dtype
        ),
    )
    return reductions, {**chunk, "hessian": hessian}


def _hessian_product(V, positions, fit_intercept, chunk):
    weights = _columns(chunk["hessian"], positions)
    return block_hessian_product(chunk["X_hessian"], weights, V, fit_intercept)


def _column_squared_norms(fit_intercept, chunk):
    X = chunk["X"]
    return _transpose_product(X**2, chunk["w"][:, None], fit_intercept)[0]


def _stride_rows(chunk, stride):
    """Positions in the chunk of the rows whose global index is a multiple of stride."""
    return slice((-chunk["start"]) % stride, None, stride)


def _gram(stride, fit_intercept, chunk):
    rows = _stride_rows(chunk, stride)
    return block_gram(chunk["X"][rows], chunk["w"][rows] * stride, fit_intercept)


def _sample(stride, chunk):
    rows = _stride_rows(chunk, stride)
    return chunk["X"][rows], chunk["Y"][rows], chunk["w"][rows] * stride


def _set_direction(V, fit_intercept, chunk):
    return {**chunk, "direction": block_raw(chunk["X"], V, fit_intercept)}


def _trial_loss(step, labels, positions, pos_weight, chunk):
    return block_line_loss(
        _columns(chunk["Y"], labels),
        _columns(chunk["raw"], labels),
        _columns(chunk["direction"], positions),
        step,
        chunk["w"],
        _pos_weight(pos_weight, labels, chunk["X"].dtype),
    )


def _move(step, labels, positions, chunk):
    raw = chunk["raw"].copy()
    direction = _columns(chunk["direction"], positions)
    raw[:, labels] += step.astype(raw.dtype) * direction
    return {**chunk, "raw": raw}


class DaskRowPass(RowPassBase):
    """The data passes of :class:`~._linear_loss.InMemoryRowPass` over dask chunks.

    Parameters
    ----------
    X : dask array of shape (n, d)
        Validated, with known row chunks and one column chunk.
    Y : dask array of shape (n, L)
        Targets (already smoothed) in the dtype of X, chunked like X's rows.
    sample_weight : dask array of shape (n,)
        Normalised sample weights (summing to 1), float64, chunked like X's rows.
    pos_weight : ndarray of shape (L,) or None
    fit_intercept : bool
    hessian_dtype : dtype, default=None
        Dtype of the Hessian-vector products (None: the dtype of X).
    """

    def __init__(
        self, X, Y, sample_weight, pos_weight, fit_intercept, hessian_dtype=None
    ):
        self.X = X
        self.Y = Y
        self.pos_weight = pos_weight
        self.fit_intercept = fit_intercept
        self.hessian_dtype = np.dtype(hessian_dtype or X.dtype)
        blocks = persist_blocks(X, Y, sample_weight, names=("X", "y", "sample_weight"))
        starts = np.concatenate([[0], np.cumsum(X.chunks[0])[:-1]]).tolist()
        self._chunks = dask_map(
            functools.partial(_make_chunk, self.hessian_dtype),
            [(start, *block) for start, block in zip(starts, blocks)],
            gather=False,
        )
        self._persisted = blocks  # keeps the persisted arrays alive

    def solver_context(self):
        """Context to run a solver in (nothing to set: the chunks run remotely)."""
        return contextlib.nullcontext()

    def _sum(self, func):
        """Sum over the chunks of the reductions ``func(chunk)``."""
        return add_in_order(dask_map(func, self._chunks))

    def _update(self, func):
        """Replace every chunk by ``func(chunk)``, computed where it lives."""
        self._chunks = dask_map(func, self._chunks, gather=False)

    def _sum_and_update(self, func):
        """``func(chunk)`` returns (reduction, new chunk): sum one, keep the other."""
        pairs = dask_map(func, self._chunks, gather=False)
        reductions = dask_map(_first, pairs)
        self._chunks = dask_map(_second, pairs, gather=False)
        return add_in_order(reductions)

    def subsample(self, stride):
        """Every ``stride``-th row, weights times ``stride``, as an in-memory pass."""
        parts = dask_map(functools.partial(_sample, stride), self._chunks)
        X, Y, w = (np.concatenate(p) for p in zip(*parts))
        return InMemoryRowPass(
            X,
            Y,
            w,
            self.pos_weight,
            self.fit_intercept,
            hessian_dtype=self.hessian_dtype,
        )

    def set_coef(self, coef, labels):
        """Recompute the logits of ``labels`` for their coefficients ``coef``."""
        self._update(
            functools.partial(_set_coef, coef, np.asarray(labels), self.fit_intercept)
        )

    def loss(self, labels):
        """Weighted BCE sums of ``labels`` at the current logits, (k,)."""
        return self._sum(functools.partial(_loss, np.asarray(labels), self.pos_weight))

    def gradient_hessian(self, labels):
        """Loss (k,), data gradient (k, p) and Hessian moments (k, 3) of ``labels``.

        Keeps their Hessian weights with the chunks.
        """
        return self._sum_and_update(
            functools.partial(
                _gradient_hessian,
                np.asarray(labels),
                self.pos_weight,
                self.fit_intercept,
            )
        )

    def hessian_product(self, V, positions):
        """Data Hessian-vector products for the labels at ``positions``."""
        return self._sum(
            functools.partial(
                _hessian_product,
                V,
                np.asarray(positions),
                self.fit_intercept,
            )
        )

    def column_squared_norms(self):
        """Weighted squared norms of the columns of ``[X, 1]``, (p,)."""
        return self._sum(functools.partial(_column_squared_norms, self.fit_intercept))

    def gram(self, stride=1):
        """Weighted Gram matrix of the design (every ``stride``-th row), (p, p)."""
        return self._sum(functools.partial(_gram, stride, self.fit_intercept))

    def set_direction(self, V, labels):
        """Compute and keep the logits ``X @ V.T (+ v_b)`` of search directions."""
        self._direction_labels = np.asarray(labels)
        self._update(functools.partial(_set_direction, V, self.fit_intercept))

    def trial_loss(self, step, positions):
        """Losses at ``raw + step * raw_direction`` for the direction ``positions``."""
        labels = self._direction_labels[positions]
        return self._sum(
            functools.partial(
                _trial_loss, step, labels, np.asarray(positions), self.pos_weight
            )
        )

    def move(self, step, positions):
        """Move the logits of the direction ``positions`` by ``step`` (k,)."""
        labels = self._direction_labels[positions]
        self._update(functools.partial(_move, step, labels, np.asarray(positions)))


def _first(pair):
    return pair[0]


def _second(pair):
    return pair[1]
