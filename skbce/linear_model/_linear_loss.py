"""Linear-model objectives: a per-row loss of linear predictors, summed, plus L2.

Each objective is stateless: it holds the data (a row pass of
:mod:`._row_passes`, in memory or on dask) and the model's constants, and
answers the questions of the solvers of :mod:`._newton_solver` (``point``,
``line``, ``line_values``, ``step``, ``restrict`` and, when Hessian-free,
``hessian_product``) with new values. What a point needs to be reused (logits,
Hessian weights) travels in :attr:`Point.state`, where the rows are.

Conventions (as scikit-learn's ``LinearModelLoss``)
-------------------------------------------------
- Parameters of ``k`` independent problems are an array ``coef`` (k, p) in
  float64. For a linear predictor the intercept, if any, is the last of its
  columns.
- The objective of a problem is the sample-weighted *mean* loss plus
  ``l2 / 2 * ||w||^2`` over the coefficients ``w`` (not the intercepts nor the
  loss's extra parameters): sample weights are divided by their sum ``S`` once,
  so that ``tol`` does not depend on ``n``. A user-facing penalty
  ``||w||^2 / (2 C)`` on a *summed* loss is ``l2 = 1 / (C S)``.

:class:`MultiLabelLinearLoss`: ``L`` labels sharing X, Hessian-free (the
Hessian of the sum over labels is block-diagonal; each block is the Hessian of
one label). :class:`LinearModelLoss`: one problem of a few parameters, with
dense Hessians, for any loss of :mod:`skbce._loss.loss` (several linear
predictors and extra parameters allowed). :class:`PerLabelScaleLoss`: one
scale per label of given logits (temperature scaling).
"""

import functools

import numpy as np

from .._loss.loss import BinaryLoss
from . import _row_kernels as kernels
from ._newton_solver import Point, replaced
from ._row_passes import InMemoryRowPass

# The preconditioner mixes the diagonal with its mean (Hsia, Chiang and Lin,
# 2018, mix the diagonal with the identity): at tol=1e-6 on enron and
# OHSUMED-F, 0.1 needs the fewest CG steps of 0.01, 0.1 and 1 (3689 and 1452
# label-products, against 3593/1569 and 4970/1622). The pure diagonal (1)
# costs a third more on binary features; any mix scales a feature of scale 1e12
# as it should.
_MIX = 0.1


def _l2_penalty(l2, weights):
    return 0.5 * l2 * np.einsum("ij,ij->i", weights, weights)


