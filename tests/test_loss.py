"""Tests of the loss interface (skbce._loss.loss): values and derivatives."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy.special import log_ndtr, ndtr
from scipy.stats import nbinom, poisson

from skbce._loss.loss import (
    COUNT_LOSSES,
    FULL_COUNT_LOSSES,
    BinaryLoss,
    HurdleLoss,
    NegativeBinomialLoss,
    PoissonLoss,
    ZeroInflatedLoss,
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


def _check_derivatives(loss, y, raw, extra):
    """Gradient and Hessian in (raw..., extra...) against central differences."""
    q = loss.n_free
    n_raw = loss.n_raw
    _, gradient, hessian = loss.loss_gradient_hessian(y, raw, extra)
    gradient, hessian = gradient.reshape(-1, q), hessian.reshape(-1, q, q)
    h = 1e-5

    def shifted(i, step):
        if i < n_raw:
            moved = raw.copy()
            if raw.ndim == 1:  # one raw prediction: the shape of the rows
                moved += step
            else:
                moved[:, i] += step
            return moved, extra
        moved = extra.copy()
        moved[i - n_raw] += step
        return raw, moved

    for i in range(q):
        plus, minus = shifted(i, h), shifted(i, -h)
        numeric = (loss.loss(y, *plus) - loss.loss(y, *minus)) / (2 * h)
        assert_allclose(gradient[:, i], numeric, rtol=1e-6, atol=1e-9)
        numeric_row = (
            loss.loss_gradient(y, *plus)[1].reshape(-1, q)
            - loss.loss_gradient(y, *minus)[1].reshape(-1, q)
        ) / (2 * h)
        assert_allclose(hessian[:, i], numeric_row, rtol=1e-5, atol=1e-8)
    assert_allclose(hessian, np.swapaxes(hessian, 1, 2), rtol=1e-15, atol=0)


@pytest.mark.parametrize(
    "loss",
    [
        ZeroTruncatedPoissonLoss(),
        ZeroTruncatedNegativeBinomialLoss(),
        PoissonLoss(),
        NegativeBinomialLoss(),
    ],
)
def test_count_loss_derivatives_match_finite_differences(loss, rng):
    """Check the gradient (n, q) and Hessian (n, q, q) of the count losses in
    (raw, log theta) by central differences (zeros in y for the full pmfs)."""
    low = 1 if isinstance(loss, COUNT_LOSSES["poisson"] | COUNT_LOSSES["negbin"]) else 0
    y = rng.integers(low, 9, size=25).astype(float)
    raw = rng.normal(scale=0.5, size=25)
    _check_derivatives(loss, y, raw, np.array([0.4])[: loss.n_extra])


def test_count_losses_use_the_log_link():
    """Check that the count losses' link maps means to raw predictions by log."""
    loss = ZeroTruncatedPoissonLoss()
    assert_allclose(loss.link.inverse(loss.link.link(3.5)), 3.5)
    assert loss.link.name == "log"


# ---------------------------------------------------------------------------
# Full count losses and the two-predictor losses (zero-inflated, hurdle)
# ---------------------------------------------------------------------------


def _nb_reference(y, raw, log_theta):
    theta, mu = np.exp(log_theta), np.exp(raw)
    return nbinom.logpmf(y, theta, theta / (theta + mu))


def test_full_count_losses_are_minus_the_log_pmf(rng):
    """Check PoissonLoss and NegativeBinomialLoss (zeros included) against scipy."""
    y = rng.integers(0, 12, size=40).astype(float)
    raw = rng.normal(size=40)
    assert_allclose(
        PoissonLoss().loss(y, raw), -poisson.logpmf(y, np.exp(raw)), rtol=1e-12
    )
    assert_allclose(
        NegativeBinomialLoss().loss(y, raw, np.array([0.3])),
        -_nb_reference(y, raw, 0.3),
        rtol=1e-10,
    )
    for loss, extra, reference in [
        (PoissonLoss(), (), -np.exp(raw)),
        (NegativeBinomialLoss(), np.array([0.3]), _nb_reference(0, raw, 0.3)),
    ]:
        log_p0, derivative = loss.log_p0(raw, extra, order=1)
        assert_allclose(log_p0, reference, rtol=1e-12)
        h = 1e-6
        numeric = (loss.log_p0(raw + h, extra) - loss.log_p0(raw - h, extra)) / (2 * h)
        assert_allclose(derivative, numeric, rtol=1e-7)


