"""What all displays share: the optional matplotlib dependency and their axes."""


def check_matplotlib_support(caller_name):
    """Raise an ImportError naming ``caller_name`` when matplotlib is missing.

    Displays call it before importing matplotlib, which stays an optional
    dependency of skbce. skbce is installed from a source checkout (it is not on
    the package index), so the hint installs its ``plot`` extra from there.
    """
    try:
        import matplotlib  # noqa: F401
    except ImportError as exc:
        raise ImportError(
            f"{caller_name} requires matplotlib. Install it with "
            '`pip install matplotlib`, or with `pip install ".[plot]"` run from '
            "the root of the skbce source checkout."
        ) from exc


def new_subplots(caller_name, *args, **kwargs):
    """``plt.subplots(*args, **kwargs)``, after checking that matplotlib is there."""
    check_matplotlib_support(caller_name)
    import matplotlib.pyplot as plt

    return plt.subplots(*args, **kwargs)


def get_axes(ax, caller_name):
    """Return ``(ax, figure)``: the given axes, or new ones when ``ax`` is None."""
    if ax is None:
        _, ax = new_subplots(caller_name)
    else:
        check_matplotlib_support(caller_name)
    return ax, ax.figure
