"""A dense Newton solver for small-dimensional smooth problems, and its data pass.

Two layers, kept apart so that the rows can live anywhere (NumPy today, dask row
chunks tomorrow) without the solver noticing:

1. **The data pass** :func:`row_block_sums` takes the parameters and *one block of
   rows* ``(X, y, sample_weight, offset)`` of a linear-predictor model and returns
   the weighted sums that block contributes: the loss (a scalar), its gradient
   (shape (d,)) and its Hessian (shape (d, d)). Sums over disjoint blocks add up,
   so a distributed backend maps :func:`row_block_sums` over row chunks and adds
   the results; :class:`LinearModelObjective` does exactly that over its
   ``blocks`` (one block for in-memory data) and is the only object that sees rows.

2. **The solver** :func:`newton_solve` only sees a callable
   ``fun(params, order)`` returning the objective (``order=0``) or the objective,
   gradient and Hessian (``order=2``). It takes full Newton steps from a Cholesky
   factorisation of the Hessian (adding a ridge when the Hessian is not positive
   definite), backtracks along the step until the Armijo condition holds and stops
   when the Newton decrement (``g @ H^-1 @ g``, scale-free) is at most
   ``tol**2``.

Parameter layout of :class:`LinearModelObjective`: ``[coef (p), intercept (1 if
fit_intercept), extra (k)]`` where ``extra`` are per-model scalars such as the
log-dispersion of a negative binomial. The objective is the weighted *mean* row loss
plus ``alpha / 2 * ||coef||**2`` (the intercept and the extra parameters are not
penalised), the convention of scikit-learn's ``LinearModelLoss``: multiplying every
sample weight by a constant leaves the minimiser unchanged.

A *family* supplies the per-row kernel: ``family.n_extra`` (k), optionally
``family.prepare_target(y)`` (applied once per block, e.g. to find the distinct
counts) and ``family.derivatives(y, raw, extra, order)`` returning the per-row loss, the
tuple of first derivatives in ``(raw, *extra)`` and, for ``order=2``, the tuple of
the upper-triangular second derivatives in row-major order
(``(h_rr,)`` for k = 0, ``(h_rr, h_re, h_ee)`` for k = 1).
"""

import functools
import warnings
from dataclasses import dataclass

import numpy as np
from scipy.linalg import LinAlgError, cho_factor, cho_solve
from sklearn.exceptions import ConvergenceWarning

# ---------------------------------------------------------------------------
# Data pass
# ---------------------------------------------------------------------------


def _upper_to_full(upper, k):
    """Rebuild a symmetric (k, k) list of per-row arrays from its upper triangle."""
    full = [[None] * k for _ in range(k)]
    it = iter(upper)
    for i in range(k):
        for j in range(i, k):
            full[i][j] = full[j][i] = next(it)
    return full


def row_block_sums(
    family, params, X, y, sample_weight, offset, *, fit_intercept, order
):
    """Weighted sums of one block of rows: loss, gradient and Hessian.

    This is the only function that touches rows; it is a pure function of its
    arguments, so it can be mapped over row chunks and the results added.

    Parameters
    ----------
    family : object
        Per-row kernel with ``n_extra`` and ``derivatives(y, raw, extra, order)``.
    params : ndarray of shape (d,)
        ``[coef, intercept?, extra]``.
    X : ndarray of shape (n_block, p)
    y, sample_weight : ndarray of shape (n_block,)
    offset : ndarray of shape (n_block,) or None
        Added to the linear predictor (e.g. log-exposure).
    fit_intercept : bool
    order : {0, 2}
        0 returns the loss sum only; 2 returns ``(loss, gradient, hessian)``.
    """
    n_features = X.shape[1]
    k = family.n_extra
    n_lin = n_features + int(fit_intercept)
    coef = params[:n_features]
    extra = params[n_lin:]
    raw = X @ coef
    if fit_intercept:
        raw += params[n_features]
    if offset is not None:
        raw += offset
    result = family.derivatives(y, raw, extra, order)
    if order == 0:
        return sample_weight @ result
    loss = sample_weight @ result[0]
    first, second = result[1], _upper_to_full(result[2], 1 + k)

    def linear_sums(v):
        """X.T @ v, followed by v.sum() for the intercept column of ones."""
        xv = X.T @ v
        return np.append(xv, v.sum()) if fit_intercept else xv

    d = n_lin + k
    grad = np.empty(d)
    hess = np.empty((d, d))
    grad[:n_lin] = linear_sums(sample_weight * first[0])
    w_h = sample_weight * second[0][0]
    xtwx = X.T @ (X * w_h[:, None])
    hess[:n_features, :n_features] = 0.5 * (xtwx + xtwx.T)  # exactly symmetric
    if fit_intercept:
        hess[:n_lin, n_features] = hess[n_features, :n_lin] = linear_sums(w_h)
    for e in range(k):
        i = n_lin + e
        grad[i] = sample_weight @ first[1 + e]
        hess[:n_lin, i] = hess[i, :n_lin] = linear_sums(
            sample_weight * second[0][1 + e]
        )
        for f in range(e, k):
            hess[i, n_lin + f] = hess[n_lin + f, i] = (
                sample_weight @ second[1 + e][1 + f]
            )
    return loss, grad, hess


