"""Solvers of the multi-label BCE objective, all labels at once.

The objective (see :mod:`skbce.linear_model._linear_loss`) is a sum of one convex
problem per label, all sharing the design matrix ``X``. The solvers below only
see coefficients and reductions (arrays of size ``(k,)`` or ``(k, p)``) returned
by :class:`~skbce.linear_model._linear_loss.MultiLabelLinearLoss`; every pass
over the rows happens behind that object (the data-pass seam).

- :func:`newton_cg_lockstep` (``solver="newton-cg"``): one truncated Newton method
  per label, the labels advancing in lockstep. Each conjugate-gradient (CG) step
  needs one Hessian-vector product per label, and the products of all labels are
  made together by two shared products (``X @ V.T``, ``X.T @ R``); step lengths
  ``alpha``, ``beta`` and the stopping rule of CG are per label, as are the
  Armijo line search and the convergence test. The logits of the search
  direction, ``X @ V.T``, are computed once per Newton step and the logits are
  updated in place (``raw += t * raw_direction``) instead of recomputed. The
  full step is tried first: its objective value comes with the gradient at the
  new point, in one pass; labels that need a shorter step backtrack from there
  by element-wise work only. A label leaves the active set as soon as its
  gradient is below ``tol``, and CG drops each label as soon as its own step is
  accurate enough: the worst-conditioned label no longer dictates the work done
  on the others. CG is preconditioned per label by a shared matrix, the
  Gram matrix of the data (:class:`GramPreconditioner`, for dense data of
  moderate width: one eigendecomposition per fit) or its diagonal
  (:class:`DiagonalPreconditioner`), scaled by the label's mean curvature and
  made exact on the span of its weights and intercept.
- :func:`subsample_start`: for many rows per coefficient, the first Newton steps
  on an evenly spaced row sample.
- :func:`lbfgs_joint` (``solver="lbfgs"``, and the fallback for labels whose
  Newton line search fails): scipy's L-BFGS-B on the concatenated coefficients
  of the given labels.
- :class:`OnlineNewton`: the streaming update of ``partial_fit``.
"""

from dataclasses import dataclass

import numpy as np
import scipy.linalg
from scipy.optimize import minimize

from .._loss import _binary
from ._linear_loss import MultiLabelLinearLoss, block_gradient_hessian, block_raw

_ARMIJO = 1e-4
_MAX_LINE_SEARCH = 30


@dataclass
class SolverResult:
    """Coefficients (L, p), iterations per label and convergence per label."""

    coef: np.ndarray
    n_iter: np.ndarray
    converged: np.ndarray


