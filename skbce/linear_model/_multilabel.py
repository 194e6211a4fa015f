"""MultiLabelLogisticClassifier: one sigmoid per label, all labels solved together."""

import functools
import warnings
from dataclasses import dataclass
from numbers import Integral, Real

import numpy as np
from scipy import sparse
from scipy.special import expit, log_expit
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.multiclass import type_of_target
from sklearn.utils.validation import check_is_fitted, validate_data

from ..utils._dask import (
    any_dask,
    check_dask_rows,
    check_dask_X,
    is_dask_collection,
    map_rows,
    materialize,
)
from ..utils._parallel import (
    blas_threads_per_problem,
    effective_n_threads,
    thread_map,
)
from ..utils._sklearn_compat import (
    Interval,
    StrOptions,
    _check_sample_weight,
    _fit_context,
)
from ..utils._validation import (
    AtomicSetParamsMixin,
    check_no_label_sets,
    positions_by_name,
    restored_on_error,
)
from ._linear_loss import MultiLabelLinearLoss, OnlineBatchLoss
from ._newton_solver import LBFGSSolver, NewtonCGSolver, NewtonCholeskySolver
from ._row_kernels import multilabel_block
from ._row_passes import dask_row_pass

_FLOAT_DTYPES = [np.float64, np.float32]


@dataclass
class _PreparedLabels:
    """The labels of one training set, ready to solve.

    ``Y_target`` (n, L): the (smoothed) targets; ``sample_weight`` (n,) and
    its sum ``total_weight``; ``pos_weight`` (L,) or None, "balanced" resolved;
    ``constant`` (L,): labels constant on the rows of positive weight;
    ``degenerate`` (L,): constant labels with their optimum at infinity, not
    solved; ``start`` (L, p): the cold start.
    """

    Y_target: np.ndarray
    sample_weight: np.ndarray
    total_weight: float
    pos_weight: np.ndarray
    constant: np.ndarray
    degenerate: np.ndarray
    start: np.ndarray


def _chunk_output(model, kind, X):
    """Output ``kind`` of a fitted model on validated rows X (one chunk)."""
    scores = model._scores(X)
    if kind == "decision_function":
        return scores
    return getattr(model, f"_{kind}_from_scores")(scores)


def _check_two_classes(classes, present):
    """Refuse a 1-D y without two classes among the rows of positive weight."""
    if classes.size != 2 or present.size != 2:
        raise ValueError(
            "A 1-D y needs samples of two classes with positive sample_weight, "
            f"but the data contains only one class: {present.tolist()}. "
            "For a label that may be constant, pass a 2-D indicator y."
        )


def _largest_magnitude(X):
    """``max |X|`` without a copy of X (lazy for dask X)."""
    values = X.data if sparse.issparse(X) else X
    if values.size == 0:
        return 0.0
    if is_dask_collection(values):
        return abs(values).max()
    return max(values.max(), -values.min())


def _hessian_dtype(X, n_labels):
    """float32 for the Hessian-vector products of large dense float64 X.

    CG's Hessian products need a relative accuracy far above float32 rounding
    (a residual of 10% of the gradient), and BLAS multiplies float32 matrices
    about twice as fast: on the dense benchmark (100000 x 200, 50 labels) the
    fit takes a third less CPU time at the same solution. Gradients, values and
    the convergence test stay in float64. Sparse products gain nothing (scipy's
    kernels are not faster in float32 and CG needs more steps on enron), nor do
    small ones (under 2**24 entries times labels), which do not pay for the
    float32 copy of X.
    """
    if sparse.issparse(X) or X.dtype != np.float64 or X.size * n_labels < 2**24:
        return None
    return np.float32


def _is_indicator(y):
    """Whether the array ``y`` holds only 0 and 1 (booleans, integers or floats)."""
    if y.dtype.kind == "b":
        return True
    if y.dtype.kind in "iu":
        return y.size == 0 or (y.min() >= 0 and y.max() <= 1)
    if y.dtype.kind == "f":
        return bool(((y == 0) | (y == 1)).all())
    return False