def _zero_inflated_reference(y, raw, extra, count, link):
    """log(pi + (1 - pi) f(0)) or log(1 - pi) + log f(y), directly from scipy."""
    pi = {
        "logit": lambda z: 1 / (1 + np.exp(-z)),
        "probit": ndtr,
        "cloglog": lambda z: -np.expm1(-np.exp(z)),
    }[link](raw[:, 0])
    if count == "poisson":
        pmf = poisson.pmf(y, np.exp(raw[:, 1]))
    else:
        theta = np.exp(extra[0])
        pmf = nbinom.pmf(y, theta, theta / (theta + np.exp(raw[:, 1])))
    return np.log(np.where(y == 0, pi, 0) + (1 - pi) * pmf)


def _two_predictor_losses():
    for count in ("poisson", "negbin"):
        for link in ("logit", "probit", "cloglog"):
            yield pytest.param(
                ZeroInflatedLoss(FULL_COUNT_LOSSES[count](), link),
                count,
                link,
                id=f"zi-{count}-{link}",
            )


@pytest.mark.parametrize("loss, count, link", _two_predictor_losses())
def test_zero_inflated_loss_is_minus_the_mixture_log_likelihood(loss, count, link, rng):
    """Check the zero-inflated loss against the mixture pmf formed from scipy."""
    y = np.where(rng.uniform(size=60) < 0.4, 0, rng.integers(0, 9, size=60))
    raw = np.column_stack([rng.normal(size=60), rng.normal(scale=0.7, size=60)])
    extra = np.array([0.4])[: loss.n_extra]
    expected = _zero_inflated_reference(y, raw, extra, count, link)
    # The reference forms the probabilities, so it is exact to 1e-15 absolute
    # (the log of a sum near 1), not relative.
    assert_allclose(loss.loss(y, raw, extra), -expected, rtol=1e-11, atol=1e-14)
    prepared = loss.prepare_target(np.repeat(y, 5))  # distinct counts
    assert_allclose(
        loss.loss(prepared, np.repeat(raw, 5, axis=0), extra),
        -np.repeat(expected, 5),
        rtol=1e-11,
        atol=1e-14,
    )


@pytest.mark.parametrize("loss, count, link", _two_predictor_losses())
def test_zero_inflated_loss_derivatives_match_finite_differences(
    loss, count, link, rng
):
    """Check the (n, q) gradient and (n, q, q) Hessian of the mixture in
    (eta_inflation, eta_count, log theta) by central differences."""
    y = np.where(rng.uniform(size=40) < 0.4, 0, rng.integers(0, 9, size=40))
    raw = np.column_stack([rng.normal(size=40), rng.normal(scale=0.7, size=40)])
    _check_derivatives(loss, y.astype(float), raw, np.array([0.4])[: loss.n_extra])


@pytest.mark.parametrize("count", ["poisson", "negbin"])
@pytest.mark.parametrize("link", [None, "logit", "cloglog"])
def test_hurdle_loss_is_the_sum_of_its_parts_with_their_derivatives(count, link, rng):
    """Check HurdleLoss: binary part on y > 0 plus the truncated part on the
    positive rows, and its block-diagonal derivatives by central differences."""
    truncated = COUNT_LOSSES[count]()
    loss = HurdleLoss(link, truncated)
    y = np.where(rng.uniform(size=40) < 0.4, 0, rng.integers(1, 9, size=40))
    raw = rng.normal(scale=0.7, size=(40, 2))
    extra = np.array([0.4])[: loss.n_extra]
    expected = np.where(y > 0, truncated.loss(y, raw[:, 1], extra), 0.0)
    if link is not None:
        expected += BinaryLoss(link).loss((y > 0).astype(float), raw[:, 0])
    else:  # the count part alone: raw predictions of the shape of the rows
        raw = raw[:, 1]
    assert_allclose(loss.loss(y, raw, extra), expected, rtol=1e-13)
    _check_derivatives(loss, y.astype(float), raw, extra)


