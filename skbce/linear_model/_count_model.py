"""What the count models share: input checks, column selection, Newton fits of
linear parts, predictions of the pmf, the D² score and the inference methods.

:class:`CountRegressor` is the base of :class:`~skbce.HurdleRegressor` and
:class:`~skbce.ZeroInflatedRegressor`. A subclass fits its parts (each a
:class:`~._count_inference.FittedPart`) and describes its built-in likelihood
parts jointly as a :class:`~._count_inference.LikelihoodFit`; the base class
turns that into covariances (``cov_type``), coefficient tables, confidence
intervals, per-row log-likelihoods and average marginal effects.
"""

import functools
import warnings
from dataclasses import dataclass
from numbers import Integral, Real

import numpy as np
import pandas as pd
from scipy.special import xlogy
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.exceptions import ConvergenceWarning, UndefinedMetricWarning
from sklearn.utils.validation import check_array, check_is_fitted, validate_data

from ..utils._dask import (
    any_dask,
    check_dask_rows,
    check_dask_X,
    is_dask_collection,
    map_rows,
)
from ..utils._sklearn_compat import Interval, StrOptions, _check_sample_weight
from ..utils._validation import AtomicSetParamsMixin, positions_by_name
from . import _row_kernels as kernels
from ._count_inference import (
    COV_DESCRIPTIONS,
    COV_TYPES,
    coef_table,
    covariance,
    inverse,
    marginal_effects,
    wald_frame,
)
from ._linear_loss import LinearModelLoss
from ._newton_solver import NewtonCholeskySolver
from ._row_passes import InMemoryRowPass, dask_row_pass


class NoZerosWarning(UserWarning):
    """Warning raised when a count model is fitted on a target without zeros.

    Without zeros the part that models them has nothing to learn: a hurdle
    model sets P(y = 0) to 0 and fits its zero-truncated count part alone; a
    zero-inflated model sets the probability of a structural zero to 0 and fits
    its count distribution alone.

    See Also
    --------
    HurdleRegressor : A model that raises it.
    ZeroInflatedRegressor : A model that raises it.

    Examples
    --------
    >>> import warnings
    >>> import numpy as np
    >>> from skbce import HurdleRegressor
    >>> from skbce.linear_model import NoZerosWarning
    >>> X = np.arange(10.0).reshape(-1, 1)
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     model = HurdleRegressor().fit(X, np.arange(1, 11))
    >>> any(issubclass(w.category, NoZerosWarning) for w in caught)
    True
    """


def check_numeric_target(y, estimator_name):
    """Refuse a target that is not made of numbers, before it reaches NumPy."""
    values = np.asarray(y)
    if values.dtype.kind in "biufc":  # complex: refused by validate_data
        return
    if values.dtype.kind == "O":
        try:
            values.astype(np.float64)
            return
        except (TypeError, ValueError):
            pass
    raise ValueError(
        f"{estimator_name} requires y to hold non-negative counts (numbers); got "
        f"values of dtype {values.dtype} that are not numbers. Encode the target "
        "as numbers, e.g. with pandas.to_numeric(y)."
    )


# ---------------------------------------------------------------------------
# Row-block passes of the fit (one block in memory, one per row chunk for dask)
# ---------------------------------------------------------------------------


@dataclass
class TargetStats:
    """Summaries of the target and the weights, added up over row blocks."""

    min_y: float
    max_y: float  # among rows with positive weight
    n_positive: int  # rows with y > 0 and positive weight
    n_zero: int  # rows with y == 0 and positive weight
    weight_sum: float
    positive_weight: float  # sum of the weights of the rows with y > 0
    min_weight: float

    @classmethod
    def of_block(cls, block):
        y, sample_weight = block["y"], block["w"]
        present = sample_weight > 0
        positive = y > 0
        return cls(
            float(y.min()) if y.size else np.inf,
            float(y[present].max()) if present.any() else -np.inf,
            int(np.count_nonzero(positive & present)),
            int(np.count_nonzero((y == 0) & present)),
            float(sample_weight.sum()),
            float(sample_weight @ positive),
            float(sample_weight.min()) if y.size else np.inf,
        )

    @classmethod
    def reduce(cls, parts):
        parts = list(parts)
        return cls(
            min(p.min_y for p in parts),
            max(p.max_y for p in parts),
            sum(p.n_positive for p in parts),
            sum(p.n_zero for p in parts),
            sum(p.weight_sum for p in parts),
            sum(p.positive_weight for p in parts),
            min(p.min_weight for p in parts),
        )


