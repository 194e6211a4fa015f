"""Row kernels: the only functions that read the rows of the data.

Each kernel is a pure function of one *block* of rows (a dict of arrays, see
below) and of per-row state of that block (logits, Hessian weights, ...). It
returns new per-row state of the same block, or *reductions*: small arrays
(shape ``(k,)``, ``(k, p)``, ``(p, p)``) that are sums over the block's rows, so
that the reductions of several blocks add up. The row passes of
:mod:`._row_passes` apply the kernels to the single block of in-memory data or to
every row chunk of dask data; the objectives of :mod:`._linear_loss` combine the
reductions. Kernels are module-level functions of plain arguments, cheap to ship
to dask workers.

Blocks
------
Multi-label block: ``X`` (n, d) dense or CSR, ``X_hessian`` (``X`` in the dtype
of the Hessian-vector products), ``Y`` (n, k) prepared targets in the dtype of
``X``, ``w`` (n,) normalised sample weights or None for equal weights,
``scale`` (the common weight when ``w`` is None), ``loss`` (a
:class:`~skbce._loss.loss.BinaryLoss` with the per-label ``pos_weight`` of the
block's labels), ``fit_intercept``.

Linear-model block: ``X`` (n, d) dense, ``y`` (the prepared target), ``w`` (n,)
sample weights, ``offset`` (n, n_raw) or None and, for clustered covariances,
``groups`` (n,) integer cluster codes.
"""

import numpy as np
from scipy import sparse

from .._loss.loss import BinaryLoss

# ---------------------------------------------------------------------------
# Shared
# ---------------------------------------------------------------------------


def _dense(array):
    return array.toarray() if sparse.issparse(array) else np.asarray(array)


def linear_predictor(X, coef, fit_intercept):
    """``X @ W.T + b`` for ``coef`` (k, p) (intercept last), in X's dtype, (n, k)."""
    n_features = X.shape[1]
    weights = coef[:, :n_features].T.astype(X.dtype, copy=False)
    if weights.any():
        raw = _dense(X @ weights)
    else:  # e.g. the intercept-only start: no product
        raw = np.zeros((X.shape[0], coef.shape[0]), X.dtype)
    if fit_intercept:
        raw += coef[:, n_features].astype(X.dtype)
    return raw


def _sum_over_rows(values, weights=None):
    """Column sums ``weights @ values`` (k,) of ``values`` (n, k), in float64.

    Every column is summed row by row, whatever the number of columns: NumPy
    sums a single column pairwise but several row by row, and a label's sums
    must not depend on how many labels are solved beside it (``n_jobs``
    splits the labels into groups, whose last label may be alone).
    """
    if values.shape[1] == 1:
        column = values[:, 0].astype(np.float64)
        if weights is not None:
            column *= weights
        return np.cumsum(column)[-1:] if column.size else np.zeros(1)
    if weights is None:
        return np.einsum("ij->j", values, dtype=np.float64)
    return np.einsum("i,ij->j", weights, values, dtype=np.float64)


def transpose_product(X, R, fit_intercept):
    """``[X, 1].T @ R`` for R (n, k), as a float64 array (k, p)."""
    n_features = X.shape[1]
    out = np.empty((R.shape[1], n_features + fit_intercept))
    out[:, :n_features] = _dense(X.T @ R).T
    if fit_intercept:
        out[:, n_features] = _sum_over_rows(R)
    return out


# ---------------------------------------------------------------------------
# Multi-label blocks
# ---------------------------------------------------------------------------


def _column_sums(block, values):
    """Weighted column sums ``w @ values`` in float64, (k,)."""
    if block["w"] is None:
        return _sum_over_rows(values) * block["scale"]
    return _sum_over_rows(values, block["w"])


def _weighted(block, values):
    """``values`` times the row weights, in place."""
    if block["w"] is None:
        values *= block["scale"]
    else:
        values *= block["w"][:, None].astype(values.dtype, copy=False)
    return values


# Element-wise work runs on chunks of about this many elements, whose few
# temporaries stay in cache: on the dense benchmark (100000 x 50 logits) the
# loss, gradient and Hessian take half the time they take in one piece.
_CHUNK_ELEMENTS = 2**15


