"""Tests of the multi-label linear loss and its data-pass layer."""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from scipy import sparse
from scipy.optimize import approx_fprime
from scipy.special import expit

from skbce.linear_model._linear_loss import InMemoryRowPass, MultiLabelLinearLoss
from skbce.losses import binary_cross_entropy


def _problem(rng, sparse_X=False, fit_intercept=True, pos_weight=True, n=60, d=5, L=4):
    X = rng.standard_normal((n, d))
    if sparse_X:
        X = sparse.csr_matrix(X * (rng.random((n, d)) < 0.4))
    Y = (rng.random((n, L)) < 0.4).astype(float) * 0.9 + 0.05  # smoothed targets
    sw = rng.uniform(0.2, 2.0, n)
    pw = rng.uniform(0.5, 3.0, L) if pos_weight else None
    l2 = rng.uniform(0.1, 1.0, L)
    coef = rng.standard_normal((L, d + fit_intercept))
    return X, Y, sw / sw.sum(), pw, l2, coef


# Label subsets: all; more than half, unordered (the passes compute every label);
# at most half (the passes gather the columns). ``positions`` pick among them.
SUBSETS = [([0, 1, 2, 3], [0, 1, 2, 3]), ([3, 0, 2], [0, 2]), ([3, 1], [1])]


def _loss(X, Y, sw, pw, l2, fit_intercept, **options):
    data = InMemoryRowPass(X, Y, sw, pw, fit_intercept, **options)
    return MultiLabelLinearLoss(data, l2, fit_intercept)


@pytest.mark.parametrize("sparse_X", [False, True])
@pytest.mark.parametrize("fit_intercept", [False, True])
def test_linear_loss_value_matches_losses_module(rng, sparse_X, fit_intercept):
    """Check that the objective is skbce.losses' weighted BCE plus the L2 term."""
    X, Y, sw, pw, l2, coef = _problem(rng, sparse_X, fit_intercept)
    objective = _loss(X, Y, sw, pw, l2, fit_intercept)
    objective.set_coef(coef)
    d = X.shape[1]
    raw = np.asarray(X @ coef[:, :d].T) + (coef[:, d] if fit_intercept else 0)
    for k in range(Y.shape[1]):
        expected = binary_cross_entropy(
            Y[:, k], raw[:, k], sample_weight=sw, pos_weight=pw[k], reduction="sum"
        ) + 0.5 * l2[k] * np.sum(coef[k, :d] ** 2)
        assert objective.value(np.array([k]))[0] == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("sparse_X", [False, True])
