"""
==============================================
BCE vs Dice on a tiny-foreground pixel problem
==============================================

In segmentation the positives are often a tiny part of the image: here, small
bright spots covering under 1% of the pixels of noisy images. We first compare
the binary cross-entropy (BCE) and the soft Dice loss as *training signals*:
where, on an image, their gradients push the logits. Then we fit the same
per-pixel logistic model in three ways with :mod:`skbce.losses` and SciPy's
optimiser, and compare them with the Dice coefficient (the F1 score of the
pixels) on new images:

- the BCE, thresholded at probability 0.5;
- the BCE with a positive weight that balances the classes;
- the soft Dice loss;

and finally the plain BCE model with its threshold tuned on held-out images.
The losses take the masks as they are, (n_images, height, width) arrays: the
BCE averages over every pixel of every image, and ``axis=1`` gives one Dice per
image, over all the axes but the first.
"""

# %%
# Images with tiny spots
# ----------------------
# Each 32 x 32 image holds one disc of radius 1 to 2 pixels, of intensity 1,
# in Gaussian noise of standard deviation 0.6. Each pixel has two features: its
# intensity and the mean intensity of its 3 x 3 neighbourhood.
import matplotlib.pyplot as plt
import numpy as np
from scipy import ndimage, optimize

from skbce.losses import (
    binary_cross_entropy,
    binary_cross_entropy_gradient,
    dice_coefficient,
    sigmoid,
    soft_dice_loss,
    soft_dice_loss_gradient,
)

rng = np.random.default_rng(0)
SIZE = 32


def make_images(n_images):
    """Noisy images, each with one small bright disc, and their masks."""
    rows, cols = np.mgrid[:SIZE, :SIZE]
    centres = rng.uniform(4, SIZE - 4, size=(n_images, 2, 1, 1))
    radii = rng.uniform(1.0, 2.0, size=(n_images, 1, 1))
    masks = (rows - centres[:, 0]) ** 2 + (cols - centres[:, 1]) ** 2 <= radii**2
    images = masks + rng.normal(0, 0.6, size=masks.shape)
    return images, masks.astype(float)


def pixel_features(images):
    """(n_images, height, width, 2): intensity and 3 x 3 mean of every pixel."""
    local_mean = ndimage.uniform_filter(images, size=(1, 3, 3))
    return np.stack([images, local_mean], axis=-1)


images_train, y_train = make_images(60)
images_val, y_val = make_images(40)
images_test, y_test = make_images(60)
X_train, X_val, X_test = map(pixel_features, (images_train, images_val, images_test))
print(f"foreground: {y_train.mean():.2%} of the pixels")

# %%
# Three fits of the same model
# ----------------------------
# The model is :math:`z = \beta_1 x_1 + \beta_2 x_2 + b` for every pixel. Each
# loss comes with its gradient in the logits, which the chain rule turns into
# the gradient in the three coefficients: the BCE, the BCE with a
# ``pos_weight`` that balances the classes, and the soft Dice loss of each
# image averaged over the images (a non-convex objective, started from the BCE
# solution).


def logits(theta, X):
    """(n_images, height, width) logits of the per-pixel linear model."""
    return X @ theta[:2] + theta[2]


def chain_rule(grad_z, X):
    """The gradient in (beta_1, beta_2, b) of a gradient in the logits."""
    return np.append(np.einsum("nhw,nhwk->k", grad_z, X), grad_z.sum())


def bce_and_gradient(theta, X, y, pos_weight=None):
    z = logits(theta, X)
    loss = binary_cross_entropy(y, z, pos_weight=pos_weight)
    grad_z = binary_cross_entropy_gradient(y, z, pos_weight=pos_weight)
    return loss, chain_rule(grad_z, X)


def dice_and_gradient(theta, X, y):
    z = logits(theta, X)
    loss = soft_dice_loss(y, z, axis=1).mean()
    return loss, chain_rule(soft_dice_loss_gradient(y, z, axis=1) / len(y), X)


def fit(objective, start, args):
    result = optimize.minimize(objective, start, jac=True, args=args, method="L-BFGS-B")
    return result.x


theta_bce = fit(bce_and_gradient, np.zeros(3), (X_train, y_train))
balance = (1 - y_train.mean()) / y_train.mean()
theta_weighted = fit(bce_and_gradient, np.zeros(3), (X_train, y_train, balance))
theta_dice = fit(dice_and_gradient, theta_bce, (X_train, y_train))

