"""Tests of the Newton driver and its inner solves against exact answers."""

import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy import sparse
from sklearn.linear_model import LogisticRegression

from skbce._loss.loss import BinaryLoss
from skbce.linear_model._linear_loss import LinearModelLoss, MultiLabelLinearLoss
from skbce.linear_model._newton_solver import (
    CGSolution,
    LBFGSSolver,
    NewtonCGSolver,
    NewtonCholeskySolver,
    Point,
    newton_direction,
)
from skbce.linear_model._row_passes import InMemoryRowPass


class Quadratics:
    """k independent quadratics f_k(x) = x'A_k x / 2 - b_k'x, with the solver
    protocol (dense Hessians and Hessian-vector products)."""

    def __init__(self, A, b):
        self.A, self.b = A, b

    def value(self, coef):
        return 0.5 * np.einsum("ki,kij,kj->k", coef, self.A, coef) - np.einsum(
            "ki,ki->k", self.b, coef
        )

    def point(self, coef, order):
        gradient = np.einsum("kij,kj->ki", self.A, coef) - self.b
        return Point(coef, self.value(coef), gradient, self.A.copy())

    def line(self, point, direction):
        return direction

    def line_values(self, point, line, steps):
        return self.value(point.coef + steps[:, None] * line)

    def step(self, point, line, steps, order):
        return self.point(point.coef + steps[:, None] * line, order)

    def restrict_line(self, line, keep):
        return line[keep]

    def merge(self, point, part, problems):
        return point.put(problems, part)

    def hessian_product(self, point, V, problems):
        return np.einsum("kij,kj->ki", self.A[problems], V)

    def restrict(self, point, keep):
        restricted = Quadratics(self.A[keep], self.b[keep])
        return restricted, None if point is None else point.take(keep)


def _quadratics(rng, k=4, p=6, condition=100.0):
    Q = np.linalg.qr(rng.normal(size=(k, p, p)))[0]
    eigenvalues = np.geomspace(1, condition, p)
    A = np.einsum("kij,j,klj->kil", Q, eigenvalues, Q)
    b = rng.normal(size=(k, p))
    return Quadratics(A, b), np.linalg.solve(A, b[..., None])[..., 0]


# ---------------------------------------------------------------------------
# Inner solves
# ---------------------------------------------------------------------------


def test_newton_direction_solves_positive_definite_systems(rng):
    """Check -H^{-1} g on an SPD system, invariant to the scale of parameters."""
    root = rng.normal(size=(5, 5))
    H = root @ root.T + np.eye(5)
    g = rng.normal(size=5)
    assert_allclose(newton_direction(H, g), -np.linalg.solve(H, g), rtol=1e-10)
    scale = np.array([1e-30, 1.0, 1e20, 1e-5, 3.0])
    scaled = newton_direction(H / np.outer(scale, scale), g / scale)
    assert_allclose(scaled, -np.linalg.solve(H, g) * scale, rtol=1e-8)


def test_newton_direction_of_an_indefinite_hessian_is_a_descent_direction(rng):
    """Check that a ridge is added until the factorisation exists."""
    H = np.diag([2.0, -1.0, 0.5])
    g = np.array([1.0, 1.0, -1.0])
    assert newton_direction(H, g) @ g < 0


def test_cholesky_solver_solves_quadratics_in_one_step(rng):
    """Check that exact Newton lands on each quadratic's minimiser at once."""
    objective, solution = _quadratics(rng)
    result = NewtonCholeskySolver(tol=1e-10, max_iter=5).solve(
        objective, np.zeros_like(solution)
    )
    assert_allclose(result.coef, solution, rtol=1e-9)
    assert (result.n_iter == 1).all() and result.converged.all()
    assert_allclose(result.value, objective.value(solution), rtol=1e-12)