@pytest.mark.parametrize("fit_intercept", [False, True])
def test_linear_loss_gradient_matches_finite_differences(rng, sparse_X, fit_intercept):
    """Check that each label's gradient is the derivative of its objective."""
    X, Y, sw, pw, l2, coef = _problem(rng, sparse_X, fit_intercept)
    objective = _loss(X, Y, sw, pw, l2, fit_intercept)
    labels = np.arange(Y.shape[1])
    objective.set_coef(coef)
    gradient = objective.value_gradient(labels)[1]
    for k in labels:

        def f(w, k=k):
            objective.set_coef(w[None], np.array([k]))
            return objective.value(np.array([k]))[0]

        numeric = approx_fprime(coef[k].copy(), f, 1e-7)
        objective.set_coef(coef)
        assert_allclose(gradient[k], numeric, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("sparse_X", [False, True])
@pytest.mark.parametrize("labels", [subset[0] for subset in SUBSETS])
def test_linear_loss_one_pass_value_and_hessian_moments(rng, sparse_X, labels):
    """Check that the value from the gradient pass equals the loss-only pass, and
    that the Hessian moments are the Hessian on the span of coef and intercept."""
    X, Y, sw, pw, l2, coef = _problem(rng, sparse_X)
    objective = _loss(X, Y, sw, pw, l2, True)
    labels = np.array(labels)
    objective.set_coef(coef)
    value, _ = objective.value_gradient(labels)
    assert_allclose(value, objective.value(labels), rtol=1e-12)
    dense = X.toarray() if sparse.issparse(X) else X
    X1 = np.hstack([dense, np.ones((X.shape[0], 1))])
    for k, moments in zip(labels, objective.hessian_moments):
        raw = X1 @ coef[k]
        p = expit(raw)
        c = pw[k] * Y[:, k] + 1 - Y[:, k]
        hessian = (X1.T * (sw * c * p * (1 - p))) @ X1
        S = np.column_stack([coef[k], np.eye(X1.shape[1])[-1]])
        expected = S.T @ hessian @ S
        assert_allclose(
            [[moments[2], moments[1]], [moments[1], moments[0]]], expected, rtol=1e-10
        )


@pytest.mark.parametrize("sparse_X", [False, True])
@pytest.mark.parametrize("labels, positions", SUBSETS)
def test_linear_loss_hessian_product_matches_finite_differences(
    rng, sparse_X, labels, positions
):
    """Check that the shared Hessian-vector products are derivatives of gradients."""
    X, Y, sw, pw, l2, coef = _problem(rng, sparse_X)
    objective = _loss(X, Y, sw, pw, l2, True)
    labels, positions = np.array(labels), np.array(positions)
    V = rng.standard_normal((positions.size, coef.shape[1]))
    objective.set_coef(coef)
    objective.value_gradient(labels)
    product = objective.hessian_product(V, positions, labels[positions])
    eps = 1e-6
    moved = coef.copy()
    moved[labels[positions]] += eps * V
    objective.set_coef(moved)
    plus = objective.value_gradient(labels[positions])[1]
    moved[labels[positions]] -= 2 * eps * V
    objective.set_coef(moved)
    minus = objective.value_gradient(labels[positions])[1]
    assert_allclose(product, (plus - minus) / (2 * eps), rtol=1e-6, atol=1e-8)


def test_linear_loss_line_search_values_match_recomputed_logits(rng):
    """Check that trial values from cached direction logits equal a fresh pass."""
    X, Y, sw, pw, l2, coef = _problem(rng)
    objective = _loss(X, Y, sw, pw, l2, True)
    reference = _loss(X, Y, sw, pw, l2, True)
    labels = np.array([0, 2, 3])
    V = rng.standard_normal((3, coef.shape[1]))
    step = np.array([1.0, 0.25, 0.5])
    objective.set_coef(coef)
    objective.set_direction(V, labels)
    trial = objective.trial_value(step, np.arange(3))
    moved = coef.copy()
    moved[labels] += step[:, None] * V
    reference.set_coef(moved)
    assert_allclose(trial, reference.value(labels), rtol=1e-12)
    objective.move(step, np.arange(3))
    assert_allclose(objective.data.raw, reference.data.raw, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("sparse_X", [False, True])
@pytest.mark.parametrize("labels", [subset[0] for subset in SUBSETS[1:]])
def test_linear_loss_full_step_then_backtrack_matches_fresh_passes(
    rng, sparse_X, labels
):
    """Check that the one-pass full step gives the value and gradient at coef + V,
    and that backtracking from it (step t - 1) lands on coef + t V."""
    X, Y, sw, pw, l2, coef = _problem(rng, sparse_X)
    objective = _loss(X, Y, sw, pw, l2, True, block_bytes=1, n_threads=2)
    reference = _loss(X, Y, sw, pw, l2, True)
    labels = np.array(labels)
    V = rng.standard_normal((labels.size, coef.shape[1]))
    objective.set_coef(coef)
    value, gradient = objective.full_step(V, labels)
    moved = coef.copy()
    moved[labels] += V
    reference.set_coef(moved)
    expected_value, expected_gradient = reference.value_gradient(labels)
    assert_allclose(value, expected_value, rtol=1e-12)
    assert_allclose(gradient, expected_gradient, rtol=1e-10, atol=1e-14)
    step = np.linspace(0.25, 0.75, labels.size)
    trial = objective.trial_value(step - 1, np.arange(labels.size))
    objective.move(step - 1, np.arange(labels.size))
    moved[labels] = coef[labels] + step[:, None] * V
    reference.set_coef(moved)
    assert_allclose(trial, reference.value(labels), rtol=1e-12)
    assert_allclose(objective.coef, moved, rtol=1e-12)
    assert_allclose(objective.data.raw, reference.data.raw, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("sparse_X", [False, True])
def test_row_pass_equal_weights_scale_the_reductions(rng, sparse_X):
    """Check that equal sample weights (folded into the reductions, unscaled
    Hessian weights) give the passes of explicit per-row weights."""
    X, Y, _, pw, l2, coef = _problem(rng, sparse_X)
    sw = np.full(X.shape[0], 1 / X.shape[0])
    folded = _loss(X, Y, sw, pw, l2, True)
    explicit = _loss(X, Y, sw, pw, l2, True)
    assert folded.data._common_weight == sw[0]
    explicit.data._common_weight = None
    labels = np.array([0, 3, 2])
    V = rng.standard_normal((3, coef.shape[1]))
    for objective in (folded, explicit):
        objective.set_coef(coef)
    for a, b in zip(folded.value_gradient(labels), explicit.value_gradient(labels)):
        assert_allclose(a, b, rtol=1e-12, atol=1e-15)
    assert_allclose(folded.hessian_moments, explicit.hessian_moments, rtol=1e-12)
    assert_allclose(
        folded.hessian_product(V, np.arange(3), labels),
        explicit.hessian_product(V, np.arange(3), labels),
        rtol=1e-12,
    )
    for objective in (folded, explicit):
        objective.set_direction(V, labels)
    step = np.array([1.0, 0.5, 0.25])
    assert_allclose(
        folded.trial_value(step, np.arange(3)),
        explicit.trial_value(step, np.arange(3)),
        rtol=1e-12,
    )


@pytest.mark.parametrize("sparse_X", [False, True])
def test_row_pass_blocks_add_up_to_one_pass(rng, sparse_X):
    """Check that reductions over many row blocks (threaded for sparse data)
    equal those of a single block."""
    X, Y, sw, pw, l2, coef = _problem(rng, sparse_X, n=1000)
    one = _loss(X, Y, sw, pw, l2, True, n_threads=1)
    many = _loss(X, Y, sw, pw, l2, True, block_bytes=1, n_threads=3)
    assert len(many.data.blocks) > 1
    labels = np.arange(Y.shape[1])
    V = rng.standard_normal(coef.shape)
    for objective in (one, many):
        objective.set_coef(coef)
    assert_allclose(many.value(labels), one.value(labels), rtol=1e-12)
    assert_allclose(
        many.value_gradient(labels)[1], one.value_gradient(labels)[1], rtol=1e-12
    )
    assert_allclose(
        many.hessian_product(V, labels, labels),
        one.hessian_product(V, labels, labels),
        rtol=1e-12,
    )
    assert_allclose(many.data.gram(), one.data.gram(), rtol=1e-12)
    assert_allclose(
        many.data.column_squared_norms(), one.data.column_squared_norms(), rtol=1e-12
    )
    assert_allclose(np.diag(one.data.gram()), one.data.column_squared_norms())
    direction = rng.standard_normal(coef.shape)
    for objective in (one, many):
        objective.set_direction(direction, labels)
        objective.move(np.full(labels.size, 0.5), np.arange(labels.size))
    assert_allclose(many.data.raw, one.data.raw, rtol=1e-12)


def test_row_pass_float32_hessian_products_are_close(rng):
    """Check that float32 Hessian products of float64 data (the CG fast path)
    agree with float64 ones to float32 accuracy, and gradients stay float64."""
    X, Y, sw, pw, l2, coef = _problem(rng, n=500)
    exact = _loss(X, Y, sw, pw, l2, True)
    mixed = MultiLabelLinearLoss(
        InMemoryRowPass(X, Y, sw, pw, True, hessian_dtype=np.float32), l2, True
    )
    labels = np.arange(Y.shape[1])
    V = rng.standard_normal(coef.shape)
    for objective in (exact, mixed):
        objective.set_coef(coef)
    assert_array_equal(mixed.value_gradient(labels)[1], exact.value_gradient(labels)[1])
    assert_allclose(
        mixed.hessian_product(V, labels, labels),
        exact.hessian_product(V, labels, labels),
        rtol=1e-5,
        atol=1e-6,
    )
