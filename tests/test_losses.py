"""Tests of skbce.losses: closed forms, finite differences, torch, hostile input."""

import warnings

import mpmath as mp
import numpy as np
import pytest
from _references import bce_element, to_float
from sklearn.metrics import f1_score, log_loss

from skbce._loss import _binary
from skbce.losses import (
    binary_cross_entropy,
    binary_cross_entropy_gradient,
    dice_coefficient,
    discriminator_loss,
    generator_loss,
    log_sigmoid,
    sigmoid,
    soft_dice_loss,
    soft_dice_loss_gradient,
)

EXTREME_LOGITS = np.array([-1e4, -745.0, -40.0, -1.0, 0.0, 1.0, 40.0, 745.0, 1e4])


def _random_case(rng, shape, soft=False):
    """Targets, logits, row weights and per-label positive weights of a shape."""
    y = rng.uniform(size=shape) if soft else rng.integers(0, 2, size=shape)
    z = rng.normal(scale=3, size=shape)
    w = rng.uniform(0.1, 2, size=shape[0])
    n_labels = shape[1] if len(shape) == 2 else 1
    pos = rng.uniform(0.5, 4, size=n_labels)
    return y.astype(float), z, w, pos if len(shape) == 2 else float(pos[0])


def _central_difference(f, x, step=1e-5):
    """Central finite-difference gradient of a scalar function of a flat vector."""
    grad = np.empty_like(x)
    for i in range(x.size):
        dx = np.zeros_like(x)
        dx[i] = step
        grad[i] = (f(x + dx) - f(x - dx)) / (2 * step)
    return grad


def _reference_elements(y, z, pos_weight=1.0, smoothing=0.0, temperature=1.0):
    """The BCE of each element from the textbook formula (moderate logits only)."""
    y = y * (1 - smoothing) + smoothing / 2
    p = 1 / (1 + np.exp(-z / temperature))
    return -(pos_weight * y * np.log(p) + (1 - y) * np.log1p(-p))


