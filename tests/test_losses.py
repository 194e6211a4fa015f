"""Tests of skbce.losses: closed forms, finite differences, torch, hostile input."""

import warnings

import numpy as np
import pytest
from sklearn.metrics import f1_score, log_loss

from skbce.losses import (
    binary_cross_entropy,
    binary_cross_entropy_gradient,
    dice_coefficient,
    discriminator_loss,
    generator_loss,
    log_sigmoid,
    sigmoid,
    soft_dice_loss,
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
    """Check the (p - y) identity without weights."""
    y = np.array([0.0, 1.0, 1.0, 0.0])
    z = np.array([-3.0, 0.2, 5.0, 1.0])
    grad = binary_cross_entropy_gradient(y, z, reduction="none")
    np.testing.assert_allclose(grad, sigmoid(z) - y, rtol=1e-15)


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


def test_bce_rejects_3d_input():
    """Check that arrays of more than two dimensions are refused."""
    with pytest.raises(ValueError, match="Found array with dim 3"):
        binary_cross_entropy(np.zeros((2, 2, 2)), np.zeros((2, 2, 2)))


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
