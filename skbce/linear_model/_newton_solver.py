"""One Newton driver for every linear model of skbce, with its inner solves.

The driver minimises ``k`` independent smooth convex problems at once: the labels
of a multi-label model, the temperatures of the labels of a calibrated
classifier, or a single problem (a part of a hurdle model). Parameters are an
array ``coef`` of shape ``(k, p)``; each problem keeps its own step, line search,
convergence test and iteration count, and leaves the computation when it has
converged. It sees its problems only through an *objective* (see
:mod:`skbce.linear_model._linear_loss`), stateless, with the methods

- ``point(coef, order)``: a :class:`Point` (values ``(k,)``, gradients
  ``(k, p)`` and, for ``order=2``, the Hessians: dense ``(k, p, p)`` or an
  operator for :meth:`hessian_product`), plus the per-row state the objective
  reuses (e.g. logits);
- ``line(point, direction)``: what a line search along ``direction`` reuses
  (e.g. the logits of the direction);
- ``line_values(point, line, steps)``: the values at ``coef + steps * direction``;
- ``step(point, line, steps, order)``: the :class:`Point` there;
- ``hessian_product(point, V)`` (Hessian-free objectives);
- ``restrict(point, keep)``: the objective and the point of the problems
  ``keep`` (a boolean mask) only; ``restrict_line(line, keep)``: their line;
- ``merge(point, part, problems)``: ``point`` with the problems ``problems``
  (a boolean mask) taken from ``part``, a point of those problems only.

:class:`NewtonSolver` is scikit-learn's ``NewtonSolver`` generalised to batches
of problems: :meth:`~NewtonSolver.solve` runs :meth:`~NewtonSolver.setup`, then
per iteration :meth:`~NewtonSolver.check_convergence`,
:meth:`~NewtonSolver.inner_solve` (the search direction),
:meth:`~NewtonSolver.line_search` and :meth:`~NewtonSolver.update`, and finally
:meth:`~NewtonSolver.fallback` for the problems whose line search failed. The
inner solve is what tells the methods apart:

- :class:`NewtonCholeskySolver`: exact Newton steps from a Cholesky factorisation
  of dense Hessians (small ``p``: the parts of a hurdle model, temperatures, the
  online step of ``partial_fit``); stops on the Newton decrement.
- :class:`NewtonCGSolver`: truncated Newton, the Newton system solved
  approximately by conjugate gradients (CG) on Hessian-vector products, all
  problems in lockstep (many labels of moderate or large ``p``).
- :class:`LBFGSSolver`: quasi-Newton, the direction from the limited-memory BFGS
  approximation of each problem's inverse Hessian (two-loop recursion).

The line search is shared: the full step first (its point, gradient included,
comes from one pass over the data), then Armijo backtracking by halving on
values only (which an objective computes from element-wise work when it keeps
the logits of the direction), and a new point at the accepted steps, computed
only for the problems whose step was shortened: the others keep the full step's
point (computing it again took 16% to 25% of an L-BFGS fit on the real sets).
"""

from dataclasses import dataclass

import numpy as np
from scipy.linalg import LinAlgError, cho_factor, cho_solve

_ARMIJO = 1e-4
_MAX_BACKTRACKS = 30
# Relative size of the smallest decrease of an objective (a mean loss) that is
# told apart from rounding: about 1e4 times float64's epsilon.
_RESOLUTION = 1e-10
# Relative rounding of a float64 objective summed over many rows.
_ROUNDING = 64 * np.finfo(np.float64).eps


@dataclass
class Point:
    """The state of the problems at ``coef`` (k, p).

    ``value`` (k,) and ``gradient`` (k, p); ``hessian``: dense Hessians
    (k, p, p), or None for Hessian-free objectives and first-order points;
    ``state``: what the objective keeps per point (e.g. logits), opaque to the
    solvers.
    """

    coef: np.ndarray
    value: np.ndarray
    gradient: np.ndarray
    hessian: np.ndarray = None
    state: object = None

    def take(self, keep, state=None):
        """The point of the problems ``keep`` (a mask or indices), with
        ``state`` (the objective restricts its own)."""
        return Point(
            self.coef[keep],
            self.value[keep],
            self.gradient[keep],
            None if self.hessian is None else self.hessian[keep],
            state,
        )

    def put(self, problems, part, state=None):
        """This point with the problems ``problems`` (a mask or indices) taken
        from ``part``, a point of those problems only, and ``state`` (the
        objective merges its own)."""
        return Point(
            replaced(self.coef, problems, part.coef),
            replaced(self.value, problems, part.value),
            replaced(self.gradient, problems, part.gradient),
            replaced(self.hessian, problems, part.hessian),
            state,
        )