def test_sigmoid_and_log_sigmoid_match_extended_precision():
    """Check sigmoid and log_sigmoid against long-double formulas, in both tails."""
    x = np.linspace(-700, 700, 2001)
    x_long = x.astype(np.longdouble)
    expected_p = 1 / (1 + np.exp(-x_long))
    expected_log = -np.log1p(np.exp(-x_long))
    np.testing.assert_allclose(sigmoid(x), expected_p.astype(float), rtol=1e-14)
    np.testing.assert_allclose(log_sigmoid(x), expected_log.astype(float), rtol=1e-14)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sigmoid_extreme_logits_are_finite_and_keep_dtype(dtype):
    """Check that logits of any magnitude give finite values in the input dtype."""
    x = np.concatenate([EXTREME_LOGITS, [-np.inf, np.inf]]).astype(dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        p, log_p = sigmoid(x), log_sigmoid(x)
    assert p.dtype == dtype and log_p.dtype == dtype
    assert p[0] == 0 and p[-1] == 1 and p[4] == 0.5
    assert np.isfinite(log_p[:-2]).all()
    assert log_p[0] == dtype(-1e4)
    assert log_p[-1] == 0


def test_sigmoid_integer_input_is_float64():
    """Check that non-float input is computed in float64."""
    assert sigmoid([0, 1]).dtype == np.float64


@pytest.mark.parametrize("shape", [(7,), (9, 4)])
@pytest.mark.parametrize("smoothing", [0.0, 0.2])
@pytest.mark.parametrize("temperature", [1.0, 2.5])
def test_bce_matches_closed_form(shape, smoothing, temperature, global_random_seed):
    """Check each element against the textbook formula with every option on."""
    rng = np.random.default_rng(global_random_seed)
    y, z, w, pos = _random_case(rng, shape)
    elements = binary_cross_entropy(
        y,
        z,
        pos_weight=pos,
        label_smoothing=smoothing,
        temperature=temperature,
        reduction="none",
    )
    expected = _reference_elements(y, z, pos, smoothing, temperature)
    # The textbook formula itself loses a few digits to log1p(-p).
    np.testing.assert_allclose(elements, expected, rtol=1e-10)

    weighted = expected * (w if len(shape) == 1 else w[:, None])
    kwargs = dict(
        sample_weight=w,
        pos_weight=pos,
        label_smoothing=smoothing,
        temperature=temperature,
    )
    total = binary_cross_entropy(y, z, reduction="sum", **kwargs)
    mean = binary_cross_entropy(y, z, reduction="mean", **kwargs)
    n_labels = 1 if len(shape) == 1 else shape[1]
    np.testing.assert_allclose(total, weighted.sum(), rtol=1e-10)
    np.testing.assert_allclose(mean, weighted.sum() / (w.sum() * n_labels), rtol=1e-10)


def test_bce_mean_equals_sklearn_log_loss(global_random_seed):
    """Check that reduction='mean' averages as sklearn.metrics.log_loss does."""
    rng = np.random.default_rng(global_random_seed)
    y, z, w, _ = _random_case(rng, (50,))
    expected = log_loss(y, sigmoid(z), sample_weight=w)
    assert binary_cross_entropy(y, z, sample_weight=w) == pytest.approx(expected)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("pos_weight", [None, 3.0])
def test_bce_extreme_logits_finite_exact_and_dtype(dtype, pos_weight):
    """Check finite, exact values without warnings at logits up to +-1e4."""
    z = np.concatenate([EXTREME_LOGITS, EXTREME_LOGITS]).astype(dtype)
    y = np.repeat([1.0, 0.0], EXTREME_LOGITS.size).astype(dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        values = binary_cross_entropy(y, z, pos_weight=pos_weight, reduction="none")
        grad, hess = binary_cross_entropy_gradient(
            y, z, pos_weight=pos_weight, reduction="none", return_hessian=True
        )
        mean = binary_cross_entropy(y, z, pos_weight=pos_weight, label_smoothing=0.1)
    for out in (values, grad, hess, mean):
        assert out.dtype == dtype
        assert np.isfinite(out).all()
    w = 1.0 if pos_weight is None else pos_weight
    # A confidently wrong logit costs exactly |z| (times the positive weight).
    assert values[0] == pytest.approx(w * 1e4, rel=1e-6)
    assert values[-1] == pytest.approx(1e4, rel=1e-6)
    # A confidently right logit costs exp(-|z|) (which underflows to 0 at 1e4).
    assert values[6] == pytest.approx(w * np.exp(-40.0), rel=1e-5)
    assert values[8] == 0 and values[9] == 0
    # The gradient saturates at -w and +1, the Hessian decays to 0 (not NaN).
    assert grad[0] == pytest.approx(-w) and grad[-1] == pytest.approx(1.0)
    assert (hess >= 0).all()


@pytest.mark.parametrize("reduction", ["sum", "mean"])
@pytest.mark.parametrize("shape", [(6,), (5, 3)])
def test_bce_gradient_and_hessian_match_finite_differences(
    reduction, shape, global_random_seed
):
    """Check the analytic derivatives against central finite differences."""
    rng = np.random.default_rng(global_random_seed)
    y, z, w, pos = _random_case(rng, shape, soft=True)
    kwargs = dict(
        sample_weight=w,
        pos_weight=pos,
        label_smoothing=0.1,
        temperature=1.7,
        reduction=reduction,
    )

    def value(flat):
        return binary_cross_entropy(y, flat.reshape(shape), **kwargs)

    def gradient(flat):
        return binary_cross_entropy_gradient(y, flat.reshape(shape), **kwargs).ravel()

    grad, hess = binary_cross_entropy_gradient(y, z, return_hessian=True, **kwargs)
    np.testing.assert_allclose(
        grad.ravel(), _central_difference(value, z.ravel()), rtol=1e-6, atol=1e-10
    )
    # The loss is separable: the Hessian is diagonal, and equal to the
    # finite-difference Jacobian of the gradient.
    jac = np.array(
        [
            _central_difference(lambda f, i=i: gradient(f)[i], z.ravel())
            for i in range(z.size)
        ]
    )
    np.testing.assert_allclose(jac, np.diag(hess.ravel()), rtol=1e-6, atol=1e-10)


def test_bce_gradient_and_hessian_match_extended_precision(global_random_seed):
    """Check the derivatives with a positive weight against long-double formulas."""
    rng = np.random.default_rng(global_random_seed)
    y, z, _, pos = _random_case(rng, (200, 3), soft=True)
    grad, hess = binary_cross_entropy_gradient(
        y, z, pos_weight=pos, reduction="none", return_hessian=True
    )
    z_long, y_long = z.astype(np.longdouble), y.astype(np.longdouble)
    p = 1 / (1 + np.exp(-z_long))
    c = pos * y_long + 1 - y_long
    np.testing.assert_allclose(
        grad, (c * p - pos * y_long).astype(float), rtol=1e-12, atol=1e-15
    )
    np.testing.assert_allclose(hess, (c * p * (1 - p)).astype(float), rtol=1e-12)


def test_bce_gradient_is_p_minus_y():
    """Check the (p - y) identity without weights, exact in the tails.

    For y = 1 the gradient is p - 1 = -sigmoid(-z): computed as such, not as a
    difference that rounds to 0 once p rounds to 1.
    """
    y = np.array([0.0, 1.0, 1.0, 0.0, 1.0, 0.0])
    z = np.array([-3.0, 0.2, 5.0, 1.0, 60.0, -60.0])
    grad = binary_cross_entropy_gradient(y, z, reduction="none")
    np.testing.assert_allclose(
        grad, np.where(y == 1, -sigmoid(-z), sigmoid(z)), rtol=4e-16
    )
    assert grad[4] == pytest.approx(-np.exp(-60.0), rel=1e-15)


@pytest.mark.parametrize("reduction", ["none", "sum", "mean"])
@pytest.mark.parametrize("shape", [(40,), (30, 5)])
def test_bce_matches_torch(reduction, shape, global_random_seed):
    """Check values and gradients against torch's binary_cross_entropy_with_logits."""
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    rng = np.random.default_rng(global_random_seed)
    for _ in range(10):
        y, z, w, pos = _random_case(rng, shape, soft=bool(rng.integers(2)))
        smoothing = rng.choice([0.0, 0.05, 0.3])
        temperature = rng.choice([1.0, 0.5, 3.0])
        z[: shape[0] // 4] *= 1e3  # some extreme logits in every case
        y_s = torch.tensor(y * (1 - smoothing) + smoothing / 2)
        z_t = torch.tensor(z, requires_grad=True)
        weight = torch.tensor(w if len(shape) == 1 else w[:, None])
        expected = F.binary_cross_entropy_with_logits(
            z_t / temperature,
            y_s,
            weight=weight,
            pos_weight=torch.tensor(pos),
            reduction="none" if reduction == "none" else "sum",
        )
        if reduction == "mean":
            # torch divides by the number of elements; skbce (as log_loss) by the
            # total sample weight.
            expected = expected / (w.sum() * (1 if len(shape) == 1 else shape[1]))
        kwargs = dict(
            sample_weight=w,
            pos_weight=pos,
            label_smoothing=smoothing,
            temperature=temperature,
            reduction=reduction,
        )
        actual = binary_cross_entropy(y, z, **kwargs)
        # atol: where a confidently right logit costs exp(-|z|) (1e-10 ... 1e-100)
        # skbce returns that value and torch's formula rounds it (to 0 far out).
        np.testing.assert_allclose(
            actual, expected.detach().numpy(), rtol=1e-6, atol=1e-12
        )
        expected.sum().backward()
        # torch's backward with pos_weight rounds to single precision, so its
        # gradient is compared at 1e-6 of the size of the two terms whose
        # difference the gradient is, (w*y + 1 - y) * p and w*y (skbce's exactness
        # is checked against finite differences and long-double formulas).
        term_size = (pos * y_s.numpy() + 1) * weight.numpy() / temperature
        if reduction == "mean":
            term_size = term_size / (w.sum() * (1 if len(shape) == 1 else shape[1]))
        difference = binary_cross_entropy_gradient(y, z, **kwargs) - z_t.grad.numpy()
        assert (np.abs(difference) <= 1e-6 * term_size).all()


def test_bce_unweighted_mean_matches_torch_mean(global_random_seed):
    """Check that without sample weights 'mean' is torch's element mean."""
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(global_random_seed)
    y, z, _, pos = _random_case(rng, (25, 4))
    expected = torch.nn.functional.binary_cross_entropy_with_logits(
        torch.tensor(z), torch.tensor(y), pos_weight=torch.tensor(pos)
    )
    assert binary_cross_entropy(y, z, pos_weight=pos) == pytest.approx(
        expected.item(), rel=1e-6
    )


def test_bce_float32_in_float32_out(global_random_seed):
    """Check that float32 logits are computed and returned in float32."""
    rng = np.random.default_rng(global_random_seed)
    y, z, w, pos = _random_case(rng, (20, 3))
    z32 = z.astype(np.float32)
    for reduction in ("none", "sum", "mean"):
        out = binary_cross_entropy(
            y, z32, sample_weight=w, pos_weight=pos, reduction=reduction
        )
        assert out.dtype == np.float32
        ref = binary_cross_entropy(
            y, z32.astype(float), sample_weight=w, pos_weight=pos, reduction=reduction
        )
        np.testing.assert_allclose(out, ref, rtol=1e-5)
    grad, hess = binary_cross_entropy_gradient(y, z32, return_hessian=True)
    assert grad.dtype == np.float32 and hess.dtype == np.float32


def test_bce_zero_weights_equal_dropping_rows(global_random_seed):
    """Check that rows of zero weight count as if they were absent."""
    rng = np.random.default_rng(global_random_seed)
    y, z, w, _ = _random_case(rng, (12, 2))
    w[::3] = 0
    keep = w > 0
    assert binary_cross_entropy(y, z, sample_weight=w) == pytest.approx(
        binary_cross_entropy(y[keep], z[keep], sample_weight=w[keep])
    )


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(logits=[0.0, np.nan]), "Input logits contains NaN"),
        (dict(logits=[0.0, np.inf]), "Input logits contains infinity"),
        (dict(y_true=[0.0, np.nan]), "Input y_true contains NaN"),
        (dict(y_true=[0.0, 2.0]), r"y_true must hold targets in \[0, 1\]"),
        (dict(y_true=[-1.0, 1.0]), r"y_true must hold targets in \[0, 1\]"),
        (dict(logits=[0.0, 1.0, 2.0]), "must have the same shape"),
        (dict(sample_weight=[1.0, -1.0]), "sample_weight must be non-negative"),
        (dict(sample_weight=[1.0, 1.0, 1.0]), "inconsistent numbers of samples"),
        (dict(sample_weight=[0.0, 0.0]), "sample_weight sums to zero"),
        (dict(label_smoothing=1.0), "'label_smoothing' parameter"),
        (dict(label_smoothing=-0.1), "'label_smoothing' parameter"),
        (dict(temperature=0.0), "'temperature' parameter"),
        (dict(temperature=-2.0), "'temperature' parameter"),
        (dict(pos_weight=-1.0), "'pos_weight' parameter"),
        (dict(pos_weight=[1.0, 2.0]), "pos_weight must be a scalar or hold one"),
        (dict(reduction="avg"), "'reduction' parameter"),
    ],
)
def test_bce_bad_input_raises_clear_value_error(kwargs, message):
    """Check that each kind of bad input gets a ValueError naming the problem."""
    args = {"y_true": [0.0, 1.0], "logits": [0.5, -0.5], **kwargs}
    with pytest.raises(ValueError, match=message):
        binary_cross_entropy(**args)
    with pytest.raises(ValueError, match=message):
        binary_cross_entropy_gradient(**args)