def test_zero_inflated_loss_is_exact_in_the_tails():
    """Check the zero term log(pi + (1 - pi) f(0)) where pi and f(0) are both
    far below double precision's epsilon, against mpmath at 400 bits, and the
    limits where the inflation is certain."""
    mp = pytest.importorskip("mpmath")
    loss = ZeroInflatedLoss(PoissonLoss(), "logit")
    raw = np.array([[-60.0, np.log(50.0)], [-45.0, np.log(30.0)], [40.0, 3.0]])
    with mp.workprec(400):
        expected = []
        for eta_z, eta_c in raw:
            pi = 1 / (1 + mp.exp(-mp.mpf(eta_z)))
            f0 = mp.exp(-mp.exp(mp.mpf(eta_c)))
            expected.append(float(-mp.log(pi + (1 - pi) * f0)))
    assert_allclose(loss.loss(np.zeros(3), raw), expected, rtol=1e-14)
    # A near-certain structural zero: the count predictor's gradient of y = 0
    # is (1 - w) mu with 1 - w ~ exp(-40) f(0), not rounded to 0; y > 0 costs
    # -log(1 - pi) = softplus(40) plus the count term.
    value, gradient = loss.loss_gradient(np.array([0.0, 2.0]), raw[[2, 2]])
    mu = np.exp(3.0)
    assert_allclose(gradient[0, 1], np.exp(-40.0 - mu) * mu, rtol=1e-8)
    assert_allclose(value[1], np.logaddexp(0, 40.0) - poisson.logpmf(2, mu), rtol=1e-15)


@pytest.mark.parametrize("part", ["zero", "count", "mean"])
@pytest.mark.parametrize(
    "kind", ["zi-poisson", "zi-negbin", "hurdle-negbin", "full-poisson", "full-negbin"]
)
def test_count_expectations_and_their_derivatives(part, kind, rng):
    """Check P(y > 0), E[y | y > 0] and E[y] against sums of the pmf, and their
    derivatives in the raw predictions by central differences."""
    family, count = kind.split("-")
    raw = np.column_stack([rng.normal(size=20), rng.normal(scale=0.5, size=20)])
    if family == "zi":
        loss = ZeroInflatedLoss(FULL_COUNT_LOSSES[count](), "probit")
    elif family == "hurdle":
        loss = HurdleLoss("cloglog", COUNT_LOSSES[count]())
    else:
        loss = FULL_COUNT_LOSSES[count]()
        raw = raw[:, 1]
    extra = np.array([0.4])[: loss.n_extra]
    counts = np.arange(400.0)
    pmf = np.exp(-loss.loss(counts[None, :], raw[:, None, ...], extra))
    assert_allclose(pmf.sum(axis=1), 1.0, rtol=1e-12)
    reference = {
        "zero": 1 - pmf[:, 0],
        "count": pmf @ counts / (1 - pmf[:, 0]),
        "mean": pmf @ counts,
    }[part]
    value, derivative = loss.expectation(raw, extra, part, order=1)
    assert_allclose(value, reference, rtol=1e-11)
    h = 1e-6
    for k in range(loss.n_raw):
        step = np.zeros(loss.n_raw)
        step[k] = h
        numeric = (
            loss.expectation(raw + step.squeeze(), extra, part)
            - loss.expectation(raw - step.squeeze(), extra, part)
        ) / (2 * h)
        assert_allclose(derivative[:, k], numeric, rtol=1e-6, atol=1e-10)


def test_negative_binomial_loss_tends_to_poisson_for_huge_theta(rng):
    """Check that the NB log-pmf and its eta derivatives tend to the Poisson ones
    as theta -> infinity, and the theta derivatives to 0 (no cancellation)."""
    y = rng.integers(0, 15, size=30).astype(float)
    raw = rng.normal(size=30)
    nb = NegativeBinomialLoss().loss_gradient_hessian(y, raw, np.array([40.0]))
    po = PoissonLoss().loss_gradient_hessian(y, raw)
    assert_allclose(nb[0], po[0], rtol=1e-13)
    assert_allclose(nb[1][:, 0], po[1], rtol=1e-13, atol=1e-15)
    assert_allclose(nb[2][:, 0, 0], po[2], rtol=1e-13)
    assert np.all(np.abs(nb[1][:, 1]) < 1e-14)
    assert np.all(np.abs(nb[2][:, 1]) < 1e-14)