class MultiLabelLinearLoss:
    """Penalised BCE of ``L`` labels sharing ``X``: ``L`` independent problems.

    Parameters
    ----------
    rows : InMemoryRowPass or DaskRowPass
        Multi-label blocks (see :mod:`._row_kernels`).
    l2_reg_strength : ndarray of shape (L,)
    pos_weight : ndarray of shape (L,) or None
    n_features : int
    fit_intercept : bool
    column_squared_norms : ndarray of shape (p,), default=None
        Weighted squared norms of the columns of ``[X, 1]`` (computed from the
        rows when None), for :meth:`preconditioner`.

    Notes
    -----
    A point's ``state`` is ``(row_state, curvature)``: the per-row logits and
    Hessian weights, where the rows are, and each label's sum of Hessian
    weights ``c_k = sum_i s_i h_ik``.
    """

    def __init__(
        self,
        rows,
        l2_reg_strength,
        pos_weight,
        n_features,
        fit_intercept,
        column_squared_norms=None,
    ):
        self.rows = rows
        self.l2_reg_strength = np.asarray(l2_reg_strength, dtype=np.float64)
        self.pos_weight = pos_weight
        self.n_features = n_features
        self.fit_intercept = fit_intercept
        if column_squared_norms is None:
            column_squared_norms = rows.reduce(kernels.column_squared_norms_kernel)
        self.column_squared_norms = column_squared_norms

    @classmethod
    def in_memory(
        cls,
        X,
        Y,
        sample_weight,
        l2_reg_strength,
        pos_weight,
        fit_intercept,
        hessian_dtype=None,
    ):
        """The objective of in-memory data (``sample_weight`` summing to 1).

        Equal weights scale the reductions once instead of every element;
        ``hessian_dtype`` (None: X's) is the dtype of the Hessian products.
        """
        equal = X.shape[0] > 0 and bool((sample_weight == sample_weight[0]).all())
        block = kernels.multilabel_block(
            X,
            Y,
            None if equal else sample_weight,
            pos_weight=pos_weight,
            fit_intercept=fit_intercept,
            scale=float(sample_weight[0]) if equal else None,
            hessian_dtype=hessian_dtype,
        )
        return cls(
            InMemoryRowPass(block),
            l2_reg_strength,
            pos_weight,
            X.shape[1],
            fit_intercept,
        )

    # -- penalty -------------------------------------------------------------

    def _weights(self, coef):
        return coef[:, : self.n_features]

    def _penalised(self, coef, loss, gradient):
        weights = self._weights(coef)
        value = loss + _l2_penalty(self.l2_reg_strength, weights)
        gradient[:, : self.n_features] += self.l2_reg_strength[:, None] * weights
        return value, gradient

    # -- the solver protocol -------------------------------------------------

    def point(self, coef, order):
        state, (loss, gradient, curvature) = self.rows.map(
            kernels.point_kernel, coef=coef, order=order
        )
        value, gradient = self._penalised(coef, loss, gradient)
        return Point(coef, value, gradient, state=(state, curvature))

    def line(self, point, direction):
        return direction, self.rows.apply(kernels.direction_kernel, direction=direction)

    def line_values(self, point, line, steps):
        direction, direction_logits = line
        loss = self.rows.reduce(
            kernels.line_kernel, point.state[0], direction_logits, steps=steps
        )
        coef = point.coef + steps[:, None] * direction
        return loss + _l2_penalty(self.l2_reg_strength, self._weights(coef))

    def step(self, point, line, steps, order):
        direction, direction_logits = line
        state, (loss, gradient, curvature) = self.rows.map(
            kernels.step_kernel,
            point.state[0],
            direction_logits,
            steps=steps,
            order=order,
        )
        coef = point.coef + steps[:, None] * direction
        value, gradient = self._penalised(coef, loss, gradient)
        return Point(coef, value, gradient, state=(state, curvature))

    def restrict_line(self, line, keep):
        labels = np.flatnonzero(keep)
        direction, direction_logits = line
        return direction[labels], self.rows.map_state(
            kernels.take_columns, direction_logits, labels=labels
        )

    def merge(self, point, part, problems):
        labels = np.flatnonzero(problems)
        row_state = self.rows.map_state(
            kernels.put_state, point.state[0], part.state[0], labels=labels
        )
        curvature = replaced(point.state[1], labels, part.state[1])
        return point.put(labels, part, (row_state, curvature))

    def hessian_product(self, point, V, problems):
        """Hessian-vector products ``H_k V_k`` of the ``problems`` (indices)."""
        product = self.rows.reduce(
            kernels.hessian_product_kernel, point.state[0], V=V, columns=problems
        )
        product[:, : self.n_features] += (
            self.l2_reg_strength[problems, None] * V[:, : self.n_features]
        )
        return product

    def preconditioner(self, point):
        """A diagonal preconditioner of each label's Hessian (k, p).

        ``c_k G_jj + l2_k`` is the diagonal of the Hessian were the label's
        Hessian weights constant (``G_jj`` the weighted squared norm of column
        ``j`` of ``[X, 1]``, ``c_k`` the label's summed Hessian weights): the
        scale of each coefficient, which makes CG indifferent to the scale of
        the features. ``G_jj`` is mixed with the median ``t`` of the norms,
        ``min((1 - a) t + a G_jj, G_jj / a)`` with ``a = 0.1``: the many
        comparable columns of binary data keep an almost unscaled CG (a pure
        diagonal costs a third more steps on them), while no column is scaled
        more than ``1 / a`` beyond its own norm, so that a feature of scale
        1e30 leaves the others, and the intercept, their scale.
        """
        curvature = point.state[1][:, None]
        own = self.column_squared_norms
        mixed = np.minimum((1 - _MIX) * np.median(own) + _MIX * own, own / _MIX)
        diagonal = curvature * mixed
        diagonal[:, : self.n_features] += self.l2_reg_strength[:, None]
        return np.where(diagonal > 0, diagonal, 1.0)

    def restrict(self, point, keep):
        labels = np.flatnonzero(keep)
        pos_weight = None if self.pos_weight is None else self.pos_weight[labels]
        rows = self.rows.derive(
            kernels.take_labels,
            labels=labels,
            loss=BinaryLoss(pos_weight=pos_weight),
        )
        objective = type(self)(
            rows,
            self.l2_reg_strength[labels],
            pos_weight,
            self.n_features,
            self.fit_intercept,
            self.column_squared_norms,
        )
        if point is None:
            return objective, None
        row_state, curvature = point.state
        state = self.rows.map_state(kernels.take_state, row_state, labels=labels)
        return objective, point.take(labels, (state, curvature[labels]))