def _sum_blocks(results, order):
    """Add the per-block results of :func:`row_block_sums`."""
    results = list(results)
    if order == 0:
        return sum(results)
    return tuple(sum(parts) for parts in zip(*results))


def _serial_map(func, blocks, gather=True):
    """The in-memory executor: apply ``func`` to every block in turn."""
    return [func(block) for block in blocks]


def _block_sums(family, params, fit_intercept, order, block):
    """:func:`row_block_sums` of a block ``(X, y, sample_weight, offset)``."""
    X, y, sample_weight, offset = block
    return row_block_sums(
        family,
        params,
        X,
        y,
        sample_weight,
        offset,
        fit_intercept=fit_intercept,
        order=order,
    )


def _block_weight_sum(block):
    return float(block[2].sum())


def _prepare_block(prepare, block):
    X, y, sample_weight, offset = block
    return X, prepare(y), sample_weight, offset


class LinearModelObjective:
    """Mean weighted row loss of a linear-predictor model plus an L2 penalty.

    Parameters
    ----------
    family : object
        Per-row kernel (see the module docstring).
    blocks : list
        ``(X, y, sample_weight, offset)`` row blocks: one block of arrays for
        NumPy data; for dask data, one block per row chunk of delayed chunks.
    fit_intercept : bool
    alpha : float
        L2 penalty strength on ``coef`` only.
    n_features : int, default=None
        Number of columns of X; None reads it from the first block.
    map_blocks : callable, default=None
        The executor ``map_blocks(func, blocks, gather=True)``: the list of
        ``func(block)`` on the client (``gather=True``) or kept as new blocks
        where the data live (``gather=False``). The default maps serially; the
        dask backend (:func:`skbce.utils._dask.dask_map`) maps over row chunks
        with the active scheduler. The functions it receives are module-level
        partials, cheap to ship to workers.
    """

    def __init__(
        self, family, blocks, *, fit_intercept, alpha, n_features=None, map_blocks=None
    ):
        self.family = family
        self.fit_intercept = fit_intercept
        self.alpha = alpha
        self.map_blocks = map_blocks or _serial_map
        self.n_features = blocks[0][0].shape[1] if n_features is None else n_features
        # Per-block target preparation (e.g. distinct counts), done once per fit.
        prepare = getattr(family, "prepare_target", None)
        if prepare is not None:
            blocks = self.map_blocks(
                functools.partial(_prepare_block, prepare), blocks, gather=False
            )
        self.blocks = blocks
        self.weight_sum = float(sum(self.map_blocks(_block_weight_sum, blocks)))

    @property
    def n_params(self):
        return self.n_features + int(self.fit_intercept) + self.family.n_extra

    def sums(self, params, order):
        """Weighted sums over all rows (no normalisation, no penalty)."""
        func = functools.partial(
            _block_sums, self.family, params, self.fit_intercept, order
        )
        return _sum_blocks(self.map_blocks(func, self.blocks), order)

    def __call__(self, params, order):
        """Objective (and gradient, Hessian for ``order=2``) at ``params``."""
        p = self.n_features
        coef = params[:p]
        penalty = 0.5 * self.alpha * (coef @ coef)
        result = self.sums(params, order)
        if order == 0:
            return result / self.weight_sum + penalty
        loss, grad, hess = result
        loss = loss / self.weight_sum + penalty
        grad = grad / self.weight_sum
        hess = hess / self.weight_sum
        if self.alpha:
            grad[:p] += self.alpha * coef
            hess[np.arange(p), np.arange(p)] += self.alpha
        return loss, grad, hess


# ---------------------------------------------------------------------------
# Solver
# ---------------------------------------------------------------------------


@dataclass
class NewtonResult:
    """Outcome of :func:`newton_solve` (objective, gradient, Hessian at ``x``)."""

    x: np.ndarray
    fun: float
    gradient: np.ndarray
    hessian: np.ndarray
    n_iter: int
    converged: bool