@pytest.mark.parametrize("shape", [(3, 4, 5), (2, 3, 4, 2)])
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_bce_nd_arrays_reduce_like_their_2d_reshape(shape, reduction, rng):
    """Check N-D logits (images): one weight per sample, elements flattened.

    (n_samples, height, width) masks are (n_samples, height * width) rows: the
    mean divides by sum(sample_weight) times the elements of one sample, and a
    pos_weight broadcast over one sample's axes applies element-wise.
    """
    y = rng.uniform(size=shape)
    z = rng.normal(scale=3, size=shape)
    w = rng.uniform(0.1, 2, size=shape[0])
    pos = rng.uniform(0.5, 4, size=shape[-1])
    flat = (shape[0], -1)
    pos_flat = np.broadcast_to(pos, shape[1:]).ravel()
    kwargs = dict(sample_weight=w, reduction=reduction, label_smoothing=0.1)
    for function in (binary_cross_entropy, binary_cross_entropy_gradient):
        got = function(y, z, pos_weight=pos, **kwargs)
        expected = function(
            y.reshape(flat), z.reshape(flat), pos_weight=pos_flat, **kwargs
        )
        if np.ndim(got):
            assert got.shape == shape
            expected = expected.reshape(shape)
        np.testing.assert_allclose(got, expected, rtol=1e-14)


