"""The multi-label linear-model BCE objective, and the data passes it is made of.

Conventions (fixed here once, used by the solvers and the estimator)
--------------------------------------------------------------------
``n`` rows, ``d`` features, ``L`` labels, ``p = d + fit_intercept`` degrees of
freedom per label.

- ``coef`` has shape ``(L, p)``, one row per label; with an intercept it is the
  last column: ``coef[:, :d]`` are the weights ``W``, ``coef[:, d]`` the
  intercepts ``b``. Solvers keep ``coef`` in float64 whatever the data dtype.
- Raw predictions (logits) are ``raw = X @ W.T + b``, shape ``(n, L)``, in the
  dtype of ``X`` (float32 data stays float32 in every product).
- The objective of label ``k``, as solvers see it, is the sample-weighted *mean*
  (sample weights are divided by their sum ``S`` once)::

      f_k(w_k) = sum_i (s_i / S) * l(y_ik, raw_ik; pos_weight_k)
                 + l2_k / 2 * ||W_k||^2,        l2_k = 1 / (C_k * S),

  with ``l`` the element-wise BCE of :mod:`skbce._loss._binary` and ``y`` the
  (already smoothed) targets. ``S * f_k`` is the user-facing objective
  ``sum_i s_i BCE + ||W_k||^2 / (2 C_k)``, the intercept unpenalized; the mean
  scaling only makes ``tol`` independent of ``n``, as in scikit-learn.
- The objective is a sum over labels whose Hessian is block-diagonal: block ``k``
  is ``X1.T @ diag(s / S * h_k) @ X1 + l2_k * I_W`` (``X1 = [X, 1]``, ``h_k`` the
  second derivative of ``l`` in ``raw_ik``). Gradients and Hessian-vector
  products of all labels are nevertheless computed together, through shared
  products with ``X`` (BLAS-3 for dense ``X``, one sparse pass for sparse ``X``).

The data-pass seam
------------------
Every touch of the rows (logits, loss values, gradients, Hessian-vector products,
line-search trial losses) goes through the ``block_*`` functions below. Each takes
one block of rows (``X``, ``Y``, normalised ``sample_weight`` and the per-row
state of that block: logits, Hessian weights, logits of the search direction) and
returns either new per-row state of the same block or a *reduction*: an array of
shape ``(k,)`` or ``(k, p)``, a sum over the block's rows. Reductions of several
blocks add up. :class:`InMemoryRowPass` applies them to the single block of an
in-memory data set; a chunked backend (e.g. dask) only has to map the same
functions over row chunks, keep the per-row state chunked alongside and sum the
reductions. Solvers see nothing but parameters and reductions, through
:class:`MultiLabelLinearLoss`.
"""

import contextlib
import functools
import os
import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from scipy import sparse
from threadpoolctl import ThreadpoolController

from .._loss import _binary

# --------------------------------------------------------------------------
# Row-block kernels: the only functions that read rows of X and Y.
# --------------------------------------------------------------------------


def _dense(a):
    """Return a dense ndarray from a sparse product result, unchanged otherwise."""
    return a.toarray() if sparse.issparse(a) else np.asarray(a)


def block_raw(X, coef, fit_intercept, out=None):
    """Logits ``X @ W.T + b`` of one block for the labels in ``coef`` (k, p).

    Returns an array of shape (n_rows, k) in the dtype of ``X``: ``out`` (a
    C-contiguous array of that shape and dtype) when given.
    """
    n_features = X.shape[1]
    weights = coef[:, :n_features].T.astype(X.dtype, copy=False)
    if not weights.any():  # e.g. the intercept-only start: no product
        raw = np.empty((X.shape[0], coef.shape[0]), X.dtype) if out is None else out
        raw[...] = 0
    elif out is None:
        raw = _dense(X @ weights)
    elif sparse.issparse(X):
        raw = out
        raw[...] = _dense(X @ weights)
    else:
        raw = np.matmul(X, weights, out=out)
    if fit_intercept:
        raw += coef[:, n_features].astype(X.dtype)
    return raw


def _row_sum(sample_weight, values):
    """``sample_weight @ values`` in float64 (a plain column sum for None).

    einsum, not BLAS: no BLAS threads inside the threaded passes over blocks.
    """
    if sample_weight is None:
        return np.einsum("ij->j", values, dtype=np.float64)
    return np.einsum("i,ij->j", sample_weight, values, dtype=np.float64)