def _newton_direction(hessian, gradient):
    """Solve ``H p = -g`` by Cholesky, adding a ridge until H is positive definite.

    The system is first scaled by the square roots of the Hessian's diagonal
    (Jacobi scaling), so that the direction does not depend on the scale of the
    features: a coefficient of features at 1e-30 has a Hessian entry of 1e-60,
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
        except LinAlgError:
            pass
        ridge = 1e-10 if ridge == 0 else ridge * 10
    return -gradient  # steepest descent as the last resort


# Relative size of the smallest decrease of the objective (a mean loss) that is
# told apart from rounding: about 1e4 times float64's epsilon.
_RESOLUTION = 1e-10


def _newton_decrement(gradient, hessian):
    """The Newton decrement ``g @ H^-1 @ g``: twice the decrease still expected.

    Unlike ``max|g|`` it does not depend on the scale of the parameters: with
    features at 1e-30 every gradient entry is tiny from the start, with features
    at 1e30 huge at the optimum, while the decrement measures the same distance
    to the optimum in both.
    """
    return float(-gradient @ _newton_direction(hessian, gradient))


def newton_solve(fun, x0, *, tol=1e-8, max_iter=100, armijo=1e-4, name="Newton"):
    """Minimise a smooth function by damped Newton steps.

    Parameters
    ----------
    fun : callable
        ``fun(x, 0)`` returns the objective, ``fun(x, 2)`` returns
        ``(objective, gradient, hessian)``.
    x0 : ndarray of shape (d,)
        Starting point.
    tol : float, default=1e-8
        Stop when the Newton decrement ``gradient @ inv(hessian) @ gradient``
        is at most ``tol**2``: for unit-scale problems about ``max|gradient| <=
        tol``, but independent of the scale of the parameters.
    max_iter : int, default=100
        Maximum number of Newton steps; a
        :class:`~sklearn.exceptions.ConvergenceWarning` is raised if the
        tolerance is not reached.
    armijo : float, default=1e-4
        Sufficient-decrease constant of the backtracking line search.
    name : str, default="Newton"
        Names the problem in warnings.

    Returns
    -------
    result : NewtonResult
    """
    x = np.asarray(x0, dtype=float).copy()
    value, grad, hess = fun(x, 2)
    n_iter = 0
    converged = _newton_decrement(grad, hess) <= tol**2
    message = f"reached max_iter={max_iter}"
    while not converged and n_iter < max_iter:
        step = _newton_direction(hess, grad)
        slope = grad @ step
        # Accept rounding-level increases near the optimum instead of stalling.
        slack = 64 * np.finfo(float).eps * abs(value)
        t = 1.0
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            # A trial point far out may overflow; the search then backtracks.
            trial = fun(x + step, 2)  # the full step usually succeeds: one pass
        # A point whose gradient or Hessian overflowed cannot be stepped from.
        accepted = all(np.isfinite(part).all() for part in trial) and (
            trial[0] <= value + armijo * slope + slack
            # Near the optimum the objective changes below its rounding noise;
            # there a full step that shrinks the gradient is taken on its gradient.
            or (
                trial[0] <= value + 1e-12 * abs(value)
                and np.max(np.abs(trial[1])) < np.max(np.abs(grad))
            )
        )
        while not accepted and t > 1e-12:
            t *= 0.5
            with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
                trial_value = fun(x + t * step, 0)
            accepted = np.isfinite(trial_value) and (
                trial_value <= value + armijo * t * slope + slack
            )
        n_iter += 1
        if not accepted:
            # No trial point lowers the objective. If the decrease the quadratic
            # model still predicts (half the decrement, -slope / 2) is below what
            # the objective can resolve, the minimum is found to the objective's
            # precision (e.g. an optimum at infinity approached on a plateau).
            converged = -slope / 2 <= _RESOLUTION * max(1.0, abs(value))
            message = "the line search found no decrease"
            break
        x = x + t * step
        value, grad, hess = trial if t == 1.0 else fun(x, 2)
        converged = _newton_decrement(grad, hess) <= tol**2
    if not converged:
        warnings.warn(
            f"{name} did not converge: {message} with a Newton decrement of "
            f"{_newton_decrement(grad, hess):.3g} > tol**2={tol**2:g}. Increase "
            "max_iter, loosen "
            "tol, scale the features or add an L2 penalty (alpha).",
            ConvergenceWarning,
            stacklevel=3,
        )
    return NewtonResult(x, value, grad, hess, n_iter, converged)
