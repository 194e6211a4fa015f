"""The single import point for scikit-learn helpers that are not public API.

skbce requires scikit-learn >= 1.6 and otherwise uses only its public API. The few
private helpers it relies on (parameter validation, the fit context, the base
class of scorers, the sample weight check, the check of feature names and row
indexing of arrays, sparse matrices and data frames, all stable since
scikit-learn 1.4) are imported here and nowhere else, so a change in
scikit-learn is handled in one place.
"""

from sklearn.base import _fit_context
from sklearn.metrics._scorer import _BaseScorer
from sklearn.utils import _safe_indexing
from sklearn.utils._param_validation import (
    HasMethods,
    Hidden,
    Interval,
    Options,
    RealNotInt,
    StrOptions,
    validate_params,
)
from sklearn.utils.validation import (
    _check_feature_names_in,
    _check_method_params,
    _check_sample_weight,
    _num_samples,
)

__all__ = [
    "HasMethods",
    "Hidden",
    "Interval",
    "Options",
    "RealNotInt",
    "StrOptions",
    "_BaseScorer",
    "_check_feature_names_in",
    "_check_method_params",
    "_check_sample_weight",
    "_fit_context",
    "_num_samples",
    "_safe_indexing",
    "validate_params",
]