def replaced(array, problems, values):
    """A copy of ``array`` (None: None) with its rows ``problems`` set to
    ``values``."""
    if array is None:
        return None
    array = array.copy()
    array[problems] = values
    return array


@dataclass
class SolverResult:
    """Solution ``coef`` (k, p), iterations ``n_iter`` (k,), ``converged`` (k,),
    the objective ``value`` (k,) there and, for solvers that computed them, the
    Hessians at the solution."""

    coef: np.ndarray
    n_iter: np.ndarray
    converged: np.ndarray
    value: np.ndarray = None
    hessian: np.ndarray = None


@dataclass
class CGSolution:
    """CG's step (k, p) per problem, the decrease its quadratic model predicts
    there (k,), the step's length in the preconditioner's norm (k,) and whether
    it is an approximate Newton step (k,): CG stopped by its residual rule
    inside the trust region."""

    step: np.ndarray
    model_decrease: np.ndarray
    step_norm: np.ndarray
    newton_step: np.ndarray

    def take(self, keep):
        """The solution of the problems ``keep`` only."""
        return CGSolution(
            self.step[keep],
            self.model_decrease[keep],
            self.step_norm[keep],
            self.newton_step[keep],
        )


class NewtonSolver:
    """Damped (quasi-)Newton iterations for ``k`` independent problems.

    Subclasses implement :meth:`inner_solve` (and may override the other named
    steps); see the module docstring.

    Parameters
    ----------
    tol : float
        Convergence tolerance, as :meth:`check_convergence` defines it.
    max_iter : int
        Maximum number of iterations per problem.
    rounding : float, default=64 * float64 epsilon
        Relative size of the rounding error of the objective's values: a trial
        whose value exceeds the start by less is not a failure of the line search.
    verbose : int, default=0
    """

    order = 1  # derivatives the points carry (2: Hessians)

    def __init__(self, *, tol, max_iter, rounding=_ROUNDING, verbose=0):
        self.tol = tol
        self.max_iter = max_iter
        self.rounding = rounding
        self.verbose = verbose

    # -- the named steps ---------------------------------------------------

    def setup(self, objective, coef):
        """The starting point (and any per-problem state of the method)."""
        return objective.point(np.asarray(coef, dtype=np.float64), self.order)

    def check_convergence(self, objective, point):
        """Per problem: whether it has converged (default: max |gradient| <= tol)."""
        return np.abs(point.gradient).max(axis=1, initial=0.0) <= self.tol

    def inner_solve(self, objective, point):
        """The search direction of every problem, (k, p)."""
        raise NotImplementedError

    def line_search(self, objective, point, direction):
        """Armijo backtracking from the full step.

        Returns the new point and, per problem, whether its search succeeded
        (a problem whose search fails keeps its point). Each problem accepts a
        step ``t`` when its value decreased by ``armijo * t * slope`` (within
        the rounding of the objective), or, for the full step, when its value
        rose by less than rounding while its gradient shrank: near an optimum
        the objective changes below its own rounding, the gradient does not.
        """
        line, slope, trial, finite, gradient_shrinks = self._full_step(
            objective, point, direction
        )
        slack = self._slack(point.value)
        with np.errstate(invalid="ignore"):
            accepted = finite & (
                (trial.value <= point.value + _ARMIJO * slope + slack)
                | ((trial.value <= point.value + slack) & gradient_shrinks)
            )
        if accepted.all():
            return trial, accepted
        steps = np.where(accepted, 1.0, 0.5)
        new_point, failed = self._backtrack(
            objective, point, line, slope, steps, ~accepted, trial
        )
        return new_point, ~failed

    def _slack(self, value):
        """How much a value may rise by rounding alone."""
        return self.rounding * np.abs(value)

    def _full_step(self, objective, point, direction):
        """The line along ``direction``, the slope along it, the point of the
        full step (one pass), whether that point is finite and whether its
        largest gradient entry is below the current one, per problem."""
        slope = np.einsum("ij,ij->i", point.gradient, direction)
        line = objective.line(point, direction)
        trial = objective.step(point, line, np.ones(slope.size), self.order)
        finite = np.isfinite(trial.value) & np.isfinite(trial.gradient).all(axis=1)
        gradient_shrinks = np.abs(trial.gradient).max(axis=1, initial=0.0) < np.abs(
            point.gradient
        ).max(axis=1, initial=0.0)
        return line, slope, trial, finite, gradient_shrinks

    def _backtrack(self, objective, point, line, slope, steps, pending, trial):
        """Armijo backtracking of the problems ``pending`` (a mask), halving
        their ``steps`` (updated in place) on values only: a step ``t`` is taken
        when the value decreased by ``armijo * t * slope``, within the rounding
        of the objective. Returns the new point and the mask of the failed
        searches, whose steps are set to 0 (they keep their point).

        Only the problems ``pending`` are computed (on the objective restricted
        to them once: values, then their new point); the others took the full
        step, whose point ``trial`` they keep.
        """
        searching = np.flatnonzero(pending)
        slope = slope[searching]
        slack = self._slack(point.value[searching])
        whole = objective
        if searching.size < steps.size:
            objective, point, line = (
                *whole.restrict(point, pending),
                whole.restrict_line(line, pending),
            )
        own_steps = steps[searching]
        left = np.arange(searching.size)  # the searches not yet successful
        for _ in range(_MAX_BACKTRACKS):
            with np.errstate(over="ignore", invalid="ignore"):
                values = objective.line_values(point, line, own_steps)[left]
                ok = values <= (
                    point.value[left]
                    + _ARMIJO * own_steps[left] * slope[left]
                    + slack[left]
                )
            left = left[~ok]
            if left.size == 0:
                break
            own_steps[left] *= 0.5
        own_steps[left] = 0.0
        steps[searching] = own_steps
        failed = np.zeros(steps.size, dtype=bool)
        failed[searching[left]] = True
        new_point = objective.step(point, line, own_steps, self.order)
        if objective is not whole:
            new_point = whole.merge(trial, new_point, pending)
        return new_point, failed

    def update(self, objective, previous, point, direction):
        """After an iteration (e.g. the quasi-Newton memory); per-problem state."""

    def restrict(self, keep):
        """Keep the per-problem state of the problems ``keep`` (a boolean mask)."""

    def fallback(self, objective, point, n_iter, iterations_left):
        """Another attempt for the problems whose line search failed.

        ``point`` holds only those problems. Returns their :class:`SolverResult`
        (by default: converged if the decrease the objective could still
        resolve is below its precision, i.e. the optimum is found to rounding).
        """
        converged = self._at_resolution(objective, point)
        return SolverResult(point.coef, n_iter, converged, point.value, point.hessian)

    def _at_resolution(self, objective, point):
        """Whether the decrease a quadratic model still predicts is below the
        objective's resolution (the minimum found to the objective's precision)."""
        direction = self.inner_solve(objective, point)
        predicted = -0.5 * np.einsum("ij,ij->i", point.gradient, direction)
        return predicted <= _RESOLUTION * np.maximum(1.0, np.abs(point.value))

    # -- the driver --------------------------------------------------------

    def solve(self, objective, coef):
        """Minimise the ``k`` problems of ``objective`` from ``coef`` (k, p)."""
        point = self.setup(objective, coef)
        k = point.coef.shape[0]
        out_coef = point.coef.copy()
        out_value = point.value.copy()
        out_hessian = None if point.hessian is None else point.hessian.copy()
        n_iter = np.zeros(k, dtype=np.int32)
        converged = np.zeros(k, dtype=bool)
        failed = []  # (indices, objective, point) of the failed line searches
        active = np.arange(k)
        for iteration in range(self.max_iter + 1):
            done = self.check_convergence(objective, point)
            if self.verbose:
                print(
                    f"{type(self).__name__} iteration {iteration}: "
                    f"{int((~done).sum())} problems left, max |gradient| "
                    f"{np.abs(point.gradient).max(initial=0.0):.3g}"
                )
            converged[active[done]] = True
            if done.all() or iteration == self.max_iter:
                break
            if done.any():
                objective, point = self._restrict(objective, point, ~done)
                active = active[~done]
            direction = self.inner_solve(objective, point)
            new_point, succeeded = self.line_search(objective, point, direction)
            n_iter[active] += 1
            self.update(objective, point, new_point, direction)
            point = new_point
            out_coef[active] = point.coef
            out_value[active] = point.value
            if out_hessian is not None:
                out_hessian[active] = point.hessian
            if not succeeded.all():
                failed.append(
                    (active[~succeeded], *objective.restrict(point, ~succeeded))
                )
                objective, point = self._restrict(objective, point, succeeded)
                active = active[succeeded]
                if active.size == 0:
                    break
        for indices, failed_objective, failed_point in failed:
            result = self.fallback(
                failed_objective,
                failed_point,
                n_iter[indices],
                self.max_iter - n_iter[indices],
            )
            out_coef[indices] = result.coef
            if result.value is not None:
                out_value[indices] = result.value
            n_iter[indices] = result.n_iter
            converged[indices] = result.converged
            if out_hessian is not None and result.hessian is not None:
                out_hessian[indices] = result.hessian
        return SolverResult(out_coef, n_iter, converged, out_value, out_hessian)

    def _restrict(self, objective, point, keep):
        """The objective, point and per-problem state of the problems ``keep``."""
        self.restrict(keep)
        return objective.restrict(point, keep)