def row_chunks(n_rows, n_columns):
    """Slices of rows whose ``n_columns`` elements fill about a chunk."""
    step = max(1, _CHUNK_ELEMENTS // max(n_columns, 1))
    return [slice(start, start + step) for start in range(0, n_rows, step)]


def _derivatives(block, raw, order, move=None):
    """State ``(logits, Hessian weights or None)`` and reductions: loss sums
    (k,), data gradient (k, p) and the sums of the Hessian weights (k,) (zeros
    for ``order < 2``).

    ``move = (direction_logits, steps)``: the logits are first moved,
    ``raw + steps * direction_logits``, chunk by chunk into a new array.
    """
    loss, Y, weights = block["loss"], block["Y"], block["w"]
    n_rows, n_columns = raw.shape
    if move is not None:
        direction_logits, steps = move
        steps = steps.astype(raw.dtype)
        source, raw = raw, np.empty_like(raw)
    losses = np.empty_like(raw)
    gradient = np.empty_like(raw)
    hessian = None
    if order == 2:
        hessian = np.empty(raw.shape, block["X_hessian"].dtype)
    for rows in row_chunks(n_rows, n_columns):
        if move is not None:
            np.multiply(direction_logits[rows], steps, out=raw[rows])
            raw[rows] += source[rows]
        chunk = {**block, "w": None if weights is None else weights[rows]}
        if order == 2:
            losses[rows], gradient[rows], h = loss.loss_gradient_hessian(
                Y[rows], raw[rows]
            )
            hessian[rows] = _weighted(chunk, h)
        else:
            losses[rows], gradient[rows] = loss.loss_gradient(Y[rows], raw[rows])
        _weighted(chunk, gradient[rows])
    # Sums over all the rows at once, not chunk by chunk: the chunks depend on
    # the number of labels, a label's sums must not (see _sum_over_rows).
    sums = _column_sums(block, losses)
    curvature = _sum_over_rows(hessian) if order == 2 else np.zeros(n_columns)
    gradient = transpose_product(block["X"], gradient, block["fit_intercept"])
    return (raw, hessian), (sums, gradient, curvature)


def point_kernel(block, coef, order):
    """:func:`_derivatives` at the coefficients ``coef`` (k, p)."""
    raw = linear_predictor(block["X"], coef, block["fit_intercept"])
    return _derivatives(block, raw, order)


def direction_kernel(block, direction):
    """Logits of search directions (k, p): ``X @ V.T + v_b``, (n, k)."""
    return linear_predictor(block["X"], direction, block["fit_intercept"])


def line_kernel(block, state, direction_logits, steps):
    """Loss sums (k,) at ``logits + steps * direction_logits``."""
    raw = state[0] + steps.astype(state[0].dtype) * direction_logits
    return _column_sums(block, block["loss"].loss(block["Y"], raw))


def step_kernel(block, state, direction_logits, steps, order):
    """:func:`point_kernel` at ``logits + steps * direction_logits``."""
    return _derivatives(block, state[0], order, move=(direction_logits, steps))


def hessian_product_kernel(block, state, V, columns):
    """Data part of the Hessian-vector products of the labels ``columns`` (k, p)."""
    hessian = state[1]
    if columns.size != hessian.shape[1]:
        hessian = np.take(hessian, columns, axis=1)
    raw = linear_predictor(block["X_hessian"], V, block["fit_intercept"])
    raw *= hessian
    return transpose_product(block["X_hessian"], raw, block["fit_intercept"])


def take_labels(block, labels, loss):
    """The block restricted to the labels ``labels`` (with their ``loss``)."""
    return {**block, "Y": np.take(block["Y"], labels, axis=1), "loss": loss}


def take_columns(array, labels):
    """The columns ``labels`` of per-row state (n, k)."""
    return np.take(array, labels, axis=1)


def take_state(state, labels):
    """Per-row state restricted to the labels ``labels``."""
    return tuple(
        None if array is None else take_columns(array, labels) for array in state
    )


def put_state(state, part, labels):
    """Per-row ``state`` with the columns ``labels`` replaced by ``part``'s (new
    arrays)."""
    merged = []
    for array, columns in zip(state, part):
        if array is not None:
            array = array.copy()
            array[:, labels] = columns
        merged.append(array)
    return tuple(merged)


def column_squared_norms_kernel(block):
    """Weighted squared norms of the columns of ``[X, 1]`` (p,)."""
    X, w = block["X"], block["w"]
    if w is None:
        w = np.full(X.shape[0], block["scale"])
    if sparse.issparse(X):
        norms = transpose_product(X.power(2), w[:, None], False)[0]
    else:
        norms = np.einsum("ij,ij,i->j", X, X, w, dtype=np.float64)
    return np.append(norms, w.sum()) if block["fit_intercept"] else norms


# ---------------------------------------------------------------------------
# Linear-model blocks (dense Hessians, few parameters)
# ---------------------------------------------------------------------------


def weight_sum_kernel(block):
    """The sum of the sample weights of a block."""
    return float(block["w"].sum())


def predictor_design(X, columns, fit_intercept):
    """The columns of one linear predictor, with a column of ones if intercept."""
    selected = X if columns is None else X[:, columns]
    if fit_intercept:
        selected = np.hstack([selected, np.ones((X.shape[0], 1))])
    return selected


def _predictors_key(predictors):
    return tuple(
        (None if columns is None else tuple(np.asarray(columns).tolist()), bool(b))
        for columns, b in predictors
    )


def with_designs_kernel(block, predictors):
    """The block with the designs of ``predictors`` built once and kept.

    The kernels of a linear model then reuse them on every pass instead of
    slicing X and appending the column of ones each time.
    """
    designs = [
        predictor_design(block["X"], cols, intercept) for cols, intercept in predictors
    ]
    return {**block, "designs": (_predictors_key(predictors), designs)}


def _glm_designs(block, predictors):
    """The designs of ``predictors``: kept in the block, or built now."""
    kept = block.get("designs")
    if kept is not None and kept[0] == _predictors_key(predictors):
        return kept[1]
    X = block["X"]
    return [
        predictor_design(X, columns, intercept) for columns, intercept in predictors
    ]


def _glm_raw(block, params, loss, predictors, designs=None):
    """Designs, the end of each predictor's parameters, raw predictions and the
    loss's extra parameters of a linear-model block at ``params``."""
    offset = block["offset"]
    if designs is None:
        designs = _glm_designs(block, predictors)
    ends = np.cumsum([design.shape[1] for design in designs])
    raws = [
        design @ params[end - design.shape[1] : end]
        for design, end in zip(designs, ends)
    ]
    raw = np.stack(raws, axis=-1)
    if offset is not None:
        raw = raw + offset
    if loss.n_raw == 1:
        raw = raw[:, 0]
    return designs, ends, raw, params[ends[-1] :]


def glm_sums_kernel(block, params, loss, predictors, order):
    """Loss sum, gradient (d,) and Hessian (d, d) of a block of a linear model.

    ``predictors``: one ``(columns, fit_intercept)`` per linear predictor of
    ``loss`` (``columns`` None for all columns of X); ``params`` are their
    coefficients (intercept after each predictor's coefficients), followed by
    the loss's extra parameters.
    """
    y, w = block["y"], block["w"]
    designs, ends, raw, extra = _glm_raw(block, params, loss, predictors)
    result = loss.derivatives(y, raw, extra, order)
    if order == 0:
        return float(w @ result)
    q = loss.n_free
    values, gradient = result[0], result[1].reshape(-1, q)
    total = float(w @ values)
    n_params = params.size
    grad = np.empty(n_params)
    hess = np.empty((n_params, n_params))
    sizes = [design.shape[1] for design in designs]
    starts = ends - sizes
    for j, design in enumerate(designs):
        grad[starts[j] : ends[j]] = design.T @ (w * gradient[:, j])
    for e in range(loss.n_extra):
        grad[ends[-1] + e] = w @ gradient[:, loss.n_raw + e]
    if order == 1:
        return total, grad
    second = result[2].reshape(-1, q, q)
    raw_slices = [slice(start, end) for start, end in zip(starts, ends)]
    for i, design_i in enumerate(designs):
        for j in range(i, len(designs)):
            block_ij = design_i.T @ (designs[j] * (w * second[:, i, j])[:, None])
            if i == j:
                block_ij = 0.5 * (block_ij + block_ij.T)  # exactly symmetric
            hess[raw_slices[i], raw_slices[j]] = block_ij
            hess[raw_slices[j], raw_slices[i]] = block_ij.T
        for e in range(loss.n_extra):
            column = design_i.T @ (w * second[:, i, loss.n_raw + e])
            hess[raw_slices[i], ends[-1] + e] = column
            hess[ends[-1] + e, raw_slices[i]] = column
    for e in range(loss.n_extra):
        for f in range(e, loss.n_extra):
            value = w @ second[:, loss.n_raw + e, loss.n_raw + f]
            hess[ends[-1] + e, ends[-1] + f] = hess[ends[-1] + f, ends[-1] + e] = value
    return total, grad, hess


def glm_row_loss_kernel(block, params, loss, predictors):
    """Per-row loss (n,) of a linear-model block, sample weights not applied."""
    _, _, raw, extra = _glm_raw(block, params, loss, predictors)
    return loss.loss(block["y"], raw, extra)


def glm_row_scores(block, params, loss, predictors):
    """Per-row gradients (n, d) of the loss in the parameters (unweighted).

    Row ``i`` is the chain rule through the loss's gradient in its raw
    predictions and extra parameters: ``g_ij x_i`` for the coefficients of
    predictor ``j``, ``g_ie`` for an extra parameter.
    """
    designs, ends, raw, extra = _glm_raw(block, params, loss, predictors)
    gradient = loss.loss_gradient(block["y"], raw, extra)[1]
    gradient = gradient.reshape(-1, loss.n_free)
    parts = [design * gradient[:, [j]] for j, design in enumerate(designs)]
    parts.append(gradient[:, loss.n_raw :])
    return np.hstack(parts)


def glm_expectation_slopes_kernel(block, params, loss, predictors, part):
    """Sums over a block's rows of ``d E_i / d raw_ik`` (m, n_raw).

    ``E`` is ``loss.expectation(raw, extra, part)`` (e.g. the mean count) and
    ``params`` (m, d) are m parameter vectors, evaluated on one pass over the
    rows: the average marginal effects and their Jacobian.
    """
    designs = _glm_designs(block, predictors)
    sums = np.empty((params.shape[0], loss.n_raw))
    for r, theta in enumerate(params):
        _, _, raw, extra = _glm_raw(block, theta, loss, predictors, designs)
        sums[r] = loss.expectation(raw, extra, part, order=1)[1].sum(axis=0)
    return sums


def glm_score_outer_kernel(block, params, loss, predictors, n_groups=None):
    """The "meat" of a sandwich covariance, summed over a block.

    ``n_groups`` None: ``sum_i w_i s_i s_i'`` (d, d) over the rows' scores
    ``s_i`` (frequency weights: a row of weight 2 counts as two rows). Else the
    weighted score sums of each cluster, ``sum_{i in g} w_i s_i`` (n_groups, d),
    with the block's integer cluster codes ``groups``: sums of all blocks add up
    to each cluster's, whose outer products make the clustered meat.
    """
    scores = glm_row_scores(block, params, loss, predictors)
    w = block["w"]
    if n_groups is None:
        return scores.T @ (w[:, None] * scores)
    sums = np.zeros((n_groups, scores.shape[1]))
    np.add.at(sums, block["groups"], w[:, None] * scores)
    return sums


def prepare_target_kernel(block, loss):
    """The block with its target prepared by ``loss`` (e.g. distinct counts)."""
    return {**block, "y": loss.prepare_target(block["y"])}


def multilabel_block(
    X, Y, w, *, pos_weight, fit_intercept, scale=None, hessian_dtype=None
):
    """A multi-label block of arrays (see the module docstring).

    ``w``: normalised sample weights, or None for equal weights ``scale``;
    ``hessian_dtype`` (None: X's) the dtype of the copy of X for the Hessian
    products.
    """
    same = hessian_dtype is None or np.dtype(hessian_dtype) == X.dtype
    return {
        "X": X,
        "X_hessian": X if same else X.astype(hessian_dtype),
        "Y": np.asarray(Y, dtype=X.dtype),
        "w": w,
        "scale": scale,
        "loss": BinaryLoss(
            pos_weight=None if pos_weight is None else pos_weight.astype(X.dtype)
        ),
        "fit_intercept": fit_intercept,
    }