# %%
# Two training signals
# --------------------
# Where on an image does each loss push the logits? The BCE gradient is
# :math:`p - y` for every pixel, whatever the others; the soft Dice gradient,
# :math:`(N - 2 y D) / D^2 \cdot p (1 - p)`, couples the pixels of an image
# through the sums :math:`N = 2 \sum y p + s` and :math:`D = \sum y + \sum p + s`.
# We compare them on one training image in two states: an untrained model
# (every logit 0) and the model fitted with the soft Dice loss.
states = {
    "untrained (z = 0)": np.zeros(3),
    "soft Dice fit": theta_dice,
}
image, mask = X_train[:1], y_train[:1]
spot = mask[0] == 1
fig, axes = plt.subplots(2, 3, figsize=(9, 6), layout="constrained")
print(f"{'state':<18} {'signal':<10} {'share on the spot':>18} {'largest':>9}")
for row, (state, theta) in zip(axes, states.items()):
    z = logits(theta, image)
    signals = {
        "BCE": binary_cross_entropy_gradient(mask, z, reduction="sum")[0],
        "soft Dice": soft_dice_loss_gradient(mask, z, axis=1)[0],
    }
    row[0].imshow(sigmoid(z[0]), cmap="gray", vmin=0, vmax=1)
    row[0].contour(mask[0], levels=[0.5], colors="tab:orange")
    row[0].set_title(f"{state}: probability", fontsize=9)
    for ax, (name, gradient) in zip(row[1:], signals.items()):
        share = np.abs(gradient[spot]).sum() / np.abs(gradient).sum()
        largest = np.abs(gradient).max()
        print(f"{state:<18} {name:<10} {share:18.1%} {largest:9.2g}")
        limit = largest if largest > 0 else 1.0
        shown = ax.imshow(-gradient, cmap="RdBu_r", vmin=-limit, vmax=limit)
        ax.set_title(f"{name}: push on the logits (red: up)", fontsize=9)
        fig.colorbar(shown, ax=ax, shrink=0.8, format="%.0e")
for ax in axes.ravel():
    ax.set_axis_off()

# %%
# Untrained, the BCE spends almost all of its signal on the ~1000 background
# pixels (each pushed down by 1/2) and a fraction of a percent on the spot
# (outlined in orange), whose pixels get no more push each than a background
# pixel: the loss averages over pixels. The soft Dice gradient is normalised by
# the size of the spot and puts about half of its signal on it. Once trained,
# the soft Dice model's logits are in the hundreds or thousands: its sigmoids
# saturate, and the factor :math:`p (1 - p)` makes its gradient vanish
# everywhere, also on spot pixels it misses, while the BCE still pushes each
# misclassified pixel with full strength (:math:`|p - y| = 1`). The soft Dice
# signal is scale-free across spot sizes but stops once the model is
# confident, right or wrong.

# %%
# A threshold tuned on held-out images
# ------------------------------------
# The BCE model is kept as it is and only its decision threshold moves: we pick
# the logit cut that maximises the pooled Dice coefficient on the *validation*
# images (never on the training images, whose scores are optimistic). Sorting
# the scores makes the sweep exact: cutting after the k highest scores gives
# :math:`\mathrm{Dice} = 2\,TP_k / (n_+ + k)`.
z_val = logits(theta_bce, X_val).ravel()
order = np.argsort(-z_val)
true_positives = np.cumsum(y_val.ravel()[order])
dice_at_cut = 2 * true_positives / (y_val.sum() + np.arange(1, z_val.size + 1))
best = np.argmax(dice_at_cut)
tuned_cut = (z_val[order][best] + z_val[order][best + 1]) / 2
print(f"tuned threshold: probability {1 / (1 + np.exp(-tuned_cut)):.3f}")

# %%
# Results on the test images
# --------------------------
# The Dice coefficient is averaged over the test images (``axis=1``: one value
# per image); the BCE measures how good the probabilities are.
models = {
    "BCE, threshold 0.5": (theta_bce, 0.0),
    "BCE with pos_weight": (theta_weighted, 0.0),
    "soft Dice": (theta_dice, 0.0),
    "BCE, tuned threshold": (theta_bce, tuned_cut),
}
predictions = {}
print(f"{'model':<22} {'Dice':>6} {'BCE':>8} {'pixels':>7}")
for name, (theta, cut) in models.items():
    z = logits(theta, X_test)
    predictions[name] = (z > cut).astype(float)
    dice = dice_coefficient(y_test, predictions[name], axis=1).mean()
    bce = binary_cross_entropy(y_test, z)
    print(f"{name:<22} {dice:6.3f} {bce:8.3f} {int(predictions[name].sum()):7d}")
print(f"{'truth':<22} {'':>6} {'':>8} {int(y_test.sum()):7d}")

# %%
# At probability 0.5 the BCE model finds too few pixels: the background
# dominates its average loss, so only the brightest spots cross 0.5. Balancing
# the classes with ``pos_weight`` overshoots and marks many noise pixels. The
# soft Dice loss finds the spots better, but its probabilities are useless:
# the loss rewards saturated probabilities, so its minimiser drives the logits
# to values in the thousands, hence its large BCE. The BCE model with a
# threshold tuned on held-out images reaches the Dice of the soft Dice fit
# while keeping its probabilities (its BCE is unchanged): the loss that
# estimates probabilities well and the threshold that turns them into
# decisions are two separate choices.
fig, axes = plt.subplots(2, 6, figsize=(12, 4.4), layout="constrained")
for row, index in zip(axes, [0, 1]):
    row[0].imshow(images_test[index], cmap="gray")
    row[1].imshow(y_test[index], cmap="gray")
    for ax, name in zip(row[2:], models):
        ax.imshow(predictions[name][index], cmap="gray")
for ax, title in zip(axes[0], ["image", "truth", *models]):
    ax.set_title(title, fontsize=9)
for ax in axes.ravel():
    ax.set_axis_off()
plt.show()