class _BaseMultiLabelLogistic(AtomicSetParamsMixin, ClassifierMixin, BaseEstimator):
    """What the multi-label logistic estimators share (private).

    Validation of X and y, per-label settings, the fit of all labels at given
    per-label C from a start, the solve of the labels and the predictions of
    the fitted coefficients: :class:`MultiLabelLogisticClassifier` and
    :class:`~skbce.MultiLabelLogisticClassifierCV` fit and predict alike.
    Subclasses define the parameters ``fit_intercept``, ``pos_weight``,
    ``label_smoothing``, ``solver``, ``tol``, ``max_iter``, ``n_jobs`` and
    ``verbose``.
    """

    # ------------------------------------------------------------------
    # Validation helpers
    # ------------------------------------------------------------------

    def _validate_X_y(self, X, y, reset):
        """Validate X and y; return X, the 0/1 indicator Y, classes, label info."""
        check_no_label_sets(y)
        label_names = getattr(y, "columns", None)
        X, y = validate_data(
            self,
            X,
            y,
            accept_sparse=["csr", "csc"],
            dtype=_FLOAT_DTYPES,
            multi_output=True,
            reset=reset,
        )
        if sparse.issparse(y):
            y = y.toarray()
        y = np.asarray(y)
        if y.ndim == 1:
            y_type = type_of_target(y, input_name="y", raise_unknown=True)
            if y_type == "continuous":
                raise ValueError(
                    f"Unknown label type: {y_type}. y must hold two classes (binary) "
                    "or be a 2-D 0/1 indicator matrix (multi-label)."
                )
            if y_type not in ("binary", "unknown") and y_type != "multiclass":
                raise ValueError(
                    f"Unknown label type: {y_type}. y must be binary or a 2-D "
                    "0/1 indicator matrix."
                )
            if y_type == "multiclass":
                raise ValueError(
                    "Only binary classification is supported. The type of the target "
                    f"is {y_type}. For several labels per sample pass a 2-D 0/1 "
                    "indicator matrix (e.g. from MultiLabelBinarizer)."
                )
            return X, y, None
        if not _is_indicator(y):
            raise ValueError(
                "A 2-D y must be a multi-label indicator matrix of 0/1 (or bool) "
                "values, one column per label; got values "
                f"{np.unique(y)[:5].tolist()}{'...' if np.unique(y).size > 5 else ''}."
            )
        names = None if label_names is None else np.asarray(label_names)
        return X, y, names

    def _validate_fit(self, X, y, sample_weight):
        """In-memory validation: X, the float 0/1 targets Y (n, L), weights, classes."""
        X, y, names = self._validate_X_y(X, y, reset=True)
        sample_weight = _check_sample_weight(
            sample_weight, X, dtype=np.float64, ensure_non_negative=True
        )
        if y.ndim == 1:
            classes = np.unique(y)
            present = np.unique(y[sample_weight > 0])
            _check_two_classes(classes, present)
            Y = self._encode_binary(y, classes)
            self._binary = True
        else:
            Y = y.astype(np.float64)
            classes = names if names is not None else np.arange(Y.shape[1])
            self._binary = False
            self._label_dtype = y.dtype if y.dtype.kind in "biu" else np.dtype(int)
        return X, Y, sample_weight, classes

    def _validate_dask_fit(self, X, y, sample_weight):
        """Chunk-wise validation of dask inputs (see :mod:`skbce.utils._dask`)."""
        import dask
        import dask.array as da

        label_names = getattr(y, "columns", None)
        X = check_dask_X(self, X, reset=True, dtype=_FLOAT_DTYPES)
        ndim = len(getattr(y, "shape", ())) or np.ndim(y)
        y = check_dask_rows(y, X, "y", dtype=None, ndim=min(max(ndim, 1), 2))
        if sample_weight is None:
            sample_weight = da.ones(X.shape[0], chunks=X.chunks[0])
        else:
            sample_weight = check_dask_rows(sample_weight, X, "sample_weight")
        if y.ndim == 1:
            classes, present, min_weight = dask.compute(
                da.unique(y), da.unique(y[sample_weight > 0]), sample_weight.min()
            )
            if classes.dtype.kind == "f" and (classes != np.round(classes)).any():
                raise ValueError(
                    "Unknown label type: continuous. y must hold two classes "
                    "(binary) or be a 2-D 0/1 indicator matrix (multi-label)."
                )
            if classes.size > 2:
                raise ValueError(
                    "Only binary classification is supported. The type of the "
                    "target is multiclass. For several labels per sample pass a "
                    "2-D 0/1 indicator matrix (e.g. from MultiLabelBinarizer)."
                )
            _check_two_classes(classes, present)
            Y = (y == classes[1]).astype(np.float64)[:, None]
            self._binary = True
        else:
            is_binary, min_weight = dask.compute(
                da.isin(y, [0, 1]).all(), sample_weight.min()
            )
            if y.dtype.kind not in "biuf" or not is_binary:
                raise ValueError(
                    "A 2-D y must be a multi-label indicator matrix of 0/1 (or "
                    "bool) values, one column per label."
                )
            Y = y.astype(np.float64)
            names = None if label_names is None else np.asarray(label_names)
            classes = names if names is not None else np.arange(Y.shape[1])
            self._binary = False
            self._label_dtype = y.dtype if y.dtype.kind in "biu" else np.dtype(int)
        if min_weight < 0:
            raise ValueError("Negative values in sample_weight are not allowed.")
        return X, Y, sample_weight, classes

    def _per_label(self, name, value, labels, default):
        """A per-label setting as an array (L,): a scalar, an array in label
        order, or a dict / pandas Series keyed by label names (aligned by name;
        labels it does not name get ``default``)."""
        if (
            isinstance(value, dict)
            or hasattr(value, "index")
            and hasattr(value, "to_dict")
        ):
            mapping = dict(value) if isinstance(value, dict) else value.to_dict()
            positions, unknown = positions_by_name(list(mapping), labels)
            if unknown:
                raise ValueError(
                    f"{name} names labels {unknown} that are not among the labels "
                    f"{list(labels)}. Key a dict or Series by label names (the "
                    "columns of a DataFrame y), or pass one value per label in "
                    "their order."
                )
            array = np.full(len(labels), default, dtype=np.float64)
            array[positions] = list(mapping.values())
            return array
        array = np.asarray(value, dtype=np.float64)
        if array.ndim > 1 or (array.ndim == 1 and array.shape[0] != len(labels)):
            raise ValueError(
                f"{name} must be a positive float, hold one value per label "
                f"({len(labels)}), or map label names to values; got shape "
                f"{array.shape}."
            )
        return np.broadcast_to(array, (len(labels),))

    def _check_pos_weight(self, labels, dtype):
        """pos_weight as an array (L,) for the label names ``labels`` (None and
        "balanced" as they are)."""
        pos_weight = self.pos_weight
        if pos_weight is None or isinstance(pos_weight, str):
            return pos_weight
        pos_weight = self._per_label("pos_weight", pos_weight, labels, 1.0)
        if not np.all(np.isfinite(pos_weight)) or (pos_weight <= 0).any():
            raise ValueError("pos_weight must be positive and finite.")
        return pos_weight.astype(dtype)

    @staticmethod
    def _labels_of(classes, n_labels):
        """The names of the labels: ``classes`` (multi-label), or the positive
        class of a binary target."""
        classes = np.asarray(classes)
        return classes[1:] if n_labels == 1 and classes.size == 2 else classes

    def _encode_binary(self, y, classes):
        """0/1 column of the positive class ``classes[1]``."""
        return (y == classes[1]).astype(np.float64)[:, None]

    # ------------------------------------------------------------------
    # Fit of the labels
    # ------------------------------------------------------------------

    def _prepare_labels(self, X, Y, sample_weight, pos_weight):
        """The labels of validated training data, ready to solve.

        Checks the data (weights summing to zero, features whose squares
        overflow), finds the constant labels, resolves ``pos_weight="balanced"``
        and makes the cold start: zero weights and, with an intercept, the
        intercept of each label's (weighted, positive-weighted) prevalence.
        """
        n_labels, n_features = Y.shape[1], X.shape[1]
        Y_target = Y
        if self.label_smoothing:
            Y_target = Y * (1 - self.label_smoothing) + self.label_smoothing / 2
        # In memory these are NumPy results; on dask one pass computes them.
        # A label is constant when all rows of positive weight agree: decided by
        # counting rows, not by comparing weighted sums (which round).
        present = sample_weight > 0
        sums = [
            sample_weight.sum(),
            sample_weight @ Y,
            present.sum(),
            present.astype(np.float64) @ Y,
            _largest_magnitude(X),
        ]
        if Y_target is not Y:
            sums.append(sample_weight @ Y_target)
        total_weight, positive, n_present, n_on, largest, *target_sums = materialize(
            *sums
        )
        # The Hessian products sum squares of X over the rows: refuse data
        # whose squares overflow rather than return NaN coefficients.
        if largest > np.sqrt(np.finfo(X.dtype).max / max(X.shape[0], 1)):
            raise ValueError(
                f"X holds values of magnitude up to {largest:.3g}, whose squares "
                f"summed over {X.shape[0]} rows overflow {X.dtype}. Scale the "
                "features first (e.g. with StandardScaler or MaxAbsScaler)."
            )
        target_sums = target_sums[0] if target_sums else positive
        if total_weight <= 0:
            raise ValueError("sample_weight sums to zero: nothing to fit.")
        constant = (n_on == 0) | (n_on == n_present)
        if isinstance(pos_weight, str):
            with np.errstate(divide="ignore", invalid="ignore"):
                pos_weight = np.where(
                    constant, 1.0, (total_weight - positive) / positive
                ).astype(X.dtype)
        # Constant labels whose optimum lies at infinity (intercept, no smoothing):
        # a finite intercept from the add-half prevalence instead of solving.
        degenerate = constant & self.fit_intercept & (self.label_smoothing == 0)
        start = np.zeros((n_labels, n_features + self.fit_intercept))
        mean_target = target_sums / total_weight
        pw = np.ones(n_labels) if pos_weight is None else pos_weight.astype(float)
        if self.fit_intercept:
            prevalence = np.where(
                degenerate,
                (positive + 0.5) / (total_weight + 1),
                np.clip(mean_target, 1e-12, 1 - 1e-12),
            )
            with np.errstate(divide="ignore"):
                start[:, -1] = np.log(np.where(degenerate, 1, pw) * prevalence) - (
                    np.log1p(-prevalence)
                )
        return _PreparedLabels(
            Y_target,
            sample_weight,
            total_weight,
            pos_weight,
            constant,
            degenerate,
            start,
        )

    def _solve_prepared(self, X, labels, C, coef, n_threads=None, decrement=True):
        """Solve the labels (all but the degenerate ones) at per-label ``C``
        from ``coef``; return the coefficients, iterations and convergence.
        ``decrement``: whether Newton-CG also stops on the Newton decrement
        (see :meth:`_solver`)."""
        coef = coef.copy()
        n_labels = coef.shape[0]
        solve = np.flatnonzero(~labels.degenerate)
        n_iter = np.zeros(n_labels, dtype=np.int32)
        converged = np.ones(n_labels, dtype=bool)
        if solve.size:
            Y = labels.Y_target
            coef[solve], n_iter[solve], converged[solve] = self._solve_labels(
                X,
                (Y if solve.size == n_labels else Y[:, solve]).astype(
                    X.dtype, copy=False
                ),
                labels.sample_weight / labels.total_weight,
                None if labels.pos_weight is None else labels.pos_weight[solve],
                1 / (C[solve] * labels.total_weight),
                coef[solve],
                n_threads,
                decrement,
            )
        return coef, n_iter, converged

    def _fit_labels(self, X, Y, sample_weight, classes, C, pos_weight, start=None):
        """Fit every label at its own ``C`` on validated data and set the fitted
        attributes; ``start``: ``(coef, intercept)`` to start from (warm start),
        else the cold start. Returns the prepared labels."""
        labels = self._prepare_labels(X, Y, sample_weight, pos_weight)
        self.classes_ = classes
        constant, degenerate = labels.constant, labels.degenerate
        if constant.any():
            warnings.warn(
                f"Labels {self._label_names(np.flatnonzero(constant))} are constant "
                "in the training data (with positive sample_weight)"
                + ("; they predict their constant value." if degenerate.any() else "."),
                UserWarning,
                stacklevel=5,
            )
        n_features = X.shape[1]
        coef = labels.start
        if start is not None:
            coef = coef.copy()
            coef[:, :n_features] = start[0]
            if self.fit_intercept:
                coef[:, -1] = start[1]
        coef, n_iter, converged = self._solve_prepared(X, labels, C, coef)
        if not np.isfinite(coef).all():
            raise ValueError(
                "The fit overflowed: coefficients of labels "
                f"{self._label_names(np.flatnonzero(~np.isfinite(coef).all(axis=1)))} "
                "are not finite. Scale the features (e.g. StandardScaler) or "
                "decrease C."
            )
        if not converged.all():
            warnings.warn(
                f"The solver did not converge for labels "
                f"{self._label_names(np.flatnonzero(~converged))} within "
                f"max_iter={self.max_iter} iterations (tol={self.tol}). Increase "
                "max_iter, scale the features or decrease C.",
                ConvergenceWarning,
                stacklevel=5,
            )
        self._set_coef(coef, n_features, X.dtype)
        self.n_iter_ = n_iter
        pw = np.ones(len(C)) if labels.pos_weight is None else labels.pos_weight
        self.pos_weight_ = pw.astype(X.dtype)
        self.n_samples_seen_ = float(labels.total_weight)
        return labels

    def _solve_labels(
        self, X, Y, sample_weight, pos_weight, l2, coef, n_threads=None, decrement=True
    ):
        """Solve the labels (columns of Y) from ``coef``; return coef, iterations
        and convergence per label.

        In memory, with several threads (``n_jobs``), the labels are split into
        interleaved groups, one per thread, each solved by its own solver over
        the shared X: the labels are independent problems, so a group's
        solution does not depend on the others (nor on the number of groups).
        BLAS gets its share of threads per label, whatever ``n_jobs`` (see
        :func:`blas_threads_per_problem`). ``n_threads``: the number of
        threads, the caller having limited BLAS (the folds of a
        cross-validation); else the one ``n_jobs`` gives.
        """
        n_labels = Y.shape[1]
        small = _small_products(X, n_labels)
        blas_threads = None
        if is_dask_collection(X):
            objective = MultiLabelLinearLoss(
                dask_row_pass(
                    functools.partial(
                        multilabel_block,
                        pos_weight=pos_weight,
                        fit_intercept=self.fit_intercept,
                    ),
                    X,
                    Y,
                    sample_weight,
                    names=("X", "y", "sample_weight"),
                ),
                l2,
                pos_weight,
                X.shape[1],
                self.fit_intercept,
            )
            groups = [np.arange(n_labels)]
            n_threads = 1
        else:
            objective = MultiLabelLinearLoss.in_memory(
                X,
                Y,
                sample_weight,
                l2,
                pos_weight,
                self.fit_intercept,
                hessian_dtype=_hessian_dtype(X, n_labels),
            )
            if n_threads is None:
                n_threads = effective_n_threads(self.n_jobs)
                blas_threads = blas_threads_per_problem(n_labels, small)
            n_threads = 1 if small else min(n_threads, n_labels)
            groups = [np.arange(g, n_labels, n_threads) for g in range(n_threads)]

        def solve(labels):
            group = objective
            if labels.size < n_labels:
                keep = np.zeros(n_labels, dtype=bool)
                keep[labels] = True
                group = objective.restrict(None, keep)[0]
            return self._solver(X.dtype, decrement).solve(group, coef[labels])

        n_iter = np.zeros(n_labels, dtype=np.int32)
        converged = np.zeros(n_labels, dtype=bool)
        results = thread_map(solve, groups, n_threads, blas_threads)
        for labels, result in zip(groups, results):
            coef[labels], n_iter[labels], converged[labels] = (
                result.coef,
                result.n_iter,
                result.converged,
            )
        return coef, n_iter, converged

    def _solver(self, dtype, decrement=True):
        """The solver of ``solver`` ("auto": the trust-region Newton-CG);
        ``decrement``: whether Newton-CG also stops on the Newton decrement."""
        kwargs = {
            "tol": self.tol,
            "max_iter": self.max_iter,
            # Objective values of float32 data are summed from float32 losses.
            "rounding": 16 * np.finfo(dtype).eps,
            "verbose": self.verbose,
        }
        if self.solver == "lbfgs":
            return LBFGSSolver(**kwargs)
        return NewtonCGSolver(check_decrement=decrement, **kwargs)

    def _set_coef(self, coef, n_features, dtype):
        self.coef_ = np.ascontiguousarray(coef[:, :n_features], dtype=dtype)
        if self.fit_intercept:
            self.intercept_ = coef[:, n_features].astype(dtype)
        else:
            self.intercept_ = np.zeros(coef.shape[0], dtype=dtype)

    def _label_names(self, positions):
        if self._binary:
            return f"[{self.classes_[1]!r} vs {self.classes_[0]!r}]"
        return list(np.asarray(self.classes_)[positions].tolist())

    # ------------------------------------------------------------------
    # Prediction
    # ------------------------------------------------------------------

    def decision_function(self, X):
        """Compute the logits of each label, ``X @ coef_.T + intercept_``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        scores : ndarray of shape (n_samples,) or (n_samples, n_labels)
            1-D for a binary target (positive class ``classes_[1]``).
        """
        return self._output("decision_function", X)

    def _output(self, kind, X):
        """Validate X and return an output; lazily, chunk by chunk, for dask X."""
        check_is_fitted(self)
        if is_dask_collection(X):
            X = check_dask_X(self, X, reset=False, dtype=_FLOAT_DTYPES)
            n_columns = None if self._binary else len(self.classes_)
            if self._binary and kind in ("predict_proba", "predict_log_proba"):
                n_columns = 2
            dtype = X.dtype
            if kind == "predict":
                dtype = self.classes_.dtype if self._binary else self._label_dtype
            output = functools.partial(_chunk_output, self, kind)
            return map_rows(output, X, n_columns=n_columns, dtype=dtype)
        X = validate_data(
            self, X, accept_sparse=["csr", "csc"], dtype=_FLOAT_DTYPES, reset=False
        )
        return _chunk_output(self, kind, X)

    def _scores(self, X):
        """Logits of validated X, 1-D for a binary target."""
        coef = self.coef_.astype(X.dtype, copy=False)
        scores = X @ coef.T
        scores = np.asarray(scores) + self.intercept_.astype(X.dtype, copy=False)
        return scores.ravel() if self._binary else scores

    def predict(self, X):
        """Predicted class (binary) or 0/1 indicator of each label (multi-label).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,) or (n_samples, n_labels)
            Labels are on where their probability exceeds 1/2.
        """
        return self._output("predict", X)

    def _predict_from_scores(self, scores):
        positive = scores > 0
        if self._binary:
            return self.classes_[positive.astype(int)]
        return positive.astype(self._label_dtype)

    def predict_proba(self, X):
        """Probability estimates.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        proba : ndarray of shape (n_samples, 2) or (n_samples, n_labels)
            Binary target: the probabilities of ``classes_``. Multi-label target:
            the probability that each label is on.
        """
        return self._output("predict_proba", X)

    def _predict_proba_from_scores(self, scores):
        if self._binary:
            return np.column_stack([expit(-scores), expit(scores)])
        return expit(scores)

    def predict_log_proba(self, X):
        """Logarithm of :meth:`predict_proba`, exact for logits of any size.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, 2) or (n_samples, n_labels)
            As :meth:`predict_proba`, in log space.
        """
        return self._output("predict_log_proba", X)

    def _predict_log_proba_from_scores(self, scores):
        if self._binary:
            return np.column_stack([log_expit(-scores), log_expit(scores)])
        return log_expit(scores)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = False
        tags.classifier_tags.multi_label = True
        tags.target_tags.multi_output = True
        tags.input_tags.sparse = True
        return tags