def make_block(X, y, sample_weight, offset, groups=None):
    """A block of rows of a count model (see :mod:`._row_kernels`)."""
    return {"X": X, "y": y, "w": sample_weight, "offset": offset, "groups": groups}


def count_exposure_sums(block):
    """``[sum w * y, sum w * exposure]`` of a block (offset (n,) or (n, 1))."""
    y, sample_weight, offset = block["y"], block["w"], block["offset"]
    exposure = np.ones_like(y) if offset is None else np.exp(offset.reshape(-1))
    return np.array([sample_weight @ y, sample_weight @ exposure])


def poisson_moment_sums(block, params, fit_intercept):
    """``[sum w ((y - mu)**2 - mu), sum w mu**2]`` at Poisson ``params``."""
    X, y, sample_weight, offset = block["X"], block["y"], block["w"], block["offset"]
    n_features = X.shape[1]
    raw = X @ params[:n_features]
    if fit_intercept:
        raw = raw + params[n_features]
    if offset is not None:
        raw = raw + offset.reshape(-1)
    mu = np.exp(raw)
    return np.array([sample_weight @ ((y - mu) ** 2 - mu), sample_weight @ mu**2])


def cluster_presence(block, n_groups):
    """Per cluster code: whether it has rows of positive weight, (2, n_groups):
    all rows, and the rows with y > 0."""
    present = block["w"] > 0
    groups = block["groups"]
    return np.stack(
        [
            np.bincount(groups[present], minlength=n_groups) > 0,
            np.bincount(groups[present & (block["y"] > 0)], minlength=n_groups) > 0,
        ]
    ).astype(np.int64)


def on_rows(func, X, *row_args, n_columns=None):
    """``func(X, *row_args)``, lazily chunk by chunk when X is a dask array."""
    if is_dask_collection(X):
        return map_rows(func, X, *row_args, n_columns=n_columns)
    return func(X, *row_args)


def _group_codes(groups, X):
    """Integer codes of the cluster labels ``groups`` and their number."""
    if is_dask_collection(groups) or is_dask_collection(X):
        import dask.array as da

        groups = check_dask_rows(groups, X, "groups", dtype=None)
        labels = np.unique(da.unique(groups).compute())
        codes = groups.map_blocks(
            functools.partial(np.searchsorted, labels), dtype=np.intp
        )
        return codes, labels.size
    groups = np.asarray(groups)
    if groups.ndim != 1 or groups.shape[0] != X.shape[0]:
        raise ValueError(
            f"groups must have shape ({X.shape[0]},), one cluster label per sample; "
            f"got shape {groups.shape}."
        )
    labels, codes = np.unique(groups, return_inverse=True)
    return codes.reshape(-1), labels.size


# ---------------------------------------------------------------------------
# Summaries
# ---------------------------------------------------------------------------


class CountModelSummary:
    """Coefficient tables and fit statistics of a fitted count model.

    The base of :class:`HurdleSummary` and :class:`ZeroInflatedSummary`: its
    ``repr`` prints the tables as R's pscl does (count part first), then the
    statistics, the kind of standard errors and any notes.
    """

    def __init__(self, tables, stats, cov_type="nonrobust", notes=()):
        self._tables = tables  # [(header, frame or None, why missing)]
        self.stats = stats
        self.cov_type = cov_type
        self.notes = tuple(notes)

    def __repr__(self):
        lines = []
        for header, frame, missing in self._tables:
            lines.append(f"{header}:")
            if frame is None:
                lines.append(f"  ({missing}: no coefficient table)")
            else:
                lines.append(frame.to_string(float_format=lambda v: f"{v:.6g}"))
            lines.append("")
        lines += [
            self.stats.to_string(float_format=lambda v: f"{v:.6g}"),
            f"Standard errors: {COV_DESCRIPTIONS[self.cov_type]}.",
            *(f"Note: {note}" for note in self.notes),
        ]
        return "\n".join(lines)


