"""Input checks and state guards shared by the skbce estimators and functions.

- :func:`check_no_label_sets` refuses multi-label targets given as sequences of
  label sets (the ``[{"a", "b"}, {"c"}]`` form) and says how to convert them.
- :func:`restored_on_error` (a context manager) and :func:`unchanged_on_error`
  (a decorator of ``fit``) put the estimator's attributes back as they were when
  the guarded code raises.
- :class:`AtomicSetParamsMixin` makes ``set_params`` check every name before it
  changes any parameter.
"""

import functools
from contextlib import contextmanager

import numpy as np


def check_no_label_sets(y, name="y"):
    """Raise a ``ValueError`` if ``y`` is a sequence of label sets, lists or tuples.

    Such a ``y`` is the "list of label sets" form of a multi-label target; skbce
    takes the 0/1 indicator matrix instead. Other inputs are left to the caller's
    own validation.
    """
    if isinstance(y, np.ndarray) and y.dtype != object:
        return
    try:
        first = next(iter(y), None)
    except TypeError:
        return
    if isinstance(first, (set, frozenset)) or (
        isinstance(first, (list, tuple)) and np.asarray(y, dtype=object).ndim == 1
    ):
        raise ValueError(
            f"{name} looks like a sequence of label sets (first entry: "
            f"{first!r}); skbce needs a 0/1 indicator matrix of shape (n_samples, "
            f"n_labels). Convert it with sklearn.preprocessing.MultiLabelBinarizer: "
            f"{name} = MultiLabelBinarizer().fit_transform({name})."
        )


@contextmanager
def restored_on_error(estimator):
    """Restore the estimator's attributes if the block raises.

    The guard restores the attribute *bindings*, so the block must rebind fitted
    attributes (``self.coef_ = new``), never mutate them in place.
    """
    saved = dict(estimator.__dict__)
    try:
        yield
    except BaseException:
        estimator.__dict__.clear()
        estimator.__dict__.update(saved)
        raise


def unchanged_on_error(fit_method):
    """Decorate ``fit``: its whole body runs under :func:`restored_on_error`."""

    @functools.wraps(fit_method)
    def guarded(self, *args, **kwargs):
        with restored_on_error(self):
            return fit_method(self, *args, **kwargs)

    return guarded


class AtomicSetParamsMixin:
    """``set_params`` that checks every name before changing any parameter."""

    def set_params(self, **params):
        """Set the parameters of this estimator, checking every name first.

        Unlike the base implementation, an unknown name (also a nested one, such
        as ``estimator__nonsense``) raises before any parameter is changed, so a
        failed call leaves the estimator as it was.

        Parameters
        ----------
        **params : dict
            Estimator parameters, nested ones as ``<component>__<parameter>``.

        Returns
        -------
        self : estimator instance
            This estimator.
        """
        valid = self.get_params(deep=True)

        def is_valid(key):
            if key in valid:
                return True
            # A nested name of a component replaced in the same call.
            component, _, name = key.partition("__")
            new = params.get(component) if name else None
            return hasattr(new, "get_params") and name in new.get_params(deep=True)

        unknown = sorted(key for key in params if not is_valid(key))
        if unknown:
            raise ValueError(
                f"Invalid parameter(s) {unknown} for estimator {type(self).__name__}; "
                "no parameter was changed. Valid parameters are: "
                f"{sorted(valid)}."
            )
        return super().set_params(**params)


def positions_by_name(keys, names):
    """The positions of ``keys`` among ``names``, and the keys not among them.

    Returns ``(positions, unknown)``: a list of the positions of the known
    keys (in the order of ``keys``) and the list of unknown keys, for the
    caller's own error message.
    """
    position = {name: i for i, name in enumerate(names)}
    unknown = [key for key in keys if key not in position]
    return [position[key] for key in keys if key in position], unknown