def block_loss(Y, raw, sample_weight, pos_weight):
    """Per-label weighted sum of the BCE over the rows of one block, shape (k,).

    ``sample_weight`` None stands for unit weights (as in every ``block_*``
    kernel).
    """
    return _row_sum(sample_weight, _binary.loss(Y, raw, pos_weight))


# Bytes of one array of the element-wise work on a chunk of rows: small enough for
# the few arrays of a chunk to stay in cache.
_CHUNK_BYTES = 2**20
_chunk_memory = threading.local()


def _thread_scratch(local, count, rows, n_columns, dtype, least_bytes=0):
    """``count`` arrays (rows, n_columns) of dtype in memory kept by the calling
    thread in ``local`` (a ``threading.local``), each at least ``least_bytes``.

    The memory is reused by every call, whatever the dtype, and grows when too
    small: fresh large arrays would cost page faults on first touch, as much as
    the element-wise work done in them.
    """
    size = rows * n_columns * np.dtype(dtype).itemsize
    memory = getattr(local, "memory", None)
    if memory is None or memory.shape[0] < count or memory.shape[1] < size:
        aligned = -(-max(size, least_bytes) // 64) * 64  # aligned for any dtype
        memory = np.empty((count, aligned), np.uint8)
        local.memory = memory
    return [
        array[:size].view(dtype).reshape(rows, n_columns) for array in memory[:count]
    ]


def _chunk_scratch(count, rows, n_columns, dtype):
    """``count`` arrays (rows, n_columns) of dtype, at most ``_CHUNK_BYTES`` each,
    in memory kept by the calling thread (a few MiB)."""
    return _thread_scratch(
        _chunk_memory, count, rows, n_columns, dtype, least_bytes=_CHUNK_BYTES
    )


def block_gradient_hessian(
    X,
    Y,
    raw,
    sample_weight,
    pos_weight,
    fit_intercept,
    columns=None,
    hessian_out=None,
    gradient_out=None,
):
    """Loss, gradient and Hessian moments (reductions) and Hessian weights of a block.

    One element-wise pass over the block's logits gives, for the k labels (the
    ``columns`` of ``Y`` and ``raw``, default all):

    - ``loss`` (k,): the weighted BCE sums;
    - ``gradient`` (k, p): the data part of the gradient;
    - ``moments`` (k, 3): the sums of ``h``, ``h * raw`` and ``h * raw**2`` over
      the rows, with ``h`` the Hessian weights: the Hessian of each label on the
      span of its coefficients and its intercept (see
      :class:`~skbce.linear_model._multilabel_solver.GramPreconditioner`);

    returned as the tuple ``(loss, gradient, moments)``, and the Hessian weights
    ``s_i * h_ik``, shape (n_rows, k): per-row state that defines the
    Hessian-vector products of :func:`block_hessian_product` until the next
    call. They are written to ``hessian_out`` when given (an array of that shape,
    of any floating dtype: the dtype of the Hessian products). The derivatives
    of the loss, which the gradient is the product of ``X.T`` with, are written
    to ``gradient_out`` (shape (n_rows, k), dtype of ``raw``) when given.

    The element-wise work runs on chunks of rows whose arrays stay in cache;
    only the Hessian weights and the derivatives fill arrays of the block's size.
    """
    n_rows, dtype = raw.shape[0], raw.dtype
    k = raw.shape[1] if columns is None else columns.size
    derivatives = np.empty((n_rows, k), dtype) if gradient_out is None else gradient_out
    hessian_out = np.empty((n_rows, k), dtype) if hessian_out is None else hessian_out
    step = max(1, _CHUNK_BYTES // max(1, k * dtype.itemsize))
    scratch = _chunk_scratch(5, min(step, n_rows), k, dtype)
    in_place = hessian_out.dtype == dtype  # else cast into hessian_out
    loss = np.zeros(k)
    moments = np.zeros((k, 3))
    for start in range(0, n_rows, step):
        rows = slice(start, min(start + step, n_rows))
        size = rows.stop - rows.start
        value, hessian, work, y, z = (array[:size] for array in scratch)
        if columns is None:
            y, z = Y[rows], raw[rows]
        else:
            y = np.take(Y[rows], columns, axis=1, out=y)
            z = np.take(raw[rows], columns, axis=1, out=z)
        if in_place:
            hessian = hessian_out[rows]
        value, gradient, hessian = _binary.loss_gradient_hessian(
            y, z, pos_weight, out=(value, derivatives[rows], hessian, work)
        )
        weights = None if sample_weight is None else sample_weight[rows]
        if weights is not None:
            gradient *= weights[:, None]
            hessian *= weights[:, None]
        loss += _row_sum(weights, value)
        moments[:, 0] += np.einsum("ij->j", hessian)
        moments[:, 1] += np.einsum("ij,ij->j", hessian, z)
        moments[:, 2] += np.einsum("ij,ij,ij->j", hessian, z, z)
        if not in_place:
            hessian_out[rows] = hessian
    reductions = (loss, _transpose_product(X, derivatives, fit_intercept), moments)
    return reductions, hessian_out


def block_hessian_product(X, hessian_weights, V, fit_intercept, workspace=None):
    """Data part of the Hessian-vector products of a block for directions V (k, p).

    Two shared products for all k labels: ``X @ V_W.T`` and ``X.T @ (...)``.
    ``workspace``: None or an array of shape (n_rows, k) in the dtype of X, to
    reuse.
    """
    raw = block_raw(X, V, fit_intercept, out=workspace)
    raw *= hessian_weights
    return _transpose_product(X, raw, fit_intercept)


def block_line_loss(Y, raw, raw_direction, step, sample_weight, pos_weight):
    """Per-label weighted BCE of one block at ``raw + step * raw_direction``, (k,).

    ``raw_direction = X @ V.T (+ v_b)`` is computed once per search direction, so
    trial steps of the line search cost element-wise work only.
    """
    trial = raw + step.astype(raw.dtype, copy=False) * raw_direction
    return block_loss(Y, trial, sample_weight, pos_weight)


def block_gram(X, sample_weight, fit_intercept):
    """Weighted Gram matrix ``[X, 1].T @ diag(s) @ [X, 1]`` of a block, (p, p)."""
    root = np.sqrt(sample_weight)[:, None]
    if sparse.issparse(X):
        scaled = _dense(X.multiply(root))
    else:
        scaled = X * root.astype(X.dtype)
    gram = (scaled.T @ scaled).astype(np.float64)  # symmetric rank-k product
    if fit_intercept:
        column = _transpose_product(X, sample_weight[:, None], False)
        gram = np.block([[gram, column.T], [column, sample_weight.sum()]])
    return gram


def _transpose_product(X, R, fit_intercept):
    """``[X, 1].T @ R`` as a new float64 array of shape (k, p).

    The product is computed in the dtype of X and R, the intercept column summed
    in float64.
    """
    n_features = X.shape[1]
    out = np.empty((R.shape[1], n_features + fit_intercept))
    out[:, :n_features] = _dense(X.T @ R).T
    if fit_intercept:
        np.einsum("ij->j", R, out=out[:, n_features], dtype=np.float64)
    return out


# --------------------------------------------------------------------------
# In-memory backend of the data passes.
# --------------------------------------------------------------------------


@functools.cache
def _thread_pool(n_threads):
    """A process-wide pool of worker threads for the passes over row blocks."""
    return ThreadPoolExecutor(n_threads, thread_name_prefix="skbce-rows")


@functools.cache
def _blas_controller():
    """The BLAS libraries loaded in the process, to run them on one thread."""
    return ThreadpoolController()


def one_blas_thread():
    """Context in which BLAS runs on one thread.

    For the solvers whose own threads call BLAS, for their whole run: between
    the passes, BLAS would otherwise wake its threads for the solvers' small
    products, and their busy-waiting would take the cores from the threads.
    """
    return _blas_controller().limit(limits=1, user_api="blas")


def default_n_threads(n_rows):
    """Threads for passes over ``n_rows`` rows: the CPUs, at most 8, and at most
    one per 1024 rows."""
    return min(os.cpu_count() or 1, 8, max(1, n_rows // 1024))


def label_groups(n_rows, n_labels, min_labels=32):
    """Groups of labels to solve on separate threads, each over all the rows.

    The labels are independent problems that share the data: a group of labels
    per thread parallelises all of a solver's work (its per-label vector
    arithmetic between the passes as well as the passes), where blocks of rows
    per thread parallelise the passes only. One group per thread as long as
    each keeps at least ``min_labels`` labels, so that the products shared by
    the labels of a group stay wide; else one group (and the rows are split).
    The groups interleave the labels (0, n, 2n, ...), which balances labels of
    different difficulty when their order follows, e.g., their frequency.
    """
    n_groups = max(1, min(default_n_threads(n_rows), n_labels // min_labels))
    return [np.arange(group, n_labels, n_groups) for group in range(n_groups)]


def map_threads(function, items):
    """``[function(item) for item in items]``, each item on its own thread of the
    pool (with one BLAS thread each); in the calling thread for a single item."""
    if len(items) == 1:
        return [function(items[0])]
    with one_blas_thread():
        return list(_thread_pool(len(items)).map(function, items))


def add_in_order(results):
    """Sum of the per-block reductions, in block order (deterministic).

    A reduction may be an array or a tuple of arrays (summed item by item).
    """
    if isinstance(results[0], tuple):
        return tuple(add_in_order(items) for items in zip(*results))
    total = results[0]  # new arrays, which the sum may overwrite
    for result in results[1:]:
        total += result
    return total


class RowPassBase:
    """What the data-pass backends (which hold ``X``) share."""

    def full_step(self, V, labels):
        """Move the logits of ``labels`` by the directions V (k, p) and return the
        reductions of :meth:`gradient_hessian` there.

        Keeps the direction logits (for :meth:`trial_loss` and :meth:`move`), as
        :meth:`set_direction` does. A backend may do it all in one pass.
        """
        self.set_direction(V, labels)
        self.move(np.ones(len(labels)), np.arange(len(labels)))
        return self.gradient_hessian(labels)

    @property
    def n_rows(self):
        """Number of rows of the data."""
        return self.X.shape[0]

    @property
    def dtype(self):
        """Floating dtype of the data and of the per-row state."""
        return self.X.dtype


class InMemoryRowPass(RowPassBase):
    """The data passes over in-memory data, block of rows by block of rows.

    Holds the data and the per-row state (logits of all labels, Hessian weights
    and direction logits of the labels being worked on). Every public method is
    one data pass: it maps a ``block_*`` kernel over the blocks of rows and sums
    the reductions in block order (deterministic). Dense data are cut into
    blocks of about ``block_bytes`` of per-row state, so that the element-wise
    work runs in cache (the blocks are views); sparse data (CSR) into
    ``n_threads`` blocks. The blocks are processed by a pool of ``n_threads``
    threads, each with one BLAS thread: NumPy's element-wise kernels, BLAS and
    scipy's sparse products release the GIL, so the element-wise work (which
    NumPy runs on one core) uses every core, as the products do. This is the
    same map-and-reduce as a chunked backend's, on the cores of one machine.

    Parameters
    ----------
    X : {ndarray, sparse matrix} of shape (n, d)
    Y : ndarray of shape (n, L)
        Targets (already smoothed), in the dtype of ``X``.
    sample_weight : ndarray of shape (n,)
        Normalised sample weights (summing to 1), float64.
    pos_weight : ndarray of shape (L,) or None
    fit_intercept : bool
    block_bytes : int, default=2**22
        Dense data: bytes of per-row state per block.
    hessian_dtype : dtype, default=None
        Dtype of the Hessian-vector products (None: the dtype of X).
    n_threads : int, default=None
        Number of threads, and of blocks of sparse data (None:
        :func:`default_n_threads`).
    X_hessian : {ndarray, sparse matrix} of shape (n, d), default=None
        ``X`` in ``hessian_dtype``, when the caller shares one copy between the
        row passes of several label groups (None: made on first use).
    """

    def __init__(
        self,
        X,
        Y,
        sample_weight,
        pos_weight,
        fit_intercept,
        block_bytes=2**22,
        hessian_dtype=None,
        n_threads=None,
        X_hessian=None,
    ):
        n_rows = X.shape[0]
        if n_threads is None:
            n_threads = default_n_threads(n_rows)
        if sparse.issparse(X):
            X = X.tocsr()
            X_hessian = None if X_hessian is None else X_hessian.tocsr()
            step = -(-n_rows // max(n_threads, 1)) or 1
        else:
            width = max(Y.shape[1], X.shape[1], 1) * X.dtype.itemsize
            step = max(256, block_bytes // width)
        self.X = X
        self.Y = Y
        self.sample_weight = sample_weight
        # Equal weights (the usual case) scale the reductions instead of every
        # element: the kernels see unit weights and the Hessian weights are
        # kept unscaled.
        equal = n_rows > 0 and (sample_weight == sample_weight[0]).all()
        self._common_weight = float(sample_weight[0]) if equal else None
        self.pos_weight = pos_weight
        self.fit_intercept = fit_intercept
        self.hessian_dtype = np.dtype(hessian_dtype or X.dtype)
        self.raw = np.zeros(Y.shape, dtype=X.dtype)
        self.blocks = [
            slice(start, min(start + step, n_rows)) for start in range(0, n_rows, step)
        ] or [slice(0, 0)]
        self.n_threads = n_threads
        self._pool = (
            _thread_pool(n_threads) if n_threads > 1 and len(self.blocks) > 1 else None
        )
        self._X_blocks = self._split(X)
        self._local = threading.local()
        self._X_hessian = None if X_hessian is None else self._split(X_hessian)
        self._memory = {}
        self._hessian_weights = None
        self._raw_direction = None

    def _state(self, name, n_columns, dtype):
        """New per-row state: a C-contiguous (n_rows, n_columns) array of dtype.

        Its memory is reused from one call to the next (first-touch page faults
        of large new arrays cost as much as an element-wise pass).
        """
        size = self.n_rows * n_columns
        memory = self._memory.get(name)
        if memory is None or memory.size < size or memory.dtype != dtype:
            memory = np.empty(max(size, self.n_rows * self.Y.shape[1]), dtype)
            self._memory[name] = memory
        return memory[:size].reshape(self.n_rows, n_columns)

    def _workspace(self, rows, n_columns, dtype, count):
        """``count`` (at most 2) scratch arrays of shape (rows, n_columns) and dtype,
        in memory kept by the calling thread (:func:`_thread_scratch`), sized for
        the per-row state of the largest block."""
        largest = max(block.stop - block.start for block in self.blocks)
        largest *= self.Y.shape[1] * self.dtype.itemsize
        return _thread_scratch(
            self._local, 2, rows, n_columns, dtype, least_bytes=largest
        )[:count]

    @staticmethod
    def _padded(requested, n_columns):
        """The columns a pass computes for the ``requested`` ones of ``n_columns``
        (per-row state), and where each requested column is among them.

        For more than half of the columns: all of them (the work on the others
        costs less than gathering the requested ones); else the requested ones.
        """
        requested = np.asarray(requested)
        if requested.size > n_columns // 2:
            return np.arange(n_columns), requested
        return requested, np.arange(requested.size)

    def _split(self, X):
        """Row blocks of X: views when dense, CSR copies when sparse."""
        if len(self.blocks) == 1:
            return [X]
        return [X[rows] for rows in self.blocks]

    def _map(self, function):
        """``[function(i, rows) for each block]``, on the pool of threads if any."""
        tasks = list(enumerate(self.blocks))
        if self._pool is None:
            return [function(i, rows) for i, rows in tasks]
        return list(self._pool.map(lambda task: function(*task), tasks))

    def solver_context(self):
        """Context to run a solver in: BLAS on one thread (:func:`one_blas_thread`)
        when the blocks are threaded, so that they run in parallel."""
        if self._pool is None:
            return contextlib.nullcontext()
        return one_blas_thread()

    def _row_weights(self, rows):
        """The sample weights of a block for the kernels: None when all equal."""
        return None if self._common_weight is not None else self.sample_weight[rows]

    def _weighted_sum(self, function):
        """:meth:`_sum` of reductions computed with :meth:`_row_weights`."""
        total = self._sum(function)
        if self._common_weight is not None:
            for item in total if isinstance(total, tuple) else (total,):
                item *= self._common_weight  # the reductions are new arrays
        return total

    def _sum(self, function):
        """Sum over the blocks of the reductions ``function(i, rows)``."""
        return add_in_order(self._map(function))

    def subsample(self, stride):
        """The same passes over every ``stride``-th row, weights times ``stride``.

        The subsampled objective estimates the full one on the same scale (the
        weights still sum to about 1), so its solution is a starting point.
        """
        return type(self)(
            self.X[::stride],
            self.Y[::stride],
            self.sample_weight[::stride] * stride,
            self.pos_weight,
            self.fit_intercept,
            hessian_dtype=self.hessian_dtype,
            n_threads=self.n_threads,
        )

    def _pos_weight(self, labels):
        if self.pos_weight is None:
            return None
        return self.pos_weight[labels].astype(self.X.dtype, copy=False)

    @staticmethod
    def _columns(array, index, out=None):
        """``array[:, index]`` (into ``out`` when given), or ``array`` itself when
        ``index`` is all its columns in order."""
        if index.size == array.shape[1] and (index == np.arange(index.size)).all():
            return array
        return np.take(array, index, axis=1, out=out)  # faster than array[:, index]

    def _every_label(self, labels):
        """Whether ``labels`` are all the labels, in order."""
        labels = np.asarray(labels)
        return (
            labels.size == self.raw.shape[1]
            and (labels == np.arange(labels.size)).all()
        )

    def set_coef(self, coef, labels):
        """Recompute the logits of ``labels`` for their coefficients ``coef``."""
        every_label = self._every_label(labels)

        def block(i, rows):
            if every_label:
                block_raw(self._X_blocks[i], coef, self.fit_intercept, self.raw[rows])
            else:
                raw = block_raw(self._X_blocks[i], coef, self.fit_intercept)
                self.raw[rows, labels] = raw

        self._map(block)

    def loss(self, labels):
        """Weighted BCE sums of ``labels`` at the current logits, (k,)."""
        labels = np.asarray(labels)
        pos_weight = self._pos_weight(labels)
        return self._weighted_sum(
            lambda i, rows: block_loss(
                self._columns(self.Y[rows], labels),
                self._columns(self.raw[rows], labels),
                self._row_weights(rows),
                pos_weight,
            )
        )

    def gradient_hessian(self, labels):
        """Loss (k,), data gradient (k, p) and Hessian moments (k, 3) of ``labels``.

        One pass (see :func:`block_gradient_hessian`); keeps the labels' Hessian
        weights for :meth:`hessian_product`.
        """
        return self._gradient_pass(labels)

    def full_step(self, V, labels):
        """Move the logits of ``labels`` by the directions V (k, p) and return the
        reductions of :meth:`gradient_hessian` there, in one pass.

        Keeps the direction logits, as :meth:`set_direction` does.
        """
        computed, where = self._padded(labels, self.Y.shape[1])
        V = self._scattered(V, where, computed.size)
        every_label = self._every_label(computed)
        direction = self._new_direction(labels, where, computed.size)

        def move(i, rows):
            block_raw(self._X_blocks[i], V, self.fit_intercept, out=direction[rows])
            if every_label:
                self.raw[rows] += direction[rows]
            else:
                self.raw[rows, computed] += direction[rows]

        reductions = self._gradient_pass(labels, before=move)
        self._raw_direction = direction
        return reductions

    @staticmethod
    def _scattered(V, where, n_computed):
        """V (k, p) as the rows ``where`` of an (n_computed, p) array of zeros."""
        if V.shape[0] == n_computed:
            return V
        full = np.zeros((n_computed, V.shape[1]))
        full[where] = V
        return full

    def _new_direction(self, labels, where, n_computed):
        """Memory for the direction logits of ``labels`` (at columns ``where``)."""
        self._direction_labels = np.asarray(labels)
        self._direction_where = where
        self._raw_direction = None  # its memory is overwritten
        return self._state("direction", n_computed, self.dtype)

    def _gradient_pass(self, labels, before=None):
        """The pass of :meth:`gradient_hessian`, each block first updated by
        ``before(i, rows)`` when given."""
        computed, where = self._padded(labels, self.Y.shape[1])
        pos_weight = self._pos_weight(computed)
        self._hessian_weights = None  # its memory is overwritten
        hessian = self._state("hessian", computed.size, self.hessian_dtype)

        def block(i, rows):
            if before is not None:
                before(i, rows)
            reductions, _ = block_gradient_hessian(
                self._X_blocks[i],
                self.Y[rows],
                self.raw[rows],
                self._row_weights(rows),
                pos_weight,
                self.fit_intercept,
                columns=None if computed.size == self.Y.shape[1] else computed,
                hessian_out=hessian[rows],
                gradient_out=self._workspace(
                    rows.stop - rows.start, computed.size, self.dtype, 1
                )[0],
            )
            return reductions

        reductions = self._weighted_sum(block)
        self._hessian_weights = hessian
        self._hessian_where = where
        if computed.size == where.size:
            return reductions
        return tuple(reduction[where] for reduction in reductions)

    def hessian_product(self, V, positions):
        """Data Hessian-vector products for the labels at ``positions``.

        ``positions`` index the labels of the last :meth:`gradient_hessian` call.
        Computed in ``hessian_dtype``: float32 products of float64 data (a float32
        copy of X made once) serve CG, whose relative accuracy
        needs are far above float32 rounding, at twice the speed; gradients
        stay float64. The Hessian weights are kept in that dtype.
        """
        X_blocks = self._X_blocks
        if self.hessian_dtype != self.dtype:
            if self._X_hessian is None:
                # One copy, split like X: a large array gets huge pages.
                self._X_hessian = self._split(self.X.astype(self.hessian_dtype))
            X_blocks = self._X_hessian
        columns = self._hessian_where[np.asarray(positions)]
        computed, where = self._padded(columns, self._hessian_weights.shape[1])
        V = self._scattered(V, where, computed.size)

        def block(i, rows):
            workspace = self._workspace(
                rows.stop - rows.start, computed.size, self.hessian_dtype, 2
            )
            return block_hessian_product(
                X_blocks[i],
                self._columns(self._hessian_weights[rows], computed, out=workspace[1]),
                V,
                self.fit_intercept,
                workspace=workspace[0],
            )

        product = self._weighted_sum(block)
        return product if computed.size == where.size else product[where]

    def column_squared_norms(self):
        """Weighted squared norms of the columns of ``[X, 1]``, (p,)."""
        return self._sum(
            lambda i, rows: _transpose_product(
                self._X_blocks[i].power(2)
                if sparse.issparse(self.X)
                else self._X_blocks[i] ** 2,
                self.sample_weight[rows][:, None],
                self.fit_intercept,
            )[0]
        )

    def gram(self, stride=1):
        """Weighted Gram matrix of the design, (p, p).

        With ``stride > 1``, an estimate from every ``stride``-th row (weights
        multiplied by ``stride``), enough for a preconditioner.
        """
        return self._sum(
            lambda i, rows: block_gram(
                self._X_blocks[i][::stride],
                self.sample_weight[rows][::stride] * stride,
                self.fit_intercept,
            )
        )

    def set_direction(self, V, labels):
        """Compute and keep the logits ``X @ V.T (+ v_b)`` of search directions."""
        direction = self._new_direction(labels, np.arange(V.shape[0]), V.shape[0])
        self._map(
            lambda i, rows: block_raw(
                self._X_blocks[i], V, self.fit_intercept, out=direction[rows]
            )
        )
        self._raw_direction = direction

    def trial_loss(self, step, positions):
        """Losses at ``raw + step * raw_direction`` for the direction ``positions``."""
        labels = self._direction_labels[positions]
        columns = self._direction_where[positions]
        pos_weight = self._pos_weight(labels)
        return self._weighted_sum(
            lambda i, rows: block_line_loss(
                self._columns(self.Y[rows], labels),
                self._columns(self.raw[rows], labels),
                self._columns(self._raw_direction[rows], columns),
                step,
                self._row_weights(rows),
                pos_weight,
            )
        )

    def move(self, step, positions):
        """Move the logits of the direction ``positions`` by ``step`` (k,)."""
        labels = self._direction_labels[positions]
        columns = self._direction_where[positions]
        step = step.astype(self.dtype)
        every_label = self._every_label(labels)

        def block(i, rows):
            direction = self._columns(self._raw_direction[rows], columns)
            if every_label:
                self.raw[rows] += step * direction
            else:
                self.raw[rows, labels] += step * direction

        self._map(block)


# --------------------------------------------------------------------------
# The objective the solvers minimise.
# --------------------------------------------------------------------------


class MultiLabelLinearLoss:
    """Penalised multi-label BCE objective over a data-pass backend.

    Holds the current coefficients (``coef``, (L, p), float64) and adds the L2
    penalty (intercept excluded) to the reductions of ``data``. See the module
    docstring for the conventions.

    Parameters
    ----------
    data : InMemoryRowPass
        Or any backend with the same methods.
    l2_reg_strength : ndarray of shape (L,)
        ``1 / (C_k * S)`` per label.
    fit_intercept : bool
    """

    def __init__(self, data, l2_reg_strength, fit_intercept):
        self.data = data
        self.l2_reg_strength = np.asarray(l2_reg_strength, dtype=np.float64)
        self.fit_intercept = fit_intercept
        n_dof = data.X.shape[1] + fit_intercept
        self.coef = np.zeros((data.Y.shape[1], n_dof))
        self._scratch = np.empty_like(self.coef)

    def _weights(self, coef):
        return coef[:, :-1] if self.fit_intercept else coef

    def _penalty(self, coef, labels):
        weights = self._weights(coef)
        return (
            0.5 * self.l2_reg_strength[labels] * np.einsum("ij,ij->i", weights, weights)
        )

    def _add_penalty_gradient(self, out, coef, labels):
        """``out += `` the gradient of the penalty at ``coef`` (k, p); returns out."""
        weights = self._weights(coef)
        scaled = self._scratch[: weights.shape[0], : weights.shape[1]]
        out[:, : weights.shape[1]] += np.multiply(
            weights, self.l2_reg_strength[labels][:, None], out=scaled
        )
        return out

    def set_coef(self, coef, labels=None):
        """Set the coefficients (of ``labels``, default all) and their logits."""
        if labels is None:
            self.coef = np.array(coef, dtype=np.float64)
            labels = np.arange(self.coef.shape[0])
        else:
            self.coef[labels] = coef
        self.data.set_coef(self.coef[labels], labels)

    def value(self, labels):
        """Objective value of each label in ``labels`` at the current coef, (k,)."""
        return self.data.loss(labels) + self._penalty(self.coef[labels], labels)

    def value_gradient(self, labels):
        """Value (k,) and gradient (k, p) of ``labels`` at the current coef.

        One pass over the data, which also prepares Hessian products at the
        current coef and keeps the Hessian moments of the labels (see
        :func:`block_gradient_hessian`) in ``hessian_moments``, (k, 3).
        """
        return self._value_gradient(labels, self.data.gradient_hessian(labels))

    def _value_gradient(self, labels, reductions):
        """Value and gradient from the data's reductions, plus the penalty."""
        loss, gradient, self.hessian_moments = reductions
        coef = self.coef[labels]
        return (
            loss + self._penalty(coef, labels),
            self._add_penalty_gradient(gradient, coef, labels),
        )

    def hessian_product(self, V, positions, labels):
        """Hessian-vector products ``H_k @ V_k`` of ``labels`` (at ``positions``)."""
        return self._add_penalty_gradient(
            self.data.hessian_product(V, positions), V, labels
        )

    def set_direction(self, V, labels):
        """Fix search directions V (k, p) of ``labels`` for the line search."""
        self._direction = V
        self._direction_labels = np.asarray(labels)
        self.data.set_direction(V, labels)

    def full_step(self, V, labels):
        """Move ``labels`` to ``coef + V`` and return their value (k,) and gradient
        (k, p) there (see :meth:`value_gradient`), in one pass over the data.

        The directions are kept, as by :meth:`set_direction`, to backtrack.
        """
        self._direction = V
        self._direction_labels = np.asarray(labels)
        self.coef[labels] += V
        return self._value_gradient(labels, self.data.full_step(V, labels))

    def trial_value(self, step, positions):
        """Objective at ``coef + step * V`` for the direction ``positions``, (k,)."""
        labels = self._direction_labels[positions]
        trial = self.coef[labels] + step[:, None] * self._direction[positions]
        return self.data.trial_loss(step, positions) + self._penalty(trial, labels)

    def move(self, step, positions):
        """Accept ``coef += step * V`` for the direction ``positions``."""
        labels = self._direction_labels[positions]
        self.coef[labels] += step[:, None] * self._direction[positions]
        self.data.move(step, positions)

    def loss_gradient(self, coef, labels):
        """Value (k,) and gradient (k, p) at ``coef`` of ``labels``, for L-BFGS."""
        self.set_coef(coef, labels)
        return self.value_gradient(labels)
