"""Tests of the binary links of the hurdle's zero part (skbce._loss._link) at
extreme linear predictors: mpmath references, finite differences, exact limits."""

import warnings

import mpmath as mp
import numpy as np
import pytest
from _references import binary_link_element, to_float

from skbce._loss._link import BINARY_LINKS

LINKS = sorted(BINARY_LINKS)
# Around every branch point of the kernels and far beyond: the Mills series
# (-40), the cloglog series (-20), exp(raw) subnormal (-708), 0 (-745), overflow
# of exp(raw) (709.8) and of raw**2 (1.34e154).
RAW_GRID = np.array(
    [
        -1e300, -2e154, -1e154, -1e20, -800.0, -745.5, -709.0, -100.0, -40.0,
        -39.9, -30.0, -20.5, -19.9, -3.0, 0.0, 2.0, 6.5, 30.0, 40.0, 100.0,
        710.0, 800.0, 1e20, 1e300,
    ]
)  # fmt: skip


@pytest.mark.parametrize("target", [0.0, 1.0])
@pytest.mark.parametrize("link", LINKS)
def test_binary_link_derivatives_match_mpmath_at_extreme_raw(link, target):
    """Check loss, gradient and curvature against mpmath on the whole grid.

    Relative error below 1e-12 (the probit curvature: 1e-11, its direct form
    losing about raw**2 ulps up to |raw| = 40), exact where the reference leaves
    the float range, no warning.
    """
    y = np.full(RAW_GRID.size, target)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        results = BINARY_LINKS[link].derivatives(y, RAW_GRID)
    for k, raw in enumerate(RAW_GRID):
        reference = binary_link_element(link, target, raw)
        for order, (got, exact) in enumerate(zip(results, reference)):
            expected = to_float(exact)
            if not np.isfinite(expected) or abs(expected) < 1e-300:
                assert got[k] == pytest.approx(expected, abs=1e-300), (raw, order)
            else:
                rtol = 1e-11 if (link, order) == ("probit", 2) else 1e-12
                error = abs(mp.mpf(float(got[k])) - exact) / abs(exact)
                assert error <= rtol, (raw, order, got[k], expected)


def test_cloglog_link_below_minus_745_is_exact_not_inf():
    """Check the case of issue 14 (#16): cloglog at raw < -745 gave inf and NaN.

    exp(raw) underflows to 0 there, and -log(1 - exp(-exp(raw))) is -raw (plus
    exp(raw) / 2); for y = 0 the loss exp(raw) is 0, not 0 * inf.
    """
    link = BINARY_LINKS["cloglog"]
    raw = np.array([-800.0, -1e5, -1e300])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        value, gradient, curvature = link.derivatives(np.ones(3), raw)
        zero_value, zero_gradient, zero_curvature = link.derivatives(np.zeros(3), raw)
        log_p_zero, log_p_positive = link.log_proba(raw)
    np.testing.assert_array_equal(value, -raw)
    np.testing.assert_array_equal(gradient, -1.0)
    np.testing.assert_array_equal(curvature, 0.0)
    for result in (zero_value, zero_gradient, zero_curvature, log_p_zero):
        np.testing.assert_array_equal(result, 0.0)
    np.testing.assert_array_equal(log_p_positive, raw)


@pytest.mark.parametrize("link", LINKS)
def test_binary_links_give_the_limits_at_infinite_raw(link):
    """Check the limits at raw = +-inf: never NaN, a term of weight 0 is 0."""
    y = np.array([1.0, 0.0, 1.0, 0.0])
    raw = np.array([np.inf, np.inf, -np.inf, -np.inf])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        value, gradient, curvature = BINARY_LINKS[link].derivatives(y, raw)
        log_p_zero, log_p_positive = BINARY_LINKS[link].log_proba(raw)
    np.testing.assert_array_equal(value, [0, np.inf, np.inf, 0])
    assert gradient[0] == 0 and gradient[3] == 0
    assert gradient[1] > 0 and gradient[2] < 0  # +inf, or 1 and -1 (logit)
    assert not np.isnan(curvature).any() and (curvature >= 0).all()
    np.testing.assert_array_equal(log_p_zero[[0, 3]], [-np.inf, 0])
    np.testing.assert_array_equal(log_p_positive[[0, 3]], [0, -np.inf])


@pytest.mark.parametrize("target", [0.0, 1.0])
@pytest.mark.parametrize("link", LINKS)
def test_binary_link_derivatives_match_finite_differences_in_the_tails(link, target):
    """Check gradient and curvature against central differences of the kernels.

    At raw in both tails (where the loss is far from 0 or exactly known to be
    tiny), with a step relative to |raw|: the derivatives are those of the loss
    the kernel computes.
    """
    kernel = BINARY_LINKS[link]
    raw = np.array([-800.0, -100.0, -45.0, -35.0, -8.0, -1.0, 0.5, 4.0])
    if link != "cloglog":
        raw = np.concatenate([raw, -raw])
    y = np.full(raw.size, target)
    value, gradient, curvature = kernel.derivatives(y, raw)
    step = 1e-6 * np.maximum(1.0, np.abs(raw))
    forward, backward = (
        kernel.derivatives(y, raw + step),
        kernel.derivatives(y, raw - step),
    )
    numeric_gradient = (forward[0] - backward[0]) / (2 * step)
    numeric_curvature = (forward[1] - backward[1]) / (2 * step)
    scale = np.maximum(np.abs(value), 1e-300) * 1e-9 / step
    np.testing.assert_allclose(gradient, numeric_gradient, rtol=1e-5, atol=0)
    tested = np.abs(curvature) > scale  # leave out curvatures below FD noise
    np.testing.assert_allclose(
        curvature[tested], numeric_curvature[tested], rtol=1e-4, atol=0
    )