def _small_products(X, n_labels):
    """Whether a product of X with all labels' columns is too small for threads.

    Below 2**24 multiply-adds (dense X; for sparse X, whose multiply-adds cost
    SciPy about four times what they cost BLAS, 2**22 stored elements times
    labels) threads cost more than they bring: a default fit on the
    standardised yeast data (1500 x 103, 14 labels) took 0.036 s on two
    threads, 0.020 s on one; on the first 800 rows of enron 0.336 s against
    0.271 s, while all of enron (143 090 stored elements, 53 labels) gains
    (0.497 s against 0.616 s).
    """
    if sparse.issparse(X):
        return 4 * X.nnz * n_labels < 2**24
    return X.shape[0] * X.shape[1] * n_labels < 2**24


class MultiLabelLogisticClassifier(_BaseMultiLabelLogistic):
    r"""Multi-label (and binary) logistic regression, all labels solved jointly.

    One independent sigmoid output per label, trained on the sum over labels of
    the sample-weighted binary cross-entropy (BCE) plus an L2 penalty per label.
    The Hessian of that sum is block-diagonal, so every label is its own convex
    problem; the solver nevertheless advances all labels together through shared
    matrix products with ``X``, while each label keeps its own Newton steps, line
    search and stopping rule, and leaves the computation once it has converged.

    For label :math:`k` the objective is

    .. math::

        \sum_i s_i\, \ell(\tilde y_{ik}, x_i \cdot w_k + b_k;\, \omega_k)
        + \frac{\lVert w_k \rVert^2}{2 C_k},

    with :math:`\ell` the BCE of :func:`skbce.losses.binary_cross_entropy`,
    :math:`\omega_k` the positive weight of the label and
    :math:`\tilde y = y (1 - \varepsilon) + \varepsilon / 2` the smoothed target;
    the intercept :math:`b_k` is not penalised. With ``pos_weight=None`` and
    ``label_smoothing=0`` it is exactly the objective of scikit-learn's
    ``LogisticRegression(C=C_k)`` fitted on label :math:`k` alone, and
    ``pos_weight=w`` is ``class_weight={0: 1, 1: w}``.

    Read more in the :ref:`User Guide <multilabel>`.

    Parameters
    ----------
    C : float, array-like of shape (n_labels,) or dict, default=1.0
        Inverse L2 penalty strength, one for all labels or one per label: in
        the order of the labels, or a dict (or pandas Series) mapping label
        names (``classes_``) to values, aligned by name; labels it does not
        name get 1.0.

    fit_intercept : bool, default=True
        Whether to fit an (unpenalised) intercept per label.

    pos_weight : float, array-like, dict or "balanced", default=None
        Weight (> 0) of the positive term of the BCE, one for all labels or
        one per label (in label order, or a dict / pandas Series keyed by label
        names, aligned by name; labels it does not name get 1). "balanced"
        uses, per label, the ratio of the weighted number of negatives to
        positives in the training data. None means 1.

    label_smoothing : float in [0, 1), default=0.0
        Targets are moved towards 1/2: :math:`y (1 - \varepsilon) + \varepsilon/2`.

    solver : {"auto", "newton-cg", "lbfgs"}, default="auto"
        "newton-cg": per-label trust-region Newton with conjugate gradients
        (LIBLINEAR's method), all labels in lockstep (see the User Guide).
        "lbfgs": per-label limited-memory BFGS, all labels in lockstep. "auto"
        is "newton-cg".

    tol : float, default=1e-4
        A label has converged when every entry of the gradient of its objective,
        divided by the sum of the sample weights, is at most ``tol`` in absolute
        value (scikit-learn's criterion for LogisticRegression) and, for
        ``solver="newton-cg"``, the decrease its Newton step still predicts
        (half the Newton decrement ``g'H^{-1}g``, of the same scaled objective)
        is at most ``tol`` too (scikit-learn's criterion for its Newton
        solvers): a nearly separable label can have a tiny gradient far above
        its minimum.

    max_iter : int, default=100
        Maximum number of Newton (or L-BFGS) iterations per label.

    warm_start : bool, default=False
        Start ``fit`` from the coefficients of the previous fit when the shapes
        agree.

    n_jobs : int, default=None
        Number of threads solving groups of labels in parallel (each thread
        solves its labels over the shared ``X``). None takes what the context
        allows: one thread inside a joblib worker (e.g. under
        ``GridSearchCV(n_jobs=2)``), the ``n_jobs`` of an enclosing
        ``joblib.parallel_config``, else one thread per CPU within
        threadpoolctl's limit (``threadpool_limits(1)``: no thread is started).
        -1 means one thread per CPU. Problems too small for threads (products
        with all labels below 2**24 multiply-adds) are solved on the calling
        thread. The solution does not depend on it: bit for bit on sparse
        ``X``; on dense ``X`` (BLAS gets the same threads whatever
        ``n_jobs``) to the rounding of BLAS's matrix-vector product, which
        multiplies the last label of a group iterating alone.

    verbose : int, default=0
        Print the solver's progress when positive.

    Attributes
    ----------
    classes_ : ndarray
        Binary target: the two classes (the second is the positive one).
        Multi-label target: the label names (the columns of a DataFrame ``y``),
        else ``np.arange(n_labels)``.

    coef_ : ndarray of shape (n_labels, n_features)
        Coefficients; ``(1, n_features)`` for a binary target. In the dtype of
        ``X`` at fit (float32 or float64).

    intercept_ : ndarray of shape (n_labels,)
        Intercepts (zeros when ``fit_intercept=False``).

    n_iter_ : ndarray of shape (n_labels,)
        Solver iterations per label over the full data (Newton steps, or
        L-BFGS iterations); 0 for labels that were constant. With
        ``partial_fit``: the number of batches seen.

    n_features_in_ : int
        Number of features seen during fit.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when ``X`` has string column names.

    pos_weight_ : ndarray of shape (n_labels,)
        Positive weight used for each label.

    n_samples_seen_ : float
        Total sample weight seen by ``fit`` or by all ``partial_fit`` calls.

    See Also
    --------
    sklearn.linear_model.LogisticRegression : The same model for one label.
    sklearn.multiclass.OneVsRestClassifier : One estimator per label, fitted
        separately.

    Notes
    -----
    ``predict_proba`` follows the target: shape (n_samples, 2) for a binary
    target (as LogisticRegression), shape (n_samples, n_labels) holding the
    probability that each label is on for a multi-label target (as
    ``OneVsRestClassifier``; ``MultiOutputClassifier`` returns a list of
    (n_samples, 2) arrays instead).

    Examples
    --------
    >>> from skbce import MultiLabelLogisticClassifier
    >>> from skbce.datasets import load_yeast
    >>> X, Y = load_yeast(subset="train", return_X_y=True)
    >>> clf = MultiLabelLogisticClassifier(C=0.1).fit(X, Y)
    >>> clf.predict_proba(X[:2]).shape
    (2, 14)
    >>> clf.coef_.shape
    (14, 103)
    >>> round(clf.score(X, Y), 2)  # subset accuracy: all 14 labels right
    0.1
    """

    _parameter_constraints = {
        "C": [Interval(Real, 0, None, closed="neither"), "array-like", dict],
        "fit_intercept": ["boolean"],
        "pos_weight": [
            Interval(Real, 0, None, closed="neither"),
            "array-like",
            dict,
            StrOptions({"balanced"}),
            None,
        ],
        "label_smoothing": [Interval(Real, 0, 1, closed="left")],
        "solver": [StrOptions({"auto", "newton-cg", "lbfgs"})],
        "tol": [Interval(Real, 0, None, closed="left")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "warm_start": ["boolean"],
        "n_jobs": [None, Integral],
        "verbose": ["verbose"],
    }

    def __init__(
        self,
        C=1.0,
        *,
        fit_intercept=True,
        pos_weight=None,
        label_smoothing=0.0,
        solver="auto",
        tol=1e-4,
        max_iter=100,
        warm_start=False,
        n_jobs=None,
        verbose=0,
    ):
        self.C = C
        self.fit_intercept = fit_intercept
        self.pos_weight = pos_weight
        self.label_smoothing = label_smoothing
        self.solver = solver
        self.tol = tol
        self.max_iter = max_iter
        self.warm_start = warm_start
        self.n_jobs = n_jobs
        self.verbose = verbose

    def _check_hyperparameters(self, labels, dtype):
        """Per-label C and pos_weight as arrays (L,) for the label names
        ``labels``."""
        C = self._per_label("C", self.C, labels, 1.0)
        if not np.all(np.isfinite(C)) or (C <= 0).any():
            raise ValueError("C must be positive and finite.")
        return C, self._check_pos_weight(labels, dtype)

    # ------------------------------------------------------------------
    # fit
    # ------------------------------------------------------------------

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Fit the model to all labels at once.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data; float32 data is computed in float32.
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            Two classes of any type (binary), or a 0/1 indicator matrix
            (multi-label); a DataFrame's column names become ``classes_``.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weight of each sample.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        with restored_on_error(self):
            return self._fit(X, y, sample_weight)

    def _fit(self, X, y, sample_weight):
        previous = (
            (self.coef_, self.intercept_)
            if self.warm_start and hasattr(self, "coef_")
            else None
        )
        if any_dask(X, y, sample_weight):
            X, Y, sample_weight, classes = self._validate_dask_fit(X, y, sample_weight)
        else:
            X, Y, sample_weight, classes = self._validate_fit(X, y, sample_weight)
        n_labels, n_features = Y.shape[1], X.shape[1]
        C, pos_weight = self._check_hyperparameters(
            self._labels_of(classes, n_labels), X.dtype
        )
        if previous is not None and previous[0].shape != (n_labels, n_features):
            previous = None
        self._fit_labels(X, Y, sample_weight, classes, C, pos_weight, previous)
        self._online = None
        self._online_prior = np.repeat(
            (1 / C)[:, None], n_features + self.fit_intercept, axis=1
        )
        if self.fit_intercept:
            self._online_prior[:, -1] = 0
        self._online_fit_intercept = self.fit_intercept
        names = None if self._binary else getattr(y, "columns", None)
        self._y_names = None if names is None else np.asarray(names)
        return self

    # ------------------------------------------------------------------
    # partial_fit
    # ------------------------------------------------------------------

    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, sample_weight=None, classes=None):
        """Update the model with one mini-batch (down to a single sample).

        ``partial_fit`` over a sequence of batches targets the objective of
        ``fit`` on their concatenation: every row streamed counts (a row streamed
        twice counts twice) and the L2 penalty ``||w_k||^2 / (2 C_k)`` counts
        once. Each batch takes one stochastic Newton step per label: its
        gradient preconditioned by the curvature accumulated over all rows seen
        (plus the penalty), i.e. the online Laplace approximation of Bayesian
        logistic regression with prior ``N(0, C)``; see the User Guide. The
        prior makes the very first one- or two-sample updates finite, and
        repeated passes over a data set approach the batch solution of the
        stream with an error decaying like ``1 / passes``. After ``fit``,
        ``partial_fit`` continues from the fitted coefficients; the curvature of
        the data ``fit`` saw (of weight ``n_samples_seen_``) is estimated from
        the first batch, as if that batch stood for them.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            A batch of training data.
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            Its targets, binary or a 0/1 indicator matrix (as in :meth:`fit`).
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weight of each sample.
        classes : array-like of shape (2,), default=None
            The two classes of a binary (1-D) target; required on the first
            call with a 1-D ``y``, which may not show both. Not used for an
            indicator ``y``.

        Returns
        -------
        self : object
            The updated estimator.
        """
        with restored_on_error(self):
            return self._partial_fit(X, y, sample_weight, classes)

    def _partial_fit(self, X, y, sample_weight, classes):
        first_call = not hasattr(self, "coef_")
        if isinstance(self.pos_weight, str):
            raise ValueError(
                "pos_weight='balanced' needs the whole training data; partial_fit "
                "takes a float or one value per label instead."
            )
        X, y, names = self._validate_X_y(X, y, reset=first_call)
        sample_weight = _check_sample_weight(
            sample_weight, X, dtype=np.float64, ensure_non_negative=True
        )
        if y.ndim == 1:
            if first_call:
                if classes is None:
                    raise ValueError(
                        "classes must be passed on the first call to partial_fit "
                        "with a 1-D y."
                    )
                classes = np.unique(classes)
                if classes.size != 2:
                    raise ValueError(
                        "classes must hold exactly two classes; got "
                        f"{classes.tolist()}."
                    )
            elif not self._binary:
                raise ValueError(
                    "y is 1-D but the model was fitted on a multi-label indicator "
                    f"with {self.coef_.shape[0]} labels."
                )
            else:
                classes = self.classes_
            unknown = np.setdiff1d(np.unique(y), classes)
            if unknown.size:
                raise ValueError(
                    f"y holds classes {unknown.tolist()} not in classes "
                    f"{classes.tolist()} (given on the first call to partial_fit)."
                )
            Y = self._encode_binary(y, classes)
        else:
            if not first_call and (self._binary or y.shape[1] != self.coef_.shape[0]):
                raise ValueError(
                    f"y has {y.shape[1]} label columns but the model was fitted "
                    f"with {'a binary target' if self._binary else self.coef_.shape[0]}"
                    "."
                )
            Y = y.astype(np.float64)
            classes = names if names is not None else np.arange(Y.shape[1])
            if not first_call:
                self._check_label_names(names)
                classes = self.classes_
        n_labels, n_features = Y.shape[1], X.shape[1]
        C, pos_weight = self._check_hyperparameters(
            self._labels_of(classes, n_labels), X.dtype
        )
        if self.label_smoothing:
            Y = Y * (1 - self.label_smoothing) + self.label_smoothing / 2
        online_intercept = getattr(self, "_online_fit_intercept", None)
        if not first_call and online_intercept not in (None, self.fit_intercept):
            raise ValueError(
                f"fit_intercept was {online_intercept} when the model was fitted "
                f"and is now {self.fit_intercept}: partial_fit cannot change the "
                "model's form. Restore fit_intercept, or call fit to start anew."
            )
        if first_call:
            self.classes_ = classes
            self._binary = y.ndim == 1
            if not self._binary:
                self._label_dtype = y.dtype if y.dtype.kind in "biu" else np.dtype(int)
            self.n_iter_ = np.zeros(n_labels, dtype=np.int32)
            self.n_samples_seen_ = 0.0
            self._set_coef(np.zeros((n_labels, n_features + 1)), n_features, X.dtype)
        coef = self._online_step(
            X.astype(self.coef_.dtype, copy=False),
            Y.astype(self.coef_.dtype),
            sample_weight,
            pos_weight,
            C,
        )
        self._y_names = names if first_call else self._y_names
        self._online_fit_intercept = self.fit_intercept
        self._set_coef(coef, n_features, self.coef_.dtype)
        self.pos_weight_ = (
            np.ones(n_labels) if pos_weight is None else pos_weight
        ).astype(self.coef_.dtype)
        self.n_iter_ = self.n_iter_ + 1
        self.n_samples_seen_ += float(sample_weight.sum())
        return self

    def _check_label_names(self, names):
        """Refuse label columns whose names differ from those at fit (order too)."""
        fitted = getattr(self, "_y_names", None)
        if names is None or fitted is None:
            return
        if len(names) != len(fitted) or not np.array_equal(names, fitted):
            raise ValueError(
                "The label columns of y differ from those the model was fitted "
                f"with: got {list(names)}, expected {list(fitted)}. Reorder or "
                "rename the columns of y (e.g. y[model.classes_])."
            )

    # Curvatures are kept as dense (L, p, p) matrices up to this many entries.
    _max_curvature_entries = 2**22

    def _online_step(self, X, Y, sample_weight, pos_weight, C):
        """One stochastic Newton step per label (see :meth:`partial_fit`).

        The past is summarised per label by the coefficients ``m``, the
        curvature of the data seen ``A`` (``self._online``) and the prior
        ``P_old`` of the ``C`` that ``m`` was found with: the posterior of the
        past is about ``N(m, (A + P_old)^-1)``, so its data part is the
        quadratic ``(w - m)' A (w - m) / 2 - (P_old m)' (w - m)``. The step
        minimises the batch's BCE plus that quadratic plus the current prior
        ``w' P w / 2`` by one damped Newton step from ``m`` (so that
        ``set_params(C=...)`` between batches is honoured); then ``A`` grows by
        the batch's Hessian at ``m``. The first batch after ``fit`` also stands
        for the data ``fit`` saw (weight ``n_samples_seen_``): its Hessian,
        scaled to that weight, is their curvature.
        """
        centre = self.coef_.astype(np.float64)
        if self.fit_intercept:
            centre = np.hstack([centre, self.intercept_[:, None]])
        n_labels, n_dof = centre.shape
        prior = np.repeat((1 / C)[:, None], n_dof, axis=1)
        if self.fit_intercept:
            prior[:, -1] = 0
        old_prior = getattr(self, "_online_prior", None)
        slope = None if old_prior is None else (prior - old_prior) * centre
        data_curvature = getattr(self, "_online", None)
        unseen_weight = 0.0
        if data_curvature is None:
            full = n_labels * n_dof**2 <= self._max_curvature_entries
            data_curvature = np.zeros((n_labels, n_dof, n_dof) if full else prior.shape)
            unseen_weight = self.n_samples_seen_
        full_prior = (
            prior[:, :, None] * np.eye(n_dof) if data_curvature.ndim == 3 else prior
        )
        solver = NewtonCholeskySolver(
            tol=0.0, max_iter=1, rounding=16 * np.finfo(X.dtype).eps
        )

        def model(curvature):
            objective = OnlineBatchLoss(
                X,
                Y,
                sample_weight,
                pos_weight,
                self.fit_intercept,
                centre,
                curvature + full_prior,
                slope,
            )
            return objective, solver.setup(objective, centre)

        objective, point = model(data_curvature)
        batch_curvature = point.hessian - (data_curvature + full_prior)
        batch_weight = sample_weight.sum()
        if unseen_weight > 0 and batch_weight > 0:
            data_curvature = data_curvature + unseen_weight / batch_weight * (
                batch_curvature
            )
            objective, point = model(data_curvature)
        direction = solver.inner_solve(objective, point)
        point, _ = solver.line_search(objective, point, direction)
        self._online = data_curvature + batch_curvature
        self._online_prior = prior
        return point.coef