# ---------------------------------------------------------------------------
# Exact Newton steps on dense Hessians
# ---------------------------------------------------------------------------


def newton_direction(hessian, gradient):
    """Solve ``H s = -g`` by Cholesky, adding a ridge until H is positive definite.

    The system is first scaled by the square roots of the Hessian's diagonal
    (Jacobi scaling), so that the direction does not depend on the scale of the
    parameters: a coefficient of features at 1e-30 has a Hessian entry of 1e-60,
    which an unscaled factorisation would drown in the ridge.
    """
    diagonal = np.abs(np.diag(hessian))
    scale = np.sqrt(np.where(diagonal > 0, diagonal, 1.0))
    scaled_hessian = hessian / np.outer(scale, scale)
    scaled_gradient = gradient / scale
    ridge = 0.0
    for _ in range(30):
        try:
            factor = cho_factor(scaled_hessian + ridge * np.eye(len(gradient)))
            step = cho_solve(factor, -scaled_gradient) / scale
            if np.all(np.isfinite(step)):
                return step
        except (LinAlgError, ValueError):
            pass
        ridge = 1e-10 if ridge == 0 else ridge * 10
    return -gradient  # steepest descent as the last resort


class NewtonCholeskySolver(NewtonSolver):
    """Exact Newton steps ``-H^{-1} g`` from dense Hessians (k, p, p).

    (Diagonal Hessians (k, p) give the diagonal Newton step ``-g / h``.)

    Stops a problem when its Newton decrement ``g' H^{-1} g`` (twice the
    decrease still expected, independent of the scale of the parameters: with
    features at 1e-30 every gradient entry is tiny from the start, with features
    at 1e30 huge at the optimum) is at most ``tol**2``. A problem whose line
    search finds no decrease has converged if the decrease its quadratic model
    still predicts is below what the objective resolves (an optimum at infinity
    approached on a plateau, or an optimum found to rounding), else it has not.
    """

    order = 2

    def inner_solve(self, objective, point):
        cached = getattr(self, "_direction", None)
        if cached is not None and cached[0] is point:
            return cached[1]
        if point.hessian.ndim == 2:  # diagonal Hessians (k, p)
            return -point.gradient / np.maximum(point.hessian, np.finfo(float).tiny)
        return np.stack(
            [newton_direction(h, g) for h, g in zip(point.hessian, point.gradient)]
        )

    def check_convergence(self, objective, point):
        direction = self.inner_solve(objective, point)
        self._direction = (point, direction)
        decrement = -np.einsum("ij,ij->i", point.gradient, direction)
        return decrement <= self.tol**2