class _DenseObjective:
    """What the objectives with dense Hessians share: a line search recomputes
    its points (nothing per row is worth keeping), and a restriction is the
    objective of the kept problems (:meth:`_restricted`) with their point."""

    def line(self, point, direction):
        return direction

    def step(self, point, line, steps, order):
        return self.point(point.coef + steps[:, None] * line, order)

    def restrict_line(self, line, keep):
        return line[keep]

    def merge(self, point, part, problems):
        return point.put(problems, part)

    def restrict(self, point, keep):
        objective = self._restricted(keep)
        return objective, None if point is None else point.take(keep)


def _as_dtype(array, dtype):
    return None if array is None else np.asarray(array).astype(dtype, copy=False)


class LinearModelLoss(_DenseObjective):
    """Mean weighted loss of a linear model plus an L2 penalty: one problem.

    Parameters
    ----------
    rows : InMemoryRowPass or DaskRowPass
        Linear-model blocks (see :mod:`._row_kernels`); their targets are
        prepared by ``loss`` here.
    loss : BaseLoss
    predictors : list of (columns, fit_intercept)
        One per linear predictor of ``loss``: the columns of X it uses (None:
        all) and whether it has an intercept.
    n_columns : int
        Number of columns of X.
    alpha : float
        L2 penalty strength on the coefficients (not the intercepts, not the
        loss's extra parameters).
    """

    def __init__(self, rows, loss, predictors, n_columns, alpha):
        self.rows = rows.derive(kernels.prepare_target_kernel, loss=loss)
        self.loss = loss
        self.predictors = [
            (None if columns is None else np.asarray(columns), bool(intercept))
            for columns, intercept in predictors
        ]
        self.alpha = alpha
        self.weight_sum = float(rows.reduce(kernels.weight_sum_kernel))
        penalised = []
        for columns, intercept in self.predictors:
            width = n_columns if columns is None else columns.size
            penalised += [True] * width + [False] * intercept
        penalised += [False] * loss.n_extra
        self.penalised = np.array(penalised)
        self.n_params = self.penalised.size

    def _sums(self, params, order):
        return self.rows.reduce(
            kernels.glm_sums_kernel,
            params=params,
            loss=self.loss,
            predictors=self.predictors,
            order=order,
        )

    def value(self, params):
        """Objective value at the parameters (d,)."""
        weights = params[self.penalised]
        total = self._sums(params, 0)
        return total / self.weight_sum + 0.5 * self.alpha * (weights @ weights)

    def point(self, coef, order):
        params = coef[0]
        weights = params[self.penalised]
        total, gradient, *hessian = self._sums(params, max(order, 1))
        value = total / self.weight_sum + 0.5 * self.alpha * (weights @ weights)
        gradient = gradient / self.weight_sum
        gradient[self.penalised] += self.alpha * weights
        if hessian:
            hessian = hessian[0] / self.weight_sum
            index = np.flatnonzero(self.penalised)
            hessian[index, index] += self.alpha
            hessian = hessian[None]
        else:
            hessian = None
        return Point(coef, np.array([value]), gradient[None], hessian)

    def line_values(self, point, line, steps):
        return np.array([self.value(point.coef[0] + steps[0] * line[0])])

    def _restricted(self, keep):
        return self  # one problem


class PerLabelScaleLoss(_DenseObjective):
    """Weighted mean BCE of ``beta_k * logits[:, k]`` per label: one scale each.

    The objective of temperature scaling (``beta = 1 / T``): ``k`` problems of
    one parameter, dense (1 x 1) Hessians.

    Parameters
    ----------
    logits : ndarray of shape (n, k)
    Y : ndarray of shape (n, k)
        0/1 targets.
    sample_weight : ndarray of shape (n,)
        Normalised to sum to 1.
    """

    def __init__(self, logits, Y, sample_weight):
        self.logits = logits
        self.Y = Y
        self.sample_weight = sample_weight
        self.loss = BinaryLoss()

    def _evaluate(self, beta, order):
        """Values (k,) and, for ``order >= 1``, first and second derivatives in
        beta (k,), from the element-wise work on row chunks in cache."""
        k = self.logits.shape[1]
        sums = np.zeros((3, k))
        for rows in kernels.row_chunks(*self.logits.shape):
            z, y, w = self.logits[rows], self.Y[rows], self.sample_weight[rows]
            raw = z * beta
            if order == 0:
                sums[0] += w @ self.loss.loss(y, raw)
                continue
            values, gradient, hessian = self.loss.loss_gradient_hessian(y, raw)
            sums[0] += w @ values
            gradient *= z
            sums[1] += w @ gradient
            hessian *= z
            hessian *= z
            sums[2] += w @ hessian
        return sums[0] if order == 0 else tuple(sums)

    def point(self, coef, order):
        value, gradient, hessian = self._evaluate(coef[:, 0], 2)
        return Point(coef, value, gradient[:, None], hessian[:, None, None])

    def line_values(self, point, line, steps):
        return self._evaluate(point.coef[:, 0] + steps * line[:, 0], 0)

    def _restricted(self, keep):
        return PerLabelScaleLoss(
            self.logits[:, keep], self.Y[:, keep], self.sample_weight
        )


