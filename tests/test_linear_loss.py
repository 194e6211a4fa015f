"""Tests of the linear-model objectives, each run on both row-pass backends.

Every objective answers the solvers through its row pass; the in-memory and the
dask backends must give the same answers (the dask one on row chunks, with the
synchronous scheduler here: the distributed one is in tests/test_dask.py).
"""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from scipy import sparse
from scipy.optimize import approx_fprime

from skbce._loss.loss import (
    BinaryLoss,
    ZeroTruncatedNegativeBinomialLoss,
    ZeroTruncatedPoissonLoss,
)
from skbce.linear_model._linear_loss import (
    LinearModelLoss,
    MultiLabelLinearLoss,
    OnlineBatchLoss,
    PerLabelScaleLoss,
)
from skbce.linear_model._row_kernels import multilabel_block, row_chunks
from skbce.linear_model._row_passes import InMemoryRowPass, dask_row_pass
from skbce.losses import binary_cross_entropy

BACKENDS = ["memory", "dask"]


@pytest.fixture(autouse=True)
def _synchronous_dask():
    dask = pytest.importorskip("dask")
    with dask.config.set(scheduler="synchronous"):
        yield


def _chunks(array, size=23):
    import dask.array as da

    if array is None:
        return None
    chunks = (size,) + array.shape[1:]
    return da.from_array(array, chunks=chunks)


def _multilabel(backend, X, Y, sw, pw, l2, fit_intercept):
    if backend == "memory":
        return MultiLabelLinearLoss.in_memory(X, Y, sw, l2, pw, fit_intercept)
    rows = dask_row_pass(
        lambda *c: multilabel_block(*c, pos_weight=pw, fit_intercept=fit_intercept),
        _chunks(np.asarray(X.todense()) if sparse.issparse(X) else X),
        _chunks(Y),
        _chunks(sw),
        names=("X", "Y", "sample_weight"),
    )
    return MultiLabelLinearLoss(rows, l2, pw, X.shape[1], fit_intercept)


def _problem(rng, sparse_X=False, fit_intercept=True, n=60, d=5, L=4):
    X = rng.standard_normal((n, d))
    if sparse_X:
        X = sparse.csr_matrix(X * (rng.random((n, d)) < 0.4))
    Y = (rng.random((n, L)) < 0.4).astype(float) * 0.9 + 0.05  # smoothed targets
    sw = rng.uniform(0.2, 2.0, n)
    pw = rng.uniform(0.5, 3.0, L)
    l2 = rng.uniform(0.1, 1.0, L)
    coef = rng.standard_normal((L, d + fit_intercept))
    return X, Y, sw / sw.sum(), pw, l2, coef


def _reference_value(X, Y, sw, pw, l2, coef, fit_intercept):
    d = X.shape[1]
    raw = np.asarray(X @ coef[:, :d].T) + (coef[:, d] if fit_intercept else 0)
    return np.array(
        [
            binary_cross_entropy(
                Y[:, k], raw[:, k], sample_weight=sw, pos_weight=pw[k], reduction="sum"
            )
            + 0.5 * l2[k] * np.sum(coef[k, :d] ** 2)
            for k in range(Y.shape[1])
        ]
    )