# ---------------------------------------------------------------------------
# Truncated Newton: lockstep conjugate gradients on Hessian-vector products
# ---------------------------------------------------------------------------


class NewtonCGSolver(NewtonSolver):
    """Trust-region truncated Newton (TRON): lockstep CG on Hessian products.

    The method of LIBLINEAR's primal solver (Lin, Weng and Keerthi, "Trust region
    Newton method for large-scale logistic regression", 2008; with the
    preconditioned CG of Hsia, Chiang and Lin, 2018), for many problems at once.
    Each iteration minimises every problem's quadratic model ``g's + s'Hs / 2``
    within its trust region ``||s||_M <= delta`` by Steihaug's conjugate gradients,
    preconditioned by the diagonal ``M`` that ``objective.preconditioner(point)``
    gives (the identity if none), the region measured in its norm: all problems in
    lockstep, one call of ``objective.hessian_product`` per CG step (for a
    multi-label objective, two shared products with ``X``), while step lengths, the
    boundary and the stopping rule are per problem. CG stops at the boundary, on
    non-positive curvature, when the residual ``r = -g - Hs`` falls below ``cg_tol``
    times the gradient (both in the norm ``||r||_{M^-1}``, so that the rule does not
    depend on the scale of the parameters) or when every entry of ``r`` (the
    gradient the model predicts after the step) is below ``tol / 2``. Far from the
    optimum the region is small and CG stops after a few steps at its boundary; near
    it, the full Newton step is taken. The step is accepted when the objective
    decreased by at least ``1e-4`` of the decrease the model predicted (the full
    step's point, value and gradient come from one pass); the radius then grows or
    shrinks with that ratio, by LIBLINEAR's rules, except that a good step grows it
    to at least twice the step's length. A refused step is still a descent
    direction: it is shortened by Armijo backtracking on values alone (the logits
    of the direction are kept, so this costs no product with ``X``), from the
    minimiser of the quadratic through ``f(0)``, ``f'(0)`` and ``f(1)``, and the
    region shrinks to the shortened step (Nocedal and Yuan, 1998); LIBLINEAR
    instead keeps the point, which wastes the CG steps of the refused step. A
    problem has converged when ``max |g| <= tol`` and its Newton decrement
    ``g'H^{-1}g / 2 <= tol`` (see :meth:`check_convergence`).

    Parameters
    ----------
    cg_tol : float, default=0.1
        Relative residual at which CG stops.
    max_cg_iter : int, default=200
        Maximum number of CG steps per iteration.
    check_decrement : bool, default=True
        Whether a problem must also have a small Newton decrement to have
        converged (else the gradient alone decides, as for L-BFGS).
    **kwargs
        See :class:`NewtonSolver`.
    """

    order = 2
    _ETA = (1e-4, 0.25, 0.75)  # acceptance and radius-update thresholds
    _SIGMA = (0.25, 0.5, 4.0)  # radius factors

    def __init__(self, *, cg_tol=0.1, max_cg_iter=200, check_decrement=True, **kwargs):
        super().__init__(**kwargs)
        self.cg_tol = cg_tol
        self.max_cg_iter = max_cg_iter
        self.check_decrement = check_decrement

    def setup(self, objective, coef):
        point = super().setup(objective, coef)
        # The first step is a truncated Newton step without region; the region
        # then starts at its length (on real and synthetic data alike this
        # saves Newton iterations over LIBLINEAR's start at ||g||).
        self._radius = np.full(point.coef.shape[0], np.inf)
        self._settled = np.zeros(point.coef.shape[0], dtype=bool)
        self._solution = None  # CG's solution at the current point
        self._ahead = None  # the one check_convergence computed for inner_solve
        return point

    def restrict(self, keep):
        self._radius = self._radius[keep]
        self._settled = self._settled[keep]
        if self._ahead is not None:
            self._ahead = self._ahead.take(keep)

    def check_convergence(self, objective, point):
        """Per problem: ``max |g| <= tol`` and Newton decrement ``g'H^{-1}g / 2
        <= tol``, scikit-learn's rule for its Newton solvers.

        The gradient alone stops a nearly separable label far above its
        minimum (on enron at the default ``tol=1e-4``, one label 1.8 above it,
        about half of the whole objective's gap). The decrement, the decrease
        the quadratic model still predicts, is CG's: the model decrease of a
        Newton step, i.e. a CG solution stopped by the residual rule inside the
        region. A problem whose step just taken was one, predicting at most
        ``tol``, has it (the decrement shrinks as Newton's method converges:
        the gradient after an inexact Newton step is about CG's residual); the
        others with a small gradient get a CG solve at the point, which is
        then the next direction of those that have not converged.
        """
        small = super().check_convergence(objective, point)
        if not self.check_decrement or not (small & ~self._settled).any():
            return small
        self._ahead = self._cg(objective, point)
        decrement_small = self._ahead.newton_step & (
            self._ahead.model_decrease <= self.tol
        )
        return small & (self._settled | decrement_small)

    def inner_solve(self, objective, point):
        """CG's step: the one the convergence check solved for, else :meth:`_cg`'s."""
        if self._ahead is None:
            self._solution = self._cg(objective, point)
        else:
            self._solution, self._ahead = self._ahead, None
        return self._solution.step

    def _cg(self, objective, point):
        """Preconditioned Steihaug CG for every problem: its
        :class:`CGSolution` (the model's decrease and the step's length serve
        the trust-region test, whether the step is a Newton step the
        convergence test)."""
        g = point.gradient
        k = g.shape[0]
        precondition = getattr(objective, "preconditioner", None)
        M = np.ones_like(g) if precondition is None else precondition(point)
        radius = self._radius
        solution = np.zeros_like(g)
        # The model g's + s'Hs/2 at each problem's step, from CG's own vectors:
        # with the residual r = -g - Hs it is (g's - s'r) / 2.
        model = np.zeros(k)
        newton_step = np.zeros(k, dtype=bool)
        working = np.arange(k)
        s = np.zeros_like(g)
        r = -g
        z = r / M
        d = z.copy()
        rz = np.einsum("ij,ij->i", r, z)
        # Residuals are measured in the dual norm of the preconditioner,
        # ||r||_{M^-1} = sqrt(r'z): indifferent to the scale of the parameters.
        stop = self.cg_tol**2 * rz
        Mw = M

        def norm2(a, weights):
            return np.einsum("ij,ij,ij->i", a, weights, a)

        def finish(rows, step, residual):
            solution[rows] = step
            model[rows] = 0.5 * (
                np.einsum("ij,ij->i", g[rows], step)
                - np.einsum("ij,ij->i", step, residual)
            )

        for _ in range(self.max_cg_iter):
            hd = objective.hessian_product(point, d, working)
            curvature = np.einsum("ij,ij->i", d, hd)
            positive = curvature > 0
            alpha = rz / np.where(positive, curvature, 1.0)
            s_next = s + alpha[:, None] * d
            outside = ~positive | (norm2(s_next, Mw) >= radius[working] ** 2)
            # A zero gradient (d = 0, no curvature): the zero step, inside.
            outside &= rz > 0
            if outside.any():
                # The step to the boundary along d: ||s + tau d||_M = radius.
                so, do, mo = s[outside], d[outside], Mw[outside]
                sd = np.einsum("ij,ij,ij->i", so, mo, do)
                dd = norm2(do, mo)
                room = np.maximum(radius[working[outside]] ** 2 - norm2(so, mo), 0.0)
                tau = (np.sqrt(sd * sd + dd * room) - sd) / np.where(dd > 0, dd, 1.0)
                finish(
                    working[outside],
                    so + tau[:, None] * do,
                    r[outside] - tau[:, None] * hd[outside],  # r at the boundary
                )
            s = s_next
            r = r - alpha[:, None] * hd
            z = r / Mw
            rz_next = np.einsum("ij,ij->i", r, z)
            done = outside | (rz_next <= stop[working])
            done |= np.abs(r).max(axis=1, initial=0.0) <= self.tol / 2
            inside = done & ~outside
            if inside.any():
                newton_step[working[inside]] = True
                finish(working[inside], s[inside], r[inside])
            if done.all():
                working = working[:0]
                break
            keep = ~done
            working, s, r, z, d, rz, rz_next, Mw = (
                working[keep],
                s[keep],
                r[keep],
                z[keep],
                d[keep],
                rz[keep],
                rz_next[keep],
                Mw[keep],
            )
            d = z + (rz_next / rz)[:, None] * d
            rz = rz_next
        if working.size:
            finish(working, s, r)
        return CGSolution(solution, -model, np.sqrt(norm2(solution, M)), newton_step)

    def line_search(self, objective, point, direction):
        """The trust-region test of the step, and the new radius."""
        predicted = self._solution.model_decrease
        line, slope, trial, finite, gradient_shrinks = self._full_step(
            objective, point, direction
        )
        actual = point.value - trial.value
        norm = self._solution.step_norm
        # After the unbounded first step the region starts at its length.
        radius = np.where(np.isinf(self._radius), norm, self._radius)
        eta0, eta1, eta2 = self._ETA
        sigma1, sigma2, sigma3 = self._SIGMA
        # The minimiser along the step of the quadratic through f(0), f'(0), f(1).
        curvature = trial.value - point.value - slope
        with np.errstate(divide="ignore", invalid="ignore"):
            minimiser = np.where(curvature > 0, -0.5 * slope / curvature, np.inf)
        alpha = np.where(curvature <= 0, sigma3, np.maximum(sigma1, minimiser))
        actual = np.where(finite, actual, -np.inf)
        self._radius = np.select(
            [
                actual < eta0 * predicted,
                actual < eta1 * predicted,
                actual < eta2 * predicted,
            ],
            [
                np.minimum(np.maximum(alpha, sigma1) * norm, sigma1 * radius),
                np.maximum(sigma1 * radius, np.minimum(alpha * norm, sigma2 * radius)),
                np.maximum(sigma1 * radius, np.minimum(alpha * norm, sigma3 * radius)),
            ],
            # A good step grows the region to at least twice its length
            # (LIBLINEAR's rule keeps it when the interpolation gives alpha
            # near 1: 536 Newton iterations instead of 504 on enron).
            np.maximum(
                radius, np.minimum(np.maximum(alpha, 2) * norm, sigma3 * radius)
            ),
        )
        # Near the optimum the objective changes below its rounding, the
        # gradient does not: a step within rounding that shrinks it is taken.
        within_rounding = (
            finite & (np.abs(actual) <= self._slack(point.value)) & gradient_shrinks
        )
        accepted = (actual > eta0 * predicted) | within_rounding
        # A Newton step predicting at most tol: its decrement is known small.
        self._settled = accepted & self._solution.newton_step & (predicted <= self.tol)
        if accepted.all():
            return trial, accepted
        # A refused step is still a descent direction: it is shortened by
        # backtracking on values alone (no product with X), from the minimiser
        # of the quadratic through f(0), f'(0), f(1), and the region shrinks to
        # the shorter step (Nocedal and Yuan, 1998).
        refused = ~accepted
        first = np.where(finite, np.clip(minimiser, 0.1, 0.5), 0.1)
        steps = np.where(accepted, 1.0, first)
        new_point, failed = self._backtrack(
            objective, point, line, slope, steps, refused, trial
        )
        shortened = refused & ~failed
        self._radius[shortened] = steps[shortened] * norm[shortened]
        # A region shrunk to rounding of the coefficients: no step can help.
        scale = np.maximum(1.0, np.abs(point.coef).max(axis=1, initial=0.0))
        stuck = refused & (self._radius <= 1e-12 * scale)
        return new_point, ~stuck

    def fallback(self, objective, point, n_iter, iterations_left):
        """A region shrunk to nothing: the optimum is found to rounding if the
        decrease the objective could still resolve is below its precision."""
        self._radius = np.full(point.coef.shape[0], np.inf)
        self._ahead = None
        converged = self._at_resolution(objective, point)
        return SolverResult(point.coef, n_iter, converged, point.value)