def test_cg_inner_solve_is_the_newton_step_inside_a_large_region(rng):
    """Check that CG with an unlimited region and a tight tolerance gives
    -H^{-1} g, and that the model decrease it reports is -(g's + s'Hs / 2)."""
    objective, _ = _quadratics(rng, condition=50.0)
    solver = NewtonCGSolver(tol=0.0, max_iter=1, cg_tol=1e-12)
    point = solver.setup(objective, rng.normal(size=(4, 6)))
    solver._radius = np.full(4, np.inf)
    step = solver.inner_solve(objective, point)
    exact = -np.linalg.solve(objective.A, point.gradient[..., None])[..., 0]
    assert_allclose(step, exact, rtol=1e-8)
    model = np.einsum("ki,ki->k", point.gradient, step) + 0.5 * np.einsum(
        "ki,kij,kj->k", step, objective.A, step
    )
    assert_allclose(solver._solution.model_decrease, -model, rtol=1e-8)


def test_cg_inner_solve_stops_on_the_trust_region_boundary(rng):
    """Check Steihaug's rule: a step reaching the radius lies on the boundary and
    still decreases the model (as much as the Cauchy step at least)."""
    objective, _ = _quadratics(rng, condition=1e3)
    solver = NewtonCGSolver(tol=0.0, max_iter=1, cg_tol=1e-12)
    point = solver.setup(objective, rng.normal(size=(4, 6)) * 10)
    radius = np.array([1e-3, 1e-2, 1e-1, 1.0])
    solver._radius = radius.copy()
    step = solver.inner_solve(objective, point)
    g, A = point.gradient, objective.A
    model = np.einsum("ki,ki->k", g, step) + 0.5 * np.einsum(
        "ki,kij,kj->k", step, A, step
    )
    assert_allclose(np.linalg.norm(step, axis=1), radius, rtol=1e-10)
    cauchy = -g * (radius / np.linalg.norm(g, axis=1))[:, None]
    cauchy_model = np.einsum("ki,ki->k", g, cauchy) + 0.5 * np.einsum(
        "ki,kij,kj->k", cauchy, A, cauchy
    )
    assert (model <= cauchy_model + 1e-12).all()
    assert_allclose(solver._solution.model_decrease, -model, rtol=1e-8)


def test_cg_solver_stops_on_the_gradient_and_the_newton_decrement(rng):
    """Check scikit-learn's stopping rule for Newton solvers, max |g| <= tol and
    g'H^{-1}g / 2 <= tol: a problem on a flat valley whose gradient is already
    below tol but whose value is far above its minimum takes steps until its
    decrement is small, while one whose decrement is small stops at once."""
    tol = 1e-4
    Q = np.linalg.qr(rng.normal(size=(3, 5, 5)))[0]
    eigenvalues = np.geomspace(1e-6, 1.0, 5)
    A = np.einsum("kij,j,klj->kil", Q, eigenvalues, Q)
    b = rng.normal(size=(3, 5))
    objective = Quadratics(A, b)
    solution = np.linalg.solve(A, b[..., None])[..., 0]
    flat = Q[:, :, 0]  # each problem's direction of curvature 1e-6
    start = solution + np.array([[50.0], [1e-3], [0.0]]) * flat
    start[2] += 10 * rng.normal(size=5)  # far away: a normal solve
    gradient = objective.point(start, 2).gradient
    decrement = 0.5 * np.einsum("ki,kij,kj->k", gradient, np.linalg.inv(A), gradient)
    assert (np.abs(gradient[:2]).max(axis=1) <= tol).all()  # the gradient says stop
    assert decrement[0] > 10 * tol and decrement[1] < tol  # the decrement does not

    result = NewtonCGSolver(tol=tol, max_iter=50).solve(objective, start)
    assert result.converged.all()
    assert result.n_iter[0] >= 1 and result.n_iter[1] == 0
    gap = objective.value(result.coef) - objective.value(solution)
    assert (gap <= tol).all()
    assert gap[0] < decrement[0] / 10
    # Without the decrement test the gradient alone stops the flat problem.
    alone = NewtonCGSolver(tol=tol, max_iter=50, check_decrement=False)
    assert alone.solve(objective, start).n_iter[0] == 0