def test_bce_nd_pos_weight_must_broadcast_over_one_sample():
    """Check that a pos_weight that fits no axis of a sample is refused by shape."""
    y = np.zeros((2, 3, 4))
    with pytest.raises(
        ValueError, match=r"broadcastable to the shape of one sample \(3, 4\)"
    ):
        binary_cross_entropy(y, y, pos_weight=[1.0, 2.0])
    with pytest.raises(ValueError, match="pos_weight must be finite in the dtype"):
        binary_cross_entropy(y, y.astype(np.float32), pos_weight=1e100)


def _assert_close_to_reference(got, reference, scale, rtol, weight=1.0):
    """Element-wise: |got - reference| <= rtol * scale, or the same infinity.

    Results below the normal range (and terms whose exponential factor is
    subnormal, times a weight up to ``weight``) keep an absolute accuracy of
    the smallest normal number times that weight.
    """
    atol = np.finfo(np.float64).tiny * max(1.0, weight)
    for value, ref, size in zip(np.ravel(got), reference, scale):
        expected = to_float(ref)
        if not np.isfinite(expected):
            assert value == expected
        else:
            error = abs(mp.mpf(float(value)) - ref)
            assert error <= rtol * abs(size) + atol, (value, ref)


def test_bce_large_pos_weight_with_soft_targets_keeps_every_digit():
    """Check the case of issue 14 (#6): pos_weight 1e17 and a soft target 0.5.

    The loss is 0.5 * 1e4 (the negative term; the positive one underflows) and
    the gradient 0.5: recovering 1 - y as (w y + 1 - y) - w y gave 0 for both.
    """
    loss = binary_cross_entropy([0.5], [1e4], pos_weight=1e17, reduction="sum")
    grad, hess = binary_cross_entropy_gradient(
        [0.5], [1e4], pos_weight=1e17, reduction="sum", return_hessian=True
    )
    assert loss == 5000.0
    assert grad[0] == 0.5 and hess[0] == 0.0
    # Near the other side: 1 - y = 2**-40 against w y = 1e12.
    y, z = np.array([1 - 2.0**-40]), np.array([30.0])
    ref_loss, ref_grad, ref_hess, scale = bce_element(y[0], z[0], 1e12)
    values, grad = _binary.loss_gradient(y, z, 1e12)
    _assert_close_to_reference(values, [ref_loss], [ref_loss], 1e-14)
    _assert_close_to_reference(grad, [ref_grad], [scale], 1e-14)


