"""MultiLabelLogisticClassifierCV: each label picks its own C by cross-validation.

Every label of a multi-label logistic model is its own convex problem, so each
can have its own regularisation. For every fold all labels walk the path of
``Cs`` together, from the strongest penalty to the weakest, each solve starting
from the solution at the previous C (a warm start), with the solver of
:class:`~skbce.MultiLabelLogisticClassifier`; each label is scored on the
held-out rows at every C, keeps the C of its best mean score and is refitted at
that C on all the data.
"""

import inspect
import warnings
from numbers import Integral

import numpy as np
from scipy.special import expit
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import check_scoring, get_scorer_names, make_scorer
from sklearn.model_selection import check_cv
from sklearn.utils.metadata_routing import (
    MetadataRouter,
    MethodMapping,
    _raise_for_params,
    _routing_enabled,
    process_routing,
)

from ..metrics._bce_scorer import _BCEScorer, label_log_loss
from ..model_selection._split import MultiLabelStratifiedKFold
from ..utils._dask import any_dask
from ..utils._parallel import (
    blas_threads_per_problem,
    effective_n_threads,
    thread_map,
)
from ..utils._sklearn_compat import (
    Interval,
    StrOptions,
    _check_method_params,
    _fit_context,
)
from ..utils._validation import restored_on_error
from ._multilabel import (
    MultiLabelLogisticClassifier,
    _BaseMultiLabelLogistic,
    _small_products,
)


