"""Likelihood-ratio and Vuong tests, and information criteria, of count models.

Every function reads fitted models through their public likelihood API:
``loglik_samples(X, y, offset=None)`` (per-row log-likelihoods) and
``summary().stats`` (log-likelihood, number of parameters, observations), so any
model with that API can be compared, e.g. a
:class:`~skbce.HurdleRegressor` with a :class:`~skbce.ZeroInflatedRegressor`.
"""

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import chi2, norm
from sklearn.utils.validation import check_is_fitted

__all__ = [
    "LikelihoodRatioTestResult",
    "VuongTestResult",
    "information_criteria",
    "likelihood_ratio_test",
    "vuong_test",
]


class _StatisticPValue:
    """``statistic, p_value = result``: the result unpacks as a pair."""

    def __iter__(self):
        yield self.statistic
        yield self.p_value


@dataclass(frozen=True)
class LikelihoodRatioTestResult(_StatisticPValue):
    """Result of :func:`likelihood_ratio_test`.

    Unpacks as ``statistic, p_value = result``.

    Parameters
    ----------
    statistic : float
        ``2 * (loglik_full - loglik_restricted)``.
    p_value : float
        Upper tail of the chi-squared distribution with ``df`` degrees of
        freedom at ``statistic``.
    df : int
        Number of parameters of the full model minus those of the restricted
        model.
    loglik_restricted : float
        Log-likelihood of the restricted model on the data.
    loglik_full : float
        Log-likelihood of the full model on the data.

    See Also
    --------
    likelihood_ratio_test : Builds it.

    Examples
    --------
    >>> from skbce.inference import LikelihoodRatioTestResult
    >>> result = LikelihoodRatioTestResult(3.84, 0.05, 1, -10.0, -8.08)
    >>> statistic, p_value = result
    >>> statistic, p_value
    (3.84, 0.05)
    """

    statistic: float
    p_value: float
    df: int
    loglik_restricted: float
    loglik_full: float


@dataclass(frozen=True)
class VuongTestResult(_StatisticPValue):
    """Result of :func:`vuong_test`: pscl's three Vuong statistics.

    Unpacks as ``statistic, p_value = result`` (the raw statistic).

    Parameters
    ----------
    statistic : float
        The raw statistic ``sum(m) / (s * sqrt(n))`` of the per-row differences
        of log-likelihoods ``m = loglik_a - loglik_b`` (``s`` their standard
        deviation): positive values favour model A.
    p_value : float
        One-sided p-value in the direction of the statistic,
        ``P(Z > |statistic|)``, as pscl's ``vuong`` reports it.
    statistic_aic : float
        The statistic with ``sum(m)`` reduced by ``k_a - k_b`` (the AIC
        penalty of the difference in parameters).
    p_value_aic : float
        Its one-sided p-value.
    statistic_bic : float
        The statistic with ``sum(m)`` reduced by ``(k_a - k_b) log(n) / 2``.
    p_value_bic : float
        Its one-sided p-value.
    n_obs : int
        Number of rows used (rows with a non-finite difference are dropped).

    See Also
    --------
    vuong_test : Builds it.

    Examples
    --------
    >>> from skbce.inference import VuongTestResult
    >>> result = VuongTestResult(2.0, 0.023, 1.5, 0.067, 0.4, 0.34, 500)
    >>> statistic, p_value = result
    >>> result.table()["preferred"].tolist()
    ['model A', 'model A', 'model A']
    """

    statistic: float
    p_value: float
    statistic_aic: float
    p_value_aic: float
    statistic_bic: float
    p_value_bic: float
    n_obs: int

    def table(self):
        """The three statistics as pscl prints them.

        Returns
        -------
        table : pandas.DataFrame
            Rows ``raw``, ``AIC-corrected`` and ``BIC-corrected``; columns
            ``statistic``, ``p_value`` and ``preferred`` (the model the sign
            of the statistic favours).
        """
        statistics = [self.statistic, self.statistic_aic, self.statistic_bic]
        return pd.DataFrame(
            {
                "statistic": statistics,
                "p_value": [self.p_value, self.p_value_aic, self.p_value_bic],
                "preferred": ["model A" if v > 0 else "model B" for v in statistics],
            },
            index=pd.Index(["raw", "AIC-corrected", "BIC-corrected"], name="vuong"),
        )


def _model_stats(model, name):
    """``summary().stats`` of a fitted likelihood model, checked."""
    check_is_fitted(model)
    if not (hasattr(model, "loglik_samples") and hasattr(model, "summary")):
        raise TypeError(
            f"{name} must be a fitted count model with loglik_samples and summary "
            f"(HurdleRegressor, ZeroInflatedRegressor); got {type(model).__name__}."
        )
    stats = model.summary().stats
    if not np.isfinite(stats["df"]):
        raise ValueError(
            f"{name} has no counted parameters (a part is a custom scikit-learn "
            "estimator), so its likelihood cannot be compared by a test."
        )
    return stats