@pytest.mark.parametrize("pos_weight", [1e-300, 1e-8, 0.3, 1.0, 7.0, 1e17, 1e300])
def test_bce_kernels_match_mpmath_for_any_pos_weight_and_target(pos_weight, rng):
    """Check every element of loss, gradient and Hessian against mpmath.

    Soft and 0/1 targets, logits from 1e-300 to 1e300 in magnitude (below 708
    in the tails, where exp(-|z|) is normal; beyond, against the exact limits):
    relative error below 1e-13, the gradient's relative to the size of its two
    terms, (1 - y) p + w y q.
    """
    n = 300
    y = np.concatenate([rng.uniform(size=n - 60), np.repeat([0.0, 1.0], 30)])
    magnitude = np.concatenate(
        [
            10.0 ** rng.uniform(-300, np.log10(700), size=n // 2),
            rng.uniform(0, 700, n // 2),
        ]
    )
    z = rng.choice([-1.0, 1.0], size=n) * rng.permutation(magnitude)
    z[:6] = [0.0, -0.0, 1e300, -1e300, 1e20, -1e20]
    values, grad, hess = _binary.loss_gradient_hessian(y, z, pos_weight)
    loss_ref, grad_ref, hess_ref, scale = zip(
        *(bce_element(yi, zi, pos_weight) for yi, zi in zip(y, z))
    )
    for got, ref, size in ((values, loss_ref, loss_ref), (grad, grad_ref, scale)):
        _assert_close_to_reference(got, ref, size, 1e-13, weight=pos_weight)
    _assert_close_to_reference(hess, hess_ref, hess_ref, 1e-13, weight=pos_weight)
    # The four kernels agree bit for bit.
    np.testing.assert_array_equal(_binary.loss(y, z, pos_weight), values)
    loss_only, grad_only = _binary.loss_gradient(y, z, pos_weight)
    np.testing.assert_array_equal(loss_only, values)
    np.testing.assert_array_equal(grad_only, grad)
    np.testing.assert_array_equal(_binary.gradient_hessian(y, z, pos_weight)[1], hess)


def test_bce_kernels_give_the_limits_at_infinite_logits():
    """Check loss 0 or +inf (never 0 * inf = NaN), gradient u or -v, Hessian 0."""
    y = np.array([1.0, 0.0, 0.5, 1.0, 0.0, 0.5])
    z = np.array([np.inf, np.inf, np.inf, -np.inf, -np.inf, -np.inf])
    for pos_weight, v in ((None, y), (3.0, 3.0 * y)):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            values, grad, hess = _binary.loss_gradient_hessian(y, z, pos_weight)
        np.testing.assert_array_equal(values, [0, np.inf, np.inf, np.inf, 0, np.inf])
        np.testing.assert_array_equal(grad, np.where(z > 0, 1 - y, -v))
        np.testing.assert_array_equal(hess, 0)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_bce_tiny_temperature_gives_the_limit_not_nan(dtype):
    """Check the case of issue 14 (#16): temperature=1e-310 gave NaN.

    Where z / T overflows to +-inf, the loss is 0 for a right 0/1 target and
    +inf otherwise, the gradient 0 and the Hessian 0 (exp(-|z| / T) / T**2 ->
    0); elsewhere every value is its exact quotient by T, overflowing to inf
    only beyond the range of the dtype.
    """
    y = np.array([1.0, 0.0, 1.0, 0.0]).astype(dtype)
    z = np.array([1.0, -1.0, 0.0, 2.0]).astype(dtype)
    for temperature in (1e-310, 1e-200, 1e-50, 1e-30):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            values = binary_cross_entropy(
                y, z, temperature=temperature, reduction="none"
            )
            grad, hess = binary_cross_entropy_gradient(
                y, z, temperature=temperature, reduction="none", return_hessian=True
            )
        assert values.dtype == grad.dtype == hess.dtype == dtype
        with np.errstate(over="ignore"):
            expected = np.array(
                [
                    [0, 0, np.log(2), 2 / temperature],
                    [0, 0, -0.5 / temperature, 1 / temperature],
                    [0, 0, 0.25 / temperature / temperature, 0],
                ]
            ).astype(dtype)
        for got, want in zip((values, grad, hess), expected):
            np.testing.assert_allclose(got, want, rtol=1e-6)
    assert binary_cross_entropy([1.0], [1.0], temperature=1e-310) == 0.0


def test_bce_zero_weight_drops_an_infinite_element():
    """Check that a sample of weight 0 adds 0 even where its loss overflows."""
    y, z = np.array([0.0, 1.0]), np.array([1.0, 1.0])
    kwargs = dict(temperature=1e-310, sample_weight=[0.0, 1.0], reduction="none")
    np.testing.assert_array_equal(binary_cross_entropy(y, z, **kwargs), [0.0, 0.0])
    np.testing.assert_array_equal(binary_cross_entropy_gradient(y, z, **kwargs), 0.0)


def test_dice_coefficient_equals_f1(global_random_seed):
    """Check that the Dice coefficient of 0/1 predictions is the F1 score."""
    rng = np.random.default_rng(global_random_seed)
    y = rng.integers(0, 2, size=200)
    pred = rng.integers(0, 2, size=200)
    w = rng.uniform(size=200)
    assert dice_coefficient(y, pred) == pytest.approx(f1_score(y, pred))
    assert dice_coefficient(y, pred, sample_weight=w) == pytest.approx(
        f1_score(y, pred, sample_weight=w)
    )


def test_dice_coefficient_per_row_and_column(global_random_seed):
    """Check the per-image (row) and per-label (column) coefficients."""
    rng = np.random.default_rng(global_random_seed)
    y = rng.integers(0, 2, size=(6, 30))
    pred = rng.integers(0, 2, size=(6, 30))
    y[0] = pred[0] = 0  # an empty mask predicted empty
    rows = dice_coefficient(y, pred, axis=1)
    assert rows[0] == 1.0
    for i in range(1, 6):
        assert rows[i] == pytest.approx(f1_score(y[i], pred[i]))
    cols = dice_coefficient(y, pred, axis=0, zero_division=0.0)
    for j in range(30):
        expected = f1_score(y[:, j], pred[:, j], zero_division=0.0)
        assert cols[j] == pytest.approx(expected)


def test_dice_coefficient_requires_hard_predictions():
    """Check that scores are refused with a pointer to soft_dice_loss."""
    with pytest.raises(ValueError, match="use soft_dice_loss"):
        dice_coefficient([0, 1], [0.2, 0.9])


def test_soft_dice_loss_matches_formula(global_random_seed):
    """Check the soft Dice loss against its formula, pooled and per row."""
    rng = np.random.default_rng(global_random_seed)
    y = rng.integers(0, 2, size=(4, 25)).astype(float)
    z = rng.normal(scale=2, size=(4, 25))
    p = 1 / (1 + np.exp(-z))
    expected = 1 - (2 * (y * p).sum() + 1) / (y.sum() + p.sum() + 1)
    assert soft_dice_loss(y, z) == pytest.approx(expected)
    per_row = 1 - (2 * (y * p).sum(1) + 0.5) / (y.sum(1) + p.sum(1) + 0.5)
    np.testing.assert_allclose(soft_dice_loss(y, z, axis=1, smooth=0.5), per_row)
    # With hard 0/1 "probabilities" (huge logits) and no smoothing it is 1 - Dice.
    hard = rng.integers(0, 2, size=(4, 25))
    assert soft_dice_loss(y, 1e4 * (2 * hard - 1), smooth=0) == pytest.approx(
        1 - dice_coefficient(y, hard)
    )


def test_soft_dice_loss_empty_mask_is_zero_with_smoothing():
    """Check that an empty mask predicted empty costs nothing."""
    assert soft_dice_loss([0, 0, 0], [-1e4, -1e4, -1e4], smooth=1.0) == pytest.approx(0)


@pytest.mark.parametrize("shape", [(4, 5, 6), (3, 2, 4, 3)])
def test_dice_nd_masks_per_image_and_per_pixel(shape, rng):
    """Check N-D masks: axis=1 reduces every axis but the first (per image).

    The per-image coefficient equals F1 of the flattened image, axis=0 gives one
    value per pixel position, and None pools everything, for the hard Dice and
    the soft loss alike.
    """
    y = rng.integers(0, 2, size=shape)
    pred = rng.integers(0, 2, size=shape)
    y[0] = pred[0] = 0  # an empty mask predicted empty
    z = rng.normal(scale=2, size=shape)
    w = rng.uniform(0.1, 2, size=shape[0])
    per_image = dice_coefficient(y, pred, axis=1)
    assert per_image.shape == (shape[0],) and per_image[0] == 1.0
    for i in range(1, shape[0]):
        assert per_image[i] == pytest.approx(f1_score(y[i].ravel(), pred[i].ravel()))
    flat = (shape[0], -1)
    for axis in (None, 0, 1):
        for function, scores in ((dice_coefficient, pred), (soft_dice_loss, z)):
            got = function(y, scores, sample_weight=w, axis=axis)
            expected = function(
                y.reshape(flat), scores.reshape(flat), sample_weight=w, axis=axis
            )
            if axis == 0:
                expected = expected.reshape(shape[1:])
            np.testing.assert_allclose(got, expected, rtol=1e-14)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize(
    "shape, axis", [((7,), None), ((5, 4), None), ((5, 4), 0), ((3, 4, 5), 1)]
)
def test_soft_dice_loss_gradient_matches_finite_differences(shape, axis, dtype, rng):
    """Check the Dice gradient against central differences of the loss.

    With sample weights and smoothing, pooled, per column and per image; the
    gradient of the per-sample losses is that of their sum. Computed in float64,
    the result keeps the dtype of the logits.
    """
    y = rng.uniform(size=shape).round(1)
    z = rng.normal(scale=2, size=shape)
    w = rng.uniform(0.1, 2, size=shape[0])
    kwargs = dict(sample_weight=w, axis=axis, smooth=0.5)

    def total(flat):
        return np.sum(soft_dice_loss(y, flat.reshape(shape), **kwargs))

    gradient = soft_dice_loss_gradient(y, z.astype(dtype), **kwargs)
    assert gradient.dtype == dtype and gradient.shape == shape
    numeric = _central_difference(total, z.ravel(), step=1e-6).reshape(shape)
    rtol = 1e-6 if dtype == np.float64 else 1e-3
    np.testing.assert_allclose(gradient, numeric, rtol=rtol, atol=1e-9)


def test_soft_dice_loss_gradient_is_zero_where_the_loss_is_defined_as_zero():
    """Check an empty mask, probabilities underflowing to 0 and no smoothing."""
    y = np.zeros((2, 3))
    z = np.full((2, 3), -1e4)
    z[1] = 0.0
    assert soft_dice_loss(y, z, axis=1, smooth=0).tolist() == [0.0, 1.0]
    gradient = soft_dice_loss_gradient(y, z, axis=1, smooth=0)
    assert np.isfinite(gradient).all()
    np.testing.assert_array_equal(gradient[0], 0.0)


def _textbook_gan_losses(real, fake, smoothing=0.0, temperature=1.0):
    """Element losses of both players from the textbook formulas (moderate logits)."""
    d_real = 1 / (1 + np.exp(-real / temperature))
    d_fake = 1 / (1 + np.exp(-fake / temperature))
    target = 1 - smoothing
    real_loss = -(target * np.log(d_real) + (1 - target) * np.log(1 - d_real))
    fake_loss = -np.log(1 - d_fake)
    return real_loss, fake_loss, np.log(1 - d_fake), -np.log(d_fake)


@pytest.mark.parametrize("smoothing", [0.0, 0.1])
@pytest.mark.parametrize("temperature", [1.0, 2.5])
@pytest.mark.parametrize("shape", [(8,), (6, 3)])
def test_gan_losses_match_closed_forms(smoothing, temperature, shape, rng):
    """Check both players' losses in every reduction against the textbook formulas."""
    real = rng.normal(scale=3, size=shape)
    fake = rng.normal(scale=3, size=(5,) + shape[1:])
    real_el, fake_el, saturating_el, non_saturating_el = _textbook_gan_losses(
        real, fake, smoothing, temperature
    )
    kwargs = dict(label_smoothing=smoothing, temperature=temperature)
    real_none, fake_none = discriminator_loss(real, fake, reduction="none", **kwargs)
    np.testing.assert_allclose(real_none, real_el, rtol=1e-10)
    np.testing.assert_allclose(fake_none, fake_el, rtol=1e-10)
    assert discriminator_loss(real, fake, **kwargs) == pytest.approx(
        real_el.mean() + fake_el.mean(), rel=1e-12
    )
    assert discriminator_loss(real, fake, reduction="sum", **kwargs) == pytest.approx(
        real_el.sum() + fake_el.sum(), rel=1e-12
    )
    for saturating, expected in [(True, saturating_el), (False, non_saturating_el)]:
        gen = dict(saturating=saturating, temperature=temperature)
        np.testing.assert_allclose(
            generator_loss(fake, reduction="none", **gen), expected, rtol=1e-10
        )
        assert generator_loss(fake, **gen) == pytest.approx(expected.mean())
        assert generator_loss(fake, reduction="sum", **gen) == pytest.approx(
            expected.sum()
        )


@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_gan_loss_gradients_match_finite_differences(reduction, rng):
    """Check the gradients of both players' losses by central differences."""
    real = rng.normal(scale=2, size=7)
    fake = rng.normal(scale=2, size=5)
    kwargs = dict(temperature=1.7, reduction=reduction)
    _, (g_real, g_fake) = discriminator_loss(
        real, fake, label_smoothing=0.2, return_gradient=True, **kwargs
    )
    np.testing.assert_allclose(
        g_real,
        _central_difference(
            lambda r: discriminator_loss(r, fake, label_smoothing=0.2, **kwargs), real
        ),
        rtol=1e-6,
        atol=1e-10,
    )
    np.testing.assert_allclose(
        g_fake,
        _central_difference(
            lambda f: discriminator_loss(real, f, label_smoothing=0.2, **kwargs), fake
        ),
        rtol=1e-6,
        atol=1e-10,
    )
    for saturating in (True, False):
        _, gradient = generator_loss(
            fake, saturating=saturating, return_gradient=True, **kwargs
        )
        expected = _central_difference(
            lambda f, s=saturating: generator_loss(f, saturating=s, **kwargs), fake
        )
        # atol: the O(step**2) truncation error of central differences.
        np.testing.assert_allclose(gradient, expected, rtol=1e-6, atol=1e-10)


def test_generator_loss_saturating_gradient_vanishes_when_discriminator_is_sure():
    """Check the minimax gradient vanishes where the non-saturating one does not."""
    confident = np.array([-5.0, -10.0, -20.0])  # D(G(z)) = sigmoid(z) -> 0
    _, saturating = generator_loss(
        confident, saturating=True, reduction="none", return_gradient=True
    )
    _, non_saturating = generator_loss(
        confident, reduction="none", return_gradient=True
    )
    # d/dz log(1 - sigmoid(z)) = -sigmoid(z) and d/dz -log sigmoid(z) = sigmoid(z) - 1.
    np.testing.assert_allclose(saturating, -sigmoid(confident), rtol=1e-12)
    np.testing.assert_allclose(non_saturating, sigmoid(confident) - 1, rtol=1e-12)
    assert np.abs(saturating[-1]) < 1e-8
    assert np.abs(non_saturating[-1]) == pytest.approx(1.0)
    # A temperature softens the discriminator and revives the saturating gradient.
    _, warm = generator_loss(
        confident,
        saturating=True,
        temperature=10.0,
        reduction="none",
        return_gradient=True,
    )
    assert (np.abs(warm) > np.abs(saturating)).all()
    assert (np.abs(warm[1:]) > 100 * np.abs(saturating[1:])).all()
    # Both gradients agree in sign: each pushes the fake towards "real".
    assert (saturating < 0).all() and (non_saturating < 0).all()


def test_discriminator_loss_one_sided_smoothing_keeps_fake_targets():
    """Check smoothing moves the optimum of real logits only, to logit(1 - eps)."""
    eps = 0.1
    _, (g_real, g_fake) = discriminator_loss(
        np.array([np.log((1 - eps) / eps)]),
        np.array([-40.0]),
        label_smoothing=eps,
        return_gradient=True,
    )
    assert g_real[0] == pytest.approx(0.0, abs=1e-15)
    assert g_fake[0] == pytest.approx(sigmoid(-40.0), rel=1e-12)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_gan_losses_extreme_logits_finite_and_keep_dtype(dtype):
    """Check finite values and gradients in the input dtype at logits up to 1e4."""
    z = EXTREME_LOGITS.astype(dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        d_loss, (g_real, g_fake) = discriminator_loss(z, z, return_gradient=True)
        g_loss, g_gen = generator_loss(z, saturating=True, return_gradient=True)
    for out in (d_loss, g_real, g_fake, g_loss, g_gen):
        assert out.dtype == dtype
        assert np.isfinite(out).all()


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: discriminator_loss([0.0], [0.0], temperature=0), "'temperature'"),
        (lambda: generator_loss([0.0], temperature=-1.0), "'temperature'"),
        (lambda: discriminator_loss([0.0], [0.0], label_smoothing=1.0), "smoothing"),
        (lambda: discriminator_loss([], [0.0]), "real_logits is empty"),
        (lambda: generator_loss([np.nan]), "Input fake_logits contains NaN"),
        (lambda: generator_loss([0.0], reduction="avg"), "'reduction' parameter"),
    ],
)
def test_gan_losses_bad_input(call, message):
    """Check that bad input gets a ValueError naming the problem."""
    with pytest.raises(ValueError, match=message):
        call()