class _SpanCorrectedPreconditioner:
    """Per-label preconditioners ``M_k``: a shared base, exact on a small span.

    The Hessian of label k is ``H_k = [X, 1]' diag(s h_k) [X, 1] + l2_k I_W``,
    with ``h_k`` a function of the logit ``x'w_k + b_k``. The base is
    ``B_k = c_k G + l2_k I``, with ``c_k`` the mean Hessian weight of the label
    at the current Newton iterate and ``G`` a matrix fixed for the fit: the
    weighted Gram matrix of ``[X, 1]`` (:class:`GramPreconditioner`) or its
    diagonal (:class:`DiagonalPreconditioner`). ``B_k`` is the Hessian for
    constant weights ``h``; it misses most along the span ``S_k`` of the
    label's weights and its intercept, the directions along which ``h_k``
    varies. (For Gaussian features ``H_k`` equals ``c_k G`` plus a term of rank
    two on that span, up to sampling noise.) So ``B_k`` is corrected on that
    span (a two-level preconditioner): ``M_k = B_k + B_k S_k A_k S_k' B_k``, with
    the 2 x 2 matrix ``A_k`` such that ``S_k' M_k S_k = S_k' H_k S_k``. With an
    orthonormal ``S_k``, the Woodbury identity gives::

        M_k^{-1} = B_k^{-1} + S_k [(S_k' H_k S_k)^{-1} - (S_k' B_k S_k)^{-1}] S_k',

    positive definite whenever ``H_k`` and ``B_k`` are. ``S_k' H_k S_k`` needs
    only the Hessian-weighted moments of the logits, which the gradient pass
    returns: ``M_k`` costs no extra pass over the data.
    """

    def prepare(self, objective, positions, labels):
        """Build ``M_k`` for ``labels`` (at ``positions`` of the last gradient)."""
        moments = objective.hessian_moments[positions]
        l2 = objective.l2_reg_strength[labels]
        base = moments[:, :1] * self.spectrum + l2[:, None]
        base = np.maximum(base, 1e-12 * base.max(axis=1, keepdims=True))
        self.inverse = 1 / base
        # An orthonormal basis of the span: the unit weight vector ``unit`` (zero
        # when the weights are) and the intercept's axis, on which
        # [X, 1] S = [(raw - b) / |w|, 1].
        coef = objective.coef[labels]
        self.fit_intercept = objective.fit_intercept
        n_features = coef.shape[1] - self.fit_intercept
        norm = np.linalg.norm(coef[:, :n_features], axis=1)
        scale = np.divide(1, norm, out=np.zeros_like(norm), where=norm > 0)
        self.unit = coef * scale[:, None]
        h, h_raw, h_raw2 = moments.T
        rank = 1 + self.fit_intercept
        span_hessian = np.zeros((labels.size, rank, rank))
        if self.fit_intercept:
            self.unit[:, -1] = 0
            b = coef[:, -1]
            h_raw, h_raw2 = h_raw - b * h, h_raw2 - 2 * b * h_raw + b**2 * h
            span_hessian[:, 0, 1] = span_hessian[:, 1, 0] = h_raw * scale
            span_hessian[:, 1, 1] = h
        span_hessian[:, 0, 0] = h_raw2 * scale**2 + l2 * (norm > 0)
        self.correction = np.linalg.pinv(span_hessian, hermitian=True) - np.linalg.pinv(
            self._span_base(base), hermitian=True
        )

    def restrict(self, keep):
        """Keep the labels where ``keep`` is True (those CG still works on)."""
        for name in self._per_label:
            setattr(self, name, getattr(self, name)[keep])

    _per_label = ("inverse", "unit", "correction")

    def apply(self, residual):
        """``M_k^{-1} r_k`` for the labels kept, (k, p)."""
        on_span = np.einsum("kp,kp->k", self.unit, residual)[:, None]
        if self.fit_intercept:
            on_span = np.hstack([on_span, residual[:, -1:]])
        coefficients = np.einsum("krs,ks->kr", self.correction, on_span)
        z = self._apply_base(residual)
        z += self.unit * coefficients[:, :1]
        if self.fit_intercept:
            z[:, -1] += coefficients[:, 1]
        return z


class DiagonalPreconditioner(_SpanCorrectedPreconditioner):
    """The span-corrected preconditioner with ``G`` the diagonal of the Gram matrix.

    ``diag(G)`` holds the weighted squared norms of the columns of ``[X, 1]``,
    computed once per fit. It corrects the scales of the features (the main
    ill-conditioning of sparse count or tf-idf data), and the span correction
    the coupling of the intercept with the features, at almost no cost per
    iteration.
    """

    def __init__(self, data):
        self.spectrum = data.column_squared_norms()

    def _span_base(self, base):
        """``S' B S`` per label: ``unit`` has no intercept entry, so it is diagonal."""
        rank = 1 + self.fit_intercept
        span_base = np.zeros((base.shape[0], rank, rank))
        span_base[:, 0, 0] = np.einsum("kp,kp,kp->k", base, self.unit, self.unit)
        if self.fit_intercept:
            span_base[:, 1, 1] = base[:, -1]
        return span_base

    def _apply_base(self, residual):
        return residual * self.inverse


