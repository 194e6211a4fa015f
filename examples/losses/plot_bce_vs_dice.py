"""
==============================================
BCE vs Dice on a tiny-foreground pixel problem
==============================================

In segmentation the positives are often a tiny part of the image: here, small
bright spots covering under 1% of the pixels of noisy images. We fit the same
per-pixel logistic model in three ways with :mod:`skbce.losses` and SciPy's
optimiser, and compare them with the Dice coefficient (the F1 score of the
pixels) on new images:

- the binary cross-entropy (BCE), thresholded at probability 0.5;
- the BCE with a positive weight that balances the classes;
- the soft Dice loss;

and finally the plain BCE model with its threshold tuned on held-out images.
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
    soft_dice_loss,
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
    """(n_images, n_pixels, 2): intensity and 3 x 3 mean of every pixel."""
    local_mean = ndimage.uniform_filter(images, size=(1, 3, 3))
    return np.stack([images, local_mean], axis=-1).reshape(len(images), -1, 2)


images_train, masks_train = make_images(60)
images_val, masks_val = make_images(40)
images_test, masks_test = make_images(60)
X_train, X_val, X_test = map(pixel_features, (images_train, images_val, images_test))
# One row per image, one column per pixel: the layout of skbce's losses.
y_train, y_val, y_test = (
    m.reshape(len(m), -1) for m in (masks_train, masks_val, masks_test)
)
print(f"foreground: {y_train.mean():.2%} of the pixels")

# %%
# Three fits of the same model
# ----------------------------
# The model is :math:`z = \beta_1 x_1 + \beta_2 x_2 + b` for every pixel. The
# BCE comes with its gradient :math:`p - y` in the logits, which the chain rule
# turns into the gradient in the coefficients.


def logits(theta, X):
    return X @ theta[:2] + theta[2]


def bce_and_gradient(theta, X, y, pos_weight=None):
    z = logits(theta, X)
    loss = binary_cross_entropy(y, z, pos_weight=pos_weight)
    grad_z = binary_cross_entropy_gradient(y, z, pos_weight=pos_weight)
    grad = np.append(np.einsum("ij,ijk->k", grad_z, X), grad_z.sum())
    return loss, grad


def fit(objective, start, **kwargs):
    return optimize.minimize(objective, start, method="L-BFGS-B", **kwargs).x


theta_bce = fit(bce_and_gradient, np.zeros(3), jac=True, args=(X_train, y_train))
balance = (1 - y_train.mean()) / y_train.mean()
theta_weighted = fit(
    bce_and_gradient, np.zeros(3), jac=True, args=(X_train, y_train, balance)
)
# The soft Dice loss of each image, averaged over images (a non-convex
# objective; it is started from the BCE solution).
theta_dice = fit(
    lambda theta: soft_dice_loss(y_train, logits(theta, X_train), axis=1).mean(),
    theta_bce,
)

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
    row[1].imshow(masks_test[index], cmap="gray")
    for ax, name in zip(row[2:], models):
        ax.imshow(predictions[name][index].reshape(SIZE, SIZE), cmap="gray")
for ax, title in zip(axes[0], ["image", "truth", *models]):
    ax.set_title(title, fontsize=9)
for ax in axes.ravel():
    ax.set_axis_off()
plt.show()