# ---------------------------------------------------------------------------
# Quasi-Newton: limited-memory BFGS
# ---------------------------------------------------------------------------


class LBFGSSolver(NewtonSolver):
    """Quasi-Newton steps from each problem's limited-memory BFGS approximation.

    The inverse Hessian of every problem is approximated from its last
    ``memory`` pairs of steps ``s`` and gradient changes ``y`` (two-loop
    recursion, initial matrix ``(s'y / y'y) I``); a pair that violates the
    curvature condition ``s'y > 0`` is not stored. The first direction is the
    steepest descent scaled to the minimiser of the quadratic model along it,
    ``-(g'g / g'Hg) g``, when the objective gives Hessian-vector products (else
    ``-g / ||g||``). Stops a problem when ``max |gradient| <= tol``.

    Parameters
    ----------
    memory : int, default=10
        Number of pairs kept per problem.
    **kwargs
        See :class:`NewtonSolver`.
    """

    def __init__(self, *, memory=10, **kwargs):
        super().__init__(**kwargs)
        self.memory = memory

    def setup(self, objective, coef):
        coef = np.asarray(coef, dtype=np.float64)
        hessian_free = hasattr(objective, "hessian_product")
        point = objective.point(coef, 2 if hessian_free else 1)
        k, p = point.coef.shape
        self._s = np.zeros((k, self.memory, p))
        self._y = np.zeros((k, self.memory, p))
        self._rho = np.zeros((k, self.memory))  # 0: no pair in this slot
        self._gamma = np.zeros(k)  # 0: no pair yet
        self._slot = 0
        self._first_scale = None
        if hessian_free:
            g = point.gradient
            curvature = np.einsum(
                "ij,ij->i", g, objective.hessian_product(point, g, np.arange(k))
            )
            gg = np.einsum("ij,ij->i", g, g)
            self._first_scale = np.where(
                curvature > 0, gg / np.where(curvature > 0, curvature, 1.0), 0.0
            )
        return point

    def restrict(self, keep):
        self._s, self._y, self._rho, self._gamma = (
            self._s[keep],
            self._y[keep],
            self._rho[keep],
            self._gamma[keep],
        )
        if self._first_scale is not None:
            self._first_scale = self._first_scale[keep]

    def inner_solve(self, objective, point):
        g = point.gradient
        q = -g
        order = [(self._slot - 1 - j) % self.memory for j in range(self.memory)]
        alphas = {}
        for j in order:  # newest first
            alpha = self._rho[:, j] * np.einsum("ij,ij->i", self._s[:, j], q)
            q -= alpha[:, None] * self._y[:, j]
            alphas[j] = alpha
        scale = self._gamma.copy()
        fresh = scale <= 0
        if fresh.any():  # no pair yet: the first direction
            norm = np.sqrt(np.einsum("ij,ij->i", g[fresh], g[fresh]))
            first = 1 / np.where(norm > 0, norm, 1.0)
            if self._first_scale is not None:
                cauchy = self._first_scale[fresh]
                first = np.where(cauchy > 0, cauchy, first)
            scale[fresh] = first
        q *= scale[:, None]
        for j in reversed(order):  # oldest first
            beta = self._rho[:, j] * np.einsum("ij,ij->i", self._y[:, j], q)
            q += (alphas[j] - beta)[:, None] * self._s[:, j]
        return q

    def update(self, objective, previous, point, direction):
        s = point.coef - previous.coef
        y = point.gradient - previous.gradient
        sy = np.einsum("ij,ij->i", s, y)
        yy = np.einsum("ij,ij->i", y, y)
        ok = sy > 1e-10 * yy
        slot = self._slot
        self._s[:, slot] = s
        self._y[:, slot] = y
        self._rho[:, slot] = np.where(ok, 1 / np.where(ok, sy, 1.0), 0.0)
        self._gamma = np.where(ok, sy / np.where(yy > 0, yy, 1.0), self._gamma)
        self._slot = (slot + 1) % self.memory

    def fallback(self, objective, point, n_iter, iterations_left):
        """Restart once with an empty memory from where the search failed."""
        if getattr(self, "_restarted", False) or iterations_left.max(initial=0) < 1:
            converged = self.check_convergence(objective, point)
            return SolverResult(point.coef, n_iter, converged, point.value)
        solver = LBFGSSolver(
            tol=self.tol,
            max_iter=int(iterations_left.max()),
            memory=self.memory,
            rounding=self.rounding,
            verbose=self.verbose,
        )
        solver._restarted = True
        result = solver.solve(objective, point.coef)
        result.n_iter = n_iter + result.n_iter
        return result