class GramPreconditioner(_SpanCorrectedPreconditioner):
    """The span-corrected preconditioner with ``G`` the weighted Gram matrix.

    ``G = [X, 1]' diag(s) [X, 1]`` is shared by all labels: one
    eigendecomposition ``G = Q diag(spectrum) Q'`` per fit, for dense data of
    moderate width. It is estimated from about ``rows_per_dof * p`` evenly
    spaced rows (every ``stride``-th row), plenty for a preconditioner.
    """

    rows_per_dof = 32

    def __init__(self, data, n_dof):
        stride = max(1, data.n_rows // (self.rows_per_dof * n_dof))
        eigenvalues, self.eigenvectors = np.linalg.eigh(data.gram(stride))
        self.spectrum = np.maximum(eigenvalues, 0)

    def _span_base(self, base):
        """``S' B S`` per label, ``B = Q diag(base) Q'``."""
        Q = self.eigenvectors
        rotated = [self.unit @ Q]
        if self.fit_intercept:
            rotated.append(np.broadcast_to(Q[-1], base.shape))
        return np.einsum("kp,rkp,skp->krs", base, rotated, rotated)

    def _apply_base(self, residual):
        Q = self.eigenvectors
        return ((residual @ Q) * self.inverse) @ Q.T


def _conjugate_gradient(
    objective, gradient, positions, labels, max_iter, preconditioner, tol=0.0
):
    """Approximately solve ``H_k s_k = -g_k`` for all labels by lockstep CG.

    Preconditioned by ``preconditioner`` (or not, when None). Each label
    stops when its residual's L1 norm is below ``eta_k * ||g_k||_1`` with the
    forcing term ``eta_k = min(0.5, sqrt(max_j |g_kj|))`` (superlinear
    convergence; scikit-learn's Newton-CG uses the L1 norm inside the square
    root, which keeps ``eta_k = 0.5`` far too long when ``p`` is large), or
    when every entry of its residual is below ``tol / 2`` (the residual is the
    gradient the quadratic model predicts after the step: no need to solve
    beyond the convergence tolerance), or on non-positive curvature.
    """
    if preconditioner is None:
        precondition = np.copy
    else:
        preconditioner.prepare(objective, positions, labels)
        precondition = preconditioner.apply
    forcing = np.minimum(0.5, np.sqrt(np.abs(gradient).max(axis=1)))
    stop = forcing * np.abs(gradient).sum(axis=1)
    solution = np.zeros_like(gradient)
    # The labels CG still works on, and their compact state.
    working = np.arange(gradient.shape[0])
    x = np.zeros_like(gradient)
    r = -gradient
    d = precondition(r)
    rz = np.einsum("ij,ij->i", r, d)
    for _ in range(max_iter):
        hd = objective.hessian_product(d, positions[working], labels[working])
        curvature = np.einsum("ij,ij->i", d, hd)
        flat = curvature <= 1e-16 * np.einsum("ij,ij->i", d, d)
        alpha = np.where(flat, 0.0, rz / np.where(flat, 1.0, curvature))
        x += alpha[:, None] * d
        if flat.any():
            # Non-positive curvature: keep the solution so far (or, on the first
            # CG step, the preconditioned steepest-descent direction).
            first = flat & ~x.any(axis=1)
            x[first] = d[first]
        r -= alpha[:, None] * hd
        done = (
            flat
            | (np.abs(r).sum(axis=1) <= stop[working])
            | (np.abs(r).max(axis=1) <= tol / 2)
        )
        if done.any():
            solution[working[done]] = x[done]
            keep = ~done
            working, x, r, d, rz = working[keep], x[keep], r[keep], d[keep], rz[keep]
            if working.size == 0:
                return solution
            if preconditioner is not None:
                preconditioner.restrict(keep)
        z = precondition(r)
        rz_new = np.einsum("ij,ij->i", r, z)
        d *= (rz_new / np.where(rz > 0, rz, 1.0))[:, None]
        d += z
        rz = rz_new
    solution[working] = x
    return solution


def _sufficient_decrease(trial, start, step, slope, rounding):
    """Armijo's test, or a change within the rounding of the objective."""
    change = trial - start
    return (change <= _ARMIJO * step * slope) | (
        np.abs(change) <= rounding * np.abs(start)
    )


def _backtrack(objective, pending, start, slope, rounding):
    """Armijo backtracking from the full step for the directions ``pending``.

    The coefficients sit at the full step, ``coef + V``: trial step ``t`` is at
    ``t - 1`` from there. ``start`` and ``slope`` are the values and directional
    derivatives at ``coef`` of all directions. Returns the accepted step of every
    direction (1 for those not pending, 0 where no halving up to
    ``2**-_MAX_LINE_SEARCH`` was enough).
    """
    step = np.ones(start.size)
    for _ in range(_MAX_LINE_SEARCH - 1):
        step[pending] *= 0.5
        trial = objective.trial_value(step[pending] - 1, pending)
        ok = _sufficient_decrease(
            trial, start[pending], step[pending], slope[pending], rounding
        )
        pending = pending[~ok]
        if pending.size == 0:
            return step
    step[pending] = 0
    return step


def newton_cg_lockstep(
    objective,
    coef,
    *,
    tol=1e-4,
    max_iter=100,
    max_cg_iter=200,
    preconditioner=None,
    verbose=0,
):
    """Per-label truncated Newton, all labels in lockstep (see module docstring).

    Parameters
    ----------
    objective : MultiLabelLinearLoss
    coef : ndarray of shape (L, p)
        Starting point.
    tol : float
        A label has converged when the largest absolute entry of its gradient
        (of the mean-scaled objective) is at most ``tol``.
    max_iter : int
        Maximum number of Newton steps per label.
    max_cg_iter : int
        Maximum number of CG steps per Newton step.
    preconditioner : DiagonalPreconditioner, GramPreconditioner or None
        Preconditioner of CG.
    verbose : int

    Returns
    -------
    SolverResult
        With ``converged[k]`` False for labels that hit ``max_iter`` or whose
        line search failed (the caller may hand those to :func:`lbfgs_joint`).
    """
    n_labels = coef.shape[0]
    objective.set_coef(coef)
    active = np.arange(n_labels)
    value, gradient = objective.value_gradient(active)
    n_iter = np.zeros(n_labels, dtype=np.int32)
    converged = np.zeros(n_labels, dtype=bool)
    # Relative size of rounding errors in the objective (float32 data: larger).
    rounding = 16 * np.finfo(objective.data.dtype).eps
    for iteration in range(max_iter + 1):
        gradient_max = np.abs(gradient).max(axis=1)
        done = gradient_max <= tol
        converged[active[done]] = True
        if verbose:
            print(
                f"Newton iteration {iteration}: {int((~done).sum())} labels left, "
                f"max |gradient| {gradient_max.max():.3g}"
            )
        positions = np.flatnonzero(~done)
        if positions.size == 0 or iteration == max_iter:
            break
        labels = active[positions]
        gradient = gradient[positions]
        direction = _conjugate_gradient(
            objective, gradient, positions, labels, max_cg_iter, preconditioner, tol
        )
        slope = np.einsum("ij,ij->i", gradient, direction)
        start = value[positions]
        # The full Newton step first: its value comes with the gradient there, in
        # one pass. Labels it does not decrease enough backtrack from it.
        value, gradient = objective.full_step(direction, labels)
        accepted = _sufficient_decrease(value, start, 1.0, slope, rounding)
        n_iter[labels] += 1
        if not accepted.all():
            step = _backtrack(
                objective, np.flatnonzero(~accepted), start, slope, rounding
            )
            accepted = step > 0
            # Move the backtracked labels from the full step to their step (or
            # back to the start when their search failed).
            backtracked = np.flatnonzero(step < 1)
            objective.move(step[backtracked] - 1, backtracked)
            if verbose and not accepted.all():
                print(f"Line search failed for labels {labels[~accepted].tolist()}")
            value, gradient = objective.value_gradient(labels[accepted])
        active = labels[accepted]
    return SolverResult(objective.coef.copy(), n_iter, converged)


def subsample_start(
    objective, coef, preconditioner, *, rows_per_dof=64, tol=1e-3, max_iter=20
):
    """A starting point from the same solver on an evenly spaced row sample.

    When there are many rows per coefficient (``n >= 4 * rows_per_dof * p``),
    the first Newton steps, far from the optimum, need not see every row: the
    solution on every ``stride``-th row (about ``rows_per_dof * p`` rows, sample
    weights scaled to keep the objective's scale) is within sampling error of
    the full one, and the full-data Newton steps then start in their region of
    fast convergence. Returns ``coef`` unchanged when the data are too small.
    """
    n_rows, n_dof = objective.data.n_rows, coef.shape[1]
    stride = n_rows // (rows_per_dof * n_dof)
    if stride < 4:
        return coef
    sample = MultiLabelLinearLoss(
        objective.data.subsample(stride),
        objective.l2_reg_strength,
        objective.fit_intercept,
    )
    return newton_cg_lockstep(
        sample, coef, tol=tol, max_iter=max_iter, preconditioner=preconditioner
    ).coef


def lbfgs_joint(objective, coef, labels, *, tol=1e-4, max_iter=100, verbose=0):
    """Minimise the summed objective of ``labels`` jointly with scipy's L-BFGS-B.

    Returns the coefficients (k, p) of ``labels``, the number of iterations and a
    per-label convergence flag (largest absolute gradient entry <= ``tol``).
    """
    labels = np.asarray(labels)
    shape = (labels.size, coef.shape[1])

    def fun(x):
        value, gradient = objective.loss_gradient(x.reshape(shape), labels)
        return value.sum(), gradient.ravel()

    result = minimize(
        fun,
        np.asarray(coef, dtype=np.float64).ravel(),
        jac=True,
        method="L-BFGS-B",
        options={
            "maxiter": max_iter,
            "gtol": tol,
            "ftol": 64 * np.finfo(float).eps,
            "maxls": 50,
        },
    )
    if verbose:
        print(f"L-BFGS on labels {labels.tolist()}: {result.message}")
    coef = result.x.reshape(shape)
    _, gradient = objective.loss_gradient(coef, labels)
    converged = np.abs(gradient).max(axis=1) <= tol
    return coef, result.nit, converged


class OnlineNewton:
    """Streaming Newton updates with accumulated curvature (``partial_fit``).

    Target: the batch objective of everything streamed so far,
    ``F_t(w) = sum over all rows seen of s_i * BCE + ||W||^2 / (2 C)`` (penalty
    counted once; a row streamed twice counts twice, as if ``fit`` were called on
    the concatenation of all mini-batches: scikit-learn's convention for exact
    ``partial_fit``).

    Method: a stochastic Newton method (Bercu, Godichon-Baggioni and Portier,
    2020, for logistic regression), i.e. the online Laplace approximation of
    Bayesian logistic regression with prior ``N(0, C I)``. Per label, the past
    is summarised by the current coefficients ``m`` and the accumulated
    curvature ``A``, which starts from the penalty ``A_0 = diag(1/C, ..., 1/C,
    0)`` (the intercept is unpenalised). A batch ``b`` contributes its Hessian
    ``H_b(m) = X_b' diag(s h(m)) X_b`` and the coefficients take one Newton step
    on ``1/2 (w - m)' A (w - m) + sum_b s_i BCE(w)``::

        m <- m - t (A + H_b(m))^{-1} g_b(m),      A <- A + H_b(m),

    with ``t = 1`` unless halving it is needed to decrease that batch model. The
    step is the gradient of the new batch preconditioned by the curvature of
    all the data seen, so it shrinks like ``1 / (rows seen)``: the
    Robbins-Monro rate, with Newton's affine invariance. The prior keeps the
    very first one- or two-sample updates finite. On repeated passes over a
    data set the iterates approach the minimiser of ``F_t`` (its batch fit with
    the stream's total weights) with an error decaying like ``1 / passes``:
    what is left is the curvature of early batches taken at early iterates.

    ``A`` is kept as one dense ``(p, p)`` matrix per label when ``L * p**2`` fits
    ``max_entries``; otherwise only its diagonal is kept (a diagonal Newton
    method, like AdaGrad with curvature instead of squared gradients).
    """

    max_entries = 2**22

    def __init__(self, coef, l2_reg_strength, fit_intercept):
        n_labels, n_dof = coef.shape
        self.coef = np.array(coef, dtype=np.float64)
        self.fit_intercept = fit_intercept
        prior = np.repeat(np.asarray(l2_reg_strength, float)[:, None], n_dof, axis=1)
        if fit_intercept:
            prior[:, -1] = 0
        self.full = n_labels * n_dof**2 <= self.max_entries
        if self.full:
            self.curvature = prior[:, :, None] * np.eye(n_dof)
        else:
            self.curvature = prior

    def _batch(self, X, Y, sample_weight, pos_weight, coef):
        raw = block_raw(X, coef, self.fit_intercept)
        (_, gradient, _), hessian_weights = block_gradient_hessian(
            X, Y, raw, sample_weight, pos_weight, self.fit_intercept
        )
        return gradient, hessian_weights

    def _batch_curvature(self, X, hessian_weights):
        X1 = X.toarray() if hasattr(X, "toarray") else np.asarray(X)
        X1 = X1.astype(np.float64)
        if self.fit_intercept:
            X1 = np.hstack([X1, np.ones((X1.shape[0], 1))])
        weights = hessian_weights.astype(np.float64).T
        if self.full:
            return np.einsum("ki,ij,il->kjl", weights, X1, X1, optimize=True)
        return weights @ (X1 * X1)

    def update(self, X, Y, sample_weight, pos_weight, unseen_weight=0.0):
        """Add one batch (rows ``X``, targets ``Y``, raw weights ``sample_weight``).

        One stochastic Newton step: ``m <- m - t (A + H_b(m))^{-1} g_b(m)``, with
        ``t`` halved until the batch model decreases, then ``A <- A + H_b(m)``.

        ``unseen_weight``: total weight of data that shaped ``m`` but whose
        curvature ``A`` lacks (the data of a previous ``fit``); its curvature is
        estimated from this batch, ``A += unseen_weight / batch_weight * H_b(m)``,
        the batch standing for the data the model was fitted on.
        """
        centre = self.coef
        gradient, hessian_weights = self._batch(X, Y, sample_weight, pos_weight, centre)
        batch_curvature = self._batch_curvature(X, hessian_weights)
        if unseen_weight > 0 and sample_weight.sum() > 0:
            self.curvature = (
                self.curvature + (unseen_weight / sample_weight.sum()) * batch_curvature
            )
        curvature = self.curvature + batch_curvature
        if self.full:
            step = -np.stack(
                [
                    scipy.linalg.solve(h, g, assume_a="pos")
                    for h, g in zip(curvature, gradient)
                ]
            )
        else:
            step = -gradient / np.maximum(curvature, np.finfo(float).tiny)
        self.coef = centre + self._damped(X, Y, sample_weight, pos_weight, centre, step)
        self.curvature = curvature
        return self.coef

    def _damped(self, X, Y, sample_weight, pos_weight, centre, step):
        """Per-label backtracking on the batch model, returning the taken steps."""

        def model(c):
            raw = block_raw(X, c, self.fit_intercept)
            loss = sample_weight @ _binary.loss(Y, raw, pos_weight).astype(float)
            delta = c - centre
            if self.full:
                quad = np.einsum("ki,kij,kj->k", delta, self.curvature, delta)
            else:
                quad = np.einsum("ki,ki,ki->k", delta, self.curvature, delta)
            return loss + 0.5 * quad

        start = model(centre)
        scale = np.ones(centre.shape[0])
        for _ in range(_MAX_LINE_SEARCH):
            worse = model(centre + scale[:, None] * step) > start
            if not worse.any():
                break
            scale[worse] *= 0.5
        else:
            scale[worse] = 0
        return scale[:, None] * step
