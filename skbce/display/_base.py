"""What all displays share: the optional matplotlib dependency and their axes."""


def check_matplotlib_support(caller_name):
    """Raise an ImportError naming ``caller_name`` when matplotlib is missing.

    Displays call it before importing matplotlib, which stays an optional
    dependency of skbce.
    """
    try:
        import matplotlib  # noqa: F401
    except ImportError as exc:
        raise ImportError(
            f"{caller_name} requires matplotlib. Install it with "
            '`pip install matplotlib` (or `pip install "skbce[plot]"`).'
        ) from exc


def get_axes(ax, caller_name):
    """Return ``(ax, figure)``: the given axes, or new ones when ``ax`` is None."""
    check_matplotlib_support(caller_name)
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots()
    return ax, ax.figure