class MultiLabelLogisticClassifierCV(_BaseMultiLabelLogistic):
    r"""Multi-label logistic regression with each label's C chosen by cross-validation.

    The model of :class:`MultiLabelLogisticClassifier`, one sigmoid per label,
    with the inverse penalty strength :math:`C_k` of every label :math:`k`
    chosen among ``Cs`` by cross-validation, label by label. For every fold,
    all labels walk the path of ``Cs`` together, from the smallest C up, each
    solve warm-started from the solution at the previous C; each label is
    scored on the held-out rows at every C and keeps the C of its best mean
    score over the folds (ties go to the smaller C), then all labels are
    refitted at their own C on all the data. With the default scoring (the
    held-out binary cross-entropy, BCE) each label's ``C_`` is the choice of
    ``LogisticRegressionCV(Cs=Cs, scoring="neg_log_loss")`` on that label with
    the same folds, for a fraction of its cost.

    Read more in the :ref:`User Guide <multilabel_cv>`.

    Parameters
    ----------
    Cs : int or array-like of shape (n_Cs,), default=10
        The values of C to try: an int ``n`` for ``n`` values spaced evenly on
        a log scale between 1e-4 and 1e4 (as ``LogisticRegressionCV``), or the
        values (positive; sorted in increasing order, the order of the path).

    cv : int, cross-validation generator or iterable, default=None
        The folds. None means 5. An int is the number of folds of
        :class:`~skbce.model_selection.MultiLabelStratifiedKFold` (iterative
        stratification, so that rare labels have positives in every fold) for
        a multi-label target, of :class:`~sklearn.model_selection.StratifiedKFold`
        for a binary one (or a single label column). A splitter (e.g.
        ``GroupKFold``, with ``groups``) or an iterable of ``(train, test)``
        index arrays is used as given.

    scoring : str, callable or None, default=None
        How each label is scored on the held-out rows, greater is better. None:
        the negative sample-weighted mean BCE of the label's probabilities
        (that of :data:`skbce.metrics.bce_scorer`). A string names a scikit-learn
        scorer (e.g. "roc_auc", "average_precision", "neg_brier_score",
        "neg_log_loss"), a callable is a scorer ``scorer(estimator, X, y)``:
        either is applied to each label's column, with a binary classifier of
        that label as ``estimator``.

    refit : bool, default=True
        Refit every label at its chosen C on all the data. If False, each
        label's coefficients are the mean over the folds of the coefficients
        at that fold's best C, and ``C_`` the mean of those Cs (as
        ``LogisticRegressionCV``).

    fit_intercept : bool, default=True
        Whether to fit an (unpenalised) intercept per label.

    pos_weight : float, array-like, dict or "balanced", default=None
        Weight of the positive term of the training BCE, as in
        :class:`MultiLabelLogisticClassifier`; "balanced" is computed once on
        all the data. The held-out scores do not use it.

    label_smoothing : float in [0, 1), default=0.0
        Training targets are moved towards 1/2 (the held-out scores use the
        true targets).

    solver : {"auto", "newton-cg", "lbfgs"}, default="auto"
        The solver of :class:`MultiLabelLogisticClassifier`.

    tol : float, default=1e-4
        Convergence tolerance of every solve (path and refit), as in
        :class:`MultiLabelLogisticClassifier`; the fits along the path stop on
        the gradient alone (``LogisticRegressionCV``'s rule), the refit also on
        the Newton decrement.

    max_iter : int, default=100
        Maximum number of iterations per label of every solve.

    n_jobs : int, default=None
        Number of threads: the folds run in parallel, the labels of the refit
        in parallel groups. None takes what the context allows, as in
        :class:`MultiLabelLogisticClassifier` (one thread inside a joblib
        worker). The result does not depend on it: bit for bit on sparse
        ``X``; on dense ``X`` (BLAS gets the same threads whatever
        ``n_jobs``) to the rounding of BLAS's matrix-vector product, which
        multiplies the last label of a group iterating alone.

    verbose : int, default=0
        Print the progress of the folds when positive.

    Attributes
    ----------
    Cs_ : ndarray of shape (n_Cs,)
        The values of C tried, in increasing order.

    C_ : ndarray of shape (n_labels,)
        The chosen C of every label; ``(1,)`` for a binary target.

    scores_ : ndarray of shape (n_folds, n_Cs, n_labels)
        The held-out score of every label at every C in every fold
        (``n_labels=1`` for a binary target).

    n_iter_ : ndarray of shape (n_folds, n_Cs, n_labels)
        Solver iterations of every label at every C of every fold's path.

    classes_ : ndarray
        Binary target: the two classes. Multi-label target: the label names
        (the columns of a DataFrame ``y``), else ``np.arange(n_labels)``.

    coef_ : ndarray of shape (n_labels, n_features)
        Coefficients; ``(1, n_features)`` for a binary target.

    intercept_ : ndarray of shape (n_labels,)
        Intercepts (zeros when ``fit_intercept=False``).

    pos_weight_ : ndarray of shape (n_labels,)
        Positive weight used for each label.

    n_samples_seen_ : float
        Total sample weight of the training data.

    n_features_in_ : int
        Number of features seen during fit.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when ``X`` has string column names.

    See Also
    --------
    MultiLabelLogisticClassifier : The model at given per-label C.
    sklearn.linear_model.LogisticRegressionCV : The same selection for one
        label (or one C for all classes).
    skbce.model_selection.MultiLabelStratifiedKFold : The default splitter for
        multi-label targets.

    Notes
    -----
    With ``refit=True`` the fitted model is exactly
    ``MultiLabelLogisticClassifier(C=C_)`` fitted on the same data (same
    parameters, cold start): it predicts alike. The selection is per label,
    so that a label's choice does not depend on the other labels.

    The data must be in memory (the folds index rows): dask collections are
    refused; compute them first.

    Examples
    --------
    >>> import numpy as np
    >>> from skbce import MultiLabelLogisticClassifierCV
    >>> from skbce.datasets import load_yeast
    >>> X, Y = load_yeast(subset="train", return_X_y=True)
    >>> clf = MultiLabelLogisticClassifierCV(Cs=[0.01, 0.1, 1.0], cv=3).fit(X, Y)
    >>> clf.C_.shape, clf.scores_.shape
    ((14,), (3, 3, 14))
    >>> np.unique(clf.C_).tolist()  # the labels differ in their choice
    [0.1, 1.0]
    >>> clf.predict_proba(X[:2]).shape
    (2, 14)
    """

    _parameter_constraints = {
        "Cs": [Interval(Integral, 1, None, closed="left"), "array-like"],
        "cv": ["cv_object"],
        "scoring": [StrOptions(set(get_scorer_names())), callable, None],
        "refit": ["boolean"],
        **{
            name: MultiLabelLogisticClassifier._parameter_constraints[name]
            for name in (
                "fit_intercept",
                "pos_weight",
                "label_smoothing",
                "solver",
                "tol",
                "max_iter",
                "n_jobs",
                "verbose",
            )
        },
    }

    def __init__(
        self,
        Cs=10,
        *,
        cv=None,
        scoring=None,
        refit=True,
        fit_intercept=True,
        pos_weight=None,
        label_smoothing=0.0,
        solver="auto",
        tol=1e-4,
        max_iter=100,
        n_jobs=None,
        verbose=0,
    ):
        self.Cs = Cs
        self.cv = cv
        self.scoring = scoring
        self.refit = refit
        self.fit_intercept = fit_intercept
        self.pos_weight = pos_weight
        self.label_smoothing = label_smoothing
        self.solver = solver
        self.tol = tol
        self.max_iter = max_iter
        self.n_jobs = n_jobs
        self.verbose = verbose

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None, groups=None, **params):
        """Choose each label's C by cross-validation and fit the model.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data; float32 data is computed in float32.
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            Two classes of any type (binary), or a 0/1 indicator matrix
            (multi-label); a DataFrame's column names become ``classes_``.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weight of each sample, in the fits and in the
            held-out scores (with metadata routing: where requested).
        groups : array-like of shape (n_samples,), default=None
            Group labels of the samples, for a group splitter ``cv``.
        **params : dict
            Parameters of the splitter's ``split`` and the scorer, with
            metadata routing enabled
            (``sklearn.set_config(enable_metadata_routing=True)``).

        Returns
        -------
        self : object
            The fitted estimator.
        """
        with restored_on_error(self):
            return self._fit(X, y, sample_weight, groups, params)

    def _fit(self, X, y, sample_weight, groups, params):
        if any_dask(X, y, sample_weight, groups):
            raise ValueError(
                "MultiLabelLogisticClassifierCV takes in-memory data: its folds "
                "index rows. Compute the dask collections first (.compute()), or "
                "tune a MultiLabelLogisticClassifier fitted on dask data by hand."
            )
        split_params, score_params = self._routed_params(sample_weight, groups, params)
        X, Y, sample_weight, classes = self._validate_fit(X, y, sample_weight)
        n_labels, n_features = Y.shape[1], X.shape[1]
        labels = self._labels_of(classes, n_labels)
        pos_weight = self._check_pos_weight(labels, X.dtype)
        if isinstance(pos_weight, str):
            pos_weight = self._prepare_labels(X, Y, sample_weight, pos_weight)
            pos_weight = pos_weight.pos_weight
        Cs = self._check_Cs()
        # The targets as the scorers see them, and as the splitter does (one
        # label column is split as a binary target).
        y_true = classes[Y[:, 0].astype(int)] if self._binary else Y
        y_split = Y[:, 0].astype(int) if n_labels == 1 and not self._binary else y_true
        cv = self._check_cv(y_split)
        folds = list(cv.split(X, y_split, **split_params))
        scorer = self._label_scorer(classes)

        n_threads = effective_n_threads(self.n_jobs)
        fold_threads = min(n_threads, len(folds))
        inner_threads = max(1, n_threads // max(fold_threads, 1))

        def walk(fold):
            index, (train, test) = fold
            path = self._fold_path(
                X,
                Y,
                y_true,
                sample_weight,
                pos_weight,
                Cs,
                train,
                test,
                scorer,
                _check_method_params(X, params=score_params, indices=test),
                inner_threads,
            )
            if self.verbose:
                print(f"fold {index + 1}/{len(folds)} done")
            return path

        # BLAS's share per problem (fold and label), whatever n_jobs.
        blas_threads = blas_threads_per_problem(
            len(folds) * n_labels, _small_products(X, n_labels)
        )
        paths = thread_map(walk, list(enumerate(folds)), fold_threads, blas_threads)
        scores = np.stack([path.scores for path in paths])
        n_iter = np.stack([path.n_iter for path in paths])
        not_converged = ~np.stack([path.converged for path in paths])
        if not_converged.any():
            self.classes_ = classes
            warnings.warn(
                "The solver did not converge on the cross-validation path for "
                f"labels {self._label_names(np.flatnonzero(not_converged.any((0, 1))))}"
                f" at C in {Cs[not_converged.any((0, 2))].tolist()} within "
                f"max_iter={self.max_iter} iterations (tol={self.tol}). Increase "
                "max_iter, scale the features or leave out the largest Cs.",
                ConvergenceWarning,
                stacklevel=4,
            )
        if self.refit:
            # argmax: the first of equal sums, i.e. the smallest C.
            C = Cs[np.argmax(scores.sum(axis=0), axis=0)]
            self._fit_labels(X, Y, sample_weight, classes, C, pos_weight)
        else:
            best = np.argmax(scores, axis=1)  # (n_folds, n_labels)
            C = Cs[best].mean(axis=0)
            coef = np.mean([path.best_coef for path in paths], axis=0)
            self.classes_ = classes
            self._set_coef(coef, n_features, X.dtype)
            pw = np.ones(n_labels) if pos_weight is None else pos_weight
            self.pos_weight_ = pw.astype(X.dtype)
            self.n_samples_seen_ = float(sample_weight.sum())
        self.Cs_ = Cs
        self.C_ = C
        self.scores_ = scores
        self.n_iter_ = n_iter
        return self

    def _check_Cs(self):
        """The grid of C, increasing."""
        if isinstance(self.Cs, Integral):
            return np.logspace(-4, 4, self.Cs)
        Cs = np.asarray(self.Cs, dtype=np.float64)
        if Cs.ndim != 1 or Cs.size == 0 or not np.all(np.isfinite(Cs) & (Cs > 0)):
            raise ValueError(
                "Cs must be a positive int or a non-empty 1-D array of positive, "
                f"finite values of C; got {self.Cs!r}."
            )
        return np.sort(Cs)

    def _check_cv(self, y):
        """The splitter: for an int (None: 5), stratified folds of every label
        of a multi-label target, or of the classes of a binary one."""
        cv = 5 if self.cv is None else self.cv
        if isinstance(cv, Integral) and np.ndim(y) == 2:
            return MultiLabelStratifiedKFold(cv)
        return check_cv(cv, y, classifier=True)

    def _routed_params(self, sample_weight, groups, params):
        """The parameters of ``cv.split`` and of the scorer (all rows)."""
        if _routing_enabled():
            routed = process_routing(
                self, "fit", sample_weight=sample_weight, groups=groups, **params
            )
            return routed.splitter.split, routed.scorer.score
        _raise_for_params(params, self, "fit")
        split_params = {} if groups is None else {"groups": groups}
        score_params = {} if sample_weight is None else {"sample_weight": sample_weight}
        return split_params, score_params

    def _get_scorer(self):
        """The scorer of ``scoring`` (None: :data:`~skbce.metrics.bce_scorer`)."""
        if self.scoring is None:
            return _BCEScorer()
        return check_scoring(self, scoring=self.scoring)

    def _label_scorer(self, classes):
        """``score(coef, X_test, y_test, params)``: the held-out score of every
        label (L,) of coefficients ``coef`` (L, p)."""
        n_features = self.n_features_in_
        intercept = self.fit_intercept

        def logits(coef, X):
            scores = np.asarray(X @ coef[:, :n_features].T.astype(X.dtype))
            if intercept:
                scores = scores + coef[:, -1].astype(X.dtype)
            return scores

        if self.scoring is None:

            def score(coef, X, Y, y, params):
                return -label_log_loss(Y, expit(logits(coef, X)), **params)

            return score

        binary_classes = classes if self._binary else np.array([0, 1])
        scorer = _knowing_classes(self._get_scorer(), binary_classes)

        def score(coef, X, Y, y, params):
            values = np.empty(coef.shape[0])
            for k in range(coef.shape[0]):
                label = MultiLabelLogisticClassifier(fit_intercept=intercept)
                label.classes_ = binary_classes
                label._binary = True
                label.n_features_in_ = n_features
                label._set_coef(coef[k : k + 1], n_features, X.dtype)
                target = y if self._binary else Y[:, k].astype(int)
                values[k] = scorer(label, X, target, **params)
            return values

        return score

    def _fold_path(
        self,
        X,
        Y,
        y_true,
        sample_weight,
        pos_weight,
        Cs,
        train,
        test,
        score,
        score_params,
        n_threads,
    ):
        """One fold: all labels along the path of Cs, warm-started, scored on
        the test rows at every C."""
        X_train = X[train]
        labels = self._prepare_labels(
            X_train, Y[train], sample_weight[train], pos_weight
        )
        n_labels = Y.shape[1]
        X_test, Y_test = X[test], Y[test]
        y_test = y_true[test] if self._binary else None
        shape = (len(Cs), n_labels)
        path = _FoldPath(
            np.empty(shape), np.empty(shape, dtype=np.int32), np.empty(shape, bool)
        )
        coef = labels.start
        best_coef = coef.copy()
        for i, C in enumerate(Cs):
            # The path stops on the gradient alone (LogisticRegressionCV's
            # rule): the decrement's further iterations at the large Cs of
            # nearly separable labels made the path 30% to 40% slower on
            # enron and OHSUMED-F and changed no choice of C.
            coef, path.n_iter[i], path.converged[i] = self._solve_prepared(
                X_train, labels, np.full(n_labels, C), coef, n_threads, decrement=False
            )
            path.scores[i] = score(coef, X_test, Y_test, y_test, score_params)
            if i == 0:
                best_coef = coef
            else:
                better = path.scores[i] > path.scores[:i].max(axis=0)
                best_coef = np.where(better[:, None], coef, best_coef)
        path.best_coef = best_coef
        return path

    def get_metadata_routing(self):
        """Get metadata routing of this object.

        See scikit-learn's user guide on metadata routing for how the routing
        mechanism works: ``fit`` routes to the splitter's ``split`` and to the
        scorer's ``score``.

        Returns
        -------
        routing : MetadataRouter
            A :class:`~sklearn.utils.metadata_routing.MetadataRouter`
            encapsulating routing information.
        """
        return (
            MetadataRouter(owner=self)
            .add_self_request(self)
            .add(
                splitter=self.cv,
                method_mapping=MethodMapping().add(caller="fit", callee="split"),
            )
            .add(
                scorer=self._get_scorer(),
                method_mapping=MethodMapping().add(caller="fit", callee="score"),
            )
        )


def _knowing_classes(scorer, classes):
    """The scorer, told both ``classes`` when its metric takes ``labels`` (as
    ``LogisticRegressionCV`` does): a held-out fold may hold one class only,
    which ``log_loss`` and the like refuse to score without them."""
    metric = getattr(scorer, "_score_func", None)
    if metric is None:
        return scorer
    arguments = inspect.signature(metric).parameters
    if "labels" not in arguments:
        return scorer
    kwargs = {"labels": classes, **getattr(scorer, "_kwargs", {})}
    if "pos_label" in arguments:
        kwargs.setdefault("pos_label", classes[-1])
    return make_scorer(
        metric,
        greater_is_better=scorer._sign > 0,
        response_method=scorer._response_method,
        **kwargs,
    )


class _FoldPath:
    """The path of one fold: ``scores``, ``n_iter`` and ``converged``
    (n_Cs, L), and ``best_coef`` (L, p) at each label's best C."""

    def __init__(self, scores, n_iter, converged):
        self.scores = scores
        self.n_iter = n_iter
        self.converged = converged
        self.best_coef = None
