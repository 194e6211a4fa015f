"""Dask backend of the row-block data passes (private; dask is optional).

The linear models reach the rows through the row passes of
``skbce.linear_model._row_passes``: the dask one holds one block per row chunk,
built from the persisted chunks that :func:`persist_blocks` returns (each block a
tuple of :class:`dask.delayed.Delayed` chunks of *persisted* arrays, so the data
stay on the workers). :func:`dask_map` runs a function on every block with the
active scheduler (the ``distributed.Client`` if there is one): with
``gather=True`` only the small per-block results travel to the client; with
``gather=False`` the results stay on the workers as new blocks (the chunked
threshold search of ``skbce.metrics`` uses it).

Validation is chunk-wise: scikit-learn's ``validate_data`` would materialize a
dask array, so :func:`check_dask_X` runs only its metadata checks (number of
features, feature names) and the value checks (finiteness) are one lazy
reduction computed with the first pass (:func:`persist_blocks`).


Nothing here imports dask at module level: :func:`is_dask_collection` answers
False without importing it when the user never did.
"""

import sys

import numpy as np
from sklearn.utils.validation import validate_data


def is_dask_collection(obj):
    """Whether ``obj`` is a dask collection (array, DataFrame, Series, ...)."""
    if "dask" not in sys.modules:
        return False
    from dask.base import is_dask_collection as _is_dask

    return _is_dask(obj)


def any_dask(*objs):
    """Whether any of ``objs`` is a dask collection."""
    return any(is_dask_collection(obj) for obj in objs)


def materialize(*values):
    """The values, computed together in one pass if some are dask collections."""
    if any_dask(*values):
        import dask

        return dask.compute(*values)
    return values


def dask_map(func, blocks, gather=True):
    """Apply ``func`` to every block with the active dask scheduler.

    ``blocks`` are tuples of delayed chunks (see :func:`persist_blocks`).
    ``gather=True`` returns the list of results on the client; ``gather=False``
    returns them persisted on the workers, as delayed objects usable as blocks.
    """
    import dask

    tasks = [dask.delayed(func, pure=True)(block) for block in blocks]
    if gather:
        return list(dask.compute(*tasks))
    return list(dask.persist(*tasks))


# ---------------------------------------------------------------------------
# Validation
# ---------------------------------------------------------------------------


def _to_dask_array(obj, name):
    """A dask array from a dask array, DataFrame or Series (lengths computed)."""
    if hasattr(obj, "to_dask_array"):  # dask DataFrame / Series
        return obj.to_dask_array(lengths=True)
    if not hasattr(obj, "chunks"):
        raise TypeError(
            f"{name} is a dask collection of type {type(obj).__name__}; pass a "
            "dask array, DataFrame or Series."
        )
    return obj


def check_row_chunks(array, name):
    if any(np.isnan(size) for size in array.chunks[0]):
        raise ValueError(
            f"{name} has unknown chunk sizes along its rows (e.g. after boolean "
            f"indexing or from a dask DataFrame's .values). Call "
            f"{name} = {name}.compute_chunk_sizes() first, or convert a DataFrame "
            "with .to_dask_array(lengths=True)."
        )


def check_dask_X(estimator, X, *, reset, dtype=(np.float64, np.float32)):
    """Validate a dask ``X`` chunk-wise; return a lazy 2-D dask array.

    Checks the number of features and the feature names (from a dask DataFrame)
    against the fitted ones (``reset=False``) or records them (``reset=True``),
    refuses unknown row chunk sizes, makes the columns a single chunk (every
    row block then holds whole rows) and casts to ``dtype`` (the first entry of
    a tuple unless X already has one of its dtypes). Values are checked by
    :func:`persist_blocks` in the first pass.
    """
    if not is_dask_collection(X):
        raise ValueError(
            "Some inputs are dask collections but X is not; pass X as a dask "
            "array or DataFrame too (or compute the other inputs)."
        )
    meta = X._meta if hasattr(X, "to_dask_array") else X  # pandas frame of columns
    if getattr(meta, "ndim", 2) != 2:
        raise ValueError(
            f"Expected a 2-D X (n_samples, n_features); got a {meta.ndim}-D dask "
            "collection. Reshape it, e.g. X.reshape(-1, 1) for a single feature."
        )
    validate_data(estimator, meta, skip_check_array=True, reset=reset)
    if meta is not X and not all(
        np.issubdtype(t, np.number) or np.issubdtype(t, np.bool_) for t in meta.dtypes
    ):
        raise ValueError(
            "X has non-numeric columns; encode them (e.g. with "
            "dask_ml.preprocessing or a ColumnTransformer on pandas chunks) first."
        )
    X = _to_dask_array(X, "X")
    check_row_chunks(X, "X")
    if X.shape[0] == 0:
        raise ValueError("X has 0 samples; at least one is required.")
    if X.numblocks[1] != 1:
        X = X.rechunk({1: -1})
    dtypes = tuple(dtype) if isinstance(dtype, (list, tuple)) else (dtype,)
    if X.dtype not in dtypes:
        X = X.astype(dtypes[0])
    return X


