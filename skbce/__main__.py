"""Command line entry point: ``python -m skbce <command>``."""

import argparse
import sys


def _info(args):
    """Print the versions of skbce and of the libraries it runs on."""
    import platform

    import numpy
    import pandas
    import scipy
    import sklearn

    import skbce

    print(f"skbce        {skbce.__version__}")
    print(f"python       {platform.python_version()}")
    for module in (numpy, scipy, sklearn, pandas):
        print(f"{module.__name__:<12} {module.__version__}")
    for optional in ("matplotlib", "dask", "distributed", "skops"):
        try:
            module = __import__(optional)
            version = module.__version__
        except ImportError:
            version = "not installed"
        print(f"{optional:<12} {version}")
    return 0


def _demo(args):
    from ._demo import run_demo

    return run_demo(out=args.out)


def build_parser():
    """The argument parser of ``python -m skbce``."""
    parser = argparse.ArgumentParser(
        prog="python -m skbce",
        description="skbce: estimators built on binary cross-entropy.",
    )
    commands = parser.add_subparsers(dest="command", metavar="command")
    commands.required = True
    demo = commands.add_parser(
        "demo", help="fit the estimators on the bundled real data and print a report"
    )
    demo.add_argument(
        "--out",
        default=None,
        help="folder for the figures (default: a new skbce-demo-* folder here)",
    )
    demo.set_defaults(func=_demo)
    info = commands.add_parser("info", help="print the versions of skbce and its stack")
    info.set_defaults(func=_info)
    return parser


def main(argv=None):
    """Run the command line; returns the process exit code."""
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