# ---------------------------------------------------------------------------
# MultiLabelLinearLoss
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("sparse_X", [False, True])
@pytest.mark.parametrize("fit_intercept", [False, True])
def test_multilabel_loss_value_and_gradient(rng, backend, sparse_X, fit_intercept):
    """Check that each label's value is skbce.losses' weighted BCE plus the L2
    term, and its gradient the derivative of that value (finite differences)."""
    X, Y, sw, pw, l2, coef = _problem(rng, sparse_X, fit_intercept)
    objective = _multilabel(backend, X, Y, sw, pw, l2, fit_intercept)
    point = objective.point(coef, 1)
    expected = _reference_value(X, Y, sw, pw, l2, coef, fit_intercept)
    assert_allclose(point.value, expected, rtol=1e-12)
    for k in range(Y.shape[1]):

        def value(w, k=k):
            changed = coef.copy()
            changed[k] = w
            return _reference_value(X, Y, sw, pw, l2, changed, fit_intercept)[k]

        numeric = approx_fprime(coef[k].copy(), value, 1e-7)
        assert_allclose(point.gradient[k], numeric, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("sparse_X", [False, True])
def test_multilabel_loss_hessian_product_matches_gradient_differences(
    rng, backend, sparse_X
):
    """Check H_k v_k against central differences of the gradient, for a subset
    of the labels (the CG working set)."""
    X, Y, sw, pw, l2, coef = _problem(rng, sparse_X)
    objective = _multilabel(backend, X, Y, sw, pw, l2, True)
    point = objective.point(coef, 2)
    problems = np.array([0, 2, 3])
    V = rng.standard_normal((problems.size, coef.shape[1]))
    product = objective.hessian_product(point, V, problems)
    h = 1e-6
    for i, k in enumerate(problems):
        plus, minus = coef.copy(), coef.copy()
        plus[k] += h * V[i]
        minus[k] -= h * V[i]
        numeric = (
            objective.point(plus, 1).gradient[k] - objective.point(minus, 1).gradient[k]
        ) / (2 * h)
        assert_allclose(product[i], numeric, rtol=1e-5, atol=1e-8)


@pytest.mark.parametrize("backend", BACKENDS)
def test_multilabel_loss_line_and_step_equal_fresh_points(rng, backend):
    """Check that values along a line (from the direction's logits) and the
    point of a step equal a fresh evaluation at the moved coefficients."""
    X, Y, sw, pw, l2, coef = _problem(rng)
    objective = _multilabel(backend, X, Y, sw, pw, l2, True)
    point = objective.point(coef, 2)
    direction = rng.standard_normal(coef.shape)
    line = objective.line(point, direction)
    steps = np.array([1.0, 0.5, 0.0, 0.125])
    moved = coef + steps[:, None] * direction
    fresh = objective.point(moved, 2)
    assert_allclose(objective.line_values(point, line, steps), fresh.value, rtol=1e-12)
    stepped = objective.step(point, line, steps, 2)
    assert_allclose(stepped.coef, moved)
    assert_allclose(stepped.value, fresh.value, rtol=1e-12)
    assert_allclose(stepped.gradient, fresh.gradient, rtol=1e-10, atol=1e-14)
    V = rng.standard_normal(coef.shape)
    all_labels = np.arange(4)
    assert_allclose(
        objective.hessian_product(stepped, V, all_labels),
        objective.hessian_product(fresh, V, all_labels),
        rtol=1e-10,
    )


@pytest.mark.parametrize("backend", BACKENDS)
def test_multilabel_loss_partial_step_merged_equals_the_full_step(rng, backend):
    """Check that the step and line values of some labels only (the objective
    and line restricted to them), merged into the full step's point, are those
    of all labels (what a backtracking line search needs: only the shortened
    labels are computed anew)."""
    X, Y, sw, pw, l2, coef = _problem(rng, sparse_X=True)
    objective = _multilabel(backend, X, Y, sw, pw, l2, True)
    point = objective.point(coef, 2)
    line = objective.line(point, rng.standard_normal(coef.shape))
    steps = np.array([1.0, 0.25, 1.0, 0.0])
    redo = steps != 1.0
    full_step = objective.step(point, line, np.ones(4), 2)
    restricted, restricted_point = objective.restrict(point, redo)
    restricted_line = objective.restrict_line(line, redo)
    part = restricted.step(restricted_point, restricted_line, steps[redo], 2)
    assert_array_equal(part.coef, objective.step(point, line, steps, 2).coef[redo])
    assert_array_equal(
        restricted.line_values(restricted_point, restricted_line, steps[redo]),
        objective.line_values(point, line, steps)[redo],
    )
    merged = objective.merge(full_step, part, redo)
    expected = objective.step(point, line, steps, 2)
    assert_allclose(merged.value, expected.value, rtol=1e-14)
    assert_allclose(merged.gradient, expected.gradient, rtol=1e-12, atol=1e-15)
    V = rng.standard_normal(coef.shape)
    assert_allclose(
        objective.hessian_product(merged, V, np.arange(4)),
        objective.hessian_product(expected, V, np.arange(4)),
        rtol=1e-12,
    )
    # The full step's own point is left as it was.
    assert_allclose(full_step.value, objective.step(point, line, np.ones(4), 2).value)


@pytest.mark.parametrize("backend", BACKENDS)
def test_multilabel_loss_restrict_keeps_the_labels_problems(rng, backend):
    """Check that the restricted objective and point are those of the kept labels."""
    X, Y, sw, pw, l2, coef = _problem(rng)
    objective = _multilabel(backend, X, Y, sw, pw, l2, True)
    keep = np.array([True, False, True, False])
    restricted, point = objective.restrict(objective.point(coef, 2), keep)
    alone = _multilabel(backend, X, Y[:, keep], sw, pw[keep], l2[keep], True)
    fresh = alone.point(coef[keep], 2)
    assert_allclose(point.value, fresh.value, rtol=1e-12)
    assert_allclose(restricted.point(coef[keep], 1).gradient, fresh.gradient)
    V = rng.standard_normal((2, coef.shape[1]))
    assert_allclose(
        restricted.hessian_product(point, V, np.arange(2)),
        alone.hessian_product(fresh, V, np.arange(2)),
        rtol=1e-12,
    )


@pytest.mark.parametrize("equal_weights", [True, False])
@pytest.mark.parametrize("keep", [[1], [0, 3], [0, 2, 3]])
def test_multilabel_loss_restricted_labels_are_bitwise_those_of_all(
    rng, keep, equal_weights
):
    """Check that a subset of the labels, one label alone included, gets exactly
    (bit for bit) the values, gradients, curvatures and Hessian products it gets
    beside all the labels, on sparse data of several chunks: n_jobs, which
    splits the labels into groups, then cannot change a label's solution.
    (SciPy's sparse products compute each column alone; BLAS's dense products
    round differently for different numbers of columns.)"""
    X, Y, sw, pw, l2, coef = _problem(rng, sparse_X=True, n=20_000)
    if equal_weights:
        sw = np.full(X.shape[0], 1 / X.shape[0])
    objective = MultiLabelLinearLoss.in_memory(X, Y, sw, l2, pw, True)
    assert len(row_chunks(X.shape[0], Y.shape[1])) > 2
    mask = np.isin(np.arange(Y.shape[1]), keep)
    point = objective.point(coef, 2)
    restricted, restricted_point = objective.restrict(point, mask)
    fresh = restricted.point(coef[mask], 2)
    for got in (restricted_point, fresh):
        assert_array_equal(got.value, point.value[mask])
        assert_array_equal(got.gradient, point.gradient[mask])
        assert_array_equal(got.state[1], point.state[1][mask])
    V = rng.standard_normal(coef.shape)
    assert_array_equal(
        restricted.hessian_product(fresh, V[mask], np.arange(len(keep))),
        objective.hessian_product(point, V, np.arange(Y.shape[1]))[mask],
    )


def test_multilabel_loss_equal_weights_take_the_scaled_path(rng):
    """Check that equal weights (reductions scaled once) equal explicit weights."""
    X, Y, _, pw, l2, coef = _problem(rng)
    n = X.shape[0]
    equal = MultiLabelLinearLoss.in_memory(X, Y, np.full(n, 1 / n), l2, pw, True)
    assert equal.rows.block["w"] is None
    explicit = MultiLabelLinearLoss(
        InMemoryRowPass({**equal.rows.block, "w": np.full(n, 1 / n), "scale": None}),
        l2,
        pw,
        X.shape[1],
        True,
    )
    a, b = equal.point(coef, 2), explicit.point(coef, 2)
    assert_allclose(a.value, b.value, rtol=1e-13)
    assert_allclose(a.gradient, b.gradient, rtol=1e-12)


# ---------------------------------------------------------------------------
# LinearModelLoss (dense Hessians)
# ---------------------------------------------------------------------------

LOSSES = {
    "logit": (lambda: BinaryLoss("logit"), "binary"),
    "probit": (lambda: BinaryLoss("probit"), "binary"),
    "cloglog": (lambda: BinaryLoss("cloglog"), "binary"),
    "ztpoisson": (ZeroTruncatedPoissonLoss, "count"),
    "ztnegbin": (ZeroTruncatedNegativeBinomialLoss, "count"),
}


def _linear_model(backend, loss, X, y, w, offset, fit_intercept, alpha):
    block = {"X": X, "y": y, "w": w, "offset": offset}
    if backend == "memory":
        rows = InMemoryRowPass(block)
    else:
        rows = dask_row_pass(
            lambda X, y, w, offset: {"X": X, "y": y, "w": w, "offset": offset},
            _chunks(X),
            _chunks(y),
            _chunks(w),
            _chunks(offset),
            names=("X", "y", "sample_weight", "offset"),
        )
    return LinearModelLoss(rows, loss, [(None, fit_intercept)], X.shape[1], alpha)


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("name", list(LOSSES))
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_linear_model_loss_derivatives_match_finite_differences(
    rng, backend, name, fit_intercept
):
    """Check the objective's gradient and Hessian (alpha, offset) by differences,
    and that the Hessian is exactly symmetric."""
    make, kind = LOSSES[name]
    loss = make()
    n, p = 60, 3
    X = rng.normal(size=(n, p))
    if kind == "binary":
        y = rng.integers(0, 2, size=n).astype(float)
    else:
        y = rng.integers(1, 8, size=n).astype(float)
    w = rng.uniform(0.2, 2.0, size=n)
    offset = rng.normal(scale=0.1, size=(n, 1))
    objective = _linear_model(backend, loss, X, y, w, offset, fit_intercept, 0.3)
    params = rng.normal(scale=0.3, size=(1, objective.n_params))
    point = objective.point(params, 2)
    h = 1e-6
    eye = np.eye(objective.n_params)
    numeric_gradient = [
        (objective.value(params[0] + h * e) - objective.value(params[0] - h * e))
        / (2 * h)
        for e in eye
    ]
    numeric_hessian = [
        (
            objective.point(params + h * e, 1).gradient[0]
            - objective.point(params - h * e, 1).gradient[0]
        )
        / (2 * h)
        for e in eye
    ]
    assert_allclose(point.gradient[0], numeric_gradient, rtol=1e-6, atol=1e-8)
    assert_allclose(point.hessian[0], np.array(numeric_hessian), rtol=1e-6, atol=1e-8)
    assert_allclose(point.hessian[0], point.hessian[0].T, rtol=0, atol=0)


def test_linear_model_loss_backends_agree_on_many_chunks(rng):
    """Check that sums over dask row chunks equal the one-block sums."""
    n = 95
    X = rng.normal(size=(n, 2))
    y = rng.integers(1, 6, size=n).astype(float)
    w = rng.uniform(size=n)
    loss = ZeroTruncatedNegativeBinomialLoss()
    params = np.array([[0.2, -0.1, 0.5, 0.3]])
    memory = _linear_model("memory", loss, X, y, w, None, True, 0.0).point(params, 2)
    chunked = _linear_model("dask", loss, X, y, w, None, True, 0.0).point(params, 2)
    assert_allclose(chunked.value, memory.value, rtol=1e-12)
    assert_allclose(chunked.gradient, memory.gradient, rtol=1e-11)
    assert_allclose(chunked.hessian, memory.hessian, rtol=1e-11)


# ---------------------------------------------------------------------------
# PerLabelScaleLoss and OnlineBatchLoss
# ---------------------------------------------------------------------------


def test_dense_objectives_partial_step_merged_equals_the_full_step(rng):
    """Check the partial step and merge of an objective with dense Hessians."""
    n, k = 50, 3
    logits = rng.standard_normal((n, k))
    Y = (rng.random((n, k)) < 0.5).astype(float)
    objective = PerLabelScaleLoss(logits, Y, np.full(n, 1 / n))
    point = objective.point(np.ones((k, 1)), 2)
    direction = rng.standard_normal((k, 1))
    steps = np.array([1.0, 0.5, 0.125])
    redo = steps != 1.0
    restricted, restricted_point = objective.restrict(point, redo)
    part = restricted.step(
        restricted_point, objective.restrict_line(direction, redo), steps[redo], 2
    )
    merged = objective.merge(
        objective.step(point, direction, np.ones(k), 2), part, redo
    )
    expected = objective.step(point, direction, steps, 2)
    assert_allclose(merged.coef, expected.coef)
    assert_allclose(merged.value, expected.value, rtol=1e-14)
    assert_allclose(merged.gradient, expected.gradient, rtol=1e-14)
    assert_allclose(merged.hessian, expected.hessian, rtol=1e-14)


def test_per_label_scale_loss_is_the_bce_of_scaled_logits(rng):
    """Check the temperature objective and its derivatives in the scale beta."""
    logits = rng.normal(scale=3, size=(40, 3))
    Y = (rng.uniform(size=(40, 3)) < 0.5).astype(float)
    w = np.full(40, 1 / 40)
    objective = PerLabelScaleLoss(logits, Y, w)
    beta = np.array([[0.5], [1.0], [2.0]])
    point = objective.point(beta, 2)
    for k in range(3):
        expected = binary_cross_entropy(Y[:, k], beta[k, 0] * logits[:, k])
        assert point.value[k] == pytest.approx(expected, rel=1e-12)
    h = 1e-6
    numeric = (
        objective.point(beta + h, 1).value - objective.point(beta - h, 1).value
    ) / (2 * h)
    assert_allclose(point.gradient[:, 0], numeric, rtol=1e-6)
    numeric = (
        objective.point(beta + h, 1).gradient - objective.point(beta - h, 1).gradient
    )[:, 0] / (2 * h)
    assert_allclose(point.hessian[:, 0, 0], numeric, rtol=1e-5)


@pytest.mark.parametrize("full", [True, False])
def test_online_batch_loss_adds_the_quadratic_summary_of_the_past(rng, full):
    """Check the partial_fit model: batch BCE sums plus (w - m)' A (w - m) / 2,
    its gradient by differences and its Hessian A + the batch Hessian."""
    X, Y, sw, pw, _, coef = _problem(rng, n=20, d=3, L=2)
    sw = sw * 20  # raw weights
    centre = rng.normal(size=coef.shape)
    p = coef.shape[1]
    if full:
        root = rng.normal(size=(2, p, p))
        curvature = np.einsum("kij,klj->kil", root, root) + np.eye(p)
    else:
        curvature = rng.uniform(0.5, 2.0, size=(2, p))
    objective = OnlineBatchLoss(X, Y, sw, pw, True, centre, curvature)
    point = objective.point(coef, 2)
    zeros = np.zeros(2)
    delta = coef - centre
    quadratic = (
        np.einsum("ki,kij,kj->k", delta, curvature, delta)
        if full
        else np.einsum("ki,ki,ki->k", delta, curvature, delta)
    )
    expected = _reference_value(X, Y, sw, pw, zeros, coef, True) + 0.5 * quadratic
    assert_allclose(point.value, expected, rtol=1e-12)
    for k in range(2):

        def value(w, k=k):
            changed = coef.copy()
            changed[k] = w
            return objective.point(changed, 2).value[k]

        assert_allclose(
            point.gradient[k], approx_fprime(coef[k].copy(), value, 1e-7), rtol=1e-5
        )
    X1 = np.hstack([X, np.ones((20, 1))])
    raw = X1 @ coef.T
    _, _, h = BinaryLoss(pos_weight=pw).loss_gradient_hessian(Y, raw)
    batch = np.einsum("i,ik,ij,il->kjl", sw, h, X1, X1)
    if not full:
        batch = np.einsum("kjj->kj", batch)
    assert_allclose(point.hessian, curvature + batch, rtol=1e-12)