def check_dask_rows(values, X, name, *, dtype=np.float64, ndim=1):
    """``values`` (NumPy or dask, one entry per row of X) chunked like X's rows.

    Row chunks of a dask ``values`` that differ from X's are aligned by
    rechunking (both sizes are known); a different length is refused.
    """
    import dask.array as da

    if is_dask_collection(values):
        values = _to_dask_array(values, name)
        check_row_chunks(values, name)
    else:
        values = np.asarray(values)
    if values.ndim == 2 and ndim == 1 and values.shape[1] == 1:
        values = values[:, 0]
    if values.ndim != ndim or values.shape[0] != X.shape[0]:
        expected = "(n_samples,)" if ndim == 1 else "(n_samples, n_outputs)"
        raise ValueError(
            f"{name} must have shape {expected} with n_samples={X.shape[0]} rows "
            f"like X; got shape {values.shape}."
        )
    chunks = (X.chunks[0],) + tuple((s,) for s in values.shape[1:])
    if isinstance(values, np.ndarray):
        values = da.from_array(values, chunks=chunks)
    elif values.chunks != chunks:
        values = values.rechunk(chunks)
    if dtype is not None and values.dtype != dtype:
        values = values.astype(dtype)
    return values


def persist_blocks(*arrays, names):
    """Persist row-aligned dask arrays; return their row blocks after a value check.

    Every array (or None) must have the row chunks of the first. The arrays are
    persisted once (on the workers under a distributed client) and checked for
    non-finite values in one pass; the result is a list with one tuple
    ``(chunk_0, chunk_1, ...)`` of delayed chunks per row chunk (None where an
    array is None).
    """
    import dask
    import dask.array as da

    present = [a for a in arrays if a is not None]
    present = list(dask.persist(*present))
    finite = dask.compute(*(da.isfinite(a).all() for a in present))
    present_names = [n for a, n in zip(arrays, names) if a is not None]
    for ok, name in zip(finite, present_names):
        if not ok:
            raise ValueError(
                f"Input {name} contains NaN or infinity; drop or impute those "
                "rows (e.g. with dask's dropna or fillna) first."
            )
    it = iter(present)
    chunk_lists = []
    for array in arrays:
        if array is None:
            chunk_lists.append(None)
            continue
        delayed = next(it).to_delayed()
        chunk_lists.append(list(delayed.reshape(delayed.shape[0], -1)[:, 0]))
    n_blocks = len(chunk_lists[0])
    return RowBlocks(
        [
            tuple(None if c is None else c[i] for c in chunk_lists)
            for i in range(n_blocks)
        ],
        persisted=present,
    )


class RowBlocks(list):
    """A list of row blocks that keeps the persisted arrays behind them alive.

    Under a distributed client, persisted chunks are released once no
    collection refers to them; the blocks live as long as the fit needs them.
    """

    def __init__(self, blocks, *, persisted):
        super().__init__(blocks)
        self.persisted = persisted


def map_rows(func, X, *others, dtype=np.float64, n_columns=None):
    """Lazy ``func(X_chunk, *other_chunks)`` over the row chunks of X.

    The result has one row per row of X and ``n_columns`` columns (None for a
    1-D result); ``others`` are dask arrays with X's row chunks, or None (passed
    through as None).
    """
    import dask.array as da

    present = [o for o in others if o is not None]

    def block(x, *chunks):
        it = iter(chunks)
        return func(x, *(None if o is None else next(it) for o in others))

    args = [X, "ij"]
    for array in present:
        args += [array, "i" if array.ndim == 1 else "ik"]
    if n_columns is None:
        return da.blockwise(block, "i", *args, dtype=dtype, concatenate=True)
    return da.blockwise(
        block, "il", *args, new_axes={"l": n_columns}, dtype=dtype, concatenate=True
    )