def _loglik_samples(model, X, y, offset):
    return np.asarray(model.loglik_samples(X, y, offset=offset), dtype=float)


def likelihood_ratio_test(restricted, full, X, y, *, sample_weight=None, offset=None):
    """Likelihood-ratio test of a restricted model nested in a full one.

    ``2 * (loglik_full - loglik_restricted)`` on the data ``(X, y)`` (usually
    the training data of both), compared with a chi-squared distribution whose
    degrees of freedom are the difference in numbers of parameters. The models
    must be nested (the restricted one is the full one with some parameters
    fixed, e.g. fewer features) and fitted on the same data. When the
    restriction puts a parameter on the boundary of its space (Poisson within
    negative binomial: ``1 / theta = 0``), the chi-squared p-value is
    conservative; halve it for the usual mixture reference.

    Parameters
    ----------
    restricted : fitted count model
        The smaller model (e.g. :class:`~skbce.HurdleRegressor`).
    full : fitted count model
        The larger model.
    X : {array-like, DataFrame} of shape (n_samples, n_features)
        Samples.
    y : array-like of shape (n_samples,)
        Observed counts.
    sample_weight : array-like of shape (n_samples,), default=None
        Frequency weights of the rows (those of the fits).
    offset : array-like of shape (n_samples,), default=None
        Offset of the count parts.

    Returns
    -------
    result : LikelihoodRatioTestResult
        ``statistic``, ``p_value``, ``df`` and both log-likelihoods; unpacks
        as ``statistic, p_value``.

    See Also
    --------
    vuong_test : For models that are not nested.

    Examples
    --------
    >>> from skbce import HurdleRegressor
    >>> from skbce.datasets import load_biochemists
    >>> from skbce.inference import likelihood_ratio_test
    >>> X, y = load_biochemists(return_X_y=True, as_frame=True)
    >>> small = HurdleRegressor(zero_features=["ment"]).fit(X, y)
    >>> large = HurdleRegressor().fit(X, y)
    >>> statistic, p_value = likelihood_ratio_test(small, large, X, y)
    >>> round(statistic, 2), round(p_value, 4)
    (8.98, 0.0617)
    """
    k_restricted = _model_stats(restricted, "restricted")["df"]
    k_full = _model_stats(full, "full")["df"]
    df = int(k_full - k_restricted)
    if df <= 0:
        raise ValueError(
            f"full must have more parameters than restricted; got {int(k_full)} and "
            f"{int(k_restricted)}. Pass the smaller (nested) model first."
        )
    weights = None if sample_weight is None else np.asarray(sample_weight, float)
    loglik_restricted = float(
        np.average(_loglik_samples(restricted, X, y, offset), weights=weights)
    )
    loglik_full = float(
        np.average(_loglik_samples(full, X, y, offset), weights=weights)
    )
    n = len(y) if weights is None else weights.sum()
    loglik_restricted, loglik_full = loglik_restricted * n, loglik_full * n
    statistic = 2 * (loglik_full - loglik_restricted)
    if statistic < -1e-6 * max(1.0, abs(loglik_full)):
        warnings.warn(
            f"The restricted model fits better than the full one (statistic "
            f"{statistic:.3g} < 0): the models are not nested, not fitted on these "
            "data, or the full fit did not converge. The p-value is 1.",
            UserWarning,
            stacklevel=2,
        )
    return LikelihoodRatioTestResult(
        statistic=float(statistic),
        p_value=float(chi2.sf(max(statistic, 0.0), df)),
        df=df,
        loglik_restricted=loglik_restricted,
        loglik_full=loglik_full,
    )