def test_cg_solver_started_at_a_zero_gradient_stops_at_once(rng):
    """Check that a problem whose gradient is exactly zero (a start at its
    optimum, e.g. an intercept-only label of a zero feature) gets the zero step
    from CG's decrement test, without a NaN or a warning, and keeps its point."""
    objective = Quadratics(np.stack([np.diag([1.0, 0.0]), np.eye(2)]), np.zeros((2, 2)))
    start = np.array([[0.0, 0.0], [1.0, -1.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = NewtonCGSolver(tol=1e-8, max_iter=10).solve(objective, start)
    assert result.converged.all()
    assert result.n_iter[0] == 0 and result.n_iter[1] >= 1
    assert_allclose(result.coef, 0.0, atol=1e-12)


def test_lbfgs_two_loop_recursion_equals_the_bfgs_inverse_update(rng):
    """Check the direction against the explicit BFGS update of the scaled
    identity with the stored pairs, oldest first."""
    objective, _ = _quadratics(rng, k=2, p=5)
    solver = LBFGSSolver(tol=0.0, max_iter=1, memory=3)
    point = solver.setup(objective, rng.normal(size=(2, 5)))
    previous = point
    pairs = []
    for _ in range(3):
        direction = -previous.gradient * 0.05
        current = objective.point(previous.coef + direction, 1)
        solver.update(objective, previous, current, direction)
        pairs.append(
            (current.coef - previous.coef, current.gradient - previous.gradient)
        )
        previous = current
    direction = solver.inner_solve(objective, previous)
    for k in range(2):
        s_last, y_last = pairs[-1][0][k], pairs[-1][1][k]
        H = np.eye(5) * (s_last @ y_last) / (y_last @ y_last)
        for s, y in ((s[k], y[k]) for s, y in pairs):
            rho = 1 / (y @ s)
            V = np.eye(5) - rho * np.outer(y, s)
            H = V.T @ H @ V + rho * np.outer(s, s)
        assert_allclose(direction[k], -H @ previous.gradient[k], rtol=1e-10)


# ---------------------------------------------------------------------------
# Line search and driver
# ---------------------------------------------------------------------------


def test_line_search_accepts_only_armijo_steps(rng):
    """Check that every accepted step satisfies Armijo's condition and that a
    direction of ascent makes the search fail and keep the point."""
    objective, solution = _quadratics(rng)
    solver = NewtonCholeskySolver(tol=0.0, max_iter=1)
    point = solver.setup(objective, solution + rng.normal(size=solution.shape))
    newton = solver.inner_solve(objective, point)
    direction = np.vstack([4 * newton[:2], -newton[2:]])  # overshoot, ascent
    new, succeeded = solver.line_search(objective, point, direction)
    assert succeeded.tolist() == [True, True, False, False]
    steps = (new.coef - point.coef)[:2] / direction[:2]
    slope = np.einsum("ki,ki->k", point.gradient, direction)[:2]
    assert_allclose(steps, steps[:, :1] * np.ones_like(steps))
    assert (new.value[:2] <= point.value[:2] + 1e-4 * steps[:, 0] * slope).all()
    assert_allclose(new.coef[2:], point.coef[2:])


def test_trust_region_shortens_a_refused_step_along_its_direction(rng):
    """Check that a step the trust-region test refuses is not thrown away: it
    is shortened from the minimiser of the quadratic through f(0), f'(0) and
    f(1) (exact on a quadratic) to a step satisfying Armijo's condition, and
    the region shrinks to the shortened step, while a step the model predicted
    well is taken whole."""
    objective, solution = _quadratics(rng)
    solver = NewtonCGSolver(tol=0.0, max_iter=1)
    point = solver.setup(objective, solution + rng.normal(size=solution.shape))
    newton = solution - point.coef
    direction = np.vstack([newton[:2], 8 * newton[2:]])  # exact, overshooting
    model = np.einsum("ki,ki->k", point.gradient, direction) + 0.5 * np.einsum(
        "ki,kij,kj->k", direction, objective.A, direction
    )
    solver._solution = CGSolution(  # the overshoot "predicted" a decrease
        direction,
        np.abs(model),
        np.linalg.norm(direction, axis=1),
        np.ones(len(direction), dtype=bool),
    )
    solver._radius = solver._solution.step_norm.copy()
    new, succeeded = solver.line_search(objective, point, direction)
    assert succeeded.all()
    assert_allclose(new.coef, solution, rtol=1e-10, atol=1e-12)
    norm = solver._solution.step_norm
    assert_allclose(solver._radius[2:], norm[2:] / 8, rtol=1e-10)
    assert (solver._radius[:2] >= 2 * norm[:2]).all()


@pytest.mark.parametrize("solver_class", [NewtonCGSolver, LBFGSSolver])
def test_hessian_free_solvers_reach_logistic_regression(rng, solver_class):
    """Check both multi-label solvers against LogisticRegression per label
    (a known-answer fixture: each label's optimum)."""
    n, d, L = 300, 8, 5
    X = rng.normal(size=(n, d))
    W = rng.normal(size=(L, d))
    Y = (rng.uniform(size=(n, L)) < 1 / (1 + np.exp(-X @ W.T))).astype(float)
    C = 0.7
    objective = MultiLabelLinearLoss.in_memory(
        X, Y, np.full(n, 1 / n), np.full(L, 1 / (C * n)), None, True
    )
    result = solver_class(tol=1e-10, max_iter=500).solve(
        objective, np.zeros((L, d + 1))
    )
    assert result.converged.all()
    for k in range(L):
        lr = LogisticRegression(C=C, tol=1e-12, max_iter=10_000).fit(X, Y[:, k])
        assert_allclose(result.coef[k, :d], lr.coef_[0], rtol=1e-6, atol=1e-8)
        assert_allclose(result.coef[k, d], lr.intercept_[0], rtol=1e-6, atol=1e-8)


def test_solvers_solve_each_problem_as_if_alone(rng):
    """Check that a problem's solution, iterations and convergence do not depend
    on the other problems solved with it (they are independent)."""
    n, d, L = 200, 6, 4
    X = sparse.random(n, d, density=0.5, random_state=0, format="csr")
    Y = (rng.uniform(size=(n, L)) < 0.3).astype(float)
    sw = np.full(n, 1 / n)
    l2 = np.full(L, 1 / n)
    together = NewtonCGSolver(tol=1e-8, max_iter=100).solve(
        MultiLabelLinearLoss.in_memory(X, Y, sw, l2, None, True), np.zeros((L, d + 1))
    )
    for k in range(L):
        alone = NewtonCGSolver(tol=1e-8, max_iter=100).solve(
            MultiLabelLinearLoss.in_memory(X, Y[:, [k]], sw, l2[[k]], None, True),
            np.zeros((1, d + 1)),
        )
        assert_allclose(together.coef[k], alone.coef[0], rtol=1e-12, atol=1e-15)
        assert together.n_iter[k] == alone.n_iter[0]


def test_driver_stops_at_max_iter_without_convergence(rng):
    """Check that a problem still far from its optimum at max_iter is reported
    as not converged with max_iter iterations."""
    n, d = 100, 4
    X = rng.normal(size=(n, d))
    y = (X[:, 0] > 0).astype(float)  # separable: the optimum is far (alpha small)
    objective = LinearModelLoss(
        InMemoryRowPass({"X": X, "y": y, "w": np.ones(n), "offset": None}),
        BinaryLoss(),
        [(None, True)],
        d,
        1e-8,
    )
    result = NewtonCholeskySolver(tol=1e-12, max_iter=2).solve(
        objective, np.zeros((1, d + 1))
    )
    assert not result.converged[0] and result.n_iter[0] == 2