# ---------------------------------------------------------------------------
# The base estimator
# ---------------------------------------------------------------------------


@dataclass
class NewtonFit:
    """A linear part fitted by :meth:`CountRegressor._newton`."""

    params: np.ndarray
    hessian: np.ndarray  # of the summed weighted negative log-likelihood + penalty
    n_iter: int
    loglik: float


class CountRegressor(AtomicSetParamsMixin, RegressorMixin, BaseEstimator):
    """Base class of the count models (see the module docstring).

    Subclasses set ``_FEATURE_PARAMS`` (per column-selection parameter, the
    parameter naming its part's model and what an empty selection without
    intercept would fix) and implement ``_fit``, ``_mean``, ``_zero_proba``,
    ``_pmf``, ``_loglik_rows`` and ``_likelihood_fit``.
    """

    _parameter_constraints: dict = {
        "count_features": ["array-like", None],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "fit_intercept": ["boolean"],
        "tol": [Interval(Real, 0, None, closed="neither")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "cov_type": [StrOptions(set(COV_TYPES))],
    }
    _FEATURE_PARAMS: dict = {}

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.positive_only = True
        return tags

    # -- input checks ------------------------------------------------------

    def _builtin_count(self):
        """Whether the count part is a built-in distribution (takes an offset)."""
        return True

    def _validate_fit(self, X, y, sample_weight, offset, groups):
        """Validated rows of the fit (a row pass), their statistics and, for
        in-memory inputs, the arrays; ``n_groups`` for clusters."""
        name = type(self).__name__
        if groups is not None and self.cov_type != "cluster":
            raise ValueError(
                f"groups is used by cov_type='cluster' only, but cov_type="
                f"{self.cov_type!r}. Set cov_type='cluster' for cluster-robust "
                "standard errors, or drop groups."
            )
        if groups is None and self.cov_type == "cluster":
            raise ValueError(
                "cov_type='cluster' needs the cluster of every sample: call "
                "fit(X, y, groups=...)."
            )
        if any_dask(X, y, sample_weight, offset, groups):
            X, y, sample_weight, offset = self._validate_dask_fit(
                X, y, sample_weight, offset
            )
            codes, n_groups = (None, None)
            if groups is not None:
                codes, n_groups = _group_codes(groups, X)
            rows = dask_row_pass(
                make_block,
                X,
                y,
                sample_weight,
                offset,
                codes,
                names=("X", "y", "sample_weight", "offset", "groups"),
            )
            arrays = None
        else:
            check_numeric_target(y, name)
            X, y = validate_data(self, X, y, dtype=np.float64, y_numeric=True)
            sample_weight = _check_sample_weight(
                sample_weight, X, dtype=np.float64, ensure_non_negative=True
            )
            offset = self._check_offset(offset, X.shape[0])
            codes, n_groups = (None, None)
            if groups is not None:
                codes, n_groups = _group_codes(groups, X)
            rows = InMemoryRowPass(make_block(X, y, sample_weight, offset, codes))
            arrays = (X, y, sample_weight)
        stats = TargetStats.reduce(rows.gather(TargetStats.of_block))
        if stats.min_weight < 0:
            raise ValueError(
                "Negative values in sample_weight are not allowed; weights are "
                "frequency weights (>= 0)."
            )
        if stats.min_y < 0:
            raise ValueError(
                f"{name} requires non-negative counts y; got min(y) = "
                f"{stats.min_y:g}. Shift or drop the negative targets."
            )
        return rows, stats, arrays, n_groups

    def _validate_dask_fit(self, X, y, sample_weight, offset):
        """Chunk-wise validation of dask inputs."""
        X = check_dask_X(self, X, reset=True, dtype=np.float64)
        y = check_dask_rows(y, X, "y")
        if sample_weight is None:
            sample_weight = y.map_blocks(np.ones_like)
        else:  # negative weights are refused with the target statistics
            sample_weight = check_dask_rows(sample_weight, X, "sample_weight")
        if offset is not None:
            offset = check_dask_rows(offset, X, "offset")
        return X, y, sample_weight, offset

    def _check_offset(self, offset, n_samples):
        if offset is None:
            return None
        if not self._builtin_count():
            raise ValueError(
                "offset is only supported by the built-in count parts "
                "(count_model='poisson' or 'negbin'); a custom regressor must take "
                "the exposure as a feature."
            )
        offset = check_array(offset, ensure_2d=False, dtype=np.float64)
        if offset.shape != (n_samples,):
            raise ValueError(
                f"offset must have shape ({n_samples},), one value per sample; "
                f"got shape {offset.shape}."
            )
        return offset

    def _feature_indices(self, spec, param):
        """Column indices selected by a ``*_features`` parameter.

        Names (X a DataFrame), integer indices or a boolean mask of length
        ``n_features_in_``, as scikit-learn's column selectors take them.
        """
        n_features = self.n_features_in_
        if spec is None:
            return np.arange(n_features)
        items = list(np.atleast_1d(np.asarray(spec, dtype=object)))
        if items and all(isinstance(item, (bool, np.bool_)) for item in items):
            if len(items) != n_features:
                raise ValueError(
                    f"{param} as a boolean mask must have one entry per column of "
                    f"X ({n_features}); got {len(items)}."
                )
            indices = np.flatnonzero(np.asarray(items, dtype=bool))
        elif all(isinstance(item, str) for item in items) and items:
            indices = self._named_indices(items, param)
        elif all(
            isinstance(item, Integral) and not isinstance(item, (bool, np.bool_))
            for item in items
        ):
            indices = np.asarray(items, dtype=np.intp)
            if np.any((indices < -n_features) | (indices >= n_features)):
                raise ValueError(
                    f"{param} has index out of range for X with {n_features} "
                    f"columns: {spec!r}."
                )
            indices = indices % n_features if n_features else indices
        else:
            raise ValueError(
                f"{param} must select columns by name (str), by integer index or "
                f"by a boolean mask of length n_features, one kind only; got "
                f"{spec!r}."
            )
        self._check_part_has_parameters(indices, param)
        return indices

    def _named_indices(self, names, param):
        """Column indices of feature names, checked against ``feature_names_in_``."""
        known = getattr(self, "feature_names_in_", None)
        if known is None:
            raise ValueError(
                f"{param} selects columns by name, but X has no feature names. "
                "Pass X as a pandas DataFrame or select columns by integer index."
            )
        positions, unknown = positions_by_name(names, known)
        if unknown:
            raise ValueError(
                f"{param} has unknown feature name(s) {unknown}; the columns of "
                f"X are {list(known)}."
            )
        return np.array(positions, dtype=np.intp)

    def _check_part_has_parameters(self, indices, param):
        """Refuse a built-in part left with nothing to estimate.

        No column and no intercept would fix the part's probability at F(0)
        (1/2 for the logit) or the count mean at exp(offset), silently.
        """
        model_param, fixed = self._FEATURE_PARAMS[param]
        model = getattr(self, model_param)
        if indices.size or self.fit_intercept or not isinstance(model, str):
            return
        raise ValueError(
            f"{param} selects no column and fit_intercept=False: the {model!r} "
            f"part would have no parameter and fix {fixed} instead of fitting it. "
            f"Select at least one column in {param} or set fit_intercept=True."
        )

    def _validate_predict(self, X, offset):
        check_is_fitted(self)
        if offset is not None and not self._builtin_count():
            raise ValueError(
                "offset is only supported by the built-in count parts; this "
                "model's count part is a custom regressor."
            )
        if any_dask(X, offset):
            X = check_dask_X(self, X, reset=False, dtype=np.float64)
            if offset is not None:
                offset = check_dask_rows(offset, X, "offset")
            return X, offset
        X = validate_data(self, X, reset=False, dtype=np.float64)
        return X, self._check_offset(offset, X.shape[0])

    def _terms(self, indices, extra=()):
        """Names of a built-in part's parameters, in their stored order."""
        names = getattr(self, "feature_names_in_", None)
        terms = [f"x{i}" if names is None else str(names[i]) for i in indices]
        return terms + ["(Intercept)"] * self.fit_intercept + list(extra)

    # -- fitting -----------------------------------------------------------

    def _newton(self, loss, rows, predictors, n_columns, x0, *, name, tol=None):
        """Fit a linear model of ``loss`` by the Newton driver.

        Returns a :class:`NewtonFit`; warns (``ConvergenceWarning``) when the
        driver stops before ``tol``.
        """
        rows = rows.derive(kernels.with_designs_kernel, predictors=predictors)
        objective = LinearModelLoss(rows, loss, predictors, n_columns, self.alpha)
        tol = tol or self.tol
        result = NewtonCholeskySolver(tol=tol, max_iter=self.max_iter).solve(
            objective, x0[None]
        )
        if not result.converged[0]:
            warnings.warn(
                f"{name} did not converge within max_iter={self.max_iter} Newton "
                f"steps (tol={tol:g}, on the Newton decrement). Increase max_iter, "
                "loosen tol, scale the features or add an L2 penalty (alpha).",
                ConvergenceWarning,
                stacklevel=4,
            )
        params = result.coef[0]
        weights = params[objective.penalised]
        weight_sum = objective.weight_sum
        return NewtonFit(
            params=params,
            hessian=result.hessian[0] * weight_sum,
            n_iter=int(result.n_iter[0]),
            # The objective is the mean loss plus the penalty: undo both.
            loglik=float(
                -(result.value[0] - 0.5 * self.alpha * (weights @ weights)) * weight_sum
            ),
        )

    def _null_log_mean(self, rows):
        """log of the mean count per unit of exposure (the null count model)."""
        total, exposure = rows.reduce(count_exposure_sums)
        return np.log(total / exposure)

    def _set_covariance(self, fit, bread, rows, n_groups, corrections):
        """Compute ``fit.cov`` of type ``cov_type`` on the training rows.

        ``corrections``: per likelihood, ``(parameter slice, n_obs, rows)``
        with ``rows`` 0 if its observations are all rows, 1 if the rows with
        y > 0 (whose clusters it counts).
        """
        fit.cov_type = self.cov_type
        if self.cov_type == "nonrobust":  # no pass over the rows
            fit.cov = bread
            return
        n_clusters = [None] * len(corrections)
        if self.cov_type == "cluster":
            presence = rows.reduce(cluster_presence, n_groups=n_groups)
            counts = (presence > 0).sum(axis=1)
            n_clusters = [counts[kind] for _, _, kind in corrections]
            if min(n_clusters) < 2:
                raise ValueError(
                    "cov_type='cluster' needs at least 2 clusters among the "
                    f"observations of each part; got {min(n_clusters)}."
                )
        fit.cov = covariance(
            fit,
            bread,
            rows.derive(_joint_block, fit=fit),
            self.cov_type,
            [
                (params_slice, n, clusters)
                for (params_slice, n, _), clusters in zip(corrections, n_clusters)
            ],
            n_groups=n_groups,
        )

    # -- prediction --------------------------------------------------------

    def predict(self, X, offset=None):
        """Predict the mean count E[y | x].

        Parameters
        ----------
        X : {array-like, DataFrame} of shape (n_samples, n_features)
            Samples.
        offset : array-like of shape (n_samples,), default=None
            Offset of the count part's linear predictor (see :meth:`fit`).

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            Predicted mean counts.
        """
        X, offset = self._validate_predict(X, offset)
        return on_rows(self._mean, X, offset)

    def predict_zero_proba(self, X, offset=None):
        """Predict P(y = 0 | x), the probability of a zero count.

        Parameters
        ----------
        X : {array-like, DataFrame} of shape (n_samples, n_features)
            Samples.
        offset : array-like of shape (n_samples,), default=None
            Offset of the count part's linear predictor (see :meth:`fit`); a
            hurdle's P(y = 0) does not depend on it.

        Returns
        -------
        proba : ndarray of shape (n_samples,)
            P(y = 0) for each sample.
        """
        X, offset = self._validate_predict(X, offset)
        return on_rows(self._zero_proba, X, offset)

    def predict_pmf(self, X, max_count=None, offset=None):
        """Predict the probabilities of the counts 0, 1, ..., ``max_count``.

        Parameters
        ----------
        X : {array-like, DataFrame} of shape (n_samples, n_features)
            Samples.
        max_count : int, default=None
            Largest count K; ``None`` uses the largest count seen in
            :meth:`fit` (:attr:`max_count_`), as pscl's ``predict(type="prob")``.
        offset : array-like of shape (n_samples,), default=None
            Offset of the count part's linear predictor (see :meth:`fit`).

        Returns
        -------
        pmf : ndarray of shape (n_samples, max_count + 1)
            ``pmf[i, k] = P(y_i = k)``. Rows sum to ``1 - P(y > max_count)``.
        """
        X, offset = self._validate_predict(X, offset)
        self._require_distribution("predict_pmf")
        if max_count is None:
            max_count = self.max_count_
        if not isinstance(max_count, Integral) or isinstance(max_count, bool):
            raise ValueError(
                f"max_count must be a non-negative int; got {max_count!r}."
            )
        if max_count < 0:
            raise ValueError(f"max_count must be a non-negative int; got {max_count}.")
        pmf = functools.partial(self._pmf, max_count=max_count)
        return on_rows(pmf, X, offset, n_columns=max_count + 1)

    def _require_distribution(self, what):
        """Refuse ``what`` when the count part models the mean only."""

    def score(self, X, y, sample_weight=None, offset=None):
        """Return D², the fraction of Poisson deviance explained by ``predict``.

        ``D² = 1 - D(y, predict(X)) / D(y, mean(y))`` with the Poisson deviance
        ``D``, as :meth:`sklearn.linear_model.PoissonRegressor.score`. Higher is
        better; 1 is a perfect fit, 0 the constant model. It scores the predicted
        mean only; to compare count distributions use the held-out likelihood
        (:func:`skbce.metrics.count_log_likelihood_scorer`).

        A constant ``y`` (such as a cross-validation fold of zeros only) has no
        deviance to explain: as :func:`sklearn.metrics.r2_score` does with
        ``force_finite=True``, D² is then 1.0 for perfect predictions and 0.0
        otherwise, instead of NaN or -inf. With fewer than two samples D² is
        not defined: NaN with an ``UndefinedMetricWarning``.

        Parameters
        ----------
        X : {array-like, DataFrame} of shape (n_samples, n_features)
            Samples.
        y : array-like of shape (n_samples,)
            True non-negative counts.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.
        offset : array-like of shape (n_samples,), default=None
            Offset of the count part's linear predictor (see :meth:`fit`).

        Returns
        -------
        score : float
            D² of the mean predictions.
        """
        y_pred = self.predict(X, offset=offset)
        y = check_array(y, ensure_2d=False, dtype=np.float64)
        if np.any(y < 0):
            raise ValueError("score requires non-negative counts y.")
        if y.shape[0] < 2:
            warnings.warn(
                "D^2 score is not well-defined with less than two samples.",
                UndefinedMetricWarning,
                stacklevel=2,
            )
            return float("nan")
        weights = _check_sample_weight(sample_weight, y[:, None], dtype=np.float64)
        y_mean = np.average(y, weights=weights)

        def deviance(mean):
            # y log(y / mean) is 0 at y = 0 (also where the mean is 0).
            with np.errstate(divide="ignore", invalid="ignore"):
                log_ratio = np.where(y > 0, xlogy(y, y / mean), 0.0)
            return weights @ (2 * (log_ratio - y + mean))

        numerator, denominator = deviance(y_pred), deviance(y_mean)
        if denominator == 0:  # a constant y: scikit-learn's force_finite
            return 1.0 if numerator == 0 else 0.0
        return float(1 - numerator / denominator)

    # -- inference ---------------------------------------------------------

    def _require_likelihood(self, what):
        fit = self._likelihood
        if fit is None:
            raise ValueError(
                f"{what} needs built-in likelihood parts; this model has none "
                "(its parts are custom scikit-learn estimators)."
            )
        return fit

    def cov_params(self):
        """Covariance matrix of the estimated parameters.

        Of the type chosen by ``cov_type`` (see :meth:`summary`), over the
        parameters of every built-in part, in their stored order: coefficients,
        intercept, then ``Log(theta)`` for a negative binomial.

        Returns
        -------
        cov : pandas.DataFrame
            Square, indexed by (part, term) on both axes.
        """
        check_is_fitted(self)
        fit = self._require_likelihood("cov_params")
        index = fit.index()
        return pd.DataFrame(fit.cov, index=index, columns=index)

    def conf_int(self, alpha=0.05):
        """Wald confidence intervals of the parameters.

        ``estimate -+ z_{1 - alpha / 2} * std_err`` with the standard errors of
        ``cov_type``.

        Parameters
        ----------
        alpha : float, default=0.05
            One minus the coverage: 0.05 gives 95% intervals.

        Returns
        -------
        intervals : pandas.DataFrame
            Columns ``ci_low`` and ``ci_high``, indexed by (part, term).
        """
        check_is_fitted(self)
        if not (isinstance(alpha, Real) and 0 < alpha < 1):
            raise ValueError(f"alpha must be a float in (0, 1); got {alpha!r}.")
        fit = self._require_likelihood("conf_int")
        frame = wald_frame(
            fit.params, np.sqrt(np.diag(fit.cov)), fit.index(), alpha, ("coef",)
        )
        return frame[["ci_low", "ci_high"]]

    def loglik_samples(self, X, y, offset=None):
        """Per-sample log-likelihood of observed counts.

        ``log P(y_i | x_i)`` under the fitted model, every constant included and
        sample weights not applied: on the training data, the sum weighted by
        the training sample weights is :attr:`loglik_`. The pieces of Vuong's
        test (:func:`skbce.inference.vuong_test`) and of the held-out
        likelihood (:func:`skbce.metrics.count_log_likelihood_scorer`).

        Parameters
        ----------
        X : {array-like, DataFrame} of shape (n_samples, n_features)
            Samples.
        y : array-like of shape (n_samples,)
            Observed non-negative counts.
        offset : array-like of shape (n_samples,), default=None
            Offset of the count part's linear predictor (see :meth:`fit`).

        Returns
        -------
        loglik : ndarray of shape (n_samples,)
            Log-likelihood of each sample (``-inf`` for a count the model gives
            probability 0).
        """
        X, offset = self._validate_predict(X, offset)
        self._require_distribution("loglik_samples")
        if is_dask_collection(X):
            y = check_dask_rows(y, X, "y")
        else:
            check_numeric_target(y, type(self).__name__)
            y = check_array(y, ensure_2d=False, dtype=np.float64)
            if y.shape != (X.shape[0],):
                raise ValueError(
                    f"y must have shape ({X.shape[0]},), one count per sample; got "
                    f"shape {y.shape}."
                )
            if np.any(y < 0):
                raise ValueError("loglik_samples requires non-negative counts y.")
        return on_rows(self._loglik_rows, X, y, offset)

    def average_marginal_effects(self, X, offset=None, part="mean", alpha=0.05):
        """Average marginal effects of the features, with delta-method errors.

        The derivative of an expectation with respect to each feature,
        averaged over the rows of ``X``: on ``E[y]`` (``part="mean"``), on
        ``P(y > 0)`` (``part="zero"``) or on ``E[y | y > 0]``
        (``part="count"``). A feature used by several parts gets its total
        effect. Standard errors come from the delta method with the
        covariance of ``cov_type``; binary features are treated as
        continuous (the derivative, not the discrete change).

        Parameters
        ----------
        X : {array-like, DataFrame} of shape (n_samples, n_features)
            The rows to average over (usually the training data).
        offset : array-like of shape (n_samples,), default=None
            Offset of the count part's linear predictor (see :meth:`fit`).
        part : {"mean", "zero", "count"}, default="mean"
            The expectation whose derivatives are averaged.
        alpha : float, default=0.05
            One minus the coverage of the confidence intervals.

        Returns
        -------
        effects : pandas.DataFrame
            Indexed by feature (those used by some part), with columns
            ``dydx``, ``std_err``, ``z``, ``p_value``, ``ci_low`` and
            ``ci_high``.
        """
        X, offset = self._validate_predict(X, offset)
        if part not in ("mean", "zero", "count"):
            raise ValueError(f"part must be 'mean', 'zero' or 'count'; got {part!r}.")
        if not (isinstance(alpha, Real) and 0 < alpha < 1):
            raise ValueError(f"alpha must be a float in (0, 1); got {alpha!r}.")
        self._require_marginal_effects()
        fit = self._likelihood
        n_features = self.n_features_in_
        if is_dask_collection(X):
            rows = dask_row_pass(
                _expectation_block,
                X,
                offset,
                names=("X", "offset"),
            )
            rows = rows.derive(_joint_block, fit=fit)
            n_rows = X.shape[0]
        else:
            rows = InMemoryRowPass(
                {"X": X, "offset": fit.raw_offset(offset), "y": None, "w": None}
            )
            n_rows = X.shape[0]
        features, dydx, cov = marginal_effects(fit, rows, n_features, part, n_rows)
        names = getattr(self, "feature_names_in_", None)
        index = pd.Index(
            [f"x{j}" if names is None else str(names[j]) for j in features],
            name="feature",
        )
        return wald_frame(dydx, np.sqrt(np.diag(cov)), index, alpha)

    def _require_marginal_effects(self):
        self._require_likelihood("average_marginal_effects")

    def _coef_tables(self):
        """Per built-in part name: its coefficient table with ``cov_type``."""
        fit = self._likelihood
        if fit is None:
            return {}
        return {
            name: coef_table(part.params, fit.cov[s, s], part.terms)
            for name, part, s in zip(fit.part_names, fit.parts, fit.slices)
        }

    def _stats(self, df):
        """The fit statistics of :meth:`summary` for ``df`` parameters."""
        stats = {
            "loglik": self.loglik_,
            "df": df,
            "aic": -2 * self.loglik_ + 2 * df,
            "bic": -2 * self.loglik_ + np.log(self._n_obs) * df,
            "n_obs": self._n_obs,
        }
        if self.theta_ is not None:
            stats["theta"] = self.theta_
        return pd.Series(stats)


def _joint_block(block, fit):
    """A block of the joint likelihood of ``fit``: target prepared by its loss,
    the offset on the count part's raw prediction."""
    offset = block["offset"]
    if offset is not None and offset.ndim == 2:
        offset = offset[:, 0]
    y = block["y"]
    return {
        **block,
        "y": None if y is None else fit.loss.prepare_target(y),
        "offset": fit.raw_offset(offset),
    }


def _expectation_block(X, offset):
    return {"X": X, "y": None, "w": None, "offset": offset}


def bread_of(*hessians):
    """The inverse of a block-diagonal Hessian given by its blocks."""
    sizes = [hessian.shape[0] for hessian in hessians]
    bread = np.zeros((sum(sizes), sum(sizes)))
    start = 0
    for hessian, size in zip(hessians, sizes):
        bread[start : start + size, start : start + size] = inverse(hessian)
        start += size
    return bread