def vuong_test(model_a, model_b, X, y, *, offset=None):
    """Test two non-nested models by Vuong's statistic, with pscl's corrections.

    With the per-row differences of log-likelihoods
    ``m_i = log P_a(y_i | x_i) - log P_b(y_i | x_i)`` (from ``loglik_samples``),
    their sum ``S``, standard deviation ``s`` (``n - 1`` in the denominator)
    and ``n`` rows, the statistics are ``S / (s sqrt(n))`` (raw),
    ``(S - (k_a - k_b)) / (s sqrt(n))`` (AIC-corrected) and
    ``(S - (k_a - k_b) log(n) / 2) / (s sqrt(n))`` (BIC-corrected), each
    asymptotically standard normal when the models are equally close to the
    truth; a positive statistic favours model A. This is R's
    ``pscl::vuong(model_a, model_b)``, except that ``k`` counts every
    estimated parameter, ``log(theta)`` included (pscl counts ``coef()``,
    which leaves theta out).

    Parameters
    ----------
    model_a : fitted count model
        Model A, e.g. a :class:`~skbce.ZeroInflatedRegressor`.
    model_b : fitted count model
        Model B, e.g. a :class:`~skbce.HurdleRegressor`.
    X : {array-like, DataFrame} of shape (n_samples, n_features)
        Samples (the training data of both models).
    y : array-like of shape (n_samples,)
        Observed counts.
    offset : array-like of shape (n_samples,), default=None
        Offset of the count parts of both models.

    Returns
    -------
    result : VuongTestResult
        The three statistics and their one-sided p-values; unpacks as the raw
        ``statistic, p_value``.

    See Also
    --------
    likelihood_ratio_test : For nested models.

    References
    ----------
    .. [1] Vuong, Q. H. (1989). Likelihood ratio tests for model selection and
       non-nested hypotheses. Econometrica, 57(2), 307-333.

    Examples
    --------
    >>> from skbce import HurdleRegressor, ZeroInflatedRegressor
    >>> from skbce.datasets import load_biochemists
    >>> from skbce.inference import vuong_test
    >>> X, y = load_biochemists(return_X_y=True, as_frame=True)
    >>> zinb = ZeroInflatedRegressor(count_model="negbin").fit(X, y)
    >>> hnb = HurdleRegressor(count_model="negbin").fit(X, y)
    >>> vuong_test(zinb, hnb, X, y).table().round(3)
                   statistic  p_value preferred
    vuong
    raw                0.555    0.289   model A
    AIC-corrected      0.555    0.289   model A
    BIC-corrected      0.555    0.289   model A
    """
    k_a = _model_stats(model_a, "model_a")["df"]
    k_b = _model_stats(model_b, "model_b")["df"]
    m = _loglik_samples(model_a, X, y, offset) - _loglik_samples(model_b, X, y, offset)
    finite = np.isfinite(m)
    if not finite.all():
        warnings.warn(
            f"{np.count_nonzero(~finite)} row(s) have a non-finite log-likelihood "
            "under one of the models (a count it gives probability 0); they are "
            "dropped, as pscl::vuong does.",
            UserWarning,
            stacklevel=2,
        )
        m = m[finite]
    n = m.size
    if n < 2:
        raise ValueError(f"vuong_test needs at least 2 rows; got {n}.")
    s = m.std(ddof=1)
    total = m.sum()
    corrections = [0.0, k_a - k_b, (k_a - k_b) * np.log(n) / 2]
    with np.errstate(divide="ignore", invalid="ignore"):
        statistics = [(total - c) / (s * np.sqrt(n)) for c in corrections]
    p_values = [float(norm.sf(abs(v))) for v in statistics]
    return VuongTestResult(
        statistic=float(statistics[0]),
        p_value=p_values[0],
        statistic_aic=float(statistics[1]),
        p_value_aic=p_values[1],
        statistic_bic=float(statistics[2]),
        p_value_bic=p_values[2],
        n_obs=int(n),
    )


def information_criteria(models):
    """Log-likelihood, parameters, AIC and BIC of fitted models, side by side.

    ``aic = -2 loglik + 2 df`` and ``bic = -2 loglik + log(n_obs) df``, with
    ``df`` every estimated parameter (``log(theta)`` included), as pscl's
    ``AIC`` and ``BIC`` count them; lower is better. The models must be fitted
    on the same observations.

    Parameters
    ----------
    models : dict of str to fitted count model, or sequence of models
        The models, fitted on the same data; a sequence is named by class
        name and position.

    Returns
    -------
    criteria : pandas.DataFrame
        One row per model (sorted by AIC), columns ``loglik``, ``df``, ``aic``,
        ``bic`` and ``n_obs``.

    See Also
    --------
    vuong_test : A test between two of them.

    Examples
    --------
    >>> from skbce import HurdleRegressor, ZeroInflatedRegressor
    >>> from skbce.datasets import load_biochemists
    >>> from skbce.inference import information_criteria
    >>> X, y = load_biochemists(return_X_y=True, as_frame=True)
    >>> models = {
    ...     "ZINB": ZeroInflatedRegressor(count_model="negbin").fit(X, y),
    ...     "hurdle NB": HurdleRegressor(count_model="negbin").fit(X, y),
    ...     "ZIP": ZeroInflatedRegressor().fit(X, y),
    ... }
    >>> information_criteria(models).round(1)
                 loglik    df     aic     bic  n_obs
    model
    ZINB        -1550.0  13.0  3126.0  3188.6  915.0
    hurdle NB   -1552.6  13.0  3131.2  3193.8  915.0
    ZIP         -1604.8  12.0  3233.5  3291.4  915.0
    """
    if isinstance(models, dict):
        items = list(models.items())
    else:
        items = [(f"{type(m).__name__} {i}", m) for i, m in enumerate(models)]
    if not items:
        raise ValueError("information_criteria needs at least one model.")
    rows = {}
    for name, model in items:
        stats = _model_stats(model, f"model {name!r}")
        rows[name] = {
            key: stats[key] for key in ("loglik", "df", "aic", "bic", "n_obs")
        }
    frame = pd.DataFrame.from_dict(rows, orient="index")
    frame.index.name = "model"
    n_obs = frame["n_obs"].to_numpy()
    if not np.allclose(n_obs, n_obs[0]):
        raise ValueError(
            "The models were fitted on different numbers of observations "
            f"({sorted(set(n_obs.tolist()))}); their criteria do not compare."
        )
    return frame.sort_values("aic", kind="stable")
