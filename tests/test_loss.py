"""Tests of the loss interface (skbce._loss.loss): values and derivatives."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy.special import log_ndtr
from scipy.stats import nbinom, poisson

from skbce._loss.loss import (
    BinaryLoss,
    ZeroTruncatedNegativeBinomialLoss,
    ZeroTruncatedPoissonLoss,
)

BINARY = [
    ("logit", None, lambda z: -np.logaddexp(0, -z), lambda z: -np.logaddexp(0, z)),
    ("logit", 3.0, lambda z: -np.logaddexp(0, -z), lambda z: -np.logaddexp(0, z)),
    ("probit", None, log_ndtr, lambda z: log_ndtr(-z)),
    ("cloglog", None, lambda z: np.log(-np.expm1(-np.exp(z))), lambda z: -np.exp(z)),
]


@pytest.mark.parametrize("link, pos_weight, log_p, log_1mp", BINARY)
def test_binary_loss_is_the_weighted_negative_log_likelihood(
    link, pos_weight, log_p, log_1mp, rng
):
    """Check BinaryLoss against -(w y log F + (1 - y) log(1 - F)) for each link."""
    y = rng.uniform(size=50)
    raw = rng.normal(scale=2, size=50)
    loss = BinaryLoss(link, pos_weight=pos_weight)
    w = 1.0 if pos_weight is None else pos_weight
    expected = -(w * y * log_p(raw) + (1 - y) * log_1mp(raw))
    assert_allclose(loss.loss(y, raw), expected, rtol=1e-12)


@pytest.mark.parametrize("link, pos_weight", [(b[0], b[1]) for b in BINARY])
def test_binary_loss_derivatives_match_finite_differences(link, pos_weight, rng):
    """Check the gradient and Hessian of BinaryLoss by central differences."""
    y = rng.uniform(size=40)
    raw = rng.normal(scale=2, size=40)
    loss = BinaryLoss(link, pos_weight=pos_weight)
    value, gradient, hessian = loss.loss_gradient_hessian(y, raw)
    h = 1e-5
    assert_allclose(
        gradient, (loss.loss(y, raw + h) - loss.loss(y, raw - h)) / (2 * h), rtol=1e-6
    )
    _, g_plus = loss.loss_gradient(y, raw + h)
    _, g_minus = loss.loss_gradient(y, raw - h)
    assert_allclose(hessian, (g_plus - g_minus) / (2 * h), rtol=1e-5, atol=1e-10)
    assert_allclose(value, loss.loss(y, raw), rtol=1e-15)


def test_binary_loss_elementwise_over_labels_with_per_label_pos_weight(rng):
    """Check that a (n, k) raw with pos_weight (k,) is k independent labels."""
    y = (rng.uniform(size=(30, 3)) < 0.4).astype(float)
    raw = rng.normal(size=(30, 3))
    pos_weight = np.array([0.5, 1.0, 7.0])
    together = BinaryLoss(pos_weight=pos_weight).loss_gradient_hessian(y, raw)
    for k in range(3):
        alone = BinaryLoss(pos_weight=pos_weight[k]).loss_gradient_hessian(
            y[:, k], raw[:, k]
        )
        for a, b in zip(together, alone):
            assert_allclose(a[:, k], b, rtol=1e-15)


def test_binary_loss_prepares_smoothed_targets():
    """Check that label smoothing moves the targets towards one half."""
    loss = BinaryLoss(label_smoothing=0.2)
    assert_allclose(loss.prepare_target(np.array([0.0, 1.0])), [0.1, 0.9])


def test_binary_loss_pos_weight_only_with_logit_link():
    """Check that pos_weight with another link is refused."""
    with pytest.raises(ValueError, match="logit link only"):
        BinaryLoss("probit", pos_weight=2.0)


def _ztp_reference(y, raw):
    mu = np.exp(raw)
    return poisson.logpmf(y, mu) - np.log(-np.expm1(-mu))


def _ztnb_reference(y, raw, log_theta):
    theta, mu = np.exp(log_theta), np.exp(raw)
    p = theta / (theta + mu)
    return nbinom.logpmf(y, theta, p) - np.log1p(-nbinom.pmf(0, theta, p))


def test_zero_truncated_poisson_loss_is_minus_the_log_likelihood(rng):
    """Check the ZTP loss against scipy's Poisson pmf, renormalised above 0."""
    y = rng.integers(1, 12, size=30).astype(float)
    raw = rng.normal(size=30)
    loss = ZeroTruncatedPoissonLoss()
    assert_allclose(loss.loss(y, raw), -_ztp_reference(y, raw), rtol=1e-10)
    prepared = loss.prepare_target(np.repeat(y, 10))  # distinct counts
    assert_allclose(
        loss.loss(prepared, np.repeat(raw, 10)),
        -_ztp_reference(np.repeat(y, 10), np.repeat(raw, 10)),
        rtol=1e-10,
    )


def test_zero_truncated_negative_binomial_loss_is_minus_the_log_likelihood(rng):
    """Check the ZTNB loss against scipy's NB pmf, renormalised above 0."""
    y = rng.integers(1, 12, size=30).astype(float)
    raw = rng.normal(size=30)
    loss = ZeroTruncatedNegativeBinomialLoss()
    assert_allclose(
        loss.loss(y, raw, np.array([0.3])), -_ztnb_reference(y, raw, 0.3), rtol=1e-9
    )


@pytest.mark.parametrize(
    "loss", [ZeroTruncatedPoissonLoss(), ZeroTruncatedNegativeBinomialLoss()]
)
def test_count_loss_derivatives_match_finite_differences(loss, rng):
    """Check the gradient (n, q) and Hessian (n, q, q) of the count losses in
    (raw, log theta) by central differences."""
    y = rng.integers(1, 9, size=25).astype(float)
    raw = rng.normal(scale=0.5, size=25)
    extra = np.array([0.4])[: loss.n_extra]
    q = loss.n_free
    _, gradient, hessian = loss.loss_gradient_hessian(y, raw, extra)
    gradient = gradient.reshape(-1, q)
    hessian = hessian.reshape(-1, q, q)
    h = 1e-5

    def shifted(i, sign):
        if i == 0:
            return raw + sign * h, extra
        return raw, extra + sign * h

    for i in range(q):
        plus, minus = shifted(i, 1), shifted(i, -1)
        numeric = (loss.loss(y, *plus) - loss.loss(y, *minus)) / (2 * h)
        assert_allclose(gradient[:, i], numeric, rtol=1e-6, atol=1e-9)
        numeric_row = (
            loss.loss_gradient(y, *plus)[1].reshape(-1, q)
            - loss.loss_gradient(y, *minus)[1].reshape(-1, q)
        ) / (2 * h)
        assert_allclose(hessian[:, i], numeric_row, rtol=1e-5, atol=1e-8)
    assert_allclose(hessian, np.swapaxes(hessian, 1, 2), rtol=0, atol=0)


def test_count_losses_use_the_log_link():
    """Check that the count losses' link maps means to raw predictions by log."""
    loss = ZeroTruncatedPoissonLoss()
    assert_allclose(loss.link.inverse(loss.link.link(3.5)), 3.5)
    assert loss.link.name == "log"