class OnlineBatchLoss(_DenseObjective):
    """The model one step of ``partial_fit`` minimises: a batch plus the past.

    Per label, the summed (weighted) BCE of the batch plus the quadratic
    summary of everything before it,
    ``(w - centre)' A (w - centre) / 2 + b' (w - centre)``, with ``A`` the
    accumulated curvature plus the prior and ``b`` the gradient there (see
    :class:`~skbce.linear_model.MultiLabelLogisticClassifier.partial_fit`).
    Hessians are dense ``(k, p, p)`` when ``curvature`` is, else diagonal
    ``(k, p)``.

    Parameters
    ----------
    X : {ndarray, sparse matrix} of shape (n, d)
    Y : ndarray of shape (n, k)
        Prepared targets, in X's dtype.
    sample_weight : ndarray of shape (n,)
        Raw (not normalised) weights.
    pos_weight : ndarray of shape (k,) or None
    fit_intercept : bool
    centre : ndarray of shape (k, p)
    curvature : ndarray of shape (k, p, p) or (k, p)
    slope : ndarray of shape (k, p), default=None
        ``b``; None for zero.
    """

    def __init__(
        self,
        X,
        Y,
        sample_weight,
        pos_weight,
        fit_intercept,
        centre,
        curvature,
        slope=None,
    ):
        self.X = X
        self.Y = Y
        self.sample_weight = sample_weight
        self.pos_weight = pos_weight
        self.loss = BinaryLoss(pos_weight=_as_dtype(pos_weight, X.dtype))
        self.fit_intercept = fit_intercept
        self.centre = centre
        self.curvature = curvature
        self.slope = np.zeros_like(centre) if slope is None else slope

    @functools.cached_property
    def _design(self):
        """The batch's design ``[X, 1]`` as a dense float64 array (built once)."""
        X = self.X.toarray() if hasattr(self.X, "toarray") else np.asarray(self.X)
        return kernels.predictor_design(X.astype(np.float64), None, self.fit_intercept)

    def _prior(self, coef):
        delta = coef - self.centre
        if self.curvature.ndim == 3:
            pulled = np.einsum("kij,kj->ki", self.curvature, delta)
        else:
            pulled = self.curvature * delta
        value = np.einsum("ki,ki->k", delta, 0.5 * pulled + self.slope)
        return value, pulled + self.slope

    def point(self, coef, order):
        raw = kernels.linear_predictor(self.X, coef, self.fit_intercept)
        values, gradient, hessian = self.loss.loss_gradient_hessian(self.Y, raw)
        w = self.sample_weight
        prior, pulled = self._prior(coef)
        value = w @ values.astype(np.float64) + prior
        gradient = kernels.transpose_product(
            self.X, gradient * w[:, None].astype(gradient.dtype), self.fit_intercept
        )
        gradient += pulled
        weights = (hessian.astype(np.float64) * w[:, None]).T
        design = self._design
        if self.curvature.ndim == 3:
            batch = np.einsum("ki,ij,il->kjl", weights, design, design, optimize=True)
        else:
            batch = weights @ (design * design)
        return Point(coef, value, gradient, self.curvature + batch)

    def line_values(self, point, line, steps):
        coef = point.coef + steps[:, None] * line
        raw = kernels.linear_predictor(self.X, coef, self.fit_intercept)
        values = self.loss.loss(self.Y, raw).astype(np.float64)
        return self.sample_weight @ values + self._prior(coef)[0]

    def _restricted(self, keep):
        return OnlineBatchLoss(
            self.X,
            self.Y[:, keep],
            self.sample_weight,
            None if self.pos_weight is None else self.pos_weight[keep],
            self.fit_intercept,
            self.centre[keep],
            self.curvature[keep],
            self.slope[keep],
        )
